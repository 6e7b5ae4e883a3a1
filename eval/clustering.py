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
    """BCubed precision, recall and F1 over items (Amigó et al. 2009). Labels are read
    as ``clustering_scores`` reads them; lists of different lengths are a ValueError."""
    gold, pred, _ = _read_labelings(gold, pred, None)
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
    """Pairwise precision, recall and F1 (pairs of items in one cluster); labels are read
    as ``clustering_scores`` reads them."""
    gold, pred, _ = _read_labelings(gold, pred, None)

    def pairs(counts):
        return sum(c * (c - 1) // 2 for c in counts.values())

    both = pairs(_contingency(gold, pred))
    gold_pairs, pred_pairs = pairs(Counter(gold)), pairs(Counter(pred))
    p = both / pred_pairs if pred_pairs else 1.0
    r = both / gold_pairs if gold_pairs else 1.0
    return {"pairwise_p": p, "pairwise_r": r, "pairwise_f1": 2 * p * r / (p + r) if p + r else 0.0}


UNKNOWN_LANG = "und"  # ISO 639-2 "undetermined"; in no cross-lingual link


def crosslingual_link_recall(gold: list, pred: list, langs: list[str]) -> dict[str, float]:
    """Share of gold cross-lingual links (same gold event, different languages) that the
    prediction puts in one cluster; also the precision of predicted cross-lingual links.
    Labels and language codes are read as ``clustering_scores`` reads them; an item of
    unknown language ("und", as `akhbar run` writes it) is in no cross-lingual link."""
    gold, pred, langs = _read_labelings(gold, pred, langs)
    def cross_pairs(labels):
        by_label: dict = defaultdict(Counter)
        for label, lang in zip(labels, langs):
            if lang != UNKNOWN_LANG:
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
    often as Spanish coverage does. Labels and language codes are read as
    ``clustering_scores`` reads them (1, "1", 1.0 one cluster; fa, FA, fas one language)."""
    def links_by_language(labels) -> Counter:
        by_label: dict = defaultdict(Counter)
        for label, lang in zip(labels, langs):
            if lang != UNKNOWN_LANG:
                by_label[label][lang] += 1
        out: Counter = Counter()
        for counts in by_label.values():
            size = sum(counts.values())
            for lang, c in counts.items():
                out[lang] += c * (size - c)
        return out

    gold, pred, langs = _read_labelings(gold, pred, langs)
    gold_links = links_by_language(list(gold))
    kept = links_by_language(list(zip(gold, pred)))
    return {lang: {"gold_links": gold_links[lang], "kept": kept[lang],
                   "recall": kept[lang] / gold_links[lang]}
            for lang in sorted(gold_links) if gold_links[lang]}


def clustering_scores(gold: list, pred: list, langs: list[str] | None = None) -> dict[str, float]:
    """All clustering metrics for one prediction (labels aligned with gold).

    Labels are read as ``akhbar eval clusters`` reads them: 1, "1", 1.0 and numpy integers
    are one cluster. Language codes are normalized as a JSONL 'lang' field is (fa, FA,
    fas, fa-IR are one language), so a mix of spellings is not counted as cross-lingual.
    """
    gold_ids, pred_ids, langs = _read_labelings(gold, pred, langs)
    scores = {"n_items": len(gold), "n_gold_clusters": len(set(gold_ids)), "n_pred_clusters": len(set(pred_ids))}
    scores |= bcubed(gold_ids, pred_ids)
    scores |= pairwise(gold_ids, pred_ids)
    scores["ari"] = float(adjusted_rand_score(gold_ids, pred_ids))
    scores["nmi"] = float(normalized_mutual_info_score(gold_ids, pred_ids))
    if langs is not None:
        scores |= crosslingual_link_recall(gold_ids, pred_ids, langs)
    return scores


def _read_labelings(gold, pred, langs):
    """(gold ids, predicted ids, languages) as every scorer of this module reads them:
    labels as strings (1, "1", 1.0 one label) numbered 0..k-1, language codes normalized
    (fa, FA, fas one language); lengths that differ are a ValueError."""
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items, prediction {len(pred)}")
    if langs is not None:
        if isinstance(langs, str):
            raise ValueError("langs must be a sequence with one language per item, not a string")
        if len(langs) != len(gold):
            raise ValueError(f"langs must have one language per item: {len(gold)} items, {len(langs)} language(s)")
        langs = [_lang(lang, f"langs[{i}]") or _missing_lang(i) for i, lang in enumerate(langs)]
    gold_ids = np.unique(np.asarray([_label(_plain(g), "label", f"gold[{i}]") for i, g in enumerate(gold)]),
                         return_inverse=True)[1]
    pred_ids = np.unique(np.asarray([_label(_plain(p), "label", f"pred[{i}]") for i, p in enumerate(pred)]),
                         return_inverse=True)[1]
    return gold_ids.reshape(-1).tolist(), pred_ids.reshape(-1).tolist(), langs


def _plain(value):
    """A numpy scalar as the Python number it holds (np.int64(1) is the label 1)."""
    return value.item() if isinstance(value, np.generic) else value


def _missing_lang(i: int):
    raise ValueError(f"langs[{i}]: no language (every item needs one to count cross-lingual links)")


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        raise ValueError(f"{path}: is a directory, not a file")
    try:
        return path.read_bytes()
    except OSError as err:
        raise ValueError(f"{path}: cannot read ({err.strerror or err})") from None


def _label(value, what: str, where: str) -> str:
    """A scalar id or cluster label as a string; anything else is an error naming the place.
    An integral float is the integer it equals (1, "1" and 1.0 are one label)."""
    if value is None:
        raise ValueError(f"{where}: no {what}")
    if isinstance(value, (dict, list, bool)) or not str(value).strip():
        shown = f"{type(value).__name__} {value!r}"[:80]
        raise ValueError(f"{where}: {what} must be a non-empty string or number, not {shown}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _lang(value, where: str) -> str | None:
    """A language label as one code: ISO 639-1/2/3 codes and tags normalized as in a JSONL
    'lang' field of `akhbar run` (fa, FA, fas, pes, fa-IR -> fa); any other label is kept,
    stripped and lower-cased."""
    from akhbar.ingest import normalize_lang_code

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}: 'lang' must be a string, not {type(value).__name__} {value!r}"[:200])
    return normalize_lang_code(value) or value.strip().lower()


def read_jsonl(path: str | Path, what: str, expected: str) -> list[tuple[int, dict]]:
    """(line number, record) of each non-blank line of a JSON Lines file: the one reader of
    `akhbar eval clusters` and `akhbar eval summaries`. UTF-8, with or without a BOM.

    Every problem is a ValueError naming the file (and line): text that is not UTF-8, a line
    that is not valid JSON or not a JSON object (a JSON array file included: the file must be
    JSON Lines), or a file with no record at all. ``what`` names the records in that last
    message ("gold", "prediction"); ``expected`` shows one record's fields."""
    path = Path(path)
    rows = []
    for lineno, raw in enumerate(_read_bytes(path).split(b"\n"), start=1):
        where = f"{path}:{lineno}"
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as err:
            raise ValueError(f"{where}: not UTF-8 text (byte {raw[err.start]:#04x} at column {err.start + 1}); "
                             f"save the file as UTF-8") from None
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{where}: not valid JSON ({err.msg}, column {err.colno}); expected JSON Lines, "
                             f"one {expected} object per line") from None
        except RecursionError:
            raise ValueError(f"{where}: not valid JSON (nested too deeply)") from None
        if not isinstance(rec, dict):
            raise ValueError(f"{where}: a JSON {type(rec).__name__}, not an object; expected JSON Lines, "
                             f"one {expected} object per line")
        rows.append((lineno, rec))
    if not rows:
        raise ValueError(f"{path}: no {what} records (the file is empty)")
    return rows


def read_labels(path: str | Path, what: str = "gold") -> dict[str, tuple[str, str | None]]:
    """Labels from a JSONL file with id (or uri), cluster_id and optional lang: id -> (cluster, lang).

    Every problem is a ValueError naming the file and line: a line that is not a JSON
    object, a missing or non-scalar id or cluster_id, an id given twice with different
    cluster_ids (both lines named; the same id twice with the same cluster_id is accepted),
    or a file with no record at all."""
    path = Path(path)
    labels: dict[str, tuple[str, str | None]] = {}
    first_line: dict[str, int] = {}
    for lineno, rec in read_jsonl(path, what, '{"id", "cluster_id", "lang"}'):
        where = f"{path}:{lineno}"
        key = _label(rec.get("id", rec.get("uri")), "'id'", where)
        cluster = _label(rec.get("cluster_id"), "'cluster_id'", where)
        lang = _lang(rec.get("lang"), where)
        if key in labels and labels[key][0] != cluster:
            raise ValueError(f"{where}: id {key!r} has cluster_id {cluster!r}, but "
                             f"{path}:{first_line[key]} gives it {labels[key][0]!r}")
        if key not in labels:
            labels[key], first_line[key] = (cluster, lang), lineno
    return labels


def read_gold(path: str | Path) -> dict[str, tuple[str, str | None]]:
    """Gold labels: id -> (cluster, lang). Reads the seeds' gold.json or a JSONL with
    id/cluster_id/lang (or uri/cluster_id/lang as in OG2021). Bad input is a ValueError
    that names the file (and line, or document id, where it applies)."""
    path = Path(path)
    if path.suffix != ".json":
        return read_labels(path, "gold")
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        lineno = data[:err.start].count(b"\n") + 1
        raise ValueError(f"{path}:{lineno}: not UTF-8 text") from None
    if not text.strip():
        raise ValueError(f"{path}: empty file (expected a JSON object of documents: id -> "
                         f"{{\"event\", \"lang\"}})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}:{err.lineno}: not valid JSON ({err.msg}, column {err.colno})") from None
    except RecursionError:
        raise ValueError(f"{path}: not valid JSON (nested too deeply)") from None
    docs = data.get("documents", data) if isinstance(data, dict) else data
    if not isinstance(docs, dict):
        raise ValueError(f"{path}: expected a JSON object of documents (id -> {{\"event\", \"lang\"}}, or under "
                         f"\"documents\"), not a {type(docs).__name__}")
    gold = {}
    for key, value in docs.items():
        where = f"{path}: document {key!r}"
        if not isinstance(value, dict):
            raise ValueError(f"{where}: expected an object with 'event' (or 'cluster_id') and 'lang', "
                             f"not a {type(value).__name__}")
        gold[key] = (_label(value.get("event", value.get("cluster_id")), "'event' (or 'cluster_id')", where),
                     _lang(value.get("lang"), where))
    if not gold:
        raise ValueError(f"{path}: no gold documents")
    return gold


def score_files(gold_path: str | Path, pred_path: str | Path) -> dict[str, float]:
    """Scores a clusters.jsonl prediction against gold, over every gold id: a gold id missing
    from the prediction is scored as a singleton (its own predicted cluster), so a partial
    prediction cannot score as if it were complete; prediction ids not in gold are ignored.
    Both are counted (``missing_in_pred``, ``not_in_gold``). Languages are normalized to one
    code (fa, FA, fas -> fa) before cross-lingual links are counted; a gold record without
    one takes the prediction's. No id in common is a ValueError, as is any bad record (named
    by file and line)."""
    gold = read_gold(gold_path)
    pred = read_labels(pred_path, "prediction")
    common = set(gold) & set(pred)
    if not common:
        raise ValueError(f"no id in common between gold {gold_path} ({len(gold)} ids, e.g. "
                         f"{sorted(gold)[:3]}) and prediction {pred_path} ({len(pred)} ids, e.g. "
                         f"{sorted(pred)[:3]}): nothing to score")
    ids = sorted(gold)
    # Tagged so that a missing id's singleton never shares a label with a predicted cluster.
    pred_labels = [("cluster", pred[k][0]) if k in pred else ("missing", k) for k in ids]
    langs = [gold[k][1] or (pred[k][1] if k in pred else None) or UNKNOWN_LANG for k in ids]
    scores = clustering_scores([gold[k][0] for k in ids], pred_labels, langs)
    scores["missing_in_pred"] = len(gold) - len(common)
    scores["not_in_gold"] = len(pred) - len(common)
    return scores
