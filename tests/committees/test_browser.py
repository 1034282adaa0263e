"""The committee secretary's cycle in a real Chromium, without JavaScript-only controls."""

import pytest
from django.utils import timezone

from partnership.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_runs_a_meeting_from_agenda_to_decision(live_server, page, login, axe, world, board):
    login(world.user("nhs", Role.COMMITTEE_SECRETARY).username)
    page.goto(f"{live_server.url}{board.committee.get_absolute_url()}")
    assert "Nominations" in page.locator("main").inner_text()
    # The year after the board's meeting has none yet, so its quarterly cycle plans all four.
    year = timezone.localtime(board.meeting.starts_at).year + 1
    page.fill("#id_year", str(year))
    page.click("button:has-text('Plan meetings')")
    assert f"4 meetings planned for {year}" in page.locator(".govuk-notification-banner").inner_text()

    page.goto(f"{live_server.url}{board.meeting.get_absolute_url()}")
    assert axe(page) == []
    assert "Agenda to be published by" in page.locator("main").inner_text()
    page.click(".app-sub-navigation >> text=Agenda")
    assert page.locator("[aria-current=page]").inner_text() == "Agenda"
    assert (
        "SECRETZEBRA tender evaluation" in page.locator("main").inner_text()
    )  # secretaries see exempt items
    assert page.locator("text=Move up item 1").count() == 0  # the first item cannot move up

    page.click("text=Add an agenda item")
    page.fill("#id_title", "Any other business")
    page.select_option("#id_purpose", "information")
    page.click("button:has-text('Save')")
    assert "3. Any other business" in page.locator("main").inner_text()
    page.click("button:has-text('Move up item 3')")
    assert "2. Any other business" in page.locator("main").inner_text()

    page.click(".app-sub-navigation >> text=Attendance and quorum")
    page.click("text=Record attendance")
    for member in board.members[:3]:
        page.select_option(f"#id_status_{member.pk}", "present")
    page.click("button:has-text('Save attendance')")
    assert "Not quorate" not in page.locator("#quorum").locator("..").inner_text()
    assert "Quorate: 3 present, 3 needed" in page.locator("main").inner_text()

    page.click(".app-sub-navigation >> text=Minutes and decisions")
    page.click("text=Write minute of item 1")
    page.fill("#id_text", "The Board agreed the plan.")
    page.click("button:has-text('Save minute')")
    assert "The Board agreed the plan." in page.locator("main").inner_text()

    page.click("text=Record a decision")
    page.fill("#id_resolution", "Agree the Better Care Fund plan.")
    page.select_option("#id_matter", "commissioning")
    page.fill("#id_amount", "250000")
    page.locator("input[name=organisations]").nth(0).check()
    page.locator("input[name=organisations]").nth(1).check()
    page.click("button:has-text('Record decision')")
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Council: binding" in banner
    assert "ICB: recommendation awaiting ratification" in banner
    assert axe(page) == []

    # A report for an earlier meeting: found by the search above the report form.
    page.goto(f"{live_server.url}/p/ours/committees/reports/add/")
    page.fill("#id_meetings", board.committee.name.split()[0])
    page.click("button:has-text('Search meetings')")
    assert "found" in page.locator(".app-meeting-search").inner_text()
    assert axe(page) == []


def test_removing_an_item_and_cancelling_a_meeting_ask_first_on_a_phone_without_javascript(
    live_server, browser, world, board
):
    """Destructive steps go through a confirmation page that asks the reason; the meeting page's
    sections fit a 375 px screen and work without JavaScript."""
    from committees.models import AgendaItem

    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", world.user("council", Role.COMMITTEE_SECRETARY).username)
    page.fill("#id_password", "password")
    page.click("main button[type=submit]")
    meeting = board.meeting
    for url in (meeting.get_absolute_url(), meeting.agenda_url, meeting.attendance_url, meeting.minutes_url):
        page.goto(f"{live_server.url}{url}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, url

    page.goto(f"{live_server.url}{meeting.agenda_url}")
    page.click(f"text=Remove item {board.item.number}")
    assert (
        page.locator("h1").inner_text().endswith("Are you sure you want to remove this item from the agenda?")
    )
    page.click("button:has-text('Yes, remove the item')")
    assert "Enter the reason" in page.locator(".govuk-error-summary").inner_text()
    assert AgendaItem.objects.filter(pk=board.item.pk).exists()
    page.fill("textarea[name=change_reason]", "The report was withdrawn by its author.")
    page.click("button:has-text('Yes, remove the item')")
    assert "removed from the agenda" in page.locator(".govuk-notification-banner").inner_text()
    assert not AgendaItem.objects.filter(pk=board.item.pk).exists()

    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.click("main >> text=Cancel the meeting")
    page.get_by_role("link", name="No, keep the meeting").click()
    assert page.url.endswith(meeting.get_absolute_url())
    page.click("main >> text=Cancel the meeting")
    page.fill("textarea[name=change_reason]", "Snow closed the Guildhall.")
    page.click("button:has-text('Yes, cancel the meeting')")
    assert "recorded as cancelled" in page.locator(".govuk-notification-banner").inner_text()
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert "Snow closed the Guildhall." in meeting.history.latest().history_change_reason
    context.close()
