"""Full scraped pages: the tester's 13 Persian/Arabic pages in tests/data/scraped/ (five
events, four of them covered in both languages, one page a syndicated copy), clustered as
`akhbar run tests/data/scraped` does, scored against tests/data/scraped_gold.json.

    python benchmarks/scraped_pages.py   # writes benchmarks/results/scraped_pages.{json,md}

Besides the scores, every gold pair of one event is explained (`EventClusterer.explain_pair`:
pair score, centred cosine, days apart and time penalty, sentence alignment over its null;
a syndicated copy is not a row of the clusterer and takes its original's event), so a split
event shows which evidence kept it apart.
"""
from __future__ import annotations

import json
import sys
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PAGES = ROOT / "tests" / "data" / "scraped"
GOLD = ROOT / "tests" / "data" / "scraped_gold.json"


def main() -> None:
    from akhbar.eval import clustering_scores
    from akhbar.eval.clustering import read_gold
    from akhbar.pipeline import Pipeline

    gold = read_gold(GOLD)
    result = Pipeline().run([PAGES])
    if result.skipped:
        sys.exit(f"pages skipped: {result.skipped}")
    label_of = {doc.id: int(label) for doc, label in zip(result.documents, result.labels)}
    ids = sorted(gold)
    scores = clustering_scores([gold[i][0] for i in ids], [label_of[i] for i in ids], [gold[i][1] for i in ids])
    clusterer, row_of = result.clusterer, {doc_id: row for row, doc_id in enumerate(result.clusterer_rows)}
    pairs = []
    for a, b in combinations(ids, 2):
        if gold[a][0] != gold[b][0] or a not in row_of or b not in row_of or not hasattr(clusterer, "explain_pair"):
            continue
        found = clusterer.explain_pair(row_of[a], row_of[b])
        pairs.append({"a": a, "b": b, "cross_lingual": gold[a][1] != gold[b][1],
                      "same_predicted_event": label_of[a] == label_of[b],
                      **{k: found.get(k) for k in ("score", "cosine", "days_apart", "time_penalty", "alignment_over_null")}})
    # A gold event split over predicted events: how the two stages compare its parts.
    split = []
    for a, b in combinations(ids, 2):
        if (gold[a][0] == gold[b][0] and label_of[a] != label_of[b] and a in row_of and b in row_of
                and hasattr(clusterer, "explain_events")):
            found = clusterer.explain_events(row_of[a], row_of[b])
            part = (found["events"][0], found["events"][1])
            if all((s["events"][0], s["events"][1]) != part for s in split):
                split.append({"a": a, "b": b, **found})
    partition = sorted(sorted(i[:2] for i in ids if label_of[i] == label) for label in set(label_of[i] for i in ids))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {"scores": scores, "partition": partition, "gold_pairs": pairs, "split_events": split}
    (RESULTS / "scraped_pages.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    keys = ("bcubed_p", "bcubed_r", "bcubed_f1", "xling_link_recall")
    md = ("| " + " | ".join(keys) + " | events predicted / gold |\n|" + "---|" * (len(keys) + 1) + "\n| "
          + " | ".join(f"{scores[k]:.3f}" for k in keys) + f" | {scores['n_pred_clusters']} / {scores['n_gold_clusters']} |\n\n"
          + f"Partition (page prefixes): {partition}\n\n"
          + "| pair | languages | same predicted event | pair score | centred cosine | days apart | time penalty |"
            " alignment over null |\n|---|---|---|---|---|---|---|---|\n"
          + "\n".join(f"| {p['a'][:2]}-{p['b'][:2]} | {'cross' if p['cross_lingual'] else 'same'} | "
                      f"{'yes' if p['same_predicted_event'] else 'no'} | {_num(p['score'])} | {_num(p['cosine'])} | "
                      f"{_num(p['days_apart'])} | {_num(p['time_penalty'])} | {_num(p['alignment_over_null'])} |" for p in pairs)
          + "\n" + "".join(_split_line(e) for e in split))
    (RESULTS / "scraped_pages.md").write_text(md, encoding="utf-8")
    print(md)


def _split_line(event: dict) -> str:
    """One gold event in two predicted ones, as `EventClusterer.explain_events` compares them."""
    first = event.get("first_stage")
    mean = (f"mean score of their {first['pairs']} member pairs {first['mean_score']:.3f} against the "
            f"first-stage threshold {first['threshold']:.3f}" if first else "too many member pairs to average")
    return (f"\nSplit: the events of {event['a'][:2]} and {event['b'][:2]} ({event['rows_in_event'][0]} and "
            f"{event['rows_in_event'][1]} rows): {mean}; centroid stage: "
            f"{_WHY.get(event['kept_apart_by'], event['kept_apart_by'])}.\n")


_WHY = {"full articles": "not used (full articles merge only through their pair scores)",
        "score": "below its threshold", "not candidates": "not each other's nearest events",
        "centroid stage off": "off", "span limit": "over the span limit"}


def _num(value) -> str:
    return "" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
