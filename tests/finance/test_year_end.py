"""Closing a year keeps the variance and each body's share, locks the year, and reopening is recorded."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from finance import services
from finance.choices import RiskShareRule
from finance.models import Monitoring, YearEnd
from partnership import history
from partnership.choices import Role

pytestmark = pytest.mark.django_db
D = Decimal


def _overspend(pool, world):
    """Council line forecast 650,000.00 against a plan of 600,000; the ICB line on plan: £50,000 over."""
    services.record_monitoring(
        line=pool.council_line,
        year=2018,
        month=12,
        actual_to_date=D("650000.00"),
        forecast_outturn=D("650000.00"),
        user=world.user("council", Role.FINANCE_OFFICER),
    )


def test_close_keeps_variance_and_shares_by_the_rule(world, pool):
    _overspend(pool, world)
    user = world.user("council", Role.FINANCE_OFFICER)
    year_end = services.close_financial_year(budget=pool.budget, year=2018, user=user)
    assert year_end.is_closed
    assert year_end.total_contributions == D("1000000.00")
    assert year_end.outturn == D("1050000.00")
    assert year_end.variance == D("50000.00")
    shares = {s.organisation: s.share for s in year_end.shares.all()}
    assert shares == {world.bodies["council"]: D("30000.00"), world.bodies["nhs"]: D("20000.00")}
    assert year_end.closed_by == user


def test_close_shares_awkward_amounts_to_the_penny(world, pool):
    pool.budget.risk_share_rule = RiskShareRule.FIXED_SHARES
    pool.budget.save()
    user = world.user("council", Role.FINANCE_OFFICER)
    services.set_risk_shares(
        budget=pool.budget,
        shares={world.bodies["council"]: D("66.67"), world.bodies["nhs"]: D("33.33")},
        user=user,
    )
    services.record_monitoring(
        line=pool.nhs_line,
        year=2018,
        month=12,
        actual_to_date=D("1"),
        forecast_outturn=D("400100.01"),
        user=world.user("nhs", Role.FINANCE_OFFICER),
    )
    year_end = services.close_financial_year(budget=pool.budget, year=2018, user=user)
    shares = [s.share for s in year_end.shares.all()]
    assert sum(shares) == year_end.variance == D("100.01")


def test_a_closed_year_refuses_changes_with_a_clear_message(world, pool):
    user = world.user("nhs", Role.FINANCE_OFFICER)
    services.close_financial_year(
        budget=pool.budget, year=2018, user=world.user("council", Role.FINANCE_OFFICER)
    )
    message = "2018/19 is closed for Better Care Fund pool"
    with pytest.raises(ValidationError, match=message):
        services.set_contribution(
            budget=pool.budget, organisation=world.bodies["nhs"], year=2018, amount=D("1"), user=user
        )
    with pytest.raises(ValidationError, match=message):
        services.set_line_plan(line=pool.nhs_line, year=2018, amount=D("1"), user=user)
    with pytest.raises(ValidationError, match=message):
        services.record_monitoring(
            line=pool.nhs_line, year=2018, month=1, actual_to_date=D("1"), forecast_outturn=D("1"), user=user
        )
    # Another year stays open.
    services.set_contribution(
        budget=pool.budget, organisation=world.bodies["nhs"], year=2019, amount=D("1"), user=user
    )


def test_the_closed_year_is_refused_through_the_form_too(client, world, pool):
    services.close_financial_year(
        budget=pool.budget, year=2018, user=world.user("council", Role.FINANCE_OFFICER)
    )
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    response = client.post(
        reverse("finance:contribution_edit", kwargs={"partnership": "ours", "pk": pool.nhs_contribution.pk}),
        {"amount": "1.00", "loaded_version": pool.nhs_contribution.updated_at.isoformat()},
    )
    assert response.status_code == 200
    assert "2018/19 is closed for Better Care Fund pool" in response.content.decode()
    pool.nhs_contribution.refresh_from_db()
    assert pool.nhs_contribution.amount == D("400000.00")


def test_reopen_needs_a_reason_and_is_recorded(world, pool):
    closer = world.user("council", Role.FINANCE_OFFICER)
    services.close_financial_year(budget=pool.budget, year=2018, user=closer)
    with pytest.raises(ValidationError, match="say why"):
        services.reopen_financial_year(budget=pool.budget, year=2018, user=closer, reason=" ")
    year_end = services.reopen_financial_year(
        budget=pool.budget, year=2018, user=closer, reason="Late invoice from the care home provider"
    )
    assert not year_end.is_closed
    # The decision at close is kept on the row...
    assert year_end.variance == D("0.00")
    latest = year_end.history.first()
    assert latest.history_user == closer
    assert latest.history_change_reason == "Late invoice from the care home provider"
    assert latest.reopened_on is not None
    # ...and the close itself is an earlier history row.
    assert year_end.history.count() == 2
    assert year_end.history.last().closed_by_id == closer.pk
    # Figures may change again, and the year may close again with the new outturn.
    _overspend(pool, world)
    year_end = services.close_financial_year(budget=pool.budget, year=2018, user=closer)
    assert year_end.variance == D("50000.00")
    assert year_end.history.count() == 3


def test_cannot_close_twice_or_reopen_an_open_year(world, pool):
    user = world.user("council", Role.FINANCE_OFFICER)
    with pytest.raises(ValidationError, match="not closed"):
        services.reopen_financial_year(budget=pool.budget, year=2018, user=user, reason="x")
    services.close_financial_year(budget=pool.budget, year=2018, user=user)
    with pytest.raises(ValidationError, match="already closed"):
        services.close_financial_year(budget=pool.budget, year=2018, user=user)


@pytest.mark.parametrize(
    ("body", "role", "expected"),
    [
        ("council", Role.FINANCE_OFFICER, 302),  # the host body's finance officer
        ("nhs", Role.FINANCE_OFFICER, 403),  # not the host
        ("council", Role.OFFICER, 403),
        ("council", Role.AUDITOR, 403),
        ("other", Role.FINANCE_OFFICER, 404),
    ],
)
def test_who_may_close_a_year(client, world, pool, body, role, expected):
    client.force_login(world.user(body, role))
    url = reverse(
        "finance:year_close", kwargs={"partnership": "ours", "budget": pool.budget.pk, "year": 2018}
    )
    response = client.post(url, {"note": "Agreed at the Joint Commissioning Committee"})
    assert response.status_code == expected
    assert YearEnd.objects.filter(budget=pool.budget, closed_on__isnull=False).exists() == (expected == 302)


def test_close_and_reopen_through_the_pages_with_history(client, world, pool):
    _overspend(pool, world)
    closer = world.user("council", Role.FINANCE_OFFICER)
    client.force_login(closer)
    kwargs = {"partnership": "ours", "budget": pool.budget.pk, "year": 2018}
    page = client.get(reverse("finance:year_close", kwargs=kwargs))
    assert "£50,000.00" in page.content.decode()
    client.post(reverse("finance:year_close", kwargs=kwargs), {"note": "Outturn agreed at JCC"})
    response = client.post(reverse("finance:year_reopen", kwargs=kwargs), {"reason": ""})
    assert "Reason for reopening: say why the year is being reopened." in response.content.decode()
    client.post(reverse("finance:year_reopen", kwargs=kwargs), {"reason": "Audit adjustment"})
    entries = history.entries_for(history.history_sources(pool.budget))
    year_end_entries = [e for e in entries if e.kind == "Year end"]
    assert [e.reason for e in year_end_entries] == ["Audit adjustment", "Outturn agreed at JCC"]
    assert all(e.user == closer for e in year_end_entries)
    history_page = client.get(
        reverse("finance:budget_history", kwargs={"partnership": "ours", "pk": pool.budget.pk})
    ).content.decode()
    assert "Audit adjustment" in history_page
    assert "Outturn agreed at JCC" in history_page


def test_budget_history_covers_its_children_and_agreement_history_covers_contributions(world, pool):
    user = world.user("nhs", Role.FINANCE_OFFICER)
    services.set_contribution(
        budget=pool.budget,
        organisation=world.bodies["nhs"],
        year=2018,
        amount=D("410000"),
        user=user,
        reason="Uplift",
    )
    Monitoring.objects.create(
        line=pool.nhs_line, year=2018, month=1, actual_to_date=D("1"), forecast_outturn=D("400000")
    )
    kinds = {e.kind for e in history.entries_for(history.history_sources(pool.budget))}
    assert {"Budget", "Contribution", "Budget line", "Line plan", "Monitoring return"} <= kinds
    agreement_entries = history.entries_for(history.history_sources(pool.budget.agreement))
    uplift = [e for e in agreement_entries if e.kind == "Contribution" and e.reason == "Uplift"]
    assert uplift and uplift[0].user == user
