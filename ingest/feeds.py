"""RSS and Atom feed files (.rss, .atom, .xml): one article per item, read with feedparser.

An item's text is its full content (``content:encoded``, Atom ``<content>``) when the feed
gives one, else its description or summary, else its title alone (a headline feed); its id
is its guid / Atom id, else its link; its time is the item's publication (or update) time
as written, which the ingest stage reads as it reads a JSONL time field (RFC 2822, ISO
8601, and the Jalali dates some Iranian feeds write there); its language is the item's,
else the feed's (``<language>fa-IR</language>``, ``xml:lang``).
"""
from __future__ import annotations

import os
from pathlib import Path

from akhbar.types import Article, Skipped

from .compressed import NotGzip, is_gzipped, read_decompressed

FEED_SUFFIXES = {".rss", ".atom", ".xml"}


def _first_text(*values) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value
    return None


def _get(record, key: str):
    # dict.get: feedparser's own get maps some missing keys onto others ("updated" onto
    # "published", with a DeprecationWarning); only what the feed says is wanted.
    return dict.get(record, key)


def _item_text(entry) -> str | None:
    contents = [_get(c, "value") for c in _get(entry, "content") or [] if isinstance(c, dict)]
    return _first_text(*contents, _get(entry, "summary"), _get(entry, "description"))


def _item_language(entry, feed) -> str | None:
    details = [c for c in _get(entry, "content") or [] if isinstance(c, dict)]
    details += [_get(entry, "summary_detail") or {}, _get(entry, "title_detail") or {}]
    return _first_text(*(_get(d, "language") for d in details), _get(feed, "language"),
                       _get(_get(feed, "title_detail") or {}, "language"))


def _looks_like_html(text: str) -> bool:
    return "<" in text and ">" in text


def _as_page(fragment: str) -> str:
    """An item's HTML fragment as a page (trafilatura expects one: a bare "<p>...</p>"
    parses to an empty tree, logged as an error, before the fallbacks read it)."""
    if fragment.lstrip()[:15].lower().startswith(("<html", "<!doctype")):
        return fragment
    return f"<html><body>{fragment}</body></html>"


def read_feed(path: Path, max_bytes: int) -> list[Article | Skipped]:
    """An Article or a Skipped for every item of the feed in ``path``; one Skipped for a
    file that cannot be read, is not a feed, or has no items."""
    import feedparser

    gzip_note = None
    try:
        if is_gzipped(path):
            data, gzip_note, too_large = read_decompressed(path, max_bytes)
            if too_large:
                return [Skipped(str(path), f"file too large once decompressed (over {max_bytes:,} bytes, "
                                           f"see --max-bytes)")]
        else:
            size = os.path.getsize(path)
            if size > max_bytes:
                return [Skipped(str(path), f"file too large ({size:,} bytes; limit {max_bytes:,}, see --max-bytes)")]
            data = path.read_bytes()
    except NotGzip as err:
        return [Skipped(str(path), str(err))]
    except OSError as err:
        return [Skipped(str(path), f"cannot read: {err.strerror or err}")]
    if not data.strip():
        return [Skipped(str(path), "empty file (no text)")]
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        why = f": {parsed.bozo_exception}" if parsed.get("bozo") and parsed.get("bozo_exception") else ""
        return [Skipped(str(path), f"not an RSS or Atom feed{why}"[:300])]
    if not parsed.entries:
        return [Skipped(str(path), "feed has no items")]
    out: list[Article | Skipped] = []
    notes = ((f"the feed is not well-formed XML ({parsed.bozo_exception}); its items were read as far as "
              f"feedparser could"[:300]),) if parsed.get("bozo") else ()
    notes = ((gzip_note,) if gzip_note else ()) + notes
    for number, entry in enumerate(parsed.entries, start=1):
        source = f"{path}:{number}"
        title = _first_text(_get(entry, "title"))
        text = _item_text(entry) or title
        item_id = _first_text(_get(entry, "id"), _get(entry, "link")) or f"{path.name}:{number}"
        if text is None:
            out.append(Skipped(source, "feed item has no content, description or title", item_id.strip()))
            continue
        is_html = _looks_like_html(text)
        out.append(Article(id=item_id.strip(), raw=_as_page(text) if is_html else text, source=source, is_html=is_html,
                           title=title.strip() if title else None, lang=_item_language(entry, parsed.feed),
                           time=_first_text(_get(entry, "published"), _get(entry, "updated"), _get(entry, "created")),
                           notes=notes if number == 1 else ()))
    return out
