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
    main = page.locator("main").inner_text()
    assert "Agenda to be published by" in main
    assert "SECRETZEBRA tender evaluation" in main  # secretaries see exempt items

    page.click("text=Add an agenda item")
    page.fill("#id_title", "Any other business")
    page.select_option("#id_purpose", "information")
    page.click("button:has-text('Save')")
    assert "3. Any other business" in page.locator("main").inner_text()
    page.click("button:has-text('Move up item 3')")
    assert "2. Any other business" in page.locator("main").inner_text()

    page.click("text=Record attendance")
    for member in board.members[:3]:
        page.select_option(f"#id_status_{member.pk}", "present")
    page.click("button:has-text('Save attendance')")
    assert "Not quorate" not in page.locator("#quorum").locator("..").inner_text()
    assert "Quorate: 3 present, 3 needed" in page.locator("main").inner_text()

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
