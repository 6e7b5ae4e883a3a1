"""akhbar.cluster: document vectors + evidence -> event clusters."""
from .estimator import Calibration, EventClusterer, document_evidence
from .evidence import LanguageCentering, SharedTermSimilarity, name_tokens, sentence_alignment
from .graph import average_linkage, knn_candidates

__all__ = ["EventClusterer", "Calibration", "document_evidence", "LanguageCentering", "SharedTermSimilarity", "name_tokens",
           "sentence_alignment", "average_linkage", "knn_candidates"]
