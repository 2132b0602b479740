"""Pagination of a list already in memory (ranked results), shaped like Flask-SQLAlchemy's pages."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from flask import request

# Beyond this a page number is a typo or a probe; it must not reach the database as a huge OFFSET.
MAX_PAGE = 10_000


def page_arg() -> int:
    """The `page` query parameter, 1 when missing, not a number or absurd."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


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
