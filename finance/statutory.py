"""The reports SI 2000/617 requires of a fund: which are due, when, and what they say.

* A pooled fund: the pooled fund manager's quarterly reports and annual return to each
  partner (regulation 7(4)).
* An agreement for lead commissioning or integrated provision: the lead body's quarterly
  and annual reports (regulations 8 and 9).

Each is issued by the host (lead) body's finance officers, drawn from the monitoring to the
end of its period, as PDF and XLSX, and sent to every partner's named officer. A quarterly
report is due 20 working days after its quarter ends; the annual return by 30 June (the
accounts timetable). One not issued by then is an attention item and a reminder for the
host's finance officers.
"""

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from agreements.choices import AgreementKind
from finance.choices import MONTH_NAMES, BudgetKind, ReportKind, ReportPeriod
from finance.exports import MONEY_FORMAT
from partnership.dates import add_working_days, financial_year_bounds, financial_year_label
from partnership.exports import safe_workbook

#: Working days after a quarter ends by which its report is due.
QUARTER_DUE_WORKING_DAYS = 20
#: How long after its due date a report not issued stays on the home page.
ATTENTION_DAYS = 90


def report_kinds(budget):
    """The statutory reports ``budget`` needs, from its kind and its agreement's."""
    return kinds_for(budget.kind, budget.agreement.kind)


def kinds_for(budget_kind, agreement_kind):
    kinds = []
    if budget_kind == BudgetKind.POOLED:
        kinds.append(ReportKind.POOLED_FUND)
    if agreement_kind == AgreementKind.S75_LEAD_COMMISSIONING:
        kinds.append(ReportKind.LEAD_COMMISSIONING)
    elif agreement_kind == AgreementKind.S75_INTEGRATED_PROVISION:
        kinds.append(ReportKind.INTEGRATED_PROVISION)
    return kinds


def last_month(period):
    """The month of the financial year (April is 1) a period's figures run to."""
    return 12 if period == ReportPeriod.ANNUAL else period * 3


def period_end(year, period):
    if period == ReportPeriod.ANNUAL:
        return financial_year_bounds(year)[1]
    month = 4 + 3 * period  # the month after the quarter, counted from January of ``year``
    first_of_next = datetime.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def due_on(year, period):
    if period == ReportPeriod.ANNUAL:
        return datetime.date(year + 1, 6, 30)
    return add_working_days(period_end(year, period), QUARTER_DUE_WORKING_DAYS)


def title(kind, year, period):
    label = financial_year_label(year)
    if period == ReportPeriod.ANNUAL:
        return f"{ReportKind(kind).label.split(' (')[0]}: annual return {label}"
    return f"{ReportKind(kind).label.split(' (')[0]}: quarter {period} {label}"


def workbook_bytes(budget, kind, year, period, figures):
    """The report as an Excel workbook: the summary, each line, each partner's memorandum account."""
    workbook = Workbook()
    bold = Font(bold=True)
    sheet = workbook.active
    sheet.title = "Summary"
    sheet.append([budget.name, title(kind, year, period)])
    sheet["A1"].font = bold
    sheet.append(
        ["Figures to the end of", f"{MONTH_NAMES[last_month(period)]} ({financial_year_label(year)})"]
    )
    sheet.append(["Host body", budget.host.name if budget.host else "—"])
    working = figures.working
    rows = [
        ("Total contributions", figures.total_contributions),
        ("Money in the pool (opening balances, contributions and income)", figures.resources),
        ("Planned", figures.total_planned),
        ("Actual spend to date", figures.total_actual),
        (
            "Outturn" if figures.is_closed else "Forecast outturn",
            working.outturn if working else figures.outturn,
        ),
        ("Variance (overspend positive)", working.variance if working else figures.variance),
    ]
    for label, amount in rows:
        sheet.append([label, amount])
        sheet.cell(sheet.max_row, 2).number_format = MONEY_FORMAT
    lines = workbook.create_sheet("Lines")
    lines.append(["Line", "Run by", "Planned", "Actual to date", "Forecast outturn", "Variance"])
    for cell in lines[1]:
        cell.font = bold
    for row in figures.lines:
        lines.append(
            [row.line.name, row.line.organisation.name, row.planned, row.actual, row.forecast, row.variance]
        )
        for column in range(3, 7):
            lines.cell(lines.max_row, column).number_format = MONEY_FORMAT
    accounts = workbook.create_sheet("Memorandum accounts")
    headings = [
        "Body",
        "Opening balance",
        "Contribution",
        "Received",
        "Share of income",
        "Overspend met",
        "Underspend returned",
        "Share of spend",
        "Closing balance",
    ]
    accounts.append(headings)
    for cell in accounts[1]:
        cell.font = bold
    for account in working.accounts if working else []:
        accounts.append(
            [
                account.body.name,
                account.opening,
                account.contribution,
                account.received,
                account.income,
                account.cover,
                account.returned,
                account.spend,
                account.closing,
            ]
        )
        for column in range(2, len(headings) + 1):
            accounts.cell(accounts.max_row, column).number_format = MONEY_FORMAT
    output = io.BytesIO()
    safe_workbook(workbook).save(output)
    return output.getvalue()


def pdf_context(budget, kind, year, period, figures, recipients, *, version=1, correction=""):
    working = figures.working
    return {
        "version": version,
        "correction": correction,
        "title": f"{budget.name}: {title(kind, year, period)}",
        "heading": title(kind, year, period),
        "budget": budget,
        "partnership": budget.partnership,
        "kind": ReportKind(kind),
        "period": ReportPeriod(period),
        "annual": period == ReportPeriod.ANNUAL,
        "year_label": financial_year_label(year),
        "to_month": MONTH_NAMES[last_month(period)],
        "figures": figures,
        "working": working,
        "totals": working.totals() if working else None,
        "recipients": recipients,
    }
