"""Evidence for "same event": each part computes a pairwise signal and can be switched off.

- language centring: removes the per-language offset that makes multilingual vectors
  group by language before topic or event;
- time: publication/event dates far apart make the same event unlikely;
- names and numbers: rare tokens shared after fa/ar folding (باقری/باقري, سعدون);
- sentence alignment: for full articles, the share of sentences with a close
  counterpart in the other article.
"""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from akhbar.ingest import fold

_TOKEN = re.compile(r"\w+", re.UNICODE)
# Arabic-script clitics/prefixes that glue to names: و (and), ب (in), ل (to), ال (the).
_AR_PREFIX = re.compile(r"^(?:وال|بال|كال|كال|فال|لل|ال|و|ب|ل)(?=\w{3,})")


def l2_normalize(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


class LanguageCentering:
    """Subtract a per-language mean vector, then re-normalise.

    The mean of a language is estimated from the documents being clustered, shrunk
    toward a stored reference mean (when one exists for that language) when the batch
    has few documents in it: mean = (n * batch_mean + k * reference) / (n + k).
    With no reference and too few documents, the global mean of the batch is used.
    """

    def __init__(self, reference_means: dict[str, np.ndarray] | None = None, shrinkage: float = 20.0,
                 min_docs: int = 5):
        self.reference_means = reference_means or {}
        self.shrinkage = shrinkage
        self.min_docs = min_docs

    def fit(self, X: np.ndarray, langs: list[str]):
        X = np.asarray(X, dtype=np.float32)
        langs_arr = np.asarray(langs)
        global_mean = X.mean(axis=0)
        self.means_: dict[str, np.ndarray] = {}
        for lang in sorted(set(langs)):
            rows = X[langs_arr == lang]
            n = len(rows)
            reference = self.reference_means.get(lang)
            if reference is not None:
                mean = (n * rows.mean(axis=0) + self.shrinkage * reference) / (n + self.shrinkage)
            elif n >= self.min_docs:
                mean = rows.mean(axis=0)
            else:
                mean = global_mean
            self.means_[lang] = mean.astype(np.float32)
        self.global_mean_ = global_mean
        return self

    def transform(self, X: np.ndarray, langs: list[str]) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32).copy()
        for i, lang in enumerate(langs):
            X[i] -= self.means_.get(lang, self.global_mean_)
        return l2_normalize(X)

    def fit_transform(self, X, langs):
        return self.fit(X, langs).transform(X, langs)


def name_tokens(text: str, min_len: int = 3) -> set[str]:
    """Folded word tokens with Arabic clitics removed; numbers kept (ASCII digits)."""
    tokens = set()
    for token in _TOKEN.findall(fold(text)):
        if token.isdigit():
            tokens.add(token)
            continue
        token = _AR_PREFIX.sub("", token)
        if len(token) >= min_len:
            tokens.add(token)
    return tokens


class SharedTermSimilarity:
    """IDF-weighted overlap of rare tokens (names, places, numbers) between documents.

    Document frequency comes from the batch being clustered (plus an optional prior
    count table), so words common to the whole batch (the topic) weigh little and the
    names that identify one event weigh much.
    """

    def __init__(self, max_df: float = 0.2, prior_df: Counter | None = None, prior_n: int = 0):
        self.max_df = max_df
        self.prior_df = prior_df or Counter()
        self.prior_n = prior_n

    def fit(self, texts: list[str]):
        self.token_sets_ = [name_tokens(t) for t in texts]
        df = Counter(tok for toks in self.token_sets_ for tok in toks)
        n = len(texts) + self.prior_n
        self.idf_ = {}
        for token, count in df.items():
            total = count + self.prior_df.get(token, 0)
            if total / n <= self.max_df or n < 10:
                self.idf_[token] = math.log((n + 1) / (total + 0.5))
        return self

    def pair(self, i: int, j: int) -> float:
        """Weighted Jaccard-like score in [0, 1]."""
        a, b = self.token_sets_[i], self.token_sets_[j]
        shared = sum(self.idf_.get(t, 0.0) for t in a & b)
        smaller = min(sum(self.idf_.get(t, 0.0) for t in a), sum(self.idf_.get(t, 0.0) for t in b))
        return shared / smaller if smaller > 0 else 0.0


def time_penalty(days_apart: float, scale_days: float) -> float:
    """0 for the same day, rising smoothly to 1 as dates move apart by several scales."""
    return 1.0 - math.exp(-max(days_apart, 0.0) / scale_days)


def sentence_alignment(a: np.ndarray, b: np.ndarray, threshold: float) -> float:
    """Share of sentences (averaged both ways) with a counterpart above ``threshold``."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    sims = a @ b.T
    forward = float((sims.max(axis=1) >= threshold).mean())
    backward = float((sims.max(axis=0) >= threshold).mean())
    return (forward + backward) / 2
