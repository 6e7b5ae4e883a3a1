""".json files as input: arrays, API responses that hold an array, one article, JSON Lines
under a .json name (akhbar.ingest.json_files)."""
from __future__ import annotations

import json
from pathlib import Path

from akhbar.ingest import JsonlFields, read_inputs
from akhbar.ingest.readers import read_jsonl

MEETING_FA = "عباس عراقچی وزیر امور خارجه ایران روز یکشنبه در بغداد با فؤاد حسین وزیر خارجه عراق دیدار کرد."
MEETING_AR = "التقى وزير الخارجية الإيراني عباس عراقجي نظيره العراقي فؤاد حسين في بغداد."
RECORDS = [{"id": "fa-1", "text": MEETING_FA, "lang": "fa", "date": "2025-01-12"},
           {"id": "ar-1", "text": MEETING_AR, "lang": "ar", "date": "2025-01-12"}]


def _write(path: Path, value, indent=2) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=indent), encoding="utf-8")
    return path


def _summary(articles):
    return [(a.id, a.raw, a.lang, a.time) for a in articles]


EXPECTED = [(r["id"], r["text"], r["lang"], r["date"]) for r in RECORDS]


def test_an_array_reads_as_the_same_records_in_jsonl_do(tmp_path):
    array = _write(tmp_path / "items.json", RECORDS)
    articles, skipped = read_inputs([array])
    assert not skipped and _summary(articles) == EXPECTED
    assert [a.source for a in articles] == [f"{array}:2", f"{array}:8"]     # the line each item starts on


def test_an_api_response_is_read_from_the_array_that_holds_the_articles(tmp_path):
    response = {"status": "ok", "totalResults": 2, "sources": [{"id": "irna", "name": "IRNA"}],
                "data": {"articles": {"results": RECORDS, "page": 1}}}
    path = _write(tmp_path / "response.json", response)
    articles, skipped = read_inputs([path])
    assert not skipped and _summary(articles) == EXPECTED
    assert articles[0].notes[0] == ("read the 2 items of the array 'data.articles.results'; the other arrays of "
                                    "objects in this file were not read: 'sources' (1 objects)")
    assert articles[1].notes == ()
    lines = path.read_text(encoding="utf-8").splitlines()
    for article in articles:         # named by the line its object opens on
        line = int(article.source.rsplit(":", 1)[1])
        assert lines[line - 1].strip() == "{" and article.id in lines[line]


def test_items_of_the_array_that_are_not_articles_are_skipped_with_why(tmp_path):
    path = _write(tmp_path / "r.json", {"articles": [RECORDS[0], "an ad slot", {"id": "x", "body": "b"}]}, indent=None)
    text = path.read_text(encoding="utf-8")
    article_at, ad_at, body_at = (text.index(what) + 1 for what in ('{"id": "fa-1"', '"an ad slot"', '{"id": "x"'))
    articles, skipped = read_inputs([path])
    assert _summary(articles) == EXPECTED[:1]
    assert [(s.source, s.reason) for s in skipped] == [           # items on one line: line and column
        (f"{path}:1:{ad_at}", "JSON array item is a str, not an object with a 'text' field"),
        (f"{path}:1:{body_at}",
         "field 'text' missing (fields present: body, id; choose one with --text-field, e.g. --text-field body)")]
    assert articles[0].source == f"{path}:1:{article_at}" == f"{path}:1:15"


def test_one_article_in_a_file_is_named_as_a_text_file_is(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    _write(folder / "page.json", {"text": MEETING_FA, "lang": "fa", "headline": "دیدار عراقچی"})
    _write(folder / "own-id.json", {"id": "irna-77", "text": MEETING_AR, "tags": [{"name": "عراق"}]})
    articles, skipped = read_inputs([folder])
    assert not skipped
    assert sorted((a.id, a.raw) for a in articles) == [("irna-77", MEETING_AR), ("page.json", MEETING_FA)]
    page = next(a for a in articles if a.id == "page.json")
    assert page.source == str(folder / "page.json")
    assert any("to use it, add --title-field headline" in note for note in page.notes)


def test_an_object_that_holds_no_articles_is_skipped_naming_its_keys(tmp_path):
    gold = _write(tmp_path / "gold.json", {"description": "labels", "documents": {"a.txt": {"event": "E1"}}})
    articles, skipped = read_inputs([gold])
    assert articles == [] and [(s.source, s.reason) for s in skipped] == [
        (str(gold), "a JSON object with no 'text' field and no array of records in it (keys: 'description', "
                    "'documents'): not articles, or give their text field with --text-field")]


def test_json_lines_under_a_json_name_and_broken_json_read_as_jsonl_reads_them(tmp_path):
    lines = tmp_path / "export.json"
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    articles, skipped = read_inputs([lines])
    assert not skipped and _summary(articles) == EXPECTED
    broken = tmp_path / "cut.json"
    broken.write_text(json.dumps({"articles": RECORDS}, ensure_ascii=False, indent=2)[:150], encoding="utf-8")
    articles, skipped = read_inputs([broken])
    as_jsonl = list(read_jsonl(broken, JsonlFields(), 20_000_000))
    assert articles == [] and [(s.source, s.reason) for s in skipped] == [(s.source, s.reason) for s in as_jsonl]
    assert "not valid JSON" in skipped[0].reason and "truncated?" in skipped[0].reason


def test_an_object_over_the_size_limit_says_how_to_read_it(tmp_path):
    path = _write(tmp_path / "big.json", {"articles": RECORDS * 20})
    articles, skipped = read_inputs([path], max_bytes=2_000)
    assert articles == [] and len(skipped) == 1
    assert skipped[0].reason.startswith("one JSON object of ") and "raise it, or save the records as JSON Lines" \
        in skipped[0].reason
    array = _write(tmp_path / "big-array.json", RECORDS * 20)
    articles, skipped = read_inputs([array], max_bytes=2_000)   # an array is streamed item by item
    assert len(articles) == 40 and not skipped


def test_field_options_choose_the_fields_of_the_array_items(tmp_path):
    items = [{"uri": "u1", "body": MEETING_FA, "dateTime": "2025-01-12T10:30:00Z", "lang": "fas"}]
    path = _write(tmp_path / "er.json", {"articles": {"results": items, "totalResults": 1}})
    articles, skipped = read_inputs([path], JsonlFields(id="uri", text="body", time="dateTime"))
    assert not skipped and _summary(articles) == [("u1", MEETING_FA, "fas", "2025-01-12T10:30:00Z")]


def test_seeds_in_an_api_response_cluster_as_the_folder_does(tmp_path):
    from typer.testing import CliRunner

    from akhbar.cli import app
    from conftest import SEEDS, seed_events_of

    records = [{"id": p.name, "text": p.read_text(encoding="utf-8")} for p in sorted(SEEDS.glob("*.txt"))]
    response = _write(tmp_path / "response.json", {"status": "ok", "articles": records})
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(response), "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
                                      "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert seed_events_of(out) == [["000", "001"], ["002"], ["003"], ["004"]]


def _id_at(text: str, index: int):
    value = json.JSONDecoder().raw_decode(text, index)[0]
    return value.get("id") if isinstance(value, dict) else None


def test_records_are_found_and_located_in_any_layout_of_a_response(tmp_path_factory):
    """Whatever the whitespace, key order and other members, the records of the response
    are read, each named by the line and column its object opens on."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    # text as pages hold it: no control, unassigned or private-use characters (a file made
    # of them reads as binary data, see decode_bytes)
    words = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co")), max_size=5)
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), words)
    other = st.dictionaries(words.filter(lambda k: k != "results"),
                            st.one_of(scalars, st.lists(scalars, max_size=3)), max_size=3)

    @settings(max_examples=60, deadline=None)
    @given(other=other, indent=st.sampled_from([None, 0, 1, 4]), n=st.integers(1, 4), first=st.booleans(),
           separators=st.sampled_from([(",", ":"), (", ", ": "), (" ,\n", " :\t")]))
    def check(other, indent, n, first, separators):
        records = [{"id": f"r{i}", "text": f"متن {i}"} for i in range(n)]
        response = {"results": records, **other} if first else {**other, "results": records}
        text = json.dumps({"data": response}, ensure_ascii=False, indent=indent,
                          separators=separators if indent is None else None)
        path = tmp_path_factory.mktemp("layout") / "r.json"
        path.write_text(text, encoding="utf-8")
        articles, skipped = read_inputs([path])
        assert not skipped and [a.id for a in articles] == [r["id"] for r in records]
        lines = text.split("\n")
        for article in articles:
            where = article.source[len(str(path)) + 1:].split(":")
            line, column = int(where[0]), int(where[1]) if len(where) > 1 else None
            start = sum(len(previous) + 1 for previous in lines[:line - 1])
            # the column when several records open on the line; else the one that opens on it
            starts = [start + column - 1] if column else \
                [start + i for i, ch in enumerate(lines[line - 1]) if ch == "{"]
            assert any(text[at] == "{" and _id_at(text, at) == article.id for at in starts)

    check()


def test_one_article_whose_id_is_not_an_id_keeps_the_name_its_note_gives(tmp_path):
    path = _write(tmp_path / "page.json", {"id": {"value": 7}, "text": MEETING_FA})
    [article], skipped = read_inputs([path])
    assert not skipped and article.id == "page.json:1"
    assert article.notes[0] == "field 'id' is not an id (a JSON object); the article is named page.json:1"


def test_the_advice_names_the_field_that_holds_the_text_in_common_exports():
    from akhbar.ingest.readers import text_field_advice

    newsapi = ["source", "author", "title", "description", "url", "publishedAt", "content"]
    assert text_field_advice(newsapi, JsonlFields()) == "choose one with --text-field, e.g. --text-field content"
    pn_summary = ["id", "title", "article", "summary", "category", "network", "link"]
    assert text_field_advice(pn_summary, JsonlFields()).endswith("--text-field article")
    assert text_field_advice(["uri", "headline"], JsonlFields()) == "choose one with --text-field"
