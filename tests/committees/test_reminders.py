"""The meeting cycle on the home page and in reminders: secretaries and action owners."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from committees.choices import ActionStatus
from partnership import services
from partnership.choices import Role
from partnership.models import Reminder
from tests.committees.factories import CommitteeFactory, MeetingFactory


def meeting_in(world, days):
    committee = CommitteeFactory(partnership=world.ours, name=f"Board in {days} days")
    day = timezone.localdate() + datetime.timedelta(days=days)
    return MeetingFactory(
        committee=committee,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 0))),
    )


def config():
    return apps.get_app_config("committees")


@pytest.mark.django_db
def test_secretaries_see_papers_and_agenda_deadlines(world):
    meeting = meeting_in(world, 12)
    items = config().attention_items(world.user("nhs", Role.COMMITTEE_SECRETARY))
    texts = [item["text"] for item in items]
    assert any(text.startswith("Agenda to publish") for text in texts)
    agenda = next(item for item in items if item["text"].startswith("Agenda to publish"))
    assert agenda["due"] == meeting.agenda_publication_due
    assert agenda["url"] == meeting.get_absolute_url()
    # Nobody else is asked to publish it, and outsiders see nothing.
    assert config().attention_items(world.user("nhs", Role.OFFICER)) == []
    assert config().attention_items(world.user("other", Role.COMMITTEE_SECRETARY)) == []


@pytest.mark.django_db
def test_a_past_meeting_never_recorded_as_held_is_an_attention_item_for_the_secretaries(client, world):
    from django.urls import reverse

    from committees.choices import MeetingStatus

    past, cancelled, future = meeting_in(world, -20), meeting_in(world, -10), meeting_in(world, 5)
    cancelled.status = MeetingStatus.CANCELLED
    cancelled.save()
    secretary = world.user("council", Role.COMMITTEE_SECRETARY)
    items = [i for i in config().attention_items(secretary) if i["text"].startswith("Record whether")]
    assert [(item["url"], item["due"], item["overdue"]) for item in items] == [
        (past.get_absolute_url(), past.date, True)
    ]
    assert items[0]["text"] == f"Record whether it was held or cancelled: {past}"
    client.force_login(secretary)
    assert f"Record whether it was held or cancelled: {past}" in client.get(reverse("home")).content.decode()
    # Once recorded as held it is no longer asked for; nor is it asked of anyone else.
    past.status = MeetingStatus.HELD
    past.save()
    assert not [i for i in config().attention_items(secretary) if i["text"].startswith("Record whether")]
    assert future.status == MeetingStatus.PLANNED
    assert not config().attention_items(world.user("other", Role.COMMITTEE_SECRETARY))


@pytest.mark.django_db
def test_action_owner_sees_their_actions_due(world, board):
    board.action.due = timezone.localdate() - datetime.timedelta(days=1)
    board.action.save()
    items = config().attention_items(world.user("council", Role.OFFICER))
    assert [item["overdue"] for item in items] == [True]
    board.action.status = ActionStatus.DONE
    board.action.save()
    assert config().attention_items(world.user("council", Role.OFFICER)) == []


@pytest.mark.django_db(transaction=True)
def test_sweep_queues_each_reminder_once(world, board, mailoutbox):
    meeting_in(world, 10)
    board.action.due = timezone.localdate() + datetime.timedelta(days=3)
    board.action.save()
    sent = config().sweep_reminders()
    # Both bodies' secretaries for the agenda deadline (and papers if in view), the action owner once.
    secretaries = {
        world.user("council", Role.COMMITTEE_SECRETARY),
        world.user("nhs", Role.COMMITTEE_SECRETARY),
    }
    assert {r.recipient for r in Reminder.objects.filter(key__startswith="committees:agenda")} == secretaries
    assert Reminder.objects.filter(key__startswith="committees:action").get().recipient == world.user(
        "council", Role.OFFICER
    )
    assert sent == Reminder.objects.count()
    assert not Reminder.objects.filter(recipient=world.user("other", Role.COMMITTEE_SECRETARY)).exists()
    assert config().sweep_reminders() == 0
    # The sweep hands delivery to the outbox task (after commit, or its next run).
    services.send_due_reminders()
    assert len(mailoutbox) == sent


@pytest.mark.django_db
def test_an_overdue_review_escalates_to_the_secretaries_of_the_governing_committee(world):
    from agreements.choices import AgreementStatus
    from tests.agreements.factories import agreement_between

    committee = CommitteeFactory(partnership=world.ours, name="Joint Commissioning Board")
    overdue = agreement_between(
        world.ours,
        world.bodies["council"],
        world.bodies["nhs"],
        reference="OURS-S75",
        status=AgreementStatus.IN_FORCE,
        governing_committee=committee,
        next_review_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    agreement_between(  # due in a month: the officers are reminded, the committee not yet
        world.ours,
        world.bodies["council"],
        reference="OURS-LATER",
        status=AgreementStatus.IN_FORCE,
        governing_committee=committee,
        next_review_date=timezone.localdate() + datetime.timedelta(days=30),
    )

    config().sweep_reminders()
    config().sweep_reminders()

    escalated = Reminder.objects.filter(key__startswith="committees:review-overdue:")
    assert {r.recipient for r in escalated} == {
        world.user("council", Role.COMMITTEE_SECRETARY),
        world.user("nhs", Role.COMMITTEE_SECRETARY),
    }
    assert all(r.subject == "Overdue review of OURS-S75 for Joint Commissioning Board" for r in escalated)
    assert {r.link for r in escalated} == {overdue.get_absolute_url()}


@pytest.mark.django_db
def test_the_planning_body_is_reminded_to_publish_a_key_decision_and_that_it_is_due(world, board):
    """A key decision whose last day for the plan is within the fortnight, and a planned decision
    due within it: the planning body's officers and secretaries are told, once."""
    from committees.key_decisions import publish_by
    from tests.committees.factories import PlannedDecisionFactory

    today = timezone.localdate()
    council = world.bodies["council"]
    due = today + datetime.timedelta(days=30)
    while publish_by(due) < today + datetime.timedelta(days=5):
        due += datetime.timedelta(days=1)
    unpublished = PlannedDecisionFactory(
        committee=board.committee, organisation=council, decision_due=due, published_on=None
    )
    soon_day = today + datetime.timedelta(days=8)
    soon = PlannedDecisionFactory(committee=board.committee, organisation=council, decision_due=soon_day)
    later = PlannedDecisionFactory(
        committee=board.committee,
        organisation=council,
        decision_due=today + datetime.timedelta(days=120),
        published_on=None,
    )
    config().sweep_reminders()
    config().sweep_reminders()  # each reminder once
    reminders = Reminder.objects.filter(link__in=[e.get_absolute_url() for e in (unpublished, soon, later)])
    officer = world.user("council", Role.OFFICER)
    mine = {r.subject for r in reminders if r.recipient == officer}
    assert mine == {
        f"Publish on the forward plan by {publish_by(due):%-d %B %Y}: {unpublished.title}",
        f"Decision due {soon_day:%-d %B %Y}: {soon.title}",
    }
    assert reminders.filter(recipient=world.user("council", Role.COMMITTEE_SECRETARY)).count() == 2
    assert not reminders.filter(recipient=world.user("nhs", Role.OFFICER)).exists()
    assert reminders.count() == len({r.key for r in reminders})
