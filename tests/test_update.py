"""Incremental runs: a saved clusterer/pipeline state, and `akhbar run --update`."""
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from akhbar.cluster import Calibration, EventClusterer
from akhbar.types import DocDate, Document, document_from_dict, document_to_dict
from conftest import ROOT, SEEDS, copy_seed_folder


def _events(rows):
    groups = {}
    for r in rows:
        groups.setdefault(r["cluster_id"], []).append(r["id"][:3])
    return sorted(map(sorted, groups.values()))


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "akhbar.cli", "run", *map(str, args), "--no-cache", "-q"],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


def _rows(out):
    return [json.loads(line) for line in (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]


def test_document_record_round_trip():
    from datetime import date, datetime

    doc = Document("a1", "fa", "عنوان", ["جمله یک.", "جمله دو."], "x.txt:3",
                   DocDate(date(2021, 7, 3), "jalali", False, "۱۲ تیر ۱۴۰۰", datetime(2021, 7, 3, 9, 30)), "a0")
    assert document_from_dict(json.loads(json.dumps(document_to_dict(doc)))) == doc
    bare = Document("b", "ar", "t", ["s"], "y.txt")
    assert document_from_dict(document_to_dict(bare)) == bare


@pytest.mark.parametrize("refit_up_to", [1000, 0])
def test_saved_clusterer_assigns_as_the_fitted_one(tmp_path, refit_up_to):
    """save() + load() keep everything assign() uses: the loaded clusterer gives the same
    labels as the one that was fitted, for headlines and for full articles, whether assign
    refits this small state (the kept fit inputs are saved) or not."""
    rng = np.random.default_rng(5)
    centres = rng.normal(size=(5, 48))
    X = np.vstack([c + 0.3 * rng.normal(size=(6, 48)) for c in centres[:4]]).astype(np.float32)
    langs = ["fa", "ar", "en"] * 8
    days = np.repeat(np.arange(4.0), 6) + 738000
    sentences = [rng.normal(size=(4 if i % 5 == 0 else 1, 48)).astype(np.float32) for i in range(len(X))]
    texts = [("word " * 80) if i % 5 == 0 else "headline" for i in range(len(X))]
    fitted = EventClusterer(calibration=Calibration(threshold=0.3, centroid_threshold=0.5, missing_sim=0.1),
                            refit_up_to=refit_up_to, reference_means={"fa": centres[0].astype(np.float32)})
    fitted.fit(X, langs=langs, days=days, texts=texts, sentence_vectors=sentences)
    fitted.save(tmp_path / "state")
    loaded = EventClusterer.load(tmp_path / "state")
    assert loaded.get_params()["threshold"] == fitted.get_params()["threshold"]
    assert loaded.calibration_ == fitted.calibration_
    new = np.vstack([centres[1] + 0.3 * rng.normal(size=48), centres[4], centres[4] + 0.01]).astype(np.float32)
    new_sentences = [rng.normal(size=(4, 48)).astype(np.float32), rng.normal(size=(1, 48)).astype(np.float32),
                     rng.normal(size=(1, 48)).astype(np.float32)]
    evidence = dict(langs=["ar", "fa", "ar"], days=[738001.0, 738003.0, 738003.0],
                    sentence_vectors=new_sentences, texts=["word " * 80, "headline", "headline"])
    with np.load(tmp_path / "state" / "clusterer.npz") as stored:  # article sentences are saved once
        assert len(stored.get("fit_sentences", [])) == (sum(len(s) for s, t in zip(sentences, texts) if t == "headline")
                                                        if refit_up_to else 0)
    expected = fitted.assign(new, **evidence)
    assert np.array_equal(loaded.assign(new, **evidence), expected)
    assert np.array_equal(loaded.labels_, fitted.labels_)
    assert np.allclose(loaded.align_sums_, fitted.align_sums_)
    # Without a refit, assign updates the language means and re-centres the earlier vectors
    # (see EventClusterer._update_centering): the loaded state does the same.
    assert np.allclose(loaded.vectors_, fitted.vectors_, atol=1e-6)
    for lang, mean in fitted.centering_.means_.items():
        np.testing.assert_allclose(loaded.centering_.means_[lang], mean, atol=1e-6)


def test_load_refuses_what_is_not_a_saved_clusterer(tmp_path):
    with pytest.raises(ValueError, match="not a saved EventClusterer"):
        EventClusterer.load(tmp_path)


def test_duplicate_attach_keeps_earlier_documents_canonical():
    from akhbar.ingest import DuplicateDetector

    body = "وزیر دفاع ایران با همتای عراقی خود در بغداد دیدار کرد و دو طرف درباره همکاری مرزی گفتگو کردند " * 3
    earlier = [Document("m9", "fa", "t", [body], "a.txt")]
    new = [Document("a1", "fa", "t", [body], "b.txt"), Document("a2", "fa", "t", [body], "c.txt"),
           Document("z1", "fa", "t", ["خبری دیگر درباره بازار ارز و قیمت دلار در تهران امروز"], "d.txt")]
    matches = DuplicateDetector().attach(earlier, new)
    assert [(m.id, m.duplicate_of, m.exact) for m in matches] == [("a1", "m9", True), ("a2", "m9", True)]
    assert earlier[0].duplicate_of is None and new[2].duplicate_of is None


def test_cli_update_attaches_later_seeds_to_earlier_events(tmp_path):
    """Seeds 000, 002, 003 first (--save-state), then 001 and 004 with --update: 001 joins
    000's event, 004 opens its own; earlier cluster ids are unchanged; every input of both
    runs is accounted for; a record whose id was in the earlier run is skipped with why."""
    first = copy_seed_folder(tmp_path, "first", ["000", "002", "003"])
    later = copy_seed_folder(tmp_path, "later", ["001", "004"])
    shutil.copy(next(SEEDS.glob("002_*.txt")), later)  # same id as an earlier article
    proc = _cli(first, "--out", tmp_path / "out1", "--save-state")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out1" / "state" / "clusterer.npz").exists()
    proc = _cli(later, "--update", tmp_path / "out1", "--out", tmp_path / "out2")
    assert proc.returncode == 0, proc.stderr
    assert "already in the earlier run" in proc.stderr
    before = {r["id"]: r["cluster_id"] for r in _rows(tmp_path / "out1")}
    after = _rows(tmp_path / "out2")
    assert _events(after) == [["000", "001"], ["002"], ["003"], ["004"]]
    assert all(r["cluster_id"] == before[r["id"]] for r in after if r["id"] in before)
    manifest = json.loads((tmp_path / "out2" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n_processed"] == 5 and manifest["update"]["new_articles"] == 2
    assert [s["id"][:3] for s in manifest["skipped"]] == ["002"]
    summaries = [json.loads(x) for x in (tmp_path / "out2" / "summaries.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(summaries) == 4
    pair = next(s for s in summaries if s["cluster_id"] == before[next(i for i in before if i.startswith("000"))])
    assert {x["doc_id"][:3] for x in pair["sentences"]} <= {"000", "001"}
    assert {"fa", "ar"} <= set(pair["langs"])

    # The updated run saved its own state: a third run chains on it.
    third = copy_seed_folder(tmp_path, "third", [])
    text = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    (third / "004_copy.txt").write_text(text, encoding="utf-8")  # a syndicated copy of an earlier article
    proc = _cli(third, "--update", tmp_path / "out2", "--out", tmp_path / "out3")
    assert proc.returncode == 0, proc.stderr
    rows = {r["id"]: r for r in _rows(tmp_path / "out3")}
    copy = rows["004_copy.txt"]
    assert copy["duplicate_of"].startswith("004_") and copy["cluster_id"] == rows[copy["duplicate_of"]]["cluster_id"]


def test_cli_update_errors_are_clear(tmp_path):
    first = copy_seed_folder(tmp_path, "first", ["000", "002", "003"])
    proc = _cli(first, "--out", tmp_path / "plain")
    assert proc.returncode == 0, proc.stderr
    proc = _cli(first, "--update", tmp_path / "plain", "--out", tmp_path / "x")
    assert proc.returncode == 2 and "no saved state" in proc.stderr and "--save-state" in proc.stderr
    proc = _cli(first, "--update", tmp_path / "plain", "--out", tmp_path / "x", "--threshold", "0.3")
    assert proc.returncode == 2 and "cannot be combined with --update" in proc.stderr


def test_update_refuses_another_embedding_model(tmp_path, seed_documents):
    from akhbar.pipeline import Pipeline

    class OtherEncoder:
        name = "other-model"

    first = copy_seed_folder(tmp_path, "first", ["000", "002", "003"])
    Pipeline().run([first]).write(tmp_path / "out", save_state=True)
    pipeline = Pipeline()
    pipeline.embedder.encoder = OtherEncoder()
    with pytest.raises(ValueError, match="cannot be compared"):
        pipeline.update(tmp_path / "out", [first])


def test_update_reads_a_state_left_half_replaced(tmp_path):
    """A job killed between moving the old state aside and putting the new one in place
    leaves `.state.old`: the next update reads it. Updating in place works too."""
    from akhbar.pipeline import Pipeline

    first = copy_seed_folder(tmp_path, "first", ["000", "002", "003"])
    later = copy_seed_folder(tmp_path, "later", ["001", "004"])
    Pipeline().run([first]).write(tmp_path / "out", save_state=True)
    (tmp_path / "out" / "state").rename(tmp_path / "out" / ".state.old")
    result = Pipeline().update(tmp_path / "out", [later])
    result.write(tmp_path / "out", save_state=True)
    assert (tmp_path / "out" / "state" / "pipeline.json").exists()
    assert not (tmp_path / "out" / ".state.old").exists()
    assert _events(_rows(tmp_path / "out")) == [["000", "001"], ["002"], ["003"], ["004"]]
    assert not list((tmp_path / "out").glob(".state.*"))


def test_update_does_not_depend_on_input_order(tmp_path):
    """New records are assigned in time order, then id order: shuffling the update's input
    gives byte-identical clusters.jsonl and summaries.jsonl."""
    import random

    first = [("en1", "en", "Iran and Iraq sign defence cooperation agreement in Tehran", "2021-06-06"),
             ("fa1", "fa", "ایران و عراق در تهران سند همکاری دفاعی امضا کردند", "2021-06-06"),
             ("en2", "en", "Earthquake of magnitude 6 strikes southern Iran, villages damaged", "2021-06-07")]
    later = [("ar1", "ar", "إيران والعراق يوقعان وثيقة تعاون دفاعي في طهران", "2021-06-06"),
             ("fa2", "fa", "زلزله ۶ ریشتری جنوب ایران را لرزاند و به روستاها خسارت زد", "2021-06-07"),
             ("ar2", "ar", "زلزال بقوة 6 درجات يضرب جنوب إيران ويلحق أضرارا بالقرى", "2021-06-07"),
             ("en3", "en", "Iraqi prime minister visits Tehran for talks on trade", "2021-06-08"),
             ("ar3", "ar", "رئيس الوزراء العراقي يزور طهران لإجراء محادثات تجارية", None)]

    def jsonl(path, items):
        path.write_text("".join(json.dumps({"id": i, "lang": lang, "text": t, **({"date": d} if d else {})},
                                           ensure_ascii=False) + "\n" for i, lang, t, d in items), encoding="utf-8")
        return path

    assert _cli(jsonl(tmp_path / "first.jsonl", first), "--out", tmp_path / "base", "--save-state").returncode == 0
    outputs = []
    for k, items in enumerate([later, later[::-1], random.Random(3).sample(later, len(later))]):
        proc = _cli(jsonl(tmp_path / f"later{k}.jsonl", items), "--update", tmp_path / "base",
                    "--out", tmp_path / f"out{k}")
        assert proc.returncode == 0, proc.stderr
        outputs.append(tuple((tmp_path / f"out{k}" / name).read_bytes() for name in ("clusters.jsonl", "summaries.jsonl")))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(_rows(tmp_path / "out0")) == len(first) + len(later)


def test_update_with_nothing_new_fails_and_damaged_state_is_reported(tmp_path):
    """An --update whose inputs add nothing (all already there, or a mistyped path) exits
    non-zero; a damaged state/ gives an error naming it, not a traceback; output files get
    ordinary permissions (not mkstemp's owner-only ones)."""
    import os
    import stat

    first = copy_seed_folder(tmp_path, "first", ["000", "002"])
    proc = _cli(first, "--out", tmp_path / "out1", "--save-state")
    assert proc.returncode == 0, proc.stderr
    mask = os.umask(0)
    os.umask(mask)
    for name in ("clusters.jsonl", "summaries.jsonl", "manifest.json"):
        assert stat.S_IMODE((tmp_path / "out1" / name).stat().st_mode) == 0o666 & ~mask
    for inputs in (first, tmp_path / "no-such-folder"):
        proc = _cli(inputs, "--update", tmp_path / "out1", "--out", tmp_path / "out2")
        assert proc.returncode == 1 and "none of this run's inputs could be added" in proc.stderr, proc.stderr
    later = copy_seed_folder(tmp_path, "later", ["001"])
    for damaged, content in (("summaries.jsonl", ""), ("pipeline.json", "[]\n")):
        state = tmp_path / f"damaged-{damaged}"
        shutil.copytree(tmp_path / "out1", state)
        (state / "state" / damaged).write_text(content, encoding="utf-8")
        proc = _cli(later, "--update", state, "--out", tmp_path / "out3")
        assert proc.returncode == 2 and "unreadable saved state" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("option", [["--batch-size", "0"], ["--max-bytes", "-1"], ["--summary-sentences", "0"],
                                    ["--duplicate-threshold", "5"], ["--commit-every", "0"]])
def test_run_refuses_out_of_range_options(tmp_path, option):
    proc = _cli(SEEDS, "--out", tmp_path / "out", *option)
    assert proc.returncode == 2 and "Invalid value" in proc.stderr and "Traceback" not in proc.stderr


def test_update_refuses_a_damaged_clusterer_file_and_an_out_inside_the_state(tmp_path):
    first = copy_seed_folder(tmp_path, "first", ["000", "002"])
    assert _cli(first, "--out", tmp_path / "out1", "--save-state").returncode == 0
    later = copy_seed_folder(tmp_path, "later", ["001"])
    proc = _cli(later, "--update", tmp_path / "out1", "--out", tmp_path / "out1" / "state")
    assert proc.returncode == 2 and "is inside" in proc.stderr
    npz = tmp_path / "out1" / "state" / "clusterer.npz"
    npz.write_bytes(npz.read_bytes()[:5000])
    proc = _cli(later, "--update", tmp_path / "out1", "--out", tmp_path / "out2")
    assert proc.returncode == 2 and "not a saved EventClusterer" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("option", [["--threshold", "nan"], ["--centroid-threshold", "5"]])
def test_run_refuses_thresholds_outside_the_score_range(tmp_path, option):
    proc = _cli(SEEDS, "--out", tmp_path / "out", *option)
    assert proc.returncode == 2 and "must be a number between -1 and 1" in proc.stderr


def test_state_saved_without_mean_sums_assigns_with_its_means_fixed(tmp_path):
    """A state written before assign could update language means (no sums, languages or
    norms in it) still loads; its means stay as saved, and assign works."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(12, 16)).astype(np.float32)
    langs = ["fa", "ar"] * 6
    EventClusterer(refit_up_to=0, use_terms=False).fit(X, langs=langs).save(tmp_path)
    meta = json.loads((tmp_path / "clusterer.json").read_text(encoding="utf-8"))
    del meta["centering"]
    (tmp_path / "clusterer.json").write_text(json.dumps(meta), encoding="utf-8")
    with np.load(tmp_path / "clusterer.npz") as stored:
        arrays = {k: stored[k] for k in stored.files
                  if k not in ("centering_sums", "centering_references", "global_sum", "langs", "center_norms")}
    np.savez(tmp_path / "clusterer.npz", **arrays)
    loaded = EventClusterer.load(tmp_path)
    assert not loaded.centering_.updatable
    before = {lang: mean.copy() for lang, mean in loaded.centering_.means_.items()}
    labels = loaded.assign(rng.normal(size=(3, 16)).astype(np.float32), langs=["fa", "ar", "en"])
    assert len(labels) == 3 and len(loaded.labels_) == 15
    for lang, mean in before.items():
        np.testing.assert_array_equal(loaded.centering_.means_[lang], mean)


def test_state_fitted_without_language_centring_saves_and_assigns(tmp_path):
    """center_languages=False keeps no language means; save() used to fail on that."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(10, 8)).astype(np.float32)
    fitted = EventClusterer(center_languages=False, refit_up_to=0).fit(X, langs=["fa"] * 10)
    fitted.save(tmp_path)
    loaded = EventClusterer.load(tmp_path)
    new = X[:3] + 0.01
    assert np.array_equal(loaded.assign(new, langs=["fa", "ar", "fa"]), fitted.assign(new, langs=["fa", "ar", "fa"]))
    assert np.array_equal(loaded.vectors_, fitted.vectors_)


def test_each_run_of_one_pipeline_keeps_its_own_clusterer(tmp_path):
    """Results of one Pipeline used to share (and refit) one clusterer, so saving an
    earlier result wrote a later run's state beside its documents; an update swapped the
    pipeline's clusterer for the loaded one."""
    from akhbar import Pipeline

    pipeline = Pipeline()
    template = pipeline.clusterer
    first = pipeline.run([copy_seed_folder(tmp_path, "five", ["000", "001", "002", "003", "004"])])
    second = pipeline.run([copy_seed_folder(tmp_path, "two", ["002", "003"])])
    assert first.clusterer is not second.clusterer and pipeline.clusterer is template
    assert len(first.clusterer.labels_) == 5 and len(second.clusterer.labels_) == 2
    first.write(tmp_path / "out", save_state=True)
    updated = Pipeline().update(tmp_path / "out", [copy_seed_folder(tmp_path, "more", ["001"])])  # id already there
    assert len(updated.documents) == 5 and any("already in the earlier run" in s.reason for s in updated.skipped)
    pipeline.update(tmp_path / "out", [tmp_path / "two"])
    assert pipeline.clusterer is template



def test_update_keeps_the_earlier_language_filter_and_refuses_another(tmp_path):
    """`--languages fa,ar --save-state`, then `--update` without --languages: the update used
    to cluster the new articles of every language. The filter is saved in the state and kept
    (an English article is skipped with the reason); another --languages is refused before
    any input is read, as another --model is; the same languages in another order are not."""
    from akhbar.ingest import Ingestor
    from akhbar.pipeline import Pipeline

    def jsonl(path, items):
        path.write_text("".join(json.dumps({"id": i, "lang": lang, "text": t}, ensure_ascii=False) + "\n"
                                for i, lang, t in items), encoding="utf-8")
        return path

    first = jsonl(tmp_path / "first.jsonl", [
        ("fa1", "fa", "ایران و عراق در تهران سند همکاری دفاعی امضا کردند"),
        ("ar1", "ar", "إيران والعراق يوقعان وثيقة تعاون دفاعي في طهران"),
        ("en1", "en", "Iran and Iraq sign defence cooperation agreement in Tehran")])
    later = jsonl(tmp_path / "later.jsonl", [
        ("fa2", "fa", "زلزله ۶ ریشتری جنوب ایران را لرزاند و به روستاها خسارت زد"),
        ("en2", "en", "Earthquake of magnitude 6 strikes southern Iran, villages damaged")])
    proc = _cli(first, "--out", tmp_path / "base", "--save-state", "--languages", "fa,ar")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "base" / "state" / "pipeline.json").read_text(encoding="utf-8"))["languages"] == \
        ["fa", "ar"]

    proc = _cli(later, "--update", tmp_path / "base", "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert {r["id"] for r in _rows(tmp_path / "out")} == {"fa1", "ar1", "fa2"}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["update"]["new_articles"] == 1
    assert {(s["id"], s["reason"]) for s in manifest["skipped"]} == {
        ("en1", "language 'en' not in ['fa', 'ar']"), ("en2", "language 'en' not in ['fa', 'ar']")}
    assert json.loads((tmp_path / "out" / "state" / "pipeline.json").read_text(encoding="utf-8"))["languages"] == \
        ["fa", "ar"]                                                    # and the next update keeps it too

    proc = _cli(later, "--update", tmp_path / "base", "--out", tmp_path / "other", "--languages", "fa")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert ("the earlier run kept only fa,ar (--languages), this one would keep only fa; an update keeps the "
            "earlier run's languages") in proc.stderr
    assert not (tmp_path / "other").exists()

    same = Pipeline(ingestor=Ingestor(languages=("ar", "fa"))).update(tmp_path / "base", [later])
    assert sorted(d.id for d in same.documents) == ["ar1", "fa1", "fa2"] and set(same.languages) == {"fa", "ar"}

    # A state saved without a filter (or before filters were saved) keeps every language,
    # and a filter asked for on the update is refused too.
    meta_path = tmp_path / "base" / "state" / "pipeline.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["languages"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match=r"kept every language \(no --languages\), this one would keep only fa;"):
        Pipeline(ingestor=Ingestor(languages=("fa",))).update(tmp_path / "base", [later])
