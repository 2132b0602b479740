"""The main pages a person can reach, found by following the links of the demo data, one page per kind.

A kind is a path with its numbers replaced (`/offers/17` and `/offers/23` are one kind), so the walk sees
every page the navigation and the content link to, with real content on it, without opening 40 offers.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Callable
from urllib.parse import urlsplit

# Links that are not pages to look at: downloads, the language switch, one-time tokens, static files,
# documents for machines (the API's JSON, the sitemap).
NOT_A_PAGE = re.compile(
    r"^/(static|lang)/|\.(atom|csv|ics|json|pdf|png|svg|txt|xml)$|/(image|thumbnail)$|/(confirm|reset|unsubscribe)/"
    r"|/cv/file|/download|/export")
DEMO_ROLES = ("anonymous", "graduate", "company", "staff", "board", "admin", "researcher")


def kind_of(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/N", path)


def main_pages(page, visit: Callable[[str], None], start: tuple[str, ...] = ("/",), limit: int = 80) -> list[str]:
    """Walk the site from `start` as the logged-in person of `page`, calling `visit(path)` on each new kind
    of page (the page is loaded when it is called). Returns the paths visited."""
    queue, kinds, tried, visited = deque(start), set(), set(), []
    while queue and len(visited) < limit:
        path = queue.popleft()
        if kind_of(path) in kinds or path in tried or NOT_A_PAGE.search(path):
            continue
        tried.add(path)
        response = page.goto(path)
        if response is None or response.status != 200 or urlsplit(page.url).path != path:
            continue  # a redirect (e.g. to the login) is the page it leads to, walked on its own
        kinds.add(kind_of(path))
        visited.append(path)
        visit(path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            if parts.netloc == urlsplit(page.url).netloc and parts.path and kind_of(parts.path) not in kinds:
                queue.append(parts.path)
    return visited
