"""Documents to weighted rows: analysis, expansion into features, term weighting, IDF.

A document is analysed by :class:`~matchmaker.matching.text.Analyzer` into
weighted units (tokens, dictionary phrases) that expand into features in
three blocks: words (stems, compound parts, dictionary translations,
thesaurus synonyms), word bigrams and character n-grams inside word bounds.
Term weights are BM25-style by default (``MatcherConfig.tf``) over the
field-weighted count, times an IDF computed over every side of the fit
together; each block is L2-normalised and weighted, the row keeps its
heaviest features and is L2-normalised again, so a score is a weighted sum of
per-block cosines.

:class:`Vectoriser` holds the vocabulary (unit and feature ids, each unit's
expansion) and the fitted IDF.  Its state is guarded by the matcher's lock
(engine.py): only :meth:`Vectoriser.analyse` may run without it, since it
reads the vocabulary and changes nothing (ids, once given, stay).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from . import workers as fork
from .config import MatcherConfig
from .documents import Analysed, Document
from .text import Analyzer, fold

BLOCKS = {"w": 0, "b": 1, "c": 2}
# Up to this many rows (a query, an upsert), expanding works in the columns the
# rows use, not in the whole vocabulary (see Vectoriser.expand).
FEW_ROWS = 64


def _extend(arr: np.ndarray, values, room: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """``np.concatenate([arr, values])`` without copying ``arr`` each time: the
    result is the start of ``room``, a larger array with space at its end, and
    a later call that fits writes into that space (a query adds a few
    features to a vocabulary of millions).  Returns the result and its room."""
    values = np.asarray(values, dtype=arr.dtype)
    n, m = len(arr), len(values)
    if (room is not None and arr.base is room and len(room) >= n + m
            and arr.__array_interface__["data"][0] == room.__array_interface__["data"][0]):
        room[n : n + m] = values
        return room[: n + m], room
    room = np.empty(n + m + max(4096, (n + m) // 8), dtype=arr.dtype)
    room[:n] = arr
    room[n : n + m] = values
    return room[: n + m], room


class Vectoriser:
    """The shared vocabulary and IDF of every side, and the steps that turn documents into rows."""

    def __init__(self, config: MatcherConfig, analyzer: Analyzer):
        self.config = config
        self.analyzer = analyzer
        self.features: dict[str, int] = {}
        self.feature_block: list[int] = []
        self.block_arr = np.zeros(0, dtype=np.int8)
        self.units: dict = {}
        self.unit_feats: list[np.ndarray] = []
        self.unit_wts: list[np.ndarray] = []
        self.idf = np.zeros(0)
        self.n_fit = 0
        self.avg_len = 1.0
        self.block_w = np.sqrt(np.array([config.word_weight, config.bigram_weight, config.char_weight], dtype=float))
        self.fitted = False
        # the space behind ``idf`` and ``block_arr`` as they grow (see _extend)
        self._idf_room: np.ndarray | None = None
        self._block_room: np.ndarray | None = None

    # -- vocabulary --------------------------------------------------------
    @property
    def n_features(self) -> int:
        return len(self.features)

    def feature_id(self, name: str) -> int:
        fid = self.features.get(name)
        if fid is None:
            fid = self.features[name] = len(self.features)
            self.feature_block.append(BLOCKS[name[0]])
        return fid

    def add_features(self, names: list[str]) -> None:
        """Ids for new, distinct feature names, in their order (as
        ``feature_id`` one after the other)."""
        n = len(self.features)
        self.features.update(zip(names, range(n, n + len(names))))
        self.feature_block.extend([BLOCKS[k[0]] for k in names])

    def expansion(self, key) -> tuple[list[str], list[float], list[int | None]]:
        """The features a unit expands into: names, weights, and the ids the
        vocabulary has for them now (None: not yet).  Reads the vocabulary
        only, so it may run outside the lock (ids, once given, stay)."""
        exp = self.analyzer.expand(key)
        names = list(exp)
        get = self.features.get
        return names, list(exp.values()), [get(k) for k in names]

    def unit_id(self, key, exp: tuple | None = None) -> int:
        """The id of a unit; a new unit is expanded (``exp``: its
        :meth:`expansion`, made before) and its new features get ids, in
        their order."""
        uid = self.units.get(key)
        if uid is None:
            if exp is None:
                # (its features looked up at once; the new ones, distinct,
                # get ids in their order as feature_id would give them)
                e = self.analyzer.expand(key)
                exp = list(e), list(e.values()), list(map(self.features.get, e))
            names, wts, ids = exp
            if None in ids:
                feats = self.features
                # (some may have come in since the expansion was made)
                self.add_features([k for k, i in zip(names, ids) if i is None and k not in feats])
                ids = [i if i is not None else feats[k] for k, i in zip(names, ids)]
            self.unit_feats.append(np.asarray(ids, dtype=np.int64))
            self.unit_wts.append(np.asarray(wts, dtype=np.float64))
            uid = self.units[key] = len(self.units)
        return uid

    # -- analysis ----------------------------------------------------------
    def analyse(self, doc: Document) -> Analysed:
        """The text analysis of a document, the part of an upsert or a query
        whose cost grows with the text.  It takes no lock and changes no
        state (only the analyser's caches); a unit that is not in the
        vocabulary yet is expanded here, so that :meth:`transform` only
        numbers its features."""
        units, direct, _ = self.analyzer.analyze(doc)
        known, expansion = self.units, self.expansion
        # the vocabulary only grows: a unit known now is known later
        return Analysed(doc, units, direct, {k: expansion(k) for k in units if k not in known})

    def analyse_corpus(self, docs: Iterable[Document], workers: int = 1):
        """Per document: unit ids and counts, direct feature ids and counts,
        and the document length (field-weighted token count).  With
        ``workers`` > 1 and many documents, forked processes analyse chunks
        of documents; ids are still handed out in document order."""
        if workers > 1 and isinstance(docs, list) and len(docs) >= 2 * fork.ANALYSE_CHUNK:
            return self._analyse_forked(docs, workers)
        analyze = self.analyzer.analyze
        return self.number((units, direct, None) for units, direct, _ in map(analyze, docs))

    def number(self, analysed: Iterable[tuple[dict, dict, dict | None]]):
        """:meth:`analyse_corpus` of documents analysed before: per document
        its units, its direct features and the features of its units that
        were expanded before (or None)."""
        # Column ids and values are gathered in Python lists and turned into
        # arrays every ~260,000 entries (no list of every entry of a large
        # corpus).  Ids are handed out in the same order as one document
        # after the other: the units of a document, then its direct features.
        t_cols, t_vals, t_lens = [], [], []
        d_cols, d_vals, d_lens = [], [], []
        tc, tv, dc, dv = [], [], [], []
        lengths = []
        uid_of = self.unit_id
        fid_of = self.feature_id
        unit_get = self.units.get
        feat_get = self.features.get
        # a loaded index's feature table looks many names up at once
        feats_get = getattr(self.features, "get_many", None) or (lambda names: list(map(feat_get, names)))

        def flush():
            if tc:
                t_cols.append(np.asarray(tc, dtype=np.int64))
                t_vals.append(np.asarray(tv, dtype=np.float64))
                d_cols.append(np.asarray(dc, dtype=np.int64))
                d_vals.append(np.asarray(dv, dtype=np.float64))
                tc.clear(), tv.clear(), dc.clear(), dv.clear()

        for units, direct, expansions in analysed:
            cols = list(map(unit_get, units))
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
            cols = feats_get(list(direct))
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
        """:meth:`analyse_corpus` over chunks of documents in forked
        processes (workers.py).  A worker returns the keys of its chunk that
        it has not returned before (in order of first appearance, with the
        document where each first appears) and per document its own key
        numbers; here the keys new to the index get ids in the order
        one-document-after-the-other would give them (per document its
        units, then its direct features), so the result is the same as
        without workers."""
        t_cols, t_vals, t_lens, d_cols, d_vals, d_lens, lengths = [], [], [], [], [], [], []
        uid_of, fid_of = self.unit_id, self.feature_id
        unit_get, feat_get = self.units.get, self.features.get
        # per worker process: its key numbers -> unit / feature ids
        seen: dict[int, tuple[_Grow, _Grow]] = {}
        for pid, ukeys, ufirst, tc, tv, tl, dkeys, dfirst, dc, dv, dl, lens in fork.analyse_chunks(self.analyzer, docs, workers):
            # The keys this worker returns for the first time, new to the
            # index or not; a key it returned before got its id when that
            # earlier chunk was merged (chunks are merged in order).  New
            # keys get ids in document order.
            ug = [unit_get(k) for k in ukeys]
            dg = [feat_get(k) for k in dkeys]
            if None in ug:
                # a new unit adds the features it expands into: one key
                # after the other, in document order
                new = [(ufirst[j], 0, j) for j, g in enumerate(ug) if g is None]
                new += [(dfirst[j], 1, j) for j, g in enumerate(dg) if g is None]
                new.sort()
                for _, kind, j in new:
                    if kind == 0:
                        ug[j] = uid_of(ukeys[j])
                    else:
                        dg[j] = fid_of(dkeys[j])
            elif None in dg:
                # only new direct features: they come in order of first
                # appearance already, and get ids in one go
                js = [j for j, g in enumerate(dg) if g is None]
                n = self.n_features
                self.add_features([dkeys[j] for j in js])
                for i, j in enumerate(js):
                    dg[j] = n + i
            um, dm = seen.setdefault(pid, (_Grow(), _Grow()))
            um.extend(ug)
            dm.extend(dg)
            t_cols.append(um.take(tc))
            d_cols.append(dm.take(dc))
            t_vals.append(tv), d_vals.append(dv)
            t_lens.extend(tl), d_lens.extend(dl), lengths.extend(lens)
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

        T = csr(t_cols, t_vals, t_lens, len(self.units))
        B = csr(d_cols, d_vals, d_lens, self.n_features)
        return T, B, np.asarray(lengths, dtype=np.float64)

    # -- expansion and weighting -------------------------------------------
    def expand(self, T: sp.csr_matrix, B: sp.csr_matrix, cut: bool = False, drop: np.ndarray | None = None) -> sp.csr_matrix:
        """Raw field-weighted feature counts: units expanded into features,
        plus the direct features.  With ``cut``, unit features whose fitted
        IDF is 0 are left out (``weight`` would drop them anyway); so are
        the features marked in the boolean array ``drop``.  Leaving out
        features does not change the sums of the others."""
        T = T.tocsr()
        used = np.unique(T.indices)
        feats = [self.unit_feats[u] for u in used]
        wts = [self.unit_wts[u] for u in used]
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
        if T.shape[0] == 1 and len(T.indices) == len(used):
            # One row (a query, an upsert): each entry of the sparse product
            # and sum below, as numpy sums it, in the same order (each
            # feature's products one unit after the other, then the direct
            # feature), in the columns the row uses only.
            Bn = B.indptr[-1]
            allc = np.concatenate([f_all, B.indices[:Bn]])
            cols, at = np.unique(allc, return_inverse=True)
            sums = np.bincount(at, weights=np.concatenate([np.repeat(T.data, lens) * w_all, B.data[:Bn]]),
                               minlength=len(cols))
            nz = sums != 0
            vals = sums[nz]
            return sp.csr_matrix((vals, cols[nz], np.array([0, len(vals)])), shape=(1, F))
        indptr = np.concatenate([[0], np.cumsum(lens)])
        if T.shape[0] <= FEW_ROWS:
            # A few rows (a query, an upsert): the units' positions by binary
            # search, and the products in the columns these rows use only.
            # scipy's sparse product and sum take scratch arrays as wide as
            # the matrices (every feature of the vocabulary, millions at
            # 100k documents) for each call; renumbering the columns in their
            # order changes no sum and no order of the result.
            Tl = sp.csr_matrix((T.data, np.searchsorted(used, T.indices), T.indptr), shape=(T.shape[0], len(used)))
            Bi = B.indices[: B.indptr[-1]]
            cols = np.unique(np.concatenate([f_all, Bi]))
            M = sp.csr_matrix((w_all, np.searchsorted(cols, f_all), indptr), shape=(len(used), len(cols)))
            Bl = sp.csr_matrix((B.data[: B.indptr[-1]], np.searchsorted(cols, Bi), B.indptr), shape=(B.shape[0], len(cols)))
            D = (Tl @ M + Bl).tocsr()
            D.sum_duplicates()
            D.eliminate_zeros()
            return sp.csr_matrix((D.data, cols[D.indices], D.indptr), shape=(T.shape[0], F))
        M = sp.csr_matrix((w_all, f_all, indptr), shape=(len(used), F))
        local = np.zeros(max(len(self.units), 1), dtype=np.int64)
        local[used] = np.arange(len(used))
        Tl = sp.csr_matrix((T.data, local[T.indices], T.indptr), shape=(T.shape[0], len(used)))
        if B.shape[1] != F:
            B = B.copy()
            B.resize((B.shape[0], F))
        D = (Tl @ M + B).tocsr()
        D.sum_duplicates()
        D.eliminate_zeros()
        return D

    def weight(self, D: sp.csr_matrix, lengths: np.ndarray) -> sp.csr_matrix:
        """TF x IDF, per-block L2 norm x block weight, row L2 norm, then the
        row is cut to its heaviest features (``max_row_features``)."""
        cfg = self.config
        n = D.shape[0]
        if len(self.idf) < D.shape[1]:
            new_idf = np.log((1 + self.n_fit) / 2.0) + 1.0
            self.idf, self._idf_room = _extend(self.idf, np.full(D.shape[1] - len(self.idf), new_idf), self._idf_room)
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
            norm = k1 * (1 - b + b * lengths / self.avg_len)
            tf = D.data
            D.data = tf * (k1 + 1) / (tf + norm[rows])
        else:
            D.data = 1.0 + np.log(D.data) if cfg.tf == "log1" else np.log1p(D.data)
        D.data *= idf
        if len(self.block_arr) != len(self.feature_block):
            # extended, not rebuilt: an upsert adds a few features at most
            self.block_arr, self._block_room = _extend(
                self.block_arr, self.feature_block[len(self.block_arr) :], self._block_room
            )
        blk = self.block_arr[D.indices].astype(np.int64)
        sq = np.bincount(rows * 3 + blk, weights=D.data**2, minlength=n * 3).reshape(n, 3)
        norms = np.sqrt(sq)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(norms > 0, self.block_w / norms, 0.0)
        D.data *= scale[rows, blk]
        D = prune_rows(D, cfg.max_row_features)
        rows = np.repeat(np.arange(n), np.diff(D.indptr))
        tot = np.sqrt(np.bincount(rows, weights=D.data**2, minlength=n))
        with np.errstate(divide="ignore", invalid="ignore"):
            D.data /= np.where(tot > 0, tot, 1.0)[rows]
        D.data = D.data.astype(np.float32)
        return D

    def transform(self, analysed: Sequence[Analysed]) -> sp.csr_matrix:
        """Rows of analysed documents with the fitted IDF (the matcher's lock
        is held: unseen features join the vocabulary)."""
        T, B, lengths = self.number((a.units, a.direct, a.expansions) for a in analysed)
        return self.weight(self.expand(T, B, cut=self.fitted), lengths)

    # -- fitting -----------------------------------------------------------
    def fit(self, docs: list[Document]) -> sp.csr_matrix:
        """Number the vocabulary of ``docs``, fit the IDF over them and
        return their rows (N x features).  Two passes over chunks of
        ``chunk_size`` rows: document frequencies, then weights.  In one
        process the expanded counts of a chunk are dropped after counting
        (memory stays bounded) and expanded again for the weights; worker
        processes keep the expanded counts of their chunks between the two
        passes."""
        cfg = self.config
        T, B, lengths = self.analyse_corpus(docs, workers=cfg.workers)
        self.split_with_corpus()
        N = T.shape[0]
        step = max(1, cfg.chunk_size)
        starts = list(range(0, N, step))
        sure = self.surely_cut(T, N)
        if cfg.workers > 1 and len(starts) > 1:
            with fork.PassWorkers(cfg.workers, self, T, B, lengths, step, starts, sure) as pw:
                self.set_idf(pw.df(), N, lengths, sure)
                parts = pw.rows()
        else:
            df = np.zeros(self.n_features, dtype=np.int64)
            chunks = []
            for a in starts:
                D = self.expand(T[a : a + step], B[a : a + step], drop=sure)
                df += np.bincount(D.indices, minlength=self.n_features)
                chunks.append(D if N <= step else None)
            self.set_idf(df, N, lengths, sure)
            parts = []
            for i, a in enumerate(starts):
                D = chunks[i] if chunks[i] is not None else self.expand(T[a : a + step], B[a : a + step], cut=True)
                parts.append(self.chunk_rows(D, lengths[a : a + step]))
        W = sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, self.n_features), dtype=np.float32)
        W.resize((N, self.n_features))
        self.fitted = True
        if self.config.typo_weight > 0:
            # the index's own words, for the typos of later documents and queries
            self.analyzer.set_corpus_words(fold(k[1]) for k in self.units if k[0] == "t")
        return W

    def split_with_corpus(self) -> None:
        """German words of the fitted documents that the dictionary neither
        knows nor splits become compound parts (``Analyzer.set_corpus_parts``),
        and the units that split only with them are expanded again, before
        the IDF is counted ("Kaffeemühlenbediener" -> kaffeemühle + bediener,
        since "Bediener" is written alone elsewhere)."""
        an = self.analyzer
        if an.splitter is None or an.bridge is None:
            return
        an.set_corpus_parts(an.corpus_part_words(k[1] for k in self.units if k[0] == "t" and k[2] == "de"))
        corpus = an.corpus_splitter
        if corpus is None:
            return
        sp, fid = an.splitter, self.feature_id
        for key, uid in self.units.items():
            if key[0] != "t" or key[2] != "de":
                continue
            n = an.normal(key[1], "de")
            if n is None or sp.split(n) or sp.split(n, known=True) or not corpus.split(n):
                continue
            e = an.expand(key)
            self.unit_feats[uid] = np.fromiter((fid(k) for k in e), dtype=np.int64, count=len(e))
            self.unit_wts[uid] = np.fromiter(e.values(), dtype=np.float64, count=len(e))

    def char_cut_limit(self, N: int) -> float | None:
        """Character n-grams in more documents than this get IDF 0 (None: no cut)."""
        cfg = self.config
        if cfg.char_max_df < 1.0 and N:
            return max(cfg.char_max_df * N, cfg.char_max_df_min_docs)
        return None

    def surely_cut(self, T: sp.csr_matrix, N: int) -> np.ndarray | None:
        """Character n-grams that are cut whatever the other units of the
        documents: one unit that has the n-gram already occurs in more
        documents than the limit (a document frequency of a feature is at
        least that of each unit it comes from).  They are left out of the
        first pass (about nine in ten of the cut entries), so it expands
        about half as many entries; their IDF is 0 as before."""
        limit = self.char_cut_limit(N)
        if limit is None or not self.unit_feats:
            return None
        unit_df = np.bincount(T.indices, minlength=len(self.units))  # T: one entry per unit and document
        lens = np.fromiter((len(f) for f in self.unit_feats), dtype=np.int64, count=len(self.unit_feats))
        lower = np.zeros(self.n_features, dtype=np.int64)
        np.maximum.at(lower, np.concatenate(self.unit_feats), np.repeat(unit_df, lens))
        return (np.asarray(self.feature_block, dtype=np.int8) == BLOCKS["c"]) & (lower > limit)

    def set_idf(self, df: np.ndarray, N: int, lengths: np.ndarray, sure: np.ndarray | None = None) -> None:
        """IDF from the document frequencies (``sure``: features known to
        be cut, whose ``df`` was not counted)."""
        self.n_fit = N
        self.avg_len = float(lengths.mean()) if N and lengths.mean() > 0 else 1.0
        self.idf = np.log((1 + N) / (1 + df)) + 1.0
        limit = self.char_cut_limit(N)
        if limit is not None:
            blk = np.asarray(self.feature_block, dtype=np.int8)
            cut = (blk == BLOCKS["c"]) & (df > limit)
            self.idf[cut if sure is None else cut | sure] = 0.0
        self.block_arr = np.asarray(self.feature_block, dtype=np.int8)

    def idf_state(self) -> tuple:
        """What a fit worker needs of the fitted IDF for the second pass."""
        return self.idf, self.n_fit, self.avg_len, self.block_arr

    def set_idf_state(self, state: tuple) -> None:
        self.idf, self.n_fit, self.avg_len, self.block_arr = state

    def chunk_rows(self, D: sp.csr_matrix, lengths: np.ndarray) -> sp.csr_matrix:
        """Weighted rows of a chunk's expanded counts (with or without the
        features whose IDF is 0: ``weight`` drops those first, so the
        rows are the same)."""
        W = self.weight(D, lengths)
        W.eliminate_zeros()
        return W


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


def prune_rows(D: sp.csr_matrix, limit: int) -> sp.csr_matrix:
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
