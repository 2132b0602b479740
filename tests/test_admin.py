"""The Präsenzstelle's staff area: verification, members, user accounts, access."""

import pytest
from helpers import followed, PASSWORD

from matchmaker.models import Company, Membership, OfferStatus, Role, User


@pytest.fixture
def staff(make_user):
    return make_user(Role.staff, email="staff@btu.example", locale="en")


@pytest.fixture
def admin(make_user):
    return make_user(Role.admin, email="admin@btu.example", locale="en")


def _fresh(db, model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def _body(response) -> str:
    return response.get_data(as_text=True)


# ---- dashboard -------------------------------------------------------------------------------

def test_dashboard_counts_and_waiting_companies_oldest_first(client, db, staff, login_as, make_company,
                                                             make_user, make_profile, make_offer):
    from datetime import datetime

    newer = make_company(verified=False, name="Zweite Wartende GmbH", created_at=datetime(2024, 5, 2))
    older = make_company(verified=False, name="Erste Wartende GmbH", created_at=datetime(2024, 5, 1))
    verified = make_company(name="Geprüfte AG")
    make_company(verified=False, name="Abgelehnte KG", rejected_at=datetime(2024, 5, 3), rejection_reason="x")
    make_profile(visible_to_companies=True)
    make_profile(visible_to_companies=False)
    make_offer(company=verified)
    make_offer(company=verified, published=False)
    login_as(staff)

    response = client.get("/staff/")
    assert response.status_code == 200
    body = _body(response)
    assert body.index("Erste Wartende GmbH") < body.index("Zweite Wartende GmbH")
    assert "Abgelehnte KG" not in body
    assert f"/staff/companies/{older.id}" in body and f"/staff/companies/{newer.id}" in body
    assert "<strong>2</strong></a> companies waiting for verification" in body
    assert "<strong>1</strong></a> verified companies" in body
    assert "<strong>2</strong></a> graduates" in body
    assert "<strong>1</strong> graduates visible to companies" in body
    assert "<strong>1</strong> published offers" in body
    users = db.session.scalar(db.select(db.func.count(User.id)))
    assert f"<strong>{users}</strong></a> users" in body


def test_dashboard_empty_state(client, staff, login_as, make_company):
    make_company(name="Schon geprüft GmbH")
    login_as(staff)
    body = _body(client.get("/staff/"))
    assert "No company is waiting for verification" in body
    assert "Nobody is waiting to join a company" in body


# ---- companies: list and detail -----------------------------------------------------------------

def test_company_list_filters_search_and_paginates(app, client, staff, login_as, make_company):
    from datetime import datetime

    make_company(verified=False, name="Wartend Wasserstoff GmbH")
    make_company(name="Geprüft Papier AG")
    make_company(verified=False, name="Abgelehnt Chemie KG", rejected_at=datetime(2024, 1, 1))
    login_as(staff)

    def names(**args):
        response = client.get("/staff/companies", query_string=args)
        assert response.status_code == 200, args
        body = _body(response)
        return {n for n in ("Wartend Wasserstoff GmbH", "Geprüft Papier AG", "Abgelehnt Chemie KG") if n in body}

    assert names() == {"Wartend Wasserstoff GmbH", "Geprüft Papier AG", "Abgelehnt Chemie KG"}
    assert names(state="pending") == {"Wartend Wasserstoff GmbH"}
    assert names(state="verified") == {"Geprüft Papier AG"}
    assert names(state="rejected") == {"Abgelehnt Chemie KG"}
    assert names(state="all", q="papier") == {"Geprüft Papier AG"}
    assert names(q="%") == set()  # LIKE wildcards are searched for literally
    assert names(q="_") == set()

    app.config["PAGE_SIZE"] = 2
    first = _body(client.get("/staff/companies"))
    assert "Page 1 of 2" in first and "page=2" in first
    second = client.get("/staff/companies", query_string={"page": 2})
    assert second.status_code == 200 and "Page 2 of 2" in _body(second)


@pytest.mark.parametrize("args", [
    {"page": "abc"}, {"page": "-3"}, {"page": "0"}, {"page": "99999999999999999999999999"},
    {"state": "nonsense"}, {"q": "x" * 101}, {"q": "<script>alert(1)</script>"}, {"state": ["pending", "x"]},
])
def test_company_list_survives_bad_parameters(client, staff, login_as, make_company, args):
    make_company(name="Irgendeine GmbH")
    login_as(staff)
    response = client.get("/staff/companies", query_string=args)
    assert response.status_code in (200, 400), args
    assert "<script>alert(1)</script>" not in _body(response)


def test_company_list_bad_filter_value_is_shown_at_the_field(client, staff, login_as):
    login_as(staff)
    response = client.get("/staff/companies", query_string={"state": "nonsense", "q": "keep me"})
    assert response.status_code == 400
    body = _body(response)
    assert 'class="errors"' in body and 'value="keep me"' in body
    assert client.get("/staff/companies", query_string={"q": "x" * 101}).status_code == 400


def test_company_detail_shows_profile_members_and_all_offers(client, db, staff, login_as, make_company,
                                                              make_user, make_offer, company_user):
    company = make_company(verified=False, name="Lausitz Energie GmbH", website="https://lausitz.example")
    pending = make_user(Role.company, email="neu@lausitz.example", company_id=company.id,
                        membership=Membership.pending)
    make_offer(company=company, title="Veröffentlichte Stelle")
    make_offer(company=company, published=False, title="Entwurf einer Stelle")
    make_offer(company=company, title="Geschlossene Stelle", status=OfferStatus.closed)
    login_as(staff)
    response = client.get(f"/staff/companies/{company.id}")
    assert response.status_code == 200
    body = _body(response)
    for text in ("Lausitz Energie GmbH", "https://lausitz.example", company_user(company).email, pending.email,
                 "Waiting for approval", "Veröffentlichte Stelle", "Entwurf einer Stelle", "Geschlossene Stelle",
                 f"/staff/companies/{company.id}/members/{pending.id}/approve", "Verify company"):
        assert text in body, text


def test_unknown_company_is_404(client, staff, login_as):
    login_as(staff)
    assert client.get("/staff/companies/9999").status_code == 404
    assert client.post("/staff/companies/9999/verify").status_code == 404
    assert client.post("/staff/companies/9999/reject", data={"reason": "Gibt es nicht."}).status_code == 404


# ---- verify and reject ------------------------------------------------------------------------

def test_verify_company_mails_every_active_member_in_their_language(client, db, staff, login_as, make_company,
                                                                     make_user, outbox):
    company = make_company(verified=False, name="Spreetal Recycling GmbH", with_user=False,
                           rejection_reason="", rejected_at=None)
    german = make_user(Role.company, email="de@spreetal.example", locale="de", company_id=company.id,
                       membership=Membership.active)
    english = make_user(Role.company, email="en@spreetal.example", locale="en", company_id=company.id,
                        membership=Membership.active)
    waiting = make_user(Role.company, email="wartet@spreetal.example", company_id=company.id,
                        membership=Membership.pending)
    gone = make_user(Role.company, email="weg@spreetal.example", company_id=company.id,
                     membership=Membership.active, active=False)
    login_as(staff)

    response = client.post(f"/staff/companies/{company.id}/verify")
    assert response.status_code == 302 and response.location.endswith(f"/staff/companies/{company.id}")
    company = _fresh(db, Company, company.id)
    assert company.verified_at is not None and company.rejected_at is None
    assert [m.recipient for m in outbox()] == [german.email, english.email]
    assert not outbox(waiting.email) and not outbox(gone.email)
    (to_english,) = outbox(english.email)
    assert "Spreetal Recycling GmbH" in to_english.body and "verified" in to_english.body
    assert "/companies/mine" in to_english.body
    (to_german,) = outbox(german.email)
    assert "Spreetal Recycling GmbH" in to_german.body

    # Twice is harmless: no change, no second mail.
    first_verified_at = company.verified_at
    again = client.post(f"/staff/companies/{company.id}/verify")
    assert again.status_code == 302
    assert _fresh(db, Company, company.id).verified_at == first_verified_at
    assert len(outbox()) == 2


def test_verify_a_rejected_company_clears_the_rejection(client, db, staff, login_as, make_company):
    from datetime import datetime

    company = make_company(verified=False, rejected_at=datetime(2024, 1, 1), rejection_reason="Unklar.")
    login_as(staff)
    assert client.post(f"/staff/companies/{company.id}/verify").status_code == 302
    company = _fresh(db, Company, company.id)
    assert company.verified_at is not None and company.rejected_at is None and company.rejection_reason == ""


def test_reject_company_quotes_the_reason_to_members(client, db, staff, login_as, make_company, make_user,
                                                     outbox, company_user):
    company = make_company(name="Schwarze Pumpe Chemie AG")  # verified, then found to be a mistake
    member = company_user(company)
    member.locale = "en"
    db.session.commit()
    login_as(staff)
    reason = "We could not reach anyone at the address given.\nPlease send us <proof> & a phone number."
    response = client.post(f"/staff/companies/{company.id}/reject", data={"reason": f"  {reason}  "})
    assert response.status_code == 302
    company = _fresh(db, Company, company.id)
    assert company.rejected_at is not None and company.verified_at is None
    assert company.rejection_reason == reason
    (message,) = outbox(member.email)
    assert reason in message.body  # plain text mail: quoted as written, not HTML-escaped
    assert "could not verify Schwarze Pumpe Chemie AG" in message.body
    assert message.subject == "Your company could not be verified on Matchmaker"

    # The reason shows on the detail page, escaped.
    body = _body(client.get(f"/staff/companies/{company.id}"))
    assert "&lt;proof&gt; &amp; a phone number" in body and "<proof>" not in body

    # The same submission again sends nothing new.
    assert client.post(f"/staff/companies/{company.id}/reject", data={"reason": reason}).status_code == 302
    assert len(outbox(member.email)) == 1


@pytest.mark.parametrize("reason", ["", "   \n  ", "x" * 2001, "Grund mit \x00 NUL"])
def test_reject_needs_a_valid_reason_and_changes_nothing(client, db, staff, login_as, make_company, outbox,
                                                         reason):
    company = make_company(verified=False)
    login_as(staff)
    response = client.post(f"/staff/companies/{company.id}/reject", data={"reason": reason})
    assert response.status_code == 303 and response.location == f"/staff/companies/{company.id}#reject-form"
    body = followed(client, response)
    assert 'id="reason-err"' in body
    company = _fresh(db, Company, company.id)
    assert company.rejected_at is None and company.rejection_reason == "" and company.verified_at is None
    assert outbox() == []


def test_reject_form_keeps_what_was_typed(client, staff, login_as, make_company):
    company = make_company(verified=False)
    login_as(staff)
    typed = "Ein langer Grund " + "x" * 2000
    body = followed(client, client.post(f"/staff/companies/{company.id}/reject", data={"reason": typed}))
    assert typed in body


def test_reject_without_reason_keeps_a_verified_company_verified(client, db, staff, login_as, make_company):
    company = make_company()
    login_as(staff)
    assert client.post(f"/staff/companies/{company.id}/reject", data={}).status_code == 303
    assert _fresh(db, Company, company.id).verified_at is not None


# ---- members ----------------------------------------------------------------------------------

def test_staff_approves_a_pending_member(client, db, staff, login_as, make_company, make_user, outbox):
    company = make_company(name="Kraftwerk Nord AG")
    pending = make_user(Role.company, email="neu@kraftwerk.example", locale="en", company_id=company.id,
                        membership=Membership.pending)
    login_as(staff)
    assert "Members waiting for approval" in _body(client.get("/staff/"))
    assert pending.email in _body(client.get("/staff/"))

    response = client.post(f"/staff/companies/{company.id}/members/{pending.id}/approve")
    assert response.status_code == 302
    assert _fresh(db, User, pending.id).membership == Membership.active
    (message,) = outbox(pending.email)
    assert "Kraftwerk Nord AG" in message.body and "Kraftwerk Nord AG" in message.subject
    assert "the Präsenzstelle has approved" in message.body

    # Twice is harmless.
    assert client.post(f"/staff/companies/{company.id}/members/{pending.id}/approve").status_code == 302
    assert len(outbox(pending.email)) == 1


def test_approve_member_of_another_company_or_non_member_is_refused(client, db, staff, login_as, make_company,
                                                                    make_user):
    company = make_company()
    other = make_company()
    pending = make_user(Role.company, company_id=other.id, membership=Membership.pending)
    graduate = make_user(Role.graduate)
    login_as(staff)
    assert client.post(f"/staff/companies/{company.id}/members/{pending.id}/approve").status_code == 404
    assert client.post(f"/staff/companies/{company.id}/members/9999/approve").status_code == 404
    assert client.post(f"/staff/companies/{company.id}/members/{graduate.id}/approve").status_code == 404
    assert _fresh(db, User, pending.id).membership == Membership.pending


# ---- users ------------------------------------------------------------------------------------

def test_user_list_search_filter_and_paginate(app, client, staff, login_as, make_user):
    make_user(Role.graduate, email="anna@student.example")
    make_user(Role.graduate, email="ben@student.example", active=False)
    make_user(Role.board, email="beirat@spremberg.example")
    login_as(staff)

    def emails(**args):
        response = client.get("/staff/users", query_string=args)
        assert response.status_code == 200, args
        body = _body(response)
        return {e for e in ("anna@student.example", "ben@student.example", "beirat@spremberg.example",
                            "staff@btu.example") if e in body}

    assert emails() == {"anna@student.example", "ben@student.example", "beirat@spremberg.example",
                        "staff@btu.example"}
    assert emails(q="STUDENT") == {"anna@student.example", "ben@student.example"}
    assert emails(role="board") == {"beirat@spremberg.example"}
    assert emails(role="graduate", state="inactive") == {"ben@student.example"}
    assert emails(role="graduate", state="active") == {"anna@student.example"}

    app.config["PAGE_SIZE"] = 3
    assert "Page 1 of 2" in _body(client.get("/staff/users"))
    assert "Page 2 of 2" in _body(client.get("/staff/users", query_string={"page": 2}))


@pytest.mark.parametrize("args", [
    {"page": "abc"}, {"page": "1e3"}, {"page": "99999999999999999999999999"}, {"role": "nonsense"},
    {"state": "sleeping"}, {"q": "y" * 500}, {"role": "", "state": "", "q": ""},
])
def test_user_list_survives_bad_parameters(client, staff, login_as, args):
    login_as(staff)
    response = client.get("/staff/users", query_string=args)
    assert response.status_code in (200, 400), args
    if args.get("role") == "nonsense":
        assert response.status_code == 400 and 'id="role-err"' in _body(response)
        assert "staff@btu.example" in _body(response)  # the list still shows, unfiltered


def test_user_detail(client, staff, login_as, make_company, company_user):
    company = make_company(name="Detail GmbH")
    member = company_user(company)
    login_as(staff)
    response = client.get(f"/staff/users/{member.id}")
    assert response.status_code == 200
    body = _body(response)
    assert member.email in body and "Detail GmbH" in body and "Company" in body and "Deactivate account" in body
    assert client.get("/staff/users/9999").status_code == 404


def test_staff_deactivates_and_reactivates_a_graduate(client, db, staff, login_as, make_user):
    graduate = make_user(Role.graduate)
    login_as(staff)
    before = graduate.session_version or 0
    assert client.post(f"/staff/users/{graduate.id}/deactivate").status_code == 302
    assert _fresh(db, User, graduate.id).active is False
    assert _fresh(db, User, graduate.id).session_version == before + 1  # old sessions and cookies void
    assert client.post(f"/staff/users/{graduate.id}/deactivate").status_code == 302  # harmless twice
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": graduate.email, "password": PASSWORD}).status_code == 400

    login_as(staff)
    assert client.post(f"/staff/users/{graduate.id}/reactivate").status_code == 302
    assert _fresh(db, User, graduate.id).active is True
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": graduate.email, "password": PASSWORD}).status_code == 302


def test_staff_cannot_deactivate_themselves_another_staff_or_an_admin(client, db, staff, admin, login_as,
                                                                      make_user):
    colleague = make_user(Role.staff)
    login_as(staff)
    for target in (staff, colleague, admin):
        response = client.post(f"/staff/users/{target.id}/deactivate")
        assert response.status_code == 403, target
        assert "may deactivate" in _body(response) or "your own account" in _body(response)
        assert _fresh(db, User, target.id).active is True
    assert "Only an admin may deactivate" in _body(client.post(f"/staff/users/{admin.id}/deactivate"))
    assert "your own account" in _body(client.post(f"/staff/users/{staff.id}/deactivate"))
    # Still logged in and working.
    assert client.get("/staff/").status_code == 200


def test_staff_cannot_reactivate_a_staff_account(client, db, staff, login_as, make_user):
    colleague = make_user(Role.staff, active=False)
    login_as(staff)
    assert client.post(f"/staff/users/{colleague.id}/reactivate").status_code == 403
    assert _fresh(db, User, colleague.id).active is False


def test_admin_can_deactivate_staff_but_not_themselves(client, db, staff, admin, login_as):
    login_as(admin)
    assert client.post(f"/staff/users/{staff.id}/deactivate").status_code == 302
    assert _fresh(db, User, staff.id).active is False
    assert client.post(f"/staff/users/{admin.id}/deactivate").status_code == 403
    assert _fresh(db, User, admin.id).active is True
    assert client.post(f"/staff/users/{staff.id}/reactivate").status_code == 302
    assert _fresh(db, User, staff.id).active is True


def test_deactivated_users_open_session_ends_on_next_request(app, db, staff, login_as, make_user):
    from flask import g

    def as_browser(browser, method, url):
        # The test app context (and so `g`) outlives a request; drop the user Flask-Login cached there
        # so that each browser is judged by its own cookies, as in a real server.
        g.pop("_login_user", None)
        return browser.open(url, method=method)

    graduate = make_user(Role.graduate)
    theirs = app.test_client()
    assert theirs.post("/auth/login", data={"email": graduate.email, "password": PASSWORD,
                                            "remember": "y"}).status_code == 302
    assert as_browser(theirs, "GET", "/auth/password").status_code == 200

    staff_browser = login_as(staff)
    assert as_browser(staff_browser, "POST", f"/staff/users/{graduate.id}/deactivate").status_code == 302

    response = as_browser(theirs, "GET", "/auth/password")
    assert response.status_code == 302 and "/auth/login" in response.location
    # Ended for good: the session version rose, so a reactivation does not revive the old session
    # or its remember-me cookie.
    assert as_browser(staff_browser, "POST", f"/staff/users/{graduate.id}/reactivate").status_code == 302
    response = as_browser(theirs, "GET", "/auth/password")
    assert response.status_code == 302 and "/auth/login" in response.location


# ---- access -----------------------------------------------------------------------------------

def _routes(company_id, user_id):
    return [
        ("GET", "/staff/"),
        ("GET", "/staff/companies"),
        ("GET", f"/staff/companies/{company_id}"),
        ("POST", f"/staff/companies/{company_id}/verify"),
        ("POST", f"/staff/companies/{company_id}/reject"),
        ("POST", f"/staff/companies/{company_id}/members/{user_id}/approve"),
        ("GET", "/staff/users"),
        ("GET", f"/staff/users/{user_id}"),
        ("POST", f"/staff/users/{user_id}/deactivate"),
        ("POST", f"/staff/users/{user_id}/reactivate"),
    ]


def test_anonymous_is_sent_to_login(client, db, make_company, make_user):
    company = make_company(verified=False)
    user = make_user(Role.company, company_id=company.id, membership=Membership.pending)
    for method, url in _routes(company.id, user.id):
        response = client.open(url, method=method, data={"reason": "Grund"})
        assert response.status_code == 302, url
        assert "/auth/login" in response.location, url
    company = _fresh(db, Company, company.id)
    assert company.verified_at is None and company.rejected_at is None


@pytest.mark.parametrize("role", [Role.graduate, Role.company, Role.board, Role.researcher])
def test_other_roles_are_forbidden(client, db, login_as, make_company, make_user, role, company_user):
    company = make_company(verified=False)
    user = make_user(Role.company, company_id=company.id, membership=Membership.pending)
    if role == Role.company:
        visitor = company_user(company)
    else:
        visitor = make_user(role)
    login_as(visitor)
    for method, url in _routes(company.id, user.id):
        response = client.open(url, method=method, data={"reason": "Grund"})
        assert response.status_code == 403, (role, url)
    company = _fresh(db, Company, company.id)
    assert company.verified_at is None and company.rejected_at is None
    assert _fresh(db, User, user.id).membership == Membership.pending and _fresh(db, User, user.id).active


def test_admin_passes_the_staff_gate(client, admin, login_as, make_company):
    company = make_company(verified=False)
    login_as(admin)
    assert client.get("/staff/").status_code == 200
    assert client.post(f"/staff/companies/{company.id}/verify").status_code == 302


def test_get_on_post_routes_is_not_allowed(client, staff, login_as, make_company):
    company = make_company(verified=False)
    login_as(staff)
    assert client.get(f"/staff/companies/{company.id}/verify").status_code == 405
    assert client.get(f"/staff/users/{staff.id}/deactivate").status_code == 405
