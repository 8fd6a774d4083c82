"""What administrators are told when a catalogue change is refused, and the
helpers the administration pages share."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.models import Role
from portal.services.catalogue_admin import CatalogueError

ADMINISTRATORS = (Role.ADMINISTRATOR,)

# What each refusal of the service means, said beside the field it concerns.
REFUSALS = {
    "bad_code": lambda: _(
        "Use the report's numbering: digits and letters separated by dots, "
        "at most 20 characters (e.g. 3.5.8)."
    ),
    "duplicate_code": lambda: _(
        "Another commitment of this report has this code. Please choose another."
    ),
    "duplicate_area": lambda: _(
        "Another area of this report has this code. Please choose another."
    ),
    "bad_key": lambda: _(
        "Use lower-case letters, digits and _ only, starting with a letter."
    ),
    "duplicate_topic": lambda: _("Another topic has this key. Please choose another."),
    "unknown_area": lambda: _("Please choose one of the report's areas."),
    "unknown_topic": lambda: _("Please choose one of the topics."),
    "unknown_unit": lambda: _("Please choose one of the units."),
    "unknown_department": lambda: _(
        "Please choose one of the departments that staff accounts belong to."
    ),
    "duplicate_unit": lambda: _(
        "A unit with these names and this scale exists already: choose it in the list."
    ),
    "unit_zh_needed": lambda: _("Please write the new unit's Chinese name."),
    "unit_en_needed": lambda: _("Please write the new unit's name in English."),
    "bad_scale": lambda: _("Please enter a number greater than 0."),
    "target_needed": lambda: _(
        "This phrasing needs a target figure. Enter it, or choose a phrasing "
        "without a figure."
    ),
    "baseline_needed": lambda: _("A unit for the 2024 figure needs the figure itself."),
    "already_retired": lambda: _("This commitment was retired already."),
    "not_retired": lambda: _("This commitment is not retired."),
    "area_in_use": lambda n: ngettext(
        "This area cannot be deleted: %(num)s commitment stands in it. Move it "
        "to another area first.",
        "This area cannot be deleted: %(num)s commitments stand in it. Move "
        "them to another area first.",
        n,
    ),
    "topic_in_use": lambda n: ngettext(
        "This topic cannot be deleted: %(num)s commitment is filed under it. "
        "File it under another topic first.",
        "This topic cannot be deleted: %(num)s commitments are filed under it. "
        "File them under another topic first.",
        n,
    ),
}


def show_refusal(form, error: CatalogueError) -> None:
    """Put the service's refusal beside its field, or above the form."""
    message = REFUSALS[error.reason](**error.params)
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]


def plain(value: Decimal | None) -> Decimal | None:
    """40, not the stored 40.0000, in the form's box."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
