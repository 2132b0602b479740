"""The JSON API: personal tokens, scopes, problem+json errors in the request's language, rate limits per
token, the access checks of the pages, the card-only view of graduates, and paging by cursor."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pytest

from matchmaker.models import ApiToken, AuditEntry, Faculty, Offer, OfferStatus, Role, SalaryPeriod, TokenScope, utcnow

CARD_FIELDS = {"pseudonym", "headline", "field_of_study", "degree", "graduation_date", "wanted_kinds",
               "earliest_start", "places", "languages", "skills"}


def bearer(secret: str, lang: str = "en") -> dict:
    return {"Authorization": f"Bearer {secret}", "Accept-Language": lang}


def new_offer(**fields) -> dict:
    body = {"kind": "internship", "title": "Praktikum Elektrolyse",
            "description": "Mitarbeit an der Wasserstoff-Pilotanlage.", "required_skills": ["Python", "Elektrolyse"],
            "start_date": (date.today() + timedelta(days=40)).isoformat()}
    body.update(fields)
    return body


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


# ---- tokens --------------------------------------------------------------------------------------

def test_a_token_is_shown_once_and_stored_hashed(client, db, make_user, login_as):
    user = make_user(Role.company)
    login_as(user)
    page = client.post("/account/tokens", data={"name": "ERP", "scopes": ["offers:read", "matches:read"],
                                                 "days": "30"})
    assert page.status_code == 200
    secret = re.search(r"mm_[A-Za-z0-9_-]{40,}", page.get_data(as_text=True)).group(0)
    token = db.session.scalar(db.select(ApiToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.token_hash} and secret.startswith(token.prefix)
    assert sorted(token.scopes) == ["matches:read", "offers:read"]
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    again = client.get("/account/tokens").get_data(as_text=True)
    assert "ERP" in again and secret not in again
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "token_create")) is not None


def test_a_token_needs_a_name_and_a_scope(client, db, make_user, login_as):
    login_as(make_user(Role.graduate))
    page = client.post("/account/tokens", data={"name": "", "days": "30"})
    assert page.status_code == 400
    assert "Please give the token a name." in page.get_data(as_text=True)
    assert "Please choose at least one scope." in page.get_data(as_text=True)
    assert db.session.scalar(db.select(ApiToken)) is None


def test_the_longest_token_name_is_kept_and_a_longer_one_refused(client, db, make_user, login_as):
    login_as(make_user(Role.graduate))
    assert client.post("/account/tokens", data={"name": "x" * 81, "scopes": ["offers:read"],
                                                "days": "30"}).status_code == 400
    assert client.post("/account/tokens", data={"name": "x" * 80, "scopes": ["offers:read"],
                                                "days": "30"}).status_code == 200
    assert db.session.scalar(db.select(ApiToken)).name == "x" * 80


def test_a_user_has_at_most_twenty_active_tokens(client, db, make_user, make_token, login_as):
    user = make_user(Role.graduate)
    for n in range(20):
        make_token(user, name=f"Tool {n}")
    login_as(user)
    response = client.post("/account/tokens", data={"name": "One more", "scopes": ["offers:read"], "days": "30"})
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "You have 20 active tokens. Please revoke one you no longer use first." in page
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 20


def test_a_revoked_token_no_longer_works(client, db, make_user, make_token, login_as):
    user = make_user(Role.company)
    token, secret = make_token(user)
    assert client.get("/api/v1/offers", headers=bearer(secret)).status_code == 200
    login_as(user)
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert_problem(client.get("/api/v1/offers", headers=bearer(secret)), 401)


def test_an_expired_token_is_refused(client, db, make_user, make_token):
    token, secret = make_token(make_user(Role.graduate))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    body = assert_problem(client.get("/api/v1/my/matches", headers=bearer(secret)), 401)
    assert "expired" in body["detail"]


def test_a_deactivated_owner_s_token_is_refused(client, db, make_user, make_token):
    user = make_user(Role.graduate)
    _token, secret = make_token(user)
    user.active = False
    db.session.commit()
    assert_problem(client.get("/api/v1/my/matches", headers=bearer(secret)), 401)


def test_a_token_without_the_scope_is_refused(client, db, make_company, company_user, make_token):
    owner = company_user(make_company())
    _token, secret = make_token(owner, scopes=[TokenScope.read_offers])
    body = assert_problem(client.post("/api/v1/my/offers", json=new_offer(), headers=bearer(secret)), 403)
    assert "offers:write" in body["detail"]
    assert db.session.scalar(db.select(Offer)) is None
    assert client.get("/api/v1/my/offers", headers=bearer(secret)).status_code == 200


def test_staff_see_every_token_and_revoke_any(client, db, make_user, make_token, login_as):
    owner = make_user(Role.graduate, email="owner@example.org")
    token, secret = make_token(owner, name="Calendar sync")
    other = make_user(Role.graduate)
    login_as(other)  # another user may not revoke it: no such token for them
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None
    staff = make_user(Role.staff)
    login_as(staff)
    listing = client.get("/staff/tokens").get_data(as_text=True)
    assert "owner@example.org" in listing and "Calendar sync" in listing and secret not in listing
    assert client.post(f"/staff/tokens/{token.id}/revoke").status_code == 302
    revoked = db.session.get(ApiToken, token.id)
    assert revoked.revoked_at is not None and revoked.revoked_by_id == staff.id
    assert_problem(client.get("/api/v1/my/matches", headers=bearer(secret)), 401)


def test_a_bad_authorization_header_is_never_served_as_anonymous(client):
    for header in ("Bearer mm_not-a-token", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000):
        assert_problem(client.get("/api/v1/offers", headers={"Authorization": header}), 401)


# ---- rate limit and errors ----------------------------------------------------------------------

def test_the_rate_limit_counts_per_token_and_answers_a_problem(make_app, make_user, make_token):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_API="3 per minute")
    client = app.test_client()
    _token, first = make_token(make_user(Role.graduate))
    _token, second = make_token(make_user(Role.graduate))
    for _ in range(3):
        assert client.get("/api/v1/offers", headers=bearer(first)).status_code == 200
    body = assert_problem(client.get("/api/v1/offers", headers=bearer(first, "de")), 429)
    assert body["detail"] == "Zu viele Anfragen. Bitte warten Sie einen Moment und versuchen Sie es dann erneut."
    assert int(client.get("/api/v1/offers", headers=bearer(first)).headers["Retry-After"]) >= 1
    # Another token of the same address has its own count.
    assert client.get("/api/v1/offers", headers=bearer(second)).status_code == 200


@pytest.mark.parametrize("lang, detail", [
    ("de", "Dieses Angebot ist bereits veröffentlicht."),
    ("en", "This offer is already published."),
])
def test_errors_come_in_the_request_s_language(client, make_company, company_user, make_offer, make_token,
                                               lang, detail):
    company = make_company()
    _token, secret = make_token(company_user(company))
    offer = make_offer(company=company)
    body = assert_problem(client.post(f"/api/v1/my/offers/{offer.id}/publish", headers=bearer(secret, lang)), 409)
    assert body["detail"] == detail


def test_field_errors_name_the_field_in_the_request_s_language(client, make_company, company_user, make_token):
    _token, secret = make_token(company_user(make_company()))
    past = (date.today() - timedelta(days=3)).isoformat()
    body = assert_problem(client.post("/api/v1/my/offers", json=new_offer(start_date=past, status="published"),
                                      headers=bearer(secret, "de")), 422)
    assert set(body["errors"]) == {"status"}  # an unknown field first: nothing else is looked at
    body = assert_problem(client.post("/api/v1/my/offers", json=new_offer(start_date=past),
                                      headers=bearer(secret, "de")), 422)
    assert body["errors"] == {"start_date": ["Der Starttermin darf nicht in der Vergangenheit liegen."]}
    body = assert_problem(client.post("/api/v1/my/offers", data="[1]", content_type="application/json",
                                      headers=bearer(secret)), 400)


# ---- a company's own offers ----------------------------------------------------------------------

def test_a_company_writes_publishes_and_closes_an_offer(client, db, make_company, company_user, make_token):
    company = make_company()
    _token, secret = make_token(company_user(company))
    created = client.post("/api/v1/my/offers", json=new_offer(title="x" * 160,
                                                             fields_of_study=["Verfahrenstechnik", "Chemie"]),
                          headers=bearer(secret))
    assert created.status_code == 201, created.get_data(as_text=True)
    data = created.get_json()
    assert data["status"] == "draft" and data["title"] == "x" * 160 and data["company"]["id"] == company.id
    assert data["fields_of_study"] == ["Verfahrenstechnik", "Chemie"]
    offer_id = data["id"]
    assert created.headers["Location"].endswith(f"/api/v1/offers/{offer_id}")
    too_long = client.patch(f"/api/v1/my/offers/{offer_id}", json={"title": "x" * 161}, headers=bearer(secret))
    assert "title" in assert_problem(too_long, 422)["errors"]
    changed = client.patch(f"/api/v1/my/offers/{offer_id}", json={"title": "Praktikum Elektrolyse",
                                                                  "remote_share": 20}, headers=bearer(secret))
    assert changed.status_code == 200 and changed.get_json()["remote_share"] == 20
    assert changed.get_json()["required_skills"] == ["Python", "Elektrolyse"]  # untouched fields stay
    published = client.post(f"/api/v1/my/offers/{offer_id}/publish", headers=bearer(secret))
    assert published.get_json()["status"] == "published"
    assert client.get(f"/api/v1/offers/{offer_id}").get_json()["title"] == "Praktikum Elektrolyse"
    closed = client.post(f"/api/v1/my/offers/{offer_id}/close", headers=bearer(secret))
    assert closed.get_json()["status"] == "closed"
    assert_problem(client.post(f"/api/v1/my/offers/{offer_id}/close", headers=bearer(secret)), 409)
    assert db.session.get(Offer, offer_id).status == OfferStatus.closed
    own = client.get("/api/v1/my/offers", headers=bearer(secret)).get_json()
    assert [item["id"] for item in own["items"]] == [offer_id]


def test_company_a_cannot_touch_company_b_s_offer(client, db, make_company, company_user, make_offer, make_token):
    a, b = make_company(), make_company()
    _token, secret = make_token(company_user(a))
    public = make_offer(company=b)
    draft = make_offer(company=b, published=False, title="Geheimer Entwurf")
    for offer in (public, draft):
        assert_problem(client.patch(f"/api/v1/my/offers/{offer.id}", json={"title": "Übernommen"},
                                    headers=bearer(secret)), 404)
        assert_problem(client.post(f"/api/v1/my/offers/{offer.id}/publish", headers=bearer(secret)), 404)
        assert_problem(client.post(f"/api/v1/my/offers/{offer.id}/close", headers=bearer(secret)), 404)
        assert_problem(client.get(f"/api/v1/my/offers/{offer.id}/graduates", headers=bearer(secret)), 404)
    assert_problem(client.get(f"/api/v1/offers/{draft.id}", headers=bearer(secret)), 404)
    assert client.get(f"/api/v1/offers/{public.id}", headers=bearer(secret)).status_code == 200
    assert db.session.get(Offer, public.id).title != "Übernommen"
    assert db.session.get(Offer, public.id).status == OfferStatus.published
    assert client.get("/api/v1/my/offers", headers=bearer(secret)).get_json()["items"] == []


def test_a_company_sees_its_own_draft_with_the_read_scope_only(client, make_company, company_user, make_offer,
                                                              make_token):
    company = make_company()
    draft = make_offer(company=company, published=False)
    _token, reader = make_token(company_user(company), scopes=[TokenScope.read_offers])
    _token, matcher = make_token(company_user(company), scopes=[TokenScope.read_matches])
    assert client.get(f"/api/v1/offers/{draft.id}", headers=bearer(reader)).get_json()["status"] == "draft"
    assert_problem(client.get(f"/api/v1/offers/{draft.id}", headers=bearer(matcher)), 404)
    assert_problem(client.get(f"/api/v1/offers/{draft.id}"), 404)


def test_only_company_members_and_graduates_use_their_operations(client, make_user, make_token):
    _token, graduate = make_token(make_user(Role.graduate))
    _token, company = make_token(make_user(Role.company))  # no company yet
    assert_problem(client.get("/api/v1/my/offers", headers=bearer(graduate)), 403)
    assert_problem(client.post("/api/v1/my/offers", json=new_offer(), headers=bearer(company)), 403)
    assert_problem(client.get("/api/v1/my/matches", headers=bearer(company)), 403)


def test_the_session_cookie_never_writes_and_csrf_does_not_apply_to_tokens(make_app, db, make_company,
                                                                           company_user, make_token, login_as):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    company = make_company()
    owner = company_user(company)
    client.post("/auth/login", data={"email": owner.email, "password": "correct horse battery staple"})
    assert_problem(client.post("/api/v1/my/offers", json=new_offer()), 401)
    _token, secret = make_token(owner)
    assert client.post("/api/v1/my/offers", json=new_offer(), headers=bearer(secret)).status_code == 201
    assert db.session.scalar(db.select(db.func.count(Offer.id))) == 1


# ---- fits ------------------------------------------------------------------------------------------

def test_a_company_sees_only_the_card_of_the_graduates_who_fit(client, db, make_company, company_user,
                                                               make_offer, make_profile, make_user, make_token):
    company = make_company()
    owner = company_user(company)
    offer = make_offer(company=company, title="Python-Entwickler Prozessdaten", required_skills=["Python"])
    graduate = make_user(Role.graduate, email="marta.kowalska@example.org")
    profile = make_profile(user=graduate, name="Marta Kowalska", skills=["Python", "SQL"], about="Ich heiße Marta.",
                           visible_to_companies=True, wanted_kinds=[])
    make_profile(skills=["Python"], visible_to_companies=False, wanted_kinds=[])  # not findable
    _token, secret = make_token(owner, scopes=[TokenScope.read_matches])
    response = client.get(f"/api/v1/my/offers/{offer.id}/graduates", headers=bearer(secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    items = response.get_json()["items"]
    assert len(items) == 1
    assert set(items[0]) == {"card", "score", "fit", "reasons", "conditions"}
    assert set(items[0]["card"]) == CARD_FIELDS
    assert items[0]["card"]["pseudonym"] == profile.pseudonym
    assert all(set(reason) == {"term", "card_field", "share"} for reason in items[0]["reasons"])
    text = response.get_data(as_text=True)
    for private in ("Marta", "Kowalska", "marta.kowalska@example.org", "Ich heiße"):
        assert private not in text
    views = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "view_card")).all()
    assert [entry.subject_user_id for entry in views] == [graduate.id]


def test_a_graduate_gets_the_offers_that_fit_with_reasons(client, make_offer, make_profile, make_user, make_token):
    make_offer(title="Python-Entwickler Prozessdaten", required_skills=["Python"], description="Python und SQL.")
    make_offer(title="Schweißer", required_skills=["Schweißen"], description="Metallbau.")
    graduate = make_user(Role.graduate)
    make_profile(user=graduate, skills=["Python", "SQL"], wanted_kinds=[])
    _token, secret = make_token(graduate, scopes=[TokenScope.read_matches])
    items = client.get("/api/v1/my/matches", headers=bearer(secret)).get_json()["items"]
    assert items and items[0]["offer"]["title"] == "Python-Entwickler Prozessdaten"
    assert items[0]["reasons"] and {"term", "offer_term", "share"} == set(items[0]["reasons"][0])
    assert any(reason["term"].lower() == "python" for reason in items[0]["reasons"])


# ---- public lists -------------------------------------------------------------------------------

def test_public_offers_page_by_cursor_with_the_facets(client, make_company, make_offer):
    company = make_company()
    ids = {make_offer(company=company, kind="internship", title=f"Praktikum {n}").id for n in range(3)}
    make_offer(company=company, kind="job")
    make_offer(company=make_company(verified=False), kind="internship")  # not public
    first = client.get("/api/v1/offers?kind=internship&limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"/api/v1/offers?kind=internship&limit=2&cursor={first['next_cursor']}").get_json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    assert {item["id"] for item in first["items"] + second["items"]} == ids
    assert_problem(client.get(f"/api/v1/offers?cursor={first['next_cursor']}x"), 422)
    other = client.get("/api/v1/companies?limit=1").get_json()["next_cursor"]
    assert "cursor" in assert_problem(client.get(f"/api/v1/offers?cursor={other}"), 422)["errors"]
    assert "limit" in assert_problem(client.get("/api/v1/offers?limit=0"), 422)["errors"]


def test_public_search_finds_across_languages(client, make_offer):
    make_offer(title="Ingenieur Wasserstoff", required_skills=["Elektrolyse"])
    make_offer(title="Buchhalter", required_skills=["Bilanzierung"])
    titles = [item["title"] for item in client.get("/api/v1/offers?q=hydrogen").get_json()["items"]]
    assert titles == ["Ingenieur Wasserstoff"]


def test_only_verified_companies_are_listed(client, make_company):
    shown = make_company(name="Sichtbar GmbH")
    hidden = make_company(name="Ungeprüft GmbH", verified=False)
    names = [item["name"] for item in client.get("/api/v1/companies").get_json()["items"]]
    assert names == ["Sichtbar GmbH"]
    assert client.get(f"/api/v1/companies/{shown.id}").get_json()["name"] == "Sichtbar GmbH"
    assert_problem(client.get(f"/api/v1/companies/{hidden.id}"), 404)


# ---- the description ---------------------------------------------------------------------------

def test_every_operation_is_in_the_openapi_document(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in ("api.openapi", "api.docs"):
            path = re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


def test_the_documentation_page_works_offline(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "GET /api/v1/offers" in text and "OfferIn" in text
    assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="https?://', text)


def test_erasing_an_account_ends_its_tokens(client, db, make_user, make_token):
    from matchmaker.gdpr.operations import erase_user

    user = make_user(Role.graduate)
    token, secret = make_token(user)
    token_id = token.id
    erase_user(user)
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(ApiToken, token_id) is None
    assert_problem(client.get("/api/v1/offers", headers=bearer(secret)), 401)


def test_paging_skips_nothing_when_offers_come_and_go(client, db, make_company, make_offer):
    company = make_company()
    offers = [make_offer(company=company, title=f"Stelle {n}") for n in range(4)]
    first = client.get("/api/v1/offers?limit=2").get_json()
    assert [item["id"] for item in first["items"]] == [offers[3].id, offers[2].id]
    make_offer(company=company, title="Neu")  # newer than all: belongs before the first page
    second = client.get(f"/api/v1/offers?limit=2&cursor={first['next_cursor']}").get_json()
    assert [item["id"] for item in second["items"]] == [offers[1].id, offers[0].id]


def test_companies_page_by_name_with_the_longest_name(client, make_company):
    names = sorted(["Ä" * 160, "Zement AG", "Anlagenbau GmbH"])
    for name in names:
        make_company(name=name)
    seen, cursor = [], None
    while True:
        url = "/api/v1/companies?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).get_json()
        seen += [item["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(cursor) <= 2000
    assert sorted(seen) == names and len(seen) == 3


def test_an_unknown_parameter_is_named_not_ignored(client):
    body = assert_problem(client.get("/api/v1/offers?kinds=job", headers={"Accept-Language": "de"}), 422)
    assert body["errors"] == {"kinds": ["Dieser Parameter ist unbekannt. Das API-Dokument nennt die Parameter."]}


def test_the_request_s_language_wins_over_the_account_s(client, make_user, make_token):
    _token, secret = make_token(make_user(Role.graduate, locale="de"), scopes=[TokenScope.read_offers])
    body = assert_problem(client.get("/api/v1/my/matches", headers=bearer(secret, "en")), 403)
    assert body["detail"] == "The token lacks the scope matches:read for this operation."
    body = assert_problem(client.get("/api/v1/my/matches", headers={"Authorization": f"Bearer {secret}",
                                                                  "Accept-Language": ""}), 403)
    assert body["detail"] == "Dem Token fehlt für diese Operation die Berechtigung matches:read."


# ---- pay range and contact person --------------------------------------------------------------

PAY = {"salary_min_cents": 350000, "salary_max_cents": 420050, "salary_currency": "EUR",
       "salary_period": SalaryPeriod.month}
CONTACT = {"contact_name": "Jana Richter", "contact_role": "Personalreferentin",
           "contact_email": "karriere@wasserstoff.example", "contact_phone": "+49 3564 1234-0"}


def test_an_offer_s_pay_and_contact_go_out_as_on_its_page(client, make_offer):
    offer = make_offer(**PAY, **CONTACT)
    plain = make_offer(title="Ohne Angaben")
    data = client.get(f"/api/v1/offers/{offer.id}").get_json()
    assert data["salary"] == {"min": 3500.0, "max": 4200.5, "currency": "EUR", "period": "month"}
    assert data["contact"] == {"name": "Jana Richter", "role": "Personalreferentin",
                               "email": "karriere@wasserstoff.example", "phone": "+49 3564 1234-0"}
    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "karriere@wasserstoff.example" in page and "+49 3564 1234-0" in page
    empty = client.get(f"/api/v1/offers/{plain.id}").get_json()
    assert empty["salary"] is None
    assert empty["contact"] == {"name": "", "role": "", "email": "", "phone": ""}
    listed = {item["id"]: item for item in client.get("/api/v1/offers").get_json()["items"]}
    assert listed[offer.id]["salary"]["max"] == 4200.5 and listed[plain.id]["salary"] is None


def test_contact_details_follow_the_page_s_rule(app, make_company, company_user, make_offer, make_user):
    from flask_login import AnonymousUserMixin

    from matchmaker.access import may_see_offer_contact

    company = make_company()
    owner = company_user(company)
    closed = make_offer(company=company, published=False, status=OfferStatus.closed, **CONTACT)
    public = make_offer(company=company, **CONTACT)
    stranger = company_user(make_company())
    assert not closed.is_public and public.is_public
    assert may_see_offer_contact(public, AnonymousUserMixin())
    assert not may_see_offer_contact(closed, AnonymousUserMixin())
    assert not may_see_offer_contact(closed, stranger)
    assert may_see_offer_contact(closed, owner) and may_see_offer_contact(closed, make_user(Role.staff))


def test_a_company_closed_offer_keeps_its_contact_for_the_company(client, make_company, company_user, make_offer,
                                                                 make_token):
    company = make_company()
    _token, secret = make_token(company_user(company), scopes=[TokenScope.read_offers])
    closed = make_offer(company=company, published=False, status=OfferStatus.closed, **CONTACT)
    own = client.get("/api/v1/my/offers", headers=bearer(secret)).get_json()["items"]
    assert [item["contact"]["email"] for item in own] == ["karriere@wasserstoff.example"]
    assert_problem(client.get(f"/api/v1/offers/{closed.id}"), 404)  # not public: not shown at all


def test_a_company_writes_pay_and_contact_through_the_form_s_rules(client, db, make_company, company_user,
                                                                  make_token):
    _token, secret = make_token(company_user(make_company()))
    created = client.post("/api/v1/my/offers", headers=bearer(secret), json=new_offer(
        salary={"min": 3500, "max": 1_000_000, "period": "month"},
        contact={"name": "N" * 120, "role": "Ausbildungsleiter", "email": "ausbildung@park.example",
                 "phone": "0" * 40}))
    assert created.status_code == 201, created.get_data(as_text=True)
    data = created.get_json()
    assert data["salary"] == {"min": 3500.0, "max": 1_000_000.0, "currency": "EUR", "period": "month"}
    assert data["contact"]["name"] == "N" * 120 and data["contact"]["phone"] == "0" * 40
    offer = db.session.get(Offer, data["id"])
    assert (offer.salary_min_cents, offer.salary_max_cents, offer.salary_period) == (350000, 100_000_000,
                                                                                     SalaryPeriod.month)
    # Untouched by a change of other fields; a pay range sent replaces the whole one; null empties it.
    changed = client.patch(f"/api/v1/my/offers/{offer.id}", json={"title": "Neu"}, headers=bearer(secret))
    assert changed.get_json()["salary"]["min"] == 3500.0
    assert changed.get_json()["contact"]["email"] == "ausbildung@park.example"
    changed = client.patch(f"/api/v1/my/offers/{offer.id}", headers=bearer(secret),
                           json={"salary": {"max": 14.25, "currency": "PLN", "period": "hour"},
                                 "contact": {"name": "Jana Richter"}})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["salary"] == {"min": None, "max": 14.25, "currency": "PLN", "period": "hour"}
    assert changed.get_json()["contact"] == {"name": "Jana Richter", "role": "", "email": "", "phone": ""}
    cleared = client.patch(f"/api/v1/my/offers/{offer.id}", json={"salary": None, "contact": None},
                           headers=bearer(secret)).get_json()
    assert cleared["salary"] is None and cleared["contact"] == {"name": "", "role": "", "email": "", "phone": ""}
    db.session.expire_all()
    offer = db.session.get(Offer, data["id"])
    assert offer.salary_min_cents is None and offer.salary_max_cents is None and offer.salary_period is None


@pytest.mark.parametrize("body, errors", [
    ({"salary": {"min": 4000, "max": 3000, "period": "month"}},
     {"salary.max": ["Der obere Betrag darf nicht unter dem unteren liegen."]}),
    ({"salary": {"min": 3000}}, {"salary.period": ["Dieses Feld ist erforderlich."]}),
    ({"salary": {"min": 3000.123, "period": "month"}}, {"salary.min": ["Bitte höchstens zwei Nachkommastellen."]}),
    ({"salary": {"min": "3000", "period": "month"}}, None),
    ({"salary": {"max": 1_000_000.01, "period": "year"}}, None),
    ({"salary": {"min": 0, "period": "year"}}, None),
    ({"salary": {"min": 10, "period": "week"}}, None),
    ({"salary": {"min": 10, "period": "hour", "bonus": 5}}, None),
    ({"salary": "3000 EUR"}, None),
    ({"contact": {"phone": "call me"}}, {"contact.phone": ["Bitte nur Ziffern, Leerzeichen und + ( ) / -."]}),
    ({"contact": {"email": "not an address"}}, None),
    ({"contact": {"name": "N" * 121}}, None),
])
def test_bad_pay_or_contact_is_a_problem_per_field(client, db, make_company, company_user, make_token, body, errors):
    _token, secret = make_token(company_user(make_company()))
    problem = assert_problem(client.post("/api/v1/my/offers", json=new_offer(**body), headers=bearer(secret, "de")),
                             422)
    field = next(iter(body))
    assert problem["errors"] and all(name.startswith(f"{field}") for name in problem["errors"]), problem["errors"]
    if errors is not None:
        assert problem["errors"] == errors
    assert db.session.scalar(db.select(Offer)) is None


def test_public_offers_filter_by_pay(client, make_offer):
    paid = make_offer(title="Gut bezahlt", **PAY)
    low = make_offer(title="Knapp", salary_min_cents=200000, salary_currency="EUR", salary_period=SalaryPeriod.month)
    make_offer(title="Ohne Angabe")
    ids = {item["id"] for item in client.get("/api/v1/offers?salary=true").get_json()["items"]}
    assert ids == {paid.id, low.id}
    ids = {item["id"] for item in client.get("/api/v1/offers?pay_from=4000&pay_period=month").get_json()["items"]}
    assert ids == {paid.id}
    assert "salary" in assert_problem(client.get("/api/v1/offers?salary=yes"), 422)["errors"]
    assert "pay_from" in assert_problem(client.get("/api/v1/offers?pay_from=0"), 422)["errors"]


# ---- research units ----------------------------------------------------------------------------

UNIT_FIELDS = {"id", "url", "name", "faculty", "kind", "head", "contact_email", "website", "expertise", "methods",
               "equipment", "topics", "verified_at"}


def test_verified_units_are_listed_with_the_page_s_facets(client, make_unit):
    hydrogen = make_unit(name="Lehrstuhl Wasserstofftechnik", topics="Wasserstoff, Elektrolyse",
                         website="javascript:alert(1)")
    make_unit(name="Fachgebiet Stadtplanung", faculty=Faculty.architecture_civil, topics="Stadtumbau",
              expertise="Strukturwandel in Kleinstädten.", methods="Befragungen", equipment="")
    make_unit(name="Ungeprüftes Labor", verified=False, topics="Wasserstoff")
    names = [item["name"] for item in client.get("/api/v1/units").get_json()["items"]]
    assert names == ["Fachgebiet Stadtplanung", "Lehrstuhl Wasserstofftechnik"]
    item = client.get("/api/v1/units?topic=wasserstoff").get_json()["items"]
    assert [unit["id"] for unit in item] == [hydrogen.id]
    assert set(item[0]) == UNIT_FIELDS
    assert item[0]["topics"] == ["Wasserstoff", "Elektrolyse"] and item[0]["website"] == ""
    assert item[0]["faculty"] == "engineering_energy" and item[0]["url"].endswith(f"/units/{hydrogen.id}")
    by_faculty = client.get("/api/v1/units?faculty=architecture_civil").get_json()["items"]
    assert [unit["name"] for unit in by_faculty] == ["Fachgebiet Stadtplanung"]
    assert [u["name"] for u in client.get("/api/v1/units?q=kleinstädten").get_json()["items"]] == [
        "Fachgebiet Stadtplanung"]
    assert client.get("/api/v1/units?q=" + "x" * 100).get_json()["items"] == []
    assert "q" in assert_problem(client.get("/api/v1/units?q=" + "x" * 101), 422)["errors"]
    assert "faculty" in assert_problem(client.get("/api/v1/units?faculty=medicine"), 422)["errors"]
    assert "faculty" in assert_problem(client.get("/api/v1/units?faculty="), 422)["errors"]


def test_units_page_by_cursor(client, make_unit, make_company):
    names = sorted(["Ö" * 200, "Labor A", "Labor B", "Institut Z"])
    for name in names:
        make_unit(name=name)
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/units?limit=1" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [item["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(cursor) <= 2000
    assert seen == names
    make_company(), make_company()
    other = client.get("/api/v1/companies?limit=1").get_json()["next_cursor"]
    first = client.get("/api/v1/units?limit=1").get_json()["next_cursor"]
    assert other and first
    assert "cursor" in assert_problem(client.get(f"/api/v1/units?cursor={other}"), 422)["errors"]
    assert "cursor" in assert_problem(client.get(f"/api/v1/companies?cursor={first}"), 422)["errors"]


def test_only_a_verified_unit_is_served_whoever_asks(client, make_unit, make_user, make_token):
    member = make_user(Role.researcher)
    hidden = make_unit(name="Im Aufbau", verified=False, members=[member])
    shown = make_unit(name="Lehrstuhl Energiesysteme")
    assert client.get(f"/api/v1/units/{shown.id}").get_json()["name"] == "Lehrstuhl Energiesysteme"
    assert_problem(client.get(f"/api/v1/units/{hidden.id}"), 404)
    for user in (member, make_user(Role.staff)):
        _token, secret = make_token(user, scopes=[TokenScope.read_offers])
        assert_problem(client.get(f"/api/v1/units/{hidden.id}", headers=bearer(secret)), 404)
    assert_problem(client.get("/api/v1/units/999999"), 404)
