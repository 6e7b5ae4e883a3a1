"""Web archives (.warc, .warc.gz), read with warcio: the format crawlers save scraped pages
in (Heritrix, wget --warc-file, Browsertrix, Common Crawl's CC-NEWS), and their text
extracts (WET: .wet, .warc.wet.gz).

Each HTML page the archive holds (a ``response`` record with HTTP status 2xx and an HTML
content type, or an HTML ``resource`` record), and each page's plain text in a WET file
(a ``conversion`` record), is one article: its id is the page's URL
(WARC-Target-URI), its source ``FILE@OFFSET`` (the record's byte offset, what
``warcio extract FILE OFFSET`` takes). The HTML is decoded as an .html file is, after the
HTTP transfer and content encodings (chunked, gzip) are undone; a charset that the HTTP
header names is used when the body is not UTF-8. The crawl time (WARC-Date) is not a
publication time and is not used as one: the page's own dates are. Requests, metadata
and other bookkeeping records are not content; response records that are not pages
(images, scripts, redirects, errors, revisits) are counted in one skip record for the
file, by kind, so that what was left out is on record. The file is read record by
record, whatever its size; a page larger than --max-bytes is skipped with the reason. A
damaged or truncated archive is read up to the damage, and the rest is reported.
"""
from __future__ import annotations

import codecs
from collections import Counter
from pathlib import Path

from akhbar.types import Article, Skipped

from .readers import InputError, _file_items, _reason, _record_too_large, decode_bytes

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_BOOKKEEPING = {"warcinfo", "request", "metadata", "continuation"}


def read_warc(path: Path, max_bytes: int):
    """Yield an Article for every HTML page of a WARC file and a Skipped for every page
    that cannot be read, then one Skipped counting the records that are not pages."""
    return _file_items(path, lambda handle, head: _warc_items(path, handle, max_bytes))


def _warc_items(path: Path, handle, max_bytes: int):
    from warcio.archiveiterator import ArchiveIterator

    handle.seek(0)
    left_out: Counter[str] = Counter()
    pages = records = 0
    records_iter = ArchiveIterator(handle, arc2warc=True)
    try:
        for record in records_iter:
            records += 1
            kind = _not_a_page(record)
            if kind is None:
                pages += 1
                yield _page(record, lambda: f"{path}@{records_iter.get_record_offset()}", max_bytes)
            elif kind:
                left_out[kind] += 1
    except Exception as err:  # warcio raises several kinds (ArchiveLoadFailed, zlib, EOF) on damage
        if not records:
            yield Skipped(str(path), f"not a WARC file, or damaged from its start ({_damage(err)})")
            return
        yield Skipped(str(path), f"damaged WARC file after {records:,} records ({_damage(err)}); the records "
                                 f"before the damage were read, the rest of the file was not")
    if left_out:
        kinds = ", ".join(f"{count:,} {kind}" for kind, count in sorted(left_out.items(), key=lambda kv: (-kv[1], kv[0])))
        yield Skipped(str(path), f"{sum(left_out.values()):,} archived responses are not HTML pages and were "
                                 f"not read: {kinds}")
    elif not pages and records:
        yield Skipped(str(path), f"no HTML pages or text extracts in this WARC file ({records:,} records, none "
                                 f"a response, resource or conversion)")
    elif not records:
        yield Skipped(str(path), "no WARC records (empty file, or not a WARC file)")


def _damage(err: Exception) -> str:
    message = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {message[:200]}" if message else type(err).__name__


def _not_a_page(record) -> str | None:
    """None for an HTML page; '' for a bookkeeping record (not content); else the kind of
    content it is, as counted in the file's skip record."""
    rec_type = record.rec_type
    if rec_type in _BOOKKEEPING:
        return ""
    if rec_type == "revisit":
        return "revisits (a page seen before, stored without its content)"
    if rec_type == "conversion":                    # a page's extracted text: WET files
        media = (record.rec_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
        return None if media in ("text/plain", "") else f"conversions to {media}"
    if rec_type == "response" and record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return {"3": "redirects (3xx)", "4": "client errors (4xx)", "5": "server errors (5xx)"}.get(
                status[:1], f"responses with status {status or 'none'}")
        content_type = record.http_headers.get_header("Content-Type") or ""
    elif rec_type in ("response", "resource"):
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return f"{rec_type} records"
    media = content_type.split(";")[0].strip().lower()
    if media in _HTML_TYPES:
        return None
    return media or "responses without a content type"


def _page(record, where, max_bytes: int) -> Article | Skipped:
    """``where()``: the record's FILE@OFFSET, asked for once its content has been read
    (warcio skips the unread content of a record to find its offset)."""
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
    try:
        body = record.content_stream().read(max_bytes + 1)
    except Exception as err:  # a broken chunked or gzip body spoils this page only
        return Skipped(where(), f"the page's body cannot be decoded ({_damage(err)})", url or None)
    source = where()
    if not url:
        return Skipped(source, "an HTML page with no WARC-Target-URI (nothing to name it by)")
    if len(body) > max_bytes:
        return Skipped(source, _record_too_large(len(body), max_bytes), url)
    try:
        html = _decoded(body, _charset(record), source)
    except InputError as err:
        return Skipped(source, _reason(err, source), url)
    is_html = record.rec_type != "conversion"
    if not html.strip():
        return Skipped(source, "an empty page (no HTML)" if is_html else "an empty text extract", url)
    return Article(id=url, raw=html, source=source, is_html=is_html)


def _charset(record) -> str | None:
    headers = record.http_headers if record.http_headers is not None else record.rec_headers
    for part in (headers.get_header("Content-Type") or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            try:
                return codecs.lookup(value.strip().strip("\"'")).name
            except LookupError:
                return None
    return None


def _decoded(body: bytes, charset: str | None, source: str) -> str:
    """UTF-8 when the body is UTF-8, whatever the header says (servers often send a default
    charset for pages written in UTF-8); else the header's charset; else detected as an
    .html file's bytes are (windows-1256 first)."""
    if charset is not None and charset != "utf-8":
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return body.decode(charset, errors="replace")
    return decode_bytes(body, source)
