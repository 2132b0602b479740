"""Faults the service must survive, each checked through the real app served by gunicorn on loopback.

    .venv/bin/python bench/faults.py [sqlite|crash|pg-restart|disk-full|all] [--quick]

- sqlite:     8 gunicorn workers on one SQLite file, 8 clients x 100 offer drafts (HTTP writes with CSRF
              tokens): no "database is locked" reaches a user, and the rows equal the acknowledged writes.
- crash:      kill -9 of gunicorn (master and workers) while 4 clients write, 5 rounds: every acknowledged
              write is there afterwards and PRAGMA integrity_check says ok.
- pg-restart: a PostgreSQL cluster of our own (pg_createcluster on a free port, dropped afterwards) is
              stopped and started while clients keep requesting: 503 pages while it is down (never a 500,
              never a stack trace), the time until the first 200 after the start, and no error after that.
- disk-full:  SQLite on a 2 MB tmpfs (or, where mounting is refused, a file size limit on the server),
              writes until full: an error page (503, no hang, no stack trace), the failed write rolled
              back, integrity_check ok and every earlier write intact.

Every loop is bounded by a count and a time. Each check returns a plain dict; tests/reliability/ assert
on the same functions with smaller numbers. Needs gunicorn in the virtualenv; pg-restart needs root and
pg_createcluster (Debian's postgresql-common), disk-full needs root for the mount.
"""
from __future__ import annotations

import argparse
import contextlib
import html.parser
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

BIN = Path(sys.executable).parent
GUNICORN = BIN / "gunicorn"
PASSWORD = "reliability-check-password"
# A cheap hash: these accounts exist only for a few seconds in a throwaway database.
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
TITLE_PREFIX = "Reliability check"
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.exc", "psycopg.")


# ---- processes and ports ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_available() -> bool:
    return GUNICORN.exists()


_POST_FORK = """
def post_fork(server, worker):
    # Connections must never be shared across a fork: each worker opens its own.
    from wsgi import app
    from matchmaker.extensions import db
    with app.app_context():
        db.engine.dispose(close=False)
"""


class Server:
    """gunicorn serving wsgi:app on a free loopback port, in its own process group."""

    def __init__(self, database_url: str, workdir: Path, workers: int = 2, env: dict | None = None,
                 file_size_limit: int | None = None, timeout: int = 30, port: int | None = None):
        self.database_url = database_url
        self.workdir = Path(workdir)
        self.workers = workers
        self.port = port or free_port()
        self.extra_env = env or {}
        self.file_size_limit = file_size_limit
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / f"gunicorn-{self.port}.log"

    def environment(self) -> dict:
        env = {key: value for key, value in os.environ.items()
               if key not in {"REDIS_URL", "MAIL_SERVER", "DATABASE_URL", "TEST_DATABASE_URL"}}
        env.update({
            "MATCHMAKER_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "TRUSTED_HOSTS": "127.0.0.1,localhost",
            "BASE_URL": f"http://127.0.0.1:{self.port}",
            "DATABASE_URL": self.database_url,
            "MATCHMAKER_INSTANCE": str(self.workdir / "instance"),
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
            # The faults checked here are the database's and the disk's; no page they load ranks, so the
            # servers do not warm the matcher's index (a build in the background would only compete for
            # the CPU and write snapshot files under a disk limit). bench/load.py builds the snapshot first.
            "MATCHER_WARM_START": "0",
        })
        env.update(self.extra_env)
        return env

    def _limit_file_size(self):  # runs in the child between fork and exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
        import resource
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.file_size_limit, self.file_size_limit))

    def start(self, ready_timeout: float = 60) -> "Server":
        conf = self.workdir / "gunicorn_conf.py"
        conf.write_text(_POST_FORK)
        cmd = [str(GUNICORN), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
               "--chdir", str(REPO), "--config", str(conf), "--preload", "--timeout", str(self.timeout),
               "--graceful-timeout", "5", "--log-level", "warning", "wsgi:app"]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         preexec_fn=self._limit_file_size if self.file_size_limit else None)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                if Browser(self.port, timeout=2).get("/about").status == 200:
                    return self
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer within {ready_timeout} s:\n{self.log_tail()}")

    def _signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def _wait_group_gone(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)

    def kill(self) -> None:
        """kill -9 of master and workers at once."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait()
        self._wait_group_gone()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None:
                self.proc.wait()
                self._wait_group_gone()
            return
        self._signal_group(signal.SIGINT)  # quick shutdown: the checks need no graceful draining
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self.proc.wait()
        self._wait_group_gone()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# ---- a small browser: cookies, CSRF tokens, forms ----------------------------------------------

@dataclass
class Response:
    status: int
    headers: dict
    text: str
    elapsed: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def shows_traceback(self) -> bool:
        return any(marker in self.text for marker in TRACEBACK_MARKERS)


class LoginFailed(RuntimeError):
    def __init__(self, email: str, status: int):
        super().__init__(f"login of {email} answered {status}")
        self.status = status


class Browser:
    """One visitor: keeps its session cookie (Secure or not: this is loopback), never follows redirects."""

    def __init__(self, port: int, timeout: float = 10):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | list | None = None) -> Response:
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept": "text/html", "Accept-Language": "en",
                   "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
            elapsed = time.perf_counter() - started
            for header in raw.headers.get_all("Set-Cookie") or []:
                self._take_cookie(header)
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text, elapsed)
        finally:
            conn.close()

    def _take_cookie(self, header: str) -> None:
        pair, *attrs = [part.strip() for part in header.split(";")]
        name, _sep, value = pair.partition("=")
        gone = any(a.lower() == "max-age=0" or a.lower().startswith("expires=thu, 01 jan 1970") for a in attrs)
        if gone or not value:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict | list) -> Response:
        return self.request("POST", path, form)

    def login(self, email: str, password: str = PASSWORD) -> None:
        page = self.get("/auth/login")
        if page.status != 200:
            raise LoginFailed(email, page.status)
        response = self.post("/auth/login", {"email": email, "password": password,
                                             "csrf_token": csrf_token(page.text)})
        if response.status != 302:
            raise LoginFailed(email, response.status)


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


class _FormReader(html.parser.HTMLParser):
    """The fields a browser would submit from the first form whose action ends with `action`."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = self.done = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_multiple = False
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and urlsplit(a.get("action") or "").path.endswith(self.action):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
            else:
                self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._select_multiple, self._options = name, "multiple" in a, []
        elif tag == "option" and self._select:
            self._options.append((a.get("value") or "", "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not self._select_multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_fields(page: str, action: str) -> list[tuple[str, str]]:
    reader = _FormReader(action)
    reader.feed(page)
    if not reader.fields:
        raise RuntimeError(f"no form posting to {action} on the page")
    return reader.fields


# ---- databases --------------------------------------------------------------------------------

def _app_for(database_url: str, workdir: Path):
    from config import Config
    from matchmaker import create_app

    attrs = {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": Path(workdir) / "instance",
             "TESTING": True, "RATELIMIT_ENABLED": False, "MAIL_SERVER": None,
             "PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD, "MATCHER_WARM_START": False}
    return create_app(type("FaultCheckConfig", (Config,), attrs))


def prepare_database(database_url: str, workdir: Path, companies: int = 1, offers: int = 3) -> dict:
    """Schema from the models, `companies` verified companies with one active user each, a few offers."""
    from datetime import timedelta

    from matchmaker.extensions import db
    from matchmaker.models import Company, Membership, Offer, OfferKind, OfferStatus, Role, Sector, User, utcnow
    from werkzeug.security import generate_password_hash

    app = _app_for(database_url, workdir)
    password_hash = generate_password_hash(PASSWORD, method=PASSWORD_HASH_METHOD)
    emails, offer_ids = [], []
    with app.app_context():
        db.create_all()
        now = utcnow()
        for n in range(1, companies + 1):
            company = Company(name=f"Check {n} GmbH", sector=Sector.energy, about="Reliability check.",
                              verified_at=now)
            email = f"company{n}@reliability.example"
            user = User(email=email, role=Role.company, password_hash=password_hash, confirmed_at=now,
                        company=company, membership=Membership.active)
            db.session.add_all([company, user])
            emails.append(email)
            if n == 1:
                for k in range(offers):
                    db.session.add(Offer(company=company, kind=OfferKind.job, title=f"Published offer {k + 1}",
                                         description="Seeded for the check.", status=OfferStatus.published,
                                         published_at=now, expires_at=now + timedelta(days=90)))
        db.session.commit()
        offer_ids = list(db.session.scalars(db.select(Offer.id).order_by(Offer.id)))
        db.session.remove()
        db.engine.dispose()
    return {"emails": emails, "offer_ids": offer_ids}


def sqlite_path(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite:///"))


def sqlite_state(path: Path) -> dict:
    """integrity_check and the offers written by the checks, read straight from the file."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        rows = dict(conn.execute("SELECT id, title FROM offer WHERE title LIKE ?", (f"{TITLE_PREFIX}%",)))
        return {"integrity": "ok" if integrity == ["ok"] else "; ".join(integrity[:5]), "rows": rows,
                "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0]}
    finally:
        conn.close()


# ---- writers ----------------------------------------------------------------------------------

@dataclass
class WriteLog:
    """What the clients saw: acknowledged writes (offer id -> title) and every failure."""

    acked: dict[int, str] = field(default_factory=dict)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (status or 0 for no answer, note)
    tracebacks: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, title: str, response: Response | None, error: Exception | None = None) -> bool:
        with self.lock:
            if response is None:
                self.failures.append((0, type(error).__name__))
                return False
            if response.shows_traceback():
                self.tracebacks += 1
            match = re.search(r"/offers/(\d+)$", response.location)
            if response.status == 302 and match:
                self.acked[int(match.group(1))] = title
                return True
            self.failures.append((response.status, _message_of(response.text)))
            return False


def _message_of(page: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>\s*<p>(.*?)</p>", page, re.S)
    return " ".join(match.groups()) if match else page[:120]


class Writer:
    """A logged-in company user writing offer drafts through the form (CSRF token from the page)."""

    def __init__(self, port: int, email: str, tag: str, description: str = "Written during a reliability check.",
                 timeout: float = 10):
        self.browser = Browser(port, timeout=timeout)
        self.browser.login(email)
        page = self.browser.get("/offers/new")
        if page.status != 200:
            raise LoginFailed(email, page.status)
        self.token = csrf_token(page.text)
        self.tag = tag
        self.description = description
        self.count = 0

    def write(self, log: WriteLog) -> bool:
        self.count += 1
        title = f"{TITLE_PREFIX} {self.tag}-{self.count}"
        form = {"csrf_token": self.token, "kind": "job", "title": title, "description": self.description,
                "place": "Spremberg", "language": "de", "remote_share": "0"}
        try:
            response = self.browser.post("/offers/new", form)
        except (OSError, http.client.HTTPException) as error:
            log.record(title, None, error)
            return False
        return log.record(title, response)


def _run_writers(writers: list[Writer], log: WriteLog, per_writer: int, seconds: float,
                 stop: threading.Event | None = None, stop_on_failure: bool = False) -> float:
    """Each writer in its own thread, `per_writer` writes or `seconds`, whichever ends first."""
    stop = stop or threading.Event()
    deadline = time.monotonic() + seconds

    def loop(writer: Writer):
        for _ in range(per_writer):
            if stop.is_set() or time.monotonic() > deadline:
                return
            if not writer.write(log) and stop_on_failure:
                stop.set()

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    return time.perf_counter() - started


def _locked_in_log(text: str) -> int:
    return len(re.findall(r"database is locked|database table is locked", text))


# ---- the checks -------------------------------------------------------------------------------

def check_sqlite_writers(workdir: Path, processes: int = 8, writes: int = 100, seconds: float = 120) -> dict:
    """`processes` gunicorn workers and as many clients, each writing `writes` offer drafts."""
    url = f"sqlite:///{Path(workdir) / 'writers.sqlite'}"
    seed = prepare_database(url, workdir, companies=processes, offers=0)
    log = WriteLog()
    with Server(url, workdir, workers=processes) as server:
        writers = [Writer(server.port, email, f"w{n}") for n, email in enumerate(seed["emails"])]
        elapsed = _run_writers(writers, log, writes, seconds)
        server_log = server.log_text()
    state = sqlite_state(sqlite_path(url))
    return {
        "processes": processes, "writes_tried": sum(w.count for w in writers), "acknowledged": len(log.acked),
        "failures": len(log.failures), "failure_examples": log.failures[:3], "tracebacks": log.tracebacks,
        "locked_in_server_log": _locked_in_log(server_log), "rows": len(state["rows"]),
        "missing": sorted(set(log.acked) - set(state["rows"])), "extra": sorted(set(state["rows"]) - set(log.acked)),
        "integrity": state["integrity"], "journal_mode": state["journal_mode"], "seconds": elapsed,
        "writes_per_second": len(log.acked) / elapsed if elapsed else 0.0,
    }


def check_crash(workdir: Path, rounds: int = 5, clients: int = 4, workers: int = 4,
                kill_after: tuple[float, float] = (0.8, 2.0), seed: int = 2026) -> dict:
    """kill -9 of the whole server during writes, `rounds` times on the same file."""
    rng = random.Random(seed)
    url = f"sqlite:///{Path(workdir) / 'crash.sqlite'}"
    accounts = prepare_database(url, workdir, companies=clients, offers=0)["emails"]
    log = WriteLog()
    results = []
    for number in range(1, rounds + 1):
        server = Server(url, workdir, workers=workers).start()
        writers = [Writer(server.port, email, f"r{number}c{n}", timeout=5) for n, email in enumerate(accounts)]
        before = len(log.acked)
        stop = threading.Event()
        runner = threading.Thread(target=_run_writers, args=(writers, log, 10_000, 30, stop), daemon=True)
        runner.start()
        delay = rng.uniform(*kill_after)
        time.sleep(delay)
        server.kill()
        stop.set()
        runner.join(40)
        state = sqlite_state(sqlite_path(url))
        missing = sorted(set(log.acked) - set(state["rows"]))
        results.append({"round": number, "killed_after": delay, "acked": len(log.acked) - before,
                        "missing": missing, "integrity": state["integrity"],
                        "unacknowledged_but_saved": len(set(state["rows"]) - set(log.acked))})
    return {"rounds": results, "acknowledged": len(log.acked), "tracebacks": log.tracebacks,
            "missing": sum(len(r["missing"]) for r in results),
            "all_ok": all(r["integrity"] == "ok" and not r["missing"] for r in results)}


# PostgreSQL: a cluster of our own --------------------------------------------------------------

def pg_cluster_unavailable_reason() -> str | None:
    """Why a private PostgreSQL cluster cannot be made here, or None."""
    if shutil.which("pg_createcluster") is None or shutil.which("pg_ctlcluster") is None:
        return "pg_createcluster/pg_ctlcluster not installed (Debian postgresql-common)"
    if os.geteuid() != 0:
        return "making a PostgreSQL cluster needs root"
    if not gunicorn_available():
        return "gunicorn is not installed in the virtualenv"
    if _pg_version() is None:
        return "no PostgreSQL server binaries under /usr/lib/postgresql"
    return None


def _pg_version() -> str | None:
    root = Path("/usr/lib/postgresql")
    versions = sorted((p.name for p in root.glob("*") if (p / "bin" / "postgres").exists()),
                      key=lambda v: [int(x) for x in v.split(".") if x.isdigit()]) if root.exists() else []
    return versions[-1] if versions else None


def _run(cmd: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True,
                          stdin=subprocess.DEVNULL)


class PrivateCluster:
    """pg_createcluster on a free port with trust auth on loopback; dropped again on exit."""

    def __init__(self, name: str | None = None):
        self.version = _pg_version()
        self.name = name or f"reliability{os.getpid()}"
        self.port = free_port()

    def ctl(self, action: str, *extra: str) -> None:
        _run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *extra])

    def __enter__(self):
        _drop_stale_clusters(self.version)
        _run(["pg_createcluster", self.version, self.name, "--port", str(self.port),
              "--", "--auth=trust", "--encoding=UTF8", "--no-sync"], timeout=120)
        try:
            self.ctl("start")
            self._wait_ready()
            self._psql("CREATE DATABASE matchmaker")
        except BaseException:
            self.drop()
            raise
        return self

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                              stdin=subprocess.DEVNULL).returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"cluster {self.name} did not come up on port {self.port}")

    def _psql(self, sql: str) -> None:
        _run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
              "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/matchmaker"

    def stop(self) -> None:
        self.ctl("stop", "-m", "fast")

    def start(self) -> None:
        self.ctl("start")

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name], capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=120)

    def __exit__(self, *exc):
        self.drop()


def _drop_stale_clusters(version: str) -> None:
    """Clusters left by a run that was killed: named reliability<pid> with that pid gone."""
    for conf in Path("/etc/postgresql", version).glob("reliability*"):
        pid = conf.name.removeprefix("reliability")
        if pid.isdigit() and not Path("/proc", pid).exists():
            subprocess.run(["pg_dropcluster", "--stop", version, conf.name], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=120)


@dataclass
class Hit:
    started: float
    ended: float
    kind: str
    status: int  # 0: no answer
    traceback: bool
    note: str = ""


def _traffic(writer: "Writer", offer_ids: list[int], hits: list[Hit], lock: threading.Lock,
             stop: threading.Event, log: WriteLog, rng: random.Random) -> None:
    """One client: public pages, the company's own page, offer drafts. Logged in once, before the
    outage: the session cookie outlives a database restart, so nobody has to log in again."""
    browser = Browser(writer.browser.port, timeout=10)
    while not stop.is_set():
        started = time.monotonic()
        kind = rng.choice(("offers", "offer", "mine", "write"))
        try:
            if kind == "write":
                if writer.write(log):
                    status, note = 302, ""
                else:
                    with log.lock:
                        status, note = log.failures[-1]
                with lock:
                    hits.append(Hit(started, time.monotonic(), kind, status, False, note))
                continue
            if kind == "offers":
                response = browser.get("/offers/")
            elif kind == "offer":
                response = browser.get(f"/offers/{rng.choice(offer_ids)}")
            else:
                response = writer.browser.get("/companies/mine")
            note = _message_of(response.text) if response.status >= 400 else ""
            with lock:
                hits.append(Hit(started, time.monotonic(), kind, response.status, response.shows_traceback(), note))
        except (OSError, http.client.HTTPException) as error:
            with lock:
                hits.append(Hit(started, time.monotonic(), kind, 0, False, type(error).__name__))
            time.sleep(0.05)


def check_pg_restart(workdir: Path, clients: int = 4, workers: int = 2, before: float = 3.0, down: float = 3.0,
                     after: float = 4.0, recover_timeout: float = 30.0) -> dict:
    """Stop the private cluster under load, keep requesting, start it again; what did the clients see?"""
    with PrivateCluster() as cluster:
        seed = prepare_database(cluster.url, workdir, companies=clients, offers=5)
        hits: list[Hit] = []
        lock, stop, log = threading.Lock(), threading.Event(), WriteLog()
        with Server(cluster.url, workdir, workers=workers) as server:
            writers = [Writer(server.port, email, f"pg{n}") for n, email in enumerate(seed["emails"])]
            threads = [threading.Thread(target=_traffic, daemon=True,
                                        args=(writer, seed["offer_ids"], hits, lock, stop, log, random.Random(n)))
                       for n, writer in enumerate(writers)]
            for thread in threads:
                thread.start()
            time.sleep(before)
            stop_called = time.monotonic()
            cluster.stop()
            stopped = time.monotonic()
            time.sleep(down)
            start_called = time.monotonic()
            cluster.start()
            started = time.monotonic()
            recovered = None
            deadline = started + recover_timeout
            while recovered is None and time.monotonic() < deadline:
                time.sleep(0.02)
                with lock:
                    ok = [h.ended for h in hits if h.started >= start_called and h.status in (200, 302)]
                recovered = min(ok) if ok else None
            time.sleep(after)
            stop.set()
            for thread in threads:
                thread.join(15)
            server_log = server.log_text()
        state_rows = _pg_offer_ids(cluster.url, workdir)

    def during(h: Hit) -> bool:
        return h.ended >= stop_called and (recovered is None or h.started < recovered)

    outage = [h for h in hits if during(h)]
    after_back = [h for h in hits if recovered is not None and h.started >= recovered]
    return {
        "requests": len(hits),
        "before_ok": sum(1 for h in hits if h.ended < stop_called and h.status in (200, 302)),
        "before_total": sum(1 for h in hits if h.ended < stop_called),
        "outage_statuses": _count(h.status for h in outage),
        "status_500": sum(1 for h in hits if h.status == 500),
        "tracebacks": sum(1 for h in hits if h.traceback) + log.tracebacks,
        "stop_seconds": stopped - stop_called, "start_seconds": started - start_called,
        "recovered_after_start_called": (recovered - start_called) if recovered else None,
        "after_total": len(after_back),
        "after_errors": [(h.kind, h.status, h.note) for h in after_back if h.status not in (200, 302)][:5],
        "after_error_count": sum(1 for h in after_back if h.status not in (200, 302)),
        "acknowledged": len(log.acked), "missing": sorted(set(log.acked) - state_rows),
        "outage_messages": sorted({h.note for h in outage if h.status == 503})[:2],
        "server_log_tracebacks": server_log.count("Traceback (most recent call last)"),
        "server_log_outage_lines": server_log.count("database unavailable"),
    }


def _count(values) -> dict:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def _pg_offer_ids(url: str, workdir: Path) -> set[int]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.scalars(sa.text("SELECT id FROM offer WHERE title LIKE :p"), {"p": f"{TITLE_PREFIX}%"}))
    finally:
        engine.dispose()


# Disk full ------------------------------------------------------------------------------------

def mount_tmpfs(path: Path, size: str = "2m") -> str | None:
    """Mount a tmpfs; None when that worked, else the reason it did not."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return None if done.returncode == 0 else (done.stderr.strip() or f"mount exited {done.returncode}")


def unmount(path: Path) -> None:
    for _ in range(20):
        if subprocess.run(["umount", str(path)], capture_output=True, stdin=subprocess.DEVNULL).returncode == 0:
            return
        time.sleep(0.25)
    subprocess.run(["umount", "-l", str(path)], capture_output=True, stdin=subprocess.DEVNULL)


def check_disk_full(workdir: Path, size: str = "2m", max_writes: int = 1000, seconds: float = 120,
                    description_chars: int = 16_000, fallback_limit: int = 2 * 1024 * 1024,
                    force_fallback: bool = False) -> dict:
    """Write big offer drafts until the disk is full; then look at the page, the file and the old rows."""
    mountpoint = Path(workdir) / "small-disk"
    reason = "fallback forced" if force_fallback else mount_tmpfs(mountpoint, size)
    method = f"tmpfs size={size}" if reason is None else f"RLIMIT_FSIZE={fallback_limit} bytes ({reason})"
    mountpoint.mkdir(parents=True, exist_ok=True)
    try:
        url = f"sqlite:///{mountpoint / 'full.sqlite'}"
        seed = prepare_database(url, workdir, companies=1, offers=3)
        rng = random.Random(7)
        words = "Wasserstoff Elektrolyse Anlage Instandhaltung Leitwarte Spremberg Lausitz process plant".split()
        description = " ".join(rng.choice(words) for _ in range(description_chars // 8))[:description_chars]
        log = WriteLog()
        server = Server(url, workdir, workers=2, timeout=20,
                        file_size_limit=fallback_limit if reason is not None else None).start()
        try:
            writer = Writer(server.port, seed["emails"][0], "full", description=description, timeout=30)
            # logged in before the disk fills: a login writes too (the time of the last login), and whether
            # that small write still finds room on the full disk is chance; the second *write* is the check
            again = Writer(server.port, seed["emails"][0], "again", description=description, timeout=30)
            started = time.monotonic()
            _run_writers([writer], log, max_writes, seconds, stop_on_failure=True)
            first_failure_after = time.monotonic() - started
            failure = log.failures[0] if log.failures else None
            # After the failure: does the site still answer, and does a second write fail the same way?
            page = Browser(server.port).get("/offers/")
            second_log = WriteLog()
            again.write(second_log)
            state = sqlite_state(sqlite_path(url))
            with sqlite3.connect(sqlite_path(url), timeout=10) as conn:
                seeded_intact = conn.execute("SELECT count(*) FROM offer WHERE title LIKE 'Published offer %'"
                                             ).fetchone()[0] == 3
            conn.close()
        finally:
            server.stop()
        final = sqlite_state(sqlite_path(url))
    finally:
        if reason is None:
            unmount(mountpoint)
    return {
        "method": method, "acknowledged": len(log.acked), "first_failure": failure,
        "first_failure_after_seconds": first_failure_after, "tracebacks": log.tracebacks + second_log.tracebacks,
        "second_write": second_log.failures[0] if second_log.failures else ("acknowledged", len(second_log.acked)),
        "read_after_full": page.status, "integrity": state["integrity"], "integrity_after_stop": final["integrity"],
        "missing": sorted(set(log.acked) - set(state["rows"])),
        "extra_rows": sorted(set(state["rows"]) - set(log.acked) - set(second_log.acked)),
        "seeded_intact": seeded_intact,
    }


# ---- command line ------------------------------------------------------------------------------

def _print_sqlite(r: dict) -> None:
    print(f"SQLite writers: {r['processes']} gunicorn workers x {r['processes']} clients, "
          f"{r['writes_tried']} writes tried in {r['seconds']:.1f} s ({r['writes_per_second']:.0f} acknowledged/s), "
          f"journal_mode={r['journal_mode']}")
    print(f"  acknowledged {r['acknowledged']}, rows {r['rows']}, missing {len(r['missing'])}, "
          f"extra {len(r['extra'])}, failures seen by users {r['failures']}, "
          f"'database is locked' in the server log {r['locked_in_server_log']}, integrity_check {r['integrity']}")


def _print_crash(r: dict) -> None:
    print(f"Crash mid-write: kill -9 of gunicorn master and workers, {len(r['rounds'])} rounds")
    for x in r["rounds"]:
        print(f"  round {x['round']}: killed after {x['killed_after']:.2f} s, {x['acked']} acknowledged, "
              f"{len(x['missing'])} missing, {x['unacknowledged_but_saved']} saved without an answer "
              f"(cumulative), integrity_check {x['integrity']}")
    print(f"  total acknowledged {r['acknowledged']}, missing {r['missing']}: {'OK' if r['all_ok'] else 'FAILED'}")


def _print_pg(r: dict) -> None:
    rec = r["recovered_after_start_called"]
    print("PostgreSQL restart under load (private cluster)")
    print(f"  before the stop: {r['before_ok']}/{r['before_total']} requests ok; stop took {r['stop_seconds']:.2f} s, "
          f"start took {r['start_seconds']:.2f} s")
    print(f"  while down: statuses {r['outage_statuses']} (0 = no answer); 500s overall {r['status_500']}, "
          f"stack traces in pages {r['tracebacks']}; message: {r['outage_messages'][:1]}")
    if rec is None:
        print("  NOT RECOVERED within the time limit")
    else:
        print(f"  first 200 {rec:.2f} s after the start command was given; afterwards {r['after_total']} requests, "
              f"{r['after_error_count']} errors")
    print(f"  acknowledged writes {r['acknowledged']}, missing {len(r['missing'])}; "
          f"server log: {r['server_log_outage_lines']} one-line outage entries, "
          f"{r['server_log_tracebacks']} tracebacks")


def _print_disk(r: dict) -> None:
    print(f"Disk full: SQLite on {r['method']}")
    print(f"  {r['acknowledged']} writes acknowledged before the first failure after "
          f"{r['first_failure_after_seconds']:.1f} s: {r['first_failure']}; next write: {r['second_write']}")
    print(f"  reading /offers/ afterwards: {r['read_after_full']}; stack traces {r['tracebacks']}; "
          f"integrity_check {r['integrity']} (after stop: {r['integrity_after_stop']}); "
          f"missing {len(r['missing'])}, half-written rows {len(r['extra_rows'])}, seeded rows intact "
          f"{r['seeded_intact']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("check", nargs="?", default="all", choices=["sqlite", "crash", "pg-restart", "disk-full", "all"])
    parser.add_argument("--quick", action="store_true", help="small numbers, as in the test suite")
    args = parser.parse_args(argv)
    if not gunicorn_available():
        print("gunicorn is not installed in the virtualenv: .venv/bin/pip install gunicorn", file=sys.stderr)
        return 2
    chosen = ["sqlite", "crash", "pg-restart", "disk-full"] if args.check == "all" else [args.check]
    failed = False
    for check in chosen:
        with tempfile.TemporaryDirectory(prefix=f"matchmaker-{check}-") as tmp:
            workdir = Path(tmp)
            if check == "sqlite":
                r = check_sqlite_writers(workdir, *((4, 25) if args.quick else (8, 100)))
                _print_sqlite(r)
                failed |= bool(r["failures"] or r["missing"] or r["extra"] or r["integrity"] != "ok")
            elif check == "crash":
                r = check_crash(workdir, rounds=2 if args.quick else 5)
                _print_crash(r)
                failed |= not r["all_ok"]
            elif check == "pg-restart":
                reason = pg_cluster_unavailable_reason()
                if reason:
                    print(f"PostgreSQL restart: skipped: {reason}")
                    continue
                r = check_pg_restart(workdir)
                _print_pg(r)
                failed |= bool(r["status_500"] or r["tracebacks"] or r["after_error_count"] or r["missing"]
                               or r["recovered_after_start_called"] is None)
            else:
                r = check_disk_full(workdir)
                _print_disk(r)
                failed |= bool(r["tracebacks"] or r["missing"] or r["integrity"] != "ok" or not r["seeded_intact"])
        print()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
