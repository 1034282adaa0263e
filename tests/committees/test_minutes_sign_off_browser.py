"""The secretary circulates the draft minutes, a member who attended proposes an amendment, the
secretary rejects one without a reason (told at the field) and accepts it, and the next meeting's
item approves the minutes: in a real Chromium with JavaScript switched off; then axe."""

import datetime

import pytest
from django.utils import timezone

from committees.choices import AttendanceStatus, MeetingStatus
from partnership.choices import Role
from tests.committees.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeMemberFactory,
    MeetingFactory,
    MinuteFactory,
)
from tests.committees.tabs import without_javascript
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draft_minutes_are_amended_and_approved_at_the_next_meeting(
    live_server, browser, login, page, axe, world, board
):
    meeting = board.meeting
    meeting.starts_at = timezone.now() - datetime.timedelta(days=14)
    meeting.status = MeetingStatus.HELD
    meeting.save()
    member = UserFactory(username="minutes-member", first_name="Pat", last_name="Member")
    MembershipFactory(user=member, organisation=world.bodies["council"], role=Role.OFFICER)
    seat = CommitteeMemberFactory(
        committee=meeting.committee, organisation=world.bodies["council"], user=member
    )
    AttendanceFactory(meeting=meeting, member=seat, status=AttendanceStatus.PRESENT)
    item = AgendaItemFactory(meeting=meeting, order=1, title="Carers strategy")
    MinuteFactory(agenda_item=item, text="The Board noted the strategy.")
    following = MeetingFactory(
        committee=meeting.committee,
        status=MeetingStatus.PLANNED,
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )

    secretary = without_javascript(browser, live_server, world.user("council", Role.COMMITTEE_SECRETARY))
    secretary.goto(f"{live_server.url}{meeting.minutes_url}")
    secretary.click("button:has-text('Circulate the draft minutes')")
    assert "sent to those who attended" in secretary.locator(".govuk-notification-banner").inner_text()

    tab = without_javascript(browser, live_server, member)
    tab.goto(f"{live_server.url}{meeting.minutes_url}")
    tab.click("text=Propose an amendment")
    tab.fill("#id_text", "The Board noted the strategy and asked for a carers' survey.")
    tab.fill("#id_note", "The survey was agreed at the meeting.")
    tab.click("button:has-text('Propose the amendment')")
    assert "Amendment proposed" in tab.locator(".govuk-notification-banner").inner_text()

    secretary.goto(f"{live_server.url}{meeting.minutes_url}")
    secretary.check("input[name=decision][value=reject]")
    secretary.click("button:has-text('Record the decision')")
    # The minutes again, the error beside the reason and the choice kept.
    assert "Give the reason for rejecting it" in secretary.locator(".govuk-error-summary").inner_text()
    assert secretary.locator("input[name=decision][value=reject]").is_checked()
    assert secretary.locator("textarea[name=reason].govuk-textarea--error").is_visible()
    secretary.goto(f"{live_server.url}{meeting.minutes_url}")
    secretary.check("input[name=decision][value=accept]")
    secretary.click("button:has-text('Record the decision')")
    assert "Amendment accepted." in secretary.locator(".govuk-notification-banner").inner_text()
    assert "asked for a carers' survey" in secretary.locator(f"#item-{item.pk}").inner_text()

    # The next meeting's agenda takes the minutes for approval; once it is held they are approved.
    secretary.goto(f"{live_server.url}{following.agenda_url}")
    secretary.click("text=Add an agenda item")
    secretary.fill("#id_title", "Minutes of the last meeting")
    secretary.select_option("#id_purpose", "decision")
    secretary.select_option("#id_minutes_of", str(meeting.pk))
    secretary.click("main button:has-text('Save')")
    assert (
        f"Approves the minutes of the meeting of {meeting.date:%-d %B %Y}"
        in secretary.locator("main").inner_text()
    )
    following.status = MeetingStatus.HELD
    following.save()
    secretary.goto(f"{live_server.url}/p/ours/committees/meetings/{meeting.pk}/approve-minutes/")
    assert (
        f"Approved at item 1 of the meeting of {following.date:%-d %B %Y}"
        in secretary.locator("main").inner_text()
    )
    secretary.click("button:has-text('Yes, record the minutes as approved')")
    secretary.goto(f"{live_server.url}{meeting.minutes_url}")
    text = secretary.locator("main").inner_text()
    assert "Approved" in text and "can no longer change" in text and "Propose an amendment" not in text

    login(member.username)
    page.goto(f"{live_server.url}{meeting.minutes_url}")
    assert axe(page) == []
