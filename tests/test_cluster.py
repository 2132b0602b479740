"""The production layout on loopback: two app nodes, one RQ worker, PostgreSQL and Redis.

Both nodes run `gunicorn -c gunicorn.conf.py wsgi:app` (the file production uses) in the production
config with one SECRET_KEY, on one PostgreSQL database made by `flask db upgrade`; the worker is
`flask jobs worker`. A company publishes an offer through node 1; a graduate on node 2 must see it in
"Offers that fit you" within SYNC_DEADLINE seconds (node 2's index follows the version in the database,
no node talks to another). The graduate's interest, shown on node 2, becomes a mail that the worker sends.

Needs PostgreSQL (the server of TEST_DATABASE_URL, else postgres@127.0.0.1:5432; a database of its own is
made and dropped) and Redis (TEST_REDIS_URL, else db 7 on 127.0.0.1:6379); skipped with the reason
without them. Ports: MATCHMAKER_CLUSTER_PORTS (default 5401,5402), free ones if those are taken.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.faults import Browser, csrf_token

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
SYNC_DEADLINE = 10.0  # seconds from "published" on node 1 to "shown" on node 2
MAIL_DEADLINE = 15.0
PASSWORD = "cluster-check-password-1"
OFFER_TITLE = "Elektrolyse-Ingenieurin Clustertest (m/w/d)"


def _pg_server() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    return url.rsplit("/", 1)[0]


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ports() -> list[int]:
    wanted = [int(p) for p in os.environ.get("MATCHMAKER_CLUSTER_PORTS", "5401,5402").split(",")]
    return [p if _port_free(p) else _free_port() for p in wanted[:2]]


@pytest.fixture
def database():
    """A PostgreSQL database of this test alone, dropped afterwards."""
    server = _pg_server()
    admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    name = f"matchmaker_cluster_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {server} is not reachable ({type(error).__name__}); start it or set TEST_DATABASE_URL")
    yield f"{server}/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def redis_queue():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} does not answer ({type(error).__name__}); start redis-server or set TEST_REDIS_URL")
    name = f"cluster-{uuid.uuid4().hex[:10]}"
    yield name
    for key in connection.scan_iter(match=f"rq:*{name}*"):
        connection.delete(key)
    connection.close()


class Layout:
    """The processes of the layout, each in its own process group, with its log in the work folder."""

    def __init__(self, workdir: Path, env: dict):
        self.workdir = workdir
        self.env = env
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, cmd: list[str], **extra_env) -> subprocess.Popen:
        log_path = self.workdir / f"{name}.log"
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(cmd, cwd=REPO, env={**self.env, **extra_env}, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs.append((name, proc, log_path))
        return proc

    def run(self, *args: str) -> str:
        """A one-off command (a command never warms the index: only serving processes do)."""
        done = subprocess.run([str(BIN / "flask"), "--app", "wsgi:app", *args], cwd=REPO, env=self.env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def logs(self) -> str:
        return "\n".join(f"---- {name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-30:])
                         for name, _proc, path in self.procs)

    def wait_ready(self, port: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc, _path in self.procs:
                assert proc.poll() is None, f"{name} exited with {proc.returncode}:\n{self.logs()}"
            with contextlib.suppress(OSError):
                if Browser(port, timeout=5).get("/about").status == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"node on {port} did not answer within {timeout} s:\n{self.logs()}")

    def stop(self) -> None:
        for _name, proc, _path in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for _name, proc, _path in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _seed(env: dict) -> dict:
    """A verified company with one member, and a graduate whose profile fits the offer to come."""
    code = f"""
import sys
from datetime import date, timedelta
from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import (Company, Degree, GraduateProfile, Membership, OfferKind, Role, Sector, User, utcnow)
app = create_app()
with app.app_context():
    now = utcnow()
    company = Company(name="Cluster Wasserstoff GmbH", sector=Sector.hydrogen, about="Elektrolyse im Industriepark.",
                      verified_at=now)
    member = User(email="member@cluster.example", role=Role.company, company=company, membership=Membership.active,
                  confirmed_at=now, locale="en")
    graduate = User(email="graduate@cluster.example", role=Role.graduate, confirmed_at=now, locale="en")
    for user in (member, graduate):
        user.set_password({PASSWORD!r})
    profile = GraduateProfile(user=graduate, name="Kim Cluster", headline="Elektrolyse und Wasserstoff",
                              study_programme="Wasserstofftechnik", degree=Degree.master,
                              skills=["Elektrolyse", "Wasserstoff", "Verfahrenstechnik"],
                              languages=[{{"language": "de", "level": "C1"}}], wanted_kinds=[OfferKind.job.value])
    profile.sync_german_level()
    db.session.add_all([company, member, graduate, profile])
    db.session.commit()
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"member": "member@cluster.example", "graduate": "graduate@cluster.example"}


def _offer_form(page: str) -> dict:
    """The new-offer form as a company fills it in (the form posts to its own address)."""
    return {"csrf_token": csrf_token(page), "kind": "job", "title": OFFER_TITLE,
            "description": "Betrieb und Optimierung unserer PEM-Elektrolyse für grünen Wasserstoff.",
            "required_skills": "Elektrolyse, Wasserstoff", "nice_skills": "", "fields_other": "",
            "degree": "master", "min_german_level": "B2", "duration_months": "", "place": "Spremberg",
            "remote_share": "0", "language": "de",
            "start_date": (date.today() + timedelta(days=30)).isoformat(),
            "end_date": (date.today() + timedelta(days=120)).isoformat()}


def test_an_offer_published_on_one_node_fits_a_graduate_on_the_other(database, redis_queue, smtp, tmp_path):
    ports = _ports()
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "TEST_DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "MATCHMAKER_ENV"}}
    env.update({"MATCHMAKER_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                "TRUSTED_HOSTS": "127.0.0.1,localhost", "BASE_URL": f"http://127.0.0.1:{ports[0]}",
                "DATABASE_URL": database, "REDIS_URL": REDIS_URL, "JOBS_QUEUE": redis_queue,
                "JOBS_RETRY_INTERVALS": "1,2", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port),
                "MAIL_USE_TLS": "false", "MAIL_USE_SSL": "false", "WEB_CONCURRENCY": "2",
                "MATCHER_SNAPSHOT_DIR": str(tmp_path / "snapshots"), "GUNICORN_LOGLEVEL": "warning", "GUNICORN_ACCESSLOG": "",
                "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "MATCHMAKER_INSTANCE": str(tmp_path / "instance")})
    layout = Layout(tmp_path, env)
    layout.run("db", "upgrade")
    people = _seed(env)
    # The index snapshot on storage both nodes read (MATCHER_SNAPSHOT_DIR), built once before they start.
    layout.run("matcher", "build")
    try:
        for n, port in enumerate(ports, 1):
            layout.start(f"node{n}", [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                         GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_PROC_NAME=f"matchmaker-node{n}",
                         MATCHMAKER_INSTANCE=str(tmp_path / f"instance{n}"))
        layout.start("worker", [str(BIN / "flask"), "--app", "wsgi:app", "jobs", "worker", "--name",
                                f"{redis_queue}-worker"], MATCHMAKER_INSTANCE=str(tmp_path / "instance-worker"))
        for port in ports:
            layout.wait_ready(port)

        company = Browser(ports[0], timeout=30)
        company.login(people["member"], PASSWORD)
        graduate = Browser(ports[1], timeout=30)
        graduate.login(people["graduate"], PASSWORD)
        before = graduate.get("/matches/offers")
        assert before.status == 200 and OFFER_TITLE not in before.text  # node 2's index is built, without it

        page = company.get("/offers/new")
        assert page.status == 200, page.text[:500]
        created = company.post("/offers/new", _offer_form(page.text))
        assert created.status == 302, created.text[:2000]
        offer_id = int(re.search(r"/offers/(\d+)", created.location).group(1))
        detail = company.get(f"/offers/{offer_id}")
        published = company.post(f"/offers/{offer_id}/publish", {"csrf_token": csrf_token(detail.text)})
        assert published.status == 302, published.text[:2000]
        published_at = time.monotonic()

        seen_after = None
        while time.monotonic() - published_at < SYNC_DEADLINE:
            page = graduate.get("/matches/offers")
            assert page.status == 200
            if OFFER_TITLE in page.text:
                seen_after = time.monotonic() - published_at
                break
            time.sleep(0.2)
        assert seen_after is not None, f"not in node 2's matches within {SYNC_DEADLINE} s:\n{layout.logs()}"
        print(f"offer published on node 1 was in node 2's matches after {seen_after:.2f} s")

        # Node 1's session cookie is good on node 2: sessions live in the signed cookie, not in a node.
        company.port = ports[1]
        mine = company.get("/companies/mine")
        assert mine.status == 200 and "Cluster Wasserstoff GmbH" in mine.text

        # The graduate's interest (node 2) becomes a mail to the company that the worker sends.
        offer_page = graduate.get(f"/offers/{offer_id}")
        interest = graduate.post(f"/introductions/offers/{offer_id}/interest", {"csrf_token": csrf_token(offer_page.text)})
        assert interest.status == 302, interest.text[:2000]
        deadline = time.monotonic() + MAIL_DEADLINE
        while time.monotonic() < deadline and not smtp.inbox.to(people["member"]):
            time.sleep(0.2)
        assert smtp.inbox.to(people["member"]), f"the worker sent no mail within {MAIL_DEADLINE} s:\n{layout.logs()}"
    finally:
        layout.stop()
    for name, _proc, path in layout.procs:
        assert "Traceback (most recent call last)" not in path.read_text(errors="replace"), layout.logs()
