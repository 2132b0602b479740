"""Pagination: of a select (Flask-SQLAlchemy's pages, `paginate`) and of a list already in memory (ranked
results, `ListPage`, shaped like them); `LoadedOnRead`, a ranked list whose rows are loaded only for the part
a page reads."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Sequence

import sqlalchemy as sa
from flask import current_app, request

# Beyond this a page number is a typo or a probe; it must not reach the database as a huge OFFSET.
MAX_PAGE = 10_000


def page_arg() -> int:
    """The `page` query parameter, 1 when missing, not a number or absurd."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


def paginate(select):
    """The page the `page` query parameter asks for of a select, PAGE_SIZE rows; past the end: empty."""
    from .extensions import db

    return db.paginate(select, page=page_arg(), per_page=current_app.config["PAGE_SIZE"], error_out=False)


# Counts of public lists, per database and key: (when read, count). Counting every public offer grows
# with the offers; each visitor of the start page and the offer list asked for it.
_counts: dict[tuple, tuple[float, int]] = {}
_counts_lock = threading.Lock()


def count_of(select) -> int:
    """The number of rows `select` selects."""
    from .extensions import db

    return db.session.scalar(sa.select(sa.func.count()).select_from(select.order_by(None).subquery())) or 0


def recent_count(key: Hashable, select) -> int:
    """The number of rows `select` selects, read again at most every `PUBLIC_COUNTS_SECONDS` per `key`
    (a figure of a public page may be that old; 0: always read)."""
    seconds = current_app.config.get("PUBLIC_COUNTS_SECONDS", 60)
    full_key = (current_app.config["SQLALCHEMY_DATABASE_URI"], key)
    now = time.monotonic()
    with _counts_lock:
        kept = _counts.get(full_key)
    if seconds > 0 and kept is not None and now - kept[0] < seconds:
        return kept[1]
    count = count_of(select)
    if seconds > 0:
        with _counts_lock:
            _counts[full_key] = (now, count)
    return count


def forget_counts() -> None:
    """Drop the counts kept (tests start from empty databases)."""
    with _counts_lock:
        _counts.clear()


def paginate_public(select, key: Hashable, counted=None):
    """`paginate` for a public list, its total from `recent_count` (of `counted`, a lighter select of
    the same rows, e.g. only their ids, when given)."""
    from .extensions import db

    page = db.paginate(select, page=page_arg(), per_page=current_app.config["PAGE_SIZE"], error_out=False,
                       count=False)
    page.total = recent_count(key, select if counted is None else counted)
    return page


@dataclass
class ListPage:
    all_items: Sequence
    page: int
    per_page: int

    @property
    def total(self) -> int:
        return len(self.all_items)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def items(self) -> Sequence:
        start = (self.page - 1) * self.per_page
        return self.all_items[start:start + self.per_page]

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


class LoadedOnRead(Sequence):
    """A ranked list held as light entries (ids, scores); the items a page shows are made from their
    database rows only when a slice of it is read, each once (a page reads its items more than once).
    A subclass says how, in `_make(positions)`: {position: item} for the positions it can make (a row
    gone since the ranking is left out)."""

    def __init__(self, entries: list):
        self.entries = entries
        self._made: dict[int, Any] = {}

    def _make(self, positions: list[int]) -> dict[int, Any]:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i):
        if isinstance(i, slice):
            chosen = range(len(self.entries))[i]
            todo = [j for j in chosen if j not in self._made]
            if todo:
                self._made.update(self._make(todo))
            return [self._made[j] for j in chosen if j in self._made]
        found = self[i:i + 1] if i != -1 else self[i:]
        if not found:
            raise IndexError(i)
        return found[0]
