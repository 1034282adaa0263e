"""Every write service in finance.services checks permission itself (finance.access), so a
caller that is not a view (an admin action, a task, a script) cannot go round it: called
directly by someone without the right, each is refused and writes nothing."""

import functools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from finance import services
from finance.choices import TransferStatus
from finance.models import (
    Budget,
    BudgetLine,
    Contribution,
    LinePlan,
    Monitoring,
    RiskShare,
    Transfer,
    YearEnd,
)
from partnership.choices import Role
from tests.finance.factories import AgreementFactory, BudgetFactory, TransferFactory, YearEndFactory

pytestmark = pytest.mark.django_db

D = Decimal
MODELS = (Budget, BudgetLine, Contribution, LinePlan, Monitoring, RiskShare, Transfer, YearEnd)


def written():
    """How many history rows finance holds: a refused write adds none."""
    return sum(model.history.count() for model in MODELS)


def s256(world):
    return AgreementFactory(partnership=world.ours, kind="s256", reference="S256-PERM")


def new_transfer(world):
    return Transfer(
        agreement=s256(world),
        from_organisation=world.bodies["nhs"],
        to_organisation=world.bodies["council"],
        purpose="Winter pressures",
        year=2018,
        amount=D("1000"),
        status=TransferStatus.PROPOSED,
    )


def stored_transfer(world):
    return TransferFactory(
        agreement=s256(world), from_organisation=world.bodies["nhs"], to_organisation=world.bodies["council"]
    )


def closed_year(pool):
    return YearEndFactory(budget=pool.budget, year=2018, closed_on=timezone.now())


#: (service, arrange(world, pool) giving act(user=...), who may not) — "body role" of the world's people.
CASES = [
    (
        "set_contribution",
        lambda world, pool: (
            lambda user: services.set_contribution(
                budget=pool.budget, organisation=world.bodies["nhs"], year=2018, amount="5", user=user
            )
        ),
        ["council finance_officer", "nhs officer", "nhs auditor", "other_nhs finance_officer"],
    ),
    (
        "set_line_plan",
        lambda world, pool: (
            lambda user: services.set_line_plan(line=pool.nhs_line, year=2018, amount="5", user=user)
        ),
        ["council finance_officer", "nhs officer", "nhs auditor", "other finance_officer"],
    ),
    (
        "record_monitoring",
        lambda world, pool: (
            lambda user: services.record_monitoring(
                line=pool.nhs_line, year=2018, month=3, actual_to_date="1", forecast_outturn="2", user=user
            )
        ),
        ["council finance_officer", "nhs signatory", "nhs auditor", "other finance_officer"],
    ),
    (
        "set_risk_shares",
        lambda world, pool: (
            lambda user: services.set_risk_shares(
                budget=pool.budget,
                shares={world.bodies["council"]: D("50"), world.bodies["nhs"]: D("50")},
                user=user,
            )
        ),
        ["council signatory", "nhs auditor", "other officer"],
    ),
    (
        "save_budget (new)",
        lambda world, pool: (
            lambda user: services.save_budget(
                budget=BudgetFactory.build(
                    partnership=world.ours, agreement=pool.budget.agreement, host=world.bodies["council"]
                ),
                user=user,
            )
        ),
        ["council signatory", "nhs auditor", "other finance_officer"],
    ),
    (
        "save_budget (change)",
        lambda world, pool: (
            lambda user: services.save_budget(budget=pool.budget, user=user, reason="Renamed")
        ),
        ["council committee_secretary", "council auditor", "other officer"],
    ),
    (
        "save_line (new)",
        lambda world, pool: (
            lambda user: services.save_line(
                line=BudgetLine(budget=pool.budget, organisation=world.bodies["nhs"], name="New line"),
                user=user,
            )
        ),
        ["council officer", "nhs signatory", "nhs auditor", "other officer"],
    ),
    (
        "save_line (change)",
        lambda world, pool: lambda user: services.save_line(line=pool.nhs_line, user=user, reason="Renamed"),
        ["council finance_officer", "nhs auditor", "other finance_officer"],
    ),
    (
        "save_transfer (new)",
        lambda world, pool: lambda user: services.save_transfer(transfer=new_transfer(world), user=user),
        ["council finance_officer", "nhs signatory", "nhs auditor", "other_nhs finance_officer"],
    ),
    (
        "save_transfer (change)",
        lambda world, pool: functools.partial(services.save_transfer, transfer=stored_transfer(world)),
        ["council officer", "nhs auditor", "other_nhs officer"],
    ),
    (
        "close_financial_year",
        lambda world, pool: (
            lambda user: services.close_financial_year(budget=pool.budget, year=2018, user=user)
        ),
        ["nhs finance_officer", "council officer", "council auditor", "other finance_officer"],
    ),
    (
        "reopen_financial_year",
        lambda world, pool: functools.partial(
            services.reopen_financial_year,
            budget=pool.budget,
            year=closed_year(pool).year,
            reason="Late invoice",
        ),
        ["nhs finance_officer", "council officer", "council auditor", "other finance_officer"],
    ),
]


@pytest.mark.parametrize(
    ("service", "call", "who"),
    [
        pytest.param(service, call, who, id=f"{service}: {who}")
        for service, call, names in CASES
        for who in names
    ],
)
def test_a_write_service_refuses_whoever_may_not(world, pool, service, call, who):
    body, role = who.split(" ")
    act = call(world, pool)
    before = written()
    with pytest.raises(PermissionDenied):
        act(user=world.user(body, Role(role)))
    assert written() == before


#: One person who may, for each service: the refusal above is the rule, not a broken service.
MAY = {
    "set_contribution": "nhs finance_officer",
    "set_line_plan": "nhs finance_officer",
    "record_monitoring": "nhs finance_officer",
    "set_risk_shares": "nhs officer",
    "save_budget (new)": "nhs officer",
    "save_budget (change)": "council finance_officer",
    "save_line (new)": "nhs officer",
    "save_line (change)": "nhs officer",
    "save_transfer (new)": "nhs finance_officer",
    "save_transfer (change)": "nhs officer",
    "close_financial_year": "council finance_officer",
    "reopen_financial_year": "council finance_officer",
}


@pytest.mark.parametrize(("service", "call"), [pytest.param(s, c, id=s) for s, c, _ in CASES])
def test_a_write_service_lets_whoever_may(world, pool, service, call):
    body, role = MAY[service].split(" ")
    call(world, pool)(user=world.user(body, Role(role)))
