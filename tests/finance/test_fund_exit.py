"""Ending a pooled fund: the settlement between the bodies from the final accounts, residual
liabilities, staff and assets returned, and a fund that cannot close with anything unsettled."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from finance import services
from finance.choices import ReturnKind, UnderspendRule
from finance.models import ExitPayment, ExitReturn, FundExit, ResidualLiability
from partnership.choices import Role
from tests.finance.factories import InstalmentFactory, MonitoringFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def ending(world, pool):
    """Notice served on the agreement; 2018/19 underspent by £40,000, carried forward, and closed."""
    agreement = pool.budget.agreement
    agreement.ending_status = "terminated"
    agreement.notice_given_on = datetime.date(2018, 10, 1)
    agreement.ends_on = datetime.date(2019, 3, 31)
    agreement.save()
    host = world.user("council", Role.FINANCE_OFFICER)
    pool.budget.underspend_rule = UnderspendRule.CARRY_FORWARD
    services.save_budget(budget=pool.budget, user=host)
    MonitoringFactory(
        line=pool.council_line, year=2018, month=12, actual_to_date=D("560000"), forecast_outturn=D("560000")
    )
    MonitoringFactory(
        line=pool.nhs_line, year=2018, month=12, actual_to_date=D("400000"), forecast_outturn=D("400000")
    )
    services.close_financial_year(budget=pool.budget, year=2018, user=host)
    return services.save_fund_exit(fund_exit=FundExit(budget=pool.budget, final_year=2018), user=host)


def test_an_exit_is_planned_only_once_the_agreement_is_ending(world, pool):
    pool.budget.agreement.end_date = datetime.date(2040, 3, 31)
    pool.budget.agreement.save()
    with pytest.raises(ValidationError, match="no notice served"):
        services.save_fund_exit(
            fund_exit=FundExit(budget=pool.budget, final_year=2018),
            user=world.user("council", Role.FINANCE_OFFICER),
        )


def test_the_settlement_returns_each_closing_balance_and_the_fund_closes_only_when_all_is_settled(
    world, pool, ending
):
    host = world.user("council", Role.FINANCE_OFFICER)
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    InstalmentFactory(
        contribution=pool.nhs_contribution, amount=D("400000"), due_on=datetime.date(2018, 4, 1)
    )
    services.save_exit_return(
        item=ExitReturn(
            exit=ending, kind=ReturnKind.STAFF, description="Reablement team", returned_to=council
        ),
        user=host,
    )
    services.save_residual_liability(
        liability=ResidualLiability(
            exit=ending, description="Care packages to 30 June", amount=D("12000"), held_by=nhs
        ),
        user=host,
    )
    _final, rows, _returns, problems = services.exit_position(ending)
    assert {row.body.pk: row.due for row in rows} == {council.pk: D("-24000.00"), nhs.pk: D("-16000.00")}
    assert problems == [
        f"The fund still owes {council.name} £24,000.00.",
        f"The fund still owes {nhs.name} £16,000.00.",
        f"{council.name} has paid £0.00 of its contribution of £600,000.00 for 2018/19.",
        f"{nhs.name} has paid £0.00 of its contribution of £400,000.00 for 2018/19.",
        f"Staff not yet returned to {council.name}: Reablement team.",
    ]
    with pytest.raises(ValidationError) as refusal:
        services.close_fund(fund_exit=ending, user=host)
    assert refusal.value.messages == problems

    for body, amount in ((council, "-24000"), (nhs, "-16000")):
        services.record_exit_payment(
            payment=ExitPayment(
                exit=ending, organisation=body, amount=D(amount), paid_on=datetime.date(2019, 5, 1)
            ),
            user=host,
        )
    pool.nhs_contribution.instalments.update(paid_on=datetime.date(2018, 4, 2))
    InstalmentFactory(
        contribution=pool.council_contribution, amount=D("600000"), paid_on=datetime.date(2018, 4, 2)
    )
    item = ending.returns.get()
    item.returned_on = datetime.date(2019, 4, 1)
    services.save_exit_return(item=item, user=host)
    closed = services.close_fund(fund_exit=ending, user=host, on=datetime.date(2019, 5, 2))
    assert closed.closed_on == datetime.date(2019, 5, 2)

    # Nothing of a closed fund changes.
    with pytest.raises(ValidationError, match="closed on 2 May 2019"):
        services.set_contribution(
            budget=pool.budget,
            organisation=nhs,
            year=2019,
            amount=D("1"),
            user=world.user("nhs", Role.FINANCE_OFFICER),
        )
    with pytest.raises(ValidationError, match="closed on 2 May 2019"):
        services.reopen_financial_year(budget=pool.budget, year=2018, user=host, reason="Late invoice")


def test_only_the_hosts_finance_officers_record_the_exit(world, pool, ending):
    for user in (world.user("nhs", Role.FINANCE_OFFICER), world.user("council", Role.AUDITOR)):
        with pytest.raises(PermissionDenied):
            services.record_exit_payment(
                payment=ExitPayment(
                    exit=ending,
                    organisation=world.bodies["nhs"],
                    amount=D("1"),
                    paid_on=datetime.date(2019, 5, 1),
                ),
                user=user,
            )
        with pytest.raises(PermissionDenied):
            services.close_fund(fund_exit=ending, user=user)


def test_a_fund_with_no_figures_in_its_final_year_closes_once_everything_is_returned(world):
    from tests.finance.factories import BudgetFactory

    budget = BudgetFactory(partnership=world.ours, host=world.bodies["council"])
    budget.agreement.ending_status = "terminated"
    budget.agreement.save()
    host = world.user("council", Role.FINANCE_OFFICER)
    fund_exit = services.save_fund_exit(fund_exit=FundExit(budget=budget, final_year=2026), user=host)
    services.save_exit_return(
        item=ExitReturn(
            exit=fund_exit,
            kind=ReturnKind.ASSET,
            description="Equipment store stock",
            returned_to=world.bodies["council"],
            returned_on=datetime.date(2026, 11, 1),
        ),
        user=host,
    )
    assert services.exit_position(fund_exit)[-1] == []
    assert services.close_fund(fund_exit=fund_exit, user=host).closed_on is not None


def test_a_closed_funds_page_says_so_and_offers_no_changes(client, world, pool, ending):
    """The services refuse every change to a closed fund; its page offers none to refuse."""
    page_url = pool.budget.get_absolute_url() + "?year=2018"
    offers = ("Edit budget details", "Add a budget line", "Reopen 2018/19", ">Edit<span")
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    running = client.get(page_url).content.decode()
    assert "This fund closed on" not in running
    assert [offer for offer in offers if offer in running] == list(offers)

    FundExit.objects.filter(pk=ending.pk).update(closed_on=datetime.date(2019, 5, 2))
    for body in ("council", "nhs"):
        client.force_login(world.user(body, Role.FINANCE_OFFICER))
        closed = client.get(page_url).content.decode()
        assert "This fund closed on 2 May 2019 at its exit" in closed
        assert [offer for offer in offers if offer in closed] == []
