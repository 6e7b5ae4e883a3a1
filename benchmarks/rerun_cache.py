"""Re-run speed-up with a warm embedding cache, measured in one run.

A batch of a few hundred Persian/Arabic news texts is built at run time from the
XL-Sum samples (../shared/eval/samples/xlsum/{ar,fa}/*.jsonl, never copied into the
repository): every article is split into sentences and cut into texts of
--sentences-per-text sentences. Then the real command line is timed end to end
(`akhbar run batch.jsonl --out ... --cache-dir ... -q`, a fresh process each time):

1. cold: empty embedding cache (everything is embedded);
2. warm: the same job again on the cache the cold run left, --warm-runs times.

The speed-up is cold wall time / median warm wall time. The warm runs must encode
nothing (manifest "embedding": {"encoded": 0}) and write byte-identical clusters.jsonl
and summaries.jsonl; the script fails otherwise.

    python benchmarks/rerun_cache.py        # writes benchmarks/results/rerun_cache.{json,md}
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
XLSUM = ROOT.parent / "shared" / "eval" / "samples" / "xlsum"
RESULTS = ROOT / "benchmarks" / "results"


def build_batch(path: Path, sentences_per_text: int, max_texts: int | None) -> dict:
    """Write the JSONL batch; return what it holds."""
    from akhbar.ingest import split_sentences

    records = []
    articles = 0
    for lang in ("ar", "fa"):
        for source in sorted((XLSUM / lang).glob("*.jsonl")):
            for line in source.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                article = json.loads(line)
                articles += 1
                sentences = split_sentences(" ".join(article["text"].split()), lang)
                for k in range(0, len(sentences), sentences_per_text):
                    records.append({"id": f"{lang}-{article['id']}-{k // sentences_per_text:03d}",
                                    "text": " ".join(sentences[k:k + sentences_per_text]), "lang": lang})
    if max_texts:
        records = records[:max_texts]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return {"articles": articles, "texts": len(records),
            "words": sum(len(r["text"].split()) for r in records),
            "langs": {lang: sum(r["lang"] == lang for r in records) for lang in ("ar", "fa")}}


def timed_run(batch: Path, out: Path, cache: Path) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "akhbar.cli", "run", str(batch), "--out", str(out), "--cache-dir", str(cache), "-q"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"akhbar run failed ({proc.returncode}):\n{proc.stderr}")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return wall, manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences-per-text", type=int, default=3)
    parser.add_argument("--max-texts", type=int, default=None)
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not XLSUM.exists():
        print(f"error: {XLSUM} not found (the shared evaluation samples sit beside the repository)",
              file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="akhbar-rerun-") as tmp_name:
        tmp = Path(tmp_name)
        batch = tmp / "batch.jsonl"
        data = build_batch(batch, args.sentences_per_text, args.max_texts)
        cache = tmp / "cache"
        load_before = os.getloadavg()
        cold_wall, cold = timed_run(batch, tmp / "cold", cache)
        warm_walls, warm_manifests = [], []
        for i in range(args.warm_runs):
            wall, manifest = timed_run(batch, tmp / f"warm{i}", cache)
            warm_walls.append(wall)
            warm_manifests.append(manifest)
        load_after = os.getloadavg()
        problems = []
        for i, manifest in enumerate(warm_manifests):
            if manifest["embedding"]["encoded"] != 0:
                problems.append(f"warm run {i} encoded {manifest['embedding']['encoded']} texts")
            for name in ("clusters.jsonl", "summaries.jsonl"):
                if (tmp / f"warm{i}" / name).read_bytes() != (tmp / "cold" / name).read_bytes():
                    problems.append(f"warm run {i}: {name} differs from the cold run's")

    warm_median = statistics.median(warm_walls)
    result = {
        "benchmark": "rerun_cache",
        "command": "akhbar run batch.jsonl --out DIR --cache-dir CACHE -q",
        "data": {"source": "../shared/eval/samples/xlsum/{ar,fa}/*.jsonl", **data,
                 "sentences_per_text": args.sentences_per_text},
        "cold": {"wall_s": round(cold_wall, 2), "embedding": cold["embedding"],
                 "n_processed": cold["n_processed"], "n_clusters": cold["n_clusters"]},
        "warm": {"wall_s": [round(w, 2) for w in warm_walls], "median_wall_s": round(warm_median, 2),
                 "embedding": warm_manifests[0]["embedding"]},
        "speedup": round(cold_wall / warm_median, 1),
        "target": 20.0,
        "identical_output": not problems,
        "problems": problems,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
                    "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in load_after]},
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "rerun_cache.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (args.results / "rerun_cache.md").write_text(_markdown(result), encoding="utf-8")
    print(json.dumps(result, indent=2))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 0 if result["speedup"] >= result["target"] and not problems else 1


def _markdown(r: dict) -> str:
    d = r["data"]
    return "\n".join([
        "# Re-run speed-up with a warm embedding cache",
        "",
        f"Batch: {d['texts']} texts ({d['langs']['ar']} Arabic, {d['langs']['fa']} Persian; {d['words']} words) "
        f"cut from {d['articles']} XL-Sum articles ({d['sentences_per_text']} sentences per text), "
        "built at run time from `../shared/eval/samples/xlsum/{ar,fa}/*.jsonl`.",
        "",
        f"Command, timed end to end, a fresh process per run: `{r['command']}`",
        "",
        "| run | wall time (s) | texts encoded | texts from cache |",
        "| --- | ---: | ---: | ---: |",
        f"| cold (empty cache) | {r['cold']['wall_s']} | {r['cold']['embedding']['encoded']} | "
        f"{r['cold']['embedding']['cached']} |",
        f"| warm (median of {len(r['warm']['wall_s'])}: {', '.join(map(str, r['warm']['wall_s']))}) | "
        f"{r['warm']['median_wall_s']} | {r['warm']['embedding']['encoded']} | {r['warm']['embedding']['cached']} |",
        "",
        f"**Speed-up: {r['speedup']}×** (target ≥ {r['target']}×). "
        + ("Warm runs wrote byte-identical clusters.jsonl and summaries.jsonl, and encoded nothing."
           if r["identical_output"] else "PROBLEMS: " + "; ".join(r["problems"])),
        "",
        f"Machine: {r['machine']['cpus']} CPUs, Python {r['machine']['python']}, {r['machine']['platform']}; "
        f"load average before/after {r['machine']['loadavg_before'][0]}/{r['machine']['loadavg_after'][0]} "
        "(other jobs on the machine slow both runs).",
        "",
        "Reproduce: `python benchmarks/rerun_cache.py`",
        "",
    ])


if __name__ == "__main__":
    sys.exit(main())
