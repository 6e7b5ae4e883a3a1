"""A run's saved state: what `Pipeline.update` (`akhbar run --update`) needs to attach
later articles to the events of an earlier run.

    OUT/state/documents.jsonl   every document (cleaned text, dates, copies) and its clusterer row
    OUT/state/summaries.jsonl   the cluster summaries
    OUT/state/pipeline.json     format, embedding model name, language filter, inputs, skipped inputs, duplicates
    OUT/state/clusterer.{json,npz}  the fitted clusterer (``EventClusterer.save``; no pickle)
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from akhbar.types import Document, Skipped, Summary, SummarySentence, document_from_dict, document_to_dict

STATE_DIR = "state"
STATE_FORMAT = 1


def write_state(result, directory: Path) -> None:
    """Everything `Pipeline.update` needs to attach later articles to these events:
    the documents (cleaned text, dates, copies), summaries, skipped inputs, the
    embedding model's name, the language filter and the fitted clusterer
    (``EventClusterer.save``).
    Written into a fresh folder that then replaces ``directory``, so a killed job
    leaves the old state or the new one, never a mix."""
    if result.clusterer is None or not hasattr(result.clusterer, "save"):
        raise ValueError("this result has no clusterer that can be saved (it needs a save() method)")
    directory.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}."))
    try:
        from akhbar.pipeline import current_umask

        os.chmod(fresh, 0o777 & ~current_umask())  # mkdtemp makes an owner-only folder
        row_of = {doc_id: row for row, doc_id in enumerate(result.clusterer_rows)}
        lines = [json.dumps({**document_to_dict(d), "row": row_of.get(d.id)}, ensure_ascii=False) + "\n"
                 for d in sorted(result.documents, key=lambda d: d.id)]
        (fresh / "documents.jsonl").write_text("".join(lines), encoding="utf-8")
        (fresh / "summaries.jsonl").write_text("".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n"
                                                       for s in result.summaries), encoding="utf-8")
        manifest = result.manifest()
        languages = getattr(result, "languages", None)
        meta = {"format": STATE_FORMAT, "encoder": result.encoder_name, "inputs": result.inputs,
                "languages": None if languages is None else list(languages),
                "skipped": manifest["skipped"], "duplicates": manifest["duplicates"]}
        result.clusterer.save(fresh)
        (fresh / "pipeline.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
        replace_state(fresh, directory)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def replace_state(fresh: Path, directory: Path) -> None:
    """Move the complete state ``fresh`` to ``directory`` (on the same file system), in place
    of the state there, so that a killed job leaves the old state or the new one."""
    old = directory.with_name(f".{directory.name}.old")
    if directory.exists():
        if old.exists():  # left by an earlier job killed after its swap; the state is in directory
            shutil.rmtree(old)
        directory.rename(old)
    # Without a directory, an old one is the only state left (a job killed between the two
    # renames): it goes only once the new state is in place.
    fresh.rename(directory)
    shutil.rmtree(old, ignore_errors=True)


def remove_state(directory: Path) -> bool:
    """Remove a saved state (``directory`` and the copy a killed swap may leave beside it),
    moved aside first so that no half-removed state is ever read; whether there was one."""
    found = False
    for path in (directory, directory.with_name(f".{directory.name}.old")):
        if not path.is_dir() or not (path / "pipeline.json").exists():
            continue
        aside = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{directory.name}.stale."))
        path.rename(aside / path.name)
        shutil.rmtree(aside, ignore_errors=True)
        found = True
    return found


@dataclass
class PipelineState:
    """An earlier run, read back from its ``state/`` directory."""

    documents: list[Document]
    rows: list[str]                 # canonical ids in the clusterer's row order
    labels: np.ndarray              # cluster id per row
    summaries: dict[int, Summary]
    skipped: list[Skipped]
    duplicates: list                # ingest.duplicates.DuplicateMatch
    inputs: list[str]
    encoder: str | None
    clusterer: object
    languages: tuple[str, ...] | None = None   # the --languages filter (None: every language; states before it)

    @property
    def by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    @classmethod
    def load(cls, directory: Path) -> "PipelineState":
        from akhbar.cluster import EventClusterer
        from akhbar.ingest.duplicates import DuplicateMatch

        interrupted = directory.with_name(f".{directory.name}.old")  # a job killed while replacing its state
        if not (directory / "pipeline.json").exists() and (interrupted / "pipeline.json").exists():
            directory = interrupted
        if not (directory / "pipeline.json").exists():
            raise ValueError(f"{directory.parent}: no saved state ({directory}/pipeline.json is missing); "
                             f"run the earlier job with --save-state")
        try:
            meta = json.loads((directory / "pipeline.json").read_text(encoding="utf-8"))
            records = [json.loads(line) for line in
                       (directory / "documents.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
            summary_records = [json.loads(line) for line in
                               (directory / "summaries.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
        except (OSError, ValueError) as err:
            raise ValueError(f"{directory}: unreadable saved state ({err})") from err
        if not isinstance(meta, dict):
            raise ValueError(f"{directory}: unreadable saved state (pipeline.json is not a JSON object)")
        if meta.get("format") != STATE_FORMAT:
            raise ValueError(f"{directory}: saved state format {meta.get('format')!r}, this version reads {STATE_FORMAT}")
        clusterer = EventClusterer.load(directory)
        try:
            documents = [document_from_dict(r) for r in records]
            rows = [None] * len(clusterer.labels_)
            for record in records:
                if record.get("row") is not None:
                    rows[record["row"]] = str(record["id"])
            if None in rows:
                raise ValueError("documents.jsonl does not match the saved clusterer")
            with_row = set(rows)
            for doc in documents:
                if doc.duplicate_of and doc.duplicate_of not in with_row:
                    raise ValueError(f"document {doc.id!r} is a copy of {doc.duplicate_of!r}, which has no row")
            sentences_of = {doc.id: len(doc.sentences) for doc in documents}
            for row, (vectors, _) in clusterer.article_sentences_.items():
                if not 0 <= row < len(rows) or sentences_of.get(rows[row]) != len(vectors):
                    raise ValueError(f"documents.jsonl does not match the saved sentence vectors (row {row})")
            summaries = {}
            for r in summary_records:
                summaries[int(r["cluster_id"])] = Summary(
                    cluster_id=int(r["cluster_id"]), headline=r["headline"],
                    sentences=[SummarySentence(**x) for x in r["sentences"]],
                    keywords=list(r.get("keywords", [])), langs=list(r.get("langs", [])))
            missing = sorted(set(int(c) for c in clusterer.labels_) - set(summaries))
            if missing:
                raise ValueError(f"summaries.jsonl has no summary of cluster {missing[0]}"
                                 + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
            return cls(documents, rows, clusterer.labels_.copy(), summaries,
                       [Skipped(x["source"], x["reason"], x.get("id")) for x in meta.get("skipped", [])],
                       [DuplicateMatch(**x) for x in meta.get("duplicates", [])], list(meta.get("inputs", [])),
                       meta.get("encoder"), clusterer, _languages(meta.get("languages")))
        except (KeyError, TypeError, AttributeError, IndexError, ValueError) as err:
            what = f"missing field {err}" if isinstance(err, KeyError) else str(err)
            raise ValueError(f"{directory}: unreadable saved state ({what})") from err


def _languages(value) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValueError(f"'languages' in pipeline.json is {value!r}, not a list of language codes")
    return tuple(value)
