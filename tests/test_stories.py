"""Success stories and news: the consent gate of the people named, withdrawal, the public places they appear,
the Atom feed, the image upload (content checks and metadata), Open Graph tags, the report and the GDPR rights."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from PIL import Image

from matchmaker.models import (ConsentRecord, OfferStatus, PageView, PageViewKind, Role, Story, StoryKind, StoryPerson,
                               StoryStatus)

ATOM = "{http://www.w3.org/2005/Atom}"


# ---- helpers ------------------------------------------------------------------------------------

class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("property", "").startswith("og:"):
            self.meta[attrs["property"]] = attrs.get("content") or ""


def og_tags(html: str) -> dict[str, str]:
    parser = _Meta()
    parser.feed(html)
    return parser.meta


def png_bytes(size=(64, 48), color=(200, 30, 30), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_gps(size=(2000, 1000)) -> bytes:
    """A JPEG with camera, time and GPS position in its EXIF block."""
    image = Image.new("RGB", size, (20, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Fictional Camera Maker"          # Make
    exif[0x0110] = "Model 7"                         # Model
    exif[0x0132] = "2026:05:01 10:00:00"             # DateTime
    exif[0x0112] = 1                                 # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 34.0, 12.0)                      # near Spremberg
    gps[3] = "E"
    gps[4] = (14.0, 22.0, 30.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return buffer.getvalue()


def story_form(**overrides) -> dict:
    data = {"kind": "story", "title_de": "Vom Hörsaal ins Kraftwerk", "title_en": "From lecture hall to power plant",
            "summary_de": "Eine Absolventin fand ihre Stelle.", "summary_en": "A graduate found her post.",
            "body_de": "Sie arbeitet heute in der Leitwarte.", "body_en": "Today she works in the control room.",
            "image_alt_de": "", "image_alt_en": "", "people": ""}
    data.update(overrides)
    return data


@pytest.fixture
def staff(make_user):
    return make_user(Role.staff)


def fetch(client, url):
    """GET `url` and close the response (a served file stays open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _new_story(client, data) -> Story | None:
    response = client.post("/stories/new", data=data, content_type="multipart/form-data")
    assert response.status_code in (302, 400), response.status_code
    return None if response.status_code == 400 else Story.query.order_by(Story.id.desc()).first()


# ---- the consent gate ---------------------------------------------------------------------------

def test_a_story_naming_a_person_is_published_only_after_they_confirm(app, client, db, staff, make_user, login_as,
                                                                     outbox):
    graduate = make_user(Role.graduate, email="marta@example.org")
    login_as(staff)
    story = _new_story(client, story_form(people="Marta@Example.org\n"))
    assert story is not None and story.status == StoryStatus.draft
    assert [p.user_id for p in story.people] == [graduate.id]

    response = client.post(f"/stories/{story.id}/publish")
    assert response.status_code == 302
    db.session.refresh(story)
    assert story.status == StoryStatus.awaiting_consent
    assert story.published_at is None
    assert [m.kind for m in outbox("marta@example.org")] == ["story_confirm"]

    client.post("/auth/logout")
    assert client.get(f"/stories/{story.id}").status_code == 404
    assert "Vom Hörsaal" not in client.get("/stories/").get_data(as_text=True)
    assert client.get(f"/stories/{story.id}/image").status_code == 404

    login_as(graduate)
    page = client.get("/stories/confirmations").get_data(as_text=True)
    assert "I agree that the Präsenzstelle publishes the story" in page
    assert "From lecture hall to power plant" in page
    response = client.post(f"/stories/{story.id}/confirm")
    assert response.status_code == 302
    db.session.refresh(story)
    assert story.status == StoryStatus.published and story.published_at is not None
    consent = db.session.scalar(sa.select(ConsentRecord).where(ConsentRecord.user_id == graduate.id))
    assert consent.purpose == "story" and "From lecture hall to power plant" in consent.text
    assert story.people[0].consent_id == consent.id

    client.post("/auth/logout")
    assert client.get(f"/stories/{story.id}").status_code == 200
    assert "From lecture hall to power plant" in client.get("/stories/").get_data(as_text=True)


def test_staff_cannot_publish_around_a_missing_confirmation(app, client, db, staff, make_user, make_story, login_as):
    graduate = make_user(Role.graduate)
    story = make_story(StoryStatus.draft, people=[graduate])
    login_as(staff)
    client.post(f"/stories/{story.id}/publish")
    # A second try neither publishes nor asks again.
    response = client.post(f"/stories/{story.id}/publish")
    assert response.status_code == 303
    db.session.refresh(story)
    assert story.status == StoryStatus.awaiting_consent


def test_a_story_naming_nobody_is_published_at_once(client, db, staff, make_story, login_as):
    story = make_story(StoryStatus.draft, kind=StoryKind.news)
    login_as(staff)
    client.post(f"/stories/{story.id}/publish")
    db.session.refresh(story)
    assert story.status == StoryStatus.published


def test_only_the_person_named_can_confirm(client, db, make_user, make_story, login_as):
    named, other = make_user(Role.graduate), make_user(Role.graduate)
    story = make_story(StoryStatus.awaiting_consent, people=[named])
    login_as(other)
    assert client.post(f"/stories/{story.id}/confirm").status_code == 404
    db.session.refresh(story)
    assert story.status == StoryStatus.awaiting_consent and story.people[0].confirmed_at is None


def test_changing_a_confirmed_story_asks_the_person_again_and_takes_it_offline(client, db, staff, make_user,
                                                                              make_story, login_as, outbox):
    graduate = make_user(Role.graduate, email="anna@example.org")
    story = make_story(people=[graduate], confirmed=True)
    login_as(staff)
    response = client.post(f"/stories/{story.id}/edit", content_type="multipart/form-data",
                           data=story_form(title_en="A different title", people="anna@example.org"))
    assert response.status_code == 302
    db.session.refresh(story)
    assert story.status == StoryStatus.awaiting_consent
    assert story.people[0].confirmed_at is None
    assert [m.kind for m in outbox("anna@example.org")] == ["story_confirm"]


# ---- withdrawal ---------------------------------------------------------------------------------

def test_withdrawal_takes_the_story_offline_at_once(app, client, db, make_user, make_company, make_story, login_as,
                                                   outbox, staff):
    graduate = make_user(Role.graduate)
    company = make_company()
    story = make_story(people=[graduate], confirmed=True, companies=[company], author_id=staff.id)
    assert client.get(f"/stories/{story.id}").status_code == 200
    assert "From the lecture hall" in client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "From the lecture hall" in client.get("/").get_data(as_text=True)

    login_as(graduate)
    client.post(f"/stories/{story.id}/confirm")  # already confirmed: refused, nothing changes
    assert client.post(f"/stories/{story.id}/withdraw").status_code == 302
    db.session.refresh(story)
    assert story.status == StoryStatus.withdrawn
    assert story.people[0].withdrawn_at is not None
    assert [m.kind for m in outbox(staff.email)] == ["story_withdrawn"]

    client.post("/auth/logout")
    assert client.get(f"/stories/{story.id}").status_code == 410
    assert client.get(f"/stories/{story.id}/image").status_code == 410
    assert "From the lecture hall" not in client.get("/stories/").get_data(as_text=True)
    assert "From the lecture hall" not in client.get("/").get_data(as_text=True)
    assert "From the lecture hall" not in client.get(f"/companies/{company.id}").get_data(as_text=True)
    feed = client.get("/stories/feed.atom?lang=en").get_data(as_text=True)
    assert "From the lecture hall" not in feed


def test_staff_take_a_story_offline_and_it_answers_410(client, db, staff, make_story, login_as):
    story = make_story()
    login_as(staff)
    client.post(f"/stories/{story.id}/offline")
    client.post("/auth/logout")
    assert client.get(f"/stories/{story.id}").status_code == 410


# ---- where stories appear -----------------------------------------------------------------------

def test_public_list_is_paginated_and_in_the_readers_language(app, client, make_story):
    for number in range(app.config["PAGE_SIZE"] + 3):
        make_story(title_de=f"Geschichte {number:02d}", title_en=f"Story {number:02d}", kind=StoryKind.news)
    make_story(StoryStatus.draft, title_de="Entwurf", title_en="Draft story")
    first = client.get("/stories/").get_data(as_text=True)
    assert "Story 22" in first and "Draft story" not in first and "Geschichte" not in first
    second = client.get("/stories/?page=2").get_data(as_text=True)
    assert "Story 00" in second
    german = client.get("/stories/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Geschichte 22" in german
    assert client.get("/stories/?kind=story").status_code == 200
    assert client.get("/stories/?kind=nonsense").status_code == 200


def test_a_story_in_one_language_falls_back_and_says_so(client, make_story):
    story = make_story(title_en="", summary_en="", body_en="")
    page = client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert 'lang="de"' in page and "Vom Hörsaal ins Kraftwerk" in page


def test_company_page_shows_only_its_own_stories(client, make_company, make_story):
    ours, theirs = make_company(), make_company()
    make_story(title_en="Our story", companies=[ours])
    make_story(title_en="Their story", companies=[theirs])
    page = client.get(f"/companies/{ours.id}").get_data(as_text=True)
    assert "Our story" in page and "Their story" not in page


def test_story_views_are_counted_per_day_for_the_report(client, db, make_story, make_user, login_as):
    from matchmaker.reports import queries

    story = make_story()
    client.get(f"/stories/{story.id}")
    client.get(f"/stories/{story.id}")
    row = db.session.scalar(sa.select(PageView).where(PageView.kind == PageViewKind.story))
    assert row.object_id == story.id and row.count == 2
    assert "Set-Cookie" not in client.get(f"/stories/{story.id}").headers
    period = queries.quarter_period(*queries.quarter_of(queries.berlin_today()))
    assert queries.metric_value("page_views.story", period) == 3
    assert queries.metric_value("stories.published", period) == 1
    assert queries.metric_value("news.published", period) == 0
    login_as(make_user(Role.board))
    report = client.get("/report/").get_data(as_text=True)
    assert "Story and news page views" in report and "Success stories published" in report


# ---- the feed -----------------------------------------------------------------------------------

def test_feed_parses_as_atom_with_the_published_entries_newest_first(app, client, make_story):
    from datetime import timedelta

    from matchmaker.models import utcnow

    older = make_story(title_en="Older story", published_at=utcnow() - timedelta(days=3))
    newer = make_story(title_en="Newer news", kind=StoryKind.news, published_at=utcnow() - timedelta(days=1))
    make_story(StoryStatus.draft, title_en="A draft")
    make_story(StoryStatus.awaiting_consent, title_en="Waiting")
    response = client.get("/stories/feed.atom?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Newer news", "Older story"]
    base = app.config["BASE_URL"].rstrip("/")
    assert entries[0].find(f"{ATOM}link").get("href") == f"{base}/stories/{newer.id}"
    assert entries[1].findtext(f"{ATOM}id") == f"{base}/stories/{older.id}"
    assert entries[1].findtext(f"{ATOM}summary") == "A BTU graduate found her post in the industrial park."
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}published")
    german = ET.fromstring(client.get("/stories/feed.atom?lang=de").data)
    assert german.findall(f"{ATOM}entry")[1].findtext(f"{ATOM}title") == "Vom Hörsaal ins Kraftwerk"


def test_empty_feed_is_still_atom(client):
    root = ET.fromstring(client.get("/stories/feed.atom").data)
    assert root.tag == f"{ATOM}feed" and root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}updated")


# ---- the image upload ---------------------------------------------------------------------------

def test_upload_strips_exif_and_gps_and_resizes(app, client, db, staff, login_as, tmp_path):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test image does carry GPS
    login_as(staff)
    story = _new_story(client, story_form(image=(io.BytesIO(original), "holiday.jpg", "image/jpeg"),
                                          image_alt_en="The control room"))
    assert story is not None and story.image
    client.post(f"/stories/{story.id}/publish")
    client.post("/auth/logout")
    for url, widest in ((f"/stories/{story.id}/image", 1600), (f"/stories/{story.id}/thumbnail", 480)):
        response = fetch(client, url)
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        stored = Image.open(io.BytesIO(response.data))
        assert stored.format == "JPEG" and stored.width == widest
        assert len(stored.getexif()) == 0
        assert "exif" not in stored.info and "comment" not in stored.info and "icc_profile" not in stored.info
        assert b"Fictional Camera" not in response.data and b"secret comment" not in response.data
    # Stored under the instance folder, never under static/.
    files = list((tmp_path / "instance" / "uploads" / "stories").iterdir())
    assert sorted(f.name for f in files) == sorted([f"{story.image}.jpg", f"{story.image}-thumb.jpg"])


def test_exif_orientation_is_applied_before_the_tag_is_dropped(client, staff, login_as):
    image = Image.new("RGB", (300, 100), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    login_as(staff)
    story = _new_story(client, story_form(image=(io.BytesIO(buffer.getvalue()), "photo.jpg", "image/jpeg")))
    stored = Image.open(io.BytesIO(fetch(client, f"/stories/{story.id}/image").data))
    assert stored.size == (100, 300)


def _bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000), 0).save(buffer, "PNG", optimize=True)  # 144 megapixels in a few kB
    return buffer.getvalue()


@pytest.mark.parametrize("case", ["text_as_png", "truncated", "bomb", "empty_name_is_no_file", "gif"])
def test_upload_refuses_what_is_not_a_clean_image(app, client, db, staff, login_as, case):
    data = {"text_as_png": b"this is just text, not a picture\n" * 20,
            "truncated": png_bytes((400, 300))[:200],
            "bomb": _bomb() if case == "bomb" else b"",
            "gif": b"GIF89a" + b"\x00" * 50}.get(case, b"")
    login_as(staff)
    before = db.session.scalar(sa.select(sa.func.count(Story.id)))
    name = "" if case == "empty_name_is_no_file" else "picture.png"
    response = client.post("/stories/new", content_type="multipart/form-data",
                           data=story_form(image=(io.BytesIO(data), name, "image/png")))
    if case == "empty_name_is_no_file":  # no file chosen: the story is saved without an image
        assert response.status_code == 302
        return
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    expected = {"text_as_png": "not an image we can read", "gif": "not an image we can read",
                "truncated": "damaged or incomplete", "bomb": "too many pixels"}[case]
    assert expected in page
    # What was typed stays in the form; nothing was saved.
    assert "Vom Hörsaal ins Kraftwerk" in page
    assert db.session.scalar(sa.select(sa.func.count(Story.id))) == before


def test_too_large_images_get_a_clear_message(make_app, make_user, login_as):
    app = make_app(STORY_IMAGE_MAX_BYTES=20_000, MAX_CONTENT_LENGTH=60_000)
    client = app.test_client()
    staff = make_user(Role.staff)
    client.post("/auth/login", data={"email": staff.email, "password": "correct horse battery staple"})
    noisy = Image.merge("RGB", [Image.effect_noise((120, 120), 90) for _ in range(3)])
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    assert 20_000 < len(buffer.getvalue()) < 60_000
    response = client.post("/stories/new", content_type="multipart/form-data",
                           data=story_form(image=(io.BytesIO(buffer.getvalue()), "big.png", "image/png")))
    assert response.status_code == 400
    assert "The image is too large: at most" in response.get_data(as_text=True)
    # Beyond the request limit the server answers 413 before reading the body.
    huge = b"\x89PNG" + b"\x00" * 100_000
    response = client.post("/stories/new", content_type="multipart/form-data",
                           data=story_form(image=(io.BytesIO(huge), "huge.png", "image/png")))
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_images_of_unpublished_stories_are_not_public(client, staff, login_as, make_user):
    graduate = make_user(Role.graduate, email="ben@example.org")
    login_as(staff)
    story = _new_story(client, story_form(people="ben@example.org",
                                          image=(io.BytesIO(png_bytes()), "p.png", "image/png")))
    assert fetch(client, f"/stories/{story.id}/image").status_code == 200
    login_as(graduate)  # the person named sees it before confirming
    response = fetch(client, f"/stories/{story.id}/image")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    client.post("/auth/logout")
    assert client.get(f"/stories/{story.id}/image").status_code == 404
    assert client.get(f"/stories/{story.id}/thumbnail").status_code == 404


# ---- the form -----------------------------------------------------------------------------------

def test_longest_allowed_texts_are_saved_and_one_more_character_is_refused(client, db, staff, login_as):
    login_as(staff)
    longest = story_form(title_de="T" * 200, title_en="E" * 200, summary_de="s" * 500, summary_en="S" * 500,
                         body_de="b " * 10000, body_en="B" * 20000, image_alt_de="a" * 300, image_alt_en="A" * 300)
    story = _new_story(client, longest)
    assert story is not None and len(story.title_de) == 200 and len(story.body_en) == 20000
    for name, length in (("title_en", 201), ("summary_de", 501), ("body_de", 20001), ("image_alt_en", 301)):
        response = client.post("/stories/new", content_type="multipart/form-data",
                               data=story_form(**{name: "x" * length}))
        assert response.status_code == 400, name
        assert "At most" in response.get_data(as_text=True)


@pytest.mark.parametrize("overrides, message", [
    ({"title_de": "", "title_en": ""}, "Please enter a title in German or English"),
    ({"body_de": "", "body_en": ""}, "Please write the text in German or English"),
    ({"kind": "rumour"}, "Please choose one of the listed values"),
    ({"people": "nobody@example.org"}, "No active account has the address nobody@example.org"),
    ({"people": "\n".join(f"p{i}@example.org" for i in range(11))}, "at most 10 people"),
])
def test_bad_story_input_is_refused_with_a_message(client, db, staff, login_as, overrides, message):
    login_as(staff)
    response = client.post("/stories/new", content_type="multipart/form-data", data=story_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Story.id))) == 0


def test_links_to_companies_offers_and_events_are_kept(client, db, staff, login_as, make_company, make_offer,
                                                     make_event):
    company, offer, event = make_company(), make_offer(), make_event()
    login_as(staff)
    story = _new_story(client, story_form(companies=[str(company.id)], offers=[str(offer.id)],
                                          events=[str(event.id)]))
    assert {(link.company_id, link.offer_id, link.event_id) for link in story.links} == {
        (company.id, None, None), (None, offer.id, None), (None, None, event.id)}
    client.post(f"/stories/{story.id}/publish")
    page = client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert company.name in page and offer.title in page and "Visit to LEAG" in page
    # An unknown id is refused, not silently dropped.
    response = client.post("/stories/new", content_type="multipart/form-data",
                           data=story_form(companies=["99999"]))
    assert response.status_code == 400


def test_offers_are_named_by_number_or_address_and_the_form_does_not_list_every_offer(
        client, db, staff, login_as, make_offer):
    chosen = make_offer(title="Praktikum Leitwarte")
    other = make_offer(title="Werkstudent Instandhaltung")
    draft = make_offer(title="Entwurf Elektrolyse", published=False)
    login_as(staff)
    form = client.get("/stories/new").get_data(as_text=True)
    assert 'name="offers"' in form and "Werkstudent Instandhaltung" not in form  # no list of every offer
    typed = (f"https://matchmaker.example/offers/{chosen.id}?from=list\n\n"
             f"  {other.id} Werkstudent Instandhaltung (Firma)\n/offers/{chosen.id}")
    story = _new_story(client, story_form(offers=typed))
    assert story is not None and [link.offer_id for link in story.links] == [chosen.id, other.id]
    # The edit form shows the offers chosen by number and title, and saving it unchanged keeps them.
    edit = client.get(f"/stories/{story.id}/edit").get_data(as_text=True)
    assert f"{chosen.id} Praktikum Leitwarte (" in edit and f"{other.id} Werkstudent Instandhaltung (" in edit
    # What the story is about stays choosable once no longer public; another offer that is not public does not.
    chosen.status = OfferStatus.closed
    db.session.commit()
    kept = story_form(offers=f"{chosen.id} Praktikum Leitwarte\n{other.id}")
    response = client.post(f"/stories/{story.id}/edit", content_type="multipart/form-data", data=kept)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.refresh(story)
    assert sorted(link.offer_id for link in story.links) == sorted([chosen.id, other.id])
    for text, message in ((f"{draft.id}", f"No public offer has the number {draft.id}."),
                          ("99999999999", "No public offer has the number 99999999999."),
                          ("Praktikum Leitwarte", 'Not an offer\'s number or address: "Praktikum Leitwarte"'),
                          ("https://matchmaker.example/companies/3", "Not an offer&#39;s number or address")):
        response = client.post("/stories/new", content_type="multipart/form-data", data=story_form(offers=text))
        assert response.status_code == 400, text
        page = response.get_data(as_text=True)
        assert message.replace("'", "&#39;").replace('"', "&#34;") in page, text
    # The message repeats what was typed, escaped.
    response = client.post("/stories/new", content_type="multipart/form-data", data=story_form(offers="<b>Neu</b>"))
    assert response.status_code == 400
    assert "&#34;&lt;b&gt;Neu&lt;/b&gt;&#34;" in response.get_data(as_text=True)
    assert "<b>Neu</b>" not in response.get_data(as_text=True)
    too_many = "\n".join(str(n) for n in range(1, 60))
    response = client.post("/stories/new", content_type="multipart/form-data", data=story_form(offers=too_many))
    assert response.status_code == 400 and "Please name at most 50 offers." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Story.id))) == 1


def test_a_link_row_names_exactly_one_target(db, make_story, make_company, make_offer):
    from matchmaker.models import StoryLink

    story = make_story()
    db.session.add(StoryLink(story_id=story.id, company_id=make_company().id, offer_id=make_offer().id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(StoryLink(story_id=story.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


# ---- Open Graph ---------------------------------------------------------------------------------

def test_open_graph_tags_on_the_public_pages(app, client, make_story, make_offer, make_event, staff, login_as):
    offer = make_offer()
    event = make_event()
    login_as(staff)
    story = _new_story(client, story_form(image=(io.BytesIO(png_bytes()), "p.png", "image/png"),
                                          companies=[str(offer.company_id)]))
    client.post(f"/stories/{story.id}/publish")
    client.post("/auth/logout")
    base = app.config["BASE_URL"].rstrip("/")
    pages = {f"/stories/{story.id}": "article", f"/offers/{offer.id}": "website",
             f"/companies/{offer.company_id}": "website", f"/events/{event.id}": "website", "/": "website",
             "/stories/": "website"}
    for path, kind in pages.items():
        tags = og_tags(client.get(path).get_data(as_text=True))
        assert {"og:title", "og:description", "og:image", "og:type", "og:url"} <= tags.keys(), path
        assert tags["og:type"] == kind, path
        assert tags["og:title"] and tags["og:description"], path
        assert tags["og:url"] == base + path, path
        assert tags["og:image"].startswith(base + "/"), path
    story_tags = og_tags(client.get(f"/stories/{story.id}").get_data(as_text=True))
    assert story_tags["og:image"].startswith(f"{base}/stories/{story.id}/image")
    assert story_tags["og:description"] == "A graduate found her post."
    assert fetch(client, story_tags["og:image"][len(base):]).status_code == 200
    assert fetch(client, og_tags(client.get("/").get_data(as_text=True))["og:image"][len(base):]).status_code == 200


def test_open_graph_url_is_on_the_public_address_not_the_host_header(client, make_story):
    story = make_story()
    tags = og_tags(client.get(f"/stories/{story.id}", headers={"Host": "127.0.0.1"}).get_data(as_text=True))
    assert tags["og:url"].startswith("http://127.0.0.1:5000/")


# ---- GDPR ---------------------------------------------------------------------------------------

def test_export_contains_the_story_confirmations(client, make_user, make_story, login_as):
    graduate = make_user(Role.graduate)
    story = make_story(StoryStatus.awaiting_consent, people=[graduate])
    login_as(graduate)
    client.post(f"/stories/{story.id}/confirm")
    data = client.get("/account/data/export.json").get_json()
    confirmations = data["story_confirmations"]
    assert len(confirmations) == 1
    assert confirmations[0]["story_id"] == story.id and confirmations[0]["confirmed_at"]
    assert any(c["purpose"] == "story" for c in data["consents"])


def test_erasure_removes_the_person_and_takes_the_story_offline(app, db, make_user, make_story):
    from matchmaker.gdpr.operations import erase_user

    graduate = make_user(Role.graduate)
    other = make_user(Role.graduate)
    story = make_story(people=[graduate, other], confirmed=True)
    untouched = make_story(people=[other], confirmed=True)
    erase_user(graduate)
    db.session.commit()
    db.session.refresh(story)
    assert story.status == StoryStatus.withdrawn
    assert [p.user_id for p in story.people] == [other.id]
    assert db.session.scalar(sa.select(sa.func.count(StoryPerson.id)).where(StoryPerson.user_id == graduate.id)) == 0
    db.session.refresh(untouched)
    assert untouched.status == StoryStatus.published


def test_the_story_form_sets_no_column_it_does_not_show(client, db, staff, make_user, login_as):
    other = make_user(Role.staff)
    login_as(staff)
    story = _new_story(client, story_form(status="published", published_at="2020-01-01 00:00:00",
                                          author_id=str(other.id), image="../../etc/passwd", id="7",
                                          offline_at="2020-01-01", created_at="2020-01-01"))
    assert story is not None
    assert story.status == StoryStatus.draft and story.published_at is None and story.offline_at is None
    assert story.author_id == staff.id and story.image is None


def test_my_consents_link_a_story_confirmation_to_its_story(client, make_user, make_story, login_as):
    graduate = make_user(Role.graduate)
    story = make_story(StoryStatus.awaiting_consent, people=[graduate])
    login_as(graduate)
    assert f'href="/stories/{story.id}"' not in client.get("/introductions/consents").get_data(as_text=True)
    client.post(f"/stories/{story.id}/confirm")
    page = client.get("/introductions/consents").get_data(as_text=True)
    assert f'href="/stories/{story.id}">The story</a>' in page
    assert client.get(f"/stories/{story.id}").status_code == 200


def test_my_data_page_says_how_many_stories_wait_for_me(client, make_user, make_story, login_as):
    graduate = make_user(Role.graduate)
    make_story(StoryStatus.awaiting_consent, people=[graduate])
    make_story(StoryStatus.draft, people=[graduate])  # not asked yet
    login_as(graduate)
    page = client.get("/account/data").get_data(as_text=True)
    assert "1 story waits for your confirmation." in page
    assert 'href="/stories/confirmations"' in page


def test_stories_about_one_target_by_its_link_column(make_story, make_offer, make_event):
    from matchmaker.models import StoryLink
    from matchmaker.stories import queries

    offer, event = make_offer(), make_event()
    about_offer = make_story(offers=[offer])
    about_event = make_story(events=[event])
    make_story(StoryStatus.draft, offers=[offer], events=[event])
    assert queries.stories_about_offer(offer.id) == [about_offer]
    assert queries.stories_about_event(event.id) == [about_event]
    assert queries.stories_about(StoryLink.event_id, event.id) == [about_event]


# ---- research units -----------------------------------------------------------------------------

def test_a_story_about_a_unit_shows_on_its_page_and_goes_when_withdrawn(app, client, db, staff, make_user, make_unit,
                                                                       login_as, outbox):
    unit, other = make_unit(name="Lehrstuhl Sensornetze"), make_unit(name="Labor Korrosion")
    unverified = make_unit(name="Noch nicht geprüft", verified=False)
    graduate = make_user(Role.graduate)
    login_as(staff)
    form = client.get("/stories/new").get_data(as_text=True)
    assert "Lehrstuhl Sensornetze" in form and "Noch nicht geprüft" not in form
    # Only verified units may be chosen.
    response = client.post("/stories/new", content_type="multipart/form-data",
                           data=story_form(units=[str(unverified.id)]))
    assert response.status_code == 400
    story = _new_story(client, story_form(units=[str(unit.id)], people=graduate.email,
                                          image=(io.BytesIO(png_bytes()), "p.png", "image/png")))
    assert story is not None and [link.research_unit_id for link in story.links] == [unit.id]
    # The edit form shows the unit as chosen.
    edit = client.get(f"/stories/{story.id}/edit").get_data(as_text=True)
    (unit_box,) = re.findall(rf'<input[^>]*name="units"[^>]*value="{unit.id}"[^>]*>', edit)
    assert "checked" in unit_box
    client.post(f"/stories/{story.id}/publish")
    client.post("/auth/logout")
    # Not public before the person named confirmed it.
    assert "From lecture hall to power plant" not in client.get(f"/units/{unit.id}").get_data(as_text=True)

    login_as(graduate)
    assert client.post(f"/stories/{story.id}/confirm").status_code == 302
    db.session.refresh(story)
    assert story.status == StoryStatus.published
    client.post("/auth/logout")
    page = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "From lecture hall to power plant" in page and 'id="stories-heading"' in page
    assert "From lecture hall to power plant" not in client.get(f"/units/{other.id}").get_data(as_text=True)
    # The story names the unit it is about, with a link to its page.
    assert f'href="/units/{unit.id}"' in client.get(f"/stories/{story.id}").get_data(as_text=True)
    base = app.config["BASE_URL"].rstrip("/")
    tags = og_tags(page)
    assert tags["og:title"] == "Lehrstuhl Sensornetze" and tags["og:url"] == f"{base}/units/{unit.id}"
    assert tags["og:image"].startswith(f"{base}/stories/{story.id}/image") and tags["og:description"]

    login_as(graduate)
    assert client.post(f"/stories/{story.id}/withdraw").status_code == 302
    client.post("/auth/logout")
    page = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "From lecture hall to power plant" not in page and 'id="stories-heading"' not in page
    assert og_tags(page)["og:image"].startswith(f"{base}/static/")


def test_an_unverified_units_page_carries_no_stories_and_no_link_preview(client, db, make_unit, make_story, staff,
                                                                         login_as):
    unit = make_unit(verified=False)
    make_story(title_en="About a hidden unit", units=[unit])
    login_as(staff)
    page = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "About a hidden unit" not in page and not og_tags(page)


def test_stories_about_a_unit_by_its_link_column(make_story, make_unit, make_company):
    from matchmaker.stories import queries

    unit, company = make_unit(), make_company()
    about_unit = make_story(units=[unit], companies=[company])
    make_story(StoryStatus.draft, units=[unit])
    make_story(StoryStatus.offline, units=[unit])
    assert queries.stories_about_unit(unit.id) == [about_unit]
    assert queries.stories_about_company(company.id) == [about_unit]


def test_a_unit_link_names_only_the_unit(db, make_story, make_unit, make_company):
    from matchmaker.models import StoryLink

    story, unit = make_story(), make_unit()
    db.session.add(StoryLink(story_id=story.id, research_unit_id=unit.id, company_id=make_company().id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(StoryLink(story_id=story.id, research_unit_id=unit.id))
    db.session.commit()
    # Deleting the unit deletes its links, the story stays.
    db.session.delete(db.session.get(type(unit), unit.id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Story, story.id) is not None
    assert db.session.scalar(sa.select(sa.func.count(StoryLink.id)).where(StoryLink.story_id == story.id)) == 0


def test_editing_keeps_or_drops_the_unit_link(client, db, staff, make_unit, make_story, login_as):
    unit, other = make_unit(name="Lehrstuhl A"), make_unit(name="Lehrstuhl B")
    story = make_story(StoryStatus.draft, units=[unit])
    login_as(staff)
    response = client.post(f"/stories/{story.id}/edit", content_type="multipart/form-data",
                           data=story_form(units=[str(other.id)]))
    assert response.status_code == 302
    db.session.expire_all()
    assert [link.research_unit_id for link in db.session.get(Story, story.id).links] == [other.id]


def test_an_unknown_person_named_is_shown_back_escaped(client, staff, login_as):
    """The field message repeats the typed address: as text, never as markup."""
    login_as(staff)
    response = client.post("/stories/new", data=story_form(people="<img src=x onerror=alert(1)>@example.org"),
                           content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "No active account has the address" in body
    assert "<img src=x onerror=alert(1)>" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;@example.org" in body
