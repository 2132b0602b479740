"""Form pieces shared by all features."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError


class BaseForm(FlaskForm):
    """Every form: text must not carry NUL or other control bytes."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            data = field.data
            if isinstance(field, (StringField, TextAreaField)) and isinstance(data, str):
                if any((ord(ch) < 32 and ch not in "\t\n\r") or ch == "\x7f" for ch in data):
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
