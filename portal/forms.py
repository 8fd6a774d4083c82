"""Forms: the card list's search and filters (GET, so without CSRF)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SearchField, SelectChoice, SelectField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from portal.i18n import STATUS_LABELS
from portal.services.commitments import SORTS, Filters

SEARCH_MAX_LENGTH = 100
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def no_control_characters(_form, field) -> None:
    """Refuse invisible control characters (NUL and the like) in typed text."""
    if field.data and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(_l("Please remove the invisible control characters."))


SORT_LABELS = {
    "report": _l("Report order"),
    "status": _l("Status"),
    "updated": _l("Recently updated"),
}
assert set(SORT_LABELS) == set(SORTS)


class FilterForm(FlaskForm):
    """The card list's search and filters; read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Search"),
        validators=[Optional(), Length(max=SEARCH_MAX_LENGTH), no_control_characters],
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
