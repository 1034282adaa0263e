"""UK dates: financial years (1 April to 31 March, written 2018/19) and working days."""

import datetime
from functools import lru_cache

import holidays


def financial_year_start(day):
    """The first year of the financial year containing ``day`` (2018 for 2018/19)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year):
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_of(day):
    return financial_year_label(financial_year_start(day))


def financial_year_bounds(start_year):
    return datetime.date(start_year, 4, 1), datetime.date(start_year + 1, 3, 31)


def parse_financial_year(label):
    """'2018/19' -> 2018; raises ValueError with a readable message otherwise."""
    try:
        first, second = label.strip().split("/")
        start = int(first)
        if len(first) != 4 or int(second) != (start + 1) % 100:
            raise ValueError
    except ValueError as exc:
        raise ValueError(f"“{label}” is not a financial year: write it as 2018/19.") from exc
    return start


@lru_cache(maxsize=64)
def _bank_holidays(year):
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_bank_holiday(day):
    """England and Wales bank holidays (the same days in both)."""
    return day in _bank_holidays(day.year)


def is_working_day(day):
    return day.weekday() < 5 and not is_bank_holiday(day)


def working_days_before(day, count):
    """The date ``count`` clear working days before ``day``.

    Clear days exclude both the day of publication and the day of the
    meeting, so five clear working days before a Thursday meeting with no
    holidays is the Thursday before.
    """
    current = day
    remaining = count
    while remaining:
        current -= datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    current -= datetime.timedelta(days=1)
    while not is_working_day(current):
        current -= datetime.timedelta(days=1)
    return current


def add_working_days(day, count):
    current = day
    while count:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current
