"""Form pieces shared by all features."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import flash, has_request_context, redirect, request, session
from werkzeug.datastructures import MultiDict
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from .names import has_invisible_characters, normalise_name


def _has_control_chars(text: str) -> bool:
    return any((ord(ch) < 32 and ch not in "\t\n\r") or ch == "\x7f" for ch in text)


def _without_control_chars(text: str) -> str:
    return "".join(ch for ch in text if not ((ord(ch) < 32 and ch not in "\t\n\r") or ch == "\x7f"))


class BaseForm(FlaskForm):
    """Every form: text must not carry NUL or other control bytes.

    Such bytes are removed at once (so that no validator sends them to the database) and the field
    is marked with an error, so the user sees the rest of what they typed and a message.
    """

    def __init__(self, *args, **kwargs):
        # Our forms are HTML forms. Flask-WTF would read a JSON body as form data, and any JSON that is
        # not an object of strings (`true`, `[1]`, `{"title": 5}`) then breaks the fields: a 500.
        # A JSON body counts as a form with no fields, so the form answers with its field errors.
        if not args and "formdata" not in kwargs and has_request_context() and request.is_json:
            kwargs["formdata"] = None
        super().__init__(*args, **kwargs)
        self._control_char_fields = []
        for field in self:
            if isinstance(field, (StringField, TextAreaField)) and isinstance(field.data, str):
                if _has_control_chars(field.data):
                    field.data = _without_control_chars(field.data)
                    self._control_char_fields.append(field)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self._control_char_fields:
            field.errors = list(field.errors) + [_l("Contains characters that are not allowed.")]
            ok = False
        return ok


class EmptyForm(BaseForm):
    """A CSRF-protected button."""


def split_list(text: str | None, limit: int = 40, item_length: int = 80) -> list[str]:
    """Comma or line separated text to a clean list without duplicates."""
    items: list[str] = []
    seen = set()
    for raw in (text or "").replace(";", ",").replace("\n", ",").split(","):
        item = " ".join(raw.split())
        if item and item.lower() not in seen:
            seen.add(item.lower())
            items.append(item)
    return items[:limit] if all(len(i) <= item_length for i in items) else items


class ListLength:
    """At most `count` items of at most `length` characters in a comma-separated list."""

    def __init__(self, count: int = 40, length: int = 80):
        self.count = count
        self.length = length

    def __call__(self, form, field):
        items = split_list(field.data, limit=10**6)
        if len(items) > self.count:
            raise ValidationError(_l("Please list at most %(n)d entries.", n=self.count))
        if any(len(item) > self.length for item in items):
            raise ValidationError(_l("Each entry may have at most %(n)d characters.", n=self.length))


def name_filter(value):
    """Filter for name-like fields: NFKC and single spaces (see matchmaker/names.py)."""
    return normalise_name(value) if isinstance(value, str) else value


class PlainName:
    """A name without invisible or text-direction characters (zero-width space, right-to-left override, …).

    Use with `filters=[name_filter]`, so that what is stored is also in normal form.
    """

    def __call__(self, form, field):
        if isinstance(field.data, str) and has_invisible_characters(field.data):
            raise ValidationError(_l("Contains invisible characters or characters that change the text "
                                     "direction. Please type the name again without them."))


# ---- offers named by their number or address -------------------------------------------------------

OFFER_LINKS_MAX = 50  # offers one story or event may name
_OFFER_PATH = re.compile(r"(?:.*/)?offers/([0-9]{1,12})/?")
_LARGEST_ID = 2**31 - 1  # an integer column holds no larger id


def _offer_number(token: str) -> int | None:
    """The offer's number in a token: the number itself or the address of its page (…/offers/<number>)."""
    token = token.rstrip(",;.")
    if re.fullmatch(r"#?[0-9]{1,12}", token):
        return int(token.lstrip("#"))
    path = urlsplit(token).path if "://" in token else re.split(r"[?#]", token, maxsplit=1)[0]
    found = _OFFER_PATH.fullmatch(path)
    return int(found.group(1)) if found else None


def offer_numbers(text: str | None) -> tuple[list[int], list[str]]:
    """The offers named in `text`, one a line, each by its number or its address; whatever follows on the
    line (the title the form writes after the number) is not read. Returns the numbers, once each in the
    order written, and the lines that name no offer."""
    numbers: list[int] = []
    unread: list[str] = []
    for line in (text or "").splitlines():
        if not line.split():
            continue
        number = _offer_number(line.split(maxsplit=1)[0])
        if number is None:
            unread.append(" ".join(line.split())[:60])
        elif number not in numbers:
            numbers.append(number)
    return numbers, unread


def offer_line(offer) -> str:
    """How the field shows a chosen offer: its number (what is read back), then its title and company."""
    return f"{offer.id} {' '.join(offer.title.split())} ({offer.company.name})"


class OfferLinksField(TextAreaField):
    """Offers a story or an event is about, one a line by number or address: grows with the offers
    chosen, not with every offer there is, and needs no script. The form sets `find` (ids -> {id: the
    offer}, of those that may be chosen); after validation `offers` holds the rows, in the order written.
    Its data is the text typed, or (for a form filled from stored links) a list of offers."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [*(validators or []), Length(max=OFFER_LINKS_MAX * 300, message=_l(
            "At most %(max)d characters.", max=OFFER_LINKS_MAX * 300))], **kwargs)
        self.find: Callable[[list[int]], dict] = lambda _ids: {}
        self.offers: list = []

    def _value(self) -> str:
        if isinstance(self.data, (list, tuple)):
            return "\n".join(offer_line(offer) for offer in self.data)
        return self.data or ""

    def pre_validate(self, form) -> None:
        self.offers = []
        if isinstance(self.data, (list, tuple)):
            self.data = self._value()
        numbers, unread = offer_numbers(self.data)
        # gettext, not lazy_gettext: a lazy string counts as safe markup in a template, and these messages
        # repeat what was typed.
        if unread:
            raise ValidationError(_("Not an offer's number or address: %(lines)s. Please write one offer a line, "
                                     "by its number (e.g. 123) or the address of its page (…/offers/123).",
                                     lines="; ".join(f'"{line}"' for line in unread[:3])))
        if len(numbers) > OFFER_LINKS_MAX:
            raise ValidationError(_("Please name at most %(n)d offers.", n=OFFER_LINKS_MAX))
        found = self.find([n for n in numbers if n <= _LARGEST_ID]) if numbers else {}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise ValidationError(_("No public offer has the number %(numbers)s.",
                                     numbers=", ".join(str(n) for n in missing[:5])))
        self.offers = [found[n] for n in numbers]


# A refused form's input travels to the page it lives on in the (signed cookie) session; text longer
# than this stays behind, so the cookie stays well under the browsers' 4 KB (the messages still come).
STASH_KEY = "_refused_form"
STASH_MAX_CHARS = 3000


def redirect_with_form_errors(form, name: str, url: str, message=None):
    """Redirect after a POST whose form has errors: the page at `url` shows the form (found by `name`)
    again with its input and its field messages (see restore_form). A reload then reloads that page
    instead of posting again."""
    data, size = {}, 0
    for key, value in request.form.items(multi=True):
        if key == "csrf_token":
            continue
        size += len(value)
        if size <= STASH_MAX_CHARS:
            data.setdefault(key, []).append(value)
    errors = {field: [str(text) for text in texts] for field, texts in form.errors.items() if field != "csrf_token"}
    session[STASH_KEY] = {"name": name, "data": data, "errors": errors}
    if message:
        flash(message, "error")
    return redirect(url, 303)


def restore_form(form_class, name: str, **kwargs):
    """The form `name` as a redirect_with_form_errors left it (input and messages), else an empty one."""
    stash = session.get(STASH_KEY)
    if not stash or stash.get("name") != name:
        return form_class(formdata=None, **kwargs)
    session.pop(STASH_KEY, None)
    form = form_class(formdata=MultiDict([(key, value) for key, values in stash["data"].items()
                                          for value in values]), **kwargs)
    for field, texts in stash["errors"].items():
        if field in form:
            form[field].errors = list(texts)
    return form
