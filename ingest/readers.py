"""Reading inputs: folders of .txt/.html files and JSONL files, with encoding detection.

Nothing is dropped silently: every file (and every JSONL line) becomes an Article or
a Skipped record that names the file and the reason.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from akhbar.types import Article, Skipped

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class JsonlFields:
    id: str = "id"
    text: str = "text"
    title: str = "title"
    lang: str = "lang"
    time: str = "date"


class InputError(ValueError):
    """A file or record that cannot be read; the message names it and says why."""


def decode_bytes(data: bytes, source: str) -> str:
    """Decode text in UTF-8, UTF-16 (BOM or NUL pattern) or a legacy code page (windows-1256).

    Raises InputError for binary data.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return text
    head = data[:4096]
    if head and head.count(b"\x00") >= len(head) // 3 and len(data) % 2 == 0:
        # BOM-less UTF-16: every other byte is NUL for Latin, or for Arabic high bytes.
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                candidate = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if "\x00" not in candidate and _mostly_printable(candidate):
                return candidate
    if b"\x00" in data:
        raise InputError(f"{source}: binary data (NUL bytes), not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1256", "utf_8", "cp1252", "iso8859_6", "cp720"]).best()
    if best is None or not _mostly_printable(str(best)):
        raise InputError(f"{source}: binary or undecodable data, not text")
    return str(best)


def _mostly_printable(text: str, share: float = 0.9) -> bool:
    sample = text[:4096]
    if not sample:
        return True
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in sample)
    return printable / len(sample) >= share


def _read_file_text(path: Path, max_bytes: int) -> str:
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"{path}: file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB limit; "
                         f"raise --max-bytes to read it)")
    return decode_bytes(path.read_bytes(), str(path))


def read_jsonl(path: Path, fields: JsonlFields, max_bytes: int = DEFAULT_MAX_BYTES):
    """Yield Article or Skipped for each line of a JSONL file."""
    try:
        text = _read_file_text(path, max_bytes)
    except (InputError, OSError) as err:
        yield Skipped(str(path), str(err))
        return
    for lineno, line in enumerate(text.splitlines(), start=1):
        source = f"{path}:{lineno}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Skipped(source, f"malformed JSON ({err.msg} at column {err.colno})")
            continue
        if not isinstance(record, dict):
            yield Skipped(source, "JSON line is not an object")
            continue
        body = record.get(fields.text)
        article_id = record.get(fields.id)
        article_id = str(article_id) if article_id not in (None, "") else f"{path.name}:{lineno}"
        if not isinstance(body, str) or not body.strip():
            yield Skipped(source, f"field '{fields.text}' missing or empty", article_id)
            continue
        title = record.get(fields.title)
        yield Article(
            id=article_id, raw=body, source=source,
            is_html="<" in body and "</" in body,
            title=title if isinstance(title, str) and fields.title != fields.text else None,
            lang=record.get(fields.lang) if isinstance(record.get(fields.lang), str) else None,
            time=str(record[fields.time]) if record.get(fields.time) else None,
        )


def read_file(path: Path, article_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Article | Skipped:
    try:
        text = _read_file_text(path, max_bytes)
    except (InputError, OSError) as err:
        return Skipped(str(path), str(err), article_id)
    if not text.strip():
        return Skipped(str(path), "empty file (no text)", article_id)
    is_html = path.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:200].lower().startswith(("<!doctype", "<html"))
    return Article(id=article_id, raw=text, source=str(path), is_html=is_html)


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
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            for file in files:
                rel = file.relative_to(path).as_posix()
                suffix = file.suffix.lower()
                if suffix in JSONL_SUFFIXES:
                    for item in read_jsonl(file, fields, max_bytes):
                        take(item)
                elif suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
                    take(read_file(file, rel, max_bytes))
                else:
                    skipped.append(Skipped(str(file), f"not an article file (suffix '{suffix}'; "
                                                      "expected .txt, .html or .jsonl)"))
        elif path.suffix.lower() in JSONL_SUFFIXES:
            for item in read_jsonl(path, fields, max_bytes):
                take(item)
        else:
            take(read_file(path, path.name, max_bytes))
    return articles, skipped
