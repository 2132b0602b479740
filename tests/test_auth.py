import re

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
    make_user(email="taken@example.org")
    cases = [
        {"email": ""},
        {"email": "not-an-email"},
        {"email": "taken@example.org"},
        {"email": "TAKEN@example.org"},
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
