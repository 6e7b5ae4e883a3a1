"""akhbar.summarize: event clusters -> extractive, attributed, non-redundant summaries."""
from .extractive import ClusterSummarizer, summary_text, text_document
from .keywords import extract_keywords, stopwords
from .text import text_sentences

__all__ = ["ClusterSummarizer", "summary_text", "text_document", "extract_keywords", "stopwords",
           "text_sentences"]
