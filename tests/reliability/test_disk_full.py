"""SQLite on a tiny filesystem, written until it is full."""

from __future__ import annotations

import pytest

from bench import faults

pytestmark = pytest.mark.reliability


def test_full_disk_gives_an_error_page_and_keeps_earlier_data(need_gunicorn, tmp_path):
    # A 2 MB tmpfs where mounting is allowed, else a 2 MB file size limit on the server process.
    result = faults.check_disk_full(tmp_path, max_writes=400, seconds=60)

    assert result["acknowledged"] > 0
    status, message = result["first_failure"]
    assert status == 503, result
    assert "briefly unavailable" in message
    assert result["second_write"][0] == 503
    assert result["tracebacks"] == 0
    assert result["read_after_full"] == 200
    assert result["integrity"] == "ok" and result["integrity_after_stop"] == "ok"
    assert result["missing"] == [] and result["extra_rows"] == []
    assert result["seeded_intact"]
