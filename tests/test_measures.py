"""The board's plan of measures: staff create and edit, board members read, every change kept in the history,
progress from a metric of the report or from figures staff enter, and bad input answered field by field."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from helpers import followed

from matchmaker.models import IntroductionState, Measure, MeasureChange, MeasureFigure, MeasureStatus, Role

VALID = {"title": "Praktika im Industriepark", "field_of_action": "qualification", "owner": "Präsenzstelle",
         "period_start": "2026-04-01", "period_end": "2026-06-30", "status": "planned",
         "comments": "Mit den Firmen des Parks.", "target_label": "Einstellungen", "target_value": "8",
         "metric_key": ""}


def _changes(db, measure_id) -> list[tuple[str, str, str]]:
    return [(c.field, c.old_value, c.new_value) for c in db.session.scalars(
        db.select(MeasureChange).where(MeasureChange.measure_id == measure_id).order_by(MeasureChange.id))]


def test_staff_create_a_measure_and_its_history_starts(db, client, make_user, login_as):
    staff = make_user(Role.staff)
    login_as(staff)
    assert client.get("/report/plan/new").status_code == 200
    response = client.post("/report/plan/new", data=VALID)
    assert response.status_code == 302
    measure = db.session.scalar(db.select(Measure))
    assert measure is not None and response.location.endswith(f"/report/plan/{measure.id}")
    assert (measure.title, measure.target_value, measure.metric_key, measure.status) == (
        "Praktika im Industriepark", 8.0, None, MeasureStatus.planned)
    changes = _changes(db, measure.id)
    assert changes[0] == ("created", "", "Praktika im Industriepark")
    assert ("period_end", "", "2026-06-30") in changes and ("target_value", "", "8") in changes
    assert all(c.changed_by_id == staff.id for c in db.session.scalars(db.select(MeasureChange)))


def test_an_edit_and_a_status_change_are_written_to_the_history(db, client, make_user, login_as, make_measure):
    measure = make_measure(period_start=date(2026, 4, 1), period_end=date(2026, 6, 30), target_value=8)
    staff = make_user(Role.staff)
    login_as(staff)
    form = client.get(f"/report/plan/{measure.id}/edit").get_data(as_text=True)
    assert 'value="Praktika im Industriepark"' in form
    data = dict(VALID, title=measure.title, owner=measure.owner, comments="", target_label=measure.target_label,
                status="running", target_value="12")
    response = client.post(f"/report/plan/{measure.id}/edit", data=data)
    assert response.status_code == 302
    assert _changes(db, measure.id) == [("status", "planned", "running"), ("target_value", "8", "12")]
    # Saving again without a change writes nothing.
    assert client.post(f"/report/plan/{measure.id}/edit", data=data).status_code == 302
    assert len(_changes(db, measure.id)) == 2
    page = client.get(f"/report/plan/{measure.id}").get_data(as_text=True)
    assert "running" in page and staff.email in page


def test_board_members_read_the_plan_but_do_not_change_it(db, client, make_user, login_as, make_measure):
    measure = make_measure(title="Sprechstunden in Spremberg")
    login_as(make_user(Role.board))
    plan = client.get("/report/plan")
    assert plan.status_code == 200 and "Sprechstunden in Spremberg" in plan.get_data(as_text=True)
    detail = client.get(f"/report/plan/{measure.id}")
    assert detail.status_code == 200 and "History" in detail.get_data(as_text=True)
    assert 'action="/report/plan/' not in detail.get_data(as_text=True)  # no figure form, no edit
    assert client.get("/report/plan/new").status_code == 403
    assert client.post("/report/plan/new", data=VALID).status_code == 403
    assert client.post(f"/report/plan/{measure.id}/edit", data=dict(VALID, status="done")).status_code == 403
    assert client.post(f"/report/plan/{measure.id}/figures",
                       data={"value": "3", "as_of": "2026-05-01", "source": "x"}).status_code == 403
    assert db.session.get(Measure, measure.id).status == MeasureStatus.planned
    assert client.get("/report/plan/999999").status_code == 404


def test_progress_from_figures_staff_enter(db, client, make_user, login_as, make_measure):
    measure = make_measure(target_value=40, target_label="Kontakte")
    login_as(make_user(Role.staff))
    assert "No figure entered yet." in client.get(f"/report/plan/{measure.id}").get_data(as_text=True)
    for value, as_of in (("5", "2026-03-01"), ("12", "2026-05-01")):
        response = client.post(f"/report/plan/{measure.id}/figures",
                               data={"value": value, "as_of": as_of, "source": "Liste der Präsenzstelle"})
        assert response.status_code == 302
    page = client.get(f"/report/plan/{measure.id}").get_data(as_text=True)
    assert "12 of 40 (30 %)" in page and 'value="30"' in page
    assert [f.value for f in db.session.scalars(db.select(MeasureFigure).order_by(MeasureFigure.id))] == [5, 12]
    assert ("figure", "", "12 (2026-05-01; Liste der Präsenzstelle)") in _changes(db, measure.id)
    assert "12 of 40 (30 %)" in client.get("/report/plan").get_data(as_text=True)


def test_progress_from_a_metric_of_the_report(db, client, make_user, login_as, make_measure, make_introduction):
    measure = make_measure(metric_key="hires", period_start=date(2026, 4, 1), period_end=date(2026, 6, 30),
                           target_value=8, target_label="Einstellungen")
    for day in (date(2026, 4, 2), date(2026, 5, 2), date(2026, 6, 30), date(2026, 6, 30)):
        make_introduction(IntroductionState.hired, now=datetime(2026, 4, 1, 10), outcome_on=day)
    make_introduction(IntroductionState.hired, now=datetime(2026, 4, 1, 10), outcome_on=date(2026, 7, 1))
    login_as(make_user(Role.board))
    page = client.get(f"/report/plan/{measure.id}").get_data(as_text=True)
    assert "4 of 8 (50 %)" in page and "Hires into the park" in page
    # Figures cannot be entered for it.
    login_as(make_user(Role.staff))
    response = client.post(f"/report/plan/{measure.id}/figures",
                           data={"value": "3", "as_of": "2026-05-01", "source": "x"})
    assert response.status_code == 303
    assert db.session.scalar(db.select(db.func.count(MeasureFigure.id))) == 0


def test_a_small_count_is_hidden_in_a_measures_progress(db, client, make_user, login_as, make_measure,
                                                        make_introduction):
    measure = make_measure(metric_key="hires", period_start=date(2026, 4, 1), period_end=date(2026, 6, 30))
    make_introduction(IntroductionState.hired, now=datetime(2026, 4, 1, 10), outcome_on=date(2026, 5, 2))
    login_as(make_user(Role.board))
    page = client.get(f"/report/plan/{measure.id}").get_data(as_text=True)
    assert "&lt; 3 of 10" in page and "<progress" not in page


@pytest.mark.parametrize("changes, field, message", [
    ({"period_end": "2026-03-01"}, "period_end", "The end of the period must not be before its start."),
    ({"target_value": "viele"}, "target_value", "Please give the target as a number"),
    ({"target_value": "0"}, "target_value", "The target must be greater than 0."),
    ({"metric_key": "nope"}, "metric_key", "This metric is not one of the report"),
    ({"title": ""}, "title", "Please give the measure a title."),
    ({"field_of_action": "space"}, "field_of_action", "Please choose a field of action."),
    ({"status": "forgotten"}, "status", "Please choose a status."),
    ({"period_start": "2026-02-30"}, "period_start", "Please give a valid date."),
])
def test_bad_input_gives_field_errors_and_saves_nothing(db, client, make_user, login_as, changes, field, message):
    login_as(make_user(Role.staff))
    response = client.post("/report/plan/new", data=dict(VALID, **changes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-err"' in html and message in html
    assert 'value="Praktika im Industriepark"' in html or field == "title"  # what was typed stays
    assert db.session.scalar(db.select(db.func.count(Measure.id))) == 0


def test_bad_figures_give_field_errors(db, client, make_user, login_as, make_measure):
    measure = make_measure()
    login_as(make_user(Role.staff))
    for data, field in (({"value": "-3", "as_of": "2026-05-01", "source": "x"}, "value"),
                        ({"value": "drei", "as_of": "2026-05-01", "source": "x"}, "value"),
                        ({"value": "3", "as_of": "2999-01-01", "source": "x"}, "as_of"),
                        ({"value": "3", "as_of": "2026-05-01", "source": ""}, "source")):
        response = client.post(f"/report/plan/{measure.id}/figures", data=data)
        assert response.status_code == 303, data
        assert f'id="{field}-err"' in followed(client, response)
    assert db.session.scalar(db.select(db.func.count(MeasureFigure.id))) == 0
    assert _changes(db, measure.id) == []


def test_an_edit_with_bad_input_keeps_the_saved_measure(db, client, make_user, login_as, make_measure):
    measure = make_measure()
    login_as(make_user(Role.staff))
    response = client.post(f"/report/plan/{measure.id}/edit",
                           data=dict(VALID, period_start="2026-07-01", period_end="2026-01-01"))
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Measure, measure.id).period_start == date(2026, 1, 1)
    assert _changes(db, measure.id) == []
