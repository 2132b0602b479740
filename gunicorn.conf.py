"""gunicorn settings for an app node: `gunicorn -c gunicorn.conf.py wsgi:app` (see docs/deploy.md).

Everything can be set from the environment, so one file serves every node; the systemd unit, the
Procfile and the two-server test (tests/test_cluster.py) all start gunicorn with it.
"""

import os

# Where this node listens: the reverse proxy's upstream entry (loopback or the private network).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# WEB_CONCURRENCY is also read by the app (config.WORKERS) to warn when rate limits are per process.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# Load the app (and the matcher's index snapshot, memory-mapped) once in the master: the forked workers
# share its memory pages and no first request waits for a build.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# Recycle workers now and then, so that a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# The proxy in front (deploy/nginx.conf) speaks plain HTTP to the nodes and sets X-Forwarded-*; the app
# trusts exactly PROXY_COUNT of them (ProxyFix), so gunicorn need not.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Without query strings: searches and tokens stay out of the access log.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
proc_name = os.environ.get("GUNICORN_PROC_NAME", "matchmaker")


def post_fork(server, worker):
    """Database connections must never be shared across a fork: each worker opens its own."""
    if not preload_app:
        return
    from matchmaker.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
