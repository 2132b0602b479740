"""Offer import from the companies' feeds, against feeds this test serves on loopback, hostile ones included."""

from __future__ import annotations

import json
import threading
import time
from datetime import date, timedelta

import pytest

from matchmaker.feeds.fetch import FetchError, address_allowed, fetch
from matchmaker.models import FeedStatus, Offer, OfferFeed, OfferKind, OfferStatus, SalaryPeriod

LOOPBACK = ["127.0.0.0/8"]
START = (date.today() + timedelta(days=60)).isoformat()


@pytest.fixture
def app(make_app):
    # Loopback is allowed here only because the test's own server lives there.
    return make_app(FEED_ALLOWED_NETWORKS=LOOPBACK, FEED_TIMEOUT_SECONDS=2.0, FEED_MAX_BYTES=5 * 1024 * 1024)


def career_page(postings: list[dict], extra: str = "") -> str:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(p)}</script>' for p in postings)
    return f"<!doctype html><html><head><title>Karriere</title>{scripts}</head><body><h1>Jobs</h1>{extra}</body></html>"


def posting(identifier: str | None, title: str, **extra) -> dict:
    item = {"@context": "https://schema.org/", "@type": "JobPosting", "title": title,
            "description": f"<p>{title}: spannende Aufgaben.</p><ul><li>Team</li></ul>",
            "datePosted": "2026-11-01", "employmentType": "FULL_TIME",
            "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Spremberg"}},
            "hiringOrganization": {"@type": "Organization", "name": "Lausitz Energie"}}
    if identifier:
        item["identifier"] = {"@type": "PropertyValue", "name": "LE", "value": identifier}
    item.update(extra)
    return item


GOOD_PAGE = [
    posting("LE-1", "Ingenieur Wasserstoff (m/w/d)", jobStartDate=START,
            baseSalary={"@type": "MonetaryAmount", "currency": "EUR",
                        "value": {"@type": "QuantitativeValue", "minValue": 4200, "maxValue": 5100,
                                  "unitText": "MONTH"}},
            applicationContact={"@type": "ContactPoint", "name": "Anna Schulz", "contactType": "Recruiting",
                                "email": "jobs@lausitz-energie.example", "telephone": "+49 3563 1234"}),
    posting("LE-2", "Praktikum Elektrolyse", employmentType="INTERN"),
    posting(None, "Werkstudent Automatisierung", url="https://lausitz-energie.example/jobs/werkstudent",
            employmentType="PART_TIME"),
]


def imported(db, feed) -> dict[str, Offer]:
    db.session.expire_all()
    return {offer.feed_key: offer for offer in db.session.scalars(db.select(Offer).where(Offer.feed_id == feed.id))}


def run(runner, db, feed) -> OfferFeed:
    result = runner.invoke(args=["offers", "import", "--feed", str(feed.id)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return db.session.get(OfferFeed, feed.id)


# ---- good feeds ------------------------------------------------------------------------------

def test_career_page_postings_become_drafts_once(runner, db, feed_server, make_feed):
    feed_server.page("/karriere", career_page(GOOD_PAGE, extra='<script type="application/ld+json">{broken</script>'))
    feed = make_feed(feed_server.url("/karriere"))
    feed = run(runner, db, feed)
    assert feed.status == FeedStatus.ok, (feed.error_code, feed.error_detail)
    assert (feed.found_count, feed.created_count, feed.updated_count, feed.vanished_count) == (3, 3, 0, 0)
    offers = imported(db, feed)
    assert set(offers) == {"LE-1", "LE-2", "https://lausitz-energie.example/jobs/werkstudent"}
    first = offers["LE-1"]
    assert first.status == OfferStatus.draft and first.company_id == feed.company_id
    assert first.kind == OfferKind.job and first.title == "Ingenieur Wasserstoff (m/w/d)"
    assert first.description == "Ingenieur Wasserstoff (m/w/d): spannende Aufgaben.\n\n- Team"
    assert first.place == "Spremberg" and first.start_date.isoformat() == START
    assert (first.salary_min_cents, first.salary_max_cents, first.salary_period) == (420000, 510000,
                                                                                     SalaryPeriod.month)
    assert first.contact_name == "Anna Schulz" and first.contact_role == "Recruiting"
    assert first.contact_email == "jobs@lausitz-energie.example" and first.contact_phone == "+49 3563 1234"
    assert offers["LE-2"].kind == OfferKind.internship
    assert offers["https://lausitz-energie.example/jobs/werkstudent"].kind == OfferKind.working_student
    assert all(offer.published_at is None for offer in offers.values())

    # the same page again: nothing new, nothing doubled
    feed = run(runner, db, feed)
    assert (feed.found_count, feed.created_count, feed.updated_count) == (3, 0, 0)
    assert db.session.scalar(db.select(db.func.count(Offer.id))) == 3


def test_changed_posting_updates_its_draft_and_a_vanished_one_is_marked(runner, db, feed_server, make_feed):
    feed_server.page("/karriere", career_page(GOOD_PAGE))
    feed = run(runner, db, make_feed(feed_server.url("/karriere")))
    changed = [dict(GOOD_PAGE[0], title="Ingenieurin Wasserstoff (m/w/d)"), GOOD_PAGE[2]]  # LE-2 is gone
    feed_server.page("/karriere", career_page(changed))
    feed = run(runner, db, feed)
    assert (feed.found_count, feed.created_count, feed.updated_count, feed.vanished_count) == (2, 0, 1, 1)
    offers = imported(db, feed)
    assert offers["LE-1"].title == "Ingenieurin Wasserstoff (m/w/d)" and offers["LE-1"].feed_vanished_at is None
    assert offers["LE-2"].feed_vanished_at is not None and offers["LE-2"].status == OfferStatus.draft
    # it comes back: the mark goes
    feed_server.page("/karriere", career_page(GOOD_PAGE))
    run(runner, db, feed)
    assert imported(db, feed)["LE-2"].feed_vanished_at is None
    assert db.session.scalar(db.select(db.func.count(Offer.id))) == 3


def test_a_published_offer_keeps_its_text_and_is_never_published_by_the_import(runner, db, feed_server, make_feed,
                                                                                 make_company):
    feed_server.page("/karriere", career_page(GOOD_PAGE))
    feed = run(runner, db, make_feed(feed_server.url("/karriere")))
    offer = imported(db, feed)["LE-1"]
    offer.status = OfferStatus.published
    db.session.commit()
    feed_server.page("/karriere", career_page([dict(GOOD_PAGE[0], title="Neu vom Feed")] + GOOD_PAGE[1:]))
    run(runner, db, feed)
    offers = imported(db, feed)
    assert offers["LE-1"].title == "Ingenieur Wasserstoff (m/w/d)"
    assert [o.status for o in offers.values()].count(OfferStatus.published) == 1


def test_json_feed(runner, db, feed_server, make_feed):
    body = {"jobs": [
        {"id": 17, "title": "Masterarbeit Kreislaufwirtschaft", "description": "Recycling von Papier.",
         "place": "Schwarze Pumpe", "start": START, "salary": {"min": "950", "period": "month"},
         "contact": {"name": "Jan Krüger", "role": "Betreuer", "email": "thesis@example.org"}},
        {"id": "18", "title": "Trainee Logistik", "kind": "trainee"},
        {"title": ""}, "not an object"]}
    feed_server.page("/jobs.json", json.dumps(body), "application/json")
    feed = run(runner, db, make_feed(feed_server.url("/jobs.json"), kind="json_feed"))
    assert feed.status == FeedStatus.ok and feed.created_count == 2
    offers = imported(db, feed)
    assert offers["17"].kind == OfferKind.thesis and offers["17"].salary_min_cents == 95000
    assert offers["17"].contact_name == "Jan Krüger" and offers["17"].place == "Schwarze Pumpe"
    assert offers["18"].kind == OfferKind.trainee
    assert offers["18"].place  # the company's site when the feed names none


def test_an_imported_offer_takes_the_language_its_text_is_written_in(runner, db, feed_server, make_feed):
    body = {"jobs": [
        {"id": "en", "title": "Process engineer for hydrogen electrolysis",
         "description": "You will operate and improve our electrolysis plant and work with the maintenance team."},
        {"id": "de", "title": "Prozessingenieur für die Wasserstoff-Elektrolyse",
         "description": "Sie betreiben und verbessern unsere Elektrolyseanlage und arbeiten mit der Instandhaltung."},
        {"id": "none", "title": "4711", "description": "0815"}]}
    feed_server.page("/jobs.json", json.dumps(body), "application/json")
    feed = run(runner, db, make_feed(feed_server.url("/jobs.json"), kind="json_feed"))
    offers = imported(db, feed)
    assert {key: offer.language for key, offer in offers.items()} == {"en": "en", "de": "de", "none": "de"}


def test_xml_feed(runner, db, feed_server, make_feed):
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<source><publisher>Lausitz Energie</publisher>
  <job><referencenumber>X-1</referencenumber><title><![CDATA[Elektroniker (m/w/d)]]></title>
    <description><![CDATA[<p>Wartung &amp; Instandhaltung</p>]]></description><city>Spremberg</city>
    <startdate>{START}</startdate><salary_min>3100</salary_min><salary_max>3600</salary_max>
    <currency>EUR</currency><salary_period>month</salary_period></job>
  <job><url>https://example.org/jobs/2</url><title>Praktikum Chemie</title></job>
</source>"""
    feed_server.page("/jobs.xml", xml, "application/xml")
    feed = run(runner, db, make_feed(feed_server.url("/jobs.xml"), kind="xml_feed"))
    assert feed.status == FeedStatus.ok, (feed.error_code, feed.error_detail)
    offers = imported(db, feed)
    assert offers["X-1"].title == "Elektroniker (m/w/d)" and offers["X-1"].description == "Wartung & Instandhaltung"
    assert (offers["X-1"].salary_min_cents, offers["X-1"].salary_max_cents) == (310000, 360000)
    assert offers["https://example.org/jobs/2"].kind == OfferKind.internship


def test_encodings_wrong_or_undeclared_do_not_crash(runner, db, feed_server, make_feed):
    latin = career_page([posting("E-1", "Müller für Öl (m/w/d)")]).replace(
        "<head>", '<head><meta charset="iso-8859-1">').encode("iso-8859-1")
    feed_server.page("/latin", latin, "text/html")  # declared only in the page
    feed = run(runner, db, make_feed(feed_server.url("/latin")))
    assert feed.status == FeedStatus.ok and imported(db, feed)["E-1"].title == "Müller für Öl (m/w/d)"

    wrong = career_page([posting("E-2", "Bäcker")]).encode("iso-8859-1")
    feed_server.page("/wrong", wrong, "text/html; charset=utf-8")  # declared wrongly
    feed = run(runner, db, make_feed(feed_server.url("/wrong")))
    assert feed.status == FeedStatus.ok and imported(db, feed)["E-2"].title.startswith("B")

    feed_server.page("/unknown", career_page([posting("E-3", "Schlosser")]), "text/html; charset=no-such-codec")
    feed = run(runner, db, make_feed(feed_server.url("/unknown")))
    assert feed.status == FeedStatus.ok

    xml = '<?xml version="1.0" encoding="UTF-8"?><jobs><job><id>1</id><title>Größe</title></job></jobs>'
    feed_server.page("/latin.xml", xml.encode("iso-8859-1"), "application/xml")
    feed = run(runner, db, make_feed(feed_server.url("/latin.xml"), kind="xml_feed"))
    assert feed.status == FeedStatus.ok and imported(db, feed)["1"].title.startswith("Gr")

    feed_server.page("/latin.json", json.dumps([{"id": 1, "title": "Größe"}], ensure_ascii=False)
                     .encode("iso-8859-1"), "application/json")
    feed = run(runner, db, make_feed(feed_server.url("/latin.json"), kind="json_feed"))
    assert feed.status == FeedStatus.ok and imported(db, feed)["1"].title.startswith("Gr")


# ---- hostile and broken feeds ----------------------------------------------------------------

def failing(runner, db, feed, code: str) -> OfferFeed:
    started = time.monotonic()
    feed = run(runner, db, feed)
    assert feed.status == FeedStatus.error and feed.error_code == code, (feed.error_code, feed.error_detail)
    assert time.monotonic() - started < 8
    assert db.session.scalar(db.select(db.func.count(Offer.id)).where(Offer.feed_id == feed.id)) == 0
    return feed


def test_broken_markup_and_no_postings(runner, db, feed_server, make_feed):
    feed_server.page("/broken", "<html><head><script type='application/ld+json'>{\"@type\": \"JobPost")
    failing(runner, db, make_feed(feed_server.url("/broken")), "no_postings")
    feed_server.page("/binary", bytes(range(256)) * 100, "text/html")
    failing(runner, db, make_feed(feed_server.url("/binary")), "no_postings")
    feed_server.page("/bad.json", "{not json", "application/json")
    failing(runner, db, make_feed(feed_server.url("/bad.json"), kind="json_feed"), "bad_content")
    feed_server.page("/deep.json", "[" * 100_000 + "]" * 100_000, "application/json")
    failing(runner, db, make_feed(feed_server.url("/deep.json"), kind="json_feed"), "bad_content")
    feed_server.page("/bad.xml", "<jobs><job><title>x</jobs>", "application/xml")
    failing(runner, db, make_feed(feed_server.url("/bad.xml"), kind="xml_feed"), "bad_content")
    feed_server.page("/gone", "nothing here", status=404)
    feed = failing(runner, db, make_feed(feed_server.url("/gone")), "http_status")
    assert "404" in feed.error_detail


def test_a_failed_run_marks_nothing_as_vanished(runner, db, feed_server, make_feed):
    feed_server.page("/karriere", career_page(GOOD_PAGE))
    feed = run(runner, db, make_feed(feed_server.url("/karriere")))
    feed_server.page("/karriere", "down for maintenance", status=503)
    feed = run(runner, db, feed)
    assert feed.status == FeedStatus.error
    assert all(offer.feed_vanished_at is None for offer in imported(db, feed).values())


def test_billion_laughs_is_refused_without_expanding(runner, db, feed_server, make_feed):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                      for i in range(1, 10))
            + ']><jobs><job><id>1</id><title>&lol9;</title></job></jobs>')
    feed_server.page("/bomb.xml", bomb, "application/xml")
    failing(runner, db, make_feed(feed_server.url("/bomb.xml"), kind="xml_feed"), "xml_entities")
    external = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><jobs><job><title>&e;</title></job></jobs>'
    feed_server.page("/external.xml", external, "application/xml")
    failing(runner, db, make_feed(feed_server.url("/external.xml"), kind="xml_feed"), "xml_entities")


def _huge(request, with_length: bool):
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    if with_length:
        request.send_header("Content-Length", str(50 * 1024 * 1024))
    request.end_headers()
    chunk = b"<p>" + b"x" * 65530 + b"</p>"
    for _ in range(50 * 1024 * 1024 // len(chunk)):
        request.wfile.write(chunk)


def test_a_50_mb_body_is_refused_with_and_without_its_length(runner, db, feed_server, make_feed):
    feed_server.route("/huge", lambda r: _huge(r, True))
    feed = failing(runner, db, make_feed(feed_server.url("/huge")), "too_large")
    feed_server.route("/huge-stream", lambda r: _huge(r, False))
    failing(runner, db, make_feed(feed_server.url("/huge-stream")), "too_large")


def test_a_compressed_bomb_is_refused(runner, db, feed_server, make_feed):
    import gzip

    packed = gzip.compress(b" " * (50 * 1024 * 1024))  # about 50 KB on the wire
    feed_server.page("/gzip", packed, "text/html", headers={"Content-Encoding": "gzip"})
    failing(runner, db, make_feed(feed_server.url("/gzip")), "too_large")


def test_slow_and_silent_servers_hit_the_time_limit(runner, db, feed_server, make_feed):
    stop = threading.Event()

    def silent(request):
        stop.wait(10)

    def dripping(request):
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        while not stop.is_set():
            request.wfile.write(b" ")
            request.wfile.flush()
            stop.wait(0.2)

    feed_server.route("/silent", silent)
    feed_server.route("/drip", dripping)
    try:
        failing(runner, db, make_feed(feed_server.url("/silent")), "timeout")
        failing(runner, db, make_feed(feed_server.url("/drip")), "timeout")
    finally:
        stop.set()


def _redirect(to: str):
    def answer(request):
        request.send_response(302)
        request.send_header("Location", to)
        request.send_header("Content-Length", "0")
        request.end_headers()
    return answer


def test_redirects_are_limited_and_may_not_leave_the_host(runner, db, feed_server, make_feed):
    feed_server.route("/loop", _redirect("/loop"))
    failing(runner, db, make_feed(feed_server.url("/loop")), "too_many_redirects")
    feed_server.route("/away", _redirect("http://192.168.1.1/jobs"))
    failing(runner, db, make_feed(feed_server.url("/away")), "redirect_elsewhere")
    feed_server.route("/metadata", _redirect("http://169.254.169.254/latest/meta-data/"))
    failing(runner, db, make_feed(feed_server.url("/metadata")), "redirect_elsewhere")
    # within the host a redirect is followed
    feed_server.route("/old", _redirect("/karriere"))
    feed_server.page("/karriere", career_page(GOOD_PAGE))
    assert run(runner, db, make_feed(feed_server.url("/old"))).status == FeedStatus.ok


def test_private_and_special_addresses_are_never_asked(make_app, runner, db, feed_server, make_feed):
    for url in ("http://10.0.0.1/jobs", "http://169.254.169.254/latest/meta-data/", "http://[::1]/jobs",
                "http://[::ffff:127.0.0.1]:1/jobs", "http://224.0.0.1/", "http://0.0.0.0/", "http://100.64.0.1/",
                "http://192.168.178.1/"):
        if "127.0.0.1" in url:
            continue  # loopback is allowed in this test's app; see the next test for the default
        failing(runner, db, make_feed(url), "forbidden_address")
    for url in ("ftp://example.org/jobs", "file:///etc/passwd", "http://user:pw@example.org/", "http:///x",
                "http://a..b/jobs"):
        failing(runner, db, make_feed(url), "invalid_url")


def test_loopback_is_refused_unless_allowed(make_app, feed_server, make_feed):
    app = make_app()  # the default: no network allowed besides the public internet
    assert app.config["FEED_ALLOWED_NETWORKS"] == []
    feed_server.page("/karriere", career_page(GOOD_PAGE))
    runner = app.test_cli_runner()
    feed = make_feed(feed_server.url("/karriere").replace("127.0.0.1", "localhost"))
    result = runner.invoke(args=["offers", "import"])
    assert result.exit_code == 0 and "forbidden_address" in result.output
    assert feed_server.hits == []  # not even one request went out


def test_address_rules():
    import ipaddress

    allowed = [ipaddress.ip_network("127.0.0.0/8")]
    ip = ipaddress.ip_address
    assert address_allowed(ip("93.184.216.34"), []) and address_allowed(ip("2a00:1450:4001::1"), [])
    for bad in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1",
                "ff02::1", "::"):
        assert not address_allowed(ip(bad), []), bad
    assert address_allowed(ip("127.0.0.1"), allowed) and address_allowed(ip("::ffff:127.0.0.1"), allowed)
    assert not address_allowed(ip("10.0.0.1"), allowed)


def test_the_host_is_resolved_once_and_the_checked_address_is_used(feed_server):
    feed_server.page("/karriere", career_page(GOOD_PAGE))
    fetched = fetch(feed_server.url("/karriere").replace("127.0.0.1", "localhost"), allowed_networks=LOOPBACK,
                    timeout=2)
    assert b"JobPosting" in fetched.body
    with pytest.raises(FetchError) as refused:
        fetch("http://localhost:1/", allowed_networks=[], timeout=2)
    assert refused.value.code == "forbidden_address"


def test_one_bad_feed_stops_no_other(runner, db, feed_server, make_feed):
    feed_server.page("/karriere", career_page(GOOD_PAGE))
    bad = make_feed("http://10.0.0.1/jobs")
    good = make_feed(feed_server.url("/karriere"))
    result = runner.invoke(args=["offers", "import"])
    assert result.exit_code == 0, result.output
    assert "imported 1 feed(s), 1 failed" in result.output
    db.session.expire_all()
    assert db.session.get(OfferFeed, bad.id).status == FeedStatus.error
    assert db.session.get(OfferFeed, good.id).status == FeedStatus.ok


def test_https_certificates_are_verified_against_the_host_name(tmp_path):
    """The connection goes to the checked address, yet TLS still checks the host's certificate: a self-signed
    one is refused with a clear status."""
    import http.server
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(FetchError) as refused:
            fetch(f"https://localhost:{server.server_address[1]}/", allowed_networks=LOOPBACK, timeout=3)
        assert refused.value.code == "tls" and "certificate" in refused.value.detail
    finally:
        server.shutdown()
        server.server_close()
