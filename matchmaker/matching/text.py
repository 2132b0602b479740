"""One text pipeline for German and English.

Steps, per token: Unicode folding (casefold, ä->ae, ö->oe, ü->ue, ß->ss, then
NFKD with combining marks dropped, so "Präzision" and "Praezision" meet),
stop words of both languages, lemma (simplemma) then Snowball stem
(PyStemmer), German gender forms folded onto the masculine form
("Leiterin", "Leiterinnen" -> "leiter"), German compounds split against the
dictionary vocabulary ("Asphaltlabortechniker" -> asphalt + labor +
techniker), synonyms from a thesaurus weighted below the word (German
"Theologe" -> Religionswissenschaftler, English "customer" -> client), and
character n-grams inside word bounds (like scikit-learn's
``analyzer='char_wb'``), so that "Automatisierungstechnik" and "automation"
share features.
"""
from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import marisa_trie
import simplemma
import Stemmer
from simplemma.strategies import DefaultStrategy

from .tables import word_set
from .typos import MAX_LEN as TYPO_MAX_LEN
from .typos import MIN_LEN as TYPO_MIN_LEN
from .typos import TypoIndex

TOKEN_RE = re.compile(r"[^\W_]+")

_NONE: frozenset = frozenset()  # shared by the per-unit caches' many empty entries
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@lru_cache(maxsize=500_000)
def fold(s: str) -> str:
    """Casefold, spell out German umlauts, strip other diacritics."""
    s = s.casefold().translate(_UMLAUTS)
    if s.isascii():
        return s
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


# Characters that are invisible in a text but split a word into tokens: the
# soft hyphen, zero-width space / (non-)joiner, word joiner, byte order mark,
# Mongolian vowel separator.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None)
# the same characters, to look for them first: translating a long text
# character by character costs more than searching it, and most texts hold none
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e]")
# A markup tag: "<", a letter (or "/", "!" before one), then anything but
# angle brackets up to ">" (at most 2,000 characters).  [^<>] stops at the
# next "<", so the spans tried never overlap and the cost stays linear.
_TAG_RE = re.compile(r"<[/!]?[A-Za-z!][^<>]{0,2000}>")


def clean(text: str) -> str:
    """The text a person reads: Unicode NFC (a decomposed "Pru\u0308fung" is
    "Prüfung"), without soft hyphens and zero-width characters, HTML entities
    decoded and markup tags dropped ("<script>" is no word of the text).
    Linear in the length of the text."""
    if not text:
        return text
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if _INVISIBLE_RE.search(text):
            text = text.translate(_INVISIBLE)
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    return text


def tokens(text: str) -> list[str]:
    """Word tokens (letters and digits; hyphens, slashes and punctuation split)."""
    return TOKEN_RE.findall(text)


STOP_EN = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either etc few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just may me might more most
    must my myself no nor not now of off on once only or other our ours ourselves out over own per same shall she
    should so some such than that the their theirs them themselves then there these they this those through thus
    to too under until up upon very via was we were what when where which while who whom whose why will with
    within without would you your yours yourself yourselves sb sth sb's one ones e g eg ie i.e""".split()
)

STOP_DE = frozenset(
    """aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm andern
    anders auch auf aus bei beim bin bis bist bzw da dabei dadurch daher damit dann darin darauf darum darueber
    das dass dein deine dem den denen der deren derer des dessen dich die dies diese diesem diesen dieser dieses
    dir doch dort du durch ein eine einem einen einer eines einige einigem einigen einiger einiges er es etwa etwas
    euch euer eure fuer gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre
    ihrem ihren ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt
    kann kein keine keinem keinen keiner keines koennen koennte machen man manche manchem manchen mancher manches
    mein meine mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen
    seiner seines selbst sich sie sind so solche solchem solchen solcher solches soll sollte sondern sowie sowohl
    ueber um und uns unser unsere unter usw viel vom von vor waehrend war waren warst was weg weil weiter welche
    welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen wollte wuerde
    wuerden z b zb zu zum zur zwar zwischen etw jdn jdm jds jd bzw ggf inkl sowie""".split()
)

STOP = STOP_EN | STOP_DE


def guess_lang(text: str) -> str:
    """'de' or 'en' by counting stop words; English when undecided."""
    de = en = 0
    for t in TOKEN_RE.findall(text[:2000]):
        f = fold(t)
        if f in STOP_DE and f not in STOP_EN:
            de += 1
        elif f in STOP_EN and f not in STOP_DE:
            en += 1
    if de > en:
        return "de"
    if en > de:
        return "en"
    # No stop words (a title, a skill list): umlauts or German endings decide.
    if re.search(r"[äöüßÄÖÜ]|(?:ung|keit|heit|schaft|erin|isch|chen)\b", text):
        return "de"
    return "en"


# A Snowball stemmer has internal state and must not be called from two
# threads at once (PyStemmer's documentation): each thread gets its own.
_STEMMER_NAMES = {"de": "german", "en": "english"}
_stemmers = threading.local()
_LEMMA_LANG = {"de": "de", "en": "en"}


# The longest run of letters treated as a word: longer ones are neither
# lemmatised nor split into compound parts (see CompoundSplitter for the
# figure).  Both would cost more than linear time in the length of the run:
# the splitter's parts, and simplemma's German participle rule (a regular
# expression that backtracks from every "ge" to the end of the token).
LONGEST_WORD = 80


def lemma(word: str, lang: str) -> str:
    """Folded lemma of a (case-folded) token; a token longer than
    ``LONGEST_WORD`` letters is its own lemma (no dictionary holds it)."""
    if len(word) > LONGEST_WORD:
        return fold(word)
    return _lemma(word, lang)


@lru_cache(maxsize=500_000)
def _lemma(word: str, lang: str) -> str:
    try:
        return fold(_lemmatizer().lemmatize(word, lang=_LEMMA_LANG[lang]))
    except (ValueError, KeyError):
        return fold(word)


_lemmatizers: list = []


def _lemmatizer() -> simplemma.Lemmatizer:
    """simplemma's lemmatiser as ``simplemma.lemmatize`` is, over its word lists memory-mapped from
    the private cache (``tables.LemmaTables``) instead of decoded into a dict by every process."""
    if not _lemmatizers:
        from .tables import LemmaTables

        # no cache of its own: ``_lemma`` keeps the results (each worker would otherwise hold both)
        _lemmatizers.append(simplemma.Lemmatizer(
            cache_max_size=0, lemmatization_strategy=DefaultStrategy(greedy=False, dictionary_factory=LemmaTables())))
    return _lemmatizers[0]


def stem(folded: str, lang: str) -> str:
    try:
        mine = _stemmers.by_lang
    except AttributeError:
        mine = _stemmers.by_lang = {k: Stemmer.Stemmer(v) for k, v in _STEMMER_NAMES.items()}
    return mine[lang].stemWord(folded)


def char_ngram_count(length: int, lo: int, hi: int) -> int:
    """``len(char_ngrams(word, lo, hi))`` for a word of ``length`` letters,
    without building the list."""
    w = length + 2
    return sum(w - n + 1 for n in range(lo, hi + 1) if n <= w)


def char_ngrams(word: str, lo: int, hi: int) -> list[str]:
    """Character n-grams inside word bounds (as scikit-learn's char_wb)."""
    w = f" {word} "
    out = []
    for n in range(lo, hi + 1):
        if len(w) < n:
            break
        out.extend(w[i : i + n] for i in range(len(w) - n + 1))
    return out


_LINKS = ("", "s", "es", "n", "en", "e", "er")

# The shortest word of the index that may be a compound part beyond the
# dictionary's (Analyzer.corpus_part_words).
CORPUS_PART_MIN = 4

# Elliptic coordination in German: a compound cut short before a hyphen
# shares the rest of the word that completes the coordination ("Platten- und
# Fliesenleger" = Plattenleger und Fliesenleger; "Fliesen-, Platten- und
# Mosaikleger"), and a word opened by a hyphen shares the start of the word
# before it ("Fahrzeugbau und -instandhaltung" = Fahrzeuginstandhaltung).
_CONJ = r"(?:und|oder|bzw\.?|sowie|&)"
_ELLIPSIS_RE = re.compile(r"(?<![\w-])((?:[^\W\d_]{2,}-\s*,?\s*)+)" + _CONJ + r"\s+-?([^\W\d_]+)")
_CUT_RE = re.compile(r"([^\W\d_]{2,})-")
_OPENED_RE = re.compile(r"([^\W\d_]{2,})-?\s*,?\s+" + _CONJ + r"\s+-([^\W\d_]{2,})")


class CompoundSplitter:
    """Split German compounds into words the dictionary knows.

    Dynamic programming over the folded word: parts of at least ``min_part``
    letters, optional linking elements (s, es, n, en, e, er) between parts,
    fewest parts wins, ties prefer the longer last part (the head).

    A word the dictionary knows as a whole is split (``known=True``) only
    with a head of at least ``min_known_head`` letters: the short "heads" of
    known words are mostly endings that happen to be words too (Konstrukt|ion,
    lind|ern, außer|dem, Mana|ger), which would link unrelated words.

    The work per word is bounded: a word longer than ``max_word`` letters
    (folded) is not split at all, and the parts that begin at a letter come
    from one look-up of the vocabulary's trie (``prefixes``: each of them is
    a vocabulary word, so none is longer than the longest), so a word of n
    letters costs n look-ups instead of n**3 / 6 slices.  The cap
    (``LONGEST_WORD``, 80) is above the longest German words on record (the
    67 letters of
    "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung",
    70 when folded) and about twice the longest words of the evaluation
    sets (41 folded: "Hochleistungsflüssigkeitschromatographie",
    "Lederwarenherstellungsmaschinenbedienerin"); a longer "word" is a run
    of letters no dictionary splits (a pasted hash, a missing space every
    few words) and stays one token with its character n-grams."""

    def __init__(self, vocabulary, min_part: int = 3, min_word: int = 7, min_known_head: int = 4,
                 max_word: int = LONGEST_WORD, modifiers: Mapping[str, str] | None = None,
                 extra: marisa_trie.Trie | None = None):
        # the parts: a trie (tables.word_set), whose ``prefixes`` gives the parts that begin at a
        # place of a word in one call; a ready trie is taken to hold parts() of its words already
        self.vocab = vocabulary if isinstance(vocabulary, marisa_trie.Trie) else word_set(
            self.parts(vocabulary, min_part))
        # parts that may stand before the head only: the stems of verbs (Prüf|techniker,
        # Blanchier|anlage), each with the verb it comes from (a tables.Table or a dict); a stem that
        # is a word of the vocabulary is that word
        self.modifiers = modifiers if modifiers is not None else {}
        mods = getattr(self.modifiers, "keys_", None)
        self._stems = mods if mods is not None else (word_set(self.modifiers) if self.modifiers else None)
        # more parts beside the vocabulary (the index's own words, see with_words)
        self.extra = extra
        self.min_part = min_part
        self.min_word = min_word
        self.max_word = max_word
        self.min_known_head = min_known_head
        self._cache: dict[str, tuple[str, ...]] = {}

    @staticmethod
    def parts(words, min_part: int = 3):
        """The words that may be parts of a compound."""
        return (w for w in words if len(w) >= min_part and w.isalpha())

    def verb_of(self, part: str) -> str | None:
        """The verb whose stem ``part`` is, where it is no word of the vocabulary itself."""
        return None if not self.modifiers or part in self.vocab else self.modifiers.get(part)

    def with_words(self, words) -> "CompoundSplitter":
        """A splitter over this one's vocabulary and ``words`` (same settings, its own cache)."""
        more = set(self.parts(words, self.min_part))
        if self.extra is not None:
            more.update(self.extra)
        return CompoundSplitter(self.vocab, self.min_part, self.min_word, self.min_known_head, self.max_word,
                                modifiers=self.modifiers, extra=word_set(more) if more else None)

    def _is_word(self, part: str) -> bool:
        return part in self.vocab or (self.extra is not None and part in self.extra)

    def split(self, word: str, known: bool = False, min_head: int | None = None) -> tuple[str, ...]:
        """Parts of ``word`` (folded), or ``()`` if it is not a compound.
        A word the dictionary knows as a whole is one part (so ``()``),
        unless ``known``: then its best split into two or more parts, with a
        head of at least ``min_head`` letters (default ``min_known_head``)."""
        if len(word) < self.min_word or len(word) > self.max_word or not self.vocab:
            return ()
        min_known_head = self.min_known_head if min_head is None else min_head
        ck = (("k", word) if min_head is None else ("k", word, min_head)) if known else word
        hit = self._cache.get(ck)
        if hit is not None:
            return hit
        m, is_word = self.min_part, self._is_word
        n = len(word)
        if not any(is_word(word[i:]) for i in range(m, n - m + 1)):
            # no head: the last part is a word of the vocabulary, after a first part
            self._cache[ck] = ()
            return ()
        look = [t.prefixes for t in (self.vocab, self.extra, self._stems) if t is not None]
        stems = self._stems
        # best[i] = (uses a verb's stem, parts, -len(last part), parts) for word[i:]:
        # fewest parts wins, ties prefer the longer head, and a split without
        # a verb's stem beats every split with one (a stem only where the word
        # splits no other way)
        best: list[tuple[int, int, int, tuple[str, ...]] | None] = [None] * (n + 1)
        best[n] = (0, 0, 0, ())
        for i in range(n - m, -1, -1):
            cand = None
            rest_of_word = word[i:]
            # the parts that begin at i, shortest first (one look-up in each trie)
            found = {p for prefixes in look for p in prefixes(rest_of_word)}
            for part in sorted(found, key=len):
                j = i + len(part)
                if j - i < m:
                    continue
                if is_word(part):
                    stem_part = 0
                elif j < n and stems is not None and part in stems:
                    stem_part = 1
                else:
                    continue
                if known and j == n and (i == 0 or j - i < min_known_head):
                    continue
                for link in _LINKS:
                    k = j + len(link)
                    if k > n or word[j:k] != link or best[k] is None:
                        continue
                    if link and k == n:
                        continue
                    uses, nparts, _, rest = best[k]
                    head = len(rest[-1]) if rest else len(part)
                    score = (uses | stem_part, nparts + 1, -head, (part,) + rest)
                    if cand is None or score[:3] < cand[:3]:
                        cand = score
            best[i] = cand
        res = best[0][3] if best[0] is not None and best[0][1] > 1 else ()
        self._cache[ck] = res
        return res


# --------------------------------------------------------------------------
# Document analysis: text -> weighted "units" (tokens, bridge phrases) and
# direct features (word bigrams).  A unit expands into features: its stem,
# its character n-grams, its compound parts and the dictionary translations
# of all of these.  Feature names carry a block prefix: "w:" words, "b:"
# word bigrams, "c:" character n-grams.
# --------------------------------------------------------------------------

FIELDS = ("title", "skills", "text")

# Masculine agent-noun endings: a word "<base>in"/"<base>innen" with such a
# base is the feminine form (Lehrerin, Laborantin, Analystin, Ingenieurin).
_AGENT_SUFFIXES = ("er", "or", "ant", "ent", "ist", "eur", "eut", "iker", "aer", "ar", "ot", "at", "graf", "graph", "nom", "soph", "ekt")


class _NoBridge:
    """Stands in for a bridge when there is none (holds the shared caches)."""

    def shared(self, key, factory):
        cache = self.__dict__.setdefault("_shared", {})
        if key not in cache:
            cache[key] = factory()
        return cache[key]


_NO_BRIDGE = _NoBridge()


def _bridge_tables(bridge):
    return ("de", bridge.de_en), ("en", bridge.en_de)


def _phrase_pairs(bridge) -> dict[str, object]:
    """Per language, the first two words (joined by a space) of each
    multi-word dictionary key: a set of words (tables.word_set), written
    beside the cached dictionary and memory-mapped."""
    def pairs(table):
        return (" ".join(k.split(" ", 2)[:2]) for k in table if " " in k)

    return {lang: bridge.word_set(f"phrase-pairs-{lang}", lambda t=table: pairs(t))
            for lang, table in _bridge_tables(bridge)}


def _verb_stems(bridge) -> dict[str, str]:
    """German verbs' stems as the modifiers of compounds ("prüfen" -> prüf in
    "Prüftechniker", "blanchieren" -> blanchier): a one-word key ending in
    "en" (or "eln", "ern": "sammeln" -> sammel) that the dictionary
    translates with an English verb ("to test") among its first four
    translations; stems of at least 4 letters. Where two verbs share a
    stem, the shorter (then the first in alphabetical order) names it, so
    the table does not depend on the order the dictionary is read in."""
    out: dict[str, str] = {}
    for key, trans in bridge.de_en.items():
        if " " in key or not key.endswith("en") or not key.isalpha():
            continue
        if not any(t.startswith("to ") for t in trans.split("\t")[:4]):
            continue
        st = key[:-1] if key.endswith(("eln", "ern")) else key[:-2]
        if len(st) >= 4 and (st not in out or (len(key), key) < (len(out[st]), out[st])):
            out[st] = key
    return out


def _verb_stem_table(bridge):
    """:func:`_verb_stems` as a table written beside the cached dictionary and memory-mapped."""
    return bridge.table("verb-stems1", lambda: _verb_stems(bridge))


# A first word of more dictionary phrases than this keeps no set of its
# second words (see _phrase_seconds): its pairs are looked up in the trie.
_SECONDS_MAX = 4096


def _phrase_seconds(pairs, first: str) -> frozenset[str] | bool:
    """The second words of the dictionary phrases that begin with ``first``
    (``pairs``: a language's first two words of each phrase, as
    _phrase_pairs), so that "first second" is tested without joining them;
    True when there are more than ``_SECONDS_MAX``."""
    seconds = pairs.keys(first + " ")
    if len(seconds) > _SECONDS_MAX:
        return True
    at = len(first) + 1
    return frozenset(k[at:] for k in seconds)


def _phrase_heads(bridge) -> dict[str, object]:
    """First words of the dictionary's multi-word keys, per language: a
    phrase lookup is only tried where such a word starts (a set of words, as above)."""
    def heads(table):
        return (k.split(" ", 1)[0] for k in table if " " in k)

    return {lang: bridge.word_set(f"phrase-heads-{lang}", lambda t=table: heads(t))
            for lang, table in _bridge_tables(bridge)}


# Multi-word names of tools, products and technologies, with their aliases in
# either language: each group is one feature ("w:=" + its first name).  A
# name is found before the words (longest first); the words of a multi-word
# name get no word features of their own, so "Power" in "Power BI" is not
# the "power" of "power engineering", and "machine" in "machine learning" is
# not "Maschinenbau".  A one-word alias ("Datenanalyse") adds the feature and
# stays a word too.
NAMED_TERMS: tuple[tuple[str, ...], ...] = (
    ("power bi",),
    ("power apps", "powerapps"),
    ("power automate",),
    ("power query",),
    ("power pivot", "powerpivot"),
    ("sap s/4hana", "sap s4hana", "s/4hana", "s4hana", "sap s/4 hana", "sap s4 hana"),
    ("sap hana",),
    ("industrie 4.0", "industry 4.0", "industrie 4 0"),
    ("machine learning", "maschinelles lernen", "maschinellem lernen"),
    ("deep learning",),
    ("data analysis", "data analytics", "datenanalyse", "datenanalysen", "analyse von daten"),
    ("data science", "data scientist"),
    ("business intelligence",),
    ("big data",),
    ("google analytics",),
    ("microsoft office", "ms office"),
    ("microsoft excel", "ms excel"),
    ("visual studio",),
    ("sql server",),
    ("spring boot",),
    ("ruby on rails",),
    ("node.js", "nodejs", "node js"),
    ("react native",),
    ("tia portal",),
    ("solid edge",),
    ("autodesk inventor",),
    ("google cloud",),
    ("microsoft azure",),
    ("unreal engine",),
)

# The longest name or stop term looked for, in tokens.
_SPAN_MAX = 8


def _span_key(text: str) -> tuple[str, ...]:
    """The folded tokens of a name or phrase."""
    return tuple(fold(t) for t in TOKEN_RE.findall(clean(text)))


def _named_table() -> dict[tuple[str, ...], str]:
    """Folded tokens of every alias -> the name of its group."""
    out = {}
    for group in NAMED_TERMS:
        for alias in group:
            key = _span_key(alias)
            if key:
                out[key] = group[0]
    return out


_NAMED = _named_table()
# the words of the multi-word names, for a name written with a typo ("machine lerning")
_NAMED_FIRSTS = frozenset(k[0] for k in _NAMED if len(k) > 1)
_NAMED_WORDS = TypoIndex(w for k in _NAMED if len(k) > 1 for w in k[1:])


# the most words a multi-word name has: a longer span spells none
_NAMED_LONGEST = max((len(k) for k in _NAMED), default=0)


@lru_cache(maxsize=100_000)
def _named_with_typos(key: tuple[str, ...]) -> str | None:
    """The named term that ``key`` spells when its words after the first
    are taken to their nearest name words (one edit away), if any (cached:
    the same few spans come back in text after text)."""
    fixed = [key[0]]
    for w in key[1:]:
        near = _name_word(w)
        if near is None:
            return None
        fixed.append(near)
    return _NAMED.get(tuple(fixed))


@lru_cache(maxsize=100_000)
def _name_word(w: str) -> str | None:
    """``w`` if it is a word of a multi-word name, else the first of its
    nearest name words (one edit away), else None."""
    if w in _NAMED_WORDS.known:
        return w
    _, near = _NAMED_WORDS.nearest(w, 1)
    return near[0] if near else None


def _function_phrases(bridge) -> dict[str, frozenset[tuple[str, ...]]]:
    """Per language, the dictionary's multi-word phrases that carry no content
    word ("as well as", "in order to", "oder aber"): all their words are stop
    words, or they begin and end with a stop word and every translation is
    made of stop words only ("as well as" -> "sowie", "sowohl als auch";
    not "in the process" -> "dabei": its content word ends it).  They are dropped with their words
    ("well" in "as well as" is no Brunnen)."""
    def phrases(table):
        for key, trans in table.items():
            if " " not in key:
                continue
            words = key.split(" ")
            if len(words) > _SPAN_MAX:
                continue
            if all(w in STOP for w in words) or (
                words[0] in STOP and words[-1] in STOP  # "as well as", not "take part" or "in the process"
                and trans and all(w in STOP for t in trans.split("\t") for w in t.split(" "))
            ):
                yield key

    # (a few hundred: written beside the cached dictionary, held as a set here)
    return {
        lang: frozenset(tuple(k.split(" "))
                        for k in bridge.word_set(f"function-phrases-{lang}", lambda t=table: phrases(t)))
        for lang, table in _bridge_tables(bridge)
    }


def _split_parts(bridge, name, words):
    """The compound splitter's parts from ``words()``: written beside the cached dictionary as
    ``name`` and memory-mapped, or built in memory without a name."""
    if name is None:
        return word_set(CompoundSplitter.parts(words()))
    return bridge.word_set(name, lambda: CompoundSplitter.parts(words()))


class Analyzer:
    """The text pipeline, parameterised by a config (see ``MatcherConfig``),
    an optional bridge (``matchmaker.matching.bridge.Bridge``) and optional
    German and English thesauri (``matchmaker.matching.thesaurus.Thesaurus``)."""

    def __init__(self, config, bridge=None, thesaurus=None, thesaurus_en=None):
        self.cfg = config
        self.bridge = bridge if bridge is not None and bridge.available else None
        # German and English synonyms (``matchmaker.matching.thesaurus.Thesaurus``)
        self.thesaurus = (
            thesaurus
            if thesaurus is not None and thesaurus.available and config.synonym_weight > 0
            else None
        )
        self.thesaurus_en = (
            thesaurus_en
            if thesaurus_en is not None and thesaurus_en.available and config.synonym_weight_en > 0
            else None
        )
        b = self.bridge
        # Everything derived from the dictionary alone is built once per
        # bridge and shared by every Analyzer (a Matcher() stays cheap).
        th = self.thesaurus
        if b and config.split_compounds and th is not None and config.thesaurus_split:
            # the thesaurus' one-word terms are compound parts too
            split_key = ("thesaurus", th.source, len(th.index))
            # the parts' set depends on the thesaurus too: named after its cached tables (a
            # thesaurus made by hand has none, and its set is built in memory)
            name = f"split-{Path(th.cache_file).name}" if th.cache_file else None
            self.splitter = b.shared(
                ("splitter", split_key),
                lambda: CompoundSplitter(_split_parts(
                    b, name, lambda: b.german_words() | {k for k in th.index if " " not in k}),
                    modifiers=_verb_stem_table(b)),
            )
        else:
            self.splitter = (
                b.shared("splitter", lambda: CompoundSplitter(_split_parts(b, "split", b.german_words),
                                                              modifiers=_verb_stem_table(b)))
                if b and config.split_compounds else None
            )
            split_key = config.split_compounds
        self._phrase_heads = b.shared("phrase-heads", lambda: _phrase_heads(b)) if b else {"de": frozenset(), "en": frozenset()}
        # Spans found before the words: per language, folded tokens -> None
        # (dropped: a function phrase, a caller's stop term) or the name of
        # a named term; keyed by first token for a quick test.
        fillers = b.shared("function-phrases", lambda: _function_phrases(b)) if b else {"de": frozenset(), "en": frozenset()}
        stop_terms = [k for k in (_span_key(t) for t in getattr(config, "stop_terms", ()) or ()) if k]
        self._spans: dict[str, dict[tuple[str, ...], str | None]] = {}
        self._span_firsts: dict[str, frozenset[str]] = {}
        for lg in ("de", "en"):
            table: dict[tuple[str, ...], str | None] = {k: None for k in fillers[lg]}
            table.update(_NAMED)
            table.update({k: None for k in stop_terms if len(k) <= _SPAN_MAX})
            self._spans[lg] = table
            self._span_firsts[lg] = frozenset(k[0] for k in table)
        self._span_longest = max((len(k) for t in self._spans.values() for k in t), default=0)
        # per language, per first word: the sizes of span worth trying there, longest first (the
        # sizes of the table's keys with that first word, and those of a name with a typo)
        self._span_sizes: dict[str, dict[str, tuple[int, ...]]] = {}
        for lg, table in self._spans.items():
            sizes: dict[str, set[int]] = {}
            for k in table:
                sizes.setdefault(k[0], set()).add(len(k))
            for first in _NAMED_FIRSTS:
                sizes.setdefault(first, set()).update(range(2, _NAMED_LONGEST + 1))
            self._span_sizes[lg] = {f: tuple(sorted(v, reverse=True)) for f, v in sizes.items()}
        # token -> index term, per language (shared per bridge; the term
        # depends on the bridge and the splitter's vocabulary only, not on
        # the weights of the config)
        owner = b if b is not None else _NO_BRIDGE
        self._term_cache: dict[str, dict[str, str | None]] = owner.shared(
            ("terms", split_key), lambda: {"de": {}, "en": {}}
        )

    # -- words -------------------------------------------------------------
    def normal(self, tok: str, lang: str) -> str | None:
        """Folded, lemmatised, gender-normalised form of a case-folded token;
        None for stop words and one-letter tokens."""
        f = fold(tok)
        if f in STOP or len(f) < 2:
            return None
        lem = lemma(tok, lang)
        if lang == "de" and self.bridge is not None:
            lem = self._masculine(lem) or self._masculine(f) or lem
        if lem in STOP:
            return None
        return lem

    def _masculine(self, w: str) -> str | None:
        b = self.bridge
        hit = b.masculine.get(w)
        if hit:
            return hit
        # Kauffrau -> Kaufmann, Müllfrau -> Müllmann (dictionary words too)
        if w.endswith("frau") and len(w) > 6:
            cand = w[:-4] + "mann"
            if b.has(cand, "de") or self.splitter is not None and self.splitter.split(cand):
                return cand
        if b.has(w, "de"):
            return None
        for suffix in ("innen", "in"):
            if w.endswith(suffix) and len(w) > len(suffix) + 3:
                base = w[: -len(suffix)]
                if base in b.masc_nouns:
                    return base
                if base.endswith(_AGENT_SUFFIXES):
                    return base
                if base.endswith(("log", "ag", "og")) and base + "e" in b.masc_nouns or base.endswith("olog"):
                    return base + "e"
                # Kollegin -> Kollege, Beamtin -> Beamter
                for cand in (base + "e", base + "er"):
                    if cand in b.masc_nouns:
                        return cand
                if self.splitter is not None:
                    for cand in (base, base + "e", base + "er"):
                        parts = self.splitter.split(cand)
                        if parts and parts[-1] in b.masc_nouns:
                            return cand
                return None
        return None

    def derived(self, w: str, lang: str) -> str | None:
        """Stem of the verb behind a normalised noun, when the dictionary
        knows that verb: German activity nouns ("pruefung" -> pruefen,
        "automatisierung" -> automatisieren) and English agent nouns
        ("inspector" -> inspect, "operator" -> operate, "manager" ->
        manage).  German agent nouns need no rule: the stemmer already
        gives "pruefer" and "pruefen" one stem."""
        b = self.bridge
        if b is None or len(w) < 6:
            return None
        if lang == "de":
            if w.endswith("ung"):
                verb = w[:-3] + "en"
                if b.has(verb, "de"):
                    return stem(verb, "de")
            return None
        if w.endswith(("er", "or")):
            for verb in (w[:-2], w[:-2] + "e", w[:-1]):
                if len(verb) > 3 and b.has("to " + verb, "en"):
                    return stem(verb, "en")
        return None

    # -- elliptic coordination ----------------------------------------------
    def _parts_of(self, folded: str) -> tuple[str, ...]:
        """The compound parts of a folded German word, whether the dictionary
        knows it as a whole or not; a word cut after its linking "s"
        ("Gesundheits-") is split without it."""
        split = self.splitter.split
        # (a short head is no ending here: the coordination shows the parts)
        parts = split(folded) or split(folded, known=True, min_head=self.splitter.min_part)
        if not parts and folded.endswith("s"):
            parts = split(folded[:-1]) or split(folded[:-1], known=True, min_head=self.splitter.min_part)
        return parts

    @staticmethod
    def _as_written(word: str, folded: str, suffix: bool) -> str | None:
        """The end (``suffix``) or the start of ``word`` as written whose
        folded form is ``folded`` (folding may change the length: ü -> ue)."""
        for i in range(len(word)):
            piece = word[i:] if suffix else word[: len(word) - i]
            if fold(piece) == folded:
                return piece
        return None

    def ellipses(self, text: str) -> str:
        """German text with its elliptic coordinations written out: "Platten-
        und Fliesenleger" -> "Plattenleger und Fliesenleger", "Fliesen-,
        Platten- und Mosaikleger" -> "Fliesenleger, Plattenleger und
        Mosaikleger", "Fahrzeugbau und -instandhaltung" -> "Fahrzeugbau und
        Fahrzeuginstandhaltung".  A cut word takes the rest of the completing
        compound after its first part ("Dosen- und Flaschenabfüllanlagen" ->
        Dosenabfüllanlagen); an opened word takes the start of the word before
        it up to its last part.  Nothing changes where the completing word
        does not split into known parts.  Linear in the text."""
        if self.splitter is None or "-" not in text:
            return text
        edits: list[tuple[int, int, str]] = []
        for m in _ELLIPSIS_RE.finditer(text):
            whole = m.group(2)
            f = fold(whole)
            # (the parts of the masculine form: Fliesenlegerin -> fliesen + leger)
            parts = self._parts_of(self.normal(whole.casefold(), "de") or f)
            if len(parts) < 2:
                continue
            start = f.find(parts[1], len(parts[0]))
            tail = self._as_written(whole, f[start:], True) if start > 0 else None
            if not tail:
                continue
            for c in _CUT_RE.finditer(m.group(1)):
                edits.append((m.start(1) + c.start(), m.start(1) + c.end(), c.group(1) + tail))
        for m in _OPENED_RE.finditer(text):
            before = m.group(1)
            f = fold(before)
            parts = self._parts_of(f)
            if len(parts) < 2:
                continue
            end = f.rfind(parts[-1])
            head = self._as_written(before, f[:end], False) if end > 0 else None
            if not head:
                continue
            edits.append((m.start(2) - 1, m.end(2), head + m.group(2)))
        if not edits:
            return text
        out, pos = [], 0
        for a, b, new in sorted(edits):
            if a < pos:
                continue
            out.append(text[pos:a])
            out.append(new)
            pos = b
        out.append(text[pos:])
        return "".join(out)

    def term(self, tok: str, lang: str) -> str | None:
        """Index term (stem of the normal form) of a case-folded token."""
        cache = self._term_cache[lang]
        hit = cache.get(tok, 0)
        if hit != 0:
            return hit
        n = self.normal(tok, lang)
        t = stem(n, lang) if n is not None else None
        cache[tok] = t
        return t

    def _translation_features(self, key: str, lang: str, weight: float, out: dict[str, float]) -> bool:
        cfg = self.cfg
        trans = self.bridge.translate(key, lang)[: cfg.max_translations]
        if not trans:
            return False
        target = "en" if lang == "de" else "de"
        n = len(trans)
        decay = cfg.translation_decay
        # the dictionary lists the commonest sense first: translation i gets
        # decay**i, scaled so that the total stays weight * n**(1 - split)
        scale = weight * n ** (1 - cfg.translation_split) / sum(decay**i for i in range(n))
        rt = cfg.roundtrip_weight
        for i, phrase in enumerate(trans):
            w = scale * decay**i
            if rt > 0:
                self._roundtrip(phrase, target, lang, w * rt, out)
            self._phrase_features(phrase, target, w, out)
        return True

    def _phrase_features(self, phrase: str, lang: str, w: float, out: dict[str, float]) -> None:
        """The words of a phrase of ``lang`` (and its word bigrams), each weighted ``w``."""
        prev = None
        for word in phrase.split():
            t = self.term(word, lang)
            if t is None:
                continue
            k = "w:" + t
            out[k] = out.get(k, 0.0) + w
            if prev is not None and self.cfg.bigram_weight > 0:
                kb = "b:" + prev + " " + t
                out[kb] = out.get(kb, 0.0) + w
            prev = t

    def _roundtrip(self, phrase: str, lang: str, back: str, weight: float, out: dict[str, float]) -> None:
        """Words of ``back`` reached through a translation (German ->
        English -> German): synonyms the dictionary does not list together."""
        trans = self.bridge.translate(phrase, lang)[: self.cfg.max_translations]
        if not trans:
            return
        w = weight / len(trans) ** self.cfg.translation_split
        for p in trans:
            if " " in p:
                continue
            t = self.term(p, back)
            if t is not None:
                k = "w:" + t
                out[k] = out.get(k, 0.0) + w

    def _synonym_features(self, key: str, weight: float, out: dict[str, float], lang: str = "de") -> bool:
        """Words of the thesaurus' synonyms of a key of ``lang``, each weighted
        ``weight / sqrt(size of its set - 1)`` (a set of two is one sense;
        a large set mixes senses), at most ``max_synonyms``, the smallest
        sets first."""
        cfg = self.cfg
        th = self.thesaurus if lang == "de" else self.thesaurus_en
        syns = th.synonyms(key, cfg.max_synonyms, cfg.max_synset_size)
        if not syns:
            return False
        for phrase, size in syns:
            self._phrase_features(phrase, lang, weight / (size - 1) ** cfg.synset_size_power, out)
        return True

    def weak_features(self, key) -> frozenset[str]:
        """The features a unit has only through splitting a word the
        dictionary knows as a whole ("Elektrolyse" -> elektro + lyse): they
        count in the score but link no reason.  Not cached: the reasons keep
        their feature ids per unit (``reasons.Explainer.quiet``)."""
        if key[0] != "t" or not self.cfg.split_known_compounds or self.splitter is None:
            return _NONE
        full = self.expand_token(key[1], key[2], False)
        plain = self.expand_token(key[1], key[2], False, known_split=False)
        return frozenset(k for k in full if k not in plain) or _NONE

    def quiet_names(self, key) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """:meth:`weak_features`, :meth:`head_features` and
        :meth:`head_part_features` of a unit at once."""
        heads, head_parts = self._heads(key)
        return self.weak_features(key), heads, head_parts

    def head_features(self, key) -> frozenset[str]:
        """The features a unit has only through the head (last part) of its
        compound split ("Fernerkundungstechniker" -> techniker): two
        different compounds that share nothing but their heads link no
        reason ("Fernerkundungstechniker ↔ Wasserversorgungstechniker",
        "Studienassistent ↔ Tonassistent")."""
        return self._heads(key)[0]

    def head_part_features(self, key) -> frozenset[str]:
        """The features the head of a unit's compound split gives, whether or
        not the unit also has them otherwise ("Tonassistent", known as a
        whole as "sound assistant": assistent -> assist)."""
        return self._heads(key)[1]

    def _heads(self, key) -> tuple[frozenset[str], frozenset[str]]:
        if key[0] != "t" or self.splitter is None:
            return _NONE, _NONE
        full = self.expand_token(key[1], key[2], False)
        plain = self.expand_token(key[1], key[2], False, heads=False)
        only = frozenset(k for k in full if k not in plain)
        n = self.normal(key[1], "de")
        parts = () if n is None else (self.splitter.split(n) or self.splitter.split(n, known=True))
        head = frozenset()
        if len(parts) > 1:
            p = self._masculine(parts[-1]) or parts[-1]
            head = frozenset(self.expand_token(p, "de", False, typos=False)) & frozenset(full)
        # most units have neither: one shared empty set, no copy of ``only`` when the head adds nothing
        only = only or _NONE
        return only, (only | head if not head <= only else only)

    def expand_token(self, tok: str, lang: str, chars: bool, known_split: bool = True,
                     typos: bool = True, heads: bool = True) -> dict[str, float]:
        """Features of one case-folded token (``known_split=False``: without
        splitting a word the dictionary knows as a whole; ``heads=False``:
        without the head of a compound split into parts; ``typos=False``:
        an unknown word gets no corrections, so that a correction is never
        corrected again: "managerkaelte" normalises to "managerkaelt",
        whose nearest spelling is "managerkaelte" again)."""
        cfg = self.cfg
        n = self.normal(tok, lang)
        if n is None:
            return {}
        out: dict[str, float] = {"w:" + stem(n, lang): 1.0}
        if chars and cfg.char_weight > 0:
            lo, hi = cfg.char_ngram_range
            for g in char_ngrams(n, lo, hi):
                k = "c:" + g
                out[k] = out.get(k, 0.0) + 1.0
        th = self.thesaurus
        sw = cfg.synonym_weight
        known = False  # the word is in the dictionary, the thesaurus or splits into known parts
        if th is not None and lang == "de":
            f = fold(tok)
            known = self._synonym_features(n, sw, out) or (f != n and self._synonym_features(f, sw, out))
        elif lang == "en" and self.thesaurus_en is not None:
            f = fold(tok)
            swe = cfg.synonym_weight_en
            known = self._synonym_features(n, swe, out, "en") or (f != n and self._synonym_features(f, swe, out, "en"))
        if self.bridge is None:
            if not known and typos:
                self._typo_features(n, lang, out)
            return out
        bw = cfg.bridge_weight
        f = fold(tok)
        translated = self._translation_features(n, lang, bw, out) or (
            f != n and self._translation_features(f, lang, bw, out)
        )
        dw = cfg.derive_weight
        if dw > 0:
            d = self.derived(n, lang)
            if d is not None:
                k = "w:" + d
                out[k] = out.get(k, 0.0) + dw
        parts: tuple[str, ...] = ()
        if lang == "de" and self.splitter is not None:
            parts = self.splitter.split(n)
            if not parts and cfg.split_known_compounds and known_split:
                parts = self.splitter.split(n, known=True)
            if not parts and self.corpus_splitter is not None and not translated:
                parts = self.corpus_splitter.split(n)
            last = len(parts) - 1
            for i, part in enumerate(parts):
                if i == last and not heads:
                    break
                # the head (last part) names what the thing is
                cw = cfg.compound_head_weight if i == last else cfg.compound_weight
                p = self.splitter.verb_of(part) or self._masculine(part) or part
                k = "w:" + stem(p, "de")
                out[k] = out.get(k, 0.0) + cw
                self._translation_features(p, "de", bw * cw, out)
                if th is not None:
                    self._synonym_features(p, sw * cw, out)
                d = self.derived(p, "de") if dw > 0 else None
                if d is not None:
                    k = "w:" + d
                    out[k] = out.get(k, 0.0) + dw * cw
        xw = cfg.cross_lang_weight
        if xw > 0 and not translated and not parts:
            # a word of the other language (an English word in a German
            # title: "IT Security Administrator")
            other = "en" if lang == "de" else "de"
            on = lemma(tok, other)
            if on not in STOP and self.bridge.has(on, other):
                known = True
                k = "w:" + stem(on, other)
                out[k] = out.get(k, 0.0) + xw
                self._translation_features(on, other, bw * xw, out)
            elif lang == "en" and self.splitter is not None and self.splitter.split(fold(tok)):
                # a German compound in a text taken for English (a title
                # without umlauts: "Qualitaetsingenieur", "Schweissfachingenieur")
                known = True
                for k, w in self.expand_token(tok, "de", False, typos=typos, heads=heads).items():
                    out[k] = out.get(k, 0.0) + w * xw
        if not (known or translated or parts) and typos:
            self._typo_features(n, lang, out)
        return out

    # -- typos ---------------------------------------------------------------
    corpus_typos: TypoIndex | None = None
    corpus_splitter: CompoundSplitter | None = None

    corpus_parts: frozenset[str] = frozenset()

    def corpus_part_words(self, tokens) -> frozenset[str]:
        """The words of the index that may be compound parts beyond the
        dictionary's: the normal forms of German tokens (case-folded) of at
        least ``CORPUS_PART_MIN`` letters that the dictionary neither knows
        nor splits, and that do not split among themselves either ("bediener"
        written alone in one title splits "Kaffeemühlenbediener" in another;
        "backofenbediener" is no part, it splits into backofen + bediener)."""
        sp = self.splitter
        if sp is None or self.bridge is None:
            return frozenset()
        words = set()
        for tok in tokens:
            n = self.normal(tok, "de")
            if (n is not None and len(n) >= CORPUS_PART_MIN and n.isalpha() and n not in sp.vocab
                    and not self.bridge.has(n, "de") and not sp.split(n) and not sp.split(n, known=True)):
                words.add(n)
        trial = sp.with_words(words)
        return frozenset(w for w in words if not trial.split(w, known=True))

    def set_corpus_parts(self, words) -> None:
        """Split German words that the dictionary neither knows nor splits
        against the dictionary's words and ``words`` (see
        :meth:`corpus_part_words`); set at each fit and kept in a snapshot."""
        self.corpus_parts = frozenset(words)
        self.corpus_splitter = (self.splitter.with_words(self.corpus_parts)
                                if self.splitter is not None and self.corpus_parts else None)

    def set_corpus_words(self, words) -> None:
        """The index's own vocabulary (folded words of the fitted
        documents), for :meth:`corrections`; set after each fit."""
        self.corpus_typos = TypoIndex(words)

    def _dictionary_typos(self, lang: str) -> TypoIndex:
        b = self.bridge
        return b.shared(("typos", lang), lambda: b.typo_index(lang))

    def corrections(self, n: str, lang: str) -> list[str]:
        """The nearest known spellings of a normalised word that neither the
        dictionary nor the index knows ("pyhton" -> python, "maschienenbau"
        -> maschinenbau): one edit away, the index's own words first, at most
        ``max_typo_candidates``."""
        if not (TYPO_MIN_LEN <= len(n) <= TYPO_MAX_LEN) or not n.isalpha():
            return []
        corpus = self.corpus_typos
        if corpus is not None and corpus.knows(n):
            return []
        best, found = 2, []
        if corpus is not None:
            best, found = corpus.nearest(n, 1)
        if self.bridge is not None:
            d, more = self._dictionary_typos(lang).nearest(n, 1)
            if d < best:
                best, found = d, more
            elif d == best:
                found = found + [w for w in more if w not in found]
        return found[: self.cfg.max_typo_candidates]

    def _typo_features(self, n: str, lang: str, out: dict[str, float]) -> None:
        """The features of the nearest known spellings of an unknown word,
        ``typo_weight`` in all (below the word itself)."""
        tw = self.cfg.typo_weight
        if tw <= 0:
            return
        fixes = self.corrections(n, lang)
        for c in fixes:
            for k, w in self.expand_token(c, lang, False, typos=False).items():
                out[k] = out.get(k, 0.0) + w * tw / len(fixes)

    def expand_phrase(self, key: str, lang: str) -> dict[str, float]:
        out: dict[str, float] = {}
        if self.bridge is not None:
            self._translation_features(key, lang, self.cfg.bridge_weight * self.cfg.phrase_weight, out)
        return out

    # -- documents ---------------------------------------------------------
    def analyze(self, doc, provenance: bool = False):
        """Units and direct features of a document.

        Returns ``(units, direct, lang)`` where ``units`` maps unit keys
        (``("t", token, lang, chars)`` or ``("p", phrase, lang)``) to their
        field-weighted counts and ``direct`` maps bigram features to weights.
        With ``provenance=True`` a fourth item maps unit keys and direct
        features to the words the user wrote."""
        cfg = self.cfg
        title, skills, body = clean(doc.title or ""), [clean(s) for s in doc.skills or ()], clean(doc.text or "")
        doc_lang = doc.lang if doc.lang in ("de", "en") else guess_lang(" ".join([title, *skills, body]))
        units: dict = {}
        direct: dict[str, float] = {}
        prov: dict | None = {} if provenance else None
        phrases = self.bridge is not None and cfg.phrase_weight > 0
        has = self.bridge.has if self.bridge is not None else None
        term = self.term
        fields = (
            ("title", [title] if title else [], cfg.title_weight),
            ("skills", skills, cfg.skills_weight),
            ("text", [body] if body else [], cfg.text_weight),
        )
        # Fast path (same result): per raw token, (case-folded token, term,
        # folded form) is cached; counts are taken with Counter, which is
        # exact when the field weights are whole numbers (sums of whole
        # floats do not round); a phrase lookup is only tried where the two
        # words starting there begin a dictionary key.  Provenance and
        # fractional field weights take the plain loop below.
        fast = prov is None and all(float(fw).is_integer() for _, _, fw in fields)
        if fast:
            tok_info = self.__dict__.get("_tok_info")
            if tok_info is None:
                tok_info = self.__dict__["_tok_info"] = {"de": {}, "en": {}, "spaced": set()}
            spaced = tok_info["spaced"]
            all_pairs = None
            if phrases:
                # per language: the first two words of each dictionary phrase, "first second"
                all_pairs = self.bridge.shared("phrase-pairs", lambda: _phrase_pairs(self.bridge))
        if fast:
            # whole counts (int) while counting, floats at the end: the
            # same values, and a text of weight 1 is counted in C
            units, direct = Counter(), Counter()
        for field_name, texts, fw, lang in [(f, t, w, lg) for f, t, w in fields
                                             for lg in doc.langs_of(f, doc_lang) if t]:
            ifw = int(fw) if fast else fw
            chars = field_name in cfg.char_fields
            bigrams = cfg.bigram_weight > 0 and field_name in cfg.bigram_fields
            heads = self._phrase_heads[lang]
            cache = self._term_cache[lang]
            if fast:
                info = tok_info[lang]
                info_get = info.get
                pairs = all_pairs[lang] if phrases else None
            for text in texts:
                if lang == "de" and "-" in text and self.splitter is not None:
                    text = self.ellipses(text)
                raw, named = self.spans(TOKEN_RE.findall(text), lang)
                for name, surface in named:
                    key = ("n", name)
                    units[key] = units.get(key, 0) + (ifw if fast else fw)
                    if prov is not None and key not in prov:
                        prov[key] = surface
                if fast:
                    rows = list(map(info_get, raw))
                    if None in rows:
                        for j, r in enumerate(raw):
                            if rows[j] is None:
                                tok = r.casefold()
                                t = cache.get(tok, 0)
                                if t == 0:
                                    t = term(tok, lang)
                                f = fold(tok)
                                if " " in f:
                                    spaced.add(r)
                                # the unit keys of the token with and without
                                # character n-grams; the words that can follow
                                # it at the start of a dictionary phrase
                                rows[j] = info[r] = (tok, t, f, ("t", tok, lang, False), ("t", tok, lang, True),
                                                     _phrase_seconds(pairs, f) if phrases and f in heads else None)
                    kept = [x for x in rows if x[1] is not None]
                    if kept:
                        ki = 4 if chars else 3
                        if ifw == 1:
                            units.update([x[ki] for x in kept])
                        else:
                            for key, c in Counter([x[ki] for x in kept]).items():
                                units[key] += c * ifw
                        if bigrams and len(kept) > 1:
                            ts = [x[1] for x in kept]
                            bs = [f"b:{a} {b}" for a, b in zip(ts, ts[1:])]
                            if ifw == 1:
                                direct.update(bs)
                            else:
                                for kb, c in Counter(bs).items():
                                    direct[kb] += c * ifw
                    if phrases and len(raw) > 1:
                        folded = [x[2] for x in rows]
                        if spaced and not spaced.isdisjoint(raw):
                            starts = [i for i in range(len(raw) - 1) if folded[i] in heads]
                        else:
                            # (no token holds a space here: "a b" begins a phrase
                            # exactly when it is the first two words of a key)
                            # (the second words of a first word are
                            # remembered with it, see _phrase_seconds)
                            starts = [
                                i
                                for i, x, b in zip(range(len(raw)), rows, folded[1:])
                                if x[5] is not None and (b in x[5] if x[5] is not True else f"{x[2]} {b}" in pairs)
                            ]
                        for i in starts:
                            for size in range(2, min(cfg.phrase_max_words, len(folded) - i) + 1):
                                k = " ".join(folded[i : i + size])
                                if has(k, lang):
                                    units[("p", k, lang)] += ifw
                    continue
                low = [t.casefold() for t in raw]
                counts: dict[str, float] = {}
                prev = None
                for i, tok in enumerate(low):
                    t = cache.get(tok, 0)
                    if t == 0:
                        t = term(tok, lang)
                    if t is None:
                        continue
                    counts[tok] = counts.get(tok, 0.0) + fw
                    if prov is not None:
                        prov.setdefault(("t", tok, lang, chars), raw[i])
                    if bigrams:
                        if prev is not None:
                            kb = "b:" + prev[0] + " " + t
                            direct[kb] = direct.get(kb, 0.0) + fw
                            if prov is not None and kb not in prov:
                                prov[kb] = raw[prev[1]] + " " + raw[i]
                        prev = (t, i)
                for tok, c in counts.items():
                    key = ("t", tok, lang, chars)
                    units[key] = units.get(key, 0.0) + c
                if phrases and len(low) > 1:
                    folded = None
                    for i in range(len(low) - 1):
                        if fold(low[i]) not in heads:
                            continue
                        if folded is None:
                            folded = [fold(t) for t in low]
                        for size in range(2, min(cfg.phrase_max_words, len(folded) - i) + 1):
                            k = " ".join(folded[i : i + size])
                            if has(k, lang):
                                key = ("p", k, lang)
                                units[key] = units.get(key, 0.0) + fw
                                if prov is not None and key not in prov:
                                    prov[key] = " ".join(raw[i : i + size])
        if fast:
            units = dict(zip(units, map(float, units.values())))
            direct = dict(zip(direct, map(float, direct.values())))
        if provenance:
            return units, direct, doc_lang, prov
        return units, direct, doc_lang

    def spans(self, raw: list[str], lang: str) -> tuple[list[str], list[tuple[str, str]]]:
        """Names, function phrases and stop terms among the tokens of a text,
        longest first: the tokens that stay words, and the named terms found
        with the words the text wrote for them.  Linear in the tokens
        (at most ``_SPAN_MAX`` look-ups each)."""
        firsts = self._span_firsts[lang]
        folded = list(map(fold, raw))
        if firsts.isdisjoint(folded):
            return raw, []
        table = self._spans[lang]
        sizes_of = self._span_sizes[lang]
        kept: list[str] = []
        named: list[tuple[str, str]] = []
        n = len(raw)
        # Only a token that can begin a span is looked at; the tokens between
        # two of them are kept as they are, a slice at a time.
        i = 0
        for h in [j for j, f in enumerate(folded) if f in firsts]:
            if h < i:  # inside the span found last
                continue
            kept.extend(raw[i:h])
            i = h
            # (a size no key of the table has, for this first word, and no
            # name could be spelt in with a typo, is passed over, as before)
            for size in sizes_of[folded[h]]:
                if size > n - i:
                    continue
                key = tuple(folded[i : i + size])
                if key in table:
                    name = table[key]
                elif 1 < size <= _NAMED_LONGEST and key[0] in _NAMED_FIRSTS:
                    name = _named_with_typos(key)
                    if name is None:
                        continue
                else:
                    continue
                if name is not None:
                    named.append((name, " ".join(raw[i : i + size])))
                    if size == 1:
                        kept.append(raw[i])  # a one-word alias stays a word too
                i += size
                break
            else:
                kept.append(raw[i])
                i += 1
        kept.extend(raw[i:])
        return kept, named

    def expand(self, key) -> dict[str, float]:
        if key[0] == "n":
            return {"w:=" + key[1]: 1.0}
        if key[0] == "t":
            return self.expand_token(key[1], key[2], key[3])
        return self.expand_phrase(key[1], key[2])
