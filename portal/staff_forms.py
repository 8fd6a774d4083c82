"""Forms of the staff pages: signing in and moderating comments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired, Length

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


class SignInForm(FlaskForm):
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


class SignOutForm(FlaskForm):
    """Signing out is a POST with a token, never a link."""


class DecisionForm(FlaskForm):
    """The queue's one form: its token; the buttons and choices are read by the
    view against the fixed lists (comment ids, decision, reason)."""


class ModerationModeForm(FlaskForm):
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


class WordForm(FlaskForm):
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


class RemoveWordForm(FlaskForm):
    """Remove one entry from the screening lists."""

    word_id = HiddenField(validators=[InputRequired()])
