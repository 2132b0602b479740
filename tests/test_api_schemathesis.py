"""Schemathesis against the served OpenAPI document: every operation, positive and negative data, through
the WSGI app on loopback with real tokens. No 500, no response outside the schema, no undocumented status.

Bounded: a few examples per operation and mode, derandomised (the same cases every run), well under a
minute. The counts are printed (`-s`) for the note on the issue."""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_schema_conformance, status_code_conformance)

from matchmaker.api.spec import OPERATIONS
from matchmaker.models import Role, SalaryPeriod

EXAMPLES = 10
# A hard bound for the whole run; it takes 30 to 45 s on a busy two-core machine.
TIME_LIMIT = 120
POSITIVE_CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
                   content_type_conformance]
NEGATIVE_CHECKS = POSITIVE_CHECKS + [negative_data_rejection]


@pytest.fixture
def api_world(app, make_company, make_offer, make_profile, make_user, make_token, company_user, make_unit):
    """A verified company with offers (one a draft, one with pay and a contact person), findable graduates,
    research units (one not verified), and a token for each side."""
    company = make_company(name="Wasserstoff Lausitz GmbH")
    owner = company_user(company)
    make_offer(company=company, title="Ingenieur Elektrolyse", required_skills=["Elektrolyse", "Python"])
    make_offer(company=company, title="Praktikum Verfahrenstechnik", published=False)
    make_offer(title="Werkstudent Automatisierung", required_skills=["SPS"], salary_min_cents=1450,
               salary_period=SalaryPeriod.hour, contact_name="Jana Richter", contact_email="karriere@park.example")
    make_unit(name="Lehrstuhl Wasserstofftechnik")
    make_unit(name="Labor im Aufbau", verified=False)
    for skills in (["Python", "Elektrolyse"], ["SPS", "Automatisierung"]):
        make_profile(user=make_user(Role.graduate), skills=skills, visible_to_companies=True, wanted_kinds=[])
    graduate = make_user(Role.graduate)
    make_profile(user=graduate, skills=["Python", "Elektrolyse"], wanted_kinds=[])
    return {"company": make_token(owner)[1], "graduate": make_token(graduate)[1]}


def test_the_api_holds_its_document(app, api_world, capsys):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    counts = {"operations": 0, "cases": 0, "failures": 0}
    statuses: dict[int, int] = {}
    failures: list[str] = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        counts["operations"] += 1
        token = api_world["graduate"] if operation.path.endswith("/my/matches") else api_world["company"]
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "de"}
        for mode, checks in ((GenerationMode.POSITIVE, POSITIVE_CHECKS), (GenerationMode.NEGATIVE, NEGATIVE_CHECKS)):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def run(case):
                counts["cases"] += 1
                try:
                    response = case.call(headers=headers)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    case.validate_response(response, checks=checks, headers=headers)
                except (FailureGroup, AssertionError) as error:
                    counts["failures"] += 1
                    failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): "
                                    f"{str(error)[:400]}")

            run()
        assert time.monotonic() - started < TIME_LIMIT, counts
    with capsys.disabled():
        print(f"\nschemathesis: {counts['operations']} operations, {counts['cases']} test cases, "
              f"{counts['failures']} failures, {time.monotonic() - started:.1f} s; "
              f"statuses {dict(sorted(statuses.items()))}")
    assert counts["operations"] == sum(len(methods) for methods in OPERATIONS.values())
    assert statuses.get(200, 0) > 0 and 500 not in statuses
    assert failures == [], "\n".join(failures[:10])
