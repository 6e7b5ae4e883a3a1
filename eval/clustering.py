"""Clustering metrics against gold event labels."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score


def _contingency(gold: list, pred: list) -> Counter:
    return Counter(zip(gold, pred))


def bcubed(gold: list, pred: list) -> dict[str, float]:
    """BCubed precision, recall and F1 over items (Amigó et al. 2009)."""
    n = len(gold)
    if n == 0:
        return {"bcubed_p": 0.0, "bcubed_r": 0.0, "bcubed_f1": 0.0}
    joint = _contingency(gold, pred)
    gold_sizes, pred_sizes = Counter(gold), Counter(pred)
    # Each item in cell (g, p) has joint[g,p] items sharing both labels.
    precision = sum(c * c / pred_sizes[p] for (g, p), c in joint.items()) / n
    recall = sum(c * c / gold_sizes[g] for (g, p), c in joint.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"bcubed_p": precision, "bcubed_r": recall, "bcubed_f1": f1}


def pairwise(gold: list, pred: list) -> dict[str, float]:
    def pairs(counts):
        return sum(c * (c - 1) // 2 for c in counts.values())

    both = pairs(_contingency(gold, pred))
    gold_pairs, pred_pairs = pairs(Counter(gold)), pairs(Counter(pred))
    p = both / pred_pairs if pred_pairs else 1.0
    r = both / gold_pairs if gold_pairs else 1.0
    return {"pairwise_p": p, "pairwise_r": r, "pairwise_f1": 2 * p * r / (p + r) if p + r else 0.0}


def crosslingual_link_recall(gold: list, pred: list, langs: list[str]) -> dict[str, float]:
    """Share of gold cross-lingual links (same gold event, different languages) that the
    prediction puts in one cluster; also the precision of predicted cross-lingual links."""
    def cross_pairs(labels):
        by_label: dict = defaultdict(Counter)
        for label, lang in zip(labels, langs):
            by_label[label][lang] += 1
        total = 0
        for counts in by_label.values():
            size = sum(counts.values())
            total += (size * size - sum(c * c for c in counts.values())) // 2
        return total

    joint = [(g, p) for g, p in zip(gold, pred)]
    both = cross_pairs(joint)
    gold_links, pred_links = cross_pairs(gold), cross_pairs(pred)
    return {
        "xling_link_recall": both / gold_links if gold_links else float("nan"),
        "xling_link_precision": both / pred_links if pred_links else float("nan"),
        "gold_xling_links": gold_links,
        "pred_xling_links": pred_links,
    }


def crosslingual_recall_by_language(gold: list, pred: list, langs: list[str]) -> dict[str, dict]:
    """Cross-lingual link recall per language: of the gold cross-lingual links with a
    document in that language, how many the prediction keeps (a link counts for both
    of its languages). Tells, for example, whether Arabic coverage joins its event as
    often as Spanish coverage does."""
    def links_by_language(labels) -> Counter:
        by_label: dict = defaultdict(Counter)
        for label, lang in zip(labels, langs):
            by_label[label][lang] += 1
        out: Counter = Counter()
        for counts in by_label.values():
            size = sum(counts.values())
            for lang, c in counts.items():
                out[lang] += c * (size - c)
        return out

    gold_links = links_by_language(list(gold))
    kept = links_by_language(list(zip(gold, pred)))
    return {lang: {"gold_links": gold_links[lang], "kept": kept[lang],
                   "recall": kept[lang] / gold_links[lang]}
            for lang in sorted(gold_links) if gold_links[lang]}


def clustering_scores(gold: list, pred: list, langs: list[str] | None = None) -> dict[str, float]:
    """All clustering metrics for one prediction (labels aligned with gold)."""
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items, prediction {len(pred)}")
    gold_ids = np.unique(np.asarray([str(g) for g in gold]), return_inverse=True)[1]
    pred_ids = np.unique(np.asarray([str(p) for p in pred]), return_inverse=True)[1]
    scores = {"n_items": len(gold), "n_gold_clusters": int(gold_ids.max() + 1) if len(gold) else 0,
              "n_pred_clusters": int(pred_ids.max() + 1) if len(pred) else 0}
    scores |= bcubed(list(gold_ids), list(pred_ids))
    scores |= pairwise(list(gold_ids), list(pred_ids))
    scores["ari"] = float(adjusted_rand_score(gold_ids, pred_ids))
    scores["nmi"] = float(normalized_mutual_info_score(gold_ids, pred_ids))
    if langs is not None:
        scores |= crosslingual_link_recall(list(gold_ids), list(pred_ids), langs)
    return scores


def read_gold(path: str | Path) -> dict[str, tuple[str, str | None]]:
    """Gold labels: id -> (cluster, lang). Reads the seeds' gold.json or a JSONL with
    id/cluster_id/lang (or uri/cluster_id/lang as in OG2021)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        docs = data.get("documents", data)
        return {k: (str(v.get("event", v.get("cluster_id"))), v.get("lang")) for k, v in docs.items()}
    gold = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            key = str(rec.get("id", rec.get("uri")))
            gold[key] = (str(rec["cluster_id"]), rec.get("lang"))
        except (json.JSONDecodeError, KeyError) as err:
            raise ValueError(f"{path}:{lineno}: not a gold record with id and cluster_id ({err})") from err
    return gold


def score_files(gold_path: str | Path, pred_path: str | Path) -> dict[str, float]:
    """Scores a clusters.jsonl prediction against gold; items missing on either side are reported."""
    gold = read_gold(gold_path)
    pred = {}
    for line in Path(pred_path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            pred[str(rec["id"])] = (str(rec["cluster_id"]), rec.get("lang"))
    common = sorted(set(gold) & set(pred))
    langs = [gold[k][1] or pred[k][1] or "?" for k in common]
    scores = clustering_scores([gold[k][0] for k in common], [pred[k][0] for k in common], langs)
    scores["missing_in_pred"] = len(set(gold) - set(pred))
    scores["not_in_gold"] = len(set(pred) - set(gold))
    return scores
