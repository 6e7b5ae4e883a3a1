"""akhbar.ingest: raw articles -> clean documents (text, sentences, language, date)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from akhbar.types import Article, DocDate, Document, Skipped

from .boilerplate import (clean_scraped_text, date_context_lines, drop_furniture, drop_furniture_sentences, extract_html,
                          extract_html_page, is_site_furniture, visible_text)
from .duplicates import DuplicateDetector, find_duplicates
from .feeds import read_feed
from .dates import choose_date, event_day_from_lead, find_dates, parse_input_time
from .langid import detect_language, normalize_lang_code
from .normalize import count_words, decode_char_references, fold, fold_tokens, normalize_text
from .readers import InputError, JsonlFields, decode_bytes, looks_like_html, read_inputs
from .sentences import split_paragraphs, split_sentences
from .json_files import read_json
from .tables import read_table
from .warc import read_warc

__all__ = [
    "Ingestor", "JsonlFields", "InputError", "read_inputs", "read_feed", "read_json", "read_table", "read_warc", "check_articles", "decode_bytes", "normalize_text",
    "fold", "fold_tokens", "split_sentences", "detect_language", "choose_date", "find_dates",
    "DuplicateDetector", "find_duplicates",
]

_DATE_LINE_MAX_WORDS = 15
_HTML_MIN_SENTENCE_WORDS = 6
# A one-line record longer than this, or of three sentences and more than 25 words, is an
# article body written on one line, not a headline.
_HEADLINE_MAX_WORDS = 40
_TITLE_MAX_WORDS = 20      # as clean_scraped_text's title line


def check_article(article, index: int) -> Article:
    """``article``, or a TypeError naming its index when it is not an Article."""
    if not isinstance(article, Article):
        raise TypeError(f"article {index} is a {type(article).__name__}, not an akhbar.types.Article "
                        f"(Article(id, raw, source, title=..., lang=..., time=...); read_inputs makes them from files)")
    return article


def check_articles(articles) -> list[Article]:
    """The articles as a list, or a TypeError naming the first that is not an Article."""
    return [check_article(article, index) for index, article in enumerate(articles)]


@dataclass
class Ingestor:
    """Turns Articles into Documents.

    languages: keep only these ISO 639-1 codes (None keeps every language); others are
        skipped with the reason.
    min_words: documents with fewer words after cleaning are skipped (boilerplate only).
    trust_input_lang: use the language given by the input instead of detecting it.
    since, until: keep only articles published on these days or between them (either may
        be None); others are skipped with their date. A page that shows only when it was
        crawled counts as undated: it may be years older.
    keep_undated: with ``since`` or ``until``, keep the articles whose publication date
        is unknown (True) or skip them saying so.
    """

    languages: tuple[str, ...] | None = None
    min_words: int = 3
    trust_input_lang: bool = True
    since: datetime.date | None = None
    until: datetime.date | None = None
    keep_undated: bool = True

    def transform(self, articles: list[Article], progress=None) -> tuple[list[Document], list[Skipped]]:
        """Documents and skip records; every article becomes exactly one of the two.

        progress: optional wrapper for the article iterable (e.g. a tqdm factory).
        """
        documents, skipped = [], []
        for index, article in enumerate(progress(articles) if progress else articles):
            result = self.transform_safe(check_article(article, index))
            (documents if isinstance(result, Document) else skipped).append(result)
        return documents, skipped

    def transform_safe(self, article: Article) -> Document | Skipped:
        """``transform_one`` that turns an unexpected failure into a skip record with the
        reason, so one strange article never stops a batch."""
        try:
            return self.transform_one(article)
        except (KeyboardInterrupt, SystemExit, MemoryError):
            raise
        except Exception as err:  # noqa: BLE001 - reported, not swallowed
            return Skipped(article.source, f"could not process article ({type(err).__name__}: "
                                           f"{str(err)[:200]}); please report this input", article.id)

    def transform_one(self, article: Article) -> Document | Skipped:
        if not article.is_html:
            decoded = decode_char_references(article.raw)
            if decoded != article.raw and looks_like_html(decoded):
                # A page saved with its markup escaped ("&lt;p&gt;..."): read as the page.
                article = replace(article, raw=decoded, is_html=True)
        if article.is_html:
            page = extract_html_page(article.raw)
            html_title, text, published, unread_meta = page.title, page.text, page.published, page.published_meta
            title_hint = article.title or html_title
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            if title_hint and len(lines) > 1 and fold_tokens(lines[0]) == fold_tokens(title_hint):
                text = "\n".join(lines[1:])      # the <h1> repeats the title
        else:
            text, published, unread_meta = decode_char_references(article.raw), None, None
            title_hint = decode_char_references(article.title) if article.title else article.title
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        written_lines = len(lines)
        if len(lines) == 1 and not article.is_html and _is_body_on_one_line(lines[0]):
            # A whole article on one line (JSONL bodies often are): its sentences are the
            # lines that the boilerplate rules and the title choice work on.
            lines = split_sentences(lines[0], "und", max_words=None)
            text = "\n".join(lines)
        notes = list(article.notes)
        date = parse_input_time(article.time)
        if article.time and date is None:
            notes.append(f"time field {str(article.time)[:40]!r} not understood; date looked for in the text")
        date = date or parse_input_time(published) or _metadata_date(unread_meta, notes) or choose_date(lines)
        if article.is_html and (date is None or date.is_crawl_date):
            # trafilatura's main text leaves out the header and byline that show the date
            date = _page_date(article.raw, html_title, date)
        date_lines = {ln for ln in lines if count_words(ln) <= _DATE_LINE_MAX_WORDS and find_dates([ln])}
        if article.is_html:  # already extracted; menus and footers that got through are dropped
            title, paragraphs = None, drop_furniture(lines)
        elif len(lines) <= 1:  # a one-line record: a headline, its own title
            title, paragraphs = (lines[0] if lines else None), lines
        else:
            cleaned = clean_scraped_text(text, date_lines)
            title, paragraphs = cleaned.title, cleaned.paragraphs
        if len(paragraphs) > 1:
            known = title_hint or title
            if known and fold_tokens(paragraphs[0]) == fold_tokens(known):
                paragraphs = paragraphs[1:]          # the body repeats the title
            elif not known and written_lines > 1 and _is_headline(paragraphs[0]):
                # A first line (as written: not a sentence of a body written on one line)
                # that is one short sentence is the headline, whatever mark
                # ends it ("... شد." "...!" "...؟" "...…"); unpunctuated ones are found by
                # clean_scraped_text.
                title, paragraphs = paragraphs[0], paragraphs[1:]
        body = "\n".join(paragraphs)
        longest = max((count_words(p) for p in paragraphs), default=0)
        # A page's text needs one real sentence; what is left of a menu page is labels.
        min_longest = max(self.min_words, _HTML_MIN_SENTENCE_WORDS if article.is_html else 0)
        if count_words(body) < self.min_words or longest < min_longest:
            return Skipped(article.source, self._no_body_reason(article, text, body, min_longest), article.id)
        lang = self._language(article, (title_hint or title or "") + "\n" + body)
        if article.lang and self.trust_input_lang and not normalize_lang_code(article.lang):
            notes.append(f"language label {str(article.lang)[:20]!r} unknown; identified from the text as {lang!r}")
        if self.languages is not None and lang not in self.languages:
            return Skipped(article.source, f"language '{lang}' not in {list(self.languages)}", article.id)
        normalized = [normalize_text(p, _paragraph_language(p, lang)) for p in paragraphs]
        sentences = drop_furniture_sentences(
            [s for s in split_paragraphs(normalized, lang) if any(ch.isalnum() for ch in s)])
        if not sentences:
            return Skipped(article.source, "no sentences after normalization", article.id)
        title = normalize_text(title_hint or title or _headline_from(sentences[0]), lang)
        event = event_day_from_lead(date, sentences)
        if event is not date:
            notes.append(f"event dated {(event.value + datetime.timedelta(days=event.event_offset_days)).isoformat()}, "
                         f"{'the day' if event.event_offset_days == -1 else f'{-event.event_offset_days} days'} before the "
                         f"article's date {date.value.isoformat()}: its lead says "
                         f"{'yesterday' if event.event_offset_days == -1 else 'the day before yesterday'}")
        outside = self._outside_days(event)
        if outside:
            return Skipped(article.source, outside, article.id)
        return Document(id=article.id, lang=lang, title=title, sentences=sentences,
                        source=article.source, date=event, notes=notes)

    def _outside_days(self, date: DocDate | None) -> str | None:
        """Why a document published on ``date`` is outside since..until; None when inside."""
        if self.since is None and self.until is None:
            return None
        if date is None or date.is_crawl_date:
            if self.keep_undated:
                return None
            return ("no publication date found" + (" (only a crawl date)" if date is not None else "") +
                    ", and undated articles are skipped with --since/--until (see --keep-undated)")
        day = date.value
        if self.since is not None and day < self.since:
            return f"published {day.isoformat()}, before --since {self.since.isoformat()}"
        if self.until is not None and day > self.until:
            return f"published {day.isoformat()}, after --until {self.until.isoformat()}"
        return None

    def _no_body_reason(self, article: Article, text: str, body: str, min_longest: int) -> str:
        """Why an article left no body: empty, too short, or boilerplate. Too short only when
        the page itself has few words: words that boilerplate removal took (an HTML page's
        menus and footers, which extraction drops before they are counted here), or a text
        of furniture lines only, make it boilerplate, however few are left."""
        page_words = max(count_words(visible_text(article.raw)) if article.is_html else 0, count_words(text))
        if not page_words:
            return "empty text" + (" (the HTML has no visible text)" if article.is_html else "")
        removed = count_words(text) < page_words
        if page_words < self.min_words and not removed and not is_site_furniture(text):
            return f"too short ({page_words} word{'s' if page_words != 1 else ''}; at least {self.min_words} needed)"
        if count_words(body) >= self.min_words:
            return ("no article text left after boilerplate removal (only menu items or labels of "
                    f"fewer than {min_longest} words)")
        return "no article text left after boilerplate removal"

    def _language(self, article: Article, text: str) -> str:
        given = normalize_lang_code(article.lang)
        if self.trust_input_lang and given:
            return given
        return detect_language(text)


# htmldate's range for a page's publication date (through trafilatura): a metadata date
# outside it, such as a CMS's 1970-01-01 default, is not the page's.
_EARLIEST_PUBLISHED = datetime.date(1995, 1, 1)


def _metadata_date(value: str | None, notes: list[str]) -> DocDate | None:
    """The date of a published-time meta that trafilatura did not read (a Jalali or Hijri
    date, Persian digits), read as a time field is; when it gives no plausible date, a
    note says so and the date is looked for in the text."""
    if not value:
        return None
    found = parse_input_time(value)
    if found is None:
        notes.append(f"page metadata time {value[:40]!r} not understood; date looked for in the text")
        return None
    if not _EARLIEST_PUBLISHED <= found.value <= datetime.date.today() + datetime.timedelta(days=1):
        day = found.value.isoformat()
        shown = "" if value.startswith(day) else f" ({day})"
        notes.append(f"page metadata time {value[:40]!r}{shown} is not a plausible publication date; "
                     f"date looked for in the text")
        return None
    return found


def _page_date(html: str, title: str | None, found: DocDate | None) -> DocDate | None:
    """The date the page shows nearest its headline; ``found`` (None, or a crawl date read
    from the main text) when the page shows no date or only a crawl date beside it."""
    shown = choose_date(date_context_lines(html, title))
    return shown if shown and (found is None or not shown.is_crawl_date) else found


_ARABIC_ONLY_LETTERS = frozenset("ةىيك")
_PERSIAN_ONLY_LETTERS = frozenset("پچژگیک")


def _paragraph_language(paragraph: str, doc_lang: str) -> str:
    """The language to normalize a paragraph as: Arabic for an Arabic quote in a Persian
    article (Arabic letters only, and identified as Arabic: Persian typed with Arabic
    yeh and kaf stays Persian), so that hazm does not rewrite it with Persian letters."""
    if doc_lang != "fa" or _PERSIAN_ONLY_LETTERS & set(paragraph) or not _ARABIC_ONLY_LETTERS & set(paragraph):
        return doc_lang
    return "ar" if detect_language(paragraph) == "ar" else doc_lang


def _is_body_on_one_line(line: str) -> bool:
    words = count_words(line)
    if words > _HEADLINE_MAX_WORDS:
        return True
    return words > 25 and len(split_sentences(line, "und", max_words=None)) >= 3


def _is_headline(line: str) -> bool:
    return count_words(line) <= _TITLE_MAX_WORDS and len(split_sentences(line, "und", max_words=None)) == 1


def _headline_from(sentence: str, max_words: int = 16) -> str:
    words = sentence.split()
    if len(words) <= 1 and count_words(sentence) > max_words:  # CJK: no spaces to cut at
        return sentence[:2 * max_words] + " …"
    return sentence if len(words) <= max_words else " ".join(words[:max_words]) + " …"
