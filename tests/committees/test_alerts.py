"""E-mail alerts for the public: asked for, confirmed from the e-mail, sent when a committee
that meets in public publishes, and stopped from the link in every alert."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from committees import alerts, services
from committees.models import Subscription
from committees.tasks import forget_unconfirmed_alerts
from partnership.choices import Role
from tests.committees.factories import (
    AgendaItemFactory,
    DecisionFactory,
    MeetingFactory,
    PlannedDecisionFactory,
)
from tests.committees.papers_fixtures import eager_celery  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def link(message, path):
    return re.search(rf"http\S*({re.escape(path)}\S+/)", message.body).group(1)


@pytest.fixture
def public_board(board):
    board.committee.meets_in_public = True
    board.committee.save()
    return board


def ask(client, board, email="resident@example.org"):
    return client.post(reverse("public:committee_alerts", args=[board.committee.pk]), {"email": email})


def test_a_resident_confirms_gets_an_alert_and_stops_them(
    client, world, public_board, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = ask(client, public_board).content.decode()
    assert "Check your e-mail" in page
    (confirmation,) = mailoutbox
    assert confirmation.to == ["resident@example.org"]
    client.get(link(confirmation, "/public/alerts/confirm/"))
    assert Subscription.objects.get().confirmed_at is not None

    meeting = MeetingFactory(committee=public_board.committee)
    AgendaItemFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_agenda(meeting=meeting, user=world.user("council", Role.COMMITTEE_SECRETARY))
    alert = mailoutbox[-1]
    assert alert.subject.startswith("Agenda published: Integrated Health and Care Board")
    assert reverse("public:meeting", args=[meeting.pk]) in alert.body
    stop = link(alert, "/public/alerts/stop/")
    assert "Stop these e-mails" in client.get(stop).content.decode()  # a link alone stops nothing
    assert Subscription.objects.exists()
    client.post(stop)
    assert not Subscription.objects.exists()


def test_no_alert_before_confirming_and_one_confirmation_an_hour(
    client, world, public_board, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, public_board)
        ask(client, public_board, email="Resident@Example.org ")
    assert len(mailoutbox) == 1
    meeting = MeetingFactory(committee=public_board.committee)
    AgendaItemFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_agenda(meeting=meeting, user=world.user("council", Role.COMMITTEE_SECRETARY))
    assert len(mailoutbox) == 1


def test_a_bad_address_is_refused_naming_the_field(client, public_board):
    response = ask(client, public_board, email="not an address")
    assert response.status_code == 400
    assert 'href="#id_email"' in response.content.decode()  # the summary links to the field
    assert not Subscription.objects.exists()


def test_a_committee_meeting_in_private_has_no_alerts(client, board):
    assert ask(client, board).status_code == 404


def test_a_decision_on_exempt_business_is_not_announced(
    world, public_board, mailoutbox, django_capture_on_commit_callbacks
):
    Subscription.objects.create(
        email="r@example.org", committee=public_board.committee, confirmed_at="2026-12-01T10:00Z"
    )
    secretary = world.user("council", Role.COMMITTEE_SECRETARY)
    exempt = DecisionFactory(
        meeting=public_board.meeting, agenda_item=public_board.exempt_item, reference="SECRETZEBRA/1"
    )
    open_decision = DecisionFactory(
        meeting=public_board.meeting, agenda_item=public_board.item, reference="IHCB/1"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_decision(decision=exempt, user=secretary, on=exempt.decided_on)
        services.publish_decision(decision=open_decision, user=secretary, on=open_decision.decided_on)
    assert [m.subject for m in mailoutbox] == ["Decision published: IHCB/1"]
    assert "SECRETZEBRA" not in mailoutbox[0].body


def test_the_forward_plan_announces_a_published_entry(
    client, world, public_board, mailoutbox, django_capture_on_commit_callbacks
):
    Subscription.objects.create(
        email="r@example.org", partnership=world.ours, confirmed_at="2026-12-01T10:00Z"
    )
    planned = PlannedDecisionFactory(
        committee=public_board.committee, organisation=world.bodies["council"], published_on=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_planned_decision(
            planned=planned, user=world.user("council", Role.OFFICER), on=timezone.localdate()
        )
    (alert,) = mailoutbox
    assert alert.subject == f"Forward plan: {planned.title}"
    assert f"{planned.public_url}\n" in alert.body  # the entry's own page
    assert client.get(planned.public_url).status_code == 200


def test_an_address_never_confirmed_is_forgotten_a_week_after_it_was_last_asked(public_board, settings):
    now = timezone.now()
    committee = public_board.committee

    def asked(email, days_ago, confirmed=False):
        subscription = Subscription.objects.create(email=email, committee=committee)
        Subscription.objects.filter(pk=subscription.pk).update(
            last_asked_at=now - datetime.timedelta(days=days_ago),
            confirmed_at=now - datetime.timedelta(days=days_ago) if confirmed else None,
        )
        return subscription

    stale = asked("typed-by-someone-else@example.org", 8)
    recent = asked("still-deciding@example.org", 6)
    confirmed = asked("resident@example.org", 400, confirmed=True)
    assert alerts.forget_unconfirmed(now) == 1
    assert set(Subscription.objects.all()) == {recent, confirmed}
    assert not Subscription.objects.filter(pk=stale.pk).exists()
    assert "unconfirmed-alerts" in settings.CELERY_BEAT_SCHEDULE
    assert forget_unconfirmed_alerts.name == settings.CELERY_BEAT_SCHEDULE["unconfirmed-alerts"]["task"]


def test_an_entry_published_for_a_later_day_is_announced_on_that_day_once(
    client, world, public_board, mailoutbox, django_capture_on_commit_callbacks
):
    """Its public page answers only from its publication date: the subscribers are told then,
    by the hourly sweep, once however often it runs; not when the date was set."""
    from partnership.tasks import sweep_reminders

    Subscription.objects.create(
        email="r@example.org", partnership=world.ours, confirmed_at="2026-12-01T10:00Z"
    )
    planned = PlannedDecisionFactory(
        committee=public_board.committee, organisation=world.bodies["council"], published_on=None
    )
    later = timezone.localdate() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_planned_decision(planned=planned, user=world.user("council", Role.OFFICER), on=later)
        sweep_reminders()

    def plan_alerts():
        return [m for m in mailoutbox if m.subject.startswith("Forward plan:")]  # not the reminders

    assert plan_alerts() == []
    assert client.get(planned.public_url).status_code == 404

    with time_machine.travel(timezone.now() + datetime.timedelta(days=3), tick=False):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                sweep_reminders()
        (alert,) = plan_alerts()
        assert alert.subject == f"Forward plan: {planned.title}" and planned.public_url in alert.body
        assert client.get(planned.public_url).status_code == 200
    planned.refresh_from_db()
    assert planned.announced_on == later
    assert planned.history.first().history_change_reason == (
        "Announced to the plan's e-mail subscribers on its publication date"
    )
