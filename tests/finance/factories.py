"""factory_boy factories for finance records (and the agreement a budget rests on)."""

from decimal import Decimal

import factory

from agreements.choices import AgreementKind, AgreementStatus
from agreements.models import Agreement
from finance.choices import BudgetKind, RiskShareRule
from finance.models import (
    Budget,
    BudgetLine,
    Contribution,
    LinePlan,
    Monitoring,
    RiskShare,
    Transfer,
    YearEnd,
    YearEndShare,
)
from tests.factories import OrganisationFactory, PartnershipFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    partnership = factory.SubFactory(PartnershipFactory)
    reference = factory.Sequence(lambda n: f"FIN-AGR-{n}")
    title = factory.Sequence(lambda n: f"Pooled fund agreement {n}")
    kind = AgreementKind.S75_POOLED_FUND
    status = AgreementStatus.IN_FORCE


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    partnership = factory.SubFactory(PartnershipFactory)
    agreement = factory.SubFactory(AgreementFactory, partnership=factory.SelfAttribute("..partnership"))
    name = factory.Sequence(lambda n: f"Pooled budget {n}")
    kind = BudgetKind.POOLED
    risk_share_rule = RiskShareRule.PROPORTIONAL
    pooled_fund_manager = "Director of Adult Social Care"


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    budget = factory.SubFactory(BudgetFactory)
    year = 2018
    amount = Decimal("1000.00")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    budget = factory.SubFactory(BudgetFactory)
    name = factory.Sequence(lambda n: f"Service line {n:04d}")


class LinePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinePlan

    line = factory.SubFactory(BudgetLineFactory)
    year = 2018
    amount = Decimal("500.00")


class MonitoringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Monitoring

    line = factory.SubFactory(BudgetLineFactory)
    year = 2018
    month = 1
    actual_to_date = Decimal("40.00")
    forecast_outturn = Decimal("500.00")


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer

    agreement = factory.SubFactory(AgreementFactory, kind=AgreementKind.S256)
    purpose = "Social care which benefits health"
    year = 2018
    amount = Decimal("250000.00")


class RiskShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskShare

    budget = factory.SubFactory(BudgetFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    percentage = Decimal("50.00")


class YearEndFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearEnd

    budget = factory.SubFactory(BudgetFactory)
    year = 2018
    rule = RiskShareRule.PROPORTIONAL
    total_contributions = Decimal("1000.00")
    outturn = Decimal("1100.00")
    variance = Decimal("100.00")


class YearEndShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearEndShare

    year_end = factory.SubFactory(YearEndFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    contribution = Decimal("500.00")
    share = Decimal("50.00")
