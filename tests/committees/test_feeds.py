# ruff: noqa: F811 (fixtures imported from papers_fixtures are used as arguments)
"""iCalendar feeds, read back with the icalendar library as a calendar client would."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from committees import feeds
from committees.choices import MeetingStatus
from committees.models import Meeting
from partnership.choices import Role
from tests.committees.papers_fixtures import media, papers  # noqa: F401

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def frozen_now():
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def events(data):
    calendar = Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == feeds.PRODID
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}, calendar


@pytest.mark.django_db
def test_public_committee_feed_parses_with_london_times_and_a_uid_per_meeting(client, papers):
    response = client.get(reverse("public:committee_calendar", kwargs={"pk": papers.committee.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found, calendar = events(response.content)
    assert set(found) == {
        f"meeting-{papers.meeting.pk}@concordat",
        f"meeting-{papers.later_meeting.pk}@concordat",
    }
    summer = found[f"meeting-{papers.meeting.pk}@concordat"]
    start = summer.decoded("DTSTART")
    assert start == datetime.datetime(2026, 6, 10, 14, 0, tzinfo=LONDON)
    assert str(start.tzinfo) == "Europe/London"
    assert summer["DTSTART"].params["TZID"] == "Europe/London"
    assert start.utcoffset() == datetime.timedelta(hours=1)  # British Summer Time
    winter = found[f"meeting-{papers.later_meeting.pk}@concordat"]
    assert winter.decoded("DTSTART").utcoffset() == datetime.timedelta(0)  # GMT
    assert winter.decoded("DTEND") - winter.decoded("DTSTART") == feeds.MEETING_LENGTH
    assert str(summer["LOCATION"]) == "Guildhall, Bath"
    assert str(summer["SUMMARY"]) == "Integrated Health and Care Board"
    assert str(summer["URL"]).endswith(reverse("public:meeting", kwargs={"pk": papers.meeting.pk}))
    # The time zone is defined in the file, as clients that know no TZID names need.
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


@pytest.mark.django_db
def test_cancelled_meeting_is_marked_cancelled(client, papers):
    papers.later_meeting.status = MeetingStatus.CANCELLED
    papers.later_meeting.save()
    found, _ = events(feeds.committee_calendar(papers.committee))
    assert str(found[f"meeting-{papers.later_meeting.pk}@concordat"]["STATUS"]) == "CANCELLED"


@pytest.mark.django_db
def test_private_committee_has_no_public_feed_but_partnership_members_get_one(client, papers):
    public_url = reverse("public:committee_calendar", kwargs={"pk": papers.private_committee.pk})
    assert client.get(public_url).status_code == 404
    url = reverse(
        "committees:committee_calendar", kwargs={"partnership": "ours", "pk": papers.private_committee.pk}
    )
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(papers.world.user("nhs", Role.OFFICER))
    found, _ = events(client.get(url).content)
    assert list(found) == [f"meeting-{papers.private_meeting.pk}@concordat"]
    client.force_login(papers.world.user("other", Role.OFFICER))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_person_feed_lists_the_meetings_of_committees_they_sit_on(client, papers):
    user = papers.member_user
    url = reverse("public:person_calendar", kwargs={"user_id": user.pk, "token": feeds.person_token(user)})
    found, _ = events(client.get(url).content)
    assert set(found) == {
        f"meeting-{papers.meeting.pk}@concordat",
        f"meeting-{papers.later_meeting.pk}@concordat",
    }


@pytest.mark.django_db
def test_person_feed_needs_the_right_token_and_changes_with_the_password(client, papers):
    user = papers.member_user
    token = feeds.person_token(user)
    wrong = reverse("public:person_calendar", kwargs={"user_id": user.pk, "token": "x" * 40})
    assert client.get(wrong).status_code == 404
    user.set_password("a-new-password")
    user.save()
    old = reverse("public:person_calendar", kwargs={"user_id": user.pk, "token": token})
    assert client.get(old).status_code == 404


@pytest.mark.django_db
def test_person_feed_drops_partnerships_they_left(papers):
    user = papers.member_user
    user.memberships.all().delete()
    from partnership import permissions

    permissions.forget_memberships(user)
    assert list(feeds.person_meetings(user)) == []


@pytest.mark.django_db
def test_personal_calendar_page_shows_the_feed_address(client, papers):
    client.force_login(papers.member_user)
    response = client.get(reverse("committees:personal_calendar", kwargs={"partnership": "ours"}))
    assert response.status_code == 200
    assert feeds.person_token(papers.member_user) in response.content.decode()


@pytest.mark.django_db
def test_feed_reaches_back_about_a_year(papers):
    Meeting.objects.create(
        committee=papers.committee, starts_at=datetime.datetime(2020, 1, 1, 10, tzinfo=LONDON)
    )
    found, _ = events(feeds.committee_calendar(papers.committee))
    assert len(found) == 2
