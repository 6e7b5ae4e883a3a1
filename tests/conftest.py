import os
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


def needs_shared_eval(path: str):
    return pytest.mark.skipif(not (SHARED_EVAL / path).exists(), reason=f"../shared/eval/{path} not present")
