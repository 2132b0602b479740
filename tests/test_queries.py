"""Queries per feature: views do not query, and "public offer", "findable profile" and the offer's
German and degree conditions are each defined once, as SQL and as a Python check that agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matchmaker.graduates.queries import findable_profiles, is_findable
from matchmaker.models import CEFR_LEVELS, LANGUAGE_LEVELS, Degree, Offer, Role
from matchmaker.requirements import degree_clause, degree_enough, german_clause, german_enough

PACKAGE = Path(__file__).resolve().parent.parent / "matchmaker"
QUERY = re.compile(r"\b(?:db|sa)\.select\(|db\.session\.(?:scalars?|execute|get)\(")


@pytest.mark.parametrize("feature", ["admin", "brokering", "main", "companies", "privacy", "api", "tokens"])
def test_views_do_not_query(feature):
    source = (PACKAGE / feature / "views.py").read_text(encoding="utf-8")
    assert QUERY.findall(source) == []


def test_privacy_reads_only_and_is_named_so():
    assert not (PACKAGE / "privacy" / "operations.py").exists()
    assert (PACKAGE / "privacy" / "queries.py").exists()


def test_findable_in_sql_and_in_python_agree(app, db, make_profile, make_user):
    from matchmaker.matching import index

    assert index.findable_profiles_query is findable_profiles
    profiles = [make_profile(user=make_user(Role.graduate, active=active), visible_to_companies=visible)
                for visible in (True, False) for active in (True, False)]
    found = {profile.id for profile in db.session.scalars(findable_profiles())}
    assert found == {profile.id for profile in profiles if is_findable(profile)}
    assert len(found) == 1


def test_the_offer_list_and_the_matcher_agree_on_german_and_degree(app, db, make_offer):
    company = make_offer().company
    offers = [make_offer(company=company, min_german_level=level) for level in (None, "", *CEFR_LEVELS)]
    offers += [make_offer(company=company, degree=degree) for degree in Degree]
    ids = [offer.id for offer in offers]
    for held in (None, *LANGUAGE_LEVELS):
        listed = set(db.session.scalars(db.select(Offer.id).where(Offer.id.in_(ids), german_clause(held))))
        assert listed == {o.id for o in offers if german_enough(o.min_german_level, held)}, held
    for held in (None, *Degree):
        listed = set(db.session.scalars(db.select(Offer.id).where(Offer.id.in_(ids), degree_clause(held))))
        assert listed == {o.id for o in offers if degree_enough(o.degree, held)}, held


def test_the_dashboard_counts_the_offers_the_public_sees(client, db, make_company, make_offer, make_user,
                                                           login_as):
    make_offer(company=make_company(verified=False))  # published, but its company is not verified
    make_offer()
    login_as(make_user(Role.staff))
    page = client.get("/staff/")
    assert page.status_code == 200, page.status_code
    assert "<strong>1</strong> published offers" in page.get_data(as_text=True)
