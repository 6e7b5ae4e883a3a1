"""Exact and near-duplicate articles (syndicated copies of one wire story).

Two documents are duplicates when their bodies, as ``fold()``ed word tokens, are equal
(exact) or when the Jaccard similarity of their word shingles is at least
``threshold`` (near). Near-duplicate candidates come from MinHash signatures with LSH
banding, so the cost stays near-linear in the number of documents; every candidate
pair is then checked with the exact Jaccard of the shingle sets, so the MinHash
approximation never decides on its own.

Copies are looked for within ``window_days``, the clusterer's time window: the same
headline weeks apart ("Weather forecast for Tehran", a daily wire summary) is a
recurring item, not a copy. Documents without a date match any date.

Grouping is deterministic and independent of input order: documents are taken in id
order, and each group's canonical copy is its smallest id. A document is marked a
duplicate of a canonical document it matches directly (no chains of "similar to
something similar"), so every duplicate is within ``threshold`` of its canonical.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from akhbar.types import Document

from .normalize import decode_char_references, fold_tokens

_MERSENNE = np.uint64((1 << 61) - 1)
_MASK32 = (1 << 32) - 1


@dataclass(frozen=True)
class DuplicateMatch:
    id: str
    duplicate_of: str          # the canonical copy (smallest id of the group)
    similarity: float          # Jaccard of word shingles with the canonical copy (1.0 = same text)
    exact: bool                # same folded words as the canonical copy

    def to_dict(self) -> dict:
        return {"id": self.id, "duplicate_of": self.duplicate_of,
                "similarity": round(self.similarity, 4), "exact": self.exact}


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def _body_tokens(doc: Document) -> list[str]:
    """Folded word tokens of a body, character references decoded: documents of a state
    saved before ingest decoded them ("&#171;") still meet their copies read now ("«")."""
    return fold_tokens(decode_char_references(doc.text))


def shingles(tokens: list[str], size: int) -> set[int]:
    """Hashed word n-grams (the whole token list when it is shorter than ``size``)."""
    if not tokens:
        return set()
    if len(tokens) <= size:
        return {_hash64("\x1f".join(tokens))}
    return {_hash64("\x1f".join(tokens[i:i + size])) for i in range(len(tokens) - size + 1)}


def jaccard(a: set[int], b: set[int]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass
class DuplicateDetector:
    """threshold: shingle Jaccard at or above which two bodies are near-duplicates.
    shingle_size: words per shingle. min_tokens: bodies shorter than this are matched
    exactly only: in a headline or a one-line item, one changed word (a place, a
    number) is a different story, not a copy.
    num_perm, bands: MinHash signature length and LSH bands (rows = num_perm / bands).
    window_days: two documents dated further apart than this are never copies (None: any
    dates); the default is EventClusterer's time window.
    """

    threshold: float = 0.7
    shingle_size: int = 3
    min_tokens: int = 30
    num_perm: int = 128
    bands: int = 32
    seed: int = 20201115
    window_days: float | None = 3.0

    def _close_in_time(self, day_a: float | None, day_b: float | None) -> bool:
        return self.window_days is None or day_a is None or day_b is None or abs(day_a - day_b) <= self.window_days

    def _signature_params(self):
        rng = np.random.RandomState(self.seed)
        a = rng.randint(1, _MASK32, size=self.num_perm, dtype=np.uint64)
        b = rng.randint(0, _MASK32, size=self.num_perm, dtype=np.uint64)
        return a, b

    def _signature(self, hashes: set[int], a: np.ndarray, b: np.ndarray) -> np.ndarray:
        values = np.fromiter((h & _MASK32 for h in hashes), dtype=np.uint64, count=len(hashes))
        # (a*x + b) mod p over 32-bit shingle hashes; uint64 wrap-around is deterministic.
        return ((a[:, None] * values[None, :] + b[:, None]) % _MERSENNE).min(axis=1)

    def _candidates(self, signatures: dict[int, np.ndarray]) -> set[tuple[int, int]]:
        rows = max(1, self.num_perm // self.bands)
        pairs: set[tuple[int, int]] = set()
        for band in range(self.bands):
            buckets: dict[bytes, list[int]] = defaultdict(list)
            for index, sig in signatures.items():
                buckets[sig[band * rows:(band + 1) * rows].tobytes()].append(index)
            for members in buckets.values():
                for x in range(len(members)):
                    for y in range(x + 1, len(members)):
                        pairs.add((members[x], members[y]))
        return pairs

    def find(self, documents: list[Document]) -> list[DuplicateMatch]:
        """One DuplicateMatch per document that is a copy of another, sorted by id."""
        docs = sorted(documents, key=lambda d: d.id)
        tokens = [_body_tokens(d) for d in docs]
        days = [d.event_day for d in docs]
        # 1. Exact copies: same folded words, within the time window of a canonical one.
        canonical_of: dict[int, int] = {}
        by_text: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, toks in enumerate(tokens):
            if not toks:
                continue
            same_text = by_text[tuple(toks)]
            rep = next((j for j in same_text if self._close_in_time(days[i], days[j])), None)
            if rep is None:
                same_text.append(i)
            else:
                canonical_of[i] = rep
        # 2. Near copies among the remaining (exact-canonical) documents.
        pool = sorted(i for reps in by_text.values() for i in reps if len(tokens[i]) >= self.min_tokens)
        sets = {i: shingles(tokens[i], self.shingle_size) for i in pool}
        a, b = self._signature_params()
        signatures = {i: self._signature(sets[i], a, b) for i in pool}
        neighbours: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for x, y in self._candidates(signatures):
            if not self._close_in_time(days[x], days[y]):
                continue
            sim = jaccard(sets[x], sets[y])
            if sim >= self.threshold:
                lo, hi = min(x, y), max(x, y)
                neighbours[hi].append((sim, lo))
        near_of: dict[int, tuple[int, float]] = {}
        for i in sorted(pool):
            # The most similar earlier document that is itself canonical (ties: smallest id).
            options = [(sim, j) for sim, j in neighbours.get(i, []) if j not in near_of]
            if options:
                sim, j = max(options, key=lambda o: (o[0], -o[1]))
                near_of[i] = (j, sim)
        matches: list[DuplicateMatch] = []
        for i, doc in enumerate(docs):
            if i in near_of:
                j, sim = near_of[i]
                matches.append(DuplicateMatch(doc.id, docs[j].id, sim, False))
            elif i in canonical_of:
                rep = canonical_of[i]
                if rep in near_of:
                    j, sim = near_of[rep]
                    matches.append(DuplicateMatch(doc.id, docs[j].id, sim, False))
                else:
                    matches.append(DuplicateMatch(doc.id, docs[rep].id, 1.0, True))
        return matches

    def apply(self, documents: list[Document]) -> list[DuplicateMatch]:
        """Set ``duplicate_of`` on the documents (None on canonical ones); return the matches."""
        matches = self.find(documents)
        target = {m.id: m.duplicate_of for m in matches}
        for doc in documents:
            doc.duplicate_of = target.get(doc.id)
        date_from_copies(documents)
        return matches


    def attach(self, earlier: list[Document], new: list[Document]) -> list[DuplicateMatch]:
        """Mark the copies among ``new`` documents, given the canonical documents of an
        earlier run: a new document that copies an earlier one points to it (earlier
        documents stay canonical, whatever their ids), copies among the new ones point
        to the smallest id of their group. Sets ``duplicate_of`` on ``new`` only and
        returns their matches, sorted by id."""
        matches = self.find(list(earlier) + list(new))
        earlier_ids = {d.id for d in earlier}
        by_id = {d.id: d for d in list(earlier) + list(new)}
        groups: dict[str, set[str]] = defaultdict(set)
        for match in matches:
            groups[match.duplicate_of].update((match.id, match.duplicate_of))
        for doc in new:
            doc.duplicate_of = None
        attached = []
        for root, members in groups.items():
            olds = sorted(members & earlier_ids)
            canonical = olds[0] if olds else root
            for doc_id in sorted(members - earlier_ids - {canonical}):
                by_id[doc_id].duplicate_of = canonical
                attached.append(self._match(by_id[doc_id], by_id[canonical]))
        date_from_copies(list(new))      # earlier documents keep the dates they were clustered with
        return sorted(attached, key=lambda m: m.id)

    def _match(self, copy: Document, canonical: Document) -> DuplicateMatch:
        a, b = _body_tokens(copy), _body_tokens(canonical)
        if a == b:
            return DuplicateMatch(copy.id, canonical.id, 1.0, True)
        return DuplicateMatch(copy.id, canonical.id,
                              jaccard(shingles(a, self.shingle_size), shingles(b, self.shingle_size)), False)


def date_from_copies(documents: list[Document]) -> None:
    """Give a canonical document without an event date (none, or a crawl date only) the
    earliest event date of its copies among ``documents``, with a note: a syndicated copy
    states the day of the story its original did not."""
    by_id = {doc.id: doc for doc in documents}
    dated_copies: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        if doc.duplicate_of and doc.event_date is not None:
            dated_copies[doc.duplicate_of].append(doc)
    for canonical_id, copies in sorted(dated_copies.items()):
        canonical = by_id.get(canonical_id)
        if canonical is None or canonical.event_date is not None:
            continue
        copy = min(copies, key=lambda doc: (doc.event_day, doc.id))
        canonical.date = copy.date
        canonical.notes.append(f"no event date in the article (none, or only a crawl date); dated "
                               f"{copy.date.value.isoformat()} as its copy {copy.id!r}")


def find_duplicates(documents: list[Document], threshold: float = 0.7) -> list[DuplicateMatch]:
    """Exact and near-duplicate documents (see DuplicateDetector)."""
    return DuplicateDetector(threshold=threshold).find(documents)
