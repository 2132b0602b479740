"""The matching pages take their candidates' conditions from SQL and load only the rows of the page shown."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from helpers import PASSWORD
from sqlalchemy import event

from matchmaker.graduates.queries import findable_profiles
from matchmaker.matching import index
from matchmaker.matching.documents import fit_labels
from matchmaker.models import Degree, GraduateProfile, Offer, OfferKind, Role
from matchmaker.offers.queries import public_offers
from matchmaker.requirements import CONDITIONS, DEGREE_RANK, cefr_rank
from matchmaker.research.queries import UNIT_OFFER_KINDS, verified_units

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


def _near_misses_from_rows(profile, offers, held, strict, k):
    """What "Offers that fit you" shows, worked out the plain way: every candidate's row ranked, its
    conditions checked in Python; the hidden counts from the offers failing one condition alone."""
    every = index.offers_for_profile(profile, offers, strict=False, k=len(offers) + 1, held=held)
    failed = {item.offer.id: [c.name for c in item.conditions if not c.held] for item in every}
    alone = {name: [item.offer for item in every if failed[item.offer.id] == [name]] for name in CONDITIONS}
    hidden = []
    for name in CONDITIONS:
        if not alone[name]:
            continue
        group = index.Hidden(name, len(alone[name]))
        asked = {"german": ([o.min_german_level for o in alone[name]], cefr_rank),
                 "degree": ([o.degree for o in alone[name]], DEGREE_RANK.get)}.get(name)
        if asked:
            group.needs, group.or_higher = min(asked[0], key=asked[1]), len(set(asked[0])) > 1
        hidden.append(group)
    several = sum(1 for names in failed.values() if len(names) > 1)
    if several:
        hidden.append(index.Hidden("several", several))
    shown = every if not strict else [item for item in every if not failed[item.offer.id]]
    labels = [item.match.label for item in every] if not strict else fit_labels(
        [item.match.score for item in shown[:k]])
    listed = [(item.offer.id, round(item.match.score, 6), label, [(c.name, c.held) for c in item.conditions])
              for item, label in zip(shown[:k], labels)]
    return listed, hidden


@pytest.mark.parametrize("strict", [True, False])
def test_offers_that_fit_you_list_and_hidden_counts_are_those_of_every_row_checked(app, db, make_offer,
                                                                                  make_profile, strict):
    offers, profiles = _varied_world(make_offer, make_profile)
    no_theses = public_offers().where(Offer.kind != OfferKind.thesis)
    candidate_sets = [(public_offers(), list(db.session.scalars(public_offers()).unique())),
                      (no_theses, list(db.session.scalars(no_theses).unique()))]
    assert 0 < len(candidate_sets[1][1]) < len(candidate_sets[0][1]) == len(offers)
    seen_hidden, compared = set(), 0
    for profile, (select, rows), k in itertools.product(profiles[::3], candidate_sets, (200, 3)):
        for held in (index.Held.of(profile), index.Held.of(profile, skip=frozenset({"kind", "start"})),
                     index.Held(kinds=("job",), german="B1", degree=Degree.bachelor,
                                earliest_start=TODAY + timedelta(days=100)),
                     index.Held(german="C1", degree=Degree.master, skip=frozenset({"kind"}))):
            page, hidden = index.offers_with_near_misses(profile, select, held, strict=strict, k=k)
            expected_list, expected_hidden = _near_misses_from_rows(profile, rows, held, strict, k)
            assert _old(page[:], "offer") == expected_list
            assert hidden == expected_hidden
            seen_hidden.update(group.condition for group in hidden)
            compared += len(expected_list)
    assert compared > 100, "the world has fits to compare"
    assert seen_hidden == {*CONDITIONS, "several"}, "every condition hid some fits"


@pytest.mark.parametrize("strict", [True, False])
def test_with_many_fits_the_hidden_counts_come_from_the_best_and_the_strict_list_stays_full(
        app, db, make_offer, make_profile, strict):
    offers, profiles = _varied_world(make_offer, make_profile)
    rows = list(db.session.scalars(public_offers()).unique())
    compared, fewer = 0, 0
    for profile, k, pool in itertools.product(profiles[::5], (3, 200), (2, 5)):
        held = index.Held.of(profile)
        page, hidden = index.offers_with_near_misses(profile, public_offers(), held, strict=strict, k=k, pool=pool)
        full_list, full_hidden = _near_misses_from_rows(profile, rows, held, strict, k)
        # the list is the one every row gives, deepened until it is full (offers of equal score may
        # come in another order)
        assert [row[1] for row in _old(page[:], "offer")] == [row[1] for row in full_list]
        # what each condition hides is counted among the best fits looked at: never more than among all
        counted = {group.condition: group.count for group in hidden}
        for group in full_hidden:
            assert counted.get(group.condition, 0) <= group.count
        assert set(counted) <= {group.condition for group in full_hidden}
        fewer += sum(group.count for group in full_hidden) - sum(counted.values())
        compared += len(full_list)
    assert compared > 50, "the world has fits to compare"
    assert fewer > 0, "some fits lay beyond the best looked at"


def test_offers_that_fit_you_follows_a_change_of_an_offers_conditions(app, db, make_offer, make_profile):
    """The conditions' columns read for the list are kept by the process until the offer changes."""
    offers, profiles = _varied_world(make_offer, make_profile)
    profile = next(p for p in profiles if p.german_level == "B1" and p.degree == Degree.master)
    held = index.Held.of(profile)

    def compare():
        rows = list(db.session.scalars(public_offers()).unique())
        for strict in (True, False):
            page, hidden = index.offers_with_near_misses(profile, public_offers(), held, strict=strict, k=200)
            assert (_old(page[:], "offer"), hidden) == _near_misses_from_rows(profile, rows, held, strict, 200)
        return page

    listed = [item.offer for item in compare()[:] if not item.conditions or all(c.held for c in item.conditions)]
    changed = listed[0]
    changed.min_german_level, changed.degree = "C2", Degree.phd  # now fails two conditions
    db.session.commit()
    after = compare()
    assert {c.name for c in next(i for i in after[:] if i.offer.id == changed.id).conditions if not c.held} == \
        {"german", "degree"}


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
    statements = []
    listener = lambda _c, _cur, statement, *_args: statements.append(" ".join(statement.split()))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get("/matches/offers")
    finally:
        stop()
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200 and "Python developer" in response.get_data(as_text=True)
    assert 0 < len(set(loaded)) <= 5, loaded
    # The offers shown come with their companies, not with one query per company.
    assert [s for s in statements if "FROM company WHERE" in s] == []
    # The index's version is read once, though the page ranks and then explains.
    assert sum("FROM matcher_state" in s for s in statements) == 1


def test_a_change_made_in_the_request_is_ranked_in_the_same_request(app, db, make_offer, make_profile):
    profile = make_profile(headline="Python developer", skills=["python"], wanted_kinds=[])
    offer = make_offer(title="Lagerist", required_skills=["Stapler"], description="Lager und Versand.")
    with app.test_request_context("/matches/offers"):
        assert offer.id not in [item.offer.id for item in index.rank_page(profile, "offers", public_offers())[:]]
        offer.title, offer.required_skills = "Python developer", ["python"]
        db.session.flush()
        assert offer.id in [item.offer.id for item in index.rank_page(profile, "offers", public_offers())[:]]


def test_the_api_rankings_and_the_company_dashboard_load_only_what_they_show(make_app, db, make_offer, make_profile,
                                                                             make_company, company_user, make_user,
                                                                             make_token):
    app = make_app(PAGE_SIZE=5)
    client = app.test_client()
    company = make_company()
    offer = make_offer(company=company, title="Python developer", required_skills=["python"])
    for i in range(30):
        make_profile(headline=f"Python developer {i}", skills=["python", f"skill{i}"], wanted_kinds=[],
                     visible_to_companies=True)
        make_offer(title=f"Python developer {i}", required_skills=["python", f"tool{i}"])
    graduate = make_user(Role.graduate)
    make_profile(user=graduate, headline="Python developer", skills=["python"], wanted_kinds=[])
    member = company_user(company)
    _, company_secret = make_token(member)
    _, graduate_secret = make_token(graduate)
    index.get_matcher()
    profiles, stop_profiles = _count_loads(GraduateProfile)
    try:
        fits = client.get(f"/api/v1/my/offers/{offer.id}/graduates?limit=5",
                          headers={"Authorization": f"Bearer {company_secret}"})
        assert fits.status_code == 200 and len(fits.get_json()["items"]) == 5
        assert 0 < len(set(profiles)) <= 5, profiles
        profiles.clear()
        _login(client, member)
        dashboard = client.get("/companies/mine")
        assert dashboard.status_code == 200 and "30 graduates fit" in dashboard.get_data(as_text=True)
        assert len(set(profiles)) == 0, profiles  # the fit counts come from ids
    finally:
        stop_profiles()
    offers, stop_offers = _count_loads(Offer)
    try:
        mine = client.get("/api/v1/my/matches?limit=5", headers={"Authorization": f"Bearer {graduate_secret}"})
    finally:
        stop_offers()
    assert mine.status_code == 200 and len(mine.get_json()["items"]) == 5
    assert 0 < len(set(offers)) <= 5, offers


def test_the_public_search_loads_only_the_page_and_finds_by_words_and_by_company(make_app, db, make_offer,
                                                                                  make_company):
    app = make_app(PAGE_SIZE=5)
    client = app.test_client()
    named = make_company(name="Zapfenstreich Logistik GmbH")
    for i in range(30):
        make_offer(title=f"Ingenieur Elektrolyse {i}", required_skills=["Wasserstoff", f"Anlage{i}"])
    own = make_offer(company=named, title="Kaufmännische Assistenz", required_skills=["Buchhaltung"])
    index.get_matcher()
    loaded, stop = _count_loads(Offer)
    try:
        first = client.get("/offers/?q=hydrogen")
        last = client.get("/offers/?q=hydrogen&page=7")
    finally:
        stop()
    assert first.status_code == 200 and last.status_code == 200
    assert first.get_data(as_text=True).count("Ingenieur Elektrolyse") == 5
    assert "Kaufmännische Assistenz" not in first.get_data(as_text=True)
    assert 0 < len(set(loaded)) <= 10, loaded
    # the company's name, after the offers the words find
    page = client.get("/offers/?q=zapfenstreich").get_data(as_text=True)
    assert f'href="/offers/{own.id}"' in page


# ---- the staff's matching board ---------------------------------------------------------------

def _board_the_old_way(offers, profiles, exclude, per_offer=5):
    """The board as it was made before: every offer and profile loaded, the conditions checked in Python."""
    pairs = []
    for offer in offers:
        candidates = [p for p in profiles if (offer.id, p.id) not in exclude]
        for ranked in index.profiles_for_offer(offer, candidates, strict=True, k=per_offer):
            pairs.append((offer.id, ranked.profile.id, ranked.match))
    pairs.sort(key=lambda pair: pair[2].score, reverse=True)
    return [(o, p, round(m.score, 6), m.label) for o, p, m in pairs]


def _unit_pairs_the_old_way(offers, units, exclude, per_offer=3, limit=20):
    pairs = []
    for offer in offers:
        if offer.kind not in UNIT_OFFER_KINDS:
            continue
        for ranked in index.units_for_offer(offer, [u for u in units if (offer.id, u.id) not in exclude],
                                            k=per_offer):
            pairs.append((offer.id, ranked.unit.id, ranked.match))
    pairs.sort(key=lambda pair: pair[2].score, reverse=True)
    return [(o, u, round(m.score, 6), m.label) for o, u, m in pairs[:limit]]


def _as_tuples(pairs, attr):
    return [(pair.offer.id, getattr(pair, attr).id, round(pair.match.score, 6), pair.match.label) for pair in pairs]


def test_board_pairs_from_sql_are_the_pairs_of_the_python_checks(app, db, make_offer, make_profile, make_unit):
    offers, profiles = _varied_world(make_offer, make_profile)
    for i, profile in enumerate(profiles):
        profile.study_programme = ["Wirtschaftsingenieurwesen", "Maschinenbau"][i % 2]
    for i, (title, skills) in enumerate(TOPICS):
        make_offer(kind=OfferKind.research_project, title=f"Forschungsfrage {title}", required_skills=skills)
        make_unit(topics=", ".join(skills), expertise=f"{title} und {skills[1]}.", name=f"Lehrstuhl {title}")
    db.session.commit()
    public = list(db.session.scalars(public_offers()).unique())
    findable = list(db.session.scalars(findable_profiles()))
    units = list(db.session.scalars(verified_units()))
    first = index.best_pairs(public_offers(), findable_profiles())[:]
    # a few pairs have an open introduction: the board leaves them out, and the next best come up
    exclude = {(pair.offer.id, pair.profile.id) for pair in first[:7:2]}
    worlds = [
        (public_offers(), public, findable_profiles(), findable),
        (public_offers().where(Offer.kind == OfferKind.job), [o for o in public if o.kind == OfferKind.job],
         findable_profiles(), findable),
        (public_offers(), public, findable_profiles().where(GraduateProfile.study_programme == "Maschinenbau"),
         [p for p in findable if p.study_programme == "Maschinenbau"]),
    ]
    compared = 0
    for offers_select, offer_rows, profiles_select, profile_rows in worlds:
        for excluded in (set(), exclude):
            old = _board_the_old_way(offer_rows, profile_rows, excluded)
            assert _as_tuples(index.best_pairs(offers_select, profiles_select, exclude=excluded)[:], "profile") == old
            compared += len(old)
    assert compared > 300, "the world has pairs to compare"
    assert not {(o, p) for o, p, *_ in _board_the_old_way(public, findable, exclude)} & exclude
    unit_exclude = {(o, u) for o, u, *_ in _unit_pairs_the_old_way(public, units, set())[:2]}
    for excluded in (set(), unit_exclude):
        old = _unit_pairs_the_old_way(public, units, excluded)
        assert old and _as_tuples(index.best_unit_pairs(public_offers(), verified_units(), exclude=excluded),
                                  "unit") == old


def test_the_board_loads_only_the_page(make_app, db, make_offer, make_profile, make_user):
    app = make_app(PAGE_SIZE=5)
    client = app.test_client()
    for i in range(6):
        make_offer(title=f"Python developer {i}", required_skills=["python", f"tool{i}"], start_date=None)
    for i in range(30):
        make_profile(headline=f"Python developer {i}", skills=["python", f"skill{i}"], wanted_kinds=[],
                     visible_to_companies=True)
    index.get_matcher()  # built before: a build reads every row, a page must not
    _login(client, make_user(Role.staff))
    profiles, stop_profiles = _count_loads(GraduateProfile)
    offers, stop_offers = _count_loads(Offer)
    try:
        response = client.get("/matches/board?page=2")
    finally:
        stop_profiles()
        stop_offers()
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.count('class="button small propose"') == 5
    assert 0 < len(set(profiles)) <= 5, profiles
    assert 0 < len(set(offers)) <= 5, offers
