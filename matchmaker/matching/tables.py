"""Read-only tables of the dictionaries, built once, written to a private cache and memory-mapped.

A table of words is a MARISA trie (``marisa-trie``): a set of strings in one compact file, looked up
in C, that a process maps instead of reading, so that every process that maps it shares its pages and
none writes to them (a Python dict or set of 100,000s of entries is rebuilt by every process, and its
objects' reference counts are written by every request that touches them).  A set of words is the
trie itself; ``Strings`` is a list of strings (offsets and UTF-8 bytes in one file); ``Table`` maps
the keys of a trie to the ``Strings`` of the same numbers (the trie numbers its keys 0..n-1).

The cache directory is private: ``$MATCHER_CACHE_DIR``, else ``~/.cache/matchmaker``, created with
mode 0700; a file is only read when the directory and the file belong to the current user and are not
writable by group or others, and when its structure checks out (no pickle: reading one runs no code).
A file is written under a temporary name and renamed, so a reader never sees half of one.
"""
from __future__ import annotations

import hashlib
import logging
import mmap
import os
import stat
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

import marisa_trie

log = logging.getLogger("matchmaker.matching")

CACHE_ENV_VAR = "MATCHER_CACHE_DIR"


def cache_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The directory of the cached tables: ``explicit``, else ``$MATCHER_CACHE_DIR``, else
    ``~/.cache/matchmaker``."""
    return Path(explicit or os.environ.get(CACHE_ENV_VAR) or Path.home() / ".cache" / "matchmaker")


def source_tag(path: Path, fmt: int | str) -> str:
    """A short name for a source file as it is now (its path, size and modification time) and the
    format its tables are written in: a changed file or format gets new tables."""
    st = path.stat()
    return hashlib.sha1(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{fmt}".encode(),
                        usedforsecurity=False).hexdigest()[:16]


def private_dir(cdir: Path, create: bool = False) -> bool:
    """True when ``cdir`` is a directory owned by this user that no one else
    may write to (created with mode 0700 when ``create``)."""
    try:
        if create:
            cdir.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = cdir.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        log.warning("dictionary cache %s is not owned by this user; not used", cdir)
        return False
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        log.warning("dictionary cache %s is writable by others; not used", cdir)
        return False
    return True


def private_file(path: Path) -> bool:
    """True when ``path`` is a regular file of this user that no one else may write to."""
    try:
        st = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not (hasattr(os, "getuid") and st.st_uid != os.getuid())


T = TypeVar("T")


def kept(path: Path | None, read: Callable[[Path], T], make: Callable[[], T],
         write: Callable[[Path, T], None], written: Path | None = None) -> T:
    """What ``read(path)`` maps from the private cache; else ``make()``, written there with
    ``write(path, made)`` and mapped again, or ``made`` itself where the cache cannot be used (no
    path, a directory that is not private, a read-only disk).  ``read`` raises OSError or ValueError
    for a missing, foreign or damaged file; one that was written (``written``, default ``path``,
    exists) and is not read is logged."""
    if path is not None and private_dir(path.parent):
        try:
            return read(path)
        except (OSError, ValueError) as exc:
            if (written or path).exists():
                log.info("cached table %s not read, made again: %s", path, exc)
    made = make()
    if path is not None and private_dir(path.parent, create=True):
        try:
            write(path, made)
            return read(path)
        except (OSError, ValueError) as exc:  # a read-only disk only costs the making next time
            log.info("could not cache the table %s: %s", path, exc)
    return made


def _write(path: Path, write) -> None:
    """``write(binary file)`` to a temporary name beside ``path`` (mode 0600), then rename it."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with open(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# -- a set of strings ----------------------------------------------------------------------------
# A set is the MARISA trie itself (``marisa_trie.Trie``): ``in``, ``len``, iteration, ``get`` (the
# number of a key, 0..len-1, or None) and ``prefixes`` (the keys that begin a string) are each one
# call into C.

def word_set(words: Iterable[str]) -> marisa_trie.Trie:
    return marisa_trie.Trie(words, num_tries=1)


def write_set(path: Path, trie: marisa_trie.Trie) -> None:
    data = trie.tobytes()
    _write(path, lambda f: f.write(data))


def read_set(path: Path) -> marisa_trie.Trie:
    """The set written at ``path``, memory-mapped; OSError or ValueError when it is missing,
    foreign or damaged."""
    if not private_file(path):
        raise OSError(f"{path} is missing or not private")
    try:
        return marisa_trie.Trie().mmap(str(path))
    except RuntimeError as exc:  # marisa's own checks of the file's structure
        raise ValueError(f"damaged table {path}: {exc}") from exc


# -- a list of strings ---------------------------------------------------------------------------

_MAGIC = b"mmstr\x00\x01\x00"  # file magic and format of Strings
_HEAD = struct.Struct("<8sQQ")  # magic, number of strings, bytes of text


class Strings:
    """A list of strings as one file: a header, the offsets (int64, one more than the strings)
    and the UTF-8 bytes, memory-mapped; a string is decoded when asked for."""

    __slots__ = ("_map", "_offsets", "_text", "_n")

    def __init__(self, buffer, n: int, n_bytes: int, start: int = _HEAD.size, keep=None):
        view = memoryview(buffer)
        self._map = keep
        self._offsets = view[start : start + 8 * (n + 1)].cast("q")
        self._text = view[start + 8 * (n + 1) : start + 8 * (n + 1) + n_bytes]
        self._n = n

    @staticmethod
    def encode(items: Iterable[str]) -> bytes:
        parts = [s.encode("utf-8", "surrogatepass") for s in items]
        offsets = [0]
        for p in parts:
            offsets.append(offsets[-1] + len(p))
        text = b"".join(parts)
        return _HEAD.pack(_MAGIC, len(parts), len(text)) + struct.pack(f"<{len(offsets)}q", *offsets) + text

    @classmethod
    def of(cls, items: Iterable[str]) -> "Strings":
        data = cls.encode(items)
        _, n, n_bytes = _HEAD.unpack_from(data)
        return cls(data, n, n_bytes)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, j: int) -> str:
        o = self._offsets
        return str(self._text[o[j] : o[j + 1]], "utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        return (self[j] for j in range(self._n))

    @staticmethod
    def write(path: Path, items: Iterable[str]) -> None:
        data = Strings.encode(items)
        _write(path, lambda f: f.write(data))

    @classmethod
    def read(cls, path: Path) -> "Strings":
        """The strings written at ``path``, memory-mapped; OSError or ValueError when the file is
        missing, foreign or damaged."""
        if not private_file(path):
            raise OSError(f"{path} is missing or not private")
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size < _HEAD.size:
                raise ValueError(f"damaged table {path}")
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        magic, n, n_bytes = _HEAD.unpack_from(mm)
        if magic != _MAGIC or size != _HEAD.size + 8 * (n + 1) + n_bytes:
            mm.close()
            raise ValueError(f"damaged table {path}")
        out = cls(mm, n, n_bytes, keep=mm)
        o = out._offsets
        if o[0] != 0 or o[n] != n_bytes:
            raise ValueError(f"damaged table {path}")
        return out


# -- a mapping of strings ------------------------------------------------------------------------

class Table(Mapping):
    """Keys (a set, as above) to strings (``Strings``, by the keys' numbers): a read-only mapping."""

    def __init__(self, keys: marisa_trie.Trie, values: Strings):
        if len(keys) != len(values):
            raise ValueError("a table's keys and values differ in number")
        self.keys_ = keys
        self.values_ = values
        self._id = keys.get
        self._contains = keys.__contains__

    @classmethod
    def of(cls, mapping: Mapping[str, str]) -> "Table":
        keys = word_set(mapping)
        by_id = [""] * len(keys)
        for k, j in keys.iteritems():
            by_id[j] = mapping[k]
        return cls(keys, Strings.of(by_id))

    def get(self, key, default=None):
        j = self._id(key)
        return default if j is None else self.values_[j]

    def __getitem__(self, key):
        j = self._id(key)
        if j is None:
            raise KeyError(key)
        return self.values_[j]

    def __contains__(self, key) -> bool:
        return self._contains(key)

    def __len__(self) -> int:
        return len(self.keys_)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_)

    def items(self):
        values = self.values_
        return ((k, values[j]) for k, j in self.keys_.iteritems())

    def write(self, prefix: Path) -> None:
        write_set(prefix.with_name(prefix.name + ".keys"), self.keys_)
        Strings.write(prefix.with_name(prefix.name + ".values"), self.values_)

    @classmethod
    def read(cls, prefix: Path) -> "Table":
        """The table written with ``prefix``, memory-mapped; OSError or ValueError when a file is
        missing, foreign or damaged."""
        return cls(read_set(prefix.with_name(prefix.name + ".keys")),
                   Strings.read(prefix.with_name(prefix.name + ".values")))


# -- simplemma's word lists ----------------------------------------------------------------------

LEMMA_FORMAT = 1  # of the written lemma tables


class LemmaTables:
    """simplemma's word lists (word -> lemma, per language) as tables: a ``DictionaryFactory`` for
    simplemma's strategies.  simplemma ships them compressed and decodes one into a dict of 100,000s
    of entries in every process that lemmatises (about 1 s for German); here they are decoded once,
    written to the private cache as ``simplemma-<version>-<lang>`` (a version ships one set of
    word lists) and memory-mapped.  Without a usable cache, simplemma's own dict is used."""

    def __init__(self, cache_dir_: str | os.PathLike | None = None):
        self.cache_dir = cache_dir_
        self._tables: dict[str, Mapping[str, str]] = {}

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        hit = self._tables.get(lang)
        if hit is None:
            hit = self._tables[lang] = self._load(lang)
        return hit

    def _load(self, lang: str) -> Mapping[str, str]:
        from simplemma import __version__ as version
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory

        if not lang.isalpha():  # (simplemma's language codes; the name of a file below)
            raise ValueError(f"Unsupported language: {lang}")
        prefix = cache_dir(self.cache_dir) / f"simplemma-{version}-{lang}-t{LEMMA_FORMAT}"
        # simplemma's own, decoded into a dict (a factory of our own, so that no copy stays behind)
        return kept(prefix, Table.read, lambda: DefaultDictionaryFactory(cache_max_size=1).get_dictionary(lang),
                    lambda p, words: Table.of(words).write(p), written=prefix.with_name(prefix.name + ".keys"))
