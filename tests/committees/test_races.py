"""Two secretaries act on one meeting at once: one wins, the other is told why, and
nothing is duplicated or moved backwards. Two real PostgreSQL connections."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from committees import services
from committees.choices import BindingOutcome, InterestNature, MeetingStatus, ReportStatus
from committees.models import (
    Action,
    AgendaItem,
    Attendance,
    DecisionBinding,
    Declaration,
    Meeting,
    Minute,
    Report,
    ReportCostLine,
    SupplementaryAgenda,
)
from partnership import permissions
from partnership.choices import Role
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    DecisionBindingFactory,
    DecisionFactory,
    MeetingFactory,
    ReportFactory,
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


def meeting_with_a_late_item(committee):
    """A meeting that has started, its agenda out, with one late item not yet published."""
    meeting = MeetingFactory(
        committee=committee,
        status=MeetingStatus.AGENDA_PUBLISHED,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    AgendaItemFactory(
        meeting=meeting, late=True, late_reason="The grant deadline falls before the next meeting"
    )
    return meeting


def test_two_supplementary_agendas_published_at_once_make_one_and_refuse_the_other(pair, committee):
    meeting = meeting_with_a_late_item(committee)

    def publish(body):
        seen = Meeting.objects.get(pk=meeting.pk)
        return lambda: services.publish_supplementary_agenda(meeting=seen, user=secretary(pair, body))

    first, second = race(publish("council"), publish("nhs"))

    assert not first.refused and first.result.number == 1
    assert second.refused
    assert "no late items waiting for a supplementary agenda: nothing was published" in second.message
    assert list(SupplementaryAgenda.objects.filter(meeting=meeting).values_list("number", flat=True)) == [1]
    assert not meeting.items.filter(late=True, supplementary_agenda__isnull=True).exists()


def test_a_supplementary_agenda_published_as_the_meeting_is_marked_held_comes_first(pair, committee):
    meeting = meeting_with_a_late_item(committee)
    seen_by_both = Meeting.objects.get(pk=meeting.pk)

    def held():
        return services.move_meeting(
            meeting=seen_by_both, status=MeetingStatus.HELD, user=secretary(pair, "nhs")
        )

    def publish():
        return services.publish_supplementary_agenda(meeting=seen_by_both, user=secretary(pair))

    marked, published = race(held, publish)

    # "Held" looked first, under the lock, and found the late item unpublished.
    assert marked.refused
    assert "Publish the supplementary agenda for the late items" in marked.message
    assert not published.refused and published.result.number == 1
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.AGENDA_PUBLISHED


def test_a_meeting_marked_held_as_the_supplement_is_published_is_held_with_it(pair, committee):
    meeting = meeting_with_a_late_item(committee)
    seen_by_both = Meeting.objects.get(pk=meeting.pk)

    published, marked = race(
        lambda: services.publish_supplementary_agenda(meeting=seen_by_both, user=secretary(pair)),
        lambda: services.move_meeting(
            meeting=seen_by_both, status=MeetingStatus.HELD, user=secretary(pair, "nhs")
        ),
    )

    assert not published.refused and not marked.refused
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD


# --- Reports, cost lines and declarations -------------------------------------------------


def council_report(pair, **fields):
    return ReportFactory(partnership=pair.partnership, organisation=pair.bodies["council"], **fields)


def test_cost_added_while_the_report_is_finalised_is_refused_and_the_report_stays_final(pair):
    report = council_report(pair)
    seen_by_both = Report.objects.get(pk=report.pk)

    finalised, added = race(
        lambda: services.finalise_report(report=seen_by_both, user=pair.user("council", Role.OFFICER)),
        lambda: services.add_cost_line(
            report=seen_by_both,
            label="Legal advice",
            year_label="2018/19",
            amount=Decimal("15000"),
            user=secretary(pair),
        ),
    )

    assert not finalised.refused
    assert added.refused
    assert "This report is final, so its text, costs and appendices cannot change" in added.message
    assert Report.objects.get(pk=report.pk).status == ReportStatus.FINAL
    assert not ReportCostLine.objects.filter(report=report).exists()


def test_finalised_twice_at_once_finalises_once_and_tells_the_other(pair):
    report = council_report(pair)

    def finalise(role):
        seen = Report.objects.get(pk=report.pk)
        return lambda: services.finalise_report(report=seen, user=pair.user("council", role))

    first, second = race(finalise(Role.OFFICER), finalise(Role.COMMITTEE_SECRETARY))

    assert not first.refused
    assert second.refused
    assert "already final: someone finalised it before you" in second.message
    assert Report.history.filter(id=report.pk, status=ReportStatus.FINAL).count() == 1


def test_report_reopened_as_its_agenda_is_published_stays_final(pair, committee):
    meeting = MeetingFactory(committee=committee)
    report = council_report(pair, meeting=meeting, status=ReportStatus.FINAL)
    AgendaItemFactory(meeting=meeting, report=report)
    seen_meeting, seen_report = Meeting.objects.get(pk=meeting.pk), Report.objects.get(pk=report.pk)

    published, reopened = race(
        lambda: services.publish_agenda(meeting=seen_meeting, user=secretary(pair, "nhs")),
        lambda: services.reopen_report(
            report=seen_report, user=pair.user("council", Role.OFFICER), reason="Figures revised"
        ),
    )

    assert not published.refused
    assert reopened.refused
    assert "This report cannot be reopened" in reopened.message
    assert Report.objects.get(pk=report.pk).status == ReportStatus.FINAL
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.AGENDA_PUBLISHED


def test_the_same_cost_sent_twice_at_once_is_kept_once(pair):
    report = council_report(pair)

    def add():
        seen = Report.objects.get(pk=report.pk)
        return lambda: services.add_cost_line(
            report=seen,
            label="Legal advice",
            year_label="2018/19",
            amount=Decimal("15000"),
            user=pair.user("council", Role.OFFICER),
        )

    first, second = race(add(), add())

    assert not first.refused and first.result[1] is True
    assert not second.refused and second.result[1] is False
    assert ReportCostLine.objects.filter(report=report).count() == 1


def test_the_same_declaration_twice_at_once_is_recorded_once(pair, committee):
    meeting = MeetingFactory(committee=committee)
    item = AgendaItemFactory(meeting=meeting)
    member = CommitteeMemberFactory(committee=committee, organisation=pair.bodies["council"])

    def declare(body):
        declaration = Declaration(
            meeting=Meeting.objects.get(pk=meeting.pk),
            agenda_item=item,
            member=member,
            interest="Spouse employed by a provider",
            nature=InterestNature.OTHER_REGISTRABLE,
        )
        return lambda: services.save_declaration(declaration=declaration, user=secretary(pair, body))

    first, second = race(declare("council"), declare("nhs"))

    assert not first.refused
    assert second.refused
    assert "has already declared" in second.message
    assert Declaration.objects.filter(meeting=meeting).count() == 1


def test_an_item_added_as_the_agenda_is_published_becomes_a_late_item_that_needs_its_reason(pair, committee):
    meeting = MeetingFactory(committee=committee, status=MeetingStatus.PLANNED)
    AgendaItemFactory(meeting=meeting)
    seen_by_both = Meeting.objects.get(pk=meeting.pk)

    published, added = race(
        lambda: services.publish_agenda(meeting=seen_by_both, user=secretary(pair)),
        lambda: services.add_agenda_item(
            item=AgendaItem(meeting=seen_by_both, title="Opened before publication"),
            user=secretary(pair, "nhs"),
        ),
    )

    assert not published.refused
    assert added.refused
    assert "Special circumstances for taking the item late" in added.message
    assert not AgendaItem.objects.filter(title="Opened before publication").exists()


def test_the_same_action_recorded_twice_at_once_is_recorded_once(pair, committee):
    meeting = MeetingFactory(committee=committee)

    def record(body):
        seen = Meeting.objects.get(pk=meeting.pk)
        action = Action(meeting=seen, description="Draft the s75 variation", owner_name="Jane")
        return lambda: services.save_action(action=action, user=secretary(pair, body))

    first, second = race(record("council"), record("nhs"))

    assert not first.refused
    assert second.refused and "already recorded" in second.message
    assert Action.objects.filter(meeting=meeting).count() == 1


def test_the_agenda_published_twice_at_once_is_published_once_and_keeps_its_date(pair, committee):
    meeting = MeetingFactory(committee=committee, status=MeetingStatus.PLANNED)
    AgendaItemFactory(meeting=meeting)
    seen_by_both = Meeting.objects.get(pk=meeting.pk)

    first, second = race(
        lambda: services.publish_agenda(meeting=seen_by_both, user=secretary(pair)),
        lambda: services.publish_agenda(meeting=seen_by_both, user=secretary(pair, "nhs")),
    )

    assert not first.refused
    assert second.refused
    assert "The agenda was already published on" in second.message
    assert "supplementary agenda" in second.message
    published = Meeting.history.filter(id=meeting.pk, status=MeetingStatus.AGENDA_PUBLISHED)
    assert published.count() == 1
    assert Meeting.objects.get(pk=meeting.pk).agenda_published_at == published.get().agenda_published_at
