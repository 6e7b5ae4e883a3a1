"""Reader edge cases: symbolic links, inputs given twice, empty folders, non-article
files named directly, language labels, JSON documents saved as .jsonl, UTF-16 JSONL
line ends. Every input is read once or listed as skipped with the reason."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from akhbar.ingest import Ingestor, JsonlFields, read_inputs
from akhbar.ingest.langid import normalize_lang_code
from akhbar.ingest.readers import read_jsonl
from akhbar.types import Article, Skipped

FA = "دیدار وزیر دفاع عراق با رئیس ستاد کل نیروهای مسلح در تهران برگزار شد و دو طرف گفت و گو کردند."
AR = "التقى وزير الدفاع العراقي رئيس الأركان في طهران وبحث الجانبان التعاون العسكري بين البلدين."
EN = "The defence minister met the chief of staff in Tehran and the two sides discussed cooperation."

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symbolic links")


def _write(path: Path, text: str = FA) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _ids(articles) -> list[str]:
    return sorted(a.id for a in articles)


def _reasons(skipped) -> dict[str, str]:
    return {s.source: s.reason for s in skipped}


@pytest.fixture
def base(tmp_path) -> Path:
    folder = tmp_path / "base"
    _write(folder / "fa1.txt", FA)
    _write(folder / "ar1.txt", AR)
    return folder


# --------------------------------------------------------------------------- symbolic links

@needs_symlinks
def test_symlinked_folder_is_followed(tmp_path, base):
    top = tmp_path / "top"
    _write(top / "own.txt", EN)
    (top / "more").symlink_to(base, target_is_directory=True)
    articles, skipped = read_inputs([top])
    assert _ids(articles) == ["more/ar1.txt", "more/fa1.txt", "own.txt"]
    assert not skipped


@needs_symlinks
def test_symlink_cycle_is_read_once_and_reported(tmp_path, base):
    (base / "loop").symlink_to(base, target_is_directory=True)       # base/loop -> base
    (base / "sub").mkdir()
    (base / "sub" / "up").symlink_to(base, target_is_directory=True)  # base/sub/up -> base
    articles, skipped = read_inputs([base])
    assert _ids(articles) == ["ar1.txt", "fa1.txt"]
    reasons = _reasons(skipped)
    assert set(reasons) == {str(base / "loop"), str(base / "sub" / "up")}
    assert all("already read" in r and str(base) in r for r in reasons.values())


@needs_symlinks
def test_real_folder_preferred_over_a_link_to_it(tmp_path):
    root = tmp_path / "root"
    _write(root / "z_real" / "a.txt", FA)
    (root / "a_link").symlink_to(root / "z_real", target_is_directory=True)  # sorts first
    articles, skipped = read_inputs([root])
    assert _ids(articles) == ["z_real/a.txt"]
    assert _reasons(skipped) == {str(root / "a_link"): f"symbolic link to a folder already read "
                                                        f"({root / 'z_real'}); read once"}


@needs_symlinks
def test_symlinked_file_read_once(tmp_path, base):
    (base / "link.txt").symlink_to(base / "fa1.txt")
    (base / "outside.txt").symlink_to(_write(tmp_path / "elsewhere" / "x.txt", EN))
    articles, skipped = read_inputs([base])
    assert _ids(articles) == ["ar1.txt", "fa1.txt", "outside.txt"]       # the real file wins
    (skip,) = skipped
    assert skip.source == str(base / "link.txt") and skip.id == "link.txt"
    assert "already read as id 'fa1.txt'" in skip.reason


@needs_symlinks
def test_broken_link_reported(tmp_path, base):
    (base / "gone.txt").symlink_to(tmp_path / "missing.txt")
    _, skipped = read_inputs([base])
    assert "broken link" in _reasons(skipped)[str(base / "gone.txt")]


# --------------------------------------------------------------------------- inputs given twice

def test_same_folder_given_twice_is_read_once(base):
    articles, skipped = read_inputs([base, base])
    assert _ids(articles) == ["ar1.txt", "fa1.txt"]
    assert [(s.source, s.reason) for s in skipped] == [(str(base), "given twice (read once)")]


def test_same_folder_two_spellings(base):
    (base.parent / "x").mkdir()
    other = base.parent / "x" / ".." / "base"
    for order in ([base, other], [other, base]):
        articles, skipped = read_inputs(order)
        assert sorted(a.source for a in articles) == [str(base / "ar1.txt"), str(base / "fa1.txt")]
        assert [(s.source, s.reason) for s in skipped] == [(str(other), f"same folder as {base} (given twice; "
                                                                         f"read once)")]


def test_overlapping_inputs_read_each_file_once_whatever_the_order(base):
    _write(base / "sub" / "x.txt", EN)
    first = read_inputs([base, base / "sub", base / "fa1.txt"])
    second = read_inputs([base / "fa1.txt", base / "sub", base])
    for articles, skipped in (first, second):
        assert _ids(articles) == ["ar1.txt", "fa1.txt", "sub/x.txt"]
        assert len(skipped) == 2 and all("inside the input folder" in s.reason for s in skipped)
    assert sorted((a.id, a.source) for a in first[0]) == sorted((a.id, a.source) for a in second[0])
    assert sorted(map(repr, first[1])) == sorted(map(repr, second[1]))


def test_jsonl_given_twice(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "a", "text": FA}, ensure_ascii=False) + "\n", encoding="utf-8")
    articles, skipped = read_inputs([path, path])
    assert _ids(articles) == ["a"] and [s.reason for s in skipped] == ["given twice (read once)"]


# --------------------------------------------------------------------------- suffixes, empty folders

def test_non_article_file_named_directly_is_skipped_like_in_a_folder(tmp_path):
    gold = tmp_path / "gold.yaml"
    gold.write_text('events: []\n', encoding="utf-8")
    _, direct = read_inputs([gold])
    _, in_folder = read_inputs([tmp_path])
    assert direct == in_folder
    assert direct[0].reason == ("not an article file (suffix '.yaml'; expected .txt, .text, .html, .htm, "
                                ".xhtml, .json, .jsonl, .ndjson, .csv, .tsv, .tab, .warc, .warc.gz, .wet.gz, or a .rss, .atom or .xml feed; each may be gzipped, as .jsonl.gz)")


@pytest.mark.parametrize("name", ["a.txt", "a.TEXT", "a.html", "a.htm", "a.xhtml"])
def test_every_article_suffix_read_directly_and_in_a_folder(tmp_path, name):
    path = _write(tmp_path / name, FA)
    assert len(read_inputs([path])[0]) == 1 and len(read_inputs([tmp_path])[0]) == 1


@pytest.mark.parametrize("name", ["a.jsonl", "a.ndjson"])
def test_jsonl_suffixes(tmp_path, name):
    path = _write(tmp_path / name, json.dumps({"id": "r", "text": FA}, ensure_ascii=False) + "\n")
    assert _ids(read_inputs([path])[0]) == ["r"] and _ids(read_inputs([tmp_path])[0]) == ["r"]


def test_empty_folder_is_reported(tmp_path):
    empty = tmp_path / "empty"
    (empty / "nested" / "deeper").mkdir(parents=True)
    articles, skipped = read_inputs([empty])
    assert not articles
    assert [(s.source, s.reason) for s in skipped] == [
        (str(empty), "folder has no files to read (no .txt, .html, .json, .jsonl, .csv, .warc or feed files in it or its subfolders)")]


def test_folder_with_only_other_files_lists_each(tmp_path):
    folder = tmp_path / "f"
    _write(folder / "notes.md", "x")
    _write(folder / ".hidden.txt", FA)
    _, skipped = read_inputs([folder])
    assert sorted(_reasons(skipped).values()) == ["hidden file (not read)",
                                                  "not an article file (suffix '.md'; expected .txt, .text, "
                                                  ".html, .htm, .xhtml, .json, .jsonl, .ndjson, .csv, .tsv, .tab, .warc, .warc.gz, "
                                                  ".wet.gz, or a .rss, .atom or .xml feed; each may be gzipped, as .jsonl.gz)"]


# --------------------------------------------------------------------------- language labels

@pytest.mark.parametrize("code, expected", [
    ("fa", "fa"), ("FA-IR", "fa"), ("fa_IR", "fa"), ("ara", "ar"), ("ARA", "ar"), ("per", "fa"), ("pes", "fa"),
    ("eng", "en"), ("zh-Hant", "zh"), ("iw", "he"),
    ("xx-yy", None), ("xx", None), ("und", None), ("other", None), ("", None), (None, None), ("  ", None),
])
def test_language_labels(code, expected):
    assert normalize_lang_code(code) == expected


def test_unknown_language_label_falls_back_to_identification():
    text = "اين يك خبر درباره زلزله در كرمان است كه ديروز رخ داد و خسارت زيادي به بار آورد."
    doc = Ingestor().transform_one(Article("x", text, "f.jsonl:1", lang="xx-yy"))
    assert doc.lang == "fa"
    assert "ي" not in doc.text and "ك" not in doc.text          # Persian normalisation ran


def test_known_language_label_still_trusted():
    doc = Ingestor().transform_one(Article("x", AR, "f.jsonl:1", lang="fas"))
    assert doc.lang == "fa"


# --------------------------------------------------------------------------- JSON documents as .jsonl

def _records(n=2):
    return [{"id": f"r{i}", "text": FA} for i in range(n)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_pretty_json_array_read_as_records(tmp_path, encoding):
    path = tmp_path / "array.jsonl"
    text = json.dumps(_records(), ensure_ascii=False, indent=2) + "\n"
    path.write_bytes(text.encode(encoding))
    items = list(read_jsonl(path, JsonlFields()))
    assert all(isinstance(i, Article) for i in items)
    assert [i.id for i in items] == ["r0", "r1"] and items[0].raw == FA
    assert [i.source for i in items] == [f"{path}:2", f"{path}:6"]          # the line each record starts on


def test_one_line_json_array_and_items_that_are_not_objects(tmp_path):
    path = tmp_path / "array.jsonl"
    path.write_text(json.dumps([{"text": FA}, 7, {"id": "b", "text": AR}], ensure_ascii=False), encoding="utf-8")
    items = list(read_jsonl(path, JsonlFields()))
    assert [type(i).__name__ for i in items] == ["Article", "Skipped", "Article"]
    assert items[0].id == "array.jsonl:1:2" and items[0].source == f"{path}:1:2"   # line:column, unique
    assert "JSON array item is a int" in items[1].reason
    assert items[2].id == "b"


def test_pretty_single_object_gives_one_clear_reason(tmp_path):
    path = tmp_path / "pretty.jsonl"
    path.write_text(json.dumps({"id": "pp", "text": FA}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    items = list(read_jsonl(path, JsonlFields()))
    assert len(items) == 1 and isinstance(items[0], Skipped) and items[0].id == "pp"
    assert items[0].source == str(path)
    assert "JSON document" in items[0].reason and "not JSON Lines" in items[0].reason


def test_jsonl_with_a_broken_first_line_is_still_read_line_by_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": "t", "text": "قطع\n' + json.dumps({"id": "ok", "text": FA}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    items = list(read_jsonl(path, JsonlFields()))
    assert isinstance(items[0], Skipped) and "malformed JSON" in items[0].reason
    assert items[1].id == "ok"


def test_jsonl_of_arrays_is_not_taken_for_a_document(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("[1, 2]\n[3]\n", encoding="utf-8")
    items = list(read_jsonl(path, JsonlFields()))
    assert len(items) == 2 and all("JSON line is a list" in i.reason for i in items)


# --------------------------------------------------------------------------- UTF-16 line ends

@pytest.mark.parametrize("ending", ["", "\n", "\r\n", "\n\n"])
def test_utf16_and_utf8_jsonl_give_the_same_records(tmp_path, ending):
    newline = "\r\n" if ending == "\r\n" else "\n"
    text = newline.join(json.dumps(r, ensure_ascii=False) for r in _records(3)) + ending
    results = []
    for encoding in ("utf-8", "utf-16", "utf-16-le"):
        path = tmp_path / f"{encoding}.jsonl"
        path.write_bytes(text.encode(encoding))
        results.append([(type(i).__name__, i.id, i.source.rsplit(":", 1)[1], getattr(i, "reason", None))
                        for i in read_jsonl(path, JsonlFields())])
    assert results[0] == results[1] == results[2]
    assert sum(1 for r in results[0] if r[0] == "Skipped") == (1 if ending == "\n\n" else 0)


# --------------------------------------------------------------------------- scripts without spaces

def test_chinese_text_is_not_too_short():
    text = "伊朗南部发生地震\n周一凌晨，伊朗克尔曼省发生6级地震。红新月会表示，目前尚未收到人员伤亡报告。救援队已被派往该地区。"
    result = Ingestor().transform_one(Article("zh.txt", text, "zh.txt"))
    assert not isinstance(result, Skipped), result


def test_nested_input_keeps_the_outer_folder_ids_and_loses_nothing(tmp_path):
    """`dir dir/sub` reads what `dir` reads: a file of the subfolder named like one at the
    top is not taken for a duplicate id (it keeps its path relative to `dir`)."""
    root = tmp_path / "c2"
    _write(root / "ar1.txt", EN)
    _write(root / "sub" / "ar1.txt", EN + " Another one.")
    alone = read_inputs([root])
    both = read_inputs([root, root / "sub"])
    assert _ids(alone[0]) == _ids(both[0]) == ["ar1.txt", "sub/ar1.txt"]
    assert [s.reason for s in both[1]] == [f"inside the input folder {root} (read once, as part of it)"]


def test_link_with_a_readable_name_is_read_when_the_target_name_is_not(tmp_path):
    folder = tmp_path / "sl"
    _write(folder / "real.md", EN)
    (folder / "link.txt").symlink_to("real.md")
    articles, skipped = read_inputs([folder])
    assert _ids(articles) == ["link.txt"]
    assert len(skipped) == 1 and skipped[0].source.endswith("real.md")


def test_output_folder_inside_an_input_folder_is_not_read(tmp_path):
    root = tmp_path / "io"
    _write(root / "fa1.txt")
    _write(root / "out" / "clusters.jsonl", '{"id": "x", "text": "not an input"}\n')
    articles, skipped = read_inputs([root], exclude=(root / "out",))
    assert _ids(articles) == ["fa1.txt"]
    assert [s.reason for s in skipped] == ["the output folder of this run (its files are not read as input)"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_truncated_json_array_is_one_clear_skip(tmp_path, encoding):
    records = [{"id": f"r{i}", "text": EN} for i in range(4)]
    path = tmp_path / "cut.jsonl"
    path.write_text(json.dumps(records, indent=1)[:-30], encoding=encoding)
    articles, skipped = read_inputs([path])
    assert articles == [] and len(skipped) == 1
    assert "not valid JSON" in skipped[0].reason and "truncated?" in skipped[0].reason


def test_empty_jsonl_is_accounted_for_and_small_limits_read_in_bytes(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert read_inputs([empty]) == ([], [Skipped(str(empty), "empty file (no JSON lines)")])
    small = _write(tmp_path / "a.txt", EN)
    reason = read_inputs([small], max_bytes=10)[1][0].reason
    assert "bytes > 10 bytes limit" in reason


# --------------------------------------------------------------------------- JSON arrays and UTF-16 over the size limit

def _items(path: Path, max_bytes: int) -> list[tuple]:
    return [(type(i).__name__, i.source, i.id, getattr(i, "raw", None), getattr(i, "reason", None))
            for i in read_jsonl(path, JsonlFields(), max_bytes)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le"])
@pytest.mark.parametrize("indent", [2, None])
def test_json_array_larger_than_the_limit_is_read_record_by_record(tmp_path, encoding, indent):
    """Over --max-bytes, a JSON array saved as .jsonl used to be read line by line (a
    "malformed JSON" skip for every line); it is streamed item by item, with the records,
    ids and names that reading it whole gives, the limit applying to each record."""
    records = [{"id": f"r{i}", "text": FA if i % 2 else AR, "tags": ["]", {"x": "}"}]} for i in range(6)]
    records[3]["text"] = 'نقل قول "داخل" متن [با] {کروشه} \\ 😀 ' + FA
    records.insert(2, 7)                                     # an item that is not an object
    path = tmp_path / "array.jsonl"
    path.write_bytes((json.dumps(records, ensure_ascii=False, indent=indent) + "\n").encode(encoding))
    limit = 1000
    assert path.stat().st_size > limit > max(len(json.dumps(r, ensure_ascii=False).encode()) for r in records)
    streamed, whole = _items(path, limit), _items(path, 10**9)
    assert streamed == whole
    assert [i[2] for i in streamed if i[0] == "Article"] == [f"r{i}" for i in range(6)]
    assert "JSON array item is a int" in streamed[2][4] and not any("malformed" in str(i[4]) for i in streamed)


def test_streamed_json_array_limits_each_record_and_reports_a_cut_end(tmp_path):
    records = [{"id": "a", "text": FA}, {"id": "huge", "text": EN * 40}, {"id": "b", "text": AR},
               {"id": "c", "text": EN}]
    path = tmp_path / "array.jsonl"
    text = json.dumps(records, ensure_ascii=False, indent=1)
    path.write_text(text, encoding="utf-8")
    articles, skipped = read_inputs([path], max_bytes=1000)
    assert _ids(articles) == ["a", "b", "c"]
    (too_large,) = skipped
    size = len(text[text.index('{\n  "id": "huge"'):text.index('{\n  "id": "b"')].rstrip(",\n ").encode("utf-8"))
    assert too_large.source == f"{path}:6"
    assert too_large.reason == f"record too large ({size:,} bytes > 1,000 bytes limit; raise --max-bytes to read it)"
    path.write_text(text[:text.index('"c"') + 8], encoding="utf-8")     # a download cut inside the last record
    articles, skipped = read_inputs([path], max_bytes=1000)
    assert _ids(articles) == ["a", "b"]
    assert [s.reason for s in skipped][-1] == "the file ends inside this JSON array item (truncated?)"
    assert skipped[-1].source == f"{path}:14"


def test_jsonl_of_arrays_larger_than_the_limit_is_still_read_line_by_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("[1, 2]\n[3]\n" * 20, encoding="utf-8")
    items = list(read_jsonl(path, JsonlFields(), max_bytes=50))
    assert len(items) == 40 and all("JSON line is a list" in i.reason for i in items)


@pytest.mark.parametrize("max_bytes", [300, 100_000])
def test_pretty_printed_object_is_one_skip_whatever_its_size(tmp_path, max_bytes):
    """Over the limit it used to be read line by line: one "malformed JSON" or "record too
    large" skip per line of the object."""
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": "a", "title": "عنوان", "text": FA * 20}, ensure_ascii=False, indent=2),
                    encoding="utf-8")
    assert path.stat().st_size > 300
    items = list(read_jsonl(path, JsonlFields(), max_bytes=max_bytes))
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert items[0].reason.startswith("this is a JSON document (one object written over")
    assert "write each record on a single line" in items[0].reason


def test_jsonl_with_a_broken_first_line_larger_than_the_limit_is_read_line_by_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    good = [json.dumps({"id": f"g{i}", "text": FA}, ensure_ascii=False) for i in range(3)]
    path.write_text('{"id": "broken", "text": \n' + "\n".join(good) + "\n", encoding="utf-8")
    items = list(read_jsonl(path, JsonlFields(), max_bytes=len(good[0].encode()) + 10))
    assert [type(i).__name__ for i in items] == ["Skipped", "Article", "Article", "Article"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_jsonl_is_limited_per_record_like_utf8(tmp_path, encoding):
    """UTF-16 JSONL used to be refused whole ("file too large") once the file was larger
    than --max-bytes; like UTF-8 JSONL, it is read record by record, and only a record
    over the limit (its size as UTF-8, the same in every encoding) is skipped."""
    records = [{"id": f"u{i}", "text": (AR if i % 2 else FA) * (12 if i == 3 else 1)} for i in range(6)]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    limit = 1000
    results = {}
    for name, data in (("utf-8", text.encode("utf-8")), (encoding, text.encode(encoding))):
        path = tmp_path / name / "feed.jsonl"
        path.parent.mkdir()
        path.write_bytes(data)
        assert path.stat().st_size > limit
        results[name] = [(kind, source.rsplit("/", 2)[-1], i, raw, reason)
                         for kind, source, i, raw, reason in _items(path, limit)]
    assert results["utf-8"] == results[encoding]
    assert [r[2] for r in results[encoding] if r[0] == "Article"] == ["u0", "u1", "u2", "u4", "u5"]
    (skip,) = [r for r in results[encoding] if r[0] == "Skipped"]
    assert skip[1] == "feed.jsonl:4" and skip[4].startswith("record too large")


def test_json_array_of_many_records_names_each_by_its_own_line(tmp_path):
    """Each item's line is counted once, as the file is read (it used to be counted from
    the top of the file for every item: 30,000 small records took some 20 seconds)."""
    path = tmp_path / "many.jsonl"
    path.write_text(json.dumps([{"id": f"m{i}", "text": "x"} for i in range(30_000)], indent=1), encoding="utf-8")
    items = list(read_jsonl(path, JsonlFields()))
    assert len(items) == 30_000 and items[-1].source == f"{path}:{1 + 4 * 29_999 + 1}"
    assert items[1].source == f"{path}:{1 + 4 + 1}"


_FEED_TEXT = "وزیر امور خارجه ایران امروز با همتای عراقی خود در بغداد دیدار کرد."


def _feed(path, records, as_array=False):
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text(("[\n" + ",\n".join(lines) + "\n]\n") if as_array else "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _notes(path, fields=JsonlFields()):
    return [item.notes for item in read_jsonl(path, fields) if isinstance(item, Article)]


@pytest.mark.parametrize("as_array", [False, True])
def test_a_feed_whose_time_and_title_fields_have_other_names_gets_a_hint(tmp_path, as_array):
    feed = _feed(tmp_path / "feed.jsonl", [{"id": f"a{i}", "text": _FEED_TEXT, "published_at": "2024-11-15 10:00",
                                            "Headline": "دیدار وزیران", "language": "fa"} for i in range(3)], as_array)
    first, *rest = _notes(feed)
    assert first == ("no record of this file has the time field 'date', but they have 'published_at': "
                     "to use it, add --time-field published_at",
                     "no record of this file has the title field 'title', but they have 'Headline': "
                     "to use it, add --title-field Headline",
                     "no record of this file has the language field 'lang', but they have 'language': "
                     "to use it, add --lang-field language")
    assert rest == [(), ()]                                   # once per file, on its first article
    named = JsonlFields(time="published_at", title="Headline", lang="language")
    assert _notes(feed, named) == [(), (), ()]
    articles = [a for a in read_jsonl(feed, named) if isinstance(a, Article)]
    assert (articles[0].time, articles[0].title, articles[0].lang) == ("2024-11-15 10:00", "دیدار وزیران", "fa")


def test_no_hint_when_the_field_is_there_or_nothing_looks_like_it(tmp_path):
    some = _feed(tmp_path / "some.jsonl", [{"id": "a", "text": _FEED_TEXT, "date": "2024-11-15", "title": "x"},
                                           {"id": "b", "text": _FEED_TEXT, "published": "2024-11-15", "title": "y"}])
    assert _notes(some) == [(), ()]                           # 'date' is in one record: the field is right
    few = _feed(tmp_path / "few.jsonl", [{"id": i, "text": _FEED_TEXT, "title": "x", **({"pubDate": "2024-11-15"}
                                          if i == 0 else {})} for i in range(3)])
    assert _notes(few) == [(), (), ()]                        # in 1 of 3 records only: not the feed's time field
    plain = _feed(tmp_path / "plain.jsonl", [{"id": "a", "text": _FEED_TEXT, "source": "irna"}])
    assert _notes(plain) == [()]
