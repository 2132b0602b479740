"""The matching engine: documents in, ranked ids with scores and reasons out.

Offers and profiles share one vocabulary and one IDF (computed over both
corpora).  A document is analysed by :class:`~matchmaker.matching.text.Analyzer`
into weighted units (tokens, dictionary phrases) that expand into features in
three blocks: words (stems, compound parts, dictionary translations), word
bigrams and character n-grams inside word bounds.  Term weights are
``log1p(field-weighted tf) * idf``; each block is L2-normalised and weighted,
then the row is L2-normalised, so a score is a weighted sum of per-block
cosines.  Ranking is one sparse matrix-vector product and ``argpartition``.

Updates after :meth:`Matcher.fit` never refit: a new or changed document is
transformed with the fitted IDF (unseen features are appended to the
vocabulary with the IDF of a document frequency of one) and lands in an
append buffer; the old row is tombstoned.  The buffer is folded into the
main CSR matrix when it grows past ``MatcherConfig.buffer_limit`` rows.

Usage::

    m = Matcher().fit(offers, profiles)
    m.rank_id(profile_id, "profiles", k=10, allowed={...offer ids...})
    m.rank(Document(id=None, title="Automatisierungstechnik"), "offers")
    m.upsert("offers", Document(...)); m.remove("offers", offer_id)
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp

from .bridge import Bridge, default_bridge
from .text import Analyzer

log = logging.getLogger("matchmaker.matching")

Side = Literal["offers", "profiles"]
SIDES: tuple[Side, Side] = ("offers", "profiles")
_BLOCKS = {"w": 0, "b": 1, "c": 2}


@dataclass
class Document:
    """What the matcher sees of a profile or an offer.

    ``title``: headline of a profile or title of an offer; ``skills``: one
    string per skill; ``text``: free text (about / description); ``lang``:
    "de", "en" or None (guessed from stop words)."""

    id: Hashable
    title: str = ""
    skills: Sequence[str] = ()
    text: str = ""
    lang: str | None = None


@dataclass
class Reason:
    """One shared term behind a score: the query-side word, the
    candidate-side word, and the share of the score they carry (0..1)."""

    query_term: str
    candidate_term: str
    share: float

    def as_dict(self) -> dict:
        return {"query_term": self.query_term, "candidate_term": self.candidate_term, "share": self.share}


@dataclass
class Match:
    id: Hashable
    score: float
    reasons: list[Reason] = field(default_factory=list)

    @property
    def label(self) -> str:
        return fit_label(self.score)


@dataclass(frozen=True)
class MatcherConfig:
    """Weights of the method.  One set of defaults for every corpus; the
    variants tried on the dev sets are listed in docs/matcher.md."""

    title_weight: float = 3.0
    skills_weight: float = 2.0
    text_weight: float = 1.0
    # block weights (relative share of words / bigrams / char n-grams)
    word_weight: float = 1.0
    bigram_weight: float = 0.3
    char_weight: float = 0.5
    char_ngram_range: tuple[int, int] = (3, 5)
    char_fields: tuple[str, ...] = ("title", "skills", "text")
    # dictionary bridge
    bridge_weight: float = 0.5
    max_translations: int = 4
    translation_split: float = 0.5  # each of n translations gets weight / n**split
    phrase_weight: float = 1.0
    phrase_max_words: int = 3
    split_compounds: bool = True
    compound_weight: float = 0.5
    # explanations
    n_reasons: int = 5
    # incremental updates
    buffer_limit: int = 2000


# Provisional thresholds, not yet calibrated against the dev sets' score
# distribution (see docs/matcher.md, "Not done").
VERY_GOOD = 0.30
GOOD = 0.15


def fit_label(score: float) -> str:
    """"very_good", "good" or "partial" for a matcher score."""
    if score >= VERY_GOOD:
        return "very_good"
    if score >= GOOD:
        return "good"
    return "partial"


class _Store:
    """Documents of one side.  Fitted rows live in an inverted index (the
    transposed CSR matrix, features x documents), so a query touches only the
    posting lists of its own features; rows added later sit in a small append
    buffer until :meth:`compact` folds them in."""

    def __init__(self):
        self.ids: list[Hashable] = []
        self.row_of: dict[Hashable, int] = {}
        self.alive = np.zeros(0, dtype=bool)
        self.index = sp.csr_matrix((0, 0))  # features x documents
        self.rows = sp.csr_matrix((0, 0))  # documents x features (for query rows)
        self.buffer: list[sp.csr_matrix] = []
        self.docs: dict[Hashable, Document] = {}
        self._stacked: sp.csr_matrix | None = None

    def __len__(self):
        return len(self.row_of)

    @property
    def n_indexed(self) -> int:
        return self.index.shape[1]

    def set(self, docs: Sequence[Document], matrix: sp.csr_matrix):
        self.ids = [d.id for d in docs]
        self.row_of = {i: r for r, i in enumerate(self.ids)}
        if len(self.row_of) != len(self.ids):
            raise ValueError("duplicate document ids")
        self.alive = np.ones(len(self.ids), dtype=bool)
        self.index = matrix.T.tocsr()
        self.rows = matrix.tocsr()
        self.buffer = []
        self.docs = {d.id: d for d in docs}
        self._stacked = None

    def append(self, doc: Document, row: sp.csr_matrix):
        old = self.row_of.get(doc.id)
        if old is not None:
            self.alive[old] = False
        self.row_of[doc.id] = len(self.ids)
        self.ids.append(doc.id)
        self.alive = np.append(self.alive, True)
        self.buffer.append(row)
        self.docs[doc.id] = doc
        self._stacked = None

    def remove(self, doc_id) -> bool:
        r = self.row_of.pop(doc_id, None)
        if r is None:
            return False
        self.alive[r] = False
        self.docs.pop(doc_id, None)
        return True

    def _buffer(self, n_features: int) -> sp.csr_matrix:
        if self._stacked is None or self._stacked.shape[1] != n_features:
            for b in self.buffer:
                if b.shape[1] != n_features:
                    b.resize((1, n_features))
            self._stacked = (
                sp.vstack(self.buffer, format="csr") if self.buffer else sp.csr_matrix((0, n_features))
            )
        return self._stacked

    def scores(self, q: sp.csr_matrix) -> np.ndarray:
        """Dot products of a (1 x F) query row with every row (dead included)."""
        F = q.shape[1]
        out = np.zeros(len(self.ids))
        nb = self.n_indexed
        if nb and q.nnz:
            idx = q.indices[q.indices < self.index.shape[0]]
            data = q.data[q.indices < self.index.shape[0]]
            post = self.index[idx]  # only the posting lists of the query's features
            out[:nb] = post.T @ data
        if self.buffer:
            out[nb:] = self._buffer(F) @ q.toarray().ravel()
        return out

    def compact(self, n_features: int):
        """Fold the buffer into the index and drop dead rows (no refit)."""
        idx = self.index
        if idx.shape[0] != n_features:
            idx = idx.tocoo()
            idx = sp.csr_matrix((idx.data, (idx.row, idx.col)), shape=(n_features, idx.shape[1]))
        if self.buffer:
            idx = sp.hstack([idx, self._buffer(n_features).T], format="csr")
        self.index = idx[:, np.flatnonzero(self.alive)].tocsr()
        self.rows = self.index.T.tocsr()
        self.ids = [i for i, a in zip(self.ids, self.alive) if a]
        self.row_of = {i: r for r, i in enumerate(self.ids)}
        self.alive = np.ones(len(self.ids), dtype=bool)
        self.buffer = []
        self._stacked = None

    def row(self, doc_id, n_features: int) -> sp.csr_matrix:
        r = self.row_of[doc_id]
        nb = self.n_indexed
        q = self.rows[r] if r < nb else self._buffer(n_features)[r - nb]
        if q.shape[1] != n_features:
            q = q.copy()
            q.resize((1, n_features))
        return q

    def memory_bytes(self) -> int:
        m = sum(a.data.nbytes + a.indices.nbytes + a.indptr.nbytes for a in (self.index, self.rows))
        return m + sum(b.data.nbytes + b.indices.nbytes + b.indptr.nbytes for b in self.buffer)


class Matcher:
    """Ranks offers for a profile and profiles for an offer (see module doc)."""

    def __init__(self, config: MatcherConfig | None = None, bridge: Bridge | None = None):
        self.config = config or MatcherConfig()
        self.bridge = bridge if bridge is not None else default_bridge()
        self.analyzer = Analyzer(self.config, self.bridge)
        self._features: dict[str, int] = {}
        self._feature_block: list[int] = []
        self._block_arr = np.zeros(0, dtype=np.int8)
        self._units: dict = {}
        self._unit_feats: list[np.ndarray] = []
        self._unit_wts: list[np.ndarray] = []
        self.idf = np.zeros(0)
        self._n_fit = 0
        self._block_w = np.sqrt(
            np.array([self.config.word_weight, self.config.bigram_weight, self.config.char_weight], dtype=float)
        )
        self.stores: dict[str, _Store] = {s: _Store() for s in SIDES}
        self.fitted = False

    # -- vocabulary --------------------------------------------------------
    @property
    def n_features(self) -> int:
        return len(self._features)

    def _feature_id(self, name: str) -> int:
        fid = self._features.get(name)
        if fid is None:
            fid = self._features[name] = len(self._features)
            self._feature_block.append(_BLOCKS[name[0]])
        return fid

    def _unit_id(self, key) -> int:
        uid = self._units.get(key)
        if uid is None:
            exp = self.analyzer.expand(key)
            fid = self._feature_id
            self._unit_feats.append(np.fromiter((fid(k) for k in exp), dtype=np.int64, count=len(exp)))
            self._unit_wts.append(np.fromiter(exp.values(), dtype=np.float64, count=len(exp)))
            uid = self._units[key] = len(self._units)
        return uid

    # -- transform ---------------------------------------------------------
    def _counts(self, docs: Iterable[Document]) -> sp.csr_matrix:
        """Raw field-weighted feature counts, one row per document."""
        t_rows, t_cols, t_vals = [], [], []
        d_rows, d_cols, d_vals = [], [], []
        uid_of = self._unit_id
        fid_of = self._feature_id
        analyze = self.analyzer.analyze
        n = 0
        for r, doc in enumerate(docs):
            units, direct, _ = analyze(doc)
            t_cols.extend(uid_of(k) for k in units)
            t_vals.extend(units.values())
            t_rows.extend([r] * len(units))
            d_cols.extend(fid_of(k) for k in direct)
            d_vals.extend(direct.values())
            d_rows.extend([r] * len(direct))
            n = r + 1
        # local unit -> feature matrix over the units these documents use
        used, local = np.unique(np.asarray(t_cols, dtype=np.int64), return_inverse=True)
        feats = [self._unit_feats[u] for u in used]
        wts = [self._unit_wts[u] for u in used]
        lens = np.fromiter((len(f) for f in feats), dtype=np.int64, count=len(feats))
        F = self.n_features
        M = sp.csr_matrix(
            (
                np.concatenate(wts) if wts else np.zeros(0),
                np.concatenate(feats) if feats else np.zeros(0, dtype=np.int64),
                np.concatenate([[0], np.cumsum(lens)]),
            ),
            shape=(len(used), F),
        )
        T = sp.csr_matrix((np.asarray(t_vals, dtype=float), (np.asarray(t_rows, dtype=np.int64), local)), shape=(n, len(used)))
        B = sp.csr_matrix(
            (np.asarray(d_vals, dtype=float), (np.asarray(d_rows, dtype=np.int64), np.asarray(d_cols, dtype=np.int64))),
            shape=(n, F),
        )
        D = (T @ M + B).tocsr()
        D.sum_duplicates()
        D.eliminate_zeros()
        return D

    def _weight(self, D: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear TF x IDF, per-block L2 norm x block weight, row L2 norm."""
        D = D.copy()
        n = D.shape[0]
        if len(self.idf) < D.shape[1]:
            new_idf = np.log((1 + self._n_fit) / 2.0) + 1.0
            self.idf = np.concatenate([self.idf, np.full(D.shape[1] - len(self.idf), new_idf)])
        D.data = np.log1p(D.data) * self.idf[D.indices]
        if len(self._block_arr) != len(self._feature_block):
            self._block_arr = np.asarray(self._feature_block, dtype=np.int8)
        blk = self._block_arr[D.indices].astype(np.int64)
        rows = np.repeat(np.arange(n), np.diff(D.indptr))
        sq = np.bincount(rows * 3 + blk, weights=D.data**2, minlength=n * 3).reshape(n, 3)
        norms = np.sqrt(sq)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(norms > 0, self._block_w / norms, 0.0)
        D.data *= scale[rows, blk]
        tot = np.sqrt(np.bincount(rows, weights=D.data**2, minlength=n))
        with np.errstate(divide="ignore", invalid="ignore"):
            D.data /= np.where(tot > 0, tot, 1.0)[rows]
        return D

    def transform(self, docs: Sequence[Document]) -> sp.csr_matrix:
        """Weighted, normalised rows for documents (no state change but an
        extended vocabulary for unseen features)."""
        D = self._counts(docs)
        return self._weight(D)

    # -- lifecycle ---------------------------------------------------------
    def fit(self, offers: Sequence[Document], profiles: Sequence[Document]) -> "Matcher":
        """Build the shared vocabulary and IDF over both corpora and index them."""
        offers, profiles = list(offers), list(profiles)
        D = self._counts(offers + profiles)
        N = D.shape[0]
        df = np.bincount(D.indices, minlength=D.shape[1])
        self._n_fit = N
        self.idf = np.log((1 + N) / (1 + df)) + 1.0
        W = self._weight(D)
        self.stores["offers"].set(offers, W[: len(offers)])
        self.stores["profiles"].set(profiles, W[len(offers) :])
        self.fitted = True
        return self

    def upsert(self, side: Side, doc: Document) -> None:
        """Add or replace one document without refitting."""
        row = self.transform([doc])
        store = self.stores[side]
        store.append(doc, row)
        if len(store.buffer) > self.config.buffer_limit:
            store.compact(self.n_features)

    def remove(self, side: Side, doc_id) -> None:
        self.stores[side].remove(doc_id)

    def __contains__(self, item) -> bool:
        side, doc_id = item
        return doc_id in self.stores[side].row_of

    def ids(self, side: Side) -> list:
        """Ids of the live documents of a side."""
        return list(self.stores[side].row_of)

    # -- ranking -----------------------------------------------------------
    def _mask(self, store: _Store, allowed) -> np.ndarray:
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

    def _rank_vector(self, q: sp.csr_matrix, side: Side, k: int | None, allowed) -> list[tuple[Hashable, float]]:
        store = self.stores[side]
        if not store.ids or q.nnz == 0:
            return []
        scores = store.scores(q)
        mask = self._mask(store, allowed)
        scores[~mask] = -np.inf
        scores[scores <= 0] = -np.inf
        n_pos = int(np.isfinite(scores).sum())
        if k is None or k >= n_pos:
            top = np.flatnonzero(np.isfinite(scores))
        else:
            top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        ids = store.ids
        return [(ids[r], float(scores[r])) for r in top]

    def rank(
        self,
        query: Document,
        side: Side,
        k: int | None = 10,
        allowed: Callable[[Hashable], bool] | set | np.ndarray | None = None,
        explain: bool = True,
    ) -> list[Match]:
        """Rank the documents of ``side`` for a query document (which is not
        stored).  ``allowed`` (ids, predicate, or boolean mask aligned with
        :meth:`ids`) excludes candidates before the top-k selection.
        ``k=None`` ranks every candidate with a positive score."""
        q = self.transform([query])
        hits = self._rank_vector(q, side, k, allowed)
        return self._matches(query, q, side, hits, explain)

    def rank_id(
        self,
        query_id,
        query_side: Side,
        k: int | None = 10,
        allowed: Callable[[Hashable], bool] | set | np.ndarray | None = None,
        explain: bool = True,
    ) -> list[Match]:
        """Rank the other side for a stored document: a profile id with
        ``query_side="profiles"`` ranks offers, and vice versa."""
        store = self.stores[query_side]
        doc = store.docs[query_id]
        q = store.row(query_id, self.n_features)
        side: Side = "offers" if query_side == "profiles" else "profiles"
        hits = self._rank_vector(q, side, k, allowed)
        return self._matches(doc, q, side, hits, explain)

    def _matches(self, query: Document, q, side: Side, hits, explain: bool) -> list[Match]:
        if not explain:
            return [Match(i, s) for i, s in hits]
        store = self.stores[side]
        qprov = self._provenance(query)
        out = []
        for i, s in hits:
            c = self.transform([store.docs[i]])
            out.append(Match(i, s, self._reasons(q, qprov, c, self._provenance(store.docs[i]), s)))
        return out

    # -- explanations ------------------------------------------------------
    def _provenance(self, doc: Document) -> dict[int, str]:
        """Feature id -> the word of ``doc`` that contributes most to it."""
        units, direct, _, prov = self.analyzer.analyze(doc, provenance=True)
        best: dict[int, tuple[float, str]] = {}
        for key, w in units.items():
            uid = self._units.get(key)
            if uid is None:
                continue
            surface = prov[key]
            for f, x in zip(self._unit_feats[uid].tolist(), self._unit_wts[uid].tolist()):
                v = w * x
                cur = best.get(f)
                if cur is None or v > cur[0]:
                    best[f] = (v, surface)
        for key, w in direct.items():
            f = self._features.get(key)
            if f is not None:
                cur = best.get(f)
                if cur is None or w > cur[0]:
                    best[f] = (w, prov[key])
        return {f: s for f, (_, s) in best.items()}

    def _reasons(self, q, qprov, c, cprov, score: float) -> list[Reason]:
        q = q.tocsr()
        c = c.tocsr()
        common, qi, ci = np.intersect1d(q.indices, c.indices, return_indices=True)
        if len(common) == 0 or score <= 0:
            return []
        prod = q.data[qi] * c.data[ci]
        pairs: dict[tuple[str, str], float] = {}
        for f, p in zip(common.tolist(), prod.tolist()):
            a, b = qprov.get(f), cprov.get(f)
            if a is None or b is None:
                continue
            pairs[(a, b)] = pairs.get((a, b), 0.0) + p
        # merge pairs that name the same words with different case
        merged: dict[tuple[str, str], float] = {}
        for (a, b), p in pairs.items():
            key = (a.casefold(), b.casefold())
            merged[key] = merged.get(key, 0.0) + p
        names = {}
        for (a, b) in sorted(pairs, key=pairs.get, reverse=True):
            names.setdefault((a.casefold(), b.casefold()), (a, b))
        top = sorted(merged.items(), key=lambda kv: kv[1], reverse=True)[: self.config.n_reasons]
        return [Reason(*names[key], share=round(p / score, 3)) for key, p in top if p / score >= 0.01]

    def explain(self, query: Document, candidate: Document) -> tuple[float, list[Reason]]:
        """Score and reasons for one pair of documents (stored or not)."""
        q, c = self.transform([query]), self.transform([candidate])
        score = float((q @ c.T).toarray()[0, 0])
        return score, self._reasons(q, self._provenance(query), c, self._provenance(candidate), score)
