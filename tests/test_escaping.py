"""Every page escapes what users wrote.

Hostile values are stored in every field a user can edit (company profile and website, offers, the graduate
profile with its skills and languages, rejection reasons, introduction messages and reasons, staff notes,
consent texts, emails), straight into the database so that even values the forms would refuse are tried.
Then every page of the app (read from app.url_map) is opened as every role that may open it, with the ids
of the hostile objects, once plainly and once with hostile query parameters; no page may carry a payload
unescaped, a template expression evaluated, or a javascript: link.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from formscan import url_for_rule
from helpers import PASSWORD
from permission_table import ANON, PERMISSIONS, USERS

from matchmaker.models import (AuditEntry, ConsentRecord, FieldOfAction, IntroductionState, Measure, MeasureChange,
                               MeasureFigure, Membership, Note, Role, Sector, Side, utcnow)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SSTI = "ssti{{7*7}}end"
RAW = "{% raw %}{{ config }}{% endraw %}"
JS_LINK = "javascript:alert(1)"


def hostile(tag: str) -> str:
    """A payload for one field, short enough for a String(120) column."""
    return f"{tag}{SCRIPT}{IMG}{SSTI}{RAW}"


# What must never be in a page: the payloads as markup, an evaluated expression, the config, a script link.
RAW_MARKUP = ("<script>alert(", "<img src=x", "onerror=alert(1)>")
EVALUATED = ("ssti49end",)
CONFIG = ("test-secret", "&lt;Config", "SQLALCHEMY_DATABASE_URI")
JS_HREF = re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*(javascript|data|vbscript):""", re.I)
# What shows that the payload reached the page at all (escaped).
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

# Not HTML, or not a page: left out of the walk.
NOT_PAGES = {"static", "main.set_language", "auth.logout", "privacy.audit_export", "gdpr.export",
             "gdpr.download_cv", "events.ics", "events.feed", "events.registrations_csv", "stories.feed",
             "stories.image", "stories.thumbnail"}
QUERY = {"q": hostile("q"), "next": JS_LINK, "page": SCRIPT, "kind": IMG, "sector": SSTI, "state": RAW,
         "study": hostile("study"), "all": IMG, "role": SCRIPT, "action": hostile("action")}


@pytest.fixture
def hostile_world(db, make_user, make_company, make_offer, make_profile, make_introduction, make_event,
                  make_registration, make_story, make_unit):
    company = make_company(name=hostile("Firma"), site=hostile("site"), about=hostile("about") * 20,
                           website=JS_LINK, contact_email=JS_LINK, sector=Sector.energy)
    owner = next(u for u in company.users if u.membership == Membership.active)
    pending = make_user(Role.company, email=f'"{IMG}"@example.org', company_id=company.id,
                        membership=Membership.pending)
    rejected = make_company(name=hostile("Abgelehnt"), verified=False, website=f" {JS_LINK}")
    rejected.rejected_at = utcnow()
    rejected.rejection_reason = hostile("reason")
    offer = make_offer(company=company, title=hostile("title"), description=hostile("description") * 10,
                       required_skills=["python", hostile("skill")], nice_skills=[hostile("nice")],
                       fields_of_study=[hostile("field")], place=hostile("place"))
    draft = make_offer(company=company, published=False, title=hostile("draft"), required_skills=["python"])
    graduate = make_user(Role.graduate)
    profile = make_profile(
        user=graduate, name=hostile("name"), headline=hostile("headline"), about=hostile("about") * 5,
        study_programme=hostile("programme"), study_other=hostile("other"), skills=["python", hostile("skill")],
        languages=[{"language": hostile("lang"), "level": hostile("level")}, {"language": "de", "level": "B2"}],
        places=hostile("places"), cv_text=hostile("cv") * 5, visible_to_companies=True, wanted_kinds=[])
    make_user(Role.graduate, email=f"{SCRIPT}@example.org", signup_source=SCRIPT, signup_referrer_domain=IMG)
    intro = make_introduction(IntroductionState.introduced, offer=offer, profile=profile,
                              message_to_graduate=hostile("to-graduate"), message_to_company=hostile("to-company"),
                              close_reason=hostile("close"))
    declined = make_introduction(IntroductionState.declined, offer=None, company=company, profile=profile,
                                 started_by=Side.graduate, close_reason=hostile("declined"),
                                 created_at=utcnow() - timedelta(days=3))
    staff = {role: make_user(Role(role)) for role in USERS - {"graduate", "company"}}
    consent = ConsentRecord(user_id=graduate.id, introduction_id=intro.id, purpose="introduction",
                            text=hostile("consent"))
    db.session.add_all([
        consent,
        Note(author_id=staff["staff"].id, introduction_id=intro.id, body=hostile("note-intro")),
        Note(author_id=staff["staff"].id, profile_id=profile.id, body=hostile("note-profile")),
        Note(author_id=staff["staff"].id, company_id=company.id, body=hostile("note-company")),
        AuditEntry(actor_id=owner.id, subject_user_id=graduate.id, action="view_profile", object_type="profile",
                   object_id=profile.id, detail=hostile("audit")),
    ])
    measure = Measure(title=hostile("measure"), field_of_action=FieldOfAction.qualification, owner=hostile("owner"),
                      period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), comments=hostile("comments"),
                      target_label=hostile("target"), target_value=10)
    db.session.add(measure)
    db.session.flush()
    db.session.add_all([
        MeasureFigure(measure_id=measure.id, value=3, as_of=date(2026, 2, 1), source=hostile("source")),
        MeasureChange(measure_id=measure.id, changed_by_id=staff["staff"].id, field="title",
                      old_value=hostile("old"), new_value=hostile("new")),
    ])
    db.session.commit()
    event = make_event(title_de=hostile("event-de"), title_en=hostile("event-en"),
                       description_de=hostile("event-about-de"), description_en=hostile("event-about-en"),
                       venue=hostile("venue"), capacity=1)
    event.companies = [company]
    event.offers = [offer]
    past_event = make_event(title_en=hostile("past-event"), starts_at=utcnow() - timedelta(days=1))
    make_registration(event, graduate)
    make_registration(past_event, graduate)
    make_registration(event, make_user(Role.graduate, email=f"{SCRIPT}x@example.org"), "waiting")
    story_texts = {name: hostile(name) for name in ("title_de", "title_en", "summary_de", "summary_en", "body_de",
                                                    "body_en", "image_alt_de", "image_alt_en")}
    story = make_story(people=[graduate], confirmed=True, companies=[company], offers=[offer], events=[event],
                       image="0" * 32, **story_texts)
    draft_story = make_story("draft", people=[graduate], companies=[company], **story_texts)
    unit_fields = dict(name=hostile("unit"), head=hostile("head"), contact_email=JS_LINK, website=JS_LINK,
                       topics=hostile("topic") + "\n" + hostile("topic2"), expertise=hostile("expertise") * 5,
                       methods=hostile("methods"), equipment=hostile("equipment"))
    unit = make_unit(members=[staff["researcher"]], **unit_fields)
    hidden_unit = make_unit(verified=False, members=[staff["researcher"]], **unit_fields)
    make_introduction(IntroductionState.introduced, offer=offer, unit=unit, message_to_graduate=hostile("to-unit"),
                      message_to_company=hostile("to-company-unit"))
    people = {"graduate": graduate, "company": owner, **staff}
    ids = {"event_id": event.id, "offer_id": offer.id, "company_id": company.id, "user_id": graduate.id, "profile_id": profile.id,
           "introduction_id": intro.id, "consent_id": consent.id, "token": SCRIPT.replace("/", ""), "code": "en",
           "filename": "style.css", "measure_id": measure.id, "table": "sources", "story_id": story.id,
           "unit_id": unit.id}
    # The same walk again with the other objects: the rejected company, the draft, the declined
    # introduction, the company member with a hostile email.
    other_ids = dict(ids, company_id=rejected.id, offer_id=draft.id, introduction_id=declined.id, user_id=pending.id,
                     event_id=past_event.id, story_id=draft_story.id,
                     unit_id=hidden_unit.id)
    return people, [ids, other_ids]


def _problems(html: str) -> list[str]:
    found = []
    for needle in RAW_MARKUP + EVALUATED + CONFIG:
        at = html.find(needle)
        if at >= 0:
            found.append(f"{needle!r} in …{html[max(0, at - 80):at + 80]!r}…")
    for match in JS_HREF.finditer(html):
        found.append(f"script link in …{html[max(0, match.start() - 80):match.end() + 40]!r}…")
    return found


@pytest.mark.parametrize("who", [ANON, *sorted(USERS)])
def test_no_page_shows_user_data_unescaped(app, client, hostile_world, who):
    people, id_sets = hostile_world
    if who != ANON:
        response = client.post("/auth/login", data={"email": people[who].email, "password": PASSWORD})
        assert response.status_code == 302
    problems, shown = [], set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or who not in PERMISSIONS[rule.endpoint]:
            continue
        seen_urls = set()
        for ids in id_sets:
            url = url_for_rule(rule, ids)
            if url in seen_urls:
                continue
            seen_urls.add(url)
            for query in ({}, QUERY):
                response = client.get(url, query_string=query)
                if response.mimetype != "text/html":
                    continue
                html = response.get_data(as_text=True)
                assert response.status_code < 500, f"{who} {url} -> {response.status_code}"
                problems += [f"{who} {rule.endpoint} {url} {query and '(hostile query)'}: {p}" for p in _problems(html)]
                if ESCAPED in html:
                    shown.add(rule.endpoint)
    assert not problems, "\n".join(problems)
    # The walk saw the data, escaped, where each role should see it: the test is not empty.
    expected = {
        ANON: {"offers.index", "offers.detail", "companies.index", "companies.detail", "events.index",
               "events.detail", "main.index"},
        "graduate": {"graduates.dashboard", "graduates.profile", "graduates.card", "offers.detail",
                     "brokering.detail", "brokering.consents"},
        "company": {"companies.dashboard", "companies.edit", "offers.edit", "matching.graduates_for_offer",
                    "brokering.detail"},
        "staff": {"admin.company", "admin.companies", "brokering.detail", "brokering.graduate",
                  "brokering.company", "matching.graduates_for_offer", "report.index", "report.plan",
                  "report.measure", "report.edit_measure", "events.manage", "events.edit",
                  "events.registrations", "events.attendance"},
        "board": {"report.index", "report.plan", "report.measure"},
    }.get(who, set())
    assert expected <= shown, sorted(expected - shown)


def test_forms_echo_what_was_typed_escaped(client, make_company, make_profile, login_as):
    """Invalid input comes back in the form (to be corrected); the echo is escaped too, in values and
    textareas, and the website field does not turn into a link."""
    company = make_company()
    login_as(company.users[0])
    response = client.post("/companies/mine/edit", data={
        "sector": IMG, "site": hostile("site"), "about": hostile("about"), "website": JS_LINK,
        "contact_email": SCRIPT})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert not _problems(html)
    assert "&lt;script&gt;" in html
    response = client.post("/offers/new", data={"kind": SSTI, "title": hostile("title") * 3,
                                                "description": hostile("description"), "required_skills": IMG})
    assert response.status_code == 400
    assert not _problems(response.get_data(as_text=True))
    profile = make_profile()
    login_as(profile.user)
    response = client.post("/me/profile", data={"name": hostile("name"), "headline": "x" * 500,
                                                "skills": SCRIPT, "languages-0-language": IMG})
    assert response.status_code == 400
    assert not _problems(response.get_data(as_text=True))


def test_flash_messages_with_names_and_emails_are_escaped(client, hostile_world, login_as, db):
    """Messages after an action quote the company name or an email; they are escaped on the next page."""
    people, (ids, other_ids) = hostile_world
    login_as(people["company"])
    response = client.post(f"/companies/mine/members/{other_ids['user_id']}/approve", follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "&lt;img src=x" in html and not _problems(html)
    login_as(people["staff"])
    response = client.post(f"/staff/companies/{other_ids['company_id']}/verify", follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ESCAPED in html and not _problems(html)
