"""The GOV.UK date input: a date typed as Day, Month and Year, in one fieldset.

Every ``DateField`` of every form is given it by ``partnership.forms.style_form``
(:func:`govuk_date_field`), so no form has to ask. The parts are posted as
``<name>-day``, ``<name>-month`` and ``<name>-year``; a single ISO date posted
under the field's own name (``start_date=2020-01-01``) is still accepted, for
links, query strings and scripts that send one.
"""

import datetime
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError

from partnership.numbers import whole_number

PARTS = ("day", "month", "year")
#: The hint every date input shows, as the GOV.UK Design System words it.
DATE_HINT = "For example, 27 3 2007"
#: Month names (and their first three letters) people may type instead of a number.
MONTH_NAMES = {
    name: number
    for number, month in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
    for name in (month, month[:3])
}
MONTH_NAMES["sept"] = 9


class DateParts(NamedTuple):
    """What was typed into the three boxes, as typed."""

    day: str
    month: str
    year: str


class GovukDateInput(forms.MultiWidget):
    """Three text boxes (Day, Month, Year) named ``<name>-day`` and so on, with ids
    ``<id>-day`` and so on; the parts :attr:`wrong_parts` names are highlighted when the
    field has an error (all three when the error is about the whole date)."""

    template_name = "forms/widgets/govuk_date.html"
    widths = {"day": "govuk-input--width-2", "month": "govuk-input--width-2", "year": "govuk-input--width-4"}

    def __init__(self, attrs=None):
        widgets = {
            part: forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input {self.widths[part]}",
                    "inputmode": "numeric",
                }
            )
            for part in PARTS
        }
        super().__init__(widgets, attrs)
        self.widgets_names = [f"-{part}" for part in PARTS]
        #: Set by GovukDateField when a part is missing or wrong; () means the whole date.
        self.wrong_parts = ()

    @staticmethod
    def given_in(data, name):
        """Whether ``data`` (a QueryDict) carries a date for ``name``, whole or in parts."""
        return name in data or any(f"{name}-{part}" in data for part in PARTS)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                return ["", "", ""]
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        if any(f"{name}-{part}" in data for part in PARTS):
            return DateParts(*(str(data.get(f"{name}-{part}", "")) for part in PARTS))
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return not self.given_in(data, name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        outer = context["widget"]["attrs"]
        id_ = outer.get("id")
        invalid = outer.pop("aria-invalid", None)
        wrong = self.wrong_parts or PARTS
        for part, subwidget in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            sub_attrs = subwidget["attrs"]
            sub_attrs.pop("aria-invalid", None)
            sub_attrs.pop("required", None)  # GOV.UK says what is missing after sending
            if id_:
                sub_attrs["id"] = f"{id_}-{part}"
            sub_attrs["class"] = f"govuk-input govuk-date-input__input {self.widths[part]}"
            if invalid and part in wrong:
                sub_attrs["class"] += " govuk-input--error"
                sub_attrs["aria-invalid"] = "true"
            subwidget["label"] = part.capitalize()
        return context

    def id_for_label(self, id_):
        return f"{id_}-day" if id_ else ""


class GovukDateField(forms.DateField):
    """A date from the three parts of :class:`GovukDateInput`, or one ISO date.

    Refuses as the GOV.UK Design System words it: a missing part ("… must include a
    month"), a part that cannot be right or a date that does not exist ("… must be a
    real date"), marking only the parts at fault. The words come from the field's
    ``error_messages`` (``incomplete``, ``invalid``), set by ``partnership.forms``.
    """

    widget = GovukDateInput
    default_error_messages = {
        "incomplete": "The date must include a %(parts)s.",
    }

    def to_python(self, value):
        self.widget.wrong_parts = ()
        if isinstance(value, DateParts | list | tuple):
            return self.date_from_parts(DateParts(*(str(v or "") for v in value)))
        return super().to_python(value)

    def date_from_parts(self, parts):
        typed = DateParts(*(part.strip() for part in parts))
        if not any(typed):
            return None
        missing = [name for name, text in zip(PARTS, typed, strict=True) if not text]
        if missing:
            self.widget.wrong_parts = tuple(missing)
            raise ValidationError(
                self.error_messages["incomplete"], code="incomplete", params={"parts": " and ".join(missing)}
            )
        day = whole_number(typed.day, 2)
        month = MONTH_NAMES.get(typed.month.lower().rstrip(".")) or whole_number(typed.month, 2)
        year = whole_number(typed.year, 4) if len(typed.year) == 4 else None
        wrong = [
            name
            for name, number, top in (("day", day, 31), ("month", month, 12), ("year", year, 9999))
            if number is None or not 1 <= number <= top
        ]
        if not wrong:
            try:
                return datetime.date(year, month, day)
            except ValueError:
                wrong = ["day"]  # 31 April, 29 February in a year that is not a leap year
        self.widget.wrong_parts = tuple(wrong)
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def govuk_date_field(form_field):
    """Make a plain ``forms.DateField`` (a form's, a model form's or a filter's) a
    :class:`GovukDateField` with the three-part input, keeping everything else it has."""
    if type(form_field) is forms.DateField:
        form_field.__class__ = GovukDateField
        form_field.error_messages.setdefault(
            "incomplete", GovukDateField.default_error_messages["incomplete"]
        )
    if isinstance(form_field, GovukDateField) and not isinstance(form_field.widget, GovukDateInput):
        form_field.widget = GovukDateInput()
        form_field.widget.is_required = form_field.required
    return form_field


class AutocompleteInput(forms.TextInput):
    """A text box that suggests records as they are typed (GOV.UK's accessible-autocomplete,
    asking the search endpoint in ``data-app-autocomplete``); without JavaScript it is a
    plain text box, and the field finds the record by what was typed."""

    class Media:
        css = {"all": ["autocomplete/accessible-autocomplete.min.css"]}
        js = ["autocomplete/accessible-autocomplete.min.js", "js/autocomplete.js"]

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
