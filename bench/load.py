"""Requests per second under mixed traffic: gunicorn on PostgreSQL, with the demo data and with 10x it.

    .venv/bin/python bench/load.py [--steps 2,4,8,16,32] [--seconds 20] [--workers 4] [--scales 1,10]
                                   [--server postgresql+psycopg://postgres@127.0.0.1:5432] [--database loadtest]

Creates the database `loadtest` on the given server (dropped again at the end, also after an error),
runs `flask db upgrade` and `flask seed-demo`, and serves the app with gunicorn (production config, CSRF
on, a random SECRET_KEY, TRUSTED_HOSTS=127.0.0.1) on a free loopback port. For the 10x run it adds
synthetic demo rows with the models until there are 120 companies, 400 offers and 600 graduate profiles
(all marked is_demo, names "Demo: Synthetic ...", addresses under demo.matchmaker.example).

Virtual users run closed loops without think time, each logged in once as a demo graduate and as a demo
company user (RATELIMIT_ENABLED=false for this run only: 64 logins from one address would trip the login
limit). Each request is one of
    browse  45 %   /, /offers/, /offers/?page=2, an offer page, a company page (anonymous)
    search  20 %   /offers/?q=<word>
    match   25 %   the graduate's /matches/offers, the company's /matches/offers/<id>/graduates
    write   10 %   the graduate saves the profile form (as read from the page, real CSRF token)
The concurrency steps up (2, 4, 8, 16, 32 users, 20 s each) after a warm-up at 8 users that is not
counted (until every worker has built its matcher index, which each does on first use; at most 180 s). A request is an error when the status
is not the expected one (200, or 302 after the save) or it fails.
Printed per step: users, requests/s, p50, p95, p99, error %; and the highest requests/s held with
p95 < 300 ms and < 1 % errors. The load generator runs on the same machine as the server (loopback):
on a small machine it takes a share of the CPU, so the figures are a floor, and on a shared machine
they vary from run to run.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import faults  # noqa: E402
from faults import REPO, Browser, Server, csrf_token, form_fields  # noqa: E402

SEARCH_WORDS = ("Wasserstoff", "Python", "Automatisierung", "Praktikum", "SAP", "Recycling", "engineer",
                "Masterarbeit", "Logistik", "Elektrolyse", "SPS", "Chemie", "data", "Instandhaltung")
P95_LIMIT = 0.300
ERROR_LIMIT = 0.01
TARGET = {"companies": 120, "offers": 400, "profiles": 600}


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


def grow_to_scale(url: str, workdir: Path, factor: int) -> dict:
    """Add synthetic demo rows (copies of the demo's own offers and profiles) up to `factor` x the demo."""
    from datetime import timedelta

    from matchmaker import demo
    from matchmaker.extensions import db
    from matchmaker.models import (Company, GraduateProfile, Membership, Offer, OfferStatus, Role, Sector,
                                   SizeBand, User, utcnow)

    app = faults._app_for(url, workdir)
    target = {key: value * factor // 10 for key, value in TARGET.items()}
    rng = random.Random(demo.SEED + factor)
    with app.app_context():
        now = utcnow()
        today = now.date()
        probe = User()
        probe.set_password(demo.DEMO_PASSWORD)
        hashed = probe.password_hash
        count = {"companies": db.session.scalar(db.select(db.func.count(Company.id))),
                 "offers": db.session.scalar(db.select(db.func.count(Offer.id))),
                 "profiles": db.session.scalar(db.select(db.func.count(GraduateProfile.id)))}
        companies = []
        for n in range(count["companies"] + 1, target["companies"] + 1):
            spec = demo.COMPANIES[n % len(demo.COMPANIES)]
            company = Company(name=f"{demo.COMPANY_PREFIX}Synthetic {n:03d} {spec.name}", sector=spec.sector,
                              size_band=rng.choice(list(SizeBand)), site=spec.site,
                              about=demo.ABOUT_PREFIX + spec.about, contact_email=demo.demo_email(f"synthetic-c{n:03d}"),
                              is_demo=True, created_at=now - timedelta(days=30), verified_at=now - timedelta(days=20))
            user = User(email=demo.demo_email(f"synthetic-company{n:03d}"), role=Role.company, password_hash=hashed,
                        confirmed_at=now, company=company, membership=Membership.active, is_demo=True)
            db.session.add_all([company, user])
            companies.append(company)
        db.session.flush()
        pool = companies or list(db.session.scalars(db.select(Company).where(Company.verified_at.is_not(None))))
        for n in range(count["offers"] + 1, target["offers"] + 1):
            spec = demo.OFFERS[n % len(demo.OFFERS)]
            published = now - timedelta(days=rng.randint(1, 35))
            offer = Offer(company=pool[n % len(pool)], kind=spec.kind, title=f"{spec.title} [{n}]",
                          description=demo.offer_description(spec), required_skills=list(spec.required),
                          nice_skills=list(spec.nice), fields_of_study=list(spec.fields), degree=spec.degree,
                          min_german_level=spec.german, start_date=today + timedelta(days=rng.randint(14, 120)),
                          duration_months=spec.duration, place=spec.place, remote_share=spec.remote,
                          language=spec.language, is_demo=True, status=OfferStatus.published,
                          published_at=published)
            offer.expires_at = offer.expiry_for(published, app.config["OFFER_DEFAULT_LIFETIME_DAYS"])
            db.session.add(offer)
        specs = demo._graduate_specs(today, now)
        for n in range(count["profiles"] + 1, target["profiles"] + 1):
            spec = specs[n % len(specs)]
            fields = dict(spec.fields)
            fields["skills"] = rng.sample(fields["skills"], k=len(fields["skills"]))
            fields["name"] = f"Synthetic Graduate {n:03d}"
            user = User(email=demo.demo_email(f"synthetic-graduate{n:03d}"), role=Role.graduate, locale=spec.locale,
                        password_hash=hashed, confirmed_at=now, is_demo=True)
            profile = GraduateProfile(user=user, is_demo=True, **fields)
            profile.sync_german_level()
            db.session.add_all([user, profile])
        db.session.commit()
        result = {"companies": db.session.scalar(db.select(db.func.count(Company.id))),
                  "offers": db.session.scalar(db.select(db.func.count(Offer.id))),
                  "profiles": db.session.scalar(db.select(db.func.count(GraduateProfile.id)))}
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
        result = {"offers": [o for o, _c in offers], "companies": sorted(by_company),
                  "company_users": sorted(company_users), "graduates": graduates}
        db.session.remove()
        db.engine.dispose()
    return result


# ---- virtual users ----------------------------------------------------------------------------

@dataclass
class Sample:
    at: float
    kind: str
    seconds: float
    ok: bool


class VirtualUser:
    def __init__(self, port: int, graduate: str, company: tuple[str, list[int]], ids: dict, seed: int):
        from matchmaker.demo import DEMO_PASSWORD

        self.rng = random.Random(seed)
        self.ids = ids
        self.anonymous = Browser(port, timeout=30)
        self.graduate = Browser(port, timeout=30)
        self.graduate.login(graduate, DEMO_PASSWORD)
        self.company = Browser(port, timeout=30)
        self.company.login(company[0], DEMO_PASSWORD)
        self.own_offers = company[1]
        page = self.graduate.get("/me/profile")
        self.profile_form = form_fields(page.text, "/me/profile")
        csrf_token(page.text)  # the form carries one

    def one_request(self) -> tuple[str, bool, float]:
        r = self.rng.random()
        if r < 0.45:
            kind = "browse"
            path = self.rng.choice(("/", "/offers/", "/offers/?page=2", "offer", "company"))
            if path == "offer":
                path = f"/offers/{self.rng.choice(self.ids['offers'])}"
            elif path == "company":
                path = f"/companies/{self.rng.choice(self.ids['companies'])}"
            response = self.anonymous.get(path)
            return kind, response.status == 200, response.elapsed
        if r < 0.65:
            response = self.anonymous.get(f"/offers/?q={self.rng.choice(SEARCH_WORDS)}")
            return "search", response.status == 200, response.elapsed
        if r < 0.775:
            response = self.graduate.get("/matches/offers")
            return "match", response.status == 200, response.elapsed
        if r < 0.90:
            response = self.company.get(f"/matches/offers/{self.rng.choice(self.own_offers)}/graduates")
            return "match", response.status == 200, response.elapsed
        response = self.graduate.post("/me/profile", self.profile_form)
        return "write", response.status == 302, response.elapsed


def run_step(users: list[VirtualUser], seconds: float, max_requests: int = 200_000) -> list[Sample]:
    samples: list[Sample] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(user: VirtualUser):
        local = []
        while time.monotonic() < deadline and len(local) < max_requests:
            started = time.monotonic()
            try:
                kind, ok, elapsed = user.one_request()
            except OSError:
                kind, ok, elapsed = "error", False, time.monotonic() - started
            local.append(Sample(started, kind, elapsed, ok))
        with lock:
            samples.extend(local)

    threads = [threading.Thread(target=loop, args=(u,), daemon=True) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return samples


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summarise(users: int, samples: list[Sample], seconds: float) -> dict:
    times = [s.seconds for s in samples]
    errors = sum(1 for s in samples if not s.ok)
    by_kind = {}
    for kind in ("browse", "search", "match", "write"):
        own = [s.seconds for s in samples if s.kind == kind]
        by_kind[kind] = percentile(own, 0.95)
    return {"users": users, "requests": len(samples), "rps": len(samples) / seconds,
            "p50": percentile(times, 0.50), "p95": percentile(times, 0.95), "p99": percentile(times, 0.99),
            "errors": errors / len(samples) if samples else 1.0, "p95_by_kind": by_kind}


def run_scale(label: str, url: str, workdir: Path, steps: list[int], seconds: float, workers: int,
              warmup: float) -> list[dict]:
    ids = identities(url, workdir)
    env = {"RATELIMIT_ENABLED": "false"}
    rows = []
    # A longer worker timeout than the default 30 s: on a busy machine the first build of the matcher
    # index can take longer, and a worker killed during it would only start the build again.
    with Server(url, workdir, workers=workers, env=env, timeout=120) as server:
        vus = []
        for n in range(max(steps)):
            company = ids["company_users"][n % len(ids["company_users"])]
            vus.append(VirtualUser(server.port, ids["graduates"][n % len(ids["graduates"])], company, ids, n))
        # Not counted: every worker builds its matcher index on first use (seconds, once per process).
        warm_until = time.monotonic() + warmup
        while time.monotonic() < warm_until:
            chunk = run_step(vus[:min(8, len(vus))], 5)
            built = server.log_text().count("matcher index built")
            if built >= workers and percentile([s.seconds for s in chunk], 0.95) < 2.0:
                break
        print(f"\n{label}: {len(ids['offers'])} public offers, {len(ids['graduates'])} graduate profiles, "
              f"gunicorn {workers} workers, {seconds:.0f} s per step")
        print(f"{'users':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}   "
              f"p95 ms: browse search match write   load avg")
        for users in steps:
            started = time.monotonic()
            samples = run_step(vus[:users], seconds)
            row = summarise(users, samples, time.monotonic() - started)
            rows.append(row)
            k = row["p95_by_kind"]
            print(f"{users:>5} {row['rps']:>7.1f} {row['p50'] * 1000:>7.0f} {row['p95'] * 1000:>7.0f} "
                  f"{row['p99'] * 1000:>7.0f} {row['errors'] * 100:>6.2f}%   "
                  f"{k['browse'] * 1000:>6.0f} {k['search'] * 1000:>6.0f} {k['match'] * 1000:>5.0f} "
                  f"{k['write'] * 1000:>5.0f}   {os.getloadavg()[0]:>5.1f}", flush=True)
        log = server.log_text()
        errors_in_log = log.count("Traceback (most recent call last)")
        first_error = log[log.find("Traceback (most recent call last)"):][:3000] if errors_in_log else ""
    held = [r for r in rows if r["p95"] < P95_LIMIT and r["errors"] < ERROR_LIMIT]
    if held:
        best = max(held, key=lambda r: r["rps"])
        print(f"{label}: held {best['rps']:.1f} req/s with p95 {best['p95'] * 1000:.0f} ms and "
              f"{best['errors'] * 100:.2f} % errors at {best['users']} users (limit: p95 < 300 ms, < 1 % errors)")
    else:
        print(f"{label}: no step held p95 < 300 ms with < 1 % errors")
    if errors_in_log:
        print(f"{label}: {errors_in_log} stack traces in the server log; the first:\n{first_error}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="2,4,8,16,32", help="virtual users per step")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each step")
    parser.add_argument("--warmup", type=float, default=180.0,
                        help="at most this long at 8 users before the steps, until every worker has its index")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--scales", default="1,10", help="1 = the demo data, 10 = ten times its volume")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="loadtest")
    args = parser.parse_args(argv)
    if not faults.gunicorn_available():
        print("gunicorn is not installed in the virtualenv: .venv/bin/pip install gunicorn", file=sys.stderr)
        return 2
    steps = [int(x) for x in args.steps.split(",")]
    scales = sorted(int(x) for x in args.scales.split(","))
    print(f"Load on {os.cpu_count()} CPUs; server and load generator share them (loopback).")
    with tempfile.TemporaryDirectory(prefix="matchmaker-load-") as tmp:
        workdir = Path(tmp)
        url = create_database(args.server, args.database)
        try:
            flask(url, workdir, "db", "upgrade")
            print(flask(url, workdir, "seed-demo").splitlines()[0])
            for scale in scales:
                label = "demo data" if scale == 1 else f"{scale}x demo data"
                if scale > 1:
                    print(f"synthetic rows added, now: {grow_to_scale(url, workdir, scale)}")
                run_scale(label, url, workdir, steps, args.seconds, args.workers, args.warmup)
        finally:
            drop_database(args.server, args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
