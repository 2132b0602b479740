"""sitemap.xml lists what the public may find; robots.txt keeps search engines off personal pages."""

from datetime import timedelta
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from defusedxml import ElementTree

from matchmaker.models import utcnow

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_paths(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    found = {}
    for url in root.findall("s:url", NS):
        lastmod = url.find("s:lastmod", NS)
        found[urlsplit(url.find("s:loc", NS).text).path] = lastmod.text if lastmod is not None else None
    return found


def test_sitemap_lists_public_offers_companies_events_and_pages(client, db, make_company, make_offer, make_event):
    verified = make_company(name="Sichtbar GmbH")
    pending = make_company(verified=False, name="Wartend GmbH")
    public = make_offer(company=verified)
    draft = make_offer(company=verified, published=False)
    unverified = make_offer(company=pending)
    expired = make_offer(company=verified)
    expired.expires_at = utcnow() - timedelta(hours=1)
    upcoming = make_event(starts_at=utcnow() + timedelta(days=7))
    cancelled = make_event(starts_at=utcnow() + timedelta(days=8))
    cancelled.cancelled_at = utcnow()
    past = make_event(starts_at=utcnow() - timedelta(days=30))
    db.session.commit()

    paths = sitemap_paths(client)
    for page in ("/", "/offers/", "/companies/", "/events/", "/about", "/privacy", "/accessibility"):
        assert page in paths, page
    assert f"/offers/{public.id}" in paths
    assert paths[f"/offers/{public.id}"] == public.updated_at.date().isoformat()
    assert f"/companies/{verified.id}" in paths and f"/events/{upcoming.id}" in paths
    for hidden in (f"/offers/{draft.id}", f"/offers/{unverified.id}", f"/offers/{expired.id}",
                   f"/companies/{pending.id}", f"/events/{cancelled.id}", f"/events/{past.id}"):
        assert hidden not in paths, hidden
    assert not any(path.startswith(("/me", "/staff", "/introductions", "/matches", "/report")) for path in paths)
    # every listed page opens for an anonymous visitor
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_sitemap_addresses_use_the_configured_public_address(make_app, make_offer):
    app = make_app(BASE_URL="https://matchmaker.example.org")
    offer = make_offer()
    body = app.test_client().get("/sitemap.xml").get_data(as_text=True)
    assert f"<loc>https://matchmaker.example.org/offers/{offer.id}</loc>" in body
    assert "localhost" not in body  # never the request's host


def test_robots_keeps_personal_pages_out_and_names_the_sitemap(client, make_offer, make_introduction):
    offer = make_offer()
    introduction = make_introduction()
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "Sitemap: http" in text and text.rstrip().splitlines()[-1].endswith("/sitemap.xml")
    robots = RobotFileParser()
    robots.parse(text.splitlines())
    for private in ("/me/", "/me/profile", "/staff/", "/staff/users", f"/introductions/{introduction.id}",
                    "/introductions/pipeline", "/matches/offers", "/report/", "/account/data", "/companies/mine",
                    "/auth/login", "/offers/new", "/events/manage"):
        assert not robots.can_fetch("AnyBot", private), private
    for public in ("/", f"/offers/{offer.id}", "/offers/", "/companies/", f"/companies/{offer.company_id}",
                   "/events/", "/about", "/sitemap.xml"):
        assert robots.can_fetch("AnyBot", public), public
    # every address in the sitemap may be fetched
    for path in sitemap_paths(client):
        assert robots.can_fetch("AnyBot", path), path
