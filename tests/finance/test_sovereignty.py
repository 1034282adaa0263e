"""Each body alone enters its own figures: contributions, plans and monitoring.

Run through the real URLs: own body's finance officer may; the partner body's
finance officer, officers and auditors may not (403); anyone outside the
partnership gets 404. Forged POSTs naming another body change nothing.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from finance.models import BudgetLine, Contribution, LinePlan, Monitoring
from partnership.choices import Role
from tests.finance.factories import MonitoringFactory

pytestmark = pytest.mark.django_db

FO, OFFICER, AUDITOR, ADMIN = Role.FINANCE_OFFICER, Role.OFFICER, Role.AUDITOR, Role.ADMINISTRATOR


def url(name, **kwargs):
    return reverse(f"finance:{name}", kwargs={"partnership": "ours", **kwargs})


@pytest.mark.parametrize(
    ("body", "role", "expected"),
    [
        ("nhs", FO, 200),  # the ICB's own finance officer
        ("council", FO, 403),  # a partner body's finance officer
        ("nhs", OFFICER, 403),
        ("council", OFFICER, 403),
        ("nhs", AUDITOR, 403),
        ("nhs", ADMIN, 403),
        ("other", FO, 404),  # outside the partnership
        ("other_nhs", FO, 404),
    ],
)
def test_who_may_change_the_icbs_contribution(client, world, pool, body, role, expected):
    client.force_login(world.user(body, role))
    edit = url("contribution_edit", pk=pool.nhs_contribution.pk)
    assert client.get(edit).status_code == expected
    version = pool.nhs_contribution.updated_at.isoformat()
    response = client.post(edit, {"amount": "1.00", "change_reason": "forged", "loaded_version": version})
    assert response.status_code == (302 if expected == 200 else expected)
    pool.nhs_contribution.refresh_from_db()
    assert pool.nhs_contribution.amount == (Decimal("1.00") if expected == 200 else Decimal("400000.00"))


@pytest.mark.parametrize(
    ("body", "role", "expected"),
    [
        ("council", FO, 200),
        ("nhs", FO, 200),
        ("council", OFFICER, 403),
        ("council", AUDITOR, 403),
        ("council", Role.SIGNATORY, 403),
        ("other", FO, 404),
    ],
)
def test_who_may_open_the_contribution_form(client, world, pool, body, role, expected):
    client.force_login(world.user(body, role))
    assert client.get(url("contribution_add", budget=pool.budget.pk)).status_code == expected


def test_finance_officer_cannot_create_a_contribution_for_another_body_by_forged_post(client, world, pool):
    client.force_login(world.user("council", FO))
    response = client.post(
        url("contribution_add", budget=pool.budget.pk),
        {"organisation": world.bodies["nhs"].pk, "year": "2019/20", "amount": "5,000.00"},
    )
    assert response.status_code in (200, 403)
    assert not Contribution.objects.filter(year=2019).exists()
    # Nor for a body outside the partnership.
    response = client.post(
        url("contribution_add", budget=pool.budget.pk),
        {"organisation": world.bodies["other"].pk, "year": "2019/20", "amount": "5,000.00"},
    )
    assert response.status_code in (200, 403)
    assert not Contribution.objects.filter(year=2019).exists()


def test_forged_organisation_on_edit_does_not_move_a_contribution(client, world, pool):
    client.force_login(world.user("council", FO))
    response = client.post(
        url("contribution_edit", pk=pool.council_contribution.pk),
        {
            "organisation": world.bodies["nhs"].pk,
            "year": "2020/21",
            "amount": "700,000.00",
            "loaded_version": pool.council_contribution.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    pool.council_contribution.refresh_from_db()
    assert pool.council_contribution.organisation == world.bodies["council"]
    assert pool.council_contribution.year == 2018
    assert pool.council_contribution.amount == Decimal("700000.00")


def test_overwriting_another_bodys_contribution_through_the_add_form_is_refused(client, world, pool):
    """The add form sets (body, year): naming the ICB's 2018/19 must not reach the ICB's row."""
    client.force_login(world.user("council", FO))
    client.post(
        url("contribution_add", budget=pool.budget.pk),
        {"organisation": world.bodies["nhs"].pk, "year": "2018/19", "amount": "1.00"},
    )
    pool.nhs_contribution.refresh_from_db()
    assert pool.nhs_contribution.amount == Decimal("400000.00")


def test_a_budget_of_another_partnership_is_not_found_through_ours(client, world, their_budget):
    client.force_login(world.user("council", FO))
    contribution = their_budget.contributions.get()
    assert client.get(url("contribution_edit", pk=contribution.pk)).status_code == 404
    assert client.get(url("contribution_add", budget=their_budget.pk)).status_code == 404
    assert client.get(url("budget_detail", pk=their_budget.pk)).status_code == 404
    theirs = reverse("finance:budget_detail", kwargs={"partnership": "theirs", "pk": their_budget.pk})
    assert client.get(theirs).status_code == 404


@pytest.mark.parametrize(
    ("body", "role", "expected"),
    [
        ("nhs", FO, 200),
        ("council", FO, 403),
        ("nhs", OFFICER, 403),
        ("nhs", AUDITOR, 403),
        ("other_nhs", FO, 404),
    ],
)
def test_who_may_enter_monitoring_for_the_icbs_line(client, world, pool, body, role, expected):
    client.force_login(world.user(body, role))
    add = url("monitoring_add", line=pool.nhs_line.pk)
    assert client.get(add).status_code == expected
    response = client.post(
        add, {"year": "2018/19", "month": "3", "actual_to_date": "90,000", "forecast_outturn": "£410,000.00"}
    )
    assert response.status_code == (302 if expected == 200 else expected)
    assert Monitoring.objects.filter(line=pool.nhs_line).exists() == (expected == 200)


@pytest.mark.parametrize(
    ("body", "role", "expected"),
    [
        ("nhs", FO, 302),
        ("council", FO, 403),
        ("council", OFFICER, 403),
        ("nhs", AUDITOR, 403),
        ("other", FO, 404),
    ],
)
def test_who_may_correct_the_icbs_monitoring(client, world, pool, body, role, expected):
    record = MonitoringFactory(line=pool.nhs_line, month=2)
    client.force_login(world.user(body, role))
    response = client.post(
        url("monitoring_edit", pk=record.pk),
        {
            "actual_to_date": "1.00",
            "forecast_outturn": "2.00",
            "loaded_version": record.updated_at.isoformat(),
        },
    )
    assert response.status_code == expected
    record.refresh_from_db()
    assert (record.actual_to_date == Decimal("1.00")) == (expected == 302)


def test_who_may_set_the_plan_of_the_icbs_line(client, world, pool):
    client.force_login(world.user("council", FO))
    response = client.post(url("plan_add", line=pool.nhs_line.pk), {"year": "2018/19", "amount": "1.00"})
    assert response.status_code == 403
    assert LinePlan.objects.get(line=pool.nhs_line, year=2018).amount == Decimal("400000.00")
    client.force_login(world.user("nhs", FO))
    response = client.post(url("plan_add", line=pool.nhs_line.pk), {"year": "2019/20", "amount": "450,000"})
    assert response.status_code == 302
    assert LinePlan.objects.get(line=pool.nhs_line, year=2019).amount == Decimal("450000.00")
    response = client.post(url("plan_add", line=pool.nhs_line.pk), {"year": "2018/19", "amount": "1.00"})
    assert "already has £400,000.00 planned for 2018/19" in response.content.decode()
    assert LinePlan.objects.get(line=pool.nhs_line, year=2018).amount == Decimal("400000.00")


def test_an_officer_cannot_add_a_line_run_by_another_body(client, world, pool):
    client.force_login(world.user("council", OFFICER))
    response = client.post(
        url("line_add", budget=pool.budget.pk),
        {"name": "Forged line", "organisation": world.bodies["nhs"].pk},
    )
    assert response.status_code in (200, 403)
    assert not BudgetLine.objects.filter(name="Forged line").exists()
    response = client.post(
        url("line_add", budget=pool.budget.pk),
        {"name": "Own line", "organisation": world.bodies["council"].pk},
    )
    assert response.status_code == 302
    assert BudgetLine.objects.get(name="Own line").organisation == world.bodies["council"]


def test_auditor_sees_the_budget_but_no_entry_links(client, world, pool):
    client.force_login(world.user("council", AUDITOR))
    response = client.get(url("budget_detail", pk=pool.budget.pk) + "?year=2018")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter monitoring" not in html
    assert "Enter your body&#x27;s contribution" not in html and "Enter your body's contribution" not in html
    assert "Close 2018/19" not in html


def test_finance_officer_sees_entry_links_only_for_own_lines(client, world, pool):
    client.force_login(world.user("nhs", FO))
    html = client.get(url("budget_detail", pk=pool.budget.pk) + "?year=2018").content.decode()
    assert url("monitoring_add", line=pool.nhs_line.pk) in html
    assert url("monitoring_add", line=pool.council_line.pk) not in html
    assert url("contribution_edit", pk=pool.nhs_contribution.pk) in html
    assert url("contribution_edit", pk=pool.council_contribution.pk) not in html
