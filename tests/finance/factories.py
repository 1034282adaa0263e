"""factory_boy factories for finance records (and the agreement a budget rests on)."""

import datetime
import io
from decimal import Decimal

import factory
from pypdf import PdfWriter

from agreements.choices import AgreementKind, AgreementStatus
from agreements.models import Agreement
from finance.choices import BudgetKind, ReportKind, ReportPeriod, ReturnKind, RiskShareRule
from finance.models import (
    Budget,
    BudgetLine,
    Contribution,
    CoverCap,
    ExitPayment,
    ExitReturn,
    FundExit,
    FundYear,
    Instalment,
    LinePlan,
    Monitoring,
    ReportRecipient,
    ResidualLiability,
    RiskShare,
    StatutoryReport,
    Transfer,
    YearEnd,
    YearEndShare,
)
from tests.factories import OrganisationFactory, PartnershipFactory, UserFactory


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


class CoverCapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoverCap

    budget = factory.SubFactory(BudgetFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    cap = Decimal("100000.00")


class FundYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundYear

    budget = factory.SubFactory(BudgetFactory)
    year = 2018
    contingency = Decimal("0.00")


class InstalmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instalment

    contribution = factory.SubFactory(ContributionFactory)
    due_on = datetime.date(2018, 4, 1)
    amount = Decimal("250.00")


def blank_pdf():
    """A real one-page PDF (an issued report's file is read back by some tests)."""
    output = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(output)
    return output.getvalue()


BLANK_PDF = blank_pdf()


class ReportRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportRecipient

    budget = factory.SubFactory(BudgetFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


class StatutoryReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatutoryReport

    budget = factory.SubFactory(BudgetFactory)
    kind = ReportKind.POOLED_FUND
    year = 2018
    period = ReportPeriod.Q1
    issued_on = datetime.date(2018, 7, 20)
    issued_by = factory.SubFactory(UserFactory)
    pdf = factory.django.FileField(filename="report.pdf", data=BLANK_PDF)
    workbook = factory.django.FileField(filename="report.xlsx", data=b"PK")


class FundExitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundExit

    budget = factory.SubFactory(BudgetFactory)
    final_year = 2018


class ExitPaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExitPayment

    exit = factory.SubFactory(FundExitFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    amount = Decimal("100.00")
    paid_on = datetime.date(2019, 5, 1)


class ResidualLiabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidualLiability

    exit = factory.SubFactory(FundExitFactory)
    description = "Care packages committed beyond the fund's end"
    held_by = factory.SubFactory(OrganisationFactory)


class ExitReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExitReturn

    exit = factory.SubFactory(FundExitFactory)
    kind = ReturnKind.STAFF
    description = "Reablement team (12 staff)"
    returned_to = factory.SubFactory(OrganisationFactory)
