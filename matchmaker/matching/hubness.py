"""Hub values (CSLS): how close each document is to the side it is matched against, at large.

Some documents are close to everybody (long, generic texts) and would crowd
out the specific fit; a candidate is ranked by its similarity to the query
minus ``hub_weight`` x its hub value, the mean of its ``hub_k`` highest
similarities to the documents of the query's side (against a fixed random
sample of that side when it is large).  A side paired with several others
has one hub value per row for each of them (``Store.hub[query side]``).

:class:`HubValues` works on the matcher's stores and vocabulary and is
guarded by the matcher's lock.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from . import workers as fork
from .config import MatcherConfig
from .sides import Pairing
from .store import Store

# pairs (documents x reference documents) whose products a request may pay
# to bring stale hub values up to date; above it they wait for the next fit
HUB_REFRESH_BUDGET = 20_000_000


class HubValues:
    """The hub values of every (candidate side, query side) pair of the pairing."""

    def __init__(self, config: MatcherConfig, stores: dict[str, Store], pairing: Pairing, vectoriser):
        self.config = config
        self.stores = stores
        self.pairing = pairing
        self.vectoriser = vectoriser
        # per query side: its sample as an inverted index and k (see reference)
        self.refs: dict[str, tuple] = {}
        # per (candidate side, query side): changes of the query side since
        # the candidates' values were computed
        self.changes: dict[tuple[str, str], int] = {}

    def reference(self, side: str):
        """The documents of ``side`` against which a document of a side
        matched with it measures how close it is to ``side`` at large:
        ``(None, k)`` for all live documents (up to ``hub_sample`` of them),
        else a fixed random sample of the indexed ones as an inverted index
        and ``k`` scaled to the sample (at least 1).  The sample is drawn
        once per fit."""
        cfg = self.config
        store = self.stores[side]
        n = len(store.row_of)
        if n <= cfg.hub_sample:
            return None, min(cfg.hub_k, n)
        ref = self.refs.get(side)
        if ref is None:
            live = np.flatnonzero(store.alive)
            rng = np.random.default_rng(cfg.hub_seed)
            rows = np.sort(rng.choice(live, cfg.hub_sample, replace=False))
            k = max(1, round(cfg.hub_k * cfg.hub_sample / n))
            ref = self.refs[side] = (store.all_rows(self.vectoriser.n_features)[rows].T.tocsr(), k)
        return ref

    def values(self, X: sp.csr_matrix, side: str, chunk: int = 512) -> np.ndarray:
        """Per row of ``X`` (documents of a side matched with ``side``): the
        mean of its ``hub_k`` highest similarities to the documents of ``side``."""
        out = np.zeros(X.shape[0], dtype=np.float32)
        store = self.stores[side]
        if self.config.hub_weight == 0 or not len(store.row_of) or not X.shape[0]:
            return out
        sample, k = self.reference(side)
        X = X.tocsr()
        for a in range(0, X.shape[0], chunk):
            Q = X[a : a + chunk]
            if sample is None:
                S = store.scores_matrix(Q)
                if store.n_dead:
                    S = S[:, store.alive]
            else:
                F = sample.shape[0]
                if Q.shape[1] > F:
                    Q = Q[:, :F]
                elif Q.shape[1] < F:
                    Q = Q.copy()
                    Q.resize((Q.shape[0], F))
                S = (Q @ sample).toarray()
            if 0 < k < S.shape[1]:
                S = np.partition(S, S.shape[1] - k, axis=1)[:, -k:]
            out[a : a + Q.shape[0]] = S.mean(axis=1) if S.shape[1] else 0.0
        return out

    def of_row(self, row: sp.csr_matrix, side: str) -> dict[str, float]:
        """The hub values of a new row of ``side``, against each side it is matched with."""
        return {other: self.values(row, other)[0] for other in self.pairing.partners[side]}

    def changed(self, side: str) -> None:
        """A document of ``side`` came, changed or went: the values measured against it age."""
        for other in self.pairing.partners[side]:
            self.changes[other, side] = self.changes.get((other, side), 0) + 1

    def reset(self) -> None:
        """A new fit: samples are drawn again."""
        self.refs = {}

    def refresh(self, side: str, against: str) -> None:
        """Compute the hub values of every document of ``side`` against ``against`` again."""
        store = self.stores[side]
        store.hub[against] = self.values(store.all_rows(self.vectoriser.n_features), against)
        self.changes[side, against] = 0

    def refresh_all(self, workers: int = 1) -> None:
        """Every side's values against every side it is matched with; with
        ``workers`` > 1 in forked processes, in chunks of rows (the same
        values: the samples are drawn here first)."""
        directions = self.pairing.directions()
        if workers <= 1:
            for side, against in directions:
                self.refresh(side, against)
            return
        for side in self.pairing.sides:
            self.reference(side)
        F = self.vectoriser.n_features
        rows = {side: self.stores[side].all_rows(F) for side in self.pairing.sides}
        for (side, against), values in fork.hub_values_chunks(self, rows, directions, workers).items():
            self.stores[side].hub[against] = values
            self.changes[side, against] = 0

    def current(self, side: str, against: str) -> np.ndarray:
        """The hub values of ``side`` against ``against``, computed again
        first when ``against`` has changed by more than a tenth since, as
        long as that is cheap (small corpora; a large index keeps them until
        its next fit)."""
        store = self.stores[side]
        changed = self.changes.get((side, against), 0)
        if changed:
            n_other = len(self.stores[against].row_of)
            cost = len(store.ids) * min(n_other, self.config.hub_sample)
            if changed > max(10, n_other // 10) and cost <= HUB_REFRESH_BUDGET:
                self.refresh(side, against)
        values = store.hub.get(against)
        if values is None:  # no row measured yet
            values = store.hub[against] = np.zeros(len(store.ids), dtype=np.float32)
        return values
