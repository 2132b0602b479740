"""Every main page, for every role, on the demo data: no sideways scrolling on a 390 px phone, and no
axe-core violation of the WCAG 2.1 A/AA rules (BITV 2.0). Plus a keyboard-only journey."""

from __future__ import annotations

import pytest

from .browsing import PHONE, submit
from .browsing import axe as _axe
from .browsing import violations as _violations
from .crawl import DEMO_ROLES, main_pages

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
# Where each role starts its walk: the start page, and for a logged-in person their own start page too.
START = {"anonymous": ("/", "/auth/login", "/auth/register", "/auth/register/company", "/accessibility"),
         "graduate": ("/", "/graduates/", "/graduates/profile"), "company": ("/", "/companies/dashboard"),
         "staff": ("/", "/staff/"), "board": ("/", "/report/"), "admin": ("/", "/staff/"),
         "researcher": ("/",)}



@pytest.mark.parametrize("role", DEMO_ROLES)
def test_every_main_page_fits_a_phone_and_passes_axe(browser, demo_server, role):
    base, logins, password, pages = demo_server
    context = browser.new_context(base_url=base, locale="de-DE", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    axe = _axe()
    if role != "anonymous":
        page.goto("/auth/login")
        page.fill("#email", logins[role])
        page.fill("#password", password)
        submit(page)
        assert page.locator("form[action$='/auth/logout']").count() == 1, f"{role} could not log in"
    problems: list[str] = []

    def check(path: str) -> None:
        wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            problems.append(f"{path}: {wide} px sideways scroll at 390 px")
        for violation in _violations(axe, page):
            problems.append(f"{path} (390 px): {violation}")
        page.set_viewport_size(DESKTOP)
        for violation in _violations(axe, page):
            problems.append(f"{path} (1280 px): {violation}")
        page.set_viewport_size(PHONE)

    visited = main_pages(page, check, start=pages + START[role])
    context.close()
    assert len(visited) >= 5, visited
    assert not problems, "\n".join(problems)


def test_the_axe_check_finds_a_violation_at_each_width(browser):
    """The check the walk above relies on: axe-core, put into the page once, reports an image without
    a text alternative at the phone's width and again at the desktop's."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content('<!doctype html><html lang="de"><head><title>t</title></head>'
                     '<body><main><h1>t</h1><img src="data:,"></main></body></html>')
    axe = _axe()
    assert any(v.startswith("image-alt") for v in _violations(axe, page))
    page.set_viewport_size(DESKTOP)
    assert any(v.startswith("image-alt") for v in _violations(axe, page))
    page.set_content('<!doctype html><html lang="de"><head><title>t</title></head>'
                     '<body><main><h1>t</h1><img src="data:," alt="Logo"></main></body></html>')
    assert _violations(axe, page) == []
    context.close()
