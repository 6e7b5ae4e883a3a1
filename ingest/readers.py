"""Reading inputs: folders of .txt/.html files and JSONL files, with encoding detection.

Nothing is dropped silently: every file (and every JSONL line) becomes an Article or
a Skipped record that names the file (and line) and the reason.

Encodings: UTF-8 (with or without BOM), UTF-16/32 (with BOM, or BOM-less UTF-16
recognised by its byte pattern) and legacy Arabic-script code pages (windows-1256,
then whatever charset-normalizer finds). Binary data is refused with a reason.

JSONL files are streamed line by line: the size limit applies to each record, not to
the file, so a large batch file is read whole while a single oversized record is
skipped with its line number. A line that is not valid UTF-8 is decoded on its own
(e.g. one windows-1256 record in a UTF-8 file) instead of spoiling the file.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from akhbar.types import Article, Skipped

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
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


def _try_utf16(data: bytes) -> str | None:
    """BOM-less UTF-16. The byte order comes from where the high bytes are: ASCII and
    whitespace have NUL high bytes, Arabic script 0x06; the text must then decode with
    no NULs or control characters and have spaces and letters."""
    if len(data) < 2:
        return None
    body = data[:_SNIFF_BYTES & ~1] if len(data) > _SNIFF_BYTES else data[:len(data) & ~1]
    even = sum(body[i] in (0, 6) for i in range(0, len(body), 2))
    odd = sum(body[i] in (0, 6) for i in range(1, len(body), 2))
    if max(even, odd) < 0.3 * (len(body) / 2):
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
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
    return InputError(f"{path}: file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB limit; "
                      f"raise --max-bytes to read it, or split it into JSONL records)")


def _read_file_text(path: Path, max_bytes: int) -> str:
    size = path.stat().st_size
    if size > max_bytes:
        raise _size_error(path, size, max_bytes)
    return decode_bytes(path.read_bytes(), str(path))


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
    """Yield an Article or a Skipped for every line of a JSONL file (blank lines too)."""
    try:
        handle = open(path, "rb")
    except OSError as err:
        yield Skipped(str(path), f"cannot open: {err.strerror or err}")
        return
    with handle:
        try:
            head = handle.read(_SNIFF_BYTES)
        except OSError as err:
            yield Skipped(str(path), f"cannot read: {err.strerror or err}")
            return
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head and _try_utf16(head[:len(head) & ~1])):
            # UTF-16 JSONL: line splitting on bytes is wrong; decode the whole file.
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                yield Skipped(str(path), _reason(_size_error(path, size, max_bytes), str(path)))
                return
            try:
                text = decode_bytes(head + handle.read(), str(path))
            except InputError as err:
                yield Skipped(str(path), _reason(err, str(path)))
                return
            lines = (ln.encode("utf-8") for ln in text.split("\n"))
        else:
            if b"\x00" in head and not _is_utf8_prefix(head):
                yield Skipped(str(path), "binary data (NUL bytes, not UTF-8 or UTF-16), not a JSONL text file")
                return
            handle.seek(0)
            lines = iter(handle)
        yield from _jsonl_records(path, lines, fields, max_bytes)


def _jsonl_records(path: Path, lines, fields: JsonlFields, max_bytes: int):
    lineno = 0
    for lineno, raw in enumerate(lines, start=1):
        source = f"{path}:{lineno}"
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        raw = raw.rstrip(b"\r\n").replace(b"\x00", b"")
        if len(raw) > max_bytes:
            yield Skipped(source, f"record too large ({len(raw) / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB "
                                  f"limit; raise --max-bytes to read it)")
            continue
        if not raw.strip():
            yield Skipped(source, "blank line")
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line = decode_bytes(raw, source)
            except InputError as err:
                yield Skipped(source, _reason(err, source))
                continue
        yield _record(path, lineno, source, line, fields)


def _record(path: Path, lineno: int, source: str, line: str, fields: JsonlFields) -> Article | Skipped:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        stripped = line.rstrip()
        truncated = "; the line looks truncated" if stripped.startswith("{") and not stripped.endswith("}") else ""
        return Skipped(source, f"malformed JSON: {err.msg} (column {err.colno}){truncated}")
    except RecursionError:
        return Skipped(source, "malformed JSON: nested too deeply")
    if not isinstance(record, dict):
        return Skipped(source, f"JSON line is a {type(record).__name__}, not an object with a "
                               f"'{fields.text}' field")
    article_id = record.get(fields.id)
    if isinstance(article_id, (dict, list)) or article_id in (None, "") or not str(article_id).strip():
        article_id = f"{path.name}:{lineno}"
    article_id = str(article_id).strip()
    body = record.get(fields.text)
    if isinstance(body, list) and all(isinstance(p, str) for p in body):
        body = "\n\n".join(body)        # a list of paragraphs
    if body is None:
        present = ", ".join(sorted(map(str, record))[:12]) or "none"
        return Skipped(source, f"field '{fields.text}' missing (fields present: {present}; "
                               f"choose one with --text-field)", article_id)
    if not isinstance(body, str):
        return Skipped(source, f"field '{fields.text}' is a {type(body).__name__}, not text", article_id)
    if not body.strip():
        return Skipped(source, f"field '{fields.text}' is empty", article_id)
    title = record.get(fields.title)
    lang = record.get(fields.lang)
    time = record.get(fields.time)
    return Article(
        id=article_id, raw=body.replace("\x00", ""), source=source,
        is_html=looks_like_html(body),
        title=title.strip() or None if isinstance(title, str) and fields.title != fields.text else None,
        lang=lang if isinstance(lang, str) else None,
        time=str(time) if time not in (None, "") and not isinstance(time, (dict, list)) else None,
    )


def read_file(path: Path, article_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Article | Skipped:
    try:
        text = _read_file_text(path, max_bytes)
    except InputError as err:
        return Skipped(str(path), _reason(err, str(path)), article_id)
    except OSError as err:
        return Skipped(str(path), f"cannot read: {err.strerror or err}", article_id)
    if not text.strip():
        return Skipped(str(path), "empty file (no text)" if not text else "whitespace-only file (no text)",
                       article_id)
    is_html = path.suffix.lower() in HTML_SUFFIXES or looks_like_html(text)
    return Article(id=article_id, raw=text, source=str(path), is_html=is_html)


def _walk(root: Path, skipped: list[Skipped]) -> list[Path]:
    """Files under root, sorted; hidden files and folders are reported, not read."""
    files: list[Path] = []

    def on_error(err: OSError) -> None:
        skipped.append(Skipped(str(err.filename or root), f"cannot read folder: {err.strerror or err}"))

    for current, dirs, names in os.walk(root, onerror=on_error, followlinks=False):
        here = Path(current)
        for name in sorted(d for d in dirs if d.startswith(".")):
            skipped.append(Skipped(str(here / name), "hidden folder (not read)"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            file = here / name
            if name.startswith("."):
                skipped.append(Skipped(str(file), "hidden file (not read)"))
            else:
                files.append(file)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def read_inputs(paths: list[str | Path], fields: JsonlFields = JsonlFields(),
                max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[Article], list[Skipped]]:
    """Read files, folders (recursively) and JSONL files into articles and skip records."""
    articles: list[Article] = []
    skipped: list[Skipped] = []

    def take(item):
        (articles if isinstance(item, Article) else skipped).append(item)

    for raw_path in paths:
        path = Path(raw_path)
        if not path.exists():
            skipped.append(Skipped(str(path), "no such file or directory"))
            continue
        if path.is_dir():
            for file in _walk(path, skipped):
                rel = file.relative_to(path).as_posix()
                suffix = file.suffix.lower()
                if not file.is_file():
                    skipped.append(Skipped(str(file), "not a regular file (broken link, socket or device)"))
                elif suffix in JSONL_SUFFIXES:
                    for item in read_jsonl(file, fields, max_bytes):
                        take(item)
                elif suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
                    take(read_file(file, rel, max_bytes))
                else:
                    skipped.append(Skipped(str(file), f"not an article file (suffix '{suffix}'; "
                                                      "expected .txt, .html or .jsonl)"))
        elif not path.is_file():
            skipped.append(Skipped(str(path), "not a regular file or folder"))
        elif path.suffix.lower() in JSONL_SUFFIXES:
            for item in read_jsonl(path, fields, max_bytes):
                take(item)
        else:
            take(read_file(path, path.name, max_bytes))
    return articles, skipped
