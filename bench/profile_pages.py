"""Where a page's time goes: pyinstrument over repeated requests, as a table by part of the stack.

    python -m bench.profile_pages [--size 10x] [--requests 20] [--database-url postgresql+psycopg://...]
                                  [--server postgresql+psycopg://postgres@127.0.0.1:5432] [--database profile]
                                  [--keep]

Without --database-url it makes the database (dropped afterwards, unless --keep) like bench/load.py:
the demo data, grown to --size; a kept database is profiled again, as it is, with
--database-url <server>/<database>. The app runs in this process (the Flask test client, the production code path, CSRF
off so that the figures are the pages' own); each page is requested a few times first (the matcher
index is built then, not counted) and then --requests times under the profiler. Printed per page:
the median time of a request, the share of wall time per part of the stack (own time of the frames in
it), and the functions with the most own time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import faults  # noqa: E402
import load  # noqa: E402

# Parts of the stack, by where a frame's code lives (first match wins).
GROUPS = (
    ("matcher (matchmaker/matching)", ("matchmaker/matching/",)),
    ("numpy / scipy / scikit-learn", ("numpy/", "scipy/", "sklearn/")),
    ("templates (Jinja2, templates/)", ("jinja2/", "/templates/", "markupsafe/")),
    ("translations (Babel)", ("babel/", "flask_babel/")),
    ("database driver (psycopg, waiting for PostgreSQL)", ("psycopg/", "psycopg_binary/")),
    ("SQLAlchemy (ORM, SQL building, result rows)", ("sqlalchemy/", "flask_sqlalchemy/")),
    ("forms (WTForms)", ("wtforms/", "flask_wtf/")),
    ("Flask / Werkzeug / Flask-Login", ("flask/", "werkzeug/", "flask_login/", "flask_limiter/", "limits/")),
    ("app code (matchmaker/, other)", ("matchmaker/",)),
)


def group_of(path: str | None) -> str:
    path = path or ""
    for name, needles in GROUPS:
        if any(needle in path for needle in needles):
            return name
    return "Python and other libraries"


def walk(frame, by_group: dict, by_function: dict) -> None:
    own = frame.total_self_time
    if own > 0 and not frame.is_synthetic:
        by_group[group_of(frame.file_path)] += own
        short = (frame.file_path_short or "?").replace("/work/main/.venv/lib/python3.11/site-packages/", "")
        by_function[f"{frame.function} ({short}:{frame.line_no})"] += own
    for child in frame.children:
        walk(child, by_group, by_function)


def profile_page(client, path: str, requests: int, warm: int = 3) -> dict:
    from pyinstrument import Profiler

    for _ in range(warm):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    times = []
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    session = profiler.stop()
    by_group: dict[str, float] = defaultdict(float)
    by_function: dict[str, float] = defaultdict(float)
    root = session.root_frame()
    if root is not None:
        walk(root, by_group, by_function)
    total = sum(by_group.values()) or 1.0
    return {"path": path, "median_ms": statistics.median(times) * 1000,
            "groups": sorted(((name, value / total) for name, value in by_group.items()), key=lambda g: -g[1]),
            "functions": sorted(((name, value / total) for name, value in by_function.items()),
                                key=lambda f: -f[1])[:12]}


def run(url: str, workdir: Path, requests: int) -> list[dict]:
    from matchmaker.demo import DEMO_PASSWORD
    from matchmaker.extensions import db

    ids = load.identities(url, workdir)
    app = faults._app_for(url, workdir)
    app.config.update(WTF_CSRF_ENABLED=False, TESTING=False)
    results = []
    graduate, company = app.test_client(), app.test_client()
    for client, email in ((graduate, ids["graduates"][0]), (company, ids["company_users"][0][0])):
        response = client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (email, response.status_code)
    own_offer = ids["company_users"][0][1][0]
    pages = [(graduate, "/"), (graduate, "/offers/"), (graduate, f"/offers/{ids['offers'][0]}"),
             (graduate, f"/companies/{ids['companies'][0]}"), (graduate, "/offers/?q=Wasserstoff"),
             (graduate, "/matches/offers"), (company, f"/matches/offers/{own_offer}/graduates"),
             (company, "/companies/mine")]
    for client, path in pages:
        results.append(profile_page(client, path, requests))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10x", choices=list(load.SIZES))
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="profile on this database as it is")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="profile")
    parser.add_argument("--keep", action="store_true", help="keep the database made, to profile it again")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="matchmaker-profile-") as tmp:
        workdir = Path(tmp)
        url = args.database_url
        if url is None:
            url = load.create_database(args.server, args.database)
        try:
            if args.database_url is None:
                load.flask(url, workdir, "db", "upgrade")
                load.flask(url, workdir, "seed-demo")
                if args.size != "demo":
                    print(f"rows: {load.grow_to_size(url, workdir, args.size)}", flush=True)
            results = run(url, workdir, args.requests)
        finally:
            if args.database_url is None and not args.keep:
                load.drop_database(args.server, args.database)
    for result in results:
        print(f"\n{result['path']}: median {result['median_ms']:.0f} ms per request ({args.requests} requests)")
        print("| part of the stack | share of the time |\n|---|---|")
        for name, share in result["groups"]:
            if share >= 0.005:
                print(f"| {name} | {share * 100:.0f} % |")
        print("\n| function (own time) | share |\n|---|---|")
        for name, share in result["functions"][:8]:
            print(f"| `{name}` | {share * 100:.1f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
