"""Attendance statistics: for each member and each nominating body, the meetings a committee
held in a financial year while the member sat on it, and how many they attended (in person or
by a substitute), sent apologies for, missed, or for which nothing was recorded.

Counted from the recorded attendance of meetings held (or whose minutes are approved), in a
fixed number of queries whatever the size of the committee or the year.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from committees.choices import AttendanceStatus, MeetingStatus
from committees.models import Attendance

HELD = (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)
NO_BODY = "Co-opted (no nominating body)"


@dataclass
class Tally:
    name: str
    body: str = ""
    role: str = ""
    meetings: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(AttendanceStatus.values, 0))
    unrecorded: int = 0

    @property
    def attended(self):
        return self.counts[AttendanceStatus.PRESENT] + self.counts[AttendanceStatus.SUBSTITUTE]

    @property
    def rate(self):
        """Meetings attended (in person or by substitute) as a whole percentage, or None."""
        return round(100 * self.attended / self.meetings) if self.meetings else None

    def add(self, status):
        self.meetings += 1
        if status is None:
            self.unrecorded += 1
        else:
            self.counts[status] += 1

    def row(self):
        return [
            self.name,
            self.body,
            self.role,
            self.meetings,
            self.counts[AttendanceStatus.PRESENT],
            self.counts[AttendanceStatus.SUBSTITUTE],
            self.counts[AttendanceStatus.APOLOGIES],
            self.counts[AttendanceStatus.ABSENT],
            self.unrecorded,
            "" if self.rate is None else f"{self.rate}%",
        ]


COLUMNS = [
    "Member",
    "Body",
    "Role",
    "Meetings while a member",
    "Present",
    "Substitute attended",
    "Apologies",
    "Absent",
    "Not recorded",
    "Attended",
]


def statistics(committee, start, end):
    """``(meetings held, member tallies, body tallies)`` for ``committee`` from ``start`` to
    ``end``: a member counts a meeting held while they sat, or one their attendance was
    recorded at."""
    held = committee.meetings.filter(status__in=HELD, starts_at__date__range=(start, end))
    meetings = {
        pk: timezone.localtime(starts_at).date() for pk, starts_at in held.values_list("pk", "starts_at")
    }
    recorded = {
        (member_id, meeting_id): status
        for member_id, meeting_id, status in Attendance.objects.filter(
            meeting_id__in=list(meetings)
        ).values_list("member_id", "meeting_id", "status")
    }
    members, bodies = [], {}
    for member in committee.members.select_related("organisation").order_by(
        "organisation__name", "person_name"
    ):
        body = member.organisation.display_name if member.organisation else NO_BODY
        tally = Tally(member.person_name, body, member.get_role_display())
        body_tally = bodies.setdefault(body, Tally(body, body))
        for meeting_id, day in sorted(meetings.items(), key=lambda item: item[1]):
            status = recorded.get((member.pk, meeting_id))
            if status is not None or member.is_current_on(day):
                tally.add(status)
                body_tally.add(status)
        if tally.meetings:
            members.append(tally)
    return len(meetings), members, [tally for tally in bodies.values() if tally.meetings]
