"""Language identification with lingua (a maintained, offline detector).

Persian, Arabic and Urdu share the script, so the detector is built over a fixed set
of languages that includes Urdu (so Urdu is never taken for Persian) and the other
languages news pipelines meet.
"""
from __future__ import annotations

from functools import lru_cache

_LANGS = (
    "PERSIAN", "ARABIC", "URDU", "ENGLISH", "TURKISH", "FRENCH", "GERMAN", "SPANISH",
    "PORTUGUESE", "RUSSIAN", "SLOVENE", "CHINESE", "HEBREW",
)
_ISO3_TO_1 = {
    "fas": "fa", "per": "fa", "pes": "fa", "ara": "ar", "arb": "ar", "urd": "ur",
    "eng": "en", "tur": "tr", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de",
    "spa": "es", "por": "pt", "rus": "ru", "slv": "sl", "zho": "zh", "chi": "zh",
    "heb": "he",
}


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    langs = [getattr(Language, name) for name in _LANGS]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def normalize_lang_code(code: str | None) -> str | None:
    """Map a language label given by the input (ISO 639-1/3, any case) to ISO 639-1."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    if len(code) == 2:
        return code
    return _ISO3_TO_1.get(code, code)


def detect_language(text: str, min_confidence: float = 0.5) -> str:
    """ISO 639-1 code of the text's language, or "other" when unsure or unknown."""
    sample = text[:2000]
    if not any(ch.isalpha() for ch in sample):
        return "other"
    detector = _detector()
    values = detector.compute_language_confidence_values(sample)
    if not values or values[0].value < min_confidence:
        return "other"
    return values[0].language.iso_code_639_1.name.lower()
