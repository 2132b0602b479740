"""The fault checks of bench/faults.py, run with small numbers: they assert behaviour, not timings.

Every test here carries the `reliability` marker: `pytest -m "not reliability"` leaves them out, the
default run keeps them. `bench` is imported from the repository root (pytest's `pythonpath`).
"""

from __future__ import annotations

import pytest

from bench import faults


@pytest.fixture
def need_gunicorn():
    if not faults.gunicorn_available():
        pytest.skip("gunicorn is not installed in the virtualenv (pip install gunicorn)")
