"""Web archives (.warc, .warc.gz) as input: one article per archived HTML page
(akhbar.ingest.warc, read with warcio)."""
from __future__ import annotations

import gzip
import json
from io import BytesIO
from pathlib import Path

from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from akhbar.cli import app
from akhbar.ingest import Ingestor, read_inputs
from conftest import SEEDS, seed_events_of

MEETING_FA = "عباس عراقچی وزیر امور خارجه ایران روز یکشنبه در بغداد با فؤاد حسین وزیر خارجه عراق دیدار کرد."
MEETING_AR = "التقى وزير الخارجية الإيراني عباس عراقجي نظيره العراقي فؤاد حسين في بغداد وبحثا التعاون الاقتصادي."


def _html(title: str, body: str, charset: str = "utf-8") -> str:
    return (f'<html><head><meta charset="{charset}"><title>{title}</title></head><body><article>'
            f"<h1>{title}</h1><p>{body}</p></article></body></html>")


def _response(writer, url: str, payload: bytes, status: str = "200 OK", content_type: str = "text/html",
              extra_headers=()):
    headers = StatusAndHeaders(status, [("Content-Type", content_type), *extra_headers], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(payload), http_headers=headers))


def _archive(path: Path, compress: bool = True) -> Path:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        _response(writer, "https://www.irna.ir/news/1", _html("دیدار عراقچی", MEETING_FA).encode("utf-8"),
                  content_type="text/html; charset=iso-8859-1")       # a wrong default charset: the body is UTF-8
        _response(writer, "https://www.alrai.com/a/2", _html("عراقجي في بغداد", MEETING_AR, "windows-1256")
                  .encode("cp1256"), content_type="text/html; charset=windows-1256")
        _response(writer, "https://www.irna.ir/news/3", gzip.compress(_html("خبر", MEETING_FA).encode("utf-8")),
                  extra_headers=[("Content-Encoding", "gzip")])
        _response(writer, "https://www.irna.ir/logo.png", b"\x89PNG\r\n", content_type="image/png")
        _response(writer, "https://www.irna.ir/old", b"", status="301 Moved Permanently")
        request = StatusAndHeaders("GET /news/1 HTTP/1.1", [("Host", "www.irna.ir")], is_http_request=True)
        writer.write_record(writer.create_warc_record("https://www.irna.ir/news/1", "request", http_headers=request))
    return path


def test_every_html_page_is_an_article_named_by_its_url(tmp_path):
    for name, compress in (("crawl.warc.gz", True), ("crawl.warc", False)):
        path = _archive(tmp_path / name, compress)
        articles, skipped = read_inputs([path])
        assert [a.id for a in articles] == ["https://www.irna.ir/news/1", "https://www.alrai.com/a/2",
                                            "https://www.irna.ir/news/3"], name
        assert all(a.is_html and a.time is None for a in articles)
        assert MEETING_FA in articles[0].raw and MEETING_AR in articles[1].raw and MEETING_FA in articles[2].raw
        assert [(s.source, s.reason) for s in skipped] == [
            (str(path), "2 archived responses are not HTML pages and were not read: 1 image/png, 1 redirects (3xx)")]
        data = path.read_bytes()
        for article in articles:                 # FILE@OFFSET: where the record starts
            offset = int(article.source.rsplit("@", 1)[1])
            record = gzip.decompress(data[offset:]) if compress else data[offset:]
            assert record.startswith(b"WARC/1.") and article.id.encode() in record[:2000]


def test_a_common_crawl_wet_file_gives_one_text_article_per_page(tmp_path):
    path = tmp_path / "CC-MAIN-2025-05-00001.warc.wet.gz"
    texts = {"https://www.irna.ir/news/1": f"دیدار عراقچی\n{MEETING_FA}", "https://www.alrai.com/a/2": MEETING_AR}
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for url, text in texts.items():
            writer.write_record(writer.create_warc_record(url, "conversion", payload=BytesIO(text.encode("utf-8")),
                                                          warc_content_type="text/plain"))
    articles, skipped = read_inputs([path])
    assert not skipped and [(a.id, a.raw, a.is_html) for a in articles] == [(u, t, False) for u, t in texts.items()]
    documents, _ = Ingestor().transform(articles)
    assert [d.lang for d in documents] == ["fa", "ar"] and documents[0].title == "دیدار عراقچی"


def test_pages_become_documents_in_their_language(tmp_path):
    articles, _ = read_inputs([_archive(tmp_path / "crawl.warc.gz")])
    documents, skipped = Ingestor().transform(articles)
    assert not skipped and [d.lang for d in documents] == ["fa", "ar", "fa"]
    assert "فؤاد حسین" in documents[0].text and "فؤاد حسين" in documents[1].text


def test_a_truncated_archive_is_read_up_to_the_damage(tmp_path):
    path = _archive(tmp_path / "whole.warc.gz")
    third = int(read_inputs([path])[0][2].source.rsplit("@", 1)[1])
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(path.read_bytes()[:third + 60])        # inside the third page's record
    articles, skipped = read_inputs([cut])
    assert [a.id for a in articles] == ["https://www.irna.ir/news/1", "https://www.alrai.com/a/2"]
    assert len(skipped) == 1 and skipped[0].source == str(cut)
    assert skipped[0].reason.startswith("damaged WARC file after 3 records (") and \
        skipped[0].reason.endswith("the records before the damage were read, the rest of the file was not")


def test_a_file_that_is_not_a_warc_and_an_oversized_page_are_skipped_with_why(tmp_path):
    fake = tmp_path / "notes.warc"
    fake.write_text("not an archive\n", encoding="utf-8")
    articles, skipped = read_inputs([fake])
    assert articles == [] and len(skipped) == 1 and skipped[0].reason.startswith("not a WARC file")
    articles, skipped = read_inputs([_archive(tmp_path / "crawl.warc.gz")], max_bytes=200)
    assert articles == []
    too_large = [s for s in skipped if s.reason.startswith("record too large")]
    assert [s.id for s in too_large] == ["https://www.irna.ir/news/1", "https://www.alrai.com/a/2",
                                         "https://www.irna.ir/news/3"]


def test_seeds_archived_as_pages_cluster_as_the_folder_does(tmp_path):
    """... and a page captured twice, changed in between, is read once, the other capture listed."""
    pages = [(f"https://example.org/{seed.name}",
              [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()])
             for seed in sorted(SEEDS.glob("*.txt"))]
    url, lines = pages[-1]
    pages.append((url, lines[:len(lines) // 2]))                  # a later capture, cut down
    path = tmp_path / "seeds.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, lines in pages:
            page = (f'<html><head><meta charset="utf-8"><title>{lines[0]}</title></head><body><article>'
                    + "".join(f"<p>{line}</p>" for line in lines) + "</article></body></html>")
            _response(writer, url, page.encode("utf-8"))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
                                      "--quiet"])
    assert result.exit_code == 0, result.stderr
    skipped = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["skipped"]
    assert [s["id"] for s in skipped] == [url]
    assert skipped[0]["reason"].startswith("duplicate id") and skipped[0]["reason"].endswith(
        "one page (URL) archived more than once (captured again after it changed, say): one capture is kept")
    # ids are URLs here: seed numbers after the last "/"
    renamed = out / "renamed"
    renamed.mkdir()
    text = (out / "clusters.jsonl").read_text(encoding="utf-8").replace("https://example.org/", "")
    (renamed / "clusters.jsonl").write_text(text, encoding="utf-8")
    assert seed_events_of(renamed) == [["000", "001"], ["002"], ["003"], ["004"]]
