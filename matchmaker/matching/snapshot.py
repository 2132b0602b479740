"""The fitted index on disk: memory-mapped arrays, the vocabulary, and a note of what it reflects.

A snapshot is a folder written once and never changed:

- ``state.pkl``: the matcher's state (vocabulary, IDF, the stores, the hub samples, the typo words),
  pickled with every large array left out and named instead;
- ``a<n>.npy``: those arrays (CSR data / indices / indptr, IDF, hub values, the feature table, the
  documents' texts, the hashes of the corpus's typo index), loaded with ``mmap_mode="r"``: every process that maps them shares the pages of
  the page cache, so a second process costs little memory and starts at once;
- ``meta.pkl``: what the caller stores beside it (the database version it was built from and the
  rows it holds);
- ``done``: written last; a folder without it is not a snapshot.

Large Python containers would cost seconds to unpickle and a private copy per process, so three are
kept as arrays with a small overlay for what is added after loading: the feature names
(:class:`FeatureTable`, a sorted table of 64-bit hashes), each unit's features (:class:`Ragged`) and
the stored documents' texts (:class:`DocTable`, decoded on use, for reasons only).

:func:`publish` writes a snapshot into a new folder of a root folder and then switches the root's
``current`` link to it with one ``os.replace`` (a reader sees the old snapshot or the new one,
never half of one); older folders beyond ``keep`` are removed. :func:`current` names the folder a
reader should load. This module knows nothing of Flask or of the database.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle  # nosec B403 - snapshots are written only by this app into its own folder (MATCHER_SNAPSHOT_DIR), never taken from a user
import shutil
import time
from collections.abc import Callable, Hashable, Iterator, MutableMapping
from pathlib import Path

import numpy as np

from .documents import Document

FORMAT = 2
READS = (1, 2)  # the formats load understands (1: the typo index's words only, rebuilt on load)
LINK = "current"
PREFIX = "snap-"
INLINE_BYTES = 4096  # arrays smaller than this stay inside state.pkl


# ---- the containers kept as arrays ---------------------------------------------------------------

def feature_hash(name: str) -> int:
    """A stable 64-bit hash of a feature name (the same in every process, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


class FeatureTable(MutableMapping):
    """Feature name -> id, as a sorted array of name hashes beside the ids, plus a dict of the names
    added since. Two names of one hash would share an id; with 64 bits and a few million names the
    chance of that is below one in a million per snapshot."""

    def __init__(self, hashes: np.ndarray, ids: np.ndarray, added: dict[str, int] | None = None):
        self.hashes = hashes
        self.ids = ids
        self.added = dict(added or {})

    @classmethod
    def of(cls, features) -> "FeatureTable":
        """A table of a dict (or of a table and what was added to it)."""
        if isinstance(features, FeatureTable):
            if not features.added:
                return features
            names = list(features.added)
            base_h, base_i = features.hashes, features.ids
            new_i = np.fromiter(features.added.values(), dtype=np.int64, count=len(names))
        else:
            names = list(features)
            base_h, base_i = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
            new_i = np.fromiter(features.values(), dtype=np.int64, count=len(names))
        new_h = np.fromiter(map(feature_hash, names), dtype=np.uint64, count=len(names))
        h = np.concatenate([np.asarray(base_h), new_h])
        i = np.concatenate([np.asarray(base_i), new_i])
        order = np.argsort(h, kind="stable")
        return cls(h[order], i[order])

    def _base(self, name: str) -> int | None:
        if not len(self.hashes):
            return None
        h = np.uint64(feature_hash(name))
        j = int(self.hashes.searchsorted(h))  # the method: np.searchsorted's wrapper costs as much again
        if j < len(self.hashes) and self.hashes[j] == h:
            return int(self.ids[j])
        return None

    def get_many(self, names: list[str]) -> list[int | None]:
        """:meth:`get` for many names at once (one search over their hashes
        instead of one per name); None for a name the table does not have."""
        out = list(map(self.added.get, names))
        miss = [j for j, fid in enumerate(out) if fid is None]
        if miss and len(self.hashes):
            h = np.fromiter((feature_hash(names[j]) for j in miss), dtype=np.uint64, count=len(miss))
            at = np.minimum(self.hashes.searchsorted(h), len(self.hashes) - 1)
            found = self.hashes[at] == h
            for j, ok, fid in zip(miss, found.tolist(), self.ids[at].tolist()):
                if ok:
                    out[j] = fid
        return out

    def get(self, name, default=None):
        fid = self.added.get(name)
        if fid is None:
            fid = self._base(name)
        return default if fid is None else fid

    def __getitem__(self, name):
        fid = self.get(name)
        if fid is None:
            raise KeyError(name)
        return fid

    def __contains__(self, name) -> bool:
        return self.get(name) is not None

    def __setitem__(self, name, fid) -> None:
        self.added[name] = fid

    def __delitem__(self, name) -> None:
        raise TypeError("features are never removed")

    def update(self, pairs=(), **kw) -> None:
        self.added.update(pairs, **kw)

    def __len__(self) -> int:
        return len(self.hashes) + len(self.added)

    def __iter__(self) -> Iterator[str]:
        # the names of the base are not kept: only those added since can be listed
        return iter(self.added)


class Ragged:
    """A list of 1-d arrays stored as one array and its offsets, plus the arrays appended since."""

    def __init__(self, data: np.ndarray, offsets: np.ndarray, tail: list | None = None):
        self.data = data
        self.offsets = offsets
        self.tail = list(tail or [])

    @classmethod
    def of(cls, arrays, dtype) -> "Ragged":
        if isinstance(arrays, Ragged):
            if not arrays.tail:
                return arrays
            head = [np.asarray(arrays.data)]
            lens = [np.diff(np.asarray(arrays.offsets))]
            rest = arrays.tail
        else:
            head, lens, rest = [], [], list(arrays)
        lens.append(np.fromiter((len(a) for a in rest), dtype=np.int64, count=len(rest)))
        offsets = np.zeros(sum(len(x) for x in lens) + 1, dtype=np.int64)
        np.cumsum(np.concatenate(lens), out=offsets[1:])
        data = np.concatenate(head + [np.asarray(a, dtype=dtype) for a in rest]) if head or rest else np.zeros(0, dtype)
        return cls(data.astype(dtype, copy=False), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1 + len(self.tail)

    def __getitem__(self, i: int) -> np.ndarray:
        n = len(self.offsets) - 1
        if i < 0:
            i += len(self)
        if i < n:
            return self.data[self.offsets[i] : self.offsets[i + 1]]
        return self.tail[i - n]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def append(self, array: np.ndarray) -> None:
        self.tail.append(array)

    def take(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The arrays of ``ids`` joined (in that order), and their lengths."""
        return take(self, ids, self.data.dtype)


def take(arrays, ids: np.ndarray, dtype) -> tuple[np.ndarray, np.ndarray]:
    """``arrays[i]`` for each of ``ids``, joined, and their lengths; of a :class:`Ragged` (the ids all
    in its joined part) with one gather instead of a slice per id."""
    ids = np.asarray(ids, dtype=np.int64)
    if isinstance(arrays, Ragged) and len(ids) and int(ids.max()) < len(arrays.offsets) - 1:
        starts = arrays.offsets[ids]
        lens = arrays.offsets[ids + 1] - starts
        ends = np.cumsum(lens)
        at = np.repeat(starts - (ends - lens), lens) + np.arange(int(ends[-1]))
        return arrays.data[at].astype(dtype, copy=False), lens
    parts = [arrays[i] for i in ids.tolist()]
    lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    return (np.concatenate([np.asarray(a, dtype=dtype) for a in parts]) if parts else np.zeros(0, dtype)), lens


class BlockList:
    """The block of each feature (vectorise.py): an array, plus the blocks appended since."""

    def __init__(self, base: np.ndarray, extra: list | None = None):
        self.base = base
        self.extra = list(extra or [])

    def __len__(self) -> int:
        return len(self.base) + len(self.extra)

    def __getitem__(self, s):
        n = len(self.base)
        if isinstance(s, slice):
            if (s.start or 0) >= n and s.step is None:
                stop = None if s.stop is None else s.stop - n
                return self.extra[(s.start or 0) - n : stop]
            return np.asarray(self)[s].tolist()
        # one feature's block (a reason asks for each feature it names): without joining every block
        i = int(s)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(s)
        return int(self.base[i]) if i < n else int(self.extra[i - n])

    def __array__(self, dtype=None, copy=None):
        out = np.concatenate([np.asarray(self.base, dtype=np.int8), np.asarray(self.extra, dtype=np.int8)])
        return out if dtype is None else out.astype(dtype)

    def append(self, block: int) -> None:
        self.extra.append(block)

    def extend(self, blocks) -> None:
        self.extra.extend(blocks)


class DocTable(MutableMapping):
    """Document id -> :class:`Document`: the documents of the snapshot as one UTF-8 array (decoded
    when asked for, for reasons), plus those set since and the ids removed."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray, ids: list, added: dict | None = None):
        self.blob = blob
        self.offsets = offsets
        self.pos = {doc_id: j for j, doc_id in enumerate(ids)}
        self.added: dict[Hashable, Document] = dict(added or {})
        self.gone: set = set()

    @classmethod
    def of(cls, docs) -> "DocTable":
        ids, parts = [], []
        for doc_id, doc in docs.items():
            ids.append(doc_id)
            parts.append(json.dumps([doc.title, list(doc.skills), doc.text, doc.lang, doc.field_langs],
                                    ensure_ascii=False).encode("utf-8", "surrogatepass"))
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)), out=offsets[1:])
        blob = np.frombuffer(b"".join(parts), dtype=np.uint8).copy()
        return cls(blob, offsets, ids)

    def __getstate__(self):
        return {"blob": self.blob, "offsets": self.offsets, "ids": list(self.pos)}

    def __setstate__(self, state):
        self.__init__(state["blob"], state["offsets"], state["ids"])

    def __getitem__(self, doc_id) -> Document:
        doc = self.added.get(doc_id)
        if doc is not None:
            return doc
        j = self.pos.get(doc_id) if doc_id not in self.gone else None
        if j is None:
            raise KeyError(doc_id)
        raw = bytes(self.blob[self.offsets[j] : self.offsets[j + 1]])
        title, skills, text, lang, *field_langs = json.loads(raw.decode("utf-8", "surrogatepass"))
        return Document(id=doc_id, title=title, skills=skills, text=text, lang=lang,
                        field_langs=field_langs[0] if field_langs else ())

    def get(self, doc_id, default=None):
        try:
            return self[doc_id]
        except KeyError:
            return default

    def __contains__(self, doc_id) -> bool:
        return doc_id in self.added or (doc_id in self.pos and doc_id not in self.gone)

    def __setitem__(self, doc_id, doc: Document) -> None:
        self.added[doc_id] = doc
        self.gone.discard(doc_id)

    def __delitem__(self, doc_id) -> None:
        if doc_id not in self:
            raise KeyError(doc_id)
        self.added.pop(doc_id, None)
        if doc_id in self.pos:
            self.gone.add(doc_id)

    def pop(self, doc_id, *default):
        try:
            doc = self[doc_id]
        except KeyError:
            if default:
                return default[0]
            raise
        del self[doc_id]
        return doc

    def __iter__(self):
        yield from (i for i in self.pos if i not in self.gone and i not in self.added)
        yield from self.added

    def __len__(self) -> int:
        return sum(1 for _ in self)


# ---- pickling with the large arrays beside -------------------------------------------------------

class _Writer(pickle.Pickler):
    def __init__(self, file, folder: Path):
        super().__init__(file, protocol=5)
        self.folder = folder
        self.count = 0
        self.seen: dict[int, str] = {}

    def persistent_id(self, obj):
        if type(obj) is np.ndarray or isinstance(obj, np.memmap):
            if obj.dtype.hasobject or obj.nbytes < INLINE_BYTES:
                return None
            name = self.seen.get(id(obj))
            if name is None:
                name = f"a{self.count}"
                self.count += 1
                with open(self.folder / f"{name}.npy", "wb") as f:
                    np.save(f, np.ascontiguousarray(obj), allow_pickle=False)
                    f.flush()
                    os.fsync(f.fileno())
                self.seen[id(obj)] = name
            return ("npy", name)
        return None


class _Reader(pickle.Unpickler):
    def __init__(self, file, folder: Path, mmap: bool):
        super().__init__(file)
        self.folder = folder
        self.mode = "r" if mmap else None
        self.loaded: dict[str, np.ndarray] = {}

    def persistent_load(self, pid):
        kind, name = pid
        if kind != "npy":
            raise pickle.UnpicklingError(f"unknown reference {kind!r}")
        if name not in self.loaded:
            array = np.load(self.folder / f"{name}.npy", mmap_mode=self.mode, allow_pickle=False)
            # a plain (read-only) view of the mapping, which it keeps alive: indexing an np.memmap
            # runs Python code (__getitem__, __array_finalize__) for every look-up, a fifth of a
            # fresh query's time on a loaded index (the feature table and the units' features)
            self.loaded[name] = np.asarray(array)
        return self.loaded[name]


def _dump(obj, path: Path) -> None:
    with open(path, "wb") as f:
        _Writer(f, path.parent).dump(obj)
        f.flush()
        os.fsync(f.fileno())


def _load(path: Path, mmap: bool = True):
    with open(path, "rb") as f:
        return _Reader(f, path.parent, mmap).load()


# ---- a matcher's state ---------------------------------------------------------------------------

def matcher_state(matcher) -> dict:
    """What a loaded matcher needs of a fitted one (taken under its lock)."""
    with matcher._lock:
        v = matcher.vectoriser
        stores = {}
        for side, store in matcher.stores.items():
            st = dict(store.__dict__)
            st["docs"] = store.docs if isinstance(store.docs, DocTable) and not store.docs.added \
                and not store.docs.gone else DocTable.of(store.docs)
            st["_stacked"] = None
            stores[side] = st
        typos = v.analyzer.corpus_typos
        return {
            "format": FORMAT,
            "config": matcher.config,
            "pairs": matcher.pairing.pairs,
            "vectoriser": {
                "features": FeatureTable.of(v.features),
                "feature_block": np.asarray(v.feature_block, dtype=np.int8),
                "block_arr": np.asarray(v.block_arr),
                "units": v.units,
                "unit_feats": Ragged.of(v.unit_feats, np.int64),
                "unit_wts": Ragged.of(v.unit_wts, np.float64),
                "idf": np.asarray(v.idf),
                "n_fit": v.n_fit,
                "avg_len": v.avg_len,
                "fitted": v.fitted,
            },
            "corpus_typos": typos,  # its arrays written beside, so a load does not rebuild it
            "corpus_parts": sorted(v.analyzer.corpus_parts),  # the index's words that split compounds
            "stores": stores,
            "hub_refs": dict(matcher.hubs.refs),
            "hub_changes": dict(matcher.hubs.changes),
            "boilerplate": matcher.explainer.boilerplate(),
            # learnt at the build from a sample of the rows: a serving process does not learn it again
            "everyday": matcher.explainer.everyday(),
            "general": matcher.explainer.general(),
            # each unit's features that link no reason, as ids: a serving process neither works them
            # out nor keeps their names (reasons.Explainer.quiet)
            "quiet": matcher.explainer.quiet_table(),
        }


def restore(state: dict, bridge=None):
    """A matcher from :func:`matcher_state` (its arrays possibly memory-mapped)."""
    from .engine import Matcher
    from .store import Store

    if state.get("format") not in READS:
        raise ValueError(f"snapshot format {state.get('format')!r}, expected one of {READS}")
    m = Matcher(state["config"], bridge=bridge, pairs=state["pairs"])
    v = m.vectoriser
    vs = state["vectoriser"]
    v.features = vs["features"]
    v.feature_block = BlockList(vs["feature_block"])
    v.block_arr = vs["block_arr"]
    v.units = vs["units"]
    v.unit_feats = vs["unit_feats"]
    v.unit_wts = vs["unit_wts"]
    v.idf = vs["idf"]
    v.n_fit, v.avg_len, v.fitted = vs["n_fit"], vs["avg_len"], vs["fitted"]
    if state.get("corpus_typos") is not None:
        v.analyzer.corpus_typos = state["corpus_typos"]
    elif state.get("corpus_words") is not None:
        v.analyzer.set_corpus_words(state["corpus_words"])
    if state.get("corpus_parts"):
        v.analyzer.set_corpus_parts(state["corpus_parts"])
    for side, st in state["stores"].items():
        store = Store()
        store.__dict__.update(st)
        store.alive = np.array(store.alive, dtype=bool)  # written in place when a row dies
        m.stores[side] = store
    m.hubs.stores = m.explainer.stores = m.stores
    m.hubs.refs = state["hub_refs"]
    m.hubs.changes = state["hub_changes"]
    m.explainer._boiler = state["boilerplate"]
    m.explainer._everyday = state.get("everyday")  # snapshots written before it: learnt on first use
    m.explainer._general = state.get("general")
    m.explainer.quiet_base = state.get("quiet")  # snapshots written before it: worked out on first use
    # The analyser's tables (lemmas per language) are loaded on first use: now, so that a process
    # forked after loading (gunicorn --preload) shares them instead of loading its own copy.
    for lang, text in (("de", "Anlagen planen und prüfen"), ("en", "planning and testing plants")):
        m.analyzer.analyze(Document(id=None, title=text, skills=(text,), text=text, lang=lang), provenance=True)
        if m.analyzer.bridge is not None:
            m.analyzer._dictionary_typos(lang)  # the dictionary's spellings, for the typos of later words
    return m


# ---- folders -------------------------------------------------------------------------------------

def save(matcher, folder: Path, meta: dict) -> None:
    """Write a snapshot of ``matcher`` with ``meta`` into the new, empty ``folder``."""
    folder.mkdir(parents=True)
    _dump(matcher_state(matcher), folder / "state.pkl")
    _dump(meta, folder / "meta.pkl")
    with open(folder / "done", "w") as f:
        f.write(f"{FORMAT}\n")
        f.flush()
        os.fsync(f.fileno())


def load(folder: Path, bridge=None, mmap: bool = True):
    """(matcher, meta) of the snapshot in ``folder``."""
    folder = Path(folder)
    if not (folder / "done").exists():
        raise FileNotFoundError(f"no finished snapshot in {folder}")
    meta = _load(folder / "meta.pkl", mmap)
    return restore(_load(folder / "state.pkl", mmap), bridge), meta


def load_meta(folder: Path) -> dict:
    return _load(Path(folder) / "meta.pkl")


def current(root: Path) -> Path | None:
    """The folder the root's ``current`` link names (None: no snapshot yet)."""
    link = Path(root) / LINK
    try:
        target = os.readlink(link)
    except (FileNotFoundError, NotADirectoryError):
        return None
    folder = (Path(root) / target).resolve()
    return folder if (folder / "done").exists() else None


def publish(root: Path, write: Callable[[Path], None], keep: int = 2) -> Path:
    """Let ``write`` fill a new folder under ``root``, then make it the current one atomically;
    keep the ``keep`` newest folders (the one replaced may still be loading somewhere)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    name = f"{PREFIX}{stamp}-{time.time_ns() % 1_000_000_000:09d}-{os.getpid()}"
    folder = root / name
    try:
        write(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    tmp = root / f".{LINK}-{os.getpid()}-{time.time_ns()}"
    os.symlink(name, tmp)
    os.replace(tmp, root / LINK)  # the switch: one rename
    prune(root, keep)
    return folder


def prune(root: Path, keep: int = 2) -> None:
    """Remove snapshot folders but the ``keep`` newest and the current one."""
    now = current(root)
    folders = sorted((p for p in Path(root).glob(f"{PREFIX}*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in folders[: max(0, len(folders) - keep)]:
        if now is None or old.resolve() != now:
            shutil.rmtree(old, ignore_errors=True)
