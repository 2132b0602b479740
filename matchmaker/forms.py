"""Form pieces shared by all features."""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

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
