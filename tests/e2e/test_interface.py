"""Two things every page shares: the language switch, and form errors shown at their field."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matchmaker.models import User

from .browsing import submit

pytestmark = pytest.mark.browser


def test_language_switch_is_remembered(page):
    page.goto("/offers/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    with page.expect_navigation():
        page.locator("nav.primary .lang a[hreflang=en]").click()
    expect(page).to_have_url(re.compile(r"/offers/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.primary .lang a[hreflang=de]")).to_be_visible()

    page.goto("/companies/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.locator("nav.primary .lang a[hreflang=de]").click()
    expect(page).to_have_url(re.compile(r"/companies/$"))
    expect(page.locator("html")).to_have_attribute("lang", "de")


def test_form_error_is_shown_next_to_its_field(page, live_db):
    page.goto("/auth/register")
    page.fill("#email", "kurz@example.org")
    page.fill("#password", "zu-kurz")
    page.fill("#password_again", "zu-kurz")
    page.check("#accept_privacy")
    submit(page)

    expect(page).to_have_url(re.compile(r"/auth/register$"))
    password = page.locator("#password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_attribute("aria-describedby", "password-err")
    field = page.locator(".field.has-error", has=password)
    expect(field.locator("#password-err li")).to_have_count(1)
    expect(field.locator("#password-err")).to_be_visible()
    # Only that field is marked, and what was typed in the others is kept.
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator("#email")).to_have_value("kurz@example.org")
    expect(page.locator("#accept_privacy")).to_be_checked()
    assert live_db(lambda db: db.session.scalar(db.select(db.func.count(User.id)))) == 0
