"""What the matcher lets a company learn of a graduate: the order may rest on the whole profile, the
reasons only on the pseudonymous card, and personal data is never a feature at all."""

from __future__ import annotations

import re
import time


from matchmaker.matching import index
from matchmaker.matching.personal import name_parts, scrub
from matchmaker.models import Introduction, Role

REASONS = re.compile(r'<ul class="chips reasons">(.*?)</ul>', re.S)


def _reasons_after(body: str, marker: str) -> str:
    """The reason chips of the card that `marker` (a pseudonym) heads."""
    return REASONS.findall(body.split(marker, 1)[1])[0]


# ---- the scrubber --------------------------------------------------------------------------------

def test_scrub_drops_contact_data_numbers_streets_and_the_persons_name():
    names = name_parts("Hannah Franke", "hannah.franke@mailbox.example")
    text = ("Hannah Franke / hannah.franke@mailbox.example / Spremberger Strasse 12, 03130 Spremberg\n"
            "Tel. +49 355 69-1234, https://franke.example, Hauptstraße 5a\n"
            "Skills: Python3, S7, 3D printing, Elektrolyse")
    kept = [token.strip(",") for token in scrub(text, names).split()]
    for gone in ("Hannah", "Franke", "hannah.franke@mailbox.example", "Spremberger", "Strasse", "12", "03130",
                 "+49", "355", "69-1234", "https://franke.example", "Hauptstraße", "5a"):
        assert gone not in kept, gone
    assert "Spremberg" not in kept  # the town of the address goes with its postal code
    assert "Spremberg" in scrub("Praktikum in Spremberg", names)
    for stays in ("Python3", "S7", "3D", "printing", "Elektrolyse"):
        assert stays in kept, stays
    # A street word is dropped only before a house number: a production line stays.
    assert scrub("Arbeit an der Fertigungsstraße", names) == "Arbeit an der Fertigungsstraße"
    assert name_parts("Al Bo", "a.b@x.example") == frozenset()  # short parts would strike ordinary words


def test_scrub_is_linear_in_the_texts_length():
    names = name_parts("Hannah Franke")
    normal = ("Prozessleittechnik und Elektrolyse in der Anlage, 20 Jahre. " * 4000)[:200_000]
    hostile = ["x" * 200_000, "!" * 199_999 + "b", "@" * 200_000, "1" * 200_000, ("a!" * 100_000)]

    def timed(text):
        start = time.perf_counter()
        scrub(text, names)
        return time.perf_counter() - start

    base = min(timed(normal) for _ in range(3))
    for text in hostile:
        assert min(timed(text) for _ in range(3)) < 10 * base + 0.05, text[:10]


# ---- through the app ------------------------------------------------------------------------------

def test_order_uses_the_whole_profile_but_company_reasons_only_the_card(
        client, make_company, make_offer, make_profile, login_as, company_user):
    """A CV word lifts a graduate in the company's list, yet no reason names it: the order is the
    matcher's order over whole profiles, the reasons come from the card alone."""
    company = make_company()
    offer = make_offer(company=company, title="Ingenieur Elektrolyse (m/w/d)", required_skills=["Python"],
                       description="Betrieb und Optimierung von Elektrolyseuren, Wasserstoff.")
    common = {"skills": ["Python", "SQL"], "headline": "Engineer", "visible_to_companies": True, "wanted_kinds": []}
    plain = make_profile(cv_text="Logistik und Einkauf.", **common)
    expert = make_profile(cv_text="Fünf Jahre Elektrolyseure und Wasserstoff im Schichtbetrieb.", **common)
    login_as(company_user(company))
    body = client.get(f"/matches/offers/{offer.id}/graduates").get_data(as_text=True)
    assert body.index(expert.pseudonym) < body.index(plain.pseudonym)
    # The page's order is the engine's order over whole profile documents.
    matcher = index.get_matcher()
    ranked = [m.id for m in matcher.rank(index.offer_document(offer), "profiles", k=10,
                                         allowed={plain.id, expert.id})]
    assert ranked == [expert.id, plain.id]
    chips = _reasons_after(body, expert.pseudonym)
    assert "Python" in chips and "in the skills" in chips  # the company's word and the card field
    for word in ("Elektrolyse", "Wasserstoff", "Schichtbetrieb"):
        assert word not in chips, word


def test_staff_still_see_reasons_from_the_whole_profile(client, make_user, make_offer, make_profile, login_as):
    offer = make_offer(title="Ingenieur Elektrolyse (m/w/d)", required_skills=["Python"],
                       description="Betrieb von Elektrolyseuren.")
    profile = make_profile(skills=["Python"], visible_to_companies=True, wanted_kinds=[],
                           cv_text="Erfahrung mit Elektrolyseuren.")
    login_as(make_user(Role.staff))
    body = client.get(f"/matches/offers/{offer.id}/graduates").get_data(as_text=True)
    assert "Elektrolyseur" in _reasons_after(body, profile.pseudonym)


def test_a_crafted_offer_cannot_find_a_graduate_by_personal_data(
        client, make_user, make_company, make_offer, make_profile, login_as, company_user):
    """Name, address, postal code and phone from the CV are no features: an offer made of them
    does not rank the graduate at all."""
    graduate = make_user(Role.graduate, email="hannah.franke@mailbox.example")
    profile = make_profile(user=graduate, name="Hannah Franke", skills=["Schweißen"], headline="Schweißerin",
                           visible_to_companies=True, wanted_kinds=[], study_programme="",
                           about="Ich bin Hannah, erreichbar unter 0355 691234.",
                           cv_text="Hannah Franke, hannah.franke@mailbox.example, Spremberger Strasse 12, 03130 "
                                   "Spremberg")
    company = make_company()
    offer = make_offer(company=company, title="Hannah Franke", required_skills=["Hanna", "Franke"],
                       description="Hannah Hanna Franke Frank mailbox Spremberger Strasse 12 03130 0355 691234")
    login_as(company_user(company))
    body = client.get(f"/matches/offers/{offer.id}/graduates?all=1").get_data(as_text=True)
    assert profile.pseudonym not in body
    assert "Hannah" not in index.profile_document(profile).text


def _ended_by_company_decline(client, login_as, offer, profile, company, company_user):
    login_as(profile.user)
    assert client.post(f"/introductions/offers/{offer.id}/interest").status_code == 302
    intro = Introduction.query.order_by(Introduction.id.desc()).first()
    login_as(company_user(company))
    assert client.post(f"/introductions/{intro.id}/decline", data={"reason": ""}).status_code == 302
    return intro.id


def test_an_ended_introduction_shows_the_card_as_it_was(client, db, make_company, make_offer, make_profile,
                                                        login_as, company_user):
    company = make_company()
    offer = make_offer(company=company, required_skills=["Python"])
    profile = make_profile(skills=["Python", "Kältetechnik"], visible_to_companies=True, wanted_kinds=[])
    intro_id = _ended_by_company_decline(client, login_as, offer, profile, company, company_user)
    # Later the graduate changes the profile: the company keeps seeing the card of the day it ended.
    login_as(profile.user)
    profile = db.session.merge(profile)
    profile.skills = ["Python", "Hochspannungstechnik"]
    db.session.commit()
    login_as(company_user(company))
    body = client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert "Kältetechnik" in body and "Hochspannungstechnik" not in body
    assert "You see the card as it was then." in body
    assert "Python" in REASONS.findall(body)[0]


def test_an_ended_introduction_shows_nothing_after_consent_was_revoked(
        client, db, make_company, make_offer, make_profile, login_as, company_user):
    company = make_company()
    offer = make_offer(company=company, required_skills=["Python"])
    profile = make_profile(skills=["Python", "Kältetechnik"], visible_to_companies=True, wanted_kinds=[])
    intro_id = _ended_by_company_decline(client, login_as, offer, profile, company, company_user)
    login_as(company_user(company))
    assert "Kältetechnik" in client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    login_as(profile.user)
    assert client.post("/me/visibility", data={"visible": "0"}).status_code == 302
    assert not db.session.get(type(profile), profile.id).visible_to_companies
    login_as(company_user(company))
    body = client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert "Kältetechnik" not in body and profile.pseudonym not in body
    assert "their card is no longer shown" in body
