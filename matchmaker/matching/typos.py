"""Nearest known spellings of a misspelt word: a symmetric-delete index (as SymSpell).

Every known word is indexed under itself and each spelling with one letter
deleted; a word looked up is tried the same way, so two words meet when they
are one insertion, deletion, substitution or transposition apart (the
optimal-string-alignment distance is checked on the few candidates found).
The index keeps the hash of each spelling in one sorted numpy array (about
12 bytes an entry: the dictionary's 385,000 words are 5 million entries,
60 MB), and a look-up is a binary search per spelling: linear in the word.
"""
from __future__ import annotations

import bisect
import functools
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

MIN_LEN = 5  # shorter words are too close to too many others
MAX_LEN = 40  # longer ones are not looked up (nor indexed)


def _spellings(word: str) -> set[str]:
    out = {word}
    out.update(word[:i] + word[i + 1 :] for i in range(len(word)))
    return out


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance of two words, or ``limit + 1``
    when it is larger than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1] if prev[-1] <= limit else limit + 1


# The spellings' hashes are a polynomial over the code points, modulo 2**64: the same in every
# process (unlike ``hash``), so an index can be written once and memory-mapped, and the hashes of
# a word's deletions follow from its prefix sums, for all words at once in numpy.  Two spellings
# of one hash only bring an extra candidate, which the distance check drops.
_P = 0x100000001B3
_P_INV = pow(_P, -1, 2**64)
_CHUNK = 32_768  # words per block of the (words x letters) arrays


def spelling_hashes(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The hash of each word and of each of its one-letter deletions, and the index of the word
    each belongs to (in word order; a spelling met twice in one word, as "aab" without either
    "a", is kept once)."""
    keys, ids = [], []
    for a in range(0, len(words), _CHUNK):
        k, i = _hashes(words[a : a + _CHUNK])
        keys.append(k)
        ids.append(i + a)
    if not keys:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    return np.concatenate(keys), np.concatenate(ids)


def _hashes(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    n = len(words)
    lens = np.fromiter(map(len, words), dtype=np.int64, count=n)
    m = int(lens.max()) if n else 0
    codes = np.zeros((n, m + 1), dtype=np.uint64)
    inside = np.arange(m + 1) < lens[:, None]
    codes[inside] = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.r_[np.uint64(1), np.full(m, _P, dtype=np.uint64)], dtype=np.uint64)
        prefix = np.zeros((n, m + 2), dtype=np.uint64)  # prefix[:, i]: the hash of the first i letters
        np.cumsum(codes * powers, axis=1, dtype=np.uint64, out=prefix[:, 1:])
        whole = prefix[np.arange(n), lens]
        # without letter i: the first i letters, then the rest one place lower
        dels = prefix[:, :-1] + (whole[:, None] - prefix[:, 1:]) * np.uint64(_P_INV)
    # deleting any letter of a run of equal ones ("aab") gives one spelling: keep the run's first
    first = inside.copy()
    first[:, 1:] &= codes[:, 1:] != codes[:, :-1]
    keys = np.concatenate([whole[:, None], dels], axis=1)[np.concatenate([np.ones((n, 1), dtype=bool), first], axis=1)]
    ids = np.repeat(np.arange(n), 1 + first.sum(axis=1))
    return keys, ids


class WordList:
    """A sorted list of words kept as one UTF-8 array and its offsets (memory-mapped from a
    file), a word decoded when asked for."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray):
        self.blob = blob
        self.offsets = offsets

    @classmethod
    def of(cls, words: list[str]) -> "WordList":
        parts = [w.encode("utf-8", "surrogatepass") for w in words]
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)), out=offsets[1:])
        return cls(np.frombuffer(b"".join(parts), dtype=np.uint8), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, j: int) -> str:
        return bytes(self.blob[self.offsets[j] : self.offsets[j + 1]]).decode("utf-8", "surrogatepass")

    def __iter__(self):
        return (self[j] for j in range(len(self)))


FORMAT = 1  # of the written index: bump when the hash or the files change
FILES = ("keys", "ids", "blob", "offsets")  # the arrays of a written index, one .npy each


class TypoIndex:
    """Known spellings (folded words of ``MIN_LEN``..``MAX_LEN`` letters)."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted({w for w in words if MIN_LEN <= len(w) <= MAX_LEN and w.isalpha()})
        k, i = spelling_hashes(self.words)
        order = np.argsort(k)  # the order within one key does not matter: candidates are a set
        self.keys = k[order]
        self.ids = i.astype(np.int32)[order]

    @functools.cached_property
    def known(self) -> frozenset[str]:
        return frozenset(self.words)

    def knows(self, word: str) -> bool:
        """``word in self.known`` without building that set (a binary search of the sorted words)."""
        j = bisect.bisect_left(self.words, word)
        return j < len(self.words) and self.words[j] == word

    def __getstate__(self):
        return {"words": self.words, "keys": self.keys, "ids": self.ids}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def write(self, prefix: Path) -> None:
        """Write the index as ``<prefix>.<name>.npy`` files (each to a temporary name first)."""
        words = self.words if isinstance(self.words, WordList) else WordList.of(self.words)
        arrays = {"keys": self.keys, "ids": self.ids, "blob": words.blob, "offsets": words.offsets}
        for name in FILES:
            path = prefix.with_name(f"{prefix.name}.{name}.npy")
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with open(fd, "wb") as f:
                np.save(f, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            os.replace(tmp, path)

    @classmethod
    def read(cls, prefix: Path) -> "TypoIndex":
        """An index written by :meth:`write`, its arrays memory-mapped (shared by every process
        that maps them); OSError or ValueError when a file is missing or damaged."""
        a = {name: np.load(prefix.with_name(f"{prefix.name}.{name}.npy"), mmap_mode="r", allow_pickle=False)
             for name in FILES}
        if len(a["keys"]) != len(a["ids"]) or len(a["offsets"]) < 1 or a["offsets"][-1] != len(a["blob"]):
            raise ValueError(f"damaged typo index {prefix}")
        self = cls.__new__(cls)
        self.words, self.keys, self.ids = WordList(a["blob"], a["offsets"]), a["keys"], a["ids"]
        return self

    def __len__(self) -> int:
        return len(self.words)

    def nearest(self, word: str, max_distance: int = 1) -> tuple[int, list[str]]:
        """The known words nearest to ``word`` (not ``word`` itself) within
        ``max_distance``, and their distance; ``(max_distance + 1, [])`` when
        there is none."""
        if not MIN_LEN - 1 <= len(word) <= MAX_LEN or not len(self.keys):
            return max_distance + 1, []
        h = spelling_hashes([word])[0]
        lo = np.searchsorted(self.keys, h, "left")
        hi = np.searchsorted(self.keys, h, "right")
        cands = {self.words[j] for a, b in zip(lo.tolist(), hi.tolist()) for j in self.ids[a:b].tolist()}
        cands.discard(word)
        best, out = max_distance + 1, []
        for c in sorted(cands):
            d = osa_distance(word, c, max_distance)
            if d < best:
                best, out = d, [c]
            elif d == best and d <= max_distance:
                out.append(c)
        return best, out
