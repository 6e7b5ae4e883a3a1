"""EventClusterer: scikit-learn-style event clustering over combined evidence."""
from __future__ import annotations

import json
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, clone

from akhbar.ingest import normalize_lang_code
from akhbar.types import Document

from .evidence import LanguageCentering, SharedTermSimilarity, l2_normalize, sentence_alignment
from .graph import average_linkage, grouped_average_linkage, grouped_edges, knn_candidates

# Alignment needs articles, not headlines: a headline may split into several "sentences"
# ("86-85. Japan beats Belgium. ..."), so an article also needs some length.
MIN_ARTICLE_SENTENCES = 3
MIN_ARTICLE_WORDS = 60
CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
# How far below a stage's threshold a pair outside the candidate graph counts at most
# (the calibrated gap between threshold and missing_sim; see Calibration.missing_for).
MISSING_MARGIN = 0.025


@dataclass
class Calibration:
    """Weights and threshold calibrated on dev data (see benchmarks/og2021.py), stored with the model."""

    threshold: float = 0.45
    time_weight: float = 0.3
    time_scale_days: float = 2.0
    term_weight: float = 0.3
    missing_sim: float = 0.0
    # Second stage (None = off): events keep merging while their centroids score >= this.
    centroid_threshold: float | None = None
    # Threshold for pairs of full articles (sentence-alignment score); None = threshold.
    # OG2021 has headlines only, so this one is not re-fitted by the dev grid search.
    article_threshold: float | None = None
    # Full articles: each one's mean sentence alignment with its other candidates (the
    # local-scaling baseline, see combine) is shrunk toward the alignment typical of
    # unrelated news articles, counted as this many candidates, so that an article with
    # few or no other candidates (a batch of two) still has a baseline; and a pair whose
    # alignment reaches article_sure_alignment scores at least article_threshold however
    # high the baseline (a batch of reports of one event, where every candidate is a
    # match); pairs aligned that well are also left out of the baselines (_local_scaling).
    # Measured on fa/ar reference articles: benchmarks/article_alignment.py.
    article_background: float = 0.19
    article_background_weight: float = 3.0
    article_sure_alignment: float | None = 0.475
    # Full articles: the alignment unrelated articles reach by chance grows with their
    # lengths (a best match among more sentence pairs) and is higher within one language.
    # [intercept, slope, same_language]: the expected alignment of two unrelated articles
    # of n_a and n_b sentences is intercept + slope x log(n_a x n_b) + same_language x
    # (1 if both are in one language). When set, each alignment is used as its excess over
    # that expectation plus article_background (the same scale, without the length and
    # language effect). Fitted on fa/ar reference articles: benchmarks/article_alignment.py.
    article_null: list[float] | None = None
    # Full articles: before two articles' sentences are aligned, each article's
    # (language-centred) sentences lose the mean sentence of its topic, taken over the
    # article itself and its article_topic_neighbours nearest articles (document cosine,
    # within the time window), with article_topic_prior sentences of weight zero added to
    # the count so that a small neighbourhood removes little. Without it, how much of a
    # topic the language means remove depends on the batch: seeds alone are centred on
    # means made of their own topic, among unrelated articles they are not, and then all
    # five Iran-Iraq defence seeds align as closely as the two reports of one meeting.
    # 0 = off (states saved before it load with it off). benchmarks/article_alignment.py.
    article_topic_neighbours: int = 0
    article_topic_prior: float = 10.0
    source: str = "defaults"

    @classmethod
    def load(cls, path: str | Path = CALIBRATION_FILE) -> "Calibration":
        path = Path(path)
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @classmethod
    def from_file(cls, path: str | Path) -> "Calibration":
        """A calibration written by hand or by a benchmark; unlike ``load``, a missing file,
        an unknown field or a value of the wrong type is an error (ValueError or OSError)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise ValueError(f"not valid JSON ({err})") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data) -> "Calibration":
        """A calibration from its fields, checked as ``from_file`` checks them."""
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object of calibration fields")
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown calibration field(s): {', '.join(unknown)}")
        for name, value in data.items():
            if name == "source":
                continue
            if name == "article_null":
                ok = value is None or (isinstance(value, list) and len(value) == 3
                                       and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value))
            else:
                ok = (value is None and name in _OPTIONAL_FIELDS) or (
                    isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value))
            if not ok:
                raise ValueError(f"field {name} has an invalid value: {value!r}")
        return cls(**data)

    def missing_for(self, threshold: float) -> float:
        """What a pair outside the candidate graph counts at a stage stopped at ``threshold``.

        Such a pair is less similar than the neighbours kept, so it counts ``missing_sim``,
        but never more than ``threshold - MISSING_MARGIN``: counted at or above the threshold
        (a --threshold set below missing_sim), every two groups joined by a single edge
        would merge, and a whole collection would chain into one cluster. At the stored
        calibration (threshold 0.175, missing_sim 0.15) nothing changes.
        """
        return min(self.missing_sim, threshold - MISSING_MARGIN)

    def save(self, path: str | Path = CALIBRATION_FILE) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


@dataclass
class FitInputs:
    """The evidence a small fit was given, kept so that ``assign`` can fit again on
    earlier and new documents together (see ``EventClusterer.refit_up_to``)."""

    X: np.ndarray
    langs: list
    days: np.ndarray
    texts: list | None
    sentence_vectors: list | None
    reference_means: dict | None = None  # the prior the fit used (not a fitted parameter)
    day_widths: np.ndarray | None = None  # how many days each entry of days spans (None: all 0)

    @classmethod
    def of(cls, X, langs, days, texts, sentence_vectors, reference_means=None, day_widths=None) -> "FitInputs":
        n = len(X)
        return cls(np.asarray(X, dtype=np.float32).copy(),
                   list(langs) if langs is not None else ["und"] * n,
                   np.asarray(days, dtype=float).copy() if days is not None else np.full(n, np.nan),
                   list(texts) if texts is not None else None,
                   [np.asarray(s, dtype=np.float32) for s in sentence_vectors] if sentence_vectors is not None
                   else None, reference_means,
                   np.asarray(day_widths, dtype=float).copy() if day_widths is not None else np.zeros(n))

    def widths(self) -> np.ndarray:
        return self.day_widths if self.day_widths is not None else np.zeros(len(self.X))

    def accepts(self, texts, sentence_vectors) -> bool:
        """Whether new documents bring the same kinds of evidence (a refit needs them for all)."""
        return (texts is None) == (self.texts is None) and (sentence_vectors is None) == (self.sentence_vectors is None)

    def extended(self, other: "FitInputs") -> "FitInputs":
        return FitInputs(np.vstack([self.X, other.X]) if len(self.X) else other.X, self.langs + other.langs,
                         np.concatenate([self.days, other.days]),
                         None if self.texts is None else self.texts + other.texts,
                         None if self.sentence_vectors is None else self.sentence_vectors + other.sentence_vectors,
                         self.reference_means, np.concatenate([self.widths(), other.widths()]))

    def evidence(self) -> dict:
        return {"langs": self.langs, "days": self.days, "texts": self.texts, "sentence_vectors": self.sentence_vectors,
                "day_widths": self.widths()}


def article_mask(sentence_vectors, texts=None) -> np.ndarray:
    """Which documents are full articles (scored by sentence alignment, left out of
    centroid merging): MIN_ARTICLE_SENTENCES sentences and, when the texts are
    known, MIN_ARTICLE_WORDS words."""
    if sentence_vectors is None:
        return np.zeros(0, dtype=bool)
    mask = np.array([len(s) >= MIN_ARTICLE_SENTENCES for s in sentence_vectors], dtype=bool)
    if texts is not None:
        mask &= np.array([len(str(t).split()) >= MIN_ARTICLE_WORDS for t in texts], dtype=bool)
    return mask


def _days(documents: list[Document]) -> np.ndarray:
    out = np.full(len(documents), np.nan)
    for i, doc in enumerate(documents):
        if doc.event_day is not None:
            out[i] = doc.event_day
    return out


def _day_widths_of(documents: list[Document]) -> np.ndarray:
    """1 for a document whose event is a whole day (``Document.event_is_whole_day``; its
    event_day is the middle of that day), else 0."""
    return np.array([float(doc.event_is_whole_day) for doc in documents])


def document_evidence(documents: list[Document]) -> dict:
    """The evidence ``EventClusterer.fit``/``assign`` read from documents, sentence vectors
    aside: languages, event days (a day without a time of day is its middle, width 1) and
    texts (title and body)."""
    return {"langs": [d.lang for d in documents], "days": _days(documents), "day_widths": _day_widths_of(documents),
            "texts": [d.title + "\n" + d.text for d in documents]}


def _shrunk_mean(total, count, background: float, weight: float):
    """(total + weight x background) / (count + weight); 0 where both counts are 0."""
    denominator = count + weight
    return np.where(denominator > 0, (total + weight * background) / np.where(denominator > 0, denominator, 1), 0.0)


def _in_baseline(values: np.ndarray, exclude_at: float | None) -> np.ndarray:
    """1.0 for the pair values that count toward their endpoints' baselines, 0.0 for those
    at or above ``exclude_at`` (see ``_local_scaling``)."""
    if exclude_at is None:
        return np.ones(len(values))
    return (values < exclude_at).astype(float)


def _local_scaling(values: np.ndarray, mask: np.ndarray, rows, cols, background: float = 0.0,
                   weight: float = 0.0, prior_total=None, prior_count=None,
                   exclude_at: float | None = None) -> np.ndarray:
    """values[p] minus the mean, over both endpoints, of their other pairs' values, each
    mean shrunk toward ``background`` with ``weight`` pseudo-pairs (with weight 0, an
    endpoint with no other pair keeps no correction). ``prior_total`` / ``prior_count``
    (per node) add pairs scored before, as ``assign`` adds the fitted documents' pairs.

    Pairs valued ``exclude_at`` or more are left out of the means: the baseline estimates
    how much an article aligns with candidates that are not its event, and a pair aligned
    that well is its event. Counted, two same-language reports of one meeting raised the
    baseline of each so far that neither met the other-language report of it (a tester's
    pages: 3 of 9 Persian-Arabic links kept; 5 of 9 with the exclusion, unrelated merges
    unchanged in benchmarks/article_alignment.py)."""
    idx = np.flatnonzero(mask)
    r, c, v = rows[idx], cols[idx], values[idx]
    counted = _in_baseline(v, exclude_at)
    n = int(max(r.max(), c.max())) + 1 if prior_total is None else len(prior_total)
    total = np.bincount(r, v * counted, n) + np.bincount(c, v * counted, n)
    count = np.bincount(r, counted, n) + np.bincount(c, counted, n)
    if prior_total is not None:
        total, count = total + prior_total, count + prior_count

    def mean_without(node):
        return _shrunk_mean(total[node] - v * counted, count[node] - counted, background, weight)

    return v - (mean_without(r) + mean_without(c)) / 2


_OPTIONAL_FIELDS = {"centroid_threshold", "article_threshold", "article_sure_alignment"}


def _topic_centred(queries, sentences_of, vectors: np.ndarray, days: np.ndarray, articles: np.ndarray,
                   neighbours: int, prior: float, window_days: float | None) -> dict[int, np.ndarray]:
    """Sentences of each query article minus the mean sentence of its topic (see
    ``Calibration.article_topic_neighbours``): the sum of the sentences of the article and
    of its ``neighbours`` nearest articles (by ``vectors``, within ``window_days``) over
    their count plus ``prior``. ``sentences_of(i)`` gives article i's normalised, centred
    sentence vectors."""
    queries = sorted(int(i) for i in queries)
    index = np.flatnonzero(articles)
    position = {int(i): p for p, i in enumerate(index)}
    found: dict[int, list] = {i: [] for i in queries}
    if len(index) > 1 and neighbours > 0:
        rows, cols, sims = knn_candidates(vectors[index], neighbours, days[index], window_days,
                                          queries=np.array([position[i] for i in queries]))
        for a, b, sim in zip(index[rows], index[cols], sims):
            for one, other in ((int(a), int(b)), (int(b), int(a))):
                if one in found:
                    found[one].append((-float(sim), other))
    out = {}
    for i in queries:
        group = [i] + [j for _, j in sorted(found[i])[:neighbours]]
        stacked = np.vstack([sentences_of(j) for j in group])
        topic = stacked.sum(axis=0) / (len(stacked) + prior)
        out[i] = l2_normalize(sentences_of(i) - topic)
    return out


def _alignment_over_null(align, log_sentences, same_language, cal: "Calibration") -> np.ndarray:
    """Sentence alignment as its excess over what unrelated articles of these lengths and
    languages reach (``Calibration.article_null``), on the scale of article_background."""
    if cal.article_null is None:
        return align
    intercept, slope, same = cal.article_null
    return align - (intercept + slope * log_sentences + same * same_language) + cal.article_background


def _article_scores(align, baseline, cal: "Calibration") -> np.ndarray:
    """Article-pair scores on the headline scale: alignment minus its baseline, or the
    alignment's excess over article_sure_alignment where that is higher, shifted so that
    article_threshold lands on threshold."""
    article_threshold = cal.threshold if cal.article_threshold is None else cal.article_threshold
    scores = align - baseline
    if cal.article_sure_alignment is not None:
        scores = np.maximum(scores, align - (cal.article_sure_alignment - article_threshold))
    return scores + (cal.threshold - article_threshold)


def _sum_rows_by_label(matrix: np.ndarray, labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Row sums per label 0..n_labels-1 (zero rows for absent labels), in a fixed order."""
    by_label = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[by_label], np.arange(n_labels))
    present = np.bincount(labels, minlength=n_labels)[:n_labels] > 0
    if present.all():
        return np.add.reduceat(matrix[by_label], starts, axis=0)
    out = np.zeros((n_labels, matrix.shape[1]), dtype=matrix.dtype)
    if present.any():
        out[present] = np.add.reduceat(matrix[by_label], starts[present], axis=0)
    return out


def _fit_inputs_record(kept: FitInputs, dim: int, articles: set[int]) -> tuple[dict, dict]:
    """``FitInputs`` as JSON metadata and arrays for ``EventClusterer.save``. The sentence
    vectors of full articles (rows in ``articles``) are saved once, with the articles."""
    references = sorted(kept.reference_means or {})
    meta = {"langs": kept.langs, "texts": kept.texts, "has_sentences": kept.sentence_vectors is not None,
            "reference_langs": references, "sentences_with_articles": sorted(articles)}
    sentences = [np.zeros((0, dim), np.float32) if i in articles else s
                 for i, s in enumerate(kept.sentence_vectors or [])]
    arrays = {"fit_X": kept.X, "fit_days": kept.days, "fit_day_widths": kept.widths(),
              "fit_sentence_offsets": np.cumsum([0] + [len(s) for s in sentences]).astype(np.int64),
              "fit_sentences": (np.vstack([np.asarray(s, np.float32).reshape(-1, dim) for s in sentences])
                                if sentences else np.zeros((0, dim), np.float32)),
              "fit_reference_means": (np.stack([kept.reference_means[lang] for lang in references]) if references
                                      else np.zeros((0, dim), np.float32))}
    return meta, arrays


def _fit_inputs_from(meta: dict, arrays: dict, article_sentences: dict) -> FitInputs:
    X, days, offsets = arrays["fit_X"].astype(np.float32), arrays["fit_days"].astype(float), arrays["fit_sentence_offsets"]
    n = len(X)
    widths = arrays["fit_day_widths"].astype(float) if "fit_day_widths" in arrays else np.zeros(n)  # older states
    if len(days) != n or len(widths) != n or len(meta["langs"]) != n or (meta["texts"] is not None and len(meta["texts"]) != n):
        raise ValueError("kept fit inputs do not agree in size")
    sentences = None
    if meta["has_sentences"]:
        if len(offsets) != n + 1 or offsets[-1] != len(arrays["fit_sentences"]):
            raise ValueError("kept sentence vectors do not agree with their offsets")
        stored = arrays["fit_sentences"].astype(np.float32)
        sentences = [stored[offsets[i]:offsets[i + 1]] for i in range(n)]
        for i in meta["sentences_with_articles"]:
            sentences[i] = article_sentences[i][0]
    references = dict(zip(meta["reference_langs"], arrays["fit_reference_means"].astype(np.float32)))
    return FitInputs(X, list(meta["langs"]), days, meta["texts"], sentences, references or None, widths)


def canonical_order(X: np.ndarray, langs=None, days=None, texts=None, sentence_vectors=None,
                    day_widths=None) -> np.ndarray | None:
    """An order of the rows set by their content alone (a hash of each row's vector,
    language, time, text and sentence vectors), so that the same rows in any order are
    taken in the same order; None when that is the order they are in. Rows equal in
    everything keep their relative order: they are interchangeable."""
    if len(X) < 2:
        return None
    keys = _row_keys(X, langs, days, texts, sentence_vectors, day_widths)
    order = np.argsort(keys, kind="stable")
    return None if np.array_equal(order, np.arange(len(X))) else order


def _row_keys(X: np.ndarray, langs=None, days=None, texts=None, sentence_vectors=None,
             day_widths=None) -> np.ndarray:
    """A 16-byte hash per row of everything ``fit`` reads about it: equal keys, equal rows."""
    import hashlib

    n = len(X)
    X = np.ascontiguousarray(X, dtype=np.float32)
    days = np.asarray(days, dtype=np.float64) if days is not None else None
    keys = []
    for i in range(n):
        h = hashlib.blake2b(X[i].tobytes(), digest_size=16)
        h.update(b"\0" + (str(langs[i]) if langs is not None else "").encode("utf-8", "surrogatepass"))
        h.update(b"\0" + (days[i].tobytes() if days is not None else b""))
        if day_widths is not None and day_widths[i]:  # (moments hash as they did before widths existed)
            h.update(b"\0w" + np.float64(day_widths[i]).tobytes())
        h.update(b"\0" + (str(texts[i]) if texts is not None else "").encode("utf-8", "surrogatepass"))
        if sentence_vectors is not None:
            h.update(b"\0" + np.ascontiguousarray(sentence_vectors[i], dtype=np.float32).tobytes())
        keys.append(h.digest())
    return np.array(keys, dtype="S16")


def _equal_rows_joined(labels: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Labels where rows equal in everything share one: they cannot be told apart, yet a
    batch of one repeated vector is centred to zero vectors, which score 0 with each other.
    Labels are renumbered in their order, without gaps, only when something changed."""
    first = {}
    joined = np.array([first.setdefault(key, label) for key, label in zip(keys.tolist(), labels.tolist())],
                      dtype=np.int64)
    if np.array_equal(joined, labels):
        return labels
    return np.unique(joined, return_inverse=True)[1].astype(np.int64)


def _positional(values):
    """Per-row inputs as a list read by position (a pandas Series indexes by label; a 3-D
    array of sentence vectors becomes a list of per-row views, not copied when reordered)."""
    return None if values is None else list(values)


def _rows_taken(order: np.ndarray, X, langs, days, texts, sentence_vectors, day_widths=None) -> tuple:
    """The per-row inputs in ``order`` (day widths last)."""
    def taken(values):
        if values is None:
            return None
        return values[order] if isinstance(values, np.ndarray) else [values[i] for i in order]

    return (np.asarray(X)[order], taken(langs), taken(np.asarray(days, dtype=float) if days is not None else None),
            taken(texts), taken(sentence_vectors),
            taken(np.asarray(day_widths, dtype=float) if day_widths is not None else None))


def _earlier_numbering(earlier: np.ndarray, refit: np.ndarray) -> np.ndarray:
    """Labels of the new documents (``refit[len(earlier):]``) in the earlier documents'
    numbering: an event of the refit that holds earlier documents is the earlier event most
    of them belong to (the smaller label on ties); one of new documents only is a new event,
    numbered after the earlier ones in the order its first new document comes."""
    n_old = len(earlier)
    refit = np.asarray(refit, dtype=np.int64)
    new = refit[n_old:]
    labels = np.full(len(new), -1, dtype=np.int64)
    if n_old:
        width = int(earlier.max()) + 1
        keys, counts = np.unique(refit[:n_old] * width + earlier, return_counts=True)
        events, candidates = keys // width, keys % width
        order = np.lexsort((candidates, -counts, events))  # per event: most members, then smaller label
        first = order[np.r_[True, events[order][1:] != events[order][:-1]]]
        events, majority = events[first], candidates[first]  # events sorted ascending
        at = np.minimum(np.searchsorted(events, new), len(events) - 1)
        found = events[at] == new
        labels[found] = majority[at[found]]
    opened = labels < 0
    if opened.any():
        unseen, first_seen, inverse = np.unique(new[opened], return_index=True, return_inverse=True)
        rank = np.empty(len(unseen), dtype=np.int64)
        rank[np.argsort(first_seen)] = np.arange(len(unseen))
        labels[opened] = (int(earlier.max()) + 1 if n_old else 0) + rank[inverse]
    return labels


def _day_range_by_label(first: np.ndarray, labels: np.ndarray, n_labels: int, last: np.ndarray | None = None):
    """The first and last known day of each label (NaN where none is known), from the
    rows' days (or from the rows' own first and last days, when rows are groups)."""
    last = first if last is None else last
    lows, highs = np.full(n_labels, np.inf), np.full(n_labels, -np.inf)
    known = np.isfinite(first)
    np.minimum.at(lows, labels[known], first[known])
    np.maximum.at(highs, labels[known], last[known])
    lows[~np.isfinite(lows)], highs[~np.isfinite(highs)] = np.nan, np.nan
    return lows, highs


def _merge_rows(sums: np.ndarray, merged: np.ndarray, n_labels: int) -> np.ndarray:
    """Row sums after merging: row i of ``sums`` goes to row merged[i]. Rows that merge
    with nothing are copied; only the merged ones are added up (in index order)."""
    out = np.empty((n_labels, sums.shape[1]), dtype=sums.dtype)
    alone = np.bincount(merged, minlength=n_labels)[merged] == 1
    out[merged[alone]] = sums[alone]
    out[np.unique(merged[~alone])] = 0
    np.add.at(out, merged[~alone], sums[~alone])
    return out


def _lang_code(label: str) -> str:
    """A language label as the pipeline writes it: ISO 639-1/2/3 codes and tags read as
    a JSONL ``lang`` field is (fa, FA, fas, fa-IR -> fa), so that the reference means,
    stored under those codes, are found; any other label stripped and lower-cased."""
    return normalize_lang_code(label) or label.strip().lower()


def _language_list(where: str, langs, n: int) -> list[str]:
    """One language code per row (``_lang_code``): None or an empty label is "und"
    (unknown), as the pipeline writes it; anything but a string is an error naming the row."""
    if langs is None:
        return ["und"] * n
    out = []
    for i, lang in enumerate(langs):
        if lang is None or (isinstance(lang, str) and not lang.strip()):
            out.append("und")
        elif isinstance(lang, str):
            out.append(_lang_code(lang))
        else:
            raise ValueError(f"{where}: langs[{i}] must be a language code string or None, "
                             f"not {type(lang).__name__} {lang!r}"[:200])
    return out


def _check_params(model: "EventClusterer") -> None:
    """The constructor's numbers, checked in fit as scikit-learn estimators do."""
    where = "EventClusterer"
    if isinstance(model.k, bool) or not isinstance(model.k, (int, np.integer)) or model.k < 1:
        raise ValueError(f"{where}: k must be a whole number >= 1 (neighbours per document), not {model.k!r}")
    if model.window_days is not None and not (_is_number(model.window_days) and model.window_days >= 0):
        raise ValueError(f"{where}: window_days must be None (no time blocking) or a number >= 0, "
                         f"not {model.window_days!r}")
    for name in ("max_merge_rounds", "refit_up_to"):
        value = getattr(model, name)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{where}: {name} must be a whole number >= 0, not {value!r}")
    if not (_is_number(model.centering_shrinkage) and model.centering_shrinkage >= 0):
        raise ValueError(f"{where}: centering_shrinkage must be a number >= 0, not {model.centering_shrinkage!r}")
    for name in ("threshold", "time_weight", "time_scale_days", "term_weight", "centroid_threshold"):
        value = getattr(model, name)
        if value is not None and not _is_number(value):
            raise ValueError(f"{where}: {name} must be None (the calibrated value) or a finite number, not {value!r}")
    if model.max_span_days is not None and not (_is_number(model.max_span_days) and model.max_span_days >= 0):
        raise ValueError(f"{where}: max_span_days must be None (no limit) or a number >= 0, "
                         f"not {model.max_span_days!r}")
    if model.time_scale_days is not None and model.time_scale_days <= 0:
        raise ValueError(f"{where}: time_scale_days must be > 0, not {model.time_scale_days!r}")


def _reference_means(means, n_features: int) -> dict[str, np.ndarray] | None:
    """``reference_means`` checked (a dict of language code -> one vector of X's width)
    and keyed by language codes as ``_language_list`` writes them."""
    where = "EventClusterer"
    if means is None:
        return None
    if not isinstance(means, dict):
        raise ValueError(f"{where}: reference_means must be a dict of language code -> mean vector "
                         f"(DocumentEmbedder.language_means()), not {type(means).__name__}")
    out = {}
    for lang, mean in means.items():
        if not isinstance(lang, str) or not lang.strip():
            raise ValueError(f"{where}: reference_means keys must be language codes, not {lang!r}")
        try:
            mean = np.asarray(mean, dtype=np.float32)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: reference_means[{lang!r}] is not a vector of numbers") from None
        if mean.shape != (n_features,) or not np.isfinite(mean).all():
            raise ValueError(f"{where}: reference_means[{lang!r}] has shape {mean.shape}; expected ({n_features},), "
                             f"finite, like a row of X (means of another embedding model?)")
        out[_lang_code(lang)] = mean
    return out


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and bool(np.isfinite(value))


def _check_inputs(where: str, X, langs=None, days=None, texts=None, sentence_vectors=None,
                  n_features: int | None = None, day_widths=None) -> tuple:
    """(X, days, day widths, texts): X as a float32 (n, d) array, after checking it and the
    per-row evidence as scikit-learn does: a ValueError that names the argument and the
    reason (and the rows, for non-finite values), never a bare IndexError or numpy
    broadcast error further down."""
    if hasattr(X, "toarray") and hasattr(X, "nnz"):
        raise ValueError(f"{where}: sparse X is not supported (document vectors are dense); pass X.toarray()")
    if np.iscomplexobj(X):
        raise ValueError(f"{where}: X must be real numbers, not complex")
    try:
        X = np.asarray(X, dtype=np.float32)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{where}: X must be an (n_samples, n_features) array of numbers ({err})") from None
    if X.ndim != 2 and not (X.ndim == 1 and len(X) == 0):
        raise ValueError(f"{where}: expected a 2-D X (n_samples, n_features), got a {X.ndim}-D array of shape "
                         f"{X.shape}; use X.reshape(1, -1) for a single document")
    if n_features is not None and len(X) and X.shape[1] != n_features:
        raise ValueError(f"{where}: X has {X.shape[1]} features, but EventClusterer was fitted with "
                         f"{n_features} (vectors of another embedding model?)")

    def bad_rows(finite_by_row) -> str:
        rows = np.flatnonzero(~np.asarray(finite_by_row, dtype=bool))
        return ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")

    if X.size and not np.isfinite(X).all():
        raise ValueError(f"{where}: X has NaN or infinite values in row(s) {bad_rows(np.isfinite(X).all(axis=1))}")
    n = len(X)
    for name, values in (("langs", langs), ("days", days), ("texts", texts), ("sentence_vectors", sentence_vectors)):
        if values is None:
            continue
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise ValueError(f"{where}: {name} must be a sequence with one entry per row of X, "
                             f"not {type(values).__name__}")
        if len(values) != n:
            raise ValueError(f"{where}: {name} has {len(values)} entries but X has {n} rows (one per row needed)")
    if day_widths is not None and days is None:
        raise ValueError(f"{where}: day_widths given without days")
    days, widths = _day_numbers(where, days, day_widths)
    texts = _text_list(where, texts)
    if sentence_vectors is not None:
        for i, sentences in enumerate(sentence_vectors):
            sentences = np.asarray(sentences, dtype=np.float32)
            if len(sentences) and (sentences.ndim != 2 or (X.ndim == 2 and sentences.shape[1] != X.shape[1])):
                raise ValueError(f"{where}: sentence_vectors[{i}] has shape {sentences.shape}; expected "
                                 f"(n_sentences, {X.shape[1] if X.ndim == 2 else 'n_features'}) like X")
            if sentences.size and not np.isfinite(sentences).all():
                raise ValueError(f"{where}: sentence_vectors[{i}] (row {i}) has NaN or infinite values")
    return X, days, widths, texts


# Day numbers are proleptic ordinals (1 = 0001-01-01) with the time of day as a fraction,
# as ``Document.event_day`` gives them.
_UNIX_EPOCH_DAY = 719163.0


def _day_number(value) -> tuple[float, float]:
    """One ``days`` entry as (day number, width in days): a number as it is (a moment,
    width 0), a datetime (a pandas Timestamp too; one with a time zone in UTC) converted
    (width 0), a date as the middle of that day with width 1, None/NaN/NaT as NaN."""
    import datetime as dt

    if value is None:
        return np.nan, 0.0
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return value.toordinal() + seconds / 86400, 0.0
    if isinstance(value, dt.date):
        return value.toordinal() + 0.5, 1.0
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return np.nan, 0.0
        numbers, widths = _datetime64_days(np.asarray([value]))
        return float(numbers[0]), float(widths[0])
    if isinstance(value, (str, bytes)):
        raise TypeError(value)
    number = float(value)  # a TypeError or ValueError for anything else; NaT is not a number
    return number, 0.0


_WHOLE_UNITS = ("D", "W", "M", "Y")  # datetime64 units that name a span of days, not a moment


def _datetime64_days(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """datetime64 values as (day numbers, widths): a value in days or coarser units (a
    date, a month) is the middle of the days it spans, with their count as its width."""
    unit = np.datetime_data(values.dtype)[0]
    missing = np.isnat(values)
    if unit in _WHOLE_UNITS:
        start = values.astype("datetime64[D]").astype(np.int64).astype(float)
        end = (values + np.timedelta64(1, unit)).astype("datetime64[D]").astype(np.int64).astype(float)
        widths = end - start
        numbers = start + widths / 2 + _UNIX_EPOCH_DAY
    else:
        numbers = values.astype("datetime64[us]").astype(np.int64) / 86400e6 + _UNIX_EPOCH_DAY
        widths = np.zeros(len(values))
    numbers = numbers.astype(float)
    numbers[missing], widths[missing] = np.nan, 0.0
    return numbers, widths


def _day_numbers(where: str, days, day_widths=None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """``days`` as float day numbers (NaN where unknown) and how many days each entry spans
    (its width). Numbers are taken as day numbers, moments unless ``day_widths`` says
    otherwise; datetime64 values, dates and datetimes (pandas Timestamps) are converted, so
    that a column of timestamps is not read as nanoseconds. A date (``datetime.date``,
    ``datetime64[D]``) is a whole day: the middle of it, width 1, so that two reports dated
    by the day only are not taken to be a day apart when they may be minutes apart."""
    if days is None:
        return None, None
    if isinstance(days, (str, bytes)):
        raise ValueError(f"{where}: days must be a sequence with one entry per row of X, not {type(days).__name__}")
    values = np.asarray(days)
    if np.issubdtype(values.dtype, np.datetime64):
        out, widths = _datetime64_days(values)
    elif values.dtype.kind in "biuf":
        if values.dtype.kind == "b":
            raise ValueError(f"{where}: days must be day numbers or dates, not booleans")
        out, widths = values.astype(float), np.zeros(len(values))
    else:
        out, widths = np.empty(len(values)), np.zeros(len(values))
        for i, value in enumerate(values.tolist() if values.dtype != object else values):
            try:
                out[i], widths[i] = _day_number(value)
            except (TypeError, ValueError, OverflowError):
                if value != value:  # pandas NaT
                    out[i] = np.nan
                    continue
                raise ValueError(f"{where}: days[{i}] is {type(value).__name__} {value!r}; days must be day "
                                 f"numbers (as Document.event_day), dates or datetimes, and NaN or None when "
                                 f"unknown"[:300]) from None
    if day_widths is not None:
        widths = _day_widths(where, day_widths, len(out))
    return out, widths


def _day_widths(where: str, day_widths, n: int) -> np.ndarray:
    if isinstance(day_widths, (str, bytes)) or not hasattr(day_widths, "__len__") or len(day_widths) != n:
        raise ValueError(f"{where}: day_widths must be a sequence with one number per entry of days ({n})")
    try:
        widths = np.asarray(day_widths, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: day_widths must be numbers of days (0 for a moment, 1 for a whole day)") from None
    if widths.ndim != 1 or not (np.isfinite(widths) & (widths >= 0)).all():
        raise ValueError(f"{where}: day_widths must be finite numbers >= 0 (0 for a moment, 1 for a whole day)")
    return widths


def _time_gaps(days: np.ndarray, widths: np.ndarray | None, rows, cols) -> np.ndarray:
    """Days between the times of rows and cols, less half of each one's width: how far
    apart the two spans are at least (0 where they touch or overlap, NaN where unknown)."""
    gaps = np.abs(days[rows] - days[cols])
    if widths is not None:
        gaps = np.maximum(gaps - (widths[rows] + widths[cols]) / 2, 0.0)
    return gaps


def _text_list(where: str, texts) -> list[str] | None:
    """``texts`` as a list of strings (None is an empty text); anything else is an error."""
    if texts is None:
        return None
    out = []
    for i, text in enumerate(texts):
        if text is None:
            out.append("")
        elif isinstance(text, str):
            out.append(text)
        else:
            raise ValueError(f"{where}: texts[{i}] must be a string or None, not {type(text).__name__} "
                             f"{text!r}"[:200])
    return out


class EventClusterer(ClusterMixin, BaseEstimator):
    """Groups documents reporting the same event, across languages.

    Parameters (None = the stored calibration's value):
      threshold: average-linkage stop: clusters merge while their mean pair score >= it.
      center_languages: remove per-language offsets from the vectors.
      use_time / use_terms / use_alignment: switch each evidence source on or off.
      k: neighbours kept per document in the candidate graph.
      window_days: only documents this close in time are candidates (blocking); None = all.
      merge_centroids: second stage; events from the first (average linkage over document
        pairs) keep merging while their centroids score >= the calibrated centroid_threshold.
      max_merge_rounds: bound on the rounds of that second stage.
      reference_means: per-language mean vectors of the embedding model on general news
        (``DocumentEmbedder.language_means()``); a language's mean in the batch is shrunk
        toward its reference by ``centering_shrinkage`` pseudo-sentences, so that a batch
        with few articles in a language is not centred on those articles themselves
        (with two articles, centring on their own mean makes them exact opposites).
      refit_up_to: while the fitted documents number at most this, ``assign`` fits again
        on them and the new ones together (earlier labels kept) instead of running the two
        stages on the new documents alone: what a small fit learned (the IDF of names,
        each article's typical alignment; language means are updated either way) rests on
        too few documents to judge new ones by. Up to about 10,000 documents a refit costs
        what attaching does (benchmarks/update_scale.py). Only states this small keep their
        inputs for it (about 1.5 KB per document and per sentence vector). 0 turns it off.
      max_span_days: no event's known dates span more than this many days (None: no
        limit; without ``use_time`` none either). Documents further apart than
        ``window_days`` are never candidates, but an undated article close to both could
        otherwise chain them: two earthquakes in one province, seven months apart.

    fit(X, langs=None, days=None, texts=None, sentence_vectors=None, day_widths=None)
      X: (n, d) document vectors; langs: language per row; days: day numbers (NaN unknown),
      dates or datetimes; texts: text per row for shared names/numbers; sentence_vectors:
      per row a (m, d) matrix for sentence alignment; day_widths: how many days each
      entry of days spans (default: 1 for a date, 0 for a number or datetime). The time
      penalty counts the gap between two spans, so two dates of consecutive days, which may
      be minutes apart, are no time apart.
    Learned: labels_, n_clusters_, centering_, calibration_, vectors_, langs_, days_, day_widths_,
    n_rounds_ (rounds of centroid merging that merged something).
    assign(X_new, langs, days, ...): incremental; attaches new documents to events or opens new ones.
    fit_inputs_: what fit was given, kept while there are at most ``refit_up_to`` documents.
    """

    def __init__(self, threshold: float | None = None, center_languages: bool = True, use_time: bool = True,
                 use_terms: bool = True, use_alignment: bool = True, k: int = 30,
                 window_days: float | None = 3.0, time_weight: float | None = None,
                 time_scale_days: float | None = None, term_weight: float | None = None,
                 merge_centroids: bool = True, centroid_threshold: float | None = None,
                 max_merge_rounds: int = 20, calibration: Calibration | str | None = None,
                 reference_means: dict[str, np.ndarray] | None = None, centering_shrinkage: float = 6.0,
                 refit_up_to: int = 10_000, max_span_days: float | None = 7.0):
        self.threshold = threshold
        self.center_languages = center_languages
        self.use_time = use_time
        self.use_terms = use_terms
        self.use_alignment = use_alignment
        self.k = k
        self.window_days = window_days
        self.time_weight = time_weight
        self.time_scale_days = time_scale_days
        self.term_weight = term_weight
        self.merge_centroids = merge_centroids
        self.centroid_threshold = centroid_threshold
        self.max_merge_rounds = max_merge_rounds
        self.calibration = calibration
        self.reference_means = reference_means
        self.centering_shrinkage = centering_shrinkage
        self.refit_up_to = refit_up_to
        self.max_span_days = max_span_days

    def _resolved(self) -> Calibration:
        cal = self.calibration
        if cal is None:
            cal = Calibration.load(CALIBRATION_FILE)
        elif not isinstance(cal, Calibration):  # a file named by the caller: missing or unknown fields are errors
            try:
                cal = Calibration.from_file(cal)
            except (OSError, ValueError) as err:
                raise ValueError(f"EventClusterer calibration {cal}: {err}") from err
        overrides = {name: getattr(self, name) for name in
                     ("threshold", "time_weight", "time_scale_days", "term_weight", "centroid_threshold")
                     if getattr(self, name) is not None}
        return Calibration(**{**asdict(cal), **overrides})

    def pair_components(self, X, langs=None, days=None, texts=None, sentence_vectors=None, day_widths=None):
        """Candidate pairs (rows, cols) and each evidence source's raw value per pair:
        "cos" (document cosine, language-centred if enabled), "align" (sentence
        alignment, NaN unless both sides are articles: see ``article_mask``), "dt" (days apart,
        less half of each one's day width; NaN if unknown) and "terms" (shared names/numbers)."""
        X = l2_normalize(X)
        n = len(X)
        langs = _language_list("EventClusterer.pair_components", langs, n)
        if sentence_vectors is not None:
            sentence_vectors = [l2_normalize(s) if len(s) else np.zeros((0, X.shape[1]), np.float32)
                                for s in sentence_vectors]
        if self.center_languages:
            X, sentence_vectors = self._center(X, langs, sentence_vectors)
        days, widths = _day_numbers("EventClusterer.pair_components", days, day_widths)
        days = days if days is not None else np.full(n, np.nan)
        rows, cols, sims = knn_candidates(X, self.k, days, self.window_days if self.use_time else None)
        parts = {"cos": sims.astype(np.float64), "align": np.full(len(rows), np.nan),
                 "dt": _time_gaps(days, widths, rows, cols), "terms": np.zeros(len(rows)),
                 "log_sentences": np.zeros(len(rows)),
                 "same_language": (np.asarray(langs)[rows] == np.asarray(langs)[cols]).astype(float)}
        if self.use_alignment and sentence_vectors is not None and len(rows):
            log_counts = np.log(np.maximum([len(s) for s in sentence_vectors], 1))
            parts["log_sentences"] = log_counts[rows] + log_counts[cols]
            multi = article_mask(sentence_vectors, texts)
            both = multi[rows] & multi[cols]
            aligned = self._topic_sentences(np.unique(np.r_[rows[both], cols[both]]), sentence_vectors.__getitem__,
                                            X, days, multi)
            for p in np.flatnonzero(both):
                parts["align"][p] = sentence_alignment(aligned[int(rows[p])], aligned[int(cols[p])])
        self.terms_ = None  # never the vocabulary of an earlier fit
        if self.use_terms and texts is not None and len(rows):
            self.terms_ = SharedTermSimilarity().fit(list(texts))
            parts["terms"] = self.terms_.pairs(rows, cols)
        return rows, cols, parts

    def combine(self, parts: dict[str, np.ndarray], cal: Calibration, rows=None, cols=None) -> np.ndarray:
        """Combined pair score from evidence parts under a calibration.

        Headlines / short texts: language-centred cosine + shared terms - time penalty.
        Full articles (both sides have several sentences, alignment known): the sentence
        alignment with CSLS-style local scaling, i.e. minus the mean alignment each of the
        two articles has with its other candidates, so the score says how much more these
        two correspond than each usually does with anything; 0 means "typical", as for
        the centred cosine, which is why the calibrated threshold carries over. Each
        article's mean is shrunk toward the typical alignment of unrelated articles
        (``article_background``), and a pair aligned at ``article_sure_alignment`` or
        more scores at least the threshold (see ``Calibration``).
        """
        scores = parts["cos"].copy()
        has = np.isfinite(parts["align"]) if self.use_alignment else np.zeros(len(scores), bool)
        if has.any():
            adjusted = self._adjusted_alignment(parts, cal)
            align = adjusted[has]
            scaled = _local_scaling(adjusted, has, rows, cols, cal.article_background,
                                    cal.article_background_weight, exclude_at=cal.article_sure_alignment)
            scores[has] = _article_scores(align, align - scaled, cal)
        if self.use_terms:
            scores[~has] += cal.term_weight * parts["terms"][~has]
        if self.use_time:
            known = np.isfinite(parts["dt"])
            scores[known] -= cal.time_weight * (1.0 - np.exp(-parts["dt"][known] / cal.time_scale_days))
        return scores

    def _topic_sentences(self, queries, sentences_of, vectors, days, articles) -> dict[int, np.ndarray]:
        """The sentence vectors that sentence alignment compares for these articles: as
        given, or less their topic's mean (``Calibration.article_topic_neighbours``)."""
        cal = self._resolved() if getattr(self, "calibration_", None) is None else self.calibration_
        neighbours = int(cal.article_topic_neighbours or 0)
        if neighbours <= 0:
            return {int(i): sentences_of(int(i)) for i in queries}
        return _topic_centred(queries, sentences_of, vectors, days, articles, neighbours,
                              float(cal.article_topic_prior), self.window_days if self.use_time else None)

    @staticmethod
    def _adjusted_alignment(parts: dict[str, np.ndarray], cal: Calibration) -> np.ndarray:
        """parts["align"] over the expectation for unrelated articles (Calibration.article_null)."""
        return _alignment_over_null(parts["align"], parts["log_sentences"], parts["same_language"], cal)

    def pair_scores(self, X, langs=None, days=None, texts=None, sentence_vectors=None, day_widths=None):
        """Candidate pairs (rows, cols) and their combined scores."""
        self.calibration_ = self._resolved()
        rows, cols, parts = self.pair_components(X, langs, days, texts, sentence_vectors, day_widths)
        return rows, cols, self.combine(parts, self.calibration_, rows, cols)

    def _center(self, X, langs, sentence_vectors):
        """Language means are estimated on sentences when given (many more samples than
        documents), and removed from both document and sentence vectors."""
        if sentence_vectors is not None and sum(len(s) for s in sentence_vectors):
            sent_langs = [lang for lang, s in zip(langs, sentence_vectors) for _ in range(len(s))]
            self.centering_ = self._centering(X.shape[1]).fit(np.vstack(sentence_vectors), sent_langs)
            self.centering_on_ = "sentences"
            sentence_vectors = [self.centering_.transform(s, [lang] * len(s)) if len(s) else s
                                for lang, s in zip(langs, sentence_vectors)]
        else:
            self.centering_ = self._centering(X.shape[1]).fit(X, langs)
            self.centering_on_ = "documents"
        return self.centering_.transform(X, langs), sentence_vectors

    def _centering(self, n_features: int) -> LanguageCentering:
        return LanguageCentering(reference_means=_reference_means(self.reference_means, n_features),
                                 shrinkage=self.centering_shrinkage)

    def fit(self, X, y=None, langs=None, days=None, texts=None, sentence_vectors=None, day_widths=None):
        _check_params(self)
        X, days, widths, texts = _check_inputs("EventClusterer.fit", X, langs, days, texts, sentence_vectors,
                                               day_widths=day_widths)
        langs = _language_list("EventClusterer.fit", langs, len(X)) if langs is not None else None
        sentence_vectors = _positional(sentence_vectors)
        # Exact ties (pair scores are rounded to 5 decimals) are broken by row, so the rows
        # are taken in an order set by their content: the result does not depend on the
        # order they come in. The learned state is put back in the caller's row order.
        if len(X) < 2:
            return self._fit_rows(X, langs, days, texts, sentence_vectors, widths)
        keys = _row_keys(X, langs, days, texts, sentence_vectors, widths)
        order = np.argsort(keys, kind="stable")
        self._fit_rows(*_rows_taken(order, X, langs, days, texts, sentence_vectors, widths))
        self._put_rows_back(order, 0)
        rows, cols, scores = self.pairs_
        self.pairs_ = (order[rows], order[cols], scores)
        if getattr(self, "terms_", None) is not None:
            self.terms_.matrix_ = self.terms_.matrix_[np.argsort(order)]
        if self.fit_inputs_ is not None:
            self.fit_inputs_ = FitInputs.of(X, langs, days, texts, sentence_vectors,
                                            _reference_means(self.reference_means, X.shape[1]), widths)
        self.labels_ = _equal_rows_joined(self.labels_, keys)
        self.n_clusters_ = int(self.labels_.max() + 1)
        return self

    def _put_rows_back(self, order: np.ndarray, start: int) -> None:
        """Row-indexed learned state of rows ``start:`` from the order ``order`` took them in
        (position j held the caller's row ``order[j]``) back to the caller's order."""
        inverse = np.argsort(order)
        for name in ("labels_", "vectors_", "center_norms_", "langs_", "days_", "day_widths_", "articles_",
                     "align_sums_", "align_counts_"):
            values = getattr(self, name, None)
            if values is not None and len(values) == start + len(order):
                setattr(self, name, np.concatenate([values[:start], values[start:][inverse]]))
        sentences = getattr(self, "article_sentences_", None)
        if sentences is not None:
            self.article_sentences_ = {(i if i < start else start + int(order[i - start])): v
                                       for i, v in sentences.items()}

    def _fit_rows(self, X, langs, days, texts, sentence_vectors, widths=None):
        n = len(X)
        self.n_features_in_ = int(X.shape[1]) if X.ndim == 2 else 0
        if n == 0:
            self.labels_ = np.zeros(0, dtype=np.int64)
            self.n_clusters_ = 0
            self.calibration_ = self._resolved()
            self.centering_ = LanguageCentering().fit(np.zeros((1, X.shape[1] if X.ndim == 2 else 1)), ["und"])
            self.vectors_ = np.zeros((0, X.shape[1] if X.ndim == 2 else 1), np.float32)
            self.days_, self.day_widths_ = np.zeros(0), np.zeros(0)
            self.langs_, self.center_norms_ = np.zeros(0, dtype="<U3"), np.zeros(0, np.float32)
            self.centering_on_ = None
            self._remember_articles(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), [], None, None)
            self.fit_inputs_ = None
            self.fitted_rows_ = 0
            self.n_rounds_ = 0
            self.pairs_ = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
            self.terms_ = None
            return self
        self.calibration_ = self._resolved()
        rows, cols, parts = self.pair_components(X, langs, days, texts, sentence_vectors, widths)
        scores = self.combine(parts, self.calibration_, rows, cols)
        self._remember(X, langs, days, widths)
        self._remember_articles(rows, cols, self._adjusted_alignment(parts, self.calibration_), langs,
                                sentence_vectors, texts)
        cal = self.calibration_
        labels = average_linkage(n, rows, cols, scores, cal.threshold, cal.missing_for(cal.threshold),
                                 first_days=self.days_, max_span_days=self._span_limit())
        self.n_rounds_ = 0  # rounds of the centroid stage that merged something
        if self.merge_centroids and self.calibration_.centroid_threshold is not None:
            articles = article_mask(sentence_vectors, texts) if sentence_vectors is not None else np.zeros(n, bool)
            labels = self._merge_centroids(labels, articles)
        self.labels_ = labels
        self.n_clusters_ = int(self.labels_.max() + 1)
        self.pairs_ = (rows, cols, scores)
        self.fitted_rows_ = n   # rows after these were attached by assign without a refit
        self.fit_inputs_ = (FitInputs.of(X, langs, days, texts, sentence_vectors,
                                         _reference_means(self.reference_means, X.shape[1]), widths)
                            if n <= self.refit_up_to else None)
        return self

    def _group_pair_scores(self, centroids, times, term_sums=None, queries=None, widths=None):
        """Candidate group pairs and their scores: centroid cosine - time penalty on the
        mean dates (less half of the members' mean day widths) + term weight x cosine of
        the summed name vectors."""
        cal = self.calibration_
        rows, cols, sims = knn_candidates(centroids, self.k, times, self.window_days if self.use_time else None,
                                          queries=queries)
        scores = sims.astype(np.float64)
        if self.use_time:
            dt = _time_gaps(times, widths, rows, cols)
            ok = np.isfinite(dt)
            scores[ok] -= cal.time_weight * (1.0 - np.exp(-dt[ok] / cal.time_scale_days))
        if term_sums is not None:
            norms = np.sqrt(np.asarray(term_sums.multiply(term_sums).sum(axis=1)).ravel())
            dots = np.asarray(term_sums[rows].multiply(term_sums[cols]).sum(axis=1)).ravel()
            scores += cal.term_weight * dots / np.maximum(norms[rows] * norms[cols], 1e-12)
        return rows, cols, scores

    def _span_limit(self) -> float | None:
        return getattr(self, "max_span_days", None) if self.use_time else None

    def _merge_centroids(self, labels: np.ndarray, articles: np.ndarray, vectors=None, days=None,
                         use_terms: bool = True, fixed=None, queries=None, widths=None) -> np.ndarray:
        """Second stage: merge events whose centroids agree, until nothing merges.

        Average linkage over document pairs is strict for large or cross-lingual events:
        two halves of one event, one in Spanish and one in English, meet only if their
        headlines are similar on average pair by pair, and single cross-lingual
        headline pairs are noisy. The centroid of a group averages that noise away, so
        groups are compared by centroid cosine (language-centred vectors), the time
        between their mean dates and their shared names (summed term vectors), with the
        same weights as the first stage, and merged by average linkage at the calibrated
        centroid_threshold. Centroids are recomputed and the step repeated until no
        group merges; after the first round only the groups that just merged look for
        partners (the others' scores among themselves have not changed). Groups holding
        full articles are left as they are: their evidence is sentence alignment, which
        this stage does not use and was not calibrated for.

        ``assign`` runs it too (its own ``vectors`` and ``days``, no shared terms): documents
        marked ``fixed`` (the earlier ones) are in groups that never merge with each other,
        and only the groups in ``queries`` look for partners in the first round.
        """
        from scipy.sparse import csr_matrix

        cal = self.calibration_
        vectors = self.vectors_ if vectors is None else vectors
        if days is None:
            days, widths = self.days_, getattr(self, "day_widths_", None)
        widths = np.zeros(len(days)) if widths is None else widths
        terms = getattr(self, "terms_", None) if self.use_terms and use_terms else None
        self.n_rounds_ = 0
        known = np.isfinite(days)
        # Per-group sums, carried from round to round (a merged group's sum is its parts' sum).
        m = int(labels.max()) + 1
        vector_sums = _sum_rows_by_label(vectors, labels, m)
        day_sums = np.bincount(labels[known], days[known], m)
        day_counts = np.bincount(labels[known], None, m)
        width_sums = np.bincount(labels[known], widths[known], m)
        first_days, last_days = _day_range_by_label(days, labels, m)
        term_sums = None
        if terms is not None:
            membership = csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(m, len(labels)))
            term_sums = (membership @ terms.matrix_).tocsr()
        has_article = np.bincount(labels, articles.astype(float), m) > 0
        has_fixed = np.bincount(labels, fixed.astype(float), m) > 0 if fixed is not None else np.zeros(m, bool)
        changed = queries  # None: all groups look for partners in the first round
        for _ in range(self.max_merge_rounds):
            times = day_sums / np.where(day_counts > 0, day_counts, np.nan)
            mean_widths = np.nan_to_num(width_sums / np.where(day_counts > 0, day_counts, np.nan))
            rows, cols, scores = self._group_pair_scores(l2_normalize(vector_sums), times, term_sums, changed,
                                                         mean_widths)
            scores[has_article[rows] | has_article[cols] | (has_fixed[rows] & has_fixed[cols])] = -1.0
            merged = average_linkage(m, rows, cols, scores, cal.centroid_threshold,
                                     cal.missing_for(cal.centroid_threshold), first_days=first_days,
                                     last_days=last_days, max_span_days=self._span_limit())
            new_m = int(merged.max()) + 1
            if new_m == m:
                break
            labels = merged[labels]
            vector_sums = _merge_rows(vector_sums, merged, new_m)
            day_sums = np.bincount(merged, day_sums, new_m)
            day_counts = np.bincount(merged, day_counts, new_m)
            width_sums = np.bincount(merged, width_sums, new_m)
            first_days, last_days = _day_range_by_label(first_days, merged, new_m, last_days)
            has_article = np.bincount(merged, has_article.astype(float), new_m) > 0
            has_fixed = np.bincount(merged, has_fixed.astype(float), new_m) > 0
            if term_sums is not None:
                regroup = csr_matrix((np.ones(m), (merged, np.arange(m))), shape=(new_m, m))
                term_sums = (regroup @ term_sums).tocsr()
            changed = np.flatnonzero(np.bincount(merged) > 1)
            m = new_m
            self.n_rounds_ += 1
        _, labels = np.unique(labels, return_inverse=True)
        return labels.astype(np.int64)

    def _remember(self, X, langs, days, widths=None):
        """Keep what ``assign`` needs: the (centred) vectors, languages and times of the
        fitted documents, and the norm each vector had before normalising (so that it can
        be centred again on language means that ``assign`` updates)."""
        langs = list(langs) if langs is not None else ["und"] * len(X)
        X = l2_normalize(X)
        self.vectors_, self.center_norms_ = self._centred(X, langs)
        self.langs_ = np.asarray(langs, dtype=str)
        self.days_ = np.asarray(days, dtype=float) if days is not None else np.full(len(X), np.nan)
        self.day_widths_ = np.asarray(widths, dtype=float) if widths is not None else np.zeros(len(X))

    def _centred(self, X: np.ndarray, langs) -> tuple[np.ndarray, np.ndarray]:
        """Normalised vectors as ``LanguageCentering.transform`` gives them, and the norms
        of the centred vectors before normalising (1 without centring)."""
        if not self.center_languages or not len(X):
            return X, np.ones(len(X), np.float32)
        centred = np.array(X, dtype=np.float32)
        langs = np.asarray(langs, dtype=str)
        for lang in np.unique(langs):
            centred[langs == lang] -= self.centering_.mean_for(str(lang))
        norms = np.linalg.norm(centred, axis=1).astype(np.float32)
        centred /= np.maximum(norms, 1e-12)[:, None]
        return centred, norms

    def _update_centering(self, X: np.ndarray, langs: list[str], sentence_vectors) -> None:
        """``assign`` without a refit: add the new documents' rows (sentences or documents,
        as ``fit`` estimated the means) to the language means, and centre the earlier
        documents again on the means that moved. Without it, a language first met in
        ``assign`` is centred on its reference mean alone and one met with few rows in the
        fit keeps those few rows' mean, where a fit over all documents would use theirs:
        fit on some seeds and assign the others without a refit, 19 of 30 splits were
        right (30 of 30 with this update)."""
        centering = self.centering_
        on = getattr(self, "centering_on_", None)
        if not centering.updatable or on is None or getattr(self, "langs_", None) is None:
            return
        if on == "sentences":
            if sentence_vectors is None or not sum(len(s) for s in sentence_vectors):
                return
            rows = np.vstack([l2_normalize(s) for s in sentence_vectors if len(s)])
            row_langs = [lang for lang, s in zip(langs, sentence_vectors) for _ in range(len(s))]
        else:
            rows, row_langs = X, langs
        earlier_langs = sorted(set(self.langs_.tolist()))
        before = {lang: centering.mean_for(lang).copy() for lang in earlier_langs}
        centering.partial_fit(rows, row_langs)
        for lang in earlier_langs:
            after = centering.mean_for(lang)
            if np.array_equal(after, before[lang]):
                continue
            shift = before[lang] - after
            for idx in np.array_split(np.flatnonzero(self.langs_ == lang), max(1, len(self.langs_) // 8192)):
                centred = self.vectors_[idx] * self.center_norms_[idx, None] + shift  # in blocks: 100k x 384 is 150 MB
                norms = np.linalg.norm(centred, axis=1)
                self.vectors_[idx] = centred / np.maximum(norms, 1e-12)[:, None]
                self.center_norms_[idx] = norms

    def _prepared_sentences(self, sentences: np.ndarray, lang: str) -> np.ndarray:
        """Sentence vectors as ``pair_components`` compares them (normalised, centred)."""
        sentences = l2_normalize(sentences)
        return self.centering_.transform(sentences, [lang] * len(sentences)) if self.center_languages else sentences

    def _remember_articles(self, rows, cols, align, langs, sentence_vectors, texts):
        """Keep what ``assign`` needs to score full articles as ``fit`` does: which documents
        are articles, their sentence vectors and languages, and per document the sum and count
        of its sentence-alignment values over its candidate pairs (for local scaling)."""
        n = len(self.vectors_)
        langs = list(langs) if langs is not None else ["und"] * n
        use = self.use_alignment and sentence_vectors is not None
        self.articles_ = article_mask(sentence_vectors, texts) if use else np.zeros(n, dtype=bool)
        known = np.isfinite(align)
        counted = _in_baseline(align[known], self.calibration_.article_sure_alignment)
        values = align[known] * counted
        self.align_sums_ = (np.bincount(rows[known], values, n) + np.bincount(cols[known], values, n))
        self.align_counts_ = (np.bincount(rows[known], counted, n) + np.bincount(cols[known], counted, n)).astype(float)
        # The caller's arrays, not copies (centred when used): sentence vectors of many full
        # articles are large, and the pipeline holds them already.
        self.article_sentences_ = {int(i): (sentence_vectors[i], langs[i]) for i in np.flatnonzero(self.articles_)}

    def assign(self, X, langs=None, days=None, sentence_vectors=None, texts=None, day_widths=None) -> np.ndarray:
        """Attach new documents to the fitted events, or open new ones.

        While the fitted documents number at most ``refit_up_to`` (and the new ones bring
        the same kinds of evidence), ``fit`` runs again on old and new together; the
        earlier documents keep their labels and a new document takes the label that most
        earlier documents of its refitted event have (see ``_earlier_numbering``).

        Otherwise the two stages of ``fit`` run on the new documents, without refitting
        what the fit learned (language means, the IDF of names). First stage
        (``_first_stage_in_batch``): average linkage over the new documents' candidate
        pairs (their k nearest earlier or new documents within ``window_days``) scored as
        ``fit`` scores them (centred cosine - time penalty; full articles, see
        ``article_mask``, by sentence alignment with local scaling against their pairs from
        the fit and this batch), started from the earlier events as fixed groups that never
        merge with each other. Shared names are left out: with the fit's vocabulary and IDF
        they lowered OG2021 dev BCubed F1 from 0.736 to 0.729 (1,000 headlines fitted,
        3,840 assigned). Then the events the new documents opened or joined go through the
        centroid stage with each other and with earlier events, two earlier events never
        merging (``_merge_new_events``); groups holding full articles stay out of it, as in
        ``fit``. The partition of the new documents does not depend on their order.
        Updates labels_ and returns the new documents' labels.
        """
        if not hasattr(self, "labels_"):
            raise RuntimeError("EventClusterer.assign: call fit first")
        X, days, widths, texts = _check_inputs("EventClusterer.assign", X, langs, days, texts, sentence_vectors,
                                               n_features=self.vectors_.shape[1], day_widths=day_widths)
        langs = _language_list("EventClusterer.assign", langs, len(X)) if langs is not None else None
        sentence_vectors = _positional(sentence_vectors)
        refitted = self._refit_assign(X, langs, days, texts, sentence_vectors, widths)
        if refitted is not None:
            return refitted
        order = canonical_order(X, langs, days, texts, sentence_vectors, widths)  # as in fit
        if order is None:
            return self._assign_rows(X, langs, days, sentence_vectors, texts, widths)
        X, langs, days, texts, sentence_vectors, widths = _rows_taken(order, X, langs, days, texts, sentence_vectors,
                                                                      widths)
        n_old = len(self.labels_)
        self._assign_rows(X, langs, days, sentence_vectors, texts, widths)
        self._put_rows_back(order, n_old)
        return self.labels_[n_old:].copy()

    def _assign_rows(self, X, langs, days, sentence_vectors, texts, widths=None) -> np.ndarray:
        self.fit_inputs_ = None  # from here on the state holds documents that were not fitted together
        X = l2_normalize(X)
        langs = list(langs) if langs is not None else ["und"] * len(X)
        if self.center_languages:
            self._update_centering(X, langs, sentence_vectors)
        X, norms = self._centred(X, langs)
        days = np.asarray(days, dtype=float) if days is not None else np.full(len(X), np.nan)
        widths = np.asarray(widths, dtype=float) if widths is not None else np.zeros(len(X))
        n_old, n_new = len(self.labels_), len(X)
        use_alignment = self.use_alignment and sentence_vectors is not None
        new_articles = article_mask(sentence_vectors, texts) if use_alignment else np.zeros(n_new, dtype=bool)
        for j in np.flatnonzero(new_articles):
            self.article_sentences_[n_old + int(j)] = (sentence_vectors[j], langs[j])
        self.articles_ = np.concatenate([self.articles_, new_articles])
        self.vectors_ = np.concatenate([self.vectors_, X.astype(np.float32, copy=False)])
        if getattr(self, "langs_", None) is not None:
            self.langs_ = np.concatenate([self.langs_, np.asarray(langs, dtype=str)])
            self.center_norms_ = np.concatenate([self.center_norms_, norms])
        self.days_ = np.concatenate([self.days_, days])
        self.day_widths_ = np.concatenate([self._widths(n_old), widths])
        labels = np.concatenate([self.labels_, self._first_stage_in_batch(n_old)])
        if self.merge_centroids and self.calibration_.centroid_threshold is not None and n_new:
            labels[n_old:] = self._merge_new_events(labels, self.vectors_, self.days_, self.articles_, n_old)
        self.labels_ = labels
        self.n_clusters_ = int(labels.max()) + 1 if len(labels) else 0
        return labels[n_old:].copy()

    def _widths(self, n: int | None = None) -> np.ndarray:
        """The day widths of the state's documents (all 0 in states made before widths were kept)."""
        widths = getattr(self, "day_widths_", None)
        n = len(self.days_) if n is None else n
        return widths if widths is not None and len(widths) == n else np.zeros(n)

    def explain_pair(self, i: int, j: int, texts: list[str] | None = None, top: int = 3) -> dict:
        """Why rows ``i`` and ``j`` of the fitted state meet or not: each evidence source's
        value for the pair and the first-stage score they combine into, as ``fit`` (and
        ``assign``) score it, against the threshold the first stage stops at.

        Headlines: language-centred cosine + term weight x shared names - time penalty;
        ``texts`` (one per row, as given to ``fit``) gives the shared names when the state
        has no name vectors of its own (a loaded one), and with them ``shared_words``: for
        each row, the words holding most of the name similarity, with their shares
        (``SharedTermSimilarity.shared_words``). Full articles: sentence alignment
        over its null, minus each article's typical alignment with its other candidates
        (local scaling), with the ``top`` best-matching sentence pairs (row indices into
        each article's sentences, and their cosine). A pair's score is one edge of the
        graph: events are made by average linkage over all their members' pairs and by the
        centroid stage, so two rows can share an event below the threshold, or not above it.
        A pair outside the candidate graph scores what the first stage counted it as
        (``Calibration.missing_for``), its evidence's score kept as ``score_if_candidate``.
        Rows attached by ``assign`` without a refit are scored without shared names, as
        ``assign`` scores them; typical alignments are those of the state now, later
        updates' pairs included.
        """
        i, j = self._checked_rows("EventClusterer.explain_pair", i, j)
        n = len(self.labels_)
        if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0:
            raise ValueError(f"EventClusterer.explain_pair: top must be a whole number >= 0, not {top!r}")
        cal = self.calibration_
        days = self.days_
        dt = (float(_time_gaps(days, self._widths(), np.array([i]), np.array([j]))[0])
              if np.isfinite(days[i]) and np.isfinite(days[j]) else None)
        penalty = float(self._time_penalty(np.array([np.nan if dt is None else dt]))[0])
        candidates = self._candidate_pair(i, j)
        out = {"rows": [i, j], "same_event": bool(self.labels_[i] == self.labels_[j]),
               "candidate_pair": candidates, "cosine": float(self.vectors_[i] @ self.vectors_[j]),
               "days_apart": dt, "time_penalty": penalty, "threshold": float(cal.threshold)}
        articles = getattr(self, "articles_", np.zeros(n, bool))
        if self.use_alignment and articles[i] and articles[j]:
            out.update(self._explain_articles(i, j, candidates, top))
            out["score"] = out["article_score"] - penalty
        else:
            names = None
            fitted = getattr(self, "fitted_rows_", n)
            if self.use_terms and max(i, j) < fitted:   # assign leaves names out of the pairs it scores
                terms = self._terms_for("EventClusterer.explain_pair", texts)
                if terms is not None:
                    names = float(terms.pairs(np.array([i]), np.array([j]))[0])
                    if texts is not None and len(texts) == n:
                        out["shared_words"] = [list(side) for side in terms.shared_words(i, j, texts[i], texts[j])]
            out["shared_names"] = names
            out["score"] = out["cosine"] + (cal.term_weight * names if names is not None else 0.0) - penalty
        if not candidates:
            # The first stage never scored this pair: it counted as missing_sim (below the threshold).
            out["score_if_candidate"] = out["score"]
            out["score"] = float(cal.missing_for(cal.threshold))
        out["clears_threshold"] = bool(round(out["score"], 5) >= cal.threshold)
        return out

    def _checked_rows(self, where: str, i, j) -> tuple[int, int]:
        if not hasattr(self, "labels_"):
            raise RuntimeError(f"{where}: call fit first")
        n = len(self.labels_)
        for name, row in (("i", i), ("j", j)):
            if isinstance(row, (bool, np.bool_)) or not isinstance(row, (int, np.integer)) or not 0 <= int(row) < n:
                raise ValueError(f"{where}: {name}={row!r} is not a row of the fitted state (0..{n - 1})")
        if int(i) == int(j):
            raise ValueError(f"{where}: i and j are the same row")
        return int(i), int(j)

    def explain_events(self, i: int, j: int, texts: list[str] | None = None, max_pairs: int = 400) -> dict:
        """How the events of rows ``i`` and ``j`` compare as events.

        First stage (``"first_stage"``, when the two events have at most ``max_pairs``
        member pairs): the mean, over every pair of a member of one and a member of the
        other, of the pair score ``explain_pair`` gives (a pair outside the candidate graph
        counting what the first stage counts it as), against the threshold: what average
        linkage needs to join the two. Then the centroid stage, the one
        that last decides whether two events merge: the cosine of their (language-centred)
        centroids, their mean dates' distance and time penalty, the term weight x the
        cosine of their summed name vectors, and the score those combine into against
        ``centroid_threshold``, with what keeps them apart (``"kept_apart_by"``): the
        stage being off, a full article in either event (articles are merged by their
        sentence alignment, never by centroids), the two not being each other's candidates
        (nearest event centroids within the time window), the span limit, or the score.
        ``texts`` serves as in ``explain_pair`` when the state has no name vectors.
        Events containing rows attached by ``assign`` without a refit are compared
        without names, as ``assign`` compares them."""
        i, j = self._checked_rows("EventClusterer.explain_events", i, j)
        labels = self.labels_
        a, b = int(labels[i]), int(labels[j])
        m = int(labels.max()) + 1
        sizes = np.bincount(labels, minlength=m)
        out = {"events": [a, b], "rows_in_event": [int(sizes[a]), int(sizes[b])], "same_event": a == b}
        if a == b:
            return out
        cal = self.calibration_
        threshold = None if cal.centroid_threshold is None or not self.merge_centroids else float(cal.centroid_threshold)
        days = self.days_
        centroids, times, mean_widths = self._event_summaries()
        pair = (np.array([a]), np.array([b]))
        dt = float(_time_gaps(times, mean_widths, *pair)[0])
        dt = dt if np.isfinite(dt) else None
        penalty = float(self._time_penalty(np.array([np.nan if dt is None else dt]))[0])
        names = self._event_names(labels, a, b, texts)
        cosine = float(centroids[a] @ centroids[b])
        out.update({"centroid_threshold": threshold, "centroid_cosine": cosine, "days_apart": dt,
                    "time_penalty": penalty, "shared_names": names,
                    "score": cosine + (cal.term_weight * names if names is not None else 0.0) - penalty})
        first, last = _day_range_by_label(days, labels, m)
        span = np.nanmax([last[a], last[b]]) - np.nanmin([first[a], first[b]]) if np.isfinite([first[a], first[b]]).any() else None
        out["span_days_if_merged"] = None if span is None or not np.isfinite(span) else float(span)
        window = self.window_days if self.use_time else None
        rows, cols, _ = knn_candidates(centroids, self.k, times, window, queries=np.array([a, b]))
        out["candidate_events"] = bool(np.any(((rows == a) & (cols == b)) | ((rows == b) & (cols == a))))
        articles = getattr(self, "articles_", np.zeros(len(labels), bool))
        limit = self._span_limit()
        if threshold is None:
            reason = "centroid stage off"
        elif articles[labels == a].any() or articles[labels == b].any():
            reason = "full articles"
        elif not out["candidate_events"]:
            reason = "not candidates"
        elif limit is not None and out["span_days_if_merged"] is not None and out["span_days_if_merged"] > limit:
            reason = "span limit"
        elif round(out["score"], 5) < threshold:
            reason = "score"
        else:
            reason = None   # would merge in another round (max_merge_rounds reached)
        out["kept_apart_by"] = reason
        members = [np.flatnonzero(labels == e) for e in (a, b)]
        if len(members[0]) * len(members[1]) <= max_pairs:
            pairs = [self.explain_pair(int(r), int(c), texts=texts, top=0) for r in members[0] for c in members[1]]
            out["first_stage"] = {"pairs": len(pairs), "candidate_pairs": sum(q["candidate_pair"] for q in pairs),
                                  "mean_score": float(np.mean([q["score"] for q in pairs])),
                                  "threshold": float(cal.threshold)}
        return out

    def _event_summaries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per event of ``labels_``: the normalised sum of its members' vectors, its mean
        known date (NaN if none) and its members' mean day width, as the centroid stage
        keeps them."""
        labels, days, widths = self.labels_, self.days_, self._widths()
        m = int(labels.max()) + 1
        known = np.isfinite(days)
        counts = np.bincount(labels[known], None, m)
        times = np.bincount(labels[known], days[known], m) / np.where(counts > 0, counts, np.nan)
        mean_widths = np.nan_to_num(np.bincount(labels[known], widths[known], m) / np.where(counts > 0, counts, np.nan))
        return l2_normalize(_sum_rows_by_label(self.vectors_.astype(np.float64), labels, m)), times, mean_widths

    def nearest_events(self, i: int, top: int = 3) -> list[int]:
        """The rows' representatives (each event's first row) of the ``top`` events nearest
        to row ``i``'s, by the centroid stage's score without names (centroid cosine - time
        penalty) among the events whose centroids are within each other's ``k`` nearest in
        the time window, best first; pass each to ``explain_events`` to see how the two
        stages compare it with ``i``'s event."""
        if not hasattr(self, "labels_"):
            raise RuntimeError("EventClusterer.nearest_events: call fit first")
        n = len(self.labels_)
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)) or not 0 <= int(i) < n:
            raise ValueError(f"EventClusterer.nearest_events: i={i!r} is not a row of the fitted state (0..{n - 1})")
        if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0:
            raise ValueError(f"EventClusterer.nearest_events: top must be a whole number >= 0, not {top!r}")
        event = int(self.labels_[int(i)])
        centroids, times, widths = self._event_summaries()
        window = self.window_days if self.use_time else None
        rows, cols, sims = knn_candidates(centroids, self.k, times, window, queries=np.array([event]))
        mine = (rows == event) | (cols == event)
        others = np.where(rows[mine] == event, cols[mine], rows[mine])
        scores = sims[mine].astype(np.float64) - self._time_penalty(_time_gaps(times, widths, np.full(len(others), event), others))
        order = sorted(range(len(others)), key=lambda k: (-round(float(scores[k]), 6), int(others[k])))
        first_row = {}
        for row, label in enumerate(self.labels_):
            first_row.setdefault(int(label), row)
        return [first_row[int(others[k])] for k in order[:top]]

    def _event_names(self, labels: np.ndarray, a: int, b: int, texts) -> float | None:
        """Cosine of the summed name vectors of events a and b (None: no names to compare)."""
        members = np.flatnonzero((labels == a) | (labels == b))
        if not self.use_terms or len(members) == 0 or members.max() >= getattr(self, "fitted_rows_", len(labels)):
            return None
        terms = self._terms_for("EventClusterer.explain_events", texts)
        if terms is None:
            return None
        matrix = terms.matrix_.tocsr()
        sums = [np.asarray(matrix[np.flatnonzero(labels == e)].sum(axis=0)).ravel() for e in (a, b)]
        norms = float(np.linalg.norm(sums[0]) * np.linalg.norm(sums[1]))
        return float(sums[0] @ sums[1] / norms) if norms > 0 else 0.0

    def _terms_for(self, where: str, texts) -> SharedTermSimilarity | None:
        """The state's name vectors, or (a loaded state has none) those of ``texts``, fitted
        once per distinct list of texts: explaining two events scores many pairs."""
        terms = getattr(self, "terms_", None)
        if terms is not None or texts is None:
            return terms
        n = len(self.labels_)
        if len(texts) != n:
            raise ValueError(f"{where}: {len(texts)} texts for {n} rows")
        import hashlib

        key = hashlib.sha256("\x00".join(texts).encode("utf-8", "surrogatepass")).hexdigest()
        cached = getattr(self, "_explained_terms", None)
        if cached is None or cached[0] != key:
            self._explained_terms = cached = (key, SharedTermSimilarity().fit(list(texts)))
        return cached[1]

    def _candidate_pair(self, i: int, j: int) -> bool:
        """Whether (i, j) is an edge of the candidate graph: one is among the other's k
        nearest within the time window."""
        window = self.window_days if self.use_time else None
        rows, cols, _ = knn_candidates(self.vectors_, self.k, self.days_, window, queries=np.array([i, j]))
        return bool(np.any(((rows == i) & (cols == j)) | ((rows == j) & (cols == i))))

    def _explain_articles(self, i: int, j: int, candidate: bool, top: int) -> dict:
        cal = self.calibration_
        cache: dict[int, np.ndarray] = {}

        def sentences_of(row: int) -> np.ndarray:
            if row not in cache:
                cache[row] = self._prepared_sentences(*self.article_sentences_[row])
            return cache[row]

        prepared = self._topic_sentences([i, j], sentences_of, self.vectors_, self.days_, self.articles_)
        a, b = prepared[i], prepared[j]
        align = sentence_alignment(a, b)
        same_language = float(self.article_sentences_[i][1] == self.article_sentences_[j][1])
        adjusted = float(_alignment_over_null(np.array([align]), np.array([np.log(max(len(a), 1)) + np.log(max(len(b), 1))]),
                                              np.array([same_language]), cal)[0])
        # The pair's own value is in the sums when it is an edge below the sure alignment.
        counted = float(candidate and _in_baseline(np.array([adjusted]), cal.article_sure_alignment)[0])
        own = adjusted * counted
        typical = [float(_shrunk_mean(np.array([self.align_sums_[r] - own]), np.array([self.align_counts_[r] - counted]),
                                      cal.article_background, cal.article_background_weight)[0]) for r in (i, j)]
        baseline = (typical[0] + typical[1]) / 2
        # The pairs the alignment is made of: each sentence with its best counterpart in
        # the other article, both ways, best first.
        sims = a @ b.T
        best = {(r, int(np.argmax(sims[r]))) for r in range(sims.shape[0])} | \
               {(int(np.argmax(sims[:, c])), c) for c in range(sims.shape[1])}
        matches = [{"sentence_i": r, "sentence_j": c, "cosine": float(sims[r, c])}
                   for r, c in sorted(best, key=lambda rc: (-sims[rc], rc))[:top]]
        return {"sentence_alignment": float(align), "alignment_over_null": adjusted,
                "typical_alignment": typical, "article_score": float(_article_scores(np.array([adjusted]),
                                                                                       np.array([baseline]), cal)[0]),
                "best_sentence_matches": matches}

    def _time_penalty(self, dt: np.ndarray) -> np.ndarray:
        cal = self.calibration_
        out = np.zeros(len(dt))
        ok = np.isfinite(dt)
        if self.use_time:
            out[ok] = cal.time_weight * (1.0 - np.exp(-dt[ok] / cal.time_scale_days))
        return out

    def _batch_article_scores(self, rows, cols) -> tuple[np.ndarray, np.ndarray]:
        """For candidate pairs of two full articles: (which pairs, their scores before the
        time penalty), sentence alignment with local scaling as in ``combine``, each
        article's typical alignment taken over its pairs from the fit, earlier updates and
        this batch (which are recorded for later updates)."""
        cal = self.calibration_
        both = self.articles_[rows] & self.articles_[cols]
        if not both.any():
            return both, np.zeros(0)
        cache: dict[int, np.ndarray] = {}

        def sentences_of(i: int) -> np.ndarray:
            if i not in cache:
                cache[i] = self._prepared_sentences(*self.article_sentences_[i])
            return cache[i]

        prepared = self._topic_sentences(np.unique(np.r_[rows[both], cols[both]]), sentences_of,
                                         self.vectors_, self.days_, self.articles_)
        align = np.full(len(rows), np.nan)
        align[both] = [sentence_alignment(prepared[int(a)], prepared[int(b)]) for a, b in zip(rows[both], cols[both])]
        if cal.article_null is not None:
            pair_rows, pair_cols = rows[both], cols[both]
            log_counts = {i: np.log(max(len(s), 1)) for i, s in prepared.items()}
            align[both] = _alignment_over_null(
                align[both], np.array([log_counts[int(a)] + log_counts[int(b)] for a, b in zip(pair_rows, pair_cols)]),
                np.array([float(self.article_sentences_[int(a)][1] == self.article_sentences_[int(b)][1])
                          for a, b in zip(pair_rows, pair_cols)]), cal)
        n = len(self.vectors_)
        prior_total = np.concatenate([self.align_sums_, np.zeros(n - len(self.align_sums_))])
        prior_count = np.concatenate([self.align_counts_, np.zeros(n - len(self.align_counts_))])
        scaled = _local_scaling(align, both, rows, cols, cal.article_background, cal.article_background_weight,
                                prior_total, prior_count, exclude_at=cal.article_sure_alignment)
        r, c, v = rows[both], cols[both], align[both]
        counted = _in_baseline(v, cal.article_sure_alignment)
        self.align_sums_ = prior_total + np.bincount(r, v * counted, n) + np.bincount(c, v * counted, n)
        self.align_counts_ = prior_count + np.bincount(r, counted, n) + np.bincount(c, counted, n)
        return both, _article_scores(v, v - scaled, cal)

    def _first_stage_in_batch(self, n_old: int) -> np.ndarray:
        """The first stage of ``fit`` for the documents after the first ``n_old`` of the
        state: average linkage over their candidate graph (their k nearest among earlier
        and new documents within the time window, scored as ``fit`` scores pairs, shared
        names aside), started from the earlier events as fixed groups (never merged with
        each other) and the new documents alone. Returns the new documents' labels: an
        earlier event's, or new ones after them."""
        cal = self.calibration_
        vectors, days, earlier = self.vectors_, self.days_, self.labels_[:n_old]
        n = len(vectors)
        n_old_events = int(earlier.max()) + 1 if n_old else 0
        rows, cols, sims = knn_candidates(vectors, self.k, days, self.window_days if self.use_time else None,
                                          queries=np.arange(n_old, n))
        scores = sims.astype(np.float64)
        if self.use_alignment:
            both, article_scores = self._batch_article_scores(rows, cols)
            scores[both] = article_scores
        scores -= self._time_penalty(_time_gaps(days, self._widths(), rows, cols))
        node = np.concatenate([earlier, n_old_events + np.arange(n - n_old)])
        lo, hi, sums, counts = grouped_edges(n_old_events + n - n_old, node[rows], node[cols], np.round(scores, 5))
        sizes = np.concatenate([np.bincount(earlier, minlength=n_old_events), np.ones(n - n_old)])
        fixed = np.arange(len(sizes)) < n_old_events
        first_days, last_days = _day_range_by_label(days, node, len(sizes))
        merged = grouped_average_linkage(sizes, lo, hi, sums, counts, cal.threshold, cal.missing_for(cal.threshold),
                                         fixed=fixed, first_days=first_days, last_days=last_days,
                                         max_span_days=self._span_limit())
        return _earlier_numbering(earlier, merged[node])

    def _merge_new_events(self, labels, vectors, days, articles, n_old) -> np.ndarray:
        """The centroid stage of ``fit`` after the first stage of ``assign``: the events the
        new documents opened or joined are merged by their centroids with each other and
        with earlier events (never two earlier events with each other), as ``fit`` merges
        the groups of its first stage. Without it the groups new headlines form among
        themselves never meet (fit the earliest 1,000 OG2021 dev headlines and attach the
        other 3,840 one by one, as assign once did: cross-lingual recall 0.20). Returns the
        new documents' labels in the earlier numbering (``_earlier_numbering``)."""
        fixed = np.zeros(len(labels), dtype=bool)
        fixed[:n_old] = True
        rounds = getattr(self, "n_rounds_", 0)
        merged = self._merge_centroids(labels, articles, vectors=vectors, days=days, use_terms=False,
                                       fixed=fixed, queries=np.unique(labels[n_old:]), widths=self._widths())
        self.n_rounds_ = rounds  # the fit's count
        return _earlier_numbering(labels[:n_old], merged)

    def _refit_assign(self, X, langs, days, texts, sentence_vectors, widths=None) -> np.ndarray | None:
        """``assign`` by fitting again on earlier and new documents; None where it does not apply."""
        kept = getattr(self, "fit_inputs_", None)
        if (kept is None or len(kept.X) != len(self.labels_) or len(self.labels_) > self.refit_up_to
                or not kept.accepts(texts, sentence_vectors)):
            return None
        inputs = kept.extended(FitInputs.of(X, langs, days, texts, sentence_vectors, day_widths=widths))
        model = clone(self)
        model.calibration, model.reference_means = self.calibration_, kept.reference_means
        model.fit(inputs.X, **inputs.evidence())
        earlier = self.labels_
        new_labels = _earlier_numbering(earlier, model.labels_)
        for name, value in vars(model).items():  # the refit's learned state, for later assigns and save()
            if name.endswith("_") and not name.startswith("_"):
                setattr(self, name, value)
        self.labels_ = np.concatenate([earlier, new_labels])
        self.n_clusters_ = int(self.labels_.max()) + 1 if len(self.labels_) else 0
        self.fit_inputs_ = inputs if len(inputs.X) <= self.refit_up_to else None  # as fit keeps them
        return new_labels.copy()

    STATE_FORMAT = 1
    STATE_ARRAYS = ("labels", "vectors", "days", "articles", "align_sums", "align_counts", "centering_means",
                    "global_mean", "article_index", "article_offsets", "article_sentences")

    def save(self, directory: str | Path) -> None:
        """Write what ``assign`` needs (parameters, calibration, language means, the fitted
        documents' centred vectors, dates, labels and article sentence vectors) to
        ``directory`` as ``clusterer.json`` + ``clusterer.npz`` (no pickle), so a later job
        can attach new documents to these events with ``EventClusterer.load(directory)``."""
        if not hasattr(self, "labels_"):
            raise RuntimeError("EventClusterer.save: call fit first")
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        # Reference means are only a prior for fitting the language means, which are saved.
        params = {k: v for k, v in self.get_params().items() if k not in ("calibration", "reference_means")}
        centering = getattr(self, "centering_", None)  # None when fitted with center_languages=False
        langs = sorted(centering.means_) if centering is not None else []
        dim = self.vectors_.shape[1]
        article_index = np.array(sorted(self.article_sentences_), dtype=np.int64)
        sentences = [l2_normalize(self.article_sentences_[int(i)][0]) for i in article_index]
        offsets = np.cumsum([0] + [len(s) for s in sentences]).astype(np.int64)
        meta = {"format": self.STATE_FORMAT, "params": params, "calibration": asdict(self.calibration_),
                "fitted_rows": int(getattr(self, "fitted_rows_", len(self.labels_))),
                "centering_langs": langs, "article_langs": [self.article_sentences_[int(i)][1] for i in article_index],
                "n_documents": int(len(self.labels_))}
        arrays = {
            "labels": self.labels_, "vectors": self.vectors_, "days": self.days_, "day_widths": self._widths(),
            "articles": self.articles_,
            "align_sums": self.align_sums_, "align_counts": self.align_counts_,
            "centering_means": (np.stack([centering.means_[lang] for lang in langs]) if langs
                                else np.zeros((0, dim), np.float32)),
            "global_mean": centering.global_mean_ if centering is not None else np.zeros(dim, np.float32),
            "article_index": article_index, "article_offsets": offsets,
            "article_sentences": np.vstack(sentences) if sentences else np.zeros((0, dim), np.float32),
        }
        if centering is not None:
            arrays.update(self._centering_record(meta, langs, dim))
        kept = getattr(self, "fit_inputs_", None)
        if kept is not None:
            meta["fit_inputs"], fit_arrays = _fit_inputs_record(kept, dim, set(self.article_sentences_))
            arrays.update(fit_arrays)
        with open(directory / "clusterer.npz", "wb") as handle:
            np.savez(handle, **arrays)
        (directory / "clusterer.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")

    def _centering_record(self, meta: dict, langs: list[str], dim: int) -> dict:
        """What ``assign`` needs to update the language means after a load (see
        ``_update_centering``): the sums and counts behind them, their reference means,
        and the fitted documents' languages and norms before normalising. ``meta`` gets
        the scalars."""
        centering = self.centering_
        if not centering.updatable or getattr(self, "langs_", None) is None:
            return {}
        references = centering.reference_means or {}
        meta["centering"] = {"on": getattr(self, "centering_on_", None), "shrinkage": centering.shrinkage,
                             "min_docs": centering.min_docs, "global_count": int(centering.global_count_),
                             "counts": [int(centering.counts_.get(lang, 0)) for lang in langs],
                             "reference_langs": [lang for lang in langs if lang in references]}
        return {"centering_sums": (np.stack([centering.sums_.get(lang, np.zeros(dim)) for lang in langs])
                                   if langs else np.zeros((0, dim))),
                "centering_references": (np.stack([np.asarray(references[lang], np.float32)
                                                   for lang in meta["centering"]["reference_langs"]])
                                         if meta["centering"]["reference_langs"] else np.zeros((0, dim), np.float32)),
                "global_sum": centering.global_sum_, "langs": self.langs_, "center_norms": self.center_norms_}

    def _centering_from(self, meta: dict, arrays: dict) -> None:
        """The inverse of ``_centering_record`` (a state saved without it keeps its means fixed)."""
        record = meta.get("centering")
        if record is None:
            return
        n, langs = len(self.labels_), list(self.centering_.means_)
        sums, references = arrays["centering_sums"], arrays["centering_references"]
        if (len(arrays["langs"]) != n or len(arrays["center_norms"]) != n or len(sums) != len(langs)
                or len(record["counts"]) != len(langs) or len(references) != len(record["reference_langs"])):
            raise ValueError("its language-mean sums do not agree in size")
        centering = self.centering_
        centering.shrinkage, centering.min_docs = float(record["shrinkage"]), int(record["min_docs"])
        centering.reference_means = dict(zip(record["reference_langs"], references.astype(np.float32)))
        centering.sums_ = {lang: sums[k].astype(np.float64) for k, lang in enumerate(langs)}
        centering.counts_ = dict(zip(langs, map(int, record["counts"])))
        centering.global_sum_, centering.global_count_ = arrays["global_sum"].astype(np.float64), int(record["global_count"])
        self.centering_on_ = record["on"]
        self.langs_ = arrays["langs"].astype(str)
        self.center_norms_ = arrays["center_norms"].astype(np.float32)

    @classmethod
    def load(cls, directory: str | Path) -> "EventClusterer":
        """An EventClusterer fitted earlier and written by ``save``, ready for ``assign``."""
        directory = Path(directory)
        try:
            meta = json.loads((directory / "clusterer.json").read_text(encoding="utf-8"))
            with np.load(directory / "clusterer.npz", allow_pickle=False) as stored:
                arrays = {name: stored[name] for name in stored.files}
            missing = [name for name in cls.STATE_ARRAYS if name not in arrays]
            if missing:
                raise ValueError(f"clusterer.npz lacks {', '.join(missing)}")
            n, dim = len(arrays["labels"]), arrays["global_mean"].shape[-1]
            if (arrays["vectors"].shape != (n, dim) or len(arrays["days"]) != n or len(arrays["articles"]) != n
                    or arrays["centering_means"].shape[-1] != dim):
                raise ValueError("clusterer.npz arrays do not agree in size")
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
            raise ValueError(f"{directory}: not a saved EventClusterer ({type(err).__name__}: {err})") from err
        if not isinstance(meta, dict):
            raise ValueError(f"{directory}: not a saved EventClusterer (clusterer.json is not a JSON object)")
        if meta.get("format") != cls.STATE_FORMAT:
            raise ValueError(f"{directory}: saved EventClusterer format {meta.get('format')!r}, "
                             f"this version reads {cls.STATE_FORMAT}")
        try:
            return cls._from_saved(meta, arrays)
        except (KeyError, TypeError, AttributeError, IndexError, ValueError) as err:
            what = f"missing field {err}" if isinstance(err, KeyError) else f"{type(err).__name__}: {err}"
            raise ValueError(f"{directory}: not a saved EventClusterer ({what})") from err

    @classmethod
    def _from_saved(cls, meta: dict, arrays: dict) -> "EventClusterer":
        calibration = Calibration.from_dict(meta["calibration"])
        if not isinstance(meta["params"], dict):
            raise ValueError("params is not a JSON object")
        model = cls(**meta["params"], calibration=calibration)
        _check_params(model)
        model.calibration_ = calibration
        model.centering_ = LanguageCentering()
        model.centering_.means_ = dict(zip(meta["centering_langs"], arrays["centering_means"].astype(np.float32)))
        model.centering_.global_mean_ = arrays["global_mean"].astype(np.float32)
        model.labels_ = arrays["labels"].astype(np.int64)
        model.n_clusters_ = int(model.labels_.max()) + 1 if len(model.labels_) else 0
        model.vectors_ = arrays["vectors"].astype(np.float32, copy=False)
        model.n_features_in_ = int(model.vectors_.shape[1])
        model.days_ = arrays["days"].astype(float)
        model.day_widths_ = (arrays["day_widths"].astype(float) if "day_widths" in arrays  # older states: moments
                             else np.zeros(len(model.days_)))
        if len(model.day_widths_) != len(model.days_):
            raise ValueError("day_widths and days do not agree in size")
        model.articles_ = arrays["articles"].astype(bool)
        model.align_sums_ = arrays["align_sums"].astype(float)
        model.align_counts_ = arrays["align_counts"].astype(float)
        offsets = arrays["article_offsets"]
        if len(meta["article_langs"]) != len(arrays["article_index"]) or len(offsets) != len(arrays["article_index"]) + 1:
            raise ValueError("article sentence arrays do not agree in size")
        model.article_sentences_ = {
            int(i): (arrays["article_sentences"][offsets[k]:offsets[k + 1]], str(lang))
            for k, (i, lang) in enumerate(zip(arrays["article_index"], meta["article_langs"]))}
        model._centering_from(meta, arrays)
        model.reference_means = model.centering_.reference_means or None  # the prior, for clone(model).fit
        model.fit_inputs_ = None
        if "fit_inputs" in meta:
            try:
                model.fit_inputs_ = _fit_inputs_from(meta["fit_inputs"], arrays, model.article_sentences_)
            except (KeyError, ValueError, TypeError) as err:
                raise ValueError(f"its kept fit inputs: {type(err).__name__}: {err}") from err
        fitted = meta.get("fitted_rows")
        model.fitted_rows_ = len(model.labels_) if fitted is None else int(fitted)
        return model

    def fit_predict(self, X, y=None, **evidence):
        return self.fit(X, **evidence).labels_

    def assign_documents(self, documents: list[Document], doc_vectors: np.ndarray,
                         sentence_vectors: list[np.ndarray] | None = None) -> np.ndarray:
        """``assign`` with the evidence read from the documents, as ``fit_predict_documents``."""
        return self.assign(doc_vectors, sentence_vectors=sentence_vectors, **document_evidence(documents))

    def fit_predict_documents(self, documents: list[Document], doc_vectors: np.ndarray,
                              sentence_vectors: list[np.ndarray] | None = None) -> np.ndarray:
        """Pipeline entry: evidence read from the documents themselves."""
        return self.fit_predict(doc_vectors, sentence_vectors=sentence_vectors, **document_evidence(documents))
