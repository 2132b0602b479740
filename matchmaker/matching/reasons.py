"""Why a candidate fits: the words behind each feature (provenance) and the reasons from two rows.

A reason is the pair of words, one per side, behind the largest elementwise
products of the two rows, with its share of the score.  The words behind a
stored document's features are worked out once, on first use, and cached per
(side, id) until the document changes.  Working them out means analysing the
document again, so it is done outside the matcher's lock (the ``analyse_*``
and ``prepare_*`` methods); the rest of :class:`Explainer` runs with the lock
held (see engine.py).
"""
from __future__ import annotations

import itertools
import re
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from threading import RLock

import numpy as np
import scipy.sparse as sp

from .config import MatcherConfig
from .documents import Document, Reason
from .snapshot import take
from .store import Store
from .text import char_ngram_count, fold
from .vectorise import BLOCKS, Vectoriser

# stored documents whose words a process keeps (about 6 kB each): a match page's query and
# candidates, for the pages looked at lately; each worker holds its own
PROV_CACHE_SIZE = 1024
WORD_CACHE_SIZE = 100_000  # words of reasons told everyday or not
_TOKEN = re.compile(r"[^\W\d_]+")
REASON_FEATURES = 256  # the heaviest shared features looked at
FRESH_CACHE_SIZE = 256  # documents that are not stored (cards, searches) whose row and words a process keeps
FRESH = ("not stored, seen before",)  # prepare_query's mark for a row and words kept (see Explainer.fresh)
QUIET_CACHE_SIZE = 200_000  # units whose quiet features a process keeps (most share one empty entry)


class Words:
    """Feature id -> the word of a document behind it, as arrays: the feature ids sorted, and
    per feature where its word lies in one string of the document's words and its weight in
    the expansion of that word (``link``; 1: the word itself).  A cache of a few thousand
    documents' words would otherwise be a few thousand dicts of a few hundred entries, each
    entry its own int, str and float objects: about 40 kB a document in every worker, against
    about 9 kB so.  ``weak``: the features that link no reason (see
    :meth:`Analyzer.weak_features`); ``heads``: the features its word has only through a
    compound's head, which link no reason when the other word has them that way too (see
    :meth:`Analyzer.head_features`); ``head_parts``: see :meth:`Analyzer.head_part_features`."""

    __slots__ = ("feats", "starts", "ends", "text", "links", "_weak", "_heads", "_head_parts")

    def __init__(self, words: dict[int, str] | None = None, link: dict[int, float] | None = None,
                 weak: Iterable[int] = (), heads: Iterable[int] = (), head_parts: Iterable[int] = ()):
        words = words or {}
        n = len(words)
        feats = np.fromiter(words, dtype=np.int64, count=n)
        order = np.argsort(feats, kind="stable")
        names = list(words.values())
        links = (np.fromiter((link.get(f, 1.0) for f in words), dtype=np.float64, count=n)
                 if link is not None else np.ones(n))
        self._fill(feats[order], [names[k] for k in order.tolist()], links[order], weak, heads, head_parts)

    @classmethod
    def of_sorted(cls, feats: np.ndarray, words: list[str], links: np.ndarray, weak: Iterable[int] = (),
                  heads: Iterable[int] = (), head_parts: Iterable[int] = ()) -> "Words":
        """The same as the constructor, of arrays: the feature ids ascending, the word behind each and
        its link weight, and the three kinds of quiet features."""
        self = cls.__new__(cls)
        self._fill(feats, words, links, weak, heads, head_parts)
        return self

    def _fill(self, feats: np.ndarray, words: list[str], links: np.ndarray, weak, heads, head_parts) -> None:
        pos, at = {}, 0
        for name in dict.fromkeys(words):
            pos[name] = at
            at += len(name)
        self.text = "".join(pos)
        n = len(words)
        start = np.fromiter(map(pos.__getitem__, words), dtype=np.int64, count=n)
        end = start + np.fromiter(map(len, words), dtype=np.int64, count=n)
        # the smallest types that hold them exactly: a worker keeps thousands of these
        self.feats = _compact_ids(np.asarray(feats, dtype=np.int64))
        where = np.uint16 if at < 2**16 else np.int64
        self.starts, self.ends = start.astype(where), end.astype(where)
        links = np.asarray(links, dtype=np.float64)
        narrow = links.astype(np.float32)
        self.links = narrow if np.array_equal(narrow, links) else links
        self._weak, self._heads, self._head_parts = _id_array(weak), _id_array(heads), _id_array(head_parts)

    @property
    def weak(self) -> frozenset[int]:
        return frozenset(self._weak.tolist())

    @property
    def heads(self) -> frozenset[int]:
        return frozenset(self._heads.tolist())

    @property
    def head_parts(self) -> frozenset[int]:
        return frozenset(self._head_parts.tolist())

    def _find(self, f: int) -> int:
        j = int(np.searchsorted(self.feats, f))
        return j if j < len(self.feats) and self.feats[j] == f else -1

    def get(self, f, default=None):
        j = self._find(f)
        return self.text[self.starts[j] : self.ends[j]] if j >= 0 else default

    def lookup(self, fs: np.ndarray) -> tuple[list, list]:
        """For an array of feature ids: the word behind each (None: not a feature of the
        document) and its link weight (1.0 where none)."""
        n = len(self.feats)
        if not n or not len(fs):
            return [None] * len(fs), [1.0] * len(fs)
        j = np.minimum(np.searchsorted(self.feats, fs), n - 1)
        hit = self.feats[j] == fs
        text, st, en = self.text, self.starts[j].tolist(), self.ends[j].tolist()
        words = [text[a:b] if h else None for a, b, h in zip(st, en, hit.tolist())]
        return words, np.where(hit, self.links[j].astype(np.float64), 1.0).tolist()

    @property
    def link(self) -> dict[int, float]:
        return dict(zip(self.feats.tolist(), self.links.astype(np.float64).tolist()))

    def __getitem__(self, f):
        j = self._find(f)
        if j < 0:
            raise KeyError(f)
        return self.text[self.starts[j] : self.ends[j]]

    def __contains__(self, f) -> bool:
        return self._find(f) >= 0

    def __len__(self) -> int:
        return len(self.feats)

    def __iter__(self):
        return iter(self.feats.tolist())

    def keys(self):
        return self.feats.tolist()

    def items(self):
        text = self.text
        return [(f, text[a:b]) for f, a, b in zip(self.feats.tolist(), self.starts.tolist(), self.ends.tolist())]

    def values(self):
        return [w for _, w in self.items()]


def _compact_ids(ids: np.ndarray) -> np.ndarray:
    return ids.astype(np.int32) if not len(ids) or (ids.min() >= 0 and ids.max() < 2**31) else ids


_NO_IDS = np.zeros(0, dtype=np.int32)
_NO_QUIET = (_NO_IDS, _NO_IDS, _NO_IDS, True, 0)


def _id_array(ids: Iterable[int]) -> np.ndarray:
    """Feature ids as a sorted array (an empty one shared)."""
    ids = np.unique(ids if isinstance(ids, np.ndarray) else np.fromiter(ids, dtype=np.int64))
    return _compact_ids(ids) if len(ids) else _NO_IDS


def _shared(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The features two rows share, ascending, and where each is in either row: ``np.intersect1d(a,
    b, assume_unique=True, return_indices=True)``, by binary search where both rows' features are
    sorted (as a canonical row's are)."""
    if not len(a) or not len(b) or np.any(a[1:] < a[:-1]) or np.any(b[1:] < b[:-1]):
        return np.intersect1d(a, b, assume_unique=True, return_indices=True)
    j = np.minimum(np.searchsorted(b, a), len(b) - 1)
    hit = b[j] == a
    return a[hit], np.flatnonzero(hit), j[hit]


def _in_sorted(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """``np.isin(values, ids)`` for a sorted array ``ids``: a binary search per value instead of
    sorting both (a fit's reasons ask this six times; numpy's set functions cost more than the search
    at these sizes)."""
    if not len(ids):
        return np.zeros(len(values), dtype=bool)
    return ids[np.minimum(np.searchsorted(ids, values), len(ids) - 1)] == values


def _ids(prov, name: str) -> np.ndarray:
    """The feature ids of :class:`Words` ``name`` ("weak", "heads", "head_parts") as a sorted array,
    also for a plain mapping with such an attribute (or none: empty)."""
    if isinstance(prov, Words):
        return getattr(prov, "_" + name)
    return _id_array(getattr(prov, name, ()))


def _lookup(prov, fs: np.ndarray) -> tuple[list, list]:
    """:meth:`Words.lookup` for :class:`Words` or a plain mapping (feature id -> word)."""
    if isinstance(prov, Words):
        return prov.lookup(fs)
    link = getattr(prov, "link", {})
    keys = fs.tolist()
    return [prov.get(f) for f in keys], [link.get(f, 1.0) for f in keys]


def _get_many(features, names: list[str]) -> list:
    return features.get_many(names) if hasattr(features, "get_many") else list(map(features.get, names))


def _name_ids(features, names) -> tuple[list[np.ndarray], bool]:
    """The ids of feature names in groups (sorted arrays per group; a name without an id is left
    out), and whether every name had one."""
    found = _get_many(features, list(itertools.chain(*names)))
    out, at = [], 0
    for part in names:
        out.append(_id_array(f for f in found[at : at + len(part)] if f is not None))
        at += len(part)
    return out, None not in found


class QuietTable:
    """:meth:`Explainer.quiet` for the units ``0 .. n-1``: the ids of every unit's three kinds of
    quiet features in one array, the kinds' offsets (three per unit), whether every name of the unit
    had an id, and the size of the vocabulary then.  Kept in a snapshot (memory-mapped)."""

    def __init__(self, ids: np.ndarray, offsets: np.ndarray, complete: np.ndarray, n_features: int):
        self.ids, self.offsets, self.complete, self.n_features = ids, offsets, complete, n_features

    @property
    def n(self) -> int:
        return len(self.complete)

    def __getitem__(self, uid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a, b, c, d = self.offsets[3 * uid : 3 * uid + 4].tolist()
        ids = self.ids
        return ids[a:b], ids[b:c], ids[c:d]

    def take(self, uids: np.ndarray, kind: int) -> tuple[np.ndarray, np.ndarray]:
        """The ids of one kind (0 weak, 1 heads, 2 head parts) of the units ``uids`` joined, and
        each unit's count."""
        starts = self.offsets[3 * uids + kind]
        lens = self.offsets[3 * uids + kind + 1] - starts
        ends = np.cumsum(lens)
        total = int(ends[-1]) if len(ends) else 0
        return self.ids[np.repeat(starts - (ends - lens), lens) + np.arange(total)].astype(np.int64), lens


class Explainer:
    """Reasons for pairs of rows, and the cache of stored documents' words."""

    def __init__(self, config: MatcherConfig, vectoriser: Vectoriser, stores: dict[str, Store], lock: RLock):
        self.config = config
        self.vectoriser = vectoriser
        self.stores = stores
        self.lock = lock
        self.cache: OrderedDict = OrderedDict()
        self.cache_size = PROV_CACHE_SIZE
        self._word_general: dict[str, bool] = {}
        self._quiet: dict[int, tuple] = {}  # unit id -> see quiet()
        # documents that are not stored, by their content -> (row, words, vocabulary size then):
        # a company's view of a graduate's card is explained on every page that lists the graduate
        self.fresh: OrderedDict = OrderedDict()
        self.fresh_size = FRESH_CACHE_SIZE

    def forget(self, side: str, doc_id) -> None:
        self.cache.pop((side, doc_id), None)

    def clear(self) -> None:
        self.cache.clear()
        self._boiler = None
        self._everyday = None
        self._general = None
        self._word_general = {}
        self._quiet = {}
        self.fresh.clear()

    _boiler: np.ndarray | None = None
    _everyday: np.ndarray | None = None
    _general: frozenset | None = None

    def boilerplate(self) -> np.ndarray:
        """Per feature: True where it is in more than ``reason_max_df`` of
        the fitted documents of some side with at least
        ``reason_max_df_min_docs`` of them (job-ad boilerplate: "Absolventen",
        "Werkstudent", "mehrjährige").  Learnt at the fit, from the stored
        rows; features added later are not boilerplate."""
        if self._boiler is None:
            cfg = self.config
            boiler = np.zeros(0, dtype=bool)
            for store in self.stores.values():
                index = store.index  # features x documents
                n_docs = index.shape[1]
                if n_docs < cfg.reason_max_df_min_docs or index.shape[0] == 0:
                    continue
                df = np.diff(index.indptr)
                mine = df > cfg.reason_max_df * n_docs
                if len(mine) > len(boiler):
                    boiler = np.concatenate([boiler, np.zeros(len(mine) - len(boiler), dtype=bool)])
                boiler[: len(mine)] |= mine
            self._boiler = boiler
        return self._boiler

    def everyday(self) -> np.ndarray:
        """Per feature: True for a word that carries no meaning of its own in
        this index: the documents that have it (at least
        ``reason_coherence_min_docs``) are, apart from it, no more alike than
        ``reason_min_coherence`` times two documents of the index taken at
        random ("develop", "ensure", "Projekte", "systems": they are in the
        texts of every kind of job; "psychology", "heating", "Druckplatte"
        gather documents of one trade).  Learnt from the stored rows of all
        sides together (a fixed sample of ``reason_coherence_sample`` of them
        when there are more); features added later are not everyday words."""
        if self._everyday is None:
            self._learn_everyday()
        return self._everyday

    def general(self) -> frozenset[tuple[str, str]]:
        """``(language, lemma)`` of the everyday words of general language:
        at least ``reason_general_zipf`` common in general German or English
        (frequency.py), and their documents (by the word's stem) less than
        ``reason_general_coherence`` times as alike as two at random ("work",
        "support", "problems", "new"; not "software", "energy", "Kinder",
        which gather texts of one kind).  Such a word is no reason whatever
        links it (:meth:`everyday_word`).  Learnt with :meth:`everyday`; empty
        when ``reason_general_zipf`` is None."""
        if self._general is None:
            self._learn_everyday()
        return self._general

    def _learn_everyday(self) -> None:
        v, cfg = self.vectoriser, self.config
        width = len(v.feature_block)
        measured = cfg.reason_min_coherence is not None or cfg.reason_general_zipf is not None
        cand, ratio, _ = coherence(self.stores.values(), v.feature_block, cfg) if measured else (None, None, None)
        if self._everyday is None:
            self._everyday = everyday_words(cand, ratio, width, cfg)
        if self._general is None:
            general: frozenset = frozenset()
            if cfg.reason_general_zipf is not None and cand is not None and len(cand):
                from .frequency import common_lemmas

                loose = np.zeros(width, dtype=bool)
                loose[cand] = ratio < cfg.reason_general_coherence
                general = common_lemmas(v.analyzer, v.features, loose, cfg.reason_general_zipf)
            self._general = general

    def everyday_word(self, word: str) -> bool:
        """Is ``word`` (as a reason names it: one word or a short phrase) an
        everyday word of general language: is each of its words, read as
        German or as English, among :meth:`general`?  Cached per word until
        the next fit."""
        hit = self._word_general.get(word)
        if hit is None:
            general = self.general()
            hit = False
            if general:
                normal = self.vectoriser.analyzer.normal
                found = 0
                for tok in _TOKEN.findall(word.casefold()):
                    lemmas = [(lang, normal(tok, lang)) for lang in ("de", "en")]
                    lemmas = [key for key in lemmas if key[1] is not None]
                    if not lemmas:
                        continue  # a stop word ("in" of "work in")
                    if not any(key in general for key in lemmas):
                        found = 0
                        break
                    found += 1
                hit = found > 0
            if len(self._word_general) > WORD_CACHE_SIZE:
                self._word_general.clear()
            self._word_general[word] = hit
        return hit

    # -- outside the lock ----------------------------------------------------
    def analyse_stored(self, side: str, doc_ids: Iterable[Hashable]) -> dict:
        """Outside the lock: for the stored documents of ``side`` among
        ``doc_ids`` whose words are not cached, ``id -> (document, its
        analysis with provenance)``, for :meth:`stored_words`."""
        with self.lock:
            docs = self.stores[side].docs
            todo = [(i, docs[i]) for i in doc_ids if i in docs and (side, i) not in self.cache]
        analyze = self.vectoriser.analyzer.analyze
        return {i: (doc, analyze(doc, provenance=True)) for i, doc in todo}

    def prepare_query(self, doc: Document, sides: Sequence[str]):
        """Outside the lock: what :meth:`query_row` needs of a query
        document, ``(side, analyses of its words)`` when it is stored
        unchanged on one of ``sides`` (its row is taken from there),
        ``(FRESH, (row, words))`` when it is not stored and was seen before,
        else ``(None, (its analysis, its analysis with provenance))``."""
        with self.lock:
            side = next((s for s in sides if doc.id is not None and self.stores[s].docs.get(doc.id) == doc), None)
            hit = self._fresh_hit(doc) if side is None else None
        if hit is not None:
            return FRESH, hit
        if side is not None:
            return side, self.analyse_stored(side, [doc.id])
        v = self.vectoriser
        return None, (v.analyse(doc), v.analyzer.analyze(doc, provenance=True))

    # -- with the lock held --------------------------------------------------
    def query_row(self, doc: Document, prepared) -> tuple[sp.csr_matrix, dict[int, str]]:
        """The row and the words of a query document."""
        v = self.vectoriser
        side, got = prepared
        if side is FRESH:
            return got
        if side is not None:
            if self.stores[side].docs.get(doc.id) == doc:
                return self.stores[side].row(doc.id, v.n_features), self.stored_words(side, doc.id, got)
            # the stored document changed since it was looked at (rare): analysed here
            got = (v.analyse(doc), v.analyzer.analyze(doc, provenance=True))
        row = v.transform([got[0]])  # (its new features join the vocabulary before its words are read)
        words = self.words(doc, analysed=got[1])
        key = _fresh_key(doc)
        if key is not None:
            self.fresh[key] = (row, words, v.n_features)
            while len(self.fresh) > self.fresh_size:
                self.fresh.popitem(last=False)
        return row, words

    def _fresh_hit(self, doc: Document) -> tuple | None:
        """The row and words kept for a document that is not stored (the lock held): valid while
        the vocabulary has not grown since (a word's quiet features may have found their ids)."""
        key = _fresh_key(doc)
        hit = self.fresh.get(key) if key is not None else None
        if hit is None or hit[2] != self.vectoriser.n_features:
            return None
        self.fresh.move_to_end(key)
        return hit[:2]

    def stored_words(self, side: str, doc_id, pre: dict | None = None) -> dict[int, str]:
        """Feature id -> word for a stored document, cached; ``pre``:
        analyses from :meth:`analyse_stored`, used when they are of the
        document stored now."""
        key = (side, doc_id)
        hit = self.cache.get(key)
        if hit is not None:
            self.cache.move_to_end(key)
            return hit
        store = self.stores[side]
        doc = store.docs[doc_id]
        row = store.row(doc_id, self.vectoriser.n_features)
        got = pre.get(doc_id) if pre else None
        prov = self.words(doc, row.indices, got[1] if got is not None and got[0] is doc else None)
        self.cache[key] = prov
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
        return prov

    def words(self, doc: Document, only=None, analysed: tuple | None = None) -> Words:
        """Feature id -> the word of ``doc`` that contributes most to it
        (restricted to the features in ``only``, a set or an array of ids, when
        given); ``analysed``: ``analyzer.analyze(doc, provenance=True)`` done
        before.  Of several words giving a feature the same weight, the first
        (units in the order of the document, then the direct features) is kept."""
        v = self.vectoriser
        units, direct, _, prov = analysed if analysed is not None else v.analyzer.analyze(doc, provenance=True)
        # every (feature, weight, word) a unit's expansion or a direct feature gives, in that order
        unit_ids = np.fromiter((v.units.get(key, -1) for key in units), dtype=np.int64, count=len(units))
        known = [(key, uid) for key, uid in zip(units, unit_ids.tolist()) if uid >= 0]
        uids = unit_ids[unit_ids >= 0]
        ufeats, lens = take(v.unit_feats, uids, np.int64)
        uwts, _ = take(v.unit_wts, uids, np.float64)
        dkeys = list(direct)
        dids = _get_many(v.features, dkeys)
        dkept = [j for j, f in enumerate(dids) if f is not None]
        feats = np.concatenate([ufeats, np.fromiter((dids[j] for j in dkept), dtype=np.int64, count=len(dkept))])
        links = np.concatenate([uwts, np.ones(len(dkept))])
        weights = np.concatenate([np.repeat(np.fromiter((units[key] for key, _ in known), dtype=np.float64,
                                                        count=len(known)), lens),
                                  np.fromiter((direct[dkeys[j]] for j in dkept), dtype=np.float64, count=len(dkept))])
        vals = weights * links
        source = np.concatenate([np.repeat(np.arange(len(known)), lens), len(known) + np.arange(len(dkept))])
        surfaces = [prov[key] for key, _ in known] + [prov[dkeys[j]] for j in dkept]
        if only is not None:
            keep = np.isin(feats, only if isinstance(only, np.ndarray) else np.fromiter(only, dtype=np.int64))
            feats, vals, links, source = feats[keep], vals[keep], links[keep], source[keep]
        # per feature the largest weight, the first of equal ones
        order = np.lexsort((np.arange(len(feats)), -vals, feats))
        first = np.ones(len(order), dtype=bool)
        first[1:] = feats[order][1:] != feats[order][:-1]
        pick = order[first]
        picked = feats[pick]  # ascending
        # the words as numbers (one per distinct word), to compare them as arrays below
        code: dict[str, int] = {}
        codes = np.fromiter((code.setdefault(w, len(code)) for w in surfaces), dtype=np.int64, count=len(surfaces))
        picked_code = codes[source[pick]]
        # the features that link no reason (see quiet()): a unit's, where the word behind the
        # feature is the unit's own
        unit_code = np.fromiter((code.get(prov.get(key), -1) for key in units), dtype=np.int64, count=len(units))
        found = []
        for at, lens in self._quiet_of_units(units, unit_ids):
            whose = np.repeat(unit_code, lens)
            j = np.minimum(np.searchsorted(picked, at), max(len(picked) - 1, 0))
            hit = (picked[j] == at) & (picked_code[j] == whose) if len(picked) else np.zeros(len(at), dtype=bool)
            found.append(at[hit])
        return Words.of_sorted(picked, [surfaces[k] for k in source[pick].tolist()], links[pick], *found)

    def _quiet_of_units(self, units, uids: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per kind (weak, heads, head parts): :meth:`quiet` of every unit of ``units`` (their ids
        ``uids``, -1 where a unit has none) joined, and each unit's count; from the snapshot's table
        in one gather where it holds them all."""
        v = self.vectoriser
        base = self.quiet_base
        if base is not None and len(uids):
            if uids.min() >= 0 and uids.max() < base.n and (base.n_features == v.n_features
                                                            or base.complete[uids].all()):
                return [base.take(uids, kind) for kind in range(3)]
        quiet = [self.quiet(key) for key in units]
        out = []
        for kind in range(3):
            ids = [q[kind] for q in quiet]
            out.append(take(ids, np.arange(len(ids)), np.int64))
        return out

    quiet_base: "QuietTable | None" = None  # worked out at a snapshot's build, for the units then

    def quiet(self, key) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ids of a unit's weak, head and head-part features (see
        :meth:`Analyzer.weak_features`), kept per unit: working their names out and
        looking each name up again for every document explained cost ten times
        the document's analysis.  A snapshot holds them for the units of its
        build (:meth:`quiet_table`); a process works out and keeps those of later
        units.  A name without an id yet is looked up again once the vocabulary
        has grown."""
        v = self.vectoriser
        uid = v.units.get(key)
        if uid is None:
            return self._quiet_of(key)[:3]
        base = self.quiet_base
        if base is not None and uid < base.n and (base.complete[uid] or base.n_features == v.n_features):
            return base[uid]
        hit = self._quiet.get(uid)
        if hit is None or not (hit[3] or hit[4] == v.n_features):
            hit = self._quiet_of(key)
            if len(self._quiet) >= QUIET_CACHE_SIZE:
                self._quiet.clear()
            self._quiet[uid] = hit
        return hit[:3]

    def _quiet_of(self, key) -> tuple:
        """(weak, heads, head_parts ids, every name had an id, the vocabulary's size then)."""
        v = self.vectoriser
        names = v.analyzer.quiet_names(key)
        if not any(names):
            return _NO_QUIET
        ids, complete = _name_ids(v.features, names)
        return (*ids, complete, v.n_features)

    def quiet_table(self) -> "QuietTable":
        """:meth:`quiet` for every unit of the vocabulary, as arrays (for a snapshot)."""
        v = self.vectoriser
        quiet = [self._quiet_of(key) for key in sorted(v.units, key=v.units.get)]
        parts = [hit[kind] for hit in quiet for kind in range(3)]  # per unit its three kinds, in turn
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)), out=offsets[1:])
        ids = np.concatenate([np.asarray(p, dtype=np.int64) for p in parts]) if parts else np.zeros(0, np.int64)
        complete = np.fromiter((hit[3] for hit in quiet), dtype=bool, count=len(quiet))
        return QuietTable(_compact_ids(ids), offsets, complete, v.n_features)

    def reasons(self, q, qprov, c, cprov, score: float | None = None, keep_common: bool = False) -> list[Reason]:
        """Reasons from two stored or transformed rows; ``score`` defaults to
        their dot product.  With ``keep_common``, words that almost every document
        has, shared compound heads and loose links count too (a search marks the
        words it found for what a person typed, however common they are)."""
        q = q.tocsr()
        c = c.tocsr()
        common, qi, ci = _shared(q.indices, c.indices)
        prod = q.data[qi].astype(np.float64) * c.data[ci]
        if score is None:
            score = float(prod.sum())
        if len(common) == 0 or score <= 0:
            return []
        if len(common) > REASON_FEATURES:
            top = np.argpartition(-prod, REASON_FEATURES - 1)[:REASON_FEATURES]
            common, prod = common[top], prod[top]
        pairs: dict[tuple[str, str], float] = {}
        # pairs that name the same words with different case are merged
        merged: dict[tuple[str, str], float] = {}
        grams: dict[tuple[str, str], int] = {}  # shared char n-grams per merged pair
        solid: set[tuple[str, str]] = set()  # merged pairs that share a word or a bigram
        common_words: set[tuple[str, str]] = set()  # ... only words that (almost) every document has
        blocks, char = self.vectoriser.feature_block, BLOCKS["c"]
        # boilerplate and everyday words (whose documents are no more alike than any two) link no reason
        # (looked up for the shared features only: no array as wide as the vocabulary per call)
        boiler = (_at(self.boilerplate(), common) | _at(self.everyday(), common) if not keep_common
                  else np.zeros(len(common), dtype=bool))
        # features that link no reason: a side's weak features, and those both words have from the
        # heads of their compounds, one of them only from there
        if keep_common:
            quiet = np.zeros(len(common), dtype=bool)
        else:
            quiet = ((_in_sorted(common, _ids(qprov, "heads")) & _in_sorted(common, _ids(cprov, "head_parts")))
                     | (_in_sorted(common, _ids(cprov, "heads")) & _in_sorted(common, _ids(qprov, "head_parts"))))
        quiet |= boiler | _in_sorted(common, _ids(qprov, "weak")) | _in_sorted(common, _ids(cprov, "weak"))
        (qwords, qlink), (cwords, clink) = _lookup(qprov, common), _lookup(cprov, common)
        strength: dict[tuple[str, str], float] = {}  # the strongest solid link of a merged pair
        is_char = (_blocks(blocks, common) == char).tolist()
        for p, a, b, xq, xc, q, c in zip(prod.tolist(), qwords, cwords, qlink, clink,
                                         quiet.tolist(), is_char):
            if a is None or b is None:
                continue
            pairs[(a, b)] = pairs.get((a, b), 0.0) + p
            key = (a.casefold(), b.casefold())
            merged[key] = merged.get(key, 0.0) + p
            if c:
                grams[key] = grams.get(key, 0) + 1
            elif q:
                common_words.add(key)
            else:
                solid.add(key)
                x = xq * xc
                if x > strength.get(key, 0.0):
                    strength[key] = x
        min_link = self.config.reason_min_link if not keep_common else 0.0
        names = {}
        for (a, b) in sorted(pairs, key=pairs.get, reverse=True):
            names.setdefault((a.casefold(), b.casefold()), (a, b))
        cover = self.config.reason_char_cover
        lo, hi = self.config.char_ngram_range

        def linked(key) -> bool:
            # the same word, its lemma, a compound part, a translation or a
            # synonym: a shared word feature that is not boilerplate; never
            # character n-grams alone between two different words (unless
            # reason_char_cover is set)
            if key in solid:
                # a loose link (a fourth translation, a synonym of a part) names only the same word
                return strength.get(key, 0.0) >= min_link or fold(key[0]) == fold(key[1])
            if key in common_words:
                return False
            if fold(key[0]) == fold(key[1]):
                return True
            if cover is None:
                return False
            shorter = min(fold(key[0]), fold(key[1]), key=len)
            return grams.get(key, 0) >= cover * max(char_ngram_count(len(shorter), lo, hi), 1)

        top = sorted(((k, p) for k, p in merged.items() if linked(k)), key=lambda kv: kv[1], reverse=True)
        if not keep_common and self.config.reason_general_zipf is not None:
            # an everyday word of general language is no reason, whatever links it ("work ↔ Arbeit")
            top = [(k, p) for k, p in top if not (self.everyday_word(names[k][0]) or self.everyday_word(names[k][1]))]
        top = top[: self.config.n_reasons]
        return [Reason(*names[key], share=round(min(p / score, 1.0), 3)) for key, p in top if p / score >= 0.01]


def _fresh_key(doc: Document) -> tuple | None:
    """What a document that is not stored is kept by: its content (None: it has an id, and so is
    a stored document's newer text, looked at once)."""
    if doc.id is not None:
        return None
    return doc.title, tuple(doc.skills), doc.text, doc.lang, doc.field_langs


def _blocks(feature_block, fs: np.ndarray) -> np.ndarray:
    """The blocks of the features ``fs``: read from a loaded snapshot's array (and the blocks
    appended since) without copying the whole of it."""
    base = getattr(feature_block, "base", None)
    if base is None:
        return np.array([feature_block[f] for f in fs.tolist()], dtype=np.int64)
    n = len(base)
    inside = fs < n
    out = np.empty(len(fs), dtype=np.int64)
    out[inside] = base[fs[inside]]
    out[~inside] = [feature_block.extra[f - n] for f in fs[~inside].tolist()]
    return out


def _at(flags: np.ndarray, fs: np.ndarray) -> np.ndarray:
    """``flags[fs]``, False for the features beyond its end (added after it was learnt)."""
    inside = fs < len(flags)
    out = np.zeros(len(fs), dtype=bool)
    out[inside] = flags[fs[inside]]
    return out


def everyday_words(cand: np.ndarray | None, ratio: np.ndarray | None, width: int,
                   config: MatcherConfig) -> np.ndarray:
    """Per feature: True for an everyday word (see :meth:`Explainer.everyday`),
    from :func:`coherence`."""
    out = np.zeros(width, dtype=bool)
    if config.reason_min_coherence is not None and cand is not None:
        out[cand] = ratio < config.reason_min_coherence
    return out


def coherence(stores: Iterable[Store], feature_block: Sequence[int],
              config: MatcherConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The word features in enough documents to tell (``cand``), how much more
    alike than two documents at random the documents that have each are apart
    from it (``ratio``), and each one's number of documents (in the sample).

    For a word w in the set D of n documents, with rows r (L2-normalised) and
    S = the sum of their rows without w: the mean similarity of two of them
    apart from w is (|S|² − Σ|r − r_w|²) / (n (n − 1)); the baseline is the same
    over all N documents."""
    none = (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
    parts = [store.rows for store in stores if store.rows.shape[0] > 0]
    width = len(feature_block)
    if not parts:
        return none
    total_rows = sum(part.shape[0] for part in parts)
    if total_rows > config.reason_coherence_sample:
        # the sample's rows of the sides one after the other, taken from
        # each side's rows (not from a copy of all of them stacked)
        rng = np.random.default_rng(config.hub_seed)
        pick = np.sort(rng.choice(total_rows, config.reason_coherence_sample, replace=False))
        bounds = np.cumsum([0] + [part.shape[0] for part in parts])
        parts = [part[pick[(pick >= a) & (pick < b)] - a] for part, a, b in zip(parts, bounds, bounds[1:])]
    for i, part in enumerate(parts):
        if part.shape[1] != width:
            part = part.copy()
            part.resize((part.shape[0], width))
            parts[i] = part
    X = sp.vstack(parts).tocsr().astype(np.float64)
    N = X.shape[0]
    if N < 3:
        return none
    A = X.copy()
    A.data[:] = 1.0
    df = np.asarray(A.sum(axis=0)).ravel()
    words = np.asarray(feature_block, dtype=np.int8) == BLOCKS["w"]
    cand = np.flatnonzero(words & (df >= max(config.reason_coherence_min_docs, N // 100, 2)))
    if len(cand) == 0:
        return none
    norms2 = np.asarray(X.multiply(X).sum(axis=1)).ravel()
    total = np.asarray(X.sum(axis=0)).ravel()
    base = (total @ total - norms2.sum()) / (N * (N - 1))
    if base <= 0:
        return none
    Ac = A[:, cand].tocsc()
    S = (Ac.T @ X).tocsr()  # per candidate word: the sum of the rows that have it
    s2 = np.asarray(S.multiply(S).sum(axis=1)).ravel()
    col = np.asarray(X[:, cand].sum(axis=0)).ravel()  # the word's own weight in that sum
    col2 = np.asarray(X[:, cand].multiply(X[:, cand]).sum(axis=0)).ravel()
    n = df[cand]
    inner = (s2 - col ** 2 - (Ac.T @ norms2 - col2)) / (n * (n - 1))
    return cand, inner / base, n


def dot(a: sp.csr_matrix, b: sp.csr_matrix) -> float:
    """The score of two rows, widened to the same vocabulary."""
    n = max(a.shape[1], b.shape[1])
    if a.shape[1] != n:
        a = a.copy()
        a.resize((1, n))
    if b.shape[1] != n:
        b = b.copy()
        b.resize((1, n))
    return float((a @ b.T).toarray()[0, 0])
