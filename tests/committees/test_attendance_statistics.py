"""Attendance statistics for a committee's year, by member and by nominating body, on the page
and in the exports: what an auditor or a body checking its nominees' attendance reads."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.choices import AttendanceStatus, MeetingStatus
from partnership.choices import Role
from partnership.dates import financial_year_of
from tests.committees.factories import AttendanceFactory, CommitteeMemberFactory, MeetingFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def held(committee, day, status=MeetingStatus.HELD):
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))
    return MeetingFactory(committee=committee, starts_at=when, status=status)


def attendance_url(board, **query):
    address = reverse(
        "committees:committee_attendance", kwargs={"partnership": "ours", "pk": board.committee.pk}
    )
    return address + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


@pytest.fixture
def year(board):
    """Three meetings held in 2026/27 (and one only planned, one the year before); Cllr A at
    two and sending apologies to one, Dr C substituted once, Dr D joining after the first."""
    a, b, c, d = board.members
    d.from_date = D(2026, 7, 1)
    d.save()
    may, sept, nov = (
        held(board.committee, D(2026, 5, 14)),
        held(board.committee, D(2026, 9, 10)),
        held(board.committee, D(2026, 11, 12)),
    )
    held(board.committee, D(2026, 3, 12))  # 2025/26
    held(board.committee, D(2027, 1, 14), MeetingStatus.PLANNED)
    for meeting, member, status in [
        (may, a, AttendanceStatus.PRESENT),
        (sept, a, AttendanceStatus.PRESENT),
        (nov, a, AttendanceStatus.APOLOGIES),
        (may, c, AttendanceStatus.PRESENT),
        (sept, c, AttendanceStatus.SUBSTITUTE),
        (nov, c, AttendanceStatus.PRESENT),
        (sept, d, AttendanceStatus.ABSENT),
    ]:
        AttendanceFactory(meeting=meeting, member=member, status=status)
    return board


def rows(response):
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def test_each_member_and_body_counts_the_meetings_held_while_they_sat(client, world, year):
    client.force_login(world.user("nhs", Role.OFFICER))
    page = client.get(attendance_url(year, year="2026/27")).content.decode()
    assert "The 3 meetings held in the financial year 2026/27" in page
    csv = rows(client.get(attendance_url(year, year="2026/27", export="csv")))
    assert csv[0].startswith("Member,Body,Role,Meetings while a member,Present,Substitute attended")
    by_name = {line.split(",")[0]: line.split(",") for line in csv[1:] if line}
    assert by_name["Cllr A"][3:] == ["3", "2", "0", "1", "0", "0", "67%"]
    assert by_name["Cllr B"][3:] == ["3", "0", "0", "0", "0", "3", "0%"]  # nothing recorded for them
    assert by_name["Dr C"][3:] == ["3", "2", "1", "0", "0", "0", "100%"]
    assert by_name["Dr D"][3:] == ["2", "0", "0", "0", "1", "1", "0%"]  # joined in July
    council, nhs = world.bodies["council"].display_name, world.bodies["nhs"].display_name
    assert by_name[council][3:] == ["6", "2", "0", "1", "0", "3", "33%"]
    assert by_name[nhs][3:] == ["5", "2", "1", "0", "1", "1", "60%"]


def test_another_year_and_a_bad_year(client, world, year):
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    assert (
        "The 1 meeting held in the financial year 2025/26"
        in client.get(attendance_url(year, year="2025/26")).content.decode()
    )
    assert client.get(attendance_url(year, year="2026")).status_code == 400
    assert client.get(attendance_url(year, year="2026/27", export="xlsx"))["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    # The current financial year by default (the test's clock).
    current = financial_year_of(timezone.localdate())
    assert f"financial year {current}" in client.get(attendance_url(year)).content.decode()


def test_outside_the_partnership_it_is_not_found(client, world, year):
    client.force_login(world.user("other", Role.OFFICER))
    assert client.get(attendance_url(year)).status_code == 404


def test_the_queries_do_not_grow_with_members_or_meetings(client, world, year, django_assert_max_num_queries):
    client.force_login(world.user("council", Role.OFFICER))
    with django_assert_max_num_queries(40) as few:
        client.get(attendance_url(year, year="2026/27"))
    for number in range(10):
        member = CommitteeMemberFactory(
            committee=year.committee, organisation=world.bodies["nhs"], person_name=f"Dr {number}"
        )
        meeting = held(year.committee, D(2026, 6, 1) + datetime.timedelta(days=7 * number))
        AttendanceFactory(meeting=meeting, member=member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(attendance_url(year, year="2026/27"))
