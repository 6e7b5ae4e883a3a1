"""Text helpers for summarization: sentences from raw text, words, match anchors, furniture.

- ``text_sentences(text, lang)``: raw article text -> sentences. Hard-wrapped newspaper
  lines (a paragraph broken every ~12 words, as in EASC's Alrai articles) are joined
  before ``akhbar.ingest.split_sentences`` runs; short unpunctuated lines (headings)
  and bullet lines stay paragraphs of their own.
- ``anchors(sentence)``: the folded content words and numbers of a sentence (names,
  places, figures), used to tell that two sentences in different languages state the
  same fact: ``fold`` makes باقری/باقري and ۱۳۹۹/1399 equal, and Arabic article
  prefixes (ال، وال، بال، لل...) are stripped so العراق matches عراق.
- ``is_furniture(sentence)``: site furniture (share/comment prompts, news codes, URLs)
  that the ingest step may have left in a document.
"""
from __future__ import annotations

import re
from statistics import median

from akhbar.ingest import fold, fold_tokens, split_sentences

from .keywords import is_stopword

_END_MARKS = tuple(".!?؟…:;؛»\"”)")
_BULLET = re.compile(r"^\s*(?:[-–—•*▪●◦]|\(?\d{1,2}[).-])\s+")
_ARTICLE_PREFIXES = ("وبال", "وال", "فال", "بال", "کال", "لل", "ال")


def word_count(text: str) -> int:
    return len(text.split())


def truncate_words(text: str, max_words: int) -> str:
    words = text.split()
    return text if len(words) <= max_words else " ".join(words[:max_words])


def unwrap_lines(text: str) -> list[str]:
    """Paragraphs of a raw text, with hard-wrapped lines joined back together.

    A line is a wrapped piece of a paragraph when it does not end with a sentence mark
    and is not much shorter than the text's typical line (a heading is short), and the
    next line is not a bullet.
    """
    lines = [ln.strip() for ln in text.splitlines()]
    lengths = [word_count(ln) for ln in lines if ln]
    if not lengths:
        return []
    typical = median(lengths)
    paragraphs: list[str] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if _BULLET.match(line) and current:
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
        following = next((ln for ln in lines[i + 1:] if ln), None)
        wrapped = (not line.endswith(_END_MARKS) and word_count(line) >= 0.6 * typical
                   and following is not None and not _BULLET.match(following)
                   and lines[i + 1:i + 2] != [""])
        if not wrapped:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def text_sentences(text: str, lang: str) -> list[str]:
    """Sentences of a raw text (see ``unwrap_lines``); text-only fragments are dropped."""
    from akhbar.ingest import normalize_text

    out = []
    for paragraph in unwrap_lines(text):
        for sentence in split_sentences(normalize_text(paragraph, lang), lang):
            if any(ch.isalnum() for ch in sentence):
                out.append(sentence)
    return out


def strip_article(token: str) -> str:
    """Drop an Arabic article prefix from a folded token (العراق -> عراق)."""
    for prefix in _ARTICLE_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            return token[len(prefix):]
    return token


def anchors(sentence: str) -> frozenset[str]:
    """Folded content words (article prefix removed) and numbers of a sentence."""
    return token_anchors(fold_tokens(sentence))


def token_anchors(tokens: list[str]) -> frozenset[str]:
    """``anchors`` of a sentence already split into folded tokens (``fold_tokens``)."""
    out = set()
    for token in tokens:
        if token.isdigit():
            out.add(token.lstrip("0") or "0")
            continue
        if len(token) < 3 or is_stopword(token):
            continue
        stripped = strip_article(token)
        if not is_stopword(stripped):
            out.add(stripped)
    return frozenset(out)


def anchor_overlap(a: frozenset[str], b: frozenset[str]) -> tuple[int, float]:
    """(shared count, overlap coefficient) of two anchor sets."""
    if not a or not b:
        return 0, 0.0
    shared = len(a & b)
    return shared, shared / min(len(a), len(b))


_FURNITURE = [fold(p) for p in (
    "کد خبر", "تاریخ انتشار", "ارسال نظر", "نظرات", "اخبار مرتبط", "خبرهای مرتبط", "انتهای پیام",
    "برچسب ها", "برچسب‌ها", "اشتراک گذاری", "لینک کوتاه", "چاپ خبر", "آخرین اخبار", "پربازدیدترین",
    "نشانی ایمیل", "منتشر نخواهد شد",
    "اقرأ أيضا", "اقرأ أيضاً", "مواضيع ذات صلة", "أخبار ذات صلة", "أضف تعليق", "اضف تعليقك",
    "التعليقات", "العودة إلى الأعلى", "العودة للأعلى", "شارك على", "مشاركة على", "طباعة",
    "جميع الحقوق محفوظة", "بريدك الإلكتروني", "اشترك في",
)]
_URL = re.compile(r"https?://|www\.|\S+@\S+\.\w+")


_SENTENCE_END = re.compile(r"[.!?؟…»\"”)]\s*$")


def is_furniture(sentence: str, max_words: int = 14) -> bool:
    """Site furniture: URLs/e-mails, or a short line with a known site label.

    A line with a label is furniture when it is not a sentence (no full stop at its end:
    "کد خبر: ۶۶۸۶۸"), when the label is followed by a colon ("اقرأ أيضا: ..."), or when it
    says little more than the label (at most 3 words more: "نشانی ایمیل شما منتشر نخواهد
    شد."). Some labels are ordinary words (نظرات, التعليقات, طباعة, آخرین اخبار): a
    sentence of the news that uses one ("نظرات کارشناسان درباره این توافق متفاوت است.")
    is not furniture."""
    if _URL.search(sentence) and word_count(_URL.sub("", sentence)) < max_words:
        return True
    words = word_count(sentence)
    if words > max_words:
        return False
    folded = fold(sentence)
    labels = [label for label in _FURNITURE if label in folded]
    if not labels:
        return False
    if not _SENTENCE_END.search(sentence) or any(re.search(re.escape(label) + r"\s*:", folded) for label in labels):
        return True
    return words <= max(len(label.split()) for label in labels) + 3
