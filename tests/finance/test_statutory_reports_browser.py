"""The NHS body names its officer; the host's finance officer issues the quarter's report; an
auditor opens the PDF as issued: in Chromium with JavaScript off, then axe on the page."""

import io

import pytest
from pypdf import PdfReader

from finance.models import ReportRecipient, StatutoryReport
from partnership.choices import Role
from tests.committees.tabs import sign_in
from tests.finance.factories import MonitoringFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_names_its_officer_and_the_host_issues_the_quarters_report(
    live_server, browser, page, login, axe, world, pool, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    MonitoringFactory(
        line=pool.council_line, year=2018, month=3, actual_to_date=140000, forecast_outturn=610000
    )
    reports = f"{live_server.url}/p/ours/finance/budgets/{pool.budget.pk}/years/2018/reports/"
    nhs = sign_in(
        browser.new_context(java_script_enabled=False), live_server, world.user("nhs", Role.FINANCE_OFFICER)
    )
    nhs.goto(f"{live_server.url}{pool.budget.get_absolute_url()}?year=2018")
    nhs.click("text=The statutory reports for 2018/19")
    assert nhs.locator("text=Issue and send").count() == 0  # only the host issues
    assert nhs.locator(f"#named-{world.bodies['council'].pk}").count() == 0  # only its own officer
    named = world.user("nhs", Role.OFFICER)
    nhs.select_option(f"#named-{world.bodies['nhs'].pk}", str(named.pk))
    nhs.click(f"button:has-text('Save the named officer for {world.bodies['nhs'].name}')")
    assert "will receive the reports for" in nhs.content()
    assert ReportRecipient.objects.get(organisation=world.bodies["nhs"]).user == named

    host = sign_in(
        browser.new_context(java_script_enabled=False),
        live_server,
        world.user("council", Role.FINANCE_OFFICER),
    )
    host.goto(reports)
    host.click("button:has-text('Issue and send Pooled fund manager\\'s report: quarter 1 2018/19')")
    assert "issued and sent to 1 named officer" in host.content()
    report = StatutoryReport.objects.get()
    assert "Issued" in host.locator("table tbody tr").first.inner_text()

    login(world.user("nhs", Role.AUDITOR).username)
    page.goto(reports)
    assert page.locator("text=Issue and send").count() == 0
    with page.expect_download() as download:
        page.click("a:has-text('Excel')")
    assert download.value.suggested_filename.endswith("-q1.xlsx")
    pdf = page.request.get(f"{live_server.url}/p/ours/finance/statutory-reports/{report.pk}.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "£610,000.00" in text and world.bodies["nhs"].name in text
    assert axe(page) == []
