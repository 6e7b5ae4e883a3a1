"""ROUGE-1/2/L F1 for Arabic-script (Arabic, Persian) text.

Scores come from Google's ``rouge-score`` package (``rouge_score.rouge_scorer``), with
our own tokenizer plugged in through its ``tokenizer=`` argument (any object with a
``tokenize(text) -> list[str]`` method). The package's default tokenizer lower-cases
and then keeps only ``[a-z0-9]+``: every Arabic or Persian word is deleted, so Arabic
text scores 0, or is scored on its digits alone. Never use it for these languages.

Tokenization convention (``ArabicScriptTokenizer``), applied to candidate and
references alike:

1. Unicode NFKC (Arabic presentation forms -> base letters).
2. Diacritics (harakat, tanwin, shadda, sukun, dagger alef, Quranic marks), tatweel
   (U+0640) and invisible controls (ZWJ, LRM/RLM, bidi embeddings, BOM, soft hyphen)
   are removed.
3. Letter folding: alef forms أ إ آ ٱ -> ا; Arabic yeh ي and alef maksura ى and
   yeh-with-hamza ئ -> Persian yeh ی; Arabic kaf ك -> Persian keheh ک; Persian heh
   with hamza ۀ, and the heh forms ھ ە ۂ that some sources type, -> heh ه (the same ezafe is also written ه + hamza above, whose hamza
   step 2 removes: خانۀ and خانهٔ are one word). Persian and Arabic-Indic digits ->
   ASCII digits. Latin is lower-cased. Teh marbuta and heh are NOT merged (they are in
   ``akhbar.ingest.fold``, which is a looser matching key; pass
   ``fold_teh_marbuta=True`` for that).
4. ZWNJ (U+200C, the Persian half-space): by default it separates tokens
   (``zwnj="split"``), so ``می‌شود`` (half-space) and ``می شود`` (space) tokenize the
   same way; ``zwnj="join"`` removes it instead (``میشود``).
5. Tokens are ``\\w+`` runs (Unicode), so punctuation (، ؛ ؟ « ») separates tokens.
   No stemming: Arabic clitics (و، ال، ب) stay attached, as in the published EASC
   reference points.

Why alef folding matters: the EASC references are hamza-normalised relative to the
articles they were extracted from (``أعظم`` in the article is ``اعظم`` in the
reference). Without folding, a summary made of exactly the reference sentences would
not score 100.

Multiple references: each candidate is scored against every reference and the F1
values are averaged over the references (not the maximum, which is what
``RougeScorer.score_multi`` returns); then averaged over documents. Scores are
reported in percent.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Iterable

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")

_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]")
_INVISIBLE = re.compile(r"[\u0640\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_ZWNJ = "\u200c"
_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ي": "ی", "ى": "ی", "ئ": "ی", "ۍ": "ی", "ې": "ی",
    "ك": "ک", "ڪ": "ک",
    "ۀ": "ه", "ھ": "ه", "ە": "ه", "ۂ": "ه",  # heh doachashmee and goal forms some sources use for heh
    **{d: str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")},
    **{d: str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
})
_TEH_MARBUTA = str.maketrans({"ة": "ه"})
_WORD = re.compile(r"\w+", re.UNICODE)


class ArabicScriptTokenizer:
    """A ``rouge_score`` tokenizer for Arabic and Persian (see the module docstring).

    zwnj: "split" (ZWNJ separates tokens) or "join" (ZWNJ is removed).
    fold_teh_marbuta: also fold teh marbuta ة into heh ه.
    """

    def __init__(self, zwnj: str = "split", fold_teh_marbuta: bool = False):
        if zwnj not in ("split", "join"):
            raise ValueError(f"zwnj must be 'split' or 'join', not {zwnj!r}")
        self.zwnj = zwnj
        self.fold_teh_marbuta = fold_teh_marbuta

    def normalize(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        text = _INVISIBLE.sub("", _DIACRITICS.sub("", text))
        text = text.replace(_ZWNJ, " " if self.zwnj == "split" else "")
        text = text.translate(_FOLD)
        if self.fold_teh_marbuta:
            text = text.translate(_TEH_MARBUTA)
        return text.lower()

    def tokenize(self, text: str) -> list[str]:
        return _WORD.findall(self.normalize(text or ""))


class RougeEvaluator:
    """ROUGE F1 (percent) with an Arabic-script tokenizer, averaged over references.

    rouge_types: any of rouge-score's types ("rouge1", "rouge2", "rougeL", ...).
    tokenizer: an object with ``tokenize(text)``; default ``ArabicScriptTokenizer()``.
    """

    def __init__(self, rouge_types: Iterable[str] = ROUGE_TYPES, tokenizer=None):
        self.rouge_types = tuple(rouge_types)
        self.tokenizer = tokenizer if tokenizer is not None else ArabicScriptTokenizer()

    @property
    def scorer(self):
        from rouge_score import rouge_scorer

        return rouge_scorer.RougeScorer(list(self.rouge_types), tokenizer=self.tokenizer)

    def score(self, prediction: str, references: str | list[str], scorer=None) -> dict[str, float]:
        """F1 (percent) of one prediction, averaged over its references."""
        if isinstance(references, str):
            references = [references]
        if not references:
            raise ValueError("no reference to score against")
        scorer = scorer or self.scorer
        totals = dict.fromkeys(self.rouge_types, 0.0)
        for reference in references:
            result = scorer.score(reference, prediction)  # rouge-score's order: (target, prediction)
            for rouge_type in self.rouge_types:
                totals[rouge_type] += result[rouge_type].fmeasure
        return {t: 100.0 * v / len(references) for t, v in totals.items()}

    def score_corpus(self, predictions: list[str], references: list[list[str]]) -> dict[str, float]:
        """Mean over documents of the per-document reference-averaged F1."""
        if len(predictions) != len(references):
            raise ValueError(f"{len(predictions)} predictions but {len(references)} reference sets")
        scorer = self.scorer
        totals = dict.fromkeys(self.rouge_types, 0.0)
        for prediction, refs in zip(predictions, references):
            for rouge_type, value in self.score(prediction, refs, scorer).items():
                totals[rouge_type] += value
        n = max(len(predictions), 1)
        out: dict[str, float] = {t: v / n for t, v in totals.items()}
        out["n"] = len(predictions)
        return out


def rouge_scores(prediction: str, references: str | list[str], tokenizer=None) -> dict[str, float]:
    """ROUGE-1/2/L F1 (percent) of one prediction against one or several references."""
    return RougeEvaluator(tokenizer=tokenizer).score(prediction, references)


def _read_jsonl(path: Path, what: str, expected: str) -> list[tuple[int, str, dict]]:
    """(line number, id, record) of each record, read as `akhbar eval clusters` reads its files."""
    from .clustering import _label, read_jsonl

    return [(number, _label(record.get("id"), "'id'", f"{path}:{number}"), record)
            for number, record in read_jsonl(path, what, expected)]


def score_summary_files(gold: str | Path, pred: str | Path) -> dict:
    """Score PRED.jsonl ({"id", "summary"}) against GOLD.jsonl ({"id", "references": [...]},
    or one reference as a string).

    Every gold id must have a prediction (a missing one is an error naming its gold line,
    not a skipped document); predictions for ids not in the gold file are counted and
    ignored. A reference without a word (empty, or punctuation only) is an error: it
    would score every summary 0. Returns {"rouge1", "rouge2", "rougeL"} F1 in percent and
    the document count.
    """
    gold, pred = Path(gold), Path(pred)
    evaluator = RougeEvaluator()
    references, gold_lines = _read_references(gold, evaluator.tokenizer)
    predictions = _read_predictions(pred)
    missing = [k for k in references if k not in predictions]
    if missing:
        first = missing[0]
        others = f" ({len(missing)} gold ids have none, e.g. {missing[:3]})" if len(missing) > 1 else ""
        raise ValueError(f"{gold}:{gold_lines[first]}: id {first!r} has no prediction in {pred}{others}")
    ids = list(references)
    scores = evaluator.score_corpus([predictions[k] for k in ids], [references[k] for k in ids])
    scores["n_pred_not_in_gold"] = sum(k not in references for k in predictions)
    return scores


def _read_references(gold: Path, tokenizer) -> tuple[dict[str, list[str]], dict[str, int]]:
    """id -> its references, and id -> its line, of a gold file."""
    references: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    for number, key, record in _read_jsonl(gold, "gold", '{"id", "references"}'):
        where = f"{gold}:{number}"
        if record.get("references") is None:
            raise ValueError(f"{where}: no 'references' (a list of reference summaries, or one string)")
        refs = record["references"]
        if isinstance(refs, str):
            refs = [refs]
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
            raise ValueError(f"{where}: 'references' must be a non-empty list of strings")
        wordless = [k for k, ref in enumerate(refs, 1) if not tokenizer.tokenize(ref)]
        if wordless:
            raise ValueError(f"{where}: reference {wordless[0]} of {len(refs)} has no words (empty or "
                             f"punctuation only), which would score every summary 0")
        if key in references:
            raise ValueError(f"{where}: duplicate id {key!r} (first on line {lines[key]})")
        references[key], lines[key] = refs, number
    return references, lines


def _read_predictions(pred: Path) -> dict[str, str]:
    """id -> summary of a prediction file."""
    predictions: dict[str, str] = {}
    lines: dict[str, int] = {}
    for number, key, record in _read_jsonl(pred, "prediction", '{"id", "summary"}'):
        summary = record.get("summary")
        if not isinstance(summary, str):
            raise ValueError(f"{pred}:{number}: 'summary' must be a string, not "
                             f"{type(summary).__name__} {summary!r}"[:200])
        if key in predictions:
            raise ValueError(f"{pred}:{number}: duplicate id {key!r} (first on line {lines[key]})")
        predictions[key], lines[key] = summary, number
    return predictions
