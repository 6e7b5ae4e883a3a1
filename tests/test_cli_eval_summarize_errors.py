"""Bad input to `akhbar eval clusters` and `akhbar summarize`: a clear error or skip that
names the file (and line), never a traceback, nothing silently lost, no NaN in JSON."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from akhbar.cli import app
from conftest import SEEDS

GOLD = SEEDS / "gold.json"
A, B, C = "000_b23a5ac1c6dbbc25.txt", "001_88f3943e6f8d1c6c.txt", "002_dce811a0141bb5f4.txt"


def _invoke(args: list[str]):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"traceback: {result.exception!r}\n{result.stderr}"
    return result


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _jsonl(path: Path, records: list) -> Path:
    return _write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def _eval(gold: Path, pred: Path):
    return _invoke(["eval", "clusters", "--gold", gold, "--pred", pred])


# --- eval clusters: no overlap, partial overlap, NaN (bug 7) ---

def test_eval_clusters_no_common_id_is_an_error(tmp_path):
    pred = _jsonl(tmp_path / "clusters.jsonl", [{"id": "a", "cluster_id": 0}, {"id": "b", "cluster_id": 1}])
    result = _eval(GOLD, pred)
    assert result.exit_code == 2
    assert "no id in common" in result.stderr and str(pred) in result.stderr and str(GOLD) in result.stderr
    assert result.stdout == ""


def test_eval_clusters_partial_overlap_warns_and_never_writes_nan(tmp_path):
    # One item in common; the 4 missing gold ids are singletons, so no predicted
    # cross-lingual link: link precision is undefined -> null.
    pred = _jsonl(tmp_path / "clusters.jsonl", [{"id": C, "cluster_id": 0}, {"id": "extra", "cluster_id": 1}])
    result = _eval(GOLD, pred)
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr
    assert "4 gold id(s) are missing" in result.stderr and "scored as singletons" in result.stderr
    assert "1 id(s)" in result.stderr and "(ignored)" in result.stderr
    assert "NaN" not in result.stdout
    scores = json.loads(result.stdout)
    assert scores["n_items"] == 5 and scores["missing_in_pred"] == 4 and scores["not_in_gold"] == 1
    assert scores["xling_link_recall"] == 0.0 and scores["xling_link_precision"] is None


def test_eval_clusters_full_overlap_has_no_warning(tmp_path):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["documents"]
    pred = _jsonl(tmp_path / "clusters.jsonl", [{"id": k, "cluster_id": v["event"]} for k, v in gold.items()])
    result = _eval(GOLD, pred)
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert json.loads(result.stdout)["bcubed_f1"] == 1.0


# --- eval clusters: messages name file and line (bug 8), no tracebacks (bug 9) ---

@pytest.mark.parametrize("text, expected", [
    ("hello\n", ":1: not valid JSON"),
    (json.dumps({"id": A, "cluster_id": 0}) + "\n" + json.dumps({"id": B}) + "\n", ":2: no 'cluster_id'"),
    (json.dumps({"cluster_id": 0}) + "\n", ":1: no 'id'"),
    ("[1, 2]\n", ":1: a JSON list, not an object"),
    (json.dumps({"id": ["x"], "cluster_id": 0}) + "\n", ":1: 'id' must be"),
    (json.dumps({"id": A, "cluster_id": 0, "lang": 5}) + "\n", ":1: 'lang' must be a string"),
    ("", "no prediction records"),
])
def test_eval_clusters_bad_pred_names_file_and_line(tmp_path, text, expected):
    pred = _write(tmp_path / "clusters.jsonl", text)
    result = _eval(GOLD, pred)
    assert result.exit_code == 2
    assert f"error: {pred}" in result.stderr and expected in result.stderr, result.stderr


def test_eval_clusters_conflicting_duplicate_pred_ids_name_both_lines(tmp_path):
    pred = _jsonl(tmp_path / "clusters.jsonl", [{"id": A, "cluster_id": 0}, {"id": B, "cluster_id": 0},
                                                {"id": A, "cluster_id": 1}])
    result = _eval(GOLD, pred)
    assert result.exit_code == 2
    assert f"{pred}:3" in result.stderr and f"{pred}:1" in result.stderr and A in result.stderr


def test_eval_clusters_same_duplicate_pred_ids_are_accepted(tmp_path):
    pred = _jsonl(tmp_path / "clusters.jsonl", [{"id": A, "cluster_id": 0}, {"id": A, "cluster_id": 0},
                                                {"id": B, "cluster_id": 0}])
    result = _eval(GOLD, pred)
    scores = json.loads(result.stdout)
    assert result.exit_code == 0 and scores["n_items"] == 5 and scores["missing_in_pred"] == 3


@pytest.mark.parametrize("name, text, expected", [
    ("gold.json", "", "empty file"),
    ("gold.json", "[1, 2]", "expected a JSON object of documents"),
    ("gold.json", '{"documents":\n {"a": }}', "gold.json:2: not valid JSON"),
    ("gold.json", '{"documents": {"a": [1]}}', "document 'a': expected an object"),
    ("gold.json", '{"documents": {"a": {"lang": "fa"}}}', "document 'a': no 'event'"),
    ("gold.jsonl", "", "no gold records"),
    ("gold.jsonl", "[1, 2]\n", "gold.jsonl:1: a JSON list"),
    ("gold.jsonl", '{"id": "a"}\n', "gold.jsonl:1: no 'cluster_id'"),
])
def test_eval_clusters_bad_gold_is_a_clear_error(tmp_path, name, text, expected):
    gold = _write(tmp_path / name, text)
    pred = _jsonl(tmp_path / "clusters.jsonl", [{"id": "a", "cluster_id": 0}])
    result = _eval(gold, pred)
    assert result.exit_code == 2
    assert f"error: {gold}" in result.stderr and expected in result.stderr, result.stderr


def test_eval_clusters_folder_or_missing_file_is_a_usage_error(tmp_path):
    result = _eval(GOLD, tmp_path)
    assert result.exit_code == 2 and f"{tmp_path}: is a directory" in result.stderr
    result = _eval(tmp_path, GOLD)
    assert result.exit_code == 2 and "is a directory" in result.stderr
    result = _eval(GOLD, tmp_path / "nothing.jsonl")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_eval_clusters_binary_pred_names_the_line(tmp_path):
    pred = tmp_path / "clusters.jsonl"
    pred.write_bytes(json.dumps({"id": A, "cluster_id": 0}).encode() + b"\n\xff\xfe\n")
    result = _eval(GOLD, pred)
    assert result.exit_code == 2 and f"{pred}:2: not UTF-8" in result.stderr


# --- summarize: bad fields skipped, HTML extracted, ids checked (bugs 5, 6) ---

_FA = ("وزیر دفاع عراق روز یکشنبه در تهران با رئیس ستاد کل نیروهای مسلح ایران دیدار و گفت‌وگو کرد. "
       "دو طرف درباره همکاری‌های دفاعی و امنیت مرزهای مشترک گفت‌وگو کردند.")


def test_summarize_skips_bad_records_and_writes_the_rest(tmp_path):
    html = (f"<html><head><title>دیدار وزیر دفاع</title></head><body><nav>خانه | اخبار</nav>"
            f"<h1>دیدار وزیر دفاع</h1><p>{_FA}</p></body></html>")
    src = _jsonl(tmp_path / "docs.jsonl", [
        {"id": "s1", "text": _FA},                      # 1: kept
        {"id": "s10", "text": _FA, "lang": 5},          # 2: lang not a string
        {"id": "s11", "text": _FA, "title": 7},         # 3: title not a string
        {"id": ["l"], "text": _FA},                     # 4: list id
        {"id": "s1", "text": "متن دیگری برای همان شناسه است."},  # 5: duplicate id
        {"id": 7, "text": _FA, "lang": "fa"},           # 6: integer id -> "7"
        {"id": "h", "text": html},                      # 7: HTML extracted
        {"id": {"a": 1}, "text": _FA},                  # 8: dict id
        {"id": True, "text": _FA},                      # 9: bool id
    ])
    out = tmp_path / "pred.jsonl"
    result = _invoke(["summarize", src, "--single-doc", "--words", "30", "--out", out, "--no-cache"])
    assert result.exit_code == 0, result.stderr
    err = result.stderr
    assert f"{src}:2: skipped: 'lang' must be a string" in err
    assert f"{src}:3: skipped: 'title' must be a string" in err
    assert f"{src}:4: skipped: 'id' must be a string or an integer" in err
    assert f"{src}:5: skipped: duplicate id 's1' (first on line 1)" in err
    assert f"{src}:8: skipped: 'id' must be" in err and f"{src}:9: skipped: 'id' must be" in err
    assert "6 bad line(s) skipped" in err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["s1", "7", "h"]
    assert all(isinstance(r["id"], str) for r in rows)
    html_summary = rows[2]["summary"]
    assert "<" not in html_summary and "وزیر دفاع عراق" in html_summary
    assert "خانه" not in html_summary          # the menu is boilerplate
    # the written file is one `akhbar eval summaries` accepts
    gold = _jsonl(tmp_path / "gold.jsonl", [{"id": r["id"], "references": [_FA]} for r in rows])
    scored = _invoke(["eval", "summaries", "--gold", gold, "--pred", out])
    assert scored.exit_code == 0, scored.stderr
    assert json.loads(scored.stdout)["n"] == 3


def test_summarize_folder_input_is_a_usage_error(tmp_path):
    result = _invoke(["summarize", tmp_path, "--single-doc", "--out", tmp_path / "o.jsonl", "--no-cache"])
    assert result.exit_code == 2 and f"{tmp_path}: is a directory" in result.stderr


def test_summarize_input_text_helper():
    from akhbar.cli import _summarize_input_text, _summarize_record

    text, title = _summarize_input_text("<html><body><h1>Title here</h1><p>First para of the body text.</p>"
                                        "<p>Second para of the body text.</p></body></html>", "Title here")
    assert "<" not in text and "Title here" not in text and "First para" in text and title == "Title here"
    assert _summarize_input_text("plain text, a < b", None) == ("plain text, a < b", None)
    assert _summarize_record('{"id": 3, "text": "x"}') == ({"id": "3", "text": "x"}, None)
    assert _summarize_record('{"id": " ", "text": "x"}')[1] == "no 'id'"
    assert "'title' must be a string" in _summarize_record('{"id": "a", "text": "x", "title": 7}')[1]


# --- eval clusters: missing gold ids are singletons, languages normalized, 1.0 is 1 ---

def _scores(tmp_path, gold: list, pred: list):
    result = _eval(_jsonl(tmp_path / "gold.jsonl", gold), _jsonl(tmp_path / "pred.jsonl", pred))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_eval_clusters_partial_prediction_cannot_score_perfectly(tmp_path):
    gold = [{"id": k, "cluster_id": c, "lang": lang} for k, c, lang in
            [("a", 1, "fa"), ("b", 1, "ar"), ("c", 1, "fa"), ("d", 2, "fa"), ("e", 2, "ar"),
             ("f", 3, "fa"), ("g", 3, "ar"), ("h", 4, "fa")]]
    scores, err = _scores(tmp_path, gold, [{"id": "a", "cluster_id": 9}, {"id": "b", "cluster_id": 9},
                                           {"id": "zz", "cluster_id": 9}])
    assert scores["n_items"] == 8 and scores["missing_in_pred"] == 6 and scores["not_in_gold"] == 1
    assert scores["n_pred_clusters"] == 7          # {a, b} and six singletons; zz ignored
    assert scores["bcubed_p"] == 1.0 and scores["bcubed_f1"] < 0.8 and scores["pairwise_r"] == 0.2
    assert scores["gold_xling_links"] == 4 and scores["xling_link_recall"] == 0.25
    assert "6 gold id(s) are missing" in err and "scored as singletons" in err


def test_eval_clusters_normalizes_language_codes(tmp_path):
    # One language spelt three ways: no cross-lingual link.
    scores, _ = _scores(tmp_path, [{"id": "a", "cluster_id": 1, "lang": "fa"},
                                   {"id": "b", "cluster_id": 1, "lang": "FA"},
                                   {"id": "c", "cluster_id": 1, "lang": " fas"}],
                        [{"id": "a", "cluster_id": 1}, {"id": "b", "cluster_id": 1}, {"id": "c", "cluster_id": 2}])
    assert scores["gold_xling_links"] == 0 and scores["pred_xling_links"] == 0
    # OG2021-style 'ara' in gold, a gold record without lang takes the prediction's 'ar': same language.
    scores, _ = _scores(tmp_path, [{"id": "a", "cluster_id": 1, "lang": "ara"}, {"id": "b", "cluster_id": 1},
                                   {"id": "c", "cluster_id": 2, "lang": "pes"}, {"id": "d", "cluster_id": 2,
                                                                                 "lang": "fa-IR"}],
                        [{"id": k, "cluster_id": 1, "lang": "ar"} for k in "ab"]
                        + [{"id": k, "cluster_id": 2, "lang": "Persian"} for k in "cd"])
    assert scores["gold_xling_links"] == 0
    # Real cross-lingual links still count; an unknown label is kept (case-insensitively).
    scores, _ = _scores(tmp_path, [{"id": "a", "cluster_id": 1, "lang": "fas"},
                                   {"id": "b", "cluster_id": 1, "lang": "ARA"},
                                   {"id": "c", "cluster_id": 1, "lang": "Klingon"},
                                   {"id": "d", "cluster_id": 1, "lang": "klingon"}],
                        [{"id": k, "cluster_id": 1} for k in "abcd"])
    assert scores["gold_xling_links"] == 5 and scores["xling_link_recall"] == 1.0


def test_eval_clusters_integral_float_labels_are_integers(tmp_path):
    scores, _ = _scores(tmp_path, [{"id": k, "cluster_id": 7} for k in "abc"] + [{"id": 4.0, "cluster_id": 8}],
                        [{"id": "a", "cluster_id": 1.0}, {"id": "b", "cluster_id": 1},
                         {"id": "c", "cluster_id": "1"}, {"id": 4, "cluster_id": 1.5}])
    assert scores["n_pred_clusters"] == 2 and scores["missing_in_pred"] == 0 and scores["bcubed_f1"] == 1.0


# --- eval summaries: read as eval clusters reads (one reader) ---

_REFS = {"id": 1, "references": ["ضرب زلزال بقوة ٦ درجات محافظة كرمانشاه"]}


def _eval_summaries(gold: Path, pred: Path):
    return _invoke(["eval", "summaries", "--gold", gold, "--pred", pred])


def test_eval_summaries_empty_gold_is_an_error(tmp_path):
    gold = _write(tmp_path / "gold.jsonl", "\n")
    pred = _jsonl(tmp_path / "pred.jsonl", [{"id": 1, "summary": "x"}])
    result = _eval_summaries(gold, pred)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{gold}: no gold records (the file is empty)" in result.stderr
    result = _eval_summaries(_jsonl(tmp_path / "g2.jsonl", [_REFS]), _write(tmp_path / "empty.jsonl", ""))
    assert result.exit_code == 2 and "empty.jsonl: no prediction records" in result.stderr


def test_eval_summaries_bad_encoding_and_arrays_name_file_and_line(tmp_path):
    gold = _jsonl(tmp_path / "gold.jsonl", [_REFS])
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes(b'{"id": 0, "summary": "a"}\n{"id": 1, "summary": "\xe9t\xe9"}\n')
    result = _eval_summaries(gold, latin1)
    assert result.exit_code == 2 and f"{latin1}:2: not UTF-8 text" in result.stderr
    arr = _write(tmp_path / "arr.jsonl", '[{"id": 1, "summary": "x"}]\n')
    result = _eval_summaries(gold, arr)
    assert result.exit_code == 2
    assert f"{arr}:1: a JSON list, not an object; expected JSON Lines" in result.stderr
    result = _eval_summaries(gold, _write(tmp_path / "bad.jsonl", "{oops\n"))
    assert result.exit_code == 2 and "bad.jsonl:1: not valid JSON" in result.stderr
    result = _eval_summaries(gold, _jsonl(tmp_path / "noid.jsonl", [{"summary": "x"}]))
    assert result.exit_code == 2 and "noid.jsonl:1: no 'id'" in result.stderr


def test_eval_summaries_accepts_a_bom(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b"\xef\xbb\xbf" + json.dumps(_REFS, ensure_ascii=False).encode("utf-8") + b"\n")
    pred = tmp_path / "pred.jsonl"
    pred.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "1", "summary": _REFS["references"][0]},
                                                  ensure_ascii=False).encode("utf-8") + b"\n")
    result = _eval_summaries(gold, pred)
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["n"] == 1 and scores["rouge1"] == 100.0


# --- summarize: a non-JSONL input is said once ---

def test_summarize_text_file_is_one_error_not_one_per_line(tmp_path):
    src = _write(tmp_path / "article.txt", "".join(f"{_FA} {i}\n" for i in range(40)))
    out = tmp_path / "pred.jsonl"
    result = _invoke(["summarize", src, "--single-doc", "--out", out, "--no-cache"])
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"error: {src} is not JSON Lines (line 1: not valid JSON" in result.stderr
    short = _write(tmp_path / "short.txt", "just a line of text\n\nanother one\n")
    result = _invoke(["summarize", short, "--single-doc", "--out", out, "--no-cache"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "is not JSON Lines" in result.stderr


# --- run: --languages and --out are checked before any work ---

def test_run_languages_are_normalized_like_jsonl_lang():
    from akhbar.cli import _parse_languages

    assert _parse_languages("fas,ara") == ("fa", "ar")
    assert _parse_languages(" FA , ar,pes,fa-IR") == ("fa", "ar")


@pytest.mark.parametrize("value, shown", [("farsi", "'farsi'"), ("fa,xx", "'xx'"), (" , ", "empty")])
def test_run_unknown_language_is_a_usage_error(tmp_path, value, shown):
    result = _invoke(["run", SEEDS, "--out", tmp_path / "out", "--languages", value, "-q", "--no-cache"])
    assert result.exit_code == 2 and "--languages" in result.stderr and shown in result.stderr
    assert not (tmp_path / "out").exists()


def test_run_languages_keep_articles_labelled_with_other_spellings(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in (A, B):  # A is Persian, B Arabic
        (src / name).write_bytes((SEEDS / name).read_bytes())
    out = tmp_path / "out"
    result = _invoke(["run", src, "--out", out, "--languages", "FAS, ara", "-q", "--no-cache"])
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n_processed"] == 2 and manifest["n_skipped"] == 0


def test_run_out_that_is_a_file_fails_before_any_work(tmp_path, monkeypatch):
    import akhbar.embed

    afile = _write(tmp_path / "afile", "x")
    monkeypatch.setattr(akhbar.embed, "load_encoder", lambda *a, **k: pytest.fail("work started"))
    for out in (afile, afile / "sub"):
        result = _invoke(["run", SEEDS, "--out", out, "-q", "--no-cache"])
        assert result.exit_code == 2
        assert f"--out {out}" in result.stderr and "is an existing file, not a folder" in result.stderr
    assert afile.read_text() == "x"


# --- run --calibration: a calibration file for another model, checked before any input is read ---

@pytest.mark.parametrize("content, reason", [
    (None, "No such file"),
    ("{not json", "not valid JSON"),
    ('["threshold", 0.2]', "expected a JSON object"),
    ('{"threshold": 0.2, "treshold": 0.3}', "unknown calibration field(s): treshold"),
    ('{"threshold": "high"}', "field threshold has an invalid value: 'high'"),
    ('{"article_null": [0.1, 0.2]}', "field article_null has an invalid value"),
])
def test_run_refuses_a_bad_calibration_file(tmp_path, content, reason):
    path = tmp_path / "calibration.json"
    if content is not None:
        _write(path, content)
    result = _invoke(["run", SEEDS, "--out", tmp_path / "out", "--calibration", path, "--quiet"])
    assert result.exit_code == 2
    assert f"--calibration {path}" in result.stderr and reason in result.stderr
    assert not (tmp_path / "out").exists()


def test_run_uses_the_calibration_file_it_is_given(tmp_path):
    """A calibration whose thresholds nothing reaches: every seed is its own event (the
    stored calibration puts 000 and 001 together)."""
    from akhbar.cluster import Calibration

    stored = json.loads((Path(__file__).parents[1] / "cluster" / "calibration.json").read_text(encoding="utf-8"))
    strict = {**stored, "threshold": 0.95, "article_threshold": 0.95, "centroid_threshold": 0.99,
              "article_sure_alignment": None, "source": "test: nothing merges"}
    assert Calibration.from_file(_write(tmp_path / "strict.json", json.dumps(strict))).threshold == 0.95
    result = _invoke(["run", SEEDS, "--out", tmp_path / "out", "--calibration", tmp_path / "strict.json",
                      "--no-cache", "--quiet"])
    assert result.exit_code == 0, result.stderr
    labels = [json.loads(line)["cluster_id"] for line in (tmp_path / "out" / "clusters.jsonl").read_text().splitlines()]
    assert len(labels) == 5 and len(set(labels)) == 5


def test_eval_clusters_extra_ids_alone_warn_only_about_them(tmp_path):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["documents"]
    pred = _jsonl(tmp_path / "clusters.jsonl", [{"id": k, "cluster_id": v["event"]} for k, v in gold.items()]
                  + [{"id": "extra", "cluster_id": 9}])
    result = _eval(GOLD, pred)
    assert result.exit_code == 0
    assert "1 id(s)" in result.stderr and "(ignored)" in result.stderr and "missing" not in result.stderr


# --- summarize: input read as `akhbar run` reads JSONL lines ---

_AR = "وصل وزير الدفاع العراقي إلى طهران يوم السبت والتقى نظيره الإيراني. ووقع الجانبان مذكرة تفاهم للتعاون الدفاعي."


def _summarize(src: Path, out: Path, *extra):
    return _invoke(["summarize", src, "--single-doc", "--out", out, "--no-cache", *extra])


def _summaries(out: Path) -> dict:
    return {r["id"]: r["summary"] for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def test_summarize_reads_a_bom_and_utf16(tmp_path):
    line = json.dumps({"id": "b1", "text": _AR}, ensure_ascii=False)
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + line.encode("utf-8") + b"\n")
    result = _summarize(bom, tmp_path / "bom.out.jsonl")
    assert result.exit_code == 0, result.stderr
    assert _summaries(tmp_path / "bom.out.jsonl")["b1"].startswith("وصل وزير الدفاع")
    wide = tmp_path / "utf16.jsonl"
    wide.write_text(line + "\r\n" + line.replace('"b1"', '"b2"') + "\r\n", encoding="utf-16")
    result = _summarize(wide, tmp_path / "utf16.out.jsonl")
    assert result.exit_code == 0, result.stderr
    assert set(_summaries(tmp_path / "utf16.out.jsonl")) == {"b1", "b2"}


def test_summarize_line_in_another_encoding_is_decoded_with_a_note(tmp_path):
    good = json.dumps({"id": "u", "text": _AR}, ensure_ascii=False).encode("utf-8")
    legacy = json.dumps({"id": "w", "text": _AR}, ensure_ascii=False).encode("cp1256")
    stray = good.replace(b'"u"', b'"s"').replace("طهران".encode("utf-8"), b"\xff" + "طهران".encode("utf-8"))
    src = tmp_path / "mixed.jsonl"
    src.write_bytes(b"\n".join([good, legacy, stray, b'{"id": "x", "text": "\x00\x01\xff"}']) + b"\n")
    out = tmp_path / "pred.jsonl"
    result = _summarize(src, out)
    assert result.exit_code == 0, result.stderr
    summaries = _summaries(out)
    assert summaries["w"] == summaries["u"] and "\ufffd" not in summaries["w"]   # not U+FFFD soup
    assert f"{src}:2: note: not UTF-8 (byte 0x" in result.stderr and "legacy code page" in result.stderr
    assert summaries["s"].count("\ufffd") == 1
    assert f"{src}:3: note: not valid UTF-8 (byte 0xff at column" in result.stderr
    assert f"{src}:4: skipped: not UTF-8 text (byte 0xff at column 24): binary data" in result.stderr
    assert "1 bad line(s)" in result.stderr and set(summaries) == {"u", "w", "s"}
    assert f"{src}:1: note" not in result.stderr


def test_summarize_empty_input_is_an_error(tmp_path):
    out = tmp_path / "pred.jsonl"
    for text in ("", "\n  \n"):
        result = _summarize(_write(tmp_path / "empty.jsonl", text), out)
        assert result.exit_code == 2 and not out.exists()
        assert f"error: {tmp_path / 'empty.jsonl'}: no records (the file is empty)" in result.stderr


def test_summarize_max_words_null_or_integral_float(tmp_path):
    src = _jsonl(tmp_path / "docs.jsonl", [{"id": "none", "text": _AR, "max_words": None},
                                           {"id": "float", "text": _AR, "max_words": 4.0},
                                           {"id": "half", "text": _AR, "max_words": 4.5},
                                           {"id": "zero", "text": _AR, "max_words": 0}])
    out = tmp_path / "pred.jsonl"
    result = _summarize(src, out, "--words", "6")
    assert result.exit_code == 0, result.stderr
    summaries = _summaries(out)
    assert len(summaries["none"].split()) == 6 and len(summaries["float"].split()) == 4
    assert f"{src}:3: skipped: 'max_words' must be a positive integer, not 4.5" in result.stderr
    assert f"{src}:4: skipped: 'max_words' must be a positive integer, not 0" in result.stderr


def test_summarize_unknown_lang_is_noted(tmp_path):
    src = _jsonl(tmp_path / "docs.jsonl", [{"id": "k", "text": _AR, "lang": "klingon"},
                                           {"id": "a", "text": _AR, "lang": "ara"}])
    out = tmp_path / "pred.jsonl"
    result = _summarize(src, out)
    assert result.exit_code == 0, result.stderr
    assert f"{src}:1: note: 'lang' 'klingon' is not a known language code; identified from the text" \
        in result.stderr
    assert f"{src}:2: note" not in result.stderr
    assert _summaries(out)["k"] == _summaries(out)["a"]


def test_eval_summaries_warns_about_predictions_not_in_gold(tmp_path):
    gold = _jsonl(tmp_path / "gold.jsonl", [_REFS])
    pred = _jsonl(tmp_path / "pred.jsonl", [{"id": 1, "summary": _REFS["references"][0]},
                                            {"id": "extra", "summary": "x"}])
    result = _eval_summaries(gold, pred)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["n_pred_not_in_gold"] == 1
    assert f"warning: 1 id(s) of {pred} are not in {gold} (ignored)" in result.stderr
