"""Matchmaker: BTU graduates meet the employers of the Industriepark Schwarze Pumpe.

Importing the package imports nothing else: the matcher engine (`matchmaker.matching.engine`) is plain
Python and must load, be tested, benchmarked and evaluated where Flask is not installed. The application
factory lives in `matchmaker.app`; `from matchmaker import create_app` loads it on first use.
"""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
