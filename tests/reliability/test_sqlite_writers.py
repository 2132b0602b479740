"""Several gunicorn workers write to one SQLite file at once."""

from __future__ import annotations

import pytest

from bench import faults

pytestmark = pytest.mark.reliability


def test_concurrent_writers_never_see_a_locked_database(need_gunicorn, tmp_path):
    result = faults.check_sqlite_writers(tmp_path, processes=4, writes=20, seconds=60)

    assert result["journal_mode"] == "wal"
    assert result["writes_tried"] == 80
    assert result["failures"] == 0, result["failure_examples"]
    assert result["locked_in_server_log"] == 0
    assert result["acknowledged"] == result["rows"] == 80
    assert result["missing"] == [] and result["extra"] == []
    assert result["integrity"] == "ok"
