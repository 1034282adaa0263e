"""The host's ledger totals for a pooled fund, imported from a spreadsheet.

The host's finance officer downloads the template (one row per financial year of the fund,
with the totals already entered), fills it in from the general ledger and uploads it as CSV
or Excel. Every row is checked; one wrong row refuses the whole file, each problem named by
row, column and reason, and nothing is saved. Otherwise each year is saved in one transaction
through :func:`finance.services.save_fund_year`, which checks permission and takes the
budget's row lock.
"""

import csv
import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from finance import services
from finance.monitoring_upload import Problem, UploadRefused, _money, _text, read_rows
from partnership.dates import financial_year_label, parse_financial_year

YEAR, CONTRIBUTIONS, SPEND, INCOME, AS_AT = COLUMNS = (
    "Financial year",
    "Contributions received (£)",
    "Spend (£)",
    "Income (£)",
    "Ledger as at (dd/mm/yyyy)",
)
FIELDS = {CONTRIBUTIONS: "ledger_contributions", SPEND: "ledger_spend", INCOME: "ledger_income"}
MOST_ROWS = 200


def template_csv(figures):
    """The template for ``figures`` (a ``BudgetFigures``): each year, with what is entered."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(COLUMNS)
    for year in figures.years:
        fund_year = figures.fund_years.get(year)
        values = [getattr(fund_year, name, None) for name in FIELDS.values()]
        as_at = fund_year.ledger_as_at if fund_year else None
        writer.writerow(
            [financial_year_label(year)]
            + ["" if value is None else f"{value:.2f}" for value in values]
            + [f"{as_at:%d/%m/%Y}" if as_at else ""]
        )
    return output.getvalue()


def _date(value, number, problems):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        problems.append(Problem(number, AS_AT, f"“{text[:20]}” is not a date: write it as 31/03/2019"))
        return None


def check_rows(rows):
    """``{year: {field: value}}`` from the upload's rows, or :class:`UploadRefused` naming every problem."""
    if not rows:
        raise UploadRefused([Problem(None, "File", "the file is empty: fill in the template and upload it")])
    headings = [_text(value).casefold() for value in rows[0][: len(COLUMNS)]]
    if headings != [column.casefold() for column in COLUMNS]:
        raise UploadRefused(
            [Problem(1, "Headings", "the first row must be the template's headings: " + ", ".join(COLUMNS))]
        )
    body = [row for row in rows[1:] if any(_text(cell) for cell in row)]
    if len(body) > MOST_ROWS:
        raise UploadRefused([Problem(None, "File", f"more than {MOST_ROWS} rows: this is not the template")])
    problems, years = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(_text(cell) for cell in row):
            continue
        cells = dict(zip(COLUMNS, list(row) + [None] * len(COLUMNS), strict=False))
        try:
            year = parse_financial_year(_text(cells[YEAR]))
        except ValueError:
            problems.append(
                Problem(
                    number, YEAR, f"“{_text(cells[YEAR])[:20]}” is not a financial year: write it as 2018/19"
                )
            )
            continue
        if year in years:
            problems.append(Problem(number, YEAR, f"{financial_year_label(year)} is on more than one row"))
            continue
        values = {}
        for column, name in FIELDS.items():
            if _text(cells[column]) == "":
                values[name] = None
            else:
                values[name] = _money(cells[column], column, number, problems)
        values["ledger_as_at"] = _date(cells[AS_AT], number, problems)
        years[year] = values
    if problems:
        raise UploadRefused(problems)
    if not years:
        raise UploadRefused([Problem(None, "File", "no year is filled in")])
    return years


def upload_ledger(*, user, budget, upload, reason=""):
    """Import the ledger totals in ``upload``: every year saved, or none. Returns the years saved."""
    years = check_rows(read_rows(upload))
    try:
        with transaction.atomic():
            for year, values in sorted(years.items()):
                services.save_fund_year(
                    budget=budget, year=year, user=user, reason=reason or "Ledger totals imported", **values
                )
    except PermissionDenied:
        raise
    except ValidationError as error:
        raise UploadRefused([Problem(None, "File", " ".join(error.messages))]) from None
    return sorted(years)
