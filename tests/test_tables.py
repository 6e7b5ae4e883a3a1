"""CSV and TSV files as input: one article per row (akhbar.ingest.tables)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from akhbar.cli import app
from akhbar.ingest import Ingestor, JsonlFields, read_inputs
from conftest import SEEDS, SHARED_EVAL, needs_shared_eval, seed_events_of

FIELDS = JsonlFields(time="published_at")
MEETING_FA = ("عباس عراقچی وزیر امور خارجه ایران روز یکشنبه در بغداد با فؤاد حسین وزیر خارجه عراق دیدار کرد.\n"
              "دو طرف درباره خط آهن شلمچه بصره و بازگشایی گذرگاه‌های مرزی گفتگو کردند.")
MEETING_AR = "التقى وزير الخارجية الإيراني عباس عراقجي نظيره العراقي فؤاد حسين في بغداد، وبحثا سكة حديد الشلامجة البصرة."
ROWS = [("id", "title", "text", "lang", "published_at"),
        ("fa-1", "دیدار عراقچی با وزیر خارجه عراق", MEETING_FA, "fa", "2025-01-12 10:30"),
        ("ar-1", "عراقجي يلتقي فؤاد حسين في بغداد", MEETING_AR, "ar", "2025-01-12"),
        ("fa-2", "", "", "fa", "")]


def _write(path: Path, rows, encoding="utf-8", delimiter=",", first_line=""):
    with open(path, "w", newline="", encoding=encoding, errors="replace") as handle:
        handle.write(first_line)
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def _fields_of(articles):
    return [(a.id, a.title, a.lang, a.time, a.raw) for a in articles]


def test_rows_are_articles_whatever_the_delimiter_and_encoding_excel_writes(tmp_path):
    expected = [(r[0], r[1], r[3], r[4], r[2]) for r in ROWS[1:3]]
    for name, options in {"plain.csv": {}, "bom.csv": {"encoding": "utf-8-sig"},
                          "semicolon.csv": {"delimiter": ";"}, "excel-sep.csv": {"delimiter": "|", "first_line": "sep=|\n"},
                          "unicode-text.tsv": {"encoding": "utf-16", "delimiter": "\t"}}.items():
        articles, skipped = read_inputs([_write(tmp_path / name, ROWS, **options)], FIELDS)
        assert _fields_of(articles) == expected, name
        first_line = 3 if "first_line" in options else 2
        assert articles[0].source == f"{tmp_path / name}:{first_line}"
        assert articles[1].source == f"{tmp_path / name}:{first_line + 2}"   # the Persian text holds a line break
        assert [(s.source, s.reason, s.id) for s in skipped] == [
            (f"{tmp_path / name}:{first_line + 3}", "field 'text' is empty", "fa-2")]


def test_a_windows_1256_export_is_read_with_a_note(tmp_path):
    rows = [ROWS[0], ROWS[2]]            # Arabic only: windows-1256 has no Persian گ
    articles, skipped = read_inputs([_write(tmp_path / "excel.csv", rows, encoding="cp1256")], FIELDS)
    assert not skipped and _fields_of(articles) == [(r[0], r[1], r[3], r[4], r[2]) for r in rows[1:]]
    assert articles[0].notes[0].startswith("file not UTF-8") and "save the file as UTF-8" in articles[0].notes[0]


def test_bad_rows_are_skipped_with_their_line_and_reason_and_the_rest_is_read(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text('id,text\n1,"he said "hi" then\n2,a sound row\n\n3,"a quote never closed\n4,lost\n',
                   encoding="utf-8")
    articles, skipped = read_inputs([bad], FIELDS)
    assert [(a.id, a.raw, a.source) for a in articles] == [("2", "a sound row", f"{bad}:3")]
    assert [(s.source, s.reason) for s in skipped] == [
        (f"{bad}:2", "malformed CSV row: ',' expected after '\"' (a quote inside a cell must be doubled)"),
        (f"{bad}:4", "blank row"),
        (f"{bad}:5", "malformed CSV: a quoted cell opened in this row is never closed; the rest of the file "
                     "(to line 6) was not read")]


def test_a_header_without_the_text_column_names_the_columns_and_the_option(tmp_path):
    table = _write(tmp_path / "t.csv", [("uri", "headline", "body"), ("1", "h", "b")])
    articles, skipped = read_inputs([table], FIELDS)
    assert articles == [] and [s.reason for s in skipped] == [
        "no column 'text' in the header (columns: 'uri', 'headline', 'body'; choose one with --text-field, e.g. "
        "--text-field body)"]
    articles, skipped = read_inputs([table], JsonlFields(id="uri", text="body"))
    assert [(a.id, a.raw, a.title) for a in articles] == [("1", "b", None)]
    assert "but they have 'headline': to use it, add --title-field headline" in articles[0].notes[0]


def test_empty_files_and_files_with_only_a_header_are_skipped(tmp_path):
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "header.tsv").write_text("id\ttext\n", encoding="utf-8")
    (tmp_path / "nul.csv").write_bytes(b"id,text\x00\x01\x02\x00\n")
    articles, skipped = read_inputs([tmp_path], FIELDS)
    assert articles == []
    assert {Path(s.source).name: s.reason for s in skipped} == {
        "empty.csv": "empty file (no rows)", "header.tsv": "no rows after the header",
        "nul.csv": "binary data (NUL bytes, not UTF-8 or UTF-16), not a CSV text file"}


def test_a_row_with_more_cells_than_the_header_gets_a_note(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("id,text\n1,one sentence, and an unquoted comma\n", encoding="utf-8")
    [article], _ = read_inputs([table], FIELDS)
    assert article.raw == "one sentence"
    assert article.notes == ("row has 3 cells and the header 2 columns: the last 1 were not read "
                             "(an unquoted delimiter in a cell?)",)


def test_seeds_as_a_csv_cluster_as_the_folder_does(tmp_path):
    rows = [("id", "text")] + [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    table = _write(tmp_path / "seeds.csv", rows)
    runner = CliRunner()
    events = []
    for name, source in (("folder", SEEDS), ("csv", table)):
        out = tmp_path / name
        result = runner.invoke(app, ["run", str(source), "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
                                     "--quiet"])
        assert result.exit_code == 0, result.stderr
        events.append(seed_events_of(out))
    assert events[0] == events[1] == [["000", "001"], ["002"], ["003"], ["004"]]


@needs_shared_eval("og2021/dev.jsonl")
def test_og2021_headlines_as_csv_are_the_documents_the_jsonl_gives(tmp_path):
    records = [json.loads(line) for line in
               (SHARED_EVAL / "og2021/dev.jsonl").read_text(encoding="utf-8").splitlines()[:400]]
    names = ["uri", "lang", "published_at", "title"]
    table = _write(tmp_path / "dev.csv", [names] + [[r[n] for n in names] for r in records])
    jsonl = tmp_path / "dev.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    fields = JsonlFields(id="uri", text="title", title="title", lang="lang", time="published_at")
    documents = []
    for path in (jsonl, table):
        articles, skipped = read_inputs([path], fields)
        assert not skipped and len(articles) == 400
        docs, _ = Ingestor().transform(articles)
        documents.append([(d.id, d.lang, d.text, d.date) for d in docs])
    assert documents[0] == documents[1]
