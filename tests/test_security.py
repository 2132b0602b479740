"""Password policy, login that gives nothing away, rate limits, security headers, host check, security log."""

from __future__ import annotations

import logging
import re
import time
import uuid

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, link_in

from matchmaker import create_app
from matchmaker.auth.passwords import common_passwords, is_weak_password
from matchmaker.models import Role, User
from matchmaker.extensions import db as _db
from matchmaker.security import clean_for_log

WEAK = ["Password2024!", "passwordpassword", "123456789012", "qwertzuiopasdf", "Matchmaker 2024",
        "aaaaaaaaaaaaaa", "iloveyou12345", "Spremberg2025!"]


# ---- passwords ---------------------------------------------------------------------------------

def test_common_password_list_is_shipped_and_large():
    listed = common_passwords()
    assert len(listed) > 10000
    assert {"password", "123456", "iloveyou"} <= listed


def test_weak_passwords_are_recognised_and_good_ones_pass():
    for password in WEAK:
        assert is_weak_password(password), password
    assert is_weak_password("anna.schmidt1990", email="anna.schmidt@example.org")
    for password in (PASSWORD, "Lausitzer Kohle und Wasserstoff", "tram-violet-7-orbit"):
        assert not is_weak_password(password, email="anna@example.org"), password


def _english(client):
    client.get("/lang/en?next=/")


def test_registration_refuses_common_passwords_with_a_field_message(client, db):
    _english(client)
    for password in WEAK:
        response = client.post("/auth/register", data={
            "email": "neu@example.org", "password": password, "password_again": password, "accept_privacy": "y"})
        assert response.status_code == 400, password
        body = response.get_data(as_text=True)
        assert 'id="password-err"' in body and "too common" in body
        assert 'value="neu@example.org"' in body  # what was typed stays
    assert db.session.scalar(db.select(User).where(User.email == "neu@example.org")) is None


def test_company_registration_refuses_common_password(client):
    _english(client)
    response = client.post("/auth/register/company", data={
        "email": "chef@firma.de", "password": "Password2024!", "password_again": "Password2024!",
        "accept_privacy": "y", "mode": "new", "company_name": "Neu GmbH", "sector": "energy"})
    assert response.status_code == 400 and "too common" in response.get_data(as_text=True)


def test_reset_and_change_refuse_common_passwords(client, db, make_user, login_as, outbox):
    _english(client)
    user = make_user(email="jana.kraus@example.org", locale="en")
    client.post("/auth/forgot", data={"email": user.email})
    link = link_in(outbox(user.email)[0])
    response = client.post(link, data={"password": "iloveyou12345", "password_again": "iloveyou12345"})
    assert response.status_code == 400 and "too common" in response.get_data(as_text=True)
    response = client.post(link, data={"password": "jana.kraus2024", "password_again": "jana.kraus2024"})
    assert response.status_code == 400  # the account's own name

    login_as(user)
    response = client.post("/auth/password", data={"current_password": PASSWORD, "password": "qwertzuiopasdf",
                                                    "password_again": "qwertzuiopasdf"})
    assert response.status_code == 400 and "too common" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


# ---- login gives nothing away ------------------------------------------------------------------

def test_login_failures_look_the_same(client, make_user):
    _english(client)
    known = make_user()
    inactive = make_user(active=False)
    answers = [
        client.post("/auth/login", data={"email": known.email, "password": "wrong password 123"}),
        client.post("/auth/login", data={"email": "nobody@example.org", "password": "wrong password 123"}),
        client.post("/auth/login", data={"email": inactive.email, "password": PASSWORD}),
    ]
    assert {r.status_code for r in answers} == {400}
    messages = {r.get_data(as_text=True).count("Email or password is wrong") for r in answers}
    assert messages == {1}


def test_unknown_email_costs_a_password_hash_too(app, client, make_user):
    """The answer time must not tell whether the email has an account (a dummy hash is checked)."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"  # production strength, so hashing dominates the time
    user = make_user()

    def fastest(email):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            client.post("/auth/login", data={"email": email, "password": "wrong password 123"})
            times.append(time.perf_counter() - start)
        return min(times)

    fastest(user.email)  # warm up (the dummy hash is made once)
    fastest("nobody@example.org")
    assert fastest("nobody@example.org") > 0.6 * fastest(user.email)


# ---- rate limits -------------------------------------------------------------------------------

def _login_attempt(client, email="nobody@example.org"):
    return client.post("/auth/login", data={"email": email, "password": "wrong password 123"})


def test_rate_limits_are_off_in_the_test_config(client):
    for _ in range(15):
        assert _login_attempt(client).status_code == 400


def test_login_rate_limit_answers_429_with_retry_after(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    client = app.test_client()
    assert client.get("/auth/login").status_code == 200
    for _ in range(3):
        assert _login_attempt(client).status_code == 400
    response = _login_attempt(client)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert 'class="errors"' not in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # GET is not counted: the form still shows.
    assert client.get("/auth/login").status_code == 200


def test_login_rate_limit_per_account(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="100 per minute", RATELIMIT_LOGIN_ACCOUNT="2 per hour")
    client = app.test_client()
    assert _login_attempt(client, "target@example.org").status_code == 400
    assert _login_attempt(client, "TARGET@example.org ").status_code == 400
    assert _login_attempt(client, "target@example.org").status_code == 429
    assert _login_attempt(client, "other@example.org").status_code == 400


@pytest.mark.parametrize("path, data", [
    ("/auth/forgot", {"email": "a@example.org"}),
    ("/auth/confirm", {"email": "a@example.org"}),
    ("/auth/register", {"email": "a@example.org"}),
    ("/auth/register/company", {"email": "a@example.org"}),
])
def test_other_account_forms_are_rate_limited(make_app, path, data):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PASSWORD_RESET="2 per minute", RATELIMIT_RESEND="2 per minute",
                   RATELIMIT_REGISTER="2 per minute")
    client = app.test_client()
    codes = [client.post(path, data=data).status_code for _ in range(3)]
    assert 429 not in codes[:2] and codes[2] == 429


REDIS_TEST_PREFIX = f"matchmaker-test-{uuid.uuid4().hex}"


def _redis_or_skip(url):
    redis = pytest.importorskip("redis")
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=1)
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {url}; start it to test shared rate-limit storage")
    return connection


def test_rate_limit_counts_in_redis_shared_by_workers(make_app):
    url = "redis://127.0.0.1:6379/0"
    connection = _redis_or_skip(url)
    # One prefix for the whole run: Flask-Limiter keeps the first prefix it was given.
    prefix = REDIS_TEST_PREFIX

    def forget():
        for key in connection.scan_iter(match=f"*{prefix}*"):
            connection.delete(key)

    forget()
    try:
        settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": prefix,
                    "RATELIMIT_LOGIN": "3 per minute"}
        first = make_app(**settings)
        with first.test_client() as worker:
            for _ in range(2):
                assert _login_attempt(worker).status_code == 400
        assert list(connection.scan_iter(match=f"*{prefix}*")), "the counter should live in Redis"
        # A second worker process (another app on the same storage) sees the same count.
        second = make_app(**settings)
        with second.test_client() as worker:
            assert _login_attempt(worker).status_code == 400
            assert _login_attempt(worker).status_code == 429
    finally:
        forget()
        connection.close()


def test_storage_follows_redis_url(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    reloaded = importlib.reload(config)
    assert reloaded.Config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/3"
    monkeypatch.delenv("REDIS_URL")
    reloaded = importlib.reload(config)
    assert reloaded.Config.RATELIMIT_STORAGE_URI == "memory://"


# ---- headers and host --------------------------------------------------------------------------

def _assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                 "form-action 'self'", "base-uri 'self'"):
        assert part in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_security_headers_on_pages_and_error_pages(client):
    for path, code in (("/", 200), ("/auth/login", 200), ("/no-such-page", 404), ("/offers/?q=%00", 400)):
        response = client.get(path)
        assert response.status_code == code, path
        _assert_security_headers(response)
        assert "Strict-Transport-Security" not in response.headers
    assert client.post("/auth/logout", headers={"Accept": "text/html"}).status_code == 302
    _assert_security_headers(client.get("/auth/logout"))  # 405


def test_no_store_for_auth_pages_and_logged_in_users(client, make_company, login_as, company_user):

    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login_as(company_user(make_company()))
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/companies/").headers["Cache-Control"] == "no-store"
    static = client.get("/static/style.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_hsts_only_when_configured(app, client):
    app.config["SECURITY_HSTS"] = True
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_config_is_strict():
    from config import ProductionConfig

    assert ProductionConfig.SECURITY_HSTS and ProductionConfig.SESSION_COOKIE_SECURE
    assert ProductionConfig.REMEMBER_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_HTTPONLY


def test_unknown_host_is_refused(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    _assert_security_headers(response)
    assert client.get("/", headers={"Host": "localhost:5000"}).status_code == 200
    assert client.get("/", headers={"Host": "127.0.0.1"}).status_code == 200


def test_trusted_hosts_from_environment(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("TRUSTED_HOSTS", " matchmaker.example.org, .btu.example ,")
    reloaded = importlib.reload(config)
    assert reloaded.ProductionConfig.TRUSTED_HOSTS == ["matchmaker.example.org", ".btu.example"]
    monkeypatch.delenv("TRUSTED_HOSTS")
    importlib.reload(config)


# ---- security log ------------------------------------------------------------------------------

def test_clean_for_log_escapes_line_breaks():
    assert clean_for_log("a\r\nb\x00c\u2028d\"e\\") == 'a\\r\\nb\\u0000c\\u2028d\\"e\\\\'


def test_security_log_records_logins_failures_logouts_and_password_changes(client, make_user, caplog):
    caplog.set_level(logging.INFO, logger="matchmaker.security")
    user = make_user(email="jo@example.org")
    client.post("/auth/login", data={"email": " JO@example.org", "password": "wrong password 123"})
    client.post("/auth/login", data={"email": "jo@example.org", "password": PASSWORD})
    client.post("/auth/password", data={"current_password": PASSWORD, "password": "new passphrase 42",
                                        "password_again": "new passphrase 42"})
    client.post("/auth/logout")
    lines = [r.getMessage() for r in caplog.records if r.name == "matchmaker.security"]
    assert any(line.startswith("login_failed") and 'email="jo@example.org"' in line
               and 'reason="wrong_password"' in line for line in lines), lines
    assert any(line.startswith("login_succeeded") and f'user="{user.id}"' in line for line in lines)
    assert any(line.startswith("password_changed") for line in lines)
    assert any(line.startswith("logout") for line in lines)
    assert "wrong password 123" not in caplog.text and PASSWORD not in caplog.text
    assert "new passphrase 42" not in caplog.text


def test_security_log_cannot_be_forged_with_line_breaks(client, caplog):
    caplog.set_level(logging.INFO, logger="matchmaker.security")
    forged = "x@example.org\r\nlogin_succeeded user=1"
    client.post("/auth/login", data={"email": forged, "password": "anything at all"})
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("login_failed")]
    assert "\n" not in line and "\r" not in line
    assert "\\r\\nlogin_succeeded" in line


def test_forbidden_pages_are_logged(client, make_user, login_as, caplog):
    caplog.set_level(logging.INFO, logger="matchmaker.security")
    user = make_user(Role.board)
    login_as(user)
    assert client.get("/staff/").status_code == 403
    assert any(r.getMessage().startswith("forbidden") and 'path="/staff/"' in r.getMessage()
               for r in caplog.records)


def _production_config(tmp_path, **overrides):
    from config import ProductionConfig

    attrs = {"SECRET_KEY": "a production secret", "TRUSTED_HOSTS": ["matchmaker.example.org"],
             "BASE_URL": "https://matchmaker.example.org", "INSTANCE_DIR": tmp_path / "instance",
             "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}", **overrides}
    return type("ProductionRunConfig", (ProductionConfig,), attrs)


def test_production_refuses_to_start_without_trusted_hosts_or_base_url(tmp_path):
    app = create_app(_production_config(tmp_path))
    assert app.config["ENV_NAME"] == "production"
    for setting, value in (("TRUSTED_HOSTS", None), ("TRUSTED_HOSTS", []), ("BASE_URL", None),
                           ("BASE_URL", "matchmaker.example.org")):
        with pytest.raises(RuntimeError, match=setting):
            create_app(_production_config(tmp_path, **{setting: value}))


def test_reset_link_uses_base_url_not_a_forged_host(app, client, make_user, outbox):
    app.config["TRUSTED_HOSTS"] = None  # hosts not enforced: the forged header reaches the view
    app.config["BASE_URL"] = "https://matchmaker.example.org/"
    user = make_user()
    response = client.post("/auth/forgot", data={"email": user.email}, headers={"Host": "evil.example"})
    assert response.status_code == 302
    (message,) = outbox(user.email)
    assert "evil.example" not in message.body
    assert re.search(r"https://matchmaker\.example\.org/auth/reset/\S+", message.body), message.body


def test_several_workers_without_redis_warn_in_the_log(make_app, caplog):
    caplog.set_level(logging.WARNING, logger="matchmaker.security")
    settings = {"ENV_NAME": "production", "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}
    make_app(WORKERS=1, **settings)
    assert "RATE LIMITS ARE PER PROCESS" not in caplog.text
    make_app(WORKERS=2, **settings)
    (record,) = [r for r in caplog.records if "RATE LIMITS ARE PER PROCESS" in r.getMessage()]
    assert record.levelno == logging.WARNING and "REDIS_URL" in record.getMessage()


def test_several_workers_without_redis_warn_on_the_staff_dashboard(app, client, make_user, login_as):
    login_as(make_user(Role.staff))
    app.config.update(ENV_NAME="production", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", WORKERS=1)
    assert "Rate limits are counted per process" not in client.get("/staff/").get_data(as_text=True)
    app.config["WORKERS"] = 3
    page = client.get("/staff/").get_data(as_text=True)
    assert "Rate limits are counted per process" in page and "3 worker processes" in page


def test_worker_count_from_web_concurrency(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert importlib.reload(config).Config.WORKERS == 4
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert importlib.reload(config).Config.WORKERS == 1


def test_a_new_sqlite_database_file_is_private(make_app, tmp_path):
    import os
    import stat

    old_umask = os.umask(0o022)
    try:
        path = tmp_path / "instance" / "fresh.sqlite"
        make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
        _db.create_all()
        _db.session.execute(sa.text("SELECT 1"))
        _db.session.remove()
        assert path.exists()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        # A file left with wider rights by an earlier version is narrowed when the app opens it.
        path.chmod(0o644)
        make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)
