"""Password policy beyond length: no common password, no password made of the service's or the user's name."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"

# Words anyone would try first against this service.
CONTEXT_WORDS = frozenset({
    "matchmaker", "btu", "btucottbus", "cottbus", "senftenberg", "spremberg", "lausitz",
    "schwarzepumpe", "industriepark", "industrieparkschwarzepumpe", "praesenzstelle", "präsenzstelle",
})

_NOT_LETTERS = re.compile(r"[\W\d_]+")

# Runs of keys or digits: a password that is a piece of one of these is guessed at once.
SEQUENCES = (
    "01234567890123456789", "98765432109876543210", "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn",
    "1234567890qwertyuiopasdfghjkl", "1234567890qwertzuiopasdfghjkl",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp",
)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list, lowercased."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def _core(password: str) -> str:
    """The letters of a password: 'Password 2024!' → 'password'."""
    return _NOT_LETTERS.sub("", password.lower())


def is_weak_password(password: str, email: str | None = None) -> bool:
    """True if the password is a common one, or only a listed or obvious word dressed up with digits and signs."""
    lowered = password.strip().lower()
    core = _core(password)
    listed = common_passwords()
    if lowered in listed or lowered.replace(" ", "") in listed:
        return True
    if core and (core in listed or core in CONTEXT_WORDS):
        return True
    # A listed word twice: 'passwordpassword'.
    half = len(core) // 2
    if half and core == core[:half] * 2 and core[:half] in listed:
        return True
    compact = re.sub(r"\s+", "", lowered)
    if any(compact in sequence for sequence in SEQUENCES):
        return True
    # One character or one short run repeated: 'aaaaaaaaaaaa', 'abcabcabcabc'.
    if len(set(lowered)) <= 3:
        return True
    if email:
        local = _core(email.split("@", 1)[0])
        if len(local) >= 3 and core == local:
            return True
    return False


class NotCommonPassword:
    """Form validator: refuses weak passwords with a message at the field.

    The email it compares with is the form's `email` field, else the form's `account_email` attribute.
    """

    def __call__(self, form, field):
        if not field.data:
            return
        email = getattr(getattr(form, "email", None), "data", None) or getattr(form, "account_email", None)
        if is_weak_password(field.data, email if isinstance(email, str) else None):
            raise ValidationError(_l(
                "This password is too common or too easy to guess. Please choose another one, "
                "for example a few unrelated words."))
