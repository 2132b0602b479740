"""A PostgreSQL cluster of our own is stopped and started again under load."""

from __future__ import annotations

import pytest

from bench import faults

pytestmark = pytest.mark.reliability


def test_restart_answers_503_then_recovers_without_errors(tmp_path):
    reason = faults.pg_cluster_unavailable_reason()
    if reason:
        pytest.skip(f"no private PostgreSQL cluster: {reason}")

    result = faults.check_pg_restart(tmp_path, clients=3, workers=2, before=1.5, down=1.5, after=2.0)

    assert result["before_ok"] == result["before_total"] > 0
    # While the database is down: the 503 page (or a request that finished just before), never a 500.
    assert result["outage_statuses"].get(503, 0) > 0, result["outage_statuses"]
    assert set(result["outage_statuses"]) <= {200, 302, 503}, result["outage_statuses"]
    assert result["outage_messages"] == ["Error 503 The service is briefly unavailable. Please try again in a moment."]
    assert result["status_500"] == 0
    assert result["tracebacks"] == 0 and result["server_log_tracebacks"] == 0
    # Back again: the pool's pre-ping replaces the dead connections, so no request fails any more.
    assert result["recovered_after_start_called"] is not None
    assert result["after_total"] > 0
    assert result["after_error_count"] == 0, result["after_errors"]
    assert result["missing"] == []
