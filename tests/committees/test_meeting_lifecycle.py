"""A meeting moves forward only: planned, agenda published, held, minutes approved, or
cancelled. Its status is never a form field; each move is a service with its rule."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.choices import MeetingStatus
from committees.forms import MeetingForm
from committees.models import AgendaItem, Meeting
from partnership.choices import Role
from tests.committees.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def secretary(world):
    return world.user("council", Role.COMMITTEE_SECRETARY)


def test_status_is_not_a_field_of_the_meeting_form():
    assert "status" not in MeetingForm.base_fields
    assert "minutes_approved_on" not in MeetingForm.base_fields


def test_a_meeting_is_held_then_its_minutes_approved_at_the_next(world, board):
    meeting = MeetingFactory(
        committee=board.committee,
        status=MeetingStatus.AGENDA_PUBLISHED,
        starts_at=timezone.now() - datetime.timedelta(days=7),
    )
    services.move_meeting(meeting=meeting, status="held", user=secretary(world))
    with pytest.raises(ValidationError, match="approves its minutes at a later meeting"):
        services.move_meeting(meeting=meeting, status="minutes_approved", user=secretary(world))
    following = MeetingFactory(
        committee=board.committee,
        status=MeetingStatus.HELD,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
    )
    AgendaItemFactory(meeting=following, title="Minutes of the previous meeting", minutes_of=meeting)
    with pytest.raises(ValidationError, match="the meeting of .* approved them"):
        services.move_meeting(
            meeting=meeting,
            status="minutes_approved",
            user=secretary(world),
            approved_on=following.date - datetime.timedelta(days=1),
        )
    services.move_meeting(meeting=meeting, status="minutes_approved", user=secretary(world))
    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes_approved_on) == (MeetingStatus.MINUTES_APPROVED, following.date)
    assert meeting.history.first().history_user == secretary(world)


@pytest.mark.parametrize(
    ("start", "target", "message"),
    [
        ("minutes_approved", "held", "minutes approved: it cannot be marked held"),
        ("cancelled", "held", "cancelled: it cannot be marked held"),
        ("planned", "minutes_approved", "planned: it cannot be marked minutes approved"),
        ("held", "cancelled", "held: it cannot be marked cancelled"),
    ],
)
def test_a_meeting_never_moves_backwards_or_skips(world, board, start, target, message):
    meeting = MeetingFactory(committee=board.committee, status=start)
    with pytest.raises(ValidationError, match=message):
        services.move_meeting(
            meeting=meeting,
            status=target,
            user=secretary(world),
            approved_on=timezone.localdate(),
            reason="x",
        )
    assert Meeting.objects.get(pk=meeting.pk).status == start


def test_a_future_meeting_cannot_be_recorded_as_held(world, board):
    meeting = MeetingFactory(committee=board.committee, status=MeetingStatus.AGENDA_PUBLISHED)
    with pytest.raises(ValidationError, match="before it has started"):
        services.move_meeting(meeting=meeting, status="held", user=secretary(world))


def test_cancelling_needs_a_reason_and_the_page_offers_only_the_next_steps(client, world, board):
    meeting = MeetingFactory(committee=board.committee)
    AgendaItemFactory(meeting=meeting)
    client.force_login(secretary(world))
    move = reverse("committees:meeting_move", kwargs={"partnership": "ours", "meeting": meeting.pk})
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Cancel the meeting" in page
    assert "Record the minutes as approved" not in page

    response = client.post(move, {"status": "cancelled"}, follow=True)
    assert "Reason: say why the meeting is cancelled." in response.content.decode()
    assert client.post(move, {"status": "sideways"}).status_code == 400

    client.post(move, {"status": "cancelled", "reason": "Not enough members could attend"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.history.first().history_change_reason == "Not enough members could attend"
    assert "Cancel the meeting" not in client.get(meeting.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_secretary_plans_a_meeting_like_a_previous_one(client, world, board):
    """Its time and place, and its standing items (no report, not late) in their running order;
    not twice on one day, not in the past."""
    AgendaItem.objects.create(meeting=board.meeting, order=3, title="Minutes of the previous meeting")
    AgendaItem.objects.create(
        meeting=board.meeting,
        order=0,
        title="Welcome and apologies",
        purpose="information",
        allotted_minutes=5,
    )
    AgendaItem.objects.create(
        meeting=board.meeting, order=4, title="Late: urgent bid", late=True, late_reason="Deadline"
    )
    client.force_login(world.user("nhs", Role.COMMITTEE_SECRETARY))
    address = reverse(
        "committees:meeting_plan_like", kwargs={"partnership": "ours", "meeting": board.meeting.pk}
    )
    day = board.meeting.date + datetime.timedelta(days=56)
    answer = client.post(
        address, {"day-day": day.day, "day-month": day.month, "day-year": day.year}, follow=True
    )
    planned = Meeting.objects.get(committee=board.committee, starts_at__date=day)
    assert "with 2 standing items" in answer.content.decode()
    assert timezone.localtime(planned.starts_at).time() == timezone.localtime(board.meeting.starts_at).time()
    assert planned.place == board.meeting.place and planned.status == "planned"
    assert list(planned.items.values_list("order", "title", "allotted_minutes")) == [
        (1, "Welcome and apologies", 5),
        (2, "Minutes of the previous meeting", None),
    ]
    again = client.post(
        address, {"day-day": day.day, "day-month": day.month, "day-year": day.year}, follow=True
    )
    assert f"already has a meeting on {day:%-d %B %Y}" in again.content.decode()
    past = timezone.localdate() - datetime.timedelta(days=1)
    answer = client.post(
        address, {"day-day": past.day, "day-month": past.month, "day-year": past.year}, follow=True
    )
    assert "Choose a day from today on" in answer.content.decode()
    assert Meeting.objects.filter(committee=board.committee).count() == 2
    client.force_login(world.user("nhs", Role.OFFICER))
    assert client.post(address, {"day-day": 1, "day-month": 1, "day-year": 2030}).status_code == 403
