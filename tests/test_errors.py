"""One domain error, answered once: HTML as each feature shows it, or JSON when the client asks for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import followed

from matchmaker.domain import DomainError, NotAllowed
from matchmaker.models import IntroductionState, OfferStatus, Role

ROOT = Path(__file__).resolve().parent.parent


def test_the_domain_error_needs_no_flask():
    # Loaded as a file, not through the package (whose __init__ makes the app).
    code = ("import importlib.util, sys; "
            "spec = importlib.util.spec_from_file_location('domain', 'matchmaker/domain.py'); "
            "spec.loader.exec_module(importlib.util.module_from_spec(spec)); "
            "assert not [n for n in sys.modules if n.startswith('flask')], sorted(sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_model_transition_raises_the_domain_error(db, make_user, make_introduction):
    intro = make_introduction(IntroductionState.proposed)
    stranger = make_user(Role.graduate)
    with pytest.raises(NotAllowed) as refused:
        intro.accept(by=stranger)
    assert isinstance(refused.value, DomainError) and refused.value.status == 403
    intro.expire()
    with pytest.raises(DomainError) as wrong_state:
        intro.expire()
    assert wrong_state.value.status == 409


def test_no_feature_keeps_its_own_error_class_or_the_private_renderer():
    sources = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
               for path in (ROOT / "matchmaker").rglob("*.py")}
    for name in ("class AdminError", "class CompanyError", "class OfferError", "class Error(Exception)"):
        assert not [path for path, text in sources.items() if name in text], name
    assert "_render" not in sources["matchmaker/security.py"]


@pytest.fixture
def published_by_german_member(db, make_company, make_offer, login_as, company_user):
    """A published offer, and its company's member logged in with German as their language."""
    company = make_company()
    offer = make_offer(company=company)
    member = company_user(company)
    member.locale = "de"
    db.session.commit()
    login_as(member)
    return offer


def test_a_refused_step_answers_json_when_asked(client, db, published_by_german_member):
    offer = published_by_german_member
    response = client.post(f"/offers/{offer.id}/publish", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.get_json() == {"error": "Dieses Angebot ist bereits veröffentlicht."}
    db.session.refresh(offer)
    assert offer.status == OfferStatus.published


def test_a_refused_step_shows_the_page_with_the_reason_in_the_users_language(client, published_by_german_member):
    offer = published_by_german_member
    response = client.post(f"/offers/{offer.id}/publish")
    assert response.status_code == 303
    body = followed(client, response)
    assert "Dieses Angebot ist bereits veröffentlicht." in body and offer.title in body


def test_a_model_error_is_shown_translated(client, db, make_profile, make_user, login_as, make_introduction):
    graduate = make_user(Role.graduate, locale="de")
    intro = make_introduction(IntroductionState.declined, profile=make_profile(user=graduate))
    login_as(graduate)
    response = client.post(f"/introductions/{intro.id}/accept")
    assert response.status_code == 303
    assert "Diese Kontaktvermittlung wartet nicht mehr auf eine Antwort." in followed(client, response)
