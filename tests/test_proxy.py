"""Behind a reverse proxy the client address comes from X-Forwarded-For, for as many proxies as configured."""

from flask import request


def test_proxy_count_makes_the_client_address_come_from_the_proxy_header(make_app):
    app = make_app(PROXY_COUNT=1)

    @app.get("/_whoami")
    def whoami():
        return request.remote_addr

    client = app.test_client()
    assert client.get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"}).get_data(as_text=True) == "203.0.113.9"


def test_without_proxy_count_the_header_is_ignored(app):
    @app.get("/_whoami")
    def whoami():
        return request.remote_addr

    client = app.test_client()
    assert client.get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"}).get_data(as_text=True) == "127.0.0.1"
