"""Clustering time and peak memory at 1k, 10k and 100k documents (embedding excluded).

    python benchmarks/scale.py [--sizes 1000 10000 100000] [--bertopic-max 100000] [--repeats 3]
    python benchmarks/scale.py --check-invariance 100000   # same labels shuffled / 1 thread / no torch

Inputs are synthetic vectors drawn from the OG2021 dev distribution: each synthetic
document is an OG2021 document vector (embedded once, from the cache) plus Gaussian
noise, with the source's language, and a publication time spread over 45 days so the
number of documents per day grows with n, as in a real crawl. Each size runs in a
fresh subprocess so that peak RSS (ru_maxrss) is that run's own. BERTopic (UMAP +
HDBSCAN) runs on the same inputs up to --bertopic-max documents; the ratio is
BERTopic time / akhbar time. akhbar runs --repeats times per size (fresh processes) and its
median time is reported with the range: on this shared machine one run of the same work
varies by 10-20%. "akhbar-numpy" (one run per size) is akhbar without torch (installed
without the ``st`` extra): block products and top-k cuts in numpy alone.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def synthetic(n: int, seed: int = 0):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from og2021 import DEV, load

    documents, vectors, _, _ = load(DEV, ROOT / ".akhbar-cache")
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(vectors), n)
    noise = rng.normal(0.0, 0.02, size=(n, vectors.shape[1])).astype(np.float32)
    X = vectors[pick] + noise
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    langs = [documents[i].lang for i in pick]
    days = 738000 + rng.uniform(0, 45, n)
    return X.astype(np.float32), langs, days


def run_one(n: int, method: str) -> dict:
    X, langs, days = synthetic(n)
    start = time.perf_counter()
    if method in ("akhbar", "akhbar-numpy"):
        from akhbar.cluster import EventClusterer, graph

        if method == "akhbar-numpy":  # as installed without the st extra: no torch
            graph._torch = lambda: None

        labels = EventClusterer(use_terms=False).fit_predict(X, langs=langs, days=days)
    else:
        from bertopic import BERTopic
        from sklearn.cluster import HDBSCAN  # the hdbscan package does not run with scikit-learn 1.9
        from umap import UMAP

        model = BERTopic(umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                                         random_state=42),
                         hdbscan_model=HDBSCAN(min_cluster_size=10),
                         calculate_probabilities=False)
        labels, _ = model.fit_transform([f"doc {i}" for i in range(n)], embeddings=X)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "method": method, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1),
            "n_clusters": int(len(set(np.asarray(labels).tolist())))}


def check_invariance(n: int) -> dict:
    """Fit the same n synthetic rows as drawn, shuffled, with one thread and without torch;
    the labels (in the caller's row order) must be identical, not merely equivalent."""
    from threadpoolctl import threadpool_limits

    from akhbar.cluster import EventClusterer, graph

    X, langs, days = synthetic(n)

    def fit(order=None):
        order = np.arange(n) if order is None else order
        labels = EventClusterer(use_terms=False).fit_predict(X[order], langs=[langs[i] for i in order],
                                                            days=days[order])
        out = np.empty(n, dtype=np.int64)
        out[order] = labels
        return out

    reference = fit()
    shuffled = fit(np.random.default_rng(1).permutation(n))
    torch = graph._torch()
    previous = torch.get_num_threads() if torch is not None else None
    with threadpool_limits(1):
        if torch is not None:
            torch.set_num_threads(1)
        one_thread = fit()
        if torch is not None:
            torch.set_num_threads(previous)
    graph._torch = lambda: None
    no_torch = fit()
    result = {"n": n, "n_clusters": int(len(set(reference.tolist())))}
    for name, labels in (("shuffled", shuffled), ("one_thread", one_thread), ("no_torch", no_torch)):
        result[f"{name}_identical"] = bool(np.array_equal(labels, reference))
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--bertopic-max", type=int, default=100000)
    parser.add_argument("--repeats", type=int, default=3, help="akhbar runs per size (median reported)")
    parser.add_argument("--child", nargs=2, metavar=("N", "METHOD"))
    parser.add_argument("--check-invariance", type=int, metavar="N",
                        help="fit N rows as drawn, shuffled, with 1 thread and without torch; compare labels")
    args = parser.parse_args(argv)
    if args.check_invariance:
        result = check_invariance(args.check_invariance)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "scale_invariance.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(result))
        return
    if args.child:
        print(json.dumps(run_one(int(args.child[0]), args.child[1])))
        return
    # Baseline RSS of a child that only builds the inputs, to separate it from clustering memory.
    rows = []
    for n in args.sizes:
        for method in ("akhbar", "akhbar-numpy", "bertopic"):
            if method == "bertopic" and n > args.bertopic_max:
                continue
            runs = []
            for _ in range(max(1, args.repeats) if method == "akhbar" else 1):
                out = subprocess.run([sys.executable, __file__, "--child", str(n), method], capture_output=True,
                                     text=True, check=True)
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(runs[-1], flush=True)
            times = sorted(r["seconds"] for r in runs)
            result = {**runs[0], "seconds": float(np.median(times)), "runs_seconds": times,
                      "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}
            rows.append(result)
    by = {(r["n"], r["method"]): r for r in rows}
    for r in rows:
        if r["method"] == "akhbar" and (r["n"], "bertopic") in by:
            r["bertopic_time_ratio"] = round(by[(r["n"], "bertopic")]["seconds"] / r["seconds"], 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps({"rows": rows}, indent=2) + "\n", encoding="utf-8")
    table = ("| n | method | seconds (median) | runs (s) | peak RSS (MB) | clusters | BERTopic/akhbar time |\n"
             "|---|---|---|---|---|---|---|\n")
    table += "\n".join(f"| {r['n']} | {r['method']} | {r['seconds']} | {', '.join(map(str, r['runs_seconds']))} | "
                       f"{r['peak_rss_mb']} | {r['n_clusters']} | {r.get('bertopic_time_ratio', '')} |"
                       for r in rows) + "\n"
    (RESULTS / "scale.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
