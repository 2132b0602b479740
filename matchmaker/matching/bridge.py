"""German-English dictionary bridge built on Debian's ``trans-de-en`` (Ding).

The Ding file holds lines ``German words :: English words``; `` | `` separates
aligned sub-entries (e.g. singular | plural) and ``;`` separates synonyms.
Annotations such as ``{f}``, ``{pl}``, ``[Br.]``, ``(...)`` and ``<...>`` are
stripped.  Both directions are kept: German key -> English phrases and
English key -> German phrases.  Keys are tuples of folded words (see
:func:`matchmaker.matching.text.fold`), so one-word and multi-word entries
are looked up the same way.

The parsed dictionary is cached keyed by the source file's path, size and
mtime, so a process pays the parse (about 20 s) only once per machine.  The
cache is plain UTF-8 text (no pickle: loading it runs no code), kept in a
private directory: ``$MATCHER_CACHE_DIR``, else ``~/.cache/matchmaker``;
the directory is created with mode 0700 and a cache file is only read when
the directory and the file belong to the current user and are not writable
by group or others.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import unicodedata

from .text import _UMLAUTS, TOKEN_RE

log = logging.getLogger("matchmaker.matching")

DEFAULT_PATHS = (
    "/usr/share/trans/de-en",
    "instance/trans-de-en/usr/share/trans/de-en",
)
ENV_VAR = "MATCHER_DICTIONARY"
CACHE_ENV_VAR = "MATCHER_CACHE_DIR"
_FORMAT = 9  # bump when the parsed structure changes
_MAGIC = "matchmaker-trans-de-en"

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
    ``masc_nouns`` holds the German nouns marked {m}."""

    de_en: dict[str, str] = field(default_factory=dict)
    en_de: dict[str, str] = field(default_factory=dict)
    masculine: dict[str, str] = field(default_factory=dict)
    masc_nouns: frozenset[str] = frozenset()
    source: str | None = None
    cache_file: str | None = None  # where the parsed dictionary is cached (load), for typo_index

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
            en_de=_bare_verbs(finish(en_de, "de")),
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
        st = resolved.stat()
        tag = hashlib.sha1(f"{resolved.resolve()}|{st.st_size}|{st.st_mtime_ns}|{_FORMAT}".encode(),
                           usedforsecurity=False).hexdigest()[:16]
        cdir = Path(cache_dir or os.environ.get(CACHE_ENV_VAR) or Path.home() / ".cache" / "matchmaker")
        cfile = cdir / f"trans-de-en-{tag}.txt"
        obj = _read_cache(cfile) if _private_dir(cdir) else None
        if obj is not None:
            obj.source, obj.cache_file = str(resolved), str(cfile)
            return obj
        obj = cls.parse(resolved)
        try:
            if _write_cache(cdir, cfile, obj):
                obj.cache_file = str(cfile)
        except OSError as exc:  # a read-only disk only costs the parse next time
            log.info("could not cache parsed dictionary: %s", exc)
        return obj


# -- cache (plain text; safe to read) -----------------------------------------
# Layout: a header line "<magic> <format> <n_de_en> <n_en_de> <n_masc> <n_nouns>",
# then per table its keys, one a line, then its values in the same order
# (values keep their tabs), then the masculine nouns.


def _private_dir(cdir: Path, create: bool = False) -> bool:
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


def _private_file(path: Path) -> bool:
    """True when ``path`` is a regular file of this user that no one else may write to."""
    try:
        st = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not (hasattr(os, "getuid") and st.st_uid != os.getuid())


def _read_cache(cfile: Path) -> "Bridge | None":
    if not _private_file(cfile):
        return None
    try:
        with open(cfile, encoding="utf-8", newline="\n") as fh:
            head = fh.readline().split()
            body = fh.read()
    except (OSError, UnicodeDecodeError):
        return None
    if len(head) != 6 or head[0] != _MAGIC or head[1] != str(_FORMAT):
        return None
    try:
        n1, n2, n3, n4 = map(int, head[2:])
        lines = body.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != 2 * (n1 + n2 + n3) + n4:
            return None
        tables, pos = [], 0
        for n in (n1, n2, n3):
            tables.append(dict(zip(lines[pos : pos + n], lines[pos + n : pos + 2 * n])))
            pos += 2 * n
        return Bridge(de_en=tables[0], en_de=tables[1], masculine=tables[2], masc_nouns=frozenset(lines[pos:]))
    except ValueError:
        return None


def _write_cache(cdir: Path, cfile: Path, b: "Bridge") -> bool:
    if not _private_dir(cdir, create=True):
        return False
    tmp = cfile.with_suffix(f".{os.getpid()}.tmp")
    tables = (b.de_en, b.en_de, b.masculine)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with open(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"{_MAGIC} {_FORMAT} {len(b.de_en)} {len(b.en_de)} {len(b.masculine)} {len(b.masc_nouns)}\n")
        for t in tables:
            fh.write("".join(f"{k}\n" for k in t))
            fh.write("".join(f"{v}\n" for v in t.values()))
        fh.write("".join(f"{w}\n" for w in sorted(b.masc_nouns)))
    os.replace(tmp, cfile)
    return True


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
