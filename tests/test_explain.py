"""`EventClusterer.explain_pair` and `akhbar explain`: the evidence for one pair, scored
exactly as fit scores it."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from akhbar.cli import app
from akhbar.cluster import Calibration, EventClusterer

ROOT = Path(__file__).resolve().parents[1]
SEED_000, SEED_001 = "000_b23a5ac1c6dbbc25.txt", "001_88f3943e6f8d1c6c.txt"
SEED_003, SEED_004 = "003_1f1dd5fe7a1e3056.txt", "004_769beeb24f917cc1.txt"


def _assert_explains_every_candidate_pair(est):
    rows, cols, scores = est.pairs_
    assert len(rows)
    for i, j, score in zip(rows, cols, scores):
        evidence = est.explain_pair(int(i), int(j))
        assert evidence["candidate_pair"]
        assert evidence["score"] == pytest.approx(float(score), abs=1e-6)


def test_explained_scores_are_the_fit_scores_of_full_articles(embedded_seeds):
    by_prefix, means = embedded_seeds
    docs, vectors, sentences = zip(*(by_prefix[p] for p in sorted(by_prefix)))
    est = EventClusterer(reference_means=means)
    est.fit_predict_documents(list(docs), np.stack(vectors), list(sentences))
    _assert_explains_every_candidate_pair(est)
    same = est.explain_pair(0, 1)
    assert same["same_event"] and same["clears_threshold"] and "sentence_alignment" in same
    assert len(same["best_sentence_matches"]) == 3
    assert not est.explain_pair(3, 4)["clears_threshold"]


def test_explained_scores_are_the_fit_scores_of_headlines():
    rng = np.random.default_rng(3)
    X = np.vstack([c + 0.3 * rng.normal(size=(5, 16)) for c in rng.normal(size=(6, 16))]).astype(np.float32)
    texts = [f"Team{i % 6} beat Rival{(i * 7) % 5} 3-{i % 4}" for i in range(30)]
    est = EventClusterer(calibration=Calibration(threshold=0.3, missing_sim=0.1))
    est.fit(X, langs=["en", "fr", "de"] * 10, days=rng.uniform(0, 4, 30), texts=texts)
    _assert_explains_every_candidate_pair(est)
    evidence = est.explain_pair(0, 1)
    assert evidence["shared_names"] is not None and evidence["days_apart"] is not None
    with pytest.raises(ValueError, match="not a row"):
        est.explain_pair(0, 30)
    with pytest.raises(ValueError, match="same row"):
        est.explain_pair(2, 2)


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("explain") / "out"
    cache = tmp_path_factory.mktemp("explain-cache")
    result = CliRunner().invoke(app, ["run", str(ROOT / "seeds"), "--out", str(out), "--save-state",
                                      "--cache-dir", str(cache), "--quiet"])
    assert result.exit_code == 0, result.stderr
    return out


def _explain(*args):
    return CliRunner().invoke(app, ["explain", *map(str, args)])


def test_explain_shows_why_two_reports_of_one_meeting_meet(seeds_run):
    result = _explain(seeds_run, SEED_000, SEED_001)
    assert result.exit_code == 0, result.stderr
    assert "same event: yes" in result.stdout and "clears it" in result.stdout
    assert "سعدون" in result.stdout            # the matching sentences name the visiting minister
    data = json.loads(_explain(seeds_run, SEED_000, SEED_001, "--json", "--matches", "2").stdout)
    assert data["same_event"] and data["events"][0] == data["events"][1] and len(data["best_sentence_matches"]) == 2
    assert {"text_i", "text_j", "cosine"} <= set(data["best_sentence_matches"][0])


def test_explain_shows_why_two_meetings_on_one_topic_do_not(seeds_run):
    result = _explain(seeds_run, SEED_003, SEED_004)
    assert result.exit_code == 0, result.stderr
    assert "same event: no" in result.stdout and "below it" in result.stdout


def test_explain_errors_name_the_id_or_the_missing_state(seeds_run, tmp_path):
    result = _explain(seeds_run, SEED_000, "no-such-article")
    assert result.exit_code == 2 and "'no-such-article': not in that run" in result.stderr
    result = _explain(tmp_path, SEED_000, SEED_001)
    assert result.exit_code == 2 and "no saved state" in result.stderr
    result = _explain(seeds_run, SEED_000, SEED_000)
    assert result.exit_code == 2 and "error: " in result.stderr and "given twice" in result.stderr


@pytest.mark.parametrize("damage", ["not an object", "no calibration", "bad threshold", "unknown param",
                                    "copy of nothing", "fewer sentences"])
def test_a_damaged_state_is_one_error_line(seeds_run, tmp_path, damage):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(seeds_run, out)
    meta_path, docs_path = out / "state" / "clusterer.json", out / "state" / "documents.jsonl"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    docs = [json.loads(line) for line in docs_path.read_text(encoding="utf-8").splitlines()]
    if damage == "not an object":
        meta = []
    elif damage == "no calibration":
        del meta["calibration"]
    elif damage == "bad threshold":
        meta["calibration"]["threshold"] = "x"
    elif damage == "unknown param":
        meta["params"]["colour"] = 1
    elif damage == "copy of nothing":
        docs[2]["duplicate_of"] = "nowhere"
    else:
        docs[0]["sentences"] = docs[0]["sentences"][:2]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    docs_path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    result = _explain(out, SEED_000, SEED_001)
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_pairs_outside_the_graph_and_attached_rows_are_scored_as_the_clusterer_did():
    rng = np.random.default_rng(4)
    X = np.vstack([c + 0.3 * rng.normal(size=(6, 16)) for c in rng.normal(size=(5, 16))]).astype(np.float32)
    texts = [f"Team{i % 5} beat Rival{(i * 7) % 5}" for i in range(30)]
    days = np.r_[np.zeros(15), np.full(15, 10.0)]              # two weeks apart: outside the +-3 day window
    cal = Calibration(threshold=0.3, missing_sim=0.1)
    est = EventClusterer(calibration=cal, refit_up_to=0).fit(X[:20], days=days[:20], texts=texts[:20])
    rows, cols, _ = est.pairs_
    assert not np.any(((rows == 0) & (cols == 19)) | ((rows == 19) & (cols == 0)))
    far = est.explain_pair(0, 19)
    assert not far["candidate_pair"] and far["score"] == pytest.approx(cal.missing_for(cal.threshold))
    assert not far["clears_threshold"] and "score_if_candidate" in far
    est.assign(X[20:], days=days[20:], texts=texts[20:])       # without a refit: no shared names
    assert est.fitted_rows_ == 20
    assert est.explain_pair(20, 21)["shared_names"] is None and est.explain_pair(15, 16)["shared_names"] is not None


def test_explain_names_the_words_that_carry_shared_names():
    """A Persian and an Arabic headline of one meeting: the names they share (عراقچی /
    عراقجي, بغداد) are listed as carrying the pair's name similarity, a word they do not
    share is not."""
    rng = np.random.default_rng(5)
    texts = ["دیدار عراقچی و فؤاد حسین در بغداد", "فؤاد حسين يستقبل عراقجي في بغداد",
             "زلزله در هرمزگان", "زلزال في هرمزكان", "نشست وزیران در دوحه", "اجتماع الوزراء في الدوحة"]
    X = rng.normal(size=(6, 8)).astype(np.float32)
    est = EventClusterer().fit(X, langs=["fa", "ar"] * 3, days=np.zeros(6), texts=texts)
    evidence = est.explain_pair(0, 1, texts=texts)
    persian, arabic = (dict(side) for side in evidence["shared_words"])
    assert {"عراقچی", "بغداد"} <= set(persian) and {"عراقجي", "بغداد"} <= set(arabic)
    assert "دیدار" not in persian and "يستقبل" not in arabic
    assert all(0.05 <= share <= 1 for side in (persian, arabic) for share in side.values())
    assert "shared_words" not in est.explain_pair(0, 1)       # no texts given: no words to name


def test_explain_cli_lists_shared_words_of_headlines(tmp_path):
    rows = [("a", "fa", "عراقچی در بغداد با فؤاد حسین دیدار کرد"), ("b", "ar", "فؤاد حسين يستقبل عراقجي في بغداد"),
            ("c", "fa", "زلزله شدید در هرمزگان خسارت زد"), ("d", "ar", "زلزال قوي يضرب هرمزكان جنوب إيران")]
    data = tmp_path / "h.jsonl"
    data.write_text("".join(json.dumps({"id": i, "lang": lang, "title": t, "date": "2025-01-12T10:00:00"},
                                       ensure_ascii=False) + "\n" for i, lang, t in rows), encoding="utf-8")
    out = tmp_path / "out"
    ran = CliRunner().invoke(app, ["run", str(data), "--text-field", "title", "--out", str(out), "--save-state",
                                   "--no-cache", "-q"])
    assert ran.exit_code == 0, ran.output
    shown = CliRunner().invoke(app, ["explain", str(out), "a", "b"])
    assert shown.exit_code == 0, shown.output
    line = next(line for line in shown.output.splitlines() if "carried by b's words" in line)
    assert "عراقجي" in line and "بغداد" in line
    as_json = json.loads(CliRunner().invoke(app, ["explain", str(out), "a", "b", "--json"]).output)
    assert "عراقچی" in dict(as_json["shared_words"][0])


def _headline_fit(**params):
    rng = np.random.default_rng(7)
    X = np.vstack([c + 0.45 * rng.normal(size=(5, 16)) for c in rng.normal(size=(8, 16))]).astype(np.float32)
    texts = [f"Team{i % 8} beat Rival{(i * 3) % 7} in round {i % 4}" for i in range(40)]
    est = EventClusterer(calibration=Calibration(threshold=0.45, missing_sim=0.1, centroid_threshold=0.3), **params)
    est.fit(X, langs=["en", "fr", "de", "es"] * 10, days=rng.uniform(0, 3, 40), texts=texts)
    return est, texts


def test_explained_event_scores_are_the_centroid_stage_scores():
    """explain_events scores two events as the centroid stage scores groups (same
    centroids, mean dates, summed names); after a fit no two candidate events that the
    stage could merge still clear its threshold; the first-stage view is the mean of the
    member pairs' explained scores."""
    est, texts = _headline_fit()
    labels = est.labels_
    first_row = {int(label): int(np.flatnonzero(labels == label)[0]) for label in np.unique(labels)}
    assert len(first_row) >= 3
    m = len(first_row)
    known = np.isfinite(est.days_)
    times = np.bincount(labels[known], est.days_[known], m) / np.bincount(labels[known], None, m)
    from akhbar.cluster.estimator import _sum_rows_by_label
    from akhbar.cluster.evidence import l2_normalize
    from scipy.sparse import csr_matrix

    membership = csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(m, len(labels)))
    rows, cols, scores = est._group_pair_scores(l2_normalize(_sum_rows_by_label(est.vectors_, labels, m)), times,
                                                (membership @ est.terms_.matrix_).tocsr(), None, np.zeros(m))
    assert len(rows)
    for a, b, score in zip(rows, cols, scores):
        found = est.explain_events(first_row[int(a)], first_row[int(b)])
        assert not found["same_event"] and found["candidate_events"]
        assert found["score"] == pytest.approx(float(score), abs=1e-5)
        assert found["kept_apart_by"] in ("score", "span limit")
        members = [np.flatnonzero(labels == e) for e in (a, b)]
        expected = np.mean([est.explain_pair(int(r), int(c))["score"] for r in members[0] for c in members[1]])
        assert found["first_stage"]["mean_score"] == pytest.approx(expected)
        assert found["first_stage"]["pairs"] == len(members[0]) * len(members[1])
    big = int(np.argmax(np.bincount(labels)))
    same = est.explain_events(*(int(r) for r in np.flatnonzero(labels == big)[:2]))
    assert same["same_event"] and "score" not in same
    assert "first_stage" not in est.explain_events(first_row[int(rows[0])], first_row[int(cols[0])], max_pairs=0)
    off, _ = _headline_fit(merge_centroids=False)
    a, b = (int(np.flatnonzero(off.labels_ == e)[0]) for e in (0, 1))
    assert off.explain_events(a, b)["kept_apart_by"] == "centroid stage off"
    with pytest.raises(ValueError, match="same row"):
        est.explain_events(3, 3)


def test_explained_events_of_full_articles_name_the_article_rule(embedded_seeds):
    by_prefix, means = embedded_seeds
    docs, vectors, sentences = zip(*(by_prefix[p] for p in sorted(by_prefix)))
    est = EventClusterer(reference_means=means)
    est.fit_predict_documents(list(docs), np.stack(vectors), list(sentences))
    found = est.explain_events(0, 3)                      # seeds 000 (with 001) and 003
    assert found["kept_apart_by"] == "full articles" and found["rows_in_event"] == [2, 1]
    first = found["first_stage"]
    assert first["pairs"] == 2 and first["mean_score"] < first["threshold"]
    assert first["mean_score"] == pytest.approx(np.mean([est.explain_pair(r, 3)["score"] for r in (0, 1)]))


def test_explain_cli_compares_the_two_events(seeds_run):
    result = _explain(seeds_run, SEED_003, SEED_004)
    assert result.exit_code == 0, result.stderr
    assert "as the two stages compare events" in result.stdout
    assert "first stage: mean score of their 1 member pairs" in result.stdout
    assert "never by centroids" in result.stdout
    data = json.loads(_explain(seeds_run, SEED_000, SEED_003, "--json").stdout)
    assert data["event_comparison"]["kept_apart_by"] == "full articles"
    assert data["event_comparison"]["first_stage"]["pairs"] == 2
    same = _explain(seeds_run, SEED_000, SEED_001)
    assert "one event of 2 row(s)" in same.stdout


def test_events_weeks_apart_are_not_each_others_candidates():
    rng = np.random.default_rng(8)
    centre = rng.normal(size=16)
    X = np.vstack([centre + 0.05 * rng.normal(size=(4, 16)), centre + 0.05 * rng.normal(size=(4, 16))]).astype(np.float32)
    days = np.r_[np.zeros(4), np.full(4, 20.0)]            # one story, told twice, three weeks apart
    est = EventClusterer(calibration=Calibration(threshold=0.3, missing_sim=0.1, centroid_threshold=0.2))
    est.fit(X, days=days, texts=[f"Storm hits Coastville, day {d:.0f}" for d in days])
    assert est.labels_[0] != est.labels_[4]
    found = est.explain_events(0, 4)
    assert found["kept_apart_by"] == "not candidates" and not found["candidate_events"]
    assert found["days_apart"] == pytest.approx(20.0, abs=1.0) and found["span_days_if_merged"] == pytest.approx(20.0)


def test_nearest_events_are_ranked_by_the_centroid_stage_score():
    est, _ = _headline_fit()
    labels = est.labels_
    nearest = est.nearest_events(0, top=10)
    assert nearest and all(labels[r] != labels[0] for r in nearest)
    assert len({int(labels[r]) for r in nearest}) == len(nearest)
    assert all(r == int(np.flatnonzero(labels == labels[r])[0]) for r in nearest)   # each event's first row
    ranked = [est.explain_events(0, r) for r in nearest]
    without_names = [e["centroid_cosine"] - e["time_penalty"] for e in ranked]
    assert without_names == sorted(without_names, reverse=True)
    assert est.nearest_events(0, top=1) == nearest[:1] and est.nearest_events(0, top=0) == []
    with pytest.raises(ValueError, match="not a row"):
        est.nearest_events(40)


def test_explain_cli_with_one_id_lists_the_nearest_events(seeds_run):
    result = _explain(seeds_run, SEED_003, "--nearest", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("nearest: event ") == 2 and "first stage: mean score" in result.stdout
    data = json.loads(_explain(seeds_run, SEED_000, "--json").stdout)
    assert data["id"] == SEED_000 and data["rows_in_event"] == 2 and len(data["nearest_events"]) == 3
    near = data["nearest_events"][0]
    assert near["event"] != data["event"] and near["event_comparison"]["kept_apart_by"] == "full articles"
    assert {"example_id", "example_lang", "example_title"} <= set(near)
