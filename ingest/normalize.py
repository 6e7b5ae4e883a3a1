"""Persian and Arabic normalization.

Two levels:
- ``normalize_text(text, lang)``: the display form kept in documents. Persian goes
  through hazm's Normalizer; Arabic gets the orthographic clean-up hazm does not do
  for Arabic (diacritics, tatweel, presentation forms, spacing).
- ``fold(text)``: an aggressive, script-neutral matching key used to compare names,
  numbers and words across fa/ar (and to score ROUGE). It folds alef forms,
  Arabic/Persian yeh and kaf, teh marbuta and heh, removes diacritics, tatweel and
  ZWNJ, and maps Persian/Arabic-Indic digits to ASCII. No library offers this
  cross-language (fa<->ar) folding, so it is written here.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks).
_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]")
_TATWEEL = "\u0640"
ZWNJ = "\u200c"
_INVISIBLE = re.compile(r"[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")

# Scripts written without spaces between words: each character counts as a word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def count_words(text: str) -> int:
    """Words separated by spaces; a CJK character is a word of its own."""
    return sum(max(1, len(_CJK.findall(token))) for token in text.split())


_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا"})
_YEH_KAF = str.maketrans({"ي": "ی", "ى": "ی", "ئ": "ی", "ۍ": "ی", "ې": "ی", "ك": "ک", "ڪ": "ک"})
_FOLD_EXTRA = str.maketrans({"ة": "ه", "ۀ": "ه", "ؤ": "و", "ء": "", "ٔ": ""})

# Arabic-script punctuation that should be spaced like Latin punctuation.
_AR_PUNCT_SPACE = re.compile(r"\s+([،؛؟!.:,;?])")


def to_ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)


def strip_marks(text: str) -> str:
    """Remove diacritics, tatweel and invisible control characters."""
    text = _DIACRITICS.sub("", text).replace(_TATWEEL, "")
    return _INVISIBLE.sub("", text)


@lru_cache(maxsize=1)
def _hazm_normalizer():
    from hazm import Normalizer

    # Keep the digits as written: digits are folded only in match keys.
    # persian_style=False: its rule rewrites "6.3" as "6٫3", which correct_spacing then
    # tokenizes apart into "6 ٫ 3" (hazm's WordTokenizer keeps only [\d.:]+ together).
    return Normalizer(persian_numbers=False, persian_style=False)


# The Arabic decimal separator between digits; "." is the one hazm keeps inside numbers.
_DECIMAL_SEPARATOR = re.compile(r"(?<=\d)\u066b(?=\d)")


def normalize_persian(text: str) -> str:
    """hazm's Normalizer; a decimal number keeps its digits, with "." as separator."""
    text = _DECIMAL_SEPARATOR.sub(".", unicodedata.normalize("NFKC", text))
    return _hazm_normalizer().normalize(text)


def normalize_arabic(text: str) -> str:
    """Orthographic normalization that keeps Arabic text readable.

    Alef forms and teh marbuta are *not* folded here (they carry meaning a reader
    sees); they are folded in ``fold`` for matching only.
    """
    text = unicodedata.normalize("NFKC", text)  # presentation forms -> base letters
    text = strip_marks(text)
    text = _AR_PUNCT_SPACE.sub(r"\1", text)
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def normalize_text(text: str, lang: str) -> str:
    if lang == "fa":
        return normalize_persian(text)
    if lang in ("ar", "ur"):
        return normalize_arabic(text)
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[ \t\u00a0]+", " ", _INVISIBLE.sub("", text)).strip()


def _fold_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = strip_marks(text).replace(ZWNJ, "")
    text = text.translate(_ALEF).translate(_YEH_KAF).translate(_FOLD_EXTRA)
    return to_ascii_digits(text).lower()


def fold(text: str) -> str:
    """Script-neutral match key for fa/ar text (lower-cased for other scripts).

    Idempotent: ``fold(fold(t)) == fold(t)``. Removing a mark or ZWNJ can bring two
    characters together that NFKC then composes (``e`` ZWNJ U+0301 -> ``é``), so the
    folding is repeated until the text is stable.
    """
    text = _fold_once(text)
    for _ in range(4):
        if unicodedata.is_normalized("NFKC", text):
            break
        text = _fold_once(text)
    return text


_WORD = re.compile(r"\w+", re.UNICODE)


def fold_tokens(text: str) -> list[str]:
    """Folded word tokens (``\\w+`` after ``fold``)."""
    return _WORD.findall(fold(text))
