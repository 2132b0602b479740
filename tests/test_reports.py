"""The board's report: every figure on a known data set equals the count made by hand here, quarters and
daylight-saving days in Europe/Berlin, the CSV equals the page, counts below 3 are hidden, who may read it,
page views without cookies, where registrations came from, and the retention checks."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from helpers import followed, html_tables

from matchmaker.models import (AuditEntry, EventPlace, EventRegistration, EventType, IntroductionState, OfferKind,
                               PageView, PageViewKind, RegistrationStatus, RetentionCheck, Role, User, utcnow)
from matchmaker.reports import queries
from matchmaker.reports.tables import TABLE_KEYS, share_text, suppress

Q2 = {"quarter": "2026-Q2"}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def publish(db, make_offer):
    """An offer of `kind` published at `when` (naive UTC)."""

    def make(kind: OfferKind, when: str, company=None):
        offer = make_offer(company=company, kind=kind)
        offer.published_at = utc(when)
        db.session.commit()
        return offer

    return make


@pytest.fixture
def known_world(db, make_company, make_user, make_introduction, make_event, publish):
    """The data set whose figures for 2026-Q2 (1 April to 30 June, Berlin) are counted by hand below."""
    a, b, c, d, e = (make_company(name=f"Firma {n}") for n in "ABCDE")
    I, T, W, TR, R, J = (OfferKind.internship, OfferKind.thesis, OfferKind.working_student, OfferKind.trainee,
                         OfferKind.research_project, OfferKind.job)
    # Offers: the boundaries are 2026-03-31 22:00 UTC (CEST) and 2026-06-30 22:00 UTC.
    i1 = publish(I, "2026-05-10 07:00", a)
    i2 = publish(I, "2026-03-31 22:30", a)        # 00:30 on 1 April in Berlin: Q2
    i3 = publish(I, "2026-06-30 21:59:59", a)     # 23:59 on 30 June: Q2
    publish(I, "2026-03-31 21:30", d)             # 23:30 on 31 March: Q1
    publish(I, "2026-06-30 22:00", c)             # midnight 1 July: Q3
    t1 = publish(T, "2026-04-15 10:00", a)
    trainees = [publish(TR, "2026-05-02 10:00", a) for _ in range(4)]
    research = [publish(R, "2026-04-03 10:00", a) for _ in range(3)]
    j1 = publish(J, "2026-04-18 10:00", a)
    j0 = publish(J, "2026-02-01 10:00", b)
    je = publish(J, "2025-06-01 10:00", e)
    assert W not in (o.kind for o in (i1, t1))

    s = IntroductionState
    make_introduction(s.internship, offer=i1, now=utc("2026-05-10 08:00"), outcome_on=date(2026, 5, 20))
    make_introduction(s.hired, offer=i2, now=utc("2026-06-01 08:00"), outcome_on=date(2026, 6, 30))
    make_introduction(s.introduced, offer=i3, now=utc("2026-03-31 22:30"))
    make_introduction(s.interview, offer=i3, now=utc("2026-03-31 21:30"), outcome_on=date(2026, 4, 2))
    make_introduction(s.thesis, offer=t1, now=utc("2026-04-15 10:00"), outcome_on=date(2026, 4, 20))
    for trainee in trainees[:3]:
        make_introduction(s.hired, offer=trainee, now=utc("2026-05-05 10:00"), outcome_on=date(2026, 5, 6))
    make_introduction(s.project, offer=research[0], now=utc("2026-04-10 10:00"), outcome_on=date(2026, 4, 11))
    make_introduction(s.no_fit, offer=research[1], now=utc("2026-04-12 10:00"), outcome_on=date(2026, 4, 13))
    make_introduction(s.introduced, offer=research[2], now=utc("2026-04-14 10:00"))
    make_introduction(s.hired, offer=j1, now=utc("2026-04-20 10:00"), outcome_on=date(2026, 7, 1))
    make_introduction(s.proposed, offer=j0, now=utc("2026-05-01 10:00"))
    make_introduction(s.declined, offer=je, now=utc("2026-06-15 10:00"))

    # Events.
    people = iter([make_user(Role.graduate) for _ in range(20)])

    def register(event, status=RegistrationStatus.registered, attended=None):
        db.session.add(EventRegistration(event=event, user_id=next(people).id, status=status, attended=attended))
        db.session.commit()

    e1 = make_event(utc("2026-04-08 08:00"), type=EventType.office_hours, place=EventPlace.spremberg, walk_ins=2)
    for attended in (True, True, False):
        register(e1, attended=attended)
    register(e1, RegistrationStatus.waiting)
    register(e1, RegistrationStatus.cancelled)
    e2 = make_event(utc("2026-05-12 14:00"), type=EventType.talk, place=EventPlace.spremberg)
    register(e2, attended=True)
    register(e2, attended=True)
    e3 = make_event(utc("2026-05-20 09:00"), type=EventType.company_visit, place=EventPlace.spremberg,
                    cancelled_at=utc("2026-05-18 09:00"))
    register(e3, attended=True)
    e4 = make_event(utc("2026-06-30 21:30"), type=EventType.job_fair, place=EventPlace.dock3, walk_ins=10)
    for attended in (True, True, True, False):
        register(e4, attended=attended)
    make_event(utc("2026-06-30 22:30"), type=EventType.talk, place=EventPlace.dock3, walk_ins=5)  # Q3
    e6 = make_event(utc("2026-04-20 16:00"), type=EventType.talk, place=EventPlace.online)
    for _ in range(3):
        register(e6, attended=True)
    make_event(utc("2026-05-01 09:00"), type=EventType.office_hours, place=EventPlace.elsewhere, walk_ins=1)

    # New registrations in Q2, with their sources; a staff account does not count.
    for n, (role, source, domain) in enumerate([
            (Role.graduate, "flyer", "btu.de"), (Role.graduate, "flyer", "btu.de"), (Role.company, "flyer", "btu.de"),
            (Role.graduate, "linkedin", None), (Role.graduate, None, None), (Role.company, None, None),
            (Role.staff, "flyer", "btu.de")]):
        make_user(role, email=f"new{n}@example.org", created_at=utc("2026-05-15 10:00"), signup_source=source,
                  signup_referrer_domain=domain)
    make_user(Role.graduate, created_at=utc("2026-03-31 21:59"), signup_source="flyer")  # Q1

    # Page views per Berlin day.
    for day, count in ((date(2026, 4, 1), 5), (date(2026, 6, 30), 2), (date(2026, 7, 1), 9), (date(2026, 3, 31), 4)):
        db.session.add(PageView(day=day, kind=PageViewKind.offer, object_id=i1.id, count=count))
    db.session.add(PageView(day=date(2026, 5, 5), kind=PageViewKind.company, object_id=a.id, count=1))

    # Retention checks recorded in Q2 (hires of January 2024, outside the eight quarters of the trends).
    hires = [make_introduction(s.hired, now=utc("2024-01-15 10:00")) for _ in range(6)]
    for hire, in_region in zip(hires, (True, True, True, True, False)):
        db.session.add(RetentionCheck(introduction_id=hire.id, months=6, in_region=in_region,
                                      checked_at=utc("2026-04-20 10:00")))
    for hire, in_region in zip(hires, (True, False)):
        db.session.add(RetentionCheck(introduction_id=hire.id, months=12, in_region=in_region,
                                      checked_at=utc("2026-06-20 10:00")))
    db.session.add(RetentionCheck(introduction_id=hires[5].id, months=6, in_region=True,
                                  checked_at=utc("2026-03-31 21:00")))  # Q1
    db.session.commit()
    return {"company": a}


# Counted by hand from known_world, as the page shows them (1 and 2 as "< 3").
EXPECTED = {
    "qualification": [
        ["Internships published", "3"], ["Internships introduced", "3"], ["Internships started", "< 3"],
        ["Theses published", "< 3"], ["Theses introduced", "< 3"], ["Theses started", "< 3"],
        ["Working-student posts published", "0"], ["Working-student posts introduced", "0"],
        ["Working-student posts started", "0"],
        ["Trainee programmes published", "4"], ["Trainee programmes introduced", "3"],
        ["Trainee programmes started", "3"],
        ["All four kinds published", "8"], ["All four kinds introduced", "7"], ["All four kinds started", "6"],
        ["Talks and workshops held", "< 3"],
    ],
    "innovation": [["Research projects posted", "3"], ["Research projects introduced", "3"],
                   ["Research projects started", "< 3"], ["Research units verified", "0"],
                   ["Introductions to research units made", "0"], ["Projects started with research units", "0"],
                   ["Joint funding applications with research units", "0"],
                   ["Thesis topics given to research units", "0"],
                   ["Introductions to research units without a fit", "0"]],
    "structural_change": [["Hires into the park's companies", "4"],
                          ["Still in the region 6 months after a hire", "4 of 5 (80 %)"],
                          ["Still in the region 12 months after a hire", "< 3 of < 3"],
                          ["Companies active", "3"]],
    "on_site": [["Events in Spremberg", "< 3"], ["Events at Dock3", "< 3"], ["Registrations for these events", "9"],
                ["Attendance at these events (with walk-ins)", "19"], ["Office-hour contacts", "5"]],
    "public_relations": [["Public offer page views", "7"], ["Public company page views", "< 3"],
                         ["Success stories published", "0"], ["News published", "0"],
                         ["Story and news page views", "0"], ["New registrations", "6"]],
    "sources": [["flyer", "3"], ["linkedin", "< 3"], ["(none)", "< 3"]],
    "referrers": [["btu.de", "3"], ["(none)", "3"]],
    "funnel": [["Offers published", "12"], ["Introductions started", "13"], ["Introduced (both said yes)", "11"],
               ["Agreements (hired, internship, thesis, project)", "7"]],
}


def test_every_figure_of_a_quarter_equals_the_count_by_hand(client, make_user, login_as, known_world):
    login_as(make_user(Role.board))
    response = client.get("/report/", query_string=Q2)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tables = html_tables(html)
    for key, rows in EXPECTED.items():
        assert tables[f"table-{key}"][1:] == rows, key
    trends = tables["table-trends"]
    assert trends[0] == ["Quarter", "Offers published", "Introductions started", "Introduced (both said yes)",
                         "Agreements", "Event attendance"]
    assert [row[0] for row in trends[1:]] == ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4",
                                              "2026-Q1", "2026-Q2"]
    # Q2 attendance counts every place: 19 on site, 3 online, 1 walk-in at office hours elsewhere.
    assert trends[-1] == ["2026-Q2", "12", "13", "11", "7", "23"]
    assert trends[-2] == ["2026-Q1", "< 3", "< 3", "< 3", "0", "0"]
    assert trends[4] == ["2025-Q2", "< 3", "0", "0", "0", "0"]
    # Charts: drawn on the server, labelled, beside their tables; no script anywhere.
    assert html.count('<svg class="chart" role="img"') == 6
    assert 'aria-labelledby="chart-funnel-title"' in html and '<title id="chart-funnel-title">' in html
    assert "<script" not in html


def test_the_raw_figures_of_the_queries(app, known_world):
    """The same data read through the registry (what measures use): raw counts, nothing suppressed."""
    q2 = queries.quarter_period(2026, 2)
    assert queries.metric_value("started.internship", q2) == 2
    assert queries.metric_value("started.thesis", q2) == 1
    assert queries.metric_value("workshops_held", q2) == 2
    assert queries.metric_value("hires", q2) == 4
    assert queries.metric_value("retained.6", q2) == 4
    assert queries.retention(q2, 6) == (4, 5) and queries.retention(q2, 12) == (1, 2)
    assert queries.metric_value("events.spremberg", q2) == 2 and queries.metric_value("events.dock3", q2) == 1
    assert queries.metric_value("page_views.company", q2) == 1
    assert queries.metric_value("hires", queries.quarter_period(2026, 3)) == 1  # outcome on 1 July


def test_quarter_bounds_are_local_midnight_in_berlin(app, db, publish):
    # Winter time (CET, UTC+1) at New Year, summer time (CEST, UTC+2) on 1 April, 1 July and 1 October.
    assert queries.quarter_period(2026, 1).utc_bounds() == (utc("2025-12-31 23:00"), utc("2026-03-31 22:00"))
    assert queries.quarter_period(2026, 4).utc_bounds() == (utc("2026-09-30 22:00"), utc("2026-12-31 23:00"))
    publish(OfferKind.internship, "2026-03-31 22:30")   # 00:30 on 1 April in Berlin
    publish(OfferKind.internship, "2026-03-31 21:59")   # 23:59 on 31 March
    q1, q2 = queries.quarter_period(2026, 1), queries.quarter_period(2026, 2)
    assert queries.offers_published(q1, [OfferKind.internship]) == 1
    assert queries.offers_published(q2, [OfferKind.internship]) == 1


@pytest.mark.parametrize("day, inside, outside", [
    # 29 March 2026: clocks go forward, the day has 23 hours (22:00 UTC is already midnight).
    (date(2026, 3, 29), ["2026-03-28 23:00", "2026-03-29 21:59"], ["2026-03-28 22:59", "2026-03-29 22:00"]),
    # 25 October 2026: clocks go back, the day has 25 hours (it starts at 22:00 UTC, ends at 23:00 UTC).
    (date(2026, 10, 25), ["2026-10-24 22:00", "2026-10-25 22:59"], ["2026-10-24 21:59", "2026-10-25 23:00"]),
])
def test_a_daylight_saving_day_has_its_own_length(client, make_user, login_as, publish, day, inside, outside):
    for when in inside + outside:
        publish(OfferKind.trainee, when)
    period = queries.Period(day, day)
    assert queries.offers_published(period, [OfferKind.trainee]) == 2
    # Three days around it: all four (the other two fall on the neighbouring days).
    assert queries.offers_published(queries.Period(day - timedelta(days=1), day + timedelta(days=1)),
                                    [OfferKind.trainee]) == 4
    login_as(make_user(Role.staff))
    response = client.get("/report/", query_string={"start": day.isoformat(), "end": day.isoformat()})
    assert response.status_code == 200
    assert ["Trainee programmes published", "< 3"] in html_tables(response.get_data(as_text=True))["table-qualification"]


def test_the_csv_equals_the_page(client, make_user, login_as, known_world):
    login_as(make_user(Role.board))
    page = html_tables(client.get("/report/", query_string=Q2).get_data(as_text=True))
    for key in TABLE_KEYS:
        response = client.get(f"/report/{key}.csv", query_string=Q2)
        assert response.status_code == 200 and response.mimetype == "text/csv", key
        assert list(csv.reader(io.StringIO(response.get_data(as_text=True)))) == page[f"table-{key}"], key
    # A date range too, with the same parameters as the page.
    span = {"start": "2026-04-01", "end": "2026-05-31"}
    page = html_tables(client.get("/report/", query_string=span).get_data(as_text=True))
    rows = list(csv.reader(io.StringIO(client.get("/report/funnel.csv", query_string=span).get_data(as_text=True))))
    assert rows == page["table-funnel"]
    assert client.get("/report/nothing.csv", query_string=Q2).status_code == 404


def test_csv_cells_cannot_start_a_formula(client, make_user, login_as):
    make_user(Role.graduate, signup_source=None, signup_referrer_domain=None, created_at=utc("2026-05-01 10:00"))
    for n in range(3):
        make_user(Role.graduate, signup_source="=cmd", created_at=utc("2026-05-01 10:00"))
    login_as(make_user(Role.staff))
    rows = list(csv.reader(io.StringIO(client.get("/report/sources.csv", query_string=Q2).get_data(as_text=True))))
    assert ["'=cmd", "3"] in rows


def test_small_counts_are_hidden_everywhere(app, client, make_user, login_as, publish):
    assert [suppress(n).text for n in (0, 1, 2, 3, 17)] == ["0", "< 3", "< 3", "3", "17"]
    assert suppress(2).value is None and suppress(3).value == 3
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert share_text(2, 5) == "< 3 of 5" and share_text(4, 5) == "4 of 5 (80 %)"
        assert share_text(5, 2) == "5 of < 3" and share_text(0, 0) == "—"
    publish(OfferKind.thesis, "2026-05-01 10:00")
    publish(OfferKind.thesis, "2026-05-02 10:00")
    login_as(make_user(Role.board))
    html = client.get("/report/", query_string=Q2).get_data(as_text=True)
    tables = html_tables(html)
    assert ["Theses published", "< 3"] in tables["table-qualification"]
    assert ["Offers published", "< 3"] in tables["table-funnel"]
    # The chart draws no bar for it and says "< 3" too.
    funnel_chart = html[html.index('<svg class="chart" role="img" aria-labelledby="chart-funnel-title"'):]
    funnel_chart = funnel_chart[:funnel_chart.index("</svg>")]
    assert 'class="chart-bar"' not in funnel_chart and "&lt; 3" in funnel_chart
    rows = list(csv.reader(io.StringIO(client.get("/report/qualification.csv", query_string=Q2).get_data(as_text=True))))
    assert ["Theses published", "< 3"] in rows


@pytest.mark.parametrize("role", [Role.graduate, Role.company, Role.researcher])
def test_graduates_companies_and_researchers_may_not_read_the_report_or_the_plan(client, make_user, login_as,
                                                                                  make_measure, role):
    measure = make_measure()
    login_as(make_user(role))
    for path in ("/report/", "/report/funnel.csv", "/report/plan", f"/report/plan/{measure.id}",
                 "/report/retention", "/report/plan/new"):
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("role", [Role.board, Role.staff, Role.admin])
def test_board_and_staff_read_the_report(client, make_user, login_as, role):
    login_as(make_user(role))
    response = client.get("/report/")
    assert response.status_code == 200
    assert "Report" in response.get_data(as_text=True)  # the link in the navigation


def test_a_board_member_lands_on_the_report(client, make_user):
    board = make_user(Role.board)
    from helpers import PASSWORD

    response = client.post("/auth/login", data={"email": board.email, "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/report/")


def test_a_bad_period_is_a_clear_400(client, make_user, login_as):
    login_as(make_user(Role.board))
    for query in ({"quarter": "2026-Q5"}, {"start": "2026-05-01"}, {"start": "2026-05-01", "end": "2026-04-01"},
                  {"start": "2026-02-30", "end": "2026-03-01"}):
        response = client.get("/report/", query_string=query)
        assert response.status_code == 400, query
        assert "Please correct the period" in response.get_data(as_text=True)
        assert client.get("/report/funnel.csv", query_string=query).status_code == 400


# ---- public page views ------------------------------------------------------------------------

def _views(db, kind, object_id) -> int:
    return int(db.session.scalar(db.select(db.func.coalesce(db.func.sum(PageView.count), 0)).where(
        PageView.kind == kind, PageView.object_id == object_id)))


def test_offer_and_company_views_are_counted_without_cookies(app, db, client, make_offer, company_user, login_as):
    offer = make_offer()
    assert _views(db, PageViewKind.offer, offer.id) == 0
    for expected in (1, 2):
        response = client.get(f"/offers/{offer.id}")
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert _views(db, PageViewKind.offer, offer.id) == expected
    response = client.get(f"/companies/{offer.company_id}")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert _views(db, PageViewKind.company, offer.company_id) == 1
    # One row per day and page, and nothing about the visitor.
    rows = list(db.session.scalars(db.select(PageView)))
    assert {(row.kind, row.count) for row in rows} == {(PageViewKind.offer, 2), (PageViewKind.company, 1)}
    assert rows[0].day == queries.berlin_today()
    assert set(PageView.__table__.columns.keys()) == {"id", "day", "kind", "object_id", "count"}
    # The company's own people do not count.
    login_as(company_user(offer.company))
    assert client.get(f"/offers/{offer.id}").status_code == 200
    assert client.get(f"/companies/{offer.company_id}").status_code == 200
    assert _views(db, PageViewKind.offer, offer.id) == 2 and _views(db, PageViewKind.company, offer.company_id) == 1


def test_a_draft_is_not_counted(db, client, make_offer, make_user, login_as):
    draft = make_offer(published=False)
    login_as(make_user(Role.staff))
    assert client.get(f"/offers/{draft.id}").status_code == 200
    assert _views(db, PageViewKind.offer, draft.id) == 0


# ---- where registrations come from --------------------------------------------------------------

def _hidden(html: str, name: str) -> str:
    import re

    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def test_a_graduate_registration_keeps_its_source_and_referring_domain(db, client):
    from helpers import PASSWORD

    page = client.get("/auth/register?src=Flyer-Dock3", headers={"Referer": "https://www.BTU.de/karriere?name=anna"})
    html = page.get_data(as_text=True)
    assert _hidden(html, "src") == "flyer-dock3" and _hidden(html, "ref") == "btu.de"
    response = client.post("/auth/register", data={"email": "neu@example.org", "password": PASSWORD,
                                                   "password_again": PASSWORD, "accept_privacy": "y",
                                                   "src": "flyer-dock3", "ref": "btu.de"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "neu@example.org"))
    assert (user.signup_source, user.signup_referrer_domain) == ("flyer-dock3", "btu.de")


def test_a_company_registration_keeps_its_source_and_hostile_values_are_dropped(db, client):
    from helpers import PASSWORD

    page = client.get("/auth/register/company?src=<script>", headers={"Referer": "javascript:alert(1)"})
    html = page.get_data(as_text=True)
    assert _hidden(html, "src") == "" and _hidden(html, "ref") == ""
    response = client.post("/auth/register/company?src=newsletter", data={
        "email": "chefin@example.org", "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y",
        "mode": "new", "company_name": "Neue Firma GmbH", "sector": "energy", "src": "",
        "ref": "evil.example/<b>"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "chefin@example.org"))
    assert (user.signup_source, user.signup_referrer_domain) == ("newsletter", None)


def test_our_own_site_is_not_a_referrer(client):
    html = client.get("/auth/register", headers={"Referer": "http://localhost/offers/"}).get_data(as_text=True)
    assert _hidden(html, "ref") == ""


# ---- regional retention -------------------------------------------------------------------------

def test_staff_record_due_retention_checks_and_the_report_shows_the_share(db, client, make_user, login_as,
                                                                           make_introduction):
    today = queries.berlin_today()
    hires = [make_introduction(IntroductionState.hired, outcome_on=today - timedelta(days=400)) for _ in range(3)]
    recent = make_introduction(IntroductionState.hired, outcome_on=today - timedelta(days=30))
    staff = make_user(Role.staff)
    login_as(staff)
    page = client.get("/report/retention")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Each old hire is due twice (6 and 12 months); the recent one not yet.
    assert html.count('name="months" value="6"') == 3 and html.count('name="months" value="12"') == 3
    assert f"/report/retention/{recent.id}" not in html
    for hire, answer in zip(hires, ("yes", "yes", "no")):
        response = client.post(f"/report/retention/{hire.id}", data={"months": "6", "in_region": answer})
        assert response.status_code == 302
    assert client.get("/report/retention").get_data(as_text=True).count('name="months" value="6"') == 0
    checks = list(db.session.scalars(db.select(RetentionCheck).order_by(RetentionCheck.id)))
    assert [(c.months, c.in_region, c.checked_by_id) for c in checks] == [(6, True, staff.id)] * 2 + [(6, False, staff.id)]
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "retention_check")) == 3
    # Twice is refused, not yet due is refused, an unknown month count is a 400: the data stays.
    assert client.post(f"/report/retention/{hires[0].id}", data={"months": "6", "in_region": "no"}).status_code == 303
    assert client.post(f"/report/retention/{recent.id}", data={"months": "6", "in_region": "no"}).status_code == 303
    response = client.post(f"/report/retention/{hires[0].id}", data={"months": "7", "in_region": "no"})
    assert response.status_code == 303
    assert "Only the checks after 6 and 12 months are recorded." in followed(client, response)
    assert db.session.scalar(db.select(db.func.count(RetentionCheck.id))) == 3
    tables = html_tables(client.get("/report/").get_data(as_text=True))
    assert ["Still in the region 6 months after a hire", "< 3 of 3"] in tables["table-structural_change"]
    assert ["Still in the region 12 months after a hire", "—"] in tables["table-structural_change"]


def test_only_a_hire_has_retention_checks(client, make_user, login_as, make_introduction):
    other = make_introduction(IntroductionState.internship, outcome_on=date(2024, 1, 1))
    login_as(make_user(Role.staff))
    assert client.post(f"/report/retention/{other.id}", data={"months": "6", "in_region": "yes"}).status_code == 404


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert queries.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert queries.add_months(date(2025, 12, 15), 12) == date(2026, 12, 15)
    assert queries.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_the_board_member_finds_the_report_from_the_start_page(client, make_user, login_as):
    login_as(make_user(Role.board))
    html = client.get("/").get_data(as_text=True)
    assert 'href="/report/"' in html and 'href="/report/plan"' in html
    assert utcnow()  # the start page itself is unchanged for everyone else


def test_introductions_to_research_units_count_under_innovation(db, make_unit, make_offer, make_introduction):
    """Unit introductions and their outcomes, counted by hand for 2026-Q2 (Berlin days)."""
    from matchmaker.reports.queries import metric_value, quarter_period

    s = IntroductionState
    q2 = quarter_period(2026, 2)
    unit = make_unit(verified=False)
    unit.verified_at = utc("2026-04-02 08:00")
    early = make_unit(verified=False)
    early.verified_at = utc("2026-03-31 21:00")  # 23:00 on 31 March in Berlin: Q1
    db.session.commit()
    research = [make_offer(kind=OfferKind.research_project) for _ in range(4)]
    make_introduction(s.project_started, offer=research[0], unit=unit, now=utc("2026-04-10 10:00"),
                      outcome_on=date(2026, 5, 1))
    make_introduction(s.funding_applied, offer=research[1], unit=unit, now=utc("2026-04-11 10:00"),
                      outcome_on=date(2026, 6, 30))
    make_introduction(s.no_fit, offer=research[2], unit=unit, now=utc("2026-04-12 10:00"),
                      outcome_on=date(2026, 7, 1))  # outcome in Q3
    make_introduction(s.introduced, offer=research[3], unit=early, now=utc("2026-03-31 22:30"))  # 00:30 1 April
    make_introduction(s.no_fit, offer=research[3], now=utc("2026-04-12 10:00"),
                      outcome_on=date(2026, 4, 13))  # a graduate's "no fit": not a unit's
    assert metric_value("units.verified", q2) == 1
    assert metric_value("units.introduced", q2) == 4
    assert metric_value("units.project_started", q2) == 1
    assert metric_value("units.funding_applied", q2) == 1
    assert metric_value("units.thesis_topic_given", q2) == 0
    assert metric_value("units.no_fit", q2) == 0
    assert metric_value("started.research_project", q2) == 1
