"""factory_boy factories for agreements."""

import datetime

import factory

from agreements.choices import AgreementKind, AgreementStatus, PartyRole
from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementPayment,
    Review,
    Schedule,
    Variation,
    VariationApproval,
)
from partnership import permissions
from tests.factories import OrganisationFactory, PartnershipFactory

COMPLETE_S75_TEXT = {
    "aims_and_outcomes": "<p>Better outcomes for people with learning disabilities.</p>",
    "functions": "<p>NHS functions and health-related functions of the Council.</p>",
    "services_and_persons": "<p>Adults with learning disabilities.</p>",
    "staff_goods_accommodation": "<p>Staff under Section 113; accommodation at St Martins.</p>",
    "contributions": "<p>Each partner's contribution is set each year; varied by written agreement.</p>",
    "duration_and_termination": "<p>Three years; annual review; six months' notice.</p>",
    "monitoring": "<p>Quarterly reports to the Joint Commissioning Board.</p>",
    "pooled_fund_manager": "<p>Head of Commissioning, hosted by the Council.</p>",
}


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    partnership = factory.SubFactory(PartnershipFactory)
    reference = factory.Sequence(lambda n: f"AGR-{n:04d}")
    title = factory.Sequence(lambda n: f"Agreement {n}")
    kind = AgreementKind.S256
    status = AgreementStatus.DRAFT
    start_date = datetime.date(2020, 4, 1)
    review_frequency_months = 12


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty
        skip_postgeneration_save = True

    agreement = factory.SubFactory(AgreementFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = PartyRole.PARTNER

    @factory.post_generation
    def grant(obj, create, extracted, **kwargs):
        # The service grants these when a party is added; factories do the same.
        if create:
            permissions.grant_owner_permissions(obj.agreement)


class AgreementPaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementPayment

    agreement = factory.SubFactory(AgreementFactory)
    payer = factory.SubFactory(OrganisationFactory)
    payee = factory.SubFactory(OrganisationFactory)
    description = "Commissioning costs; uplifted each April by the agreed inflator."


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Schedule title {n}")


class VariationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variation

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Variation {n}")
    effective_date = datetime.date(2021, 4, 1)


class VariationApprovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VariationApproval

    variation = factory.SubFactory(VariationFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    approver_name = "Jane Shayler"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    agreement = factory.SubFactory(AgreementFactory)
    due = datetime.date(2021, 4, 1)


def agreement_between(partnership, *organisations, **values):
    """An agreement in ``partnership`` with ``organisations`` as parties (the first hosts)."""
    agreement = AgreementFactory(partnership=partnership, **values)
    for index, organisation in enumerate(organisations):
        AgreementPartyFactory(
            agreement=agreement,
            organisation=organisation,
            role=PartyRole.HOST if index == 0 else PartyRole.PARTNER,
        )
    return agreement


def bulk_agreements(partnership, count, *parties, reference="BULK-{n:04d}", start=0, **values):
    """``count`` agreements in ``partnership``, numbered from ``start``, created in bulk
    (without history, as for tests at size), each with ``parties`` (the first hosts).
    ``reference`` is formatted with the number; a value may be a function of it."""
    agreements = Agreement.objects.bulk_create(
        Agreement(
            partnership=partnership,
            reference=reference.format(n=n),
            **{"title": f"Pooled fund {n}", **{k: v(n) if callable(v) else v for k, v in values.items()}},
        )
        for n in range(start, start + count)
    )
    AgreementParty.objects.bulk_create(
        AgreementParty(
            agreement=agreement, organisation=body, role=PartyRole.HOST if i == 0 else PartyRole.PARTNER
        )
        for agreement in agreements
        for i, body in enumerate(parties)
    )
    return agreements
