"""An officer puts a key decision on the forward plan and publishes it, a secretary steps the
decision through call-in, and the public read the plan: in a real Chromium with JavaScript
switched off; each page then checked with axe."""

import datetime

import pytest
from django.utils import timezone

from committees.key_decisions import publish_by
from committees.models import Attendance, PlannedDecision
from committees.services import record_decision
from partnership.choices import Role
from partnership.dates import add_working_days
from tests.committees.tabs import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(tab, name, day):
    tab.fill(f"#id_{name}-day", str(day.day))
    tab.fill(f"#id_{name}-month", str(day.month))
    tab.fill(f"#id_{name}-year", str(day.year))


def test_a_key_decision_from_the_plan_to_call_in_without_javascript(
    live_server, browser, login, page, axe, world, board
):
    board.committee.meets_in_public = True
    board.committee.call_in_working_days = 5
    board.committee.save()
    today = timezone.localdate()
    due = today + datetime.timedelta(days=60)
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(15000)
    tab = sign_in(context, live_server, world.user("council", Role.OFFICER))

    tab.goto(f"{live_server.url}/p/ours/committees/forward-plan/")
    tab.click("text=Plan a decision")
    tab.select_option("#id_organisation", str(world.bodies["council"].pk))
    tab.select_option("#id_committee", str(board.committee.pk))
    tab.fill("#id_title", "Community equipment service: contract award")
    fill_date(tab, "decision_due", due)
    tab.check("#id_key_decision")
    tab.check("#id_exempt_expected")
    tab.click("main button:has-text('Save')")
    # Nothing saved: each missing answer named at its field.
    summary = tab.locator(".govuk-error-summary").inner_text()
    assert "Choose the Schedule 12A paragraph expected to apply." in summary
    assert "Enter the contact" in summary
    tab.select_option("#id_exempt_paragraph", "3")
    tab.fill("#id_contact_name", "Jane Shayler")
    tab.click("main button:has-text('Save')")
    main = tab.locator("main").inner_text()
    assert f"Publish it by {publish_by(due):%-d %B %Y} for it to be taken on {due:%-d %B %Y}." in main
    fill_date(tab, "on", today)
    tab.click("main button:has-text('Publish')")
    main = tab.locator("main").inner_text()
    earliest = add_working_days(today, 28) + datetime.timedelta(days=1)
    assert "Published on the forward plan." in main and f"It may be taken from {earliest:%-d %B %Y}." in main

    anonymous = browser.new_context(java_script_enabled=False).new_page()
    anonymous.goto(f"{live_server.url}/public/forward-plan/ours/")
    public = anonymous.locator("main").inner_text()
    assert "Community equipment service: contract award" in public
    assert "paragraph 3 of Schedule 12A" in public

    planned = PlannedDecision.objects.get(title="Community equipment service: contract award")
    for member in board.members[:3]:
        Attendance.objects.get_or_create(meeting=board.meeting, member=member)
    secretary = world.user("council", Role.COMMITTEE_SECRETARY)
    decision = record_decision(
        meeting=board.meeting,
        agenda_item=board.item,
        resolution="Award the contract to the highest-scoring bidder.",
        matter="commissioning",
        decided_on=due,
        organisations=[world.bodies["council"]],
        user=secretary,
        planned_decision=planned,
        key_decision=True,
    )
    context.close()
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(15000)
    tab = sign_in(context, live_server, secretary)
    tab.goto(f"{live_server.url}{board.meeting.minutes_url}")
    card = tab.locator(f"#decision-{decision.pk}")
    assert "On the forward plan 28 clear days before" in card.inner_text()
    published = due + datetime.timedelta(days=1)
    card.locator("input[name=on]").fill(published.isoformat())
    card.locator("button:has-text('Record publication')").click()
    card = tab.locator(f"#decision-{decision.pk}")
    implement = add_working_days(add_working_days(published, 5), 1)  # 5 working days, then the next
    assert f"May be implemented from {implement:%-d %B %Y}." in card.inner_text()
    card.locator("input[name=on]").fill((published + datetime.timedelta(days=3)).isoformat())
    card.locator("button:has-text('Record call-in')").click()
    card = tab.locator(f"#decision-{decision.pk}")
    assert "may not be implemented until the call-in is decided" in card.inner_text()
    context.close()

    # Each page as a person with JavaScript on sees it, checked with axe.
    login(secretary.username)
    for address in (planned.get_absolute_url(), board.meeting.minutes_url, "/public/forward-plan/ours/"):
        page.goto(f"{live_server.url}{address}")
        assert axe(page) == [], address
