"""Browser journeys: the app served on loopback, driven by Playwright in Debian's headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from config import TestConfig
from matchmaker import create_app
from matchmaker.extensions import db as _db
from matchmaker.models import OutboxMessage, Role, User, utcnow

from .browsing import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]


def _browser_missing_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("MATCHMAKER_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path):
    """The app on a fresh SQLite file, with CSRF on as in production."""
    url = f"sqlite:///{tmp_path / 'e2e.sqlite'}"
    config = type("E2EConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True, "INSTANCE_DIR": tmp_path / "instance"})
    app = create_app(config)
    with app.app_context():
        _db.create_all()
    return app


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The app with the demo data (`flask seed-demo`), served on loopback for the whole session; the pages
    that only look are checked on it. Yields (base URL, {role: demo login email}, password, pages to look at
    besides the walk: the longest German offer facts and the longest public company e-mail)."""
    from matchmaker.demo import COMPANIES, DEMO_PASSWORD, STAFF_ACCOUNTS, demo_email, seed_demo

    tmp = tmp_path_factory.mktemp("demo")
    config = type("DemoConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'demo.sqlite'}", "WTF_CSRF_ENABLED": True,
        "INSTANCE_DIR": tmp / "instance"})
    app = create_app(config)
    with app.app_context():
        _db.create_all()
        seed_demo()
        from matchmaker.models import Company, Offer, OfferKind

        student = _db.session.scalars(sa.select(Offer.id).where(Offer.kind == OfferKind.working_student)).first()
        company = _db.session.scalars(sa.select(Company.id).where(Company.verified_at.is_not(None))
                                      .order_by(sa.func.length(Company.contact_email).desc())).first()
        pages = tuple(path for path, found in ((f"/offers/{student}", student), (f"/companies/{company}", company))
                      if found)
        _db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    logins = {"graduate": demo_email("graduate01"), "company": COMPANIES[0].email}
    logins.update({role.value: demo_email(local) for role, local in STAFF_ACCOUNTS})
    yield f"http://127.0.0.1:{server.server_port}", logins, DEMO_PASSWORD, pages
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    yield base
    server.shutdown()
    thread.join(timeout=5)
    with live_app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="de-DE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """A second, independent browser (another person)."""
    contexts = []

    def make(locale: str = "de-DE"):
        context = browser.new_context(base_url=live_server, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def live_db(live_app):
    """Run a function inside the live app's context, e.g. to read the outbox."""

    def run(fn):
        with live_app.app_context():
            try:
                return fn(_db)
            finally:
                _db.session.remove()

    return run


@pytest.fixture
def last_link_to(live_db):
    """The path of the link in the newest mail to `recipient`."""

    def find_link(recipient: str) -> str:
        def find(db):
            message = db.session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.recipient == recipient).order_by(OutboxMessage.id.desc())
            ).first()
            assert message is not None, f"no mail to {recipient}"
            return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)

        return live_db(find)

    return find_link


@pytest.fixture
def make_account(live_db):
    """A confirmed account straight in the database: `make_account(role, email, **fields)` returns its id."""

    def make(role, email: str, password: str = PASSWORD, **fields) -> int:
        def create(db):
            user = User(email=email, role=Role(role), confirmed_at=utcnow(), **fields)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            return user.id

        return live_db(create)

    return make
