"""A budget as an Excel workbook: one sheet per financial year, totals computed here."""

from openpyxl import Workbook
from openpyxl.styles import Font

from partnership.exports import safe_workbook

MONEY_FORMAT = '"£"#,##0.00;[Red]-"£"#,##0.00'


def budget_workbook(figures):
    """``figures`` is a :class:`finance.services.BudgetFigures`; returns an openpyxl Workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    years = figures.years
    if not years:
        sheet = workbook.create_sheet("No figures")
        sheet.append([figures.budget.name, "No contributions, plans or monitoring yet."])
        return safe_workbook(workbook)
    for year in years:
        data = figures.year(year)
        # Sheet names may not contain "/": 2018/19 becomes 2018-19.
        sheet = workbook.create_sheet(data.label.replace("/", "-"))
        sheet.append([figures.budget.name, data.label])
        sheet["A1"].font = bold
        sheet.append([])
        sheet.append(["Contributions", "Amount"])
        _bold_row(sheet, bold)
        for body, amount in data.contributions.items():
            sheet.append([body.name, amount])
            sheet.cell(sheet.max_row, 2).number_format = MONEY_FORMAT
        sheet.append(["Total contributions", data.total_contributions])
        _bold_row(sheet, bold)
        sheet.cell(sheet.max_row, 2).number_format = MONEY_FORMAT
        sheet.append([])
        sheet.append(
            ["Line", "Run by", "Planned", "Actual to date", "Forecast outturn", "Variance", "Latest month"]
        )
        _bold_row(sheet, bold)
        for row in data.lines:
            sheet.append(
                [
                    row.line.name,
                    row.line.organisation.name,
                    row.planned,
                    row.actual,
                    row.forecast,
                    row.variance,
                    row.latest_month_name,
                ]
            )
            _money_cells(sheet, 3, 6)
        sheet.append(
            ["Total", "", data.total_planned, data.total_actual, data.total_forecast, data.line_variance, ""]
        )
        _bold_row(sheet, bold)
        _money_cells(sheet, 3, 6)
        sheet.append([])
        sheet.append(["Outturn", data.outturn])
        sheet.append(["Variance against contributions (overspend positive)", data.variance])
        _money_cells(sheet, 2, 2, rows=2)
        if data.shares:
            sheet.append([])
            heading = "Share of variance (as closed)" if data.is_closed else "Share of variance (provisional)"
            sheet.append([heading, "Share"])
            _bold_row(sheet, bold)
            shares = data.shares
            if data.is_closed:
                shares = {s.organisation: s.share for s in data.year_end.shares.all()}
            for body, share in shares.items():
                sheet.append([body.name, share])
                _money_cells(sheet, 2, 2)
        sheet.column_dimensions["A"].width = 48
        sheet.column_dimensions["B"].width = 30
        for column in "CDEF":
            sheet.column_dimensions[column].width = 18
    return safe_workbook(workbook)


def _bold_row(sheet, font):
    for cell in sheet[sheet.max_row]:
        cell.font = font


def _money_cells(sheet, first, last, rows=1):
    for r in range(sheet.max_row - rows + 1, sheet.max_row + 1):
        for c in range(first, last + 1):
            sheet.cell(r, c).number_format = MONEY_FORMAT
