"""Random and hostile input to every form, query string and POST route of the app: never a 500.

The targets come from the app itself: every rule in app.url_map (so a new route is fuzzed without being
listed here), called as a role the permission table (permission_table.py) allows, with path arguments
that name real objects. The field names come from the forms on the app's own pages, read with html.parser;
a POST route whose form is not on any page gets common field names and random ones.

Hypothesis runs derandomized (the same examples each run, so a failure is reproducible); set
HYPOTHESIS_EXPLORE=1 to draw new examples. A failing example is printed with the traceback of the error.
On PostgreSQL fewer examples run per route than on SQLite.
"""

from __future__ import annotations

import io
import logging
import os
import traceback
from urllib.parse import quote

import pytest
from formscan import Field, endpoint_of, forms_in, url_for_rule
from helpers import PASSWORD
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from permission_table import ANON, PERMISSIONS, TOKEN_ONLY
from werkzeug.datastructures import MultiDict

from matchmaker.models import GraduateProfile

EXPLORE = os.environ.get("HYPOTHESIS_EXPLORE") == "1"
EXAMPLES = {"sqlite": 12, "postgresql": 4}

# The role each route is fuzzed as: the first one the permission table allows. The graduate is the one
# in the world's introduction, so the brokering steps reach their forms instead of a 404.
ROLE_ORDER = [ANON, "graduate", "company", "staff", "admin", "board", "researcher"]
# Not fuzzed: files on disk (the static route has nothing to parse).
# The token-only API operations are fuzzed with tokens by schemathesis (tests/test_api_schemathesis.py).
SKIP = {"static"} | TOKEN_ONLY
# Pages not read for forms: a download, and the language switch (it changes the session's language).
NOT_CRAWLED = {"static", "privacy.audit_export", "main.set_language", "auth.logout"}

# Field names tried on every POST route besides the ones its form has, and on every GET page.
COMMON_FIELDS = ["q", "page", "next", "all", "kind", "sector", "study", "state", "status", "reason", "body",
                 "message", "note", "email", "password", "name", "title", "code", "outcome", "date", "on_date",
                 "offer_id", "profile_id", "company_id", "user_id"]
MASS_FIELDS = ["role", "company_id", "verified_at", "membership", "active", "confirmed_at", "user_id", "status",
               "published_at", "is_demo", "session_version", "visible_to_companies", "id", "csrf_token"]

HOSTILE = [
    "", " ", "\x00", "a\x00b", "\x01\x02\x1b[31m\x7f", "\r\n\r\n", "\t", "\u2028", "\ufeff",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "data:text/html,<b>",
    "{{7*7}}", "{% raw %}{{ config }}{% endraw %}", "${7*7}", "%(name)s", "%s%s%s%n", "{0}{1}",
    "' OR '1'='1", "'; DROP TABLE \"user\"; --", "1 UNION SELECT NULL--", "\\", "%", "_", "%%", "*",
    "../../etc/passwd", "..\\..\\windows\\win.ini", "file:///etc/passwd", "http://", "https://",
    "\u202eevil\u202c", "\u200f\u200e", "😀" * 10, "👩🏽‍🔬", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "İı", "ß", "ǅ", "\uffff", "\U0010fffd",
    "-1", "0", "-0", "00", "1.5", "1e309", "NaN", "inf", "-inf", "99999999999999999999", str(2**63),
    "-2147483649", "2147483648", "0x10", "1_000", "١٢٣",
    "2024-02-30", "0000-00-00", "31.12.2024", "9999-12-31", "10000-01-01", "0001-01-01", "1970-01-01T00:00:00Z",
    "2024-1-1", "2024-W01", "yesterday", "1900-01-01",
    "true", "false", "on", "y", "null", "None", "[]", "{}", "[object Object]",
    "A1", "C2", "native", "xx", "de", "en", "zz-ZZ", "bachelor", "job", "published", "admin", "staff",
    "a@b", "user@example.org", "@", "a" * 250 + "@example.org", "x@[127.0.0.1]", "\"a b\"@example.org",
]

texts = st.text(max_size=40)
ascii_texts = st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=30)
long_texts = st.builds(lambda unit, n: unit * n, st.sampled_from(["x", "ä", "😀", "<b>", "a,", "a\n", " "]),
                       st.integers(min_value=150, max_value=20_000))
numbers = st.one_of(st.integers(min_value=-2**70, max_value=2**70), st.floats()).map(str)
value_strategy = st.one_of(
    st.sampled_from(HOSTILE), texts, ascii_texts, long_texts, numbers,
    st.tuples(st.sampled_from(HOSTILE), texts).map("".join),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts | st.sampled_from(HOSTILE),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(COMMON_FIELDS + MASS_FIELDS) | texts, children, max_size=4),
    max_leaves=12)
uploads = st.tuples(
    st.one_of(st.binary(max_size=2000), st.binary(max_size=500).map(lambda b: b"%PDF-1.4\n" + b)),
    st.sampled_from(["cv.pdf", "../../etc/passwd", "x.exe", "a.pdf.exe", "lebenslauf ä.pdf", "", ".pdf",
                     "<script>.pdf", "a" * 300 + ".pdf"]))


def field_values(spec: Field):
    """A value for one field: mostly hostile text, sometimes what the form offers."""
    offered = [option for option in spec.options if option is not None]
    if spec.value and spec.kind in ("checkbox", "radio", "hidden"):
        offered.append(spec.value)
    if spec.kind == "file":
        return uploads.map(lambda pair: (io.BytesIO(pair[0]), pair[1]))
    if offered:
        return st.one_of(st.sampled_from(offered), value_strategy)
    return value_strategy


# ---- what to fuzz, as whom ---------------------------------------------------------------------

def _role_for(endpoint: str) -> str:
    allowed = PERMISSIONS[endpoint]
    return next(role for role in ROLE_ORDER if role in allowed)


def _login(client, user) -> None:
    client.post("/auth/logout")
    if user is not None:
        client.post("/auth/login", data={"email": user.email, "password": PASSWORD})


_CRAWLED: dict[str, dict[tuple[str, str], dict[str, Field]]] = {}


def _forms_by_target(app, client, role: str, people, values) -> dict[tuple[str, str], dict[str, Field]]:
    """(endpoint, method) -> the fields of every form on the pages `role` may open. Read once per role:
    field names do not depend on the ids of this test's objects."""
    if role in _CRAWLED:
        return _CRAWLED[role]
    _login(client, people.get(role))
    found: dict[tuple[str, str], dict[str, Field]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_CRAWLED or role not in PERMISSIONS[rule.endpoint]:
            continue
        path = url_for_rule(rule, values)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in forms_in(response.get_data(as_text=True), path):
            target = endpoint_of(app, form.action, form.method)
            if target is None:
                continue
            fields = found.setdefault((target[0], form.method), {})
            for name, spec in form.fields.items():
                if name in fields:
                    fields[name].options.extend(o for o in spec.options if o not in fields[name].options)
                else:
                    fields[name] = spec
    _CRAWLED[role] = found
    return found


@pytest.fixture
def targets(app, client, db, permission_world):
    """The world of the permission walk, with its introduction's graduate as the graduate who logs in."""
    people, ids, member_ids = permission_world
    people = dict(people)
    people["graduate"] = db.session.get(GraduateProfile, ids["profile_id"]).user
    return people, ids, member_ids


class _ErrorLog(logging.Handler):
    """Keeps the traceback of the last error the app logged, for the failure message."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.last = ""

    def emit(self, record):
        if record.exc_info:
            self.last = "".join(traceback.format_exception(*record.exc_info))
        else:
            self.last = record.getMessage()


@pytest.fixture
def error_log():
    handler = _ErrorLog()
    logger = logging.getLogger("matchmaker")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def _backend(app) -> str:
    return "postgresql" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else "sqlite"


# ---- the fuzz ----------------------------------------------------------------------------------

FUZZED = sorted(endpoint for endpoint in PERMISSIONS if endpoint not in SKIP)
# One test per blueprint (one world each, which is most of the cost); every route of it fuzzed in turn.
BLUEPRINTS = sorted({endpoint.split(".")[0] for endpoint in FUZZED})


def _fuzz_route(app, client, targets, error_log, endpoint: str, examples: int) -> None:
    people, ids, member_ids = targets
    role = _role_for(endpoint)
    user = people.get(role)
    values = dict(ids)
    if endpoint in member_ids:
        values["user_id"] = member_ids[endpoint]
    forms = _forms_by_target(app, client, role, people, values)
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    assert rules, endpoint
    state = {"logged_in": False}

    def body(data):
        rule = data.draw(st.sampled_from(rules), label="rule")
        method = data.draw(st.sampled_from(sorted(m for m in rule.methods if m in ("GET", "POST"))), label="method")
        path_values = dict(values)
        for name in rule.arguments:
            if not isinstance(values[name], int):  # tokens, codes: any text at all
                path_values[name] = quote(data.draw(st.one_of(st.just(str(values[name])), value_strategy),
                                                    label=name), safe="")
            elif data.draw(st.integers(min_value=0, max_value=9), label=f"{name} real?") == 0:
                path_values[name] = data.draw(st.integers(min_value=0, max_value=2**80), label=name)
        url = url_for_rule(rule, path_values)
        known = forms.get((endpoint, method)) or {}
        pairs: list[tuple[str, object]] = []
        for name, spec in known.items():
            how = data.draw(st.sampled_from(["value"] * 5 + ["missing", "repeat"]), label=f"{name}?")
            for _ in range({"value": 1, "missing": 0, "repeat": 2}[how]):
                pairs.append((name, data.draw(field_values(spec), label=name)))
        extra_names = st.sampled_from(COMMON_FIELDS + (MASS_FIELDS if method == "POST" else [])) | texts.filter(bool)
        pairs += data.draw(st.lists(st.tuples(extra_names, value_strategy), max_size=3), label="extra fields")

        if not state["logged_in"]:
            _login(client, user)
            state["logged_in"] = True
        error_log.last = ""
        if method == "GET":
            response = client.get(url, query_string=[(n, v) for n, v in pairs if isinstance(v, str)])
        else:
            encoding = data.draw(st.sampled_from(["form"] * 6 + ["json", "raw"]), label="encoding")
            if encoding == "form":
                response = client.post(url, data=MultiDict(pairs))
            elif encoding == "json":
                response = client.post(url, json=data.draw(json_values, label="json"))
            else:
                response = client.post(url, data=data.draw(st.binary(max_size=300), label="raw body"),
                                       content_type=data.draw(st.sampled_from([
                                           "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                           "multipart/form-data", "application/json", "text/plain"]),
                                           label="content type"))
        status = response.status_code
        # Logging out, changing the password or a redirect to the login page: log in again next time.
        if endpoint.startswith("auth.") or (response.location or "").startswith("/auth/login"):
            state["logged_in"] = False
        response.close()
        assert status < 500, f"{role} {method} {url} -> {status}\n{error_log.last}"

    run = settings(max_examples=examples, deadline=None, derandomize=not EXPLORE, database=None,
                   print_blob=True, phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=list(HealthCheck))(given(data=st.data())(body))
    run()


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_no_server_error_on_hostile_input(app, client, targets, error_log, blueprint):
    examples = EXAMPLES[_backend(app)]
    failures = []
    for endpoint in (e for e in FUZZED if e.split(".")[0] == blueprint):
        try:
            _fuzz_route(app, client, targets, error_log, endpoint, examples)
        except AssertionError as error:
            failures.append(f"{endpoint}: {error}")
    assert not failures, "\n\n".join(failures)


def test_json_body_to_a_form_is_a_400_not_a_500(client, make_company, login_as):
    """Flask-WTF reads a JSON body as form data; JSON that is not an object of strings broke the fields."""
    login_as(make_company().users[0])
    for body in (True, [1, 2], "text", {"title": 5, "kind": ["job"]}, None):
        response = client.post("/offers/new", json=body)
        assert response.status_code == 400, body


def test_a_choice_of_only_spaces_is_no_choice(client, make_company, login_as):
    """Optional() lets a value of only spaces through; it must not reach Enum(...) as is."""
    assert client.get("/offers/?sector=%20%20&kind=%20&degree=%20&german=%20").status_code == 200
    assert client.get("/companies/?sector=%20").status_code == 200
    company = make_company()
    login_as(company.users[0])
    response = client.post("/offers/new", data={"kind": "job", "title": "Ingenieur (m/w/d)", "degree": "  ",
                                                "language": "de", "min_german_level": " "})
    assert response.status_code < 500
    response = client.post("/companies/mine/edit", data={"sector": "energy", "site": "Spremberg", "size_band": " "})
    assert response.status_code == 302
    assert company.size_band is None


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "99999999999999999999", "-1"])
def test_ids_beyond_the_integer_range_are_not_found(client, make_offer, login_as, company_user, number):
    """Row ids in paths are bounded before they reach the database (SQLite and PostgreSQL both failed).

    Such a URL names no page at all, so it is 404 for everyone, before any login gate: an anonymous
    visitor sent to the login page instead would mean the id had matched the route.
    """
    offer = make_offer()
    paths = (f"/offers/{number}", f"/companies/{number}", f"/offers/{number}/edit")
    for path in paths:
        assert client.get(path).status_code == 404, ("anonymous", path)
    login_as(company_user(offer.company))
    assert client.get(f"/offers/{offer.id}/edit").status_code == 200  # this user may edit offers
    for path in paths:
        assert client.get(path).status_code == 404, ("company", path)
    assert client.get(f"/offers/{offer.id}").status_code == 200


def test_the_largest_row_id_reaches_the_database_and_is_not_found(client, make_offer, login_as, company_user):
    """The bound is the largest id an integer column holds, not less: that id is looked up like any other."""
    largest = 2**31 - 1
    offer = make_offer()
    # Anonymous: the login gate answers first, as for any id of a page that needs a login.
    response = client.get(f"/offers/{largest}/edit")
    assert response.status_code == 302 and response.location.startswith("/auth/login"), response.location
    assert client.get(f"/offers/{largest}").status_code == 404
    login_as(company_user(offer.company))
    for path in (f"/offers/{largest}", f"/companies/{largest}", f"/offers/{largest}/edit"):
        assert client.get(path).status_code == 404, path
