"""A pooled budget in ``world.ours``: the Council hosts, the ICB contributes, each runs one line."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.finance.factories import (
    BudgetFactory,
    BudgetLineFactory,
    ContributionFactory,
    LinePlanFactory,
)


@dataclass
class Pool:
    budget: object
    council_contribution: object
    nhs_contribution: object
    council_line: object
    nhs_line: object


@pytest.fixture
def pool(world):
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    budget = BudgetFactory(partnership=world.ours, host=council, name="Better Care Fund pool")
    council_line = BudgetLineFactory(budget=budget, organisation=council, name="Reablement")
    nhs_line = BudgetLineFactory(budget=budget, organisation=nhs, name="Community nursing")
    LinePlanFactory(line=council_line, year=2018, amount=Decimal("600000.00"))
    LinePlanFactory(line=nhs_line, year=2018, amount=Decimal("400000.00"))
    return Pool(
        budget=budget,
        council_contribution=ContributionFactory(
            budget=budget, organisation=council, year=2018, amount=Decimal("600000.00")
        ),
        nhs_contribution=ContributionFactory(
            budget=budget, organisation=nhs, year=2018, amount=Decimal("400000.00")
        ),
        council_line=council_line,
        nhs_line=nhs_line,
    )


@pytest.fixture
def their_budget(world):
    other = world.bodies["other"]
    budget = BudgetFactory(partnership=world.theirs, host=other, name="Their pool")
    ContributionFactory(budget=budget, organisation=other, year=2018)
    BudgetLineFactory(budget=budget, organisation=other, name="Their line")
    return budget
