"""A company's feeds: register, see their status, import now, remove; staff do the same for any company."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import company_member_required, get_company_or_404, get_feed_or_404, role_required
from ..errors import redirect_on_domain_error
from ..extensions import db
from ..forms import EmptyForm
from ..models import FeedKind, FeedStatus, Role
from . import operations
from .forms import FeedForm
from .messages import FEED_KIND_LABELS, feed_error_text
from .queries import feeds_of, imported_offers

bp = Blueprint("feeds", __name__)


def _page(company, here: str):
    form = FeedForm()
    if form.validate_on_submit():
        redirect_on_domain_error(here)
        operations.register_feed(company, current_user, form.url.data, FeedKind(form.kind.data))
        db.session.commit()
        flash(_("The feed is registered. Import it now, or wait for the next scheduled import."), "success")
        return redirect(here)
    return (render_template("feeds/index.html", company=company, form=form, feeds=feeds_of(company),
                            offers=imported_offers(company), here=here, error_text=feed_error_text,
                            feed_kinds=FEED_KIND_LABELS,
),
            400 if form.errors else 200)


@bp.route("/", methods=["GET", "POST"])
@company_member_required
def index():
    return _page(current_user.active_company, url_for("feeds.index"))


@bp.route("/companies/<int:company_id>", methods=["GET", "POST"])
@role_required(Role.staff)
def company(company_id: int):
    return _page(get_company_or_404(company_id, current_user), url_for("feeds.company", company_id=company_id))


def _back(feed) -> str:
    if current_user.is_staff:
        return url_for("feeds.company", company_id=feed.company_id)
    return url_for("feeds.index")


@bp.route("/<int:feed_id>/run", methods=["POST"])
@role_required(Role.company, Role.staff)
def run(feed_id: int):
    feed = get_feed_or_404(feed_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    redirect_on_domain_error(_back(feed))
    operations.run_feed_now(feed, current_user)
    db.session.commit()
    if feed.status == FeedStatus.ok:
        flash(_("Import done: %(found)d postings found, %(created)d new drafts, %(updated)d drafts updated, "
                "%(vanished)d no longer in the feed. Check the drafts, then publish them.",
                found=feed.found_count, created=feed.created_count, updated=feed.updated_count,
                vanished=feed.vanished_count), "success")
    else:
        flash(_("The import failed: %(reason)s", reason=feed_error_text(feed.error_code)), "error")
    return redirect(_back(feed))


@bp.route("/<int:feed_id>/remove", methods=["POST"])
@role_required(Role.company, Role.staff)
def remove(feed_id: int):
    feed = get_feed_or_404(feed_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = _back(feed)
    redirect_on_domain_error(back)
    operations.remove_feed(feed, current_user)
    db.session.commit()
    flash(_("The feed is removed. Its offers stay as they are."), "success")
    return redirect(back)
