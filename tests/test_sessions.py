"""Sessions end when they should: logout, password change, deactivation, idle and absolute timeouts."""

from __future__ import annotations

import time

from helpers import PASSWORD, link_in

PRIVATE = "/auth/password"  # any page that needs a login


def _login(client, user, password=PASSWORD, remember=False):
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def _cookie(client, name="session"):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _copy_cookies(source, target, names=("session", "remember_token")):
    for name in names:
        value = _cookie(source, name)
        if value:
            target.set_cookie(name, value)


def _logged_in(client) -> bool:
    return client.get(PRIVATE).status_code == 200


def test_session_cookie_changes_at_login(client, make_user):
    user = make_user()
    client.get("/lang/en?next=/")  # an anonymous session exists before the login
    before = _cookie(client)
    assert before
    _login(client, user)
    after = _cookie(client)
    assert after and after != before
    with client.session_transaction() as session:
        assert session.get("lang") == "en"  # the language carries over, nothing else does
        assert set(session) <= {"lang", "_user_id", "_fresh", "_id", "_login_at", "_seen_at", "_sid",
                                "_remember", "_flashes", "csrf_token"}


def test_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in remember_cookie


def test_copied_cookie_is_dead_after_logout(app, client, make_user):
    user = make_user()
    _login(client, user)
    thief = app.test_client()
    _copy_cookies(client, thief)
    assert _logged_in(thief)
    client.post("/auth/logout")
    assert not _logged_in(client)
    assert not _logged_in(thief)
    # Logging in again does not bring the copied cookie back to life.
    _login(client, user)
    assert not _logged_in(thief)


def test_remember_cookie_is_dead_after_logout(app, client, make_user):
    user = make_user()
    _login(client, user, remember=True)
    remember = _cookie(client, "remember_token")
    assert remember
    restored = app.test_client()
    restored.set_cookie("remember_token", remember)
    assert _logged_in(restored)  # a closed browser comes back logged in
    client.post("/auth/logout")
    stale = app.test_client()
    stale.set_cookie("remember_token", remember)
    assert not _logged_in(stale)


def test_logout_clears_the_remember_cookie(client, make_user):
    user = make_user()
    _login(client, user, remember=True)
    response = client.post("/auth/logout")
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, make_user):
    user = make_user()
    _login(client, user, remember=True)
    other = app.test_client()
    _login(other, user, remember=True)
    other_remember = _cookie(other, "remember_token")
    response = client.post("/auth/password", data={"current_password": PASSWORD, "password": "new passphrase 42",
                                                   "password_again": "new passphrase 42"})
    assert response.status_code == 302
    assert _logged_in(client)
    assert not _logged_in(other)
    stale = app.test_client()
    stale.set_cookie("remember_token", other_remember)
    assert not _logged_in(stale)
    # This device's remember cookie was issued again and still works.
    fresh = app.test_client()
    fresh.set_cookie("remember_token", _cookie(client, "remember_token"))
    assert _logged_in(fresh)


def test_password_reset_ends_all_sessions(app, client, make_user, outbox):
    user = make_user()
    _login(client, user)
    visitor = app.test_client()
    visitor.post("/auth/forgot", data={"email": user.email})
    link = link_in(outbox(user.email)[0])
    assert visitor.post(link, data={"password": "a brand new passphrase",
                                    "password_again": "a brand new passphrase"}).status_code == 302
    assert not _logged_in(client)


def test_deactivation_ends_sessions(client, db, make_user):
    user = make_user()
    _login(client, user, remember=True)
    assert _logged_in(client)
    user.active = False
    db.session.commit()
    response = client.get(PRIVATE)
    assert response.status_code == 302 and "/auth/login" in response.location


def test_old_style_session_id_is_refused(client, make_user):
    user = make_user()
    _login(client, user)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # no version: from before versions existed, or forged
    assert not _logged_in(client)


def _shift(client, **seconds_ago):
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[f"_{key}_at"] = int(time.time()) - ago


def test_idle_timeout(app, client, make_user):
    user = make_user()
    _login(client, user, remember=True)
    app.config["SESSION_IDLE_MINUTES"] = 30
    _shift(client, seen=29 * 60)
    assert _logged_in(client)  # and that request counts as activity
    _shift(client, seen=31 * 60)
    response = client.get(PRIVATE)
    assert response.status_code == 302 and "/auth/login" in response.location
    # Expired for good: the remember-me cookie was deleted with it.
    assert _cookie(client, "remember_token") is None
    assert not _logged_in(client)
    page = client.get("/auth/login").get_data(as_text=True)
    assert "session has expired" in page or "Sitzung" in page


def test_activity_keeps_the_session_alive(app, client, make_user):
    user = make_user()
    _login(client, user)
    app.config["SESSION_IDLE_MINUTES"] = 30
    _shift(client, seen=20 * 60)
    assert _logged_in(client)
    with client.session_transaction() as session:
        assert int(time.time()) - session["_seen_at"] < 5


def test_absolute_timeout(app, client, make_user):
    user = make_user()
    _login(client, user)
    app.config["SESSION_ABSOLUTE_HOURS"] = 12
    _shift(client, login=11 * 3600)
    assert _logged_in(client)
    _shift(client, login=12 * 3600 + 60)
    assert not _logged_in(client)


def test_login_from_remember_cookie_starts_a_timed_session(app, client, make_user):
    user = make_user()
    _login(client, user, remember=True)
    browser_restarted = app.test_client()
    browser_restarted.set_cookie("remember_token", _cookie(client, "remember_token"))
    assert _logged_in(browser_restarted)
    with browser_restarted.session_transaction() as session:
        assert abs(session["_login_at"] - time.time()) < 5
        assert session["_user_id"] == f"{user.id}:{user.session_version}"


def test_remember_cookie_lifetime_is_configurable(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("REMEMBER_COOKIE_DAYS", "3")
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "15")
    reloaded = importlib.reload(config)
    assert reloaded.Config.REMEMBER_COOKIE_DURATION.days == 3
    assert reloaded.Config.SESSION_IDLE_MINUTES == 15
    monkeypatch.delenv("REMEMBER_COOKIE_DAYS")
    monkeypatch.delenv("SESSION_IDLE_MINUTES")
    reloaded = importlib.reload(config)
    assert reloaded.Config.REMEMBER_COOKIE_DURATION.days == 14
