"""A company never learns a graduate's name or email before both sides accepted: not in pages, mails or errors."""

from __future__ import annotations

import re

import pytest

from matchmaker.models import WAITING_STATES, Introduction, IntroductionState, Role, User

NAME = "Zyxwaniel Quorth"
SURNAME = "Quorth"
EMAIL = "zyxwaniel.quorth@example.org"
EMAIL_LOCAL = "zyxwaniel.quorth"


# The probe's reproduction: a CV and an About text full of personal data, and an offer crafted to guess it
# (near misses of the name, the mail box, the street, the postal code and phone, and a word only the CV has).
CV = (f"{NAME} / zyxwaniel.quorth@mailbox.example / Spremberger Strasse 12, 03130 Spremberg\n"
      "Tel. 0355 691234. Drei Jahre Erfahrung mit Elektrolyseuren.")
ABOUT = "Ich heiße Zyxwaniel und wohne in der Lindenallee 7 in Spremberg."
CRAFTED = ("Wir suchen: Zyxwanie Quort mailbox Strasse Spremberger Lindenallee 03130 0355 691234 "
           "Elektrolyseure Elektrolyse python")
# Words that come only from the graduate's About text or CV: no reason shown to the company may name them.
PRIVATE_WORDS = ("zyxwanie", "quort", "mailbox", "strasse", "spremberger", "lindenallee", "03130", "0355",
                 "691234", "elektrolyse")
REASONS = re.compile(r'<ul class="chips reasons">(.*?)</ul>', re.S)


@pytest.fixture
def setting(make_user, make_company, make_offer, make_profile, company_user):
    company = make_company(name="Privat Energie GmbH")
    offer = make_offer(company=company, title="Anlagenfahrer (m/w/d)", required_skills=["python"],
                       description=CRAFTED)
    graduate = make_user(Role.graduate, email=EMAIL)
    profile = make_profile(user=graduate, name=NAME, visible_to_companies=True, skills=["python"], wanted_kinds=[],
                           headline="Process engineer", about=ABOUT, cv_text=CV)
    staff = make_user(Role.staff)
    return {"company": company, "offer": offer, "graduate": graduate, "profile": profile,
            "member": company_user(company), "staff": staff}


def _company_pages(app, setting, intro_id: int) -> list[str]:
    """Every GET page of the app a company user can build a URL for with the ids at hand."""
    ids = {"offer_id": setting["offer"].id, "company_id": setting["company"].id, "introduction_id": intro_id,
           "profile_id": setting["profile"].id}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or not set(rule.arguments) <= ids.keys():
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", str(ids[name]))
        urls.append(url)
    return urls


def _assert_private(text: str, where: str) -> None:
    lowered = text.lower()
    assert SURNAME.lower() not in lowered and EMAIL_LOCAL not in lowered, where
    # The company wrote near misses of these in its offer; the exact spellings are the graduate's.
    for word in ("zyxwaniel", "quorth", "lindenallee 7", "strasse 12"):
        assert word not in lowered, (where, word)
    for chips in REASONS.findall(text):
        for word in PRIVATE_WORDS:
            assert word not in chips.lower(), (where, word, chips)


def _walk_as_company(app, client, login_as, setting, intro_id: int) -> None:
    login_as(setting["member"])
    for url in _company_pages(app, setting, intro_id):
        response = client.get(url)
        assert response.status_code < 500, url
        _assert_private(response.get_data(as_text=True), url)
    # Steps that are not possible answer with a message: it must not name the graduate either.
    state = setting["db"].session.get(Introduction, intro_id).state
    verbs = ("accept", "decline", "withdraw") if state not in WAITING_STATES else ("withdraw",)
    for verb in verbs:
        response = client.post(f"/introductions/{intro_id}/{verb}", data={"reason": ""})
        assert response.status_code == 303, verb
        _assert_private(client.get(response.location).get_data(as_text=True), verb)
    for url in (f"/introductions/offers/{setting['offer'].id}/invite/{setting['profile'].id}",):
        response = client.post(url)
        _assert_private(response.get_data(as_text=True), url)


def _company_mails(db, setting) -> list:
    from matchmaker.models import OutboxMessage

    members = [u.email for u in db.session.scalars(db.select(User).where(User.company_id == setting["company"].id))]
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.recipient.in_(members))))


def _introduction(db) -> Introduction:
    return db.session.scalar(db.select(Introduction).order_by(Introduction.id.desc()))


def _start(client, login_as, setting, how: str) -> int:
    offer, profile = setting["offer"], setting["profile"]
    if how == "graduate":
        login_as(setting["graduate"])
        response = client.post(f"/introductions/offers/{offer.id}/interest")
    elif how == "company":
        login_as(setting["member"])
        response = client.post(f"/introductions/offers/{offer.id}/invite/{profile.id}")
    else:
        login_as(setting["staff"])
        response = client.post(f"/introductions/propose/{offer.id}/{profile.id}",
                               data={"message_to_graduate": "Hallo", "message_to_company": "Guten Tag"})
    assert response.status_code == 302, (how, response.get_data(as_text=True)[:500])
    introduction = _introduction(setting["db"])
    assert introduction is not None and introduction.profile_id == profile.id, how
    return introduction.id


# (how it starts, the steps that follow, the state they reach) -> a state before the graduate's name may cross
PATHS = {
    "proposed": ("staff", [], IntroductionState.proposed),
    "accepted_by_graduate (interest)": ("graduate", [], IntroductionState.accepted_by_graduate),
    "accepted_by_graduate (proposed)": ("staff", [("graduate", "accept")], IntroductionState.accepted_by_graduate),
    "accepted_by_company (invite)": ("company", [], IntroductionState.accepted_by_company),
    "accepted_by_company (proposed)": ("staff", [("member", "accept")], IntroductionState.accepted_by_company),
    "declined by graduate": ("company", [("graduate", "decline")], IntroductionState.declined),
    "declined by company": ("graduate", [("member", "decline")], IntroductionState.declined),
    "withdrawn by revocation while waiting": ("graduate", [("graduate", "revoke")], IntroductionState.withdrawn),
    "expired": ("staff", [("staff", "expire")], IntroductionState.expired),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_company_sees_no_name_before_both_accepted(app, db, client, login_as, setting, runner, path):
    setting["db"] = db
    how, steps, reached = PATHS[path]
    intro_id = _start(client, login_as, setting, how)
    for who, verb in steps:
        if verb == "revoke":
            login_as(setting[who])
            from matchmaker.models import ConsentRecord

            consent = db.session.scalar(db.select(ConsentRecord).where(ConsentRecord.user_id == setting[who].id))
            assert client.post(f"/introductions/consents/{consent.id}/revoke").status_code == 302
        elif verb == "expire":
            login_as(setting[who])
            intro = db.session.get(Introduction, intro_id)
            from datetime import timedelta

            result = runner.invoke(args=["brokering", "remind", "--now",
                                         (intro.created_at + timedelta(days=31)).isoformat()])
            assert result.exit_code == 0, result.output
        else:
            login_as(setting[who])
            assert client.post(f"/introductions/{intro_id}/{verb}", data={"reason": ""}).status_code == 302
    # Each step did what it says: the walk below looks at the state it names, not at an earlier one.
    assert db.session.get(Introduction, intro_id).state == reached
    _walk_as_company(app, client, login_as, setting, intro_id)
    mails = _company_mails(db, setting)
    assert mails or (how == "company" and not steps), "the company was told something"
    for mail in mails:
        _assert_private(mail.subject + mail.body, f"mail {mail.kind}")


def test_the_walk_would_notice_a_name_after_introduction(app, db, client, login_as, setting):
    """Once both have accepted the name crosses; this proves the checks above look in the right places."""
    setting["db"] = db
    intro_id = _start(client, login_as, setting, "graduate")
    login_as(setting["member"])
    assert client.post(f"/introductions/{intro_id}/accept").status_code == 302
    assert db.session.get(Introduction, intro_id).state == IntroductionState.introduced
    assert NAME in client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert any(NAME in m.body and EMAIL in m.body for m in _company_mails(db, setting))


def test_withdrawal_after_introduction_hides_the_name_again(app, db, client, login_as, setting):
    setting["db"] = db
    intro_id = _start(client, login_as, setting, "graduate")
    login_as(setting["member"])
    assert client.post(f"/introductions/{intro_id}/accept").status_code == 302
    assert NAME in client.get(f"/introductions/{intro_id}").get_data(as_text=True)  # the name had crossed
    login_as(setting["graduate"])
    assert client.post(f"/introductions/{intro_id}/withdraw", data={"reason": ""}).status_code == 302
    assert db.session.get(Introduction, intro_id).state == IntroductionState.withdrawn
    login_as(setting["member"])
    for url in (f"/introductions/{intro_id}", "/introductions/"):
        _assert_private(client.get(url).get_data(as_text=True), url)
