"""EventClusterer's inputs as library users pass them: dates instead of day numbers,
language labels in any spelling, texts and reference means of the wrong kind, sparse
or complex X, and the edge cases of one repeated vector and an empty refit."""
import datetime as dt

import numpy as np
import pytest
import scipy.sparse as sp

from akhbar.cluster import EventClusterer


def _events(seed=0, n_events=6, per_event=5, d=16):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_events, d))
    return (centres[np.repeat(range(n_events), per_event)] + 0.3 * rng.normal(size=(n_events * per_event, d))
            ).astype(np.float32)


def test_timestamps_are_read_as_dates_not_nanoseconds():
    X = _events()
    offsets = (np.arange(len(X)) % 2).astype(float)          # members alternate between two days
    first = dt.date(2021, 7, 1)
    as_numbers = EventClusterer().fit(X, days=offsets + first.toordinal())
    for days in (np.datetime64(first.isoformat(), "ns") + (offsets * 86400e9).astype("timedelta64[ns]"),
                 [dt.datetime(2021, 7, 1) + dt.timedelta(days=o) for o in offsets]):
        model = EventClusterer().fit(X, days=days)
        np.testing.assert_allclose(model.days_, as_numbers.days_)
        np.testing.assert_array_equal(model.labels_, as_numbers.labels_)


def test_pandas_timestamps_are_read_as_dates_not_nanoseconds():
    pd = pytest.importorskip("pandas")  # not a dependency of akhbar; users often pass its columns
    X = _events()
    offsets = (np.arange(len(X)) % 2).astype(float)
    first = dt.date(2021, 7, 1)
    as_numbers = EventClusterer().fit(X, days=offsets + first.toordinal())
    for days in (pd.Series(pd.Timestamp(first) + pd.to_timedelta(offsets, unit="D")),
                 list(pd.Timestamp(first) + pd.to_timedelta(offsets, unit="D"))):
        model = EventClusterer().fit(X, days=days)
        np.testing.assert_allclose(model.days_, as_numbers.days_)
        np.testing.assert_array_equal(model.labels_, as_numbers.labels_)
    model = EventClusterer().fit(X[:2], days=[pd.NaT, pd.Timestamp(first)])
    assert np.isnan(model.days_[0]) and model.days_[1] == first.toordinal()


def test_aware_datetimes_are_taken_in_utc_and_missing_ones_are_unknown():
    X = _events(n_events=1)
    tehran = dt.timezone(dt.timedelta(hours=3, minutes=30))
    days = [dt.datetime(2021, 7, 1, 2, 0, tzinfo=tehran), None, np.datetime64("NaT"), float("nan"), None]
    model = EventClusterer().fit(X, days=days)
    assert model.days_[0] == pytest.approx(dt.date(2021, 6, 30).toordinal() + 22.5 / 24)
    assert np.isnan(model.days_[1:]).all()


@pytest.mark.parametrize("days, reason", [(["2021-07-01"] * 30, "days\\[0\\] is str"),
                                          ([True] * 30, "not booleans"),
                                          ([object()] * 30, "days\\[0\\] is object")])
def test_days_of_the_wrong_kind_are_refused(days, reason):
    with pytest.raises(ValueError, match=reason):
        EventClusterer().fit(_events(), days=days)


def test_language_labels_are_read_as_codes_so_reference_means_apply():
    X = _events(n_events=2, per_event=2)
    reference = {"fa": np.random.default_rng(1).normal(size=16).astype(np.float32)}
    as_codes = EventClusterer(reference_means=reference).fit(X, langs=["fa"] * 4)
    for langs in (["FA"] * 4, ["fa-IR"] * 4, ["fas"] * 4, [" Fa "] * 4):
        model = EventClusterer(reference_means=reference).fit(X, langs=langs)
        assert list(model.langs_) == ["fa"] * 4
        np.testing.assert_allclose(model.centering_.means_["fa"], as_codes.centering_.means_["fa"])
    upper = EventClusterer(reference_means={"FA": reference["fa"]}).fit(X, langs=["fa"] * 4)
    np.testing.assert_allclose(upper.centering_.means_["fa"], as_codes.centering_.means_["fa"])


@pytest.mark.parametrize("means, reason", [({"fa": np.zeros(8)}, "shape \\(8,\\); expected \\(16,\\)"),
                                           ({"fa": ["a"] * 16}, "not a vector of numbers"),
                                           ({"fa": np.full(16, np.nan)}, "finite"),
                                           ([np.zeros(16)], "must be a dict")])
def test_reference_means_of_the_wrong_kind_are_refused(means, reason):
    with pytest.raises(ValueError, match=reason):
        EventClusterer(reference_means=means).fit(_events(), langs=["fa"] * 30)


def test_texts_must_be_strings():
    X = _events()
    with pytest.raises(ValueError, match="texts\\[0\\] must be a string or None, not int"):
        EventClusterer().fit(X, texts=list(range(30)))
    none = EventClusterer().fit(X, texts=[None] * 30).labels_
    np.testing.assert_array_equal(none, EventClusterer().fit(X, texts=[""] * 30).labels_)


def test_sparse_and_complex_X_are_refused_clearly():
    X = _events()
    with pytest.raises(ValueError, match="sparse X is not supported.*toarray"):
        EventClusterer().fit(sp.csr_matrix(X))
    with pytest.raises(ValueError, match="not complex"):
        EventClusterer().fit(X.astype(complex))


def test_one_repeated_vector_is_one_event():
    """Centred on their own mean, copies of one vector become zero vectors that score 0
    with each other; rows that cannot be told apart still share their event."""
    v = np.random.default_rng(2).normal(size=(1, 16)).astype(np.float32)
    assert EventClusterer().fit_predict(np.vstack([v, v])).tolist() == [0, 0]
    assert EventClusterer().fit_predict(np.vstack([v, v, v]), langs=["fa"] * 3).tolist() == [0, 0, 0]
    model = EventClusterer().fit(np.vstack([v, v]))
    assert model.n_clusters_ == 1


def test_explain_pair_checks_its_arguments():
    model = EventClusterer().fit(_events(), texts=["a b c"] * 30)
    with pytest.raises(ValueError, match="top must be a whole number >= 0"):
        model.explain_pair(0, 1, top=-1)
    with pytest.raises(ValueError, match="i=True is not a row"):
        model.explain_pair(True, 0)


def test_an_empty_refit_leaves_nothing_of_the_earlier_fit():
    model = EventClusterer().fit(_events(), texts=["a b c"] * 30)
    model.fit(np.zeros((0, 16), np.float32))
    assert len(model.pairs_[0]) == 0 and model.terms_ is None and model.n_rounds_ == 0
    fresh = EventClusterer().fit(np.zeros((0, 16), np.float32))
    assert fresh.n_rounds_ == 0 and len(fresh.pairs_[0]) == 0


def test_a_loaded_clusterer_keeps_its_reference_means(tmp_path):
    from sklearn.base import clone

    X = _events(n_events=2, per_event=2)
    reference = {"fa": np.random.default_rng(3).normal(size=16).astype(np.float32)}
    fitted = EventClusterer(reference_means=reference).fit(X, langs=["fa"] * 4)
    fitted.save(tmp_path)
    loaded = EventClusterer.load(tmp_path)
    np.testing.assert_allclose(loaded.get_params()["reference_means"]["fa"], reference["fa"])
    refit = clone(loaded).fit(X, langs=["fa"] * 4)
    np.testing.assert_allclose(refit.centering_.means_["fa"], fitted.centering_.means_["fa"], rtol=1e-6)


def _bridge(d=16, seed=4):
    """Two reports months apart (A, B) and an undated one (U) close to both."""
    rng = np.random.default_rng(seed)
    background = rng.normal(size=(40, d))  # unrelated rows, so that centring has a mean to take
    a = rng.normal(size=d)
    b = a + 0.6 * rng.normal(size=d)
    u = (a + b) / 2
    X = np.vstack([a, u, b, background]).astype(np.float32)
    days = np.r_[100.0, np.nan, 318.0, rng.uniform(0, 400, 40)]
    return X, days


@pytest.mark.parametrize("refit_up_to", [10_000, 0])
def test_an_undated_article_does_not_chain_events_months_apart(refit_up_to):
    X, days = _bridge()
    unlimited = EventClusterer(max_span_days=None, threshold=0.3).fit_predict(X, days=days)
    assert unlimited[0] == unlimited[1] == unlimited[2]  # what happened before the limit
    limited = EventClusterer(threshold=0.3).fit_predict(X, days=days)
    assert limited[0] != limited[2] and limited[1] in (limited[0], limited[2])
    # the same through assign: the earlier state holds A and the background, then U and B come
    model = EventClusterer(threshold=0.3, refit_up_to=refit_up_to).fit(np.delete(X, [1, 2], axis=0),
                                                                       days=np.delete(days, [1, 2]))
    new = model.assign(X[[1, 2]], days=days[[1, 2]])
    assert not (new[1] == model.labels_[0])
    with pytest.raises(ValueError, match="max_span_days must be None"):
        EventClusterer(max_span_days=-1).fit(X)


def test_average_linkage_keeps_the_span_limit_for_documents_and_groups():
    from akhbar.cluster.graph import average_linkage

    # nodes 0 and 2 are 10 days apart; node 1 is undated and close to both
    rows, cols, sims = np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.9])
    days = np.array([0.0, np.nan, 10.0])
    assert len(set(average_linkage(3, rows, cols, sims, 0.3, 0.5, first_days=days).tolist())) == 1
    labels = average_linkage(3, rows, cols, sims, 0.3, 0.5, first_days=days, max_span_days=7.0)
    assert labels[0] != labels[2] and labels[1] in (labels[0], labels[2])
    # groups: each node's own first and last day count
    labels = average_linkage(2, np.array([0]), np.array([1]), np.array([0.9]), 0.3, first_days=np.array([0.0, 5.0]),
                             last_days=np.array([4.0, 9.0]), max_span_days=7.0)
    assert labels[0] != labels[1]
