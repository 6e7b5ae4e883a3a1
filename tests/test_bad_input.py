"""Issue #5: batch jobs never lose an article.

Every input of the bad-input corpus (tests/data/bad/, written by
tests/data/make_bad_corpus.py, plus a 50 MB file generated here) is processed or
skipped with a reason in manifest.json; the CLI does not crash, exits non-zero only
when nothing could be processed, and names the file and the reason on stderr.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from akhbar.ingest import Ingestor, JsonlFields, decode_bytes, normalize_text, read_inputs
from akhbar.ingest.readers import InputError, read_jsonl

from conftest import ROOT, SEEDS

sys.path.insert(0, str(ROOT / "tests" / "data"))
import make_bad_corpus as corpus  # noqa: E402

BAD = ROOT / "tests" / "data" / "bad"
AKHBAR = [sys.executable, "-m", "akhbar.cli"]


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "2")
    return env


def _run(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(AKHBAR + args, cwd=cwd, capture_output=True, text=True, env=_env(), timeout=600)


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    big_dir = tmp / "big"
    big_dir.mkdir()
    big = corpus.write_big_file(big_dir / "huge_article.txt")
    assert big.stat().st_size == 50 * 1024 * 1024
    out = tmp / "out"
    proc = _run(["run", str(BAD), str(big_dir), "--out", str(out), "--cache-dir", str(tmp / "cache"), "-q"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8")) if out.exists() else None
    return {"proc": proc, "out": out, "manifest": manifest, "big": big}


def _outcomes(manifest: dict) -> dict[str, tuple]:
    """input key ('file' or 'file:line', relative to the corpus) -> outcome."""
    def key(source: str) -> str:
        path = Path(source.rsplit(":", 1)[0] if source.rsplit(":", 1)[-1].isdigit() else source)
        suffix = ":" + source.rsplit(":", 1)[1] if source.rsplit(":", 1)[-1].isdigit() else ""
        return path.name + suffix

    outcomes: dict[str, list] = {}
    for record in manifest["processed"]:
        outcomes.setdefault(key(record["source"]), []).append(("processed", record.get("duplicate_of")))
    for record in manifest["skipped"]:
        outcomes.setdefault(key(record["source"]), []).append(("skipped", record["reason"]))
    return outcomes


# --------------------------------------------------------------------------- the corpus

def test_committed_corpus_matches_its_generator():
    expected = corpus.files()
    on_disk = {p.name: p.read_bytes() for p in BAD.iterdir() if p.is_file()}
    assert on_disk == expected
    assert not any(p.stat().st_size > 10_000 for p in BAD.iterdir()), "only small files are committed"


def test_every_corpus_file_has_an_expected_outcome():
    names = set(corpus.files())
    expected_files = {k.split(":")[0] for k in corpus.EXPECTED}
    assert names == expected_files
    n_lines = corpus.files()["records.jsonl"].count(b"\n") + 1      # the last line has no newline
    assert {k for k in corpus.EXPECTED if k.startswith("records.jsonl:")} == {
        f"records.jsonl:{i}" for i in range(1, n_lines + 1)}


# --------------------------------------------------------------------------- the CLI run

def test_cli_succeeds_without_crash(bad_run):
    proc = bad_run["proc"]
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""                                    # --quiet: no report
    assert "\r" not in proc.stderr and "it/s" not in proc.stderr  # --quiet: no progress bars


def test_every_input_is_accounted_for(bad_run):
    manifest = bad_run["manifest"]
    outcomes = _outcomes(manifest)
    expected = dict(corpus.EXPECTED)
    expected["huge_article.txt"] = corpus.BIG_EXPECTED
    assert set(outcomes) == set(expected), "inputs missing from (or unexpected in) manifest.json"
    for name, (status, detail) in expected.items():
        got = outcomes[name]
        assert len(got) == 1, f"{name} appears {len(got)} times"
        got_status, got_detail = got[0]
        assert got_status == status, f"{name}: {got[0]}"
        if status == "skipped":
            assert detail in got_detail, f"{name}: reason {got_detail!r}"
        else:
            assert got_detail == detail, f"{name}: duplicate_of {got_detail!r}"
    assert manifest["n_processed"] + manifest["n_skipped"] == len(expected)


def test_skip_reasons_are_on_stderr_with_the_file(bad_run):
    stderr = bad_run["proc"].stderr
    for record in bad_run["manifest"]["skipped"]:
        line = f"skipped {record['source']}: {record['reason']}"
        assert line in stderr
    assert "file too large" in stderr and "--max-bytes" in stderr and "huge_article.txt" in stderr


def test_duplicates_grouped_and_do_not_inflate(bad_run):
    out = bad_run["out"]
    records = {r["id"]: r for r in map(json.loads, (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines())}
    original = records["dup_a_original.txt"]
    assert "duplicate_of" not in original
    for copy in ("dup_b_exact_copy.txt", "dup_c_syndicated.txt"):
        assert records[copy]["duplicate_of"] == "dup_a_original.txt"
        assert records[copy]["cluster_id"] == original["cluster_id"]
    manifest = bad_run["manifest"]
    assert manifest["n_duplicates"] == 2
    assert {(d["id"], d["duplicate_of"], d["exact"]) for d in manifest["duplicates"]} == {
        ("dup_b_exact_copy.txt", "dup_a_original.txt", True),
        ("dup_c_syndicated.txt", "dup_a_original.txt", False)}
    summaries = [json.loads(line) for line in (out / "summaries.jsonl").read_text(encoding="utf-8").splitlines()]
    cited = {s["doc_id"] for summary in summaries for s in summary["sentences"]}
    assert not cited & {"dup_b_exact_copy.txt", "dup_c_syndicated.txt"}
    # One cluster per group of canonical documents: the copies add none.
    canonical_clusters = {r["cluster_id"] for r in records.values() if "duplicate_of" not in r}
    assert {r["cluster_id"] for r in records.values()} == canonical_clusters
    assert manifest["n_clusters"] == len(canonical_clusters) == len(summaries)
    # Copies are not embedded: only canonical texts are.
    assert manifest["embedding"]["encoded"] > 0


def test_other_languages_processed_with_their_language(bad_run):
    records = {r["id"]: r for r in map(json.loads, (bad_run["out"] / "clusters.jsonl")
                                       .read_text(encoding="utf-8").splitlines())}
    assert (records["english.txt"]["lang"], records["turkish.txt"]["lang"], records["urdu.txt"]["lang"]) == (
        "en", "tr", "ur")
    assert records["cp1256_fa.txt"]["lang"] == "fa" and records["utf16_bom_ar.txt"]["lang"] == "ar"


# --------------------------------------------------------------------------- in-process checks

@pytest.mark.parametrize("name, text", [
    ("cp1256_fa.txt", corpus.FA_CP1256), ("cp1256_ar.txt", corpus.AR_CP1256),
    ("utf16_bom_ar.txt", corpus.AR_UTF16), ("utf16le_nobom_fa.txt", corpus.FA_UTF16),
])
def test_legacy_and_utf16_text_decoded_exactly(name, text):
    assert decode_bytes((BAD / name).read_bytes(), name) == text


def test_decoded_documents_keep_their_text():
    articles, _ = read_inputs([BAD])
    docs = {d.id: d for d in Ingestor().transform(articles)[0]}
    for name, text, lang in [("cp1256_fa.txt", corpus.FA_CP1256, "fa"), ("cp1256_ar.txt", corpus.AR_CP1256, "ar"),
                             ("utf16_bom_ar.txt", corpus.AR_UTF16, "ar"),
                             ("utf16le_nobom_fa.txt", corpus.FA_UTF16, "fa"),
                             ("nul_bytes.txt", corpus.FA_NUL, "fa")]:
        assert docs[name].lang == lang
        assert " ".join(docs[name].sentences) == normalize_text(text, lang), name
    assert "\x00" not in docs["rec-nul"].text
    assert docs["rec-cp1256"].text.startswith("قررت الحكومة التونسية")
    html = docs["scripts.html"]
    assert html.title == "افتتاح کتابخانه عمومی در شیراز" and len(html.sentences) == 3
    for junk in ("dataLayer", "trackPageView", "Tahoma", "تبلیغات", "ورزشی", "حقوق"):
        assert junk not in html.text
    assert "تبلیغ" not in docs["rec-fa-html"].text


def test_languages_option_skips_other_languages_with_reason():
    articles, _ = read_inputs([BAD])
    docs, skipped = Ingestor(languages=("fa", "ar")).transform(articles)
    reasons = {Path(s.source).name: s.reason for s in skipped}
    for name, lang in (("english.txt", "en"), ("turkish.txt", "tr"), ("urdu.txt", "ur")):
        assert reasons[name] == f"language '{lang}' not in ['fa', 'ar']"
    assert not any(d.lang not in ("fa", "ar") for d in docs)


def test_binary_and_nul_handling():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(corpus.PNG, "x.png")
    with pytest.raises(InputError, match="zeros"):
        decode_bytes(b"\x00" * 1000, "zeros")
    text = decode_bytes((BAD / "nul_bytes.txt").read_bytes(), "nul_bytes.txt")
    assert "\x00" not in text and text.strip() == corpus.FA_NUL


def test_big_file_skipped_without_reading(tmp_path):
    big = corpus.write_big_file(tmp_path / "big.txt")
    articles, skipped = read_inputs([big])
    assert not articles
    assert "file too large (52.4 MB > 20.0 MB limit" in skipped[0].reason
    articles, skipped = read_inputs([big], max_bytes=60 * 1024 * 1024)      # raised limit: read
    assert len(articles) == 1 and not skipped and len(articles[0].raw) > 20_000_000


def test_jsonl_is_streamed_and_limits_each_record(tmp_path):
    path = tmp_path / "batch.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "small-1", "text": corpus.JSONL_AR}, ensure_ascii=False) + "\n")
        handle.write(json.dumps({"id": "huge", "text": "x " * 600_000}) + "\n")
        handle.write(json.dumps({"id": "small-2", "text": corpus.JSONL_CP1256}, ensure_ascii=False) + "\n")
    items = list(read_jsonl(path, JsonlFields(), max_bytes=1_000_000))
    assert [getattr(i, "id", None) for i in items] == ["small-1", None, "small-2"]
    assert "record too large" in items[1].reason and items[1].source.endswith(":2")


def test_binary_jsonl_file_skipped_once(tmp_path):
    path = tmp_path / "bin.jsonl"
    path.write_bytes(corpus.PNG * 10)
    items = list(read_jsonl(path, JsonlFields()))
    assert len(items) == 1 and "binary" in items[0].reason


def test_utf16_jsonl(tmp_path):
    path = tmp_path / "u16.jsonl"
    lines = [json.dumps({"id": f"u{i}", "text": corpus.AR_UTF16}, ensure_ascii=False) for i in range(3)]
    path.write_bytes("\n".join(lines).encode("utf-16"))
    items = list(read_jsonl(path, JsonlFields()))
    assert [i.id for i in items] == ["u0", "u1", "u2"] and items[0].raw == corpus.AR_UTF16


def test_unexpected_failure_becomes_a_skip_reason(monkeypatch):
    from akhbar.types import Article
    import akhbar.ingest as ingest

    def boom(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(ingest, "normalize_text", boom)
    docs, skipped = Ingestor().transform([Article("a", corpus.FA_NUL, "a.txt")])
    assert not docs and "RuntimeError: simulated failure" in skipped[0].reason and skipped[0].source == "a.txt"


# --------------------------------------------------------------------------- exit codes

def test_exit_nonzero_only_when_nothing_processed(tmp_path):
    only_bad = tmp_path / "only_bad"
    only_bad.mkdir()
    for name in ("empty.txt", "whitespace_only.txt", "binary.txt", "boilerplate_only.txt", "photo.png"):
        shutil.copy(BAD / name, only_bad / name)
    # A corrupt embedding cache is bad input too: a warning, not a crash.
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "embeddings.sqlite").write_bytes(b"not a database\n" * 100)
    proc = _run(["run", str(only_bad), str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out"),
                 "--cache-dir", str(cache), "-q", "--save-state"])
    assert f"warning: embedding cache {cache} is unusable" in proc.stderr
    # No state is written for nothing, and the summary line does not claim one.
    assert not (tmp_path / "out" / "state").exists() and "state/" not in proc.stderr
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "no input article could be processed" in proc.stderr
    for name in ("empty.txt", "whitespace_only.txt", "binary.txt", "boilerplate_only.txt", "photo.png"):
        assert f"skipped {only_bad / name}:" in proc.stderr
    assert f"skipped {tmp_path / 'missing.txt'}: no such file or directory" in proc.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n_processed"] == 0 and manifest["n_skipped"] == 6


def test_utf8_with_a_stray_byte_or_cut_mid_character_stays_utf8():
    """Read as windows-1256, such files used to become Arabic-looking mojibake."""
    text = (SEEDS / "001_88f3943e6f8d1c6c.txt").read_text(encoding="utf-8")
    data = text.encode("utf-8")
    assert decode_bytes(data + b"\xff\n", "a.txt").startswith(text[:200])
    cut = len(data) // 2
    while data[cut] < 0x80:
        cut += 1
    assert decode_bytes(data[:cut + 1], "cut.txt").startswith(text[:200])
    cp1256 = text.replace("\u201c", '"').replace("\u201d", '"').encode("cp1256", errors="replace")
    assert decode_bytes(cp1256, "cp.txt") == cp1256.decode("cp1256")  # a real legacy file still reads
