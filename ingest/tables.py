"""CSV and TSV files (.csv, .tsv, .tab): one article per row, read with the standard
``csv`` module.

The header row names the columns, and ``--id-field``, ``--text-field``, ``--title-field``,
``--lang-field`` and ``--time-field`` choose among them as they choose JSONL fields. The
delimiter is the one of ``, ; TAB |`` that makes a header holding the text column (Excel
writes ";" where the decimal mark is a comma; an Excel "sep=;" first line is honoured);
encodings are those of JSONL files: UTF-8 (with or without a BOM), UTF-16/32 (Excel's
"Unicode text" export), and a legacy code page such as windows-1256 (Excel's "CSV" on an
Arabic or Persian Windows), which gets a note. A cell may hold line breaks (quoted); an
empty cell counts as a missing field. A row that is not CSV (a quote closed in the middle of
a cell, a quote never closed) is skipped with the reason and the line, as is each row of a
file whose header lacks the text column.
"""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from akhbar.types import Article, Skipped

from .readers import (_BROKEN_UNIT, _ESCAPED_BYTE, InputError, JsonlFields, _article, _broken_units_note,
                      _field_hints, _file_items, _head_text, _is_utf8_prefix, _not_utf8_note, _reason,
                      _record_too_large, _wide_codec, decode_bytes, reading_suffix, text_field_advice)

_DELIMITERS = (",", ";", "\t", "|")
_EXCEL_SEP = re.compile(r"\ufeff?sep=(.)\r?\n?")


def read_table(path: Path, fields: JsonlFields, max_bytes: int):
    """Yield an Article or a Skipped for every row of a CSV/TSV file after its header."""
    return _file_items(path, lambda handle, head: _table_items(path, handle, head, fields, max_bytes))


def _table_items(path: Path, handle, head: bytes, fields: JsonlFields, max_bytes: int):
    opened = _open_text(path, handle, head, max_bytes)
    if isinstance(opened, Skipped):
        yield opened
        return
    stream, codec, file_note = opened
    yield from _rows(path, stream, codec, file_note, fields, max_bytes)


def _open_text(path: Path, handle, head: bytes, max_bytes: int):
    """(text stream, codec, note on the whole file) or a Skipped. UTF-8 and UTF-16/32 are
    decoded as they are read; a file that is not UTF-8 from its first bytes is decoded whole
    (it must then fit in --max-bytes), as a text file is."""
    size = os.fstat(handle.fileno()).st_size
    codec = _wide_codec(head)
    if codec is None and not _is_utf8_prefix(head):
        if size > max_bytes:
            return Skipped(str(path), f"not UTF-8 and too large to detect its encoding whole ({size:,} bytes; "
                                      f"limit {max_bytes:,}, see --max-bytes); save it as UTF-8")
        data = head + handle.read()
        try:
            text = decode_bytes(data, str(path))
        except InputError as err:
            return Skipped(str(path), _reason(err, str(path)))
        note = _not_utf8_note("file", f"from byte {_first_bad_byte(data):,}", data, text)
        return io.StringIO(text, newline=""), None, note
    if codec is None and b"\x00" in head:
        return Skipped(str(path), "binary data (NUL bytes, not UTF-8 or UTF-16), not a CSV text file")
    if not _head_text(head, codec).strip("\ufeff \t\r\n"):
        return Skipped(str(path), "empty file (no rows)")
    handle.seek(0)
    if codec is None:
        return io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline=""), None, None
    return io.TextIOWrapper(handle, encoding=codec, errors="akhbar-mark-broken", newline=""), codec, None


def _first_bad_byte(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start
    return 0


def _delimiter(path: Path, header_line: str, fields: JsonlFields) -> str:
    """The delimiter that splits the header into the most cells, among those that give a
    text column; the suffix's (TAB for .tsv/.tab) when none does."""
    default = "\t" if reading_suffix(path) in (".tsv", ".tab") else ","

    def cells(delimiter: str) -> list[str]:
        return [c.strip() for c in next(csv.reader([header_line], delimiter=delimiter), [])]

    def rank(delimiter: str) -> tuple:
        header = cells(delimiter)
        return (fields.text in header, fields.id in header, len(header), delimiter == default)

    best = max(_DELIMITERS, key=rank)
    return best if len(cells(best)) > 1 or fields.text in cells(best) else default


def _rows(path: Path, stream, codec: str | None, file_note: str | None, fields: JsonlFields, max_bytes: int):
    first_line = stream.readline()
    skipped_lines = 0
    excel_sep = _EXCEL_SEP.fullmatch(first_line)
    if excel_sep:
        delimiter, skipped_lines = excel_sep.group(1), 1
        first_line = stream.readline()
    else:
        delimiter = _delimiter(path, first_line.lstrip("\ufeff"), fields)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, max_bytes + 1))
    try:
        reader = csv.reader(_chain(first_line.lstrip("\ufeff"), stream), delimiter=delimiter, strict=True)
        try:
            header = [cell.strip() for cell in next(reader)]
        except StopIteration:
            yield Skipped(str(path), "empty file (no rows)")
            return
        except csv.Error as err:
            yield Skipped(str(path), f"the header row is not CSV ({err}); no row was read")
            return
        yield from _records(path, reader, header, skipped_lines, codec, file_note, fields, max_bytes)
    finally:
        csv.field_size_limit(old_limit)


def _chain(first_line: str, stream):
    yield first_line
    yield from stream


def _header_notes(header: list[str], fields: JsonlFields) -> tuple[str, ...]:
    seen, notes = set(), []
    for name in header:
        if name and name in seen and name in (fields.id, fields.text, fields.title, fields.lang, fields.time):
            notes.append(f"column '{name}' appears {header.count(name)} times in the header; the first one is read")
        seen.add(name)
    return tuple(dict.fromkeys(notes))


def _records(path: Path, reader, header: list[str], offset: int, codec: str | None, file_note: str | None,
             fields: JsonlFields, max_bytes: int):
    columns = ", ".join(repr(name) for name in header[:12]) + (", ..." if len(header) > 12 else "")
    missing_text = fields.text not in header
    notes = tuple(n for n in (file_note,) if n) + _header_notes(header, fields) + \
        _field_hints([dict.fromkeys(header)], fields)
    start = reader.line_num + 1
    rows = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            source = f"{path}:{start + offset}"
            if "unexpected end of data" in str(err):
                yield Skipped(source, f"malformed CSV: a quoted cell opened in this row is never closed; "
                                      f"the rest of the file (to line {reader.line_num + offset}) was not read")
                break
            yield Skipped(source, f"malformed CSV row: {err} (a quote inside a cell must be doubled)")
            start = reader.line_num + 1
            rows += 1
            continue
        line, start = start + offset, reader.line_num + 1
        source = f"{path}:{line}"
        rows += 1
        if not any(cell.strip() for cell in cells):
            yield Skipped(source, "blank row")
            continue
        size = sum(len(cell.encode("utf-8", errors="surrogateescape")) for cell in cells)
        if size > max_bytes:
            yield Skipped(source, _record_too_large(size, max_bytes))
            continue
        if missing_text:
            yield Skipped(source, f"no column '{fields.text}' in the header (columns: {columns}; "
                                  f"{text_field_advice(header, fields)})")
            continue
        cells, cell_notes = _mend_cells(cells, codec, source)
        row_notes = notes + cell_notes + _cell_count_note(len(cells), len(header))
        record = {}
        for name, cell in zip(header, cells):
            if name not in record:
                record[name] = cell if cell.strip() or name == fields.text else None
        item = _article(path, str(line), source, record, fields, row_notes)
        if isinstance(item, Article):
            notes = ()              # file-level notes go on the first article only
        yield item
    if rows == 0:
        yield Skipped(str(path), "no rows after the header")


def _cell_count_note(cells: int, columns: int) -> tuple[str, ...]:
    if cells > columns:
        return (f"row has {cells} cells and the header {columns} columns: the last {cells - columns} were not read "
                f"(an unquoted delimiter in a cell?)",)
    return ()


def _mend_cells(cells: list[str], codec: str | None, source: str) -> tuple[list[str], tuple[str, ...]]:
    """Cells with broken bytes decoded as a JSONL record's are, and the note that says so."""
    if codec is not None:
        broken = sum(cell.count(_BROKEN_UNIT) for cell in cells)
        if not broken:
            return cells, ()
        column = next(i for i, cell in enumerate(cells, start=1) if _BROKEN_UNIT in cell)
        return ([cell.replace(_BROKEN_UNIT, "\ufffd") for cell in cells],
                (_broken_units_note("row ", codec, broken, f"cell {column}"),))
    if not any(_ESCAPED_BYTE.search(cell) for cell in cells):
        return cells, ()
    mended, note = [], None
    for column, cell in enumerate(cells, start=1):
        escaped = _ESCAPED_BYTE.search(cell)
        if escaped is None:
            mended.append(cell)
            continue
        raw = cell.encode("utf-8", errors="surrogateescape")
        try:
            text = decode_bytes(raw, source)
        except InputError:
            text = raw.decode("utf-8", errors="replace")
        mended.append(text)
        note = note or _not_utf8_note("row", f"byte {ord(escaped.group()) - 0xDC00:#04x} in cell {column}", raw, text)
    return mended, (note,)
