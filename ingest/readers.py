"""Reading inputs: folders of .txt/.html files, JSONL files, RSS/Atom feeds
(``feeds.py``) and CSV/TSV tables (``tables.py``), with encoding detection.

Nothing is dropped silently: every file (and every JSONL line) becomes an Article or
a Skipped record that names the file (and line) and the reason.

Encodings: UTF-8 (with or without BOM), UTF-16/32 (with BOM, or BOM-less UTF-16
recognised by its byte pattern) and legacy Arabic-script code pages (windows-1256,
then whatever charset-normalizer finds). Binary data is refused with a reason.

JSONL files are streamed line by line, in any encoding (UTF-16/32 is decoded as it is
read): the size limit applies to each record (its size as UTF-8), not to the file, so a
large batch file is read whole while a single oversized record is skipped with its line
number. A line that is not valid UTF-8 is decoded on its own (e.g. one windows-1256
record in a UTF-8 file) instead of spoiling the file. A JSON array saved as .jsonl is
read record by record (each named by the line it starts on, and its column where several
start on one line); one larger than the limit is streamed item by item, each item
limited as a record is. A single pretty-printed object gets one skip record saying it
is not JSON Lines.

Files are chosen by suffix (.txt/.text, .html/.htm/.xhtml, .jsonl/.ndjson, .json, feeds, .csv/.tsv,
.warc/.warc.gz/.wet.gz), whether
found in a folder or named directly. Symbolic links to folders are followed; each
folder and each file is read once (by resolved path), whichever way it is reached, and
the other ways to it are reported. An empty folder or subfolder is reported too.
"""
from __future__ import annotations

import codecs
import io
import json
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from akhbar.types import Article, Skipped

from .compressed import NotGzip, inner_path, is_gzipped, open_decompressed, read_decompressed, read_head
from .feeds import FEED_SUFFIXES, read_feed

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}                       # read by json_files.py
TABLE_SUFFIXES = {".csv", ".tsv", ".tab"}       # read by tables.py
WARC_SUFFIXES = {".warc", ".warc.gz", ".wet", ".wet.gz"}   # read by warc.py (WET: Common Crawl's text extracts)
# Files that hold many articles, each named by its record, not by the file.
_MANY_ARTICLES = JSONL_SUFFIXES | JSON_SUFFIXES | FEED_SUFFIXES | TABLE_SUFFIXES | WARC_SUFFIXES
_EXPECTED_SUFFIXES = ("expected .txt, .text, .html, .htm, .xhtml, .json, .jsonl, .ndjson, .csv, .tsv, .tab, "
                      ".warc, .warc.gz, .wet.gz, or a .rss, .atom or .xml feed; each may be gzipped, as .jsonl.gz")
DEFAULT_MAX_BYTES = 20_000_000         # the CLI's --max-bytes default

_SNIFF_BYTES = 64 * 1024
_HTML_TAG = re.compile(r"<\s*(?:!doctype|html|head|body|p|div|article|section|span|br|a|h[1-6]|script|style|"
                       r"table|ul|li|meta|title)\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class JsonlFields:
    id: str = "id"
    text: str = "text"
    title: str = "title"
    lang: str = "lang"
    time: str = "date"


class InputError(ValueError):
    """A file or record that cannot be read; the message names it and says why."""


# --------------------------------------------------------------------------- decoding

_BAD_CATEGORIES = {"Cc", "Cs", "Cn", "Co"}


def _control_share(text: str) -> float:
    """Share of characters that are control, surrogate, unassigned or private-use code
    points (\\t \\n \\r excepted; format characters such as ZWNJ are text)."""
    sample = text[:_SNIFF_BYTES]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ch not in "\n\r\t" and unicodedata.category(ch) in _BAD_CATEGORIES)
    return bad / len(sample)


def _mostly_printable(text: str, share: float = 0.9) -> bool:
    return _control_share(text) <= 1.0 - share


def _arabic_script_share(text: str) -> float:
    letters = [ch for ch in text[:_SNIFF_BYTES] if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff") / len(letters)


def _is_arabic_script(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" or ch in "\u200c\u200d"


def _windows_1256_that_reads_as_utf8(data: bytes, text: str) -> str | None:
    """windows-1256 text whose bytes also happen to be valid UTF-8: Persian letters such as
    پ گ ک are UTF-8 continuation bytes there, so "أپ" (C3 81) reads as "Á" and "آپ" (C2 81)
    as a control character. Taken as windows-1256 when the UTF-8 reading has no
    Arabic-script letter and nearly every non-ASCII character of the windows-1256 reading is
    one, and most of its letters are ("Straße": ß is C3 9F, "أں", among Latin letters); real
    UTF-8 (Persian, Russian, accented Latin) has lead and continuation bytes that
    windows-1256 maps to a letter and a symbol, about half Arabic-script at most."""
    if any(_is_arabic_script(ch) for ch in text[:_SNIFF_BYTES]):
        return None
    cp1256 = data.decode("cp1256", errors="replace")
    wide = [ch for ch in cp1256[:_SNIFF_BYTES] if ord(ch) > 127 and not ch.isspace()]
    if wide and sum(map(_is_arabic_script, wide)) >= 0.95 * len(wide) and _arabic_script_share(cp1256) >= 0.6 \
            and _mostly_printable(cp1256, 0.98):
        return cp1256
    return None


def _utf16_byte_order(data: bytes) -> str | None:
    """The codec of BOM-less UTF-16 by where the high bytes are (ASCII and whitespace have
    NUL high bytes, Arabic script 0x06), or None when the bytes do not look like it."""
    if len(data) < 2:
        return None
    body = data[:_SNIFF_BYTES & ~1] if len(data) > _SNIFF_BYTES else data[:len(data) & ~1]
    even = sum(body[i] in (0, 6) for i in range(0, len(body), 2))
    odd = sum(body[i] in (0, 6) for i in range(1, len(body), 2))
    if max(even, odd) < 0.3 * (len(body) / 2):
        return None
    return "utf-16-le" if odd > even else "utf-16-be"


def _try_utf16(data: bytes) -> str | None:
    """BOM-less UTF-16: the byte order from ``_utf16_byte_order``; the text must then
    decode with no NULs or control characters and have spaces and letters."""
    codec = _utf16_byte_order(data)
    if codec is None:
        return None
    try:
        candidate = data[:len(data) & ~1].decode(codec)
    except UnicodeDecodeError:
        return None
    if "\x00" in candidate or _control_share(candidate) > 0.01:
        return None
    sample = candidate[:4096]
    if sum(ch.isspace() for ch in sample) < 0.03 * len(sample) or not any(ch.isalpha() for ch in sample):
        return None
    return candidate


def _decode(data: bytes, source: str) -> str:
    if not data:
        return ""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace").replace("\x00", "")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    legacy = _windows_1256_that_reads_as_utf8(data, text) if text is not None and b"\x00" not in data else None
    if legacy is not None:
        return legacy
    if text is not None and "\x00" not in text and _control_share(text) <= 0.01:
        return text
    # NUL bytes: BOM-less UTF-16 (spaces and ASCII have NUL high bytes; Arabic letters
    # have 0x06 high bytes, valid but meaningless as UTF-8 control characters).
    if b"\x00" in data:
        utf16 = _try_utf16(data)
        if utf16 is not None:
            return utf16
    if text is not None:
        nuls = text.count("\x00")
        stripped = text.replace("\x00", "")
        # UTF-8 text with stray NUL bytes (a common scraping/export artefact): keep the text.
        if nuls <= max(2, len(text) // 10) and _control_share(stripped) <= 0.01 and \
                sum(ch.isalpha() for ch in stripped) >= 0.3 * len(stripped.strip() or "x"):
            return stripped
        raise InputError(f"{source}: binary data ({nuls} NUL bytes, control characters), not text")
    if b"\x00" in data:
        raise InputError(f"{source}: binary data (NUL bytes, not valid UTF-8 or UTF-16), not text")
    # UTF-8 with a few broken sequences (a stray byte, a download cut mid-character): keep
    # it UTF-8 and replace only those bytes. Read as windows-1256, UTF-8 Persian or Arabic
    # turns into Arabic-looking mojibake that the check below would accept.
    replaced = data.decode("utf-8", errors="replace")
    broken = replaced.count("\ufffd")
    if sum(ord(ch) > 127 for ch in replaced) - broken >= 20 * broken:
        return replaced
    # Legacy code page. windows-1256 maps every byte, so accept it only when the result
    # is mostly Arabic-script letters; otherwise let charset-normalizer choose.
    cp1256 = data.decode("cp1256", errors="replace")
    if _arabic_script_share(cp1256) >= 0.6 and _mostly_printable(cp1256, 0.98):
        return cp1256
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1256", "utf_8", "cp1252", "iso8859_6", "cp720"]).best()
    if best is None or not _mostly_printable(str(best), 0.95):
        raise InputError(f"{source}: binary or undecodable data (not UTF-8, UTF-16 or windows-1256), not text")
    return str(best)


def decode_bytes(data: bytes, source: str) -> str:
    """Decode text in UTF-8, UTF-16/32 (BOM or byte pattern) or a legacy code page
    (windows-1256 first).

    Raises InputError (and nothing else) for binary or undecodable data.
    """
    try:
        return _decode(bytes(data), source)
    except InputError:
        raise
    except Exception as err:  # codec or detector failure: a reason, never a crash
        raise InputError(f"{source}: undecodable data ({type(err).__name__}: {err})") from err


# --------------------------------------------------------------------------- files

def _reason(err: Exception, source: str) -> str:
    """The InputError message without its leading "source: " (the skip record names it)."""
    message = str(err)
    return message[len(source) + 2:] if message.startswith(f"{source}: ") else message


def _size_error(path: Path, size: int, max_bytes: int) -> InputError:
    return InputError(f"{path}: file too large ({_size(size)} > {_size(max_bytes)} limit; "
                      f"raise --max-bytes to read it, or split it into JSONL records)")


def _read_file_text(path: Path, max_bytes: int) -> tuple[str, str | None]:
    """The file's text, and a note on how it was read (a gzip stream cut short) or None."""
    if is_gzipped(path):
        data, note, too_large = read_decompressed(path, max_bytes)
        if too_large:
            raise InputError(f"{path}: file too large once decompressed (over the {_size(max_bytes)} limit; "
                             f"raise --max-bytes to read it)")
        return decode_bytes(data, str(path)), note
    size = path.stat().st_size
    if size > max_bytes:
        raise _size_error(path, size, max_bytes)
    return decode_bytes(path.read_bytes(), str(path)), None


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html", "<?xml")):
        return True
    return len(_HTML_TAG.findall(text[:20000])) >= 2 and "</" in text


def _is_utf8_prefix(data: bytes) -> bool:
    """Valid UTF-8, allowing a character cut off at the end of the sample."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.reason == "unexpected end of data" and err.start >= len(data) - 3
    return True


def read_jsonl(path: Path, fields: JsonlFields, max_bytes: int = DEFAULT_MAX_BYTES):
    """Yield an Article or a Skipped for every line of a JSONL file (blank lines too), or
    for every item of a JSON array saved as .jsonl. When the file's first records lack
    the title, language or time field asked for but have one that looks like it
    ("published_at", "headline", "language"), the first article gets a note saying so."""
    hints = _field_hints(_head_records(path), fields)
    for item in _jsonl_items(path, fields, max_bytes):
        if hints and isinstance(item, Article):
            item, hints = replace(item, notes=item.notes + hints), ()
        yield item


# Field names that feeds and scrapers commonly use, by what they hold (compared folded:
# lower case, "_" and "-" dropped).
_FIELD_LOOKALIKES = {
    "time": ("time", "--time-field", ("date", "published", "publishedat", "pubdate", "publishdate", "publicationdate",
                                      "datepublished", "publishedtime", "datetime", "createdat", "created", "timestamp",
                                      "time", "updatedat", "crawledat")),
    "title": ("title", "--title-field", ("title", "headline", "heading", "subject")),
    "lang": ("language", "--lang-field", ("lang", "language", "languagecode", "langcode", "locale")),
}


# Fields that hold an article's text in common exports, best first (compared folded).
_TEXT_LOOKALIKES = ("body", "content", "article", "articlebody", "articletext", "fulltext", "maintext", "story",
                    "html", "description", "summary")


def text_field_advice(names, fields: JsonlFields) -> str:
    """How to choose the text field, naming the field among ``names`` that looks like one."""
    found = [name for name in names if isinstance(name, str) and _fold_field(name) in _TEXT_LOOKALIKES
             and name not in (fields.id, fields.title)]
    if not found:
        return "choose one with --text-field"
    best = min(found, key=lambda name: (_TEXT_LOOKALIKES.index(_fold_field(name)), name))
    return f"choose one with --text-field, e.g. --text-field {best}"


_BETWEEN_RECORDS = re.compile(r"[\s,\[]*")


def _fold_field(name: str) -> str:
    return re.sub(r"[_\-\s]", "", name).lower()


def _head_records(path: Path, limit: int = 200) -> list[dict]:
    """The JSON objects that open the file (JSON Lines or an array), from its first
    _SNIFF_BYTES; whatever does not parse ends the sample."""
    try:
        if is_gzipped(path):
            head = read_head(path, _SNIFF_BYTES)
        else:
            with open(path, "rb") as handle:
                head = handle.read(_SNIFF_BYTES)
    except OSError:
        return []
    text = _head_text(head, _wide_codec(head)).lstrip("\ufeff")
    decoder, records, index = json.JSONDecoder(), [], 0
    while len(records) < limit:
        index = _BETWEEN_RECORDS.match(text, index).end()
        try:
            value, index = decoder.raw_decode(text, index)
        except (json.JSONDecodeError, RecursionError):
            break
        if isinstance(value, dict):
            records.append(value)
    return records


def _field_hints(records: list[dict], fields: JsonlFields) -> tuple[str, ...]:
    """A note for each of the title, language and time fields that no sampled record has,
    naming the field that looks like it (present in most of them)."""
    hints = []
    for attr, (what, option, names) in _FIELD_LOOKALIKES.items():
        asked = getattr(fields, attr)
        if not records or any(asked in record for record in records):
            continue
        counts = Counter(key for record in records for key in record
                         if isinstance(key, str) and key != asked and _fold_field(key) in names
                         and key not in (fields.id, fields.text))
        if not counts:
            continue
        key, count = max(counts.items(), key=lambda kv: (kv[1], -names.index(_fold_field(kv[0])), kv[0]))
        if count * 2 >= len(records):
            hints.append(f"no record of this file has the {what} field '{asked}', but they have '{key}': "
                         f"to use it, add {option} {key}")
    return tuple(hints)


def _file_items(path: Path, items_of):
    """Yield from ``items_of(handle, head)``, path opened in binary (decompressed when it is
    gzip) and head its first bytes; a file that cannot be opened or read is one Skipped."""
    note = None
    try:
        if is_gzipped(path):
            handle, note = open_decompressed(path)
        else:
            handle = open(path, "rb")
    except NotGzip as err:
        yield Skipped(str(path), str(err))
        return
    except OSError as err:
        yield Skipped(str(path), f"cannot open: {err.strerror or err}")
        return
    with handle:
        try:
            head = handle.read(_SNIFF_BYTES)
        except OSError as err:
            yield Skipped(str(path), f"cannot read: {err.strerror or err}")
            return
        items = items_of(handle, head)
        yield from (items if note is None else _noted_first(items, note))


def _noted_first(items, note: str):
    """``items`` with ``note`` on the first article among them."""
    for item in items:
        if note is not None and isinstance(item, Article):
            item, note = replace(item, notes=(note,) + item.notes), None
        yield item


def _jsonl_items(path: Path, fields: JsonlFields, max_bytes: int):
    return _file_items(path, lambda handle, head: _jsonl_file_items(path, handle, head, fields, max_bytes))


def _jsonl_file_items(path: Path, handle, head: bytes, fields: JsonlFields, max_bytes: int):
    size = os.fstat(handle.fileno()).st_size
    codec = _wide_codec(head)
    if codec is None and b"\x00" in head and not _is_utf8_prefix(head):
        yield Skipped(str(path), "binary data (NUL bytes, not UTF-8 or UTF-16), not a JSONL text file")
        return
    head_text = _head_text(head, codec)
    if _may_be_json_document(head_text):
        if size <= max_bytes:
            # A JSON array (or a pretty-printed object) saved as .jsonl: read it whole.
            text = _document_text(head + handle.read(), codec, str(path))
            document = _json_document(text)
            if document is not None:
                yield from _document_records(path, text, document, fields, max_bytes, codec)
                return
            broken = _broken_document_reason(text)
            if broken:
                yield Skipped(str(path), broken)
                return
        elif _opens_array(head_text) and not _is_jsonl_of_arrays(head_text, whole=size <= len(head)):
            # Too large to read whole: item by item, each limited as a JSONL record is.
            yield from _streamed_array_records(path, _text_stream(handle, codec), fields, max_bytes, codec)
            return
        elif not _opens_array(head_text) and not _has_json_line(head_text):
            # One pretty-printed object: read line by line, each of its lines would be a bad record.
            yield Skipped(str(path), "this is a JSON document (one object written over several lines), not "
                                     "JSON Lines; write each record on a single line")
            return
    yield from _jsonl_records(path, _utf8_lines(handle, codec), fields, max_bytes)


def _wide_codec(head: bytes) -> str | None:
    """The codec of a UTF-16 or UTF-32 file (BOM, or the byte pattern of BOM-less UTF-16)
    from its first bytes; None for UTF-8 and anything else."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in head and _try_utf16(head[:len(head) & ~1]):
        return _utf16_byte_order(head)
    return None


def _head_text(head: bytes, codec: str | None) -> str:
    if codec is None:
        return head.decode("utf-8", errors="replace")
    return head[:len(head) & ~3].decode(codec, errors="replace")   # whole code units only


_BROKEN_UNIT = "\udfff"  # a lone low surrogate: valid UTF-16/32 never decodes to one


def _mark_broken_unit(err: UnicodeDecodeError) -> tuple[str, int]:
    return _BROKEN_UNIT, err.end


codecs.register_error("akhbar-mark-broken", _mark_broken_unit)


def _text_stream(handle, codec: str | None) -> io.TextIOWrapper:
    """The whole file as text decoded while it is read, split into lines on "\\n" only (as
    reading a UTF-8 file by lines does; U+2028 and friends may occur inside JSON strings).
    UTF-8 drops a BOM and keeps bytes that are not UTF-8 as surrogate escapes, so that such
    a record can be decoded on its own, and UTF-16/32 marks broken code units, so that its
    record gets a note (``_item_text``)."""
    handle.seek(0)
    if codec is None:
        return io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="\n")
    return io.TextIOWrapper(handle, encoding=codec, errors="akhbar-mark-broken", newline="\n")


def _document_text(data: bytes, codec: str | None, source: str) -> str:
    """A whole JSON document as text, its broken bytes kept as ``_text_stream`` keeps them
    (each item is then noted and decoded as a streamed one is); "" for binary data."""
    if codec is not None:
        return data.decode(codec, errors="akhbar-mark-broken")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="surrogateescape")
    try:
        return decode_bytes(data, source)   # stray NUL bytes dropped, binary data refused, as in a text file
    except InputError:
        return ""


def _utf8_lines(handle, codec: str | None):
    """(line as UTF-8 bytes, note) for each line of the file: UTF-16/32 is decoded as it is
    read, so the size limit applies to each record (as UTF-8), as for a UTF-8 file, not to
    the whole file; broken UTF-16/32 code units become U+FFFD, and the note says so."""
    handle.seek(0)
    if codec is None:
        yield from ((line, None) for line in handle)
        return
    for line in io.TextIOWrapper(handle, encoding=codec, errors="akhbar-mark-broken", newline="\n"):
        broken = line.count(_BROKEN_UNIT)
        note = None
        if broken:
            note = _broken_units_note("", codec, broken, f"column {line.index(_BROKEN_UNIT) + 1}")
            line = line.replace(_BROKEN_UNIT, "\ufffd")
        yield line.encode("utf-8", errors="replace"), note


def _broken_units_note(what: str, codec: str, broken: int, where: str) -> str:
    name = codec.upper().replace("-LE", "").replace("-BE", "")
    return (f"{what}not valid {name} ({broken} broken code unit(s), the first at {where}); the broken bytes "
            f"were replaced with U+FFFD")


def _not_utf8_note(what: str, where: str, raw: bytes, text: str) -> str:
    """The note of a record that is not UTF-8, decoded on its own as ``text``."""
    if text == raw.decode("utf-8", errors="replace"):
        return f"{what} not valid UTF-8 ({where}); the broken bytes were replaced with U+FFFD"
    return (f"{what} not UTF-8 ({where}); decoded as a legacy code page (windows-1256 or another one "
            f"detected); save the file as UTF-8")


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _may_be_json_document(head: str) -> bool:
    """Whether the start of a .jsonl file looks like one JSON document rather than JSON
    Lines: it opens a JSON array, or its first line is an object that does not close on
    that line (pretty-printed). Cheap: looks at the first line only."""
    start = head.lstrip("\ufeff \t\r\n")
    if start.startswith("["):
        return True
    if not start.startswith("{"):
        return False
    first, newline, _ = start.partition("\n")
    if not newline:
        return False
    try:
        json.loads(first)
    except (ValueError, RecursionError):
        return True
    return False


def _broken_document_reason(text: str) -> str | None:
    """Why a file that opens like one JSON document (and is not JSON Lines either: its
    first line is not JSON by itself) cannot be read, e.g. a truncated array; None when it
    may still be JSON Lines."""
    body = text.lstrip("\ufeff").strip(" \t\r\n")
    if _has_json_line(body):
        return None
    try:
        json.loads(body)
    except json.JSONDecodeError as err:
        return (f"one JSON document (an array or a pretty-printed object), not JSON Lines, and not valid JSON: "
                f"{err.msg} (line {err.lineno}, column {err.colno}; truncated?)")
    except (ValueError, RecursionError) as err:
        return f"one JSON document, not JSON Lines, and not readable: {err}"
    return None


def _has_json_line(text: str) -> bool:
    """Whether one of the first 1,000 lines is a JSON object or array by itself: JSON Lines
    after all (perhaps with a broken first line), not one document over many lines."""
    for line in text.splitlines()[:1000]:
        line = line.strip().rstrip(",")
        if line[:1] in "{[" and line[-1:] in "}]" and len(line) > 2:
            try:
                json.loads(line)
                return True
            except (ValueError, RecursionError):
                pass
    return False


def _json_document(text: str) -> list | dict | None:
    """The value when the whole text is a single JSON array holding objects, or a single
    object written over several lines; None otherwise (then it is read as JSON Lines)."""
    body = text.lstrip("\ufeff").strip(" \t\r\n")
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return value
    if isinstance(value, dict) and "\n" in body:
        return value
    return None


def _document_records(path: Path, text: str, document: list | dict, fields: JsonlFields,
                      max_bytes: int = DEFAULT_MAX_BYTES, codec: str | None = None):
    """Records of a JSON document saved as .jsonl: each item of an array, read as a
    streamed item is (``_array_item_record``: named by the line it starts on, and its
    column when several start on one line), or one skip record for a single
    pretty-printed object."""
    if isinstance(document, dict):
        article_id = document.get(fields.id)
        if isinstance(article_id, (dict, list)) or article_id is None or not str(article_id).strip():
            article_id = None
        lines = text.strip(" \t\r\n").count("\n") + 1
        yield Skipped(str(path), f"this is a JSON document (one object written over {lines} lines), not JSON "
                                 f"Lines; write each record on a single line",
                      None if article_id is None else str(article_id).strip())
        return
    body = text.lstrip("\ufeff")
    items = _located_items(body, _JSON_SPACE.match(body, 0).end(), len(document))
    yield from _located_item_records(path, items, fields, max_bytes, codec)


def _located_items(body: str, index: int, count: int) -> list[_ArrayItem]:
    """The ``count`` items of the (valid) JSON array whose "[" is at ``index`` in ``body``,
    each with the line and column it starts on."""
    decoder = json.JSONDecoder()
    index += 1                                            # after "["
    items = []
    line, line_start, counted = 1, 0, 0      # newlines counted from the previous item on, not from the top
    for _ in range(count):
        index = _JSON_SPACE.match(body, index).end()
        _, end = decoder.raw_decode(body, index)
        line += body.count("\n", counted, index)
        line_start = max(line_start, body.rfind("\n", counted, index) + 1)
        counted = index
        items.append(_ArrayItem(line, index - line_start + 1, body[index:end], _utf8_size(body[index:end])))
        index = _JSON_SPACE.match(body, end).end() + 1    # after "," (or the closing "]")
    return items


def _located_item_records(path: Path, items: list[_ArrayItem], fields: JsonlFields, max_bytes: int,
                          codec: str | None, notes: tuple[str, ...] = ()):
    """An Article or a Skipped for each array item, named by its line (and column when
    several start on one line); ``notes`` go on the first article."""
    starts_on = Counter(item.line for item in items)
    for item in items:
        record = _array_item_record(path, item, starts_on[item.line] > 1, fields, max_bytes, codec)
        if notes and isinstance(record, Article):
            record, notes = replace(record, notes=notes + record.notes), ()
        yield record


def _not_an_object(what: str, value, fields: JsonlFields) -> str:
    return f"{what} is a {type(value).__name__}, not an object with a '{fields.text}' field"


def _record_too_large(size: int, max_bytes: int) -> str:
    return f"record too large ({_size(size)} > {_size(max_bytes)} limit; raise --max-bytes to read it)"


def _opens_array(head: str) -> bool:
    return head.lstrip("\ufeff \t\r\n").startswith("[")


def _parses_as_json(line: str) -> bool:
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return False
    return True


def _is_jsonl_of_arrays(head: str, whole: bool) -> bool:
    """Whether text that opens with "[" is JSON Lines whose records are arrays ("[1, 2]\\n[3]")
    rather than one array: its first two lines are JSON by themselves. ``whole``: the head
    is the whole file (otherwise its last line may be cut off)."""
    lines = head.lstrip("\ufeff \t\r\n").split("\n")
    if not whole:
        lines = lines[:-1]
    first_two = [line for line in lines if line.strip()][:2]
    return len(first_two) == 2 and all(_parses_as_json(line) for line in first_two)


_STREAM_CHUNK = 1 << 20                     # characters read at a time from a streamed JSON array
_BEFORE_ARRAY = re.compile(r"[^ \t\r\n\ufeff]")
_BETWEEN_ITEMS = re.compile(r"[^ \t\r\n,]")  # separators are not checked: a stray or missing comma loses nothing
_STRING_STOP = re.compile(r'["\\]')
_NESTED_STOP = re.compile(r'[\[\]{}"]')
_SCALAR_STOP = re.compile(r"[ \t\r\n,\]}]")


@dataclass
class _ArrayItem:
    line: int
    column: int
    text: str | None            # None when larger than the limit (not kept) or cut off
    size: int                   # as UTF-8, so the limit means the same for every encoding
    complete: bool = True       # False: the file ends inside it


@dataclass
class _ArrayProblem:
    reason: str


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", errors="surrogatepass"))


class _ArrayScanner:
    """Finds the items of one JSON array in text given chunk by chunk, keeping at most one
    item (of at most ``max_bytes`` as UTF-8) at a time. Only brackets and strings are
    followed; each item is parsed on its own afterwards, so a broken item spoils only
    itself."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.state = "open"                      # open, between (items), item, done, trailing
        self.chunk, self.offset = "", 0          # the current chunk and where it starts in the text
        self.line, self.line_start, self.counted = 1, 0, 0   # newlines are counted up to `counted`
        self.items = 0

    def feed(self, chunk: str):
        """Items (and problems) that end in this chunk."""
        self.chunk, pos = chunk, 0
        self.kept_from = 0                       # where the current item's text starts in this chunk
        while pos < len(chunk) and self.state != "trailing":
            if self.state == "item":
                end = self._item_end(pos)
                if end is None:
                    break
                self._keep(self.kept_from, end)
                yield self._take_item()
                pos = end
                continue
            match = (_BEFORE_ARRAY if self.state == "open" else _BETWEEN_ITEMS).search(chunk, pos)
            if match is None:
                break
            pos, char = match.start(), match.group()
            if self.state == "open":
                if char != "[":
                    line, column = self._position(self.offset + pos)
                    yield _ArrayProblem(f"not a JSON array (line {line}, column {column}: {char!r})")
                    self.state = "trailing"
                    break
                self.state, pos = "between", pos + 1
            elif self.state == "done":
                line, column = self._position(self.offset + pos)
                yield _ArrayProblem(f"text after the end of the JSON array (from line {line}, column {column}) "
                                    f"was not read")
                self.state = "trailing"
            elif char == "]":
                self.state, pos = "done", pos + 1
            else:
                self._start_item(pos, char)
                pos += 0 if self.depth == 0 and not self.in_string else 1
        if self.state == "item":                 # it goes on in the next chunk
            self._keep(self.kept_from, len(chunk))
        self._position(self.offset + len(chunk))
        self.offset += len(chunk)

    def finish(self):
        """What the end of the text leaves: an item cut off, or an array never closed."""
        if self.state == "item":
            yield _ArrayItem(self.start_line, self.start_column, None, self.size, complete=False)
        elif self.state == "between":
            yield _ArrayProblem("the JSON array is not closed (no ']' at the end of the file; truncated?)")
        elif self.state == "open":
            yield _ArrayProblem("no JSON array in the file")
        elif self.state == "done" and not self.items:
            yield _ArrayProblem("empty JSON array (no records)")

    def _position(self, at: int) -> tuple[int, int]:
        """Line and column (1-based, in characters) of text offset ``at``, which is not before
        ``counted`` and not after the current chunk."""
        start, end = self.counted - self.offset, at - self.offset
        newlines = self.chunk.count("\n", start, end)
        if newlines:
            self.line += newlines
            self.line_start = self.offset + self.chunk.rfind("\n", start, end) + 1
        self.counted = at
        return self.line, at - self.line_start + 1

    def _start_item(self, pos: int, char: str) -> None:
        self.state = "item"
        self.start_line, self.start_column = self._position(self.offset + pos)
        self.parts, self.size, self.kept_from = [], 0, pos
        self.depth = 1 if char in "[{" else 0
        self.in_string, self.escape = char == '"', False

    def _item_end(self, pos: int) -> int | None:
        """Where the current item ends (just after it) when it ends in this chunk."""
        chunk = self.chunk
        while pos < len(chunk):
            if self.escape:
                self.escape, pos = False, pos + 1
            elif self.in_string:
                match = _STRING_STOP.search(chunk, pos)
                if match is None:
                    return None
                pos = match.end()
                if match.group() == "\\":
                    self.escape = True
                else:
                    self.in_string = False
                    if self.depth == 0:          # a string item
                        return pos
            elif self.depth == 0:                # a number, true, false or null
                match = _SCALAR_STOP.search(chunk, pos)
                return None if match is None else match.start()
            else:
                match = _NESTED_STOP.search(chunk, pos)
                if match is None:
                    return None
                pos, char = match.end(), match.group()
                if char == '"':
                    self.in_string = True
                elif char in "[{":
                    self.depth += 1
                else:
                    self.depth -= 1
                    if self.depth == 0:
                        return pos
        return None

    def _keep(self, start: int, end: int) -> None:
        """Add chunk[start:end] to the current item, unless it is over the limit already."""
        part = self.chunk[start:end]
        self.size += _utf8_size(part)
        if self.parts is not None:
            self.parts.append(part)
            if self.size > self.max_bytes:
                self.parts = None            # too large: only its size is counted on

    def _take_item(self) -> _ArrayItem:
        self.state = "between"
        self.items += 1
        text = None if self.parts is None else "".join(self.parts)
        return _ArrayItem(self.start_line, self.start_column, text, self.size)


def _streamed_array_records(path: Path, stream, fields: JsonlFields, max_bytes: int, codec: str | None = None):
    """Records of a JSON array read item by item (a file too large to read whole), named
    as ``_document_records`` names them; each item is limited to ``max_bytes`` as a JSONL
    record is."""
    scanner = _ArrayScanner(max_bytes)
    waiting: _ArrayItem | None = None      # named once the next item shows whether it shares its line
    shares_line = False
    try:
        for event in _array_events(stream, scanner):
            if isinstance(event, _ArrayProblem):
                if waiting is not None:
                    yield _array_item_record(path, waiting, shares_line, fields, max_bytes, codec)
                    waiting = None
                yield Skipped(str(path), event.reason)
                continue
            if waiting is not None:
                same_line = event.line == waiting.line
                yield _array_item_record(path, waiting, shares_line or same_line, fields, max_bytes, codec)
                shares_line = same_line
            waiting = event
    except OSError as err:
        yield Skipped(str(path), f"cannot read past line {scanner.line}: {err.strerror or err}")
    if waiting is not None:
        yield _array_item_record(path, waiting, shares_line, fields, max_bytes, codec)


def _array_events(stream, scanner: _ArrayScanner):
    for chunk in iter(lambda: stream.read(_STREAM_CHUNK), ""):
        yield from scanner.feed(chunk)
        if scanner.state == "trailing":      # reported; the rest of the file is not read
            return
    yield from scanner.finish()


def _array_item_record(path: Path, item: _ArrayItem, shares_line: bool, fields: JsonlFields,
                       max_bytes: int, codec: str | None = None) -> Article | Skipped:
    where = f"{item.line}:{item.column}" if shares_line else str(item.line)
    source = f"{path}:{where}"
    if not item.complete:
        return Skipped(source, "the file ends inside this JSON array item (truncated?)")
    if item.text is None:
        return Skipped(source, _record_too_large(item.size, max_bytes))
    try:
        text, notes = _item_text(item, source, codec)
        value = json.loads(text)
    except InputError as err:
        return Skipped(source, _reason(err, source))
    except json.JSONDecodeError as err:
        line = item.line + err.lineno - 1
        column = err.colno + (item.column - 1 if err.lineno == 1 else 0)
        return Skipped(source, f"malformed JSON in this array item: {err.msg} (line {line}, column {column})")
    except RecursionError:
        return Skipped(source, "malformed JSON in this array item: nested too deeply")
    if not isinstance(value, dict):
        return Skipped(source, _not_an_object("JSON array item", value, fields))
    return _article(path, where, source, value, fields, notes)


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _item_text(item: _ArrayItem, source: str, codec: str | None) -> tuple[str, tuple[str, ...]]:
    """The text of an array item and, when reading changed it, a note, as for a JSONL line:
    broken UTF-16/32 code units become U+FFFD; a UTF-8 item with bytes that are not UTF-8
    (kept as surrogate escapes) is decoded on its own (one windows-1256 record in a UTF-8
    file)."""
    text = item.text
    if codec is not None:
        broken = text.count(_BROKEN_UNIT)
        if not broken:
            return text, ()
        where = _item_position(item, text.index(_BROKEN_UNIT))
        return text.replace(_BROKEN_UNIT, "\ufffd"), (_broken_units_note("JSON array item ", codec, broken, where),)
    escaped = _ESCAPED_BYTE.search(text)
    if escaped is None:
        return text, ()
    raw = text.encode("utf-8", errors="surrogateescape")
    decoded = decode_bytes(raw, source)
    where = f"byte {ord(escaped.group()) - 0xDC00:#04x} at {_item_position(item, escaped.start())}"
    return decoded, (_not_utf8_note("JSON array item", where, raw, decoded),)


def _item_position(item: _ArrayItem, offset: int) -> str:
    """Where in the file the character at ``offset`` of an array item's text is."""
    newlines = item.text.count("\n", 0, offset)
    column = offset - item.text.rfind("\n", 0, offset) if newlines else item.column + offset
    return f"line {item.line + newlines}, column {column}"


def _jsonl_records(path: Path, lines, fields: JsonlFields, max_bytes: int):
    lineno = 0
    for lineno, (raw, note) in enumerate(lines, start=1):
        source = f"{path}:{lineno}"
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        raw = raw.rstrip(b"\r\n").replace(b"\x00", b"")
        if len(raw) > max_bytes:
            yield Skipped(source, _record_too_large(len(raw), max_bytes))
            continue
        if not raw.strip():
            yield Skipped(source, "blank line")
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            where = f"byte {raw[err.start]:#04x} at column {err.start + 1}"
            try:
                line = decode_bytes(raw, source)
            except InputError as err:
                yield Skipped(source, _reason(err, source))
                continue
            note = _not_utf8_note("line", where, raw, line)
        yield _record(path, lineno, source, line, fields, (note,) if note else ())
    if lineno == 0:
        yield Skipped(str(path), "empty file (no JSON lines)")


def _size(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 100_000 else f"{n_bytes:,.0f} bytes"


def _record(path: Path, lineno: int, source: str, line: str, fields: JsonlFields,
            notes: tuple[str, ...] = ()) -> Article | Skipped:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        stripped = line.rstrip()
        truncated = "; the line looks truncated" if stripped.startswith("{") and not stripped.endswith("}") else ""
        return Skipped(source, f"malformed JSON: {err.msg} (column {err.colno}){truncated}")
    except RecursionError:
        return Skipped(source, "malformed JSON: nested too deeply")
    if not isinstance(record, dict):
        return Skipped(source, _not_an_object("JSON line", record, fields))
    return _article(path, str(lineno), source, record, fields, notes)


def _json_type(value) -> str:
    return {bool: "boolean", int: "number", float: "number", dict: "object", list: "array"}.get(type(value), "value")


def _article(path: Path, where: str, source: str, record: dict, fields: JsonlFields,
             notes: tuple[str, ...] = ()) -> Article | Skipped:
    """An article from one JSON object; ``where`` (its line) names it when it has no id."""
    article_id = record.get(fields.id)
    if isinstance(article_id, (dict, list)) or article_id in (None, "") or not str(article_id).strip():
        if isinstance(article_id, (dict, list)):
            notes += (f"field '{fields.id}' is not an id (a JSON {_json_type(article_id)}); "
                      f"the article is named {path.name}:{where}",)
        article_id = f"{path.name}:{where}"
    article_id = str(article_id).strip()
    body = record.get(fields.text)
    if isinstance(body, list) and all(isinstance(p, str) for p in body):
        body = "\n\n".join(body)        # a list of paragraphs
    if body is None:
        present = ", ".join(sorted(map(str, record))[:12]) or "none"
        return Skipped(source, f"field '{fields.text}' missing (fields present: {present}; "
                               f"{text_field_advice(record, fields)})", article_id)
    if not isinstance(body, str):
        return Skipped(source, f"field '{fields.text}' is a {type(body).__name__}, not text", article_id)
    if not body.strip():
        return Skipped(source, f"field '{fields.text}' is empty", article_id)
    title = record.get(fields.title)
    if title is not None and not isinstance(title, str) and fields.title != fields.text:
        notes += (f"field '{fields.title}' is not text (a JSON {_json_type(title)}); ignored "
                  f"(the title is taken from the text)",)
    lang = record.get(fields.lang)
    time = record.get(fields.time)
    return Article(
        id=article_id, raw=body.replace("\x00", ""), source=source,
        is_html=looks_like_html(body),
        title=title.strip() or None if isinstance(title, str) and fields.title != fields.text else None,
        # Values of the wrong type are passed on as text, so the ingest stage notes them as
        # not understood instead of dropping them silently.
        lang=lang if isinstance(lang, str) else (None if lang is None else json.dumps(lang, ensure_ascii=False)),
        time=(time if isinstance(time, str) else json.dumps(time, ensure_ascii=False)) if time not in (None, "")
        else None,
        notes=notes,
    )


def read_file(path: Path, article_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Article | Skipped:
    try:
        text, note = _read_file_text(path, max_bytes)
    except NotGzip as err:
        return Skipped(str(path), str(err), article_id)
    except InputError as err:
        return Skipped(str(path), _reason(err, str(path)), article_id)
    except OSError as err:
        return Skipped(str(path), f"cannot read: {err.strerror or err}", article_id)
    if not text.strip():
        return Skipped(str(path), "empty file (no text)" if not text else "whitespace-only file (no text)",
                       article_id)
    is_html = reading_suffix(path) in HTML_SUFFIXES or looks_like_html(text)
    return Article(id=article_id, raw=text, source=str(path), is_html=is_html, notes=(note,) if note else ())


_NO_FILES = ("folder has no files to read (no .txt, .html, .json, .jsonl, .csv, .warc or feed files in it or "
             "its subfolders)")


def _inside(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


@dataclass
class _Excluded:
    """Folders not read as input (the run's own output folder), except the inputs given
    inside one (``allowed``: real paths), which are read as any input is. Each folder met
    is reported once."""

    folders: list[str]
    allowed: list[str]
    skipped: list[Skipped]
    met: set[str] = field(default_factory=set)

    def __call__(self, path: Path) -> bool:
        if not self.folders:
            return False
        real = os.path.realpath(path)
        if any(_inside(real, root) for root in self.allowed):
            return False
        for folder in self.folders:
            if _inside(real, folder):
                if folder not in self.met:
                    self.met.add(folder)
                    self.skipped.append(Skipped(folder, "the output folder of this run (its files are not "
                                                        "read as input)"))
                return True
        return False

    def between(self, outer: str, inner: str) -> bool:
        """Whether an excluded folder lies inside ``outer`` and holds ``inner`` (so that
        walking ``outer`` does not reach ``inner``)."""
        return any(folder != outer and _inside(folder, outer) and _inside(inner, folder) for folder in self.folders)


def _walk(root: Path, skipped: list[Skipped], excluded: _Excluded) -> list[tuple[Path, bool]]:
    """Files under root, sorted, each with whether it is reached through a symbolic link.

    Hidden files and folders are reported, not read; excluded folders are not walked.
    Symbolic links to folders are followed once the real folders are walked; a folder
    reached twice (a link to a folder already read, a link cycle) is read once, the other
    way to it reported. A subfolder with nothing in it to read or report (empty, or only
    empty folders) is reported as such.
    """
    files: list[tuple[Path, bool]] = []
    seen: dict[str, Path] = {os.path.realpath(root): root}
    links: list[Path] = []
    walked: list[Path] = []          # folders descended into
    accounted: set[Path] = set()     # paths read or reported

    def skip(path: Path, reason: str) -> None:
        skipped.append(Skipped(str(path), reason))
        accounted.add(path)

    def on_error(err: OSError) -> None:
        skip(Path(err.filename or root), f"cannot read folder: {err.strerror or err}")

    def walk(top: Path, via_link: bool) -> None:
        for current, dirs, names in os.walk(top, onerror=on_error, followlinks=False):
            here = Path(current)
            walked.append(here)
            keep = []
            for name in sorted(dirs):
                folder = here / name
                if excluded(folder):
                    accounted.add(folder)
                elif name.startswith("."):
                    skip(folder, "hidden folder (not read)")
                elif folder.is_symlink():
                    links.append(folder)          # followed after the real folders
                else:
                    real = os.path.realpath(folder)
                    if real in seen:
                        skip(folder, f"same folder as {seen[real]} (reached twice through a symbolic link; "
                                     "read once)")
                    else:
                        seen[real] = folder
                        keep.append(name)
            dirs[:] = keep
            for name in sorted(names):
                file = here / name
                if excluded(file):
                    accounted.add(file)
                elif name.startswith("."):
                    skip(file, "hidden file (not read)")
                else:
                    files.append((file, via_link or file.is_symlink()))
                    accounted.add(file)

    walk(root, False)
    while links:
        link = links.pop(0)
        real = os.path.realpath(link)
        if excluded(link):
            accounted.add(link)
            continue
        if real in seen:
            skip(link, f"symbolic link to a folder already read ({seen[real]}); read once")
            continue
        seen[real] = link
        walk(link, True)
    # The topmost folders with nothing in them; an empty root is reported by read_inputs.
    holding = {parent for path in accounted for parent in path.parents}
    skipped.extend(Skipped(str(folder), _NO_FILES) for folder in walked
                   if folder != root and folder not in holding and folder.parent in holding)
    return sorted(files, key=lambda item: item[0].relative_to(root).as_posix())


def reading_suffix(path: Path) -> str:
    """The suffix that says how a file is read, lower case: ".warc.gz" or ".wet.gz" for a
    compressed web archive, the one before ".gz" for another gzip file ("a.jsonl.gz":
    ".jsonl"), else the last one."""
    name = path.name.lower()
    if name.endswith((".warc.gz", ".wet.gz")):
        return name[name.rindex(".", 0, len(name) - 3):]
    return inner_path(path).suffix.lower()


def _read_one(file: Path, article_id: str, fields: JsonlFields, max_bytes: int):
    """Articles and skip records of one file found in a folder or given by name."""
    suffix = reading_suffix(file)
    if not file.is_file():
        yield Skipped(str(file), "not a regular file (broken link, socket or device)")
    elif suffix in JSONL_SUFFIXES:
        yield from read_jsonl(file, fields, max_bytes)
    elif suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
        yield read_file(file, article_id, max_bytes)
    elif suffix in JSON_SUFFIXES:
        from .json_files import read_json    # json_files.py builds on this module

        yield from read_json(file, article_id, fields, max_bytes)
    elif suffix in FEED_SUFFIXES:
        yield from read_feed(file, max_bytes)
    elif suffix in TABLE_SUFFIXES:
        from .tables import read_table    # tables.py builds on this module

        yield from read_table(file, fields, max_bytes)
    elif suffix in WARC_SUFFIXES:
        from .warc import read_warc

        yield from read_warc(file, max_bytes)
    else:
        shown = suffix + ".gz" if is_gzipped(file) else suffix
        yield Skipped(str(file), f"not an article file (suffix '{shown}'; {_EXPECTED_SUFFIXES})")


def read_inputs(paths: str | Path | list[str | Path], fields: JsonlFields = JsonlFields(),
                max_bytes: int = DEFAULT_MAX_BYTES, exclude: tuple = ()) -> tuple[list[Article], list[Skipped]]:
    """Read files, folders (recursively, following symbolic links) and JSONL files into
    articles and skip records. ``paths``: a list of paths, or one path (a str or os.PathLike).

    Each file is read once: an input given twice, or a file reached twice (overlapping
    inputs, symbolic links), is read under one name, chosen independently of the input
    order, and the other names are reported as skipped with the reason.
    ``exclude``: folders not to read (the run's own output folder when it lies inside an
    input folder), left out of the walk and each one met reported once; an input given
    inside one is read all the same.
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []

    if isinstance(paths, (str, os.PathLike)):  # one path, not its characters
        paths = [paths]
    # Inputs naming the same file or folder: keep one spelling (the shortest).
    given: dict[str, list[Path]] = {}
    for raw_path in paths:
        path = Path(raw_path)
        if not path.exists():
            skipped.append(Skipped(str(path), "no such file or directory"))
            continue
        given.setdefault(os.path.realpath(path), []).append(path)
    roots: list[Path] = []
    for spellings in given.values():
        kept = min(spellings, key=lambda p: (len(str(p)), str(p)))
        roots.append(kept)
        for path in spellings:
            if path is kept:
                continue
            what = "folder" if path.is_dir() else "file"
            reason = ("given twice (read once)" if str(path) == str(kept)
                      else f"same {what} as {kept} (given twice; read once)")
            skipped.append(Skipped(str(path), reason))

    excluded_folders = [os.path.realpath(p) for p in exclude]
    inside_excluded = [real for real in given if any(_inside(real, folder) for folder in excluded_folders)]
    excluded = _Excluded(excluded_folders, inside_excluded, skipped)

    # A root inside another root folder is read as part of that folder (so `dir dir/sub`
    # reads what `dir` reads, with the same ids), unless an excluded folder between them
    # keeps the walk of the outer one from reaching it.
    folders = {os.path.realpath(p): p for p in roots if p.is_dir()}
    nested = []
    for path in roots:
        real = os.path.realpath(path)
        outer = [folders[f] for f in folders if f != real and _inside(real, f) and not excluded.between(f, real)]
        if outer:
            container = min(outer, key=lambda p: (len(os.path.realpath(p)), str(p)))
            skipped.append(Skipped(str(path), f"inside the input folder {container} (read once, as part of it)"))
            nested.append(path)
    roots = [p for p in roots if p not in nested]

    # Files to read: (path, id, reached through a link), in input order.
    entries: list[tuple[Path, str, bool]] = []
    for path in roots:
        if path.is_dir():
            before = len(skipped)
            found = _walk(path, skipped, excluded)
            if not found and len(skipped) == before:
                skipped.append(Skipped(str(path), _NO_FILES))
            entries.extend((file, file.relative_to(path).as_posix(), via_link) for file, via_link in found)
        elif not path.is_file():
            skipped.append(Skipped(str(path), "not a regular file or folder"))
        else:
            entries.append((path, path.name, path.is_symlink()))

    # One reading per file: a real path before a link, then the smallest (path, id).
    reached: dict[str, list[tuple[Path, str, bool]]] = {}
    for entry in entries:
        if entry[0].is_file():
            reached.setdefault(os.path.realpath(entry[0]), []).append(entry)
    readable = TEXT_SUFFIXES | HTML_SUFFIXES | _MANY_ARTICLES
    chosen = {real: min(group, key=lambda e: (reading_suffix(e[0]) not in readable, e[2], str(e[0]), e[1]))
              for real, group in reached.items()}

    for entry in entries:
        file, article_id, _ = entry
        first = chosen.get(os.path.realpath(file)) if file.is_file() else None
        if first is not None and first is not entry:
            skipped.append(Skipped(str(file), f"already read as id '{first[1]}' from {first[0]} (the same file, "
                                              "reached twice through overlapping inputs or a symbolic link)",
                                   None if reading_suffix(file) in _MANY_ARTICLES else article_id))
            continue
        for item in _read_one(file, article_id, fields, max_bytes):
            (articles if isinstance(item, Article) else skipped).append(item)
    return articles, skipped
