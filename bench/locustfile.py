"""Mixed traffic for Locust, stepped users, per-step figures: run by `python -m bench.load` (see there).

    locust --headless -f bench/locustfile.py --host http://127.0.0.1:PORT

reads from the environment:
    MATCHMAKER_LOAD_IDS    a JSON file: {"offers": [...], "companies": [...], "graduates": [emails],
                           "company_users": [[email, [own offer ids]], ...], "password": "..."}
    MATCHMAKER_LOAD_STEPS  users per step, e.g. "2,4,8,16,32"
    MATCHMAKER_LOAD_SECONDS  length of each step
    MATCHMAKER_LOAD_WARMUP   seconds at 8 users before the first step, not counted (longer until every
                             user has logged in, at most MATCHMAKER_LOAD_WARMUP_LIMIT)
    MATCHMAKER_LOAD_OUT    where to write the per-step figures (JSON)

Every virtual user logs in once as a demo graduate and once as a demo company user (real login forms,
real CSRF tokens) and then runs a closed loop without think time:
    browse  45 %   /, /offers/, /offers/?page=2, an offer page, a company page (anonymous)
    search  20 %   /offers/?q=<word>
    match   25 %   the graduate's /matches/offers, the company's /matches/offers/<id>/graduates
    write   10 %   the graduate saves the profile form (as read from the page, with its CSRF token)
A request is an error when its status is not the expected one (200, or 302 after the save) or it fails.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from http.cookiejar import DefaultCookiePolicy
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import LoadTestShape, events, task
from locust.contrib.fasthttp import FastHttpSession, FastHttpUser

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faults import form_fields  # noqa: E402

SEARCH_WORDS = ("Wasserstoff", "Python", "Automatisierung", "Praktikum", "SAP", "Recycling", "engineer",
                "Masterarbeit", "Logistik", "Elektrolyse", "SPS", "Chemie", "data", "Instandhaltung")
KINDS = ("browse", "search", "match", "write")

STEPS = [int(n) for n in os.environ.get("MATCHMAKER_LOAD_STEPS", "2,4,8,16,32").split(",")]
STEP_SECONDS = float(os.environ.get("MATCHMAKER_LOAD_SECONDS", "20"))
WARMUP_SECONDS = float(os.environ.get("MATCHMAKER_LOAD_WARMUP", "30"))
WARMUP_USERS = min(8, max(STEPS))


def _ids() -> dict:
    path = os.environ.get("MATCHMAKER_LOAD_IDS")
    return json.loads(Path(path).read_text()) if path else {}


IDS = _ids()
_user_numbers = count()


MAX_USERS = max(STEPS)
WARMUP_LIMIT = float(os.environ.get("MATCHMAKER_LOAD_WARMUP_LIMIT", "600"))
SPAWN_RATE = float(os.environ.get("MATCHMAKER_LOAD_SPAWN_RATE", "2"))


class Phase:
    """How many of the (all spawned, logged-in) users may send requests now."""

    active = WARMUP_USERS
    logged_in = 0
    login_failed = 0


class StepShape(LoadTestShape):
    """All users are spawned and log in during the warm-up (not counted; 8 of them send requests), which
    lasts at least WARMUP_SECONDS and until every user has logged in. Then each step lets its number of
    users send requests for STEP_SECONDS: the logins of the next step never fall into a step."""

    use_common_options = True
    steps_from: float | None = None

    def tick(self):
        elapsed = self.get_run_time()
        if self.steps_from is None:
            Phase.active = WARMUP_USERS
            ready = Phase.logged_in + Phase.login_failed >= MAX_USERS or elapsed >= WARMUP_LIMIT
            if elapsed < WARMUP_SECONDS or not ready:
                # Logins hash a password (scrypt): a few per second, or on a small machine they queue
                # behind each other past the client's timeout.
                return MAX_USERS, SPAWN_RATE
            self.steps_from = elapsed
        index = int((elapsed - self.steps_from) // STEP_SECONDS)
        if index >= len(STEPS):
            RECORDER.close_step()
            return None
        Phase.active = STEPS[index]
        RECORDER.begin_step(index)
        return MAX_USERS, SPAWN_RATE


class Recorder:
    """Per step: every request's kind, page, time and outcome; the load average at the step's end."""

    def __init__(self):
        self.step: int | None = None
        self.samples: dict[int, list[tuple[str, str, float, bool]]] = {}
        self.started: dict[int, float] = {}
        self.ended: dict[int, float] = {}
        self.load: dict[int, float] = {}

    def begin_step(self, index: int) -> None:
        if self.step == index:
            return
        self.close_step()
        self.step = index
        self.samples.setdefault(index, [])
        self.started[index] = time.monotonic()

    def close_step(self) -> None:
        if self.step is not None and self.step not in self.ended:
            self.ended[self.step] = time.monotonic()
            self.load[self.step] = os.getloadavg()[0]
        self.step = None

    def record(self, name: str, seconds: float, ok: bool) -> None:
        kind, _sep, page = name.partition(" ")
        if self.step is None or kind not in KINDS:  # the warm-up and the logins of new users do not count
            return
        self.samples[self.step].append((kind, page, seconds, ok))

    def summary(self) -> list[dict]:
        self.close_step()
        rows = []
        for index, users in enumerate(STEPS):
            samples = self.samples.get(index, [])
            if index not in self.started:
                continue
            seconds = self.ended.get(index, time.monotonic()) - self.started[index]
            times = [s[2] for s in samples]
            row = {"users": min(users, Phase.logged_in), "requests": len(samples), "seconds": seconds,
                   "rps": len(samples) / seconds if seconds else 0.0,
                   "p50": percentile(times, 0.50), "p95": percentile(times, 0.95), "p99": percentile(times, 0.99),
                   "errors": (sum(1 for s in samples if not s[3]) / len(samples)) if samples else 1.0,
                   "load": self.load.get(index), "p95_by_kind": {}, "p95_by_page": {}}
            for kind in KINDS:
                row["p95_by_kind"][kind] = percentile([s[2] for s in samples if s[0] == kind], 0.95)
            for page in sorted({s[1] for s in samples}):
                row["p95_by_page"][page] = percentile([s[2] for s in samples if s[1] == page], 0.95)
            rows.append(row)
        return rows


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


RECORDER = Recorder()


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, exception=None, **_kwargs):
    RECORDER.record(name, response_time / 1000.0, exception is None)


@events.quitting.add_listener
def _write_summary(environment, **_kwargs):
    out = os.environ.get("MATCHMAKER_LOAD_OUT")
    if out:
        Path(out).write_text(json.dumps({"steps": RECORDER.summary(),
                                         "errors": [f"{e.method} {e.name}: {e.error} ({e.occurrences}x)"
                                                    for e in list(environment.stats.errors.values())[:10]]},
                                        default=str))


class LoopbackCookies(DefaultCookiePolicy):
    """Send the app's Secure session cookie over plain HTTP: production config on loopback, no TLS here."""

    def return_ok_secure(self, cookie, request):
        return True


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


class Visitor(FastHttpUser):
    """One person at the keyboard three times over: anonymous, a logged-in graduate, a company user."""

    network_timeout = 30.0
    connection_timeout = 10.0
    default_headers = {"Accept-Language": "en"}

    def _session(self) -> FastHttpSession:
        session = FastHttpSession(self.host, request_event=self.environment.events.request, user=self,
                                  network_timeout=self.network_timeout, connection_timeout=self.connection_timeout,
                                  max_redirects=self.max_redirects, max_retries=self.max_retries,
                                  concurrency=self.concurrency, insecure=self.insecure,
                                  headers=dict(self.default_headers))
        session.cookiejar.set_policy(LoopbackCookies())
        return session

    def _login(self, session: FastHttpSession, email: str, tries: int = 3) -> None:
        """Log in through the form; on a busy machine a login may time out, so try again (not counted)."""
        for _attempt in range(tries):
            page = session.get("/auth/login", name="login /auth/login")
            if page.status_code != 200:
                continue
            form = urlencode({"email": email, "password": IDS["password"], "csrf_token": _csrf(page.text)})
            with session.post("/auth/login", data=form, allow_redirects=False, name="login /auth/login",
                              headers={"Content-Type": "application/x-www-form-urlencoded"},
                              catch_response=True) as response:
                if response.status_code == 302:
                    return
                response.failure(f"login answered {response.status_code}")
        raise RuntimeError(f"could not log in as {email} in {tries} tries")

    def on_start(self):
        self.number = MAX_USERS  # idle until logged in: a user whose login failed never sends requests
        n = next(_user_numbers)
        self.rng = random.Random(n)
        try:
            self._log_in_all(n)
        except Exception as error:  # counted as a failed login; this user stays idle
            Phase.login_failed += 1
            print(f"user {n}: {error}", file=sys.stderr)

    def _log_in_all(self, n: int) -> None:
        self.anonymous = self.client
        self.client.cookiejar.set_policy(LoopbackCookies())
        self.graduate = self._session()
        self.company = self._session()
        self._login(self.graduate, IDS["graduates"][n % len(IDS["graduates"])])
        email, own_offers = IDS["company_users"][n % len(IDS["company_users"])]
        self._login(self.company, email)
        self.own_offers = own_offers
        page = self.graduate.get("/me/profile", name="login /me/profile")
        self.profile_form = urlencode(form_fields(page.text, "/me/profile"), doseq=True)
        # Numbered in the order of logging in, so that a step of N users has N logged-in users.
        self.number = Phase.logged_in
        Phase.logged_in += 1

    def _idle(self) -> bool:
        """Users beyond this step's number wait (logged in) instead of sending requests."""
        if self.number < Phase.active:
            return False
        gevent.sleep(0.1)
        return True

    def _get(self, session: FastHttpSession, path: str, name: str) -> None:
        with session.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")

    @task(45)
    def browse(self):
        if self._idle():
            return
        choice = self.rng.choice(("/", "/offers/", "/offers/?page=2", "offer", "company"))
        if choice == "offer":
            self._get(self.anonymous, f"/offers/{self.rng.choice(IDS['offers'])}", "browse /offers/<id>")
        elif choice == "company":
            self._get(self.anonymous, f"/companies/{self.rng.choice(IDS['companies'])}", "browse /companies/<id>")
        else:
            self._get(self.anonymous, choice, f"browse {choice}")

    @task(20)
    def search(self):
        if self._idle():
            return
        self._get(self.anonymous, f"/offers/?q={self.rng.choice(SEARCH_WORDS)}", "search /offers/?q=")

    @task(12)
    def offers_for_me(self):
        if self._idle():
            return
        self._get(self.graduate, "/matches/offers", "match /matches/offers")

    @task(13)
    def graduates_for_offer(self):
        if self._idle():
            return
        self._get(self.company, f"/matches/offers/{self.rng.choice(self.own_offers)}/graduates",
                  "match /matches/offers/<id>/graduates")

    @task(10)
    def save_profile(self):
        if self._idle():
            return
        with self.graduate.post("/me/profile", data=self.profile_form, allow_redirects=False,
                                name="write /me/profile", catch_response=True,
                                headers={"Content-Type": "application/x-www-form-urlencoded"}) as response:
            if response.status_code != 302:
                response.failure(f"saving the profile answered {response.status_code}")
