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
# ISO 639-1 (all 184 codes) and the ISO 639-2/T, 639-2/B and 639-3 codes of those languages.
_ISO1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz
ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii
ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi
mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw
sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug
uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split())
_ISO3_TO_1 = dict(pair.split(":") for pair in """
aar:aa abk:ab ave:ae afr:af aka:ak amh:am arg:an ara:ar asm:as ava:av aym:ay aze:az bak:ba bel:be
bul:bg bis:bi bam:bm ben:bn bod:bo tib:bo bre:br bos:bs cat:ca che:ce cha:ch cos:co cre:cr ces:cs
cze:cs chu:cu chv:cv cym:cy wel:cy dan:da deu:de ger:de div:dv dzo:dz ewe:ee ell:el gre:el eng:en
epo:eo spa:es est:et baq:eu eus:eu fas:fa per:fa ful:ff fin:fi fij:fj fao:fo fra:fr fre:fr fry:fy
gle:ga gla:gd glg:gl grn:gn guj:gu glv:gv hau:ha heb:he hin:hi hmo:ho hrv:hr hat:ht hun:hu arm:hy
hye:hy her:hz ina:ia ind:id ile:ie ibo:ig iii:ii ipk:ik ido:io ice:is isl:is ita:it iku:iu jpn:ja
jav:jv geo:ka kat:ka kon:kg kik:ki kua:kj kaz:kk kal:kl khm:km kan:kn kor:ko kau:kr kas:ks kur:ku
kom:kv cor:kw kir:ky lat:la ltz:lb lug:lg lim:li lin:ln lao:lo lit:lt lub:lu lav:lv mlg:mg mah:mh
mao:mi mri:mi mac:mk mkd:mk mal:ml mon:mn mar:mr may:ms msa:ms mlt:mt bur:my mya:my nau:na nob:nb
nde:nd nep:ne ndo:ng dut:nl nld:nl nno:nn nor:no nbl:nr nav:nv nya:ny oci:oc oji:oj orm:om ori:or
oss:os pan:pa pli:pi pol:pl pus:ps por:pt que:qu roh:rm run:rn ron:ro rum:ro rus:ru kin:rw san:sa
srd:sc snd:sd sme:se sag:sg hbs:sh sin:si slk:sk slo:sk slv:sl smo:sm sna:sn som:so alb:sq sqi:sq
srp:sr ssw:ss sot:st sun:su swe:sv swa:sw tam:ta tel:te tgk:tg tha:th tir:ti tuk:tk tgl:tl tsn:tn
ton:to tur:tr tso:ts tat:tt twi:tw tah:ty uig:ug ukr:uk urd:ur uzb:uz ven:ve vie:vi vol:vo wln:wa
wol:wo xho:xh yid:yi yor:yo zha:za chi:zh zho:zh zul:zu
pes:fa prs:fa arb:ar arz:ar apc:ar ajp:ar acm:ar afb:ar ary:ar aeb:ar cmn:zh""".split())
_ALIASES = {"iw": "he", "in": "id", "ji": "yi"}       # withdrawn ISO 639-1 codes still in use


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    langs = [getattr(Language, name) for name in _LANGS]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def normalize_lang_code(code: str | None) -> str | None:
    """Map a language label given by the input (ISO 639-1/2/3 or a BCP 47 tag such as
    "fa-IR", any case) to ISO 639-1; None when it is not a known code (e.g. "xx-yy"), so
    that the language is identified from the text instead."""
    if not code or not isinstance(code, str):
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    code = _ALIASES.get(code, code)
    if code in _ISO1:
        return code
    return _ISO3_TO_1.get(code)


# lingua has neither Pashto nor Kurdish, and takes both for Persian or Arabic, after which
# Persian normalization would rewrite their own letters (ښ -> س). Each writes letters that
# Persian, Arabic and Urdu do not use; a text where they make up a share of the letters is
# labelled by them (written here: no maintained detector covers these languages offline).
_OWN_LETTERS = {
    "ps": frozenset("ښږځڅړټډڼۍېګ"),       # Pashto
    "ku": frozenset("ێۆڵڕەڤ"),              # Kurdish (Sorani, Arabic script)
}
_OWN_LETTER_SHARE = 0.01


def _arabic_script_language(sample: str) -> str | None:
    letters = [ch for ch in sample if ch.isalpha()]
    counts = {lang: sum(ch in own for ch in letters) for lang, own in _OWN_LETTERS.items()}
    lang, count = max(counts.items(), key=lambda item: item[1])
    return lang if count >= 3 and count >= _OWN_LETTER_SHARE * len(letters) else None


def detect_language(text: str, min_confidence: float = 0.5) -> str:
    """ISO 639-1 code of the text's language, or "other" when unsure or unknown."""
    sample = text[:2000]
    if not any(ch.isalpha() for ch in sample):
        return "other"
    detector = _detector()
    values = detector.compute_language_confidence_values(sample)
    if not values or values[0].value < min_confidence:
        return "other"
    lang = values[0].language.iso_code_639_1.name.lower()
    if lang in ("fa", "ar", "ur"):
        return _arabic_script_language(sample) or lang
    return lang
