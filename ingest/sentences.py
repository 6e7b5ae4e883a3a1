"""Sentence splitting for Persian and Arabic news text.

Persian uses hazm's SentenceTokenizer. Arabic uses the same end marks (. ! ? ؟ …).
Neither splits on the Arabic comma "،" or on "؛". Scraped pages often glue sentences
("...کردند.در این دیدار"); a space is restored after an end mark that is directly
followed by a letter, but not inside numbers ("3.5") or Latin abbreviations.
"""
from __future__ import annotations

import re
from functools import lru_cache

_GLUED = re.compile(r"([.!?؟…۔]+)(?=[\u0600-\u06FF«\"“])")
_END = re.compile(r"(?<=[.!?؟…۔])[\"»”)]*\s+|(?<=[。！？])")   # ۔ : the Urdu full stop; 。！？ CJK


@lru_cache(maxsize=1)
def _hazm_sentences():
    from hazm import SentenceTokenizer

    return SentenceTokenizer()


def split_sentences(paragraph: str, lang: str) -> list[str]:
    paragraph = _GLUED.sub(r"\1 ", paragraph.strip())
    if not paragraph:
        return []
    if lang == "fa":
        parts = _hazm_sentences().tokenize(paragraph)
    else:
        parts = _END.split(paragraph)
    return [p.strip() for p in parts if p and p.strip()]


def split_paragraphs(paragraphs: list[str], lang: str) -> list[str]:
    return [s for para in paragraphs for s in split_sentences(para, lang)]
