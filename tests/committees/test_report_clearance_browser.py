"""A joint report through clearance: the council's finance reviewer asks for changes, the author
changes it, the reviewer and the ICB's lead clear it, and the author approves it for publication:
in a real Chromium with JavaScript switched off; then axe."""

import pytest

from committees import services
from committees.choices import ClearanceKind, ReportStatus
from committees.models import Report
from partnership.choices import Role
from tests.committees.factories import ReportFactory
from tests.committees.tabs import without_javascript

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_joint_report_is_cleared_then_approved_for_publication(
    live_server, browser, login, page, axe, world
):
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    reviewer = world.user("council", Role.FINANCE_OFFICER)
    services.save_clearance_reviewers(
        partnership=world.ours,
        organisation=council,
        kind=ClearanceKind.FINANCE,
        users=[reviewer],
        user=world.user("council", Role.ADMINISTRATOR),
    )
    report = ReportFactory(
        partnership=world.ours, organisation=council, title="Carers strategy", body="First draft"
    )
    report.joint_with.set([nhs])
    address = f"{live_server.url}{report.get_absolute_url()}"

    author = without_javascript(browser, live_server, world.user("council", Role.OFFICER))
    author.goto(address)
    author.click("button:has-text('Approve for publication')")
    assert "once it is cleared by finance (Council), the lead of ICB" in author.locator("main").inner_text()

    finance = without_javascript(browser, live_server, reviewer)
    finance.goto(address)
    finance.check("#clearance input[value=changes]")
    finance.click("button:has-text('Record your review')")
    assert "Say what should change." in finance.locator("main").inner_text()
    finance.goto(address)
    finance.check("#clearance input[value=changes]")
    finance.fill("#clearance textarea", "Show the cost of carers' breaks.")
    finance.click("button:has-text('Record your review')")
    assert "Changes asked for" in finance.locator("#clearance").inner_text()

    author.goto(f"{address}edit/")
    author.fill("#id_body", "Second draft: carers' breaks cost £25,000 a year.")
    author.click("main button:has-text('Save')")
    finance.goto(address)
    finance.check("#clearance input[value=cleared]")
    finance.click("button:has-text('Record your review')")
    lead = without_javascript(browser, live_server, world.user("nhs", Role.OFFICER))
    lead.goto(address)
    lead.check("#clearance input[value=cleared]")
    lead.click("button:has-text('Record your review')")
    assert "Review recorded: cleared." in lead.locator(".govuk-notification-banner").inner_text()

    author.goto(address)
    author.click("button:has-text('Approve for publication')")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.FINAL
    author.click("text=Every review given (3)")
    assert "Show the cost of carers' breaks." in author.locator("#clearance details").inner_text()

    login(reviewer.username)
    page.goto(address)
    assert axe(page) == []
    page.goto(f"{live_server.url}/p/ours/committees/clearance/")
    assert axe(page) == []
