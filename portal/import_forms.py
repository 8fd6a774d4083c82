"""Forms of the report import: upload a text, review its drafts, publish them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from portal.forms import PortalForm, cleaned
from portal.models import Phrasing

# The unit choice that makes the unit described under the list, and the previous
# year's figure's choice of the target's unit, whichever that is.
NEW_UNIT = "+new"
TARGET_UNIT = "+target"

PHRASING_LABELS = {
    Phrasing.GROW_BY: _l("Grow by (%)"),
    Phrasing.GROW_AT_LEAST: _l("Grow by at least (%)"),
    Phrasing.ABOUT: _l("About"),
    Phrasing.AT_LEAST: _l("At least"),
    Phrasing.INCREASE_TO: _l("Increase to"),
    Phrasing.REACH: _l("Reach"),
    Phrasing.COMPLETE: _l("Complete"),
    Phrasing.START: _l("Start"),
    Phrasing.ADVANCE: _l("Advance (no number)"),
    Phrasing.MAINTAIN: _l("Maintain"),
}


class UploadForm(PortalForm):
    """A work report as a plain-text file."""

    report = FileField(
        _l("The report as a plain-text file (UTF-8)"),
        validators=[FileRequired(_l("Please choose the report's text file."))],
    )


def unit_choice(value) -> str:
    """A unit select's value: a unit's key, NEW_UNIT, TARGET_UNIT or "" (none)."""
    return "" if value is None else str(value)


class NewUnitForm(Form):
    """A unit the portal does not have yet, described by the reviewer."""

    label_zh = StringField(
        _l("Name of the new unit in Chinese"),
        filters=[cleaned(single_line=True)],
        validators=[Optional(), Length(max=40)],
    )
    label_en = StringField(
        _l("Name of the new unit in English"),
        filters=[cleaned(single_line=True)],
        validators=[Optional(), Length(max=80)],
    )
    en_scale = DecimalField(
        _l("Multiply by, for English (万亩 shown in mu: 10000)"),
        places=None,
        default=1,
        validators=[
            Optional(),
            NumberRange(
                min=0.0001,
                max=10**12,
                message=_l("Please enter a number greater than 0."),
            ),
        ],
    )


class DraftForm(PortalForm):
    """One draft commitment as the reviewer corrects it (or adds it)."""

    code = StringField(
        _l("Code"),
        filters=[cleaned(single_line=True)],
        validators=[InputRequired(_l("Please enter the code.")), Length(max=20)],
    )
    area_code = SelectField(
        _l("Area of the report"),
        # DataRequired: a request that leaves the field out keeps the draft's area.
        validators=[DataRequired(_l("Please choose the area."))],
        validate_choice=True,
    )
    topic_key = SelectField(_l("Topic"))
    title_zh = StringField(
        _l("Title in Chinese"),
        filters=[cleaned(single_line=True)],
        validators=[InputRequired(_l("Please enter the title.")), Length(max=200)],
    )
    title_en = StringField(
        _l("Title in English"),
        filters=[cleaned(single_line=True)],
        validators=[Optional(), Length(max=300)],
    )
    quote_zh = TextAreaField(
        _l("The report's words"),
        filters=[cleaned()],
        validators=[
            InputRequired(_l("Please keep the report's words.")),
            Length(max=2000),
        ],
    )
    target_value = DecimalField(
        _l("Target"),
        places=None,
        validators=[Optional(), NumberRange(min=-(10**12), max=10**12)],
    )
    unit_key = SelectField(_l("Unit of the target"), coerce=unit_choice)
    new_unit = FormField(NewUnitForm)
    phrasing = SelectField(
        _l("Phrasing"),
        choices=[SelectChoice(p.value, label) for p, label in PHRASING_LABELS.items()],
        validators=[InputRequired()],
    )
    summary_zh = TextAreaField(
        _l("Summary in Chinese (empty: the report's words)"),
        filters=[cleaned()],
        validators=[Optional(), Length(max=2000)],
    )
    summary_en = TextAreaField(
        _l("Summary in English (empty: the English title)"),
        filters=[cleaned()],
        validators=[Optional(), Length(max=2000)],
    )
    baseline_value = DecimalField(
        _l("Previous year's figure"),
        places=None,
        validators=[Optional(), NumberRange(min=-(10**12), max=10**12)],
    )
    baseline_unit_key = SelectField(
        _l("Unit of the previous year's figure"), coerce=unit_choice
    )
    new_baseline_unit = FormField(NewUnitForm)
    baseline_quote_zh = TextAreaField(
        _l("The review's words for that figure"),
        filters=[cleaned()],
        validators=[Optional(), Length(max=2000)],
    )

    NEW_UNIT = NEW_UNIT

    def set_choices(self, areas: dict[str, str], topics, units, localized) -> None:
        """The batch's areas, the portal's topics ("" lets publishing guess) and
        units, named in both languages: several share a Chinese name."""
        self.area_code.choices = [
            SelectChoice(code, f"{code} {title}") for code, title in areas.items()
        ]
        self.topic_key.choices = [
            SelectChoice("", _l("Guess from the words")),
            *(SelectChoice(t.key, localized(t, "name")) for t in topics),
        ]
        unit_choices = [
            SelectChoice("", _l("No unit")),
            *(SelectChoice(u.key, f"{u.label_zh} / {u.label_en}") for u in units),
            SelectChoice(NEW_UNIT, _l("A new unit, described below")),
        ]
        self.unit_key.choices = unit_choices
        self.baseline_unit_key.choices = [
            unit_choices[0],
            SelectChoice(TARGET_UNIT, _l("The target's unit")),
            *unit_choices[1:],
        ]

    def validate(self, extra_validators=None) -> bool:
        """A new unit chosen in a list needs both its names."""
        valid = super().validate(extra_validators)
        pairs = (
            (self.unit_key, self.new_unit),
            (self.baseline_unit_key, self.new_baseline_unit),
        )
        for choice, new in pairs:
            if choice.data != NEW_UNIT:
                continue
            if not new.label_zh.data:
                new.label_zh.errors = [_l("Please write the new unit's Chinese name.")]
                valid = False
            if not new.label_en.data:
                new.label_en.errors = [
                    _l("Please write the new unit's name in English.")
                ]
                valid = False
        return valid


class PublishForm(PortalForm):
    """The report the kept drafts become."""

    year = IntegerField(
        _l("Year of the report"),
        validators=[
            InputRequired(_l("Please enter the year.")),
            NumberRange(min=2000, max=2100, message=_l("Please enter a year.")),
        ],
    )
    district_zh = StringField(
        _l("District name in Chinese"),
        filters=[cleaned(single_line=True)],
        validators=[
            InputRequired(_l("Please enter the district's name.")),
            Length(max=100),
        ],
    )
    district_en = StringField(
        _l("District name in English"),
        filters=[cleaned(single_line=True)],
        validators=[
            InputRequired(_l("Please enter the district's name.")),
            Length(max=100),
        ],
    )
    make_current = BooleanField(_l("Show this report by default"), default=True)
