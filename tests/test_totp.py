"""Two-factor login (TOTP) for staff and admins: enrol, log in with a code, no replay, disable, require."""

from __future__ import annotations

import logging
import time

import pyotp
import pytest
from helpers import followed, PASSWORD, link_in

from matchmaker.models import Role, User


def _fresh(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def _code(user, offset_steps=0):
    return pyotp.TOTP(user.totp_secret).at(time.time() + 30 * offset_steps)


@pytest.fixture
def staff(make_user):
    return make_user(Role.staff, email="staff@btu.example")


def _enrol(client, db, user):
    assert client.post("/auth/2fa/setup").status_code == 302
    user = _fresh(db, user)
    assert user.totp_secret and not user.has_totp
    page = client.get("/auth/2fa").get_data(as_text=True)
    assert user.totp_secret in page and "otpauth://totp/" in page
    response = client.post("/auth/2fa", data={"code": _code(user)})
    assert response.status_code == 302
    user = _fresh(db, user)
    assert user.has_totp
    return user


def test_staff_enrols_and_logs_in_with_a_code(client, db, staff, login_as):
    login_as(staff)
    assert client.get("/auth/2fa").status_code == 200
    staff = _enrol(client, db, staff)
    client.post("/auth/logout")

    response = client.post("/auth/login", query_string={"next": "/staff/"},
                           data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/auth/login/code")
    # The password alone has not logged in.
    assert client.get("/auth/password").status_code == 302
    assert client.get("/auth/login/code").status_code == 200

    wrong = client.post("/auth/login/code", data={"code": "000000" if _code(staff) != "000000" else "111111"})
    assert wrong.status_code == 400 and 'id="code-err"' in wrong.get_data(as_text=True)
    for bad in ("", "12345", "abcdef", "1234567", "12\x0034"):
        assert client.post("/auth/login/code", data={"code": bad}).status_code == 400, bad

    response = client.post("/auth/login/code", data={"code": _code(staff, 1)})
    assert response.status_code == 302 and response.location == "/staff/"
    assert client.get("/auth/password").status_code == 200


def test_a_code_cannot_be_replayed(client, db, staff, login_as):
    client.get("/lang/en?next=/")
    login_as(staff)
    staff = _enrol(client, db, staff)
    client.post("/auth/logout")
    used = _code(staff, 1)
    client.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
    assert client.post("/auth/login/code", data={"code": used}).status_code == 302
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
    replay = client.post("/auth/login/code", data={"code": used})
    assert replay.status_code == 400 and "already been used" in replay.get_data(as_text=True)
    # The code used to turn it on cannot log in either.
    assert client.post("/auth/login/code", data={"code": _code(staff)}).status_code == 400


def test_second_step_needs_a_recent_password_step(client, db, staff, login_as):
    login_as(staff)
    staff = _enrol(client, db, staff)
    client.post("/auth/logout")
    # Without the password step: back to the login.
    response = client.post("/auth/login/code", data={"code": _code(staff, 1)})
    assert response.status_code == 302 and response.location.endswith("/auth/login")
    # Too late: the pending login expired.
    client.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
    with client.session_transaction() as session:
        pending = session["_pending_login"]
        pending["at"] -= 3600
        session["_pending_login"] = pending
    response = client.post("/auth/login/code", data={"code": _code(staff, 1)})
    assert response.status_code == 302 and response.location.endswith("/auth/login")
    assert client.get("/auth/password").status_code == 302


def _wrong_code(user):
    valid = {_code(user, step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def test_too_many_wrong_codes_lock_the_second_step(client, db, staff, login_as, caplog, outbox):
    caplog.set_level(logging.INFO, logger="matchmaker.security")
    login_as(staff)
    staff = _enrol(client, db, staff)
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
    wrong = _wrong_code(staff)
    responses = [client.post("/auth/login/code", data={"code": wrong}) for _ in range(5)]
    assert [r.status_code for r in responses[:4]] == [400] * 4
    assert responses[4].status_code == 302 and responses[4].location.endswith("/auth/forgot")
    assert "is locked" in client.get("/auth/forgot").get_data(as_text=True)
    assert client.post("/auth/login/code", data={"code": _code(staff, 1)}).status_code == 302
    assert client.get("/auth/password").status_code == 302  # still not logged in
    assert sum('reason="wrong_code"' in r.getMessage() for r in caplog.records) == 5
    assert _fresh(db, staff).totp_failed_attempts == 5


def test_replaying_the_password_step_cookie_does_not_reset_the_count(client, db, staff, login_as, outbox):
    login_as(staff)
    staff = _enrol(client, db, staff)
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/auth/login/code")
    password_step = client.get_cookie("session").value
    wrong = _wrong_code(staff)

    for _round in range(2):
        client.set_cookie("session", password_step)
        assert client.post("/auth/login/code", data={"code": wrong}).status_code == 400
        assert client.post("/auth/login/code", data={"code": wrong}).status_code == 400
    assert _fresh(db, staff).totp_failed_attempts == 4
    client.set_cookie("session", password_step)
    fifth = client.post("/auth/login/code", data={"code": wrong})
    assert fifth.status_code == 302 and fifth.location.endswith("/auth/forgot")

    # The sixth try, with the replayed cookie and the right code, is refused.
    client.set_cookie("session", password_step)
    sixth = client.post("/auth/login/code", data={"code": _code(staff, 1)})
    assert sixth.status_code == 302 and sixth.location.endswith("/auth/forgot")
    assert client.get("/auth/password").status_code == 302
    staff = _fresh(db, staff)
    assert staff.totp_failed_attempts == 5 and staff.totp_last_step is not None
    # A new password step does not open it either.
    again = client.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
    assert again.status_code == 302 and again.location.endswith("/auth/forgot")

    (mail,) = [m for m in outbox(staff.email) if m.kind == "two_factor_locked"]
    assert mail.subject == "Two-factor login locked" and "/auth/forgot" in mail.body


def test_a_right_code_clears_the_count(client, db, staff, login_as):
    login_as(staff)
    staff = _enrol(client, db, staff)
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
    for _ in range(4):
        assert client.post("/auth/login/code", data={"code": _wrong_code(staff)}).status_code == 400
    assert _fresh(db, staff).totp_failed_attempts == 4
    assert client.post("/auth/login/code", data={"code": _code(staff, 1)}).status_code == 302
    assert _fresh(db, staff).totp_failed_attempts == 0


def test_the_lock_mail_is_in_the_users_language(client, db, make_user, login_as, outbox):
    staff = make_user(Role.staff, email="stab@btu.example", locale="de")
    login_as(staff)
    staff = _enrol(client, db, staff)
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
    for _ in range(5):
        client.post("/auth/login/code", data={"code": _wrong_code(staff)})
    (mail,) = [m for m in outbox(staff.email) if m.kind == "two_factor_locked"]
    assert mail.subject == "Zwei-Faktor-Anmeldung gesperrt" and "Passwort" in mail.body


def test_a_password_reset_unlocks_the_second_step(client, db, staff, login_as, outbox):
    login_as(staff)
    staff = _enrol(client, db, staff)
    client.post("/auth/logout")
    staff.totp_failed_attempts = 5
    db.session.commit()
    assert client.post("/auth/login", data={"email": staff.email,
                                            "password": PASSWORD}).location.endswith("/auth/forgot")
    assert client.post("/auth/forgot", data={"email": staff.email}).status_code == 302
    (reset,) = [m for m in outbox(staff.email) if m.kind == "reset"]
    new_password = "a different passphrase 7"
    path = link_in(reset)
    response = client.post(path, data={"password": new_password, "password_again": new_password})
    assert response.status_code == 302
    assert _fresh(db, staff).totp_failed_attempts == 0
    response = client.post("/auth/login", data={"email": staff.email, "password": new_password})
    assert response.location.endswith("/auth/login/code")
    assert client.post("/auth/login/code", data={"code": _code(staff, 1)}).status_code == 302


def test_an_admin_unlocks_a_staff_account(client, db, staff, make_user, login_as):
    staff.totp_failed_attempts = 5
    db.session.commit()
    login_as(make_user(Role.staff))
    assert client.post(f"/staff/users/{staff.id}/unlock-two-factor").status_code == 403
    assert _fresh(db, staff).totp_failed_attempts == 5
    login_as(make_user(Role.admin))
    page = client.get(f"/staff/users/{staff.id}").get_data(as_text=True)
    assert "Locked after too many wrong codes" in page
    assert client.post(f"/staff/users/{staff.id}/unlock-two-factor").status_code == 302
    assert _fresh(db, staff).totp_failed_attempts == 0
    assert "Locked after too many wrong codes" not in client.get(f"/staff/users/{staff.id}").get_data(as_text=True)


def test_enrolment_rejects_a_wrong_code(client, db, staff, login_as):
    login_as(staff)
    client.post("/auth/2fa/setup")
    staff = _fresh(db, staff)
    valid = {_code(staff, step) for step in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
    for bad in (wrong, "", "abc"):
        response = client.post("/auth/2fa", data={"code": bad})
        assert response.status_code == 400
        assert 'id="code-err"' in response.get_data(as_text=True)
    assert not _fresh(db, staff).has_totp


def test_disable_with_a_code(client, db, staff, login_as):
    login_as(staff)
    staff = _enrol(client, db, staff)
    wrong = client.post("/auth/2fa/disable", data={"code": "12345x"})
    assert wrong.status_code == 303 and _fresh(db, staff).has_totp
    assert 'id="code-err"' in followed(client, wrong)
    response = client.post("/auth/2fa/disable", data={"code": _code(staff, 1)})
    assert response.status_code == 302
    staff = _fresh(db, staff)
    assert not staff.has_totp and staff.totp_secret is None
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": staff.email, "password": PASSWORD}).location.endswith("/staff/")


def test_two_factor_pages_are_for_staff_and_admins_only(client, make_user, login_as):
    for path in ("/auth/2fa",):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.location
    for path in ("/auth/2fa/setup", "/auth/2fa/disable"):
        response = client.post(path)
        assert response.status_code == 302 and "/auth/login" in response.location
    for role in (Role.graduate, Role.board, Role.researcher):
        login_as(make_user(role))
        assert client.get("/auth/2fa").status_code == 403
        assert client.post("/auth/2fa/setup").status_code == 403
        assert client.post("/auth/2fa/disable", data={"code": "123456"}).status_code == 403
    login_as(make_user(Role.admin))
    assert client.get("/auth/2fa").status_code == 200


def test_required_for_staff_sends_them_to_enrolment_first(app, client, db, staff, login_as):
    app.config["REQUIRE_2FA_FOR_STAFF"] = True
    login_as(staff)
    response = client.get("/staff/")
    assert response.status_code == 302 and response.location.endswith("/auth/2fa")
    assert client.get("/auth/password").location.endswith("/auth/2fa")
    assert client.get("/auth/2fa").status_code == 200
    staff = _enrol(client, db, staff)
    assert client.get("/staff/").status_code == 200
    # Required: it cannot be turned off.
    response = client.post("/auth/2fa/disable", data={"code": _code(staff, 1)})
    assert response.status_code == 303 and _fresh(db, staff).has_totp
    assert "required for staff accounts" in followed(client, response)


def test_required_does_not_touch_other_roles(app, client, make_user, login_as):
    app.config["REQUIRE_2FA_FOR_STAFF"] = True
    login_as(make_user(Role.board))
    assert client.get("/auth/password").status_code == 200
