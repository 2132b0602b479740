"""Forms of the data-protection pages: CV upload and account deletion."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import BaseForm

CONFIRM_WORD = "DELETE"


class CvUploadForm(BaseForm):
    cv = FileField(_l("CV as PDF"))

    def validate_cv(self, field):
        # The file's content is checked by matchmaker.cv; here only that one was sent at all.
        storage = field.data
        if storage is None or not hasattr(storage, "stream") or not (storage.filename or "").strip("\x00 "):
            raise ValidationError(_l("Please choose a PDF file."))


class DeleteAccountForm(BaseForm):
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Please enter your password.")), Length(max=256)])
    confirm = StringField(_l("Type the word DELETE to confirm"), validators=[
        DataRequired(_l("Please type the word DELETE.")), Length(max=40)])

    def validate_password(self, field):
        if not current_user.check_password(field.data or ""):
            raise ValidationError(_l("The password is not correct."))

    def validate_confirm(self, field):
        word = (field.data or "").strip().upper()
        # The German page asks for its own word; the English one is always accepted.
        if word not in {CONFIRM_WORD, _("DELETE").upper()}:
            raise ValidationError(_l("Please type the word DELETE."))
