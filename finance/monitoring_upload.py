"""A month's monitoring for a whole budget from one spreadsheet.

A finance officer downloads the template (CSV or Excel) for a budget, year and month:
one row per line their body runs, with the figures already entered for that month.
They fill it in and upload it. Every row is checked; if any is wrong the whole file
is refused, each problem named by row, column and reason, and nothing is saved.
Otherwise every row is saved in one transaction through
:func:`finance.services.record_monitoring` (which checks permission, takes the
budget's row lock and records history), so the file is saved whole or not at all.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from finance import access, services
from finance.models import Monitoring
from finance.money import MoneyError, parse_money
from partnership.dates import financial_year_label
from partnership.exports import safe_row

LINE, RUN_BY, ACTUAL, FORECAST, NOTE = COLUMNS = (
    "Line",
    "Run by",
    "Actual spend to date (£)",
    "Forecast outturn (£)",
    "Note",
)
#: More rows than any budget has lines: a file longer than this is not a month's monitoring.
MOST_ROWS = 2000
NOTE_LENGTH = Monitoring._meta.get_field("note").max_length


@dataclass
class Problem:
    row: int | None  # the spreadsheet's row number (the headings are row 1); None for the file
    column: str
    reason: str

    def __str__(self):
        return (
            f"Row {self.row}, {self.column}: {self.reason}" if self.row else f"{self.column}: {self.reason}"
        )


class UploadRefused(Exception):
    """The file was refused; ``problems`` says why, row by row. Nothing was saved."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Row:
    number: int
    line: object
    actual: Decimal
    forecast: Decimal
    note: str = ""


@dataclass
class UploadResult:
    saved: list = field(default_factory=list)  # lines whose figures were recorded or changed
    unchanged: list = field(default_factory=list)


# --- The template -------------------------------------------------------------------


def lines_for(user, budget):
    """The budget's lines whose figures ``user`` may enter, by name."""
    return [
        line
        for line in budget.lines.select_related("organisation").order_by("name")
        if access.may_enter_figures(user, budget.partnership, line.organisation)
    ]


def template_rows(user, budget, year, month):
    """The template's rows: each line ``user`` may enter, with what is recorded for the month."""
    lines = lines_for(user, budget)
    recorded = {m.line_id: m for m in Monitoring.objects.filter(line__in=lines, year=year, month=month)}
    rows = []
    for line in lines:
        entry = recorded.get(line.pk)
        rows.append(
            [
                line.name,
                line.organisation.name,
                entry.actual_to_date if entry else None,
                entry.forecast_outturn if entry else None,
                entry.note if entry else "",
            ]
        )
    return rows


def template_csv(rows):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(COLUMNS)
    for row in rows:
        cells = [
            "" if value is None else f"{value:.2f}" if isinstance(value, Decimal) else value for value in row
        ]
        writer.writerow(safe_row(cells))
    return output.getvalue().encode("utf-8-sig")


def template_xlsx(rows, title):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Monitoring"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
    for column, width in zip("ABCDE", (40, 40, 24, 24, 50), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=2, min_col=3, max_col=4):
        for cell in cells:
            cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    workbook.properties.title = title
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- Reading and checking an upload --------------------------------------------------


def read_rows(upload):
    """The uploaded file's rows (headings first) as lists of cell values; refused if it is not a
    CSV or Excel (.xlsx) file that can be read."""
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            reason = "the CSV file is not in UTF-8: save it as “CSV UTF-8” and upload it again"
            raise UploadRefused([Problem(None, "File", reason)]) from None
        if "\x00" in text:
            raise UploadRefused([Problem(None, "File", "the CSV file holds a NUL character: it is not text")])
        return [list(row) for row in csv.reader(io.StringIO(text))]
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            workbook.close()
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
            raise UploadRefused(
                [Problem(None, "File", "the file could not be read as an Excel workbook (.xlsx)")]
            ) from None
        return rows
    raise UploadRefused([Problem(None, "File", "upload the template as a CSV (.csv) or Excel (.xlsx) file")])


def _text(value):
    return "" if value is None else str(value).strip()


def _money(value, column, number, problems):
    if value is None or _text(value) == "":
        problems.append(Problem(number, column, "enter an amount in pounds and pence, like 1,234.56"))
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            value = str(value)
    try:
        return parse_money(value if isinstance(value, Decimal) else _text(value))
    except MoneyError as error:
        problems.append(Problem(number, column, f"the amount {error}"))
        return None


def check_rows(user, budget, rows):
    """The upload's rows as :class:`Row`, or :class:`UploadRefused` naming every problem."""
    if not rows:
        raise UploadRefused([Problem(None, "File", "the file is empty: fill in the template and upload it")])
    headings = [_text(value).casefold() for value in rows[0][: len(COLUMNS)]]
    if headings != [column.casefold() for column in COLUMNS]:
        raise UploadRefused(
            [
                Problem(
                    1,
                    "Headings",
                    "the first row must be the template's headings: " + ", ".join(COLUMNS),
                )
            ]
        )
    if len(rows) - 1 > MOST_ROWS:
        raise UploadRefused([Problem(None, "File", f"the file has more than {MOST_ROWS:,} rows")])
    by_name = {line.name.casefold(): line for line in budget.lines.select_related("organisation")}
    problems, parsed, seen = [], [], {}
    for number, values in enumerate(rows[1:], start=2):
        values = list(values) + [None] * (len(COLUMNS) - len(values))
        if all(_text(value) == "" for value in values[: len(COLUMNS)]):
            continue  # a blank row
        name = _text(values[0])
        if name.startswith("'") and name[1:2] in ("=", "+", "-", "@"):
            name = name[1:]  # quoted on the way out so a spreadsheet would not run it
        line = by_name.get(name.casefold())
        if not name:
            problems.append(Problem(number, LINE, "give the line's name as the template has it"))
        elif line is None:
            problems.append(Problem(number, LINE, f"{budget.name} has no line called “{name}”"))
        elif line.pk in seen:
            problems.append(Problem(number, LINE, f"“{line.name}” is on row {seen[line.pk]} already"))
        elif not access.may_enter_figures(user, budget.partnership, line.organisation):
            problems.append(
                Problem(
                    number,
                    LINE,
                    f"only finance officers of {line.organisation.name}, which runs “{line.name}”, "
                    "may enter its figures",
                )
            )
        run_by = _text(values[1])
        if line is not None and run_by and run_by.casefold() != line.organisation.name.casefold():
            problems.append(
                Problem(number, RUN_BY, f"“{line.name}” is run by {line.organisation.name}, not {run_by}")
            )
        actual = _money(values[2], ACTUAL, number, problems)
        forecast = _money(values[3], FORECAST, number, problems)
        note = _text(values[4])
        if "\x00" in note:
            problems.append(Problem(number, NOTE, "the note holds a NUL character"))
        elif len(note) > NOTE_LENGTH:
            problems.append(Problem(number, NOTE, f"the note must be {NOTE_LENGTH} characters or fewer"))
        if line is not None:
            seen.setdefault(line.pk, number)
            parsed.append(Row(number, line, actual, forecast, note))
    if not problems and not parsed:
        problems.append(Problem(None, "File", "the file has no rows of figures under the headings"))
    if problems:
        raise UploadRefused(problems)
    return parsed


# --- Saving ----------------------------------------------------------------------------


def upload_monitoring(*, user, budget, year, month, upload, reason=""):
    """Check the uploaded file and save every row for ``year`` and ``month``, or none of it."""
    rows = check_rows(user, budget, read_rows(upload))
    if services.is_year_closed(budget, year):
        raise UploadRefused(
            [
                Problem(
                    None,
                    "Financial year",
                    f"{financial_year_label(year)} is closed for {budget.name}: reopen the year first",
                )
            ]
        )
    result = UploadResult()
    with transaction.atomic():
        recorded = Monitoring.objects.filter(line__in=[row.line for row in rows], year=year, month=month)
        before = dict(recorded.values_list("line_id", "updated_at"))
        for row in rows:
            try:
                saved = services.record_monitoring(
                    line=row.line,
                    year=year,
                    month=month,
                    actual_to_date=row.actual,
                    forecast_outturn=row.forecast,
                    note=row.note,
                    user=user,
                    reason=reason,
                )
            except (ValidationError, PermissionDenied) as error:
                messages = getattr(error, "messages", None) or [str(error)]
                raise UploadRefused([Problem(row.number, LINE, " ".join(messages))]) from None
            changed = before.get(row.line.pk) != saved.updated_at
            (result.saved if changed else result.unchanged).append(row.line)
    return result
