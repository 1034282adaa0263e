"""The meeting page and the actions register take the same number of queries at any size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committees.choices import AttendanceStatus, Matter
from committees.models import Attendance, Declaration, Minute
from committees.services import record_decision
from partnership.choices import Role
from tests.committees.factories import (
    ActionFactory,
    AgendaItemFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    MeetingFactory,
    ReportFactory,
)


def fill(board, world, size):
    meeting = board.meeting
    user = world.user("council", Role.COMMITTEE_SECRETARY)
    for n in range(size):
        body = world.bodies["council" if n % 2 else "nhs"]
        member = CommitteeMemberFactory(committee=board.committee, organisation=body)
        Attendance.objects.create(meeting=meeting, member=member, status=AttendanceStatus.PRESENT)
        report = ReportFactory(partnership=world.ours, organisation=body, meeting=meeting)
        item = AgendaItemFactory(
            meeting=meeting,
            order=10 + n,
            report=report,
            exempt=n % 3 == 0,
            exempt_paragraph=3 if n % 3 == 0 else None,
        )
        Minute.objects.create(agenda_item=item, text=f"Minute {n}")
        Declaration.objects.create(
            meeting=meeting, agenda_item=item, member=member, interest="x", nature="conflict"
        )
        record_decision(
            meeting=meeting,
            agenda_item=item,
            resolution=f"Resolution {n}",
            matter=Matter.COMMISSIONING,
            organisations=[world.bodies["council"], world.bodies["nhs"]],
            user=user,
            decided_on=datetime.date(2026, 6, 11),
        )
        ActionFactory(meeting=meeting, organisation=body)
        ActionFactory(meeting=MeetingFactory(committee=board.committee), organisation=body)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("role", [Role.COMMITTEE_SECRETARY, Role.OFFICER])
def test_meeting_page_queries_do_not_grow(client, world, board, django_assert_max_num_queries, size, role):
    """Each section of the meeting page (summary, agenda, attendance, minutes, papers)."""
    fill(board, world, size)
    client.force_login(world.user("nhs", role))
    meeting = board.meeting
    for url in (meeting.get_absolute_url(), meeting.agenda_url, meeting.attendance_url, meeting.minutes_url):
        with django_assert_max_num_queries(30):
            response = client.get(url)
        assert response.status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(meeting.papers_url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("role", [Role.OFFICER, Role.COMMITTEE_SECRETARY])
def test_actions_register_queries_do_not_grow(
    client, world, board, django_assert_max_num_queries, size, role
):
    """The secretary's register links each action to its page: who runs which committee is
    asked once for the page, not once a row."""
    fill(board, world, size)
    client.force_login(world.user("nhs", role))
    url = reverse("committees:action_list", kwargs={"partnership": "ours"})
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(15):
        response = client.get(url + "?export=xlsx")
        response.getvalue()
    assert response.status_code == 200


def meetings_over_years(committee, count):
    """``count`` meetings a month apart, half before today and half after."""
    from committees.models import Meeting

    start = timezone.now() - datetime.timedelta(days=30 * (count // 2)) + datetime.timedelta(days=15)
    Meeting.objects.bulk_create(
        MeetingFactory.build(committee=committee, starts_at=start + datetime.timedelta(days=30 * n))
        for n in range(count)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("public", [False, True], ids=["committee page", "public committee page"])
def test_committee_page_is_the_same_at_4_and_200_meetings(client, world, public):
    """A committee that has met for years: the next twelve meetings and the past ones ten a
    page, newest first, in the same queries whatever the years (on its public page too)."""
    if not public:
        client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    pages = []
    for count in (4, 100, 200):
        committee = CommitteeFactory(
            partnership=world.ours, name=f"Board with {count} meetings", meets_in_public=public
        )
        meetings_over_years(committee, count)
        if public:
            url = reverse("public:committee", kwargs={"pk": committee.pk})
        else:
            url = reverse("committees:committee_detail", kwargs={"partnership": "ours", "pk": committee.pk})
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        pages.append((len(queries), response.content.decode()))
    (small_queries, _small), (middle_queries, middle), (large_queries, large) = pages
    assert large_queries == middle_queries == small_queries
    assert abs(len(large) - len(middle)) < 100  # 12 to come and 10 past, whatever the years
    assert "(the next 12 of 100)" in large and "Past meetings" in large and "(100, newest first)" in large
    meeting_link = 'href="/public/meetings/' if public else 'href="/p/ours/committees/meetings/'
    assert large.count(meeting_link) == 22
    older = client.get(url, {"past": 10}).content.decode()
    assert "Page 10 of 10" in older and older.count(meeting_link) == 22
