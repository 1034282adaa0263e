"""Each year's contribution with its basis (a stated figure, or last year's with an uplift), the
date its body's chief finance officer must agree it by, and that agreement recorded per body:
only by the body's own finance officers, undone by a change to the amount."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from finance import reminders, services
from finance.choices import ContributionBasis
from finance.models import Contribution
from partnership.choices import Role

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.mark.parametrize(
    ("last_year", "uplift", "this_year"),
    [
        ("1000000.00", "1.9", "1019000.00"),
        ("333.33", "1.5", "338.33"),  # 338.329995: to the penny
        ("100.10", "-2.5", "97.60"),  # 97.5975: half a penny and more rounds up
        ("2.10", "2.5", "2.15"),  # 2.1525
        ("0.20", "2.5", "0.21"),  # 0.205 exactly: half a penny rounds up
        ("600000.00", "0", "600000.00"),
    ],
)
def test_a_contribution_rolled_forward_is_last_years_with_the_uplift_to_the_penny(
    last_year, uplift, this_year
):
    assert services.rolled_forward(D(last_year), D(uplift)) == D(this_year)


def finance(world, body="council"):
    return world.user(body, Role.FINANCE_OFFICER)


def test_rolling_forward_takes_last_years_contribution_and_needs_one(world, pool):
    council = world.bodies["council"]
    contribution = services.set_contribution(
        budget=pool.budget,
        organisation=council,
        year=2019,
        amount=None,
        basis=ContributionBasis.ROLLED_FORWARD,
        uplift_percent=D("1.9"),
        agree_by=datetime.date(2019, 3, 1),
        user=finance(world),
    )
    assert contribution.amount == D("611400.00") and contribution.basis == ContributionBasis.ROLLED_FORWARD
    with pytest.raises(ValidationError) as nothing_to_roll:
        services.set_contribution(
            budget=pool.budget,
            organisation=council,
            year=2021,
            amount=None,
            basis=ContributionBasis.ROLLED_FORWARD,
            uplift_percent=D("1"),
            user=finance(world),
        )
    assert "basis" in nothing_to_roll.value.message_dict
    assert not Contribution.objects.filter(year=2021).exists()


def test_only_the_bodys_own_finance_officer_records_its_chief_finance_officers_agreement(world, pool):
    contribution = pool.council_contribution
    today = timezone.localdate()
    for person in (
        finance(world, "nhs"),  # another body's finance officer
        world.user("council", Role.OFFICER),
        world.user("council", Role.AUDITOR),
        world.user("other", Role.FINANCE_OFFICER),
    ):
        with pytest.raises(PermissionDenied):
            services.agree_contribution(contribution=contribution, user=person, on=today)
    with pytest.raises(ValidationError) as future:
        services.agree_contribution(
            contribution=contribution, user=finance(world), on=today + datetime.timedelta(days=1)
        )
    assert "on" in future.value.message_dict
    agreed = services.agree_contribution(contribution=contribution, user=finance(world), on=today)
    assert (agreed.agreed_by, agreed.agreed_on) == (finance(world), today)
    assert agreed.history.first().history_change_reason == "Agreed by the chief finance officer"
    with pytest.raises(ValidationError, match="already agreed"):
        services.agree_contribution(contribution=agreed, user=finance(world), on=today)


def test_changing_an_agreed_amount_undoes_the_agreement(world, pool):
    contribution = services.agree_contribution(
        contribution=pool.council_contribution, user=finance(world), on=timezone.localdate()
    )
    same = services.set_contribution(
        budget=pool.budget,
        organisation=contribution.organisation,
        year=2018,
        amount="600,000.00",
        agree_by=datetime.date(2018, 3, 1),
        user=finance(world),
    )
    assert same.agreed_on is not None  # the date to agree by changed, not the amount
    changed = services.set_contribution(
        budget=pool.budget,
        organisation=contribution.organisation,
        year=2018,
        amount="610,000",
        user=finance(world),
    )
    assert changed.agreed_on is None and changed.agreed_by is None
    with pytest.raises(ValidationError, match="changed to £610,000.00 after you opened it"):
        services.agree_contribution(contribution=contribution, user=finance(world), on=timezone.localdate())


def test_the_budget_page_offers_the_agreement_to_the_bodys_finance_officers_only(client, world, pool):
    budget_page = pool.budget.get_absolute_url() + "?year=2018"
    client.force_login(finance(world, "nhs"))
    page = client.get(budget_page).content.decode()
    assert page.count("Record it as agreed") == 1  # the ICB's, not the council's
    client.force_login(finance(world))
    agree = reverse(
        "finance:contribution_agree", kwargs={"partnership": "ours", "pk": pool.council_contribution.pk}
    )
    assert client.post(agree).status_code == 302
    page = client.get(budget_page).content.decode()
    assert "Agreed" in page and page.count("Record it as agreed") == 0
    client.force_login(finance(world, "nhs"))
    refused = client.post(agree)
    assert refused.status_code == 403


def test_the_form_rolls_forward_and_names_the_missing_uplift(client, world, pool):
    client.force_login(finance(world))
    add = reverse("finance:contribution_add", kwargs={"partnership": "ours", "budget": pool.budget.pk})
    data = {"organisation": world.bodies["council"].pk, "year": "2019/20", "basis": "rolled_forward"}
    page = client.post(add, data).content.decode()
    assert "Enter the uplift on last year" in page
    assert not Contribution.objects.filter(year=2019).exists()


def test_a_contribution_to_agree_soon_is_on_its_finance_officers_list(world, pool):
    today = timezone.localdate()
    contribution = pool.council_contribution
    contribution.agree_by = today + datetime.timedelta(days=10)
    contribution.save()
    items = [i["text"] for i in reminders.attention_items(finance(world))]
    assert any("to be agreed by its chief finance officer" in text for text in items)
    assert not any(
        "agreed by its chief" in i["text"] for i in reminders.attention_items(finance(world, "nhs"))
    )
    listed = reminders.attention_items(finance(world), limit=10)
    assert any("to be agreed by its chief finance officer" in i["text"] for i in listed)
