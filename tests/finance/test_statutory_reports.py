"""The statutory reports (SI 2000/617 regs 7(4), 8 and 9): when each is due, issuing one (read
back from its PDF and workbook, kept as issued, sent to each partner's named officer), who may,
and the reports not issued on the host's finance officers' home page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from agreements.choices import AgreementKind
from finance import reminders, services, statutory
from finance.choices import BudgetKind, ReportKind, ReportPeriod
from finance.models import StatutoryReport
from partnership.choices import Role
from partnership.services import send_due_reminders
from tests.finance.factories import AgreementFactory, BudgetFactory, MonitoringFactory

pytestmark = pytest.mark.django_db
D = Decimal
Q1 = ReportPeriod.Q1
ISSUED_ON = datetime.date(2018, 7, 20)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_which_reports_a_fund_needs_and_when_each_is_due(world):
    pooled = BudgetFactory(partnership=world.ours, host=world.bodies["council"])
    lead = BudgetFactory(
        partnership=world.ours,
        kind=BudgetKind.ALIGNED,
        agreement=AgreementFactory(partnership=world.ours, kind=AgreementKind.S75_LEAD_COMMISSIONING),
    )
    assert statutory.report_kinds(pooled) == [ReportKind.POOLED_FUND]
    assert statutory.report_kinds(lead) == [ReportKind.LEAD_COMMISSIONING]
    # 20 working days after the quarter; New Year's Day is not one. The annual return by 30 June.
    assert statutory.due_on(2018, Q1) == datetime.date(2018, 7, 27)
    assert statutory.due_on(2018, ReportPeriod.Q3) == datetime.date(2019, 1, 29)
    assert statutory.period_end(2018, ReportPeriod.Q4) == datetime.date(2019, 3, 31)
    assert statutory.due_on(2018, ReportPeriod.ANNUAL) == datetime.date(2019, 6, 30)


def name_officers(world, pool):
    for key in ("council", "nhs"):
        officer = world.user(key, Role.FINANCE_OFFICER)
        services.name_report_recipient(
            budget=pool.budget, organisation=world.bodies[key], named=officer, user=officer
        )


def issue(world, pool, **kwargs):
    return services.issue_statutory_report(
        budget=pool.budget,
        kind=ReportKind.POOLED_FUND,
        year=2018,
        period=kwargs.pop("period", Q1),
        user=kwargs.pop("user", world.user("council", Role.FINANCE_OFFICER)),
        on=kwargs.pop("on", ISSUED_ON),
    )


def test_an_issued_report_is_read_back_kept_as_issued_and_sent_to_each_named_officer(world, pool):
    MonitoringFactory(
        line=pool.council_line,
        year=2018,
        month=3,
        actual_to_date=D("150000"),
        forecast_outturn=D("612345.67"),
    )
    MonitoringFactory(
        line=pool.council_line, year=2018, month=4, actual_to_date=D("200000"), forecast_outturn=D("700000")
    )
    name_officers(world, pool)
    report = issue(world, pool)

    text = " ".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages)
    assert "Pooled fund manager's report: quarter 1 2018/19" in text
    assert "regulation 7(4)" in text.lower() or "Regulation 7(4)" in text
    assert "£612,345.67" in text and "£700,000.00" not in text  # figures to the end of June only
    assert "Memorandum accounts" in text
    sheet = load_workbook(io.BytesIO(report.workbook.open("rb").read()))["Memorandum accounts"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    council = rows[world.bodies["council"].name]
    # The council's share of the £12,345.67 forecast overspend, in proportion to 600:400.
    assert D(str(council[5])) == D("7407.40") and D(str(council[2])) == D("600000")

    send_due_reminders()  # the outbox, as its Celery task sends it
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        world.user(key, Role.FINANCE_OFFICER).email for key in ("council", "nhs")
    )
    assert "quarter 1 2018/19 issued" in mail.outbox[0].subject
    assert world.user("nhs", Role.FINANCE_OFFICER).get_full_name() in report.sent_to

    # Later monitoring does not change what was issued.
    MonitoringFactory(
        line=pool.council_line, year=2018, month=2, actual_to_date=D("1"), forecast_outturn=D("1")
    )
    again = " ".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages)
    assert again == text


def test_only_the_host_issues_once_the_period_has_ended_and_only_once(world, pool):
    with pytest.raises(PermissionDenied):
        issue(world, pool, user=world.user("nhs", Role.FINANCE_OFFICER))
    with pytest.raises(PermissionDenied):
        issue(world, pool, user=world.user("council", Role.AUDITOR))
    with pytest.raises(ValidationError, match="before its period ends on 30 June 2018"):
        issue(world, pool, on=datetime.date(2018, 6, 30))
    issue(world, pool)
    with pytest.raises(ValidationError, match="has already been issued"):
        issue(world, pool)
    assert StatutoryReport.objects.count() == 1


def test_each_body_names_its_own_officer(world, pool):
    nhs = world.bodies["nhs"]
    with pytest.raises(PermissionDenied):
        services.name_report_recipient(
            budget=pool.budget,
            organisation=nhs,
            named=world.user("nhs", Role.OFFICER),
            user=world.user("council", Role.FINANCE_OFFICER),
        )
    with pytest.raises(ValidationError) as refusal:
        services.name_report_recipient(
            budget=pool.budget,
            organisation=nhs,
            named=world.user("council", Role.OFFICER),
            user=world.user("nhs", Role.FINANCE_OFFICER),
        )
    assert refusal.value.message_dict["user"] == [f"Named officer: choose someone who acts for {nhs.name}."]


def test_a_report_not_issued_is_on_the_hosts_home_page_until_it_is(world, pool):
    host = world.user("council", Role.FINANCE_OFFICER)
    day = datetime.date(2018, 8, 1)
    items = [i for i in reminders.attention_items(host, today=day) if "statutory" in i["key"]]
    assert [(i["text"], i["overdue"]) for i in items] == [
        (
            f"{pool.budget.name}: Pooled fund manager's report: quarter 1 2018/19 to be issued by "
            "27 July 2018",
            True,
        )
    ]
    assert not [
        i
        for i in reminders.attention_items(world.user("nhs", Role.FINANCE_OFFICER), today=day)
        if "statutory" in i["key"]
    ]
    issue(world, pool)
    assert not [i for i in reminders.attention_items(host, today=day) if "statutory" in i["key"]]


def test_the_reports_page_offers_issuing_to_the_host_and_serves_the_files_to_partners(client, world, pool):
    report = issue(world, pool)
    url = reverse(
        "finance:statutory_reports", kwargs={"partnership": "ours", "budget": pool.budget.pk, "year": 2018}
    )
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    html = client.get(url).content.decode()
    assert html.count("Issue and send") == 4  # Q2 to Q4 and the annual return have ended by now
    client.force_login(world.user("nhs", Role.AUDITOR))
    html = client.get(url).content.decode()
    assert "Issue and send" not in html and "Issued" in html
    pdf = client.get(
        reverse(
            "finance:statutory_report_file", kwargs={"partnership": "ours", "pk": report.pk, "format": "pdf"}
        )
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    client.force_login(world.user("other", Role.FINANCE_OFFICER))
    response = client.get(
        reverse(
            "finance:statutory_report_file", kwargs={"partnership": "ours", "pk": report.pk, "format": "xlsx"}
        )
    )
    assert response.status_code == 404


def test_a_report_is_issued_again_only_as_a_correction_and_the_earlier_one_is_kept(client, world, pool):
    first = issue(world, pool)
    host = world.user("council", Role.FINANCE_OFFICER)

    def correct(text, period=Q1):
        return services.issue_statutory_report(
            budget=pool.budget,
            kind=ReportKind.POOLED_FUND,
            year=2018,
            period=period,
            user=host,
            correction=text,
        )

    with pytest.raises(ValidationError, match="nothing to correct"):
        correct("Wrong total", period=ReportPeriod.Q2)
    second = correct("The NHS body's contribution was shown before its variation.")
    assert (first.version, second.version) == (1, 2)
    assert second.pdf.name.endswith("-q1-v2.pdf") and first.pdf.name.endswith("-q1.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(second.pdf.open("rb")).pages)
    assert "Correction (version 2)" in text
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    url = reverse(
        "finance:statutory_reports", kwargs={"partnership": "ours", "budget": pool.budget.pk, "year": 2018}
    )
    html = client.get(url).content.decode()
    assert "Version 2: The NHS body&#x27;s contribution was shown before its variation." in html
    assert (
        reverse(
            "finance:statutory_report_file", kwargs={"partnership": "ours", "pk": first.pk, "format": "pdf"}
        )
        in html
    )
