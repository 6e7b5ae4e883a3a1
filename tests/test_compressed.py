"""gzip-compressed inputs read as the files they hold (akhbar.ingest.compressed)."""
from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from akhbar.ingest import read_inputs

DATA = Path(__file__).parent / "data"
FA = "عباس عراقچی وزیر امور خارجه ایران روز یکشنبه در بغداد با فؤاد حسین وزیر خارجه عراق دیدار کرد."
AR = "التقى وزير الخارجية الإيراني عباس عراقجي نظيره العراقي فؤاد حسين في بغداد."
RECORDS = [{"id": f"r{i}", "text": text, "lang": lang} for i, (text, lang) in enumerate([(FA, "fa"), (AR, "ar")] * 3)]


def _csv_bytes() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t")
    writer.writerow(["id", "text", "lang"])
    writer.writerows([r["id"], r["text"], r["lang"]] for r in RECORDS)
    return out.getvalue().encode("utf-8")


PLAIN = {
    "records.jsonl": "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS).encode("utf-8"),
    "records.json": json.dumps({"articles": RECORDS}, ensure_ascii=False, indent=1).encode("utf-8"),
    "rows.tsv": _csv_bytes(),
    "page.html": (DATA / "scraped" / "01_irna_araghchi_baghdad.html").read_bytes(),
    "note.txt": (DATA / "scraped" / "03_ahram_araghchi_baghdad.txt").read_bytes(),
    "irna.rss": (DATA / "feeds" / "irna.rss").read_bytes(),
}


def _as_read(path: Path):
    articles, skipped = read_inputs([path])
    strip = lambda source: source.replace(".gz", "")  # noqa: E731
    return ([(a.id.replace(".gz", ""), a.raw, a.is_html, a.lang, a.time, strip(a.source), a.notes) for a in articles],
            [(strip(s.source), s.reason) for s in skipped])


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_a_gzipped_file_reads_as_the_file_it_holds(tmp_path, name):
    plain = tmp_path / name
    plain.write_bytes(PLAIN[name])
    packed = tmp_path / f"{name}.gz"
    packed.write_bytes(gzip.compress(PLAIN[name]))
    articles, skipped = _as_read(plain)
    assert articles and _as_read(packed) == (articles, skipped)


def test_gzipped_files_are_found_in_folders(tmp_path):
    for name, data in PLAIN.items():
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress(data))
    articles, skipped = read_inputs([tmp_path])
    assert {Path(a.source.split(".gz")[0]).name for a in articles} == set(PLAIN)


def test_a_stream_cut_short_is_read_as_far_as_it_goes_with_a_note(tmp_path):
    whole = gzip.compress(PLAIN["records.jsonl"] * 400)
    cut = tmp_path / "dump.jsonl.gz"
    cut.write_bytes(whole[:len(whole) // 2])
    articles, skipped = read_inputs([cut])
    assert 0 < len(articles) < 2400
    assert articles[0].notes[0].startswith("the gzip data ends early (a download cut short?): read as far as it goes")
    assert all(a.source.startswith(f"{cut}:") for a in articles)


def test_not_gzip_data_and_unknown_inner_suffixes_are_skipped_with_why(tmp_path):
    (tmp_path / "fake.jsonl.gz").write_bytes(PLAIN["records.jsonl"])
    (tmp_path / "fake.txt.gz").write_bytes(b"plain text, not gzip")
    (tmp_path / "backup.tar.gz").write_bytes(gzip.compress(b"x"))
    articles, skipped = read_inputs([tmp_path])
    reasons = {Path(s.source).name: s.reason for s in skipped}
    assert articles == []
    assert reasons["fake.jsonl.gz"].startswith("named .gz but not gzip data")
    assert reasons["fake.txt.gz"].startswith("named .gz but not gzip data")
    assert reasons["backup.tar.gz"].startswith("not an article file (suffix '.tar.gz'; ")


def test_the_size_limit_applies_to_the_decompressed_content(tmp_path):
    text = FA * 200                                  # compresses to far below the limit
    packed = tmp_path / "long.txt.gz"
    packed.write_bytes(gzip.compress(text.encode("utf-8")))
    assert packed.stat().st_size < 5_000 < len(text.encode("utf-8"))
    articles, skipped = read_inputs([packed], max_bytes=5_000)
    assert articles == [] and skipped[0].reason.startswith("file too large once decompressed")
    rows = tmp_path / "long.jsonl.gz"                # JSON Lines: the limit is per record
    rows.write_bytes(gzip.compress(PLAIN["records.jsonl"] * 50))
    articles, skipped = read_inputs([rows], max_bytes=5_000)
    assert len(articles) == 300 and not skipped
