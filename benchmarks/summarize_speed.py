"""Summarizer speed on one 40-article cluster: pair-by-pair loops (before) vs matrices (now).

    python benchmarks/summarize_speed.py   # writes benchmarks/results/summarize_speed.{json,md}

The cluster is built at run time from the sample articles beside the repository
(../shared/eval/samples/xlsum/{fa,ar}/*.jsonl and ../shared/eval/samples/pn_summary/*.csv,
never copied into it): every article goes through the ingest step, and --docs documents
of --sentences distinct sentences each are cut from the Persian and the Arabic sentences
(then from pairs of consecutive sentences, once the single ones run out), Arabic and
Persian documents in proportion to the sentences each language has. Sentence vectors are
random unit vectors with a fixed seed, shaped like multilingual-e5's: a component shared
by the whole cluster (cosines lie in a narrow band), one per document, and noise; a
document's title vector is its first sentence's vector plus noise. No model is loaded.

The baseline is the code before vectorisation, copied below (``LoopSummarizer``): the
duplicate and MMR-penalty matrices filled pair by pair in Python, the language filter row
by row, candidates folding each sentence three times, keywords folding every word anew.
Both run in this one process on the same cluster, --repeats times each (median reported):

1. redundancy matrices: ``_duplicate_matrix`` + ``_penalty_matrix`` on the candidates;
2. a whole ``summarize`` call (summary_lang="fa", title vectors given).

The script fails (exit 1) unless both give identical matrices (bit for bit), relevance
and summaries (same sentences, same order, same headline and keywords).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "eval" / "samples"
RESULTS = ROOT / "benchmarks" / "results"
DIM = 384  # multilingual-e5-small's


# -- the cluster ---------------------------------------------------------------------------

def sample_articles() -> list:
    from akhbar.types import Article

    articles = []
    for lang in ("fa", "ar"):
        for path in sorted((SAMPLES / "xlsum" / lang).glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    articles.append(Article(id=f"xlsum-{lang}-{record['id']}", raw=record["text"],
                                            source=str(path), title=record["title"], lang=lang))
    csv.field_size_limit(1 << 30)
    for path in sorted((SAMPLES / "pn_summary").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle, delimiter="\t"):  # tab-separated despite the name
                articles.append(Article(id=f"pn-{record['id'][:12]}", raw=record["article"],
                                        source=str(path), title=record["title"], lang="fa"))
    return articles


def sentence_pool(documents) -> dict[str, list[str]]:
    """Per language, the distinct sentences of the samples, then pairs of consecutive ones."""
    pool = {}
    for lang in ("fa", "ar"):
        singles = [s for d in documents if d.lang == lang for s in d.sentences]
        pairs = [f"{a} {b}" for a, b in zip(singles, singles[1:])]
        pool[lang] = list(dict.fromkeys(singles + pairs))
    return pool


def build_cluster(n_docs: int, per_doc: int, seed: int):
    """(documents, sentence vectors, document vectors, title vectors, what the data holds)."""
    from akhbar.ingest import Ingestor
    from akhbar.types import Document

    articles = sample_articles()
    samples, skipped = Ingestor().transform(articles)
    pool = sentence_pool(samples)
    n_ar = round(n_docs * len(pool["ar"]) / (len(pool["ar"]) + len(pool["fa"])))
    if len(pool["ar"]) < n_ar * per_doc or len(pool["fa"]) < (n_docs - n_ar) * per_doc:
        raise SystemExit(f"error: the samples hold too few sentences for {n_docs} x {per_doc}")
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal(DIM)
    documents, sentence_vectors, title_vectors = [], [], []
    taken = {"fa": 0, "ar": 0}
    for k in range(n_docs):
        lang = "ar" if k < n_ar else "fa"
        sentences = pool[lang][taken[lang]:taken[lang] + per_doc]
        taken[lang] += per_doc
        vectors = _unit_rows(2.5 * shared + rng.standard_normal(DIM) + 0.8 * rng.standard_normal((per_doc, DIM)))
        title = " ".join(sentences[0].split()[:12])
        documents.append(Document(id=f"{lang}-{k:02d}", lang=lang, title=title, sentences=sentences,
                                  source="summarize_speed"))
        sentence_vectors.append(vectors)
        title_vectors.append(_unit_rows(vectors[:1] + 0.3 * rng.standard_normal((1, DIM)) / np.sqrt(DIM)))
    doc_vectors = _unit_rows(np.vstack([v.mean(axis=0) for v in sentence_vectors]))
    data = {"source": "../shared/eval/samples/{xlsum/{fa,ar}/*.jsonl,pn_summary/*.csv}",
            "articles": len(articles), "skipped": len(skipped), "documents": n_docs,
            "sentences_per_document": per_doc, "sentences": n_docs * per_doc,
            "langs": {lang: sum(d.lang == lang for d in documents) for lang in ("ar", "fa")},
            "vectors": f"random unit vectors, {DIM} dims, seed {seed}"}
    return documents, sentence_vectors, doc_vectors, np.vstack(title_vectors), data


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


# -- the baseline: summarize/ before vectorisation (its loops, copied) ----------------------

def _loop_summarizer_class():
    from akhbar.ingest import fold_tokens
    from akhbar.summarize import ClusterSummarizer
    from akhbar.summarize.extractive import _Candidate, _l2
    from akhbar.summarize.text import anchor_overlap, anchors, is_furniture, word_count

    class LoopCandidate(_Candidate):
        def __init__(self, doc_index, doc, index, text):
            self.doc_index = doc_index
            self.doc = doc
            self.index = index
            self.text = text
            self.words = word_count(text)
            self.tokens = frozenset(fold_tokens(text))
            self.anchors = anchors(text)
            self.numbers = frozenset(a for a in self.anchors if a.isdigit() and len(a) >= 2)

    class LoopSummarizer(ClusterSummarizer):
        def _candidates(self, documents, sentence_vectors, title_vectors=None, headline_doc=None):
            candidates = []
            rows = []
            lead_rows = []
            seen = set()
            fallback = []
            for d_index, (doc, vectors) in enumerate(zip(documents, sentence_vectors)):
                vectors = np.asarray(vectors, dtype=np.float32)
                if title_vectors is not None:
                    lead = np.asarray(title_vectors[d_index], dtype=np.float32)
                else:
                    lead = vectors[0] if len(vectors) else None
                items = list(enumerate(doc.sentences))[:len(vectors)]
                rows_of = {index: vectors[index] for index, _ in items}
                if (title_vectors is not None and self.title_sentences and doc.title and d_index != headline_doc
                        and fold_tokens(doc.title) != fold_tokens(doc.sentences[0] if doc.sentences else "")):
                    items.insert(0, (-1, doc.title))
                    rows_of[-1] = np.asarray(title_vectors[d_index], dtype=np.float32)
                for index, text in items:
                    cand = LoopCandidate(d_index, doc, index, text)
                    key = tuple(fold_tokens(text))
                    if not key or key in seen or is_furniture(text):
                        continue
                    seen.add(key)
                    if cand.words < self.min_words:
                        fallback.append((cand, rows_of[index], lead))
                        continue
                    candidates.append(cand)
                    rows.append(rows_of[index])
                    lead_rows.append(lead)
            if not candidates and fallback:
                candidates = [c for c, _, _ in fallback]
                rows = [v for _, v, _ in fallback]
                lead_rows = [lead for _, _, lead in fallback]
            matrix = _l2(np.vstack(rows)) if rows else np.zeros((0, 1), dtype=np.float32)
            leads = _l2(np.vstack(lead_rows)) if rows else np.zeros((0, 1), dtype=np.float32)
            return candidates, matrix, leads

        def _duplicate_matrix(self, candidates, matrix):
            sims, langs, knn, lang_index = self._pair_stats(candidates, matrix)
            n = len(candidates)
            dup = np.zeros((n, n), dtype=bool)
            base = float(sims[~np.eye(n, dtype=bool)].mean()) if n > 1 else 1.0
            for i in range(n):
                for j in range(i + 1, n):
                    margin_score = None
                    if langs[i] != langs[j] and sims[i, j] > base:
                        denominator = (knn[i, lang_index[langs[j]]] + knn[j, lang_index[langs[i]]]) / 2
                        margin_score = sims[i, j] / max(denominator, 1e-9)
                    dup[i, j] = dup[j, i] = self.is_duplicate(candidates[i], candidates[j], float(sims[i, j]),
                                                              margin_score)
            return dup

        def _penalty_matrix(self, candidates, matrix):
            sims = matrix @ matrix.T
            n = len(candidates)
            off = sims[~np.eye(n, dtype=bool)] if n > 1 else np.array([0.0])
            base = float(np.mean(off))
            penalty = np.clip((sims - base) / max(1.0 - base, 1e-6), 0.0, 1.0)
            for i in range(n):
                for j in range(i + 1, n):
                    shared, coefficient = anchor_overlap(candidates[i].anchors, candidates[j].anchors)
                    if shared >= 2:
                        penalty[i, j] = penalty[j, i] = max(penalty[i, j], coefficient)
            return penalty

        def _eligible(self, candidates, duplicate, summary_lang):
            n = len(candidates)
            eligible = np.ones(n, dtype=bool)
            if not summary_lang or not any(c.lang == summary_lang for c in candidates):
                return eligible
            preferred = [i for i, c in enumerate(candidates) if c.lang == summary_lang]
            preferred_numbers = set().union(*(c.numbers for c in candidates if c.lang == summary_lang))
            for i, cand in enumerate(candidates):
                if cand.lang == summary_lang:
                    continue
                covered = bool(duplicate[i, preferred].any())
                new_number = bool(cand.numbers - preferred_numbers)
                eligible[i] = new_number or not covered
            return eligible

    return LoopSummarizer


def loop_extract_keywords(texts_by_doc, top_k=10, prefer_lang=None):
    import re

    from akhbar.ingest import fold
    from akhbar.summarize.keywords import _key

    word = re.compile(r"\w+(?:\u200c\w+)*")
    freq = Counter()
    docs = defaultdict(set)
    langs = defaultdict(set)
    surface = defaultdict(Counter)
    for index, (lang, texts) in enumerate(texts_by_doc):
        for text in texts:
            for raw in word.findall(text):
                folded = fold(raw)
                key = _key(folded)
                if key is None or not key.isalpha():
                    continue
                freq[key] += 1
                docs[key].add(index)
                langs[key].add(lang)
                weight = 2 if prefer_lang and lang == prefer_lang else 1
                shown = raw if fold(raw) == key else None
                surface[key][shown or raw] += weight * (2 if shown else 1)
    n_docs = max(len(texts_by_doc), 1)
    scored = []
    for key, count in freq.items():
        spread = len(docs[key]) / n_docs
        cross = 1.5 if len(langs[key]) > 1 else 1.0
        scored.append((count * (0.5 + spread) * cross, key))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [surface[key].most_common(1)[0][0] for _, key in scored[:top_k]]


@contextmanager
def loop_keywords():
    """The summarizer calls the module's extract_keywords: the baseline's while inside."""
    from akhbar.summarize import extractive

    current = extractive.extract_keywords
    extractive.extract_keywords = loop_extract_keywords
    try:
        yield
    finally:
        extractive.extract_keywords = current


# -- timing ----------------------------------------------------------------------------------

def timed(function, repeats: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def matrices(summarizer, candidates, matrix):
    return summarizer._duplicate_matrix(candidates, matrix), summarizer._penalty_matrix(candidates, matrix)


def summary_record(summary) -> dict:
    return {"headline": summary.headline, "keywords": summary.keywords,
            "sentences": [(s.doc_id, s.sentence_index, s.lang, s.text) for s in summary.sentences]}


def compare(cluster, repeats: int) -> dict:
    from akhbar.summarize import ClusterSummarizer

    documents, sentence_vectors, doc_vectors, title_vectors = cluster
    new, old = ClusterSummarizer(summary_lang="fa"), _loop_summarizer_class()(summary_lang="fa")
    new.summarize(0, documents[:1], sentence_vectors[:1])  # stopword lists load outside the timing
    candidates, matrix, leads = new._candidates(documents, sentence_vectors, title_vectors, 0)
    old_candidates, old_matrix, _ = old._candidates(documents, sentence_vectors, title_vectors, 0)
    rows = {"n_candidates": len(candidates)}
    old_seconds, (old_duplicate, old_penalty) = timed(lambda: matrices(old, old_candidates, old_matrix), repeats)
    new_seconds, (new_duplicate, new_penalty) = timed(lambda: matrices(new, candidates, matrix), repeats)
    rows["matrices"] = _row(old_seconds, new_seconds)

    def summarize(summarizer):
        return summarizer.summarize(0, documents, sentence_vectors, doc_vectors, title_vectors=title_vectors)

    with loop_keywords():
        old_seconds, old_summary = timed(lambda: summarize(old), repeats)
    new_seconds, new_summary = timed(lambda: summarize(new), repeats)
    rows["summarize"] = _row(old_seconds, new_seconds)
    centroid = new._centroid(doc_vectors, matrix, candidates)
    rows["identical"] = {
        "candidates": [c.text for c in candidates] == [c.text for c in old_candidates]
        and np.array_equal(matrix, old_matrix),
        "duplicate_matrix": bool(np.array_equal(new_duplicate, old_duplicate)),
        "penalty_matrix": bool(np.array_equal(new_penalty, old_penalty)),
        "relevance": bool(np.array_equal(new.relevance(candidates, matrix, centroid, leads),
                                         old.relevance(old_candidates, old_matrix, centroid, leads))),
        "summary": summary_record(new_summary) == summary_record(old_summary),
    }
    rows["duplicate_pairs"] = int(np.triu(new_duplicate, 1).sum())
    rows["summary"] = [{"doc_id": s.doc_id, "sentence_index": s.sentence_index, "lang": s.lang}
                       for s in new_summary.sentences]
    return rows


def _row(old_seconds: list[float], new_seconds: list[float]) -> dict:
    old, new = statistics.median(old_seconds), statistics.median(new_seconds)
    return {"old_s": round(old, 3), "new_s": round(new, 3), "ratio": round(old / new, 1),
            "old_runs_s": [round(s, 3) for s in old_seconds], "new_runs_s": [round(s, 3) for s in new_seconds]}


# -- results -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--sentences", type=int, default=40, help="sentences per document")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not SAMPLES.exists():
        print(f"error: {SAMPLES} not found (the shared evaluation samples sit beside the repository)",
              file=sys.stderr)
        return 2
    *cluster, data = build_cluster(args.docs, args.sentences, args.seed)
    load_before = os.getloadavg()
    rows = compare(cluster, args.repeats)
    load_after = os.getloadavg()
    result = {
        "benchmark": "summarize_speed",
        "command": "python benchmarks/summarize_speed.py" + (" " + " ".join(argv or sys.argv[1:])).rstrip(),
        "data": data,
        "repeats": args.repeats,
        **rows,
        "machine": {"python": platform.python_version(), "numpy": np.__version__,
                    "platform": platform.platform(), "cpus": os.cpu_count(),
                    "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in load_after]},
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "summarize_speed.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                                       encoding="utf-8")
    (args.results / "summarize_speed.md").write_text(_markdown(result), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "summary"}, indent=2, ensure_ascii=False))
    different = [name for name, same in result["identical"].items() if not same]
    for name in different:
        print(f"error: {name} differs between the loops and the matrices", file=sys.stderr)
    return 1 if different else 0


def _markdown(r: dict) -> str:
    d, m = r["data"], r["machine"]
    same = all(r["identical"].values())

    def line(name, row):
        return (f"| {name} | {row['old_s']} | {row['new_s']} | **{row['ratio']}×** | "
                f"{', '.join(map(str, row['old_runs_s']))} | {', '.join(map(str, row['new_runs_s']))} |")

    return "\n".join([
        "# Summarizer speed: pair-by-pair loops vs matrices",
        "",
        f"One cluster of {d['documents']} documents ({d['langs']['ar']} Arabic, {d['langs']['fa']} Persian) of "
        f"{d['sentences_per_document']} sentences each, cut from {d['articles']} sample articles "
        "(`../shared/eval/samples/`: XL-Sum fa/ar, pn_summary) at run time; "
        f"{r['n_candidates']} candidate sentences (titles included), {r['duplicate_pairs']} duplicate pairs. "
        f"Sentence vectors: {d['vectors']}.",
        "",
        f"Median of {r['repeats']} runs each, one process; old = the loops as they were "
        "(copied into the script), new = `akhbar.summarize` now.",
        "",
        "| step | old (s) | new (s) | old / new | old runs (s) | new runs (s) |",
        "| --- | ---: | ---: | ---: | --- | --- |",
        line("duplicate + penalty matrices", r["matrices"]),
        line("whole `summarize` (summary_lang=fa, title vectors)", r["summarize"]),
        "",
        ("Identical output: the same candidates, duplicate and penalty matrices (bit for bit), relevance and "
         "summary (sentences, order, headline, keywords)." if same else
         "DIFFERENT OUTPUT: " + ", ".join(k for k, v in r["identical"].items() if not v)),
        "",
        f"Machine: {m['cpus']} CPUs, Python {m['python']}, numpy {m['numpy']}, {m['platform']}; load average "
        f"before/after {m['loadavg_before'][0]}/{m['loadavg_after'][0]} (other jobs on the machine slow both).",
        "",
        f"Reproduce: `{r['command']}`",
        "",
    ])


if __name__ == "__main__":
    sys.exit(main())
