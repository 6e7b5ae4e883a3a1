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
    partition = sorted(sorted(i[:2] for i in ids if label_of[i] == label) for label in set(label_of[i] for i in ids))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {"scores": scores, "partition": partition, "gold_pairs": pairs}
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
          + "\n")
    (RESULTS / "scraped_pages.md").write_text(md, encoding="utf-8")
    print(md)


def _num(value) -> str:
    return "" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
