"""OG2021 dev: is average linkage the limit? Community detection on the same pair graph.

    python benchmarks/og2021_graph_methods.py    # writes benchmarks/results/og2021_graph_methods.{json,md}

All methods share akhbar's first-stage candidate graph and calibrated pair scores (centred
cosine + shared names - time penalty, exactly as `EventClusterer` computes them); only the
grouping changes:
  - average linkage, then centroid merging: akhbar's full method (stored calibration);
  - Louvain communities (networkx, seed 0) on the edges above a cut, weighted by score - cut;
  - Louvain communities, then akhbar's centroid merging;
  - single-pass online clustering in time order (how OG2021's gold groups were first
    built before manual correction): each headline joins the event whose centroid scores
    it best (centroid cosine - time penalty to the event's latest headline + name weight x
    cosine of the event's summed name vector, the stored weights, within the time window)
    if that score reaches a threshold, else opens an event; alone and then followed by
    akhbar's centroid merging. It uses centroids, not the pair graph.
The Louvain and online rows report their best grid point on dev (an optimistic, "oracle" choice).
Documents, syndicated copies and scoring are those of benchmarks/og2021.py.
"""
from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import og2021  # noqa: E402  (benchmarks/og2021.py: loading, copies, scoring)

CUTS = (0.3, 0.35, 0.4, 0.45, 0.5)
RESOLUTIONS = (0.3, 1.0, 3.0)
CENTROID_THRESHOLDS = (0.35, 0.4, 0.45)
ONLINE_THRESHOLDS = (0.35, 0.4, 0.45)
ONLINE_CENTROID_THRESHOLDS = (0.3, 0.35, 0.4, 0.45)
KEYS = ("bcubed_p", "bcubed_r", "bcubed_f1", "pairwise_f1", "xling_link_recall")


def louvain_labels(n: int, rows, cols, scores, cut: float, resolution: float) -> np.ndarray:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    strong = scores > cut
    graph.add_weighted_edges_from(zip(rows[strong].tolist(), cols[strong].tolist(), (scores[strong] - cut).tolist()))
    communities = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=0)
    labels = np.empty(n, dtype=np.int64)
    for label, members in enumerate(sorted(communities, key=min)):
        labels[list(members)] = label
    return labels


def online_labels(clusterer, ids, threshold: float) -> np.ndarray:
    """Single pass in time order (ties by id) over the fitted clusterer's centred vectors."""
    cal = clusterer.calibration_
    vectors, days = clusterer.vectors_.astype(np.float64), clusterer.days_
    names = clusterer.terms_.matrix_.tocsr()
    name_norms = np.sqrt(np.asarray(names.multiply(names).sum(axis=1)).ravel())
    labels = np.full(len(vectors), -1, dtype=np.int64)
    sums, latest, name_sums = np.zeros_like(vectors), np.zeros(len(vectors)), []
    n_events = 0
    for i in np.lexsort((np.asarray(ids), days)):
        if n_events:
            centroids = sums[:n_events] / np.linalg.norm(sums[:n_events], axis=1, keepdims=True)
            apart = np.abs(days[i] - latest[:n_events])
            score = centroids @ vectors[i] - cal.time_weight * (1 - np.exp(-apart / cal.time_scale_days))
            score[apart > clusterer.window_days] = -np.inf
            for j in np.flatnonzero(score > threshold - cal.term_weight):  # names can lift only these
                total = name_sums[j]
                norm = np.sqrt(total.multiply(total).sum()) * name_norms[i]
                if norm > 0:
                    score[j] += cal.term_weight * total.multiply(names[i]).sum() / norm
            best = int(np.argmax(score))
            if score[best] >= threshold:
                labels[i] = best
                sums[best] += vectors[i]
                name_sums[best] = name_sums[best] + names[i]
                latest[best] = max(latest[best], days[i])
                continue
        labels[i], sums[n_events], latest[n_events] = n_events, vectors[i], days[i]
        name_sums.append(names[i])
        n_events += 1
    return labels


def main() -> dict:
    from akhbar.cluster import EventClusterer
    from akhbar.cluster.estimator import article_mask

    documents, vectors, gold, _ = og2021.load(og2021.DEV, og2021.ROOT / ".akhbar-cache")
    inputs = og2021.evidence_inputs(documents)
    clusterer = EventClusterer(reference_means=og2021.REFERENCE_MEANS)
    rows, cols, scores = clusterer.pair_scores(vectors, **inputs)
    clusterer._remember(vectors, inputs["langs"], inputs["days"], inputs.get("day_widths"))
    articles = article_mask(inputs["sentence_vectors"], inputs["texts"])
    n = len(vectors)

    def scored(labels):
        everything, _ = og2021.scores_for(labels, documents, gold)
        return {k: round(everything[k], 4) for k in KEYS}

    results = {"average linkage + centroid merging (akhbar, stored calibration)":
               {"setting": "stored calibration",
                **scored(EventClusterer(reference_means=og2021.REFERENCE_MEANS).fit_predict(vectors, **inputs))}}
    stored_centroid = clusterer.calibration_.centroid_threshold

    def grid(first_stages, centroids):
        """Each first-stage grouping alone, and followed by the centroid stage at each threshold."""
        alone, merged = [], []
        for setting, first in first_stages:
            alone.append({"setting": setting, **scored(first)})
            for centroid in centroids:
                clusterer.calibration_.centroid_threshold = centroid
                merged.append({"setting": f"{setting}, centroid {centroid}",
                               **scored(clusterer._merge_centroids(first, articles))})
            clusterer.calibration_.centroid_threshold = stored_centroid
            print(f"{setting}: alone F1 {alone[-1]['bcubed_f1']}", flush=True)
        return alone, merged

    alone, merged = grid(((f"cut {cut}, resolution {resolution}", louvain_labels(n, rows, cols, scores, cut, resolution))
                          for cut, resolution in itertools.product(CUTS, RESOLUTIONS)), CENTROID_THRESHOLDS)
    ids = [d.id for d in documents]
    online_alone, online_merged = grid(((f"threshold {threshold}", online_labels(clusterer, ids, threshold))
                                        for threshold in ONLINE_THRESHOLDS), ONLINE_CENTROID_THRESHOLDS)
    best = lambda rows_: max(rows_, key=lambda r: r["bcubed_f1"])  # noqa: E731
    results["Louvain alone (best grid point)"] = best(alone)
    results["Louvain + centroid merging (best grid point)"] = best(merged)
    results["online, time order (best grid point)"] = best(online_alone)
    results["online, time order + centroid merging (best grid point)"] = best(online_merged)
    out = {"n_documents": n, "methods": results,
           "grid": {"louvain": alone, "louvain_centroid": merged,
                    "online": online_alone, "online_centroid": online_merged}}
    table = og2021.metric_table(["grouping on the same pair graph", "setting"],
                                [([name, r["setting"]], r) for name, r in results.items()])
    og2021.write_results("og2021_graph_methods", out, table)
    return out


if __name__ == "__main__":
    main()
