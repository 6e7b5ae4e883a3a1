"""gzip-compressed inputs (NAME.jsonl.gz, NAME.csv.gz, NAME.html.gz, ...), read with the
standard ``gzip`` module as the file they hold: the suffix before ".gz" says how.

Readers that go through a file record by record get the decompressed bytes in an
anonymous temporary file (removed when closed), so that they can size it, seek in it and
stream it as they do a plain file; the limits (--max-bytes) apply to the decompressed
content. A gzip stream that ends early (a download cut short) is read as far as it goes,
with a note; a file that is not gzip data is reported. Web archives (.warc.gz, .wet.gz) are left to
warcio, which reads their record-by-record compression itself.
"""
from __future__ import annotations

import gzip
import io
import tempfile
import zlib
from pathlib import Path

_CHUNK = 1 << 16     # small reads: what a cut-short stream loses is at most its last one


class NotGzip(ValueError):
    """The file is named .gz but does not hold gzip data."""


def is_gzipped(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".gz") and not name.endswith((".warc.gz", ".wet.gz"))


def inner_path(path: Path) -> Path:
    """The name the file has once decompressed ("dev.jsonl.gz" -> "dev.jsonl")."""
    return path.with_name(path.name[:-3]) if is_gzipped(path) else path


def cut_short_note(content_bytes: int) -> str:
    return (f"the gzip data ends early (a download cut short?): read as far as it goes, "
            f"{content_bytes:,} bytes of content")


def open_decompressed(path: Path):
    """(binary file, note or None): the decompressed content in a temporary file.
    Raises NotGzip, or OSError when the file cannot be read."""
    spool = tempfile.TemporaryFile()
    try:
        note = _copy(path, spool, limit=None)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, note


def read_decompressed(path: Path, limit: int) -> tuple[bytes, str | None, bool]:
    """(at most ``limit`` + 1 bytes of content, note or None, whether there was more)."""
    content = io.BytesIO()
    note = _copy(path, content, limit=limit + 1)
    data = content.getvalue()
    return data, note, len(data) > limit


def read_head(path: Path, n_bytes: int) -> bytes:
    """The first ``n_bytes`` of content (fewer if the file is shorter or broken)."""
    try:
        with gzip.open(path, "rb") as source:
            return source.read(n_bytes)
    except (OSError, EOFError, zlib.error):
        return b""


def _copy(path: Path, target, limit: int | None) -> str | None:
    copied = 0
    try:
        with gzip.open(path, "rb") as source:
            while limit is None or copied < limit:
                chunk = source.read(_CHUNK if limit is None else min(_CHUNK, limit - copied))
                if not chunk:
                    return None
                target.write(chunk)
                copied += len(chunk)
    except gzip.BadGzipFile as err:
        if copied:
            return f"the gzip data is damaged after {copied:,} bytes of content ({err}); read as far as that"
        raise NotGzip(f"named .gz but not gzip data ({err})") from err
    except (EOFError, zlib.error) as err:
        if not copied and isinstance(err, zlib.error):
            raise NotGzip(f"named .gz but its gzip data cannot be decompressed ({err})") from err
        return cut_short_note(copied)
    return None
