"""Forms: the card list's filters (GET, no CSRF) and residents' feedback (POST)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, TimestampSigner
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from portal.i18n import STATUS_LABELS, lang, wtforms_messages
from portal.models import FlagReason, VerdictReason
from portal.screening.text import (
    ControlCharacters,
    clean_text,
    strip_control_characters,
)
from portal.services.commitments import SORTS, Filters

SEARCH_MAX_LENGTH = 100


class PortalForm(FlaskForm):
    """FlaskForm with WTForms' own messages loaded once per language: Flask-WTF
    reads them from disk again on every request that builds a form."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not (
                has_request_context()
                and current_app.config.get("WTF_I18N_ENABLED", True)
            ):
                return super().get_translations(form)
            return wtforms_messages(lang())


def cleaned(single_line: bool = False):
    """A WTForms filter storing the text's canonical form; bad characters fail it."""

    def clean(value):
        if value is None:
            return None
        try:
            return clean_text(value, single_line=single_line)
        except ControlCharacters:
            raise ValueError(
                _("Please remove the invisible control characters.")
            ) from None

    return clean


SORT_LABELS = {
    "report": _l("Report order"),
    "status": _l("Status"),
    "updated": _l("Recently updated"),
}
assert set(SORT_LABELS) == set(SORTS)


class FilterForm(PortalForm):
    """The card list's search and filters; read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Search"),
        filters=[cleaned(single_line=True)],
        validators=[Optional(), Length(max=SEARCH_MAX_LENGTH)],
    )
    area = SelectField(_l("Area of work"), validate_choice=False)
    topic = SelectField(_l("Topic"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    sort = SelectField(
        _l("Sort by"),
        choices=[SelectChoice(k, v) for k, v in SORT_LABELS.items()],
        validate_choice=False,
    )
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=10_000)])

    def set_choices(self, areas, topics, localized) -> None:
        """Offer the report's own areas and topics, in the reader's language."""
        everything = SelectChoice("", _l("All"))
        self.area.choices = [everything] + [
            SelectChoice(a.code, localized(a, "name")) for a in areas
        ]
        self.topic.choices = [everything] + [
            SelectChoice(t.key, localized(t, "name")) for t in topics
        ]
        self.status.choices = [everything] + [
            SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()
        ]

    def filters(self) -> Filters:
        """The filters as asked, with unknown choices and bad pages ignored."""

        def allowed(field) -> str:
            values = {choice.value for choice in field.choices}
            return field.data if field.data in values else ""

        page = self.page.data if not self.page.errors and self.page.data else 1
        return Filters(
            q=(self.q.data or "").strip() if not self.q.errors else "",
            area=allowed(self.area),
            topic=allowed(self.topic),
            status=allowed(self.status),
            sort=allowed(self.sort) or "report",
            page=page,
        )


# Residents' feedback ----------------------------------------------------------

SCORE_LABELS = {
    5: _l("Very satisfied"),
    4: _l("Satisfied"),
    3: _l("Fairly satisfied"),
    2: _l("Dissatisfied"),
    1: _l("Very dissatisfied"),
}
FLAG_REASON_LABELS = {
    FlagReason.SPAM: _l("Advertising or spam"),
    FlagReason.OFFENSIVE: _l("Offensive or a personal attack"),
    FlagReason.PERSONAL_INFO: _l("Contains personal information"),
    FlagReason.OFF_TOPIC: _l("Off-topic"),
}


def _started_signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt="form-started")


def sign_started(scope: str) -> str:
    """The signed time a form of this scope is shown."""
    return _started_signer().sign(scope).decode()


def _started_value(scope: str) -> str:
    """The form's signed time, or a numbered placeholder while a page is being
    kept for many visitors (pagecache.personal_page signs each visitor's)."""
    placeholders = g.get("started_placeholders")
    if placeholders is None:
        return sign_started(scope)
    mark, scopes = placeholders
    scopes.append(scope)
    return f"@@{mark}:started:{len(scopes) - 1}@@"


def single_value(_form, field) -> None:
    """Refuse a field sent more than once (score=1&score=5)."""
    if field.raw_data and len(field.raw_data) > 1:
        raise StopValidation(_l("Please choose only one answer."))


# A form older than this counts as not shown by us (its token is reused).
STARTED_MAX_AGE = 24 * 3600


class BotTrapForm(PortalForm):
    """A hidden field people leave empty, and the time the form was shown.

    `scope` (the form's name and commitment) is signed with the time, so a
    token fetched once cannot be replayed on other forms or for ever.
    """

    website = StringField(_l("Leave this field empty"))
    started = HiddenField()

    def __init__(self, *args, scope: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = f"{type(self).__name__}:{scope}"
        if not self.is_submitted():
            self.started.data = _started_value(self.scope)

    def looks_automated(self, min_seconds: float) -> bool:
        """True when the hidden field was filled or the form came back too fast."""
        if self.website.data:
            return True
        try:
            value, signed_at = _started_signer().unsign(
                self.started.data or "", max_age=STARTED_MAX_AGE, return_timestamp=True
            )
        except BadSignature:
            return True
        age = (datetime.now(UTC) - signed_at).total_seconds()
        return value.decode() != self.scope or age < min_seconds

    def scrub(self) -> None:
        """Drop control characters from what is sent back into the form."""
        for field in self:
            if isinstance(field.data, str):
                field.data = strip_control_characters(field.data)


class RatingForm(BotTrapForm):
    """How is this commitment going? Five worded steps, none chosen beforehand."""

    score = RadioField(
        _l("How is this commitment going?"),
        choices=[SelectChoice(str(s), SCORE_LABELS[s]) for s in sorted(SCORE_LABELS)],
        validators=[
            single_value,
            InputRequired(_l("Please choose one of the five answers.")),
        ],
        invalid_choice_message=_l("Please choose one of the five answers."),
    )


def comment_length(form, field) -> None:
    """2-1000 characters, counted after normalisation (not bytes)."""
    low = current_app.config["COMMENT_MIN_LENGTH"]
    high = current_app.config["COMMENT_MAX_LENGTH"]
    n = len(field.data or "")
    if n < low:
        raise ValidationError(_("Please write at least %(n)s characters.", n=low))
    if n > high:
        raise ValidationError(
            _(
                "Please shorten your comment to %(max)s characters; it has %(n)s.",
                max=high,
                n=n,
            )
        )


class CommentForm(BotTrapForm):
    """A comment for moderation, with an optional name to show."""

    body = TextAreaField(
        _l("Your comment"),
        filters=[cleaned()],
        validators=[InputRequired(_l("Please write your comment.")), comment_length],
    )
    display_name = StringField(
        _l("Name to show (optional)"),
        filters=[cleaned(single_line=True)],
        validators=[
            Optional(),
            Length(max=40, message=_l("Please use at most 40 characters.")),
        ],
    )


class FlagForm(PortalForm):
    """Report a published comment to the moderators."""

    reason = RadioField(
        _l("Why should moderators look at this comment?"),
        choices=[
            SelectChoice(r.value, label) for r, label in FLAG_REASON_LABELS.items()
        ],
        validators=[single_value, InputRequired(_l("Please choose a reason."))],
        invalid_choice_message=_l("Please choose a reason."),
    )


VERDICT_REASON_LABELS = {
    VerdictReason.NOT_SOLVED: _l("The problem is not solved"),
    VerdictReason.TOO_SLOW: _l("The answer came too late"),
    VerdictReason.NOT_ANSWERED: _l("It did not answer the question"),
    VerdictReason.OTHER: _l("Another reason"),
}


class VerdictForm(PortalForm):
    """A resident says whether the government's reply resolved the concern."""

    satisfied = RadioField(
        _l("Did this reply resolve the concern?"),
        choices=[
            SelectChoice("yes", _l("Yes, satisfied")),
            SelectChoice("no", _l("No, not satisfied")),
        ],
        validators=[single_value, InputRequired(_l("Please choose yes or no."))],
        invalid_choice_message=_l("Please choose yes or no."),
    )
    reason = RadioField(
        _l("If not, why not?"),
        choices=[
            SelectChoice(r.value, label) for r, label in VERDICT_REASON_LABELS.items()
        ],
        validators=[single_value, Optional()],
        invalid_choice_message=_l("Please choose one of the reasons."),
    )

    def validate(self, extra_validators=None) -> bool:
        """A "not satisfied" verdict says why, so officials can act on it."""
        valid = super().validate(extra_validators)
        if valid and self.satisfied.data == "no" and not self.reason.data:
            self.reason.errors = [_("Please choose why the reply did not help.")]
            return False
        return valid
