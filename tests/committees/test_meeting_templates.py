"""A meeting kept as a template of its committee (time, place, open standing items in their
running order), and meetings planned from it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.choices import ItemPurpose
from committees.models import Meeting, MeetingTemplate
from partnership.choices import Role
from tests.committees.factories import AgendaItemFactory, MeetingFactory, ReportFactory

pytestmark = pytest.mark.django_db


def secretary(world):
    return world.user("nhs", Role.COMMITTEE_SECRETARY)


@pytest.fixture
def source(world, board):
    """The board's meeting at 10:30, with two open standing items, a report item, an exempt item
    and a late item."""
    meeting = MeetingFactory(
        committee=board.committee,
        starts_at=timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10, 30))),
        place="Council Chamber, Keynsham",
    )
    AgendaItemFactory(meeting=meeting, order=1, title="Welcome and apologies", allotted_minutes=5)
    AgendaItemFactory(
        meeting=meeting,
        order=2,
        title="Minutes of the last meeting",
        purpose=ItemPurpose.DECISION,
        allotted_minutes=10,
    )
    AgendaItemFactory(
        meeting=meeting,
        order=3,
        title="Budget report",
        report=ReportFactory(partnership=world.ours, meeting=meeting),
    )
    AgendaItemFactory(meeting=meeting, order=4, title="Contract performance", exempt=True, exempt_paragraph=3)
    AgendaItemFactory(meeting=meeting, order=5, title="Urgent item", late=True, late_reason="Deadline")
    return meeting


def test_a_meeting_kept_as_a_template_keeps_its_time_place_and_open_standing_items(world, source):
    template = services.save_meeting_template(meeting=source, name="Quarterly board", user=secretary(world))
    assert (template.start_time, template.place) == (datetime.time(10, 30), "Council Chamber, Keynsham")
    assert [(i.order, i.title, i.purpose, i.allotted_minutes) for i in template.items.all()] == [
        (1, "Welcome and apologies", ItemPurpose.INFORMATION, 5),
        (2, "Minutes of the last meeting", ItemPurpose.DECISION, 10),
    ]
    with pytest.raises(ValidationError) as twice:
        services.save_meeting_template(meeting=source, name="quarterly BOARD ", user=secretary(world))
    assert "name" in twice.value.message_dict
    with pytest.raises(PermissionDenied):
        services.save_meeting_template(meeting=source, name="Other", user=world.user("nhs", Role.OFFICER))
    assert MeetingTemplate.objects.count() == 1


def test_a_meeting_planned_from_a_template_has_its_items_in_order_at_its_time_and_place(world, source):
    template = services.save_meeting_template(meeting=source, name="Quarterly board", user=secretary(world))
    day = timezone.localdate() + datetime.timedelta(days=45)
    meeting = services.plan_meeting_from_template(template=template, day=day, user=secretary(world))
    assert (meeting.date, timezone.localtime(meeting.starts_at).time(), meeting.place) == (
        day,
        datetime.time(10, 30),
        "Council Chamber, Keynsham",
    )
    assert [(i.order, i.title, i.allotted_minutes) for i in meeting.items.all()] == [
        (1, "Welcome and apologies", 5),
        (2, "Minutes of the last meeting", 10),
    ]
    assert meeting.history.first().history_change_reason == "Planned from the template “Quarterly board”"
    with pytest.raises(ValidationError, match="already has a meeting on"):
        services.plan_meeting_from_template(template=template, day=day, user=secretary(world))
    with pytest.raises(ValidationError) as past:
        services.plan_meeting_from_template(
            template=template, day=timezone.localdate() - datetime.timedelta(days=1), user=secretary(world)
        )
    assert "day" in past.value.message_dict
    # Removing the template leaves the meetings planned from it as they are.
    assert services.delete_meeting_template(template=template, user=secretary(world))
    assert not services.delete_meeting_template(template=template, user=secretary(world))
    assert Meeting.objects.get(pk=meeting.pk).items.count() == 2


def test_the_committee_page_plans_a_meeting_from_a_template(client, world, source):
    template = services.save_meeting_template(meeting=source, name="Quarterly board", user=secretary(world))
    client.force_login(secretary(world))
    page = client.get(source.committee.get_absolute_url()).content.decode()
    assert "Quarterly board" in page and "Plan a meeting from “Quarterly board”" in page
    day = timezone.localdate() + datetime.timedelta(days=60)
    prefix = f"template-{template.pk}-day"
    response = client.post(
        reverse("committees:template_plan", kwargs={"partnership": "ours", "pk": template.pk}),
        {f"{prefix}-day": day.day, f"{prefix}-month": day.month, f"{prefix}-year": day.year},
    )
    planned = Meeting.objects.get(committee=source.committee, starts_at__date=day)
    assert response.url == planned.get_absolute_url()
    client.force_login(world.user("nhs", Role.OFFICER))
    assert "Plan a meeting from" not in client.get(source.committee.get_absolute_url()).content.decode()
