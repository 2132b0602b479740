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
