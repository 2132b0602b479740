"""Synonyms: German from OpenThesaurus, packaged by Debian as
``openthesaurus-de-text`` (LGPL); English from the LibreOffice thesaurus
built on WordNet, packaged as ``mythes-en-us``.

OpenThesaurus holds one synonym set a line, terms separated by ``;``, e.g.
``Schriftsetzer;Setzer`` or ``Untersucher;Prüfer;Kontrolleur (österr.)``.
Annotations in parentheses (``(ugs.)``, ``(sich)``, ``(fachspr.)``) are
stripped; terms marked as vulgar or derogatory are left out.

The MyThes file (``th_en_US_v2.dat``) holds per word a line ``word|n`` and
its n senses, commonest first, as ``(noun)|syn|syn|hypernym (generic
term)|...``.  Only the first noun or verb sense of a word that has
synonyms is kept (the later senses are mostly rare ones: "repair" ->
"haunt"), without the terms marked in parentheses (generic, related,
similar terms, antonyms) and names ("Cook", "James Cook": capitalised
entries and terms).

Terms are folded like the dictionary's (:func:`matchmaker.matching.text.fold`:
umlauts spelled out, case folded) and kept when they have at most
:data:`~matchmaker.matching.bridge.MAX_KEY_WORDS` words, as folded words
joined by one space.

Both files are parsed once per machine (about 0.6 s for OpenThesaurus,
34k lines; about 1 s for MyThes, 18 MB) and written as memory-mapped tables
in the private cache directory of the dictionary's tables
(:mod:`matchmaker.matching.tables`), named after the file's path, size and
mtime; every later process maps them.  Path: the
argument, else ``$MATCHER_THESAURUS`` / ``$MATCHER_THESAURUS_EN``, else the
Debian path, else the copy ``make`` puts below ``instance/``.  Without a
file the matcher works without those synonyms and logs one warning.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import tables
from .bridge import MAX_KEY_WORDS, _fold_line, find_data_file
from .text import TOKEN_RE

log = logging.getLogger("matchmaker.matching")

# per language: (environment variable, default paths, format)
SOURCES = {
    "de": (
        "MATCHER_THESAURUS",
        (
            "/usr/share/openthesaurus-de/openthesaurus.txt",
            "instance/openthesaurus-de/usr/share/openthesaurus-de/openthesaurus.txt",
        ),
        "openthesaurus",
    ),
    "en": (
        "MATCHER_THESAURUS_EN",
        (
            "/usr/share/mythes/th_en_US_v2.dat",
            "instance/mythes-en-us/usr/share/mythes/th_en_US_v2.dat",
        ),
        "mythes",
    ),
}
ENV_VAR = SOURCES["de"][0]
DEFAULT_PATHS = SOURCES["de"][1]

_PAREN_RE = re.compile(r"\([^)]*\)")
# register labels whose terms would only add noise to job texts
_SKIP_LABELS = ("derb", "vulg", "abwertend", "beleidigend")
_MYTHES_POS = ("(noun)", "(verb)")

_warned: set[str] = set()
_FORMAT = 1  # of the written tables: bump when the parse or the tables change


def resolve_path(path: str | os.PathLike | None = None, lang: str = "de") -> Path | None:
    """Explicit argument, else the language's environment variable
    ($MATCHER_THESAURUS, $MATCHER_THESAURUS_EN), else the Debian path, else
    the copy below ``instance/`` (relative to the working directory).
    ``None`` when nothing exists."""
    env_var, paths, _ = SOURCES[lang]
    return find_data_file(path, env_var, paths)


@dataclass
class Thesaurus:
    """Synonym sets.  ``synsets`` holds each set as a tuple of keys (folded
    words joined by one space); ``index`` maps a key to the numbers of the
    sets it belongs to, in file order (OpenThesaurus: every member of a set;
    MyThes: the word whose sense the set is)."""

    synsets: Sequence[tuple[str, ...]] = field(default_factory=list)
    index: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    source: str | None = None
    # the prefix of the cached tables' files (load): names what a table derived from it depends on
    cache_file: str | None = None
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
    def parse_mythes(cls, path: str | os.PathLike) -> "Thesaurus":
        """A MyThes file: per word, its first noun or verb sense."""
        findall = TOKEN_RE.findall
        synsets: list[tuple[str, ...]] = []
        index: dict[str, tuple[int, ...]] = {}
        with open(path, encoding="utf-8", errors="replace") as fh:
            fh.readline()  # the encoding
            lines = fh.read().split("\n")
        i, n_lines = 0, len(lines)
        while i < n_lines:
            word, sep, count = lines[i].rpartition("|")
            i += 1
            if not sep or not count.isdigit():
                continue
            n = int(count)
            senses = lines[i : i + n]
            i += n
            # names ("Cook", "Mason") are no senses of the words in a job text
            if word != word.lower() or not word[:1].isalpha():
                continue
            words = findall(_fold_line(word))
            if not words or len(words) > MAX_KEY_WORDS:
                continue
            key = " ".join(words)
            if key in index:
                continue
            for sense in senses:
                if not sense.startswith(_MYTHES_POS):
                    continue
                keys = [key]
                for term in sense.split("|")[1:]:
                    if "(" in term or term != term.lower():
                        continue  # generic, related, similar terms, antonyms; names
                    tw = findall(_fold_line(term))
                    k = " ".join(tw)
                    if tw and len(tw) <= MAX_KEY_WORDS and k not in keys:
                        keys.append(k)
                if len(keys) > 1:
                    index[key] = (len(synsets),)
                    synsets.append(tuple(keys))
                    break
        return cls(synsets=synsets, index=index, source=str(path))

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, lang: str = "de",
             cache_dir: str | os.PathLike | None = None) -> "Thesaurus":
        """The thesaurus of ``lang`` ("de": OpenThesaurus, "en": MyThes),
        memory-mapped from the cache, else parsed and cached.  When no file
        is found, returns an empty thesaurus and logs one warning per
        language and process."""
        resolved = resolve_path(path, lang)
        env_var, paths, fmt = SOURCES[lang]
        if resolved is None:
            if lang not in _warned:
                log.warning(
                    "%s thesaurus not found (tried %s); matching without %s synonyms",
                    "German" if lang == "de" else "English",
                    path if path is not None else os.environ.get(env_var) or ", ".join(paths),
                    "German" if lang == "de" else "English",
                )
                _warned.add(lang)
            return cls()
        prefix = tables.cache_dir(cache_dir) / f"{fmt}-{tables.source_tag(resolved, _FORMAT)}"
        th = tables.kept(prefix, _read_tables,
                         lambda: cls.parse(resolved) if fmt == "openthesaurus" else cls.parse_mythes(resolved),
                         _write_tables, written=prefix.with_name(f"{prefix.name}.sets"))
        th.source = str(resolved)
        return th


# -- cache: "<prefix>.index.keys" / ".values" (a key -> the numbers of its sets, as decimal
# numbers joined by spaces) and "<prefix>.sets" (each set's keys joined by tabs) ----------------

class _Index(Mapping):
    """A written index: key -> the numbers of its sets."""

    def __init__(self, table: tables.Table):
        self.table = table

    def get(self, key, default=None):
        hit = self.table.get(key)
        return default if hit is None else tuple(map(int, hit.split(" ")))

    def __getitem__(self, key):
        hit = self.get(key)
        if hit is None:
            raise KeyError(key)
        return hit

    def __contains__(self, key) -> bool:
        return key in self.table

    def __iter__(self):
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)


class _Sets(Sequence):
    """Written synonym sets: number -> the tuple of its keys."""

    def __init__(self, strings: tables.Strings):
        self.strings = strings

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self[i] for i in range(*j.indices(len(self)))]
        return tuple(self.strings[j].split("\t"))

    def __len__(self) -> int:
        return len(self.strings)


def _read_tables(prefix: Path) -> "Thesaurus":
    """The thesaurus' tables written with ``prefix``; OSError or ValueError as `tables.Strings.read`."""
    index = tables.Table.read(prefix.with_name(f"{prefix.name}.index"))
    sets = tables.Strings.read(prefix.with_name(f"{prefix.name}.sets"))
    return Thesaurus(synsets=_Sets(sets), index=_Index(index), cache_file=str(prefix))


def _write_tables(prefix: Path, th: Thesaurus) -> None:
    tables.Table.of({k: " ".join(map(str, v)) for k, v in th.index.items()}).write(
        prefix.with_name(f"{prefix.name}.index"))
    tables.Strings.write(prefix.with_name(f"{prefix.name}.sets"), ("\t".join(s) for s in th.synsets))


_default: dict[str, Thesaurus] = {}


def default_thesaurus(lang: str = "de") -> Thesaurus:
    """The process-wide thesaurus of ``lang`` from the default path resolution."""
    th = _default.get(lang)
    if th is None:
        th = _default[lang] = Thesaurus.load(lang=lang)
    return th
