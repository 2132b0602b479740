"""What a person does in the browser, shared by the journeys: log in, register, submit a form."""

from __future__ import annotations

# The password of every account the journeys make.
PASSWORD = "Lausitz-Pumpe-2031-ok"


def submit(page, form: str = "main form[method=post]") -> None:
    """Click the submit button of `form` and wait until the answer has loaded."""
    with page.expect_navigation():
        page.locator(form).locator("button[type=submit]").first.click()


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    submit(page)


def register(page, path: str, email: str, password: str = PASSWORD, **extra) -> None:
    """Fill a registration form; `extra` maps further field ids to values (select options by value)."""
    page.goto(path)
    page.fill("#email", email)
    page.fill("#password", password)
    page.fill("#password_again", password)
    for field_id, value in extra.items():
        target = page.locator(f"#{field_id}")
        if target.evaluate("el => el.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    page.check("#accept_privacy")
    submit(page)


# A phone's viewport, and the WCAG 2.1 A/AA rules (BITV 2.0) axe-core checks a page against.
PHONE = {"width": 390, "height": 844}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}


def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def violations(checker, page) -> list[str]:
    """The page's axe-core violations of WCAG_AA, one line each. axe-core is put into a page once
    (a second check of the same page, at another width, runs it again without loading it again)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(checker.axe_script)
    results = page.evaluate("options => axe.run(document, options)", WCAG_AA)
    return [f"{v['id']} ({v['impact']}): " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            for v in results["violations"]]
