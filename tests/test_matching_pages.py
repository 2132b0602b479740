"""The matching pages take their candidates' conditions from SQL and load only the rows of the page shown."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from helpers import PASSWORD
from sqlalchemy import event

from matchmaker.graduates.queries import findable_profiles
from matchmaker.matching import index
from matchmaker.models import Degree, GraduateProfile, Offer, OfferKind, Role
from matchmaker.offers.queries import public_offers

TODAY = date.today()
TOPICS = [("Python developer", ["python", "data"]), ("Wasserstoff Elektrolyse", ["Elektrolyse", "Wasserstoff"]),
          ("SPS Automatisierung", ["SPS", "Automatisierungstechnik"]), ("Labor Chemie", ["chemistry", "laboratory"])]


def _varied_world(make_offer, make_profile):
    kinds = [OfferKind.job, OfferKind.internship, OfferKind.thesis, OfferKind.working_student]
    germans = [None, "B1", "C1", "native"]
    degrees = [None, Degree.bachelor, Degree.master, Degree.phd]
    starts = [(None, None), (TODAY + timedelta(days=10), None), (TODAY + timedelta(days=200), None),
              (TODAY + timedelta(days=5), TODAY + timedelta(days=400))]
    offers = []
    for i, (kind, german, degree, (start, end)) in enumerate(itertools.product(kinds, germans, degrees, starts[:2])):
        title, skills = TOPICS[i % len(TOPICS)]
        if i % 5 == 0:
            start, end = starts[2 + (i // 5) % 2]
        offers.append(make_offer(kind=kind, title=f"{title} {i}", required_skills=skills, min_german_level=german,
                                 degree=degree, start_date=start, end_date=end,
                                 description=f"Wir arbeiten mit {skills[0]}."))
    profiles = []
    wanted = [[], ["job"], ["internship", "thesis"], ["working_student", "job"]]
    levels = [[], [{"language": "de", "level": "B1"}], [{"language": "de", "level": "C2"}],
              [{"language": "de", "level": "native"}]]
    for i, (kinds_wanted, langs, degree) in enumerate(itertools.product(wanted, levels, [None, Degree.bachelor,
                                                                                          Degree.master])):
        title, skills = TOPICS[i % len(TOPICS)]
        profiles.append(make_profile(headline=title, skills=skills, wanted_kinds=kinds_wanted, languages=langs,
                                     degree=degree, visible_to_companies=i % 7 != 3,
                                     earliest_start=TODAY + timedelta(days=(i % 3) * 150) if i % 2 else None))
    return offers, profiles


def _old(items, attr):
    return [(getattr(r, attr).id, round(r.match.score, 6), r.match.label, [(c.name, c.held) for c in r.conditions])
            for r in items]


@pytest.mark.parametrize("strict", [True, False])
def test_sql_conditions_rank_as_the_python_checks(app, db, make_offer, make_profile, strict):
    offers, profiles = _varied_world(make_offer, make_profile)
    public = list(db.session.scalars(public_offers()).unique())
    findable = list(db.session.scalars(findable_profiles()))
    assert len(public) == len(offers) and 0 < len(findable) < len(profiles)
    compared = 0
    for profile in profiles:
        old = _old(index.offers_for_profile(profile, public, strict=strict, k=200), "offer")
        new = _old(index.rank_page(profile, "offers", public_offers(), strict=strict, k=200)[:], "offer")
        assert new == old
        compared += len(old)
    for offer in offers:
        old = _old(index.profiles_for_offer(offer, findable, strict=strict, k=200), "profile")
        new = _old(index.rank_page(offer, "profiles", findable_profiles(), strict=strict, k=200)[:], "profile")
        assert new == old
        compared += len(old)
    assert compared > 100, "the world has fits to compare"
    if strict:  # some candidates were held back by their conditions, some were not
        everyone = sum(len(index.rank_page(o, "profiles", findable_profiles(), strict=False)) for o in offers)
        assert 0 < compared < everyone


def _count_loads(model):
    loaded = []
    listener = lambda target, _context: loaded.append(target.id)  # noqa: E731
    event.listen(model, "load", listener)
    return loaded, lambda: event.remove(model, "load", listener)


def _login(client, user):
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_graduates_who_fit_loads_only_the_page(make_app, db, make_offer, make_profile, make_company, company_user):
    app = make_app(PAGE_SIZE=5)
    client = app.test_client()
    company = make_company()
    offer = make_offer(company=company, title="Python developer", required_skills=["python"])
    for i in range(30):
        make_profile(headline=f"Python developer {i}", skills=["python", f"skill{i}"], wanted_kinds=[],
                     visible_to_companies=True)
    index.get_matcher()  # built before: a build reads every row, a page must not
    _login(client, company_user(company))
    loaded, stop = _count_loads(GraduateProfile)
    try:
        response = client.get(f"/matches/offers/{offer.id}/graduates")
    finally:
        stop()
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("<div class=\"fit\">") == 5
    assert 0 < len(set(loaded)) <= 5, loaded


def test_offers_that_fit_you_loads_only_the_page(make_app, db, make_offer, make_profile, make_user):
    app = make_app(PAGE_SIZE=5)
    client = app.test_client()
    user = make_user(Role.graduate)
    make_profile(user=user, headline="Python developer", skills=["python"], wanted_kinds=[])
    for i in range(30):
        make_offer(title=f"Python developer {i}", required_skills=["python", f"tool{i}"])
    index.get_matcher()
    _login(client, user)
    loaded, stop = _count_loads(Offer)
    try:
        response = client.get("/matches/offers")
    finally:
        stop()
    assert response.status_code == 200 and "Python developer" in response.get_data(as_text=True)
    assert 0 < len(set(loaded)) <= 5, loaded
