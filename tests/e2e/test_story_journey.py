"""Staff write a story with a photo that names a graduate; it waits until the graduate confirms it in their
account, and then a visitor finds it on the start page, with its picture cleaned of its metadata."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from matchmaker.models import Role, Story, StoryStatus

from .browsing import log_in, submit

pytestmark = pytest.mark.browser

STAFF = "redaktion@praesenzstelle.example"
GRADUATE = "jana.krueger@example.org"


def _photo(path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "Fictional Camera"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 34.0, 12.0)
    Image.new("RGB", (2400, 1600), (30, 110, 160)).save(path, "JPEG", exif=exif.tobytes())


def test_staff_write_a_story_naming_a_graduate_who_confirms_and_it_appears_on_the_start_page(
        page, new_page, live_db, make_account, tmp_path):
    make_account(Role.staff, STAFF)
    make_account(Role.graduate, GRADUATE, locale="de")
    photo = tmp_path / "leitwarte.jpg"
    _photo(photo)

    log_in(page, STAFF)
    page.goto("/staff/")
    with page.expect_navigation():
        page.locator("main nav a[href='/stories/manage']").click()
    with page.expect_navigation():
        page.locator("main a.button[href='/stories/new']").click()
    page.select_option("#kind", "story")
    page.fill("#title_de", "Von der BTU in die Leitwarte")
    page.fill("#summary_de", "Jana Krüger arbeitet heute im Industriepark.")
    page.fill("#body_de", "Nach dem Master begann Jana Krüger im Kraftwerk.")
    page.fill("#people", "niemand@example.org")  # no such account: refused at the field
    page.set_input_files("#image", str(photo))
    submit(page)
    expect(page.locator("#people-err")).to_contain_text("niemand@example.org")
    page.fill("#people", GRADUATE)
    page.set_input_files("#image", str(photo))  # a refused form does not keep a chosen file
    page.fill("#image_alt_de", "Eine Leitwarte mit Bildschirmen")
    submit(page)
    expect(page.locator("h1")).to_have_text("Von der BTU in die Leitwarte")
    story_id = int(re.search(r"/stories/(\d+)$", page.url).group(1))
    with page.expect_navigation():
        page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.locator(".flash.info")).to_contain_text("noch nicht bestätigt")

    visitor = new_page("de-DE")
    assert visitor.goto(f"/stories/{story_id}").status == 404
    visitor.goto("/")
    expect(visitor.locator("main")).not_to_contain_text("Von der BTU in die Leitwarte")

    graduate = new_page("de-DE")
    log_in(graduate, GRADUATE)
    graduate.goto("/account/data")
    with graduate.expect_navigation():
        graduate.locator("#stories-about-you a").click()
    card = graduate.locator(f"#story-{story_id}")
    expect(card.locator(".consent-text")).to_contain_text("Ich bin einverstanden, dass die Präsenzstelle die "
                                                          "Geschichte „Von der BTU in die Leitwarte“")
    with graduate.expect_navigation():
        card.get_by_role("button", name="Ich bestätige").click()
    expect(graduate.locator(".flash.success")).to_contain_text("jetzt veröffentlicht")

    visitor.goto("/")
    story_link = visitor.locator("#newest-stories").get_by_role("link", name="Von der BTU in die Leitwarte")
    expect(story_link).to_be_visible()
    with visitor.expect_navigation():
        story_link.click()
    image = visitor.locator("figure.story-image img")
    expect(image).to_have_attribute("alt", "Eine Leitwarte mit Bildschirmen")
    og_image = visitor.locator("meta[property='og:image']").get_attribute("content")
    assert re.match(rf"https?://[^/]+/stories/{story_id}/image", og_image)
    response = visitor.request.get(image.get_attribute("src"))
    stored = Image.open(io.BytesIO(response.body()))
    assert stored.width == 1600 and len(stored.getexif()) == 0

    def state(db):
        story = db.session.get(Story, story_id)
        return story.status, [(p.confirmed_at is not None, p.consent.purpose) for p in story.people]

    assert live_db(state) == (StoryStatus.published, [(True, "story")])
