"""Meetings generated from the cycle; the agenda builder."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from committees.choices import CommitteeStatus, MeetingCycle
from committees.services import generate_meetings, move_agenda_item
from partnership.choices import Role
from tests.committees.factories import AgendaItemFactory, CommitteeFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cycle", "count"),
    [
        (MeetingCycle.MONTHLY, 12),
        (MeetingCycle.BI_MONTHLY, 6),
        (MeetingCycle.QUARTERLY, 4),
        (MeetingCycle.SIX_MONTHLY, 2),
        (MeetingCycle.ANNUAL, 1),
    ],
)
def test_generate_meetings_follows_the_cycle(world, cycle, count):
    committee = CommitteeFactory(partnership=world.ours, cycle=cycle, default_place="Guildhall")
    user = world.user("nhs", Role.COMMITTEE_SECRETARY)
    created = generate_meetings(committee=committee, year=2026, user=user)
    assert len(created) == count
    assert all(m.place == "Guildhall" for m in created)
    assert all(timezone.localtime(m.starts_at).weekday() == 3 for m in created)
    # Twice adds nothing.
    assert generate_meetings(committee=committee, year=2026, user=user) == []
    assert committee.meetings.count() == count


@pytest.mark.django_db
def test_generate_meetings_respects_shadow_start_and_dissolution(world):
    committee = CommitteeFactory(
        partnership=world.ours,
        cycle=MeetingCycle.MONTHLY,
        status=CommitteeStatus.DISSOLVED,
        status_from=datetime.date(2026, 3, 1),
        status_to=datetime.date(2026, 6, 30),
    )
    created = generate_meetings(
        committee=committee, year=2026, user=world.user("council", Role.COMMITTEE_SECRETARY)
    )
    assert [m.date.month for m in created] == [3, 4, 5, 6]


@pytest.mark.django_db
def test_only_secretaries_generate_meetings(world):
    committee = CommitteeFactory(partnership=world.ours)
    for role in (Role.OFFICER, Role.ADMINISTRATOR, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            generate_meetings(committee=committee, year=2026, user=world.user("council", role))


@pytest.mark.django_db
def test_move_items_up_and_down_renumbers(board, world):
    third = AgendaItemFactory(meeting=board.meeting, order=3, title="Any other business")
    user = world.user("council", Role.COMMITTEE_SECRETARY)
    move_agenda_item(item=third, direction="up", user=user)
    titles = list(board.meeting.items.order_by("order").values_list("order", "title"))
    assert titles == [
        (1, "Better Care Fund plan"),
        (2, "Any other business"),
        (3, "SECRETZEBRA tender evaluation"),
    ]
    assert move_agenda_item(item=board.item, direction="up", user=user) is False


@pytest.mark.django_db
def test_reorder_without_javascript_through_the_buttons(client, board, world):
    client.force_login(world.user("nhs", Role.COMMITTEE_SECRETARY))
    url = reverse("committees:item_move", kwargs={"partnership": "ours", "pk": board.item.pk})
    response = client.post(url, {"direction": "down"})
    assert response.status_code == 302
    board.item.refresh_from_db()
    assert board.item.order == 2
    page = client.get(board.meeting.agenda_url).content.decode()
    assert page.index("SECRETZEBRA tender evaluation") < page.index("Better Care Fund plan")


@pytest.mark.django_db
def test_adding_items_numbers_them_and_exempt_needs_a_paragraph(client, board, world):
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    url = reverse("committees:item_add", kwargs={"partnership": "ours", "meeting": board.meeting.pk})
    response = client.post(url, {"title": "Staffing", "purpose": "decision", "exempt": "on"})
    assert response.status_code == 200
    assert "Schedule 12A paragraph" in response.content.decode()
    response = client.post(
        url,
        {
            "title": "Staffing",
            "purpose": "decision",
            "exempt": "on",
            "exempt_paragraph": "1",
            "public_interest_reasons": "It names the staff affected before they are told.",
        },
    )
    assert response.status_code == 302
    assert board.meeting.items.get(title="Staffing").order == 3


@pytest.mark.django_db
def test_generate_through_the_committee_page(client, world):
    committee = CommitteeFactory(partnership=world.ours, cycle=MeetingCycle.BI_MONTHLY)
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    url = reverse("committees:meetings_generate", kwargs={"partnership": "ours", "committee": committee.pk})
    assert client.post(url, {"year": 2027}).status_code == 302
    assert committee.meetings.count() == 6
