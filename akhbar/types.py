"""Shared records that flow between the stages.

articles -> documents -> embeddings -> clusters -> summaries -> reports.
Every stage imports these types and the stages before it, nothing after.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Article:
    """One raw input item, as read from disk, before any cleaning."""

    id: str
    raw: str                      # raw text or HTML
    source: str                   # file path (and line for JSONL) it came from
    is_html: bool = False
    title: str | None = None
    lang: str | None = None       # language given by the input, if any
    time: str | None = None       # timestamp given by the input, if any
    notes: tuple[str, ...] = ()   # what reading changed or ignored (bytes replaced, a field of the wrong type)


@dataclass(frozen=True)
class DocDate:
    value: date
    calendar: str                 # "jalali" | "hijri" | "gregorian" | "input"
    is_crawl_date: bool = False   # True when the page only states when it was crawled/viewed
    text: str = ""                # the span the date was read from
    # Full time of day when the input gives it: naive UTC when the input states its zone
    # (an offset, "Z", Unix time), else as written; ``value`` is then its date.
    timestamp: datetime | None = None
    # The reported event's day relative to ``value``: -1 when the article's lead says the
    # event was "yesterday" (a print edition dated the day after, see ingest.dates).
    event_offset_days: int = 0


@dataclass
class Document:
    """A cleaned article: normalized text split into sentences, plus metadata."""

    id: str
    lang: str                     # "fa", "ar", other ISO 639-1 code, or "other"
    title: str
    sentences: list[str]
    source: str
    date: DocDate | None = None
    duplicate_of: str | None = None   # id of the canonical copy for syndicated duplicates
    notes: list[str] = field(default_factory=list)  # input problems worked around (e.g. a time not understood)

    @property
    def text(self) -> str:
        return "\n".join(self.sentences)

    @property
    def event_date(self) -> date | None:
        """The date usable as event evidence (crawl dates are not)."""
        if self.date is None or self.date.is_crawl_date:
            return None
        return self.date.value + timedelta(days=self.date.event_offset_days)

    @property
    def event_day(self) -> float | None:
        """Event time as a fractional day number (proleptic ordinal), None if unknown; a day
        without a time of day is its middle (the clusterer takes it as the whole day)."""
        if self.event_date is None:
            return None
        if self.event_is_whole_day:
            return self.event_date.toordinal() + 0.5
        stamp = self.date.timestamp
        return stamp.toordinal() + (stamp.hour * 3600 + stamp.minute * 60 + stamp.second) / 86400

    @property
    def event_is_whole_day(self) -> bool:
        """Whether the event time is a day, not a moment: no time of day was given, or the
        event is dated relative to the page ("yesterday"), whose time says nothing of it."""
        return self.event_date is not None and (self.date.timestamp is None or self.date.event_offset_days != 0)


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str
    id: str | None = None


@dataclass
class Cluster:
    id: int
    member_ids: list[str]
    langs: list[str]


@dataclass
class SummarySentence:
    text: str
    doc_id: str
    lang: str
    sentence_index: int


@dataclass
class Summary:
    cluster_id: int
    headline: str
    sentences: list[SummarySentence]
    keywords: list[str] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def document_to_dict(doc: Document) -> dict:
    """A JSON-ready record of a document (``document_from_dict`` reads it back)."""
    record = {"id": doc.id, "lang": doc.lang, "title": doc.title, "sentences": list(doc.sentences),
              "source": doc.source, "duplicate_of": doc.duplicate_of, "date": None, "notes": list(doc.notes)}
    if doc.date is not None:
        record["date"] = {"value": doc.date.value.isoformat(), "calendar": doc.date.calendar,
                          "is_crawl_date": doc.date.is_crawl_date, "text": doc.date.text,
                          "timestamp": doc.date.timestamp.isoformat() if doc.date.timestamp else None,
                          "event_offset_days": doc.date.event_offset_days}
    return record


def _saved_timestamp(found: dict) -> datetime | None:
    """The saved time of day; None for a day given without one ("2025-01-12"): states saved
    by earlier releases hold midnight for it, where ingest now leaves it without a time of day
    (the whole day, see ``Document.event_day``)."""
    if not found.get("timestamp"):
        return None
    try:
        date.fromisoformat(found.get("text") or "")
        return None
    except ValueError:
        return datetime.fromisoformat(found["timestamp"])


def document_from_dict(record: dict) -> Document:
    found = record.get("date")
    doc_date = None
    if found:
        doc_date = DocDate(value=date.fromisoformat(found["value"]), calendar=found["calendar"],
                           is_crawl_date=bool(found.get("is_crawl_date")), text=found.get("text", ""),
                           timestamp=_saved_timestamp(found),
                           event_offset_days=int(found.get("event_offset_days") or 0))
    return Document(id=str(record["id"]), lang=record["lang"], title=record["title"],
                    sentences=list(record["sentences"]), source=record["source"], date=doc_date,
                    duplicate_of=record.get("duplicate_of"), notes=list(record.get("notes") or []))
