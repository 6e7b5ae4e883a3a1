"""report.html: a run's events for a reader, the last step of the data flow
(documents -> clusters -> summaries -> report).

One self-contained page (no scripts, no external files): the counts, a table of contents,
then each event with its date span, languages, keywords, summary sentences (each linked to
the article it was taken from) and its articles with their copies and notes, and finally
every skipped input with the reason. Persian and Arabic text is marked with its language
and ``dir="auto"`` so that each line reads right to left in a browser while ids and
dates stay left to right. Nothing in it depends on when it was written: the same run
gives the same bytes.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

from akhbar.types import Document

_RTL = {"fa", "ar", "ur", "ps", "prs", "ckb"}


@dataclass
class ReportArticle:
    anchor: str
    id: str
    lang: str
    title: str
    date: str
    source: str
    copies: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    copy_of: str | None = None


@dataclass
class ReportSentence:
    text: str
    lang: str
    anchor: str
    doc_id: str
    is_title: bool


@dataclass
class ReportEvent:
    id: int
    headline: str
    headline_lang: str
    n_articles: int
    n_copies: int
    languages: list[tuple[str, int]]
    span: str
    keywords: list[str]
    sentences: list[ReportSentence]
    articles: list[ReportArticle]
    days: tuple[str, str, bool] | None = None     # see day_range

    @property
    def cross_lingual(self) -> bool:
        return len(self.languages) > 1


def _date_text(doc: Document) -> str:
    if doc.date is None:
        return ""
    text = doc.date.value.isoformat()
    if doc.date.timestamp is not None:
        text = doc.date.timestamp.isoformat(sep=" ", timespec="minutes")
    if doc.date.is_crawl_date:
        text += " (crawl date)"
    if doc.date.event_offset_days and doc.event_date is not None:
        text += f" (event {doc.event_date.isoformat()}: the lead says yesterday)"
    return text


def day_range(docs: list[Document]) -> tuple[str, str, bool] | None:
    """(first, last event day, whether crawl dates only) of the articles; crawl dates only
    when no article states its date; None when none is dated."""
    stated = [d.event_date for d in docs if d.event_date is not None and not d.date.is_crawl_date]
    crawled = [d.date.value for d in docs if d.date is not None and d.date.is_crawl_date]
    days = sorted(stated or crawled)
    if not days:
        return None
    return days[0].isoformat(), days[-1].isoformat(), not stated


def _span(docs: list[Document]) -> str:
    days = day_range(docs)
    if days is None:
        return "undated"
    first, last, crawled_only = days
    return (first if first == last else f"{first} .. {last}") + (" (crawl dates only)" if crawled_only else "")


def _bcp47(lang: str) -> str:
    return lang if 2 <= len(lang) <= 3 and lang.isalpha() else "und"


def report_events(result) -> list[ReportEvent]:
    """The events of a ``PipelineResult`` as the report shows them, in cluster order."""
    by_id = {doc.id: doc for doc in result.documents}
    anchors = {doc.id: f"a{number}" for number, doc in enumerate(sorted(result.documents, key=lambda d: d.id))}
    copies: dict[str, list[str]] = {}
    for doc in result.documents:
        if doc.duplicate_of:
            copies.setdefault(doc.duplicate_of, []).append(doc.id)
    events = []
    for cluster, summary in zip(result.clusters, result.summaries):
        members = [by_id[doc_id] for doc_id in cluster.member_ids if not by_id[doc_id].duplicate_of]
        articles = []
        for d in members:   # each article, then its copies (not clustered, not summarized: see the pipeline)
            articles.append(ReportArticle(anchors[d.id], d.id, d.lang, d.title, _date_text(d), d.source,
                                          sorted(copies.get(d.id, [])), list(d.notes)))
            articles.extend(ReportArticle(anchors[c.id], c.id, c.lang, c.title, _date_text(c), c.source,
                                          notes=list(c.notes), copy_of=d.id)
                            for c in sorted((by_id[i] for i in copies.get(d.id, [])), key=lambda c: c.id))
        sentences = [ReportSentence(s.text, s.lang, anchors.get(s.doc_id, ""), s.doc_id, s.sentence_index < 0)
                     for s in summary.sentences]
        counts = Counter(d.lang for d in members)
        headline_lang = next((d.lang for d in members if d.title == summary.headline), members[0].lang if members else "")
        events.append(ReportEvent(
            id=cluster.id, headline=summary.headline, headline_lang=headline_lang, n_articles=len(members),
            n_copies=sum(1 for a in articles if a.copy_of),
            languages=sorted(counts.items(), key=lambda item: (-item[1], item[0])),
            span=_span(members), keywords=list(summary.keywords), sentences=sentences, articles=articles,
            days=day_range(members)))
    return events


def render_report(result) -> str:
    """report.html for a ``PipelineResult`` (written by ``PipelineResult.write``)."""
    from jinja2 import Environment, StrictUndefined

    template_text = resources.files("akhbar").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["dir"] = lambda lang: "rtl" if lang in _RTL else "auto"
    env.filters["bcp47"] = _bcp47
    template = env.from_string(template_text)
    events = report_events(result)
    from akhbar.pipeline import skip_order

    return template.render(
        events=events,
        n_articles=len(result.documents),
        n_duplicates=sum(1 for d in result.documents if d.duplicate_of),
        n_cross_lingual=sum(1 for e in events if e.cross_lingual),
        languages=sorted(Counter(d.lang for d in result.documents).items(), key=lambda item: (-item[1], item[0])),
        skipped=sorted(result.skipped, key=skip_order),
        inputs=list(result.inputs),
        model=result.encoder_name or "",
    )
