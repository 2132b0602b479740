"""Access in one place: the lookups and gates of access.py, and pages that ask the model what a user may do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matchmaker.models import Introduction, IntroductionState, Membership, Role

PACKAGE = Path(__file__).resolve().parent.parent / "matchmaker"


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), path.read_text(encoding="utf-8")


def test_every_ownership_checked_lookup_lives_in_access():
    elsewhere = [name for name, text in _sources()
                 if name != "access.py" and re.search(r"^def get_\w+_or_404\(", text, re.MULTILINE)]
    assert elsewhere == []


def test_staff_or_admin_is_spelled_out_once():
    pattern = re.compile(r"Role\.staff,\s*Role\.admin|Role\.admin,\s*Role\.staff")
    spelled = [name for name, text in _sources() if pattern.search(text)]
    assert spelled == ["models/accounts.py"]


def test_a_pending_member_is_told_why_when_approving_a_colleague(db, client, login_as, make_company, make_user):
    company = make_company()
    pending = make_user(Role.company, company_id=company.id, membership=Membership.pending)
    other = make_user(Role.company, company_id=company.id, membership=Membership.pending)
    login_as(pending)
    response = client.post(f"/companies/mine/members/{other.id}/approve")
    assert response.status_code == 403
    assert "waiting for approval" in response.get_data(as_text=True)
    db.session.refresh(other)
    assert other.membership == Membership.pending


@pytest.mark.parametrize("state", [IntroductionState.proposed, IntroductionState.accepted_by_graduate,
                                   IntroductionState.accepted_by_company, IntroductionState.introduced,
                                   IntroductionState.interview, IntroductionState.declined,
                                   IntroductionState.hired])
def test_the_detail_page_offers_exactly_the_steps_the_model_allows(db, client, login_as, make_company,
                                                                    make_offer, make_profile, make_user, state, company_user,
                                                                    make_introduction):
    company = make_company()
    offer = make_offer(company=company)
    graduate = make_user(Role.graduate)
    profile = make_profile(user=graduate, visible_to_companies=True)
    staff = make_user(Role.staff)
    intro = make_introduction(state, offer=offer, profile=profile)
    for user in (graduate, company_user(company), staff):
        login_as(user)
        response = client.get(f"/introductions/{intro.id}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        intro = db.session.get(Introduction, intro.id)
        user = db.session.get(type(user), user.id)
        shown = {verb: f'id="{verb}-form"' in page for verb in ("accept", "decline", "withdraw", "outcome")}
        allowed = {"accept": intro.can_accept(user), "decline": intro.can_decline(user),
                   "withdraw": intro.can_withdraw(user), "outcome": intro.can_record_outcome(user)}
        assert shown == allowed, (state, user.role)
