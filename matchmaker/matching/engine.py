"""The matching engine: documents in, ranked ids with scores and reasons out.

:class:`Matcher` is a small façade over collaborators, one job each:

- documents.py — :class:`Document`, :class:`Reason`, :class:`Match`, fit labels;
- config.py — :class:`MatcherConfig`, the weights;
- sides.py — the pairing table: which side is matched against which;
- vectorise.py — analysis, expansion, term weighting and IDF (the vocabulary);
- store.py — one side's rows: inverted index, append buffer, tombstones;
- hubness.py — the hub values (CSLS), per pair of sides;
- ranking.py — scores, hub correction, filter and top-k;
- reasons.py — the words behind the features, and reasons;
- workers.py — the forked processes of a large fit.

Sides are named corpora registered through the pairing (by default offers
and profiles, matched against each other); every side shares one vocabulary
and one IDF, fitted over all of them.  Ranking is one sparse matrix-vector
product through the candidate side's inverted index and ``argpartition``;
a batch of stored queries is one multi-threaded sparse top-n product.

Updates after :meth:`Matcher.fit` never refit: a new or changed document is
transformed with the fitted IDF (unseen features are appended to the
vocabulary with the IDF of a document frequency of one) and lands in an
append buffer; the old row is tombstoned.  The buffer is folded into the
main CSR matrix when it grows past ``MatcherConfig.buffer_limit`` rows.

Threads: a Matcher may be shared by the threads of a process.  Its state
(vocabulary, units, IDF, stores, hub values, caches) is guarded by one lock,
held only for the numeric part of a call; the text analysis of a document
(the part that grows with its length: tokens, lemmas, compound splits,
dictionary and thesaurus look-ups) runs before it, outside the lock, and only
reads the vocabulary.  :meth:`Matcher.analyse` is that part on its own, and
:meth:`Matcher.upsert_analysed` applies its result, so a caller can analyse
many documents without holding up the others' queries.  An upsert or a
removal is applied whole under the lock: a query never sees half of one.

Usage::

    m = Matcher().fit(offers, profiles)
    m.rank_id(profile_id, "profiles", k=10, allowed={...offer ids...})
    m.rank(Document(id=None, title="Automatisierungstechnik"), "offers")
    m.upsert("offers", Document(...)); m.remove("offers", offer_id)

    # a third side is a registration:
    m = Matcher(pairs=[("offers", "profiles"), ("offers", "units")])
    m.fit_sides({"offers": offers, "profiles": profiles, "units": units})
    m.rank_id(unit_id, "units", side="offers")
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from . import workers
from .bridge import Bridge, default_bridge
from .config import MatcherConfig
from .documents import Analysed, Document, Match, Reason, fit_labels, label_fits
from .hubness import HubValues
from .ranking import RowMask, allowed_mask, top, top_batch
from .reasons import Explainer, dot
from .sides import OFFERS_PROFILES, Pairing
from .store import Store
from .text import Analyzer
from .thesaurus import Thesaurus, default_thesaurus
from .vectorise import Vectoriser

__all__ = ["Analysed", "Document", "Match", "Matcher", "MatcherConfig", "OFFERS_PROFILES", "Pairing",
           "Reason", "fit_labels", "label_fits"]

log = logging.getLogger("matchmaker.matching")

Allowed = Callable[[Hashable], bool] | set | np.ndarray | RowMask | None


class Matcher:
    """Ranks the documents of a side for a document of a side paired with it (see module doc)."""

    def __init__(
        self,
        config: MatcherConfig | None = None,
        bridge: Bridge | None = None,
        thesaurus: Thesaurus | None = None,
        thesaurus_en: Thesaurus | None = None,
        pairs: Iterable[tuple[str, str]] = OFFERS_PROFILES,
    ):
        self.config = config or MatcherConfig()
        self.bridge = bridge if bridge is not None else default_bridge()
        if thesaurus is None and self.config.synonym_weight > 0:
            thesaurus = default_thesaurus("de")
        if thesaurus_en is None and self.config.synonym_weight_en > 0:
            thesaurus_en = default_thesaurus("en")
        # guards the state of every collaborator below (see the module docstring)
        self._lock = threading.RLock()
        self.vectoriser = Vectoriser(self.config, Analyzer(self.config, self.bridge, thesaurus, thesaurus_en))
        self.pairing = Pairing(pairs)
        self.stores: dict[str, Store] = {side: Store() for side in self.pairing.sides}
        self.hubs = HubValues(self.config, self.stores, self.pairing, self.vectoriser)
        self.explainer = Explainer(self.config, self.vectoriser, self.stores, self._lock)

    @property
    def analyzer(self) -> Analyzer:
        return self.vectoriser.analyzer

    @property
    def n_features(self) -> int:
        return self.vectoriser.n_features

    @property
    def fitted(self) -> bool:
        return self.vectoriser.fitted

    # -- lifecycle ---------------------------------------------------------
    def fit(self, offers: Sequence[Document], profiles: Sequence[Document]) -> "Matcher":
        """Build the shared vocabulary and IDF over offers and profiles and index them."""
        return self.fit_sides({"offers": offers, "profiles": profiles})

    def fit_sides(self, corpora: Mapping[str, Sequence[Document]]) -> "Matcher":
        """Build the shared vocabulary and IDF over the documents of every
        registered side (a side left out is empty) and index them."""
        unknown = set(corpora) - set(self.pairing.sides)
        if unknown:
            raise ValueError(f"sides not registered: {', '.join(sorted(unknown))}")
        docs = {side: list(corpora.get(side, ())) for side in self.pairing.sides}
        with self._lock:
            W = self.vectoriser.fit([d for side in self.pairing.sides for d in docs[side]])
            a = 0
            for side in self.pairing.sides:
                self.stores[side].set(docs[side], W[a : a + len(docs[side])])
                a += len(docs[side])
            self.explainer.clear()
            self.hubs.reset()
            cfg = self.config
            self.hubs.refresh_all(cfg.workers if W.shape[0] >= 2 * workers.HUB_CHUNK else 1)
        return self

    def analyse(self, doc: Document) -> Analysed:
        """The text analysis of a document (no lock, no state changed); see
        :meth:`upsert_analysed`."""
        return self.vectoriser.analyse(doc)

    def transform(self, docs: Sequence[Document]) -> sp.csr_matrix:
        """Weighted, normalised rows for documents (no state change but an
        extended vocabulary for unseen features)."""
        analysed = [self.analyse(d) for d in docs]
        with self._lock:
            return self.vectoriser.transform(analysed)

    def upsert(self, side: str, doc: Document) -> None:
        """Add or replace one document without refitting."""
        self.upsert_analysed(side, self.analyse(doc))

    def upsert_analysed(self, side: str, analysed: Analysed) -> None:
        """:meth:`upsert` of a document analysed before (:meth:`analyse`,
        outside the lock); only this part holds the lock."""
        doc = analysed.doc
        with self._lock:
            row = self.vectoriser.transform([analysed])
            row.eliminate_zeros()
            store = self.stores[side]
            store.append(doc, row, self.hubs.of_row(row, side))
            self.hubs.changed(side)
            self.explainer.forget(side, doc.id)
            if len(store.buffer) > self.config.buffer_limit:
                store.compact(self.n_features)

    def remove(self, side: str, doc_id) -> None:
        with self._lock:
            if self.stores[side].remove(doc_id):
                self.hubs.changed(side)
            self.explainer.forget(side, doc_id)

    def __contains__(self, item) -> bool:
        side, doc_id = item
        with self._lock:
            return doc_id in self.stores[side].row_of

    def ids(self, side: str) -> list:
        """Ids of the live documents of a side."""
        with self._lock:
            return list(self.stores[side].row_of)

    def row_mask(self, side: str, allowed: Allowed) -> RowMask:
        """``allowed`` (ids, a predicate or a mask) as the rows of ``side`` it allows, for ranking the
        same candidates several times (a search ranks the words typed and their translations, each
        both ways): pass it as ``allowed`` to :meth:`rank` and the others."""
        with self._lock:
            return RowMask(allowed_mask(self.stores[side], allowed))

    # -- ranking -----------------------------------------------------------
    def _top(self, q: sp.csr_matrix, side: str, query_side: str, k: int | None, allowed,
             min_score: float | None = None) -> list[tuple[Hashable, float]]:
        return top(self.stores[side], q, lambda: self.hubs.current(side, query_side), self.config.hub_weight, k, allowed,
                   min_score)

    def rank(self, query: Document, side: str, k: int | None = 10, allowed: Allowed = None, explain: bool = True,
             query_side: str | None = None, min_score: float | None = None) -> list[Match]:
        """Rank the documents of ``side`` for a query document (which is not
        stored) of ``query_side`` (needed only when ``side`` is paired with
        more than one side).  ``allowed`` (ids, predicate, or boolean mask
        aligned with :meth:`ids`) excludes candidates before the top-k
        selection.  ``k=None`` ranks every candidate with a positive score.
        With ``explain=False`` no reasons are computed (cheaper); the caller
        can get them later for the results it shows with :meth:`reasons`.
        ``min_score`` leaves out the candidates scoring below it before the
        top-k selection (with ``k=None``: the same as cutting the list after,
        without making a Match for each candidate cut)."""
        query_side = self.pairing.partner(side, query_side)
        analysed = self.analyse(query)
        words = self.analyzer.analyze(query, provenance=True) if explain else None
        with self._lock:
            q = self.vectoriser.transform([analysed])
            hits = self._top(q, side, query_side, k, allowed, min_score)
            if not explain:
                return [Match(i, s) for i, s in hits]
            qprov = self.explainer.words(query, analysed=words)
        return self._matches(q, qprov, side, hits)

    def rank_scores(self, query: Document, side: str, k: int | None = 10, allowed: Allowed = None,
                    query_side: str | None = None, min_score: float | None = None) -> list[tuple[Hashable, float]]:
        """:meth:`rank` without reasons, as (id, score) pairs, best first: no :class:`Match` is made,
        for a caller that looks at thousands of candidates to show a few."""
        query_side = self.pairing.partner(side, query_side)
        analysed = self.analyse(query)
        with self._lock:
            q = self.vectoriser.transform([analysed])
            return self._top(q, side, query_side, k, allowed, min_score)

    def rank_id(self, query_id, query_side: str, k: int | None = 10, allowed: Allowed = None, explain: bool = True,
                side: str | None = None) -> list[Match]:
        """Rank ``side`` (by default the one side paired with ``query_side``)
        for a stored document: a profile id with ``query_side="profiles"``
        ranks offers, and vice versa."""
        side = self.pairing.partner(query_side, side)
        pre = self.explainer.analyse_stored(query_side, [query_id]) if explain else None
        with self._lock:
            q = self.stores[query_side].row(query_id, self.n_features)
            hits = self._top(q, side, query_side, k, allowed)
            if not explain:
                return [Match(i, s) for i, s in hits]
            qprov = self.explainer.stored_words(query_side, query_id, pre)
        return self._matches(q, qprov, side, hits)

    def rank_batch(self, query_ids: Sequence, query_side: str, k: int = 10, side: str | None = None,
                   threads: int | None = None) -> list[list[tuple[Hashable, float]]]:
        """Top-k (id, score) lists for many stored documents at once, the
        same as :meth:`rank_id` one by one (no reasons, no filters): a
        multi-threaded sparse top-n product on ``threads`` threads (by
        default one per cpu), see :func:`ranking.top_batch`."""
        side = self.pairing.partner(query_side, side)
        with self._lock:
            w = self.config.hub_weight
            hub = self.hubs.current(side, query_side).astype(np.float32) * np.float32(w) if w else None
            threads = threads if threads is not None else (os.cpu_count() or 1)
            return top_batch(self.stores[query_side], query_ids, self.stores[side], hub, self.n_features, k, threads)

    def _matches(self, q, qprov, side: str, hits) -> list[Match]:
        """Matches with reasons for ranked hits.  The words of candidates
        not in the cache are worked out first, outside the lock; a hit
        removed in between keeps its score and gets no reasons."""
        ex = self.explainer
        pre = ex.analyse_stored(side, [i for i, _ in hits])
        with self._lock:
            store = self.stores[side]
            F = self.n_features
            return [
                Match(i, s, ex.reasons(q, qprov, store.row(i, F), ex.stored_words(side, i, pre), s))
                if i in store.row_of
                else Match(i, s)
                for i, s in hits
            ]

    # -- explanations ------------------------------------------------------
    def reasons(self, query: Document | Hashable, side: str, candidate_ids: Iterable[Hashable],
                query_side: str | None = None, common: bool = False) -> dict[Hashable, list[Reason]]:
        """Reasons for chosen candidates of ``side`` (e.g. the 20 a page
        shows after ``rank(..., explain=False)``), from the stored rows.

        ``query`` is a :class:`Document` or the id of a stored document of
        ``query_side`` (by default the one side paired with ``side``: a
        profile id when ``side="offers"``).  Candidates that are not stored
        are left out.  The words behind a stored document's features are
        worked out once and cached per document (until it changes), so the
        call does not re-analyse the candidates; what has to be analysed is
        analysed outside the lock.  ``common`` also names words that almost
        every document has (for a search's highlights)."""
        candidate_ids = list(candidate_ids)
        other = self.pairing.partner(side, query_side)
        ex = self.explainer
        if isinstance(query, Document):
            prepared = ex.prepare_query(query, (other,))
        else:
            prepared = ex.analyse_stored(other, [query])
        pre = ex.analyse_stored(side, candidate_ids)
        with self._lock:
            F = self.n_features
            if isinstance(query, Document):
                q, qprov = ex.query_row(query, prepared)
            else:
                q, qprov = self.stores[other].row(query, F), ex.stored_words(other, query, prepared)
            store = self.stores[side]
            out: dict[Hashable, list[Reason]] = {}
            for cid in candidate_ids:
                if cid not in store.row_of:
                    continue
                out[cid] = ex.reasons(q, qprov, store.row(cid, F), ex.stored_words(side, cid, pre),
                                      keep_common=common)
            return out

    def explain(self, query: Document, candidate: Document) -> tuple[float, list[Reason]]:
        """Score and reasons for one pair of documents (stored or not).  A
        document that is stored unchanged is taken from the index (row and
        cached words), so only new or changed documents are analysed (outside
        the lock)."""
        ex = self.explainer
        prepared = [ex.prepare_query(doc, self.pairing.sides) for doc in (query, candidate)]
        with self._lock:
            q, qprov = ex.query_row(query, prepared[0])
            c, cprov = ex.query_row(candidate, prepared[1])
            score = dot(q, c)
            return score, ex.reasons(q, qprov, c, cprov)
