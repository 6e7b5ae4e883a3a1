"""Same input -> byte-identical clusters.jsonl and summaries.jsonl, whatever the input
order and the thread count (issue #5)."""
from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from akhbar.types import Article

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "data"))
import make_bad_corpus as corpus  # noqa: E402

# A small fa/ar batch: one event reported in both languages, a syndicated copy, an exact
# copy, dated and undated records.
JORDAN_FA = ("دولت اردن روز یکشنبه طرحی برای حمایت از کشاورزان آسیب‌دیده از خشکسالی اخیر اعلام کرد. "
             "وزیر کشاورزی اردن گفت این طرح شامل وام‌های کم‌بهره و توزیع علوفه با قیمت ارزان است.")
RECORDS = [
    {"id": "fa-econ", "text": corpus.FA_NUL, "lang": "fa", "date": "2021-10-11"},
    {"id": "fa-quake", "text": corpus.FA_CP1256, "lang": "fa"},
    {"id": "ar-health", "text": corpus.AR_CP1256, "lang": "ar", "date": "2021-03-01"},
    {"id": "ar-bridge", "text": corpus.AR_UTF16, "lang": "ar"},
    {"id": "fa-football", "text": corpus.FA_UTF16},
    {"id": "ar-jordan", "text": corpus.DUP, "lang": "ar", "date": "2021-06-06"},
    {"id": "ar-jordan-syndicated", "text": corpus.DUP_SYNDICATED, "lang": "ar", "date": "2021-06-06"},
    {"id": "ar-jordan-copy", "text": corpus.DUP, "lang": "ar", "date": "2021-06-06"},
    {"id": "fa-jordan", "text": JORDAN_FA, "lang": "fa", "date": "2021-06-06"},
    {"id": "ar-satellite", "text": corpus.JSONL_AR, "title": "إطلاق قمر صناعي إماراتي", "lang": "ar"},
    {"id": "fa-library", "text": corpus.HTML},
]


def _lines(records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _run(args, threads: int, quiet: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    proc = subprocess.run([sys.executable, "-m", "akhbar.cli", "run", *args, *(["-q"] if quiet else [])],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def three_orders(tmp_path_factory):
    """Three runs, each with its own fresh embedding cache: sorted lines with 1 thread,
    reversed lines with 2 threads, shuffled lines split over two files with 2 threads
    (the last two without --quiet, the last with --progress: progress bars and the report do
    not change the output)."""
    tmp = tmp_path_factory.mktemp("det")
    outputs = []
    ordered = sorted(RECORDS, key=lambda r: r["id"])
    shuffled = list(RECORDS)
    random.Random(7).shuffle(shuffled)
    plans = [([ordered], 1), ([ordered[::-1]], 2), ([shuffled[:5], shuffled[5:]], 2)]
    logs = []
    for n, (parts, threads) in enumerate(plans):
        paths = []
        for k, part in enumerate(parts):
            path = tmp / f"order{n}_part{k}.jsonl"
            path.write_text(_lines(part), encoding="utf-8")
            paths.append(str(path))
        out = tmp / f"out{n}"
        proc = _run([*paths[::-1], "--out", str(out), "--cache-dir", str(tmp / f"cache{n}"),
                     *(["--progress"] if n == 2 else [])], threads, quiet=n == 0)
        outputs.append(out)
        logs.append(proc)
    return outputs, logs


@pytest.mark.parametrize("name", ["clusters.jsonl", "summaries.jsonl"])
def test_byte_identical_across_orders_and_threads(three_orders, name):
    three_orders, _ = three_orders
    first = (three_orders[0] / name).read_bytes()
    assert first.strip()
    for out in three_orders[1:]:
        assert (out / name).read_bytes() == first, f"{name} differs in {out.name}"


def test_manifests_agree_on_what_was_processed(three_orders):
    three_orders, _ = three_orders
    manifests = [json.loads((out / "manifest.json").read_text(encoding="utf-8")) for out in three_orders]
    ids = [[r["id"] for r in m["processed"]] for m in manifests]
    assert ids[0] == ids[1] == ids[2] and len(ids[0]) == len(RECORDS)
    dups = [m["duplicates"] for m in manifests]
    assert dups[0] == dups[1] == dups[2]
    assert {d["id"] for d in dups[0]} == {"ar-jordan-copy", "ar-jordan-syndicated"}
    assert all(d["duplicate_of"] == "ar-jordan" for d in dups[0])


def _has_bars(stderr: str) -> bool:
    return "\r" in stderr or "it/s" in stderr or "%|" in stderr or "\x1b[" in stderr


def test_quiet_silences_progress_and_report(three_orders):
    _, logs = three_orders
    quiet, piped, asked = logs
    assert quiet.stdout == "" and not _has_bars(quiet.stderr)
    # stderr is a pipe here, not a terminal: no bars unless asked for, the report all the same
    assert not _has_bars(piped.stderr) and "cluster 0" in piped.stdout
    assert "embedding" in asked.stderr and "%|" in asked.stderr    # --progress: bars on stderr
    assert "cluster 0" in asked.stdout                              # the report on stdout


# --------------------------------------------------------------------------- in process

class HashEncoder:
    """A deterministic stand-in for the model (vectors from text hashes): fast, so the
    order-independence of everything around the model can be checked many times."""

    name = "hash-test-encoder"
    max_tokens = 512

    def encode(self, texts, kind="query"):
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            rows.append(np.random.default_rng(seed).standard_normal(64))
        matrix = np.asarray(rows, dtype=np.float32).reshape(len(texts), 64)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True).clip(1e-12)

    def count_tokens(self, text):
        return len(text.split()) + 2


def _outputs(articles):
    from akhbar.embed import DocumentEmbedder
    from akhbar.pipeline import Pipeline

    result = Pipeline(embedder=DocumentEmbedder(HashEncoder())).run_articles(articles)
    return (json.dumps(result.cluster_records(), ensure_ascii=False),
            json.dumps([s.to_dict() for s in result.summaries], ensure_ascii=False),
            sorted((s.source, s.reason) for s in result.skipped))


def test_pipeline_is_order_independent_in_process():
    articles = [Article(r["id"], r["text"], f"batch.jsonl:{i}", is_html=r["text"].startswith("<!"),
                        title=r.get("title"), lang=r.get("lang"), time=r.get("date"))
                for i, r in enumerate(RECORDS, start=1)]
    # Two records share an id with different texts: which one keeps it must not depend
    # on the order either.
    articles.append(Article("fa-quake", corpus.FA_UTF16, "batch.jsonl:99", lang="fa"))
    reference = _outputs(articles)
    for seed in range(4):
        shuffled = list(articles)
        random.Random(seed).shuffle(shuffled)
        clusters, summaries, _ = _outputs(shuffled)
        assert (clusters, summaries) == reference[:2]
