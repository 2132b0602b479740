"""Registration and profile editing with the keyboard alone (Tab, Shift+Tab, Enter, Space; no mouse):
every step is reachable, focus is visible, and form errors are announced and focused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .browsing import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "tastatur@example.org"


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until `selector` has the focus, and check the focus is visible there."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError(f"{selector} never got the focus by Tab")
    outline = target.evaluate("el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth]; }")
    if target.evaluate("el => el.type") != "checkbox" or outline[0] != "none":
        assert outline[0] != "none" and outline[1] != "0px", f"no visible focus on {selector}: {outline}"


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_register_and_edit_profile_with_the_keyboard_only(page, last_link_to):
    page.goto("/auth/register")
    # First the skip link: Enter on it moves the focus into the page.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()

    # A too short password: the errors come back announced, the summary has the focus, the field points to its message.
    type_into(page, "#email", EMAIL)
    type_into(page, "#password", "kurz")
    type_into(page, "#password_again", "kurz")
    tab_to(page, "#accept_privacy")
    page.keyboard.press("Space")
    expect(page.locator("#accept_privacy")).to_be_checked()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#password']")).to_have_count(1)
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#password")).to_have_attribute("aria-describedby", "password-err")
    expect(page.locator("#password-err")).to_be_visible()

    # Corrected and sent with Enter.
    type_into(page, "#password", PASSWORD)
    type_into(page, "#password_again", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    page.goto(last_link_to(EMAIL))

    # Log in with the keyboard.
    type_into(page, "#email", EMAIL)
    type_into(page, "#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/me/$"))

    # Edit the profile: a missing name is announced; then saved.
    page.goto("/me/profile")
    type_into(page, "#headline", "Verfahrensingenieurin")
    tab_to(page, "main form[action='/me/profile'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    type_into(page, "#name", "Tara Tastatur")
    tab_to(page, "main form[action='/me/profile'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator(".flash.success")).to_be_visible()
