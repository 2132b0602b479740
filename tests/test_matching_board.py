"""The matching board with many offers: its pairs computed in the background, checked when read."""

from __future__ import annotations

import re

import pytest
from helpers import PASSWORD

from matchmaker.matching.board import board_cache
from matchmaker.models import Role

PROPOSE = re.compile(r'href="(/introductions/propose/\d+/\d+)"')
TOPICS = [("Python developer", ["python", "data"]), ("Wasserstoff Elektrolyse", ["Elektrolyse", "Wasserstoff"]),
          ("SPS Automatisierung", ["SPS", "Automatisierungstechnik"])]


def _world(make_offer, make_profile):
    offers = [make_offer(title=f"{title} {i}", required_skills=skills, start_date=None,
                         description=f"Wir arbeiten mit {skills[0]}.")
              for i, (title, skills) in enumerate(TOPICS * 3)]
    profiles = [make_profile(headline=f"{title} {i}", skills=skills + [f"skill{i}"], wanted_kinds=[],
                             visible_to_companies=True)
                for i, (title, skills) in enumerate(TOPICS * 6)]
    return offers, profiles


def _staff_client(app, make_user, locale="en"):
    client = app.test_client()
    staff = make_user(Role.staff, locale=locale)
    assert client.post("/auth/login", data={"email": staff.email, "password": PASSWORD}).status_code == 302
    return client


def _pairs(client, url="/matches/board"):
    """The propose links of every page of the board, in order."""
    links, page = [], 1
    while True:
        response = client.get(f"{url}{'&' if '?' in url else '?'}page={page}")
        assert response.status_code == 200, response.status_code
        found = PROPOSE.findall(response.get_data(as_text=True))
        links += found
        if not found or f"page={page + 1}" not in response.get_data(as_text=True):
            return links
        page += 1


def _computed(client, url="/matches/board"):
    """The board once its background computation is done (the first answer says it is being prepared)."""
    board_cache().wait(60)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_with_many_offers_the_board_is_computed_in_the_background_with_the_same_pairs(
        make_app, db, make_offer, make_profile, make_user):
    app = make_app(MATCHER_BOARD_INLINE_OFFERS=0, PAGE_SIZE=10)
    _world(make_offer, make_profile)
    client = _staff_client(app, make_user)
    first = client.get("/matches/board")
    assert first.status_code == 503 and first.headers["Retry-After"]
    assert "The matching board is being prepared" in first.get_data(as_text=True)
    body = _computed(client).get_data(as_text=True)
    assert "Pairs as computed at" in body
    background = _pairs(client)
    app.config["MATCHER_BOARD_INLINE_OFFERS"] = 1000
    inline = _pairs(client)
    assert len(inline) > 20 and background == inline  # pages included
    app.config["MATCHER_BOARD_INLINE_OFFERS"] = 0
    filtered = client.get("/matches/board?study=Maschinenbau")  # another filter: computed on its own
    assert filtered.status_code == 503
    assert _computed(client, "/matches/board?study=Maschinenbau").status_code == 200


def test_the_computed_board_leaves_out_new_introductions_and_hidden_graduates_at_once(
        make_app, db, make_offer, make_profile, make_user):
    app = make_app(MATCHER_BOARD_INLINE_OFFERS=0, PAGE_SIZE=100)
    offers, profiles = _world(make_offer, make_profile)
    client = _staff_client(app, make_user)
    client.get("/matches/board")
    _computed(client)
    before = _pairs(client)
    proposed = before[0]
    response = client.post(proposed, data={"message_to_graduate": "Das passt.", "message_to_company": "Bitte."})
    assert response.status_code in (302, 303)
    after = _pairs(client)  # no new computation: introductions do not change the matcher's data
    assert proposed not in after and after[0] == before[1]
    # a graduate who is no longer findable leaves the board on the next read, before it is computed again
    hidden_id = int(after[0].rsplit("/", 1)[1])
    hidden = next(p for p in profiles if p.id == hidden_id)
    hidden.visible_to_companies = False
    db.session.commit()
    stale = client.get("/matches/board")
    assert stale.status_code == 200
    assert not [link for link in PROPOSE.findall(stale.get_data(as_text=True)) if link.endswith(f"/{hidden_id}")]


def test_an_offer_published_after_the_computation_comes_with_the_next_one(make_app, db, make_offer, make_profile,
                                                                         make_user):
    app = make_app(MATCHER_BOARD_INLINE_OFFERS=0, PAGE_SIZE=100)
    _world(make_offer, make_profile)
    client = _staff_client(app, make_user)
    client.get("/matches/board")
    _computed(client)
    new = make_offer(title="Python developer Cottbus", required_skills=["python", "data"], start_date=None)
    assert not [link for link in _pairs(client) if f"/propose/{new.id}/" in link]  # starts the next computation
    _computed(client)
    assert [link for link in _pairs(client) if f"/propose/{new.id}/" in link]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_preparing_board_speaks_the_staff_language(make_app, db, make_offer, make_profile, make_user, lang):
    app = make_app(MATCHER_BOARD_INLINE_OFFERS=0)
    _world(make_offer, make_profile)
    client = _staff_client(app, make_user, locale=lang)
    response = client.get("/matches/board")
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    expected = {"de": "Die Matching-Übersicht wird vorbereitet", "en": "The matching board is being prepared"}[lang]
    assert expected in text
    board_cache().wait(60)
