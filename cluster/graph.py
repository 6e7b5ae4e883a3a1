"""Candidate neighbour graph and average-linkage clustering on it.

Dense agglomerative clustering needs an n x n matrix (O(n^2) memory). Here each
document keeps only its k most similar documents, searched in blocks of the
time-sorted collection restricted to a time window (blocking), and average linkage
runs on that sparse graph; a pair without an edge counts with ``missing_sim``.
No library provides average linkage on a sparse similarity graph with that
semantics (scipy and fastcluster need the dense condensed matrix; sklearn's
connectivity variant recomputes distances from features), so it is written here.
"""
from __future__ import annotations

import heapq

import numpy as np


def knn_candidates(X: np.ndarray, k: int, times: np.ndarray | None = None,
                   window_days: float | None = None, block: int = 2048) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-k neighbours by inner product, optionally only within +-window_days.

    times: days as floats (NaN = unknown; such documents are compared with all).
    Returns (rows, cols, sims) with rows < cols, deduplicated, sorted.
    """
    n = len(X)
    k = min(k, n - 1)
    # Bound the (block x candidates) score matrix to ~8M entries whatever n is.
    block = max(64, min(block, 8_000_000 // max(n, 1)))
    if k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    use_time = times is not None and window_days is not None and np.isfinite(times).any()
    if use_time:
        order = np.argsort(np.where(np.isfinite(times), times, -np.inf), kind="stable")
        sorted_times = times[order]
        known = np.isfinite(sorted_times)
        unknown_idx = order[~known]
    pair_rows, pair_cols, pair_sims = [], [], []
    for start in range(0, n, block):
        stop = min(n, start + block)
        if use_time:
            query_idx = order[start:stop]
            q_times = sorted_times[start:stop]
            finite = q_times[np.isfinite(q_times)]
            if len(finite):
                lo = np.searchsorted(sorted_times, finite.min() - window_days, side="left")
                hi = np.searchsorted(sorted_times, finite.max() + window_days, side="right")
                lo = max(lo, int((~known).sum()))  # unknown times sort first; take them separately
                cand_idx = np.concatenate([unknown_idx, order[lo:hi]])
            else:
                cand_idx = np.arange(n)
            if (~np.isfinite(q_times)).any():
                cand_idx = np.arange(n)
        else:
            query_idx = np.arange(start, stop)
            cand_idx = np.arange(n)
        sims = X[query_idx] @ X[cand_idx].T
        if use_time:
            cand_times = times[cand_idx]
            dt = np.abs(times[query_idx][:, None] - cand_times[None, :])
            sims = np.where(np.isnan(dt) | (dt <= window_days), sims, -np.inf)
        same = query_idx[:, None] == cand_idx[None, :]
        sims[same] = -np.inf
        kk = min(k, sims.shape[1] - 1)
        if kk <= 0:
            continue
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        top_sims = np.take_along_axis(sims, top, axis=1)
        rows = np.repeat(query_idx, kk)
        cols = cand_idx[top.ravel()]
        vals = top_sims.ravel()
        keep = np.isfinite(vals)
        pair_rows.append(rows[keep])
        pair_cols.append(cols[keep])
        pair_sims.append(vals[keep])
    rows = np.concatenate(pair_rows) if pair_rows else np.zeros(0, np.int64)
    cols = np.concatenate(pair_cols) if pair_cols else np.zeros(0, np.int64)
    sims = np.concatenate(pair_sims).astype(np.float32) if pair_sims else np.zeros(0, np.float32)
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    key = lo.astype(np.int64) * n + hi
    key, first = np.unique(key, return_index=True)
    return lo[first].astype(np.int64), hi[first].astype(np.int64), sims[first]


def average_linkage(n: int, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray,
                    threshold: float, missing_sim: float = 0.0, decimals: int = 5) -> np.ndarray:
    """Average-linkage agglomeration on a sparse similarity graph, stopped at ``threshold``.

    Cluster similarity = mean over all member pairs, with pairs that have no edge
    counted as ``missing_sim``. Similarities are rounded to ``decimals`` so that
    float noise from thread count or BLAS does not change which merge comes first;
    ties break on the smaller cluster index. Returns labels 0..n_clusters-1.
    """
    sims = np.round(np.asarray(sims, dtype=np.float64), decimals)
    neighbours: list[dict[int, list]] = [dict() for _ in range(n)]
    for a, b, s in zip(rows.tolist(), cols.tolist(), sims.tolist()):
        if a == b:
            continue
        neighbours[a][b] = [s, 1]
        neighbours[b][a] = [s, 1]
    size = [1] * n
    alive = [True] * n
    parent = list(range(n))
    version = [0] * n

    def score(a: int, b: int, entry) -> float:
        total = size[a] * size[b]
        return round((entry[0] + (total - entry[1]) * missing_sim) / total, decimals)

    heap = []
    for a in range(n):
        for b, entry in neighbours[a].items():
            if a < b:
                s = score(a, b, entry)
                if s >= threshold:
                    heap.append((-s, a, b, 0, 0))
    heapq.heapify(heap)
    while heap:
        neg, a, b, va, vb = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or va != version[a] or vb != version[b]:
            continue
        # Merge the smaller neighbour table into the larger one.
        keep, drop = (a, b) if len(neighbours[a]) >= len(neighbours[b]) else (b, a)
        alive[drop] = False
        parent[drop] = keep
        table = neighbours[keep]
        table.pop(drop, None)
        for c, entry in neighbours[drop].items():
            if c == keep:
                continue
            mine = table.get(c)
            if mine is None:
                # pairs (keep, c) had no edge: they enter through missing_sim in score()
                table[c] = [entry[0], entry[1]]
            else:
                mine[0] += entry[0]
                mine[1] += entry[1]
            other = neighbours[c]
            other.pop(drop, None)
            other[keep] = table[c]
        neighbours[drop] = {}
        size[keep] += size[drop]
        version[keep] += 1
        for c, entry in table.items():
            if not alive[c]:
                continue
            s = score(keep, c, entry)
            if s >= threshold:
                lo, hi = (keep, c) if keep < c else (c, keep)
                heapq.heappush(heap, (-s, lo, hi, version[lo], version[hi]))
    roots = []
    for i in range(n):
        root = i
        while parent[root] != root:
            root = parent[root]
        roots.append(root)
    _, labels = np.unique(np.asarray(roots), return_inverse=True)
    return labels.astype(np.int64)
