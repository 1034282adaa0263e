"""The rest of "Alerts and re-use" end to end in a real Chromium with JavaScript switched off: a
resident asks for e-mail alerts, confirms from the e-mail, is alerted when the secretary
publishes the agenda and stops them from the alert; the secretary reads the members' running
order, downloads the attendance statistics and plans the next meeting like this one."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from committees.choices import AttendanceStatus, MeetingStatus, ReportStatus
from committees.models import Meeting, Report, Subscription
from partnership.choices import Role
from partnership.dates import financial_year_of
from tests.committees.factories import AgendaItemFactory, AttendanceFactory, MeetingFactory
from tests.committees.papers_fixtures import eager_celery  # noqa: F401 (a fixture)
from tests.committees.tabs import without_javascript

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_celery"),
]


def link(message, path):
    return re.search(rf"http\S*({re.escape(path)}\S+/)", message.body).group(1)


def test_a_resident_is_alerted_when_the_agenda_is_published_and_stops_the_alerts(
    live_server, browser, world, board
):
    board.committee.meets_in_public = True
    board.committee.save()
    Report.objects.filter(agenda_items__meeting=board.meeting).update(status=ReportStatus.FINAL)
    resident = browser.new_context(java_script_enabled=False).new_page()
    resident.goto(f"{live_server.url}/public/committees/{board.committee.pk}/")
    resident.click("text=Get e-mail alerts")
    resident.fill("#id_email", "resident@example.org")
    resident.click("button:has-text('Send me a link to confirm')")
    assert "Check your e-mail" in resident.locator("main").inner_text()
    (confirmation,) = mail.outbox
    resident.goto(live_server.url + link(confirmation, "/public/alerts/confirm/"))
    assert Subscription.objects.get(email="resident@example.org").confirmed_at is not None

    secretary = without_javascript(browser, live_server, world.user("council", Role.COMMITTEE_SECRETARY))
    secretary.goto(f"{live_server.url}{board.meeting.get_absolute_url()}")
    secretary.click("button:has-text('Publish agenda')")
    alert = mail.outbox[-1]
    assert alert.to == ["resident@example.org"] and alert.subject.startswith("Agenda published")
    assert "SECRETZEBRA" not in alert.body  # the exempt item's report is not in the alert

    resident.goto(live_server.url + link(alert, "/public/alerts/stop/"))
    assert Subscription.objects.filter(
        email="resident@example.org"
    ).exists()  # opening the link stops nothing
    resident.click("button:has-text('Stop these e-mails')")
    assert not Subscription.objects.filter(email="resident@example.org").exists()


def test_the_secretary_reads_the_running_order_downloads_attendance_and_plans_the_next(
    live_server, browser, world, board
):
    held = MeetingFactory(
        committee=board.committee,
        status=MeetingStatus.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )
    AgendaItemFactory(meeting=held, order=1, title="Welcome and apologies", allotted_minutes=5)
    AgendaItemFactory(meeting=held, order=2, title="Carers strategy", allotted_minutes=30)
    for member, status in zip(
        board.members, (AttendanceStatus.PRESENT, AttendanceStatus.APOLOGIES), strict=False
    ):
        AttendanceFactory(meeting=held, member=member, status=status)
    tab = without_javascript(browser, live_server, world.user("council", Role.COMMITTEE_SECRETARY))

    tab.goto(f"{live_server.url}{held.get_absolute_url()}")
    tab.click(".app-sub-navigation >> text=Running order")
    order = tab.locator("#running-order ~ div table").inner_text()
    starts = timezone.localtime(held.starts_at)
    second = starts + datetime.timedelta(minutes=5)
    assert "Welcome and apologies" in order and "Carers strategy" in order
    assert second.strftime("%-I:%M").lstrip("0") in order  # item 2 starts after item 1's five minutes

    year = financial_year_of(held.date)
    tab.goto(f"{live_server.url}{board.committee.get_absolute_url()}")
    tab.click("text=Attendance by member and body")
    tab.goto(f"{tab.url.split('?')[0]}?year={year}")
    with tab.expect_download() as download:
        tab.click("text=Download (CSV)")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert any(board.members[0].person_name in row for row in rows)

    day = timezone.localdate() + datetime.timedelta(days=50)
    tab.goto(f"{live_server.url}{held.get_absolute_url()}")
    tab.click("text=Plan another meeting like this one")
    tab.fill("#id_day-day", str(day.day))
    tab.fill("#id_day-month", str(day.month))
    tab.fill("#id_day-year", str(day.year))
    tab.click("button:has-text('Plan the meeting')")
    assert (
        f"Meeting planned for {day:%-d %B %Y}, with 2 standing items."
        in tab.locator(".govuk-notification-banner").inner_text()
    )
    planned = Meeting.objects.get(committee=board.committee, starts_at__date=day)
    assert [item.title for item in planned.items.all()] == ["Welcome and apologies", "Carers strategy"]
