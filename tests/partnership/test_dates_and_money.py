import datetime
from decimal import Decimal

import pytest

from partnership import dates
from partnership.templatetags.concordat import financial_year, money


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (datetime.date(2018, 4, 1), "2018/19"),
        (datetime.date(2019, 3, 31), "2018/19"),
        (datetime.date(2019, 4, 1), "2019/20"),
        (datetime.date(2000, 1, 15), "1999/00"),
    ],
)
def test_financial_year_runs_april_to_march(day, label):
    assert dates.financial_year_of(day) == label


def test_financial_year_bounds_and_parsing():
    assert dates.financial_year_bounds(2018) == (datetime.date(2018, 4, 1), datetime.date(2019, 3, 31))
    assert dates.parse_financial_year("2018/19") == 2018
    with pytest.raises(ValueError, match="2018/19"):
        dates.parse_financial_year("2018/20")


def test_bank_holidays_are_england_and_wales():
    assert dates.is_bank_holiday(datetime.date(2026, 12, 25))
    assert dates.is_bank_holiday(datetime.date(2026, 12, 28))  # Boxing Day substitute
    assert dates.is_bank_holiday(datetime.date(2026, 4, 3))  # Good Friday
    assert not dates.is_bank_holiday(datetime.date(2026, 11, 30))  # St Andrew's Day: Scotland only
    assert not dates.is_working_day(datetime.date(2026, 11, 28))  # Saturday


def test_money_is_pounds_and_pence():
    assert money(Decimal("1234.5")) == "£1,234.50"
    assert money(Decimal("-66000000")) == "−£66,000,000.00"
    assert money(None) == "—"
    assert financial_year(2018) == "2018/19"
