"""German synonyms from OpenThesaurus, packaged by Debian as
``openthesaurus-de-text`` (LGPL).

The file holds one synonym set a line, terms separated by ``;``, e.g.
``Schriftsetzer;Setzer`` or ``Untersucher;Prüfer;Kontrolleur (österr.)``.
Annotations in parentheses (``(ugs.)``, ``(sich)``, ``(fachspr.)``) are
stripped; terms marked as vulgar or derogatory are left out.  Terms are
folded like the dictionary's (:func:`matchmaker.matching.text.fold`: umlauts
spelled out, case folded) and kept when they have at most
:data:`~matchmaker.matching.bridge.MAX_KEY_WORDS` words, as folded words
joined by one space.

The file is small (34k lines, about 0.5 s to parse), so it is parsed when
first needed and not cached on disk.  Path: the argument, else
``$MATCHER_THESAURUS``, else the Debian path, else the copy ``make`` puts
below ``instance/``.  Without the file the matcher works without synonyms
and logs one warning.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .bridge import MAX_KEY_WORDS, _fold_line
from .text import TOKEN_RE

log = logging.getLogger("matchmaker.matching")

DEFAULT_PATHS = (
    "/usr/share/openthesaurus-de/openthesaurus.txt",
    "instance/openthesaurus-de/usr/share/openthesaurus-de/openthesaurus.txt",
)
ENV_VAR = "MATCHER_THESAURUS"

_PAREN_RE = re.compile(r"\([^)]*\)")
# register labels whose terms would only add noise to job texts
_SKIP_LABELS = ("derb", "vulg", "abwertend", "beleidigend")

_warned = False


def resolve_path(path: str | os.PathLike | None = None) -> Path | None:
    """Explicit argument, else $MATCHER_THESAURUS, else the Debian path, else
    ``instance/openthesaurus-de/...`` below the working directory.  ``None``
    when nothing exists."""
    if path is not None:
        p = Path(path)
        return p if p.is_file() else None
    env = os.environ.get(ENV_VAR)
    if env:
        p = Path(env)
        return p if p.is_file() else None
    for candidate in DEFAULT_PATHS:
        p = Path(candidate)
        if p.is_file():
            return p
    return None


@dataclass
class Thesaurus:
    """Synonym sets.  ``synsets`` holds each set as a tuple of keys (folded
    words joined by one space); ``index`` maps a key to the numbers of the
    sets it belongs to, in file order."""

    synsets: list[tuple[str, ...]] = field(default_factory=list)
    index: dict[str, tuple[int, ...]] = field(default_factory=dict)
    source: str | None = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def available(self) -> bool:
        return bool(self.index)

    def has(self, key: str) -> bool:
        return key in self.index

    def synonyms(self, key: str, limit: int, max_set: int = 0) -> list[tuple[str, int]]:
        """Synonyms of ``key`` with the size of the smallest set that links
        them, smallest sets first (a small set is one sense; a large one
        mixes several), then file order; at most ``limit``.  Sets larger
        than ``max_set`` (when > 0) are ignored."""
        sets = self.index.get(key)
        if not sets:
            return []
        ck = (key, limit, max_set)
        hit = self._cache.get(ck)
        if hit is not None:
            return hit
        best: dict[str, tuple[int, int]] = {}
        for sid in sets:
            members = self.synsets[sid]
            size = len(members)
            if max_set and size > max_set:
                continue
            for pos, other in enumerate(members):
                if other == key:
                    continue
                have = best.get(other)
                if have is None or size < have[0]:
                    best[other] = (size, sid * 1000 + pos)
        ranked = sorted(best.items(), key=lambda kv: kv[1])
        out = self._cache[ck] = [(k, size) for k, (size, _) in ranked[:limit]]
        return out

    @classmethod
    def parse(cls, path: str | os.PathLike) -> "Thesaurus":
        findall = TOKEN_RE.findall
        synsets: list[tuple[str, ...]] = []
        index: dict[str, list[int]] = {}
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                keys: list[str] = []
                for term in line.rstrip("\n").split(";"):
                    labels = " ".join(_PAREN_RE.findall(term))
                    if labels and any(lab in labels for lab in _SKIP_LABELS):
                        continue
                    # "Deputat..." stands for compounds that start so
                    if term.rstrip().endswith("...") or term.lstrip().startswith("..."):
                        continue
                    words = findall(_fold_line(_PAREN_RE.sub(" ", term)))
                    if not words or len(words) == 1 and len(words[0]) < 2 or len(words) > MAX_KEY_WORDS:
                        continue
                    key = " ".join(words)
                    if key not in keys:
                        keys.append(key)
                if len(keys) < 2:
                    continue
                sid = len(synsets)
                synsets.append(tuple(keys))
                for k in keys:
                    index.setdefault(k, []).append(sid)
        return cls(synsets=synsets, index={k: tuple(v) for k, v in index.items()}, source=str(path))

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "Thesaurus":
        """Parse the thesaurus.  When no file is found, returns an empty
        thesaurus and logs one warning per process."""
        global _warned
        resolved = resolve_path(path)
        if resolved is None:
            if not _warned:
                log.warning(
                    "German thesaurus (OpenThesaurus) not found (tried %s); matching without synonyms",
                    path if path is not None else os.environ.get(ENV_VAR) or ", ".join(DEFAULT_PATHS),
                )
                _warned = True
            return cls()
        return cls.parse(resolved)


_default: Thesaurus | None = None


def default_thesaurus() -> Thesaurus:
    """The process-wide thesaurus from the default path resolution."""
    global _default
    if _default is None:
        _default = Thesaurus.load()
    return _default
