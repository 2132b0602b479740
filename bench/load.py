"""Requests per second under mixed traffic, measured with Locust: gunicorn on PostgreSQL at several data sizes.

    python -m bench.load [--size demo,10x,100x,bench] [--steps 2,4,8,16,32] [--seconds 20] [--warmup 20]
                         [--workers 4] [--server postgresql+psycopg://postgres@127.0.0.1:5432] [--database loadtest]
                         [--port PORT]

Needs the `bench` extra (`pip install -e '.[bench]'`: Locust, pyinstrument). Creates the database
`loadtest` on the given server (dropped again at the end, also after an error, unless --keep), runs
`flask db upgrade` and `flask seed-demo`, and serves the app with gunicorn (production config, CSRF on,
a random SECRET_KEY, TRUSTED_HOSTS=127.0.0.1, `--preload` after `flask matcher build`, so that the
master loads the index snapshot once and the workers share it) on a free loopback port (or `--port`).

Sizes (companies, offers, graduate profiles at least): demo = the demo data as seeded (35 offers, 60
profiles); 10x = 120, 400, 600; 100x = 1,200, 4,000, 6,000; bench = 2,000, 100,000, 100,000. The rows
beyond the demo are synthetic copies of the demo's own offers and profiles, written with bulk inserts
(all marked is_demo, names "Demo: Synthetic ...", addresses under demo.matchmaker.example). Sizes run
smallest first on the one database, each adding to the last.

The traffic is `bench/locustfile.py` run headless (`locust --headless -f bench/locustfile.py`): virtual
users in closed loops without think time, each logged in once as a demo graduate and as a demo company
user through the login form with its CSRF token (RATELIMIT_ENABLED=false for this run only: 64 logins
from one address would trip the login limit). The mix:
    browse  45 %   /, /offers/, /offers/?page=2, an offer page, a company page (anonymous)
    search  20 %   /offers/?q=<word>
    match   25 %   the graduate's /matches/offers, the company's /matches/offers/<id>/graduates
    write   10 %   the graduate saves the profile form (as read from the page, real CSRF token)
All 32 users are spawned and log in during a warm-up in which 8 of them send requests (not counted; at
least --warmup seconds, and until every user is logged in); then the steps let 2, 4, 8, 16 and 32 of
them send requests, 20 s each, so no login falls into a step. A request is an error when its status is
not the expected one (200, or 302 after the save) or it fails (30 s timeout).

Printed per step: users, requests/s, p50, p95, p99, error %, p95 per kind of request and the load
average at the step's end; then the highest requests/s held with p95 < 300 ms and < 1 % errors, and the
p95 of each page at the last step. The load generator runs on the same machine as the server (loopback):
on a small machine it takes a share of the CPU, so the figures are a floor, and on a shared machine
they vary from run to run: compare sizes within one run, and quote the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import faults  # noqa: E402
from faults import REPO, Server  # noqa: E402

P95_LIMIT = 0.300
ERROR_LIMIT = 0.01


# ---- database ---------------------------------------------------------------------------------

def _admin(server: str):
    import sqlalchemy as sa

    return sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")


def create_database(server: str, name: str) -> str:
    import sqlalchemy as sa

    engine = _admin(server)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server}/{name}"


def drop_database(server: str, name: str) -> None:
    import sqlalchemy as sa

    engine = _admin(server)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def flask(url: str, workdir: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "MAIL_SERVER"}}
    env.update({"DATABASE_URL": url, "MATCHMAKER_INSTANCE": str(workdir / "instance"), "PYTHONPATH": str(REPO)})
    done = subprocess.run([str(faults.BIN / "flask"), "--app", "wsgi:app", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


SIZES = {  # label -> (companies, offers, graduate profiles) at least; "demo" is the demo data as seeded
    "demo": (0, 0, 0),
    "10x": (120, 400, 600),
    "100x": (1_200, 4_000, 6_000),
    "bench": (2_000, 100_000, 100_000),
}
CHUNK = 5_000


def _insert(db, model, rows: list[dict], returning: bool = False) -> list[int]:
    """Bulk INSERT in chunks (one statement per chunk, no ORM units of work); ids in order when asked."""
    import sqlalchemy as sa

    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        if returning:
            ids.extend(db.session.scalars(sa.insert(model).returning(model.id, sort_by_parameter_order=True), chunk))
        else:
            db.session.execute(sa.insert(model), chunk)
    return ids


def grow_to_size(url: str, workdir: Path, size: str) -> dict:
    """Add synthetic demo rows (copies of the demo's own offers and profiles, with new titles and names)
    with bulk inserts until the database has the size's companies, offers and graduate profiles."""
    from datetime import timedelta

    from matchmaker import demo
    from matchmaker.extensions import db
    from matchmaker.models import (Company, GraduateProfile, Membership, Offer, OfferStatus, Role, SizeBand,
                                   User, utcnow)

    target = dict(zip(("companies", "offers", "profiles"), SIZES[size]))
    app = faults._app_for(url, workdir)
    rng = random.Random(demo.SEED + len(size))
    started = time.monotonic()
    with app.app_context():
        now = utcnow()
        today = now.date()
        probe = User()
        probe.set_password(demo.DEMO_PASSWORD)
        hashed = probe.password_hash
        count = {"companies": db.session.scalar(db.select(db.func.count(Company.id))),
                 "offers": db.session.scalar(db.select(db.func.count(Offer.id))),
                 "profiles": db.session.scalar(db.select(db.func.count(GraduateProfile.id)))}
        numbers = range(count["companies"] + 1, target["companies"] + 1)
        specs = [demo.COMPANIES[n % len(demo.COMPANIES)] for n in numbers]
        company_ids = _insert(db, Company, [
            {"name": f"{demo.COMPANY_PREFIX}Synthetic {n:05d} {spec.name}", "sector": spec.sector,
             "size_band": rng.choice(list(SizeBand)), "site": spec.site, "about": demo.ABOUT_PREFIX + spec.about,
             "contact_email": demo.demo_email(f"synthetic-c{n:05d}"), "is_demo": True,
             "created_at": now - timedelta(days=30), "verified_at": now - timedelta(days=20)}
            for n, spec in zip(numbers, specs)], returning=True)
        _insert(db, User, [
            {"email": demo.demo_email(f"synthetic-company{n:05d}"), "role": Role.company, "password_hash": hashed,
             "confirmed_at": now, "company_id": company_id, "membership": Membership.active, "is_demo": True,
             "locale": "de"} for n, company_id in zip(numbers, company_ids)])
        pool = company_ids or list(db.session.scalars(db.select(Company.id).where(Company.verified_at.is_not(None))))
        lifetime = app.config["OFFER_DEFAULT_LIFETIME_DAYS"]
        offers = []
        for n in range(count["offers"] + 1, target["offers"] + 1):
            spec = demo.OFFERS[n % len(demo.OFFERS)]
            published = now - timedelta(days=rng.randint(1, 35))
            offers.append({"company_id": pool[n % len(pool)], "kind": spec.kind, "title": f"{spec.title} [{n}]",
                           "description": demo.offer_description(spec), "required_skills": list(spec.required),
                           "nice_skills": list(spec.nice), "fields_of_study": list(spec.fields),
                           "degree": spec.degree, "min_german_level": spec.german,
                           "start_date": today + timedelta(days=rng.randint(14, 120)),
                           "duration_months": spec.duration, "place": spec.place, "remote_share": spec.remote,
                           "language": spec.language, "is_demo": True, "status": OfferStatus.published,
                           "published_at": published, "expires_at": published + timedelta(days=lifetime),
                           "created_at": published, "updated_at": published})
        _insert(db, Offer, offers)
        graduate_specs = demo._graduate_specs(today, now)
        numbers = range(count["profiles"] + 1, target["profiles"] + 1)
        user_ids = _insert(db, User, [
            {"email": demo.demo_email(f"synthetic-graduate{n:06d}"), "role": Role.graduate,
             "locale": graduate_specs[n % len(graduate_specs)].locale, "password_hash": hashed,
             "confirmed_at": now, "company_id": None, "membership": None, "is_demo": True} for n in numbers],
            returning=True)
        by_keys: dict[tuple, list[dict]] = {}
        for n, user_id in zip(numbers, user_ids):
            fields = dict(graduate_specs[n % len(graduate_specs)].fields)
            fields["skills"] = rng.sample(fields["skills"], k=len(fields["skills"]))
            fields["name"] = f"Synthetic Graduate {n:06d}"
            profile = GraduateProfile(**fields)
            profile.sync_german_level()
            row = {**fields, "german_level": profile.german_level, "user_id": user_id, "is_demo": True,
                   "created_at": now, "updated_at": now}
            by_keys.setdefault(tuple(sorted(row)), []).append(row)
        for rows in by_keys.values():
            _insert(db, GraduateProfile, rows)
        db.session.commit()
        # The planner's statistics, as a database that grew over months has them (autovacuum would take
        # them within minutes; the steps start sooner): without them it plans the public offers as 2 rows.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
        result = {"companies": db.session.scalar(db.select(db.func.count(Company.id))),
                  "offers": db.session.scalar(db.select(db.func.count(Offer.id))),
                  "profiles": db.session.scalar(db.select(db.func.count(GraduateProfile.id))),
                  "seconds": round(time.monotonic() - started, 1)}
        db.session.remove()
        db.engine.dispose()
    return result


def identities(url: str, workdir: Path) -> dict:
    """Who can log in, which pages exist: read from the database the server uses."""
    from matchmaker.extensions import db
    from matchmaker.models import Company, GraduateProfile, Membership, Offer, OfferStatus, Role, User, utcnow

    app = faults._app_for(url, workdir)
    with app.app_context():
        now = utcnow()
        public = (db.select(Offer.id, Offer.company_id).join(Company)
                  .where(Offer.status == OfferStatus.published, Company.verified_at.is_not(None),
                         Offer.expires_at > now))
        offers = db.session.execute(public).all()
        by_company: dict[int, list[int]] = {}
        for offer_id, company_id in offers:
            by_company.setdefault(company_id, []).append(offer_id)
        company_users = [(email, by_company[company_id]) for email, company_id in db.session.execute(
            db.select(User.email, User.company_id).where(User.role == Role.company, User.is_demo.is_(True),
                                                          User.membership == Membership.active))
            if company_id in by_company]
        graduates = list(db.session.scalars(db.select(User.email).join(GraduateProfile)
                                            .where(User.is_demo.is_(True)).order_by(User.id)))
        rng = random.Random(7)
        offer_ids = [o for o, _c in offers]
        result = {"offers": offer_ids if len(offer_ids) <= 5000 else rng.sample(offer_ids, 5000),
                  "companies": sorted(by_company)[:5000], "company_users": sorted(company_users)[:200],
                  "graduates": graduates[:200], "profiles": len(graduates)}
        db.session.remove()
        db.engine.dispose()
    return result


# ---- the run: gunicorn serves, Locust loads ----------------------------------------------------

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


def locust_available() -> bool:
    return (faults.BIN / "locust").exists()


def run_locust(port: int, ids: dict, workdir: Path, steps: list[int], seconds: float, warmup: float,
               warmup_limit: float) -> dict:
    """Locust headless against the server: warm-up, then the steps; returns the per-step figures."""
    from matchmaker.demo import DEMO_PASSWORD

    ids_file = workdir / "load-ids.json"
    ids_file.write_text(json.dumps({**ids, "password": DEMO_PASSWORD}))
    out = workdir / "load-steps.json"
    out.unlink(missing_ok=True)
    env = {**os.environ, "MATCHMAKER_LOAD_IDS": str(ids_file), "MATCHMAKER_LOAD_STEPS": ",".join(map(str, steps)),
           "MATCHMAKER_LOAD_SECONDS": str(seconds), "MATCHMAKER_LOAD_WARMUP": str(warmup),
           "MATCHMAKER_LOAD_OUT": str(out), "MATCHMAKER_LOAD_WARMUP_LIMIT": str(warmup_limit),
           "PYTHONPATH": str(REPO)}
    total = max(warmup, warmup_limit) + seconds * len(steps)
    cmd = [str(faults.BIN / "locust"), "--headless", "-f", str(LOCUSTFILE), "--host", f"http://127.0.0.1:{port}",
           "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5"]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=total + 300, check=False)
    if not out.exists():
        raise RuntimeError(f"Locust wrote no figures (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    figures = json.loads(out.read_text())
    figures["stderr"] = done.stderr[-3000:]
    return figures


def _ms(value) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def run_size(label: str, url: str, workdir: Path, steps: list[int], seconds: float, workers: int,
             warmup: float, ready_timeout: float, warmup_limit: float = 300.0, port: int | None = None) -> list[dict]:
    ids = identities(url, workdir)
    # The index snapshot is built first (`flask matcher build`, as `make run` and a deploy do); the
    # gunicorn master loads it at start (--preload) and the forked workers share its pages, so no request
    # waits for a build. RATELIMIT_ENABLED=false for this run only: 64 logins from one address would trip
    # the login limit.
    env = {"RATELIMIT_ENABLED": "false", "WEB_CONCURRENCY": str(workers), "MATCHER_WARM_START": "1"}
    server = Server(url, workdir, workers=workers, env=env, timeout=120, port=port)
    built = time.monotonic()
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi:app", "matcher", "build"], cwd=REPO,
                   env=server.environment(), check=True, capture_output=True, text=True)
    print(f"{label}: index snapshot built in {time.monotonic() - built:.1f} s", flush=True)
    started = time.monotonic()
    server.start(ready_timeout=ready_timeout)
    try:
        print(f"\n{label}: {len(ids['offers'])} public offers, {ids['profiles']} graduate profiles; gunicorn "
              f"{workers} workers ready in {time.monotonic() - started:.1f} s; {seconds:.0f} s per step after "
              f"{warmup:.0f} s warm-up; load average before: {os.getloadavg()[0]:.2f}", flush=True)
        figures = run_locust(server.port, ids, workdir, steps, seconds, warmup, warmup_limit)
        log = server.log_text()
    finally:
        server.stop()
    rows = figures["steps"]
    print(f"{'users':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}   "
          f"p95 ms: browse search match write   load avg")
    for row in rows:
        k = row["p95_by_kind"]
        print(f"{row['users']:>5} {row['rps']:>7.1f} {_ms(row['p50']):>7} {_ms(row['p95']):>7} "
              f"{_ms(row['p99']):>7} {row['errors'] * 100:>6.2f}%   {_ms(k['browse']):>6} {_ms(k['search']):>6} "
              f"{_ms(k['match']):>5} {_ms(k['write']):>5}   {row['load'] or 0:>5.2f}")
    held = [r for r in rows if r["p95"] is not None and r["p95"] < P95_LIMIT and r["errors"] < ERROR_LIMIT]
    if held:
        best = max(held, key=lambda r: r["rps"])
        print(f"{label}: held {best['rps']:.1f} req/s with p95 {best['p95'] * 1000:.0f} ms and "
              f"{best['errors'] * 100:.2f} % errors at {best['users']} users (limit: p95 < 300 ms, < 1 % errors)")
    else:
        print(f"{label}: no step held p95 < 300 ms with < 1 % errors")
    if rows:
        last = rows[-1]["p95_by_page"]
        print(f"{label}: p95 per page at {rows[-1]['users']} users: "
              + ", ".join(f"{page} {_ms(value)}" for page, value in last.items()))
    if figures.get("errors"):
        print(f"{label}: first errors reported by Locust: {figures['errors'][:3]}")
    if not rows or any(r["requests"] == 0 for r in rows):
        print(f"{label}: Locust's own output:\n{figures.get('stderr', '')}")
    errors_in_log = log.count("Traceback (most recent call last)")
    if errors_in_log:
        first = log[log.find("Traceback (most recent call last)"):][:3000]
        print(f"{label}: {errors_in_log} stack traces in the server log; the first:\n{first}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="demo,10x",
                        help="comma-separated sizes, smallest first: demo, 10x, 100x, bench (100k offers + 100k profiles)")
    parser.add_argument("--steps", default="2,4,8,16,32", help="virtual users per step")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each step")
    parser.add_argument("--warmup", type=float, default=20.0,
                        help="seconds at 8 users before the steps, not counted; longer until every user has logged in")
    parser.add_argument("--warmup-limit", type=float, default=300.0,
                        help="start the steps after this long even if not every user could log in")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--ready-timeout", type=float, default=900.0,
                        help="seconds to wait for gunicorn (the master builds the index before it answers)")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="loadtest")
    parser.add_argument("--port", type=int, default=None,
                        help="the loopback port gunicorn listens on (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (e.g. for bench/profile_pages.py)")
    args = parser.parse_args(argv)
    if not faults.gunicorn_available():
        print("gunicorn is not installed in the virtualenv: .venv/bin/pip install gunicorn", file=sys.stderr)
        return 2
    if not locust_available():
        print("Locust is not installed in the virtualenv: .venv/bin/pip install -e '.[bench]'", file=sys.stderr)
        return 2
    sizes = [s.strip() for s in args.size.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; choose from {', '.join(SIZES)}")
    sizes.sort(key=list(SIZES).index)
    steps = [int(x) for x in args.steps.split(",")]
    print(f"Load on {os.cpu_count()} CPUs; server and load generator share them (loopback). "
          f"Load average at the start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="matchmaker-load-") as tmp:
        workdir = Path(tmp)
        url = create_database(args.server, args.database)
        try:
            flask(url, workdir, "db", "upgrade")
            print(flask(url, workdir, "seed-demo").splitlines()[0])
            for size in sizes:
                if size != "demo":
                    print(f"synthetic rows added, now: {grow_to_size(url, workdir, size)}", flush=True)
                run_size(size, url, workdir, steps, args.seconds, args.workers, args.warmup, args.ready_timeout,
                         args.warmup_limit, port=args.port)
        finally:
            if not args.keep:
                drop_database(args.server, args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
