"""Publication/event dates stated in Persian and Arabic pages.

Calendar conversion is done by jdatetime (Jalali) and hijridate (Hijri, Umm al-Qura);
what is written by hand is only the recognition of the date spans, because no date
library reads "۲۵ آبان ۱۳۹۹" or "١٥ ربيع الأول ١٤٤٢" with Persian/Arabic digits and
month names reliably.

A date that the page presents as "today" (a site header such as "امروز : شنبه, ۳ آذر
, ۱۴۰۳") is the day the page was viewed or crawled, not when the news happened; it is
returned with ``is_crawl_date=True``.
"""
from __future__ import annotations

import re
from dataclasses import replace
from email.utils import parsedate_to_datetime
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from akhbar.types import DocDate

from .normalize import fold, to_ascii_digits

JALALI_MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
                 "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]
# The same solar months as Afghanistan names them (Dari and Pashto: the zodiac signs):
# "۲۵ عقرب ۱۳۹۹" is 25 Aban 1399. Most are also common words ("اسد" Assad, "میزان" amount,
# "سرطان" cancer), so they are read only with a day and a four-digit year.
DARI_MONTHS = ["حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت"]
HIJRI_MONTHS = [["محرم"], ["صفر"], ["ربیع الاول", "ربیع الأول", "ربیع اول"],
                ["ربیع الثانی", "ربیع الآخر", "ربیع الثاني", "ربیع ثانی"],
                ["جمادی الاولی", "جمادی الأولى", "جمادی الاول", "جمادی اول"],
                ["جمادی الثانیه", "جمادی الآخرة", "جمادی الثانية", "جمادی الاخره", "جمادی ثانی"],
                ["رجب"], ["شعبان"], ["رمضان"], ["شوال"],
                ["ذی القعده", "ذو القعدة", "ذي القعدة"], ["ذی الحجه", "ذو الحجة", "ذي الحجة"]]
# Per month: English, Persian (Iran), Arabic (Egypt and the Gulf: "يونيه"/"يوليه" in the
# Egyptian press), Levantine and Iraqi ("تشرين الثاني", also written "تشرين ثاني"), Maghreb
# (Algeria, Tunisia: "جوان"; Morocco: "يوليوز", "غشت", "شتنبر", "نونبر", "دجنبر"), and the
# English-derived names of Afghan Dari ("جنوری", "اپریل", "اگست", "نومبر"). Iraqi papers
# shorten the two-part names with a digit: "تشرين2" (November), "كانون1" (December).
GREGORIAN_MONTHS = [
    ["january", "jan", "ژانویه", "ژانویهٔ", "يناير", "كانون الثاني", "كانون ثاني", "كانون 2", "جانفي", "جنوری"],
    ["february", "feb", "فوریه", "فبراير", "شباط", "فيفري", "فبروری"],
    ["march", "mar", "مارس", "آذار", "مارچ"],
    ["april", "apr", "آوریل", "أبريل", "ابريل", "نيسان", "أفريل", "اپریل", "آپریل"],
    ["may", "مه", "می", "مايو", "أيار", "ماي"],
    ["june", "jun", "ژوئن", "يونيو", "يونيه", "حزيران", "جوان", "جون"],
    ["july", "jul", "ژوئیه", "جولای", "يوليو", "يوليه", "يوليوز", "تموز", "جويلية"],
    ["august", "aug", "اوت", "آگوست", "أغسطس", "اغسطس", "آب", "أوت", "غشت", "اگست"],
    ["september", "sep", "sept", "سپتامبر", "سبتمبر", "أيلول", "شتنبر", "سپتمبر"],
    ["october", "oct", "اکتبر", "أكتوبر", "اكتوبر", "تشرين الأول", "تشرين أول", "تشرين 1"],
    ["november", "nov", "نوامبر", "نوفمبر", "تشرين الثاني", "تشرين ثاني", "تشرين 2", "نونبر", "نومبر"],
    ["december", "dec", "دسامبر", "ديسمبر", "كانون الأول", "كانون أول", "كانون 1", "دجنبر", "دسمبر"],
]

_CRAWL_MARKERS = ("امروز", "اليوم", "today")
# "امروز : شنبه, ۳ آذر" inside a line (a page flattened to one line): the marker, a colon,
# at most a weekday, then the date. Without the colon "اليوم الأحد ١٥ ..." is news text
# ("today, Sunday the 15th"), the event's own date.
_CRAWL_BEFORE = re.compile(r"(?:^|[^\w])(?:%s)\s*:\s*(?:[^\W\d]+\s*[,،]?\s*)?$"
                           % "|".join(fold(m) for m in _CRAWL_MARKERS))
_PUBLISH_MARKERS = ("تاریخ انتشار", "تاریخ خبر", "تاريخ النشر", "نشر في", "published", "posted")


def _month_key(name: str) -> str:
    # fold() drops ZWNJ, so "ربیع‌الاول" and "ربیع الاول" differ only by a space.
    return re.sub(r"\s+", "", name)


def _month_table(groups: list[list[str]]) -> dict[str, int]:
    table: dict[str, int] = {}
    for month, names in enumerate(groups, start=1):
        for name in names:
            table[fold(name)] = month
    return table


_JALALI = {fold(m): i for i, m in enumerate(JALALI_MONTHS, start=1)}
_DARI = {fold(m): i for i, m in enumerate(DARI_MONTHS, start=1)}
_HIJRI = _month_table(HIJRI_MONTHS)
_GREG = _month_table(GREGORIAN_MONTHS)


def _alternation(names) -> str:
    # Multi-word month names match with or without the space ("ربیع الاول", "ربیعالاول").
    return "|".join(r"\s*".join(re.escape(part) for part in n.split())
                    for n in sorted(names, key=len, reverse=True))


# Patterns run on fold()ed text, so digits are ASCII and letters folded (ZWNJ removed).
# {after}: what may follow the month name: "ماه" for Jalali months ("۲۵ آبان‌ماه ۱۳۹۹",
# "۲۵ آبان ماه ۱۳۹۹"); for Gregorian months the other name of the same month, as the
# Arabic press writes it ("15 تشرين الثاني/نوفمبر 2020", "15 تشرين الثاني (نوفمبر) 2020").
# {year}: Jalali years may be written with two digits ("۲۵ آبان ۹۹"; see _full_year).
# The month name is a whole word: "۲۵ اسدالله ۱۳۹۹" is no date. "st/nd/rd/th": "15th November 2020".
# "من" between day and month is the Egyptian form ("13 من رجب 1446", "13 من يناير 2025").
_DMY = (r"(?<!\d)(?P<d>\d{{1,2}})\s*(?:ام|م|st|nd|rd|th)?\s*[,،]?\s*(?:من\s+)?(?P<m>{months}){after}(?![^\W\d])\s*[,،]?\s*"
        r"(?:سنه|سال|عام)?\s*(?P<y>{year})(?!\d)")
_YMD_WORD = r"(?<!\d)(?P<y>\d{{4}})\s+(?P<m>{months})\s+(?P<d>\d{{1,2}})\b"
# "November 15, 2020", "Nov. 15, 2020", "نوفمبر 15، 2020"
_MDY_WORD = r"\b(?P<m>{months})\.?\s+(?P<d>\d{{1,2}})[,،]?\s+(?P<y>\d{{4}})(?!\d)"
_NOSPACE = {name: {_month_key(k): v for k, v in table.items()}
            for name, table in (("jalali", _JALALI), ("dari", _DARI), ("hijri", _HIJRI), ("gregorian", _GREG))}
_PATTERNS = []
for _name, _calendar, _table in (("jalali", "jalali", _JALALI), ("dari", "jalali", _DARI), ("hijri", "hijri", _HIJRI),
                                 ("gregorian", "gregorian", _GREG)):
    _months = _alternation(_table)
    _after = {"jalali": r"(?:\s*ماه)?", "gregorian": rf"(?:\s*(?:/|\()\s*(?:{_months})\s*\)?)?"}.get(_name, "")
    _year = r"\d{4}|\d{2}" if _name == "jalali" else r"\d{4}"
    _PATTERNS.append((_name, _table, re.compile(_DMY.format(months=_months, after=_after, year=_year))))
    # Year first ("۱۳۹۹ آبان ۲۵", "2020 November 15"): in every calendar but the Dari
    # names, which are common words and are read only day first.
    if _name != "dari":
        _PATTERNS.append((_name, _table, re.compile(_YMD_WORD.format(months=_months))))
    if _calendar == "gregorian":
        _PATTERNS.append((_calendar, _table, re.compile(_MDY_WORD.format(months=_months))))
_NUMERIC = re.compile(r"\b(?P<y>1[34]\d\d|20\d\d)[/\-.](?P<m>\d{1,2})[/\-.](?P<d>\d{1,2})\b"
                      r"|\b(?P<d2>\d{1,2})[/\-.](?P<m2>\d{1,2})[/\-.](?P<y2>1[34]\d\d|20\d\d)\b")


# Days outside these years are a number beside a month name ("در ۲۰۰۰ مهر ۱۵ نفر"), or a
# Gregorian year under a Jalali month ("۱۵ مهر ۲۰۲۰", year 2641), not a news date.
_PLAUSIBLE_YEARS = range(1900, 2101)


def _to_gregorian(calendar: str, y: int, m: int, d: int) -> date | None:
    try:
        if calendar == "jalali":
            import jdatetime

            value = jdatetime.date(y, m, d).togregorian()
        elif calendar == "hijri":
            from hijridate import Hijri

            value = Hijri(y, m, d).to_gregorian()
        else:
            value = date(y, m, d)
    except (ValueError, OverflowError):
        return None
    return value if value.year in _PLAUSIBLE_YEARS else None


def _calendar_for_year(y: int) -> str:
    if 1300 <= y <= 1420:
        return "jalali"          # 1300-1420 AP covers 1921-2041
    if 1421 <= y <= 1500:
        return "hijri"           # 1421-1500 AH covers 2000-2077
    return "gregorian"


def _full_year(year: str) -> int | None:
    """A Jalali year written with two digits: "۹۹" is 1399, "۰۲" 1402. Two digits that
    would make a year after next year are not a year ("۲۵ آبان ۱۲ نفر")."""
    if len(year) != 2:
        return int(year)
    import jdatetime

    value = int(year) + (1300 if int(year) >= 50 else 1400)
    return value if value <= jdatetime.date.today().year + 1 else None


def _candidates(line: str):
    folded = fold(line)
    for name, table, pattern in _PATTERNS:
        calendar = "jalali" if name == "dari" else name
        for match in pattern.finditer(folded):
            y, d = _full_year(match["y"]), int(match["d"])
            if y is None:
                continue
            month = table.get(match["m"]) or _NOSPACE[name].get(_month_key(match["m"]))
            if month is None:
                continue
            value = _to_gregorian(calendar, y, month, d)
            if value:
                yield match.start(), DocDate(value, calendar, text=match.group(0))
    for match in _NUMERIC.finditer(folded):
        if match["y"]:
            y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
        else:
            y, m, d = int(match["y2"]), int(match["m2"]), int(match["d2"])
        calendar = _calendar_for_year(y)
        value = _to_gregorian(calendar, y, m, d)
        if value:
            yield match.start(), DocDate(value, calendar, text=match.group(0))


# A line that opens with the marker and a colon ("امروز: سه‌شنبه ۲۵ دی ۱۴۰۳ - ..."): every
# date on it is the site header's.
_CRAWL_LINE_START = re.compile(r"^[\s•|:-]*(?:%s)\s*:" % "|".join(fold(m) for m in _CRAWL_MARKERS))
_CRAWL_MARKER_WORDS = {fold(m) for m in _CRAWL_MARKERS}


def _is_crawl_line(low: str, spans: list[str]) -> bool:
    """Whether a (fold()ed) line is a site header's "today" date: the marker with a colon
    at its start, or the marker, a weekday and the date with nothing else ("اليوم الأحد 15
    نوفمبر 2020"). A line that goes on with news ("اليوم الخميس 17 أبريل 2025 وصل ...") is
    news text, its date the event's."""
    if _CRAWL_LINE_START.match(low):
        return True
    rest = low
    for span in spans:
        rest = rest.replace(span, " ")
    words = [word for word in re.sub(r"[\d\W_]+", " ", rest).split() if len(word) > 1]  # not "م", "هـ"
    return bool(words) and words[0] in _CRAWL_MARKER_WORDS and len(words) <= 2


def find_dates(lines: list[str]) -> list[DocDate]:
    """All dates stated in the lines, in reading order, crawl dates flagged."""
    found = []
    for line in lines:
        low = fold(line)
        candidates = sorted(_candidates(line), key=lambda c: c[0])
        is_crawl = bool(candidates) and _is_crawl_line(low, [c[1].text for c in candidates])
        for start, found_date in candidates:
            crawl = is_crawl or bool(_CRAWL_BEFORE.search(low[max(0, start - 40):start]))
            found.append(DocDate(found_date.value, found_date.calendar, crawl, found_date.text))
    return found


def choose_date(lines: list[str], head_lines: int = 12) -> DocDate | None:
    """The page's publication/event date.

    A date on a line labelled as the publication date wins; then the first non-crawl
    date near the top; then any non-crawl date; then a crawl date, flagged as such.
    """
    labelled = [ln for ln in lines if any(fold(m) in fold(ln) for m in _PUBLISH_MARKERS)]
    for group in (labelled, lines[:head_lines], lines):
        real = [d for d in find_dates(group) if not d.is_crawl_date]
        if real:
            return _stated_day(real)
    crawl = find_dates(lines)
    return _stated_day(crawl) if crawl else None


# How far the Umm al-Qura day (hijridate) may be from the day a page states beside it.
_HIJRI_SIGHTING_DAYS = 2


def _stated_day(dates: list[DocDate]) -> DocDate:
    """The first date, unless it is a Hijri one that the page also states in the Gregorian
    or Jalali calendar ("١٤ ربيع الثاني ١٤٤٢ هـ الموافق ٢٨ نوفمبر ٢٠٢٠ م"): the Hijri
    month begins with the sighting of the moon, which the Umm al-Qura tables that
    hijridate computes with can miss by a day or two, so the stated solar day is the day."""
    first = dates[0]
    if first.calendar == "hijri":
        for other in dates[1:]:
            if other.calendar in ("gregorian", "jalali") and other.is_crawl_date == first.is_crawl_date \
                    and abs((other.value - first.value).days) <= _HIJRI_SIGHTING_DAYS:
                return other
    return first


def _zone(offset: str) -> timezone:
    if offset == "Z":
        return timezone.utc
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _to_utc(stamp: datetime) -> datetime:
    """A time with a UTC offset as naive UTC (the representation of DocDate.timestamp);
    a time without one is kept as written (its zone is unknown)."""
    if stamp.tzinfo is None:
        return stamp
    return stamp.astimezone(timezone.utc).replace(tzinfo=None)


def _is_day_only(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


# What may stand between a day and its time of day in a time field: ISO's T or a space, and
# as Iranian and Arab sites write it, " - ", a comma or "ساعت" (o'clock).
_CLOCK_AFTER_DAY = r"(?:[T ]|\s*[-–،,]\s*|\s+ساعت\s+)"
_RFC2822_SHAPE = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_YEAR_FIRST_SLASHED = re.compile(r"(1[34]\d\d|1500|19\d\d|20\d\d)[/.](\d{1,2})[/.](\d{1,2})(?!\d)")


def _iso_dashes(text: str) -> str:
    """"1403/08/25 10:30" and "2024.11.15" as ISO writes them ("1403-08-25 10:30"), so that
    their time of day is read as an ISO one is; other text is returned as it is."""
    slashed = _YEAR_FIRST_SLASHED.match(text)
    if not slashed:
        return text
    y, m, d = slashed.groups()
    return f"{y}-{int(m):02d}-{int(d):02d}" + text[slashed.end():]


def _rfc2822(text: str) -> datetime | None:
    """An RFC 2822 time, as RSS <pubDate> and e-mail give it ("Fri, 15 Nov 2024 10:00:00
    +0330"), in UTC (as written when its zone is -0000, unknown); None for anything else."""
    if not _RFC2822_SHAPE.match(text):
        return None
    try:
        stamp = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return _to_utc(stamp)


def _with_clock(day: date, calendar: str, text: str, rest: str) -> DocDate:
    """The day, with the time of day that ``rest`` (what follows the day) begins with,
    if any: in UTC when it gives a zone."""
    clock = re.match(_CLOCK_AFTER_DAY + r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?", rest)
    if not (clock and int(clock.group(1)) < 24 and int(clock.group(2)) < 60):
        return DocDate(day, calendar, text=text)
    stamp = datetime(day.year, day.month, day.day, int(clock.group(1)), int(clock.group(2)),
                     min(int(clock.group(3) or 0), 59))
    if clock.group(4):
        stamp = _to_utc(stamp.replace(tzinfo=_zone(clock.group(4))))
    return DocDate(stamp.date(), calendar, text=text, timestamp=stamp)


def parse_input_time(value: str | None) -> DocDate | None:
    """A timestamp given by the input (JSONL time field, HTML metadata): ISO 8601 or
    YYYY-MM-DD HH:MM:SS (also with / or . between year, month and day, and " - ", a comma
    or "ساعت" before the time), the same with a Jalali or Hijri year, RFC 2822 (RSS
    pubDate), or Unix time (seconds or milliseconds, UTC). A time with a UTC offset
    ("+03:30", "Z") is converted to UTC, and the date is then the UTC date, so that times from different sources compare. A day
    without a time of day has no timestamp (see Document.event_day)."""
    if not value:
        return None
    given = to_ascii_digits(str(value)).strip()
    text = _iso_dashes(given)
    epoch = re.fullmatch(r"(\d{9,10}|\d{12,13})(\.\d+)?", text)
    if epoch:  # Unix time in seconds or milliseconds (UTC)
        seconds = float(text) / (1000 if len(epoch.group(1)) > 10 else 1)
        stamp = datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)
        return DocDate(stamp.date(), "input", text=given, timestamp=stamp)
    iso = re.match(r"(1[34]\d\d|1500)-(\d{1,2})-(\d{1,2})(?!\d)", text)
    if iso:  # "1399-08-25": a Jalali or Hijri date written the ISO way (no news is dated 1399 AD)
        y, m, d = map(int, iso.groups())
        calendar = _calendar_for_year(y)
        day = _to_gregorian(calendar, y, m, d)
        if day is None:
            return None
        return _with_clock(day, calendar, given, text[iso.end():])
    try:
        stamp = _to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        stamp = None
        gregorian = re.match(r"((?:19|20)\d\d)-(\d{2})-(\d{2})(?!\d)", text)
        if gregorian:  # "2024-11-15 - 10:30", "2024/11/15، 10:30": ISO but for what stands before the time
            try:
                return _with_clock(date(*map(int, gregorian.groups())), "input", given, text[gregorian.end():])
            except ValueError:
                pass
    # A day without a time of day ("2025-01-12", or one whose time is not understood) has
    # no timestamp, as "1403-10-23" and dates read from the text have none: Document.event_day
    # puts every such day at noon, so that two reports of one day are not half a day apart.
    if stamp is not None:
        return DocDate(stamp.date(), "input", text=given, timestamp=None if _is_day_only(text) else stamp)
    try:
        return DocDate(datetime.strptime(text[:10], "%Y-%m-%d").date(), "input", text=given)
    except ValueError:
        pass
    emailed = _rfc2822(text)
    if emailed is not None:
        return DocDate(emailed.date(), "input", text=given, timestamp=emailed)
    found = find_dates([text])
    return found[0] if found else None


# "Yesterday" in Arabic (أمس, with its clitics: وأمس, بالأمس; البارحة), Persian (دیروز,
# روز گذشته, دیشب, شب گذشته) and English, as folded word sequences. Arabic print editions
# are dated the day after the events they report ("... في بغداد أمس"), and Persian
# agencies write "روز گذشته" for the day before the story's date. dateparser's
# search_dates finds أمس and دیروز but not روز گذشته, takes about 50 ms a sentence here
# (a batch of 10,000 articles: 8 minutes) and reads weekday names and bare numbers in a
# lead as dates; only "the day before" is wanted, so this short list is kept by hand.
# Not bare الأمس: "حلفاء الأمس" (yesterday's allies) is figurative.
_YESTERDAY_WORDS = ("أمس", "وأمس", "بالأمس", "البارحة", "دیروز", "دیشب", "yesterday")
_YESTERDAY_PHRASES = (("روز", "گذشته"), ("شب", "گذشته"), ("last", "night"))


# The day before yesterday: أول أمس / أول من أمس (whose أمس alone would say yesterday), پریروز.
_TWO_DAYS_WORDS = ("پریروز",)
_TWO_DAYS_PHRASES = (("أول", "أمس"), ("أول", "من", "أمس"), ("اول", "امس"))


@lru_cache(maxsize=1)
def _relative_day_forms():
    def folded(phrases):
        return {tuple(fold(w) for w in phrase) for phrase in phrases}

    return ({fold(w) for w in _YESTERDAY_WORDS}, folded(_YESTERDAY_PHRASES),
            {fold(w) for w in _TWO_DAYS_WORDS}, folded(_TWO_DAYS_PHRASES))


def _has(tokens: list[str], words: set, phrases: set) -> bool:
    if any(token in words for token in tokens):
        return True
    return any(tuple(tokens[i:i + len(p)]) == p for p in phrases for i in range(len(tokens) - len(p) + 1))


def days_back(sentence: str) -> int:
    """How many days before the article's date the sentence dates its event: 1 for
    "yesterday" (``_YESTERDAY_WORDS``/``_PHRASES``), 2 for the day before yesterday, 0 for
    neither; whole words only (not أمسية, an evening event)."""
    yesterday, yesterday_phrases, two_days, two_days_phrases = _relative_day_forms()
    tokens = re.findall(r"\w+", fold(sentence))
    if _has(tokens, two_days, two_days_phrases):
        return 2
    return 1 if _has(tokens, yesterday, yesterday_phrases) else 0


def says_yesterday(sentence: str) -> bool:
    """Whether the sentence dates its event yesterday (see ``days_back``)."""
    return days_back(sentence) == 1


def event_day_from_lead(found: DocDate | None, sentences: list[str]) -> DocDate | None:
    """``found`` with the event a day (two) before it when the lead (the first sentence of a
    body of several) says the event was yesterday (the day before yesterday) and states no
    date of its own; else as it is. A headline alone, or a crawl date, is left as it is."""
    if found is None or found.is_crawl_date or found.event_offset_days or len(sentences) < 2:
        return found
    lead = sentences[0]
    back = days_back(lead)
    if not back or find_dates([lead]):
        return found
    return replace(found, event_offset_days=-back)
