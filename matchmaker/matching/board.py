"""The staff's matching board when there are many offers: its pairs computed in the background.

The board ranks every offer of its filters against the findable graduates (`index.best_pairs`), about
2.5 ms an offer at 100,000 profiles: a few hundred offers are ranked on the request, as before, but
100,000 would take minutes. Beyond `MATCHER_BOARD_INLINE_OFFERS` offers the pairs of each filter are
computed by a thread of the process and kept (`BoardCache`, per process and database, like the index);
a request reads the last computation and starts a new one when the matcher's data changed since (the
database version of `index.current_version`) or the day changed (offers expire by date). Until the
first computation of a filter is done the board answers "being prepared" (503, reloading itself).

What may have changed since the computation is checked when a page is read:
- introductions proposed since then: each offer keeps `SPARE` candidates beyond the five shown, and the
  pairs already introduced are left out when read (`_without`), as the inline board leaves them out;
- offers no longer public and graduates no longer findable (consent withdrawn, profile hidden): the
  page's rows are loaded through the board's own selects, so such a pair is not shown (`index.PairPage`).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Offer
from ..pagination import count_of
from . import index
from .engine import Match

log = logging.getLogger(__name__)

SPARE = 5  # candidates kept per offer beyond those shown, for introductions proposed since
KEPT = 2000  # pairs kept per filter (100 pages of 20): a person reads the first pages


class BoardNotReady(Exception):
    """The board's pairs for these filters are being computed for the first time."""


@dataclass
class BoardResult:
    version: int
    day: date
    computed_at: datetime
    pairs: list[tuple[int, int, Match]]
    unit_pairs: list[tuple[int, int, Match]]


@dataclass
class BoardCache:
    results: dict[Any, BoardResult] = field(default_factory=dict)
    running: dict[Any, threading.Thread] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: dict[Any, str] = field(default_factory=dict)

    def read(self, app, key, work) -> tuple[BoardResult | None, bool]:
        """The last result for `key` and whether a newer one is being computed; starts `work` (which
        returns a `BoardResult`) in a thread when there is none for the current version and day."""
        version, today = index.current_version(), date.today()
        with self.lock:
            result = self.results.get(key)
            thread = self.running.get(key)
            busy = thread is not None and thread.is_alive()
            if (result is None or (result.version, result.day) != (version, today)) and not busy:
                thread = threading.Thread(target=self._run, args=(app, key, work), name="matcher-board", daemon=True)
                self.running[key] = thread
                thread.start()
                busy = True
        return result, busy

    def _run(self, app, key, work) -> None:
        with app.app_context():
            try:
                result = work()
                with self.lock:
                    self.results[key] = result
                    self.errors.pop(key, None)
            except Exception as exc:  # logged; the next request starts it again
                self.errors[key] = type(exc).__name__
                log.exception("matching board: computing the pairs failed")
            finally:
                db.session.remove()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every computation running now (tests, the CLI)."""
        for thread in list(self.running.values()):
            thread.join(timeout)


_caches: dict[str, BoardCache] = {}
_caches_lock = threading.Lock()


def board_cache() -> BoardCache:
    """This process's board cache for the current database."""
    key = current_app.config["SQLALCHEMY_DATABASE_URI"]
    with _caches_lock:
        cache = _caches.get(key)
        if cache is None:
            cache = _caches[key] = BoardCache()
    return cache


def forget_boards() -> None:
    """Drop every process-local board (tests start from empty databases)."""
    with _caches_lock:
        _caches.clear()


def _without(pairs: list, exclude: set[tuple[int, int]], per_offer: int) -> list:
    """The pairs (best first) less the excluded ones, at most `per_offer` per offer."""
    shown: Counter = Counter()
    out = []
    for pair in pairs:
        offer_id, candidate_id, _match = pair
        if (offer_id, candidate_id) in exclude or shown[offer_id] >= per_offer:
            continue
        shown[offer_id] += 1
        out.append(pair)
    return out


@dataclass
class Board:
    """What the board shows: its pairs and, on the first page, the research questions' units; and
    when they were computed (None: on this request) and whether a newer computation is running."""

    pairs: index.PairPage
    unit_pairs: list
    computed_at: datetime | None = None
    updating: bool = False


def current_board(key, offers: sa.Select, profiles: sa.Select, units: sa.Select, exclude: set, unit_exclude: set,
                  per_offer: int = 5, with_units: bool = True) -> Board:
    """The board for one set of filters (`key`): ranked on this request when there are few offers,
    else from the background computation (raises `BoardNotReady` until the first is done)."""
    app = current_app._get_current_object()
    if count_of(offers.with_only_columns(Offer.id)) <= app.config["MATCHER_BOARD_INLINE_OFFERS"]:
        unit_pairs = index.best_unit_pairs(offers, units, exclude=unit_exclude) if with_units else []
        return Board(index.best_pairs(offers, profiles, per_offer=per_offer, exclude=exclude), unit_pairs)

    def work() -> BoardResult:
        version, day = index.current_version(), date.today()  # read first: a change meanwhile starts another
        pairs = index.best_pair_list(offers, profiles, per_offer=per_offer + SPARE)
        unit_pairs = index.best_unit_pair_list(offers, units, per_offer=3 + SPARE)
        return BoardResult(version, day, datetime.now(timezone.utc), pairs[:KEPT], unit_pairs[:KEPT])

    cache = board_cache()
    result, busy = cache.read(app, key, work)
    if result is None:
        raise BoardNotReady()
    # the rows are loaded through the board's own selects: what is no longer public, findable or
    # verified since the computation is left out
    unit_pairs = []
    if with_units:
        unit_pairs = index.PairPage("units", _without(result.unit_pairs, unit_exclude, 3)[:40], offers, units)[:][:20]
    return Board(index.PairPage("profiles", _without(result.pairs, exclude, per_offer), offers, profiles), unit_pairs,
                 result.computed_at, busy)
