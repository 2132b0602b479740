"""kill -9 of the whole server while clients write."""

from __future__ import annotations

import pytest

from bench import faults

pytestmark = pytest.mark.reliability


def test_every_acknowledged_write_survives_kill_9(need_gunicorn, tmp_path):
    result = faults.check_crash(tmp_path, rounds=2, clients=3, workers=2, kill_after=(0.6, 1.2))

    assert result["acknowledged"] > 0
    assert result["tracebacks"] == 0
    for round_ in result["rounds"]:
        assert round_["integrity"] == "ok", round_
        assert round_["missing"] == [], round_
    assert result["all_ok"]
