from datetime import date

from flask import Blueprint, Response, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..auth.views import is_safe_next
from ..extensions import db
from ..i18n import current_locale
from ..models import StoryKind
from . import queries

bp = Blueprint("main", __name__)

# When the statement was last checked against the measured state (axe-core checks and the keyboard journey
# in tests/e2e/test_accessibility.py); update it with the statement.
ACCESSIBILITY_STATEMENT_DATE = date(2026, 11, 30)


@bp.route("/")
def index():
    return render_template("main/index.html", latest=queries.latest_offers(), counts=queries.start_page_counts(),
                           events=queries.next_events(), stories=queries.newest_stories(),
                           news=queries.newest_stories(kind=StoryKind.news),
                           locale=current_locale())


@bp.route("/lang/<code>")
def set_language(code: str):
    """Switch the interface language; remembered in the session and, when logged in, on the account."""
    if code in ("de", "en"):
        session["lang"] = code
        if current_user.is_authenticated and current_user.locale != code:
            current_user.locale = code
            db.session.commit()
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.index"))


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.route("/about")
def about():
    return render_template("main/about.html")


@bp.route("/accessibility")
def accessibility():
    """The accessibility statement (Erklärung zur Barrierefreiheit) that BITV 2.0 asks of a public body."""
    return render_template("main/accessibility.html", statement_date=ACCESSIBILITY_STATEMENT_DATE)


# Pages with personal data or actions behind a login: no search engine has anything to find there.
PRIVATE_PREFIXES = ("/me/", "/staff/", "/introductions/", "/matches/", "/report/", "/account/", "/auth/",
                    "/alerts/", "/graduates/", "/companies/mine", "/offers/new", "/offers/*/edit", "/events/manage",
                    "/events/new", "/events/*/registrations", "/events/*/attendance", "/lang/", "/feeds/")


@bp.route("/robots.txt")
def robots():
    from ..outbox import external_url

    lines = ["User-agent: *"] + [f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES]
    lines += ["", f"Sitemap: {external_url('main.sitemap')}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.route("/sitemap.xml")
def sitemap():
    from ..outbox import external_url

    urls = [(external_url(endpoint, **values), changed) for endpoint, values, changed in queries.sitemap_entries()]
    return Response(render_template("main/sitemap.xml", urls=urls), mimetype="application/xml")
