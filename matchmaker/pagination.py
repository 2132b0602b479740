"""Pagination: of a select (Flask-SQLAlchemy's pages, `paginate`) and of a list already in memory (ranked
results, `ListPage`, shaped like them)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

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
