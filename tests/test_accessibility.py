"""The accessibility statement (BITV 2.0), the footer line that explains the Präsenzstelle, and the page
frame that phones and keyboards rely on. The browser checks (390 px, axe-core, keyboard) are in
tests/e2e/test_accessibility.py."""

from __future__ import annotations

import pytest

from matchmaker.models import Role


@pytest.mark.parametrize("language, expected", [
    ("de", ("Erklärung zur Barrierefreiheit", "teilweise mit WCAG 2.1 AA vereinbar", "Barriere melden",
            "Schlichtungsstelle des Landes Brandenburg", "30.11.2026")),
    ("en", ("Accessibility statement", "partially compliant with WCAG 2.1 AA", "Report a barrier",
            "conciliation body (Schlichtungsstelle) of the Land Brandenburg", "30 Nov 2026")),
])
def test_accessibility_statement_in_both_languages(app, client, language, expected):
    response = client.get("/accessibility", headers={"Accept-Language": language})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in body
    for text in expected:
        assert text in body, text
    address = app.config["ACCESSIBILITY_CONTACT_EMAIL"]
    assert f'href="mailto:{address}"' in body


@pytest.mark.parametrize("language, line, link", [
    ("de", "der Anlaufstelle der BTU Cottbus-Senftenberg in Spremberg", "Mehr über die Präsenzstelle"),
    ("en", "BTU Cottbus-Senftenberg’s outreach office in Spremberg", "More about the Präsenzstelle"),
])
def test_every_page_explains_the_praesenzstelle_and_links_the_statement(client, login_as, make_user, language,
                                                                         line, link):
    login_as(make_user(Role.staff, locale=language))
    for path in ("/", "/offers/", "/staff/"):
        body = client.get(path).get_data(as_text=True)
        footer = body.split('<footer class="site">', 1)[1]
        assert line in footer and link in footer, path
        assert 'href="/about#praesenzstelle"' in footer and 'href="/accessibility"' in footer, path
    about = client.get("/about").get_data(as_text=True)
    assert 'id="praesenzstelle"' in about


def test_menu_opens_without_script(client):
    """The phone menu is a checkbox and its label before the navigation: no inline script (the CSP forbids it)."""
    body = client.get("/").get_data(as_text=True)
    assert "<script" not in body
    toggle, nav = body.index('id="menu-toggle"'), body.index('<nav class="primary"')
    assert toggle < body.index('<label for="menu-toggle"') < nav
