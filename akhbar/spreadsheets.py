"""events.csv and articles.csv: a run's events and articles as spreadsheets, for the
analysts who sort, filter and pivot in Excel, LibreOffice or pandas (the last step of the
data flow, beside report.html; built from the same ``report_events``).

events.csv has one row per event: its headline, first and last day, languages with their
article counts, keywords, the summary (one sentence a line, each with the id of the
article it was taken from) and its articles' ids. articles.csv has one row per article,
syndicated copies included (``copy_of`` names the article they copy), with its event and
its date in cells a spreadsheet sorts (ISO date; the time of day apart; crawl dates
flagged).
Written with the standard ``csv`` module as UTF-8 with a byte order mark and CRLF line
ends, which is what Excel needs to open Persian and Arabic text without an import dialog.
A cell that a spreadsheet would run as a formula (one that starts with = + - @, as a
scraped title can) gets a leading apostrophe, which Excel hides; pandas reads the files
with ``encoding="utf-8-sig"``.
"""
from __future__ import annotations

import csv
import io

from akhbar.report import report_events
from akhbar.types import Document

EVENT_COLUMNS = ("event_id", "headline", "first_day", "last_day", "dates_are_crawl_dates", "languages",
                 "n_articles", "n_copies", "keywords", "summary", "article_ids")
ARTICLE_COLUMNS = ("event_id", "id", "lang", "date", "time", "date_is_crawl_date", "event_date", "title", "copy_of",
                   "source", "notes")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def events_csv(result) -> str:
    rows = []
    for event in report_events(result):
        first, last, crawled = event.days if event.days else ("", "", False)
        rows.append((event.id, event.headline, first, last, "yes" if crawled else "",
                     ", ".join(f"{lang} {count}" for lang, count in event.languages),
                     event.n_articles, event.n_copies, "; ".join(event.keywords),
                     "\n".join(f"{s.text} [{s.doc_id}]" for s in event.sentences),
                     "\n".join(a.id for a in event.articles if a.copy_of is None)))
    return _table(EVENT_COLUMNS, rows)


def articles_csv(result) -> str:
    by_id = {doc.id: doc for doc in result.documents}
    rows = [(event.id, article.id, article.lang, *_date_cells(by_id[article.id]), article.title,
             article.copy_of or "", article.source, "\n".join(article.notes))
            for event in report_events(result) for article in event.articles]
    return _table(ARTICLE_COLUMNS, rows)


def _date_cells(doc: Document) -> tuple[str, str, str, str]:
    """date, time (when the input gives a time of day), whether the date is only a crawl
    date, and the event's day when the lead puts it on another ("yesterday")."""
    if doc.date is None:
        return "", "", "", ""
    stamp = doc.date.timestamp
    event = doc.event_date if doc.date.event_offset_days and doc.event_date is not None else None
    return (doc.date.value.isoformat(), stamp.isoformat(sep=" ", timespec="seconds") if stamp else "",
            "yes" if doc.date.is_crawl_date else "", event.isoformat() if event else "")


def _table(header: tuple[str, ...], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return "\ufeff" + out.getvalue()


def _cell(value) -> str:
    if isinstance(value, int):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
