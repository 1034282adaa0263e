"""A finance officer uploads a month's monitoring for every line their body runs, from the
template the app gives: each row checked, refused whole with each problem's row, column and
reason, or saved whole."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from finance import monitoring_upload, services
from finance.models import Monitoring
from partnership.choices import Role
from tests.finance.factories import BudgetLineFactory, MonitoringFactory

pytestmark = pytest.mark.django_db

HEADINGS = ["Line", "Run by", "Actual spend to date (£)", "Forecast outturn (£)", "Note"]


@pytest.fixture
def lines(world, pool):
    """The council runs two lines (one with May's figures already entered); the ICB one."""
    extra = BudgetLineFactory(budget=pool.budget, organisation=world.bodies["council"], name="Carers' breaks")
    MonitoringFactory(
        line=pool.council_line,
        year=2018,
        month=2,
        actual_to_date=Decimal("90000.00"),
        forecast_outturn=Decimal("600000.00"),
    )
    return pool.council_line, extra, pool.nhs_line


def url(name, pool, **query):
    address = reverse(f"finance:{name}", kwargs={"partnership": "ours", "budget": pool.budget.pk})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csv_file(rows, name="may.csv"):
    output = io.StringIO()
    csv.writer(output).writerows([HEADINGS, *rows])
    return SimpleUploadedFile(name, output.getvalue().encode("utf-8"), content_type="text/csv")


def upload(client, pool, file, year="2018/19", month="2", reason="Month 2 return"):
    return client.post(
        url("monitoring_upload", pool), {"year": year, "month": month, "file": file, "change_reason": reason}
    )


def may(line):
    return Monitoring.objects.filter(line=line, year=2018, month=2).first()


def test_the_template_lists_the_officers_own_lines_with_what_is_entered(client, world, pool, lines):
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    response = client.get(url("monitoring_template", pool, year=2018, month=2, format="csv"))
    assert response.status_code == 200
    assert 'filename="better-care-fund-pool-monitoring-2018-02.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        HEADINGS,
        ["Carers' breaks", "Our Council", "", "", ""],
        ["Reablement", "Our Council", "90000.00", "600000.00", ""],
    ]
    response = client.get(url("monitoring_template", pool, year="2018/19", month=2, format="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        HEADINGS,
        ["Carers' breaks", "Our Council", None, None, None],
        ["Reablement", "Our Council", 90000, 600000, None],
    ]
    assert sheet["C3"].number_format == "#,##0.00"
    assert client.get(url("monitoring_template", pool, year=2018, month=13)).status_code == 400
    assert client.get(url("monitoring_template", pool, year="20x8", month=2)).status_code == 400


def test_a_good_file_is_saved_whole_with_who_and_why(client, world, pool, lines):
    reablement, carers, _ = lines
    officer = world.user("council", Role.FINANCE_OFFICER)
    client.force_login(officer)
    file = csv_file(
        [
            ["Reablement", "Our Council", "£95,000.50", "610000", "Winter pressures"],
            ["carers' breaks", "", "12000", "48000.00", ""],
            ["", "", "", "", ""],
        ]
    )
    response = upload(client, pool, file)
    assert response.status_code == 302
    assert response.url.endswith("?year=2018#lines")
    assert (may(reablement).actual_to_date, may(reablement).note) == (Decimal("95000.50"), "Winter pressures")
    assert (may(carers).actual_to_date, may(carers).forecast_outturn) == (
        Decimal("12000.00"),
        Decimal("48000.00"),
    )
    record = may(carers).history.get()
    assert (record.history_user, record.history_change_reason) == (officer, "Month 2 return")
    page = client.get(response.url).content.decode()
    assert "Monitoring for May 2018/19 saved for 2 lines." in page


def test_a_file_with_problems_is_refused_whole_and_every_problem_named(client, world, pool, lines):
    reablement, carers, nhs_line = lines
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    file = csv_file(
        [
            ["Carers' breaks", "Our Council", "12000", "48000", "fine on its own"],
            ["Reablement", "Our ICB", "12.345", "", ""],
            ["Community nursing", "", "1", "2", ""],
            ["Meals on wheels", "", "1", "2", ""],
            ["Carers' breaks", "", "1", "2", ""],
        ]
    )
    response = upload(client, pool, file)
    assert response.status_code == 200
    page = response.content.decode()
    assert "nothing was saved. Put right the 6 problems listed below" in page
    assert 'href="#id_file"' in page
    problems = [
        ("3", "Run by", "“Reablement” is run by Our Council, not Our ICB"),
        (
            "3",
            "Actual spend to date (£)",
            "The amount must have no more than two decimal places (pence)",
        ),
        ("3", "Forecast outturn (£)", "Enter an amount in pounds and pence, like 1,234.56"),
        (
            "4",
            "Line",
            "Only finance officers of Our ICB, which runs “Community nursing”, may enter its figures",
        ),
        ("5", "Line", "Better Care Fund pool has no line called “Meals on wheels”"),
        ("6", "Line", "“Carers' breaks” is on row 2 already"),
    ]
    for row, column, reason in problems:
        assert f'<td class="govuk-table__cell">{row}</td><td class="govuk-table__cell">{column}</td>' in page
        assert reason.replace("'", "&#x27;") in page, reason
    assert may(carers) is None, "the good row was not saved either"
    assert may(reablement).actual_to_date == Decimal("90000.00")


def test_an_excel_template_filled_in_is_saved(client, world, pool, lines):
    reablement, carers, _ = lines
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    template = client.get(url("monitoring_template", pool, year=2018, month=2, format="xlsx")).content
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.active
    sheet["C2"], sheet["D2"] = 15000.25, 50000
    sheet["C3"], sheet["D3"] = 99000, 620000
    output = io.BytesIO()
    workbook.save(output)
    response = upload(client, pool, SimpleUploadedFile("may.xlsx", output.getvalue()))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert may(carers).actual_to_date == Decimal("15000.25")
    assert may(reablement).forecast_outturn == Decimal("620000.00")


def test_files_that_are_not_the_template_are_refused_with_a_reason(client, world, pool, lines):
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    response = upload(client, pool, SimpleUploadedFile("may.txt", b"Reablement,1,2"))
    assert "upload the template as a CSV (.csv) or Excel (.xlsx) file" in response.content.decode()
    response = upload(client, pool, SimpleUploadedFile("may.xlsx", b"not a workbook"))
    assert "The file could not be read as an Excel workbook (.xlsx)" in response.content.decode()
    response = upload(client, pool, SimpleUploadedFile("may.csv", b"Reablement,1,2\n"))
    assert "The first row must be the template&#x27;s headings" in response.content.decode()
    response = upload(client, pool, SimpleUploadedFile("may.csv", "Line\n".encode("utf-16")))
    assert "is not in UTF-8" in response.content.decode()
    response = upload(client, pool, csv_file([["Reablement", "", "1", "2", ""]]), year="2018")
    assert response.status_code == 200 and "2018/19" in response.content.decode()
    assert Monitoring.objects.filter(year=2018, month=2).count() == 1


def test_a_closed_year_takes_no_upload(client, world, pool, lines):
    services.close_financial_year(
        budget=pool.budget, year=2018, user=world.user("council", Role.FINANCE_OFFICER)
    )
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    response = upload(client, pool, csv_file([["Carers' breaks", "", "1", "2", ""]]))
    assert "2018/19 is closed for Better Care Fund pool" in response.content.decode()
    assert may(lines[1]) is None


@pytest.mark.parametrize(
    "body, role, status",
    [("council", Role.OFFICER, 403), ("council", Role.AUDITOR, 403), ("other", Role.FINANCE_OFFICER, 404)],
)
def test_only_finance_officers_of_a_body_with_lines_may_upload(
    client, world, pool, lines, body, role, status
):
    client.force_login(world.user(body, role))
    assert client.get(url("monitoring_upload", pool)).status_code == status
    assert upload(client, pool, csv_file([["Reablement", "", "1", "2", ""]])).status_code == status
    assert client.get(url("monitoring_template", pool, year=2018, month=2)).status_code == status
    assert may(lines[0]).actual_to_date == Decimal("90000.00")


def test_the_budget_page_offers_the_upload_to_finance_officers_only(client, world, pool, lines):
    budget_page = reverse("finance:budget_detail", kwargs={"partnership": "ours", "pk": pool.budget.pk})
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    assert "Upload a month's monitoring" in client.get(budget_page + "?year=2018").content.decode()
    client.force_login(world.user("council", Role.OFFICER))
    assert "Upload a month's monitoring" not in client.get(budget_page + "?year=2018").content.decode()


def test_spreadsheet_numbers_are_read_to_the_penny_and_no_further(world, pool, lines):
    workbook = Workbook()
    workbook.active.append(HEADINGS)
    workbook.active.append(["Reablement", None, 1234.5, 12.345, None])
    output = io.BytesIO()
    workbook.save(output)
    rows = monitoring_upload.read_rows(SimpleUploadedFile("x.xlsx", output.getvalue()))
    with pytest.raises(monitoring_upload.UploadRefused) as refused:
        monitoring_upload.check_rows(world.user("council", Role.FINANCE_OFFICER), pool.budget, rows)
    assert [str(p) for p in refused.value.problems] == [
        "Row 2, Forecast outturn (£): the amount must have no more than two decimal places (pence)"
    ]
