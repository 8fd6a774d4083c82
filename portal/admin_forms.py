"""Forms of the administrators' pages: commitments, areas, topics and units."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.forms import PortalForm, cleaned
from portal.models import Phrasing

PHRASING_LABELS = {
    Phrasing.GROW_BY: _l("Grow by (a rate)"),
    Phrasing.GROW_AT_LEAST: _l("Grow by at least (a rate)"),
    Phrasing.ABOUT: _l("About"),
    Phrasing.AT_LEAST: _l("At least"),
    Phrasing.INCREASE_TO: _l("Increase to"),
    Phrasing.REACH: _l("Reach (in total)"),
    Phrasing.COMPLETE: _l("Complete (no figure)"),
    Phrasing.START: _l("Start (no figure)"),
    Phrasing.ADVANCE: _l("Move forward (no figure)"),
    Phrasing.MAINTAIN: _l("Keep to a standard (no figure)"),
}
assert set(PHRASING_LABELS) == set(Phrasing)

# Figures fit the database's Numeric(20, 4) with room to spare.
FIGURE_RANGE = NumberRange(
    min=-(10**12), max=10**12, message=_l("Please enter a smaller number.")
)


def optional_id(value) -> int | None:
    """A select's value as a row id; the empty choice is None."""
    return None if value in ("", None, "None") else int(value)


def optional_text(value) -> str | None:
    """A select's value as text; the empty choice is None."""
    return None if value in ("", None, "None") else str(value)


def _text(label, required_message, max_length, single_line=False, area=False):
    field = TextAreaField if area else StringField
    validators = [InputRequired(required_message)] if required_message else []
    return field(
        label,
        filters=[cleaned(single_line=single_line)],
        validators=[*validators, Length(max=max_length)],
    )


class CommitmentForm(PortalForm):
    """A commitment as an administrator writes it; English may come later."""

    code = StringField(
        _l("Code (the report's numbering, e.g. 3.5.8)"),
        filters=[cleaned(single_line=True)],
        validators=[InputRequired(_l("Please enter the code.")), Length(max=20)],
    )
    area = SelectField(
        _l("Area of work"),
        coerce=optional_id,
        validators=[InputRequired(_l("Please choose an area."))],
    )
    topic = SelectField(
        _l("Topic"),
        coerce=optional_id,
        validators=[InputRequired(_l("Please choose a topic."))],
    )
    title_zh = _text(
        _l("Title in Chinese"), _l("Please write the title in Chinese."), 200, True
    )
    title_en = _text(_l("Title in English"), None, 300, True)
    summary_zh = _text(
        _l("Summary in Chinese"),
        _l("Please write the summary in Chinese."),
        2000,
        area=True,
    )
    summary_en = _text(_l("Summary in English"), None, 2000, area=True)
    quote_zh = _text(
        _l("The report's words, copied exactly"),
        _l("Please copy the sentence from the report."),
        4000,
        area=True,
    )
    phrasing = SelectField(
        _l("How the report phrases the target"),
        choices=[SelectChoice(p.value, label) for p, label in PHRASING_LABELS.items()],
        validators=[InputRequired(_l("Please choose how the target is phrased."))],
    )
    target_value = DecimalField(
        _l("Target figure"), places=None, validators=[Optional(), FIGURE_RANGE]
    )
    target_unit = SelectField(_l("Unit of the target"), coerce=optional_id)
    baseline_value = DecimalField(
        _l("2024 figure"), places=None, validators=[Optional(), FIGURE_RANGE]
    )
    baseline_unit = SelectField(_l("Unit of the 2024 figure"), coerce=optional_id)
    baseline_quote_zh = _text(
        _l("The report's words about 2024, copied exactly"), None, 4000, area=True
    )
    department = SelectField(_l("Responsible department"), coerce=optional_text)

    def set_choices(self, areas, topics, units, localized, departments=()) -> None:
        """Offer the report's areas, every topic, unit and staff department."""
        none = SelectChoice("", _l("None"))
        choose = SelectChoice("", _l("Choose…"))
        self.area.choices = [choose] + [
            SelectChoice(str(a.id), f"{a.code} {localized(a, 'name')}") for a in areas
        ]
        self.topic.choices = [choose] + [
            SelectChoice(str(t.id), localized(t, "name")) for t in topics
        ]
        unit_choices = [
            SelectChoice(str(u.id), f"{u.label_zh} / {u.label_en}") for u in units
        ]
        self.target_unit.choices = [none, *unit_choices]
        self.baseline_unit.choices = [none, *unit_choices]
        self.department.choices = [
            SelectChoice("", _l("None (administrators and district-wide officials)")),
            *(SelectChoice(name, name) for name in departments),
        ]


class AreaForm(PortalForm):
    """An area of work of the current report."""

    code = StringField(
        _l("Code (the report's section, e.g. 3.5)"),
        filters=[cleaned(single_line=True)],
        validators=[InputRequired(_l("Please enter the code.")), Length(max=20)],
    )
    name_zh = _text(
        _l("Name in Chinese"), _l("Please write the name in Chinese."), 200, True
    )
    name_en = _text(
        _l("Name in English"), _l("Please write the name in English."), 200, True
    )


class TopicForm(PortalForm):
    """A topic commitments of every year can share."""

    key = StringField(
        _l("Key (lower-case letters, digits and _, used in links)"),
        filters=[cleaned(single_line=True)],
        validators=[InputRequired(_l("Please enter the key.")), Length(max=40)],
    )
    name_zh = _text(
        _l("Name in Chinese"), _l("Please write the name in Chinese."), 100, True
    )
    name_en = _text(
        _l("Name in English"), _l("Please write the name in English."), 100, True
    )


class UnitForm(PortalForm):
    """A unit: several may share a Chinese name, told apart by the English."""

    label_zh = _text(
        _l("Name in Chinese, as the report writes it"),
        _l("Please write the name in Chinese."),
        40,
        True,
    )
    label_en = _text(
        _l("Name in English"), _l("Please write the name in English."), 80, True
    )
    en_scale = DecimalField(
        _l("Multiply by, for English (万亩 shown in mu: 10000)"),
        places=None,
        default=1,
        validators=[
            InputRequired(_l("Please enter a number greater than 0.")),
            NumberRange(
                min=0.0001,
                max=10**12,
                message=_l("Please enter a number greater than 0."),
            ),
        ],
    )


class RetireForm(PortalForm):
    """Retire or bring back a commitment, with an optional reason for the log."""

    reason = _text(_l("Reason (kept in the audit log)"), None, 500, True)


class DeleteForm(PortalForm):
    """Delete an unused area or topic: the token only, the button says what."""
