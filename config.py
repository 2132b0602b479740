"""Configuration read from the environment, with safe development defaults."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = BASE_DIR / "templates"
INSTANCE_DIR = Path(os.environ.get("MATCHMAKER_INSTANCE", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


def _hosts(name: str, default: list[str] | None) -> list[str] | None:
    """A comma-separated host list from the environment; hosts starting with a dot match subdomains."""
    value = os.environ.get(name)
    if value is None:
        return default
    hosts = [host.strip() for host in value.split(",") if host.strip()]
    return hosts or default


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'matchmaker.sqlite'}")
    # Hosting platforms often hand out "postgres://"; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    INSTANCE_DIR = INSTANCE_DIR

    # Mail: with MAIL_SERVER set, messages in the outbox are sent through SMTP.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "matchmaker@localhost")

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    # Sessions (see matchmaker/security.py): logged out after this long without a request, and
    # after this long since the login in any case.
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 60)
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = timedelta(days=_int("REMEMBER_COOKIE_DAYS", 14))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_ABSOLUTE_HOURS)

    # Requests whose Host header is not in this list answer 400 (Flask checks it while routing).
    TRUSTED_HOSTS = _hosts("TRUSTED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
    SECURITY_HSTS = False
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'self'; frame-ancestors 'none'; object-src 'none'"
    )
    # Staff and admins without two-factor authentication are sent to set it up before anything else.
    REQUIRE_2FA_FOR_STAFF = _bool("REQUIRE_2FA_FOR_STAFF", False)
    TOTP_ISSUER = "Matchmaker"

    # How many worker processes serve the app. Gunicorn reads WEB_CONCURRENCY as its default for --workers,
    # so set the count there (not with -w) and the app knows it too.
    WORKERS = _int("WEB_CONCURRENCY", 1)
    # Background jobs (matchmaker/jobs/): with REDIS_URL they go to RQ workers (`flask jobs worker`),
    # without it they run inline as before. A failed job is retried after each of these pauses (seconds).
    REDIS_URL = os.environ.get("REDIS_URL") or None
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "matchmaker")
    JOBS_RETRY_INTERVALS = tuple(int(s) for s in os.environ.get("JOBS_RETRY_INTERVALS", "10,60,300").split(",")
                                 if s.strip().isdigit())
    JOBS_TIMEOUT = _int("JOBS_TIMEOUT", 600)
    # Rate limits (Flask-Limiter). With REDIS_URL set, all workers count in Redis; without it each worker
    # counts alone, and with several workers a limit lets through about workers x its count.
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis is down, count per process in memory instead of failing the login page.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    # Per account (the email tried), across all addresses, against slow distributed guessing.
    RATELIMIT_LOGIN_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "30 per hour")
    RATELIMIT_TWO_FACTOR = os.environ.get("RATELIMIT_TWO_FACTOR", "10 per minute;30 per hour")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5 per minute;20 per hour")
    RATELIMIT_PASSWORD_RESET = os.environ.get("RATELIMIT_PASSWORD_RESET", "5 per minute;20 per hour")
    RATELIMIT_RESEND = os.environ.get("RATELIMIT_RESEND", "5 per minute;20 per hour")
    # The JSON API, per personal token (per client address for calls without one).
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "120 per minute;2000 per hour")

    # Where people report barriers on the site (the accessibility statement names it); the Präsenzstelle's
    # address in production.
    ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "praesenzstelle@matchmaker.example")
    # Where staff are told of expired introductions; unset: every active staff account.
    BROKERING_STAFF_EMAIL = os.environ.get("BROKERING_STAFF_EMAIL")
    # The public address every link in a mail is built from, in a request or a command alike: never the
    # request's Host header, which a client chooses. Required in production.
    BASE_URL = os.environ.get("BASE_URL") or os.environ.get("MATCHMAKER_BASE_URL") or "http://127.0.0.1:5000"
    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto/-Host (0: none, use the socket).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    OFFER_DEFAULT_LIFETIME_DAYS = int(os.environ.get("OFFER_DEFAULT_LIFETIME_DAYS", "90"))
    CONFIRM_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 2 * 3600
    PAGE_SIZE = 20
    MATCHER_DICTIONARY = os.environ.get("MATCHER_DICTIONARY")
    # The matcher's index: snapshots on disk (`flask matcher build`, or a background job), loaded by every
    # serving process at start. Warm start: load the current snapshot at start, or build one in the
    # background while the matching pages say "being prepared"; no request ever builds the index.
    MATCHER_WARM_START = os.environ.get("MATCHER_WARM_START", "1").lower() not in ("0", "false", "no", "off")
    MATCHER_SNAPSHOT_DIR = os.environ.get("MATCHER_SNAPSHOT_DIR") or None  # default: <instance>/matcher
    MATCHER_SNAPSHOTS_KEPT = _int("MATCHER_SNAPSHOTS_KEPT", 2)
    # How often a serving process looks for a newer snapshot (a rebuild) to swap in.
    MATCHER_SNAPSHOT_CHECK_SECONDS = _int("MATCHER_SNAPSHOT_CHECK_SECONDS", 5)
    # Up to this many offers the staff's matching board is ranked on the request; beyond, in the
    # background (matching/board.py).
    MATCHER_BOARD_INLINE_OFFERS = _int("MATCHER_BOARD_INLINE_OFFERS", 1000)
    # The counts of public pages (the start page's figures, the offer list's total) are read again at
    # most this often, per list and filters.
    PUBLIC_COUNTS_SECONDS = _int("PUBLIC_COUNTS_SECONDS", 60)

    # Uploaded CVs (PDF): size limit, text extraction limits, and the folder (default: <instance>/uploads/cv,
    # never under static/). Requests larger than MAX_CONTENT_LENGTH answer 413 before any view runs.
    CV_MAX_BYTES = _int("CV_MAX_BYTES", 5 * 1024 * 1024)
    # Images of stories and news (JPEG, PNG or WebP, judged by content): the file's size, its pixels before it
    # is decoded (a decompression bomb is refused unread), the stored sizes, and the folder (default:
    # <UPLOAD_DIR or instance/uploads>/stories).
    STORY_IMAGE_MAX_BYTES = _int("STORY_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
    STORY_IMAGE_MAX_PIXELS = _int("STORY_IMAGE_MAX_PIXELS", 40_000_000)
    STORY_IMAGE_WIDTH = _int("STORY_IMAGE_WIDTH", 1600)
    STORY_THUMB_WIDTH = _int("STORY_THUMB_WIDTH", 480)
    STORY_IMAGE_DIR = os.environ.get("STORY_IMAGE_DIR") or None
    MAX_CONTENT_LENGTH = max(CV_MAX_BYTES, STORY_IMAGE_MAX_BYTES) + 256 * 1024
    CV_EXTRACT_SECONDS = _int("CV_EXTRACT_SECONDS", 10)
    CV_MAX_PAGES = _int("CV_MAX_PAGES", 20)
    CV_EXTRACT_MEMORY_MB = _int("CV_EXTRACT_MEMORY_MB", 512)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or None
    # GDPR: the privacy notice's version, retention of inactive graduate accounts, offers and logs.
    PRIVACY_VERSION = "2026-1"
    RETENTION_WARN_DAYS = _int("RETENTION_WARN_DAYS", 730)
    RETENTION_GRACE_DAYS = _int("RETENTION_GRACE_DAYS", 60)
    LOG_RETENTION_DAYS = _int("LOG_RETENTION_DAYS", 365)
    OFFER_PURGE_DAYS = _int("OFFER_PURGE_DAYS", 365)
    # Offer import from the companies' feeds (matchmaker/feeds/): limits of one fetch, and the networks besides
    # the public internet a feed may live in (comma-separated CIDRs; empty: none, so no loopback, private,
    # link-local, multicast or reserved address is ever fetched).
    FEED_ALLOWED_NETWORKS = [n.strip() for n in os.environ.get("FEED_ALLOWED_NETWORKS", "").split(",") if n.strip()]
    FEED_MAX_BYTES = _int("FEED_MAX_BYTES", 5 * 1024 * 1024)
    FEED_TIMEOUT_SECONDS = float(os.environ.get("FEED_TIMEOUT_SECONDS", "20"))
    FEED_MAX_REDIRECTS = _int("FEED_MAX_REDIRECTS", 3)
    FEED_MAX_POSTINGS = _int("FEED_MAX_POSTINGS", 500)
    FEEDS_PER_COMPANY = _int("FEEDS_PER_COMPANY", 10)
    # "Import now" at most this often per feed, so that a button cannot keep a worker fetching.
    FEED_RUN_COOLDOWN_SECONDS = _int("FEED_RUN_COOLDOWN_SECONDS", 60)


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SECURITY_HSTS = True
    # No defaults: production names its hosts (TRUSTED_HOSTS=matchmaker.example.org,.example.org) and its
    # public address (BASE_URL=https://matchmaker.example.org); create_app refuses to start without them.
    TRUSTED_HOSTS = _hosts("TRUSTED_HOSTS", None)
    BASE_URL = os.environ.get("BASE_URL") or os.environ.get("MATCHMAKER_BASE_URL")


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    # Still scrypt, with small parameters: the suite hashes hundreds of passwords.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_SERVER = None
    SERVER_NAME = None
    TRUSTED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
    # Tests that check the limits enable them in their own config.
    RATELIMIT_ENABLED = False
    PUBLIC_COUNTS_SECONDS = 0  # each test sees the counts of its own data
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None
    # Each test's database is new: the index is built on first use, as the tests of warm start set up.
    MATCHER_WARM_START = False


def config_from_env():
    """The config class named by MATCHMAKER_ENV (development by default)."""
    name = os.environ.get("MATCHMAKER_ENV", "development").lower()
    return {"production": ProductionConfig, "testing": TestConfig}.get(name, Config)
