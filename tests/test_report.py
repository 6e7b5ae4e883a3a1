"""report.html: every article, event and skipped input of a run on one page, escaped,
right-to-left where the text is, and the same bytes for the same run."""
from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from akhbar.cli import app

ROOT = Path(__file__).resolve().parents[1]


class _Page(HTMLParser):
    """Ids, links, and the dir/lang of every element holding text."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.spans, self._open = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])
        self._open.append(attrs)

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if data.strip() and self._open:
            self.spans.append((data.strip(), self._open[-1].get("dir"), self._open[-1].get("lang")))


def _parse(path: Path) -> tuple[str, _Page]:
    text = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    return text, page


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    cache = tmp_path_factory.mktemp("report-cache")
    ran = CliRunner().invoke(app, ["run", str(ROOT / "seeds"), "--out", str(out), "--cache-dir", str(cache), "-q"])
    assert ran.exit_code == 0, ran.output
    return out


def test_the_report_holds_every_article_event_and_skipped_input(seeds_report):
    text, page = _parse(seeds_report / "report.html")
    clusters = [json.loads(line) for line in (seeds_report / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
    for record in clusters:
        assert record["id"] in text and record["title"] in text
    assert {f"event-{r['cluster_id']}" for r in clusters} <= page.ids
    assert set(page.links) <= page.ids                      # every link lands on an element of the page
    manifest = json.loads((seeds_report / "manifest.json").read_text(encoding="utf-8"))
    for skipped in manifest["skipped"]:                      # seeds/gold.json, with why
        assert skipped["source"] in html.unescape(text) and skipped["reason"] in html.unescape(text)
    assert "4 events from 5 articles" in text and "events in more than one language: 1" in text


def test_summary_sentences_link_to_their_articles_and_read_right_to_left(seeds_report):
    text, page = _parse(seeds_report / "report.html")
    summaries = [json.loads(line) for line in (seeds_report / "summaries.jsonl").read_text(encoding="utf-8").splitlines()]
    event0 = text[text.index('id="event-0"'):text.index('id="event-1"')]
    assert "cross-lingual" in event0
    for sentence in summaries[0]["sentences"]:
        shown = next(s for s in page.spans if s[0] == sentence["text"])
        assert shown[1] == "rtl" and shown[2] == sentence["lang"]
        # the sentence's link names its article and points at that article's row
        link = re.search(r'<a href="#(a\d+)">' + re.escape(sentence["doc_id"]) + "</a>", event0)
        assert link and f'<tr id="{link.group(1)}"><td class="tag">{sentence["doc_id"]}</td>' in event0
    assert "[ar, title]" in event0                            # the Arabic headline, marked as a title


def test_the_report_escapes_what_the_articles_say_and_lists_copies(tmp_path):
    body = ("أعلنت وزارة الصحة الأردنية اليوم عن حملة تطعيم جديدة تشمل جميع المحافظات وتستمر أسبوعين. "
            "وقال الوزير إن الحملة تستهدف مليون شخص.")
    rows = [{"id": "x<1>", "lang": "ar", "title": "<script>alert(1)</script> & حملة", "text": body},
            {"id": "x2", "lang": "ar", "title": "حملة تطعيم", "text": body},
            {"id": "bad", "lang": "ar", "text": ""}]
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    ran = CliRunner().invoke(app, ["run", str(data), "--out", str(tmp_path / "out"), "--no-cache", "-q"])
    assert ran.exit_code == 0, ran.output
    text, page = _parse(tmp_path / "out" / "report.html")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; حملة" in text
    assert "copies: x&lt;1&gt;" in text and "a copy of x2" in text   # the canonical copy is the smaller id
    rows = re.findall(r'<tr id="a\d+"[^>]*><td class="tag">([^<]*)</td>', text)
    assert sorted(map(html.unescape, rows)) == ["x2", "x<1>"]                # every article has its row, copies too
    assert "in.jsonl:3" in text and "field 'text' is empty" in html.unescape(text)   # skipped, with why


def test_the_same_run_writes_the_same_report(seeds_report, tmp_path):
    again = tmp_path / "again"
    ran = CliRunner().invoke(app, ["run", str(ROOT / "seeds"), "--out", str(again), "--no-cache", "-q"])
    assert ran.exit_code == 0, ran.output
    for name in ("report.html", "events.csv", "articles.csv"):
        assert (again / name).read_bytes() == (seeds_report / name).read_bytes(), name


# --------------------------------------------------------------------------- events.csv, articles.csv

def _csv_rows(path: Path) -> list[dict]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_events_csv_has_a_row_per_event_with_its_summary_attributed(seeds_report):
    raw = (seeds_report / "events.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") >= 5     # what Excel needs for Persian/Arabic
    events = _csv_rows(seeds_report / "events.csv")
    summaries = {s["cluster_id"]: s for s in map(json.loads, (seeds_report / "summaries.jsonl").read_text(
        encoding="utf-8").splitlines())}
    clusters = [json.loads(line) for line in (seeds_report / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(events) == 4 == len(summaries)
    for row in events:
        event_id = int(row["event_id"])
        members = sorted(c["id"] for c in clusters if c["cluster_id"] == event_id)
        assert sorted(row["article_ids"].split("\n")) == members and int(row["n_articles"]) == len(members)
        assert row["headline"] == summaries[event_id]["headline"]
        lines = row["summary"].split("\n")
        assert len(lines) == len(summaries[event_id]["sentences"])
        for line, sentence in zip(lines, summaries[event_id]["sentences"]):
            assert line == f"{sentence['text']} [{sentence['doc_id']}]" and sentence["doc_id"] in members
        assert row["first_day"] <= row["last_day"]
    meeting = next(r for r in events if "000_" in r["article_ids"])
    assert "001_" in meeting["article_ids"] and meeting["languages"] == "ar 1, fa 1"


def test_articles_csv_has_a_row_per_article_with_its_event(seeds_report):
    articles = _csv_rows(seeds_report / "articles.csv")
    clusters = {c["id"]: c for c in map(json.loads, (seeds_report / "clusters.jsonl").read_text(
        encoding="utf-8").splitlines())}
    assert sorted(r["id"] for r in articles) == sorted(clusters)
    for row in articles:
        record = clusters[row["id"]]
        assert int(row["event_id"]) == record["cluster_id"] and row["lang"] == record["lang"]
        assert row["title"] == record["title"] and row["date"] == record.get("date", "")
        assert row["date_is_crawl_date"] == ("yes" if record.get("date_is_crawl") else "")
        assert row["source"].endswith(row["id"])


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted():
    from akhbar.spreadsheets import _cell

    assert [_cell(v) for v in ("=HYPERLINK(\"x\")", "+98 21", "-  breaking", "@x", "دیدار عراقچی", 3, None)] == [
        "'=HYPERLINK(\"x\")", "'+98 21", "'-  breaking", "'@x", "دیدار عراقچی", "3", ""]
