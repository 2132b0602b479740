"""The company's feed pages: register a feed, import now, see the status, publish an imported draft."""

from __future__ import annotations

import json

import pytest
from helpers import PASSWORD

from matchmaker.models import FeedStatus, Offer, OfferFeed, OfferStatus

PAGE = """<!doctype html><html><head><title>Karriere</title>
<script type="application/ld+json">{postings}</script></head><body><h1>Karriere</h1></body></html>"""


def postings(*titles):
    return json.dumps({"@context": "https://schema.org", "@graph": [
        {"@type": "JobPosting", "identifier": f"K-{n}", "title": title, "description": f"{title} bei uns.",
         "jobLocation": {"@type": "Place", "address": {"addressLocality": "Spremberg"}},
         "employmentType": "FULL_TIME"} for n, title in enumerate(titles, 1)]})


@pytest.fixture
def app(make_app):
    return make_app(FEED_ALLOWED_NETWORKS=["127.0.0.0/8"], FEED_TIMEOUT_SECONDS=3.0, FEED_RUN_COOLDOWN_SECONDS=0)


def test_company_imports_its_career_page_and_publishes_a_draft(client, db, feed_server, make_company, company_user,
                                                                 login_as):
    feed_server.page("/karriere", PAGE.format(postings=postings("Prozessingenieur (m/w/d)", "Praktikum Chemie")))
    company = make_company(name="Lausitz Papier GmbH")
    login_as(company_user(company))
    dashboard = client.get("/companies/mine").get_data(as_text=True)
    assert 'href="/feeds/"' in dashboard
    page = client.get("/feeds/")
    assert page.status_code == 200 and "No feed registered yet" in page.get_data(as_text=True)

    response = client.post("/feeds/", data={"url": feed_server.url("/karriere"), "kind": "jsonld_page"})
    assert response.status_code == 302 and response.location == "/feeds/"
    feed = db.session.scalar(db.select(OfferFeed))
    assert feed.company_id == company.id and feed.status == FeedStatus.new

    response = client.post(f"/feeds/{feed.id}/run")
    assert response.status_code == 302
    body = client.get("/feeds/").get_data(as_text=True)
    assert "Import done: 2 postings found, 2 new drafts" in body
    assert "Prozessingenieur (m/w/d)" in body and "Working" in body
    offers = {o.title: o for o in db.session.scalars(db.select(Offer))}
    assert all(o.status == OfferStatus.draft for o in offers.values())
    offer = offers["Prozessingenieur (m/w/d)"]
    assert "Imported from your feed" in client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert client.get(f"/offers/{offer.id}", headers={}).status_code == 200

    # publish with the usual flow; the public page then carries it
    assert client.post(f"/offers/{offer.id}/publish").status_code == 302
    db.session.refresh(offer)
    assert offer.status == OfferStatus.published
    client.post("/auth/logout")
    public = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "application/ld+json" in public and "Prozessingenieur (m/w/d)" in client.get("/offers/").get_data(
        as_text=True)
    assert "Praktikum Chemie" not in client.get("/offers/").get_data(as_text=True)  # still a draft

    # the posting leaves the career page: the company sees it marked
    login_as(company_user(company))
    feed_server.page("/karriere", PAGE.format(postings=postings("Prozessingenieur (m/w/d)")))
    client.post(f"/feeds/{feed.id}/run")
    body = client.get("/feeds/").get_data(as_text=True)
    assert "No longer in the feed since" in body and "1 no longer in the feed" in body
    assert db.session.scalar(db.select(db.func.count(Offer.id))) == 2


def test_a_failing_feed_says_why_in_the_users_language(client, db, make_company, company_user, login_as,
                                                       make_feed):
    company = make_company()
    feed = make_feed("http://10.1.2.3/jobs", company=company)
    login_as(company_user(company))
    client.get("/lang/de")
    response = client.post(f"/feeds/{feed.id}/run")
    assert response.status_code == 302
    body = client.get("/feeds/").get_data(as_text=True)
    assert "Der Import ist fehlgeschlagen" in body and "privates oder besonderes Netz" in body
    assert db.session.get(OfferFeed, feed.id).status == FeedStatus.error


def test_bad_feed_input_is_refused_and_kept(client, db, make_company, company_user, login_as):
    login_as(company_user(make_company()))
    for data, field in (({"url": "", "kind": "jsonld_page"}, "url"),
                        ({"url": "ftp://example.org/jobs.xml", "kind": "xml_feed"}, "url"),
                        ({"url": "https://user:pw@example.org/", "kind": "xml_feed"}, "url"),
                        ({"url": "https://example.org/" + "a" * 2000, "kind": "json_feed"}, "url"),
                        ({"url": "https://example.org/jobs", "kind": "rss"}, "kind"),
                        ({"url": "https://[::1/", "kind": "json_feed"}, "url")):
        response = client.post("/feeds/", data=data)
        assert response.status_code == 400, data
        assert f'id="{field}-err"' in response.get_data(as_text=True), data
    longest = "https://example.org/" + "a" * (2000 - len("https://example.org/"))
    assert client.post("/feeds/", data={"url": longest, "kind": "json_feed"}).status_code == 302
    # the same address twice is refused with a message
    response = client.post("/feeds/", data={"url": longest, "kind": "json_feed"}, follow_redirects=True)
    assert "already registered" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(OfferFeed.id))) == 1


def test_feeds_are_limited_per_company(make_app, client, db, make_company, company_user, login_as):
    login_as(company_user(make_company()))
    for n in range(10):
        assert client.post("/feeds/", data={"url": f"https://example.org/{n}", "kind": "json_feed"}).status_code == 302
    response = client.post("/feeds/", data={"url": "https://example.org/11", "kind": "json_feed"},
                           follow_redirects=True)
    assert "at most 10 feeds" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(OfferFeed.id))) == 10


def test_only_the_company_and_staff_reach_a_feed(client, db, make_company, company_user, login_as, make_user,
                                                 make_feed):
    company, other = make_company(), make_company(name="Andere GmbH")
    feed = make_feed("http://10.1.2.3/jobs", company=company)
    feed_id = feed.id
    login_as(company_user(other))
    assert client.post(f"/feeds/{feed.id}/run").status_code == 404
    assert client.post(f"/feeds/{feed.id}/remove").status_code == 404
    assert "10.1.2.3" not in client.get("/feeds/").get_data(as_text=True)
    assert db.session.get(OfferFeed, feed.id).last_run_at is None

    staff = make_user("staff")
    login_as(staff)
    assert f'href="/feeds/companies/{company.id}"' in client.get(f"/staff/companies/{company.id}").get_data(
        as_text=True)
    page = client.get(f"/feeds/companies/{company.id}")
    assert page.status_code == 200 and "10.1.2.3" in page.get_data(as_text=True)
    response = client.post(f"/feeds/companies/{company.id}", data={"url": "https://example.org/jobs.xml",
                                                                    "kind": "xml_feed"})
    assert response.status_code == 302 and response.location == f"/feeds/companies/{company.id}"
    added = db.session.scalar(db.select(OfferFeed).where(OfferFeed.url == "https://example.org/jobs.xml"))
    assert added.company_id == company.id and added.created_by_id == staff.id
    assert client.post(f"/feeds/{feed.id}/run").location == f"/feeds/companies/{company.id}"
    assert client.post(f"/feeds/{feed_id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(OfferFeed, feed_id) is None


def test_import_now_waits_a_moment_between_runs(make_app, db, make_company, company_user, make_feed):
    client = make_app(FEED_RUN_COOLDOWN_SECONDS=60).test_client()
    company = make_company()
    feed = make_feed("http://10.1.2.3/jobs", company=company)
    assert client.post("/auth/login", data={"email": company_user(company).email,
                                            "password": PASSWORD}).status_code == 302
    assert client.post(f"/feeds/{feed.id}/run").status_code == 302
    first = db.session.get(OfferFeed, feed.id).last_run_at
    response = client.post(f"/feeds/{feed.id}/run", follow_redirects=True)
    assert response.status_code == 200 and "imported a moment ago" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OfferFeed, feed.id).last_run_at == first
