"""The matching engine: documents in, ranked ids with scores and reasons out.

Offers and profiles share one vocabulary and one IDF (computed over both
corpora).  A document is analysed by :class:`~matchmaker.matching.text.Analyzer`
into weighted units (tokens, dictionary phrases) that expand into features in
three blocks: words (stems, compound parts, dictionary translations,
thesaurus synonyms), word
bigrams and character n-grams inside word bounds.  Term weights are
``log1p(field-weighted tf) * idf``; each block is L2-normalised and weighted,
then the row is L2-normalised, so a score is a weighted sum of per-block
cosines.  Ranking is one sparse matrix-vector product and ``argpartition``.

Updates after :meth:`Matcher.fit` never refit: a new or changed document is
transformed with the fitted IDF (unseen features are appended to the
vocabulary with the IDF of a document frequency of one) and lands in an
append buffer; the old row is tombstoned.  The buffer is folded into the
main CSR matrix when it grows past ``MatcherConfig.buffer_limit`` rows.

Threads: a Matcher may be shared by the threads of a process.  Its state
(vocabulary, units, IDF, stores, caches) is guarded by one lock, held only
for the numeric part of a call; the text analysis of a document (the part
that grows with its length: tokens, lemmas, compound splits, dictionary and
thesaurus look-ups) runs before it, outside the lock, and only reads the
vocabulary.  :meth:`Matcher.analyse` is that part on its own, and
:meth:`Matcher.upsert_analysed` applies its result, so a caller can analyse
many documents without holding up the others' queries.  An upsert or a
removal is applied whole under the lock: a query never sees half of one.

Usage::

    m = Matcher().fit(offers, profiles)
    m.rank_id(profile_id, "profiles", k=10, allowed={...offer ids...})
    m.rank(Document(id=None, title="Automatisierungstechnik"), "offers")
    m.upsert("offers", Document(...)); m.remove("offers", offer_id)
"""
from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp

from .bridge import Bridge, default_bridge
from .text import Analyzer, char_ngram_count, fold
from .thesaurus import Thesaurus, default_thesaurus

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
class Analysed:
    """A document analysed by :meth:`Matcher.analyse` (outside the matcher's
    lock): its units and direct features, and for the units the vocabulary
    did not hold yet their features with the ids known at the time
    (expanding a unit is the costly part)."""

    doc: Document
    units: dict
    direct: dict
    expansions: dict


@dataclass
class Reason:
    """One shared term behind a score: the query-side word, the
    candidate-side word, and the share of the score they carry (0..1)."""

    query_term: str
    candidate_term: str
    share: float
    # Set where the reason is shown to a company: which field of the graduate's pseudonymous card
    # the query's word met ("skills", "field_of_study", "headline"); candidate_term is then empty.
    card_field: str | None = None

    def as_dict(self) -> dict:
        out = {"query_term": self.query_term, "candidate_term": self.candidate_term, "share": self.share}
        if self.card_field is not None:
            out["card_field"] = self.card_field
        return out


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
    bigram_fields: tuple[str, ...] = ("title", "skills", "text")
    # term frequency: "log" (1 + log tf) or "bm25" (saturation k1 and
    # length normalisation b against the mean document length)
    tf: str = "bm25"
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    # character n-grams found in more than this share of all documents are
    # dropped (they carry little weight and make every posting list long);
    # never in a small corpus (the cut needs more than char_max_df_min_docs)
    char_max_df: float = 0.1
    char_max_df_min_docs: int = 50
    # each stored row keeps only its heaviest features (0: all), then is
    # L2-normalised again
    max_row_features: int = 300
    # dictionary bridge
    bridge_weight: float = 0.5
    max_translations: int = 4
    translation_split: float = 0.5  # each of n translations gets weight / n**split
    phrase_weight: float = 1.0
    phrase_max_words: int = 3
    split_compounds: bool = True
    compound_weight: float = 0.7  # each modifier of a split compound
    compound_head_weight: float = 0.35  # its head (the last part)
    split_known_compounds: bool = True  # split words the dictionary knows too
    translation_decay: float = 0.7  # translation i of a term weighs decay**i
    roundtrip_weight: float = 0.3  # German -> English -> German synonyms
    derive_weight: float = 0.5  # verb behind a noun (Prüfung ~ prüfen, inspector ~ inspect)
    cross_lang_weight: float = 1.0  # a word of the other language in a document
    # hubness correction (CSLS): a candidate is ranked by its similarity to
    # the query minus hub_weight x the mean of its hub_k highest similarities
    # to the documents of the query's side, so that documents close to
    # everybody (long, generic texts) do not crowd out the specific fit.
    # Above hub_sample documents on the query's side, the mean is taken over
    # a fixed random sample of that many (with hub_k scaled to the sample).
    hub_weight: float = 0.5
    hub_k: int = 10
    hub_sample: int = 1000
    hub_seed: int = 0
    # German synonyms (OpenThesaurus): at most max_synonyms per term, the
    # smallest sets first; each weighs synonym_weight / (size of its set -
    # 1) ** synset_size_power (compound parts: times their part weight)
    synonym_weight: float = 0.2
    max_synonyms: int = 6
    max_synset_size: int = 0  # sets larger than this are ignored (0: none)
    synset_size_power: float = 0.5
    thesaurus_split: bool = True  # the thesaurus' words are compound parts too
    # English synonyms (MyThes/WordNet, the first sense of a word), weighted alike
    synonym_weight_en: float = 0.2
    # explanations
    n_reasons: int = 5
    # two different words linked by character n-grams alone are a reason
    # only when the n-grams they share cover this share of the shorter
    # word's (automation ~ Automatisierung, not Beimischung ~ Forschung)
    reason_char_cover: float = 0.4
    # incremental updates
    buffer_limit: int = 2000
    # documents analysed per chunk when fitting (bounds peak memory)
    chunk_size: int = 8192
    # processes (fork) that expand and weight the chunks of a large fit; the
    # result is the same as with 1
    workers: int = 1


# Calibrated on the dev sets' top-10 scores (docs/matcher.md, "Fit labels"):
# from VERY_GOOD at least half of the results are the right occupation; from
# GOOD lies the upper half of the right occupations' scores.
VERY_GOOD = 0.45
GOOD = 0.18


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
        # per row (dead included): how close the document is to the other
        # side at large (see MatcherConfig.hub_weight)
        self.hub = np.zeros(0, dtype=np.float32)

    def __len__(self):
        return len(self.row_of)

    @property
    def n_dead(self) -> int:
        return len(self.ids) - len(self.row_of)

    @property
    def n_indexed(self) -> int:
        return self.index.shape[1]

    def set(self, docs: Sequence[Document], matrix: sp.csr_matrix):
        self.ids = [d.id for d in docs]
        self.row_of = {i: r for r, i in enumerate(self.ids)}
        if len(self.row_of) != len(self.ids):
            raise ValueError("duplicate document ids")
        self.alive = np.ones(len(self.ids), dtype=bool)
        self.rows = matrix.tocsr().astype(np.float32)
        self.index = self.rows.T.tocsr()
        self.buffer = []
        self.docs = {d.id: d for d in docs}
        self._stacked = None
        self.hub = np.zeros(len(self.ids), dtype=np.float32)

    def append(self, doc: Document, row: sp.csr_matrix, hub: float = 0.0):
        old = self.row_of.get(doc.id)
        if old is not None:
            self.alive[old] = False
        self.row_of[doc.id] = len(self.ids)
        self.ids.append(doc.id)
        self.alive = np.append(self.alive, True)
        self.hub = np.append(self.hub, np.float32(hub))
        self.buffer.append(row)
        self.docs[doc.id] = doc

    def remove(self, doc_id) -> bool:
        r = self.row_of.pop(doc_id, None)
        if r is None:
            return False
        self.alive[r] = False
        self.docs.pop(doc_id, None)
        return True

    def _buffer(self, n_features: int) -> sp.csr_matrix:
        """The buffer rows as one CSR matrix.  Rows appended since the last
        call are stacked under the previous result (not all rows again)."""
        st = self._stacked
        done = 0 if st is None else st.shape[0]
        if done == len(self.buffer) and st is not None and st.shape[1] == n_features:
            return st
        new = self.buffer[done:]
        for b in new:
            if b.shape[1] != n_features:
                b.resize((1, n_features))
        if st is not None and st.shape[1] != n_features:
            st.resize((st.shape[0], n_features))  # more columns: indices stay valid
        parts = ([st] if st is not None and done else []) + new
        self._stacked = sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, n_features), dtype=np.float32)
        return self._stacked

    def scores(self, q: sp.csr_matrix) -> np.ndarray:
        """Dot products of a (1 x F) query row with every row (dead included)."""
        F = q.shape[1]
        out = np.zeros(len(self.ids), dtype=np.float64)
        nb = self.n_indexed
        if nb and q.nnz:
            sel = q.indices < self.index.shape[0]
            idx = q.indices[sel]
            data = q.data[sel]
            post = self.index[idx]  # only the posting lists of the query's features
            out[:nb] = post.T @ data
        if self.buffer:
            out[nb:] = (self._buffer(F) @ q.T).toarray().ravel()
        return out

    def scores_matrix(self, Q: sp.csr_matrix) -> np.ndarray:
        """Dense (queries x documents) scores for a block of query rows: one
        sparse x sparse product through the inverted index."""
        F = Q.shape[1]
        out = np.zeros((Q.shape[0], len(self.ids)), dtype=np.float32)
        nb = self.n_indexed
        if nb:
            idx = self.index
            if idx.shape[0] < F:
                Qc = Q[:, : idx.shape[0]]
            else:
                Qc = Q
                if idx.shape[0] > F:
                    Qc = Q.copy()
                    Qc.resize((Q.shape[0], idx.shape[0]))
            out[:, :nb] = (Qc @ idx).toarray()
        if self.buffer:
            out[:, nb:] = (Q @ self._buffer(F).T).toarray()
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
        self.hub = self.hub[self.alive]
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

    def __init__(
        self,
        config: MatcherConfig | None = None,
        bridge: Bridge | None = None,
        thesaurus: Thesaurus | None = None,
        thesaurus_en: Thesaurus | None = None,
    ):
        self.config = config or MatcherConfig()
        self.bridge = bridge if bridge is not None else default_bridge()
        if thesaurus is None and self.config.synonym_weight > 0:
            thesaurus = default_thesaurus("de")
        if thesaurus_en is None and self.config.synonym_weight_en > 0:
            thesaurus_en = default_thesaurus("en")
        self.analyzer = Analyzer(self.config, self.bridge, thesaurus, thesaurus_en)
        self._features: dict[str, int] = {}
        self._feature_block: list[int] = []
        self._block_arr = np.zeros(0, dtype=np.int8)
        self._units: dict = {}
        self._unit_feats: list[np.ndarray] = []
        self._unit_wts: list[np.ndarray] = []
        self.idf = np.zeros(0)
        self._n_fit = 0
        self._avg_len = 1.0
        self._block_w = np.sqrt(
            np.array([self.config.word_weight, self.config.bigram_weight, self.config.char_weight], dtype=float)
        )
        self.stores: dict[str, _Store] = {s: _Store() for s in SIDES}
        self._hub_refs: dict[str, tuple] = {}
        self._hub_changes: dict[str, int] = {s: 0 for s in SIDES}
        self._prov_cache: OrderedDict = OrderedDict()
        self.fitted = False
        # guards every attribute above (see the module docstring)
        self._lock = threading.RLock()

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

    def _add_features(self, names: list[str]) -> None:
        """Ids for new, distinct feature names, in their order (as
        ``_feature_id`` one after the other)."""
        n = len(self._features)
        self._features.update(zip(names, range(n, n + len(names))))
        self._feature_block.extend([_BLOCKS[k[0]] for k in names])

    def _expansion(self, key) -> tuple[list[str], list[float], list[int | None]]:
        """The features a unit expands into: names, weights, and the ids the
        vocabulary has for them now (None: not yet).  Reads the vocabulary
        only, so it may run outside the lock (ids, once given, stay)."""
        exp = self.analyzer.expand(key)
        names = list(exp)
        get = self._features.get
        return names, list(exp.values()), [get(k) for k in names]

    def _unit_id(self, key, exp: tuple | None = None) -> int:
        """The id of a unit; a new unit is expanded (``exp``: its
        :meth:`_expansion`, made before) and its new features get ids, in
        their order."""
        uid = self._units.get(key)
        if uid is None:
            if exp is None:
                e = self.analyzer.expand(key)
                fid = self._feature_id
                self._unit_feats.append(np.fromiter((fid(k) for k in e), dtype=np.int64, count=len(e)))
                self._unit_wts.append(np.fromiter(e.values(), dtype=np.float64, count=len(e)))
            else:
                names, wts, ids = exp
                if None in ids:
                    feats = self._features
                    # (some may have come in since the expansion was made)
                    self._add_features([k for k, i in zip(names, ids) if i is None and k not in feats])
                    ids = [i if i is not None else feats[k] for k, i in zip(names, ids)]
                self._unit_feats.append(np.asarray(ids, dtype=np.int64))
                self._unit_wts.append(np.asarray(wts, dtype=np.float64))
            uid = self._units[key] = len(self._units)
        return uid

    # -- transform ---------------------------------------------------------
    def _analyse(self, docs: Iterable[Document], workers: int = 1):
        """Per document: unit ids and counts, direct feature ids and counts,
        and the document length (field-weighted token count).  With
        ``workers`` > 1 and many documents, forked processes analyse chunks
        of documents; ids are still handed out in document order."""
        if workers > 1 and isinstance(docs, list) and len(docs) >= 2 * _ANALYSE_CHUNK:
            return self._analyse_forked(docs, workers)
        analyze = self.analyzer.analyze
        return self._number((units, direct, None) for units, direct, _ in map(analyze, docs))

    def _number(self, analysed: Iterable[tuple[dict, dict, dict | None]]):
        """:meth:`_analyse` of documents analysed before: per document its
        units, its direct features and the features of its units that
        were expanded before (or None)."""
        # Column ids and values are gathered in Python lists and turned into
        # arrays every ~260,000 entries (no list of every entry of a large
        # corpus).  Ids are handed out in the same order as one document
        # after the other: the units of a document, then its direct features.
        t_cols, t_vals, t_lens = [], [], []
        d_cols, d_vals, d_lens = [], [], []
        tc, tv, dc, dv = [], [], [], []
        lengths = []
        uid_of = self._unit_id
        fid_of = self._feature_id
        unit_get = self._units.get
        feat_get = self._features.get

        def flush():
            if tc:
                t_cols.append(np.asarray(tc, dtype=np.int64))
                t_vals.append(np.asarray(tv, dtype=np.float64))
                d_cols.append(np.asarray(dc, dtype=np.int64))
                d_vals.append(np.asarray(dv, dtype=np.float64))
                tc.clear(), tv.clear(), dc.clear(), dv.clear()

        for units, direct, expansions in analysed:
            cols = [unit_get(k) for k in units]
            if None in cols:  # new units get ids in document order
                keys = list(units)
                if expansions:
                    cols = [c if c is not None else uid_of(keys[j], expansions.get(keys[j])) for j, c in enumerate(cols)]
                else:
                    cols = [c if c is not None else uid_of(keys[j]) for j, c in enumerate(cols)]
            tc.extend(cols)
            vals = list(units.values())
            tv.extend(vals)
            t_lens.append(len(cols))
            cols = [feat_get(k) for k in direct]
            if None in cols:
                keys = list(direct)
                cols = [c if c is not None else fid_of(keys[j]) for j, c in enumerate(cols)]
            dc.extend(cols)
            dv.extend(direct.values())
            d_lens.append(len(cols))
            lengths.append(sum(v for k, v in zip(units, vals) if k[0] == "t"))
            if len(tc) > 1 << 18:
                flush()
        flush()
        return self._assemble(t_cols, t_vals, t_lens, d_cols, d_vals, d_lens, lengths)

    def _analyse_forked(self, docs: list[Document], workers: int):
        """:meth:`_analyse` over chunks of documents in forked processes.  A
        worker returns the keys of its chunk that it has not returned
        before (in order of first appearance, with the document where each
        first appears) and per document its own key numbers; here the keys
        new to the index get
        ids in the order one-document-after-the-other would give them (per
        document its units, then its direct features), so the result is
        the same as without workers."""
        import multiprocessing

        t_cols, t_vals, t_lens, d_cols, d_vals, d_lens, lengths = [], [], [], [], [], [], []
        uid_of, fid_of = self._unit_id, self._feature_id
        unit_get, feat_get = self._units.get, self._features.get
        bounds = [(a, min(a + _ANALYSE_CHUNK, len(docs))) for a in range(0, len(docs), _ANALYSE_CHUNK)]
        _FORK_STATE.update(an=self.analyzer, docs=docs)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                # per worker process: its key numbers -> unit / feature ids
                seen: dict[int, tuple[_Grow, _Grow]] = {}
                for pid, ukeys, ufirst, tc, tv, tl, dkeys, dfirst, dc, dv, dl, lens in pool.imap(_fork_analyse, bounds):
                    # The keys this worker returns for the first time, new
                    # to the index or not; a key it returned before got its
                    # id when that earlier chunk was merged (chunks are
                    # merged in order).  New keys get ids in document order.
                    ug = [unit_get(k) for k in ukeys]
                    dg = [feat_get(k) for k in dkeys]
                    if None in ug:
                        # a new unit adds the features it expands into:
                        # one key after the other, in document order
                        new = [(ufirst[j], 0, j) for j, g in enumerate(ug) if g is None]
                        new += [(dfirst[j], 1, j) for j, g in enumerate(dg) if g is None]
                        new.sort()
                        for _, kind, j in new:
                            if kind == 0:
                                ug[j] = uid_of(ukeys[j])
                            else:
                                dg[j] = fid_of(dkeys[j])
                    elif None in dg:
                        # only new direct features: they come in order of
                        # first appearance already, and get ids in one go
                        js = [j for j, g in enumerate(dg) if g is None]
                        n = self.n_features
                        self._add_features([dkeys[j] for j in js])
                        for i, j in enumerate(js):
                            dg[j] = n + i
                    um, dm = seen.setdefault(pid, (_Grow(), _Grow()))
                    um.extend(ug)
                    dm.extend(dg)
                    t_cols.append(um.take(tc))
                    d_cols.append(dm.take(dc))
                    t_vals.append(tv), d_vals.append(dv)
                    t_lens.extend(tl), d_lens.extend(dl), lengths.extend(lens)
        finally:
            _FORK_STATE.clear()
        return self._assemble(t_cols, t_vals, t_lens, d_cols, d_vals, d_lens, lengths)

    def _assemble(self, t_cols, t_vals, t_lens, d_cols, d_vals, d_lens, lengths):
        n = len(lengths)

        def csr(cols, vals, lens, width):
            indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.asarray(lens, dtype=np.int64), out=indptr[1:])
            M = sp.csr_matrix(
                (
                    np.concatenate(vals) if vals else np.zeros(0),
                    np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64),
                    indptr,
                ),
                shape=(n, width),
            )
            M.sort_indices()  # the keys of a document are distinct: no duplicates to sum
            return M

        T = csr(t_cols, t_vals, t_lens, len(self._units))
        B = csr(d_cols, d_vals, d_lens, self.n_features)
        return T, B, np.asarray(lengths, dtype=np.float64)

    def _expand(self, T: sp.csr_matrix, B: sp.csr_matrix, cut: bool = False, drop: np.ndarray | None = None) -> sp.csr_matrix:
        """Raw field-weighted feature counts: units expanded into features,
        plus the direct features.  With ``cut``, unit features whose fitted
        IDF is 0 are left out (``_weight`` would drop them anyway); so are
        the features marked in the boolean array ``drop``.  Leaving out
        features does not change the sums of the others."""
        T = T.tocsr()
        used = np.unique(T.indices)
        feats = [self._unit_feats[u] for u in used]
        wts = [self._unit_wts[u] for u in used]
        lens = np.fromiter((len(f) for f in feats), dtype=np.int64, count=len(feats))
        F = self.n_features
        f_all = np.concatenate(feats) if feats else np.zeros(0, dtype=np.int64)
        w_all = np.concatenate(wts) if wts else np.zeros(0)
        keep = None
        if cut and len(self.idf) and len(f_all):
            inside = f_all < len(self.idf)
            keep = ~inside
            keep[inside] = self.idf[f_all[inside]] != 0
        if drop is not None and len(f_all):
            keep = ~drop[f_all] if keep is None else keep & ~drop[f_all]
        if keep is not None and not keep.all():
            lens = np.bincount(np.repeat(np.arange(len(used)), lens)[keep], minlength=len(used))
            f_all, w_all = f_all[keep], w_all[keep]
        M = sp.csr_matrix(
            (
                w_all,
                f_all,
                np.concatenate([[0], np.cumsum(lens)]),
            ),
            shape=(len(used), F),
        )
        local = np.zeros(max(len(self._units), 1), dtype=np.int64)
        local[used] = np.arange(len(used))
        Tl = sp.csr_matrix((T.data, local[T.indices], T.indptr), shape=(T.shape[0], len(used)))
        if B.shape[1] != F:
            B = B.copy()
            B.resize((B.shape[0], F))
        D = (Tl @ M + B).tocsr()
        D.sum_duplicates()
        D.eliminate_zeros()
        return D

    def _weight(self, D: sp.csr_matrix, lengths: np.ndarray) -> sp.csr_matrix:
        """TF x IDF, per-block L2 norm x block weight, row L2 norm, then the
        row is cut to its heaviest features (``max_row_features``)."""
        cfg = self.config
        n = D.shape[0]
        if len(self.idf) < D.shape[1]:
            new_idf = np.log((1 + self._n_fit) / 2.0) + 1.0
            self.idf = np.concatenate([self.idf, np.full(D.shape[1] - len(self.idf), new_idf)])
        rows = np.repeat(np.arange(n), np.diff(D.indptr))
        # Features with an IDF of 0 (the cut character n-grams, about half of
        # the entries) would only carry zeros through the steps below: they
        # are dropped first.
        idf = self.idf[D.indices]
        keep = idf != 0
        if keep.all():
            D = D.copy()
        else:
            rows, idf = rows[keep], idf[keep]
            indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
            D = sp.csr_matrix((D.data[keep], D.indices[keep], indptr), shape=D.shape)
        if cfg.tf == "bm25":
            k1, b = cfg.bm25_k1, cfg.bm25_b
            norm = k1 * (1 - b + b * lengths / self._avg_len)
            tf = D.data
            D.data = tf * (k1 + 1) / (tf + norm[rows])
        else:
            D.data = 1.0 + np.log(D.data) if cfg.tf == "log1" else np.log1p(D.data)
        D.data *= idf
        if len(self._block_arr) != len(self._feature_block):
            # extended, not rebuilt: an upsert adds a few features at most
            self._block_arr = np.concatenate(
                [self._block_arr, np.asarray(self._feature_block[len(self._block_arr) :], dtype=np.int8)]
            )
        blk = self._block_arr[D.indices].astype(np.int64)
        sq = np.bincount(rows * 3 + blk, weights=D.data**2, minlength=n * 3).reshape(n, 3)
        norms = np.sqrt(sq)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(norms > 0, self._block_w / norms, 0.0)
        D.data *= scale[rows, blk]
        D = _prune_rows(D, cfg.max_row_features)
        rows = np.repeat(np.arange(n), np.diff(D.indptr))
        tot = np.sqrt(np.bincount(rows, weights=D.data**2, minlength=n))
        with np.errstate(divide="ignore", invalid="ignore"):
            D.data /= np.where(tot > 0, tot, 1.0)[rows]
        D.data = D.data.astype(np.float32)
        return D

    def analyse(self, doc: Document) -> Analysed:
        """The text analysis of a document, the part of an upsert or a query
        whose cost grows with the text.  It takes no lock and changes no
        state of the matcher (only the analyser's caches); a unit that is
        not in the vocabulary yet is expanded here, so that
        :meth:`upsert_analysed` only numbers its features."""
        units, direct, _ = self.analyzer.analyze(doc)
        known, expansion = self._units, self._expansion
        # the vocabulary only grows: a unit known now is known later
        return Analysed(doc, units, direct, {k: expansion(k) for k in units if k not in known})

    def _transform(self, analysed: Sequence[Analysed]) -> sp.csr_matrix:
        """Rows of analysed documents (the lock is held)."""
        T, B, lengths = self._number((a.units, a.direct, a.expansions) for a in analysed)
        return self._weight(self._expand(T, B, cut=self.fitted), lengths)

    def transform(self, docs: Sequence[Document]) -> sp.csr_matrix:
        """Weighted, normalised rows for documents (no state change but an
        extended vocabulary for unseen features)."""
        analysed = [self.analyse(d) for d in docs]
        with self._lock:
            return self._transform(analysed)

    # -- lifecycle ---------------------------------------------------------
    def fit(self, offers: Sequence[Document], profiles: Sequence[Document]) -> "Matcher":
        """Build the shared vocabulary and IDF over both corpora and index them."""
        with self._lock:
            return self._fit(list(offers), list(profiles))

    def _fit(self, offers: list[Document], profiles: list[Document]) -> "Matcher":
        cfg = self.config
        T, B, lengths = self._analyse(offers + profiles, workers=cfg.workers)
        N = T.shape[0]
        step = max(1, cfg.chunk_size)
        # pass 1: document frequencies, pass 2: weights.  In one process the
        # expanded counts of a chunk are dropped after counting (memory stays
        # bounded) and expanded again for the weights; worker processes keep
        # the expanded counts of their chunks between the two passes.
        starts = list(range(0, N, step))
        sure = self._surely_cut(T, N)
        if cfg.workers > 1 and len(starts) > 1:
            with _PassWorkers(cfg.workers, self, T, B, lengths, step, starts, sure) as pw:
                self._set_idf(pw.df(), N, lengths, sure)
                parts = pw.rows()
        else:
            df = np.zeros(self.n_features, dtype=np.int64)
            chunks = []
            for a in starts:
                D = self._expand(T[a : a + step], B[a : a + step], drop=sure)
                df += np.bincount(D.indices, minlength=self.n_features)
                chunks.append(D if N <= step else None)
            self._set_idf(df, N, lengths, sure)
            parts = []
            for i, a in enumerate(starts):
                D = chunks[i] if chunks[i] is not None else self._expand(T[a : a + step], B[a : a + step], cut=True)
                parts.append(self._chunk_rows(D, lengths[a : a + step]))
        W = sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, self.n_features), dtype=np.float32)
        W.resize((N, self.n_features))
        self.stores["offers"].set(offers, W[: len(offers)])
        self.stores["profiles"].set(profiles, W[len(offers) :])
        self._prov_cache.clear()
        self._hub_refs = {}
        if cfg.workers > 1 and N >= 2 * _HUB_CHUNK:
            self._refresh_hubs_forked(cfg.workers)
        else:
            for side in SIDES:
                self._refresh_hubs(side)
        self.fitted = True
        return self

    def _char_cut_limit(self, N: int) -> float | None:
        """Character n-grams in more documents than this get IDF 0 (None: no cut)."""
        cfg = self.config
        if cfg.char_max_df < 1.0 and N:
            return max(cfg.char_max_df * N, cfg.char_max_df_min_docs)
        return None

    def _surely_cut(self, T: sp.csr_matrix, N: int) -> np.ndarray | None:
        """Character n-grams that are cut whatever the other units of the
        documents: one unit that has the n-gram already occurs in more
        documents than the limit (a document frequency of a feature is at
        least that of each unit it comes from).  They are left out of the
        first pass (about nine in ten of the cut entries), so it expands
        about half as many entries; their IDF is 0 as before."""
        limit = self._char_cut_limit(N)
        if limit is None or not self._unit_feats:
            return None
        unit_df = np.bincount(T.indices, minlength=len(self._units))  # T: one entry per unit and document
        lens = np.fromiter((len(f) for f in self._unit_feats), dtype=np.int64, count=len(self._unit_feats))
        lower = np.zeros(self.n_features, dtype=np.int64)
        np.maximum.at(lower, np.concatenate(self._unit_feats), np.repeat(unit_df, lens))
        return (np.asarray(self._feature_block, dtype=np.int8) == _BLOCKS["c"]) & (lower > limit)

    def _set_idf(self, df: np.ndarray, N: int, lengths: np.ndarray, sure: np.ndarray | None = None) -> None:
        """IDF from the document frequencies (``sure``: features known to
        be cut, whose ``df`` was not counted)."""
        self._n_fit = N
        self._avg_len = float(lengths.mean()) if N and lengths.mean() > 0 else 1.0
        self.idf = np.log((1 + N) / (1 + df)) + 1.0
        limit = self._char_cut_limit(N)
        if limit is not None:
            blk = np.asarray(self._feature_block, dtype=np.int8)
            cut = (blk == _BLOCKS["c"]) & (df > limit)
            self.idf[cut if sure is None else cut | sure] = 0.0
        self._block_arr = np.asarray(self._feature_block, dtype=np.int8)

    def _chunk_rows(self, D: sp.csr_matrix, lengths: np.ndarray) -> sp.csr_matrix:
        """Weighted rows of a chunk's expanded counts (with or without the
        features whose IDF is 0: ``_weight`` drops those first, so the
        rows are the same)."""
        W = self._weight(D, lengths)
        W.eliminate_zeros()
        return W

    def upsert(self, side: Side, doc: Document) -> None:
        """Add or replace one document without refitting."""
        self.upsert_analysed(side, self.analyse(doc))

    def upsert_analysed(self, side: Side, analysed: Analysed) -> None:
        """:meth:`upsert` of a document analysed before (:meth:`analyse`,
        outside the lock); only this part holds the lock."""
        doc = analysed.doc
        with self._lock:
            row = self._transform([analysed])
            row.eliminate_zeros()
            store = self.stores[side]
            store.append(doc, row, self._hub_values(row, _other(side))[0])
            self._hub_changes[_other(side)] += 1
            self._prov_cache.pop((side, doc.id), None)
            if len(store.buffer) > self.config.buffer_limit:
                store.compact(self.n_features)

    def remove(self, side: Side, doc_id) -> None:
        with self._lock:
            if self.stores[side].remove(doc_id):
                self._hub_changes[_other(side)] += 1
            self._prov_cache.pop((side, doc_id), None)

    # -- hubness -------------------------------------------------------------
    def _hub_reference(self, side: Side):
        """The documents of ``side`` against which a document of the other
        side measures how close it is to ``side`` at large: ``(None, k)``
        for all live documents (up to ``hub_sample`` of them), else a fixed
        random sample of the indexed ones as an inverted index and ``k``
        scaled to the sample (at least 1).  The sample is drawn once per
        fit."""
        cfg = self.config
        store = self.stores[side]
        n = len(store.row_of)
        if n <= cfg.hub_sample:
            return None, min(cfg.hub_k, n)
        ref = self._hub_refs.get(side)
        if ref is None:
            live = np.flatnonzero(store.alive)
            rng = np.random.default_rng(cfg.hub_seed)
            rows = np.sort(rng.choice(live, cfg.hub_sample, replace=False))
            k = max(1, round(cfg.hub_k * cfg.hub_sample / n))
            ref = self._hub_refs[side] = (self._all_rows(store)[rows].T.tocsr(), k)
        return ref

    def _all_rows(self, store: _Store) -> sp.csr_matrix:
        """Every row of a store (indexed, then buffered; dead included),
        as wide as the vocabulary."""
        F = self.n_features
        rows = store.rows
        if rows.shape[1] != F:
            rows = rows.copy()
            rows.resize((rows.shape[0], F))
        if store.buffer:
            rows = sp.vstack([rows, store._buffer(F)], format="csr")
        return rows

    def _hub_values(self, X: sp.csr_matrix, side: Side, chunk: int = 512) -> np.ndarray:
        """Per row of ``X`` (documents of the other side): the mean of its
        ``hub_k`` highest similarities to the documents of ``side``."""
        out = np.zeros(X.shape[0], dtype=np.float32)
        store = self.stores[side]
        if self.config.hub_weight == 0 or not len(store.row_of) or not X.shape[0]:
            return out
        sample, k = self._hub_reference(side)
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

    def _refresh_hubs(self, side: Side) -> None:
        """Compute the hub values of every document of ``side`` again."""
        store = self.stores[side]
        store.hub = self._hub_values(self._all_rows(store), _other(side))
        self._hub_changes[side] = 0

    def _refresh_hubs_forked(self, workers: int) -> None:
        """:meth:`_refresh_hubs` of both sides in forked processes, in chunks
        of rows (the same values: the samples are drawn here first)."""
        import multiprocessing

        for side in SIDES:
            self._hub_reference(side)
        tasks = [(side, a) for side in SIDES for a in range(0, len(self.stores[side].ids), _HUB_CHUNK)]
        _FORK_STATE.update(m=self, rows={side: self._all_rows(self.stores[side]) for side in SIDES})
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_fork_hubs, tasks)
        finally:
            _FORK_STATE.clear()
        for side in SIDES:
            mine = [v for (s, _), v in zip(tasks, parts) if s == side]
            self.stores[side].hub = np.concatenate(mine) if mine else np.zeros(0, dtype=np.float32)
            self._hub_changes[side] = 0

    def _hubs(self, side: Side) -> np.ndarray:
        """The hub values of ``side``, computed again first when the other
        side has changed by more than a tenth since, as long as that is
        cheap (small corpora; a large index keeps them until its next fit)."""
        store = self.stores[side]
        changed = self._hub_changes[side]
        if changed:
            n_other = len(self.stores[_other(side)].row_of)
            cost = len(store.ids) * min(n_other, self.config.hub_sample)
            if changed > max(10, n_other // 10) and cost <= _HUB_REFRESH_BUDGET:
                self._refresh_hubs(side)
        return store.hub

    def __contains__(self, item) -> bool:
        side, doc_id = item
        with self._lock:
            return doc_id in self.stores[side].row_of

    def ids(self, side: Side) -> list:
        """Ids of the live documents of a side."""
        with self._lock:
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
        sim = store.scores(q)
        # ordered by the similarity minus the candidate's hub value; only
        # candidates that share something with the query (similarity > 0)
        scores = sim - self.config.hub_weight * self._hubs(side) if self.config.hub_weight else sim.copy()
        if allowed is None and not store.n_dead:
            scores[sim <= 0] = -np.inf
        else:
            mask = self._mask(store, allowed)
            scores[~mask | (sim <= 0)] = -np.inf
        if k is None:
            top = np.flatnonzero(np.isfinite(scores))
        elif k < len(scores):
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.isfinite(scores[top])]
        else:
            top = np.flatnonzero(np.isfinite(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        ids = store.ids
        return [(ids[r], float(sim[r])) for r in top]

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
        ``k=None`` ranks every candidate with a positive score.  With
        ``explain=False`` no reasons are computed (cheaper); the caller can
        get them later for the results it shows with :meth:`reasons`."""
        analysed = self.analyse(query)
        words = self.analyzer.analyze(query, provenance=True) if explain else None
        with self._lock:
            q = self._transform([analysed])
            hits = self._rank_vector(q, side, k, allowed)
            if not explain:
                return [Match(i, s) for i, s in hits]
            qprov = self._provenance(query, analysed=words)
        return self._matches(q, qprov, side, hits)

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
        side: Side = "offers" if query_side == "profiles" else "profiles"
        pre = self._analyse_provenance(query_side, [query_id]) if explain else None
        with self._lock:
            store = self.stores[query_side]
            q = store.row(query_id, self.n_features)
            hits = self._rank_vector(q, side, k, allowed)
            if not explain:
                return [Match(i, s) for i, s in hits]
            qprov = self._stored_provenance(query_side, query_id, pre)
        return self._matches(q, qprov, side, hits)

    def rank_batch(self, query_ids: Sequence, query_side: Side, k: int = 10, chunk: int = 256) -> list[list[tuple[Hashable, float]]]:
        """Top-k (id, score) lists for many stored documents at once: one
        sparse product per chunk of queries, then a per-row ``argpartition``
        (no reasons, no filters)."""
        with self._lock:
            return self._rank_batch(query_ids, query_side, k, chunk)

    def _rank_batch(self, query_ids: Sequence, query_side: Side, k: int, chunk: int) -> list[list[tuple[Hashable, float]]]:
        store = self.stores[query_side]
        side: Side = "offers" if query_side == "profiles" else "profiles"
        target = self.stores[side]
        F = self.n_features
        out: list[list[tuple[Hashable, float]]] = []
        ids = target.ids
        w = self.config.hub_weight
        hub = self._hubs(side).astype(np.float32) * np.float32(w) if w else None
        for a in range(0, len(query_ids), chunk):
            Q = sp.vstack([store.row(i, F) for i in query_ids[a : a + chunk]], format="csr")
            S = target.scores_matrix(Q)
            S[:, ~target.alive] = 0
            kk = min(k, S.shape[1])
            if kk == 0:
                out.extend([] for _ in range(Q.shape[0]))
                continue
            K = S - hub if hub is not None else S.copy()  # the ranking key, as in rank_id
            K[S <= 0] = -np.inf
            top = np.argpartition(-K, kk - 1, axis=1)[:, :kk] if kk < S.shape[1] else np.tile(np.arange(S.shape[1]), (S.shape[0], 1))
            for r in range(S.shape[0]):
                t = top[r]
                t = t[np.argsort(-K[r, t], kind="stable")]
                out.append([(ids[j], float(S[r, j])) for j in t if S[r, j] > 0])
        return out

    def _matches(self, q, qprov, side: Side, hits) -> list[Match]:
        """Matches with reasons for ranked hits.  The words of candidates
        not in the cache are worked out first, outside the lock; a hit
        removed in between keeps its score and gets no reasons."""
        pre = self._analyse_provenance(side, [i for i, _ in hits])
        with self._lock:
            store = self.stores[side]
            F = self.n_features
            return [
                Match(i, s, self._reasons(q, qprov, store.row(i, F), self._stored_provenance(side, i, pre), s))
                if i in store.row_of
                else Match(i, s)
                for i, s in hits
            ]

    # -- explanations ------------------------------------------------------
    def reasons(self, query: Document | Hashable, side: Side, candidate_ids: Iterable[Hashable]) -> dict[Hashable, list[Reason]]:
        """Reasons for chosen candidates of ``side`` (e.g. the 20 a page
        shows after ``rank(..., explain=False)``), from the stored rows.

        ``query`` is a :class:`Document` or the id of a stored document of
        the other side (a profile id when ``side="offers"``).  Candidates
        that are not stored are left out.  The words behind a stored
        document's features are worked out once and cached per document
        (until it changes), so the call does not re-analyse the candidates;
        what has to be analysed is analysed outside the lock."""
        candidate_ids = list(candidate_ids)
        other: Side = "profiles" if side == "offers" else "offers"
        if isinstance(query, Document):
            prepared = self._prepare_query(query, (other,))
        else:
            prepared = self._analyse_provenance(other, [query])
        pre = self._analyse_provenance(side, candidate_ids)
        with self._lock:
            F = self.n_features
            if isinstance(query, Document):
                q, qprov = self._query_row(query, prepared)
            else:
                q, qprov = self.stores[other].row(query, F), self._stored_provenance(other, query, prepared)
            store = self.stores[side]
            out: dict[Hashable, list[Reason]] = {}
            for cid in candidate_ids:
                if cid not in store.row_of:
                    continue
                out[cid] = self._reasons(q, qprov, store.row(cid, F), self._stored_provenance(side, cid, pre))
            return out

    _PROV_CACHE_SIZE = 4096

    def _analyse_provenance(self, side: Side, doc_ids: Iterable[Hashable]) -> dict:
        """Outside the lock: for the stored documents of ``side`` among
        ``doc_ids`` whose words are not cached, ``id -> (document, its
        analysis with provenance)``, for :meth:`_stored_provenance`."""
        with self._lock:
            docs = self.stores[side].docs
            todo = [(i, docs[i]) for i in doc_ids if i in docs and (side, i) not in self._prov_cache]
        analyze = self.analyzer.analyze
        return {i: (doc, analyze(doc, provenance=True)) for i, doc in todo}

    def _prepare_query(self, doc: Document, sides: Sequence[Side] = SIDES):
        """Outside the lock: what :meth:`_query_row` needs of a query
        document, ``(side, analyses of its words)`` when it is stored
        unchanged on one of ``sides`` (its row is taken from there), else
        ``(None, (its analysis, its analysis with provenance))``."""
        with self._lock:
            side = next((s for s in sides if doc.id is not None and self.stores[s].docs.get(doc.id) == doc), None)
        if side is not None:
            return side, self._analyse_provenance(side, [doc.id])
        return None, (self.analyse(doc), self.analyzer.analyze(doc, provenance=True))

    def _query_row(self, doc: Document, prepared) -> tuple[sp.csr_matrix, dict[int, str]]:
        """The row and the words of a query document (the lock is held)."""
        side, got = prepared
        if side is not None:
            if self.stores[side].docs.get(doc.id) == doc:
                return self.stores[side].row(doc.id, self.n_features), self._stored_provenance(side, doc.id, got)
            # the stored document changed since it was looked at (rare): analysed here
            got = (self.analyse(doc), self.analyzer.analyze(doc, provenance=True))
        return self._transform([got[0]]), self._provenance(doc, analysed=got[1])

    def _stored_provenance(self, side: Side, doc_id, pre: dict | None = None) -> dict[int, str]:
        """Feature id -> word for a stored document (the lock is held),
        cached; ``pre``: analyses from :meth:`_analyse_provenance`, used
        when they are of the document stored now."""
        key = (side, doc_id)
        hit = self._prov_cache.get(key)
        if hit is not None:
            self._prov_cache.move_to_end(key)
            return hit
        store = self.stores[side]
        doc = store.docs[doc_id]
        row = store.row(doc_id, self.n_features)
        got = pre.get(doc_id) if pre else None
        prov = self._provenance(doc, set(row.indices.tolist()), got[1] if got is not None and got[0] is doc else None)
        self._prov_cache[key] = prov
        if len(self._prov_cache) > self._PROV_CACHE_SIZE:
            self._prov_cache.popitem(last=False)
        return prov

    def _provenance(self, doc: Document, only: set | None = None, analysed: tuple | None = None) -> dict[int, str]:
        """Feature id -> the word of ``doc`` that contributes most to it
        (restricted to the features in ``only`` when given); ``analysed``:
        ``analyzer.analyze(doc, provenance=True)`` done before."""
        units, direct, _, prov = analysed if analysed is not None else self.analyzer.analyze(doc, provenance=True)
        best: dict[int, tuple[float, str]] = {}
        for key, w in units.items():
            uid = self._units.get(key)
            if uid is None:
                continue
            surface = prov[key]
            for f, x in zip(self._unit_feats[uid].tolist(), self._unit_wts[uid].tolist()):
                if only is not None and f not in only:
                    continue
                v = w * x
                cur = best.get(f)
                if cur is None or v > cur[0]:
                    best[f] = (v, surface)
        for key, w in direct.items():
            f = self._features.get(key)
            if f is not None and (only is None or f in only):
                cur = best.get(f)
                if cur is None or w > cur[0]:
                    best[f] = (w, prov[key])
        return {f: s for f, (_, s) in best.items()}

    _REASON_FEATURES = 256  # the heaviest shared features looked at

    def _reasons(self, q, qprov, c, cprov, score: float | None = None) -> list[Reason]:
        """Reasons from two stored or transformed rows; ``score`` defaults to
        their dot product."""
        q = q.tocsr()
        c = c.tocsr()
        common, qi, ci = np.intersect1d(q.indices, c.indices, assume_unique=True, return_indices=True)
        prod = q.data[qi].astype(np.float64) * c.data[ci]
        if score is None:
            score = float(prod.sum())
        if len(common) == 0 or score <= 0:
            return []
        if len(common) > self._REASON_FEATURES:
            top = np.argpartition(-prod, self._REASON_FEATURES - 1)[: self._REASON_FEATURES]
            common, prod = common[top], prod[top]
        pairs: dict[tuple[str, str], float] = {}
        # pairs that name the same words with different case are merged
        merged: dict[tuple[str, str], float] = {}
        grams: dict[tuple[str, str], int] = {}  # shared char n-grams per merged pair
        solid: set[tuple[str, str]] = set()  # merged pairs that share a word or a bigram
        blocks, char = self._feature_block, _BLOCKS["c"]
        for f, p in zip(common.tolist(), prod.tolist()):
            a, b = qprov.get(f), cprov.get(f)
            if a is None or b is None:
                continue
            pairs[(a, b)] = pairs.get((a, b), 0.0) + p
            key = (a.casefold(), b.casefold())
            merged[key] = merged.get(key, 0.0) + p
            if blocks[f] == char:
                grams[key] = grams.get(key, 0) + 1
            else:
                solid.add(key)
        names = {}
        for (a, b) in sorted(pairs, key=pairs.get, reverse=True):
            names.setdefault((a.casefold(), b.casefold()), (a, b))
        lo, hi = self.config.char_ngram_range

        def linked(key) -> bool:
            if key in solid or key[0] == key[1]:
                return True
            shorter = min(fold(key[0]), fold(key[1]), key=len)
            return grams.get(key, 0) >= self.config.reason_char_cover * max(char_ngram_count(len(shorter), lo, hi), 1)

        top = sorted(((k, p) for k, p in merged.items() if linked(k)), key=lambda kv: kv[1], reverse=True)
        top = top[: self.config.n_reasons]
        return [Reason(*names[key], share=round(min(p / score, 1.0), 3)) for key, p in top if p / score >= 0.01]

    def explain(self, query: Document, candidate: Document) -> tuple[float, list[Reason]]:
        """Score and reasons for one pair of documents (stored or not).  A
        document that is stored unchanged is taken from the index (row and
        cached words), so only new or changed documents are analysed (outside
        the lock)."""
        prepared = [self._prepare_query(doc) for doc in (query, candidate)]
        with self._lock:
            q, qprov = self._query_row(query, prepared[0])
            c, cprov = self._query_row(candidate, prepared[1])
            score = _dot(q, c)
            return score, self._reasons(q, qprov, c, cprov)


_FORK_STATE: dict = {}


_ANALYSE_CHUNK = 2000  # documents per task when analysing in worker processes


def _fork_analyse(bounds):
    """Analyse docs[a:b] (see Matcher._analyse_forked).  A worker numbers
    the keys it meets once for its whole life (not per chunk) and returns
    only the keys it has not returned before, so each key crosses the pipe
    and is looked up in the index about once per worker, not once per
    chunk."""
    a, b = bounds
    st = _FORK_STATE
    pid = os.getpid()
    mine = st.get("keys")
    if mine is None or mine[0] != pid:
        mine = st["keys"] = (pid, {}, {})
    _, ukeys, dkeys = mine
    analyze = st["an"].analyze
    unew: list = []
    dnew: list = []
    ufirst, dfirst, tc, tv, tl, dc, dv, dl, lens = [], [], [], [], [], [], [], [], []
    for r, doc in enumerate(st["docs"][a:b]):
        units, direct, _ = analyze(doc)
        for keys, new, first, d, cols, vals, ls in (
            (ukeys, unew, ufirst, units, tc, tv, tl),
            (dkeys, dnew, dfirst, direct, dc, dv, dl),
        ):
            c = [keys.get(k) for k in d]
            if None in c:
                ks = list(d)
                for j, x in enumerate(c):
                    if x is None:
                        k = ks[j]
                        c[j] = keys[k] = len(keys)
                        new.append(k)
                        first.append(r)
            cols.extend(c)
            vals.extend(d.values())
            ls.append(len(c))
        lens.append(sum(v for k, v in units.items() if k[0] == "t"))
    return (
        pid, unew, ufirst, np.asarray(tc, dtype=np.int64), np.asarray(tv, dtype=np.float64), tl,
        dnew, dfirst, np.asarray(dc, dtype=np.int64), np.asarray(dv, dtype=np.float64), dl, lens,
    )


class _Grow:
    """An int64 array that grows at its end (amortised, no copy per append)."""

    def __init__(self):
        self.buf = np.zeros(1024, dtype=np.int64)
        self.n = 0

    def extend(self, values: list[int]):
        need = self.n + len(values)
        if need > len(self.buf):
            buf = np.zeros(max(need, 2 * len(self.buf)), dtype=np.int64)
            buf[: self.n] = self.buf[: self.n]
            self.buf = buf
        self.buf[self.n : need] = values
        self.n = need

    def take(self, local: np.ndarray) -> np.ndarray:
        return self.buf[: self.n][local]


def _pass_worker(conn, starts: list[int]) -> None:
    """Both passes of Matcher.fit over the chunks at ``starts`` (in a forked
    process that inherits the matcher and the analysed corpus): expand each
    chunk once, send the document frequencies, receive the IDF, then send
    the weighted rows of each chunk from the counts kept in between."""
    try:
        st = _FORK_STATE
        m, T, B, lengths, step, sure = st["m"], st["T"], st["B"], st["lengths"], st["step"], st["sure"]
        F = m.n_features
        kept: list[sp.csr_matrix | None] = []
        room = _KEEP_BYTES
        df = np.zeros(F, dtype=np.int64)
        for a in starts:
            D = m._expand(T[a : a + step], B[a : a + step], drop=sure)
            df += np.bincount(D.indices, minlength=F)
            size = D.data.nbytes + D.indices.nbytes + D.indptr.nbytes
            if size <= room:
                room -= size
            else:
                D = None
            kept.append(D)
        conn.send(("df", df))
        del df
        m.idf, m._n_fit, m._avg_len, m._block_arr = conn.recv()
        for i, a in enumerate(starts):
            D, kept[i] = kept[i], None
            if D is None:  # not kept: expanded again, without the cut features
                D = m._expand(T[a : a + step], B[a : a + step], cut=True)
            conn.send(("rows", a, m._chunk_rows(D, lengths[a : a + step])))
    except BaseException:
        import traceback

        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


# Bytes of expanded counts a fit worker keeps from the first pass to the
# second (about 150 MB a chunk of 8,192 synthetic documents); chunks beyond
# that are expanded again in the second pass.
_KEEP_BYTES = 512 << 20


class _PassWorkers:
    """Forked processes for the two passes of a large fit; chunk i goes to
    worker i % workers, which keeps its chunks' expanded counts from the
    first pass to the second (up to ``_KEEP_BYTES``; nothing is pickled on
    the way in but the IDF)."""

    def __init__(self, workers: int, m: "Matcher", T, B, lengths, step: int, starts: list[int], sure=None):
        self.m, self.workers, self.starts = m, min(workers, len(starts)), starts
        self.procs: list = []
        self.conns: list = []
        self._state = dict(m=m, T=T, B=B, lengths=lengths, step=step, sure=sure)

    def __enter__(self):
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        _FORK_STATE.update(self._state)
        try:
            for w in range(self.workers):
                here, there = ctx.Pipe()
                p = ctx.Process(target=_pass_worker, args=(there, self.starts[w :: self.workers]), daemon=True)
                p.start()
                there.close()
                self.procs.append(p)
                self.conns.append(here)
        finally:
            _FORK_STATE.clear()
        return self

    def __exit__(self, *exc):
        for c in self.conns:
            c.close()
        for p in self.procs:
            p.join(timeout=None if exc[0] is None else 1)
            if p.is_alive():
                p.terminate()
                p.join()
        return False

    @staticmethod
    def _recv(conn):
        try:
            msg = conn.recv()
        except EOFError:
            raise RuntimeError("a matcher fit worker process ended early") from None
        if msg[0] == "error":
            raise RuntimeError("matcher fit worker failed:\n" + msg[1])
        return msg

    def df(self) -> np.ndarray:
        """Document frequencies over all chunks (sum of the workers')."""
        df = np.zeros(self.m.n_features, dtype=np.int64)
        for c in self.conns:
            df += self._recv(c)[1]
        return df

    def rows(self) -> list[sp.csr_matrix]:
        """Send the fitted IDF; the weighted rows of every chunk, in chunk order."""
        from multiprocessing.connection import wait

        m = self.m
        for c in self.conns:
            c.send((m.idf, m._n_fit, m._avg_len, m._block_arr))
        out: dict[int, sp.csr_matrix] = {}
        left = {c: len(self.starts[w :: self.workers]) for w, c in enumerate(self.conns)}
        while any(left.values()):
            for c in wait([c for c, n in left.items() if n]):
                _, a, W = self._recv(c)
                out[a] = W
                left[c] -= 1
        return [out[a] for a in self.starts]


_HUB_CHUNK = 8192  # rows per task when hub values are computed in worker processes


def _fork_hubs(task) -> np.ndarray:
    side, a = task
    st = _FORK_STATE
    return st["m"]._hub_values(st["rows"][side][a : a + _HUB_CHUNK], _other(side))


def _other(side: Side) -> Side:
    return "profiles" if side == "offers" else "offers"


# pairs (documents x reference documents) whose products a request may pay
# to bring stale hub values up to date; above it they wait for the next fit
_HUB_REFRESH_BUDGET = 20_000_000


def _dot(a: sp.csr_matrix, b: sp.csr_matrix) -> float:
    n = max(a.shape[1], b.shape[1])
    if a.shape[1] != n:
        a = a.copy()
        a.resize((1, n))
    if b.shape[1] != n:
        b = b.copy()
        b.resize((1, n))
    return float((a @ b.T).toarray()[0, 0])


def _prune_rows(D: sp.csr_matrix, limit: int) -> sp.csr_matrix:
    """Keep the ``limit`` largest entries of each row (all when 0)."""
    if limit <= 0:
        return D
    lens = np.diff(D.indptr)
    long_rows = np.flatnonzero(lens > limit)
    if len(long_rows) == 0:
        return D
    keep = np.ones(D.nnz, dtype=bool)
    data, indptr = D.data, D.indptr
    for r in long_rows.tolist():
        a, b = indptr[r], indptr[r + 1]
        drop = np.argpartition(data[a:b], b - a - limit)[: b - a - limit]
        keep[a + drop] = False
    rows = np.repeat(np.arange(D.shape[0]), lens)[keep]
    new_indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=D.shape[0]))])
    return sp.csr_matrix((data[keep], D.indices[keep], new_indptr), shape=D.shape)
