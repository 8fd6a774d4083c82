"""Forms of the report import: upload a text, review its drafts, publish them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
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

from portal.forms import cleaned
from portal.models import Phrasing

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


class UploadForm(FlaskForm):
    """A work report as a plain-text file."""

    report = FileField(
        _l("The report as a plain-text file (UTF-8)"),
        validators=[FileRequired(_l("Please choose the report's text file."))],
    )


class DraftForm(FlaskForm):
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
    unit_zh = StringField(
        _l("Unit as written"),
        filters=[cleaned(single_line=True)],
        validators=[Optional(), Length(max=40)],
    )
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
    baseline_unit_zh = StringField(
        _l("Unit of the previous year's figure"),
        filters=[cleaned(single_line=True)],
        validators=[Optional(), Length(max=40)],
    )
    baseline_quote_zh = TextAreaField(
        _l("The review's words for that figure"),
        filters=[cleaned()],
        validators=[Optional(), Length(max=2000)],
    )

    def set_choices(self, areas: dict[str, str], topics, localized) -> None:
        """The batch's areas and the portal's topics ("" lets publishing guess)."""
        self.area_code.choices = [
            SelectChoice(code, f"{code} {title}") for code, title in areas.items()
        ]
        self.topic_key.choices = [
            SelectChoice("", _l("Guess from the words")),
            *(SelectChoice(t.key, localized(t, "name")) for t in topics),
        ]


class PublishForm(FlaskForm):
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
