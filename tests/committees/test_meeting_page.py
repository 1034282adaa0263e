"""The meeting page in sections, the actions each state allows, confirmation before removing or
cancelling, and choices that show what is current rather than everything since 2018."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.choices import Matter, MeetingStatus
from committees.forms import AgendaItemForm, ReportForm
from committees.models import AgendaItem, CommitteeMember
from partnership.choices import Role
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeMemberFactory,
    MeetingFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db


def secretary(world):
    return world.user("council", Role.COMMITTEE_SECRETARY)


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_each_section_shows_its_own_part_under_a_sub_navigation(client, world, board):
    client.force_login(secretary(world))
    meeting = board.meeting
    summary = text(client, meeting.get_absolute_url())
    assert 'aria-current="page">Summary<' in summary
    assert "Agenda to be published by" in summary and "Record attendance" not in summary
    agenda = text(client, meeting.agenda_url)
    assert 'aria-current="page">Agenda<' in agenda
    assert "Better Care Fund plan" in agenda and "Declarations of interest" in agenda
    assert "Agenda to be published by" not in agenda
    attendance = text(client, meeting.attendance_url)
    assert "Record attendance" in attendance and 'id="quorum"' in attendance
    minutes = text(client, meeting.minutes_url)
    assert "Write minute" in minutes and 'id="decisions"' in minutes and 'id="actions"' in minutes
    assert 'id="papers"' in text(client, meeting.papers_url)
    assert client.get(meeting.get_absolute_url() + "nonsense/").status_code == 404


def test_the_first_item_offers_no_move_up_and_the_last_no_move_down(client, world, board):
    client.force_login(secretary(world))
    agenda = text(client, board.meeting.agenda_url)
    assert agenda.count("Move up") == agenda.count("Move down") == board.meeting.items.count() - 1
    assert 'Move up<span class="govuk-visually-hidden"> item 1<' not in agenda


def test_once_the_minutes_are_approved_nothing_of_the_meeting_s_record_changes(client, world, board):
    meeting = board.meeting
    meeting.status = MeetingStatus.MINUTES_APPROVED
    meeting.save()
    with pytest.raises(ValidationError, match="minutes have been approved"):
        services.save_minute(item=board.item, text="Changed afterwards.", user=secretary(world))
    with pytest.raises(ValidationError, match="minutes have been approved"):
        services.record_decision(
            meeting=meeting,
            resolution="Agree.",
            matter=Matter.OTHER,
            organisations=[world.bodies["council"]],
            user=secretary(world),
        )
    with pytest.raises(ValidationError, match="minutes have been approved"):
        services.record_attendance(meeting=meeting, entries={}, user=secretary(world))
    client.force_login(secretary(world))
    minutes = text(client, meeting.minutes_url)
    assert "Write minute" not in minutes and "Record a decision" not in minutes
    assert "can no longer change" in minutes
    assert "Record attendance" not in text(client, meeting.attendance_url)
    url = reverse("committees:minute_edit", kwargs={"partnership": "ours", "pk": board.item.pk})
    response = client.get(url, follow=True)
    assert "can no longer be changed" in response.content.decode()


def test_removing_an_item_asks_first_and_keeps_the_reason(client, world, board):
    client.force_login(secretary(world))
    url = reverse("committees:item_delete", kwargs={"partnership": "ours", "pk": board.item.pk})
    page = text(client, url)
    assert "Are you sure you want to remove this item from the agenda?" in page
    assert "items after it are renumbered" in page
    response = client.post(url, {"change_reason": ""})
    assert response.status_code == 200
    assert "Enter the reason" in response.content.decode()
    assert AgendaItem.objects.filter(pk=board.item.pk).exists()
    response = client.post(url, {"change_reason": "Withdrawn by the author."})
    assert response["Location"] == board.meeting.agenda_url
    assert not AgendaItem.objects.filter(pk=board.item.pk).exists()
    assert AgendaItem.history.filter(id=board.item.pk).latest().history_change_reason == (
        "Withdrawn by the author."
    )


def test_cancelling_a_meeting_asks_first_and_a_held_meeting_cannot_be_cancelled(client, world, board):
    client.force_login(secretary(world))
    url = reverse("committees:meeting_cancel", kwargs={"partnership": "ours", "meeting": board.meeting.pk})
    assert "cannot be reinstated" in text(client, url)
    client.post(url, {"change_reason": "The venue flooded."})
    board.meeting.refresh_from_db()
    assert board.meeting.status == MeetingStatus.CANCELLED
    held = MeetingFactory(
        committee=board.committee,
        status=MeetingStatus.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )
    url = reverse("committees:meeting_cancel", kwargs={"partnership": "ours", "meeting": held.pk})
    response = client.get(url, follow=True)
    assert "can no longer be cancelled" in response.content.decode()


def test_removing_a_member_asks_first_and_one_with_a_record_is_ended_instead(client, world, board):
    client.force_login(world.user("council", Role.ADMINISTRATOR))
    newcomer = CommitteeMemberFactory(committee=board.committee, organisation=world.bodies["council"])
    url = reverse("committees:member_delete", kwargs={"partnership": "ours", "pk": newcomer.pk})
    assert "Are you sure you want to remove this member?" in text(client, url)
    client.post(url, {"change_reason": "Nominated in error."})
    assert not CommitteeMember.objects.filter(pk=newcomer.pk).exists()
    services.record_attendance(
        meeting=board.meeting, entries={board.council_member: ("present", "")}, user=secretary(world)
    )
    url = reverse("committees:member_delete", kwargs={"partnership": "ours", "pk": board.council_member.pk})
    response = client.post(url, {"change_reason": "Left."}, follow=True)
    assert "give their membership an end date instead" in response.content.decode()
    assert CommitteeMember.objects.filter(pk=board.council_member.pk).exists()
    # The committee's page offers Remove only for a member the record does not keep.
    page = text(client, board.committee.get_absolute_url())
    assert url not in page
    other = reverse("committees:member_delete", kwargs={"partnership": "ours", "pk": board.members[1].pk})
    assert other in page


def test_a_report_offers_meetings_still_to_come_and_its_own(world, board):
    past = MeetingFactory(
        committee=board.committee,
        status=MeetingStatus.MINUTES_APPROVED,
        starts_at=timezone.now() - datetime.timedelta(days=400),
    )
    form = ReportForm(partnership=world.ours, bodies=[world.bodies["council"]])
    offered = set(form.fields["meeting"].queryset)
    assert board.meeting in offered and past not in offered
    labels = [str(field.label) for field in form]
    assert len(labels) == len(set(labels)), labels
    old = ReportFactory(partnership=world.ours, organisation=world.bodies["council"], meeting=past)
    assert past in set(ReportForm(instance=old, partnership=world.ours, bodies=[]).fields["meeting"].queryset)


def test_an_agenda_item_offers_this_meeting_s_reports_and_unplaced_ones(world, board):
    elsewhere = MeetingFactory(committee=board.committee)
    placed = ReportFactory(partnership=world.ours, organisation=world.bodies["council"], meeting=elsewhere)
    unplaced = ReportFactory(partnership=world.ours, organisation=world.bodies["council"])
    on_an_agenda = ReportFactory(partnership=world.ours, organisation=world.bodies["council"])
    AgendaItemFactory(meeting=elsewhere, report=on_an_agenda)
    item = AgendaItem(meeting=board.meeting)
    offered = set(AgendaItemForm(instance=item, partnership=world.ours).fields["report"].queryset)
    assert unplaced in offered and board.report in offered
    assert placed not in offered and on_an_agenda not in offered


def test_approving_the_minutes_names_the_later_meeting_that_approved_them(client, world, board):
    meeting = board.meeting
    meeting.starts_at = timezone.now() - datetime.timedelta(days=30)
    meeting.status = MeetingStatus.HELD
    meeting.save()
    client.force_login(secretary(world))
    url = reverse("committees:meeting_approve_minutes", kwargs={"partnership": "ours", "meeting": meeting.pk})
    page = text(client, url)
    assert "No later meeting recorded as held has an item approving these minutes yet" in page
    refused = client.post(url, {})
    assert refused.status_code == 200
    assert "approves its minutes at a later meeting" in refused.content.decode()

    following = MeetingFactory(
        committee=board.committee,
        status=MeetingStatus.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=2),
    )
    AgendaItemFactory(meeting=following, order=2, title="Minutes of the last meeting", minutes_of=meeting)
    assert f"Approved at item 2 of the meeting of {following.date:%-d %B %Y}" in text(client, url)
    client.post(url, {})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_APPROVED and meeting.minutes_approved_on == following.date


def test_an_earlier_meeting_is_found_by_a_search_on_the_report_form(client, world, board):
    past = MeetingFactory(
        committee=board.committee,
        status=MeetingStatus.MINUTES_APPROVED,
        starts_at=timezone.make_aware(datetime.datetime(2018, 6, 14, 14)),
    )
    client.force_login(world.user("council", Role.OFFICER))
    url = reverse("committees:report_edit", kwargs={"partnership": "ours", "pk": board.report.pk})

    def offered(address):
        return set(client.get(address).context["form"].fields["meeting"].queryset)

    assert past not in offered(url)
    assert past in offered(url + "?meetings=2018")
    assert "1 meeting found" in text(client, url + "?meetings=2018")
    assert "No meeting matches" in text(client, url + "?meetings=Cabinet+1999")
    response = client.post(
        url + "?meetings=2018",
        {
            "meeting": past.pk,
            "title": board.report.title,
            "wards_affected": "All",
            "loaded_version": board.report.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    board.report.refresh_from_db()
    assert board.report.meeting == past


@pytest.mark.django_db
def test_the_running_order_times_each_item_and_shows_where_the_meeting_goes_private(client, world, board):
    board.item.allotted_minutes = 20
    board.item.save()
    board.exempt_item.allotted_minutes = 30
    board.exempt_item.save()
    address = board.meeting.section_url("running-order")
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    page = " ".join(client.get(address).content.decode().split())
    start = timezone.localtime(board.meeting.starts_at)
    second, end = start + datetime.timedelta(minutes=20), start + datetime.timedelta(minutes=50)
    assert f"{start:%-I:%M} p.m." in page and f"{second:%-I:%M} p.m." in page
    assert f"Expected to end at {end:%-I:%M} p.m." in page
    assert page.index("Better Care Fund plan") < page.index("Private session") < page.index("SECRETZEBRA")
    # Someone not entitled to exempt business sees where it is, not what it is.
    client.force_login(world.user("nhs", Role.OFFICER))
    page = client.get(address).content.decode()
    assert "Exempt item (paragraph 3)" in page and "SECRETZEBRA" not in page


@pytest.mark.django_db
def test_the_running_order_shows_where_the_public_return(client, world, board):
    AgendaItemFactory(meeting=board.meeting, order=3, title="Any other business")
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    page = " ".join(client.get(board.meeting.section_url("running-order")).content.decode().split())
    assert page.index("Private session") < page.index("SECRETZEBRA") < page.index("Public session")
    assert page.index("Public session") < page.index("Any other business")
    assert "Give each item a time allowed" in page  # one item has no time: the end is not known
