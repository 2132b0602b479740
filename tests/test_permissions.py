"""Every route, for every role and for anonymous visitors, against a written permission table.

A route missing from the table fails the test, so a new route cannot slip in without its rule.
"""

from __future__ import annotations

import pytest
from conftest import PASSWORD

from matchmaker.models import ConsentRecord, Introduction, IntroductionState, Membership, Role, Side

ANON = "anonymous"
ALL = {ANON, *(role.value for role in Role)}
USERS = ALL - {ANON}
STAFF = {"staff", "admin"}

# endpoint -> who may use it. Everyone else: anonymous visitors are sent to the login page, logged-in users get 403.
PERMISSIONS: dict[str, set[str]] = {
    "static": ALL,
    "main.index": ALL, "main.about": ALL, "main.privacy": ALL, "main.set_language": ALL,
    "auth.login": ALL, "auth.logout": ALL, "auth.register": ALL, "auth.register_company": ALL,
    "auth.confirm": ALL, "auth.resend_confirmation": ALL, "auth.forgot_password": ALL,
    "auth.reset_password": ALL, "auth.two_factor_login": ALL,
    "auth.change_password": USERS,
    "auth.two_factor": STAFF, "auth.two_factor_setup": STAFF, "auth.two_factor_disable": STAFF,
    "offers.index": ALL, "offers.detail": ALL,
    "offers.new": {"company"}, "offers.edit": {"company"}, "offers.publish": {"company"},
    "offers.close": {"company"}, "offers.reopen": {"company"},
    "companies.index": ALL, "companies.detail": ALL,
    "companies.dashboard": {"company"}, "companies.edit": {"company"},
    "companies.approve_member": {"company"}, "companies.decline_member": {"company"},
    "graduates.dashboard": {"graduate"}, "graduates.profile": {"graduate"},
    "graduates.visibility": {"graduate"}, "graduates.card": {"graduate"},
    "matching.offers_for_me": {"graduate"}, "matching.graduates_for_offer": {"company", *STAFF},
    "matching.board": STAFF,
    "admin.dashboard": STAFF, "admin.companies": STAFF, "admin.company": STAFF,
    "admin.verify_company": STAFF, "admin.reject_company": STAFF, "admin.approve_member": STAFF,
    "admin.users": STAFF, "admin.user": STAFF, "admin.deactivate_user": STAFF, "admin.reactivate_user": STAFF,
    "admin.unlock_two_factor": STAFF,
    "alerts.settings": {"graduate", "company"}, "alerts.unsubscribe": ALL,
    "privacy.log": {"graduate"}, "privacy.audit": STAFF, "privacy.audit_export": STAFF,
    "brokering.index": {"graduate", "company"}, "brokering.detail": {"graduate", "company", *STAFF},
    "brokering.interest": {"graduate"}, "brokering.invite": {"company"}, "brokering.propose": STAFF,
    "brokering.accept": {"graduate", "company"}, "brokering.decline": {"graduate", "company"},
    "brokering.withdraw": {"graduate", "company"}, "brokering.outcome": STAFF, "brokering.add_note": STAFF,
    "brokering.pipeline": STAFF, "brokering.close_stale": STAFF, "brokering.graduate": STAFF,
    "brokering.company": STAFF, "brokering.consents": {"graduate"}, "brokering.revoke": {"graduate"},
    "gdpr.cv_file": {"graduate"}, "gdpr.delete_cv": {"graduate"},
    "gdpr.download_cv": {"graduate", "company", *STAFF}, "gdpr.index": USERS, "gdpr.export": USERS,
    "gdpr.delete_account": {"graduate", "company", "researcher"},
}

# Pages of the login flow itself may send a visitor back to the login page without that meaning "refused".
LOGIN_FLOW = {"auth.two_factor_login", "auth.confirm", "auth.reset_password", "auth.login", "auth.register",
              "auth.register_company"}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - PERMISSIONS.keys() == set(), "routes without a rule in the permission table"
    assert PERMISSIONS.keys() - endpoints == set(), "rules for routes that no longer exist"


@pytest.fixture
def world(app, db, make_user, make_company, make_offer, make_profile):
    """One object of each kind, owned by the company user who takes part in the walk."""
    company = make_company(name="Walk GmbH")
    owner = next(u for u in company.users if u.membership == Membership.active)
    offer = make_offer(company=company, required_skills=["python"])
    pending = make_user(Role.company, company_id=company.id, membership=Membership.pending)
    victim = make_user(Role.graduate)
    findable = make_profile(user=make_user(Role.graduate), skills=["python"], visible_to_companies=True,
                            wanted_kinds=[])
    people = {"company": owner}
    for role in USERS - {"company"}:
        people[role] = make_user(Role(role))
    make_profile(user=people["graduate"], skills=["python"])
    ids = {"offer_id": offer.id, "company_id": company.id, "user_id": victim.id, "token": "not-a-token",
           "code": "en", "filename": "style.css", "profile_id": findable.id}
    introduction = Introduction(profile=findable, company_id=company.id, offer=offer, started_by=Side.staff,
                                state=IntroductionState.proposed, offer_kind=offer.kind)
    db.session.add(introduction)
    db.session.flush()
    consent = ConsentRecord(user_id=findable.user_id, introduction_id=introduction.id, purpose="introduction",
                            text="I agree.")
    db.session.add(consent)
    db.session.commit()
    ids.update(introduction_id=introduction.id, consent_id=consent.id)
    member_ids = {"companies.approve_member": pending.id, "companies.decline_member": pending.id,
                  "admin.approve_member": pending.id}
    return people, ids, member_ids


def _request(client, rule, values):
    url = rule.rule
    for name in rule.arguments:
        url = url.replace(f"<int:{name}>", str(values[name])).replace(f"<path:{name}>", str(values[name]))
        url = url.replace(f"<{name}>", str(values[name]))
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={})


@pytest.mark.parametrize("who", sorted(ALL))
def test_route_walk(app, client, world, who):
    people, ids, member_ids = world
    if who != ANON:
        user = people[who]
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "auth.logout", r.endpoint))
    for rule in rules:
        values = dict(ids)
        if rule.endpoint in member_ids:
            values["user_id"] = member_ids[rule.endpoint]
        response = _request(client, rule, values)
        response.close()
        status = response.status_code
        to_login = status == 302 and response.location.startswith("/auth/login")
        where = f"{who} {rule.endpoint} {rule.rule} -> {status} {response.location or ''}"
        assert status < 500, where
        if who in PERMISSIONS[rule.endpoint]:
            assert status != 403, where
            assert not to_login or rule.endpoint in LOGIN_FLOW or who == ANON, where
        elif who == ANON:
            assert to_login, where
        else:
            assert status == 403, where
