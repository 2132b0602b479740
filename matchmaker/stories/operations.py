"""What changes stories: staff write, publish and take them offline; the people named confirm or withdraw.

The consent gate lives here: a story that names or shows people is published only when every one of them
has confirmed it (each confirmation keeps a consent record with the sentence they agreed to). Staff asking
to publish earlier puts the story in `awaiting_consent`; the last confirmation then publishes it. A
withdrawal takes a published story offline in the same transaction. Functions flush but never commit.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import record_audit
from ..domain import InvalidInput, NotAllowed, NotPossible
from ..extensions import db
from ..gdpr.operations import record_consent
from ..models import (Company, Event, Offer, ResearchUnit, Story, StoryKind, StoryLink, StoryPerson, StoryStatus,
                      User, utcnow)
from ..outbox import external_url, queue_mail

CONSENT_PURPOSE = "story"
CONSENT_VERSION = "1"
# The most people one story may name.
MAX_PEOPLE = 10
# The columns the staff's story form fills in.
TEXT_FIELDS = ("title_de", "title_en", "summary_de", "summary_en", "body_de", "body_en", "image_alt_de",
               "image_alt_en")
# A change to one of these after a person confirmed asks them again: they agreed to what they read.
CONFIRMED_CONTENT = ("title_de", "title_en", "summary_de", "summary_en", "body_de", "body_en", "image")


def consent_text(story: Story, locale: str) -> str:
    """The sentence a person agrees to by confirming the story, in `locale`: shown before the click, stored."""
    with force_locale(locale):
        return _("I agree that the Präsenzstelle publishes the story “%(title)s” on Matchmaker, in which I am "
                 "named or shown, with its text and image, and links to it. I can withdraw this at any time in "
                 "my account; the story then goes offline at once.", title=story.title(locale))


def _require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise NotAllowed(_l("Only the Präsenzstelle writes stories and news."))


def _apply(story: Story, kind: StoryKind, texts: dict) -> None:
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    story.kind = kind
    for name, value in texts.items():
        setattr(story, name, value)
    if not (story.title_de or story.title_en):
        raise InvalidInput(_l("Please enter a title in German or English (or both)."))


def _set_links(story: Story, companies: list[Company], offers: list[Offer], events: list[Event],
               units: list[ResearchUnit]) -> None:
    wanted = ({("company_id", c.id) for c in companies} | {("offer_id", o.id) for o in offers}
              | {("event_id", e.id) for e in events} | {("research_unit_id", u.id) for u in units})
    have = {}
    for link in list(story.links):
        key = next((name, getattr(link, name)) for name in StoryLink.TARGETS if getattr(link, name) is not None)
        if key in wanted and key not in have:
            have[key] = link
        else:
            story.links.remove(link)
    for name, target_id in sorted(wanted - have.keys()):
        story.links.append(StoryLink(**{name: target_id}))


def _set_people(story: Story, people: list[User]) -> list[StoryPerson]:
    """The people named are exactly `people`; returns the ones newly named."""
    if len(people) > MAX_PEOPLE:
        raise InvalidInput(_l("A story may name at most %(n)d people.", n=MAX_PEOPLE))
    wanted = {user.id: user for user in people}
    for person in list(story.people):
        if person.user_id not in wanted:
            story.people.remove(person)
    named = {person.user_id for person in story.people}
    added = [StoryPerson(user_id=user.id, user=user) for user_id, user in wanted.items() if user_id not in named]
    story.people.extend(added)
    return added


def _ask(story: Story, people: list[StoryPerson]) -> None:
    """Write to each person who has yet to confirm the story."""
    for person in people:
        user = person.user
        queue_mail(user.email, _l("Please confirm a story that names you"), "story_confirm", locale=user.locale,
                   kind="story_confirm", title=story.title(user.locale), link=external_url("stories.confirmations"))


def create_story(actor: User, kind: StoryKind, texts: dict, *, companies=(), offers=(), events=(), units=(),
                 people=(), image: str | None = None) -> Story:
    """A new story as a draft: nothing is public, nobody is asked yet."""
    _require_staff(actor)
    story = Story(author_id=actor.id, status=StoryStatus.draft, image=image)
    _apply(story, kind, texts)
    db.session.add(story)
    _set_links(story, list(companies), list(offers), list(events), list(units))
    _set_people(story, list(people))
    db.session.flush()
    record_audit(actor, "story_create", obj=story)
    return story


def update_story(story: Story, actor: User, kind: StoryKind, texts: dict, *, companies=(), offers=(), events=(),
                 units=(), people=(), image: str | None = None, now: datetime | None = None) -> Story:
    """Change a story. When what a person confirmed changes, they are asked again, and a published story
    waits offline for them (they agreed to the text they read, not to this one)."""
    _require_staff(actor)
    before = {name: getattr(story, name) for name in CONFIRMED_CONTENT}
    _apply(story, kind, texts)
    if image is not None:
        story.image = image
    _set_links(story, list(companies), list(offers), list(events), list(units))
    added = _set_people(story, list(people))
    changed = any(getattr(story, name) != value for name, value in before.items())
    asked_again = []
    if changed:
        for person in story.people:
            if person.confirmed_at is not None and person not in added:
                person.confirmed_at = None
                if person.consent is not None and person.consent.revoked_at is None:
                    person.consent.revoked_at = now or utcnow()
                asked_again.append(person)
    db.session.flush()
    if story.status == StoryStatus.published and story.waiting_for():
        story.status = StoryStatus.awaiting_consent
    if story.status == StoryStatus.awaiting_consent:
        _ask(story, [*added, *asked_again])
        if not story.waiting_for():
            _publish(story, now)
    record_audit(actor, "story_update", obj=story)
    return story


def _publish(story: Story, now: datetime | None) -> None:
    story.status = StoryStatus.published
    story.offline_at = None
    if story.published_at is None:
        story.published_at = now or utcnow()


def publish_story(story: Story, actor: User, now: datetime | None = None) -> bool:
    """Publish the story if everyone it names has confirmed it; else it waits for them (they are asked by
    mail). Returns whether it is public now."""
    _require_staff(actor)
    if story.status == StoryStatus.published:
        raise NotPossible(_l("This story is already published."))
    if story.status == StoryStatus.awaiting_consent:
        raise NotPossible(_l("This story already waits for the confirmation of the people it names."))
    waiting = story.waiting_for()
    if waiting:
        story.status = StoryStatus.awaiting_consent
        _ask(story, waiting)
    else:
        _publish(story, now)
    db.session.flush()
    record_audit(actor, "story_publish", obj=story, detail=story.status.value)
    return story.status == StoryStatus.published


def take_offline(story: Story, actor: User, now: datetime | None = None) -> None:
    """Staff take a story off the site (it answers 410 Gone); publishing it again goes through the gate."""
    _require_staff(actor)
    if story.status not in (StoryStatus.published, StoryStatus.awaiting_consent):
        raise NotPossible(_l("This story is not online."))
    story.status = StoryStatus.offline
    story.offline_at = now or utcnow()
    db.session.flush()
    record_audit(actor, "story_offline", obj=story)


def _person_of(story: Story, user: User) -> StoryPerson:
    person = next((p for p in story.people if p.user_id == user.id), None)
    if person is None:
        raise NotAllowed(_l("This story does not name you."))
    return person


def confirm_story(story: Story, user: User, now: datetime | None = None) -> StoryPerson:
    """The person named agrees to the story, in the words shown to them; the last confirmation publishes
    a story staff already asked to publish."""
    person = _person_of(story, user)
    if person.has_confirmed:
        raise NotPossible(_l("You have already confirmed this story."))
    if story.status == StoryStatus.offline:
        raise NotPossible(_l("This story has been taken offline by the Präsenzstelle."))
    now = now or utcnow()
    locale = user.locale if user.locale in ("de", "en") else "de"
    person.consent = record_consent(user, CONSENT_PURPOSE, consent_text(story, locale), CONSENT_VERSION, now)
    person.confirmed_at = now
    person.withdrawn_at = None
    db.session.flush()
    if story.status == StoryStatus.awaiting_consent and not story.waiting_for():
        _publish(story, now)
    record_audit(user, "story_confirm", subject=user, obj=story)
    return person


def withdraw_story(story: Story, user: User, now: datetime | None = None) -> StoryPerson:
    """The person named no longer agrees: the story goes offline at once (and answers 410 Gone)."""
    person = _person_of(story, user)
    if person.withdrawn_at is not None or person.confirmed_at is None:
        raise NotPossible(_l("You have not confirmed this story, so there is nothing to withdraw."))
    now = now or utcnow()
    person.withdrawn_at = now
    if person.consent is not None and person.consent.revoked_at is None:
        person.consent.revoked_at = now
    _withdrawn(story, now)
    db.session.flush()
    record_audit(user, "story_withdraw", subject=user, obj=story)
    if story.author is not None and story.author.active:
        author = story.author
        queue_mail(author.email, _l("A person named in a story withdrew their consent"), "story_withdrawn",
                   locale=author.locale, kind="story_withdrawn", title=story.title(author.locale),
                   link=external_url("stories.edit", story_id=story.id))
    return person


def _withdrawn(story: Story, now: datetime) -> None:
    if story.status in (StoryStatus.published, StoryStatus.awaiting_consent):
        story.status = StoryStatus.withdrawn
        story.offline_at = now


def forget_story_person(user: User, now: datetime | None = None) -> int:
    """Erasure: the person leaves every story that named them; a story that is online goes offline.
    Returns how many stories named them."""
    now = now or utcnow()
    people = list(db.session.scalars(db.select(StoryPerson).where(StoryPerson.user_id == user.id)))
    for person in people:
        _withdrawn(person.story, now)
        db.session.delete(person)
    db.session.flush()
    return len(people)
