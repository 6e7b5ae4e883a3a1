"""JSON files (.json), read with the standard ``json`` module.

What scrapers and news APIs save as .json: an array of article records (Scrapy's
``-o items.json``), an object that holds such an array (an API response:
``{"status": "ok", "articles": [...]}``, or deeper: ``{"articles": {"results": [...]}}``),
one article as an object, or JSON Lines under a .json name. Arrays and JSON Lines are read
as in a .jsonl file (each record named by its line; an array too large to read whole is
streamed). An object with the text field is one article; in another object, the array of
objects is found among its members, up to ``_MAX_DEPTH`` objects deep: the one whose items
most often have the text field, and the note on the first article names it when the
object holds other arrays of objects too. The same ``--id-field``/``--text-field``/...
options choose the fields.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from akhbar.types import Article, Skipped

from .readers import (_JSON_SPACE, JsonlFields, _array_item_record, _ArrayItem, _document_text, _field_hints,
                      _file_items, _has_json_line, _head_text, _located_item_records, _located_items, _size,
                      _utf8_size, _wide_codec, read_jsonl)

_MAX_DEPTH = 3      # {"response": {"articles": {"results": [...]}}} is as deep as APIs nest them


@dataclass(frozen=True)
class _RecordArray:
    keys: tuple[str, ...]     # where it is: ("articles", "results")
    start: int                # index of its "[" in the text
    items: list

    @property
    def name(self) -> str:
        return ".".join(self.keys)

    def objects(self) -> list[dict]:
        return [item for item in self.items if isinstance(item, dict)]


def read_json(path: Path, article_id: str, fields: JsonlFields, max_bytes: int):
    """Yield an Article or a Skipped for every record of a .json file; ``article_id`` names
    a file that holds one article without an id field."""
    return _file_items(path, lambda handle, head: _json_items(path, handle, head, article_id, fields, max_bytes))


def _json_items(path: Path, handle, head: bytes, article_id: str, fields: JsonlFields, max_bytes: int):
    codec = _wide_codec(head)
    head_text = _head_text(head, codec).lstrip("\ufeff \t\r\n")
    if not head_text.startswith("{"):
        yield from read_jsonl(path, fields, max_bytes)   # an array, or not JSON (read_jsonl says why)
        return
    size = os.fstat(handle.fileno()).st_size
    if size > max_bytes:
        if _has_json_line(head_text):
            yield from read_jsonl(path, fields, max_bytes)
        else:
            yield Skipped(str(path), f"one JSON object of {_size(size)}, over the {_size(max_bytes)} limit for "
                                     f"reading a JSON document whole (see --max-bytes); raise it, or save the "
                                     f"records as JSON Lines or as a JSON array, which are read record by record")
        return
    text = _document_text(head + handle.read(), codec, str(path)).lstrip("\ufeff")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        # JSON Lines saved as .json, or a broken document: read_jsonl reads the one and says
        # what is wrong with the other.
        yield from read_jsonl(path, fields, max_bytes)
        return
    if not isinstance(document, dict):
        yield from read_jsonl(path, fields, max_bytes)
        return
    # An object with the text field is one article, whatever arrays it holds (tags, images).
    arrays = [] if fields.text in document else list(_record_arrays(text, _JSON_SPACE.match(text).end(), (), 1))
    if not arrays:
        yield _single_article(path, article_id, text, document, fields, max_bytes, codec)
        return
    best = min(arrays, key=lambda a: (-sum(fields.text in o for o in a.objects()), -len(a.objects()),
                                      len(a.keys), a.name))
    notes = _field_hints(best.objects()[:200], fields)
    others = [a for a in arrays if a is not best]
    if others:
        listed = ", ".join(f"'{a.name}' ({len(a.objects())} objects)" for a in others[:5])
        notes = (f"read the {len(best.items)} items of the array '{best.name}'; the other arrays of objects "
                 f"in this file were not read: {listed}",) + notes
    items = _located_items(text, best.start, len(best.items))
    yield from _located_item_records(path, items, fields, max_bytes, codec, notes)


def _single_article(path: Path, article_id: str, text: str, document: dict, fields: JsonlFields,
                    max_bytes: int, codec: str | None):
    """The one article of a file that holds one object, named as a text file is unless it
    has an id; read as an array item is (size limit, broken bytes noted)."""
    if fields.text not in document:
        keys = ", ".join(f"'{key}'" for key in list(document)[:12]) or "none"
        return Skipped(str(path), f"a JSON object with no '{fields.text}' field and no array of records in it "
                                  f"(keys: {keys}): not articles, or give their text field with --text-field")
    start = _JSON_SPACE.match(text).end()
    item = _ArrayItem(1, start + 1, text[start:], _utf8_size(text[start:]))
    record = _array_item_record(path, item, False, fields, max_bytes, codec)
    if not isinstance(record, Article):
        return replace(record, source=str(path))
    own_id = document.get(fields.id)
    if own_id is None or (not isinstance(own_id, (dict, list)) and not str(own_id).strip()):
        record = replace(record, id=article_id)   # (an object or array as id keeps the name its note gives)
    return replace(record, source=str(path), notes=record.notes + _field_hints([document], fields))


def _record_arrays(text: str, index: int, keys: tuple[str, ...], depth: int):
    """The arrays holding objects among the members of the object at ``index`` (its "{"),
    and among the members of the objects in it, ``_MAX_DEPTH`` levels down."""
    for key, start, value in _members(text, index):
        if isinstance(value, list) and any(isinstance(item, dict) for item in value):
            yield _RecordArray(keys + (key,), start, value)
        elif isinstance(value, dict) and depth < _MAX_DEPTH:
            yield from _record_arrays(text, start, keys + (key,), depth + 1)


def _members(text: str, index: int):
    """(key, index of its value, value) for each member of the valid JSON object at
    ``index``: ``json`` gives values but not where they are, and the records of an array
    are named by the lines they start on."""
    decoder = json.JSONDecoder()
    index = _JSON_SPACE.match(text, index + 1).end()
    while text[index] != "}":
        key, index = decoder.raw_decode(text, index)
        index = _JSON_SPACE.match(text, _JSON_SPACE.match(text, index).end() + 1).end()   # past ":"
        value, end = decoder.raw_decode(text, index)
        yield key, index, value
        index = _JSON_SPACE.match(text, end).end()
        if text[index] == ",":
            index = _JSON_SPACE.match(text, index + 1).end()
