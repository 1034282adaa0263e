"""iCalendar feeds of meetings: per committee and per person.

Calendar clients cannot sign in, so the public feeds of committees that
meet in public need no login, and a person's own feed is reached through an
address carrying a token tied to their account (it changes, and the old
address stops working, when their password changes).
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

from committees.choices import MeetingStatus
from committees.models import Committee, Meeting
from partnership import permissions

PRODID = "-//Concordat//Committee meetings//EN"
#: Meetings have no end time; calendars show them as this long.
MEETING_LENGTH = datetime.timedelta(hours=2)
#: How far back a feed reaches.
HISTORY = datetime.timedelta(days=400)
TOKEN_SALT = "committees.feeds.person"


def new_calendar(name):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def meeting_event(meeting, *, url=None):
    """One VEVENT for a meeting, its times in Europe/London, its UID stable for the meeting."""
    committee = meeting.committee
    start = timezone.localtime(meeting.starts_at)
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@concordat")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    event.add("created", meeting.created_at.astimezone(datetime.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + MEETING_LENGTH)
    event.add("summary", meeting.title or committee.name)
    if meeting.place:
        event.add("location", meeting.place)
    lines = [f"{committee.name} ({meeting.get_status_display().lower()})."]
    if url:
        lines.append(url)
        event.add("url", url)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def render(calendar):
    calendar.add_missing_timezones()
    return calendar.to_ical()


def recent(meetings):
    return meetings.filter(starts_at__gte=timezone.now() - HISTORY).select_related("committee__partnership")


def committee_calendar(committee, *, request=None, public=False):
    """The committee's meetings; links go to the public pages when ``public``."""
    calendar = new_calendar(committee.name)
    for meeting in recent(committee.meetings.all()):
        path = reverse("public:meeting", kwargs={"pk": meeting.pk}) if public else meeting.get_absolute_url()
        url = request.build_absolute_uri(path) if request is not None else None
        calendar.add_component(meeting_event(meeting, url=url))
    return render(calendar)


def person_meetings(user):
    """Meetings of the committees ``user`` sits on, in partnerships they can still see."""
    committees = permissions.restrict(Committee.objects.filter(members__user=user), user)
    return recent(Meeting.objects.filter(committee__in=committees)).order_by("starts_at")


def person_calendar(user, *, request=None):
    calendar = new_calendar(f"Meetings: {user.get_full_name() or user.username}")
    for meeting in person_meetings(user):
        url = request.build_absolute_uri(meeting.get_absolute_url()) if request is not None else None
        calendar.add_component(meeting_event(meeting, url=url))
    return render(calendar)


def person_token(user):
    return salted_hmac(TOKEN_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:40]


def check_person_token(user, token):
    return user.is_active and constant_time_compare(person_token(user), token)
