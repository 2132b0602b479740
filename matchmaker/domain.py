"""The one domain error: a step the rules do not allow. It imports nothing from Flask, so models can raise it.

`errors.py` answers it once for the whole app (HTML or JSON, with the error's status); operations and
models only raise it. The message is either a lazy translated string, or plain English text that is
marked for the catalogue where it is raised and looked up when shown (models know no translations).
"""

from __future__ import annotations


class DomainError(Exception):
    """A step that is not possible: `status` 409 for the wrong state, 403 for the wrong person, 400 for bad input."""

    status = 409

    def __init__(self, message, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class NotAllowed(DomainError):
    """The wrong person for this step."""

    status = 403


class NotPossible(DomainError):
    """Not in the current state."""

    status = 409


class InvalidInput(DomainError):
    """Input the rules refuse (a file, a link, a reason)."""

    status = 400
