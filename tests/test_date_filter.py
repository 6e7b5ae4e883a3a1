"""--since/--until: keep the articles published in a span of days, every other one listed
as skipped with its date (Ingestor(since=..., until=..., keep_undated=...))."""
from __future__ import annotations

import datetime
import json

from typer.testing import CliRunner

from akhbar.cli import app
from akhbar.ingest import Ingestor, read_inputs
from akhbar.types import Article
from conftest import SEEDS

FA = ("عباس عراقچی وزیر امور خارجه ایران روز یکشنبه در بغداد با فؤاد حسین وزیر خارجه عراق دیدار کرد. "
      "دو طرف درباره خط آهن شلمچه بصره گفتگو کردند.")
AR = "التقى وزير الخارجية الإيراني عباس عراقجي نظيره العراقي فؤاد حسين في بغداد وبحثا سكة حديد الشلامجة البصرة."
RECORDS = [{"id": "early", "text": FA, "lang": "fa", "date": "2025-01-10"},
           {"id": "jalali", "text": FA, "lang": "fa", "date": "1403/10/23"},       # 2025-01-12
           {"id": "arabic", "text": AR, "lang": "ar", "date": "2025-01-13T09:00:00Z"},
           {"id": "late", "text": AR, "lang": "ar", "date": "2025-01-20"},
           {"id": "undated", "text": AR, "lang": "ar"}]
DAY = datetime.date


def _articles():
    return [Article(id=r["id"], raw=r["text"], source=r["id"], lang=r["lang"], time=r.get("date")) for r in RECORDS]


def test_articles_outside_the_span_are_skipped_with_their_date():
    documents, skipped = Ingestor(since=DAY(2025, 1, 12), until=DAY(2025, 1, 13)).transform(_articles())
    assert [d.id for d in documents] == ["jalali", "arabic", "undated"]
    assert [(s.id, s.reason) for s in skipped] == [
        ("early", "published 2025-01-10, before --since 2025-01-12"),
        ("late", "published 2025-01-20, after --until 2025-01-13")]


def test_undated_articles_and_crawl_dates_alone_are_kept_or_skipped_as_asked():
    [crawled], _ = read_inputs([next(SEEDS.glob("002_*.txt"))])
    kept, _ = Ingestor(since=DAY(2000, 1, 1)).transform(_articles() + [crawled])
    assert {"undated", crawled.id} <= {d.id for d in kept}
    assert next(d for d in kept if d.id == crawled.id).date.is_crawl_date
    _, skipped = Ingestor(since=DAY(2000, 1, 1), keep_undated=False).transform(_articles() + [crawled])
    assert {s.id: s.reason for s in skipped} == {
        "undated": "no publication date found, and undated articles are skipped with --since/--until "
                   "(see --keep-undated)",
        crawled.id: "no publication date found (only a crawl date), and undated articles are skipped with "
                    "--since/--until (see --keep-undated)"}


def test_without_a_span_nothing_is_filtered():
    documents, skipped = Ingestor(keep_undated=False).transform(_articles())
    assert len(documents) == len(RECORDS) and not skipped


def test_the_cli_reads_the_days_as_time_fields_are_read(tmp_path):
    data = tmp_path / "news.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(data), "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
                                      "--since", "۱۴۰۳/۱۰/۲۳", "--until", "2025-01-13", "--skip-undated", "-q"])
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in manifest["processed"]) == ["arabic", "jalali"]
    assert {s["id"]: s["reason"].split(",")[0] for s in manifest["skipped"]} == {
        "early": "published 2025-01-10", "late": "published 2025-01-20", "undated": "no publication date found"}


def test_days_that_are_not_dates_or_an_empty_span_are_usage_errors(tmp_path):
    data = tmp_path / "news.jsonl"
    data.write_text(json.dumps(RECORDS[0], ensure_ascii=False) + "\n", encoding="utf-8")
    runner = CliRunner()
    for options, message in ((["--since", "last week"], "error: --since 'last week' is not a date"),
                             (["--since", "2025-02-01", "--until", "2025-01-01"],
                              "error: --since 2025-02-01 is after --until 2025-01-01")):
        result = runner.invoke(app, ["run", str(data), "--out", str(tmp_path / "out"), *options, "-q"])
        assert result.exit_code == 2 and message in result.stderr
        assert not (tmp_path / "out").exists()
