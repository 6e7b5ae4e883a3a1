"""RSS and Atom feed files as input: one article per item (akhbar.ingest.feeds)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from akhbar.cli import app
from akhbar.ingest import Ingestor, read_feed, read_inputs
from akhbar.types import Article, Skipped

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"
FEED_FILES = [FEEDS / "irna.rss", FEEDS / "jazeera.atom"]   # (and a README.md)


def test_each_item_is_an_article_with_its_id_title_language_and_time():
    articles, skipped = read_inputs(FEED_FILES)
    by_id = {a.id: a for a in articles}
    assert sorted(by_id) == ["https://www.irna.ir/news/1001", "https://www.irna.ir/news/1002", "urn:aj:1"]
    meeting = by_id["https://www.irna.ir/news/1001"]
    assert (meeting.title, meeting.lang, meeting.time) == ("دیدار عراقچی با وزیر خارجه عراق در بغداد", "fa-IR",
                                                           "Sun, 12 Jan 2025 10:30:00 +0330")
    assert meeting.source == f"{FEEDS / 'irna.rss'}:1" and meeting.is_html
    assert "خط آهن شلمچه بصره" in meeting.raw and "<script" not in meeting.raw   # content:encoded, sanitised
    arabic = by_id["urn:aj:1"]
    assert (arabic.lang, arabic.time) == ("ar", "2025-01-12T09:00:00+03:00")    # xml:lang; published, not updated
    headline_only = by_id["https://www.irna.ir/news/1002"]
    assert headline_only.raw == headline_only.title == "زلزله ۵.۲ ریشتری هرمزگان را لرزاند"
    assert [(s.source, s.reason) for s in skipped] == [
        (f"{FEEDS / 'irna.rss'}:3", "feed item has no content, description or title")]


def test_feed_times_are_read_as_time_fields_are():
    documents, skipped = Ingestor().transform(read_inputs(FEED_FILES)[0])
    assert not skipped
    by_id = {d.id: d for d in documents}
    assert by_id["https://www.irna.ir/news/1001"].date.timestamp == datetime(2025, 1, 12, 7, 0)   # +03:30 -> UTC
    assert by_id["urn:aj:1"].date.timestamp == datetime(2025, 1, 12, 6, 0)
    quake = by_id["https://www.irna.ir/news/1002"].date                # "۱۴۰۳/۱۲/۲۶ ۰۸:۱۵", Jalali
    assert (quake.calendar, quake.timestamp) == ("jalali", datetime(2025, 3, 16, 8, 15))
    assert {d.id: d.lang for d in documents} == {"https://www.irna.ir/news/1001": "fa",
                                                "https://www.irna.ir/news/1002": "fa", "urn:aj:1": "ar"}


def test_files_that_are_no_feeds_or_hold_no_items_are_skipped_with_the_reason(tmp_path):
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>',
                                          encoding="utf-8")
    (tmp_path / "empty.rss").write_text("", encoding="utf-8")
    (tmp_path / "none.atom").write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>',
                                        encoding="utf-8")
    articles, skipped = read_inputs([tmp_path])
    assert articles == []
    reasons = {Path(s.source).name: s.reason for s in skipped}
    assert reasons["sitemap.xml"].startswith("not an RSS or Atom feed")
    assert reasons["empty.rss"] == "empty file (no text)"
    assert reasons["none.atom"] == "feed has no items"
    big = tmp_path / "big.rss"
    big.write_bytes((FEEDS / "irna.rss").read_bytes())
    assert read_feed(big, max_bytes=100)[0].reason.startswith("file too large")


def test_a_feed_cut_short_is_read_as_far_as_it_goes_with_a_note(tmp_path):
    cut = tmp_path / "cut.rss"
    cut.write_text("<rss><channel><item><title>عنوان خبر مهم امروز در تهران</title></item><item><title>دوم",
                   encoding="utf-8")
    items = read_feed(cut, max_bytes=10_000)
    assert [i.title for i in items if isinstance(i, Article)][0] == "عنوان خبر مهم امروز در تهران"
    assert items[0].notes and items[0].notes[0].startswith("the feed is not well-formed XML")
    assert all(isinstance(i, (Article, Skipped)) for i in items)


def test_akhbar_run_on_feeds_joins_the_persian_and_arabic_reports_of_one_meeting(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", *map(str, FEED_FILES), "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
                                      "--quiet"])
    assert result.exit_code == 0, result.stderr
    events = {}
    for line in (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        events.setdefault(row["cluster_id"], set()).add(row["id"])
    assert sorted(map(sorted, events.values())) == [["https://www.irna.ir/news/1001", "urn:aj:1"],
                                                    ["https://www.irna.ir/news/1002"]]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [s["source"] for s in manifest["skipped"]] == [f"{FEEDS / 'irna.rss'}:3"]


def test_an_item_in_two_saved_copies_of_a_feed_is_read_once(tmp_path):
    for name in ("irna-0900.rss", "irna-1000.rss"):
        (tmp_path / name).write_bytes((FEEDS / "irna.rss").read_bytes())
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--out", str(out), "--cache-dir",
                                      str(tmp_path / "cache"), "--quiet"])
    assert result.exit_code == 0, result.stderr
    ids = [json.loads(line)["id"] for line in (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == ["https://www.irna.ir/news/1001", "https://www.irna.ir/news/1002"]
    skipped = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["skipped"]
    copies = [s for s in skipped if s["reason"].startswith("duplicate id")]
    assert [s["source"] for s in copies] == [f"{tmp_path / 'irna-1000.rss'}:1", f"{tmp_path / 'irna-1000.rss'}:2"]
    assert all(s["reason"].endswith("one feed item in several feed files (a feed saved at different times, say): "
                                    "one copy is kept") for s in copies)
