"""Sentence splitting for Persian and Arabic news text.

Persian uses hazm's SentenceTokenizer. Arabic (and other languages) use the same end
marks (. ! ? ؟ …). Neither splits on the Arabic comma "،" or on "؛". Scraped pages often
glue sentences ("...کردند.در این دیدار"); a space is restored after an end mark that is
directly followed by a letter, but not inside numbers ("3.5", "٢.٥", "۴۵.۲").

A dot after an initial or an abbreviation does not end a sentence: "(أ.ف.ب)", "د. برونو",
"U.S.", "Mr. Smith". hazm's tokenizer and the end-mark rule split there, and the
segmenters on PyPI that know Arabic or Persian (pysbd, sentencex) split at "د." and inside
"٢.٥" (sentencex) or at the Arabic comma and the colon (pysbd), so the pieces are joined
back here: Arabic-script abbreviations are written as single letters with dots (أ.ف.ب،
د.، ج.ا.ا، ق.م), which a short rule covers.

A "sentence" longer than ``MAX_SENTENCE_WORDS`` (text without punctuation, a transcript;
twice that for a sentence with commas) is cut at clause boundaries (as few cuts as needed,
or every clause of a text without any punctuation): after ";" "؛" ":", after a comma, after a finite Persian verb
(Persian is verb-final; hazm's Lemmatizer knows the conjugated forms), before a word that
opens a clause ("اما", "وقال", "however"...), and, failing all of those, at the length
limit. No library splits unpunctuated Persian/Arabic text, hence these rules.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

# End marks directly followed by an Arabic-script letter or an opening quote (not a digit:
# "۴۵.۲" and "٢.٥" are numbers).
# A closing quote or bracket after the mark stays with the sentence it closes ("...کرد.»در").
_GLUED = re.compile(r"(\w*)([.!?؟…۔]+)([\"»”’)\]]*)(?=[\u0600-\u065F\u066E-\u06EF\u06FA-\u06FF«\"“])")
# A sentence end: end marks, the quotes and brackets they close, then a space (cut after the
# closing marks, which stay with their sentence: 'وقال «نحن هنا.» ثم' keeps its "»").
# ۔ : the Urdu full stop; 。！？ CJK, cut right after the mark.
_END = re.compile(r"[.!?؟…۔]+([\"»”’)\]]*)\s+|(?<=[。！？])")
# The word before a final dot, and what precedes it.
_LAST_WORD = re.compile(r"(?:^|(?P<before>\S*)\s+|(?<=[^\w\s]))(?P<word>[^\W\d_]+)\.$")

# Latin abbreviations that are followed by a name or a number, not by a new sentence.
ABBREVIATIONS = frozenset("""mr mrs ms messrs dr prof st jr sr gen col lt sgt capt cpt maj adm gov sen rep
    rev hon pres supt det insp mt ft vs jan feb aug sep sept oct nov dec
    ee uu""".split())  # ee uu: Spanish "EE. UU." (United States)

MAX_SENTENCE_WORDS = 60
_CLAUSE_MARKS = re.compile(r"[,،;؛:]")
_MIN_PIECE_WORDS = 10

# Words that open a clause: a cut is made before them.
_CLAUSE_OPENERS = frozenset("""اما ولی لیکن زیرا سپس همچنین درحالیکه بنابراین
    لكن لكنّ ثم بينما حيث فيما كما وقال وأضاف واضاف وأكد واكد وأشار واشار وتابع وأوضح واوضح ولفت
    وبين واعتبر وذكر وكان وكانت وقالت وأعلن واعلن وأعلنت
    however but meanwhile while""".split())
# Persian auxiliaries and words that continue the verb phrase: no cut before them.
_FA_CONTINUATIONS = frozenset("است اند بود بودند باشد باشند شد شده شدند شود شوند که را".split())


# Persian datelines and the standard lede "به گزارش <source>، ..." ("as <source> reports");
# not "با توجه به گزارش" / "بنا به گزارش" ("according to the report"), which run on mid-sentence.
_LEDE = re.compile(r"(?<![\w\u200c])(?:تاریخ انتشار\s*:|کد خبر\s*:|(?<!توجه )(?<!بنا )(?<!طبق )"
                   r"به گزارش\s+(?:[^\s،؛,.:]+\s+){0,5}?[^\s،؛,.:]+\s*[،؛,])")
# "کرد./": the slash that Persian agencies put after a story's last sentence (end of
# message). It hides the sentence end from the splitters, so it is dropped.
_END_OF_MESSAGE = re.compile(r"([.!?؟…])\s*/+(?=\s|$)")
_MIN_WORDS_BEFORE_LEDE = 6
_ENDS_SENTENCE = re.compile(r"[.!?؟…۔:\"»”)]\s*$")


def is_abbreviation_dot(text: str) -> bool:
    """Whether the dot that ends ``text`` belongs to an initial or abbreviation
    ("أ.", "د.", "U.S.", "Mr.") rather than ending a sentence.

    A single letter after a number is an era mark ("٢٠٢٠ م.", "١٤٤١ ه.") and does end it.
    """
    match = _LAST_WORD.search(text[-64:])
    if match is None:
        return False
    word = match["word"]
    if len(word) == 1:
        before = match["before"] or ""
        return not (before and before[-1].isdigit())
    return word.lower() in ABBREVIATIONS


def _unglue(match: re.Match) -> str:
    word, marks, closing = match.group(1), match.group(2), match.group(3)
    if marks == "." and not closing and is_abbreviation_dot(word + "."):
        return match.group(0)          # "أ.ف.ب": a chain of initials
    quotes_before = match.string.count('"', 0, match.start(3))
    if closing.startswith('"') and quotes_before % 2 == 0:
        # An even number of straight quotes before it: this one opens the next sentence.
        return f"{word}{marks} {closing}"
    if not closing and match.string.startswith('"', match.end()):
        # 'بودیم." این': a quote written against the mark and followed by a space (not by
        # a letter, or ``closing`` would hold it) closes the sentence, whatever the count.
        return match.group(0)
    return f"{word}{marks}{closing} "


def _split_at_end_marks(text: str) -> list[str]:
    """``text`` cut after each sentence end (``_END``), closing quotes kept before the cut."""
    parts, start = [], 0
    for match in _END.finditer(text):
        cut = match.end(1) if match.group(1) is not None else match.end()
        parts.append(text[start:cut])
        start = match.end()
    parts.append(text[start:])
    return parts


@lru_cache(maxsize=1)
def _hazm_sentences():
    from hazm import SentenceTokenizer

    return SentenceTokenizer()


@lru_cache(maxsize=1)
def _persian_verbs() -> dict:
    from hazm import Lemmatizer

    return Lemmatizer().verbs


# Latin letters spelled in Arabic script, as agencies' and channels' initials are written
# ("جي. إن. إس" GNS, "سي. إن. إن" CNN, "بی. بی. سی"): a dot after one of them ends no
# sentence when the next piece opens with another one and its dot or bracket.
_LETTER_NAMES = ("ايه|أيه|إيه|بي|بی|سي|سی|دي|دی|إي|ای|إف|اف|جي|جی|إتش|اتش|آي|آی|جيه|کی|كي|كيه|إل|ال|إم|ام|إن|ان|"
                 "أو|او|كيو|آر|إس|اس|تي|تی|يو|یو|في|وی|دبليو|دبلیو|إكس|اکس|واي|وای|زد")
_LETTER_NAME_END = re.compile(rf"(?:^|[\s(«\"])(?:{_LETTER_NAMES})\.$")
_LETTER_NAME_START = re.compile(rf"^(?:{_LETTER_NAMES})(?:[.)»\"]|\s*$)")
# Two dotted letter names already ("سي. إن."): the next letter name is the initialism's last,
# written without a dot ("سي. إن. إن الأمريكية"), even when a word follows it.
_LETTER_CHAIN_END = re.compile(rf"(?:^|[\s(«\"])(?:{_LETTER_NAMES})\.\s*(?:{_LETTER_NAMES})\.$")
_LETTER_NAME_WORD = re.compile(rf"^(?:{_LETTER_NAMES})(?![^\W\d_])")


def _rejoin_abbreviations(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if out and (is_abbreviation_dot(out[-1])
                    or (_LETTER_NAME_END.search(out[-1]) and _LETTER_NAME_START.match(part))
                    or (_LETTER_CHAIN_END.search(out[-1]) and _LETTER_NAME_WORD.match(part))):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def _break_rank(words: list[str], i: int, lang: str) -> int:
    """How good a cut between ``words[i-1]`` and ``words[i]`` is (0: not a boundary)."""
    prev, nxt = words[i - 1], words[i]
    if prev.endswith((";", "؛", ":")):
        return 5
    if prev.endswith((",", "،")):
        return 4
    # A finite verb; participles ("کشته") and infinitives ("شدن") continue the clause.
    if lang == "fa" and nxt not in _FA_CONTINUATIONS and not prev.endswith(("ه", "ن")) \
            and prev in _persian_verbs():
        return 3
    if nxt.lower() in _CLAUSE_OPENERS:
        return 2
    if nxt in ("و", "and"):
        return 1
    return 0


def _cut_evenly(words: list[str], lang: str, max_words: int) -> list[str]:
    """Pieces of at most ``max_words`` words, of about even length, each cut at the best
    boundary near its target length (at the target itself when there is none)."""
    pieces: list[str] = []
    start = 0
    while len(words) - start > max_words:
        left = len(words) - start
        target = start + left / math.ceil(left / max_words)
        low, high = start + min(_MIN_PIECE_WORDS, max_words // 2), start + max_words
        best, best_key = min(max(round(target), low), high), (0, 0.0)
        for i in range(low, high + 1):
            rank = _break_rank(words, i, lang)
            key = (rank, -abs(i - target))
            if rank and key > best_key:
                best, best_key = i, key
        pieces.append(" ".join(words[start:best]))
        start = best
    pieces.append(" ".join(words[start:]))
    return pieces


def split_long_sentence(sentence: str, lang: str, max_words: int = MAX_SENTENCE_WORDS) -> list[str]:
    """``sentence`` cut at clause boundaries when it has more than ``max_words`` words
    (see the module docstring); a sentence within the limit is returned as it is.

    A punctuated sentence (commas, colons...) is cut only when it has more than twice
    ``max_words`` words, into as few pieces as the limit needs, at its best boundaries. Text without any punctuation is cut at every clause boundary that leaves
    pieces of at least ``_MIN_PIECE_WORDS`` words (its clauses are its sentences), and a
    piece still over the limit is then cut as a punctuated one."""
    words = sentence.split()
    if len(words) <= max_words:
        return [sentence]
    if _CLAUSE_MARKS.search(sentence):
        # Punctuated news sentences of 60-80 words are common and read well: only a
        # sentence of more than twice the limit is cut.
        return [sentence] if len(words) <= 2 * max_words else _cut_evenly(words, lang, max_words)
    clauses, start = [], 0
    for i in range(_MIN_PIECE_WORDS, len(words) - _MIN_PIECE_WORDS + 1):
        if i - start >= _MIN_PIECE_WORDS and _break_rank(words, i, lang) >= 2:
            clauses.append(words[start:i])
            start = i
    clauses.append(words[start:])
    return [piece for clause in clauses for piece in _cut_evenly(clause, lang, max_words)]


# "یکدیگرندبه گزارش ایرنا،": the lede's "به" glued to the last word before it.
_GLUED_LEDE = re.compile(r"(?<![\w\u200c])(?P<word>[^\W\d_]{2,}?)به(?=\s+گزارش\s)")


@lru_cache(maxsize=1)
def _persian_words() -> frozenset:
    from hazm import words_list

    return frozenset(entry[0] if isinstance(entry, tuple) else entry for entry in words_list())


def _unglue_lede(match: re.Match) -> str:
    # "مشابه گزارش", "تجربه گزارش" are words of their own: only a word that hazm's lexicon
    # does not know is taken apart.
    if match.group(0) in _persian_words():
        return match.group(0)
    return f"{match['word']} به"


def split_at_ledes(paragraph: str) -> list[str]:
    """``paragraph`` cut before each Persian news dateline or lede opener that follows
    other text without an end mark: a page flattened to one line (a JSONL record, a
    copied page) glues the site's headline list and the dateline to the article's
    first sentence, which then matches nothing in a report of the same event."""
    # A glued lede is then cut as any other, when its source is short (see _LEDE). Seed
    # 004's ("یکدیگرندبه گزارش حوزه دفاعی امنیتی گروه سیاسی باشگاه خبرنگاران جوان به نقل
    # از ...،") is longer and stays glued: cut, it tipped seeds 003-004 into one event
    # among the 42 sample articles (README, "Seeds").
    paragraph = _GLUED_LEDE.sub(_unglue_lede, paragraph)
    cuts: list[int] = []
    for match in _LEDE.finditer(paragraph):
        before = paragraph[cuts[-1] if cuts else 0:match.start()]
        # Only after a run of words that no end mark closed (headlines, a site name):
        # "مردم به گزارش ایرنا، اعتماد دارند" is a sentence, not a glued lede.
        if len(before.split()) >= _MIN_WORDS_BEFORE_LEDE and not _ENDS_SENTENCE.search(before):
            cuts.append(match.start())
    bounds = [0, *cuts, len(paragraph)]
    return [paragraph[a:b].strip() for a, b in zip(bounds, bounds[1:]) if paragraph[a:b].strip()]


def split_sentences(paragraph: str, lang: str, max_words: int | None = MAX_SENTENCE_WORDS) -> list[str]:
    """Sentences of a paragraph; those over ``max_words`` words are cut at clause
    boundaries (``split_long_sentence``; None: never)."""
    paragraph = _GLUED.sub(_unglue, _END_OF_MESSAGE.sub(r"\1", paragraph.strip()))
    if not paragraph:
        return []
    if lang == "fa":
        chunks = split_at_ledes(paragraph)
        if len(chunks) > 1:
            return [s for chunk in chunks for s in split_sentences(chunk, lang, max_words)]
        paragraph = chunks[0]   # with a glued lede's "به" taken apart ("یکدیگرند به گزارش")
    if lang == "fa":
        # hazm cuts only at a mark followed by a space; a mark that a closing quote follows
        # ("...بودیم.» سپس", '...بودیم." سپس') and "…" are cut as in other languages.
        parts = [piece for part in _hazm_sentences().tokenize(paragraph) for piece in _split_at_end_marks(part)]
    else:
        parts = _split_at_end_marks(paragraph)
    parts = _rejoin_abbreviations([p.strip() for p in parts if p and p.strip()])
    if max_words is None:
        return parts
    return [piece for part in parts for piece in split_long_sentence(part, lang, max_words)]


def split_paragraphs(paragraphs: list[str], lang: str) -> list[str]:
    return [s for para in paragraphs for s in split_sentences(para, lang)]
