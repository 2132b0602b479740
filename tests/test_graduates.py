from datetime import date, timedelta
from html import escape

import pytest
from helpers import followed

from matchmaker.models import Degree, GraduateProfile, Role

NEXT_YEAR = date.today().year + 1
START = date.today() + timedelta(days=60)

FULL = {
    "name": "Marta Kowalska",
    "headline": "Process engineer for hydrogen plants",
    "about": "Ich bin Marta und komme aus Görlitz.",
    "study_programme": "Verfahrenstechnik",
    "study_other": "Wasserstoff-Zertifikat",
    "degree": "master",
    "graduation_date": f"{NEXT_YEAR}-03-31",
    "skills": "Python, Aspen Plus\nElektrolyse; SPS",
    "languages-0-language": "de",
    "languages-0-level": "C1",
    "languages-1-language": "pl",
    "languages-1-level": "native",
    "languages-2-language": "",
    "languages-2-level": "",
    "languages-3-language": "en",
    "languages-3-level": "B2",
    "languages-4-language": "",
    "languages-4-level": "",
    "wanted_kinds": ["job", "thesis"],
    "earliest_start": START.isoformat(),
    "places": "Spremberg, Cottbus",
    "cv_text": "2019–2024 BTU Cottbus-Senftenberg, Verfahrenstechnik.\nPraktikum bei LEAG.",
}


@pytest.fixture
def graduate(make_user, login_as):
    """A logged-in graduate who reads the site in English."""
    user = make_user(Role.graduate, email="marta@example.org", locale="en")
    login_as(user)
    return user


def _profile(db, user):
    db.session.expire_all()
    return db.session.scalar(db.select(GraduateProfile).where(GraduateProfile.user_id == user.id))


def _post(client, **changes):
    data = {**FULL, **changes}
    return client.post("/me/profile", data={k: v for k, v in data.items() if v is not None})


# ---- access -----------------------------------------------------------------------------------

ROUTES = [("get", "/me/"), ("get", "/me/profile"), ("post", "/me/profile"), ("get", "/me/card"),
          ("post", "/me/visibility")]


def test_anonymous_is_sent_to_login(client):
    for method, path in ROUTES:
        response = getattr(client, method)(path)
        assert response.status_code == 302, path
        assert "/auth/login" in response.location, path


@pytest.mark.parametrize("role", [Role.company, Role.staff, Role.admin, Role.researcher, Role.board])
def test_other_roles_are_forbidden(client, make_user, make_company, login_as, role, company_user):
    user = company_user(make_company()) if role == Role.company else make_user(role)
    login_as(user)
    for method, path in ROUTES:
        assert getattr(client, method)(path, data=FULL).status_code == 403, (role, path)


# ---- dashboard --------------------------------------------------------------------------------

def test_dashboard_without_profile_invites_to_fill_it_in(client, graduate):
    body = client.get("/me/").get_data(as_text=True)
    assert 'class="empty"' in body
    assert 'href="/me/profile"' in body and "Fill in your profile" in body
    assert 'href="/offers/"' in body


def test_dashboard_shows_what_is_missing_and_visibility(client, db, graduate, make_profile):
    make_profile(user=graduate, name="Marta", headline="", places="", cv_text="", visible_to_companies=False)
    body = client.get("/me/").get_data(as_text=True)
    assert "Hello, Marta" in body
    assert 'href="/me/profile#headline"' in body and 'href="/me/profile#cv_text"' in body
    assert 'href="/me/profile#skills"' not in body  # skills are filled in
    assert "Companies cannot find you" in body
    assert 'href="/me/card"' in body and 'href="/offers/"' in body


def test_dashboard_says_when_visible(client, graduate, make_profile):
    make_profile(user=graduate, visible_to_companies=True)
    body = client.get("/me/").get_data(as_text=True)
    assert "Visible to companies" in body and "Hide my card from companies" in body


# ---- create and edit --------------------------------------------------------------------------

def test_create_profile_with_every_field(client, db, graduate):
    form = client.get("/me/profile")
    assert form.status_code == 200
    assert 'href="/privacy"' in form.get_data(as_text=True)

    response = _post(client)
    assert response.status_code == 302 and response.location == "/me/"
    profile = _profile(db, graduate)
    assert profile.name == "Marta Kowalska"
    assert profile.headline == "Process engineer for hydrogen plants"
    assert profile.about == "Ich bin Marta und komme aus Görlitz."
    assert profile.study_programme == "Verfahrenstechnik" and profile.study_other == "Wasserstoff-Zertifikat"
    assert profile.degree == Degree.master
    assert profile.graduation_date == date(NEXT_YEAR, 3, 31)
    assert profile.skills == ["Python", "Aspen Plus", "Elektrolyse", "SPS"]
    assert profile.languages == [{"language": "de", "level": "C1"}, {"language": "pl", "level": "native"},
                                 {"language": "en", "level": "B2"}]
    assert profile.german_level == "C1"
    assert profile.wanted_kinds == ["job", "thesis"]
    assert profile.earliest_start == START
    assert profile.places == "Spremberg, Cottbus"
    assert profile.cv_text.startswith("2019–2024 BTU")
    assert profile.visible_to_companies is False and profile.consent_at is None

    # The form shows what was stored.
    body = client.get("/me/profile").get_data(as_text=True)
    assert 'value="Marta Kowalska"' in body
    assert '<option selected value="Verfahrenstechnik">' in body
    assert '<option selected value="master">' in body
    assert f'value="{NEXT_YEAR}-03-31"' in body and f'value="{START.isoformat()}"' in body
    assert "Python, Aspen Plus, Elektrolyse, SPS" in body
    assert '<option selected value="pl">' in body and '<option selected value="native">' in body
    assert 'checked id="wanted_kinds-0" name="wanted_kinds" type="checkbox" value="job"' in body
    assert escape("Praktikum bei LEAG.") in body
    assert '="None"' not in body


def test_edit_profile_replaces_every_field(client, db, graduate, make_profile):
    make_profile(user=graduate, study_programme="Maschinenbau", degree=Degree.bachelor,
                 wanted_kinds=["internship"], about="alt", cv_text="alt")
    response = _post(client, headline="", about="", study_programme="", study_other="Industrial Ecology",
                     degree="phd", graduation_date="2001-07-15", skills="", **{
                         "languages-0-language": "en", "languages-0-level": "C2",
                         "languages-1-language": "", "languages-1-level": "",
                         "languages-3-language": "", "languages-3-level": ""},
                     wanted_kinds=["research_project"], earliest_start="", places="", cv_text="")
    assert response.status_code == 302
    profile = _profile(db, graduate)
    assert profile.headline == "" and profile.about == "" and profile.cv_text == "" and profile.places == ""
    assert profile.study_programme == "" and profile.field_of_study == "Industrial Ecology"
    assert profile.degree == Degree.phd and profile.graduation_date == date(2001, 7, 15)
    assert profile.skills == [] and profile.earliest_start is None
    assert profile.languages == [{"language": "en", "level": "C2"}]
    assert profile.german_level is None
    assert profile.wanted_kinds == ["research_project"]


def test_german_level_follows_the_languages(client, db, graduate):
    _post(client, **{"languages-0-level": "A2"})
    assert _profile(db, graduate).german_level == "A2"
    _post(client, **{"languages-0-level": "native"})
    assert _profile(db, graduate).german_level == "native"
    _post(client, **{"languages-0-language": "", "languages-0-level": ""})
    assert _profile(db, graduate).german_level is None


def test_a_start_saved_earlier_may_stay_when_it_has_passed(client, db, graduate, make_profile):
    past = date.today() - timedelta(days=40)
    make_profile(user=graduate, earliest_start=past)
    assert _post(client, earliest_start=past.isoformat()).status_code == 302
    assert _profile(db, graduate).earliest_start == past
    # Another past date is refused.
    assert _post(client, earliest_start=(past - timedelta(days=1)).isoformat()).status_code == 400


def test_extra_language_rows_are_ignored(client, db, graduate):
    extra = {f"languages-{i}-language": code for i, code in zip(range(5, 9), ("fr", "es", "cs", "ru"))}
    extra.update({f"languages-{i}-level": "A1" for i in range(5, 9)})
    assert _post(client, **extra).status_code == 302
    codes = [entry["language"] for entry in _profile(db, graduate).languages]
    assert codes == ["de", "pl", "en"]


# ---- consent ----------------------------------------------------------------------------------

def test_consent_box_is_unticked_by_default(client, graduate):
    body = client.get("/me/profile").get_data(as_text=True)
    assert 'id="visible_to_companies"' in body
    assert 'checked id="visible_to_companies"' not in body


def test_consent_is_stored_with_time_only_when_ticked_and_cleared_when_unticked(client, db, graduate):
    _post(client)
    profile = _profile(db, graduate)
    assert not profile.visible_to_companies and profile.consent_at is None

    _post(client, visible_to_companies="y")
    profile = _profile(db, graduate)
    assert profile.visible_to_companies and profile.consent_at is not None
    first = profile.consent_at
    assert 'checked id="visible_to_companies"' in client.get("/me/profile").get_data(as_text=True)

    # Saving again with the box still ticked keeps the time consent was given.
    _post(client, visible_to_companies="y", headline="Changed")
    assert _profile(db, graduate).consent_at == first

    _post(client)
    profile = _profile(db, graduate)
    assert profile.visible_to_companies is False and profile.consent_at is None

    _post(client, visible_to_companies="y")
    assert _profile(db, graduate).consent_at is not None


def test_visibility_switch_on_the_dashboard(client, db, graduate, make_profile):
    make_profile(user=graduate)
    assert client.post("/me/visibility", data={"visible": "1"}).status_code == 302
    profile = _profile(db, graduate)
    assert profile.visible_to_companies and profile.consent_at is not None
    assert client.post("/me/visibility", data={"visible": "0"}).status_code == 302
    profile = _profile(db, graduate)
    assert not profile.visible_to_companies and profile.consent_at is None
    for bad in ({"visible": "maybe"}, {}, {"visible": "1\x00"}):
        response = client.post("/me/visibility", data=bad)
        assert response.status_code == 303 and "visibility was not changed" in followed(client, response)
    assert not _profile(db, graduate).visible_to_companies


def test_visibility_switch_needs_a_profile(client, db, graduate):
    response = client.post("/me/visibility", data={"visible": "1"})
    assert response.status_code == 302 and response.location == "/me/profile"
    assert _profile(db, graduate) is None


# ---- the card ---------------------------------------------------------------------------------

def test_card_shows_the_pseudonymous_facts_only(client, db, graduate):
    _post(client, name="Zofia Nowakowska", about="Ich heiße Zofia Nowakowska.", cv_text="Lebenslauf-Geheimnis")
    profile = _profile(db, graduate)
    response = client.get("/me/card")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "This is what companies see" in body and "Companies cannot see this card" in body
    assert profile.pseudonym in body
    for shown in ("Process engineer for hydrogen plants", "Verfahrenstechnik", "Master", "Aspen Plus",
                  "<li>SPS</li>", "German (C1)", "Polish (Native)", "Job", "Thesis", "Spremberg, Cottbus"):
        assert shown in body, shown
    for hidden in ("Zofia", "Nowakowska", graduate.email, "marta@", "Lebenslauf-Geheimnis", "Ich heiße"):
        assert hidden not in body, hidden


def test_card_says_when_companies_can_see_it(client, graduate, make_profile):
    make_profile(user=graduate, visible_to_companies=True)
    assert "Verified companies can currently find this card" in client.get("/me/card").get_data(as_text=True)


def test_card_escapes_markup(client, graduate):
    _post(client, headline="<script>alert(1)</script>", skills="<b>bold</b>", places='"><img src=x>')
    body = client.get("/me/card").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<b>bold</b>" not in body and '"><img src=x>' not in body


def test_card_without_profile_explains_what_to_do(client, graduate):
    response = client.get("/me/card")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'class="empty"' in body and 'href="/me/profile"' in body


# ---- bad input --------------------------------------------------------------------------------

BAD = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": "Mar\x00ta"}, "name"),
    ({"headline": "h" * 161}, "headline"),
    ({"about": "a" * 5001}, "about"),
    ({"study_programme": "Alchemie"}, "study_programme"),
    ({"study_other": "o" * 161}, "study_other"),
    ({"degree": "wizard"}, "degree"),
    ({"graduation_date": "1800-06-30"}, "graduation_date"),
    ({"graduation_date": "2200-06-30"}, "graduation_date"),
    ({"graduation_date": "31.03.2027"}, "graduation_date"),
    ({"graduation_date": "99999-01-01"}, "graduation_date"),
    ({"skills": ", ".join(f"skill {i}" for i in range(41))}, "skills"),
    ({"skills": "Python, " + "s" * 81}, "skills"),
    ({"skills": "s" * 5000}, "skills"),
    ({"skills": "Python\x00"}, "skills"),
    ({"languages-1-language": "xx"}, "languages-1-language"),
    ({"languages-1-level": "D1"}, "languages-1-level"),
    ({"languages-1-level": ""}, "languages-1-level"),
    ({"languages-2-level": "B1"}, "languages-2-language"),
    ({"languages-3-language": "de"}, "languages-3-language"),
    ({"wanted_kinds": ["job", "astronaut"]}, "wanted_kinds"),
    ({"earliest_start": (date.today() - timedelta(days=1)).isoformat()}, "earliest_start"),
    ({"earliest_start": f"{date.today().year + 30}-01-01"}, "earliest_start"),
    ({"earliest_start": "soon"}, "earliest_start"),
    ({"places": "p" * 201}, "places"),
    ({"cv_text": "c" * 20001}, "cv_text"),
    ({"cv_text": "line\x00"}, "cv_text"),
]


@pytest.mark.parametrize(("changes", "field"), BAD, ids=[f for _c, f in BAD])
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(client, db, graduate, changes, field):
    response = _post(client, **changes)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f'id="{field}-err"' in body
    assert _profile(db, graduate) is None
    # What the user typed in the other fields stays in the form.
    if field != "headline":
        assert 'value="Process engineer for hydrogen plants"' in body
    if field != "places":
        assert 'value="Spremberg, Cottbus"' in body
    assert "\x00" not in body


def test_bad_input_keeps_the_stored_profile_and_what_was_typed(client, db, graduate, make_profile):
    make_profile(user=graduate, name="Alt Name", skills=["Alt"], visible_to_companies=True)
    response = _post(client, headline="Neue Überschrift", cv_text="c" * 20001, visible_to_companies="y")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'value="Neue Überschrift"' in body and 'id="cv_text-err"' in body
    assert 'checked id="visible_to_companies"' in body
    profile = _profile(db, graduate)
    assert profile.name == "Alt Name" and profile.skills == ["Alt"] and profile.headline == "Process engineer"


def test_nul_byte_is_removed_and_the_rest_kept(client, graduate):
    body = _post(client, name="Mar\x00ta").get_data(as_text=True)
    assert 'value="Marta"' in body


def test_duplicate_language_names_the_list_and_the_row(client, db, graduate):
    response = _post(client, **{"languages-3-language": "de", "languages-3-level": "B1"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="languages-err"' in body and 'id="languages-3-language-err"' in body
    assert "This language is already listed." in body
    assert _profile(db, graduate) is None


def test_name_is_normalised_and_refused_with_invisible_characters(client, db, graduate):
    response = _post(client, name="Marta\u202e Kowalska")
    assert response.status_code == 400 and 'id="name-err"' in response.get_data(as_text=True)
    assert _profile(db, graduate) is None or _profile(db, graduate).name != "Marta\u202e Kowalska"
    assert _post(client, name="  \uff2darta   Kowalska ").status_code == 302
    assert _profile(db, graduate).name == "Marta Kowalska"
