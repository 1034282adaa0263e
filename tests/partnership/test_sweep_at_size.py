"""The reminder sweep finds what is due in the same number of queries at any size: however
many agreements, meetings, actions, budgets and finance officers, and however many
reminders were sent before."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.choices import AgreementStatus
from committees.models import Action, Meeting
from finance.models import BudgetLine, Contribution
from partnership.choices import Role
from partnership.dates import financial_year_start
from partnership.models import Membership, Reminder
from partnership.tasks import sweep_reminders
from tests.agreements.factories import bulk_agreements
from tests.committees.factories import ActionFactory, CommitteeFactory, MeetingFactory
from tests.finance.factories import BudgetFactory


def fill(world, size, tag):
    """``size`` of each thing the sweep looks for, each due for a reminder."""
    today = timezone.localdate()
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    bulk_agreements(
        world.ours,
        size,
        council,
        nhs,
        reference=tag + "-{n}",
        status=AgreementStatus.IN_FORCE,
        start_date=datetime.date(2020, 4, 1),
        next_review_date=today + datetime.timedelta(days=10),
    )
    committee = CommitteeFactory(partnership=world.ours, name=f"Board {tag}")
    noon = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=12), datetime.time(12))
    )
    meetings = Meeting.objects.bulk_create(
        MeetingFactory.build(committee=committee, starts_at=noon + datetime.timedelta(minutes=n))
        for n in range(size)
    )
    officer = world.user("council", Role.OFFICER)
    Action.objects.bulk_create(
        ActionFactory.build(meeting=meeting, owner_user=officer, due=today + datetime.timedelta(days=3))
        for meeting in meetings
    )
    year = financial_year_start(today.replace(day=1) - datetime.timedelta(days=1))
    for n in range(max(1, size // 10)):
        budget = BudgetFactory(partnership=world.ours, host=council, name=f"Pool {tag} {n}")
        Contribution.objects.create(budget=budget, organisation=council, year=year, amount=1000)
        BudgetLine.objects.bulk_create(
            BudgetLine(budget=budget, organisation=council, name=f"Line {m}") for m in range(10)
        )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"finance-{tag}-{n}", email=f"finance-{tag}-{n}@example.org")
        for n in range(size)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=council, role=Role.FINANCE_OFFICER) for user in users
    )


def sweep_counting():
    with CaptureQueriesContext(connection) as queries:
        queued = sweep_reminders()
    return queued, statements(queries)


def statements(queries):
    """How many statements: one bulk insert counts once though SQLite sends it in batches
    (at most 999 values a statement there; PostgreSQL takes it whole)."""
    count, last_insert = 0, None
    for query in queries:
        insert = query["sql"].split("(")[0] if query["sql"].startswith("INSERT") else None
        count += insert is None or insert != last_insert
        last_insert = insert
    return count


@pytest.mark.django_db
def test_the_sweep_costs_the_same_queries_at_2_and_100_of_everything(world):
    fill(world, 2, "small")
    small_queued, small_queries = sweep_counting()
    again_queued, again_small = sweep_counting()
    fill(world, 100, "large")
    large_queued, large_queries = sweep_counting()
    _nothing, again_large = sweep_counting()

    assert small_queued > 0 and again_queued == 0 and _nothing == 0
    assert large_queued > 25 * small_queued  # every new thing due was found...
    assert large_queries == small_queries  # ...in the same queries
    assert again_large == again_small
    # Each reminder once: a review per officer of each party, an action per owner, a finance
    # reminder per finance officer per budget.
    keys = list(Reminder.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == small_queued + large_queued
    assert Reminder.objects.filter(key__startswith="agreements:review:").count() == 2 * 102
    assert Reminder.objects.filter(key__startswith="committees:action:").count() == 102
