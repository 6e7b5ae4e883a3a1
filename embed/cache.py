"""On-disk embedding cache keyed by (model name, text hash).

SQLite gives atomic, crash-safe commits: a job killed mid-run keeps every batch it
committed, and a re-run embeds only what is missing.
"""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np


def text_key(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind}\x00{text}".encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, directory: str | Path):
        self.path = Path(directory) / "embeddings.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=60)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, dim INTEGER, "
                           "vec BLOB, PRIMARY KEY (model, key))")
        self._conn.commit()

    def get_many(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(f"SELECT key, dim, vec FROM vectors WHERE model=? AND key IN ({marks})",
                                      [model, *chunk])
            for key, dim, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32, count=dim).copy()
        return found

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        with self._conn:  # one transaction: all of the batch or none of it
            self._conn.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                [(model, key, int(vec.shape[0]), np.asarray(vec, np.float32).tobytes())
                 for key, vec in items.items()])

    def count(self, model: str | None = None) -> int:
        if model is None:
            return self._conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        return self._conn.execute("SELECT COUNT(*) FROM vectors WHERE model=?", [model]).fetchone()[0]

    def close(self) -> None:
        self._conn.close()
