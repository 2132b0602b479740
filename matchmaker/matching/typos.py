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

from collections.abc import Iterable

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


class TypoIndex:
    """Known spellings (folded words of ``MIN_LEN``..``MAX_LEN`` letters)."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted({w for w in words if MIN_LEN <= len(w) <= MAX_LEN and w.isalpha()})
        keys: list[int] = []
        ids: list[int] = []
        for i, w in enumerate(self.words):
            hs = [hash(s) for s in _spellings(w)]
            keys.extend(hs)
            ids.extend([i] * len(hs))
        k = np.asarray(keys, dtype=np.int64)
        order = np.argsort(k, kind="stable")
        self.keys = k[order]
        self.ids = np.asarray(ids, dtype=np.int32)[order]
        self.known = frozenset(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def nearest(self, word: str, max_distance: int = 1) -> tuple[int, list[str]]:
        """The known words nearest to ``word`` (not ``word`` itself) within
        ``max_distance``, and their distance; ``(max_distance + 1, [])`` when
        there is none."""
        if not MIN_LEN - 1 <= len(word) <= MAX_LEN or not len(self.keys):
            return max_distance + 1, []
        h = np.fromiter((hash(s) for s in _spellings(word)), dtype=np.int64)
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
