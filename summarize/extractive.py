"""Multi-document extractive summarization over sentence embeddings.

Scores each sentence by closeness to the cluster centroid plus a lead-position prior,
then selects with MMR so that a fact stated twice (also once per language) is kept once.
"""
from __future__ import annotations

import numpy as np

from akhbar.types import Document, Summary, SummarySentence


class ClusterSummarizer:
    """max_sentences: budget in sentences; redundancy: cosine above which two sentences
    (in any languages) count as the same fact; lead_weight: weight of the position prior."""

    def __init__(self, max_sentences: int = 5, redundancy: float = 0.9, lead_weight: float = 0.15,
                 mmr_lambda: float = 0.7, min_words: int = 6):
        self.max_sentences = max_sentences
        self.redundancy = redundancy
        self.lead_weight = lead_weight
        self.mmr_lambda = mmr_lambda
        self.min_words = min_words

    def summarize(self, cluster_id: int, documents: list[Document],
                  sentence_vectors: list[np.ndarray], doc_vectors: np.ndarray) -> Summary:
        candidates = [(d, i, s, vecs[i]) for d, vecs in zip(documents, sentence_vectors)
                      for i, s in enumerate(d.sentences) if len(s.split()) >= self.min_words]
        if not candidates:
            candidates = [(d, i, s, vecs[i]) for d, vecs in zip(documents, sentence_vectors)
                          for i, s in enumerate(d.sentences)]
        matrix = np.vstack([c[3] for c in candidates])
        centroid = doc_vectors.mean(axis=0)
        centroid /= max(np.linalg.norm(centroid), 1e-12)
        relevance = matrix @ centroid + self.lead_weight / (1.0 + np.array([c[1] for c in candidates]))
        chosen: list[int] = []
        while len(chosen) < min(self.max_sentences, len(candidates)):
            if chosen:
                overlap = (matrix @ matrix[chosen].T).max(axis=1)
            else:
                overlap = np.zeros(len(candidates))
            score = self.mmr_lambda * relevance - (1 - self.mmr_lambda) * overlap
            score[overlap >= self.redundancy] = -np.inf
            score[chosen] = -np.inf
            best = int(np.argmax(score))
            if not np.isfinite(score[best]):
                break
            chosen.append(best)
        headline_idx = int(np.argmax(doc_vectors @ centroid))
        sentences = [SummarySentence(text=candidates[k][2], doc_id=candidates[k][0].id,
                                     lang=candidates[k][0].lang, sentence_index=candidates[k][1])
                     for k in chosen]
        return Summary(cluster_id=cluster_id, headline=documents[headline_idx].title, sentences=sentences,
                       langs=sorted({d.lang for d in documents}))
