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


def top_k_per_row(sims: np.ndarray, k: int, stride: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """(row, col) of the k largest values of each row; ties go to the smaller column.

    np.argpartition over every row is the slow part of a block kNN search. Instead a
    per-row cut is read from every ``stride``-th column (a value that about 2k entries
    of the row reach), only entries at or above it are kept and sorted; rows where
    fewer than k entries reach the cut (an unlucky sample) are redone exactly. The
    result is exact either way: the cut is never above a row's k-th largest value
    unless the row is redone.
    """
    n_rows, n_cols = sims.shape
    sample = sims[:, ::stride]
    rank = min(sample.shape[1], 2 * k // stride + 1)
    if n_cols <= 4 * k or rank >= sample.shape[1]:
        cut = np.full(n_rows, -np.inf, dtype=sims.dtype)
    else:
        # The rank-th largest of each sampled row (no negated copy of the sample).
        last = sample.shape[1] - rank
        cut = np.partition(sample, last, axis=1)[:, last]
    # flatnonzero + divmod: five times faster than a 2-D np.nonzero on a block this size.
    rows, cols = np.divmod(np.flatnonzero(sims >= cut[:, None]), n_cols)
    counts = np.bincount(rows, minlength=n_rows)
    short = np.flatnonzero(counts < min(k, n_cols))
    if len(short) and np.isfinite(cut[short]).any():
        keep = ~np.isin(rows, short)
        extra_rows = np.repeat(short, n_cols)
        extra_cols = np.tile(np.arange(n_cols), len(short))
        rows = np.concatenate([rows[keep], extra_rows])
        cols = np.concatenate([cols[keep], extra_cols])
    # Rows, then value (descending), then column (entries come in row-major order, and the
    # sort is stable): one sort of a float64 key row * width - value. The values are
    # float32, so the key keeps them apart exactly; -inf (masked) sorts last in its row.
    values = sims[rows, cols].astype(np.float64)
    finite = np.isfinite(values)
    if len(values):
        low = values[finite].min() - 1.0 if finite.any() else 0.0
        values[~finite] = low
        width = values.max() - low + 1.0
        order = np.argsort(rows * width - values, kind="stable")
    else:
        order = np.zeros(0, dtype=np.int64)
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(n_rows))
    rank_in_row = np.arange(len(rows)) - starts[rows]
    first_k = rank_in_row < k
    return rows[first_k], cols[first_k]


def _mask_outside_window(sims, query_times, cand_times, window_days):
    """Set sims to -inf where the candidate is more than window_days from the query.

    Candidates with a known time are sorted by time (unknown ones, which match all,
    come first), so each query's valid candidates form one contiguous range; only the
    two bands where those ranges' ends vary across the block are touched."""
    known = np.isfinite(cand_times)
    if not np.isfinite(query_times).all():
        dt = np.abs(query_times[:, None] - cand_times[None, :])
        sims[~(np.isnan(dt) | (dt <= window_days))] = -np.inf
        return
    offset = int((~known).sum())
    sorted_known = cand_times[offset:]
    lo = offset + np.searchsorted(sorted_known, query_times - window_days, side="left")
    hi = offset + np.searchsorted(sorted_known, query_times + window_days, side="right")
    band = np.arange(lo.min(), lo.max())
    sims[:, band] = np.where(band[None, :] < lo[:, None], -np.inf, sims[:, band])
    band = np.arange(hi.min(), hi.max())
    sims[:, band] = np.where(band[None, :] >= hi[:, None], -np.inf, sims[:, band])


def knn_candidates(X: np.ndarray, k: int, times: np.ndarray | None = None,
                   window_days: float | None = None, block: int = 2048,
                   queries: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-k neighbours by inner product, optionally only within +-window_days.

    times: days as floats (NaN = unknown; such documents are compared with all).
    queries: search the neighbours of these rows only (default: all rows).
    Returns (rows, cols, sims) with rows < cols, deduplicated, sorted.
    """
    n = len(X)
    k = min(k, n - 1)
    if k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    use_time = times is not None and window_days is not None and np.isfinite(times).any()
    most_candidates = n
    if use_time:
        order = np.argsort(np.where(np.isfinite(times), times, -np.inf), kind="stable")
        sorted_times = times[order]
        known = np.isfinite(sorted_times)
        unknown_idx = order[~known]
        if known.all():
            per_doc = (np.searchsorted(sorted_times, sorted_times + window_days, side="right")
                       - np.searchsorted(sorted_times, sorted_times - window_days, side="left"))
            most_candidates = int(per_doc.max())
    # Bound the (block x candidates) score matrix to ~8M entries whatever n is.
    # Queries in one block share a candidate range; a block spanning a small part of the
    # window keeps that range close to each query's own.
    block = max(64, min(block, most_candidates // 4, 8_000_000 // max(most_candidates, 1)))
    position = np.full(n, -1, dtype=np.int64)
    is_query = np.ones(n, bool)
    if queries is not None:
        is_query[:] = False
        is_query[np.asarray(queries, dtype=np.int64)] = True
    query_order = order[is_query[order]] if use_time else np.flatnonzero(is_query)
    pair_rows, pair_cols, pair_sims = [], [], []
    for start in range(0, len(query_order), block):
        stop = min(len(query_order), start + block)
        query_idx = query_order[start:stop]
        if use_time:
            q_times = times[query_idx]
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
            cand_idx = np.arange(n)
        sims = X[query_idx] @ X[cand_idx].T
        if use_time:
            _mask_outside_window(sims, times[query_idx], times[cand_idx], window_days)
        position[cand_idx] = np.arange(len(cand_idx))
        own = position[query_idx]
        sims[np.flatnonzero(own >= 0), own[own >= 0]] = -np.inf  # a document is not its own neighbour
        position[cand_idx] = -1
        kk = min(k, sims.shape[1] - 1)
        if kk <= 0:
            continue
        top_rows, top_cols = top_k_per_row(sims, kk)
        vals = sims[top_rows, top_cols]
        keep = np.isfinite(vals)
        pair_rows.append(query_idx[top_rows[keep]])
        pair_cols.append(cand_idx[top_cols[keep]])
        pair_sims.append(vals[keep])
    rows = np.concatenate(pair_rows) if pair_rows else np.zeros(0, np.int64)
    cols = np.concatenate(pair_cols) if pair_cols else np.zeros(0, np.int64)
    sims = np.concatenate(pair_sims).astype(np.float32) if pair_sims else np.zeros(0, np.float32)
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    key = lo.astype(np.int64) * n + hi
    key, first = np.unique(key, return_index=True)
    return lo[first].astype(np.int64), hi[first].astype(np.int64), sims[first]


def _within_merge_components(n, rows, cols, sims, threshold, missing_sim):
    """Only the edges that can take part in a merge.

    When a missing pair counts below the threshold, two clusters can only reach the
    threshold on average if some pair between them does; so every merge stays inside
    a connected component of the graph of edges >= threshold, and edges between
    components (or touching a document alone in its component) never matter. Dropping
    them changes no result and spares the Python loop most of a large graph.
    """
    if missing_sim >= threshold or len(rows) == 0:
        return rows, cols, sims
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    strong = sims >= threshold
    graph = coo_matrix((np.ones(int(strong.sum()), np.int8), (rows[strong], cols[strong])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    sizes = np.bincount(component)
    keep = (component[rows] == component[cols]) & (sizes[component[rows]] > 1)
    return rows[keep], cols[keep], sims[keep]


def average_linkage(n: int, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray,
                    threshold: float, missing_sim: float = 0.0, decimals: int = 5) -> np.ndarray:
    """Average-linkage agglomeration on a sparse similarity graph, stopped at ``threshold``.

    Cluster similarity = mean over all member pairs, with pairs that have no edge
    counted as ``missing_sim``. Similarities are rounded to ``decimals`` so that
    float noise from thread count or BLAS does not change which merge comes first;
    ties break on the smaller cluster index. Returns labels 0..n_clusters-1.
    """
    sims = np.round(np.asarray(sims, dtype=np.float64), decimals)
    rows, cols, sims = _within_merge_components(n, np.asarray(rows), np.asarray(cols), sims, threshold,
                                                missing_sim)
    neighbours: list[dict[int, list]] = [dict() for _ in range(n)]
    for a, b, s in zip(rows.tolist(), cols.tolist(), sims.tolist()):
        if a == b:
            continue
        neighbours[a][b] = [s, 1]
        neighbours[b][a] = [s, 1]
    size = [1] * n
    alive = [True] * n
    # Means below this round to less than the threshold (a margin of one unit of the last
    # decimal, far above float error), so they need no exact rounding.
    near_threshold = threshold - 10.0 ** -decimals
    parent = list(range(n))
    version = [0] * n

    # Two single documents score their own (rounded) edge.
    heap = [(-entry[0], a, b, 0, 0) for a in range(n) for b, entry in neighbours[a].items()
            if a < b and entry[0] >= threshold]
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
                # pairs (keep, c) had no edge: they enter through missing_sim below
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
        keep_size = size[keep]
        for c, entry in table.items():
            # Mean over all member pairs; pairs without an edge count as missing_sim. A cheap
            # bound first: most neighbours fall short by more than any rounding could make up.
            total = keep_size * size[c]
            if entry[0] + (total - entry[1]) * missing_sim < total * near_threshold or not alive[c]:
                continue
            s = round((entry[0] + (total - entry[1]) * missing_sim) / total, decimals)
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
