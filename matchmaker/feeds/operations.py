"""Registering feeds and importing their postings as draft offers. Flush, never commit."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..domain import InvalidInput, NotAllowed, NotPossible
from ..extensions import db
from ..matching.language import detect_language
from ..models import Company, FeedKind, FeedStatus, Offer, OfferFeed, OfferKind, OfferStatus, SalaryPeriod, User, utcnow
from .fetch import FetchError, fetch
from .parse import ParseError, Posting, parse
from .queries import feeds_of, offers_of_feed

ACCEPT = {
    FeedKind.jsonld_page: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    FeedKind.json_feed: "application/json,application/feed+json;q=0.9,*/*;q=0.5",
    FeedKind.xml_feed: "application/xml,text/xml;q=0.9,*/*;q=0.5",
}


def _may_manage(company: Company, actor: User) -> None:
    own = actor.active_company is not None and actor.active_company.id == company.id
    if not (own or actor.is_staff):
        raise NotAllowed(_l("Only active members of the company and the Präsenzstelle may manage its feeds."))


def register_feed(company: Company, actor: User, url: str, kind: FeedKind) -> OfferFeed:
    """A new feed of `company`; it is fetched on the next import run (or at once, with run_feed)."""
    _may_manage(company, actor)
    if len(feeds_of(company)) >= current_app.config["FEEDS_PER_COMPANY"]:
        raise NotPossible(_l("A company can register at most %(n)d feeds. Remove one first.",
                             n=current_app.config["FEEDS_PER_COMPANY"]))
    if any(feed.url == url for feed in feeds_of(company)):
        raise InvalidInput(_l("This address is already registered."))
    feed = OfferFeed(company_id=company.id, created_by_id=actor.id, url=url, kind=kind, status=FeedStatus.new)
    db.session.add(feed)
    db.session.flush()
    return feed


def remove_feed(feed: OfferFeed, actor: User) -> None:
    """The feed goes; its offers stay as they are (no longer linked to it)."""
    _may_manage(feed.company, actor)
    for offer in offers_of_feed(feed):
        offer.feed_id = None
        offer.feed_key = None
        offer.feed_vanished_at = None
    db.session.flush()
    db.session.delete(feed)
    db.session.flush()


def _fields(posting: Posting, company: Company) -> dict:
    start = posting.start_date if posting.start_date and posting.start_date >= date.today() else None
    fields = {
        "kind": OfferKind(posting.kind), "title": posting.title,
        "description": posting.description or posting.title,
        "place": posting.place or company.site or "Industriepark Schwarze Pumpe", "start_date": start,
        "salary_min_cents": posting.salary_min_cents, "salary_max_cents": posting.salary_max_cents,
        "salary_currency": posting.salary_currency or "EUR",
        "salary_period": SalaryPeriod(posting.salary_period) if posting.salary_period else None,
        # A feed names no language: the text tells (the matcher analyses by it); German where it cannot.
        "language": detect_language(f"{posting.title}\n{posting.description}") or "de",
    }
    for name in ("contact_name", "contact_role", "contact_email", "contact_phone"):
        fields[name] = posting.contact.get(name, "")
    return fields


def apply_postings(feed: OfferFeed, postings: list[Posting], now=None) -> dict[str, int]:
    """Create a draft for each new posting, update the drafts of known ones, mark offers whose posting is
    gone. Offers the company has published, closed or that expired keep what they say: only a draft is
    rewritten from the feed. Nothing is ever published here."""
    now = now or utcnow()
    limit = current_app.config["FEED_MAX_POSTINGS"]
    unique: dict[str, Posting] = {}
    for posting in postings:
        unique.setdefault(posting.key, posting)
    skipped = max(0, len(unique) - limit)
    wanted = dict(list(unique.items())[:limit])
    known = {offer.feed_key: offer for offer in offers_of_feed(feed)}
    counts = {"found": len(unique), "created": 0, "updated": 0, "vanished": 0, "skipped": skipped}
    for key, posting in wanted.items():
        fields = _fields(posting, feed.company)
        offer = known.get(key)
        if offer is None:
            offer = Offer(company_id=feed.company_id, created_by_id=None, status=OfferStatus.draft,
                          feed_id=feed.id, feed_key=key, **fields)
            db.session.add(offer)
            counts["created"] += 1
            continue
        offer.feed_vanished_at = None  # back in the feed
        if offer.status == OfferStatus.draft:
            changed = {name: value for name, value in fields.items() if getattr(offer, name) != value}
            for name, value in changed.items():
                setattr(offer, name, value)
            counts["updated"] += bool(changed)
    for key, offer in known.items():
        if key not in wanted and offer.feed_vanished_at is None:
            offer.feed_vanished_at = now
            counts["vanished"] += 1
    db.session.flush()
    return counts


def _fail(feed: OfferFeed, code: str, detail: str) -> None:
    feed.status = FeedStatus.error
    feed.error_code = code
    feed.error_detail = detail[:300]


def run_feed(feed: OfferFeed, now=None) -> OfferFeed:
    """Fetch the feed, read its postings and apply them; any failure becomes the feed's status (the offers
    stay as they were, none is marked as vanished)."""
    config = current_app.config
    now = now or utcnow()
    # The fetch runs outside any lock; the database is touched only once the body is read.
    try:
        fetched = fetch(feed.url, allowed_networks=config["FEED_ALLOWED_NETWORKS"], max_bytes=config["FEED_MAX_BYTES"],
                        timeout=config["FEED_TIMEOUT_SECONDS"], max_redirects=config["FEED_MAX_REDIRECTS"],
                        accept=ACCEPT[feed.kind])
        postings = parse(feed.kind.value, fetched)
    except (FetchError, ParseError) as error:
        postings, failure = None, error
    except Exception as error:  # a parser library's own surprise: the feed's status, never a crash
        current_app.logger.exception("feed %s: unexpected error", feed.id)
        postings, failure = None, ParseError("bad_content", type(error).__name__)
    db.session.refresh(feed, with_for_update=True)  # one run of a feed at a time (PostgreSQL)
    feed.last_run_at = now
    if postings is None:
        _fail(feed, failure.code, failure.detail)
    elif not postings:
        _fail(feed, "no_postings", "")
    else:
        counts = apply_postings(feed, postings, now)
        feed.status = FeedStatus.ok
        feed.error_code = feed.error_detail = ""
        feed.last_success_at = now
        feed.found_count, feed.created_count = counts["found"], counts["created"]
        feed.updated_count, feed.vanished_count = counts["updated"], counts["vanished"]
        feed.skipped_count = counts["skipped"]
    db.session.flush()
    return feed


def run_feed_now(feed: OfferFeed, actor: User, now=None) -> OfferFeed:
    """"Import now" from the feed's page: the company's members or staff, at most once a cooldown."""
    _may_manage(feed.company, actor)
    now = now or utcnow()
    cooldown = current_app.config["FEED_RUN_COOLDOWN_SECONDS"]
    if feed.last_run_at and cooldown and feed.last_run_at > now - timedelta(seconds=cooldown):
        raise NotPossible(_l("This feed was imported a moment ago. Please try again in a minute."))
    return run_feed(feed, now)
