"""A secretary keeps a meeting as a template and plans the next meeting from it on the
committee's page: in a real Chromium with JavaScript switched off; then axe."""

import datetime

import pytest
from django.utils import timezone

from committees.models import Meeting
from partnership.choices import Role
from tests.committees.factories import AgendaItemFactory
from tests.committees.tabs import without_javascript

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_meeting_kept_as_a_template_plans_the_next(live_server, browser, login, page, axe, world, board):
    AgendaItemFactory(meeting=board.meeting, order=9, title="Any other business", allotted_minutes=10)
    user = world.user("council", Role.COMMITTEE_SECRETARY)
    tab = without_javascript(browser, live_server, user)
    tab.goto(f"{live_server.url}{board.meeting.get_absolute_url()}")
    tab.click("text=Keep this meeting as a template")
    tab.click("button:has-text('Keep as a template')")
    assert (
        "Enter the name" in tab.locator("main").inner_text() or "required" in tab.locator("main").inner_text()
    )
    tab.click("text=Keep this meeting as a template")
    tab.fill("#id_name", "Board in the Guildhall")
    tab.click("button:has-text('Keep as a template')")
    assert "Template “Board in the Guildhall” kept" in tab.locator(".govuk-notification-banner").inner_text()

    day = timezone.localdate() + datetime.timedelta(days=75)
    card = tab.locator(".govuk-summary-card", has_text="Board in the Guildhall")
    assert "Any other business (10 min)" in card.inner_text()
    card.locator("input[name$='-day-day']").fill(str(day.day))
    card.locator("input[name$='-day-month']").fill(str(day.month))
    card.locator("input[name$='-day-year']").fill(str(day.year))
    card.locator("button:has-text('Plan a meeting from')").click()
    assert "from “Board in the Guildhall”" in tab.locator(".govuk-notification-banner").inner_text()
    planned = Meeting.objects.get(committee=board.committee, starts_at__date=day)
    assert [item.title for item in planned.items.all()] == ["Any other business"]

    login(user.username)
    page.goto(f"{live_server.url}{board.committee.get_absolute_url()}")
    assert axe(page) == []
