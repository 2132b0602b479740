"""Fixtures: a fresh app and a clean database per test, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from flask import Flask
from flask.testing import FlaskClient
from helpers import PASSWORD, SmtpServer

from config import TestConfig
from matchmaker import create_app
from matchmaker.extensions import db as _db
from matchmaker.matching.board import forget_boards
from matchmaker.matching.index import forget_indexes
from matchmaker.pagination import forget_counts
from matchmaker.models import (CLOSED_STATES, OUTCOME_STATES, Company, ConsentRecord, Degree, Event,
                               EventAudience, EventPlace, EventRegistration, EventType, FieldOfAction,
                               FeedKind, GraduateProfile, Introduction, IntroductionState, Measure, Membership, Offer,
                               OfferFeed, OfferKind, OfferStatus, OutboxMessage, RegistrationStatus, Role, Sector, Side,
                               Story, StoryKind, StoryLink, StoryPerson, StoryStatus, ResearchUnit,
                               ResearchUnitMember, UnitKind, User, utcnow)
from matchmaker.models import Faculty

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """One database per backend for the whole run; each test starts on empty tables."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    else:
        url = _worker_database(os.environ["TEST_DATABASE_URL"])
    engine = sa.create_engine(url)
    _db.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    _db.metadata.create_all(engine)
    engine.dispose()
    yield url
    if url in _ENGINES:
        _ENGINES.pop(url).dispose()
    engine = sa.create_engine(url)
    _db.metadata.drop_all(engine)
    engine.dispose()


def _worker_database(url: str) -> str:
    """Under pytest-xdist (`make test` runs two workers) each worker has a PostgreSQL database of its own,
    named after the given one (`test_gw0`, `test_gw1`), made on first use; alone, the given database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    admin = sa.create_engine(given, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


_ENGINES: dict[str, sa.Engine] = {}


def _empty_tables(url: str) -> None:
    """Every table emptied (on PostgreSQL truncated, its sequences restarted: rows are then read back in
    the order they were written, as on a new table; a DELETE left free space that later rows filled out
    of order). One engine a database for the run, checked before use (a test may restart the server)."""
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = sa.create_engine(url, pool_pre_ping=True)
    tables = [t.name for t in _db.metadata.sorted_tables]
    with engine.begin() as conn:
        if url.startswith("postgresql"):
            quoted = ", ".join(f'"{name}"' for name in tables)
            conn.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
            for name in reversed(tables):
                conn.execute(sa.text(f'DELETE FROM "{name}"'))


def make_config(url: str, **overrides):
    attrs = {"SQLALCHEMY_DATABASE_URI": url, **overrides}
    return type("TestRunConfig", (TestConfig,), attrs)


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production: a fresh `g` (so no cached login
    or locale leaks from one request to the next) and its own database session. Afterwards the test's
    session forgets what it loaded, so the test reads what the request wrote."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Tests read the English interface unless they ask for German (see test_translations.py).
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")

    def open(self, *args, **kwargs):
        if self.preserve_context:  # `with client:` keeps the request's context for the test to read
            return super().open(*args, **kwargs)
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()
        return response


@pytest.fixture
def make_app(database_url, tmp_path):
    """An app on the test database with config overrides (`make_app(RATELIMIT_ENABLED=True)`), its context
    pushed until the test ends. The first app starts on empty tables; a second one shares its data. Given
    its own SQLALCHEMY_DATABASE_URI, the app leaves the test database alone."""
    made = []

    def make(**config) -> Flask:
        url = config.pop("SQLALCHEMY_DATABASE_URI", database_url)
        if not made and url == database_url:
            _empty_tables(database_url)
            forget_indexes()
            forget_boards()
            forget_counts()
        config.setdefault("INSTANCE_DIR", tmp_path / "instance")
        app = create_app(make_config(url, **config))
        app.test_client_class = FreshContextClient
        ctx = app.app_context()
        ctx.push()
        made.append(ctx)
        return app

    yield make
    for ctx in reversed(made):
        _db.session.remove()
        _db.engine.dispose()
        ctx.pop()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---- factories -------------------------------------------------------------------------------

@pytest.fixture
def make_user(app):
    counter = {"n": 0}

    def make(role: Role | str = Role.graduate, email: str | None = None, confirmed: bool = True,
             password: str = PASSWORD, **fields) -> User:
        counter["n"] += 1
        role = Role(role)
        fields.setdefault("locale", "en")
        user = User(email=email or f"{role.value}{counter['n']}@example.org", role=role, **fields)
        user.set_password(password)
        if confirmed:
            user.confirmed_at = utcnow()
        _db.session.add(user)
        _db.session.commit()
        return user

    return make


@pytest.fixture
def make_company(app, make_user):
    counter = {"n": 0}

    def make(verified: bool = True, with_user: bool = True, **fields) -> Company:
        counter["n"] += 1
        values = {"name": f"Firma {counter['n']} GmbH", "sector": Sector.energy, "about": "Energie im Industriepark."}
        values.update(fields)
        company = Company(**values)
        if verified:
            company.verified_at = utcnow()
        _db.session.add(company)
        _db.session.commit()
        if with_user:
            make_user(Role.company, company_id=company.id, membership=Membership.active)
        return company

    return make


@pytest.fixture
def make_profile(app, make_user):
    def make(user: User | None = None, **fields) -> GraduateProfile:
        user = user or make_user(Role.graduate)
        values = {
            "name": "Alex Example", "headline": "Process engineer", "degree": Degree.master,
            "study_programme": "Verfahrenstechnik", "skills": ["Python", "process simulation"],
            "languages": [{"language": "en", "level": "C1"}, {"language": "de", "level": "B2"}],
            "wanted_kinds": [OfferKind.job.value], "visible_to_companies": False,
        }
        values.update(fields)
        profile = GraduateProfile(user=user, **values)
        profile.sync_german_level()
        if profile.visible_to_companies and profile.consent_at is None:
            profile.consent_at = utcnow()
        _db.session.add(profile)
        _db.session.commit()
        return profile

    return make


@pytest.fixture
def make_offer(app, make_company):
    def make(company: Company | None = None, published: bool = True, **fields) -> Offer:
        company = company or make_company()
        values = {"kind": OfferKind.job, "title": "Ingenieur Verfahrenstechnik (m/w/d)",
                  "description": "Wir suchen Verstärkung für unsere Anlage.",
                  "required_skills": ["Verfahrenstechnik"], "start_date": date.today() + timedelta(days=30)}
        values.update(fields)
        offer = Offer(company=company, **values)
        if published:
            offer.status = OfferStatus.published
            offer.published_at = utcnow()
            offer.expires_at = utcnow() + timedelta(days=90)
        _db.session.add(offer)
        _db.session.commit()
        return offer

    return make


@pytest.fixture
def make_unit(app):
    """A research unit (verified unless told otherwise), with the given researchers as members."""
    counter = {"n": 0}

    def make(verified: bool = True, members: tuple | list = (), **fields) -> ResearchUnit:
        counter["n"] += 1
        values = {"name": f"Lehrstuhl {counter['n']}", "faculty": Faculty.engineering_energy,
                  "kind": UnitKind.chair, "head": "Prof. Dr. Beispiel", "contact_email": f"lehrstuhl{counter['n']}@b-tu.example",
                  "topics": "Wasserstoff, Elektrolyse", "expertise": "Elektrolyse und Brennstoffzellen.",
                  "methods": "Prüfstände", "equipment": "Elektrolyseprüfstand"}
        values.update(fields)
        unit = ResearchUnit(**values)
        if verified:
            unit.verified_at = utcnow()
        _db.session.add(unit)
        _db.session.flush()
        for user in members:
            _db.session.add(ResearchUnitMember(unit_id=unit.id, user_id=user.id))
        _db.session.commit()
        return unit

    return make


@pytest.fixture
def company_user(app):
    """The active member of a company, e.g. the user `make_company` made with it."""

    def find(company: Company) -> User:
        return next(u for u in company.users if u.membership == Membership.active)

    return find


_MADE_CONTACT = OUTCOME_STATES | {IntroductionState.introduced, IntroductionState.withdrawn}


_NEW_OFFER = object()


@pytest.fixture
def make_introduction(app, make_company, make_offer, make_profile, company_user):
    """An introduction in `state` with the timestamps that state implies (accepted, introduced, outcome,
    closed and by which side), all at `now`.

    Defaults: a new published offer (of `company`, if given), a findable graduate, proposed by staff.
    `offer=None` makes an introduction about no offer. Any column can be overridden.
    """

    def make(state: IntroductionState | str = IntroductionState.proposed, *, offer=_NEW_OFFER,
             profile: GraduateProfile | None = None, company: Company | None = None,
             unit: ResearchUnit | None = None, now: datetime | None = None, **overrides) -> Introduction:
        state = IntroductionState(state)
        now = now or utcnow()
        if offer is _NEW_OFFER:
            offer = make_offer(company=company)
        company = company or (offer.company if offer is not None else make_company())
        # With a research unit the unit is the party opposite the company, and there is no graduate.
        profile = None if unit is not None else (profile or make_profile(visible_to_companies=True))
        values = {"profile": profile, "research_unit": unit, "company": company, "offer": offer, "started_by": Side.staff,
                  "state": state, "offer_kind": offer.kind if offer is not None else None, "created_at": now}
        if state in _MADE_CONTACT or state == IntroductionState.accepted_by_graduate:
            values["graduate_accepted_at"] = now
        if state in _MADE_CONTACT or state == IntroductionState.accepted_by_company:
            values.update(company_accepted_at=now, company_accepted_by_id=company_user(company).id)
        if state in _MADE_CONTACT:
            values["introduced_at"] = now
        if state in OUTCOME_STATES:
            values["outcome_on"] = now.date()
        if state in CLOSED_STATES:
            values["closed_at"] = now
            values["closed_by_side"] = {IntroductionState.declined: Side.company,
                                        IntroductionState.withdrawn: Side.graduate,
                                        IntroductionState.expired: None}.get(state, Side.staff)
        values.update(overrides)
        introduction = Introduction(**values)
        _db.session.add(introduction)
        _db.session.commit()
        return introduction

    return make


@pytest.fixture
def make_event(app):
    """An event starting at `starts_at` (naive UTC; by default in 10 days) for 2 hours, for graduates and
    companies, with no limit; any column can be overridden."""

    def make(starts_at: datetime | None = None, **overrides) -> Event:
        starts = starts_at or utcnow().replace(microsecond=0) + timedelta(days=10)
        values = {"type": EventType.company_visit, "title_de": "Besuch bei LEAG", "title_en": "Visit to LEAG",
                  "description_de": "Rundgang durch das Kraftwerk.", "description_en": "A tour of the power plant.",
                  "place": EventPlace.spremberg, "venue": "Präsenzstelle, Am Markt 1", "starts_at": starts,
                  "ends_at": starts + timedelta(hours=2), "capacity": None, "audience": EventAudience.both,
                  "field_of_action": FieldOfAction.on_site}
        values.update(overrides)
        event = Event(**values)
        _db.session.add(event)
        _db.session.commit()
        return event

    return make


@pytest.fixture
def make_measure(app):
    """A measure of the board's plan (no history: the operations write that)."""

    def make(**overrides) -> Measure:
        values = {"title": "Praktika im Industriepark", "field_of_action": FieldOfAction.qualification,
                  "owner": "Präsenzstelle", "period_start": date(2026, 1, 1), "period_end": date(2026, 12, 31),
                  "target_label": "Praktika begonnen", "target_value": 10.0}
        values.update(overrides)
        measure = Measure(**values)
        _db.session.add(measure)
        _db.session.commit()
        return measure

    return make


@pytest.fixture
def make_registration(app):
    def make(event: Event, user: User, status: RegistrationStatus | str = RegistrationStatus.registered,
             **overrides) -> EventRegistration:
        registration = EventRegistration(event_id=event.id, user_id=user.id, status=RegistrationStatus(status),
                                         **overrides)
        _db.session.add(registration)
        _db.session.commit()
        return registration

    return make


@pytest.fixture
def make_token(app):
    """A personal API token of `user` (every scope by default): (the ApiToken, its secret)."""
    from matchmaker.models import TokenScope
    from matchmaker.tokens.operations import create_token

    def make(user: User, scopes=tuple(TokenScope), days: int = 30, name: str = "Tool"):
        token, secret = create_token(user, name, [TokenScope(scope) for scope in scopes], days)
        _db.session.commit()
        return token, secret

    return make


@pytest.fixture
def make_story(app):
    """A success story (published by default, at `published_at` or now) in German and English; `people` are
    users it names (unconfirmed unless `confirmed=True`), `companies`/`offers`/`events`/`units` what it is about."""

    def make(status: StoryStatus | str = StoryStatus.published, *, people=(), confirmed: bool = False,
             companies=(), offers=(), events=(), units=(), **overrides) -> Story:
        status = StoryStatus(status)
        values = {"kind": StoryKind.story, "title_de": "Vom Hörsaal ins Kraftwerk",
                  "title_en": "From the lecture hall to the power plant",
                  "summary_de": "Eine Absolventin der BTU fand ihre Stelle im Industriepark.",
                  "summary_en": "A BTU graduate found her post in the industrial park.",
                  "body_de": "Sie arbeitet heute in der Leitwarte.", "body_en": "Today she works in the control room.",
                  "status": status}
        if status in (StoryStatus.published, StoryStatus.withdrawn, StoryStatus.offline):
            values["published_at"] = utcnow()
        values.update(overrides)
        story = Story(**values)
        for user in people:
            story.people.append(StoryPerson(user_id=user.id, confirmed_at=utcnow() if confirmed else None))
        story.links += [StoryLink(company_id=c.id) for c in companies] + [StoryLink(offer_id=o.id) for o in offers]
        story.links += [StoryLink(event_id=e.id) for e in events]
        story.links += [StoryLink(research_unit_id=u.id) for u in units]
        _db.session.add(story)
        _db.session.commit()
        return story

    return make


@pytest.fixture
def permission_world(app, db, make_user, make_company, make_offer, make_profile, make_introduction, company_user,
                     make_event, make_measure, make_token, make_story, make_unit):
    """One object of each kind, owned by the company user who takes part in the walk of every route
    (test_permissions, test_fuzz): (people by role, ids for the routes' arguments, member ids by endpoint)."""
    company = make_company(name="Walk GmbH")
    owner = company_user(company)
    offer = make_offer(company=company, required_skills=["python"])
    pending = make_user(Role.company, company_id=company.id, membership=Membership.pending)
    victim = make_user(Role.graduate)
    findable = make_profile(user=make_user(Role.graduate), skills=["python"], visible_to_companies=True,
                            wanted_kinds=[])
    people = {"company": owner}
    for role in Role:
        if role != Role.company:
            people[role.value] = make_user(role)
    make_profile(user=people["graduate"], skills=["python"])
    ids = {"offer_id": offer.id, "company_id": company.id, "user_id": victim.id, "token": "not-a-token",
           "code": "en", "filename": "style.css", "profile_id": findable.id, "job_id": "not-a-job"}
    introduction = make_introduction(offer=offer, profile=findable)
    consent = ConsentRecord(user_id=findable.user_id, introduction_id=introduction.id, purpose="introduction",
                            text="I agree.")
    db.session.add(consent)
    db.session.commit()
    ids.update(introduction_id=introduction.id, consent_id=consent.id, event_id=make_event(capacity=5).id)
    ids.update(measure_id=make_measure(title="Praktika im Park", target_label="Praktika").id, table="funnel")
    ids.update(token_id=make_token(owner)[0].id)
    # A feed whose import is refused at once (a private address): the walk never leaves the machine.
    feed = OfferFeed(company=company, url="http://10.0.0.1/jobs", kind=FeedKind.jsonld_page)
    db.session.add(feed)
    db.session.commit()
    ids.update(feed_id=feed.id)
    ids["story_id"] = make_story(companies=[company], people=[people["graduate"]], confirmed=True).id
    ids["unit_id"] = make_unit(members=[people["researcher"]]).id
    member_ids = {"companies.approve_member": pending.id, "companies.decline_member": pending.id,
                  "admin.approve_member": pending.id}
    return people, ids, member_ids


# ---- sessions and mail --------------------------------------------------------------------

@pytest.fixture
def login_as(client):
    def login(user: User, password: str = PASSWORD):
        client.post("/auth/logout")
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return login


@pytest.fixture
def outbox(app):
    def messages(recipient: str | None = None) -> list[OutboxMessage]:
        query = _db.select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient:
            query = query.where(OutboxMessage.recipient == recipient)
        return list(_db.session.scalars(query))

    return messages


@pytest.fixture
def smtp():
    """A real SMTP server on loopback (aiosmtpd); its `inbox` keeps what it accepted."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ding():
    """The German-English dictionary the matcher's tests build on; they skip without it."""
    from matchmaker.matching.bridge import Bridge

    bridge = Bridge.load()
    if not bridge.available:
        pytest.skip("German-English dictionary (trans-de-en) not installed; set MATCHER_DICTIONARY or run the Makefile")
    return bridge


# ---- feeds served on loopback ---------------------------------------------------------------

@pytest.fixture
def feed_server():
    """An HTTP server on 127.0.0.1 (a free port) whose answers a test sets: `server.route("/path", handler)`
    with `handler(request_handler)`, or `server.page("/path", body, content_type)`. Yields the server;
    `server.url("/path")` is the address, `server.hits` the paths asked for."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    routes: dict = {}
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            handler = routes.get(self.path.split("?")[0])
            try:
                if handler is None:
                    self.send_error(404)
                else:
                    handler(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading, as it should past a limit

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def route(self, path, handler):
            routes[path] = handler

        def page(self, path, body, content_type="text/html; charset=utf-8", status=200, headers=None):
            data = body.encode("utf-8") if isinstance(body, str) else body

            def answer(request):
                request.send_response(status)
                request.send_header("Content-Type", content_type)
                request.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    request.send_header(name, value)
                request.end_headers()
                request.wfile.write(data)

            routes[path] = answer

        def url(self, path):
            return f"http://127.0.0.1:{self.server_address[1]}{path}"

    server = Server(("127.0.0.1", 0), Handler)
    server.hits = hits
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_feed(app, make_company):
    """A registered feed of a company (`make_feed(url, kind="jsonld_page", company=None)`)."""
    def make(url: str, kind: str = "jsonld_page", company: Company | None = None) -> OfferFeed:
        feed = OfferFeed(company=company or make_company(), url=url, kind=FeedKind(kind))
        _db.session.add(feed)
        _db.session.commit()
        return feed

    return make
