"""akhbar.summarize: event clusters -> extractive, attributed, non-redundant summaries."""
from .extractive import ClusterSummarizer

__all__ = ["ClusterSummarizer"]
