"""The matcher through the app: offers for a graduate, graduates for an offer, the staff board."""

import html
import re
from datetime import date, timedelta

import pytest

from matchmaker.matching import index
from matchmaker.matching.bridge import resolve_path
from matchmaker.models import Degree, OfferKind, Role

needs_dictionary = pytest.mark.skipif(resolve_path() is None,
                                      reason="German-English dictionary (Debian trans-de-en) not installed")


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_graduate_sees_fitting_offers_ranked_with_reasons(client, make_profile, make_offer, login_as):
    profile = make_profile(headline="Python developer", skills=["Python", "SQL", "data analysis"],
                           wanted_kinds=[])
    make_offer(title="Data Analyst (m/w/d)", required_skills=["Python", "SQL"],
               description="Datenanalyse mit Python und SQL für unsere Produktion.")
    make_offer(title="Schweißer (m/w/d)", required_skills=["WIG-Schweißen"],
               description="Schweißarbeiten an Rohrleitungen.")
    login_as(profile.user)
    body = _page(client, "/matches/offers")
    assert "Data Analyst" in body
    assert "Schweißer" not in body  # nothing in common, so not ranked at all
    assert "Python" in body.split("Data Analyst", 1)[1]  # a reason names a shared term
    assert "Best fit first." in body  # the order is explained above the list


@needs_dictionary
def test_english_profile_finds_german_offer_over_unrelated_one(client, make_profile, make_offer, login_as):
    profile = make_profile(headline="Automation engineer", skills=["automation", "control engineering", "electrical engineering"],
                           wanted_kinds=[])
    make_offer(title="Ingenieur Automatisierungstechnik (m/w/d)", required_skills=["Steuerungstechnik", "Elektrotechnik"],
               description="Sie planen die Automatisierung unserer Anlagen.")
    make_offer(title="Buchhalter (m/w/d)", required_skills=["Buchhaltung", "Steuern"],
               description="Sie erstellen Abschlüsse und betreuen die Kreditoren.")
    login_as(profile.user)
    body = _page(client, "/matches/offers")
    assert "Automatisierungstechnik" in body
    auto = body.find("Automatisierungstechnik")
    other = body.find("Buchhalter")
    assert other == -1 or auto < other


@needs_dictionary
def test_labels_spread_over_a_realistic_ranked_list(app, client, make_profile, make_offer, login_as):
    """Hand-written offers of the park for an international graduate: the best fits are called good,
    not every one "partial fit" as the fixed thresholds did, and the page says what a label means."""
    profile = make_profile(headline="MSc Power Engineering", wanted_kinds=[],
                           skills=["hydrogen", "electrolysis", "power plants", "Python", "German B1"],
                           about="I want to work on green hydrogen and the energy transition in Lusatia.")
    titles = [
        ("Verfahrensingenieur Elektrolyse (m/w/d)", ["Elektrolyse", "Wasserstoff"],
         "Sie betreiben unsere PEM-Elektrolyseanlage zur Erzeugung von grünem Wasserstoff."),
        ("Ingenieur Kraftwerkstechnik (m/w/d)", ["Kraftwerkstechnik", "Energietechnik"],
         "Betrieb und Optimierung unseres Gas- und Dampfkraftwerks, Umstellung auf Wasserstoff."),
        ("Werkstudent Datenanalyse (m/w/d)", ["Python", "SQL"], "Auswertung von Produktionsdaten mit Python."),
        ("Elektroniker für Betriebstechnik (m/w/d)", ["Elektrotechnik", "Schaltanlagen"],
         "Wartung der elektrischen Anlagen im Kraftwerk."),
        ("Praktikum Energiemanagement", ["Energiemanagement", "Excel"], "Energiedaten erfassen und bewerten."),
        ("Chemielaborant (m/w/d)", ["Analytik", "Labor"], "Analysen von Wasser- und Gasproben."),
        ("Trainee Projektmanagement Anlagenbau", ["Projektmanagement"], "Projekte im Anlagenbau für die Energiewende."),
        ("Industriemechaniker (m/w/d)", ["Instandhaltung", "Pumpen"], "Instandhaltung von Pumpen und Verdichtern."),
        ("Mitarbeiter Arbeitssicherheit (m/w/d)", ["Arbeitsschutz"], "Gefährdungsbeurteilungen in der Produktion."),
        ("Sachbearbeiter Logistik (m/w/d)", ["SAP", "Logistik"], "Disposition und Versand, Energie sparen im Lager."),
    ]
    for title, skills, description in titles:
        make_offer(title=title, required_skills=skills, description=description)
    with app.test_request_context():
        ranked = index.offers_for_profile(profile, list(index.db.session.scalars(index.sa.select(index.Offer))))
    assert len(ranked) >= 5, [r.offer.title for r in ranked]
    labels = [r.match.label for r in ranked]
    assert labels[0] in ("good", "very_good") and "partial" in labels
    good = sum(1 for label in labels if label != "partial")
    assert good == max(1, -(-len(labels) // 5))  # the best fifth
    assert labels == sorted(labels, key=["very_good", "good", "partial"].index)  # never better lower down
    login_as(profile.user)
    body = _page(client, "/matches/offers")
    assert "good fit" in body and "among the best fifth of the offers that fit your profile" in body


@needs_dictionary
def test_words_typed_on_the_graduates_list_find_both_languages(client, make_profile, make_offer, login_as):
    profile = make_profile(headline="Process engineer", skills=["process engineering", "hydrogen"], wanted_kinds=[])
    make_offer(title="Verfahrensingenieur Wasserstoff (m/w/d)", required_skills=["Verfahrenstechnik"],
               description="Betrieb unserer Elektrolyseanlage.")
    make_offer(title="Process engineer (m/f/d)", required_skills=["process engineering"],
               description="Run our paper machines.", language="en")
    login_as(profile.user)
    body = _page(client, "/matches/offers?q=hydrogen")
    assert "Verfahrensingenieur Wasserstoff" in body and "Process engineer (m/f/d)" not in body
    body = _page(client, "/matches/offers")
    assert "Verfahrensingenieur Wasserstoff" in body and "Process engineer (m/f/d)" in body


def test_empty_profile_gets_fill_in_state_not_error(client, make_user, make_profile, make_offer, login_as):
    make_offer()
    user = make_user(Role.graduate)
    login_as(user)
    body = _page(client, "/matches/offers")
    assert 'class="empty"' in body and 'href="/me/profile"' in body
    make_profile(user=user, headline="", skills=[], about="", cv_text="")
    body = _page(client, "/matches/offers")
    assert 'class="empty"' in body


def test_new_offer_appears_after_it_is_published(client, make_profile, make_company, login_as, company_user):
    profile = make_profile(headline="Hydrogen engineer", skills=["electrolysis", "hydrogen"], wanted_kinds=[])
    login_as(profile.user)
    assert "Elektrolyse-Spezialist" not in _page(client, "/matches/offers")  # builds the index
    company = make_company()
    login_as(company_user(company))
    response = client.post("/offers/new", data={
        "kind": "job", "title": "Elektrolyse-Spezialist hydrogen", "description": "Electrolysis and hydrogen plant.",
        "required_skills": "electrolysis, hydrogen", "place": "Spremberg", "remote_share": "0", "language": "de",
        "start_date": (date.today() + timedelta(days=20)).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    offer_id = int(response.location.rstrip("/").split("/")[-1])
    assert client.post(f"/offers/{offer_id}/publish").status_code == 302
    login_as(profile.user)
    assert "Elektrolyse-Spezialist" in _page(client, "/matches/offers")


def test_hard_conditions_filter_and_near_misses_show_what_failed(client, make_profile, make_offer, login_as):
    profile = make_profile(headline="Process engineer", skills=["process engineering"],
                           wanted_kinds=[OfferKind.internship.value],
                           languages=[{"language": "de", "level": "A2"}])
    make_offer(title="Process engineering internship", kind=OfferKind.internship,
               required_skills=["process engineering"])
    make_offer(title="Process engineering job", kind=OfferKind.job, required_skills=["process engineering"])
    make_offer(title="Process engineering internship in German", kind=OfferKind.internship,
               required_skills=["process engineering"], min_german_level="C1")
    login_as(profile.user)
    strict = _page(client, "/matches/offers")
    assert "Process engineering internship" in strict
    assert "Process engineering job" not in strict
    assert "internship in German" not in strict
    relaxed = _page(client, "/matches/offers?all=1")
    assert "Process engineering job" in relaxed and "internship in German" in relaxed
    assert 'class="failed"' in relaxed


def test_company_sees_only_findable_graduates_and_consent_withdrawal_is_immediate(
        client, make_profile, make_offer, login_as, company_user):
    offer = make_offer(title="Verfahrensingenieur process engineering", required_skills=["process engineering"])
    visible = make_profile(name="Vera Visible", headline="Process engineering graduate",
                           skills=["process engineering"], visible_to_companies=True, wanted_kinds=[])
    hidden = make_profile(name="Hannes Hidden", headline="Process engineering expert",
                          skills=["process engineering"], visible_to_companies=False, wanted_kinds=[])
    login_as(company_user(offer.company))
    body = _page(client, f"/matches/offers/{offer.id}/graduates")
    assert visible.pseudonym in body and hidden.pseudonym not in body
    assert "Vera" not in body and visible.user.email not in body  # pseudonymous card only

    login_as(visible.user)
    assert client.post("/me/visibility", data={"visible": "0"}).status_code == 302
    login_as(company_user(offer.company))
    body = _page(client, f"/matches/offers/{offer.id}/graduates")
    assert visible.pseudonym not in body


def test_deactivated_graduate_never_appears(client, db, make_profile, make_offer, login_as, company_user):
    offer = make_offer(required_skills=["process engineering"])
    profile = make_profile(skills=["process engineering"], visible_to_companies=True, wanted_kinds=[])
    profile.user.active = False
    db.session.commit()
    login_as(company_user(offer.company))
    assert profile.pseudonym not in _page(client, f"/matches/offers/{offer.id}/graduates")


def test_company_cannot_rank_for_another_companys_offer(client, make_offer, make_company, login_as, company_user):
    offer = make_offer()
    other = make_company()
    login_as(company_user(other))
    assert client.get(f"/matches/offers/{offer.id}/graduates").status_code == 404
    assert client.get("/matches/offers/999999/graduates").status_code == 404


def test_access_by_role(client, make_user, login_as):
    assert client.get("/matches/offers").status_code == 302
    assert client.get("/matches/board").status_code == 302
    login_as(make_user(Role.company))
    assert client.get("/matches/offers").status_code == 403
    assert client.get("/matches/board").status_code == 403
    login_as(make_user(Role.board))
    assert client.get("/matches/board").status_code == 403


def test_staff_board_lists_best_pairs_and_filters(client, make_user, make_profile, make_offer, login_as):
    offer = make_offer(title="Hydrogen plant operator", required_skills=["hydrogen", "electrolysis"])
    profile = make_profile(headline="Hydrogen engineer", skills=["hydrogen", "electrolysis"],
                           visible_to_companies=True, wanted_kinds=[], study_programme="Wasserstofftechnik")
    make_profile(headline="Hydrogen researcher", skills=["hydrogen"], visible_to_companies=False, wanted_kinds=[])
    login_as(make_user(Role.staff))
    body = _page(client, "/matches/board")
    assert offer.title in body and profile.pseudonym in body
    assert body.count("<tr>") == 2  # header + the one findable pair
    assert profile.pseudonym not in _page(client, "/matches/board?kind=thesis")
    assert profile.pseudonym in _page(client, "/matches/board?study=Wasserstofftechnik")
    assert _page(client, "/matches/board?kind=nonsense&sector=%3Cscript%3E&study=x&page=abc")


def test_index_follows_changes_by_version_without_rebuilding(app, db, make_profile, make_offer):
    profile = make_profile(skills=["python"], wanted_kinds=[])
    make_offer(title="Python developer", required_skills=["python"])
    idx = index.get_index()
    matcher = index.get_matcher()
    assert idx.builds == 1 and len(matcher.ids("offers")) == 1
    version = index.current_version()
    second = make_offer(title="Python data engineer", required_skills=["python", "data"])
    assert index.current_version() > version
    matcher = index.get_matcher()
    assert idx.builds == 1 and idx.updates == 1
    assert second.id in matcher.ids("offers")
    ranked = index.offers_for_profile(profile, [second], strict=False)
    assert [r.offer.id for r in ranked] == [second.id]
    db.session.delete(second)
    db.session.commit()
    assert second.id not in index.get_matcher().ids("offers")


def test_a_side_registered_once_is_built_synced_and_ranked(app, db, make_profile, make_offer, monkeypatch):
    """A further kind of matched document is one `SideSpec`: here companies' research questions (offers
    of that kind) ranked for graduates, beside the offers and profiles, without any code of its own."""
    import sqlalchemy as sa

    from matchmaker.models import Offer, OfferStatus

    monkeypatch.setattr(index, "SIDES", dict(index.SIDES))
    monkeypatch.setattr(index, "PAIRS", list(index.PAIRS))
    index.register_side(index.SideSpec(
        name="questions", model=Offer, document=index.offer_document,
        live_rows=lambda: sa.select(Offer.id, Offer.updated_at).where(
            Offer.status == OfferStatus.published, Offer.kind == OfferKind.research_project),
        item="offer", ranked=index.RankedOffer,
        conditions=lambda profile, offer: index.conditions(profile, offer),
    ), matched_with=("profiles",))
    index.forget_indexes()
    profile = make_profile(headline="Elektrochemikerin", skills=["Elektrolyse", "Wasserstoff"], wanted_kinds=[])
    question = make_offer(kind=OfferKind.research_project, title="Forschungsfrage Elektrolyse",
                          required_skills=["Elektrolyse"], description="Wasserstoff aus Elektrolyse.")
    job = make_offer(title="Elektrolyse-Anlagenfahrer", required_skills=["Elektrolyse"])
    matcher = index.get_matcher()
    assert index.get_index().builds == 1
    assert matcher.ids("questions") == [question.id]
    assert sorted(matcher.ids("offers")) == sorted([question.id, job.id])
    ranked = index.rank_for(profile, "questions", [question, job], strict=False)
    assert [item.offer.id for item in ranked] == [question.id]  # the job is no research question
    index.explain(profile, "questions", ranked)
    assert "Elektrolyse" in {r.query_term for r in ranked[0].match.reasons}
    # the pages' pair still works beside it: offers for the profile, profiles for the offer
    assert {item.offer.id for item in index.offers_for_profile(profile, [question, job], strict=False)} == {question.id, job.id}
    # a change is followed like any other
    second = make_offer(kind=OfferKind.research_project, title="Forschungsfrage Wasserstoffspeicher",
                        required_skills=["Wasserstoff"])
    assert second.id in index.get_matcher().ids("questions")
    assert index.get_index().builds == 1 and index.get_index().updates == 1


# ---- the strict list says what it hides -------------------------------------------------------------

def _ranked_titles(body: str) -> list[str]:
    if '<ol class="ranked">' not in body:
        return []
    listed = body.split('<ol class="ranked">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<h3><a href="/offers/\d+">([^<]+)</a></h3>', listed)


def _hidden(body: str) -> dict[str, tuple[str, str]]:
    """condition -> (link text, href) of the notes on what the strict list hides."""
    if 'id="hidden-offers"' not in body:
        return {}
    notes = body.split('id="hidden-offers"', 1)[1].split("</div>", 1)[0]
    return {name: (text, html.unescape(href)) for name, href, text in
            re.findall(r'<li id="hidden-(\w+)"><a href="([^"]+)">([^<]+)</a></li>', notes)}


@pytest.fixture
def b1_graduate(make_profile, make_offer):
    """A Master with German B1 who looks for jobs from in three weeks, and offers that fit their words:
    two meet every condition, the others fail one condition (or two)."""
    today = date.today()
    profile = make_profile(headline="Process engineer", skills=["process engineering"], degree=Degree.master,
                           wanted_kinds=[OfferKind.job.value], earliest_start=today + timedelta(days=21),
                           languages=[{"language": "de", "level": "B1"}, {"language": "en", "level": "C1"}])

    def offer(title, **fields):
        return make_offer(title=title, required_skills=["process engineering"], **fields)

    offer("Process engineering job")
    offer("Process engineering job in English", min_german_level="A2")
    for n, level in enumerate(("B2", "B2", "C1")):
        offer(f"Process engineering job German {level} {n}", min_german_level=level)
    offer("Process engineering doctoral post 1", degree=Degree.phd)
    offer("Process engineering doctoral post 2", degree=Degree.phd)
    offer("Process engineering internship", kind=OfferKind.internship)
    offer("Process engineering short job", start_date=today + timedelta(days=5))
    offer("Process engineering doctoral post in German", degree=Degree.phd, min_german_level="C1")
    return profile


def test_the_strict_list_says_how_many_offers_each_condition_hides(client, login_as, b1_graduate):
    login_as(b1_graduate.user)
    body = _page(client, "/matches/offers")
    assert sorted(_ranked_titles(body)) == ["Process engineering job", "Process engineering job in English"]
    hidden = _hidden(body)
    assert hidden["german"][0] == "3 more need German B2 or higher"
    assert hidden["degree"][0] == "2 more ask for the degree PhD"
    assert hidden["kind"][0] == "1 more is of a kind you do not look for"
    assert hidden["start"][0] == "1 more ends before you can start"
    assert hidden["several"][0] == "1 more fails more than one condition"

    # One click shows them: that condition set to "any", everything else as it was.
    shown = _page(client, hidden["german"][1])
    titles = _ranked_titles(shown)
    assert len(titles) == 5 and sum("German" in title for title in titles) == 3
    assert '<option selected value="">Any</option>' in shown.split('id="german"', 1)[1].split("</select>", 1)[0]
    assert "hidden-german" not in shown and "hidden-degree" in shown
    assert len(_ranked_titles(_page(client, hidden["degree"][1]))) == 4
    assert "Process engineering internship" in _ranked_titles(_page(client, hidden["kind"][1]))
    assert "Process engineering short job" in _ranked_titles(_page(client, hidden["start"][1]))
    several = _page(client, hidden["several"][1])
    assert "all=1" in hidden["several"][1] and len(_ranked_titles(several)) == 10


def test_the_links_keep_the_other_filters(client, login_as, b1_graduate):
    login_as(b1_graduate.user)
    body = _page(client, "/matches/offers?sector=energy&page=1&degree=")
    text, href = _hidden(body)["german"]
    assert "sector=energy" in href and "degree=" in href and "page=" not in href
    assert "degree" not in _hidden(body)  # the degree is not checked: nothing hidden by it
    assert len(_ranked_titles(_page(client, href))) == 8  # and the post that needs both


def test_the_condition_filters_start_at_the_graduates_own_values(client, login_as, b1_graduate):
    login_as(b1_graduate.user)
    body = _page(client, "/matches/offers")

    def selected(html_text, name):
        select = html_text.split(f'id="{name}"', 1)[1].split("</select>", 1)[0]
        return re.findall(r'<option selected value="([^"]*)"', select)

    assert selected(body, "german") == ["B1"]
    assert selected(body, "degree") == ["master"]
    assert selected(body, "kind") == ["mine"] and "The kinds you look for (Job)" in body
    assert selected(body, "start") == ["mine"]
    # "Any" stays a choice, and another level can be chosen: the conditions follow the fields.
    anything = _page(client, "/matches/offers?german=&degree=&kind=&start=")
    assert selected(anything, "german") == [""] and selected(anything, "degree") == [""]
    assert len(_ranked_titles(anything)) == 10 and "hidden-offers" not in anything
    c1 = _page(client, "/matches/offers?german=C1")
    assert len(_ranked_titles(c1)) == 5 and "hidden-german" not in c1
    # A value not understood counts as the graduate's own, with a message, never a 500.
    odd = client.get("/matches/offers?german=Z9&degree=nope&start=never")
    assert odd.status_code == 200
    assert sorted(_ranked_titles(odd.get_data(as_text=True))) == [
        "Process engineering job", "Process engineering job in English"]


def test_a_profile_without_a_degree_or_german_says_so_in_the_filters(client, login_as, make_profile, make_offer):
    profile = make_profile(headline="Process engineer", skills=["process engineering"], degree=None, languages=[],
                           wanted_kinds=[])
    make_offer(title="Process engineering job", required_skills=["process engineering"])
    make_offer(title="Process engineering job in German", required_skills=["process engineering"],
               min_german_level="A1")
    login_as(profile.user)
    body = _page(client, "/matches/offers")
    assert '<option selected value="none">No German</option>' in body
    assert '<option selected value="none">No degree yet</option>' in body
    assert 'id="start"' not in body  # no earliest start: no such condition
    assert _ranked_titles(body) == ["Process engineering job"]
    assert _hidden(body)["german"][0] == "1 more needs German A1"


def test_the_near_misses_page_on_instead_of_stopping(app, client, login_as, make_profile, make_offer):
    profile = make_profile(headline="Process engineer", skills=["process engineering"], wanted_kinds=[],
                           languages=[{"language": "de", "level": "A2"}])
    for n in range(app.config["PAGE_SIZE"] + 5):
        make_offer(title=f"Process engineering post {n:02d}", required_skills=["process engineering"],
                   min_german_level="C2")
    login_as(profile.user)
    strict = _page(client, "/matches/offers")
    assert _ranked_titles(strict) == [] and _hidden(strict)["german"][0] == "25 more need German C2"
    first = _page(client, "/matches/offers?all=1")
    assert len(_ranked_titles(first)) == app.config["PAGE_SIZE"] and "Page 1 of 2" in first
    second = _page(client, "/matches/offers?all=1&page=2")
    assert len(_ranked_titles(second)) == 5 and "Page 2 of 2" in second
    assert set(_ranked_titles(first)).isdisjoint(_ranked_titles(second))
    assert 'class="failed"' in second


def test_a_fit_speaks_the_readers_language_with_its_label_chips_and_conditions(client, make_profile, make_offer,
                                                                                 login_as):
    """The fixed words of a fit (label, chips' share of the score, the conditions) follow the page's language,
    German and English in turn in one process."""
    profile = make_profile(headline="Automation engineer", skills=["automation", "Python"], wanted_kinds=[],
                           german_level="A2")
    make_offer(title="Automation engineer (m/f/d)", required_skills=["automation", "Python"],
               description="Automation of our plants with Python.", language="en", min_german_level="C1")
    login_as(profile.user)
    for lang, label, share, condition, failed in (
            ("en", "fit</span>", "% of the score", "German level", "does not fit"),
            ("de", "passt", "% der Bewertung", "Deutschniveau", "passt nicht"),
            ("en", "fit</span>", "% of the score", "German level", "does not fit")):
        client.get(f"/lang/{lang}")
        body = html.unescape(_page(client, "/matches/offers?all=1"))
        assert "Automation engineer (m/f/d)" in body, lang
        assert label in body and re.search(r'title="\d+' + re.escape(share) + '"', body), lang
        assert f"✗ {condition} — {failed}" in body, lang
