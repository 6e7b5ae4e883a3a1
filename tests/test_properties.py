"""Property-based tests (hypothesis) for ingest and normalization over arbitrary Unicode:
nothing crashes, keys are stable, every input is accounted for."""
from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar.ingest import (DuplicateDetector, Ingestor, JsonlFields, decode_bytes, find_dates, fold,
                           fold_tokens, normalize_text, split_sentences)
from akhbar.ingest.boilerplate import clean_scraped_text, extract_html
from akhbar.ingest.normalize import ZWNJ, _DIACRITICS
from akhbar.ingest.readers import InputError, read_jsonl
from akhbar.types import Article, Document, Skipped

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))

# Arabic-script letters, marks, digits, ZWNJ/ZWJ, tatweel, punctuation and spaces, mixed
# with anything Unicode has: the material that trips normalizers.
ARABIC_BLOCK = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
SPECIALS = st.sampled_from(list("\u200c\u200d\u0640\u064b\u0651\u0670\u06f1\u0661،؛؟.!« »\n \t-:/")
                           + ["\ufeff", "\u202b", "\u00a0", "ﻻ", "ﷺ", "\u0301", "e", "İ"])
SCRIPTY = st.text(st.one_of(ARABIC_BLOCK, SPECIALS, st.characters()), max_size=200)
ANY_TEXT = st.one_of(st.text(max_size=200), SCRIPTY)
LANGS = st.sampled_from(["fa", "ar", "ur", "en", "tr", "other"])


@FAST
@given(ANY_TEXT)
def test_fold_is_idempotent_and_clean(text):
    folded = fold(text)
    assert isinstance(folded, str)
    assert fold(folded) == folded
    assert ZWNJ not in folded and "\u0640" not in folded
    assert not _DIACRITICS.search(folded)
    assert not any(ch in folded for ch in "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")


@FAST
@given(ANY_TEXT)
def test_fold_tokens_are_folded_words(text):
    tokens = fold_tokens(text)
    assert all(tok and fold(tok) == tok and not any(ch.isspace() for ch in tok) for tok in tokens)


@FAST
@given(ANY_TEXT, LANGS)
def test_normalize_text_returns_str(text, lang):
    out = normalize_text(text, lang)
    assert isinstance(out, str)
    assert out == out.strip() or lang == "fa"


@FAST
@given(ANY_TEXT)
def test_arabic_normalization_is_idempotent(text):
    once = normalize_text(text, "ar")
    assert normalize_text(once, "ar") == once


@FAST
@given(ANY_TEXT, LANGS)
def test_sentence_split_keeps_every_word(text, lang):
    sentences = split_sentences(text, lang)
    assert all(isinstance(s, str) and s and s == s.strip() for s in sentences)
    assert "".join(fold_tokens(" ".join(sentences))) == "".join(fold_tokens(text))


@FAST
@given(st.binary(max_size=2000))
def test_decode_bytes_raises_only_input_error(data):
    try:
        text = decode_bytes(data, "blob")
    except InputError as err:
        assert "blob" in str(err)
    else:
        assert isinstance(text, str)


@FAST
@given(st.text(st.one_of(ARABIC_BLOCK, st.sampled_from(" \n.،")), min_size=1, max_size=300),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_decode_round_trip_unicode_encodings(text, encoding):
    assert decode_bytes(text.encode(encoding), "x") == text


# Letters windows-1256 can encode (Arabic plus the Persian letters it has).
CP1256_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهيةءأإآؤئى"


@FAST
@given(st.lists(st.text(st.sampled_from(CP1256_LETTERS), min_size=2, max_size=9), min_size=4, max_size=40))
def test_decode_round_trip_windows_1256(words):
    text = " ".join(words)
    assert decode_bytes(text.encode("cp1256"), "x") == text


@pytest.mark.parametrize("text", ["أپ أپ أپ أپ", "آپ آپ آپ آپ", "سگ رگ بگ اک"])
def test_windows_1256_whose_bytes_are_also_utf8_is_read_as_windows_1256(text):
    # Found by test_decode_round_trip_windows_1256: "أپ" is C3 81, UTF-8 "Á"; "آپ" is C2 81,
    # a UTF-8 control character (the file was refused as binary).
    assert decode_bytes(text.encode("cp1256"), "x") == text


@pytest.mark.parametrize("text", ["Straße", "Día de la canción", "Привет, как дела?", "ÁÉÍ ÓÚ",
                                  '{"id": "Á"}', "سلام بر شما"])
def test_utf8_with_letters_windows_1256_would_also_map_stays_utf8(text):
    assert decode_bytes(text.encode("utf-8"), "x") == text


@FAST
@given(ANY_TEXT)
def test_find_dates_never_crashes(text):
    for found in find_dates(text.splitlines() or [text]):
        assert isinstance(found.value, date) and found.calendar in ("jalali", "hijri", "gregorian")


@FAST
@given(ANY_TEXT)
def test_clean_scraped_text_only_partitions_lines(text):
    cleaned = clean_scraped_text(text)
    lines = {" ".join(ln.split()) for ln in text.splitlines()}
    kept = list(cleaned.paragraphs) + ([cleaned.title] if cleaned.title else [])
    assert all(" ".join(p.split()) in lines for p in kept + cleaned.removed)


@SLOW
@given(ANY_TEXT, st.booleans(), st.one_of(st.none(), LANGS))
def test_ingestor_never_crashes(text, is_html, lang):
    result = Ingestor().transform_safe(Article("a", text, "a.txt", is_html=is_html, lang=lang))
    assert isinstance(result, (Document, Skipped))
    assert result.id == "a"
    if isinstance(result, Skipped):
        assert result.reason and "could not process" not in result.reason, result.reason
    else:
        assert result.sentences and all(isinstance(s, str) and s for s in result.sentences)


@SLOW
@given(ANY_TEXT)
def test_extract_html_never_crashes(text):
    title, body = extract_html("<html><body><p>" + text + "</p><script>x()</script></body></html>")
    assert isinstance(body, str) and (title is None or isinstance(title, str))
    assert "x()" not in body


@FAST
@given(st.lists(st.one_of(st.text(max_size=80),
                          st.builds(lambda t, i: json.dumps({"id": i, "text": t}, ensure_ascii=False),
                                    ANY_TEXT, st.one_of(st.integers(), st.text(max_size=5), st.none()))),
                max_size=12))
def test_every_jsonl_line_is_accounted_for(tmp_path_factory, lines):
    lines = [ln.replace("\n", " ").replace("\r", " ") for ln in lines]
    path = tmp_path_factory.mktemp("jsonl") / "in.jsonl"
    path.write_bytes("".join(ln + "\n" for ln in lines).encode("utf-8", errors="surrogatepass"))
    items = list(read_jsonl(path, JsonlFields()))
    if not lines:  # an empty file is itself accounted for
        assert [(it.source, it.reason) for it in items] == [(str(path), "empty file (no JSON lines)")]
        return
    if [it.source for it in items] == [str(path)]:
        # A file that opens as one JSON document (e.g. "[") and is cut short is one skip.
        assert isinstance(items[0], Skipped) and items[0].reason.startswith("one JSON document")
        return
    # One item per line (U+2028 and friends are not line ends in JSONL).
    assert [it.source.rsplit(":", 1)[1] for it in items] == [str(i) for i in range(1, len(lines) + 1)]
    assert all(isinstance(it, (Article, Skipped)) for it in items)


WORDS = st.sampled_from("وزیر دفاع عراق ایران تهران دیدار کرد گفت همکاری امنیت مرز سند امضا "
                        "الدفاع العراقي طهران التعاون".split())


@FAST
@given(st.lists(st.lists(WORDS, min_size=1, max_size=45), min_size=1, max_size=8), st.randoms())
def test_duplicate_grouping_is_order_independent(bodies, rnd):
    docs = [Document(f"d{i}", "fa", "t", [" ".join(words)], "s") for i, words in enumerate(bodies)]
    docs += [Document(f"c{i}", "fa", "t", list(d.sentences), "s") for i, d in enumerate(docs[:2])]
    detector = DuplicateDetector()
    reference = detector.find(docs)
    shuffled = list(docs)
    rnd.shuffle(shuffled)
    assert detector.find(shuffled) == reference
    duplicates = {m.id for m in reference}
    for match in reference:
        assert match.duplicate_of < match.id and match.duplicate_of not in duplicates
        assert match.similarity >= detector.threshold
    assert {"c0", "c1"} & {d.id for d in docs} <= duplicates | {m.duplicate_of for m in reference}
