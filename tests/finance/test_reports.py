"""The quarterly report and annual statement (PDF) and the Excel export, read back."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from finance import services
from partnership.choices import Role

pytestmark = pytest.mark.django_db
D = Decimal


def _text(response):
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_quarterly_report_for_a_partner_body(client, world, pool):
    user = world.user("council", Role.FINANCE_OFFICER)
    services.record_monitoring(
        line=pool.council_line,
        year=2018,
        month=3,
        actual_to_date=D("150000"),
        forecast_outturn=D("612345.67"),
        user=user,
    )
    # Figures after the quarter do not appear in the Q1 report.
    services.record_monitoring(
        line=pool.council_line,
        year=2018,
        month=4,
        actual_to_date=D("200000"),
        forecast_outturn=D("700000"),
        user=user,
    )
    client.force_login(world.user("nhs", Role.OFFICER))
    url = reverse(
        "finance:quarterly_report",
        kwargs={
            "partnership": "ours",
            "budget": pool.budget.pk,
            "year": 2018,
            "quarter": 1,
            "organisation": world.bodies["nhs"].pk,
        },
    )
    text = _text(client.get(url))
    assert "Quarterly pooled fund report" in text
    assert "Our ICB" in text and "Our Council" in text
    assert "£1,000,000.00" in text  # total contributions
    assert "£612,345.67" in text and "£700,000.00" not in text
    assert "£1,012,345.67" in text  # forecast outturn
    assert "SI 2000/617" in text


def test_annual_statement_shows_the_shares_as_closed(client, world, pool):
    user = world.user("council", Role.FINANCE_OFFICER)
    services.record_monitoring(
        line=pool.nhs_line,
        year=2018,
        month=12,
        actual_to_date=D("399900"),
        forecast_outturn=D("399900"),
        user=world.user("nhs", Role.FINANCE_OFFICER),
    )
    services.close_financial_year(budget=pool.budget, year=2018, user=user)
    client.force_login(world.user("council", Role.AUDITOR))
    url = reverse(
        "finance:annual_statement",
        kwargs={
            "partnership": "ours",
            "budget": pool.budget.pk,
            "year": 2018,
            "organisation": world.bodies["council"].pk,
        },
    )
    text = _text(client.get(url))
    assert "Annual statement 2018/19" in text
    assert "Our Council" in text and "Our ICB" in text
    assert "−£100.00" in text  # the underspend
    assert "−£60.00" in text and "−£40.00" in text  # shared 6:4
    assert "as closed" in text


def test_reports_are_not_found_outside_the_partnership(client, world, pool):
    client.force_login(world.user("other", Role.FINANCE_OFFICER))
    url = reverse(
        "finance:annual_statement",
        kwargs={
            "partnership": "ours",
            "budget": pool.budget.pk,
            "year": 2018,
            "organisation": world.bodies["council"].pk,
        },
    )
    assert client.get(url).status_code == 404


def test_excel_export_has_one_sheet_per_year_with_computed_totals(client, world, pool):
    user = world.user("council", Role.FINANCE_OFFICER)
    services.set_contribution(
        budget=pool.budget, organisation=world.bodies["council"], year=2019, amount=D("123.45"), user=user
    )
    client.force_login(world.user("nhs", Role.OFFICER))
    response = client.get(
        reverse("finance:budget_xlsx", kwargs={"partnership": "ours", "budget": pool.budget.pk})
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["2018-19", "2019-20"]
    rows = [tuple(r) for r in workbook["2018-19"].iter_rows(values_only=True)]
    assert ("Our Council", 600000) in [r[:2] for r in rows]
    assert ("Our ICB", 400000) in [r[:2] for r in rows]
    assert ("Total contributions", 1000000) in [r[:2] for r in rows]
    lines = {r[0]: r for r in rows if r[0] in ("Reablement", "Community nursing", "Total")}
    assert lines["Reablement"][1] == "Our Council" and lines["Reablement"][2] == 600000
    assert lines["Total"][2] == 1000000
    rows_2019 = [r[:2] for r in workbook["2019-20"].iter_rows(values_only=True)]
    assert ("Total contributions", D("123.45")) in rows_2019 or ("Total contributions", 123.45) in rows_2019


def test_a_negative_amount_stays_on_one_line_however_narrow_its_column():
    """In every PDF's amount columns (class "numeric"): the minus sign is not left at the end
    of a line with the amount on the next."""
    from partnership.pdf import html_to_pdf

    html = (
        "<html lang='en-GB'><head><title>Statement</title></head><body><table><tr>"
        "<th>Reablement and hospital discharge services for older people</th>"
        "<td class='numeric' style='width: 6mm'>−£112,345.67</td></tr></table></body></html>"
    )
    text = PdfReader(io.BytesIO(html_to_pdf(html, styled=True))).pages[0].extract_text()
    assert "−£112,345.67" in text
