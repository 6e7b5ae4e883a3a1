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

from functools import lru_cache

import numpy as np


# Below this many multiply-adds a search runs without torch: importing it (about 1 s and
# 190 MB) costs more than its faster products and top-k save.
TORCH_MIN_WORK = 2e10


@lru_cache(maxsize=1)
def _torch():
    try:
        import torch
    except (ImportError, OSError):  # not installed, or a build whose libraries do not load
        return None
    return torch


def _torch_for(work: float):
    """torch for a search of ``work`` multiply-adds, or None (numpy). Decided by the
    size of the work alone, never by whether torch happens to be imported already, so
    the same input takes the same path in every process."""
    return _torch() if work >= TORCH_MIN_WORK else None


def inner_products(A: np.ndarray, B: np.ndarray, torch=None) -> np.ndarray:
    """A @ B.T as a C-ordered float32 numpy array; with ``torch`` (the module), its CPU matmul.

    numpy 1.24's bundled OpenBLAS (hazm pins numpy 1.24.3) has no kernels for recent
    CPUs: on a 600 x 13k x 384 block it runs at 32 GFLOP/s here, scipy's own (newer)
    OpenBLAS at about 80 and torch at 220, and these products are most of a large
    neighbour search. Without torch, scipy's sgemm is called on the transposes, which
    for C-ordered inputs are Fortran-ordered views (no copies), and returns the result
    already in C order.
    """
    A = np.ascontiguousarray(A, dtype=np.float32)
    B = np.ascontiguousarray(B, dtype=np.float32)
    if torch is not None:
        return torch.matmul(torch.from_numpy(A), torch.from_numpy(B).T).numpy()
    if not (A.size and B.size):
        return np.zeros((A.shape[0], B.shape[0]), dtype=np.float32)
    from scipy.linalg.blas import sgemm

    return sgemm(1.0, B.T, A.T, trans_a=True).T


def top_k_per_row(sims: np.ndarray, k: int, stride: int = 8, torch=None) -> tuple[np.ndarray, np.ndarray]:
    """(row, col) of the k largest values of each row; ties go to the smaller column.

    With ``torch`` (the module), each row's cut is its exact k-th largest value (torch.topk).
    Otherwise: np.argpartition over every row is the slow part of a block kNN search. Instead a
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
    elif torch is not None and sims.dtype == np.float32 and sims.flags.c_contiguous:
        # The exact k-th largest value of each row (torch.topk is a few times faster than
        # the sampled cut); which of several equal values topk returns does not matter here,
        # the tie order comes from the sort below.
        cut = torch.topk(torch.from_numpy(sims), k, dim=1, sorted=False).values.amin(dim=1).numpy()
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
    n_queries = n if queries is None else len(np.unique(np.asarray(queries)))
    torch = _torch_for(float(n_queries) * most_candidates * X.shape[1])
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
                # Unknown times sort first and are taken separately; the binary search runs
                # over the known ones only (searchsorted takes NaN as larger than any number,
                # so over NaNs put first it returns positions unrelated to the window).
                offset = len(unknown_idx)
                lo = offset + np.searchsorted(sorted_times[offset:], finite.min() - window_days, side="left")
                hi = offset + np.searchsorted(sorted_times[offset:], finite.max() + window_days, side="right")
                cand_idx = np.concatenate([unknown_idx, order[lo:hi]])
            else:
                cand_idx = np.arange(n)
            if (~np.isfinite(q_times)).any():
                cand_idx = np.arange(n)
        else:
            cand_idx = np.arange(n)
        sims = inner_products(X[query_idx], X[cand_idx], torch)
        if use_time:
            _mask_outside_window(sims, times[query_idx], times[cand_idx], window_days)
        position[cand_idx] = np.arange(len(cand_idx))
        own = position[query_idx]
        sims[np.flatnonzero(own >= 0), own[own >= 0]] = -np.inf  # a document is not its own neighbour
        position[cand_idx] = -1
        kk = min(k, sims.shape[1] - 1)
        if kk <= 0:
            continue
        top_rows, top_cols = top_k_per_row(sims, kk, torch=torch)
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


def _edge_table(n: int, rows: np.ndarray, cols: np.ndarray, values: np.ndarray):
    """Edges summed per unordered pair: (lo, hi, value sums, edge counts), lo < hi,
    in (lo, hi) order. Sums and counts travel together as one complex matrix, so one
    sparse conversion (C code, linear time) groups both."""
    from scipy.sparse import coo_matrix

    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    table = coo_matrix((values, (lo, hi)), shape=(n, n)).tocsr()
    table.sum_duplicates()
    lo = np.repeat(np.arange(n, dtype=np.int64), np.diff(table.indptr))
    return lo, table.indices.astype(np.int64), table.data.real.copy(), table.data.imag.copy()


def _best_neighbours(n: int, lo: np.ndarray, hi: np.ndarray, sims: np.ndarray) -> np.ndarray:
    """Each node's most similar neighbour over the given edges (ties: the smaller index);
    -1 for nodes without an edge."""
    from scipy.sparse import coo_matrix

    both = coo_matrix((np.concatenate([sims, sims]), (np.concatenate([lo, hi]), np.concatenate([hi, lo]))),
                      shape=(n, n)).tocsr()
    both.sort_indices()  # neighbours of a node in increasing index order
    counts = np.diff(both.indptr)
    nodes = np.flatnonzero(counts)
    row_max = np.maximum.reduceat(both.data, both.indptr[nodes])
    is_max = both.data == np.repeat(row_max, counts[nodes])
    where = np.flatnonzero(is_max)
    owner = np.repeat(np.arange(n), counts)[where]
    first = np.r_[True, owner[1:] != owner[:-1]]
    best = np.full(n, -1, dtype=np.int64)
    best[owner[first]] = both.indices[where[first]]
    return best


def average_linkage(n: int, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray,
                    threshold: float, missing_sim: float = 0.0, decimals: int = 5,
                    first_days: np.ndarray | None = None, last_days: np.ndarray | None = None,
                    max_span_days: float | None = None) -> np.ndarray:
    """Average-linkage agglomeration on a sparse similarity graph, stopped at ``threshold``.

    Cluster similarity = mean over all member pairs, with pairs that have no edge
    counted as ``missing_sim`` (average linkage on the full matrix with the missing
    entries filled in). Similarities are rounded to ``decimals`` so that float noise
    from thread count or BLAS does not change which merge comes first. A pair listed
    twice counts once, with its larger value. Returns labels 0..n_clusters-1.

    Merging runs in rounds of reciprocal nearest neighbours (RAC, Sumengen et al.
    2021): every two clusters that are each other's most similar (ties: the smaller
    index), at or above the threshold, merge in the same round. Average linkage is
    reducible (a merged cluster is never more similar to a third than the closer of
    its parts), so this gives the clusters of the one-merge-at-a-time greedy, and a
    cluster whose best neighbour is below the threshold can never merge again; its
    edges are dropped. Each round is a few linear passes over the edges in numpy and
    scipy.sparse instead of a Python heap loop (100k documents: 22 s -> a few s).

    With ``first_days`` (per node, NaN where unknown; ``last_days``, when nodes are groups
    of documents) and ``max_span_days``, two clusters whose known days would then span
    more than ``max_span_days`` never merge (see ``_reciprocal_rounds``).
    """
    sims = np.round(np.asarray(sims, dtype=np.float64), decimals)
    rows, cols, sims = _within_merge_components(n, np.asarray(rows, dtype=np.int64),
                                                np.asarray(cols, dtype=np.int64), sims, threshold, missing_sim)
    proper = rows != cols
    rows, cols, sims = rows[proper], cols[proper], sims[proper]
    # One value per pair (the larger), whichever order the pair came in.
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    order = np.lexsort((-sims, hi, lo))
    lo, hi, sims = lo[order], hi[order], sims[order]
    first = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])] if len(lo) else np.zeros(0, bool)
    lo, hi, edge_sum = lo[first], hi[first], sims[first]
    spans = _day_spans(first_days, first_days if last_days is None else last_days, max_span_days)
    return _reciprocal_rounds(n, lo, hi, edge_sum, np.ones(len(lo)), np.ones(n), threshold, missing_sim, decimals,
                              spans=spans)


def _day_spans(first_days, last_days, max_span_days):
    """(first day, last day, limit) per node for ``_reciprocal_rounds``; None without a limit."""
    if max_span_days is None or first_days is None:
        return None
    return (np.asarray(first_days, dtype=np.float64).copy(), np.asarray(last_days, dtype=np.float64).copy(),
            float(max_span_days))


def grouped_edges(n_nodes: int, node_rows: np.ndarray, node_cols: np.ndarray, sims: np.ndarray):
    """Document-pair edges summed per pair of the nodes (groups) they join, as
    ``grouped_average_linkage`` takes them: (lo, hi, sums, counts), lo < hi."""
    lo, hi, sums, counts = _edge_table(n_nodes, np.asarray(node_rows, np.int64), np.asarray(node_cols, np.int64),
                                       np.asarray(sims, np.float64) + 1j)
    return lo, hi, sums, counts


def grouped_average_linkage(sizes: np.ndarray, lo: np.ndarray, hi: np.ndarray, edge_sums: np.ndarray,
                            edge_counts: np.ndarray, threshold: float, missing_sim: float = 0.0,
                            fixed: np.ndarray | None = None, decimals: int = 5,
                            first_days: np.ndarray | None = None, last_days: np.ndarray | None = None,
                            max_span_days: float | None = None) -> np.ndarray:
    """``average_linkage`` started from groups instead of single documents: node i stands
    for ``sizes[i]`` documents, and each node pair (lo < hi, listed once) carries the sum
    and the number of its document-pair edges. Two ``fixed`` nodes (or clusters holding
    one each) never merge, nor two whose known days (each node's ``first_days`` to
    ``last_days``) would span more than ``max_span_days``. Returns labels 0..n_clusters-1
    over the nodes."""
    sizes = np.asarray(sizes, dtype=np.float64)
    return _reciprocal_rounds(len(sizes), np.asarray(lo, np.int64), np.asarray(hi, np.int64),
                              np.asarray(edge_sums, np.float64), np.asarray(edge_counts, np.float64), sizes.copy(),
                              threshold, missing_sim, decimals, fixed,
                              spans=_day_spans(first_days, last_days, max_span_days))


def _reciprocal_rounds(n, lo, hi, edge_sum, edge_count, size, threshold, missing_sim, decimals, fixed=None,
                       spans=None):
    """The RAC rounds of ``average_linkage`` (see there) over node pairs with summed edges.

    ``spans`` (first day, last day, limit): a pair whose merge would make the known days
    of one cluster span more than the limit is left out, as fixed pairs are. The time
    penalty alone cannot stop it: pairs further apart than the candidate window are no
    edges, and an undated article, close to both, chains two events months apart (two
    earthquakes in one province, 218 days apart). Spans only grow, so a pair left out
    stays out, and reducibility still makes clusters without a neighbour final."""
    fixed = np.zeros(n, bool) if fixed is None else np.asarray(fixed, bool).copy()
    parent = np.arange(n, dtype=np.int64)
    while len(lo):
        pairs = size[lo] * size[hi]
        mean = np.round((edge_sum + (pairs - edge_count) * missing_sim) / pairs, decimals)
        strong = (mean >= threshold) & ~(fixed[lo] & fixed[hi])
        if spans is not None:
            first, last, limit = spans
            with np.errstate(invalid="ignore"):
                strong &= ~(np.fmax(last[lo], last[hi]) - np.fmin(first[lo], first[hi]) > limit)
        if not strong.any():
            break
        best = _best_neighbours(n, lo[strong], hi[strong], mean[strong])
        nodes = np.flatnonzero(best >= 0)
        mutual = nodes[(best[best[nodes]] == nodes) & (nodes < best[nodes])]
        keep, drop = mutual, best[mutual]
        parent[drop] = keep
        size[keep] += size[drop]
        fixed[keep] |= fixed[drop]
        if spans is not None:
            first[keep], last[keep] = np.fmin(first[keep], first[drop]), np.fmax(last[keep], last[drop])
        # Clusters with no neighbour at or above the threshold are final (reducibility).
        active = best >= 0
        live = active[lo] & active[hi]
        into = np.arange(n, dtype=np.int64)
        into[drop] = keep
        a, b = into[lo[live]], into[hi[live]]
        apart = a != b
        lo, hi, edge_sum, edge_count = _edge_table(
            n, a[apart], b[apart], edge_sum[live][apart] + 1j * edge_count[live][apart])
    while True:  # pointer jumping to the roots
        grand = parent[parent]
        if np.array_equal(grand, parent):
            break
        parent = grand
    _, labels = np.unique(parent, return_inverse=True)
    return labels.astype(np.int64)
