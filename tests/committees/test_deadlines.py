"""Clear working days: the agenda goes out five clear working days before the meeting."""

import datetime

import pytest
from django.utils import timezone

from committees.services import cycle_day
from tests.committees.factories import CommitteeFactory, MeetingFactory

D = datetime.date


def meeting_on(day, hour=14):
    return MeetingFactory(
        committee=CommitteeFactory(),
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0))),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("meeting_day", "publish_by"),
    [
        # Plain week: Tuesday 10 March 2026 -> Monday 2 March (5 clear days: 3, 4, 5, 6, 9 March).
        (D(2026, 3, 10), D(2026, 3, 2)),
        # Across the weekend and New Year's Day: Thursday 8 January 2026 -> Tuesday 30 December.
        (D(2026, 1, 8), D(2025, 12, 30)),
        # Across Christmas Day, Boxing Day and New Year's Day: Friday 2 January 2026 -> Monday 22 December.
        (D(2026, 1, 2), D(2025, 12, 22)),
        # Christmas week itself: Tuesday 30 December 2025 -> Thursday 18 December.
        (D(2025, 12, 30), D(2025, 12, 18)),
        # Easter 2026 (Good Friday 3 April, Easter Monday 6 April): Thursday 9 April -> Monday 30 March.
        (D(2026, 4, 9), D(2026, 3, 30)),
        # Tuesday after Easter Monday: Tuesday 7 April 2026 -> Thursday 26 March.
        (D(2026, 4, 7), D(2026, 3, 26)),
    ],
)
def test_agenda_publication_deadline_counts_clear_working_days(meeting_day, publish_by):
    meeting = meeting_on(meeting_day)
    assert meeting.agenda_publication_due == publish_by


@pytest.mark.django_db
def test_late_evening_meeting_uses_its_local_date():
    # 23:30 in London on 9 April 2026 is 22:30 UTC: the date must stay the 9th.
    meeting = meeting_on(D(2026, 4, 9), hour=23)
    assert meeting.date == D(2026, 4, 9)


@pytest.mark.django_db
def test_papers_and_draft_minutes_deadlines():
    meeting = meeting_on(D(2026, 4, 9))
    # Papers five clear working days before publication on Monday 30 March 2026.
    assert meeting.papers_due == D(2026, 3, 20)
    # Draft minutes ten working days after, skipping nothing but weekends here.
    assert meeting.draft_minutes_due == D(2026, 4, 23)
    labels = [label for label, _ in meeting.deadlines()]
    assert labels == ["Papers due", "Agenda to be published by", "Meeting", "Draft minutes due"]


def test_cycle_day_is_second_thursday_or_next_working_day():
    assert cycle_day(2026, 3) == D(2026, 3, 12)
    assert cycle_day(2026, 1) == D(2026, 1, 8)
    # December 2026: second Thursday is the 10th.
    assert cycle_day(2026, 12) == D(2026, 12, 10)
