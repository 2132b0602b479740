"""German-English dictionary bridge built on Debian's ``trans-de-en`` (Ding).

The Ding file holds lines ``German words :: English words``; `` | `` separates
aligned sub-entries (e.g. singular | plural) and ``;`` separates synonyms.
Annotations such as ``{f}``, ``{pl}``, ``[Br.]``, ``(...)`` and ``<...>`` are
stripped.  Both directions are kept: German key -> English phrases and
English key -> German phrases.  Keys are tuples of folded words (see
:func:`matchmaker.matching.text.fold`), so one-word and multi-word entries
are looked up the same way.

The parsed dictionary is cached as a pickle keyed by the source file's path,
size and mtime, so a process pays the parse (a few seconds) only once per
machine.
"""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import tempfile
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
_FORMAT = 5  # bump when the parsed structure changes

_ANNOT_RE = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|<[^>]*>")
_GENDER_RE = re.compile(r"\{([^}]*)\}")
# Placeholders used inside Ding entries ("jdn. etw. fragen", "to ask sb. sth.").
_PLACEHOLDERS = frozenset(
    "etw jdn jdm jds jd sth sb sb's sbs so sich".split()
)
MAX_KEY_WORDS = 3
MAX_TRANSLATIONS = 6

_warned = False


def resolve_path(path: str | os.PathLike | None = None) -> Path | None:
    """Explicit argument, else $MATCHER_DICTIONARY, else the Debian path, else
    ``instance/trans-de-en/...`` below the working directory.  ``None`` when
    nothing exists."""
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

    def german_words(self) -> set[str]:
        return {k for k in self.de_en if " " not in k}

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
            en_de=finish(en_de, "de"),
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
        tag = hashlib.sha1(f"{resolved.resolve()}|{st.st_size}|{st.st_mtime_ns}|{_FORMAT}".encode()).hexdigest()[:16]
        cdir = Path(cache_dir or os.environ.get(CACHE_ENV_VAR) or Path(tempfile.gettempdir()) / "matchmaker-cache")
        cfile = cdir / f"trans-de-en-{tag}.pickle"
        try:
            with open(cfile, "rb") as fh:
                obj = pickle.load(fh)
            if isinstance(obj, cls):
                return obj
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
        obj = cls.parse(resolved)
        try:
            cdir.mkdir(parents=True, exist_ok=True)
            tmp = cfile.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cfile)
        except OSError as exc:  # a read-only disk only costs the parse next time
            log.info("could not cache parsed dictionary: %s", exc)
        return obj


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
