"""Top-k selection: the candidates' scores from the inverted index, the hub correction, the caller's filter.

Candidates are ordered by similarity minus ``hub_weight`` x their hub value
against the query's side (hubness.py); only candidates that share something
with the query (similarity > 0) are listed, and the score returned is the
plain similarity.  The caller's filter (ids, a predicate or a boolean mask)
applies before the top-k selection (``argpartition``).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from .store import Store


class RowMask(NamedTuple):
    """The rows of a store a set of ids allows, worked out once (``Matcher.row_mask``) for a caller
    that ranks the same candidates several times: looking a set of ids up row by row costs about
    0.08 µs an id on every call (7.7 ms for 100,000 allowed offers). Rows added since are not allowed."""

    rows: np.ndarray


def allowed_mask(store: Store, allowed) -> np.ndarray:
    """Rows of ``store`` that are alive and allowed (ids, a predicate, a
    boolean mask aligned with the store's live ids, or a :class:`RowMask`)."""
    mask = store.alive.copy()
    if allowed is None:
        return mask
    if isinstance(allowed, RowMask):
        n = min(len(mask), len(allowed.rows))
        mask[:n] &= allowed.rows[:n]
        mask[n:] = False
        return mask
    if isinstance(allowed, np.ndarray) and allowed.dtype == bool:
        if len(allowed) != len(store.row_of):
            raise ValueError("boolean mask must align with Matcher.ids(side)")
        rows = np.fromiter(store.row_of.values(), dtype=np.int64, count=len(store.row_of))
        keep = np.zeros_like(mask)
        keep[rows[allowed]] = True
        return mask & keep
    keep = np.zeros_like(mask)
    if callable(allowed):
        rows = [r for i, r in store.row_of.items() if allowed(i)]
    else:
        row_of = store.row_of
        rows = [row_of[i] for i in allowed if i in row_of]
    keep[np.asarray(rows, dtype=np.int64)] = True
    return mask & keep


def top(store: Store, q: sp.csr_matrix, hub: Callable[[], np.ndarray], hub_weight: float, k: int | None,
        allowed, min_score: float | None = None) -> list[tuple[Hashable, float]]:
    """(id, similarity) of the best candidates of ``store`` for a query row;
    ``hub()``: the candidates' hub values (asked for only when needed);
    ``min_score``: only candidates whose similarity reaches it, cut on the
    score array (a caller that keeps only those makes no pair for the rest)."""
    if not store.ids or q.nnz == 0:
        return []
    sim = store.scores(q)
    # ordered by the similarity minus the candidate's hub value; only
    # candidates that share something with the query (similarity > 0)
    scores = sim - hub_weight * hub() if hub_weight else sim.copy()
    if allowed is None and not store.n_dead:
        scores[sim <= 0] = -np.inf
    else:
        mask = allowed_mask(store, allowed)
        scores[~mask | (sim <= 0)] = -np.inf
    if min_score is not None:
        scores[sim < min_score] = -np.inf
    if k is None:
        best = np.flatnonzero(np.isfinite(scores))
    elif k < len(scores):
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.isfinite(scores[best])]
    else:
        best = np.flatnonzero(np.isfinite(scores))
    best = best[np.argsort(-scores[best], kind="stable")]
    ids = store.ids
    return [(ids[r], float(sim[r])) for r in best]


def _with_hub_row(index: sp.csr_matrix, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrays (data, indices, indptr) of the inverted index (features x
    documents) with one more feature row that every document has, holding
    ``values`` (made per call: the index itself may be a shared memory map
    and is not changed; left as arrays, since a scipy matrix would check
    and possibly re-type tens of millions of indices again)."""
    n = index.shape[1]
    wide = np.int64 if index.nnz + n >= 2**31 else np.int32
    indptr = np.empty(index.shape[0] + 2, dtype=wide)
    indptr[:-1] = index.indptr
    indptr[-1] = index.indptr[-1] + n
    indices = np.empty(index.nnz + n, dtype=wide)
    indices[: index.nnz] = index.indices
    indices[index.nnz :] = np.arange(n)
    data = np.empty(index.nnz + n, dtype=np.float32)
    data[: index.nnz] = index.data
    data[index.nnz :] = values
    return data, indices, indptr


def _topn(A: sp.csr_matrix, B: tuple[np.ndarray, np.ndarray, np.ndarray], n_cols: int, n: int,
          threads: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``n`` largest entries (above 0) of each row of ``A @ B`` as CSR
    arrays (data, indices, indptr); ``B``: CSR arrays with ``n_cols``
    columns, float32 with int32 or int64 indices.  sparse_dot_topn's checked
    entry point copies B's index arrays on every call (``astype``), which at
    100k is a copy of tens of millions of indices; its unchecked one takes
    them as they are, so A is brought to B's types here."""
    from sparse_dot_topn import unchecked

    data, indices, indptr = B
    wide = indices.dtype
    a = _Csr(np.asarray(A.data, dtype=np.float32), np.asarray(A.indptr, dtype=wide),
             np.asarray(A.indices, dtype=wide), A.shape)
    b = _Csr(np.asarray(data, dtype=np.float32), np.asarray(indptr, dtype=wide), indices, (len(indptr) - 1, n_cols))
    if threads > 1:
        C = unchecked.sp_matmul_topn_mt(a, b, top_n=n, sort=False, threshold=0.0, n_threads=threads)
    else:
        C = unchecked.sp_matmul_topn(a, b, top_n=n, sort=False, threshold=0.0, density=1.0)
    return C.data, C.indices, C.indptr


class _Csr(NamedTuple):
    """CSR arrays as sparse_dot_topn's unchecked calls read them."""

    data: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    shape: tuple[int, int]


def _sums_in_order(products: sp.csr_matrix) -> np.ndarray:
    """The sum of each row, added in float32 one entry after the other in
    the row's (feature) order: as :meth:`Store.scores` adds a query's
    products for a candidate, so a score is the same to the bit (numpy's
    and scipy's sums add in another order)."""
    lengths = np.diff(products.indptr)
    out = np.zeros(products.shape[0], dtype=np.float32)
    if not products.nnz:
        return out
    # one column per position in the rows, padded with zeros (adding a zero
    # changes no float), added column after column
    columns = np.zeros((int(lengths.max()), products.shape[0]), dtype=np.float32)
    row = np.repeat(np.arange(products.shape[0]), lengths)
    columns[np.arange(products.nnz) - products.indptr[row], row] = products.data
    for values in columns:
        out += values
    return out


def top_batch(queries: Store, query_ids: Sequence, target: Store, hub: np.ndarray | None, n_features: int,
              k: int, threads: int = 1) -> list[list[tuple[Hashable, float]]]:
    """:func:`top` for many stored query rows at once (no filter);
    ``hub``: the candidates' hub values times the hub weight (None: no
    correction).  The result is the same as :func:`top` row by row.

    The indexed rows go through a multi-threaded sparse top-n product
    (``sparse_dot_topn``, ``threads`` threads, nothing densified) that
    selects by the ranking key itself: every query gets one more feature of
    value 1, and every indexed candidate that feature with the value
    ``max(hub) - hub``, so the product is the similarity minus the hub
    value plus a constant.  The ``n`` best of each query (``n`` a few times
    ``k``) hold its top-k unless fewer than ``k`` of them share a word with
    the query (similarity > 0) or are alive, or the k-th ties with the
    n-th; those queries are asked again with a larger ``n`` and then, if
    still needed, scored against every candidate as :func:`top` does.  The
    rows in the append buffer (few) are scored exactly for every query."""
    ids = target.ids
    if not query_ids:
        return []
    Q = queries.rows_of(query_ids, n_features).astype(np.float32)
    if not ids:
        return [[] for _ in query_ids]
    nb = target.n_indexed
    alive = target.alive
    hub_of = hub if hub is not None else np.zeros(len(ids), dtype=np.float32)
    B = target._buffer(n_features) if target.buffer else None
    SB = (Q @ B.T).toarray() if B is not None else None  # queries x buffered rows

    idx = target.index
    A = Q
    if idx.shape[0] < A.shape[1]:
        A = A[:, : idx.shape[0]]
    elif idx.shape[0] > A.shape[1]:
        A = A.copy()
        A.resize((A.shape[0], idx.shape[0]))
    A0 = A
    if hub is not None and nb:
        lift = (hub_of[:nb].max() - hub_of[:nb]).astype(np.float32)
        lifted_index = _with_hub_row(idx, lift)
        A = sp.hstack([A, np.ones((A.shape[0], 1), dtype=np.float32)], format="csr")
    else:
        lift = np.zeros(nb, dtype=np.float32)
        wide = np.int64 if idx.nnz >= 2**31 else np.int32
        lifted_index = (idx.data, np.asarray(idx.indices, dtype=wide), idx.indptr)
    top_lift = float(hub_of[:nb].max()) if hub is not None and nb else 0.0
    margin = 1e-6 * (1.0 + top_lift)  # well above float32 rounding of the lifted keys
    rows_of = target.rows

    def candidates(sel: np.ndarray, n: int):
        """Per query of ``sel``: the best n indexed rows by the key, their
        keys plus the constant, and whether those are all it has."""
        if not nb:
            return [(np.zeros(0, np.int64), np.zeros(0, np.float32), True) for _ in sel]
        data, indices, indptr = _topn(A[sel], lifted_index, nb, n, max(1, threads))
        return [(indices[indptr[j]:indptr[j + 1]].astype(np.int64), data[indptr[j]:indptr[j + 1]],
                 indptr[j + 1] - indptr[j] < n) for j in range(len(sel))]

    out: list = [None] * len(query_ids)
    todo = np.arange(len(query_ids))
    n = min(max(4 * k, k + 30), nb)
    spare = 5  # candidates kept past the k-th, re-ordered by the exact similarities
    for _ in range(2):
        if not len(todo):
            break
        left, found = [], []
        for j, (rows, lifted, whole) in zip(todo.tolist(), candidates(todo, n)):
            floor = float(lifted.min()) if len(lifted) else 0.0
            sims = lifted.astype(np.float64) - lift[rows]
            if SB is not None:
                rows = np.concatenate([rows, nb + np.arange(SB.shape[1])])
                sims = np.concatenate([sims, SB[j]])
            keep = (sims > -margin) & alive[rows]
            rows, sims = rows[keep], sims[keep]
            keys = sims - hub_of[rows]
            order = np.lexsort((rows, -keys))
            # the best key of the candidates not kept (-inf: none)
            rest = float(keys[order[k + spare]]) if len(order) > k + spare else -np.inf
            order = order[: k + spare]
            complete = whole or n >= nb
            if complete or (len(order) >= k and keys[order[k - 1]] + top_lift > floor + margin):
                found.append((j, rows[order], sims[order], rest if complete else max(rest, floor - top_lift), complete))
            else:
                left.append(j)
        if found:
            # the similarities of the candidates kept, summed again as top()
            # sums them (the lifted ones lose digits of small similarities)
            rj = np.concatenate([np.full(len(f[1]), f[0]) for f in found])
            rr = np.concatenate([f[1] for f in found])
            inside = rr < nb
            exact = np.concatenate([f[2] for f in found])
            if inside.any():
                exact[inside] = _sums_in_order(rows_of[rr[inside]].multiply(A0[rj[inside]]).tocsr())
            at = 0
            for j, rows, _, last, complete in found:
                sims = exact[at : at + len(rows)]
                at += len(rows)
                keep = sims > 0
                rows, sims = rows[keep], sims[keep]
                keys = sims.astype(np.float64) - hub_of[rows]  # in float64, as top() subtracts
                order = np.lexsort((rows, -keys))[:k]
                # exact when the k-th kept ranks above every candidate not kept
                # and every one not found (some kept may have shared nothing)
                if (len(order) < k and (not complete or last > -np.inf)) or (
                        len(order) == k and keys[order[-1]] <= last + margin):
                    left.append(j)
                    continue
                out[j] = [(ids[r], float(sims[o])) for o, r in zip(order.tolist(), rows[order].tolist())]
        todo = np.asarray(sorted(left), dtype=np.int64)
        n = min(8 * n, nb)
    for j in todo.tolist():  # rare: too few of the candidates found count
        out[j] = top(target, Q[j], lambda: hub_of, 1.0 if hub is not None else 0.0, k, None)
    return out
