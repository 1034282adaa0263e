"""The home page shows the first few of each attention list and a count: its size and
queries do not grow with what is due; the rest is a page at a time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.choices import AgreementStatus
from committees.models import Action
from partnership.choices import Role
from tests.agreements.factories import agreement_between, bulk_agreements
from tests.committees.factories import ActionFactory, CommitteeFactory, MeetingFactory


def actions_due(world, count):
    meeting = MeetingFactory(committee=CommitteeFactory(partnership=world.ours))
    today = timezone.localdate()
    Action.objects.bulk_create(
        ActionFactory.build(
            meeting=meeting,
            owner_user=world.user("council", Role.OFFICER),
            description=f"Action {count}-{n:03d}",
            due=today + datetime.timedelta(days=n % 10),
        )
        for n in range(count)
    )


def home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.django_db
def test_the_home_page_stays_the_same_size_with_6_or_300_actions_due(client, world):
    client.force_login(world.user("council", Role.OFFICER))
    actions_due(world, 6)
    client.get(reverse("home"))
    small, small_queries = home(client)
    actions_due(world, 294)
    large, large_queries = home(client)

    assert large_queries == small_queries
    assert len(large.content) <= len(small.content) + 50  # the count, and other actions named first
    html = large.content.decode()
    assert "Meetings and actions <span" in html and "(300)" in html
    assert html.count("Action due:") == 5
    assert 'href="/attention/committees/">See all 300' in html


@pytest.mark.django_db
def test_the_whole_list_is_a_page_at_a_time_soonest_first(client, world):
    client.force_login(world.user("council", Role.OFFICER))
    actions_due(world, 120)
    url = reverse("attention", kwargs={"group": "committees"})
    first = client.get(url).content.decode()
    assert first.count("Action due:") == 50 and "Page 1 of 3" in first
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count("Action due:") == 20
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert first.index(f"Due {today.day} {today:%b %Y}") < first.index(f"Due {tomorrow.day} {tomorrow:%b %Y}")
    # Lists with nothing in them, or of apps that do not exist, are not pages.
    assert client.get(reverse("attention", kwargs={"group": "finance"})).status_code == 404
    assert client.get(reverse("attention", kwargs={"group": "nonsense"})).status_code == 404


def reviews_due(world, count, start):
    today = timezone.localdate()
    bulk_agreements(
        world.ours,
        count,
        world.bodies["council"],
        reference="DUE-{n:04d}",
        start=start,
        status=AgreementStatus.IN_FORCE,
        next_review_date=lambda n: today + datetime.timedelta(days=n % 50),
    )


@pytest.mark.django_db
def test_the_home_page_builds_only_the_reviews_it_shows(client, world):
    client.force_login(world.user("council", Role.OFFICER))
    reviews_due(world, 6, 0)
    client.get(reverse("home"))
    small, small_queries = home(client)
    reviews_due(world, 294, 6)
    large, large_queries = home(client)
    assert large_queries == small_queries
    html = large.content.decode()
    assert "Agreements <span" in html and "(300)" in html and "See all 300" in html
    assert html.count("Review of DUE-") == 5
    assert "Review of DUE-0000 " in html  # due today: the soonest first
    everything = client.get(
        reverse("attention", kwargs={"group": "agreements"}), {"page": 6}
    ).content.decode()
    assert "Page 6 of 6" in everything and everything.count("Review of DUE-") == 50


def budgets_missing_monitoring(world, count, start):
    """``count`` budgets with this year's contributions, each with a council line and no
    monitoring for last month, and last year not closed."""
    from finance.models import Budget, BudgetLine, Contribution
    from partnership.dates import financial_year_start

    year = financial_year_start(timezone.localdate().replace(day=1) - datetime.timedelta(days=1))
    council = world.bodies["council"]
    agreement = agreement_between(world.ours, council, world.bodies["nhs"], reference=f"POOLS-{start}")
    budgets = Budget.objects.bulk_create(
        Budget(partnership=world.ours, agreement=agreement, name=f"Pool {n:04d}", host=council, kind="pooled")
        for n in range(start, start + count)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(budget=budget, organisation=council, name="Reablement") for budget in budgets
    )
    Contribution.objects.bulk_create(
        Contribution(budget=budget, organisation=council, year=y, amount="100.00")
        for budget in budgets
        for y in {year, financial_year_start(timezone.localdate()) - 1}
    )


@pytest.mark.django_db
def test_the_home_page_builds_only_the_finance_items_it_shows(client, world):
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    budgets_missing_monitoring(world, 3, 0)
    client.get(reverse("home"))
    small, small_queries = home(client)
    budgets_missing_monitoring(world, 147, 3)
    large, large_queries = home(client)
    assert large_queries <= small_queries  # the year-end list is not read when monitoring fills the five
    html = large.content.decode()
    # 150 budgets: last month's monitoring, last year's close, and the statutory reports due
    # around today (how many depends on the day the suite runs at).
    from finance.reminders import _reports_due

    reports = len(_reports_due({world.bodies["council"].pk}, {world.ours.pk}, timezone.localdate()))
    assert reports >= 150
    assert f"See all {300 + reports}" in html
    assert html.count("monitoring for") == 5 and "Pool 0000: monitoring for" in html
    pages = (300 + reports) // 50  # the reports (with due dates) first; the years to close last
    everything = client.get(
        reverse("attention", kwargs={"group": "finance"}), {"page": pages}
    ).content.decode()
    assert f"Page {pages} of {pages}" in everything and everything.count("year end") == 50
