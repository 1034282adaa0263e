"""Money and dates as people type them; refusals name the field and say why."""

from decimal import Decimal

import pytest
from django.urls import reverse

from finance.forms import ContributionForm, MoneyField
from finance.models import Contribution, Transfer
from finance.money import MoneyError, parse_money
from finance.services import set_contribution
from partnership.choices import Role

D = Decimal


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1,234.56", D("1234.56")),
        ("£1,234.56", D("1234.56")),
        ("1234.5", D("1234.50")),
        (" £ 66,000,000 ", D("66000000.00")),
        ("0", D("0.00")),
        ("10,000,000,000.00", D("10000000000.00")),
    ],
)
def test_amounts_people_type_are_read(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("-5", "must not be negative"),
        ("£-1,000.00", "must not be negative"),
        ("1.234", "no more than two decimal places"),
        ("10,000,000,000.01", "no more than £10,000,000,000"),
        ("12,34", "pounds and pence"),
        ("ten pounds", "pounds and pence"),
        ("1e5", "pounds and pence"),
    ],
)
def test_amounts_are_refused_with_a_reason(typed, reason):
    with pytest.raises(MoneyError, match=reason):
        parse_money(typed)


def test_the_field_names_itself_in_the_message():
    field = MoneyField(label="Contribution amount")
    with pytest.raises(Exception) as error:
        field.clean("-10")
    assert error.value.messages == ["Contribution amount must not be negative."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1,000", "Contribution amount must not be negative."),
        ("1,000.001", "Contribution amount must have no more than two decimal places (pence)."),
        ("£10,000,000,001", "Contribution amount must be no more than £10,000,000,000."),
    ],
)
def test_contribution_form_refuses_with_field_and_reason(client, world, pool, typed, message):
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    url = reverse("finance:contribution_add", kwargs={"partnership": "ours", "budget": pool.budget.pk})
    response = client.post(
        url, {"organisation": world.bodies["council"].pk, "year": "2019/20", "amount": typed}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contribution.objects.filter(year=2019).exists()


@pytest.mark.django_db
def test_contribution_form_accepts_pound_sign_and_commas(client, world, pool):
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    url = reverse("finance:contribution_add", kwargs={"partnership": "ours", "budget": pool.budget.pk})
    response = client.post(
        url, {"organisation": world.bodies["council"].pk, "year": "2019/20", "amount": "£1,234,567.89"}
    )
    assert response.status_code == 302
    assert Contribution.objects.get(year=2019, organisation=world.bodies["council"]).amount == D("1234567.89")


@pytest.mark.django_db
def test_financial_year_must_be_written_as_a_financial_year(world, pool):
    form = ContributionForm(
        data={"organisation": world.bodies["council"].pk, "year": "2019/21", "amount": "5"},
        partnership=world.ours,
        user=world.user("council", Role.FINANCE_OFFICER),
        instance=Contribution(budget=pool.budget),
    )
    assert not form.is_valid()
    assert form.errors["year"] == ["Financial year: “2019/21” is not a financial year; write it as 2018/19."]


@pytest.mark.django_db
def test_service_refuses_a_negative_contribution(world, pool):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Contribution amount must not be negative"):
        set_contribution(
            budget=pool.budget,
            organisation=world.bodies["council"],
            year=2018,
            amount=D("-1"),
            user=world.user("council", Role.FINANCE_OFFICER),
        )


@pytest.mark.django_db
def test_payment_date_outside_the_financial_year_is_refused(client, world):
    from tests.finance.factories import AgreementFactory

    agreement = AgreementFactory(partnership=world.ours, kind="s256", reference="S256-1")
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    response = client.post(
        reverse("finance:transfer_add", kwargs={"partnership": "ours"}),
        {
            "agreement": agreement.reference,
            "from_organisation": world.bodies["nhs"].pk,
            "to_organisation": world.bodies["council"].pk,
            "purpose": "Reablement",
            "year": "2018/19",
            "amount": "1,000.00",
            "status": "paid",
            "payment_date": "2019-04-02",
        },
    )
    assert response.status_code == 200
    assert (
        "Payment date: 2 April 2019 is outside the financial year 2018/19 (1 April 2018 to 31 March 2019)."
        in response.content.decode()
    )
    assert not Transfer.objects.exists()
