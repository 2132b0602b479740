"""Top-k selection: the candidates' scores from the inverted index, the hub correction, the caller's filter.

Candidates are ordered by similarity minus ``hub_weight`` x their hub value
against the query's side (hubness.py); only candidates that share something
with the query (similarity > 0) are listed, and the score returned is the
plain similarity.  The caller's filter (ids, a predicate or a boolean mask)
applies before the top-k selection (``argpartition``).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np
import scipy.sparse as sp

from .store import Store


def allowed_mask(store: Store, allowed) -> np.ndarray:
    """Rows of ``store`` that are alive and allowed (ids, a predicate, or a
    boolean mask aligned with the store's live ids)."""
    mask = store.alive.copy()
    if allowed is None:
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


def _with_hub_row(index: sp.csr_matrix, values: np.ndarray) -> sp.csr_matrix:
    """The inverted index (features x documents) with one more feature row
    that every document has, holding ``values`` (made per call: the index
    itself may be a shared memory map and is not changed)."""
    n = index.shape[1]
    wide = np.int64 if index.nnz + n >= 2**31 else index.indptr.dtype
    indptr = np.concatenate([index.indptr, [index.indptr[-1] + n]]).astype(wide)
    indices = np.concatenate([index.indices, np.arange(n, dtype=index.indices.dtype)])
    data = np.concatenate([index.data, values.astype(index.data.dtype)])
    return sp.csr_matrix((data, indices, indptr), shape=(index.shape[0] + 1, n))


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
    from sparse_dot_topn import sp_matmul_topn

    ids = target.ids
    if not query_ids:
        return []
    Q = sp.vstack([queries.row(i, n_features) for i in query_ids], format="csr").astype(np.float32)
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
        idx = _with_hub_row(idx, lift)
        A = sp.hstack([A, np.ones((A.shape[0], 1), dtype=np.float32)], format="csr")
    else:
        lift = np.zeros(nb, dtype=np.float32)
    top_lift = float(hub_of[:nb].max()) if hub is not None and nb else 0.0
    margin = 1e-6 * (1.0 + top_lift)  # well above float32 rounding of the lifted keys
    rows_of = target.rows

    def candidates(sel: np.ndarray, n: int):
        """Per query of ``sel``: the best n indexed rows by the key, their
        keys plus the constant, and whether those are all it has."""
        if not nb:
            return [(np.zeros(0, np.int64), np.zeros(0, np.float32), True) for _ in sel]
        C = sp_matmul_topn(A[sel], idx, top_n=n, threshold=0.0, n_threads=max(1, threads)).tocsr()
        return [(C.indices[C.indptr[j]:C.indptr[j + 1]].astype(np.int64), C.data[C.indptr[j]:C.indptr[j + 1]],
                 C.indptr[j + 1] - C.indptr[j] < n) for j in range(len(sel))]

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
                prod = rows_of[rr[inside]].multiply(A0[rj[inside]])
                exact[inside] = np.asarray(prod.sum(axis=1), dtype=np.float32).ravel()
            at = 0
            for j, rows, _, last, complete in found:
                sims = exact[at : at + len(rows)]
                at += len(rows)
                keep = sims > 0
                rows, sims = rows[keep], sims[keep]
                keys = sims - hub_of[rows]
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
