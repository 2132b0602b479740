"""Weekly alerts (new fits only, never twice, once per ISO week), the settings, and one-click unsubscribe."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from matchmaker.alerts.operations import UNSUBSCRIBE_SALT, unsubscribe_token
from matchmaker.models import AlertDelivery, AuditEntry, OfferKind, OutboxMessage, Role, User, utcnow

# A Wednesday noon, so that "a few days later" stays in the same ISO week.
NOW = datetime(2026, 11, 25, 12, 0)
FITTING = {"title": "Verfahrensingenieur Prozesssimulation (m/w/d)",
           "required_skills": ["Python", "process simulation", "Verfahrenstechnik"],
           "description": "Process simulation of our plant with Python."}
UNRELATED = {"title": "Koch in der Betriebskantine (m/w/d)", "required_skills": ["Kochen", "Hygiene"],
             "description": "Mittagessen für die Belegschaft zubereiten."}


def run_alerts(runner, db, now: datetime, *args: str) -> str:
    result = runner.invoke(args=["alerts", "send", "--now", now.strftime("%Y-%m-%dT%H:%M:%S"), *args])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def alert_mails(outbox, user: User) -> list[OutboxMessage]:
    return [m for m in outbox(user.email) if m.kind.startswith("alert_")]


@pytest.fixture
def graduate(make_user, make_profile):
    user = make_user(Role.graduate, alerts_enabled=True)
    make_profile(user=user)
    return user


def published(make_offer, at: datetime, **fields):
    offer = make_offer(**fields)
    offer.published_at = at
    offer.expires_at = utcnow() + timedelta(days=90)
    return offer


def test_graduate_gets_new_fitting_offers_once(runner, db, outbox, graduate, make_offer):
    fitting = published(make_offer, NOW - timedelta(days=2), **FITTING)
    unrelated = published(make_offer, NOW - timedelta(days=2), **UNRELATED)
    old = published(make_offer, NOW - timedelta(days=60), **{**FITTING, "title": "Alte Stelle Prozesssimulation"})
    db.session.commit()

    assert "1 mail(s)" in run_alerts(runner, db, NOW)
    (mail,) = alert_mails(outbox, graduate)
    assert fitting.title in mail.body and f"/offers/{fitting.id}" in mail.body
    assert unrelated.title not in mail.body and old.title not in mail.body
    assert mail.subject == "New offers that fit you" and mail.dedupe_key == f"alert:{graduate.id}:2026-W48"
    assert "/alerts/unsubscribe/" in mail.body
    assert [(d.item_type, d.item_id) for d in db.session.scalars(db.select(AlertDelivery))] == [("offer", fitting.id)]

    # The next week: only the offer published since; the first one never again.
    later = published(make_offer, NOW + timedelta(days=5), **{**FITTING, "title": "Prozesssimulation, zweite Stelle"})
    db.session.commit()
    run_alerts(runner, db, NOW + timedelta(days=7))
    first, second = alert_mails(outbox, graduate)
    assert later.title in second.body and fitting.title not in second.body

    # A week with nothing new sends nothing.
    assert "0 mail(s)" in run_alerts(runner, db, NOW + timedelta(days=14))
    assert len(alert_mails(outbox, graduate)) == 2


def test_one_alert_per_iso_week_with_a_frozen_clock(runner, db, outbox, graduate, make_offer):
    published(make_offer, NOW - timedelta(days=1), **FITTING)
    db.session.commit()
    run_alerts(runner, db, NOW)
    # A new fitting offer the same week waits for next week's mail.
    extra = published(make_offer, NOW + timedelta(hours=1), **{**FITTING, "title": "Noch eine Prozesssimulation"})
    db.session.commit()
    for moment in (NOW, NOW + timedelta(hours=2), NOW + timedelta(days=4)):  # Wednesday to Sunday, W48
        assert "0 mail(s)" in run_alerts(runner, db, moment)
    assert len(alert_mails(outbox, graduate)) == 1
    db.session.refresh(graduate)
    assert graduate.alerts_last_week == "2026-W48"
    run_alerts(runner, db, NOW + timedelta(days=5))  # Monday, W49
    assert extra.title in alert_mails(outbox, graduate)[-1].body


def test_fits_below_the_threshold_are_left_out(runner, db, outbox, graduate, make_offer):
    published(make_offer, NOW - timedelta(days=1), **FITTING)
    published(make_offer, NOW - timedelta(days=1), **UNRELATED)
    db.session.commit()
    assert "0 mail(s)" in run_alerts(runner, db, NOW, "--min-score", "0.99")
    assert alert_mails(outbox, graduate) == []
    db.session.refresh(graduate)
    graduate.alerts_last_week = None
    db.session.commit()
    run_alerts(runner, db, NOW)
    (mail,) = alert_mails(outbox, graduate)
    assert UNRELATED["title"] not in mail.body


def test_hard_conditions_and_switched_off_users(runner, db, outbox, make_user, make_profile, make_offer):
    off = make_user(Role.graduate)
    make_profile(user=off)
    unconfirmed = make_user(Role.graduate, alerts_enabled=True, confirmed=False)
    make_profile(user=unconfirmed)
    wants_thesis = make_user(Role.graduate, alerts_enabled=True)
    make_profile(user=wants_thesis, wanted_kinds=[OfferKind.thesis.value])
    no_profile = make_user(Role.graduate, alerts_enabled=True)
    published(make_offer, NOW - timedelta(days=1), **FITTING)  # a job
    db.session.commit()
    run_alerts(runner, db, NOW)
    for user in (off, unconfirmed, wants_thesis, no_profile):
        assert alert_mails(outbox, user) == []


def test_mail_in_the_recipients_language(runner, db, outbox, make_user, make_profile, make_offer):
    german = make_user(Role.graduate, alerts_enabled=True, locale="de")
    make_profile(user=german)
    published(make_offer, NOW - timedelta(days=1), **FITTING)
    db.session.commit()
    run_alerts(runner, db, NOW)
    (mail,) = alert_mails(outbox, german)
    assert mail.subject != "New offers that fit you" and "Hallo" in mail.body


def test_company_alert_is_pseudonymous_and_never_repeats_a_graduate(runner, db, outbox, make_user, make_company,
                                                                    make_offer, make_profile, company_user):
    company = make_company(name="Lausitz Prozess GmbH")
    member = company_user(company)
    member.alerts_enabled = True
    offer = published(make_offer, NOW - timedelta(days=30), company=company, **FITTING)
    secret = make_user(Role.graduate, email="zelda.geheim@example.org")
    profile = make_profile(user=secret, name="Zelda Geheimname", about="Ich heiße Zelda Geheimname.",
                           cv_text="Zelda Geheimname, Wohnort Forst", headline="Process simulation engineer",
                           visible_to_companies=True, consent_at=NOW - timedelta(days=2))
    hidden = make_profile(name="Versteckt Person", headline="Process simulation engineer",
                          visible_to_companies=False)
    db.session.commit()

    run_alerts(runner, db, NOW)
    (mail,) = alert_mails(outbox, member)
    assert profile.pseudonym in mail.body and "Process simulation engineer" in mail.body
    assert "Verfahrenstechnik" in mail.body and "process simulation" in mail.body
    assert f"/matches/offers/{offer.id}/graduates" in mail.body
    for secret_text in ("Zelda", "Geheimname", "zelda.geheim", "Forst"):
        assert secret_text not in mail.body and secret_text not in mail.subject
    assert hidden.pseudonym not in mail.body
    # The mailed card is in the graduate's log as sent to the company (not as seen: nobody may open it).
    (sent,) = db.session.scalars(db.select(AuditEntry).where(AuditEntry.subject_user_id == secret.id))
    assert (sent.action, sent.actor_id, sent.object_id) == ("mail_card", member.id, profile.id)

    # Next week the same graduate is not sent again, even though they are still in the window.
    run_alerts(runner, db, NOW + timedelta(days=7))
    assert len(alert_mails(outbox, member)) == 1


def test_company_alert_needs_a_verified_company(runner, db, outbox, make_company, make_offer, make_profile,
                                                company_user):
    company = make_company(verified=False)
    member = company_user(company)
    member.alerts_enabled = True
    make_profile(visible_to_companies=True, consent_at=NOW - timedelta(days=1))
    db.session.commit()
    run_alerts(runner, db, NOW)
    assert alert_mails(outbox, member) == []


# ---- settings ----------------------------------------------------------------------------------

def test_graduate_and_company_switch_alerts(client, db, login_as, graduate, make_company, company_user):
    login_as(graduate)
    assert "Weekly alerts" in client.get("/me/").get_data(as_text=True)
    assert client.post("/alerts/settings", data={"enabled": "0"}).status_code == 302
    db.session.refresh(graduate)
    assert graduate.alerts_enabled is False
    page = client.get("/alerts/settings")
    assert page.status_code == 200
    assert re.search(r'<input checked[^>]*value="0"', page.get_data(as_text=True))

    member = company_user(make_company())
    login_as(member)
    assert "Switch alerts on" in client.get("/companies/mine").get_data(as_text=True)
    assert client.post("/alerts/settings", data={"enabled": "1"}).status_code == 302
    db.session.refresh(member)
    assert member.alerts_enabled is True


@pytest.mark.parametrize("value", [None, "", "maybe", "1\x00", "<script>alert(1)</script>", "1" * 500])
def test_settings_refuse_bad_values_and_change_nothing(client, db, login_as, graduate, value):
    login_as(graduate)
    data = {} if value is None else {"enabled": value}
    response = client.post("/alerts/settings", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'class="errors"' in body and "<script>alert(1)</script>" not in body
    db.session.refresh(graduate)
    assert graduate.alerts_enabled is True


def test_settings_access(client, make_user, login_as):
    response = client.get("/alerts/settings")
    assert response.status_code == 302 and response.location.startswith("/auth/login")
    for role in (Role.staff, Role.admin, Role.board):
        login_as(make_user(role))
        assert client.get("/alerts/settings").status_code == 403
        assert client.post("/alerts/settings", data={"enabled": "1"}).status_code == 403


QUESTION = {"kind": OfferKind.research_project, "title": "Alterung unserer PEM-Elektrolyseure messen",
            "required_skills": ["Elektrolyse", "Wasserstoff"],
            "description": "Unsere Elektrolyse verliert Wirkungsgrad; wir suchen einen Lehrstuhl für Prüfstandsversuche."}


def test_researcher_gets_new_questions_that_fit_their_verified_unit_once(runner, db, outbox, make_user, make_unit,
                                                                        make_offer):
    researcher = make_user(Role.researcher, alerts_enabled=True)
    unit = make_unit(members=[researcher])
    make_unit(verified=False, members=[researcher], name="Lehrstuhl Unbestätigt")
    question = published(make_offer, NOW - timedelta(days=2), **QUESTION)
    job = published(make_offer, NOW - timedelta(days=2), **{**QUESTION, "kind": OfferKind.job,
                                                            "title": "Elektrolyse-Ingenieur (m/w/d)"})
    unrelated = published(make_offer, NOW - timedelta(days=2), **{**UNRELATED, "kind": OfferKind.research_project})
    db.session.commit()

    assert "1 mail(s)" in run_alerts(runner, db, NOW)
    (mail,) = alert_mails(outbox, researcher)
    assert mail.kind == "alert_researcher" and mail.subject == "New questions of companies that fit your unit"
    assert question.title in mail.body and unit.name in mail.body and f"/units/{unit.id}/questions" in mail.body
    assert job.title not in mail.body and unrelated.title not in mail.body
    assert "Lehrstuhl Unbestätigt" not in mail.body and "/alerts/unsubscribe/" in mail.body
    # Never twice, and a week without new questions brings no mail.
    assert "0 mail(s)" in run_alerts(runner, db, NOW + timedelta(days=7))
    assert len(alert_mails(outbox, researcher)) == 1


def test_researcher_without_a_verified_unit_gets_nothing_and_the_page_says_why(runner, client, db, outbox, make_user,
                                                                              make_unit, make_offer, login_as):
    researcher = make_user(Role.researcher, alerts_enabled=True)
    make_unit(verified=False, members=[researcher])
    published(make_offer, NOW - timedelta(days=2), **QUESTION)
    db.session.commit()
    assert "0 mail(s)" in run_alerts(runner, db, NOW)
    login_as(researcher)
    page = client.get("/alerts/settings").get_data(as_text=True)
    assert "Alerts start once the Präsenzstelle has verified your unit" in page
    assert client.post("/alerts/settings", data={"enabled": "0"}).status_code == 302
    db.session.refresh(researcher)
    assert researcher.alerts_enabled is False
    assert 'id="alerts"' in client.get("/units/mine").get_data(as_text=True)


# ---- unsubscribe -------------------------------------------------------------------------------

def test_unsubscribe_link_from_the_mail_works_without_login(runner, client, db, outbox, graduate, make_offer):
    published(make_offer, NOW - timedelta(days=1), **FITTING)
    db.session.commit()
    run_alerts(runner, db, NOW)
    (mail,) = alert_mails(outbox, graduate)
    path = re.search(r"https?://[^/\s]+(/alerts/unsubscribe/\S+)", mail.body).group(1)
    page = client.get(path)
    assert page.status_code == 200 and "Stop these mails" in page.get_data(as_text=True)
    db.session.refresh(graduate)
    assert graduate.alerts_enabled is True  # a GET (e.g. a link scanner) changes nothing
    assert client.post(path).status_code == 200
    db.session.refresh(graduate)
    assert graduate.alerts_enabled is False
    assert "already off" in client.get(path).get_data(as_text=True)


def test_tampered_token_is_refused(app, client, db, graduate):
    token = unsubscribe_token(graduate, "alerts")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for method in (client.get, client.post):
        response = method(f"/alerts/unsubscribe/{tampered}")
        assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    # A token of another purpose (another salt) is no unsubscribe token either.
    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="confirm").dumps({"u": graduate.id, "l": "alerts"})
    assert client.post(f"/alerts/unsubscribe/{other}").status_code == 400
    missing = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).dumps({"u": 99999, "l": "alerts"})
    assert client.post(f"/alerts/unsubscribe/{missing}").status_code == 400
    db.session.refresh(graduate)
    assert graduate.alerts_enabled is True


def test_expired_token_says_so_and_links_to_the_settings(client, db, graduate, monkeypatch):
    real_time = time.time
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: real_time() - 91 * 24 * 3600)
    token = unsubscribe_token(graduate, "alerts")
    monkeypatch.setattr("itsdangerous.timed.time.time", real_time)
    response = client.post(f"/alerts/unsubscribe/{token}")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "expired" in body
    assert "/auth/login?next=%2Falerts%2Fsettings" in body or "/auth/login?next=/alerts/settings" in body
    db.session.refresh(graduate)
    assert graduate.alerts_enabled is True


def test_token_for_an_unknown_list_is_refused(app, client, db, graduate):
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).dumps(
        {"u": graduate.id, "l": "newsletter"})
    response = client.post(f"/alerts/unsubscribe/{token}")
    assert response.status_code == 400 and "does not exist" in response.get_data(as_text=True)
    db.session.refresh(graduate)
    assert graduate.alerts_enabled is True
