"""Reading inputs: folders of .txt/.html files and JSONL files, with encoding detection.

Nothing is dropped silently: every file (and every JSONL line) becomes an Article or
a Skipped record that names the file (and line) and the reason.

Encodings: UTF-8 (with or without BOM), UTF-16/32 (with BOM, or BOM-less UTF-16
recognised by its byte pattern) and legacy Arabic-script code pages (windows-1256,
then whatever charset-normalizer finds). Binary data is refused with a reason.

JSONL files are streamed line by line: the size limit applies to each record, not to
the file, so a large batch file is read whole while a single oversized record is
skipped with its line number. A line that is not valid UTF-8 is decoded on its own
(e.g. one windows-1256 record in a UTF-8 file) instead of spoiling the file. A JSON
array saved as .jsonl is read record by record (each named by the line it starts on);
a single pretty-printed object gets one skip record saying it is not JSON Lines.

Files are chosen by suffix (.txt/.text, .html/.htm/.xhtml, .jsonl/.ndjson), whether
found in a folder or named directly. Symbolic links to folders are followed; each
folder and each file is read once (by resolved path), whichever way it is reached, and
the other ways to it are reported. An empty folder is reported too.
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
_EXPECTED_SUFFIXES = "expected .txt, .text, .html, .htm, .xhtml, .jsonl or .ndjson"
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
        size = os.fstat(handle.fileno()).st_size
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head and _try_utf16(head[:len(head) & ~1])):
            # UTF-16 JSONL: line splitting on bytes is wrong; decode the whole file.
            if size > max_bytes:
                yield Skipped(str(path), _reason(_size_error(path, size, max_bytes), str(path)))
                return
            try:
                text = decode_bytes(head + handle.read(), str(path))
            except InputError as err:
                yield Skipped(str(path), _reason(err, str(path)))
                return
            if _may_be_json_document(text):
                document = _json_document(text)
                if document is not None:
                    yield from _document_records(path, text, document, fields)
                    return
                broken = _broken_document_reason(text)
                if broken:
                    yield Skipped(str(path), broken)
                    return
            yield from _jsonl_records(path, (ln.encode("utf-8") for ln in _split_lines(text)), fields, max_bytes)
            return
        if b"\x00" in head and not _is_utf8_prefix(head):
            yield Skipped(str(path), "binary data (NUL bytes, not UTF-8 or UTF-16), not a JSONL text file")
            return
        if size <= max_bytes and _may_be_json_document(head.decode("utf-8", errors="replace")):
            # A JSON array (or a pretty-printed object) saved as .jsonl: read it whole.
            try:
                text = decode_bytes(head + handle.read(), str(path))
            except InputError:
                text = ""
            document = _json_document(text)
            if document is not None:
                yield from _document_records(path, text, document, fields)
                return
            broken = _broken_document_reason(text)
            if broken:
                yield Skipped(str(path), broken)
                return
        handle.seek(0)
        yield from _jsonl_records(path, iter(handle), fields, max_bytes)


def _split_lines(text: str) -> list[str]:
    """Lines of decoded JSONL text as reading a UTF-8 file gives them: split on "\\n"
    only (U+2028 and friends may occur inside JSON strings), and a final newline ends
    the last line instead of starting an empty one."""
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


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
    for line in body.splitlines()[:1000]:  # a line that is JSON by itself: JSON Lines after all
        line = line.strip().rstrip(",")
        if line[:1] in "{[" and line[-1:] in "}]" and len(line) > 2:
            try:
                json.loads(line)
                return None
            except (ValueError, RecursionError):
                pass
    try:
        json.loads(body)
    except json.JSONDecodeError as err:
        return (f"one JSON document (an array or a pretty-printed object), not JSON Lines, and not valid JSON: "
                f"{err.msg} (line {err.lineno}, column {err.colno}; truncated?)")
    except (ValueError, RecursionError) as err:
        return f"one JSON document, not JSON Lines, and not readable: {err}"
    return None


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


def _document_records(path: Path, text: str, document: list | dict, fields: JsonlFields):
    """Records of a JSON document saved as .jsonl: each object of an array (named by the
    line it starts on, and its column when several start on one line), or one skip
    record for a single pretty-printed object."""
    if isinstance(document, dict):
        article_id = document.get(fields.id)
        if isinstance(article_id, (dict, list)) or article_id is None or not str(article_id).strip():
            article_id = None
        lines = text.strip(" \t\r\n").count("\n") + 1
        yield Skipped(str(path), f"this is a JSON document (one object written over {lines} lines), not JSON "
                                 f"Lines; write each record on a single line",
                      None if article_id is None else str(article_id).strip())
        return
    decoder = json.JSONDecoder()
    body = text.lstrip("\ufeff")
    index = _JSON_SPACE.match(body, 0).end() + 1          # after "["
    starts = []
    for _ in document:
        index = _JSON_SPACE.match(body, index).end()
        _, end = decoder.raw_decode(body, index)
        line = body.count("\n", 0, index) + 1
        column = index - (body.rfind("\n", 0, index) + 1) + 1
        starts.append((line, column))
        index = _JSON_SPACE.match(body, end).end() + 1    # after "," (or the closing "]")
    shared_lines = len({line for line, _ in starts}) < len(starts)
    for item, (line, column) in zip(document, starts):
        where = f"{line}:{column}" if shared_lines else str(line)
        source = f"{path}:{where}"
        if not isinstance(item, dict):
            yield Skipped(source, f"JSON array item is a {type(item).__name__}, not an object with a "
                                  f"'{fields.text}' field")
            continue
        yield _article(path, where, source, item, fields)


def _jsonl_records(path: Path, lines, fields: JsonlFields, max_bytes: int):
    lineno = 0
    for lineno, raw in enumerate(lines, start=1):
        source = f"{path}:{lineno}"
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        raw = raw.rstrip(b"\r\n").replace(b"\x00", b"")
        if len(raw) > max_bytes:
            yield Skipped(source, f"record too large ({_size(len(raw))} > {_size(max_bytes)} "
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
    if lineno == 0:
        yield Skipped(str(path), "empty file (no JSON lines)")


def _size(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 100_000 else f"{n_bytes:,.0f} bytes"


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
    return _article(path, str(lineno), source, record, fields)


def _article(path: Path, where: str, source: str, record: dict, fields: JsonlFields) -> Article | Skipped:
    """An article from one JSON object; ``where`` (its line) names it when it has no id."""
    article_id = record.get(fields.id)
    if isinstance(article_id, (dict, list)) or article_id in (None, "") or not str(article_id).strip():
        article_id = f"{path.name}:{where}"
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
        # Values of the wrong type are passed on as text, so the ingest stage notes them as
        # not understood instead of dropping them silently.
        lang=lang if isinstance(lang, str) else (None if lang is None else json.dumps(lang, ensure_ascii=False)),
        time=(time if isinstance(time, str) else json.dumps(time, ensure_ascii=False)) if time not in (None, "")
        else None,
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


def _walk(root: Path, skipped: list[Skipped]) -> list[tuple[Path, bool]]:
    """Files under root, sorted, each with whether it is reached through a symbolic link.

    Hidden files and folders are reported, not read. Symbolic links to folders are
    followed once the real folders are walked; a folder reached twice (a link to a folder
    already read, a link cycle) is read once, the other way to it reported.
    """
    files: list[tuple[Path, bool]] = []
    seen: dict[str, Path] = {os.path.realpath(root): root}
    links: list[Path] = []

    def on_error(err: OSError) -> None:
        skipped.append(Skipped(str(err.filename or root), f"cannot read folder: {err.strerror or err}"))

    def walk(top: Path, via_link: bool) -> None:
        for current, dirs, names in os.walk(top, onerror=on_error, followlinks=False):
            here = Path(current)
            keep = []
            for name in sorted(dirs):
                folder = here / name
                if name.startswith("."):
                    skipped.append(Skipped(str(folder), "hidden folder (not read)"))
                elif folder.is_symlink():
                    links.append(folder)          # followed after the real folders
                else:
                    real = os.path.realpath(folder)
                    if real in seen:
                        skipped.append(Skipped(str(folder), f"same folder as {seen[real]} (reached twice through "
                                                            "a symbolic link; read once)"))
                    else:
                        seen[real] = folder
                        keep.append(name)
            dirs[:] = keep
            for name in sorted(names):
                file = here / name
                if name.startswith("."):
                    skipped.append(Skipped(str(file), "hidden file (not read)"))
                else:
                    files.append((file, via_link or file.is_symlink()))

    walk(root, False)
    while links:
        link = links.pop(0)
        real = os.path.realpath(link)
        if real in seen:
            skipped.append(Skipped(str(link), f"symbolic link to a folder already read ({seen[real]}); "
                                              "read once"))
            continue
        seen[real] = link
        walk(link, True)
    return sorted(files, key=lambda item: item[0].relative_to(root).as_posix())


def _read_one(file: Path, article_id: str, fields: JsonlFields, max_bytes: int):
    """Articles and skip records of one file found in a folder or given by name."""
    suffix = file.suffix.lower()
    if not file.is_file():
        yield Skipped(str(file), "not a regular file (broken link, socket or device)")
    elif suffix in JSONL_SUFFIXES:
        yield from read_jsonl(file, fields, max_bytes)
    elif suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
        yield read_file(file, article_id, max_bytes)
    else:
        yield Skipped(str(file), f"not an article file (suffix '{suffix}'; {_EXPECTED_SUFFIXES})")


def read_inputs(paths: list[str | Path], fields: JsonlFields = JsonlFields(),
                max_bytes: int = DEFAULT_MAX_BYTES, exclude: tuple = ()) -> tuple[list[Article], list[Skipped]]:
    """Read files, folders (recursively, following symbolic links) and JSONL files into
    articles and skip records.

    Each file is read once: an input given twice, or a file reached twice (overlapping
    inputs, symbolic links), is read under one name, chosen independently of the input
    order, and the other names are reported as skipped with the reason.
    ``exclude``: folders not to read (the run's own output folder when it lies inside an
    input folder); each one met is reported once.
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []

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

    # A root inside another root folder is read as part of that folder (so `dir dir/sub`
    # reads what `dir` reads, with the same ids).
    folders = {os.path.realpath(p): p for p in roots if p.is_dir()}
    nested = []
    for path in roots:
        real = os.path.realpath(path)
        outer = [folders[f] for f in folders if f != real and real.startswith(f.rstrip(os.sep) + os.sep)]
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
            found = _walk(path, skipped)
            if not found and len(skipped) == before:
                skipped.append(Skipped(str(path), "folder has no files to read (no .txt, .html or .jsonl "
                                                  "files in it or its subfolders)"))
            entries.extend((file, file.relative_to(path).as_posix(), via_link) for file, via_link in found)
        elif not path.is_file():
            skipped.append(Skipped(str(path), "not a regular file or folder"))
        else:
            entries.append((path, path.name, path.is_symlink()))

    excluded = [os.path.realpath(p) for p in exclude]
    met: set[str] = set()

    def inside_excluded(file: Path) -> bool:
        real = os.path.realpath(file)
        for folder in excluded:
            if real == folder or real.startswith(folder.rstrip(os.sep) + os.sep):
                if folder not in met:
                    met.add(folder)
                    skipped.append(Skipped(folder, "the output folder of this run (its files are not read as input)"))
                return True
        return False

    entries = [entry for entry in entries if not inside_excluded(entry[0])]

    # One reading per file: a real path before a link, then the smallest (path, id).
    reached: dict[str, list[tuple[Path, str, bool]]] = {}
    for entry in entries:
        if entry[0].is_file():
            reached.setdefault(os.path.realpath(entry[0]), []).append(entry)
    readable = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
    chosen = {real: min(group, key=lambda e: (e[0].suffix.lower() not in readable, e[2], str(e[0]), e[1]))
              for real, group in reached.items()}

    for entry in entries:
        file, article_id, _ = entry
        first = chosen.get(os.path.realpath(file)) if file.is_file() else None
        if first is not None and first is not entry:
            skipped.append(Skipped(str(file), f"already read as id '{first[1]}' from {first[0]} (the same file, "
                                              "reached twice through overlapping inputs or a symbolic link)",
                                   None if file.suffix.lower() in JSONL_SUFFIXES else article_id))
            continue
        for item in _read_one(file, article_id, fields, max_bytes):
            (articles if isinstance(item, Article) else skipped).append(item)
    return articles, skipped
