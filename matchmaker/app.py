"""The application factory: `create_app` and the steps it is made of.

Imported on first use of `matchmaker.create_app` (see `matchmaker/__init__.py`), so that importing any
part of the package, the matcher engine above all, does not import Flask."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, request, session
from flask_login import current_user
from jinja2 import BytecodeCache
from werkzeug.routing import IntegerConverter

from config import TEMPLATE_DIR, config_from_env

from .extensions import babel, csrf, db, limiter, login_manager, mail, migrate

log = logging.getLogger("matchmaker")


def create_app(config_class=None) -> Flask:
    config_class = config_class or config_from_env()
    # Named after the package, as when the factory lived in its __init__: the same root path, static
    # folder and logger name.
    app = Flask(__package__, template_folder=str(TEMPLATE_DIR),
                instance_path=str(config_class.INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(config_class)
    check_production_settings(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("PROXY_COUNT"):
        # Trust exactly as many proxies as configured, so rate limits and logs see the client's address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security(app)
    register_template_helpers(app)
    register_commands(app)
    register_matcher(app)
    return app


def register_matcher(app: Flask) -> None:
    """A process that serves requests loads the matcher's snapshot now (or has one built in the
    background), so that no request waits for the index; other `flask` commands do not."""
    import click

    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.info_name != "run":
        return  # a command (`flask db upgrade`, `flask matcher build`, ...), not a server
    if ctx is not None and ctx.params.get("reload") and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return  # the reloader's watching process serves nothing
    from .matching.index import warm_start

    warm_start(app)


def check_production_settings(app: Flask) -> None:
    """Production refuses to start without the settings whose defaults are only safe on a developer's machine."""
    if app.config.get("ENV_NAME") != "production":
        return
    if app.config["SECRET_KEY"] == "dev-only-not-secret":
        raise RuntimeError("SECRET_KEY must be set in production (environment variable SECRET_KEY).")
    if not app.config.get("TRUSTED_HOSTS"):
        # Without it any Host header is accepted, and one chosen by an attacker reaches every page.
        raise RuntimeError("TRUSTED_HOSTS must be set in production (environment variable TRUSTED_HOSTS, "
                           "e.g. matchmaker.example.org).")
    parts = urlsplit(app.config.get("BASE_URL") or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RuntimeError("BASE_URL must be set in production to the site's public address (environment "
                           "variable BASE_URL, e.g. https://matchmaker.example.org): links in mails use it.")


def register_logging(app: Flask) -> None:
    if not logging.getLogger().handlers and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def select_locale() -> str:
    languages = ("de", "en")
    if request.path.startswith("/api/"):
        # The API answers in the language the request asks for; a token's owner is no browser session.
        asked = request.accept_languages.best_match(languages)
        if asked:
            return asked
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "de"


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).resolve().parent / "translations"))
    from .i18n import install_template_gettext

    install_template_gettext(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    from .matching.index import install_version_hook

    install_version_hook()

    from .outbox import install_delivery_hook

    install_delivery_hook(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():
            engine = db.engine
            private_sqlite_file(engine.url.database)

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA busy_timeout=5000")
                # Readers never block the writer; commits are durable against a crash of the process.
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.close()


def private_sqlite_file(database: str | None) -> None:
    """The SQLite file (CV texts, password hashes) readable by the app's user only: 0600, whatever the umask.

    Created here before SQLAlchemy opens it, so it never exists with wider rights; an existing file is
    narrowed. SQLite gives its -wal and -shm files the rights of the database file.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    except OSError as error:  # not our file: say so, the database still works
        log.warning("Could not make the SQLite file %s private (0600): %s", path, error)
    finally:
        os.close(fd)


class RowIdConverter(IntegerConverter):
    """`<int:...>` in our routes are row ids: a number beyond the database's integer range is no page (404).

    Unbounded, /offers/99999999999999999999 reached the database and failed there (SQLite cannot bind it,
    PostgreSQL refuses it for an integer column): a 500 for any visitor.
    """

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = RowIdConverter
    from .admin.views import bp as admin_bp
    from .api.views import bp as api_bp
    from .alerts.views import bp as alerts_bp
    from .auth.views import bp as auth_bp
    from .brokering.views import bp as brokering_bp
    from .companies.views import bp as companies_bp
    from .events.views import bp as events_bp
    from .feeds.views import bp as feeds_bp
    from .gdpr.views import bp as gdpr_bp
    from .graduates.views import bp as graduates_bp
    from .jobs.views import bp as jobs_bp
    from .main.views import bp as main_bp
    from .matching.views import bp as matching_bp
    from .offers.views import bp as offers_bp
    from .privacy.views import bp as privacy_bp
    from .reports.views import bp as report_bp
    from .tokens.views import bp as tokens_bp
    from .stories.views import bp as stories_bp
    from .research.views import bp as research_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(offers_bp, url_prefix="/offers")
    app.register_blueprint(companies_bp, url_prefix="/companies")
    app.register_blueprint(graduates_bp, url_prefix="/me")
    app.register_blueprint(admin_bp, url_prefix="/staff")
    app.register_blueprint(jobs_bp, url_prefix="/staff/jobs")
    app.register_blueprint(matching_bp, url_prefix="/matches")
    app.register_blueprint(alerts_bp, url_prefix="/alerts")
    app.register_blueprint(privacy_bp)
    app.register_blueprint(gdpr_bp)
    app.register_blueprint(brokering_bp, url_prefix="/introductions")
    app.register_blueprint(report_bp, url_prefix="/report")
    app.register_blueprint(events_bp, url_prefix="/events")
    app.register_blueprint(tokens_bp)
    # The API takes bearer tokens only, never the session cookie, so a cross-site form cannot use it:
    # no CSRF token is asked for.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(feeds_bp, url_prefix="/feeds")
    app.register_blueprint(stories_bp, url_prefix="/stories")
    app.register_blueprint(research_bp, url_prefix="/units")


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_security(app: Flask) -> None:
    """Security headers, host check, session lifetime and invalidation, rate-limit errors, security log."""
    from .security import register

    register(app)


class ProcessBytecodeCache(BytecodeCache):
    """Templates compiled once a process, for every app it makes: the test suite makes an app per test
    and each compiled every template it rendered again (about a tenth of a simple test's time). A bucket
    holds the checksum of its template's source, so an edited template is compiled anew."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_BYTECODE = ProcessBytecodeCache()


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    app.jinja_env.bytecode_cache = TEMPLATE_BYTECODE

    from . import catalog, i18n

    @app.context_processor
    def inject_helpers():
        return {
            "catalog": catalog,
            "current_locale": str(get_locale() or "de"),
        }

    @app.template_filter("date")
    def format_date_filter(value, style=None):
        return i18n.format_date(value, style)

    @app.template_filter("salary")
    def salary_filter(offer):
        from .offers.salary import salary_text

        return salary_text(offer)

    @app.template_filter("datetime")
    def format_datetime_filter(value, style=None):
        return i18n.format_datetime(value, style)

    @app.before_request
    def refuse_nul_in_query():
        # Filters and search boxes read request.args directly; a NUL byte there is never meaningful
        # and PostgreSQL refuses it, so answer 400 before any query is built.
        from flask import abort

        if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
            abort(400)

    @app.template_global()
    def answers_waiting() -> int:
        """How many introductions wait for the company user's company to answer (the navigation's badge);
        0 for everyone else. Counted once per request."""
        from flask import g
        from flask_login import current_user

        from .brokering.queries import answers_waiting_count

        if "answers_waiting" not in g:
            company = current_user.active_company if current_user.is_authenticated else None
            g.answers_waiting = answers_waiting_count(company) if company is not None else 0
        return g.answers_waiting

    @app.template_global()
    def absolute_url(endpoint: str, **values) -> str:
        """An absolute URL on the site's public address (BASE_URL), never on the request's Host header:
        for Open Graph tags and feeds, which others read and keep."""
        from .outbox import external_url

        return external_url(endpoint, **values)

    @app.template_global()
    def page_url(page: int) -> str:
        """The current URL with another page number, keeping every filter."""
        from flask import url_for

        args = request.args.to_dict(flat=False)
        args["page"] = [str(page)]
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def register_commands(app: Flask) -> None:
    from .commands import register

    register(app)
