"""Two secretaries act on one meeting at once: one wins, the other is told why, and
nothing is duplicated or moved backwards. Two real PostgreSQL connections."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from committees import services
from committees.choices import BindingOutcome, MeetingStatus
from committees.models import Attendance, DecisionBinding, Meeting, Minute
from partnership import permissions
from partnership.choices import Role
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    DecisionBindingFactory,
    DecisionFactory,
    MeetingFactory,
)
from tests.races import race, two_bodies

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair():
    return two_bodies()


@pytest.fixture
def committee(pair):
    committee = CommitteeFactory(partnership=pair.partnership, name="Racing Board")
    permissions.grant_owner_permissions(committee)
    return committee


def secretary(pair, body="council"):
    return pair.user(body, Role.COMMITTEE_SECRETARY)


def test_ratified_and_rejected_at_once_keeps_one_outcome_and_tells_the_other(pair, committee):
    meeting = MeetingFactory(committee=committee)
    binding = DecisionBindingFactory(
        decision=DecisionFactory(meeting=meeting, decided_on=datetime.date(2018, 6, 1)),
        organisation=pair.bodies["nhs"],
    )

    def record(ratified, role):
        as_loaded = DecisionBinding.objects.get(pk=binding.pk)  # each person's own page
        return lambda: services.ratify_decision(
            binding=as_loaded,
            user=pair.user("nhs", role),
            ratified_on=datetime.date(2018, 7, 1),
            ratified=ratified,
        )

    ratified, rejected = race(record(True, Role.COMMITTEE_SECRETARY), record(False, Role.ADMINISTRATOR))

    assert not ratified.refused
    assert rejected.refused
    assert "recorded as ratified" in rejected.message
    assert DecisionBinding.objects.get(pk=binding.pk).outcome == BindingOutcome.RATIFIED


def test_publishing_the_agenda_as_the_minutes_are_approved_leaves_them_approved(pair, committee):
    meeting = MeetingFactory(committee=committee, status=MeetingStatus.HELD)
    AgendaItemFactory(meeting=meeting)
    seen_by_both = Meeting.objects.get(pk=meeting.pk)

    def approve_minutes():
        with transaction.atomic():
            locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
            locked.status = MeetingStatus.MINUTES_APPROVED
            locked.save()

    approved, published = race(
        approve_minutes, lambda: services.publish_agenda(meeting=seen_by_both, user=secretary(pair))
    )

    assert not approved.refused
    assert published.refused
    assert "minutes approved: its agenda can no longer be published" in published.message
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.MINUTES_APPROVED


def test_planning_the_year_twice_at_once_plans_each_meeting_once(pair, committee):
    year = timezone.localdate().year + 1

    def plan(body):
        return lambda: services.generate_meetings(committee=committee, year=year, user=secretary(pair, body))

    first, second = race(plan("council"), plan("nhs"))

    assert not first.refused and not second.refused
    assert len(first.result) == 4
    assert second.result == []
    assert Meeting.objects.filter(committee=committee, starts_at__year=year).count() == 4


def test_two_first_minutes_at_once_keep_the_first_and_refuse_the_second(pair, committee):
    item = AgendaItemFactory(meeting=MeetingFactory(committee=committee, status=MeetingStatus.HELD))

    def write(text, body):
        return lambda: services.save_minute(
            item=item, text=text, user=secretary(pair, body), loaded_version="new"
        )

    first, second = race(write("Agreed the plan.", "council"), write("Noted the plan.", "nhs"))

    assert not first.refused
    assert second.refused and isinstance(second.error, services.MinuteChanged)
    assert "Someone else saved this minute after you opened it" in second.message
    assert list(Minute.objects.filter(agenda_item=item).values_list("text", flat=True)) == [
        "Agreed the plan."
    ]


def test_two_first_registers_of_attendance_at_once_make_one_row_per_member(pair, committee):
    meeting = MeetingFactory(committee=committee, status=MeetingStatus.HELD)
    members = [
        CommitteeMemberFactory(committee=committee, organisation=pair.bodies[b]) for b in ("council", "nhs")
    ]

    def register(body):
        return lambda: services.record_attendance(
            meeting=meeting, entries={m: ("present", "") for m in members}, user=secretary(pair, body)
        )

    first, second = race(register("council"), register("nhs"))

    assert not first.refused and not second.refused
    assert Attendance.objects.filter(meeting=meeting).count() == 2
