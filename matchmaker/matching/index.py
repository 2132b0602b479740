"""The matcher fed from the database: documents from models, one index per process, kept in step.

The engine (engine.py) knows nothing of Flask or SQLAlchemy. This module turns database rows into
engine documents, loads the index from a snapshot on disk (or builds it: see "Snapshots" below), and
follows changes: every flush that touches a
matched row raises the version in `matcher_state` (same transaction), and a process that sees a newer
version re-reads only the rows whose `updated_at` changed (upsert) or that are gone (remove). A page
never waits for a refit of the whole corpus.

Sides: each kind of document the index matches is registered once as a `SideSpec` (its model, its
document function, the query for the rows the index holds, its ranked items and the conditions a
candidate of it must meet), and `PAIRS` says which side is matched against which: offers with
profiles, and offers with research units. Ranking (`rank_for`), explaining (`explain`), building and
syncing go through the registrations; research units are one more registration (`unit_document`,
`units_for_offer`, `offers_for_unit`), not a copy of `offers_for_profile`.

Threads (Flask's development server runs a thread per request; so may a WSGI server): one index per
process is shared by every request, and a request must not wait while another analyses documents.

- Analysing a document (tokens, lemmas, compound splits, dictionary look-ups) is the costly part of an
  update and grows with its text (linearly: see `LONGEST_WORD` and `CompoundSplitter` in text.py). It
  runs outside every lock that another request waits for: `Matcher.analyse` reads the vocabulary
  only; `Matcher.upsert_analysed` then applies the finished document under the matcher's own lock,
  held for numbering its new features and weighting its row only (about a tenth of the analysis of
  a new document; for a profile at the form limits, with words the index has not seen, 0.1 s against
  1 s). Removals are applied the same way.
- The matcher's lock makes each upsert and removal atomic for the readers: a ranking, a `reasons`
  call or an `explain` takes it for its numeric part, so it sees a document fully in or fully out,
  never a store or a vocabulary half extended. A query analyses its own document before it takes the
  lock too (see engine.py).
- One request at a time syncs (`sync_lock`, taken without waiting). A request that finds a newer
  version while another one is syncing does not wait: it ranks on the index as it stands, which
  already holds every change applied so far, and the syncing request applies the rest. The query
  side of a page is always read fresh from the database (the graduate's own profile, the company's
  own offer); only other people's changes may show one request later. `version` and `seen` are
  written by the syncing request only.
- Snapshots: a serving process (`MATCHER_WARM_START`) loads the current snapshot at start
  (`warm_start`), or has one built in the background; until it has an index, ranking raises
  `IndexNotReady` and the pages say the ranking is being prepared: no request builds. A newer
  snapshot (a rebuild: `rebuild_snapshot`) is loaded in the background and swapped in. Without warm
  start (the tests) the first ranking builds the index (`build_lock`). `matcher` is set last, after
  `seen` and `version`, so that nobody syncs against a half-set index.

`progress`, when set, is called with ("analyse" | "applied", side, id) around each changed document
of a sync (for logs and for tests that hold a sync in progress).
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import numpy as np
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, joinedload

from ..extensions import db
from ..graduates.queries import findable_profiles
from ..models import (DEGREE_RANK, Company, Degree, GraduateProfile, MatcherState, Offer, OfferKind, OfferStatus,
                      ResearchUnit, cefr_rank, utcnow)
from ..pagination import LoadedOnRead
from ..requirements import (CONDITIONS, degree_clause, degree_enough, degree_held_clause, german_clause, german_enough,
                            german_held_clause, kind_wanted, open_at_start)
from ..research.queries import UNIT_OFFER_KINDS
from .engine import Document, Match, Matcher, MatcherConfig, Reason, fit_labels, label_fits
from .language import detect_language, field_languages
from .personal import name_parts, scrub
from .text import clean, fold, tokens

log = logging.getLogger("matchmaker.matching")

STATE_NAME = "main"
# Below this a "fit" rests on stray character n-grams (e.g. a shared "-er" ending): not worth a person's time.
MIN_SCORE = 0.03
# The fits of a query its labels are taken among (documents.py, `fit_labels`), however few a caller lists.
LABEL_POOL = 200


# ---- documents ---------------------------------------------------------------------------------

def offer_document(offer: Offer) -> Document:
    """Title and skills weigh most; description and wanted fields of study are free text."""
    skills = list(offer.required_skills or []) + list(offer.nice_skills or [])
    text = "\n".join([offer.description or "", " ".join(offer.fields_of_study or [])])
    return Document(id=offer.id, title=offer.title or "", skills=skills, text=text, lang=offer.language or None)


def profile_document(profile: GraduateProfile) -> Document:
    """Headline and skills weigh most; studies, about and CV text are free text.

    The whole profile serves the ranking, but never the person's name, contact data, street or
    numbers: they are scrubbed from every field first, so they cannot become features. A profile
    names no language of its own: it is detected from its text, and per field where a field's own
    text says otherwise (a German headline over English skills; language.py)."""
    names = name_parts(profile.name, profile.user.email if profile.user is not None else "")
    text = "\n".join([profile.study_programme or "", profile.study_other or "", profile.about or "",
                      profile.cv_text or ""])
    title = scrub(profile.headline or "", names)
    skills = [s for s in (scrub(skill, names) for skill in profile.skills or []) if s]
    text = scrub(text, names)
    lang, own = field_languages({"title": title, "skills": "\n".join(skills), "text": text})
    return Document(id=profile.id, title=title, skills=skills, text=text, lang=lang, field_langs=own)


def card_document(profile: GraduateProfile) -> Document:
    """What the pseudonymous card shows, and nothing else: the only text a reason shown to a company
    may come from (headline, skills, field of study). It is explained against, never ranked."""
    title, skills, text = profile.headline or "", list(profile.skills or []), profile.field_of_study or ""
    lang, own = field_languages({"title": title, "skills": "\n".join(skills), "text": text})
    return Document(id=None, title=title, skills=skills, text=text, lang=lang, field_langs=own)


def unit_document(unit: ResearchUnit) -> Document:
    """The topics a unit wants to work on weigh most, like a graduate's skills; expertise, methods and
    equipment are free text. Every field is public (the unit's page), so reasons from it may be shown
    to a company. The head's name is left out: a person is never a reason. A unit names no language of
    its own (texts are often mixed): it is detected from its text."""
    skills = unit.topic_list
    text = "\n".join([unit.name or "", unit.expertise or "", unit.methods or "", unit.equipment or ""])
    lang, own = field_languages({"skills": "\n".join(skills), "text": text})
    return Document(id=unit.id, title="", skills=skills, text=text, lang=lang, field_langs=own)


def unit_has_content(unit: ResearchUnit) -> bool:
    return bool(unit.topics or unit.expertise or unit.methods)




def unit_conditions(offer: Offer, unit: ResearchUnit) -> list["Condition"]:
    """A unit is matched only with research questions and thesis topics."""
    return [Condition("kind", offer.kind in UNIT_OFFER_KINDS)]


# The park and the places around it: where a job is, not what it is.
PARK_PLACES = ("Industriepark Schwarze Pumpe", "Schwarze Pumpe", "Spremberg", "Spreetal", "Schwarzheide",
               "Hoyerswerda", "Cottbus", "Senftenberg", "Lausitz", "Lusatia", "Brandenburg", "Sachsen")
_LEGAL_FORM = re.compile(r"\s*(?:&\s*Co\.?\s*)?\b(?:GmbH|gGmbH|mbH|AG|SE|KG|KGaA|OHG|UG|e\.\s?V\.?|Ltd\.?|Inc\.?)\s*$",
                         re.IGNORECASE)
_PLACE_SPLIT = re.compile(r"[/,;()]|\s+(?:or|oder|und|and)\s+")


def stop_terms() -> tuple[str, ...]:
    """Names that carry no matching weight and are never shown as a reason: the companies' names
    (with and without their legal form), the places of offers and profiles (the capitalised parts of
    "Industriepark Schwarze Pumpe / Cottbus") and the park's region (`PARK_PLACES`). Taken when the
    index is built."""
    terms = set(PARK_PLACES)
    for name in db.session.scalars(sa.select(Company.name)):
        name = name.split(":", 1)[-1].strip()  # "Demo: Lausitzer Wasserstoff GmbH"
        terms.add(name)
        terms.add(_LEGAL_FORM.sub("", name).strip())
    places = list(db.session.scalars(sa.select(Offer.place).distinct()))
    places += list(db.session.scalars(sa.select(GraduateProfile.places).distinct()))
    for place in places:
        for part in _PLACE_SPLIT.split(place or ""):
            part = part.strip()
            if part[:1].isupper():
                terms.add(part)
    return tuple(sorted(t for t in terms if t))


def profile_has_content(profile: GraduateProfile) -> bool:
    return bool(profile.skills or profile.headline or profile.about or profile.cv_text)


# ---- the version: bumped in the same transaction as the change -----------------------------------

def _touches_matcher(session: Session) -> bool:
    models = tuple(spec.model for spec in SIDES.values())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, models):
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            return True
    return False


def bump_version(session: Session) -> None:
    updated = session.execute(
        sa.update(MatcherState).where(MatcherState.name == STATE_NAME)
        .values(version=MatcherState.version + 1, updated_at=utcnow())
    )
    if updated.rowcount == 0:
        session.add(MatcherState(name=STATE_NAME, version=1))


def install_version_hook() -> None:
    """Raise the matcher version whenever a flush changes an offer or a profile."""
    if getattr(install_version_hook, "_installed", False):
        return

    @event.listens_for(Session, "before_flush")
    def _before_flush(session, _flush_context, _instances):
        if session.info.get("matcher_bumped"):
            return
        if _touches_matcher(session):
            session.info["matcher_bumped"] = True
            bump_version(session)
            _forget_checked()

    @event.listens_for(Session, "after_commit")
    @event.listens_for(Session, "after_rollback")
    def _reset(session):
        session.info.pop("matcher_bumped", None)

    install_version_hook._installed = True


def current_version() -> int:
    return db.session.scalar(sa.select(MatcherState.version).where(MatcherState.name == STATE_NAME)) or 0


# A change made by one transaction is stamped (`updated_at`) after the transaction before it that
# raised the version committed: the version's row is locked from the raise to the commit, and the
# raise comes first in a flush (`install_version_hook`). So the rows changed after version v are
# those stamped at or after v was raised, less this much for the clocks of the nodes that write.
CLOCK_MARGIN = timedelta(minutes=1)


def changed_rows(spec: "SideSpec", since: datetime) -> tuple[dict, list]:
    """Of a side's rows stamped at or after `since` (less `CLOCK_MARGIN`): the live ones (id ->
    updated_at, as `live_rows` selects them) and the ids of all of them (also those no longer live)."""
    model, start = spec.model, since - CLOCK_MARGIN
    live = dict(db.session.execute(spec.live_rows().where(model.updated_at >= start)).all())
    touched = list(db.session.scalars(sa.select(model.id).where(model.updated_at >= start)))
    return live, touched


def current_state() -> tuple[int, datetime | None]:
    """The version and when it was raised (None: never)."""
    row = db.session.execute(sa.select(MatcherState.version, MatcherState.updated_at)
                             .where(MatcherState.name == STATE_NAME)).first()
    return (row.version, row.updated_at) if row is not None else (0, None)


# ---- the per-process index -----------------------------------------------------------------------

class IndexNotReady(Exception):
    """This process has no index yet: it is being loaded or built in the background (never on a request)."""


def fit_from_database(dictionary: str | None = None) -> tuple[Matcher, int, dict[str, dict[int, datetime]]]:
    """A matcher fitted over every live row, the database version read before the rows (a change made
    while fitting is applied by the next sync), and per side the rows it holds (id -> updated_at)."""
    version = current_version()
    rows = {name: dict(db.session.execute(spec.live_rows()).all()) for name, spec in SIDES.items()}
    docs = {name: [spec.document(obj) for obj in _load_rows(spec.model, rows[name])]
            for name, spec in SIDES.items()}
    matcher = Matcher(MatcherConfig(stop_terms=stop_terms()), bridge=_bridge(dictionary), pairs=PAIRS)
    matcher.fit_sides(docs)
    return matcher, version, rows


def ids_of(select: sa.Select, model) -> set:
    """The ids of the rows of `model` that `select` selects. On PostgreSQL as one array in one row:
    100,000 ids read as rows cost the ORM twice the time."""
    select = select.with_only_columns(model.id).order_by(None)
    if db.session.get_bind().dialect.name == "postgresql":
        return set(db.session.scalar(sa.select(sa.func.array_agg(select.subquery().c.id))) or ())
    return set(db.session.scalars(select))


def _load_rows(model, ids, chunk: int = 2000, options: tuple = ()):
    """The rows of `model` with these ids, read in chunks (a long IN list is slow or refused), with the
    loader `options` given (e.g. the relations a page shows)."""
    ids = list(ids)
    out = []
    for a in range(0, len(ids), chunk):
        out.extend(db.session.scalars(sa.select(model).where(model.id.in_(ids[a:a + chunk])).options(*options)))
        # the documents are made as the rows come; the rows need not stay in the session
    return out


@dataclass
class MatcherIndex:
    """One matcher with the versions of the rows it holds (threads: see the module docstring)."""

    matcher: Matcher | None = None
    version: int = -1
    seen: dict[str, dict[int, datetime]] = field(default_factory=lambda: {name: {} for name in SIDES})
    build_lock: threading.Lock = field(default_factory=threading.Lock)
    sync_lock: threading.Lock = field(default_factory=threading.Lock)
    builds: int = 0
    updates: int = 0
    progress: Callable[[str, str, Hashable], None] | None = None
    snapshot: str | None = None  # the snapshot folder the matcher was loaded from
    loads: int = 0
    # the background work that loads or builds an index for this process (see `prepare`)
    preparing: threading.Thread | None = None
    preparing_pid: int = 0
    # when the version synced to was raised (None: not known, the next sync reads every row)
    since: datetime | None = None
    # offer id -> the columns its conditions read (`_offer_facts_of`), as read since the offer last
    # changed: an offer the sync finds changed or gone is dropped from it
    offer_facts: "KnownFacts" = field(default_factory=lambda: KnownFacts())
    checked_at: float = 0.0  # when the snapshot link was last looked at
    error: str | None = None  # the last background failure, for the log and the "being prepared" page

    def _load(self, model, ids):
        if not ids:
            return []
        return _load_rows(model, ids)

    def install(self, matcher: Matcher, version: int, rows: dict, snapshot: str | None = None) -> None:
        """Make a fitted or loaded matcher this process's index (a request that holds the old one
        finishes with it). `matcher` is set last, after `seen` and `version`, so that nobody syncs
        against a half-set index; `sync_lock` keeps a sync of the old one from writing over them."""
        with self.sync_lock:
            self.seen = {name: dict(rows.get(name, {})) for name in SIDES}
            self.version, self.since = version, None
            self.offer_facts = KnownFacts()
            self.snapshot = snapshot
            self.matcher = matcher

    def build(self, dictionary: str | None = None) -> None:
        matcher, version, rows = fit_from_database(dictionary)
        self.install(matcher, version, rows)
        self.builds += 1
        log.info("matcher index built: %s (version %d)",
                 ", ".join(f"{len(ids)} {name}" for name, ids in rows.items()), version)

    def load_snapshot(self, folder, dictionary: str | None = None) -> None:
        """Memory-map a snapshot and make it this process's index; the changes since it was built
        are applied by the next sync (`ensure_current`)."""
        from . import snapshot

        started = time.perf_counter()
        matcher, meta = snapshot.load(folder, bridge=_bridge(dictionary))
        self.install(matcher, meta["version"], meta["rows"], snapshot=str(folder))
        self.loads += 1
        log.info("matcher snapshot %s loaded in %.2f s (version %d)", folder, time.perf_counter() - started,
                 meta["version"])

    def sync(self) -> None:
        """Apply what changed since our version: upsert changed rows, remove vanished ones.

        Call it holding `sync_lock`. Each changed document is analysed without a lock that readers
        wait for and then applied whole under the matcher's lock (see the module docstring).

        Only the rows changed since the version last synced to are read (`changed_rows`), not every
        row the index holds: at 100,000 offers and profiles reading all of them took each process a
        third of a second after every profile saved anywhere. A row deleted leaves no trace to read:
        when a side's live rows are not as many as the index holds, that side is compared whole."""
        version, stamp = current_state()
        if version == self.version:
            return  # another request synced while we looked
        for side, spec in SIDES.items():
            seen = self.seen[side]
            if self.since is not None:
                live, touched = changed_rows(spec, self.since)
                self._apply(side, spec, [i for i in touched if i in seen and i not in live], live)
                if db.session.scalar(sa.select(sa.func.count()).select_from(spec.live_rows().subquery())) \
                        == len(seen):
                    continue
            rows = dict(db.session.execute(spec.live_rows()).all())
            self._apply(side, spec, list(set(seen) - set(rows)), rows)
        self.version, self.since = version, stamp
        self.updates += 1

    def _apply(self, side: str, spec: "SideSpec", gone: list, rows: dict) -> None:
        """Remove `gone`, upsert the rows of `rows` (id -> updated_at) whose stamp the index does not
        hold yet; `seen` follows."""
        matcher, progress, seen = self.matcher, self.progress, self.seen[side]
        for doc_id in gone:
            matcher.remove(side, doc_id)
            seen.pop(doc_id, None)
        changed = [i for i, stamp in rows.items() if seen.get(i) != stamp]
        if side == "offers":
            for doc_id in (*gone, *changed):
                self.offer_facts.pop(doc_id)
        for obj in self._load(spec.model, changed):
            doc = spec.document(obj)
            if progress is not None:
                progress("analyse", side, doc.id)
            analysed = matcher.analyse(doc)  # the costly part: no lock held
            matcher.upsert_analysed(side, analysed)  # the matcher's lock, for the numbers only
            if progress is not None:
                progress("applied", side, doc.id)
        seen.update((i, rows[i]) for i in changed)

    def ensure_current(self, dictionary: str | None = None, app=None) -> Matcher:
        """The matcher, brought up to date unless another request is doing that right now (then this
        one ranks on the index as it stands: it does not wait).

        Without warm start (`MATCHER_WARM_START` off: the tests) the first call builds the index.
        With it, no request builds: while this process has no index, `IndexNotReady` is raised and
        the index is loaded or built in the background (`prepare`); a newer snapshot published by a
        rebuild is loaded in the background and swapped in."""
        warm = app is not None and app.config.get("MATCHER_WARM_START")
        if self.matcher is None:
            if warm:
                self.prepare(app)
                if self.matcher is None:
                    raise IndexNotReady()
            else:
                with self.build_lock:
                    if self.matcher is None:
                        self.build(dictionary)
                        return self.matcher
        elif warm:
            self.follow_snapshots(app)
        if current_version() != self.version and self.sync_lock.acquire(blocking=False):
            try:
                self.sync()
            finally:
                self.sync_lock.release()
        return self.matcher

    # -- snapshots: loaded at start, built in the background, followed ------------------------------

    def _busy(self) -> bool:
        thread = self.preparing
        return thread is not None and self.preparing_pid == os.getpid() and thread.is_alive()

    def _start(self, app, work: Callable[[], None], name: str) -> None:
        def run():
            with app.app_context():
                try:
                    work()
                    self.error = None
                except Exception as exc:  # logged; the next request tries again
                    self.error = type(exc).__name__
                    log.exception("matcher index: %s failed", name)
                finally:
                    db.session.remove()

        thread = threading.Thread(target=run, name=f"matcher-{name}", daemon=True)
        self.preparing, self.preparing_pid = thread, os.getpid()
        thread.start()

    def prepare(self, app, wait: bool = False) -> None:
        """Give this process an index without making a request wait: the current snapshot is loaded
        (with `wait`, here: at start, before any request; under `gunicorn --preload` in the master,
        so that the workers share it), else one is built and published in the background (one
        process builds, the others wait for its snapshot and load it)."""
        dictionary = app.config.get("MATCHER_DICTIONARY")
        with self.build_lock:
            if self.matcher is not None or self._busy():
                return
            folder = usable_snapshot(app)
            if folder is not None and wait:
                try:
                    self.load_snapshot(folder, dictionary)
                    return
                except (OSError, ValueError, EOFError, KeyError) as exc:
                    log.warning("matcher snapshot %s not loaded (%s): building one", folder, exc)
            self._start(app, lambda: self._load_or_build(app), "prepare")

    def _load_or_build(self, app) -> None:
        dictionary = app.config.get("MATCHER_DICTIONARY")
        folder = usable_snapshot(app)
        if folder is None:
            folder = rebuild_snapshot(app, only_if_missing=True)
        self.load_snapshot(folder, dictionary)

    def follow_snapshots(self, app) -> None:
        """Every few seconds: if a newer snapshot was published than the one loaded, load it in the
        background and swap it in (requests go on with the old one meanwhile)."""
        now = time.monotonic()
        if now - self.checked_at < app.config.get("MATCHER_SNAPSHOT_CHECK_SECONDS", 5):
            return
        self.checked_at = now
        folder = usable_snapshot(app)
        if folder is None or str(folder) == self.snapshot:
            return
        with self.build_lock:
            if self._busy():
                return
            dictionary = app.config.get("MATCHER_DICTIONARY")
            self._start(app, lambda: self.load_snapshot(folder, dictionary), "swap")


def snapshot_root(app) -> Path:
    """The folder of the snapshots (`MATCHER_SNAPSHOT_DIR`, by default `<instance>/matcher`)."""
    return Path(app.config.get("MATCHER_SNAPSHOT_DIR") or Path(app.instance_path) / "matcher")


def database_name(app) -> str:
    """The database a snapshot was built from, without its password."""
    return sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)


def usable_snapshot(app):
    """The current snapshot folder if it was built from this database, else None."""
    from . import snapshot

    folder = snapshot.current(snapshot_root(app))
    if folder is None:
        return None
    try:
        meta = snapshot.load_meta(folder)
    except (OSError, EOFError, ValueError):
        return None
    if meta.get("database") != database_name(app):
        return None
    # built from other dictionary tables (a new file, or a new format of its tables: the order of
    # the translations, say): its rows would not be those a build gives now, so it is built again;
    # so is one written before the tables were recorded (no "dictionary" in its meta)
    return folder if meta.get("dictionary", ...) == dictionary_tables(app) else None


def dictionary_tables(app) -> str | None:
    """The name of the dictionary tables this app's matcher reads (see `bridge.tables_name`)."""
    from .bridge import tables_name

    return tables_name(app.config.get("MATCHER_DICTIONARY"))


def rebuild_snapshot(app, only_if_missing: bool = False):
    """Fit the index over the database and publish it as the current snapshot; the folder.

    The one function a background job or `flask matcher build` calls. One build at a time per
    snapshot folder (a file lock); with `only_if_missing`, a snapshot another process published
    while this one waited for the lock is taken instead of building again. Every process that
    follows snapshots swaps the new one in within `MATCHER_SNAPSHOT_CHECK_SECONDS`."""
    import fcntl

    from . import snapshot

    root = snapshot_root(app)
    root.mkdir(parents=True, exist_ok=True)
    with app.app_context(), open(root / ".build.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if only_if_missing:
                folder = usable_snapshot(app)
                if folder is not None:
                    return folder
            started = time.perf_counter()
            matcher, version, rows = fit_from_database(app.config.get("MATCHER_DICTIONARY"))
            meta = {"version": version, "rows": rows, "database": database_name(app),
                    "dictionary": dictionary_tables(app),
                    "built_at": utcnow(), "build_seconds": time.perf_counter() - started}
            folder = snapshot.publish(root, lambda path: snapshot.save(matcher, path, meta),
                                      keep=app.config.get("MATCHER_SNAPSHOTS_KEPT", 2))
            log.info("matcher snapshot %s published: %s (version %d) in %.1f s", folder,
                     ", ".join(f"{len(ids)} {name}" for name, ids in rows.items()), version,
                     time.perf_counter() - started)
            return folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)  # before the file closes: a forked child may hold it too
            db.session.remove()


def warm_start(app) -> None:
    """At the start of a serving process: load the current snapshot now, or build one in the
    background; the matching pages say "being prepared" until it is there."""
    if not app.config.get("MATCHER_WARM_START"):
        return
    with app.app_context():
        index = get_index()
        engine = db.engine
        index.prepare(app, wait=True)
    detect_language("Anlagen planen und prüfen")  # its models, loaded on first use: here, before a fork
    # What is loaded now (the snapshot's Python objects, the dictionaries) is kept out of the cyclic
    # garbage collector: its passes would write to every object's header in each forked worker and
    # so copy the pages the workers share (gunicorn --preload).
    gc.freeze()
    # a pooled connection opened here (a build in the background) must not be used by a forked
    # worker: the child drops the pool it inherited, without closing the parent's connections
    if not getattr(engine, "_matcher_fork_hook", False):
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
        engine._matcher_fork_hook = True


_bridges: dict[str | None, object] = {}
_indexes: dict[str, MatcherIndex] = {}
_indexes_lock = threading.Lock()


def _bridge(path: str | None):
    from .bridge import Bridge, default_bridge

    if path not in _bridges:
        _bridges[path] = Bridge.load(path) if path else default_bridge()
    return _bridges[path]


def get_index() -> MatcherIndex:
    """The index of this process for the current database."""
    from flask import current_app

    key = current_app.config["SQLALCHEMY_DATABASE_URI"]
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None:
            index = _indexes[key] = MatcherIndex()
    return index


def index_ready() -> bool:
    """Has this process built its index yet? A page that only adds figures asks this instead of
    waiting for a first build."""
    return get_index().matcher is not None


# In a request's environ: the index that was brought up to date for it (see `get_matcher`).
CHECKED_KEY = "matchmaker.matcher_checked"


def _forget_checked() -> None:
    """This request changed a matched row: the next `get_matcher` reads the version again."""
    from flask import has_request_context, request

    if has_request_context():
        request.environ.pop(CHECKED_KEY, None)


def get_matcher() -> Matcher:
    """The index's matcher, current; raises `IndexNotReady` while a warm-started process has none.

    In a request the version is read once (a page that ranks and then explains, or ranks for each of
    a company's offers, asks once); a change the request itself makes to a matched row has it read
    again. A change another process makes meanwhile is seen by the next request."""
    from flask import current_app, has_request_context, request

    app = current_app._get_current_object()
    index = get_index()
    in_request = has_request_context()
    if in_request and request.environ.get(CHECKED_KEY) is index and index.matcher is not None:
        return index.matcher
    matcher = index.ensure_current(app.config.get("MATCHER_DICTIONARY"), app)
    if in_request:
        request.environ[CHECKED_KEY] = index
    return matcher


def forget_indexes() -> None:
    """Drop every process-local index (tests start from empty databases)."""
    with _indexes_lock:
        _indexes.clear()


# ---- hard conditions -----------------------------------------------------------------------------

@dataclass
class Condition:
    name: str  # kind | german | degree | start (requirements.CONDITIONS)
    held: bool


@dataclass(frozen=True)
class Held:
    """What a graduate brings to the hard conditions: the profile's own, or as a page's filters set them.
    A condition named in `skip` is not checked (the graduate chose "any" for it)."""

    kinds: tuple[str, ...] = ()
    german: str | None = None
    degree: Degree | None = None
    earliest_start: date | None = None
    skip: frozenset[str] = frozenset()

    @classmethod
    def of(cls, profile: GraduateProfile, **changes) -> Held:
        return cls(kinds=tuple(profile.wanted_kinds or ()), german=profile.german_level, degree=profile.degree,
                   earliest_start=profile.earliest_start, **changes)


def conditions(profile: GraduateProfile, offer: Offer, held: Held | None = None) -> list[Condition]:
    """The conditions between a graduate and an offer; each holds or fails (those in `held.skip` are left
    out). The checks are requirements.py's."""
    held = held or Held.of(profile)
    checks = {
        "kind": lambda: kind_wanted(offer.kind, held.kinds),
        "german": lambda: german_enough(offer.min_german_level, held.german),
        "degree": lambda: degree_enough(offer.degree, held.degree),
        "start": lambda: open_at_start(offer, held.earliest_start),
    }
    return [Condition(name, checks[name]()) for name in CONDITIONS if name not in held.skip]


def all_held(conds: list[Condition]) -> bool:
    return all(c.held for c in conds)


def offer_conditions_clause(profile: GraduateProfile) -> sa.ColumnElement[bool]:
    """`conditions` as SQL over the offers, for one graduate: the offers all of whose conditions hold."""
    clauses = [german_clause(profile.german_level), degree_clause(profile.degree)]
    wanted = set(profile.wanted_kinds or [])
    if wanted:
        clauses.append(Offer.kind.in_([kind for kind in OfferKind if kind.value in wanted]))
    if profile.earliest_start:
        clauses.append(sa.or_(Offer.start_date.is_(None),
                              sa.func.coalesce(Offer.end_date, Offer.start_date) >= profile.earliest_start))
    return sa.and_(*clauses)


def profile_conditions_clause(offer: Offer) -> sa.ColumnElement[bool]:
    """`conditions` as SQL over the profiles, for one offer: the graduates all of whose conditions hold."""
    wanted = sa.cast(GraduateProfile.wanted_kinds, sa.Text)
    clauses = [
        sa.or_(GraduateProfile.wanted_kinds.is_(None), wanted.in_(["[]", "null"]),
               wanted.contains(f'"{offer.kind.value}"', autoescape=True)),
        german_held_clause(offer.min_german_level),
        degree_held_clause(offer.degree),
    ]
    if offer.start_date:
        end = offer.end_date or offer.start_date
        clauses.append(sa.or_(GraduateProfile.earliest_start.is_(None), GraduateProfile.earliest_start <= end))
    return sa.and_(*clauses)


# "Findable" is defined once, in graduates/queries.py; the old name stays for the matcher's callers.
findable_profiles_query = findable_profiles


@dataclass
class RankedOffer:
    offer: Offer
    match: Match
    conditions: list[Condition]


@dataclass
class RankedUnit:
    unit: ResearchUnit
    match: Match
    conditions: list[Condition]


@dataclass
class RankedProfile:
    profile: GraduateProfile
    match: Match
    conditions: list[Condition]


# ---- the sides: what the index matches, registered once -------------------------------------------

@dataclass(frozen=True)
class SideSpec:
    """A kind of document the index matches, and everything the index needs to know of it."""

    name: str  # the engine's side name
    model: type  # its rows; a flush touching one raises the version
    document: Callable[[Any], Document]  # a row as the engine's document
    live_rows: Callable[[], sa.Select]  # select (id, updated_at) of the rows the index holds
    item: str  # the attribute a ranked item (and a Pair) holds the row under
    ranked: Callable[[Any, Match, list[Condition]], Any]  # a ranked candidate for a page
    conditions: Callable[[Any, Any], list[Condition]]  # (query row, candidate row) -> hard conditions
    has_content: Callable[[Any], bool] = lambda _row: True  # can a row of this side be a query at all
    # (query row) -> SQL over this side's rows: the candidates whose hard conditions all hold
    conditions_clause: Callable[[Any], sa.ColumnElement[bool]] | None = None
    # loader options for the rows of a page shown: the relations every listed item shows
    page_options: Callable[[], tuple] = tuple


SIDES: dict[str, SideSpec] = {}
PAIRS: list[tuple[str, str]] = []  # which side is matched against which (both ways)


def register_side(spec: SideSpec, matched_with: tuple[str, ...] = ()) -> None:
    """Register a side, matched against the sides already registered that are named."""
    SIDES[spec.name] = spec
    PAIRS.extend((other, spec.name) for other in matched_with)


def side_of(row) -> SideSpec:
    """The registration of a row's side."""
    for spec in SIDES.values():
        if isinstance(row, spec.model):
            return spec
    raise LookupError(f"no matched side for {type(row).__name__}")


register_side(SideSpec(
    name="offers", model=Offer, document=offer_document,
    live_rows=lambda: sa.select(Offer.id, Offer.updated_at).where(Offer.status == OfferStatus.published),
    item="offer", ranked=RankedOffer,
    page_options=lambda: (joinedload(Offer.company),),  # each offer listed names its company
    # The query is a graduate's profile or a research unit: each has its own conditions.
    conditions=lambda query, offer: (unit_conditions(offer, query) if isinstance(query, ResearchUnit)
                                     else conditions(query, offer)),
    conditions_clause=offer_conditions_clause,
))
register_side(SideSpec(
    name="profiles", model=GraduateProfile, document=profile_document,
    live_rows=lambda: sa.select(GraduateProfile.id, GraduateProfile.updated_at),
    item="profile", ranked=RankedProfile,
    conditions=lambda offer, profile: conditions(profile, offer),
    has_content=profile_has_content,
    conditions_clause=profile_conditions_clause,
), matched_with=("offers",))
register_side(SideSpec(
    name="units", model=ResearchUnit, document=unit_document,
    live_rows=lambda: sa.select(ResearchUnit.id, ResearchUnit.updated_at).where(ResearchUnit.verified_at.is_not(None)),
    item="unit", ranked=RankedUnit,
    # Both directions: (offer, unit) when a question asks for units, (unit, offer) when a unit asks.
    conditions=lambda query, candidate: (unit_conditions(query, candidate) if isinstance(query, Offer)
                                         else unit_conditions(candidate, query)),
    has_content=unit_has_content,
), matched_with=("offers",))


def units_for_offer(offer: Offer, candidates: list[ResearchUnit], k: int = 200) -> list[RankedUnit]:
    """Rank verified units for a company's research question (or thesis topic)."""
    return rank_for(offer, "units", candidates, strict=True, k=k)


def offers_for_unit(unit: ResearchUnit, candidates: list[Offer], k: int = 200) -> list[RankedOffer]:
    """Rank the companies' published questions for a unit."""
    return rank_for(unit, "offers", candidates, strict=True, k=k)


def explain_units(offer: Offer, ranked: list[RankedUnit]) -> None:
    """Fill in the reasons of the units a page shows: from the units' public texts."""
    explain(offer, "units", ranked)


class RankedPage(LoadedOnRead):
    """Ranked candidates of a side, best first, as matches (ids and scores); the rows (and their
    conditions) are loaded only for the part a page shows, in one query."""

    def __init__(self, query, side: str, matches: list[Match],
                 check: Callable[[Any, Any], list[Condition]] | None = None):
        super().__init__(matches)
        self.query, self.spec = query, SIDES[side]
        self.check = check or self.spec.conditions

    def _make(self, positions: list[int]) -> dict[int, Any]:
        spec = self.spec
        rows = {row.id: row for row in _load_rows(spec.model, [self.entries[j].id for j in positions],
                                                  options=spec.page_options())}
        return {j: spec.ranked(rows[m.id], m, self.check(self.query, rows[m.id]))
                for j, m in ((j, self.entries[j]) for j in positions) if m.id in rows}


def rank_page(query, side: str, candidates: sa.Select, strict: bool = True, k: int = 200) -> RankedPage:
    """Rank the rows of `side` that `candidates` selects (a select of that side's model, e.g.
    `public_offers()` or `findable_profiles()`; only the ids are read) for a query row; with strict,
    the hard conditions filter first, in the same SQL query (`SideSpec.conditions_clause`). No row
    is loaded but those of the page shown (`RankedPage`)."""
    spec, asking = SIDES[side], side_of(query)
    if not asking.has_content(query):
        return RankedPage(query, side, [])
    select = candidates.where(spec.conditions_clause(query)) if strict else candidates
    allowed = ids_of(select, spec.model)
    if not allowed:
        return RankedPage(query, side, [])
    matcher = get_matcher()
    matches = matcher.rank(asking.document(query), side, k=max(k, LABEL_POOL), allowed=allowed, explain=False,
                           query_side=asking.name)
    matches = [m for m in matches if m.score >= MIN_SCORE]
    label_fits(matches)  # among all the fits the query gets, not only the k listed
    return RankedPage(query, side, matches[:k])


def rank_for(query, side: str, candidates: list, strict: bool = True, k: int = 200,
             check: Callable[[Any, Any], list[Condition]] | None = None) -> list:
    """Rank the candidate rows of `side` for a query row of a side matched with it; with strict, the
    hard conditions filter before ranking (`check`, if given, instead of the side's own conditions).
    Items of the side's ranked type, best first, each with its fit label among the query's fits."""
    spec, asking = SIDES[side], side_of(query)
    check = check or spec.conditions
    by_id = {}
    conds = {}
    for candidate in candidates:
        c = check(query, candidate)
        if strict and not all_held(c):
            continue
        by_id[candidate.id] = candidate
        conds[candidate.id] = c
    if not by_id or not asking.has_content(query):
        return []
    matcher = get_matcher()
    matches = matcher.rank(asking.document(query), side, k=max(k, LABEL_POOL), allowed=set(by_id), explain=False,
                           query_side=asking.name)
    matches = [m for m in matches if m.score >= MIN_SCORE]
    label_fits(matches)  # among all the fits the query gets, not only the k listed
    return [spec.ranked(by_id[m.id], m, conds[m.id]) for m in matches[:k]]


def explain(query, side: str, ranked: list) -> None:
    """Fill in the reasons of the ranked items of `side` a page shows (ranking itself skips them: they
    cost more)."""
    spec, asking = SIDES[side], side_of(query)
    ids = [getattr(item, spec.item).id for item in ranked]
    reasons = get_matcher().reasons(asking.document(query), side, ids, query_side=asking.name)
    for item, candidate_id in zip(ranked, ids):
        item.match.reasons = reasons.get(candidate_id, [])


def offers_for_profile(profile: GraduateProfile, candidates: list[Offer], strict: bool = True,
                       k: int = 200, held: Held | None = None) -> list[RankedOffer]:
    """Rank the candidate offers for a profile; with strict, the hard conditions filter before ranking
    (checked against `held`, if given, instead of the profile's own values)."""
    check = (lambda p, offer: conditions(p, offer, held)) if held is not None else None
    return rank_for(profile, "offers", candidates, strict, k, check=check)


@dataclass
class Hidden:
    """Fitting offers the strict list leaves out because of one condition (or of several)."""

    condition: str  # a name of requirements.CONDITIONS, or "several"
    count: int
    needs: str | Degree | None = None  # German level or degree: the lowest one asked among them
    or_higher: bool = False  # some of them ask for more than `needs`


def _lowest_asked(values: list, rank: Callable) -> tuple[Any, bool]:
    """The lowest of the values asked, and whether some ask for another (a higher) one."""
    return min(values, key=rank), len(set(values)) > 1


# The fits "Offers that fit you" looks at for what each condition hides (more while its list is not
# full): a graduate reads the first pages, not the 40,000th fit.
NEAR_MISS_POOL = 2000


def offers_with_near_misses(profile: GraduateProfile, candidates: sa.Select, held: Held, strict: bool = True,
                            k: int = 200, pool: int = NEAR_MISS_POOL) -> tuple[RankedPage, list[Hidden]]:
    """Rank every candidate once (`candidates`: a select of offers, only the ids are read; the columns of
    the conditions only for the fitting ones, those scoring at least MIN_SCORE); return the list to show
    (strict: the offers that meet every condition checked, labelled among themselves; else every fitting
    offer with what failed), best first, at most `k`, as a `RankedPage` that loads only the rows of the
    page shown, and what each condition hides: how many fitting offers fail that condition alone (exactly
    what choosing "any" for it adds to the strict list), and how many fail several. With many fits (tens
    of thousands at 100,000 offers) these are counted among the best `pool` of them, or four times as
    many, and so on, while the list has fewer than `k`."""
    asking = side_of(profile)
    if not asking.has_content(profile):
        return RankedPage(profile, "offers", []), []
    allowed = ids_of(candidates, Offer)
    if not allowed:
        return RankedPage(profile, "offers", []), []
    # Most candidates score below the floor: they are cut on the score array, before a Match is made,
    # and their conditions are never read. Of the fits, the best NEAR_MISS_POOL are looked at, more only
    # while the strict list is not full.
    document, facts, failed = asking.document(profile), {}, {}
    verdicts: dict[OfferFacts, list[str]] = {}  # the conditions failed, per distinct facts: checked once

    def failing(offer_facts: OfferFacts) -> list[str]:
        if offer_facts not in verdicts:
            verdicts[offer_facts] = [c.name for c in conditions(profile, offer_facts, held) if not c.held]
        return verdicts[offer_facts]

    while True:
        # (id, score) pairs: a Match is made only for the offers listed
        ranked = get_matcher().rank_scores(document, "offers", k=pool, allowed=allowed, query_side=asking.name,
                                           min_score=MIN_SCORE)
        facts.update(_known_offer_facts([i for i, _score in ranked if i not in facts]))
        fits = [(i, score) for i, score in ranked if i in facts]  # an offer deleted since its id was read
        failed.update({i: failing(facts[i]) for i, _score in fits if i not in failed})  # once, also deepened
        listed = sum(1 for i, _score in fits if not failed[i]) if strict else len(fits)
        if len(ranked) < pool or listed >= k:
            break
        pool *= 4
    alone: dict[str, list] = {name: [] for name in CONDITIONS}
    several = 0
    for i, _score in fits:
        if len(failed[i]) == 1:
            alone[failed[i][0]].append(facts[i])
        elif failed[i]:
            several += 1
    hidden = []
    for name, offers in alone.items():
        if not offers:
            continue
        group = Hidden(name, len(offers))
        if name == "german":
            group.needs, group.or_higher = _lowest_asked([o.min_german_level for o in offers], cefr_rank)
        elif name == "degree":
            group.needs, group.or_higher = _lowest_asked([o.degree for o in offers], DEGREE_RANK.get)
        hidden.append(group)
    if several:
        hidden.append(Hidden("several", several))
    check = lambda query, offer: conditions(query, offer, held)  # noqa: E731
    if not strict:
        # labelled among all the fits the graduate gets, not only the k listed
        labels = fit_labels([score for _i, score in fits])
        shown = [Match(i, score, label=label) for (i, score), label in zip(fits[:k], labels)]
        return RankedPage(profile, "offers", shown, check=check), hidden
    shown = list(itertools.islice((Match(i, score) for i, score in fits if not failed[i]), k))
    label_fits(shown)  # among the fits this list shows, as a strict ranking does
    return RankedPage(profile, "offers", shown, check=check), hidden


def profiles_for_offer(offer: Offer, candidates: list[GraduateProfile], strict: bool = True,
                       k: int = 200) -> list[RankedProfile]:
    """Rank the candidate (findable) profiles for an offer."""
    return rank_for(offer, "profiles", candidates, strict, k)


def explain_offers(profile: GraduateProfile, ranked: list[RankedOffer]) -> None:
    """Fill in the reasons of the offers a page shows."""
    explain(profile, "offers", ranked)


def explain_profiles(offer: Offer, ranked: list, for_company: bool = False) -> None:
    """Fill in the reasons of the graduates (or pairs) a page shows.

    Staff see reasons from the whole profile. A company sees only `card_reasons`: its own words and
    the card field they met, never a word of the graduate's About text or CV."""
    if for_company:
        for item in ranked:
            item.match.reasons = card_reasons(offer, item.profile)
        return
    explain(offer, "profiles", ranked)


# The card fields a company's reason may name, in the order they are looked in.
CARD_FIELDS = ("skills", "field_of_study", "headline")


def card_reasons(offer: Offer, profile: GraduateProfile) -> list[Reason]:
    """Why the card fits the offer, for the company: the offer's own word and the card field it met.

    Explained against `card_document` alone, so a reason can only rest on what the card shows; the
    graduate's spelling is not passed on at all (`candidate_term` is empty)."""
    card = card_document(profile)
    if not (card.title or card.skills or card.text):
        return []
    try:
        _score, reasons = get_matcher().explain(offer_document(offer), card)
    except (ValueError, KeyError, LookupError):  # an empty corpus has no vocabulary to explain with
        return []
    fields = {"skills": " ".join(card.skills).casefold(), "field_of_study": card.text.casefold(),
              "headline": card.title.casefold()}
    out = []
    for reason in reasons:
        term = reason.candidate_term.casefold()
        where = next((name for name in CARD_FIELDS if term and term in fields[name]), None)
        if where is None:  # not a word of the card: cannot be shown
            continue
        out.append(Reason(reason.query_term, "", reason.share, card_field=where))
    return out


@dataclass
class Pair:
    offer: Offer
    profile: GraduateProfile
    match: Match


@dataclass
class UnitPair:
    offer: Offer
    unit: ResearchUnit
    match: Match


class PairPage(LoadedOnRead):
    """Pairs of the board, best first, as (offer id, candidate id, match); the offers (with their
    companies) and the candidates are loaded only for the part a page shows, one query per kind.
    Given `offers` and `candidates` (selects), the rows are loaded through them: a pair whose offer or
    candidate they no longer select (pairs computed earlier: no longer public, no longer findable) is
    not shown."""

    def __init__(self, side: str, pairs: list[tuple[Any, Any, Match]], offers: sa.Select | None = None,
                 candidates: sa.Select | None = None):
        super().__init__(pairs)
        self.spec = SIDES[side]
        self.make = Pair if side == "profiles" else UnitPair
        self.offers, self.candidates = offers, candidates

    def _make(self, positions: list[int]) -> dict[int, Any]:
        chosen = {j: self.entries[j] for j in positions}
        offer_ids = {offer_id for offer_id, _c, _m in chosen.values()}
        candidate_ids = {candidate_id for _o, candidate_id, _m in chosen.values()}
        offers = {o.id: o for o in db.session.scalars(
            (sa.select(Offer) if self.offers is None else self.offers).where(Offer.id.in_(offer_ids))
            .options(joinedload(Offer.company)))}
        model = self.spec.model
        found = (_load_rows(model, candidate_ids) if self.candidates is None
                 else db.session.scalars(self.candidates.where(model.id.in_(candidate_ids))))
        rows = {row.id: row for row in found}
        return {j: self.make(offers[offer_id], rows[candidate_id], match)
                for j, (offer_id, candidate_id, match) in chosen.items()
                if offer_id in offers and candidate_id in rows}


def _pairs(matcher: Matcher, offers: list, side: str, mask_of: Callable[[Any], np.ndarray], per_offer: int,
           exclude: set[tuple[int, int]]) -> list[tuple[Any, Any, Match]]:
    """(offer id, candidate id, match) of the `per_offer` best candidates of `side` for each of `offers`
    (rows with an `id`, in the order given), the candidates allowed for an offer being `mask_of(offer)`
    (a mask over `matcher.ids(side)`) less the excluded pairs; best first (stable: an offer listed
    earlier first on equal scores). Each offer's ranking and fit labels are those of `rank_for` (the
    labels among its fits, up to LABEL_POOL): the stored offer is ranked by its id (`rank_id`)."""
    position = {candidate_id: n for n, candidate_id in enumerate(matcher.ids(side))}
    excluded: dict[int, list[int]] = {}
    for offer_id, candidate_id in exclude:
        if candidate_id in position:
            excluded.setdefault(offer_id, []).append(position[candidate_id])
    k = max(per_offer, LABEL_POOL)
    out: list[tuple[Any, Any, Match]] = []
    for offer in offers:
        mask = mask_of(offer)
        if offer.id in excluded:
            mask = mask.copy()
            mask[excluded[offer.id]] = False
        if not mask.any():
            continue
        if ("offers", offer.id) in matcher:
            matches = matcher.rank_id(offer.id, "offers", k=k, allowed=mask, explain=False, side=side)
        else:  # not in the index (yet): ranked from its document, as a page does for a new text
            row = db.session.get(Offer, offer.id)
            matches = matcher.rank(offer_document(row), side, k=k, allowed=mask, explain=False, query_side="offers")
        matches = [m for m in matches if m.score >= MIN_SCORE]
        label_fits(matches)  # among all the fits the offer gets, not only the few listed
        out.extend((offer.id, m.id, m) for m in matches[:per_offer])
    out.sort(key=lambda pair: pair[2].score, reverse=True)
    return out


def _id_mask(ids: list, chosen: set) -> np.ndarray:
    return np.fromiter((i in chosen for i in ids), dtype=bool, count=len(ids))


# The columns `conditions` reads of an offer.
OFFER_FACTS = (Offer.id, Offer.kind, Offer.min_german_level, Offer.degree, Offer.start_date, Offer.end_date)


def _offer_facts(offers: sa.Select) -> list:
    """Id and the columns of the conditions of the offers `offers` selects, in its order."""
    return list(db.session.execute(offers.with_only_columns(*OFFER_FACTS)))


class OfferFacts(NamedTuple):
    """The columns of an offer that `conditions` reads."""

    kind: OfferKind
    min_german_level: str | None
    degree: Degree | None
    start_date: date | None
    end_date: date | None


def _offer_facts_of(ids: list, chunk: int = 2000) -> dict[int, OfferFacts]:
    """Id -> the columns of the conditions, of the offers with these ids, one `OfferFacts` shared by all
    the offers that have the same (so that the conditions are checked once for each: many offers ask
    alike). On PostgreSQL in one query with the ids as one array (a list of a thousand parameters costs
    it more to parse than the rows cost to read), grouped by the columns, the ids of a group as one
    array; elsewhere in chunks as `_load_rows`."""
    if not ids:
        return {}
    columns = OFFER_FACTS[1:]
    out: dict[int, OfferFacts] = {}
    if db.session.get_bind().dialect.name == "postgresql":
        query = (sa.select(*columns, sa.func.array_agg(Offer.id))
                 .where(Offer.id == sa.any_(sa.bindparam("ids", list(ids), type_=sa.ARRAY(sa.Integer))))
                 .group_by(*columns))
        for *values, group in db.session.execute(query):
            facts = OfferFacts(*values)
            out.update(dict.fromkeys(group, facts))
        return out
    shared: dict[OfferFacts, OfferFacts] = {}
    for a in range(0, len(ids), chunk):
        for offer_id, *values in db.session.execute(sa.select(*OFFER_FACTS).where(Offer.id.in_(ids[a:a + chunk]))):
            facts = OfferFacts(*values)
            out[offer_id] = shared.setdefault(facts, facts)
    return out


class KnownFacts:
    """Offer id -> its `OfferFacts`, kept by a process: one small number per offer id (a numpy array
    that grows to the largest id asked for) into the list of the distinct facts, so that 100,000 offers
    cost a worker 400 kB, not a dict entry and an int object each. Threads may read and write it at
    once: a lost write only means that offer is read from the database again."""

    def __init__(self) -> None:
        self.codes = np.full(0, -1, dtype=np.int32)
        self.distinct: list[OfferFacts] = []
        self.code_of: dict[OfferFacts, int] = {}

    def get_many(self, ids: list) -> dict[int, OfferFacts]:
        codes, distinct = self.codes, self.distinct
        found = np.asarray(ids, dtype=np.int64)
        inside = (found >= 0) & (found < len(codes))
        code = np.full(len(found), -1, dtype=np.int32)
        code[inside] = codes[found[inside]]
        return {i: distinct[c] for i, c in zip(ids, code.tolist()) if c >= 0}

    def update(self, facts: dict[int, OfferFacts]) -> None:
        if not facts:
            return
        codes = self.codes
        largest = max(facts)
        if largest >= len(codes):
            grown = np.full(max(largest + 1, 2 * len(codes)), -1, dtype=np.int32)
            grown[:len(codes)] = codes
            codes = grown
        for offer_id, value in facts.items():
            code = self.code_of.get(value)
            if code is None:
                code = self.code_of[value] = len(self.distinct)
                self.distinct.append(value)
            codes[offer_id] = code
        self.codes = codes

    def pop(self, offer_id: int) -> None:
        if 0 <= offer_id < len(self.codes):
            self.codes[offer_id] = -1

    def __len__(self) -> int:
        return int((self.codes >= 0).sum())


def _known_offer_facts(ids: list) -> dict[int, OfferFacts]:
    """`_offer_facts_of`, read from the database only for the offers this process has not read since
    they last changed (the index's `offer_facts`; its sync drops an offer that changed)."""
    cache = get_index().offer_facts
    known = cache.get_many(ids)
    missing = [i for i in ids if i not in known]
    if missing:
        read = _offer_facts_of(missing)
        cache.update(read)
        known.update(read)
    return known


def best_pairs(offers: sa.Select, profiles: sa.Select, per_offer: int = 5,
               exclude: set[tuple[int, int]] | None = None) -> PairPage:
    """`best_pair_list` as a `PairPage`: only the rows of the page shown are loaded."""
    return PairPage("profiles", best_pair_list(offers, profiles, per_offer, exclude))


def best_pair_list(offers: sa.Select, profiles: sa.Select, per_offer: int = 5,
                   exclude: set[tuple[int, int]] | None = None) -> list[tuple[int, int, Match]]:
    """(offer id, graduate id, match) of the best pairs meeting every hard condition, best first:
    `offers` and `profiles` select the candidates (e.g. `public_offers()` and `findable_profiles()` with
    the board's filters; only their ids and the columns of the conditions are read).

    The profiles meeting an offer's kind, German level and degree come from SQL
    (`profile_conditions_clause`, as for "Graduates who fit"), one query per distinct three; the start,
    which nearly every offer sets to a date of its own, from `open_at_start` over the distinct earliest
    starts of the profiles, once per distinct start and end of the offers."""
    facts = _offer_facts(offers)
    if not facts:
        return []
    matcher = get_matcher()
    ids = matcher.ids("profiles")
    candidates = profiles.with_only_columns(GraduateProfile.id).order_by(None)
    earliest = dict(db.session.execute(candidates.add_columns(GraduateProfile.earliest_start)).all())
    dates = sorted({d for d in earliest.values() if d is not None})
    # per profile of the index, its earliest start as a number (len(dates): none given, or no candidate)
    code_of = {d: n for n, d in enumerate(dates)}
    codes = np.fromiter((code_of.get(earliest.get(i), len(dates)) for i in ids), dtype=np.int64, count=len(ids))
    by_sql: dict[tuple, np.ndarray] = {}
    by_start: dict[tuple, np.ndarray] = {}

    def mask_of(offer) -> np.ndarray:
        key = (offer.kind, offer.min_german_level, offer.degree)
        if key not in by_sql:
            undated = SimpleNamespace(kind=offer.kind, min_german_level=offer.min_german_level, degree=offer.degree,
                                      start_date=None, end_date=None)  # the clause without the start
            by_sql[key] = _id_mask(ids, ids_of(candidates.where(profile_conditions_clause(undated)), GraduateProfile))
        if not offer.start_date:
            return by_sql[key]
        when = (offer.start_date, offer.end_date)
        if when not in by_start:
            fits = np.array([open_at_start(offer, d) for d in dates] + [True], dtype=bool)
            by_start[when] = fits[codes]
        return by_sql[key] & by_start[when]

    return _pairs(matcher, facts, "profiles", mask_of, per_offer, exclude or set())


def best_unit_pairs(offers: sa.Select, units: sa.Select, per_offer: int = 3,
                    exclude: set[tuple[int, int]] | None = None, limit: int = 20) -> list[UnitPair]:
    """The best (research question, unit) pairs, best first: the board's second table (the first
    `limit` of `best_unit_pair_list`, loaded)."""
    return PairPage("units", best_unit_pair_list(offers, units, per_offer, exclude)[:limit])[:]


def best_unit_pair_list(offers: sa.Select, units: sa.Select, per_offer: int = 3,
                        exclude: set[tuple[int, int]] | None = None) -> list[tuple[int, int, Match]]:
    """(question id, unit id, match), best first. `offers` and `units` select the candidates (only ids
    are read); the offers of the kinds a unit is matched with (`unit_conditions`) are asked for in SQL."""
    facts = list(db.session.execute(offers.with_only_columns(Offer.id).where(Offer.kind.in_(UNIT_OFFER_KINDS))))
    if not facts:
        return []
    matcher = get_matcher()
    verified = ids_of(units, ResearchUnit)
    mask = _id_mask(matcher.ids("units"), verified)
    return _pairs(matcher, facts, "units", lambda _offer: mask, per_offer, exclude or set())


# ---- words typed into the public search --------------------------------------------------------

# Below this the query shares too little with an offer to list it (one stray character n-gram or a
# far translation); a single word found in the title or the skills scores far above it.
SEARCH_MIN_SCORE = 0.04
# A search is a short text: at most this many of its characters are analysed.
SEARCH_MAX_CHARS = 200
# The dictionary's translations of the words typed are searched too, with their scores times this,
# the first few of them.
SEARCH_TRANSLATED = 0.9
SEARCH_TRANSLATIONS = 3


@dataclass
class SearchHit:
    """An offer found by the words typed into the search, and the offer's own words that met them."""

    offer: Offer
    match: Match
    lang: str
    words: list[str] = field(default_factory=list)


def search_document(text: str, lang: str) -> Document:
    """The words typed into the search as a query document of the profiles' side (a title: a few
    words that weigh as much as a headline)."""
    return Document(id=None, title=text[:SEARCH_MAX_CHARS], lang=lang)


def _search_queries(matcher: Matcher, text: str) -> list[tuple[str, str, float]]:
    """What is searched for the words typed: (words, language, weight), the words themselves both
    ways first, then the dictionary's translations of the words as a whole, both ways too."""
    text = text[:SEARCH_MAX_CHARS]
    key = " ".join(tokens(fold(clean(text))))
    queries = [(text, lang, 1.0) for lang in ("de", "en")]
    for source in ("de", "en"):  # the translations, like the words, both ways
        queries += [(words, lang, SEARCH_TRANSLATED)
                    for words in matcher.bridge.translate(key, source)[:SEARCH_TRANSLATIONS] for lang in ("de", "en")]
    return queries


def search_offer_ids(text: str, allowed: set, k: int = 200) -> list[tuple[Match, str]]:
    """The allowed offer ids the words meet through the matcher (lemmas, the dictionary both ways,
    compounds, synonyms), best first, with a score of at least `SEARCH_MIN_SCORE`: (match, language).

    A few typed words say little about their language ("Elektrolyse", "Kamera", "hydrogen"), so the
    query is analysed both ways, as German and as English, and each offer keeps the better score.
    When the dictionary translates the words typed as a whole ("hydrogen" -> "Wasserstoff", "working
    student" -> "Werkstudent"), the translations are searched too, a little below the words themselves
    (`SEARCH_TRANSLATED`): a German compound that holds the word ("Wasserstoffanlagen") is then found
    from the English word as from the German one."""
    if not allowed or not text.strip():
        return []
    matcher = get_matcher()
    best: dict[Any, tuple[Match, str]] = {}
    rows = matcher.row_mask("offers", allowed)  # looked up once for the words and their translations
    for words, lang, weight in _search_queries(matcher, text):
        for m in matcher.rank(search_document(words, lang), "offers", k=k, allowed=rows, explain=False,
                              query_side="profiles"):
            m.score *= weight
            if m.score >= SEARCH_MIN_SCORE and (m.id not in best or m.score > best[m.id][0].score):
                best[m.id] = (m, lang)
    ranked = sorted(best.values(), key=lambda found: (-found[0].score, str(found[0].id)))
    return ranked[:k]


def explain_search(text: str, hits: list[SearchHit]) -> None:
    """Fill in the offer's words each hit a page shows was found by (for highlighting): the words
    typed first, then their translations (an offer found only through "Wasserstoff" for "hydrogen")."""
    matcher = get_matcher()
    for words, lang, _weight in _search_queries(matcher, text):
        mine = [hit for hit in hits if hit.lang == lang and not hit.match.reasons]
        if not mine:
            continue
        reasons = matcher.reasons(search_document(words, lang), "offers", [hit.offer.id for hit in mine],
                                  query_side="profiles", common=True)
        for hit in mine:
            hit.match.reasons = reasons.get(hit.offer.id, [])
            found = []
            for reason in hit.match.reasons:
                for word in reason.candidate_term.split():
                    if word and word not in found:
                        found.append(word)
            hit.words = found
