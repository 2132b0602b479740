"""German-English dictionary bridge built on Debian's ``trans-de-en`` (Ding).

The Ding file holds lines ``German words :: English words``; `` | `` separates
aligned sub-entries (e.g. singular | plural) and ``;`` separates synonyms.
Annotations such as ``{f}``, ``{pl}``, ``[Br.]``, ``(...)`` and ``<...>`` are
stripped.  Both directions are kept: German key -> English phrases and
English key -> German phrases.  Keys are tuples of folded words (see
:func:`matchmaker.matching.text.fold`), so one-word and multi-word entries
are looked up the same way.

The parsed dictionary is written once per machine as memory-mapped tables
(:mod:`matchmaker.matching.tables`: MARISA tries and lists of strings, no
pickle), named after the source file's path, size and mtime, in the private
cache directory (``$MATCHER_CACHE_DIR``, else ``~/.cache/matchmaker``): a
process pays the parse (about 20 s) only once per machine, and every later
process maps the tables instead of building dicts of them, so that processes
share their pages.  So are the tables derived from the dictionary alone
(:meth:`Bridge.word_set`: the analyser's compound parts, phrase heads) and
the typo index (:meth:`Bridge.typo_index`).
"""
from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import unicodedata

from . import tables
from .tables import private_dir as _private_dir
from .tables import private_file as _private_file
from .text import _UMLAUTS, TOKEN_RE

log = logging.getLogger("matchmaker.matching")

DEFAULT_PATHS = (
    "/usr/share/trans/de-en",
    "instance/trans-de-en/usr/share/trans/de-en",
)
ENV_VAR = "MATCHER_DICTIONARY"
CACHE_ENV_VAR = tables.CACHE_ENV_VAR
_FORMAT = 11  # bump when the parsed structure or its tables change
# the tables of a loaded dictionary, each written as "<prefix>.<name>.keys" and ".values"
_TABLES = ("de-en", "en-de", "masculine")

# Annotations dropped from an entry: {gender}, [domain], (note), <variant>, and an abbreviation
# between slashes ("Wasserstoff {m} /H/ [chem.]"), which would otherwise become a word of the key
# ("wasserstoff h") and leave "Wasserstoff" without a translation.
_ANNOT_RE = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|<[^>]*>|(?<!\S)/[^/\s][^/]*/(?=[\s;|]|$)")
_GENDER_RE = re.compile(r"\{([^}]*)\}")
# Placeholders used inside Ding entries ("jdn. etw. fragen", "to ask sb. sth.").
_PLACEHOLDERS = frozenset(
    "etw jdn jdm jds jd sth sb sb's sbs so sich".split()
)
MAX_KEY_WORDS = 3
MAX_TRANSLATIONS = 6
# An English word's German translations are put in the order of how common each is in general
# German (wordfreq's Zipf value), less this much for each place the dictionary lists it later:
# Ding lists a word's senses in no order of use ("colour" -> Anschein, färben, …; "organise" ->
# aufgliedern before organisieren), and the matcher weighs the first translations most and takes
# only the first four (MatcherConfig.max_translations).  Measured in docs/matcher.md.
FREQUENCY_ORDER_PENALTY = 0.25

_warned = False


def find_data_file(path: str | os.PathLike | None, env_var: str, defaults) -> Path | None:
    """The explicit path, else ``$env_var``, else the first of ``defaults``
    that exists (relative ones below the working directory); ``None`` when
    the one chosen does not exist."""
    if path is not None:
        p = Path(path)
        return p if p.is_file() else None
    env = os.environ.get(env_var)
    if env:
        p = Path(env)
        return p if p.is_file() else None
    for candidate in defaults:
        p = Path(candidate)
        if p.is_file():
            return p
    return None


def resolve_path(path: str | os.PathLike | None = None) -> Path | None:
    """Explicit argument, else $MATCHER_DICTIONARY, else the Debian path, else
    ``instance/trans-de-en/...`` below the working directory.  ``None`` when
    nothing exists."""
    return find_data_file(path, ENV_VAR, DEFAULT_PATHS)


@dataclass
class Bridge:
    """Two-way phrase dictionary.  ``de_en`` and ``en_de`` map a key (folded
    words joined by one space) to its translations (folded phrases joined by
    a tab, best first).  ``masculine`` maps folded feminine German forms to
    the masculine form the dictionary pairs them with (leiterin -> leiter);
    ``masc_nouns`` holds the German nouns marked {m}.  Loaded from the cache,
    the mappings are memory-mapped ``tables.Table`` and the set a trie;
    parsed or made by hand, dicts and a frozenset: they answer the same."""

    de_en: Mapping[str, str] = field(default_factory=dict)
    en_de: Mapping[str, str] = field(default_factory=dict)
    masculine: Mapping[str, str] = field(default_factory=dict)
    masc_nouns: frozenset[str] = frozenset()
    source: str | None = None
    # the prefix of the cached tables' files (load), beside which derived tables are written
    cache_file: str | None = None

    @property
    def available(self) -> bool:
        return bool(self.de_en)

    # -- lookups -----------------------------------------------------------
    def translate(self, key: str, lang: str) -> list[str]:
        """Translations of a key (folded words joined by spaces) from ``lang``."""
        hit = (self.de_en if lang == "de" else self.en_de).get(key)
        return hit.split("\t") if hit else []

    def has(self, key: str, lang: str) -> bool:
        return key in (self.de_en if lang == "de" else self.en_de)

    def german_words(self) -> frozenset[str]:
        """One-word German keys (computed once per bridge)."""
        gw = self.__dict__.get("_german_words")
        if gw is None:
            gw = self.__dict__["_german_words"] = frozenset(k for k in self.de_en if " " not in k)
        return gw

    def typo_index(self, lang: str):
        """The nearest-spelling index of the one-word keys of ``lang`` (typos.py).  Building it takes
        seconds, so it is written beside the cached dictionary and memory-mapped from there: every
        process that loads it shares its pages and starts at once."""
        from . import typos

        table = self.de_en if lang == "de" else self.en_de
        prefix = None
        if self.cache_file:
            c = Path(self.cache_file)
            prefix = c.with_name(f"{c.stem}-typos{typos.FORMAT}-{lang}")
            paths = [prefix.with_name(f"{prefix.name}.{n}.npy") for n in typos.FILES]
            if _private_dir(c.parent) and all(_private_file(p) for p in paths):
                try:
                    return typos.TypoIndex.read(prefix)
                except (OSError, ValueError) as exc:
                    log.info("typo index %s not read, built again: %s", prefix, exc)
        index = typos.TypoIndex(k for k in table if " " not in k)
        if prefix is not None and _private_dir(prefix.parent):
            try:
                index.write(prefix)
            except OSError as exc:  # a read-only disk only costs the build next time
                log.info("could not cache the typo index: %s", exc)
        return index

    def word_set(self, name: str, words: Callable[[], Iterable[str]]):
        """A set of words derived from this dictionary (a trie, see :mod:`tables`), built from
        ``words()`` once: written beside the cached dictionary as ``<prefix>.<name>`` and
        memory-mapped by every later process (built in memory when the dictionary is not cached).
        ``name`` must tell apart everything the words depend on besides the dictionary."""
        path = Path(f"{self.cache_file}.{name}") if self.cache_file else None
        return tables.kept(path, tables.read_set, lambda: tables.word_set(words()), tables.write_set)

    def table(self, name: str, mapping: Callable[[], Mapping[str, str]]):
        """A mapping of words to strings derived from this dictionary (a ``tables.Table``), built from
        ``mapping()`` once and kept like :meth:`word_set`."""
        prefix = Path(f"{self.cache_file}.{name}") if self.cache_file else None
        return tables.kept(prefix, tables.Table.read, lambda: tables.Table.of(mapping()),
                           lambda p, made: made.write(p),
                           written=prefix.with_name(prefix.name + ".keys") if prefix else None)

    def shared(self, key: str, factory):
        """A per-bridge cache for derived structures (compound splitter,
        token analyses), so that creating a Matcher stays cheap."""
        cache = self.__dict__.setdefault("_shared", {})
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = factory()
        return hit

    # -- loading -----------------------------------------------------------
    @classmethod
    def parse(cls, path: str | os.PathLike) -> "Bridge":
        from .text import stem

        de_en: dict[str, list[str]] = {}
        en_de: dict[str, list[str]] = {}
        genders: dict[str, set[str]] = {}
        findall = TOKEN_RE.findall
        annot = _ANNOT_RE.sub
        placeholders = _PLACEHOLDERS

        def words(phrase):
            return [w for w in findall(annot(" ", phrase)) if w not in placeholders]

        def add(table, key, values, prio):
            lst = table.get(key)
            if lst is None:
                lst = table[key] = []
            if len(lst) < 4 * MAX_TRANSLATIONS:
                for vpos, v in enumerate(values):
                    lst.append((prio, vpos, len(lst), v))

        def finish(table, vlang):
            out = {}
            for key, lst in table.items():
                lst.sort()
                seen, keep = set(), []
                for *_, v in lst:
                    sig = " ".join(stem(w, vlang) for w in v.split())
                    if sig not in seen:
                        seen.add(sig)
                        keep.append(v)
                        if len(keep) >= MAX_TRANSLATIONS:
                            break
                out[key] = "\t".join(keep)
            return out

        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("#") or "::" not in line:
                    continue
                line = _fold_line(line.rstrip("\n"))
                de_part, _, en_part = line.partition("::")
                for sub, (de_sub, en_sub) in enumerate(zip(de_part.split(" | "), en_part.split(" | "))):
                    de_raw = de_sub.split(";")
                    de_syn = [words(s) for s in de_raw]
                    en_syn = [w for w in (words(s) for s in en_sub.split(";")) if w]
                    if not en_syn:
                        continue
                    en_phr = [" ".join(w) for w in en_syn]
                    de_phr = [" ".join(w) for w in de_syn if w]
                    for pos, (raw, w) in enumerate(zip(de_raw, de_syn)):
                        if not w or len(w) > MAX_KEY_WORDS:
                            continue
                        add(de_en, " ".join(w), en_phr, sub + pos)
                        if len(w) == 1:
                            for g in _GENDER_RE.findall(raw):
                                genders.setdefault(w[0], set()).update(g.split())
                    for pos, (w, k) in enumerate(zip(en_syn, en_phr)):
                        if len(w) <= MAX_KEY_WORDS:
                            add(en_de, k, de_phr, sub + pos)

        masculine: dict[str, str] = {}
        masc = frozenset(w for w, tags in genders.items() if "m" in tags)
        for word, tags in genders.items():
            if "f" not in tags and "pl" not in tags:
                continue
            for suffix in ("innen", "in"):
                if word.endswith(suffix) and len(word) > len(suffix) + 2:
                    base = word[: -len(suffix)]
                    for cand in (base, _deumlaut_last(base)):
                        if cand and cand in masc:
                            masculine[word] = cand
                            break
                    break
        return cls(
            de_en=finish(de_en, "en"),
            en_de=_by_frequency(_bare_verbs(finish(en_de, "de")), "de"),
            masculine=masculine,
            masc_nouns=masc,
            source=str(path),
        )

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, cache_dir: str | os.PathLike | None = None) -> "Bridge":
        """Load the dictionary (cached).  When no file is found, returns an
        empty bridge and logs one warning per process: the matcher then works
        monolingually."""
        global _warned
        resolved = resolve_path(path)
        if resolved is None:
            if not _warned:
                log.warning(
                    "German-English dictionary not found (tried %s); matching stays monolingual",
                    path if path is not None else os.environ.get(ENV_VAR) or ", ".join(DEFAULT_PATHS),
                )
                _warned = True
            return cls()
        prefix = tables.cache_dir(cache_dir) / _tables_name(resolved)
        obj = tables.kept(prefix, _read_tables, lambda: cls.parse(resolved), _write_tables,
                          written=prefix.with_name(f"{prefix.name}.de-en.keys"))
        obj.source = str(resolved)
        return obj


def tables_name(path: str | os.PathLike | None = None) -> str | None:
    """The name of the tables the dictionary found for ``path`` (as `Bridge.load` finds it) is read
    from: it changes with the file and with the tables' format; None without a dictionary.  A
    matcher snapshot records it (index.py), so that one built from other tables is built again."""
    resolved = resolve_path(path)
    return None if resolved is None else _tables_name(resolved)


def _tables_name(resolved: Path) -> str:
    return f"trans-de-en-{tables.source_tag(resolved, _FORMAT)}"


# -- cache (memory-mapped tables; safe to read) ---------------------------------
# "<prefix>.<table>.keys" (a trie) and ".values" (its values by the keys' numbers) per table of
# _TABLES, and "<prefix>.masc-nouns" (a trie); the typo index and the derived sets beside them.


def _read_tables(prefix: Path) -> "Bridge":
    """The dictionary's tables written with ``prefix``; OSError or ValueError as `tables.read_set`."""
    de_en, en_de, masc = (tables.Table.read(prefix.with_name(f"{prefix.name}.{t}")) for t in _TABLES)
    nouns = tables.read_set(prefix.with_name(f"{prefix.name}.masc-nouns"))
    return Bridge(de_en=de_en, en_de=en_de, masculine=masc, masc_nouns=nouns, cache_file=str(prefix))


def _write_tables(prefix: Path, b: "Bridge") -> None:
    for name, table in zip(_TABLES, (b.de_en, b.en_de, b.masculine)):
        tables.Table.of(table).write(prefix.with_name(f"{prefix.name}.{name}"))
    tables.write_set(prefix.with_name(f"{prefix.name}.masc-nouns"), tables.word_set(b.masc_nouns))


def _bare_verbs(table: dict[str, str]) -> dict[str, str]:
    """English verbs are keyed "to inspect" in Ding, but text says "inspect
    quality": key them without "to" as well.  Where the bare word is also a
    key (the noun "check" and the verb "to check"), the two lists are
    interleaved, noun first."""
    out = dict(table)
    for key, value in table.items():
        if not key.startswith("to ") or len(key) < 5:
            continue
        bare = key[3:]
        have = out.get(bare)
        if have is None:
            out[bare] = value
            continue
        a, b = have.split("\t"), value.split("\t")
        merged: list[str] = []
        for i in range(max(len(a), len(b))):
            for lst in (a, b):
                if i < len(lst) and lst[i] not in merged:
                    merged.append(lst[i])
        out[bare] = "\t".join(merged[:MAX_TRANSLATIONS])
    return out


def _by_frequency(table: dict[str, str], lang: str) -> dict[str, str]:
    """``table`` with each list of translations into ``lang`` ordered by how common each translation
    is in general language, less ``FREQUENCY_ORDER_PENALTY`` per place it stood later (a stable
    sort: equal values keep the dictionary's order).  Unchanged without wordfreq."""
    try:
        import wordfreq
    except ImportError:  # pragma: no cover - a declared dependency
        log.warning("wordfreq is not installed: translations stay in the dictionary's order")
        return table
    freqs = wordfreq.get_frequency_dict(lang, "large")
    zipf: dict[str, float] = {}

    def common(phrase: str) -> float:
        z = zipf.get(phrase)
        if z is None:
            z = zipf[phrase] = phrase_zipf(phrase, freqs)
        return z

    out = {}
    try:
        for key, value in table.items():
            lst = value.split("\t")
            if len(lst) > 1:
                order = sorted(range(len(lst)), key=lambda i: FREQUENCY_ORDER_PENALTY * i - common(lst[i]))
                value = "\t".join(lst[i] for i in order)
            out[key] = value
    finally:
        # wordfreq keeps every list it read (the large German one holds about 76 MB) for the life of
        # the process; this one is needed once a machine, when the tables are written, and whatever
        # reads a list later (frequency.py) reads it again
        wordfreq.get_frequency_dict.cache_clear()
        wordfreq.get_frequency_list.cache_clear()
    return out


def phrase_zipf(phrase: str, freqs: Mapping[str, float]) -> float:
    """Zipf value (log10 per billion words, two decimals, 0 when a word is not listed) of a folded
    phrase, its words' frequencies combined as wordfreq does (1/f = 1/f1 + 1/f2 + ...); a folded
    word is looked up as written and with its umlauts back ("fuellung" -> füllung)."""
    inverse = 0.0
    for word in phrase.split():
        f = freqs.get(word, 0.0)
        if "ae" in word or "oe" in word or "ue" in word:
            f = max(f, freqs.get(word.replace("ae", "ä").replace("oe", "ö").replace("ue", "ü"), 0.0))
        if f <= 0:
            return 0.0
        inverse += 1.0 / f
    return round(math.log10(1.0 / inverse) + 9.0, 2) if inverse else 0.0


def _fold_line(line: str) -> str:
    s = line.casefold().translate(_UMLAUTS)
    if s.isascii():
        return s
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _deumlaut_last(word: str) -> str | None:
    """Undo the last folded umlaut: 'aerzt' -> 'arzt'."""
    for i in range(len(word) - 2, -1, -1):
        if word[i : i + 2] in ("ae", "oe", "ue"):
            return word[:i] + word[i] + word[i + 2 :]
    return None


_default: Bridge | None = None


def default_bridge() -> Bridge:
    """The process-wide bridge from the default path resolution."""
    global _default
    if _default is None:
        _default = Bridge.load()
    return _default
