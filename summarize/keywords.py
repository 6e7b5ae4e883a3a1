"""Stopwords and keywords for Persian and Arabic.

Stopword sources (both lists are folded with ``akhbar.ingest.fold`` before use, so
they match any spelling of alef, yeh, kaf, teh marbuta):
- Persian: hazm's ``stopwords_list()`` (hazm is a dependency of the package).
- Arabic: the ``stop-words`` PyPI package (``stop_words.get_stop_words("arabic")``,
  BSD-3-Clause, maintained). NLTK's Arabic list needs the ``stopwords`` corpus to be
  downloaded, which is not available offline, so it is not used. A conjunction or
  preposition prefix (و، ف، ب، ل) in front of a stopword (وهذا، فيه...) is a stopword too.

Keywords of a cluster are folded words (Arabic article prefix removed, so العراق and
عراق count as one) scored by frequency x document spread x a bonus for appearing in
both languages, and shown in their most frequent written form.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache

from akhbar.ingest import fold, fold_tokens

_CLITICS = ("و", "ف", "ب", "ل")
# Words of news prose that carry no topic (both languages), on top of the lists.
_EXTRA = ("گفت", "افزود", "کرد", "کردند", "شد", "شده", "است", "گزارش", "خبرگزاری", "امروز", "روز",
          "شده‌اند", "کرده‌اند", "شده‌است", "کرده‌است", "بوده‌است", "می‌شود", "می‌کند", "می‌شوند", "خواهد",
          "قال", "وقال", "اضاف", "واضاف", "اكد", "واكد", "اشار", "واشار", "الى", "خلال", "ايضا")


@lru_cache(maxsize=1)
def persian_stopwords() -> frozenset[str]:
    from hazm import stopwords_list

    return frozenset(fold(w.replace("_", " ")) for w in stopwords_list()) | frozenset(
        t for w in stopwords_list() for t in fold_tokens(w.replace("_", " ")))


@lru_cache(maxsize=1)
def arabic_stopwords() -> frozenset[str]:
    try:
        from stop_words import get_stop_words
    except ImportError:  # pragma: no cover - declared dependency
        return frozenset()
    return frozenset(fold(w) for w in get_stop_words("arabic"))


@lru_cache(maxsize=1)
def _all_stopwords() -> frozenset[str]:
    return persian_stopwords() | arabic_stopwords() | frozenset(fold(w) for w in _EXTRA)


def stopwords(lang: str | None = None) -> frozenset[str]:
    """Folded stopwords of 'fa', 'ar', or (None) of both."""
    if lang == "fa":
        return persian_stopwords()
    if lang == "ar":
        return arabic_stopwords()
    return _all_stopwords()


def is_stopword(token: str, lang: str | None = None) -> bool:
    """Whether a folded token is a stopword (also with a clitic و/ف/ب/ل in front)."""
    words = stopwords(lang)
    if token in words:
        return True
    return len(token) > 2 and token[0] in _CLITICS and token[1:] in words


def _key(token: str) -> str | None:
    from .text import strip_article

    if token.isdigit() or len(token) < 3 or is_stopword(token):
        return None
    key = strip_article(token)
    return None if is_stopword(key) or len(key) < 3 else key


def extract_keywords(texts_by_doc: list[tuple[str, list[str]]], top_k: int = 10,
                     prefer_lang: str | None = None) -> list[str]:
    """Keywords of a cluster.

    texts_by_doc: (lang, texts) per document, e.g. the title and sentences.
    prefer_lang: show a keyword in this language's spelling when it has one.
    """
    import re

    word = re.compile(r"\w+(?:\u200c\w+)*")  # a Persian word keeps its ZWNJ (سرپل‌ذهاب) when shown
    freq: Counter = Counter()
    docs: dict[str, set[int]] = defaultdict(set)
    langs: dict[str, set[str]] = defaultdict(set)
    surface: dict[str, Counter] = defaultdict(Counter)
    folded_of: dict[str, tuple[str, str | None]] = {}  # raw word -> (folded, key): news repeats its words
    for index, (lang, texts) in enumerate(texts_by_doc):
        for text in texts:
            for raw in word.findall(text):
                if raw not in folded_of:
                    folded = fold(raw)
                    folded_of[raw] = (folded, _key(folded))
                folded, key = folded_of[raw]
                if key is None or not key.isalpha():
                    continue
                freq[key] += 1
                docs[key].add(index)
                langs[key].add(lang)
                weight = 2 if prefer_lang and lang == prefer_lang else 1
                # Prefer the written form without the article prefix (عراق over العراق).
                shown = raw if folded == key else None
                surface[key][shown or raw] += weight * (2 if shown else 1)
    n_docs = max(len(texts_by_doc), 1)
    scored = []
    for key, count in freq.items():
        spread = len(docs[key]) / n_docs
        cross = 1.5 if len(langs[key]) > 1 else 1.0
        scored.append((count * (0.5 + spread) * cross, key))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [surface[key].most_common(1)[0][0] for _, key in scored[:top_k]]
