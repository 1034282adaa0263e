"""Filling the GOV.UK date input (Day, Month, Year) in a browser test."""

import datetime


def fill_date(page, field_id, value):
    """Type ``value`` (a date, or an ISO date) into the date input whose field id is ``field_id``
    (``"#id_start_date"``), as a person would: its Day, Month and Year boxes."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    for part, number in (("day", value.day), ("month", value.month), ("year", value.year)):
        page.fill(f"{field_id}-{part}", str(number))
