"""The fault checks of bench/faults.py, run with small numbers: they assert behaviour, not timings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import faults  # noqa: E402


@pytest.fixture
def need_gunicorn():
    if not faults.gunicorn_available():
        pytest.skip("gunicorn is not installed in the virtualenv (pip install gunicorn)")
