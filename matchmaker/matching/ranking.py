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
        allowed) -> list[tuple[Hashable, float]]:
    """(id, similarity) of the best candidates of ``store`` for a query row;
    ``hub()``: the candidates' hub values (asked for only when needed)."""
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


def top_batch(queries: Store, query_ids: Sequence, target: Store, hub: np.ndarray | None, n_features: int,
              k: int, chunk: int, threads: int = 1) -> list[list[tuple[Hashable, float]]]:
    """:func:`top` for many stored query rows at once (no filter): one sparse
    product per chunk of queries, then a per-row ``argpartition``; ``hub``:
    the candidates' hub values times the hub weight (None: no correction).
    With ``threads`` > 1 the chunks run in a thread pool (the sparse product,
    the densifying and the partition release the GIL); the result is the same."""
    ids = target.ids
    starts = list(range(0, len(query_ids), chunk))
    # the query rows are taken first, in this thread (a store is not read by two threads at once)
    blocks = [sp.vstack([queries.row(i, n_features) for i in query_ids[a : a + chunk]], format="csr") for a in starts]
    if target.buffer:
        target._buffer(n_features)  # stacked once here, read by the threads
    dead = ~target.alive

    def one(Q) -> list[list[tuple[Hashable, float]]]:
        S = target.scores_matrix(Q)
        S[:, dead] = 0
        kk = min(k, S.shape[1])
        if kk == 0:
            return [[] for _ in range(Q.shape[0])]
        K = S - hub if hub is not None else S.copy()  # the ranking key, as in top()
        K[S <= 0] = -np.inf
        best = np.argpartition(-K, kk - 1, axis=1)[:, :kk] if kk < S.shape[1] else np.tile(np.arange(S.shape[1]), (S.shape[0], 1))
        out = []
        for r in range(S.shape[0]):
            t = best[r]
            t = t[np.argsort(-K[r, t], kind="stable")]
            out.append([(ids[j], float(S[r, j])) for j in t if S[r, j] > 0])
        return out

    if threads > 1 and len(blocks) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(threads, len(blocks))) as pool:
            parts = list(pool.map(one, blocks))
    else:
        parts = [one(Q) for Q in blocks]
    return [row for part in parts for row in part]
