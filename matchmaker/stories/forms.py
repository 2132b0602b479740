"""Forms of stories and news: the staff's story form (texts in both languages, image, links, people named)
and the public list's filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..catalog import STORY_KIND_LABELS, choices
from ..events.forms import IdChoices
from ..forms import BaseForm, OfferLinksField
from ..models import StoryKind, User
from .operations import MAX_PEOPLE

TITLE_MAX = 200
SUMMARY_MAX = 500
BODY_MAX = 20000
ALT_MAX = 300
PEOPLE_MAX_CHARS = MAX_PEOPLE * 260


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _text(label, max_length, textarea=False):
    field = TextAreaField if textarea or max_length > 1000 else StringField
    return field(label, filters=[_strip], validators=[
        Length(max=max_length, message=_l("At most %(max)d characters.", max=max_length))])


def _checks(label):
    return SelectMultipleField(label, choices=[], validate_choice=False, validators=[IdChoices()],
                               widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                               render_kw={"class": "checks"})


def people_emails(text: str | None) -> list[str]:
    """The e-mail addresses in the people field (one a line, or separated by commas), normalised, once each."""
    found: list[str] = []
    for raw in (text or "").replace(",", "\n").replace(";", "\n").splitlines():
        email = User.normalise_email(raw)
        if email and email not in found:
            found.append(email)
    return found


class StoryForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=choices(STORY_KIND_LABELS, blank=_l("— choose —")), default="",
                       validate_choice=False, filters=[_strip], validators=[
                           InputRequired(_l("Please choose whether this is a success story or news.")),
                           AnyOf([k.value for k in StoryKind], message=_l("Please choose one of the listed values."))])
    title_de = _text(_l("Title in German"), TITLE_MAX)
    title_en = _text(_l("Title in English"), TITLE_MAX)
    summary_de = _text(_l("Summary in German (for lists, the feed and link previews)"), SUMMARY_MAX, textarea=True)
    summary_en = _text(_l("Summary in English (for lists, the feed and link previews)"), SUMMARY_MAX, textarea=True)
    body_de = _text(_l("Text in German"), BODY_MAX)
    body_en = _text(_l("Text in English"), BODY_MAX)
    image = FileField(_l("Image (JPEG, PNG or WebP)"))
    image_alt_de = _text(_l("What the image shows, in German (for people who cannot see it)"), ALT_MAX)
    image_alt_en = _text(_l("What the image shows, in English (for people who cannot see it)"), ALT_MAX)
    people = TextAreaField(_l("People named or shown (their e-mail addresses in Matchmaker, one a line)"),
                           filters=[_strip], validators=[Optional(), Length(
                               max=PEOPLE_MAX_CHARS, message=_l("At most %(max)d characters.", max=PEOPLE_MAX_CHARS))])
    companies = _checks(_l("Companies it is about"))
    offers = OfferLinksField(_l("Offers it is about"))
    events = _checks(_l("Events it is about"))
    units = _checks(_l("Research units it is about"))

    def __init__(self, *args, companies=(), find_offers=None, events=(), units=(), locale="de", **kwargs):
        """`find_offers`: ids -> {id: offer} of the offers among them the story may be about."""
        super().__init__(*args, **kwargs)
        self.companies.choices = [(str(c.id), c.name) for c in companies]
        if find_offers is not None:
            self.offers.find = find_offers
        self.events.choices = [(str(e.id), e.title(locale)) for e in events]
        self.units.choices = [(str(u.id), u.name) for u in units]
        self.found_people: list[User] = []

    def validate_title_en(self, field):
        if not self.title_de.data and not field.data:
            raise ValidationError(_l("Please enter a title in German or English (or both)."))

    def validate_body_en(self, field):
        if not self.body_de.data and not field.data:
            raise ValidationError(_l("Please write the text in German or English (or both)."))

    def validate_image(self, field):
        # The content is judged by stories/images.py; here only whether a file came at all (it is optional).
        storage = field.data
        if storage is not None and not hasattr(storage, "stream"):
            field.data = None

    def validate_people(self, field):
        from .queries import users_by_emails

        emails = people_emails(field.data)
        if len(emails) > MAX_PEOPLE:
            raise ValidationError(_l("A story may name at most %(n)d people.", n=MAX_PEOPLE))
        found = users_by_emails(emails)
        unknown = [email for email in emails if email not in found]
        if unknown:
            raise ValidationError(_l("No active account has the address %(emails)s. People named must confirm "
                                     "the story in their own account.", emails=", ".join(unknown[:3])))
        self.found_people = [found[email] for email in emails]

    def uploaded_image(self):
        """The uploaded file, if one was chosen."""
        storage = self.image.data
        if storage is None or not hasattr(storage, "stream") or not (storage.filename or "").strip("\x00 "):
            return None
        return storage

    @staticmethod
    def initial_data(story) -> dict:
        data = {name: getattr(story, name) for name in (
            "title_de", "title_en", "summary_de", "summary_en", "body_de", "body_en", "image_alt_de",
            "image_alt_en")}
        data["kind"] = story.kind.value
        data["people"] = "\n".join(person.user.email for person in story.people)
        data["companies"] = [str(link.company_id) for link in story.links if link.company_id is not None]
        data["offers"] = [link.offer for link in story.links if link.offer is not None]
        data["events"] = [str(link.event_id) for link in story.links if link.event_id is not None]
        data["units"] = [str(link.research_unit_id) for link in story.links if link.research_unit_id is not None]
        return data

    def texts(self) -> dict:
        single = ("title_de", "title_en", "image_alt_de", "image_alt_en")
        values = {name: " ".join(self[name].data.split()) for name in single}
        for name in ("summary_de", "summary_en"):
            values[name] = " ".join(self[name].data.split())
        for name in ("body_de", "body_en"):
            values[name] = self[name].data.replace("\r\n", "\n")
        return values

    def chosen_ids(self, name: str) -> list[int]:
        return [int(value) for value in self[name].data or []]


class StoryFilterForm(BaseForm):
    """The public list's filter, read from the query string."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Show"), choices=choices(STORY_KIND_LABELS, blank=_l("Stories and news")), default="",
                       validate_choice=False, filters=[_strip], validators=[
                           Optional(), AnyOf([k.value for k in StoryKind],
                                             message=_l("Please choose one of the listed values."))])

    def chosen_kind(self) -> StoryKind | None:
        self.validate()
        return StoryKind(self.kind.data) if self.kind.data and not self.kind.errors else None
