"""CLI outputs review: an output folder inside an input folder (and the other way round),
empty subfolders accounted for, outputs written as one set, and reading notes for JSON
arrays saved as .jsonl as for JSON Lines."""
from __future__ import annotations

import codecs
import errno
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from akhbar.cli import app
from akhbar.ingest import JsonlFields, read_inputs
from akhbar.ingest.readers import read_jsonl
from akhbar.types import Article

from test_cli_review import _AR, _FA  # noqa: E402  (the same two short articles)
_NO_FILES = "folder has no files to read (no .txt, .html, .json, .jsonl, .csv, .warc or feed files in it or its subfolders)"
_OUTPUTS = ("clusters.jsonl", "summaries.jsonl", "report.html", "events.csv", "articles.csv", "manifest.json")


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("embedding-cache")


def _run(cache: Path, *args):
    result = CliRunner().invoke(app, ["run", *map(str, args), "--cache-dir", str(cache), "--quiet"])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"traceback: {result.exception!r}\n{result.stderr}"
    return result


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _jsonl(path: Path, records: list) -> Path:
    return _write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def _ids(out: Path) -> set[str]:
    return {json.loads(line)["id"] for line in (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines()}


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


# --- 1. --out inside an input folder, an input folder inside --out ---

def test_out_inside_the_input_folder_is_not_walked(tmp_path, cache):
    """What an earlier job killed mid-write left in --out (hidden files, .state.old) is
    not the run's input: the whole --out tree is left out of the walk, listed once."""
    folder = tmp_path / "in"
    _write(folder / "a.txt", _AR)
    _write(folder / "sub" / "b.txt", _FA)
    out = folder / "out"
    assert _run(cache, folder, "--out", out, "--save-state").exit_code == 0
    (out / ".state.old").mkdir()
    _write(out / ".clusters.jsonl.x1.tmp", "half a file\n")
    result = _run(cache, folder, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert _ids(out) == {"a.txt", "sub/b.txt"}
    assert [(s["source"], s["reason"]) for s in _manifest(out)["skipped"]] == [
        (os.path.realpath(out), "the output folder of this run (its files are not read as input)")]


def test_input_folder_inside_out_is_read(tmp_path, cache):
    out = tmp_path / "out"
    _write(out / "in" / "a.txt", _AR)
    _write(out / "in" / "b.txt", _FA)
    for _ in range(2):  # the second time, out holds the first run's outputs beside the input
        result = _run(cache, out / "in", "--out", out, "--save-state")
        assert result.exit_code == 0, result.stderr
        assert _ids(out) == {"a.txt", "b.txt"} and _manifest(out)["skipped"] == []
    assert sorted(p.name for p in (out / "in").iterdir()) == ["a.txt", "b.txt"]


@pytest.mark.parametrize("which, why", [
    (".", "is the --out folder {out}: this run would write clusters.jsonl, summaries.jsonl, report.html, events.csv, "
          "articles.csv, manifest.json "
          "and state/ among its articles"),
    ("state", "is state/, an output that this run replaces in --out {out};"),
    ("state/documents.jsonl", "is inside state/, an output that this run replaces in --out {out};"),
    ("clusters.jsonl", "is clusters.jsonl, an output that this run replaces in --out {out};"),
])
def test_input_that_the_run_would_write_over_is_refused(tmp_path, cache, which, why):
    out = tmp_path / "out"
    assert _run(cache, _jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": _AR}]),
                "--out", out, "--save-state").exit_code == 0
    _write(out / "b.txt", _FA)
    before = _snapshot(out)
    given = out if which == "." else out / which
    result = _run(cache, given, "--out", out, "--save-state")
    assert result.exit_code == 2
    assert f"error: the input {'folder ' if which == '.' else ''}{given} {why.format(out=out)}" in result.stderr
    assert _snapshot(out) == before


# --- 2. every folder accounted for ---

def test_empty_subfolders_are_reported_topmost_only(tmp_path):
    folder = tmp_path / "in"
    _write(folder / "a.txt", _AR)
    _write(folder / "sub" / "b.txt", _FA)
    (folder / "sub" / "empty").mkdir()
    (folder / "nothing" / "deeper" / "deepest").mkdir(parents=True)
    _write(folder / "hidden_only" / ".draft.txt", _FA)       # reported as a hidden file: accounted for
    articles, skipped = read_inputs([folder])
    assert sorted(a.id for a in articles) == ["a.txt", "sub/b.txt"]
    assert sorted((s.source, s.reason) for s in skipped) == [
        (str(folder / "hidden_only" / ".draft.txt"), "hidden file (not read)"),
        (str(folder / "nothing"), _NO_FILES),
        (str(folder / "sub" / "empty"), _NO_FILES),
    ]


def test_empty_subfolder_is_in_the_manifest(tmp_path, cache):
    folder = tmp_path / "in"
    _write(folder / "a.txt", _AR)
    (folder / "2024" / "march").mkdir(parents=True)
    out = tmp_path / "out"
    result = _run(cache, folder, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert _manifest(out)["skipped"] == [{"source": str(folder / "2024"), "id": None, "reason": _NO_FILES}]
    assert f"skipped {folder / '2024'}: {_NO_FILES}" in result.stderr


# --- 3. outputs written as one set ---

@pytest.fixture
def earlier(tmp_path, cache) -> tuple[Path, Path, dict]:
    """An output folder of a complete earlier run (with a state), a new input and the
    earlier folder's files."""
    out = tmp_path / "out"
    assert _run(cache, _jsonl(tmp_path / "monday.jsonl", [{"id": "m1", "text": _AR}]),
                "--out", out, "--save-state").exit_code == 0
    return out, _jsonl(tmp_path / "tuesday.jsonl", [{"id": "t1", "text": _FA}]), _snapshot(out)


@pytest.mark.parametrize("failing", ["manifest.json", "state"])
def test_failed_write_leaves_the_earlier_outputs(earlier, cache, monkeypatch, failing):
    import akhbar.pipeline
    import akhbar.state

    out, tuesday, before = earlier
    real_write_atomic, real_write_state = akhbar.pipeline.write_atomic, akhbar.state.write_state

    def write_atomic(path, text):
        if path.name == failing:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write_atomic(path, text)

    def write_state(result, directory):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(akhbar.pipeline, "write_atomic", write_atomic)
    if failing == "state":
        monkeypatch.setattr(akhbar.state, "write_state", write_state)
    result = _run(cache, tuesday, "--out", out, "--save-state")
    assert result.exit_code == 2 and "error: cannot write the results" in result.stderr
    assert _snapshot(out) == before                       # Monday's set, whole
    assert sorted(p.name for p in out.iterdir()) == ["articles.csv", "clusters.jsonl", "events.csv", "manifest.json",
                                                     "report.html", "state", "summaries.jsonl"]
    monkeypatch.setattr(akhbar.pipeline, "write_atomic", real_write_atomic)
    monkeypatch.setattr(akhbar.state, "write_state", real_write_state)
    assert _run(cache, tuesday, "--out", out, "--save-state").exit_code == 0
    assert _ids(out) == {"t1"} and [r["id"] for r in _manifest(out)["processed"]] == ["t1"]


def test_no_earlier_manifest_beside_new_outputs(earlier, cache, monkeypatch):
    """A failure after the first rename leaves no manifest.json: an earlier one would
    describe files that are no longer there."""
    out, tuesday, _ = earlier
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == out / "manifest.json":
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = _run(cache, tuesday, "--out", out)
    assert result.exit_code == 2 and "error: cannot write the results" in result.stderr
    assert _ids(out) == {"t1"} and not (out / "manifest.json").exists()


def test_staging_folders_of_killed_runs_are_removed(earlier, cache):
    """SIGKILL skips the clean-up of the hidden folder the outputs are staged in; the next
    run into that folder removes it. The folder of a run still writing stays (its lock is
    held, whatever PID namespace it runs in), and so does anything else with such a name:
    a folder without a lock file, a file, a symlink."""
    import signal
    import subprocess
    import sys

    from akhbar.pipeline import STAGING_PREFIX

    out, tuesday, _ = earlier
    make_staging = ("import sys, time; from pathlib import Path; from akhbar.pipeline import open_staging; "
                    "d, lock = open_staging(Path(sys.argv[1])); (d / 'clusters.jsonl').write_text('half'); "
                    "print(d, flush=True); time.sleep(600)")
    killed = subprocess.Popen([sys.executable, "-c", make_staging, str(out)], stdout=subprocess.PIPE, text=True)
    alive = subprocess.Popen([sys.executable, "-c", make_staging, str(out)], stdout=subprocess.PIPE, text=True)
    others = [out / f"{STAGING_PREFIX}old-release", out / f"{STAGING_PREFIX}file", out / f"{STAGING_PREFIX}².x",
              out / f"{STAGING_PREFIX}link"]
    others[0].mkdir()
    others[1].write_text("not a folder")
    others[2].mkdir()
    (others[2] / ".lock").mkdir()                             # a lock that is not a file
    others[3].symlink_to(others[0])
    try:
        killed_dir, alive_dir = Path(killed.stdout.readline().strip()), Path(alive.stdout.readline().strip())
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
        assert killed_dir.is_dir() and alive_dir.is_dir()
        assert _run(cache, tuesday, "--out", out).exit_code == 0
        assert not killed_dir.exists()
        assert alive_dir.is_dir() and (alive_dir / "clusters.jsonl").read_text() == "half"
        assert sorted(p.name for p in out.iterdir()) == sorted([*_OUTPUTS, alive_dir.name, *(p.name for p in others)])
    finally:
        for job in (killed, alive):
            if job.poll() is None:
                job.kill()
            job.wait(timeout=60)
            job.stdout.close()


# --- 4. reading notes for JSON arrays saved as .jsonl ---

_TEXT_STARTS = '"text": "'


def _broken_utf8(record: str) -> bytes:
    raw = record.encode("utf-8")
    at = raw.index(_TEXT_STARTS.encode("utf-8")) + len(_TEXT_STARTS)
    return raw[:at] + b"\xff" + raw[at:]                 # a stray byte


def _windows_1256(record: str) -> bytes:
    return record.encode("cp1256")


def _broken_utf16(record: str) -> bytes:
    raw = record.encode("utf-16-le")
    at = raw.index(_TEXT_STARTS.encode("utf-16-le")) + 2 * len(_TEXT_STARTS)
    return raw[:at] + b"\x00\xd8" + raw[at:]             # a lone high surrogate


_BREAKS = {  # how the last record is spoiled, the file's encoding, its note as an array item and as a line
    "utf-8 stray byte": (_broken_utf8, "utf-8", "not valid UTF-8 (byte 0xff at {where}); the broken bytes were "
                                                "replaced with U+FFFD"),
    "windows-1256 record": (_windows_1256, "utf-8", "not UTF-8 (byte 0xe6 at {where}); decoded as a legacy code "
                                                   "page (windows-1256 or another one detected); save the file "
                                                   "as UTF-8"),
    "utf-16 lone surrogate": (_broken_utf16, "utf-16-le", "not valid UTF-16 (1 broken code unit(s), the first at "
                                                          "{where}); the broken bytes were replaced with U+FFFD"),
}


def _file(path: Path, records: list[str], spoil, encoding: str, array: bool) -> Path:
    """The records as JSON Lines or as an array of one item per line, the last spoiled."""
    sep, head, tail = (",\n", "[\n", "\n]\n") if array else ("\n", "", "\n")
    parts = [head.encode(encoding)]
    for i, record in enumerate(records):
        parts.append(spoil(record) if i == len(records) - 1 else record.encode(encoding))
        parts.append((sep if i < len(records) - 1 else tail).encode(encoding))
    bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else b""
    path.write_bytes(bom + b"".join(parts))
    return path


@pytest.mark.parametrize("read", ["whole", "streamed"])
@pytest.mark.parametrize("break_name", list(_BREAKS))
def test_json_array_items_get_the_decoding_notes_of_json_lines(tmp_path, read, break_name):
    spoil, encoding, note = _BREAKS[break_name]
    records = [json.dumps({"id": f"r{i}", "text": _AR if i % 2 else _FA}, ensure_ascii=False) for i in range(4)]
    array = _file(tmp_path / "array.jsonl", records, spoil, encoding, array=True)
    limit = array.stat().st_size - 1 if read == "streamed" else 10**9   # over the limit: streamed
    items = list(read_jsonl(array, JsonlFields(), limit))
    assert [type(i) for i in items] == [Article] * 4, items
    assert [i.notes for i in items[:3]] == [(), (), ()]
    column = len(_TEXT_STARTS) + len('{"id": "r3", ') + 1    # the text's first character, on the item's line
    assert items[3].source == f"{array}:5"
    assert items[3].notes == ("JSON array item " + note.format(where=f"line 5, column {column}"),)
    assert items[3].raw == ("" if break_name == "windows-1256 record" else "\ufffd") + _AR
    # The same record as a JSON line: the same note, where a line gives it.
    lines = _file(tmp_path / "lines.jsonl", records, spoil, encoding, array=False)
    (line,) = [i for i in read_jsonl(lines, JsonlFields()) if i.id == "r3"]
    assert line.raw == items[3].raw and note.format(where=f"column {column}") in line.notes[0]


def _commands(group, prefix="akhbar"):
    for name, command in sorted(group.commands.items()):
        yield f"{prefix} {name}", command
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix} {name}")


def test_command_listings_are_one_paragraph_without_hard_line_breaks():
    """The command lists of `akhbar --help` (and its groups) show each command's short help,
    or its docstring's first paragraph with the docstring's line breaks kept: keep it one line."""
    import typer.main

    listed = list(_commands(typer.main.get_command(app)))
    assert {"akhbar run", "akhbar explain", "akhbar eval clusters", "akhbar embed export-default"} <= \
        {name for name, _ in listed}
    for name, command in listed:
        shown = command.short_help or (command.help or "").strip().split("\n\n")[0]
        assert shown and "\n" not in shown.strip(), f"{name}: {shown!r}"
