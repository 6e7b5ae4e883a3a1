"""Incremental runs at scale: attach a day's new documents to a saved clustering, against
clustering everything again (embedding excluded).

    python benchmarks/update_scale.py [--sizes 10000 100000] [--new 1000]

Inputs are the synthetic OG2021-like vectors of benchmarks/scale.py (OG2021 dev vectors
plus noise, times spread over 45 days); the new documents are drawn the same way and dated
on the day after. For each size n, in a fresh subprocess: fit on n documents and save
(EventClusterer.save), then time load + assign(new) + save again (what `akhbar run
--update` does with the clusterer) against fit on all n + new documents from scratch.
Peak RSS is the subprocess's own.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402  (synthetic inputs)

RESULTS = scale.RESULTS


def run_one(n: int, n_new: int) -> dict:
    from akhbar.cluster import EventClusterer

    X, langs, days = scale.synthetic(n + n_new, seed=1)
    days = np.asarray(days)
    days[n:] = days[:n].max() + np.linspace(0.0, 1.0, n_new)  # the new documents come the next day
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        EventClusterer(use_terms=False).fit(X[:n], langs=langs[:n], days=days[:n]).save(tmp)
        first_fit = time.perf_counter() - start
        state_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
        start = time.perf_counter()
        model = EventClusterer.load(tmp)
        model.assign(X[n:], langs=langs[n:], days=days[n:])
        model.save(tmp)
        update = time.perf_counter() - start
    start = time.perf_counter()
    EventClusterer(use_terms=False).fit(X, langs=langs, days=days)
    refit = time.perf_counter() - start
    return {"n": n, "new": n_new, "fit_and_save_s": round(first_fit, 2), "state_mb": round(state_mb, 1),
            "update_s": round(update, 2), "refit_all_s": round(refit, 2),
            "refit_over_update": round(refit / update, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--child", nargs=2, type=int, metavar=("N", "NEW"))
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_one(*args.child)))
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n), str(args.new)], capture_output=True,
                             text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "update_scale.json").write_text(json.dumps({"rows": rows}, indent=2) + "\n", encoding="utf-8")
    table = ("| n saved | new | update: load + assign + save (s) | refit all (s) | refit / update | state (MB) "
             "| peak RSS (MB) |\n|---|---|---|---|---|---|---|\n")
    table += "".join(f"| {r['n']} | {r['new']} | {r['update_s']} | {r['refit_all_s']} | {r['refit_over_update']} | "
                     f"{r['state_mb']} | {r['peak_rss_mb']} |\n" for r in rows)
    (RESULTS / "update_scale.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
