"""The pooled fund manager sets the order of cover and a cap, enters the host's figures; the NHS
body's finance officer schedules an instalment and marks it paid; an auditor reads each
partner's memorandum account and the reconciliation: in Chromium with JavaScript off, then axe."""

import pytest

from finance.models import FundYear, Instalment, LinePlan
from partnership.choices import Role
from tests.committees.tabs import sign_in
from tests.finance.factories import MonitoringFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_year_end_working_from_the_budget_to_each_partners_account(
    live_server, browser, page, login, axe, world, pool, tmp_path
):
    # £50,000 of the £1,000,000 is kept out of the plans as contingency. The council's line
    # overspends by £150,000; the NHS body's underspends by £20,000.
    LinePlan.objects.filter(line=pool.nhs_line).update(amount=350000)
    MonitoringFactory(
        line=pool.council_line, year=2018, month=6, actual_to_date=300000, forecast_outturn=750000
    )
    MonitoringFactory(line=pool.nhs_line, year=2018, month=6, actual_to_date=190000, forecast_outturn=330000)
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(15000)
    host = sign_in(context, live_server, world.user("council", Role.FINANCE_OFFICER))
    budget_url = f"{live_server.url}{pool.budget.get_absolute_url()}?year=2018"

    host.goto(budget_url)
    host.click("text=Edit budget details")
    host.select_option("#id_cover_uncommitted", "0")
    host.fill(f"#id_cap_{world.bodies['nhs'].pk}", "40,000")
    host.get_by_label("Carried forward within the pool").check()
    host.click("main button:has-text('Save')")
    assert "Order of cover for an overspend" in host.content()
    assert "with caps" in host.content()

    host.click('a:has-text("Each partner\'s memorandum account")')
    host.click("text=Enter the host's figures for 2018/19")
    host.fill("#id_contingency", "50,000")
    host.fill("#id_income", "0")
    host.fill("#id_ledger_contributions", "abc")
    host.click("main button:has-text('Save')")
    assert "Contributions received in the ledger" in host.locator(".govuk-error-summary").inner_text()
    host.fill("#id_ledger_contributions", "400,000")
    host.fill("#id_ledger_spend", "495,000")
    host.click("main button:has-text('Save')")
    # £150,000 over: £20,000 of underspend, £50,000 contingency, then £80,000 on the bodies 60:40;
    # the NHS body's £32,000 is under its £40,000 cap.
    steps = host.locator("#cover ~ div table").first.inner_text()
    assert "£20,000.00" in steps and "£50,000.00" in steps and "£80,000.00" in steps
    accounts = host.locator("#accounts ~ div table").first.inner_text()
    assert "£48,000.00" in accounts and "£32,000.00" in accounts

    # The totals for the next year come from the ledger's spreadsheet: a wrong row refuses it whole.
    accounts_page = host.url
    host.click("text=Import the ledger totals from a spreadsheet")
    headings = "Financial year,Contributions received (£),Spend (£),Income (£),Ledger as at (dd/mm/yyyy)\n"
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(headings + "2019/20,abc,1,0,\n", encoding="utf-8")
    good.write_text(headings + "2019/20,1,1,0,30/04/2019\n", encoding="utf-8")
    host.set_input_files("#id_file", str(bad))
    host.click("main button:has-text('Check and import the totals')")
    assert "Contributions received (£)" in host.locator("#problems").inner_text()
    assert FundYear.objects.filter(year=2019).count() == 0
    host.set_input_files("#id_file", str(good))
    host.click("main button:has-text('Check and import the totals')")
    assert "The ledger totals for 2019/20 are imported." in host.content()
    host.goto(accounts_page)

    nhs = sign_in(
        browser.new_context(java_script_enabled=False), live_server, world.user("nhs", Role.FINANCE_OFFICER)
    )
    nhs.goto(host.url)
    assert nhs.locator("text=Enter the host's figures").count() == 0
    nhs.click("text=Schedule an instalment")
    nhs.fill("#id_due_on-day", "1")
    nhs.fill("#id_due_on-month", "4")
    nhs.fill("#id_due_on-year", "2018")
    nhs.fill("#id_amount", "400,000.01")
    nhs.click("main button:has-text('Save')")
    assert "more than the contribution of £400,000.00" in nhs.content()
    nhs.fill("#id_amount", "400,000")
    nhs.fill("#id_paid_on-day", "3")
    nhs.fill("#id_paid_on-month", "4")
    nhs.fill("#id_paid_on-year", "2018")
    nhs.click("main button:has-text('Save')")
    assert Instalment.objects.get().paid_on.isoformat() == "2018-04-03"
    assert "Received so far: £400,000.00 of £1,000,000.00." in nhs.content()

    login(world.user("council", Role.AUDITOR).username)
    page.goto(host.url)
    reconciliation = page.locator("#reconciliation ~ div table").first.inner_text()
    assert "None" in reconciliation  # contributions received agree with the ledger
    assert (
        "Spend to date (latest monitoring): the ledger shows £495,000.00, the accounts £490,000.00 "
        "(£5,000.00 more in the ledger)"
    ) in page.content()
    assert page.locator("text=Schedule an instalment").count() == 0
    assert axe(page) == []
