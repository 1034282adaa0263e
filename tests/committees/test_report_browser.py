"""An officer writes a report, costs it, finalises it and reopens it, in a real Chromium
with JavaScript switched off: every step is a plain form."""

import pytest

from committees.models import Report
from partnership.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_writes_finalises_and_reopens_a_report_without_javascript(
    live_server, browser, login, page, axe, world, board
):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    officer = world.user("council", Role.OFFICER)
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", officer.username)
    tab.fill("#id_password", "password")
    tab.click("button:has-text('Sign in')")

    tab.goto(f"{live_server.url}/p/ours/committees/reports/")
    tab.click("text=Draft a report")
    assert tab.locator("#id_status").count() == 0  # the status is not a form field
    tab.select_option("#id_organisation", str(world.bodies["council"].pk))
    tab.fill("#id_title", "Better Care Fund 2019/20")
    tab.fill("#id_recommendations", "The Board is asked to agree the plan.")
    tab.click("button:has-text('Save')")
    assert "Better Care Fund 2019/20" in tab.locator("h1").inner_text()

    tab.fill("#id_label", "Programme Director")
    tab.fill("#id_year_label", "2019/20")
    tab.fill("#id_amount", "37964")
    tab.click("button:has-text('Add cost')")
    assert "Cost “Programme Director” (2019/20) added." in tab.locator("main").inner_text()

    tab.click("button:has-text('Approve for publication')")
    main = tab.locator("main").inner_text()
    assert "The report is final" in main
    assert tab.locator("button:has-text('Add cost')").count() == 0
    assert tab.locator("text=Edit report").count() == 0

    tab.click("text=Reopen as a draft")  # the details element opens without JavaScript
    tab.fill("#id_reopen_reason", "The ICB revised its figures")
    tab.click("button:has-text('Reopen as a draft')")
    assert "draft again" in tab.locator("main").inner_text()
    report = Report.objects.get(title="Better Care Fund 2019/20")
    assert report.status == "draft"
    assert report.history.first().history_change_reason == "The ICB revised its figures"
    context.close()

    login(officer.username)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    assert axe(page) == []
