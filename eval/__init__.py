"""akhbar.eval: scores for clusterings and summaries against gold data."""
from .clustering import (bcubed, clustering_scores, crosslingual_link_recall, crosslingual_recall_by_language,
                         pairwise, read_gold, read_labels, score_files)
from .rouge import ArabicScriptTokenizer, RougeEvaluator, rouge_scores, score_summary_files

__all__ = ["bcubed", "pairwise", "crosslingual_link_recall", "crosslingual_recall_by_language",
           "clustering_scores", "read_gold", "read_labels", "score_files",
           "ArabicScriptTokenizer", "RougeEvaluator", "rouge_scores", "score_summary_files"]
