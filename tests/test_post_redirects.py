"""Redirect after POST: a POST-only route never leaves the address bar on its own URL.

A form with errors, or a step that is not possible, answers with a redirect to a page to GET that shows
the messages (and what was typed), so a reload reloads that page instead of posting again.
"""

from __future__ import annotations

from datetime import date

from helpers import PASSWORD, followed
from permission_table import PERMISSIONS
from formscan import url_for_rule

from matchmaker.models import GraduateProfile, IntroductionState

ROLE_ORDER = ("graduate", "company", "staff", "admin", "board", "researcher")
# Every field name a POST-only form here knows, each with a value it must refuse.
BAD_INPUT = {"reason": "x" * 5000, "body": "", "days": "abc", "outcome": "nonsense", "on_date": "not-a-date",
             "code": "x", "value": "-1", "as_of": "2999-01-01", "source": "", "months": "many",
             "in_region": "maybe", "message_to_graduate": "x" * 5000, "visible_to_companies": "perhaps"}


def _post_only_rules(app):
    for rule in app.url_map.iter_rules():
        # The JSON API answers problem+json to programs, with no page to go back to (tests/test_api.py).
        if (rule.methods - {"HEAD", "OPTIONS"} == {"POST"} and rule.endpoint != "auth.logout"
                and not rule.endpoint.startswith("api.")):
            yield rule


def test_every_post_only_route_answers_bad_input_with_a_redirect_to_a_page_to_get(app, client, db,
                                                                                  permission_world):
    people, ids, member_ids = permission_world
    people = dict(people)
    people["graduate"] = db.session.get(GraduateProfile, ids["profile_id"]).user
    walked = []
    for rule in _post_only_rules(app):
        role = next(role for role in ROLE_ORDER if role in PERMISSIONS[rule.endpoint])
        client.post("/auth/logout")
        assert client.post("/auth/login", data={"email": people[role].email, "password": PASSWORD}
                           ).status_code == 302
        values = dict(ids, user_id=member_ids.get(rule.endpoint, ids["user_id"]))
        path = url_for_rule(rule, values)
        response = client.post(path, data=BAD_INPUT)
        walked.append(rule.endpoint)
        if response.status_code in (403, 404):  # not this user's object: the error page, nothing to redo
            continue
        assert response.status_code in (302, 303), (rule.endpoint, response.status_code)
        assert response.location != path and not response.location.startswith(path + "?"), rule.endpoint
        followed(client, response)
    assert {"brokering.outcome", "offers.publish", "brokering.add_note", "admin.reject_company"} <= set(walked)


def test_outcome_errors_name_the_field_and_keep_the_page_address(client, login_as, make_user,
                                                                 make_introduction, db):
    introduction = make_introduction(IntroductionState.introduced)
    login_as(make_user("staff"))
    page = client.get(f"/introductions/{introduction.id}").get_data(as_text=True)
    assert f'action="/introductions/{introduction.id}/outcome"' in page
    response = client.post(f"/introductions/{introduction.id}/outcome", data={"outcome": "hired", "on_date": ""})
    assert response.status_code == 303
    assert response.location == f"/introductions/{introduction.id}#staff"
    body = followed(client, response)
    assert "Please give the date of the outcome." in body and 'id="on_date-err"' in body
    assert "The outcome was not recorded: Please give the date of the outcome." in body
    assert '<option selected value="hired">' in body  # what was chosen stays
    db.session.refresh(introduction)
    assert introduction.state == IntroductionState.introduced
    # The messages are shown once: reloading the page shows the empty form again.
    again = client.get(f"/introductions/{introduction.id}").get_data(as_text=True)
    assert "Please give the date of the outcome." not in again


def test_outcome_date_defaults_to_today_in_berlin(client, login_as, make_user, make_introduction):
    from matchmaker.brokering.forms import today_in_berlin

    introduction = make_introduction(IntroductionState.introduced)
    login_as(make_user("staff"))
    page = client.get(f"/introductions/{introduction.id}").get_data(as_text=True)
    assert f'name="on_date" required type="date" value="{today_in_berlin().isoformat()}"' in page
    assert abs((today_in_berlin() - date.today()).days) <= 1


def test_a_refused_offer_step_goes_back_to_the_offer_with_the_reason(client, login_as, make_offer, company_user):
    offer = make_offer()
    login_as(company_user(offer.company))
    response = client.post(f"/offers/{offer.id}/publish")
    assert response.status_code == 303 and response.location == f"/offers/{offer.id}"
    assert "already published" in followed(client, response)
