"""Forms of the staff pages: signing in and moderating comments."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.forms import PortalForm, cleaned
from portal.i18n import ROLE_LABELS, STATUS_LABELS
from portal.models import RejectReason

REJECT_REASON_LABELS = {
    RejectReason.PERSONAL_ATTACK: _l("Personal attack"),
    RejectReason.PERSONAL_DATA: _l("Personal data"),
    RejectReason.SPAM: _l("Advertising or spam"),
    RejectReason.OFF_TOPIC: _l("Off-topic"),
    RejectReason.UNLAWFUL: _l("Unlawful content"),
    RejectReason.DUPLICATE: _l("Duplicate"),
    RejectReason.OTHER: _l("Other (see note)"),
}


class SignInForm(PortalForm):
    """Username and password; the answer is the same for every failure."""

    username = StringField(
        _l("Username"),
        validators=[InputRequired(_l("Please enter your username.")), Length(max=40)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Please enter your password.")),
            Length(max=256),
        ],
    )
    next = HiddenField()


class SignOutForm(PortalForm):
    """Signing out is a POST with a token, never a link."""


class DecisionForm(PortalForm):
    """The queue's one form: its token; the buttons and choices are read by the
    view against the fixed lists (comment ids, decision, reason)."""


class ModerationModeForm(PortalForm):
    """Pre-moderation (default) or post-moderation for the whole site."""

    mode = RadioField(
        _l("When do new comments appear?"),
        choices=[
            SelectChoice("pre", _l("After a moderator approves them (pre-moderation)")),
            SelectChoice(
                "post",
                _l("At once when screening finds nothing; reviewed afterwards"),
            ),
        ],
        validators=[InputRequired()],
    )


class StaffRoleForm(PortalForm):
    """An administrator changes what a staff account may do."""

    role = RadioField(
        _l("Role"),
        choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()],
        validators=[InputRequired(_l("Please choose a role."))],
    )


class StaffAccessForm(PortalForm):
    """Stop a staff account, or let it sign in again: the token only."""


class WordForm(PortalForm):
    """Add a word or an innocent phrase to the screening lists."""

    word = StringField(
        _l("Word or phrase"),
        validators=[InputRequired(_l("Please enter a word.")), Length(max=100)],
    )
    lang = RadioField(
        _l("Language"),
        choices=[SelectChoice("zh", _l("Chinese")), SelectChoice("en", _l("English"))],
        validators=[InputRequired()],
    )
    allow = RadioField(
        _l("Kind"),
        choices=[
            SelectChoice("0", _l("Sensitive: label comments that contain it")),
            SelectChoice("1", _l("Innocent phrase: never label it")),
        ],
        validators=[InputRequired()],
    )


class RemoveWordForm(PortalForm):
    """Remove one entry from the screening lists."""

    word_id = HiddenField(validators=[InputRequired()])


class ProgressForm(PortalForm):
    """An official's dated progress update, with a note in both languages."""

    reported_on = DateField(
        _l("Date of the figures"),
        validators=[InputRequired(_l("Please enter the date, as YYYY-MM-DD."))],
    )
    value = DecimalField(
        _l("Value reached (in the target's unit; leave empty if none)"),
        places=None,
        validators=[
            Optional(),
            NumberRange(min=0, max=10**12, message=_l("Please enter 0 or more.")),
        ],
    )
    status = RadioField(
        _l("Status"),
        choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        validators=[InputRequired(_l("Please choose a status."))],
    )
    note_zh = TextAreaField(
        _l("Note in Chinese"),
        filters=[cleaned()],
        validators=[
            InputRequired(_l("Please write the note in Chinese.")),
            Length(max=1000),
        ],
    )
    note_en = TextAreaField(
        _l("Note in English"),
        filters=[cleaned()],
        validators=[
            InputRequired(_l("Please write the note in English.")),
            Length(max=1000),
        ],
    )

    def validate_reported_on(self, field) -> None:
        """Figures are reported for a day that has happened, not the future."""
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date cannot be in the future."))


class ReplyForm(PortalForm):
    """An official's public answer to a resident's comment."""

    body = TextAreaField(
        _l("Your department's reply"),
        filters=[cleaned()],
        validators=[
            InputRequired(_l("Please write the reply.")),
            Length(
                min=2,
                max=2000,
                message=_l("Please write between 2 and 2000 characters."),
            ),
        ],
    )


class ReplyTargetForm(PortalForm):
    """The working days within which officials should answer a comment."""

    days = IntegerField(
        _l("Reply target, in working days"),
        validators=[
            InputRequired(_l("Please enter a whole number of working days.")),
            NumberRange(min=1, max=60, message=_l("Please enter 1 to 60 days.")),
        ],
    )
