"""Evidence for "same event": each part computes a pairwise signal and can be switched off.

- language centring: removes the per-language offset that makes multilingual vectors
  group by language before topic or event;
- time: publication/event dates far apart make the same event unlikely;
- names and numbers: rare tokens shared after fa/ar folding (باقری/باقري, سعدون,
  عراقچی/عراقجي);
- sentence alignment: for full articles, the share of sentences with a close
  counterpart in the other article.
"""
from __future__ import annotations

import re

import numpy as np

from akhbar.ingest import fold

_TOKEN = re.compile(r"\w+", re.UNICODE)
# Arabic-script clitics/prefixes that glue to names: و (and), ب (in), ل (to), ال (the).
# They match folded text, where Arabic kaf is already Persian ک.
_AR_PREFIX = re.compile(r"^(?:وال|بال|کال|فال|لل|ال|و|ب|ل)(?=\w{3,})")
# Arabic writes the letters Persian adds to the alphabet with their Arabic bases
# (عراقچی -> عراقجي, پزشکیان -> بزشكيان, گلپایگانی -> الكلبايكاني, ڤ -> ف). No
# transliteration library keys the two spellings alike (anyascii: "rqchy" / "rqjy"), so
# names are compared on the bases. Only for matching: Persian text keeps its letters.
_PERSIAN_LETTERS_TO_ARABIC = str.maketrans({"پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ک", "ڤ": "ف"})


def name_key(text: str) -> str:
    """``fold`` plus the Persian-only letters written as Arabic writes them, for
    matching names across Persian and Arabic spellings."""
    return fold(text).translate(_PERSIAN_LETTERS_TO_ARABIC)


def l2_normalize(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def _distinct_rows(X: np.ndarray) -> np.ndarray:
    """The distinct rows of X, sorted by their bytes (so also independent of input order).
    Twice as fast as np.unique(axis=0), which matters at 100k rows."""
    X = np.ascontiguousarray(X)
    if len(X) < 2:
        return X
    rows = X.view(np.dtype((np.void, X.dtype.itemsize * X.shape[1]))).ravel()
    return np.unique(rows).view(X.dtype).reshape(-1, X.shape[1])


class LanguageCentering:
    """Subtract a per-language mean vector, then re-normalise.

    The mean of a language is estimated from the distinct rows being clustered, shrunk
    toward a stored reference mean (when one exists for that language) when the batch
    has few documents in it: mean = (n * batch_mean + k * reference) / (n + k). A
    language with no rows in the batch (met later, in ``assign``) takes its reference
    mean, not the batch's global mean, which for a batch in one language is that
    language's own offset. With no reference and too few documents, the global mean of
    the batch is used.

    ``partial_fit`` adds rows met later (``EventClusterer.assign`` without a refit) to the
    per-language sums and counts that ``fit`` keeps, so that a language first met, or met
    with few rows, in the fit gets the mean a fit over all rows would give.
    """

    def __init__(self, reference_means: dict[str, np.ndarray] | None = None, shrinkage: float = 20.0,
                 min_docs: int = 5):
        self.reference_means = reference_means or {}
        self.shrinkage = shrinkage
        self.min_docs = min_docs

    def fit(self, X: np.ndarray, langs: list[str]):
        # Means and counts are over distinct rows: copies of an article (kept with
        # --keep-duplicates, or one story filed twice) would otherwise count as more
        # documents of the language, outweigh the reference mean and bring back the
        # mirror effect of a batch centred on its own few articles.
        X = np.asarray(X, dtype=np.float32)
        langs_arr = np.asarray(langs)
        distinct = _distinct_rows(X)
        global_mean = distinct.mean(axis=0) if len(X) else X.mean(axis=0)
        self.global_sum_, self.global_count_ = distinct.sum(axis=0, dtype=np.float64), len(distinct)
        self.means_: dict[str, np.ndarray] = {}
        self.sums_: dict[str, np.ndarray] = {}
        self.counts_: dict[str, int] = {}
        for lang in sorted(set(langs)):
            rows = _distinct_rows(X[langs_arr == lang])
            n = len(rows)
            self.sums_[lang], self.counts_[lang] = rows.sum(axis=0, dtype=np.float64), n
            reference = self.reference_means.get(lang)
            if reference is not None:
                mean = (n * rows.mean(axis=0) + self.shrinkage * reference) / (n + self.shrinkage)
            elif n >= self.min_docs:
                mean = rows.mean(axis=0)
            else:
                mean = global_mean
            self.means_[lang] = mean.astype(np.float32)
        for lang, reference in self.reference_means.items():
            self.means_.setdefault(lang, np.asarray(reference, dtype=np.float32))
        self.global_mean_ = global_mean
        return self

    @property
    def updatable(self) -> bool:
        """Whether ``partial_fit`` can run (a centring loaded from an older saved state
        has means but not the sums they came from)."""
        return getattr(self, "sums_", None) is not None

    def partial_fit(self, X: np.ndarray, langs: list[str]):
        """Add the distinct rows of X to each language's sum and count and recompute the
        means that change: those of the languages in ``langs`` and those that fall back to
        the global mean (no reference, fewer than ``min_docs`` rows), by the rule of ``fit``."""
        if not self.updatable:
            raise RuntimeError("LanguageCentering.partial_fit: fitted without the sums it needs")
        X = np.asarray(X, dtype=np.float32)
        if not len(X):
            return self
        langs_arr = np.asarray(langs)
        distinct = _distinct_rows(X)
        self.global_sum_ = self.global_sum_ + distinct.sum(axis=0, dtype=np.float64)
        self.global_count_ += len(distinct)
        self.global_mean_ = (self.global_sum_ / self.global_count_).astype(np.float32)
        dim = X.shape[1]
        for lang in sorted(set(langs)):
            rows = _distinct_rows(X[langs_arr == lang])
            self.sums_[lang] = self.sums_.get(lang, np.zeros(dim)) + rows.sum(axis=0, dtype=np.float64)
            self.counts_[lang] = self.counts_.get(lang, 0) + len(rows)
        for lang in sorted(set(self.sums_) | set(langs)):
            n, reference = self.counts_.get(lang, 0), self.reference_means.get(lang)
            if reference is not None:
                if lang in set(langs):
                    mean = (self.sums_[lang] + self.shrinkage * np.asarray(reference, np.float64)) / (n + self.shrinkage)
                    self.means_[lang] = mean.astype(np.float32)
            elif n >= self.min_docs:
                if lang in set(langs):
                    self.means_[lang] = (self.sums_[lang] / n).astype(np.float32)
            else:
                self.means_[lang] = self.global_mean_
        return self

    def mean_for(self, lang: str) -> np.ndarray:
        """The vector ``transform`` subtracts for ``lang``."""
        return self.means_.get(lang, self.global_mean_)

    def transform(self, X: np.ndarray, langs: list[str]) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32).copy()
        for i, lang in enumerate(langs):
            X[i] -= self.mean_for(lang)
        return l2_normalize(X)

    def fit_transform(self, X, langs):
        return self.fit(X, langs).transform(X, langs)


def name_tokens(text: str, min_len: int = 3) -> set[str]:
    """Folded word tokens; Arabic-script tokens also without a leading clitic (و ب ل ال),
    so "باقري" and "وباقري" both meet Persian "باقری". Numbers kept (ASCII digits)."""
    tokens = set()
    for token in _TOKEN.findall(name_key(text)):
        if token.isdigit():
            tokens.add(token)
            continue
        if len(token) >= min_len:
            tokens.add(token)
        stripped = _AR_PREFIX.sub("", token)
        if stripped != token and len(stripped) >= min_len:
            tokens.add(stripped)
    return tokens


def _transliterate(text: str) -> str:
    from anyascii import anyascii

    return anyascii(name_key(text)).lower()


class SharedTermSimilarity:
    """Cross-script overlap of rare names, places and numbers.

    Text is keyed by ``name_key`` (fa/ar folding, Persian-only letters as Arabic writes
    them), transliterated to ASCII (anyascii: "Байлз" -> "baylz",
    "باقري"/"باقری" -> "bqry") and compared as TF-IDF vectors of character n-grams
    within words. IDF comes from the batch being clustered, so the vocabulary of the
    shared topic weighs little and the names that identify one event weigh much.
    """

    def __init__(self, ngram_range: tuple[int, int] = (3, 4), max_df: float = 0.05, min_df: int = 2):
        self.ngram_range = ngram_range
        self.max_df = max_df
        self.min_df = min_df

    def fit(self, texts: list[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        n = len(texts)
        # On small batches document frequencies say little: keep every n-gram seen twice.
        max_df = self.max_df if n >= 200 else 1.0
        min_df = self.min_df if n >= 200 else 1
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, sublinear_tf=True,
                                     max_df=max_df, min_df=min_df, dtype=np.float32)
        try:
            self.matrix_ = vectorizer.fit_transform([_transliterate(t) for t in texts]).tocsr()
            self.vectorizer_ = vectorizer
        except ValueError:  # empty vocabulary (e.g. texts without letters)
            from scipy.sparse import csr_matrix

            self.matrix_ = csr_matrix((n, 1), dtype=np.float32)
            self.vectorizer_ = None
        return self

    def pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Cosine of the TF-IDF vectors for each (row, col) pair."""
        a, b = self.matrix_[rows], self.matrix_[cols]
        return np.asarray(a.multiply(b).sum(axis=1)).ravel()

    def shared_words(self, i: int, j: int, text_i: str, text_j: str, top: int = 5) -> tuple[list, list]:
        """The words of rows ``i`` and ``j`` (whose texts, as fitted, are given) that carry
        their similarity: for each side, up to ``top`` (word, share) pairs, where share is
        the part of the pair's cosine that the word's character n-grams hold (n-grams of
        two words of one text count for both), largest first, words under 5% left out."""
        vectorizer = getattr(self, "vectorizer_", None)
        product = self.matrix_[i].multiply(self.matrix_[j]).tocsr()
        total = float(product.sum())
        if vectorizer is None or total <= 0:
            return [], []
        held = dict(zip(product.indices.tolist(), product.data.tolist()))
        analyze, vocabulary = vectorizer.build_analyzer(), vectorizer.vocabulary_

        def words(text: str) -> list:
            shares = {}
            for word in dict.fromkeys(_TOKEN.findall(text)):
                grams = {vocabulary.get(g) for g in analyze(_transliterate(word))}
                share = sum(held.get(g, 0.0) for g in grams if g is not None) / total
                if share >= 0.05:
                    shares[word] = round(share, 3)
            return sorted(shares.items(), key=lambda item: (-item[1], item[0]))[:top]

        return words(text_i), words(text_j)


def sentence_alignment(a: np.ndarray, b: np.ndarray, top: int = 3) -> float:
    """How closely the best-matching sentences of two articles correspond.

    For each sentence, its closest counterpart in the other article; the mean of the
    ``top`` closest such pairs, taken both ways. Vectors should be language-centred
    so that a Persian and an Arabic sentence stating the same fact score high.
    """
    if len(a) == 0 or len(b) == 0:
        return 0.0
    sims = a @ b.T
    forward = np.sort(sims.max(axis=1))[-top:].mean()
    backward = np.sort(sims.max(axis=0))[-top:].mean()
    return float((forward + backward) / 2)
