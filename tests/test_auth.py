import logging
import re

import pytest
from helpers import PASSWORD, link_in

from matchmaker.models import Company, Membership, Role, User


def _register(client, email="neu@example.org", password=PASSWORD, **extra):
    data = {"email": email, "password": password, "password_again": password, "accept_privacy": "y", **extra}
    return client.post("/auth/register", data=data)


def test_graduate_registers_confirms_and_logs_in(client, db, outbox):
    response = _register(client)
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "neu@example.org"))
    assert user.role == Role.graduate and user.confirmed_at is None
    assert user.password_hash.startswith("scrypt:")

    # Not before the address is confirmed.
    response = client.post("/auth/login", data={"email": "neu@example.org", "password": PASSWORD})
    assert response.status_code == 302 and "/auth/confirm" in response.location

    (message,) = outbox("neu@example.org")
    assert client.get(link_in(message)).status_code == 302
    response = client.post("/auth/login", data={"email": "NEU@example.org ", "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/me/")


def test_register_rejects_bad_input_and_keeps_it(client, make_user):
    cases = [
        {"email": ""},
        {"email": "not-an-email"},
        {"password": "short", "password_again": "short"},
        {"password": "x" * 129, "password_again": "x" * 129},
        {"password_again": "something else entirely"},
        {"accept_privacy": ""},
        {"email": "a\x00b@example.org"},
        {"email": "<script>alert(1)</script>@example.org"},
    ]
    for case in cases:
        data = {"email": "fresh@example.org", "password": PASSWORD, "password_again": PASSWORD,
                "accept_privacy": "y", **case}
        response = client.post("/auth/register", data=data)
        assert response.status_code == 400, case
        body = response.get_data(as_text=True)
        assert 'class="errors"' in body, case
        assert "<script>alert(1)</script>" not in body


def test_company_registers_new_company_pending_verification(client, db):
    response = client.post("/auth/register/company", data={
        "email": "chefin@firma.de", "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y",
        "mode": "new", "company_name": "  Lausitz   Wasserstoff GmbH ", "sector": "hydrogen"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "chefin@firma.de"))
    assert user.role == Role.company and user.membership == Membership.active
    assert user.company.name == "Lausitz Wasserstoff GmbH" and not user.company.is_verified


def test_company_register_needs_name_sector_and_unique_name(client, make_company):
    make_company(name="Papierfabrik Spremberg GmbH")
    base = {"email": "x@firma.de", "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y"}
    for case in ({"mode": "new", "company_name": "", "sector": "energy"},
                 {"mode": "new", "company_name": "Neu GmbH", "sector": ""},
                 {"mode": "new", "company_name": "papierfabrik spremberg gmbh", "sector": "energy"},
                 {"mode": "new", "company_name": "Neu GmbH", "sector": "no-such-sector"},
                 {"mode": "join", "existing_company": ""},
                 {"mode": "join", "existing_company": "99999"},
                 {"mode": "other"}):
        response = client.post("/auth/register/company", data={**base, **case})
        assert response.status_code == 400, case


def test_company_user_can_ask_to_join(client, db, make_company):
    company = make_company(name="Kraftwerk AG")
    response = client.post("/auth/register/company", data={
        "email": "neu@kraftwerk.de", "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y",
        "mode": "join", "existing_company": str(company.id)})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "neu@kraftwerk.de"))
    assert user.company_id == company.id and user.membership == Membership.pending
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 1


def test_login_wrong_password_and_unknown_email_answer_alike(client, make_user):
    user = make_user()
    wrong = client.post("/auth/login", data={"email": user.email, "password": "wrong password 123"})
    unknown = client.post("/auth/login", data={"email": "nobody@example.org", "password": "wrong password 123"})
    assert wrong.status_code == unknown.status_code == 400
    errors = [re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', r.get_data(as_text=True), re.S) for r in (wrong, unknown)]
    assert errors[0] and errors[0] == errors[1]


def test_deactivated_user_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_next_redirect_only_to_own_site(client, make_user):
    user = make_user()
    for target, expected in (("/offers/", "/offers/"), ("https://evil.example/", "/me/"),
                             ("//evil.example/x", "/me/"), ("/\\evil.example", "/me/"), ("javascript:alert(1)", "/me/")):
        client.post("/auth/logout")
        response = client.post("/auth/login", query_string={"next": target},
                               data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response.location == expected, target


def test_password_reset_by_link_works_once(client, db, make_user, outbox):
    user = make_user()
    response = client.post("/auth/forgot", data={"email": user.email})
    assert response.status_code == 302
    unknown = client.post("/auth/forgot", data={"email": "nobody@example.org"})
    assert unknown.status_code == 302 and unknown.location == response.location
    (message,) = outbox(user.email)
    link = link_in(message)
    new = "a brand new passphrase"
    assert client.post(link, data={"password": new, "password_again": new}).status_code == 302
    assert client.post("/auth/login", data={"email": user.email, "password": new}).status_code == 302
    client.post("/auth/logout")
    # Used once: the same link no longer works.
    response = client.post(link, data={"password": "yet another passphrase", "password_again": "yet another passphrase"})
    assert response.status_code == 302 and "/auth/forgot" in response.location
    assert client.get("/auth/reset/garbage").status_code == 302


def test_change_password(client, make_user, login_as):
    user = make_user()
    login_as(user)
    wrong = client.post("/auth/password", data={"current_password": "not it at all", "password": "new passphrase 42",
                                                "password_again": "new passphrase 42"})
    assert wrong.status_code == 400
    ok = client.post("/auth/password", data={"current_password": PASSWORD, "password": "new passphrase 42",
                                             "password_again": "new passphrase 42"})
    assert ok.status_code == 302
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": "new passphrase 42"}).status_code == 302


def test_logout_needs_post_and_ends_session(client, make_user, login_as):
    user = make_user()
    login_as(user)
    assert client.get("/auth/logout").status_code == 405
    client.post("/auth/logout")
    assert client.get("/auth/password").status_code == 302


def test_language_switch_is_remembered(client):
    assert 'lang="de"' in client.get("/").get_data(as_text=True)
    client.get("/lang/en?next=/")
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    assert client.get("/lang/en?next=https://evil.example").location == "/"


def test_without_smtp_in_development_the_mail_log_masks_link_tokens(client, db, make_user, outbox, caplog):
    caplog.set_level(logging.INFO, logger="matchmaker.mail")
    user = make_user(Role.graduate)
    assert client.post("/auth/forgot", data={"email": user.email}).status_code == 302
    (message,) = outbox(user.email)
    token = link_in(message).rsplit("/", 1)[1]
    assert len(token) > 20
    assert "/auth/reset/***" in caplog.text and token not in caplog.text
    assert "template=reset" in caplog.text


def _answer(client, response) -> tuple:
    """What a visitor sees of a registration: status, target, and the message on the next page."""
    page = client.get(response.location).get_data(as_text=True) if response.status_code == 302 else ""
    flashes = re.findall(r'<p class="flash [^"]*"[^>]*>(.*?)</p>', page, re.S)
    return response.status_code, response.location, flashes


def test_registering_a_known_address_answers_like_a_new_one(client, db, make_user, outbox):
    owner = make_user(Role.company, email="taken@example.org", locale="de")
    old_hash = owner.password_hash
    known = _answer(client, _register(client, email="TAKEN@example.org", password="another passphrase 9"))
    new = _answer(client, _register(client, email="fresh@example.org"))
    assert known == new and known[0] == 302 and known[2], known

    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.email == "taken@example.org")) == 1
    assert db.session.get(User, owner.id).password_hash == old_hash
    (notice,) = outbox("taken@example.org")
    assert notice.kind == "register_existing" and notice.subject == "Jemand wollte sich mit Ihrer Adresse registrieren"
    assert "/auth/login" in notice.body and "/auth/forgot" in notice.body
    (confirm,) = outbox("fresh@example.org")
    assert confirm.kind == "confirm"
    # Again the same day: the same answer, and no second mail to the owner.
    assert _answer(client, _register(client, email="taken@example.org")) == known
    assert len(outbox("taken@example.org")) == 1


def test_company_registration_with_a_known_address_answers_like_a_new_one(client, db, make_user, outbox):
    make_user(Role.graduate, email="taken@firma.de")
    base = {"password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y", "mode": "new",
            "sector": "energy"}
    known = client.post("/auth/register/company", data={**base, "email": "taken@firma.de",
                                                        "company_name": "Erste Neu GmbH"})
    known_answer = _answer(client, known)
    new_answer = _answer(client, client.post("/auth/register/company", data={
        **base, "email": "fresh@firma.de", "company_name": "Zweite Neu GmbH"}))
    assert known_answer == new_answer and known_answer[0] == 302
    assert db.session.scalar(db.select(Company.id).where(Company.name == "Erste Neu GmbH")) is None
    assert [m.kind for m in outbox("taken@firma.de")] == ["register_existing"]
    assert [m.kind for m in outbox("fresh@firma.de")] == ["confirm"]


def test_join_list_names_only_verified_companies(client, db, make_company):
    verified = make_company(name="Echte Kraftwerk AG")
    unverified = make_company(name="Unbestätigte Kraftwerk AG", verified=False)
    page = client.get("/auth/register/company").get_data(as_text=True)
    assert "Echte Kraftwerk AG" in page and "Unbestätigte Kraftwerk AG" not in page
    data = {"email": "neu@kraftwerk.de", "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y",
            "mode": "join"}
    assert client.post("/auth/register/company", data={**data, "existing_company": str(unverified.id)}).status_code == 400
    assert client.post("/auth/register/company", data={**data, "existing_company": str(verified.id)}).status_code == 302


def _register_company(client, name, email="neu@firma.de"):
    return client.post("/auth/register/company", data={
        "email": email, "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y",
        "mode": "new", "company_name": name, "sector": "energy"})


@pytest.mark.parametrize("name", [
    "Kraftwerk\u200b AG",          # zero-width space
    "Kraft\u200dwerk AG",          # zero-width joiner
    "\u202eGA krewtfarK",          # right-to-left override
    "Kraftwerk \u2066AG\u2069",    # left-to-right isolate
    "Kraftwerk\ufeff AG",          # byte order mark
    "Kraftwerk\u00ad AG",          # soft hyphen
    "Kraftwerk\u3164 AG",          # Hangul filler
    "Kraftwerk\ufe0f AG",          # variation selector
])
def test_company_names_with_invisible_characters_are_refused(client, db, name):
    response = _register_company(client, name)
    assert response.status_code == 400
    assert "Contains invisible characters" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 0


def test_company_names_are_stored_in_normal_form(client, db):
    response = _register_company(client, "\uff2b\uff52\uff41\uff46\uff54werk   Lausitz\u00a0\u00a0GmbH")
    assert response.status_code == 302
    assert db.session.scalar(db.select(Company.name)) == "Kraftwerk Lausitz GmbH"
    # The normal form is what the uniqueness check sees.
    assert _register_company(client, "KRAFTWERK Lausitz  GmbH", email="zwei@firma.de").status_code == 400


def test_staff_are_warned_of_a_look_alike_company_name(client, db, make_company, make_user, login_as):
    real = make_company(name="Kraftwerk Schwarze Pumpe AG")
    assert _register_company(client, "\u041arаftwerk Schwarze Pumpe AG").status_code == 302  # Cyrillic К and а
    assert _register_company(client, "Papierfabrik Spremberg GmbH", email="papier@firma.de").status_code == 302
    fake = db.session.scalar(db.select(Company).where(Company.name == "\u041arаftwerk Schwarze Pumpe AG"))
    honest = db.session.scalar(db.select(Company).where(Company.name == "Papierfabrik Spremberg GmbH"))
    assert fake is not None and fake.id != real.id and honest is not None

    login_as(make_user(Role.staff))
    page = client.get(f"/staff/companies/{fake.id}").get_data(as_text=True)
    assert "This name looks like another company" in page and "Kraftwerk Schwarze Pumpe AG" in page
    assert "This name looks like another company" not in client.get(f"/staff/companies/{honest.id}").get_data(as_text=True)
    queue = client.get("/staff/companies", query_string={"state": "pending"}).get_data(as_text=True)
    assert queue.count("Looks like:") == 1


def test_name_skeleton_sees_through_look_alike_letters():
    from matchmaker.names import skeleton

    real = skeleton("Kraftwerk Schwarze Pumpe AG")
    for fake in ("\u041araftwerk Schwarze Pumpe AG", "Kraftw\u0435rk Schwarze Pumpe AG",
                 "Kraftwerk Schwarze Pump\u0435 A.G.", "KRAFTWERK  schwarze-pumpe ag",
                 "Kraftwerk Schw\u03bfrze Pumpe AG".replace("\u03bf", "\u0430"), "Kraftwérk Schwarze Pumpe AG",
                 "Kraftwerk Schwarze Purnpe AG"):
        assert skeleton(fake) == real, fake
    assert skeleton("P\u03bfwer GmbH") == skeleton("Power GmbH") == skeleton("P0wer GmbH")
    assert skeleton("Papierfabrik Spremberg GmbH") != real


def test_anonymous_visitor_registers_from_an_offer_and_comes_back_to_it(client, db, make_offer, outbox):
    offer = make_offer()
    db.session.commit()
    here = f"/offers/{offer.id}"
    page = client.get(here).get_data(as_text=True)
    assert f'href="/auth/login?next=/offers/{offer.id}"' in page
    assert f'href="/auth/register?next=/offers/{offer.id}"' in page

    response = client.post(f"/auth/register?next={here}", data={
        "email": "neu@example.org", "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y"})
    assert response.status_code == 302 and f"next=/offers/{offer.id}" in response.location
    (message,) = outbox("neu@example.org")
    response = client.get(link_in(message))
    assert response.status_code == 302 and f"next=/offers/{offer.id}" in response.location
    response = client.post(response.location, data={"email": "neu@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith(here)


def test_registration_drops_a_next_that_leaves_the_site(client, db, outbox):
    response = client.post("/auth/register?next=//evil.example/x", data={
        "email": "neu@example.org", "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y"})
    assert response.status_code == 302 and "evil" not in response.location
    (message,) = outbox("neu@example.org")
    assert "evil" not in link_in(message)
