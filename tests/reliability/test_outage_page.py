"""The page a user gets while the database cannot answer: 503, the plain message, no stack trace."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import flash
from flask_babel import gettext

from bench import faults
from matchmaker.extensions import db
from matchmaker.models import Company, Membership, Role, Sector, User, utcnow

pytestmark = pytest.mark.reliability

MESSAGE = "The service is briefly unavailable. Please try again in a moment."
MESSAGE_DE = "Der Dienst ist kurzzeitig nicht erreichbar. Bitte versuchen Sie es gleich noch einmal."


@pytest.fixture
def unreachable_app(make_app):
    # Nothing listens on this port: every connection attempt is refused at once.
    return make_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{faults.free_port()}/matchmaker")


def test_database_down_answers_503_page(unreachable_app, caplog):
    client = unreachable_app.test_client()
    response = client.get("/offers/", headers={"Accept-Language": "en"})

    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert MESSAGE in page
    assert "Error id:" in page
    assert "Traceback" not in page and "psycopg" not in page and "OperationalError" not in page
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Cache-Control"] == "no-store"
    # The log keeps the error id shown on the page.
    error_id = page.split("Error id: ")[1].split(" ")[0]
    assert any(error_id in record.getMessage() and "database unavailable" in record.getMessage()
               for record in caplog.records)


def test_database_down_answers_503_json(unreachable_app):
    response = unreachable_app.test_client().get("/offers/", headers={"Accept": "application/json",
                                                                      "Accept-Language": "en"})

    assert response.status_code == 503
    body = response.get_json()
    assert body["error"] == MESSAGE and body["error_id"]


def test_database_gone_for_a_logged_in_user_answers_503(make_app, tmp_path):
    """The page is rendered without asking the database for the user again."""
    path = tmp_path / "gone.sqlite"
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        company = Company(name="Gone GmbH", sector=Sector.energy, verified_at=utcnow())
        user = User(email="gone@example.org", role=Role.company, company=company, membership=Membership.active,
                    confirmed_at=utcnow())
        user.set_password(faults.PASSWORD)
        db.session.add_all([company, user])
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    with app.app_context():
        assert client.post("/auth/login", data={"email": "gone@example.org",
                                                "password": faults.PASSWORD}).status_code == 302
        assert client.get("/companies/mine").status_code == 200
        db.session.remove()
        db.engine.dispose()
    # The file is replaced by an empty one: every query now fails with "no such table".
    for suffix in ("", "-wal", "-shm"):
        tmp_path.joinpath(f"gone.sqlite{suffix}").unlink(missing_ok=True)

    with app.app_context():
        response = client.get("/companies/mine", headers={"Accept-Language": "en"})
        db.session.remove()
        db.engine.dispose()

    assert response.status_code == 503
    assert MESSAGE in response.get_data(as_text=True)


def test_outage_page_is_in_the_visitors_language_even_after_the_page_chose_the_users(make_app, tmp_path):
    """The outage page is rendered as for a visitor, so its language is the visitor's (session, then
    browser), whether or not the request had already chosen the account's language before the database
    failed. It had, for instance, when a view flashed its message after the commit and then read the row
    again (POST /offers/new): during a PostgreSQL restart one such page came in German amid English ones.
    """
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'language.sqlite'}")

    @app.get("/_flash_then_outage")
    def flash_then_outage():
        flash(gettext("The company profile is saved."), "success")  # the language is chosen here
        # A real OperationalError from the driver, as when the server has gone: "no such table".
        db.session.execute(sa.text("SELECT id FROM gone_table"))
        return "not reached"

    db.create_all()
    user = User(email="sprache@example.org", role=Role.graduate, locale="de", confirmed_at=utcnow())
    user.set_password(faults.PASSWORD)
    db.session.add(user)
    db.session.commit()
    client = app.test_client()  # it asks for English (Accept-Language: en)
    assert client.post("/auth/login", data={"email": user.email, "password": faults.PASSWORD}).status_code == 302
    assert "Abmelden" in client.get("/about").get_data(as_text=True)  # the account's language: German

    response = client.get("/_flash_then_outage")

    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert MESSAGE in page and MESSAGE_DE not in page
    assert '<html lang="en">' in page
