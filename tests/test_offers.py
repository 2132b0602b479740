import re
from datetime import date, datetime, timedelta

import pytest
from helpers import followed

from matchmaker.matching.bridge import resolve_path

from matchmaker.models import Degree, Membership, Offer, OfferKind, OfferStatus, Role, Sector, utcnow

TODAY = date.today()

needs_dictionary = pytest.mark.skipif(resolve_path() is None,
                                      reason="German-English dictionary (Debian trans-de-en) not installed")


def offer_form(**overrides):
    data = {
        "kind": "internship", "title": "Praktikum Elektrolyse", "description": "Mitarbeit an der Wasserstoff-Pilotanlage.",
        "required_skills": "Python, Elektrolyse", "nice_skills": "SPS; Prozessführung",
        "fields_of_study": ["Wasserstofftechnik", "Verfahrenstechnik"], "fields_other": "Chemie",
        "degree": "bachelor", "min_german_level": "B2", "start_date": (TODAY + timedelta(days=30)).isoformat(),
        "duration_months": "6", "place": "Spremberg", "remote_share": "20", "language": "de",
        "end_date": (TODAY + timedelta(days=120)).isoformat(),
    }
    data.update(overrides)
    return data


def listed_titles(client, **params):
    response = client.get("/offers/", query_string=params)
    assert response.status_code == 200, params
    body = response.get_data(as_text=True)
    return body, response


def count_offers(db):
    return db.session.scalar(db.select(db.func.count(Offer.id)))


# ---- the public list ------------------------------------------------------------------------

def test_list_shows_only_published_unexpired_offers_of_verified_companies(client, db, make_company, make_offer):
    verified = make_company()
    make_offer(company=verified, title="Sichtbar Eins")
    make_offer(company=verified, title="Entwurf Zwei", published=False)
    make_offer(company=verified, title="Geschlossen Drei", published=False, status=OfferStatus.closed)
    old = make_offer(company=verified, title="Abgelaufen Vier")
    old.expires_at = utcnow() - timedelta(minutes=1)
    make_offer(company=make_company(verified=False), title="Unverifiziert Fuenf")
    db.session.commit()

    body, _ = listed_titles(client)
    assert "Sichtbar Eins" in body
    for hidden in ("Entwurf Zwei", "Geschlossen Drei", "Abgelaufen Vier", "Unverifiziert Fuenf"):
        assert hidden not in body


def test_search_is_case_insensitive_over_title_description_skills_and_company(client, make_company, make_offer):
    pumpe = make_company(name="Pumpenwerk Lausitz GmbH")
    make_offer(company=pumpe, title="Ingenieur Wasserstoff", description="Elektrolyse im Megawattmaßstab",
               required_skills=["Prozessführung", "SPS"], nice_skills=["SAP"])
    make_offer(title="Logistiker", description="Lager und Versand", required_skills=["Staplerschein"],
               nice_skills=["Über-Kopf-Arbeit"])

    def hits(q):
        body, _ = listed_titles(client, q=q)
        body = re.sub(r"</?mark>", "", body)
        return ("Ingenieur Wasserstoff" in body, "Logistiker" in body)

    assert hits("wasserstoff") == (True, False)          # title, other case
    assert hits("MEGAWATT") == (True, False)             # part of a compound in the description
    assert hits("prozessführung") == (True, False)       # required skill with an umlaut
    assert hits("Prozessfuehrung") == (True, False)      # and spelled without it
    assert hits("sap") == (True, False)                  # nice-to-have skill
    assert hits("pumpenwerk") == (True, False)           # company name
    assert hits("über-kopf") == (False, True)            # non-ASCII first letter, other case
    assert hits("wasserstoff sps") == (True, False)
    assert hits("%") == (False, False)                   # no word, no wildcard
    assert hits("_") == (False, False)
    assert hits("   ") == (True, True)                   # blank search lists everything
    # the words are ranked by how well they fit, not all required: both are listed, each for its word
    body, _ = listed_titles(client, q="wasserstoff staplerschein")
    body = re.sub(r"</?mark>", "", body)
    assert "Ingenieur Wasserstoff" in body and "Logistiker" in body


def _park_offers(make_company, make_offer):
    """Offers of the park in German and English, a few on hydrogen, the others not."""
    energie = make_company(name="Lausitzer Energie AG")
    make_offer(company=energie, title="Verfahrensingenieur Elektrolyse (m/w/d)", required_skills=["Elektrolyse"],
               description="Sie betreiben unsere PEM-Elektrolyseanlage zur Erzeugung von grünem Wasserstoff.")
    make_offer(title="Internship: Hydrogen safety", kind=OfferKind.internship, language="en",
               required_skills=["hydrogen", "risk assessment"],
               description="Help us assess the risks of our new hydrogen storage and electrolysis plant.")
    make_offer(title="Werkstudent Datenanalyse Wasserstoffproduktion (m/w/d)", kind=OfferKind.working_student,
               required_skills=["Python", "SQL"],
               description="Als Werkstudent werten Sie Messdaten unserer Wasserstoffproduktion aus.")
    make_offer(title="Working student: supply chain data", kind=OfferKind.working_student, language="en",
               required_skills=["Excel"], description="As a working student you analyse our supply chain data.")
    make_offer(title="Buchhalter (m/w/d)", required_skills=["Buchhaltung", "DATEV"],
               description="Sie erstellen Monatsabschlüsse und betreuen die Kreditoren.")
    make_offer(title="Staplerfahrer Lager (m/w/d)", required_skills=["Staplerschein"],
               description="Sie be- und entladen Lkw und halten das Lager in Ordnung.")


TITLES = ("Verfahrensingenieur Elektrolyse", "Internship: Hydrogen safety", "Werkstudent Datenanalyse Wasserstoffproduktion",
          "Working student: supply chain data", "Buchhalter", "Staplerfahrer Lager")


def _found(client, **params):
    body, _ = listed_titles(client, **params)
    plain = re.sub(r"</?mark>", "", body)
    return {t for t in TITLES if t in plain}


@needs_dictionary
def test_search_finds_the_same_offers_in_german_and_english(client, make_company, make_offer):
    _park_offers(make_company, make_offer)
    hydrogen = {"Verfahrensingenieur Elektrolyse", "Internship: Hydrogen safety",
                "Werkstudent Datenanalyse Wasserstoffproduktion"}
    assert _found(client, q="hydrogen") == hydrogen
    assert _found(client, q="Wasserstoff") == hydrogen
    electrolysis = {"Verfahrensingenieur Elektrolyse", "Internship: Hydrogen safety"}
    assert _found(client, q="electrolysis") == electrolysis
    assert _found(client, q="Elektrolyse") == electrolysis
    students = {"Werkstudent Datenanalyse Wasserstoffproduktion", "Working student: supply chain data"}
    assert _found(client, q="working student") == students
    assert _found(client, q="Werkstudent") == students
    assert _found(client, q="Kamera") == set()  # an unrelated word lists nothing


@needs_dictionary
def test_search_finds_a_compound_from_either_language(client, make_company, make_offer):
    """The demo's pipe designer says "Wasserstoff" only inside "Wasserstoffanlagen": the English word
    finds it through its translation as the German word does."""
    _park_offers(make_company, make_offer)
    make_offer(title="Konstrukteur Rohrleitungs- und Apparatebau (m/w/d)",
               required_skills=["CAD", "Rohrleitungsbau", "Konstruktion"],
               description="Sie konstruieren Rohrleitungen, Druckbehälter und Stahlbauteile für Projekte in "
                           "Kraftwerken und Wasserstoffanlagen. Sie erstellen 3D-Modelle und Isometrien.")
    for q in ("hydrogen", "Wasserstoff"):
        body, _ = listed_titles(client, q=q)
        assert "Konstrukteur Rohrleitungs- und Apparatebau" in re.sub(r"</?mark>", "", body), q
    assert _found(client, q="hydrogen") == _found(client, q="Wasserstoff")


@needs_dictionary
def test_search_ranks_by_relevance_and_keeps_the_facets(client, make_company, make_offer):
    _park_offers(make_company, make_offer)
    body, _ = listed_titles(client, q="hydrogen")
    plain = re.sub(r"</?mark>", "", body)
    assert plain.index("Internship: Hydrogen safety") < plain.index("Werkstudent Datenanalyse Wasserstoffproduktion")
    assert _found(client, q="hydrogen", kind="internship") == {"Internship: Hydrogen safety"}
    assert _found(client, q="Wasserstoff", kind="working_student") == {"Werkstudent Datenanalyse Wasserstoffproduktion"}
    assert _found(client, q="Wasserstoff", kind="thesis") == set()
    body, _ = listed_titles(client, q="Wasserstoff", kind="thesis")
    assert 'class="empty"' in body and "Clear all filters" in body
    assert _found(client, q="  ") == set(TITLES)  # an empty search lists every offer, newest first


@needs_dictionary
def test_search_marks_the_words_found_and_escapes_the_rest(client, make_offer):
    make_offer(title="Wasserstoff <script>alert(1)</script> Ingenieur", required_skills=["Elektrolyse & Co"],
               description="Sie <b>planen</b> Anlagen für grünen Wasserstoff und deren Betrieb.")
    body, _ = listed_titles(client, q="hydrogen")
    assert "<mark>Wasserstoff</mark> &lt;script&gt;alert(1)&lt;/script&gt; Ingenieur" in body
    assert "<script>alert(1)</script>" not in body and "<b>planen</b>" not in body
    assert "&lt;b&gt;planen&lt;/b&gt; Anlagen für grünen <mark>Wasserstoff</mark>" in body
    assert "Elektrolyse &amp; Co" in body


@needs_dictionary
def test_search_results_are_paginated(app, client, make_company, make_offer):
    company = make_company()
    size = app.config["PAGE_SIZE"]
    for n in range(size + 2):
        make_offer(company=company, title=f"Ingenieur Wasserstoff {n:03d}", description="Elektrolyse.")
    make_offer(company=company, title="Buchhalter (m/w/d)", required_skills=["Buchhaltung"])
    first, _ = listed_titles(client, q="hydrogen")
    second, _ = listed_titles(client, q="hydrogen", page=2)
    found = lambda body: set(re.findall(r"Wasserstoff</mark> (\d{3})", body))  # noqa: E731
    assert len(found(first)) == size and len(found(second)) == 2
    assert not found(first) & found(second)
    assert 'rel="next"' in first and "q=hydrogen" in first
    assert "Buchhalter" not in first + second
    assert f"{size + 2} offers" in first


def test_each_facet_and_combinations(client, make_company, make_offer):
    energy = make_company(sector=Sector.energy)
    it = make_company(sector=Sector.it)
    soon = TODAY + timedelta(days=10)
    later = TODAY + timedelta(days=200)
    make_offer(company=energy, title="A-Job-Energie", kind=OfferKind.job, degree=Degree.master,
               min_german_level="C1", remote_share=0, start_date=soon)
    make_offer(company=it, title="B-Thesis-IT", kind=OfferKind.thesis, degree=Degree.bachelor,
               min_german_level=None, remote_share=50, start_date=later)
    make_offer(company=it, title="C-Trainee-IT", kind=OfferKind.trainee, degree=None,
               min_german_level="B1", remote_share=100, start_date=None)

    def titles(**params):
        body, _ = listed_titles(client, **params)
        return {t for t in ("A-Job-Energie", "B-Thesis-IT", "C-Trainee-IT") if t in body}

    assert titles() == {"A-Job-Energie", "B-Thesis-IT", "C-Trainee-IT"}
    assert titles(kind="thesis") == {"B-Thesis-IT"}
    assert titles(sector="it") == {"B-Thesis-IT", "C-Trainee-IT"}
    assert titles(sector="energy") == {"A-Job-Energie"}
    # "my degree": offers asking for it, a lower one, or none
    assert titles(degree="bachelor") == {"B-Thesis-IT", "C-Trainee-IT"}
    assert titles(degree="master") == {"A-Job-Energie", "B-Thesis-IT", "C-Trainee-IT"}
    # "my German is B1": at most B1 or none
    assert titles(german="B1") == {"B-Thesis-IT", "C-Trainee-IT"}
    assert titles(german="A1") == {"B-Thesis-IT"}
    assert titles(german="native") == {"A-Job-Energie", "B-Thesis-IT", "C-Trainee-IT"}
    assert titles(remote="y") == {"B-Thesis-IT", "C-Trainee-IT"}
    # starting on or before a date; no start date means "by arrangement" and always fits
    assert titles(start_by=(TODAY + timedelta(days=30)).isoformat()) == {"A-Job-Energie", "C-Trainee-IT"}
    # combined
    assert titles(sector="it", remote="y", german="A2") == {"B-Thesis-IT"}
    assert titles(sector="energy", kind="thesis") == set()


def test_invalid_filter_values_are_ignored_with_a_message(client, make_offer):
    make_offer(title="Einziges Angebot")
    cases = [{"kind": "nonsense"}, {"sector": "moon"}, {"degree": "doctor"}, {"german": "Z9"},
             {"start_by": "not-a-date"}, {"start_by": "2024-13-45"}, {"q": "x" * 101},
             {"german": "<script>alert(1)</script>"}]
    for params in cases:
        body, _ = listed_titles(client, **params)
        assert "Einziges Angebot" in body, params
        assert 'class="errors"' in body, params
        assert "<script>alert(1)</script>" not in body
    body, _ = listed_titles(client, kind=["job", "thesis"])  # a repeated parameter: the first counts
    assert "Einziges Angebot" in body
    for page in ("abc", "-3", "0", "1e5", str(10**30), ""):
        body, _ = listed_titles(client, page=page)
        assert "Traceback" not in body
    assert client.get("/offers/?q=a%00b").status_code == 400


def test_list_is_paginated_newest_first(app, client, make_company, make_offer, db):
    company = make_company()
    size = app.config["PAGE_SIZE"]
    base = utcnow()
    for n in range(size + 3):
        offer = make_offer(company=company, title=f"Angebot Nummer {n:03d}")
        offer.published_at = base - timedelta(hours=size + 3 - n)
    db.session.commit()
    first, _ = listed_titles(client)
    assert f"Angebot Nummer {size + 2:03d}" in first and "Angebot Nummer 000" not in first
    assert first.index(f"Angebot Nummer {size + 2:03d}") < first.index(f"Angebot Nummer {size + 1:03d}")
    assert 'rel="next"' in first
    second, _ = listed_titles(client, page=2)
    assert "Angebot Nummer 000" in second and f"Angebot Nummer {size + 2:03d}" not in second
    # filters survive paging
    filtered, _ = listed_titles(client, kind="job")
    assert "kind=job" in filtered
    empty, _ = listed_titles(client, page=99)
    assert 'class="empty"' in empty


def test_empty_states_say_what_to_do(client, make_offer):
    body, _ = listed_titles(client)
    assert 'class="empty"' in body and "/auth/register/company" in body
    make_offer(kind=OfferKind.job)
    body, _ = listed_titles(client, kind="thesis")
    assert 'class="empty"' in body and "Clear all filters" in body


# ---- the offer page ----------------------------------------------------------------------------

def test_offer_page_shows_every_fact(client, make_offer):
    offer = make_offer(title="Werkstudent Automatisierung", kind=OfferKind.working_student, place="Spreetal",
                       remote_share=40, duration_months=12, degree=Degree.master, min_german_level="B2",
                       required_skills=["SPS", "Step 7"], nice_skills=["Python"],
                       fields_of_study=["Mechatronik und Automatisierungstechnik"], language="en",
                       end_date=TODAY + timedelta(days=60))
    body = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    for text in ("Werkstudent Automatisierung", offer.company.name, "Spreetal", "40%", "12 months", "Master",
                 "B2", "SPS", "Step 7", "Python", "Mechatronik und Automatisierungstechnik", "Working student",
                 "English"):
        assert text in body, text


def test_drafts_and_other_companies_offers_are_404(client, make_company, make_offer, make_user, login_as, company_user):
    mine = make_company()
    other = make_company()
    draft = make_offer(company=mine, published=False, title="Geheimer Entwurf")
    assert client.get(f"/offers/{draft.id}").status_code == 404
    assert client.get("/offers/999999").status_code == 404

    login_as(make_user(Role.graduate))
    assert client.get(f"/offers/{draft.id}").status_code == 404

    login_as(company_user(other))
    assert client.get(f"/offers/{draft.id}").status_code == 404
    assert client.get(f"/offers/{draft.id}/edit").status_code == 404
    assert client.post(f"/offers/{draft.id}/edit", data=offer_form(title="Gekapert")).status_code == 404
    assert client.post(f"/offers/{draft.id}/publish").status_code == 404
    assert "Geheimer Entwurf" not in client.get("/offers/").get_data(as_text=True)

    pending = make_user(Role.company, company_id=mine.id, membership=Membership.pending)
    login_as(pending)
    assert client.get(f"/offers/{draft.id}").status_code == 404
    assert client.get(f"/offers/{draft.id}/edit").status_code == 404

    login_as(company_user(mine))
    response = client.get(f"/offers/{draft.id}")
    assert response.status_code == 200 and "This is a draft" in response.get_data(as_text=True)

    login_as(make_user(Role.staff))
    assert client.get(f"/offers/{draft.id}").status_code == 200


def test_published_offer_of_a_company_no_longer_verified_is_404(client, make_company, make_offer, db):
    company = make_company()
    offer = make_offer(company=company)
    company.verified_at = None
    db.session.commit()
    assert client.get(f"/offers/{offer.id}").status_code == 404


# ---- writing offers --------------------------------------------------------------------------

def test_company_user_creates_a_draft_with_every_field(client, db, make_company, login_as, company_user):
    company = make_company()
    login_as(company_user(company))
    assert client.get("/offers/new").status_code == 200
    response = client.post("/offers/new", data=offer_form(title="  Praktikum   Elektrolyse "))
    assert response.status_code == 302
    offer = db.session.scalar(db.select(Offer))
    assert response.location == f"/offers/{offer.id}"
    assert offer.status == OfferStatus.draft and offer.company_id == company.id
    assert offer.created_by_id == company_user(company).id
    assert offer.kind == OfferKind.internship and offer.title == "Praktikum Elektrolyse"
    assert offer.required_skills == ["Python", "Elektrolyse"]
    assert offer.nice_skills == ["SPS", "Prozessführung"]
    assert offer.fields_of_study == ["Wasserstofftechnik", "Verfahrenstechnik", "Chemie"]
    assert offer.degree == Degree.bachelor and offer.min_german_level == "B2"
    assert offer.start_date == TODAY + timedelta(days=30) and offer.end_date == TODAY + timedelta(days=120)
    assert offer.duration_months == 6 and offer.remote_share == 20
    assert offer.place == "Spremberg" and offer.language == "de"
    assert offer.published_at is None and offer.expires_at is None
    # optional fields may stay empty
    response = client.post("/offers/new", data=offer_form(
        degree="", min_german_level="", start_date="", end_date="", duration_months="", remote_share="",
        fields_of_study=[], fields_other="", nice_skills="", required_skills=""))
    assert response.status_code == 302
    second = db.session.scalars(db.select(Offer).order_by(Offer.id.desc())).first()
    assert second.degree is None and second.start_date is None and second.remote_share == 0
    assert second.fields_of_study == [] and second.duration_months is None


@pytest.mark.parametrize("kind", [k.value for k in OfferKind])
def test_all_six_kinds_can_be_created(client, db, make_company, login_as, kind, company_user):
    login_as(company_user(make_company()))
    assert client.post("/offers/new", data=offer_form(kind=kind)).status_code == 302
    assert db.session.scalar(db.select(Offer.kind)) == OfferKind(kind)


BAD_OFFER_INPUT = [
    ("title", {"title": ""}),
    ("title", {"title": "   "}),
    ("title", {"title": "x" * 10_000}),
    ("title", {"title": "Praktikum\x00Elektrolyse"}),
    ("description", {"description": ""}),
    ("description", {"description": "y" * 20_001}),
    ("kind", {"kind": "unknown"}),
    ("kind", {"kind": ""}),
    ("start_date", {"start_date": (TODAY - timedelta(days=1)).isoformat()}),
    ("start_date", {"start_date": "31.12.2099"}),
    ("start_date", {"start_date": "9999-01-01"}),
    ("end_date", {"end_date": (TODAY + timedelta(days=10)).isoformat()}),   # before the start
    ("end_date", {"end_date": (TODAY + timedelta(days=30)).isoformat()}),   # same day as the start
    ("end_date", {"end_date": TODAY.isoformat(), "start_date": ""}),
    ("end_date", {"end_date": "9999-12-31", "start_date": ""}),
    ("remote_share", {"remote_share": "150"}),
    ("remote_share", {"remote_share": "-1"}),
    ("remote_share", {"remote_share": "viel"}),
    ("duration_months", {"duration_months": "0"}),
    ("duration_months", {"duration_months": "121"}),
    ("duration_months", {"duration_months": str(10**30)}),
    ("degree", {"degree": "doctor"}),
    ("min_german_level", {"min_german_level": "D7"}),
    ("language", {"language": "fr"}),
    ("fields_of_study", {"fields_of_study": ["Alchemie"]}),
    ("fields_other", {"fields_other": ", ".join(f"Fach {n}" for n in range(11))}),
    ("required_skills", {"required_skills": ", ".join(f"Skill {n}" for n in range(41))}),
    ("required_skills", {"required_skills": "z" * 81}),
    ("nice_skills", {"nice_skills": "a\x00b"}),
    ("place", {"place": ""}),
    ("place", {"place": "p" * 161}),
]


def test_offer_form_rejects_bad_input_and_keeps_it(client, db, make_company, login_as, company_user):
    login_as(company_user(make_company()))
    for field, case in BAD_OFFER_INPUT:
        data = offer_form(title="Mein Titel bleibt", **{k: v for k, v in case.items() if k != "title"})
        if "title" in case:
            data["title"] = case["title"]
        response = client.post("/offers/new", data=data)
        assert response.status_code == 400, case
        body = response.get_data(as_text=True)
        assert f'id="{field}-err"' in body, (field, case)
        if "title" not in case:
            assert 'value="Mein Titel bleibt"' in body, case
    assert count_offers(db) == 0


def test_script_in_title_is_escaped_on_the_public_page(client, db, make_company, login_as, company_user):
    company = make_company()
    login_as(company_user(company))
    client.post("/offers/new", data=offer_form(title="<script>alert('x')</script>"))
    offer = db.session.scalar(db.select(Offer))
    client.post(f"/offers/{offer.id}/publish")
    client.post("/auth/logout")
    for path in (f"/offers/{offer.id}", "/offers/", f"/companies/{company.id}", "/"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert(" not in body, path
        assert "&lt;script&gt;" in body, path


def test_owner_edits_an_offer(client, db, make_company, make_offer, login_as, company_user):
    company = make_company()
    offer = make_offer(company=company, published=False)
    login_as(company_user(company))
    form = client.get(f"/offers/{offer.id}/edit").get_data(as_text=True)
    assert offer.title in form
    response = client.post(f"/offers/{offer.id}/edit", data=offer_form(title="Neuer Titel", kind="thesis"))
    assert response.status_code == 302
    db.session.refresh(offer)
    assert offer.title == "Neuer Titel" and offer.kind == OfferKind.thesis
    # a bad edit changes nothing
    response = client.post(f"/offers/{offer.id}/edit", data=offer_form(title="", kind="job"))
    assert response.status_code == 400
    db.session.refresh(offer)
    assert offer.title == "Neuer Titel" and offer.kind == OfferKind.thesis


def test_edit_keeps_a_start_date_that_has_passed_since(client, db, make_company, make_offer, login_as, company_user):
    company = make_company()
    past = TODAY - timedelta(days=20)
    offer = make_offer(company=company, start_date=past)
    login_as(company_user(company))
    response = client.post(f"/offers/{offer.id}/edit", data=offer_form(start_date=past.isoformat(), title="Neu"))
    assert response.status_code == 302
    earlier = (past - timedelta(days=1)).isoformat()
    assert client.post(f"/offers/{offer.id}/edit", data=offer_form(start_date=earlier)).status_code == 400


def test_editing_the_end_date_of_a_published_offer_moves_its_expiry(client, db, make_company, make_offer, login_as,
                                                                    company_user):
    company = make_company()
    offer = make_offer(company=company, start_date=None)
    login_as(company_user(company))
    end = TODAY + timedelta(days=20)
    assert client.post(f"/offers/{offer.id}/edit", data=offer_form(start_date="", end_date=end.isoformat())).status_code == 302
    db.session.refresh(offer)
    assert offer.status == OfferStatus.published
    assert offer.expires_at == datetime.combine(end + timedelta(days=1), datetime.min.time())


# ---- the workflow ------------------------------------------------------------------------------

def test_publish_close_reopen_lifecycle(app, client, db, make_company, make_offer, login_as, company_user):
    company = make_company()
    offer = make_offer(company=company, published=False, end_date=None)
    login_as(company_user(company))

    before = utcnow()
    assert client.post(f"/offers/{offer.id}/publish").status_code == 302
    db.session.refresh(offer)
    assert offer.status == OfferStatus.published and offer.published_at >= before
    assert offer.expires_at == offer.published_at + timedelta(days=app.config["OFFER_DEFAULT_LIFETIME_DAYS"])
    assert offer.title in client.get("/offers/").get_data(as_text=True)

    again = client.post(f"/offers/{offer.id}/publish")
    assert again.status_code == 303 and again.location == f"/offers/{offer.id}"
    assert "already published" in followed(client, again)

    assert client.post(f"/offers/{offer.id}/close").status_code == 302
    db.session.refresh(offer)
    assert offer.status == OfferStatus.closed
    assert offer.title not in client.get("/offers/").get_data(as_text=True)
    assert client.post(f"/offers/{offer.id}/close").status_code == 303
    assert client.post(f"/offers/{offer.id}/publish").status_code == 303

    assert client.post(f"/offers/{offer.id}/reopen").status_code == 302
    db.session.refresh(offer)
    assert offer.status == OfferStatus.draft and offer.expires_at is None
    assert client.post(f"/offers/{offer.id}/reopen").status_code == 303
    assert client.post(f"/offers/{offer.id}/close").status_code == 303
    assert client.post(f"/offers/{offer.id}/publish").status_code == 302


def test_publish_uses_the_end_date_for_expiry(client, db, make_company, make_offer, login_as, company_user):
    company = make_company()
    end = TODAY + timedelta(days=45)
    offer = make_offer(company=company, published=False, end_date=end)
    login_as(company_user(company))
    client.post(f"/offers/{offer.id}/publish")
    db.session.refresh(offer)
    assert offer.expires_at == datetime.combine(end + timedelta(days=1), datetime.min.time())


def test_publish_refused_until_the_company_is_verified(client, db, make_company, make_offer, login_as, company_user):
    company = make_company(verified=False)
    offer = make_offer(company=company, published=False)
    login_as(company_user(company))
    response = client.post(f"/offers/{offer.id}/publish")
    assert response.status_code == 303
    assert "not verified" in followed(client, response)
    db.session.refresh(offer)
    assert offer.status == OfferStatus.draft and offer.published_at is None and offer.expires_at is None


def test_publish_refused_for_a_draft_whose_start_has_passed(client, db, make_company, make_offer, login_as,
                                                            company_user):
    company = make_company()
    offer = make_offer(company=company, published=False, start_date=TODAY - timedelta(days=1))
    login_as(company_user(company))
    assert client.post(f"/offers/{offer.id}/publish").status_code == 303
    db.session.refresh(offer)
    assert offer.status == OfferStatus.draft


def test_expired_offer_shown_to_owner_and_expired_by_command(client, db, runner, make_company, make_offer,
                                                             login_as, company_user):
    company = make_company()
    offer = make_offer(company=company, title="Bald vorbei")
    live = make_offer(company=company, title="Noch offen")
    offer.expires_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert "Bald vorbei" not in client.get("/offers/").get_data(as_text=True)
    assert client.get(f"/offers/{offer.id}").status_code == 404

    login_as(company_user(company))
    body = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "expired" in body
    dashboard = client.get("/companies/mine").get_data(as_text=True)
    assert "Expired" in dashboard

    result = runner.invoke(args=["offers", "expire"])
    assert result.exit_code == 0 and "expired 1 offer" in result.output
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == OfferStatus.expired
    assert db.session.get(Offer, live.id).status == OfferStatus.published
    result = runner.invoke(args=["offers", "expire"])
    assert "expired 0 offer" in result.output

    assert client.post(f"/offers/{offer.id}/reopen").status_code == 302
    assert db.session.get(Offer, offer.id).status == OfferStatus.draft


# ---- access ------------------------------------------------------------------------------------

def test_access_to_writing_offers(client, make_company, make_offer, make_user, login_as):
    offer = make_offer()
    routes = [("get", "/offers/new"), ("post", "/offers/new"), ("get", f"/offers/{offer.id}/edit"),
              ("post", f"/offers/{offer.id}/publish"), ("post", f"/offers/{offer.id}/close"),
              ("post", f"/offers/{offer.id}/reopen")]
    for method, path in routes:
        response = getattr(client, method)(path)
        assert response.status_code == 302 and "/auth/login" in response.location, path
    for role in (Role.graduate, Role.staff, Role.admin, Role.board, Role.researcher):
        login_as(make_user(role))
        for method, path in routes:
            assert getattr(client, method)(path).status_code == 403, (role, path)
    assert client.get("/offers/").status_code == 200


def test_pending_member_cannot_write_offers(client, db, make_company, make_user, login_as):
    company = make_company()
    login_as(make_user(Role.company, company_id=company.id, membership=Membership.pending))
    response = client.get("/offers/new")
    assert response.status_code == 403
    assert "waiting for approval" in response.get_data(as_text=True)
    assert client.post("/offers/new", data=offer_form()).status_code == 403
    assert count_offers(db) == 0


def test_the_offer_list_total_is_read_again_after_its_time(make_app, db, make_offer):
    app = make_app(PUBLIC_COUNTS_SECONDS=3600)
    client = app.test_client()
    make_offer(title="Verfahrensingenieur (m/w/d)")
    make_offer(title="Buchhalter (m/w/d)")
    assert "2 offers" in client.get("/offers/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    make_offer(title="Elektroniker (m/w/d)")
    body = client.get("/offers/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "2 offers" in body and "Elektroniker (m/w/d)" in body  # the total as read; the rows current
    app.config["PUBLIC_COUNTS_SECONDS"] = 0
    assert "3 offers" in client.get("/offers/", headers={"Accept-Language": "en"}).get_data(as_text=True)
