"""The Atom feed of stories and news, built with feedgen, in one language (with the other as fallback)."""

from __future__ import annotations

from datetime import timezone

from feedgen.feed import FeedGenerator
from flask_babel import force_locale
from flask_babel import gettext as _

from ..models import Story
from ..outbox import external_url


def _aware(value):
    return value.replace(tzinfo=timezone.utc)


def atom_feed(stories: list[Story], locale: str) -> bytes:
    """The feed as Atom XML: one entry per story, its summary and its text, links on the site's public address."""
    feed = FeedGenerator()
    with force_locale(locale):
        feed.title(_("Matchmaker: success stories and news"))
        feed.subtitle(_("From BTU Cottbus-Senftenberg and the companies of the Industriepark Schwarze Pumpe"))
        feed.author({"name": _("Präsenzstelle of BTU Cottbus-Senftenberg in Spremberg")})
    home = external_url("stories.index", lang=locale)
    self_url = external_url("stories.feed", lang=locale)
    feed.id(self_url)
    feed.link(href=home, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language(locale)
    if stories:
        feed.updated(max(_aware(story.updated_at or story.published_at) for story in stories))
    else:
        from ..models import utcnow

        feed.updated(_aware(utcnow()))
    # feedgen puts the entry added last first; the newest story comes first in the feed.
    for story in reversed(stories):
        entry = feed.add_entry()
        url = external_url("stories.detail", story_id=story.id)
        entry.id(url)
        entry.title(story.title(locale))
        entry.link(href=url, rel="alternate")
        entry.published(_aware(story.published_at))
        entry.updated(_aware(max(story.published_at, story.updated_at)))
        entry.category(term=story.kind.value)
        summary = story.summary(locale)
        if summary:
            entry.summary(summary)
        entry.content(story.body(locale), type="text")
    return feed.atom_str(pretty=True)
