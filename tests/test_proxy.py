"""Behind a reverse proxy the client address comes from X-Forwarded-For, for as many proxies as configured."""
def test_proxy_count_makes_the_client_address_come_from_the_proxy_header(database_url, tmp_path):
    from conftest import make_config
    from flask import request

    from matchmaker import create_app

    app = create_app(make_config(database_url, PROXY_COUNT=1, INSTANCE_DIR=tmp_path))

    @app.get("/_whoami")
    def whoami():
        return request.remote_addr

    client = app.test_client()
    assert client.get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"}).get_data(as_text=True) == "203.0.113.9"


def test_without_proxy_count_the_header_is_ignored(app):
    from flask import request

    @app.get("/_whoami")
    def whoami():
        return request.remote_addr

    client = app.test_client()
    assert client.get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"}).get_data(as_text=True) == "127.0.0.1"
