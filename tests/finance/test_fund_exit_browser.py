"""The host's finance officer ends a pooled fund whose agreement is terminating: plans the exit,
records a residual liability and staff going back, sees why the fund cannot close, settles and
closes it; an auditor then reads the closed fund. Chromium with JavaScript off, then axe."""

import datetime
from decimal import Decimal

import pytest

from finance import services
from finance.choices import UnderspendRule
from finance.models import FundExit
from partnership.choices import Role
from tests.committees.tabs import sign_in
from tests.finance.factories import InstalmentFactory, MonitoringFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_host_ends_a_fund_and_it_closes_only_once_settled(
    live_server, browser, page, login, axe, world, pool
):
    agreement = pool.budget.agreement
    agreement.ending_status = "terminated"
    agreement.notice_given_on = datetime.date(2018, 10, 1)
    agreement.ends_on = datetime.date(2019, 3, 31)
    agreement.ending_reason = "The partners are moving to aligned budgets"
    agreement.save()
    host_user = world.user("council", Role.FINANCE_OFFICER)
    pool.budget.underspend_rule = UnderspendRule.CARRY_FORWARD
    services.save_budget(budget=pool.budget, user=host_user)
    MonitoringFactory(
        line=pool.council_line,
        year=2018,
        month=12,
        actual_to_date=Decimal("570000"),
        forecast_outturn=Decimal("570000"),
    )
    services.close_financial_year(budget=pool.budget, year=2018, user=host_user)
    for contribution in (pool.council_contribution, pool.nhs_contribution):
        InstalmentFactory(
            contribution=contribution, amount=contribution.amount, paid_on=datetime.date(2018, 4, 2)
        )

    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(15000)
    host = sign_in(context, live_server, host_user)
    host.goto(f"{live_server.url}{pool.budget.get_absolute_url()}?year=2018")
    host.click("text=Ending the fund")
    host.click("text=Plan the fund's exit")
    host.fill("#id_final_year", "2018/19")
    host.fill("#id_plan", "Services return to each body on 1 April 2019.")
    host.click("main button:has-text('Save')")
    assert FundExit.objects.get().final_year == 2018

    host.click("text=Add staff or an asset to return")
    host.get_by_label("Staff").check()
    host.fill("#id_description", "Reablement team (12 staff)")
    host.select_option("#id_returned_to", str(world.bodies["council"].pk))
    host.click("main button:has-text('Save')")
    host.click("text=Add a residual liability")
    host.fill("#id_description", "Care packages committed to 30 June 2019")
    host.fill("#id_amount", "12,000")
    host.select_option("#id_held_by", str(world.bodies["nhs"].pk))
    host.click("main button:has-text('Save')")
    problems = host.locator("#close ~ ul").first.inner_text()
    # £30,000 underspent, carried forward 60:40: each closing balance goes back to its body.
    assert "The fund still owes" in problems and "£18,000.00" in problems and "£12,000.00" in problems
    assert "Staff not yet returned" in problems
    assert host.locator("button:has-text('Close the fund')").count() == 0

    for body, amount in (("council", "-18,000"), ("nhs", "-12,000")):
        host.click("text=Record a settlement payment")
        host.select_option("#id_organisation", str(world.bodies[body].pk))
        host.fill("#id_amount", amount)
        host.fill("#id_paid_on-day", "1")
        host.fill("#id_paid_on-month", "5")
        host.fill("#id_paid_on-year", "2019")
        host.click("main button:has-text('Save')")
    host.click("text=Change Reablement team (12 staff)")
    host.fill("#id_returned_on-day", "1")
    host.fill("#id_returned_on-month", "4")
    host.fill("#id_returned_on-year", "2019")
    host.click("main button:has-text('Save')")
    host.click("button:has-text('Close the fund')")
    assert "is closed" in host.content()
    assert FundExit.objects.get().closed_on is not None

    login(world.user("nhs", Role.AUDITOR).username)
    page.goto(host.url)
    assert "Closed" in page.locator("h1").inner_text()
    assert "Care packages committed to 30 June 2019 (about £12,000.00): held by" in page.content()
    assert page.locator("text=Record a settlement payment").count() == 0
    assert axe(page) == []
