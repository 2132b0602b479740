"""Every route, for every role and for anonymous visitors, against a written permission table.

A route missing from the table fails the test, so a new route cannot slip in without its rule.
"""

from __future__ import annotations

import pytest
from helpers import PASSWORD
from permission_table import ALL, ANON, LOGIN_FLOW, PERMISSIONS, TOKEN_ONLY


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - PERMISSIONS.keys() == set(), "routes without a rule in the permission table"
    assert PERMISSIONS.keys() - endpoints == set(), "rules for routes that no longer exist"


def _request(client, rule, values):
    url = rule.rule
    for name in rule.arguments:
        url = url.replace(f"<int:{name}>", str(values[name])).replace(f"<path:{name}>", str(values[name]))
        url = url.replace(f"<{name}>", str(values[name]))
    if "GET" in rule.methods:
        return client.get(url)
    if "POST" in rule.methods:
        return client.post(url, data={})
    method = sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
    return client.open(url, method=method, data={})


@pytest.mark.parametrize("who", sorted(ALL))
def test_route_walk(app, client, permission_world, who):
    people, ids, member_ids = permission_world
    if who != ANON:
        user = people[who]
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "auth.logout", r.endpoint))
    for rule in rules:
        values = dict(ids)
        if rule.endpoint in member_ids:
            values["user_id"] = member_ids[rule.endpoint]
        response = _request(client, rule, values)
        response.close()
        status = response.status_code
        to_login = status == 302 and response.location.startswith("/auth/login")
        where = f"{who} {rule.endpoint} {rule.rule} -> {status} {response.location or ''}"
        assert status < 500, where
        if rule.endpoint in TOKEN_ONLY:
            assert status == 401, where  # the API never takes the session cookie
        elif who in PERMISSIONS[rule.endpoint]:
            assert status != 403, where
            assert not to_login or rule.endpoint in LOGIN_FLOW or who == ANON, where
        elif who == ANON:
            assert to_login, where
        else:
            assert status == 403, where
