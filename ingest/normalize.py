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


# Character references with their semicolon ("&#171;", "&#x27;", "&quot;", "&rsquo;"): scraped
# titles and bodies saved as plain text or JSON often keep them. Only the terminated form is
# decoded; html.unescape alone would also read "&copy" inside "&copyright" or "R&amp".
_CHAR_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_char_references(text: str) -> str:
    """Text with HTML character references decoded ("&#171;کورونا&#187;" -> "«کورونا»").
    A reference to a line break or tab ("&#10;", "&NewLine;") becomes a space: a one-line
    record stays one line. Unknown names ("&foo;") and references to no character or to one
    that cannot be text ("&#0;", "&#1;", "&#xD800;", "&#x110000;", "&#xFFFF;") stay as written."""
    if "&" not in text:
        return text
    import html

    def decoded(match: re.Match) -> str:
        reference = match.group(0)
        value = html.unescape(reference)
        if value == reference or not value:
            return reference
        if value == "\ufffd" and _referenced_code_point(reference) != 0xFFFD:
            return reference                 # html.unescape's stand-in for an invalid code point
        if all(ch in _WHITESPACE_CONTROLS for ch in value):
            return " "
        if any(unicodedata.category(ch) in ("Cc", "Cs", "Cn") for ch in value):
            return reference
        return value

    return _CHAR_REFERENCE.sub(decoded, text)


_WHITESPACE_CONTROLS = "\t\n\r\x0b\x0c\x85\u2028\u2029"


def _referenced_code_point(reference: str) -> int | None:
    """The code point a numeric reference names ("&#x27;" -> 0x27); None for a named one."""
    if not reference.startswith("&#"):
        return None
    digits = reference[2:-1]
    return int(digits[1:], 16) if digits[0] in "xX" else int(digits)


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


# Characters typed for the Persian half-space (ZWNJ) by keyboards and converters that
# lack it: a left-to-right or right-to-left mark, a zero-width space, and the "¬" that some
# corpora (Hamshahri) and old code pages use ("حرفه\u200eای\u200eگری", "می¬شود"). Between
# two Arabic-script letters each is read as ZWNJ; hazm keeps them as they are.
_ARABIC_LETTER = r"[\u0620-\u064A\u066E-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FF]"
_HALF_SPACE_STANDINS = re.compile(rf"(?<={_ARABIC_LETTER})[\u200b\u200e\u200f\u00ac]+(?={_ARABIC_LETTER})")

# Tokens that hazm's correct_spacing takes apart, as its word tokenizer splits at every
# "/", ",", "-" and letter-digit change and its punctuation rules put a space after every
# ".": numbers with separators ("۱,۲۰۰,۰۰۰" -> "۱ , ۲۰۰ , ۰۰۰", "۱۳۹۹/۰۸/۲۵" -> "۱۳۹۹ / ۰۸ /
# ۲۵"), Latin names with digits ("F-35" -> "F- 35", "MH17" -> "MH 17"), initials ("U.S." ->
# "U. S."), links and e-mail addresses. They are kept as written: names and numbers are
# matched across articles and languages, and the Arabic text of the same report keeps them.
_LATIN_OR_DIGIT = r"[A-Za-z0-9\u0660-\u0669\u06F0-\u06F9]"
_KEEP_AS_WRITTEN = re.compile(
    r"(?:https?://|www\.)[^\s«»()\[\]{}<>\"'،؛]+"                       # links
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"          # e-mail addresses
    r"|(?<![A-Za-z.])(?:[A-Za-z]\.){2,}"                                   # initials: U.S., A.I.
    rf"|(?<![\w\u200c]){_LATIN_OR_DIGIT}+(?:[-.,/:_'’\u066b\u066c]{_LATIN_OR_DIGIT}+)+"   # F-35, ۱,۲۰۰
    r"|(?<![\w\u200c])(?:[A-Za-z]+[0-9]|[0-9]+[A-Za-z])[A-Za-z0-9]*"     # MH17, 4G
    rf"|(?<={_ARABIC_LETTER})-{_LATIN_OR_DIGIT}+(?![\w\u200c])"              # کووید-۱۹: its "-۱۹"
    # a closing quote written against the sentence's end mark ('...بودیم." این'), which
    # hazm detaches from it ('بودیم. " این') so that it opens the next sentence
    r'|[.!?؟…]+["”](?=\s|$)')
_TRAILING_PUNCT = ".,:;!?"
_PLACEHOLDER = "qzph{}zq"


def _placeholder_key(index: int) -> str:
    letters = ""
    while True:
        index, rest = divmod(index, 26)
        letters += chr(ord("a") + rest)
        if not index:
            return _PLACEHOLDER.format(letters)


def _protect(text: str) -> tuple[str, dict[str, str]]:
    """``text`` with each token that hazm would take apart replaced by a Latin placeholder
    that hazm leaves alone, and the placeholders' original text."""
    if _PLACEHOLDER.format("")[:4] in text:
        return text, {}
    kept: dict[str, str] = {}

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token.startswith(("http", "www.")):
            stripped = token.rstrip(_TRAILING_PUNCT)
            tail, token = token[len(stripped):], stripped
        else:
            tail = ""
        key = _placeholder_key(len(kept))
        kept[key] = token
        # hazm puts a space between a number and a Persian word glued to it ("۹متر").
        after = text[match.end():match.end() + 1]
        space = " " if not tail and token[-1].isdigit() and re.match(_ARABIC_LETTER, after or " ") else ""
        before = text[match.start() - 1:match.start()] if match.start() else ""
        lead = " " if token[0].isdigit() and re.match(_ARABIC_LETTER, before or " ") else ""
        return lead + key + tail + space

    return _KEEP_AS_WRITTEN.sub(replace, text), kept


def _restore(text: str, kept: dict[str, str]) -> str:
    if not kept:
        return text
    return re.sub(_PLACEHOLDER.format("[a-z]+"), lambda m: kept.get(m.group(0), m.group(0)), text)


def normalize_persian(text: str) -> str:
    """hazm's Normalizer; a decimal number keeps its digits, with "." as separator;
    stand-ins for ZWNJ become ZWNJ and other invisible controls are removed; numbers,
    links and Latin names with digits or dots are kept as written (see above)."""
    text = _DECIMAL_SEPARATOR.sub(".", unicodedata.normalize("NFKC", text))
    text = _INVISIBLE.sub("", _HALF_SPACE_STANDINS.sub(ZWNJ, text))
    text, kept = _protect(text)
    return _restore(_hazm_normalizer().normalize(text), kept)


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
