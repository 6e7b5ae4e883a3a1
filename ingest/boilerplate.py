"""Boilerplate removal.

HTML goes through trafilatura. Scraped *text* (what most Persian/Arabic news crawls
deliver) has no markup left for trafilatura to use, so the site furniture is removed
here with rules written for Persian/Arabic news sites: furniture phrases (comment
forms and policies, "latest news" labels, end-of-message markers, captcha sums in
words, menus), run-on lists of other headlines, short label lines at the page edges,
and paragraphs repeated within the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import count_words, fold

# Lines that are furniture wherever they occur (matched on fold()ed text, so one entry
# covers alef/yeh/kaf variants). Kept as phrases, not single words, so that news
# sentences using these words survive.
FURNITURE_PHRASES = [
    # Persian
    "ارسال نظر", "آخرین اخبار", "اخبار پیشنهادی", "تحلیل های برگزیده", "تحلیل‌های برگزیده",
    "تبادل نظر", "انتهای پیام", "منوی بالا", "منوی اصلی", "دسترسی سریع", "اخبار سایت",
    "اخبار ویژه", "آدرس ایمیل", "نشانی ایمیل", "پست الکترونیک", "دیدگاه های ارسال شده",
    "دیدگاه‌های ارسال شده", "منتشر نخواهد شد", "پس از تایید", "کد خبر", "کد مطلب",
    "لینک کوتاه", "اشتراک گذاری", "اشتراک‌گذاری", "چاپ خبر", "نظرات کاربران", "برچسب ها",
    "برچسب‌ها", "مطالب مرتبط", "اخبار مرتبط", "پربازدیدترین", "پربحث ترین", "کلیه حقوق",
    "تمامی حقوق", "بازگشت به بالا", "عضویت در خبرنامه", "کانال تلگرام",
    # Arabic
    "مقالات ذات صلة", "اترك تعليقا", "اترك تعليقاً", "لن يتم نشر عنوان بريدك",
    "الحقول الإلزامية", "زر الذهاب إلى الأعلى", "اقرأ أيضا", "اقرأ أيضاً", "أخبار ذات صلة",
    "الأكثر قراءة", "شارك هذا", "جميع الحقوق محفوظة", "على التلغرام", "على تلغرام",
    "تابعونا على", "اشترك في", "النشرة البريدية", "أضف تعليق", "التعليقات",
    # English (mixed pages)
    "leave a comment", "all rights reserved", "back to top", "related articles",
    "subscribe to our newsletter", "share this",
    # Persian "share this page with your friends", "all material and moral rights"
    "به اشتراک بگذارید", "حقوق مادی و معنوی",
    # comment forms ("you are replying to the comment «»"), BBC Persian's "updated 17 April"
    "در حال پاسخ به نظر", "بروزرسانی شده", "به روزرسانی شده", "به‌روزرسانی شده",
]
_FURNITURE = [fold(p) for p in FURNITURE_PHRASES]
# Phrases that are also ordinary news wording ("اشترك في الاجتماع ..." = "took part in the
# meeting", "پس از تایید شورای نگهبان", "آلاف التعليقات"): a line with one of them is
# furniture only when it is not a sentence, puts a colon after the phrase, says little more
# than the phrase, names the site or its comments, or carries a second furniture phrase.
AMBIGUOUS_PHRASES = [
    "آخرین اخبار", "تبادل نظر", "دسترسی سریع", "اخبار سایت", "اخبار ویژه", "منتشر نخواهد شد", "پس از تایید", "اشتراک گذاری", "اشتراک‌گذاری", "کلیه حقوق",
    "تمامی حقوق", "کانال تلگرام", "على التلغرام", "على تلغرام", "شارك هذا", "اشترك في",
    "النشرة البريدية", "التعليقات", "share this", "بروزرسانی شده", "به روزرسانی شده", "به‌روزرسانی شده",
]
_AMBIGUOUS = {fold(p) for p in AMBIGUOUS_PHRASES}
# Words of a site or of its comment rules ("پیام هایی که حاوی تهمت باشد منتشر نخواهد شد.").
_SITE_WORDS = re.compile(r"سایت|پایگاه|الموقع|موقعنا|محفوظ|©|website|پیام|نظر|دیدگاه|کاربر|تعليق|بريدك")
_LABEL_LINE_END = re.compile(r"[.!?؟…۔»\"”]\s*$")

# Headings of lists of other stories ("Related news:"): the headline-like lines that
# follow one are other stories' titles, not this article's text.
RELATED_HEADINGS = [
    "اخبار مرتبط", "مطالب مرتبط", "خبرهای مرتبط", "مطالب پیشنهادی", "اخبار پیشنهادی", "بیشتر بخوانید",
    "پیشنهاد سردبیر", "آخرین اخبار", "پربازدیدترین", "پربازدیدترین ها", "پربازدیدترین‌ها",
    "أخبار ذات صلة", "مقالات ذات صلة", "موضوعات ذات صلة", "اقرأ أيضا", "اقرأ أيضاً", "اقرأ المزيد",
    "الأكثر قراءة", "آخر الأخبار", "مواضيع قد تهمك", "related articles", "related news", "related stories", "read more",
    "more on this story", "latest news", "most read",
    "همچنین ببینید", "مواضيع متعلقة", "مواضيع ذات صلة", "أقرأ أيضاً", "شاهد أيضا", "شاهد أيضاً",
    # tag lists: the tags follow the heading one a line, as headlines do
    "برچسب ها", "برچسب‌ها", "برچسب", "کلید واژه ها", "کلیدواژه‌ها", "الوسوم", "كلمات مفتاحية", "مواضيع", "tags", "topics",
]
_RELATED_HEADINGS = {" ".join(fold(p).split()) for p in RELATED_HEADINGS}

# Whole-line labels (the line is nothing but the label).
EDGE_LABELS = ["المصدر", "منبع", "source", "×", "اخبار", "أخبار", "home", "خانه", "صفحه اصلی",
               "کپی شد", "نظر شما", "+ نظر شما", "کپی لینک", "نسخ الرابط", "تم النسخ"]
# Share rows, one network a line or all on one ("شارك / فيسبوك / تويتر / واتساب / تلغرام"):
# a line of nothing but these words.
SHARE_WORDS = ["شارك", "شارک", "مشاركة", "اشتراک", "facebook", "twitter", "whatsapp", "telegram", "linkedin",
               "email", "فيسبوك", "فيس بوك", "تويتر", "واتساب", "واتس اب", "تلغرام", "تيليجرام", "إكس", "لينكدإن",
               "فیسبوک", "توییتر", "واتساپ", "تلگرام", "ایتا", "لینکدین", "ایکس", "ایمیل"]
_SHARE_WORDS = {word for phrase in SHARE_WORDS for word in fold(phrase).split()}
_EDGE_LABELS = {fold(p) for p in EDGE_LABELS}

# Lines between the headline and the body that are not the headline: a source or dateline
# ("بغداد - وكالات:", "کابل - طلوع‌نیوز", "السومرية نيوز/ بغداد", "المصدر: الميادين نت +
# وكالات"), a section label ("اخبار بین‌الملل - غرب آسیا") or the site's name ("قناة العالم
# الاخبارية"). Plain text has no markup left to tell them apart (trafilatura reads bylines
# from HTML only), so they are recognised by their form, by hand.
SOURCE_PREFIXES = ["المصدر", "منبع", "source", "بقلم", "نویسنده"]
AGENCY_WORDS = ["وكالات", "وكالة", "خبرگزاری", "قناة", "شبكة", "بوابة", "الاخبارية", "الإخبارية", "نيوز", "نیوز",
                "نت", "news", "agency", "agencies", "tv", "ایرنا", "ایسنا", "رويترز", "reuters", "afp", "واس"]
SECTION_WORDS = ["اخبار", "أخبار", "سرویس", "گروه", "سیاسی", "اقتصادی", "اجتماعی", "فرهنگی", "ورزشی", "بین الملل",
                 "بین‌الملل", "استان ها", "استان‌ها", "سياسة", "اقتصاد", "رياضة", "دولية", "محليات", "منوعات"]
_SOURCE_PREFIXES = tuple(fold(p) for p in SOURCE_PREFIXES)
_AGENCY_WORDS = {fold(w) for w in AGENCY_WORDS}
_SECTION_WORDS = {" ".join(fold(w).split()) for w in SECTION_WORDS}
_SOURCE_SEPARATOR = re.compile(r"\s[-–—|]\s|\s*/\s*|\s[-–—]|[-–—]\s")

# Captcha sums written in words: "ثمانية عشر + سبعة =", "پنج + سه ="
_CAPTCHA = re.compile(r"^[\w\s]{0,40}[+\-×x*]\s*[\w\s]{0,40}=\s*\S{0,4}$")
_TERMINAL = re.compile(r"[.!?؟…۔»\"”。！？]\s*$")
# A sentence's end, a closing quote after it included: a headline that ends with a quoted
# name ('... مناورات "الرسول الأعظم"') has no end mark.
_SENTENCE_CLOSE = re.compile(r"[.!?؟…۔。！？][»\"”']*\s*$")
_SENTENCE_END = re.compile(r"[.!?؟](\s|$)")
_BULLET = re.compile(r"^\s*[•·▪●◦\-–*]+\s*")


@dataclass
class CleanText:
    title: str | None
    paragraphs: list[str]
    removed: list[str]


def _is_furniture(line: str) -> bool:
    folded = fold(_BULLET.sub("", line)).strip(" :|-–—/")
    if not folded:
        return True
    if folded in _EDGE_LABELS or _CAPTCHA.match(folded) or _is_menu_bar(folded) or _is_share_row(folded):
        return True
    # A furniture phrase on a short line; long lines are news sentences that happen
    # to contain such words.
    words = len(folded.split())
    phrases = [p for p in _FURNITURE if p in folded] if words <= 25 else []
    if not phrases:
        return False
    if any(p not in _AMBIGUOUS for p in phrases) or len(phrases) > 1:
        return True
    phrase = phrases[0]
    return (not _LABEL_LINE_END.search(folded) or re.search(re.escape(phrase) + r"\s*:", folded) is not None
            or words <= len(phrase.split()) + 3 or _SITE_WORDS.search(folded) is not None)


def _is_share_row(folded: str) -> bool:
    words = re.sub(r"[|/•·:،,]", " ", folded).split()
    return bool(words) and all(word in _SHARE_WORDS for word in words)


def _is_menu_bar(line: str) -> bool:
    """A few short items separated by bars or bullets ("ورود | ثبت نام", "Home | News | Sport")."""
    items = [item.strip() for item in re.split(r"\s[|•·]\s", line)]
    return len(items) >= 2 and all(0 < len(item.split()) <= 3 for item in items)


def _is_runon_list(line: str) -> bool:
    """A long line of concatenated headlines: many words, almost no sentence ends."""
    words = line.split()
    if len(words) < 40:
        return False
    ends = len(_SENTENCE_END.findall(line))
    return ends <= len(words) / 60 and not _TERMINAL.search(line)


def _is_label(line: str, max_words: int = 6) -> bool:
    """A short line without sentence punctuation: a menu item, section name or tag."""
    return count_words(line) <= max_words and not _TERMINAL.search(line)


def _names_agency(part: str) -> bool:
    """A site's or agency's name: a word such as "نيوز" or "وكالة" at its start or end
    ("السومرية نيوز", "طلوع‌نیوز", "قناة العالم الاخبارية")."""
    words = part.split()
    return bool(words) and (words[0] in _AGENCY_WORDS or words[-1] in _AGENCY_WORDS
                            or words[-1].endswith(("نیوز", "news")))


def _is_source_line(line: str) -> bool:
    """A dateline, source, section label or site name above the body (see SOURCE_PREFIXES)."""
    folded = " ".join(fold(line).split())
    words = len(folded.split())
    if folded.startswith(_SOURCE_PREFIXES) and re.match(r"^\S+(?:\s\S+)?\s*:", folded):
        return True
    if words > 6:
        return False
    if folded.endswith(":"):
        return True          # "بغداد - وكالات:": the body follows the colon
    parts = [part.strip(" +«»\"") for part in _SOURCE_SEPARATOR.split(folded) if part.strip(" +«»\"")]
    if len(parts) == 1:
        return words <= 3 and _names_agency(parts[0])
    return len(parts) == 2 and all(len(part.split()) <= 3 for part in parts) and any(
        _names_agency(part) or part.split()[0] in _SECTION_WORDS or part in _SECTION_WORDS for part in parts)


def _without_site_prefix(title: str) -> str:
    """The headline without the site's name before it ("خبرگزاری تسنیم - عراقچی ...")."""
    site, separator, headline = title.partition(" - ")
    if separator and len(site.split()) <= 3 and _names_agency(fold(site)) and count_words(headline) >= 3:
        return headline.strip()
    return title


def _dedupe(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    seen: set[str] = set()
    kept, removed = [], []
    for para in paragraphs:
        key = " ".join(fold(para).split())
        if key in seen:
            removed.append(para)
            continue
        seen.add(key)
        kept.append(para)
    return kept, removed


def _is_related_heading(line: str) -> bool:
    return " ".join(fold(_BULLET.sub("", line)).strip(" :|-–—/").split()) in _RELATED_HEADINGS


def _drop_related_lists(lines: list[str]) -> tuple[list[str], list[str]]:
    """Remove each related-stories heading and the headline-like lines (no sentence
    punctuation, at most 25 words) that follow it, once the body has begun (above the
    first body sentence, the line after such a heading may be the article's own title;
    the heading itself is furniture there too and goes with the other phrases)."""
    kept, removed = [], []
    in_list = body_started = False
    for line in lines:
        if body_started and _is_related_heading(line):
            in_list = True
            removed.append(line)
        elif in_list and count_words(line) <= 25 and not _SENTENCE_CLOSE.search(line):
            removed.append(line)
        else:
            in_list = False
            body_started = body_started or (count_words(line) >= 8 and bool(_TERMINAL.search(line)))
            kept.append(line)
    return kept, removed


def drop_furniture_sentences(sentences: list[str], min_sentences: int = 3, min_words: int = 50) -> list[str]:
    """Furniture inside an article's paragraphs, seen once they are split into sentences:
    a sentence that is a furniture phrase ("... در کانال تلگرام ... دنبال کنید" at the end
    of a page flattened to one line), and a last "sentence" of at most 8 words without
    sentence punctuation after punctuated ones (the titles of linked stories glued to
    the end of the text). Texts of fewer than ``min_sentences`` sentences or ``min_words``
    words (headlines, one-line items, whose last fragment is often content: "..., EE. UU.
    se corona en el baloncesto") are left as they are."""
    if len(sentences) < min_sentences or sum(count_words(sentence) for sentence in sentences) < min_words:
        return sentences
    kept = [sentence for sentence in sentences if not _is_furniture(sentence)]
    if (len(kept) >= min_sentences and count_words(kept[-1]) <= 8 and not _TERMINAL.search(kept[-1])
            and sum(bool(_TERMINAL.search(sentence)) for sentence in kept[:-1]) >= (len(kept) - 1) / 2):
        kept = kept[:-1]
    return kept or sentences


def is_site_furniture(text: str) -> bool:
    """Whether every line of ``text`` is site furniture (comment forms, copyright lines,
    menu bars, labels such as "اخبار"): a page of these is boilerplate, however short."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(_is_furniture(line) for line in lines)


def drop_furniture(lines: list[str]) -> list[str]:
    """The lines that are not site furniture (comment forms, copyright, menus of phrases)."""
    return [line for line in lines if not (_is_furniture(line) or _is_runon_list(line))]


def clean_scraped_text(text: str, date_lines: set[str] | None = None) -> CleanText:
    """Strip site furniture from scraped text; return title, body paragraphs, removed lines.

    ``date_lines`` are lines already read for their date (e.g. "تاریخ انتشار: ...");
    they are removed from the body too.
    """
    date_lines = date_lines or set()
    lines = [re.sub(r"\s+", " ", ln).strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    lines, removed = _drop_related_lists(lines)
    kept: list[str] = []
    for line in lines:
        if line in date_lines or _is_furniture(line) or _is_runon_list(line):
            removed.append(line)
        else:
            kept.append(line)
    # Short label lines at the edges of the page (menus on top, tags at the bottom).
    while kept and _is_label(kept[-1]):
        removed.append(kept.pop())
    title = None
    head: list[str] = []
    while kept and _is_label(kept[0], max_words=20):
        head.append(kept.pop(0))
    if len(head) >= 2 and all(count_words(line) <= 3 for line in head):
        removed.extend(head)  # a run of menu items ("صفحه اصلی", "اخبار ورزشی"), no headline
    elif head:
        # The last short line before the body is the headline, datelines and source lines
        # after it aside; earlier ones are menus.
        headlines = [line for line in head if not _is_source_line(line)]
        title = headlines[-1] if headlines else None
        removed.extend(line for line in head if line is not title)
        title = title and _without_site_prefix(title)
    kept, repeated = _dedupe(kept)
    removed.extend(repeated)
    return CleanText(title=title, paragraphs=kept, removed=removed)


# trafilatura drops ZWNJ (U+200C), which Persian words need ("همکاری‌ها"); it is carried
# through extraction as U+034F (combining grapheme joiner), which trafilatura keeps.
_ZWNJ_FORMS = re.compile(r"\u200c|&zwnj;|&#8204;|&#x200c;", re.IGNORECASE)
_ZWNJ_CARRIER = "\u034f"
_NON_CONTENT_TAGS = ("script", "style", "noscript", "nav", "footer", "header", "aside", "form", "iframe",
                     "svg", "template", "button", "select")


def _fallback_html_text(html: str) -> str:
    """Visible text without scripts, styles, menus and footers (when trafilatura finds
    no main text, e.g. a page of one short paragraph)."""
    try:
        import lxml.html

        root = lxml.html.fromstring(html)
    except Exception:  # not parseable as HTML: strip tags by hand
        text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
        return re.sub(r"<[^>]+>", " ", text)
    for element in root.xpath("|".join(f"//{tag}" for tag in _NON_CONTENT_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    blocks = []
    for element in root.iter("p", "h1", "h2", "h3", "li", "td", "div", "blockquote", "pre"):
        if element.tag == "div" and element.find(".//p") is not None:
            continue
        text = " ".join(element.text_content().split())
        if text:
            blocks.append(text)
    return "\n".join(dict.fromkeys(blocks)) or root.text_content()


def visible_text(html: str) -> str:
    """All the text a reader of the page sees, menus and footers included (not scripts,
    styles or the <head>); the texts of neighbouring elements are kept apart ("خانه" "اخبار"
    in two links are two words). What boilerplate removal starts from."""
    try:
        import lxml.html

        root = lxml.html.fromstring(html)
    except Exception:  # not parseable as HTML: strip tags by hand
        text = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", html)
        return re.sub(r"<[^>]+>", " ", text)
    for element in root.xpath("//script|//style|//noscript|//template|//head"):
        if element.getparent() is not None:
            element.drop_tree()
    return " ".join(root.xpath("//text()"))


# Where a page shows its date when trafilatura's main text does not carry it: the header,
# the byline, a <time>. Searched from the headline outwards (the nearest date is the
# article's), leaving out what holds other stories or readers' words (asides, comments,
# related and most-read lists), whose dates are not this article's. htmldate reads
# Gregorian dates from markup only; the Jalali, Hijri and month-name dates that Persian and
# Arabic pages show are read by choose_date from these blocks.
_OTHER_STORIES_TAGS = ("script", "style", "noscript", "template", "nav", "aside", "footer", "form", "iframe", "svg",
                       "button", "select")
_OTHER_STORIES_CLASS = re.compile(r"comment|related|more|popular|most|sidebar|newsletter|share", re.IGNORECASE)
_BLOCK_TAGS = frozenset("p div li td th dd dt h1 h2 h3 h4 h5 h6 time header section article figure figcaption "
                        "blockquote address main span".split())


def _date_blocks(root) -> list[tuple[object, str]]:
    """(element, text) of the innermost block elements, in reading order; a <time> with
    its machine-readable datetime as well."""
    blocks = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag not in _BLOCK_TAGS:
            continue
        if element.tag != "time" and any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS and child.tag != "span"
                                         for child in element.iterdescendants()):
            continue
        text = " ".join(element.text_content().split())
        if element.tag == "time" and element.get("datetime"):
            text = f"{element.get('datetime')} {text}"
        if text:
            blocks.append((element, text))
    return blocks


def date_context_lines(html: str, title: str | None = None) -> list[str]:
    """The page's text blocks nearest its headline (<h1>, else the block that is the title)
    first, those after it before those above it at the same distance; see above."""
    try:
        import lxml.html

        root = lxml.html.fromstring(html)
    except Exception:
        return []
    for element in list(root.iter()):
        if element.getparent() is None or not isinstance(element.tag, str):
            continue
        marks = f"{element.get('class') or ''} {element.get('id') or ''}"
        if element.tag in _OTHER_STORIES_TAGS or (_OTHER_STORIES_CLASS.search(marks) and element.find(".//h1") is None):
            element.drop_tree()     # (a wrapper such as <div class="has-sidebar"> around the headline stays)
    blocks = _date_blocks(root)
    title_key = " ".join(fold(title).split()) if title else None
    headline = next((i for i, (element, _) in enumerate(blocks) if element.tag == "h1"), None)
    if headline is None and title_key:
        headline = next((i for i, (_, text) in enumerate(blocks) if " ".join(fold(text).split()) == title_key), None)
    order = sorted(range(len(blocks)), key=lambda i: (abs(i - (headline or 0)), i < (headline or 0)))
    return [blocks[i][1] for i in order]


@dataclass
class HtmlPage:
    title: str | None
    text: str
    published: str | None = None    # ISO 8601 time (with its UTC offset when the page gives one)
    # The page's published-time meta as written, when trafilatura read no date from the
    # metadata: htmldate takes Gregorian dates only, so a Jalali one ("1399-08-25") is left
    # to be read as a time field is.
    published_meta: str | None = None


# The page's own publication time from its metadata (article:published_time, JSON-LD,
# <time>...), as htmldate reads it through trafilatura; not guessed from the text.
_DATE_CONFIG = {"original_date": True, "extensive_search": False, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


# Meta tags (property, name or itemprop) that state the page's publication time, first first.
_PUBLISHED_META = ("article:published_time", "og:article:published_time", "og:published_time", "datepublished",
                   "publishdate", "publish-date", "publish_date", "pubdate", "dc.date.issued", "dc.date", "date")


def published_meta(html: str) -> str | None:
    """The content of the page's first published-time meta tag (by the order above)."""
    try:
        import lxml.html

        root = lxml.html.fromstring(html)
    except Exception:
        return None
    found = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key in _PUBLISHED_META and content:
            found.setdefault(key, content)
    return next((found[key] for key in _PUBLISHED_META if key in found), None)


def extract_html(html: str) -> tuple[str | None, str]:
    """Main text and title of an HTML page (see ``extract_html_page``)."""
    page = extract_html_page(html)
    return page.title, page.text


def extract_html_page(html: str) -> HtmlPage:
    """Main text, title and publication time of an HTML page via trafilatura (scripts,
    menus, footers dropped).

    Falls back to trafilatura's recall mode, then to the page's visible text with
    scripts/styles/menus removed, when the precise extraction finds nothing.
    """
    import trafilatura

    html = _ZWNJ_FORMS.sub(_ZWNJ_CARRIER, html)
    text = ""
    for options in ({"favor_precision": True}, {"favor_recall": True}):
        try:
            text = trafilatura.extract(html, include_comments=False, include_tables=False,
                                       deduplicate=True, **options) or ""
        except Exception:
            text = ""
        if text.strip():
            break
    if not text.strip():
        text = _fallback_html_text(html)
    try:
        meta = trafilatura.extract_metadata(html, date_config=_DATE_CONFIG)
    except Exception:
        meta = None
    title = meta.title if meta is not None and meta.title else None
    published = meta.date if meta is not None and meta.date else None
    if published and published.endswith("T00:00:00"):
        published = published[:10]          # a day without a time of day
    restore = (lambda s: s.replace(_ZWNJ_CARRIER, "\u200c")) if _ZWNJ_CARRIER in html else (lambda s: s)
    unread = None if published else published_meta(html)
    return HtmlPage((restore(title) if title else None), restore(text), published,
                    restore(unread) if unread else None)
