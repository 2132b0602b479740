"""Each role's start page shows that role's next steps, not the invitation to register."""
import pytest

from matchmaker.models import Role, StoryKind, StoryStatus


def _hero(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return page[page.index('id="next-steps"'):page.index("</section>")]


def test_anonymous_start_page_invites_to_register(client, db):
    hero = _hero(client)
    assert "/auth/register" in hero and "/auth/register/company" in hero


@pytest.mark.parametrize("role, expected", [
    (Role.graduate, "/matches/offers"),
    (Role.board, "/report"),
    (Role.researcher, "/units/mine"),
])
def test_logged_in_start_page_shows_next_steps_not_registration(client, db, make_user, login_as, role, expected):
    user = make_user(role)
    db.session.commit()
    login_as(user)
    hero = _hero(client)
    assert "/auth/register" not in hero
    assert f'href="{expected}' in hero


def test_researcher_start_page_points_to_events_and_about(client, db, make_user, login_as):
    login_as(make_user(Role.researcher))
    page = client.get("/").get_data(as_text=True)
    assert 'id="researcher-next"' in page and 'href="/about"' in page


def test_company_start_page_shows_its_dashboard(client, db, make_company, company_user, login_as):
    company = make_company()
    db.session.commit()
    login_as(company_user(company))
    hero = _hero(client)
    assert "/auth/register" not in hero and "/companies/" in hero


def test_graduate_dashboard_links_to_fits_once_the_profile_has_content(client, db, make_user, make_profile, login_as):
    user = make_user(Role.graduate)
    db.session.commit()
    login_as(user)
    assert 'id="fits-link"' not in client.get("/me/").get_data(as_text=True)
    make_profile(user)
    db.session.commit()
    page = client.get("/me/").get_data(as_text=True)
    assert 'id="fits-link" href="/matches/offers"' in page or ('id="fits-link"' in page and "/matches/offers" in page)


def test_start_page_shows_the_newest_news_beside_the_stories(client, make_story):
    page = client.get("/").get_data(as_text=True)
    assert 'id="newest-news"' not in page  # no news yet: no empty section
    make_story(title_en="A graduate in the control room")
    make_story(kind=StoryKind.news, title_en="Open day at Dock3 Lausitz")
    make_story(StoryStatus.draft, kind=StoryKind.news, title_en="Not yet published")
    page = client.get("/").get_data(as_text=True)
    news = page[page.index('id="newest-news"'):]
    assert "Open day at Dock3 Lausitz" in news and "A graduate in the control room" not in news
    assert "Not yet published" not in page
    assert 'href="/stories/?kind=news"' in page


def test_the_start_page_counts_are_read_again_after_their_time(make_app, db, make_offer):
    app = make_app(PUBLIC_COUNTS_SECONDS=3600)
    client = app.test_client()
    make_offer(title="Verfahrensingenieur (m/w/d)")
    assert "<strong>1</strong> open offers" in client.get("/?lang=en", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    make_offer(title="Elektroniker (m/w/d)")
    body = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<strong>1</strong> open offers" in body  # within the hour: the counts as read
    assert "Elektroniker (m/w/d)" in body  # the newest offers are always current
    app.config["PUBLIC_COUNTS_SECONDS"] = 0
    assert "<strong>2</strong> open offers" in client.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
