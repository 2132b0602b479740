"""Uploaded CVs (PDF): content checks, text extraction in a time-limited worker, storage and serving.

A PDF is judged by its content, never by its name or declared type: it must start with "%PDF-", end
with an "%%EOF" marker, parse, and carry no scripts, actions other than links, or attached files (every
object is checked; see cv_worker.py). Parsing and text extraction run in a separate Python process with a
wall-clock timeout and memory and CPU limits, so a hostile file (a decompression bomb, a loop in its
object graph, a huge page) can cost at most a few seconds of one worker and never hangs a request or
the server. Files are stored under a random name in UPLOAD_DIR (by default <instance>/uploads/cv,
outside static/) and served only as an attachment to the owner, staff, and company users whose
company was introduced to the graduate.
"""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
import subprocess  # nosec B404
import sys
from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from .audit import record_audit
from .domain import InvalidInput
from .extensions import db
from .forms import _without_control_chars
from .models import OUTCOME_STATES, GraduateProfile, Introduction, IntroductionState, User

log = logging.getLogger("matchmaker.cv")

# The same limit as the profile form's CV text field.
CV_TEXT_MAX = 20000

# States in which the company has been introduced to the graduate (contact data crossed).
INTRODUCED_STATES = frozenset({IntroductionState.introduced, *OUTCOME_STATES})

ERROR_MESSAGES = {
    "empty": _l("The file is empty. Please choose your CV as a PDF file."),
    "not_pdf": _l("This file is not a PDF. Please upload your CV as a PDF file."),
    "invalid": _l("This PDF is damaged or incomplete and cannot be read. Please save it again as PDF and "
                  "upload the new file."),
    "encrypted": _l("This PDF is protected by a password. Please upload a version without a password."),
    "active": _l("This PDF contains scripts or automatic actions, which we do not accept. Please save it again "
                 "as a plain PDF (for example with “Print to PDF”) and upload that file."),
    "embedded": _l("This PDF contains attached files, which we do not accept. Please save it again as a plain "
                   "PDF without attachments (for example with “Print to PDF”) and upload that file."),
    "too_complex": _l("This PDF could not be read in time or is too complex. Please upload a simpler version "
                      "(for example with “Print to PDF”)."),
}

# The check and extraction run in a fresh interpreter (python -I): stdin is the PDF, stdout one JSON object.
WORKER = Path(__file__).with_name("cv_worker.py")


class CvError(InvalidInput):
    """A file that is not accepted as a CV; `code` is a key of ERROR_MESSAGES."""

    def __init__(self, code: str):
        Exception.__init__(self, code)
        self.code = code

    @property
    def message(self):
        if self.code == "too_large":
            return gettext("The file is too large: at most %(mb)s MB.", mb=max_megabytes())
        return ERROR_MESSAGES.get(self.code, ERROR_MESSAGES["invalid"])


def max_megabytes() -> str:
    size = current_app.config["CV_MAX_BYTES"] / (1024 * 1024)
    return f"{size:g}" if size >= 1 else f"{size:.2f}"


def check_pdf_bytes(data: bytes) -> None:
    """The quick checks of the content itself: size, magic bytes, end marker."""
    if not data:
        raise CvError("empty")
    if len(data) > current_app.config["CV_MAX_BYTES"]:
        raise CvError("too_large")
    if not data.startswith(b"%PDF-"):
        raise CvError("not_pdf")
    # A file cut off in transfer has no end marker; PDF writers put it in the last bytes.
    if b"%%EOF" not in data[-1024:]:
        raise CvError("invalid")


def extract_text(data: bytes) -> str:
    """Check `data` as a PDF and return its text (first pages, capped); raises CvError."""
    check_pdf_bytes(data)
    config = current_app.config
    seconds = float(config["CV_EXTRACT_SECONDS"])
    command = [sys.executable, "-I", str(WORKER), str(config["CV_EXTRACT_MEMORY_MB"]),
               str(config["CV_MAX_PAGES"]), str(CV_TEXT_MAX), str(max(1, int(seconds) + 1))]
    try:
        # A fixed argv (this Python, our own worker, numbers from config); the upload only goes to stdin.
        finished = subprocess.run(command, input=data, capture_output=True, timeout=seconds,  # nosec B603
                                  env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"})
    except subprocess.TimeoutExpired:
        log.warning("CV extraction stopped after %.1f s", seconds)
        raise CvError("too_complex") from None
    try:
        result = json.loads(finished.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        # Killed by a resource limit (memory, CPU) or crashed: no answer.
        log.warning("CV extraction ended without a result (exit %s)", finished.returncode)
        raise CvError("too_complex") from None
    if "error" in result:
        if result.get("detail"):
            log.info("CV refused as %s (%s)", result["error"], result["detail"])
        raise CvError(str(result["error"]))
    # PostgreSQL refuses NUL in text; other control bytes are no use in a CV either.
    return _without_control_chars(str(result.get("text", "")))[:CV_TEXT_MAX].strip()


# ---- storage ----------------------------------------------------------------------------------

def upload_dir() -> Path:
    configured = current_app.config.get("UPLOAD_DIR")
    base = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    folder = base / "cv"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def cv_path(name: str) -> Path:
    """The stored file for a name we generated; anything else is refused."""
    if not (name and name.endswith(".pdf") and len(name) == 36 and all(c in "0123456789abcdef" for c in name[:32])):
        raise ValueError("not a stored CV name")
    return upload_dir() / name


def write_file(data: bytes) -> str:
    """Store `data` under a new random name; returns the name."""
    name = secrets.token_hex(16) + ".pdf"
    path = cv_path(name)
    with open(path, "xb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)
    return name


def remove_file(name: str | None) -> None:
    """Delete a stored CV file if it exists (after the commit that dropped it from the profile)."""
    if not name:
        return
    try:
        cv_path(name).unlink(missing_ok=True)
    except (ValueError, OSError) as exc:
        log.warning("could not remove CV file %r: %s", name, exc)


def file_size(name: str | None) -> int | None:
    if not name:
        return None
    try:
        return cv_path(name).stat().st_size
    except (ValueError, OSError):
        return None


# ---- access and serving -----------------------------------------------------------------------

def company_was_introduced(profile: GraduateProfile, user) -> bool:
    """The user acts for a company that was introduced to this graduate (both said yes)."""
    company = getattr(user, "active_company", None)
    if company is None:
        return False
    return db.session.scalar(
        db.select(Introduction.id).where(Introduction.profile_id == profile.id,
                                         Introduction.company_id == company.id,
                                         Introduction.introduced_at.is_not(None),
                                         Introduction.state.in_(INTRODUCED_STATES)).limit(1)
    ) is not None


def send_cv(profile: GraduateProfile, viewer: User):
    """The CV as a download; someone else than the owner is written to the audit log."""
    try:
        path = cv_path(profile.cv_file or "")
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    if viewer.id != profile.user_id:
        record_audit(viewer, "view_cv", subject=profile.user, obj=profile)
        db.session.commit()
    # At most CV_MAX_BYTES: read at once, so no file handle outlives the request.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype="application/pdf", as_attachment=True,
                         download_name=f"cv-{profile.pseudonym}.pdf", max_age=0, conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
