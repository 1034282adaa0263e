"""What each kind of Section 75 agreement must set out under the NHS Bodies and Local Authorities
Partnership Arrangements Regulations 2000: regulation 7 (pooled funds: host partner, pooled fund
manager, contributions); for lead commissioning and integrated provision, regulation 8 when NHS
bodies exercise the functions and 9 when councils do (which follows the lead body), where the
agreement states the payments made to the partner that exercises them."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agreements import services
from agreements.choices import AgreementKind, AgreementStatus
from agreements.models import AgreementPayment
from partnership.choices import Role
from tests.agreements.factories import COMPLETE_S75_TEXT, AgreementPaymentFactory, agreement_between

pytestmark = pytest.mark.django_db

PAYMENTS_MISSING = "the payments between the partners: which body pays which (add a payment)"


def s75(world, kind, **values):
    return agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], kind=kind, reference="S75-K", **values
    )


def officer(world, body="council"):
    return world.user(body, Role.OFFICER)


REG_9 = "regulation 9 (exercise of functions by local authorities)"


@pytest.mark.parametrize(
    "kind, lead, regulation, payments_element",
    [
        (
            AgreementKind.S75_POOLED_FUND,
            None,
            "regulation 7 (pooled fund arrangements)",
            "the contributions to be made to the pooled fund by each of the partners and how those "
            "contributions may be varied",
        ),
        (
            AgreementKind.S75_LEAD_COMMISSIONING,
            "council",
            REG_9,
            "the payments to be made by the NHS bodies to the local authorities and how those payments "
            "may be varied",
        ),
        (
            AgreementKind.S75_INTEGRATED_PROVISION,
            "nhs",
            "regulation 8 (exercise of functions by NHS bodies)",
            "the payments to be made by the local authorities to the NHS bodies and how those payments "
            "may be varied",
        ),
        (
            AgreementKind.S75_LEAD_COMMISSIONING,
            None,
            "regulation 8 or 9 (exercise of functions by NHS bodies or by local authorities)",
            "the payments to be made by one partner to the other and how those payments may be varied",
        ),
    ],
)
def test_each_kind_lists_what_its_regulation_requires(world, kind, lead, regulation, payments_element):
    agreement = s75(world, kind, host_body=world.bodies[lead] if lead else None)
    missing = services.missing_statutory_elements(agreement)
    assert missing[0] == "the agreed aims and outcomes of the arrangements"
    assert missing[1] == payments_element
    assert services.statutory_basis(agreement) == (
        f"{regulation} of the NHS Bodies and Local Authorities Partnership Arrangements Regulations 2000 "
        "(SI 2000/617)"
    )
    with pytest.raises(ValidationError) as error:
        services.change_status(agreement=agreement, status="awaiting_signature", user=officer(world))
    assert f"sets out what {regulation} of the NHS Bodies" in error.value.messages[0]


def test_a_pooled_fund_needs_its_host_partner_and_pooled_fund_manager_not_payments(world):
    text = COMPLETE_S75_TEXT | {"pooled_fund_manager": ""}
    agreement = s75(world, AgreementKind.S75_POOLED_FUND, **text)
    assert services.missing_statutory_elements(agreement) == [
        "the host partner of the pooled fund",
        "the pooled fund manager",
    ]
    agreement.host_body = world.bodies["council"]
    agreement.pooled_fund_manager = "<p>Head of Commissioning</p>"
    assert services.missing_statutory_elements(agreement) == []


@pytest.mark.parametrize(
    "kind", [AgreementKind.S75_LEAD_COMMISSIONING, AgreementKind.S75_INTEGRATED_PROVISION]
)
def test_lead_commissioning_and_integrated_provision_need_a_payment_saying_who_pays_whom(world, kind):
    agreement = s75(world, kind, host_body=world.bodies["council"], **COMPLETE_S75_TEXT)
    assert services.missing_statutory_elements(agreement) == [PAYMENTS_MISSING]
    with pytest.raises(ValidationError, match="which body pays which"):
        services.change_status(agreement=agreement, status="awaiting_signature", user=officer(world))

    services.save_payment(
        payment=AgreementPayment(
            agreement=agreement,
            payer=world.bodies["nhs"],
            payee=world.bodies["council"],
            description="The Council's costs of commissioning; uplifted each April.",
            amount=Decimal("1200000.00"),
        ),
        user=officer(world),
        reason="Schedule 2 agreed",
    )
    assert services.missing_statutory_elements(agreement) == []
    services.change_status(agreement=agreement, status="awaiting_signature", user=officer(world))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.AWAITING_SIGNATURE


def test_a_payment_from_a_body_no_longer_a_party_does_not_count(world):
    agreement = s75(
        world, AgreementKind.S75_LEAD_COMMISSIONING, host_body=world.bodies["council"], **COMPLETE_S75_TEXT
    )
    AgreementPaymentFactory(agreement=agreement, payer=world.bodies["other"], payee=world.bodies["council"])
    assert services.missing_statutory_elements(agreement) == [PAYMENTS_MISSING]


def test_the_lead_body_decides_the_regulation_and_the_direction_of_the_payments(world):
    """An NHS lead exercises the council's functions (regulation 8): the council pays it. A
    payment the other way does not meet the regulation; with no lead, the lead is missing."""
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    agreement = s75(world, AgreementKind.S75_LEAD_COMMISSIONING, **COMPLETE_S75_TEXT)
    AgreementPaymentFactory(agreement=agreement, payer=nhs, payee=council)
    assert services.missing_statutory_elements(agreement) == [
        "the lead body: the partner that exercises the functions (an NHS body under regulation 8, "
        "a council under regulation 9)"
    ]
    agreement.host_body = nhs
    assert services.missing_statutory_elements(agreement) == [
        "the payments from a council to an NHS body that regulation 8 requires (add one)"
    ]
    agreement.save()
    with pytest.raises(ValidationError, match="regulation 8 requires"):
        services.change_status(agreement=agreement, status="awaiting_signature", user=officer(world))
    AgreementPaymentFactory(agreement=agreement, payer=council, payee=nhs)
    assert services.missing_statutory_elements(agreement) == []
    agreement.host_body = council
    assert services.missing_statutory_elements(agreement) == [], "the NHS body's payment meets regulation 9"


def test_a_payment_names_two_different_parties(world):
    agreement = s75(world, AgreementKind.S75_INTEGRATED_PROVISION)
    council, other = world.bodies["council"], world.bodies["other"]
    with pytest.raises(ValidationError) as error:
        services.save_payment(
            payment=AgreementPayment(agreement=agreement, payer=council, payee=council, description="x"),
            user=officer(world),
        )
    assert error.value.message_dict["payee"] == [
        "Paid to: a payment is made to another body than the one that pays it."
    ]
    with pytest.raises(ValidationError) as error:
        services.save_payment(
            payment=AgreementPayment(agreement=agreement, payer=other, payee=council, description="x"),
            user=officer(world),
        )
    assert error.value.message_dict["payer"] == ["Paid by: this body is not a party to the agreement."]
    assert not AgreementPayment.objects.exists()


def test_payments_are_terms_fixed_once_sent_for_signature_and_kept_with_who_changed_them(world):
    agreement = s75(world, AgreementKind.S75_LEAD_COMMISSIONING)
    payment = services.save_payment(
        payment=AgreementPayment(
            agreement=agreement,
            payer=world.bodies["council"],
            payee=world.bodies["nhs"],
            description="Lead fee",
        ),
        user=officer(world),
        reason="Negotiated",
    )
    record = payment.history.first()
    assert record.history_user == officer(world) and record.history_change_reason == "Negotiated"
    with pytest.raises(PermissionDenied):
        services.save_payment(payment=payment, user=world.user("council", Role.AUDITOR))
    type(agreement).objects.filter(pk=agreement.pk).update(status=AgreementStatus.AWAITING_SIGNATURE)
    payment.description = "Changed after sending"
    with pytest.raises(ValidationError, match="only while it is a draft or in negotiation"):
        services.save_payment(payment=payment, user=officer(world))
    with pytest.raises(ValidationError, match="only while it is a draft or in negotiation"):
        services.remove_payment(payment=payment, user=officer(world))
    assert AgreementPayment.objects.get(pk=payment.pk).description == "Lead fee"


def test_an_officer_adds_a_payment_on_the_page_and_sees_its_direction(client, world):
    agreement = s75(
        world, AgreementKind.S75_LEAD_COMMISSIONING, host_body=world.bodies["council"], **COMPLETE_S75_TEXT
    )
    client.force_login(officer(world))
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert f"{REG_9} of the NHS Bodies and Local Authorities" in page
    assert "which body pays which (add a payment)" in page

    add = reverse("agreements:payment_add", kwargs={"partnership": "ours", "agreement": agreement.pk})
    data = {"payer": world.bodies["nhs"].pk, "payee": world.bodies["nhs"].pk, "description": "Fee"}
    response = client.post(add, data)
    assert response.status_code == 200
    assert "a payment is made to another body than the one that pays it" in response.content.decode()

    data.update(payee=world.bodies["council"].pk, amount="250000.00", description="Commissioning costs")
    response = client.post(add, data)
    assert response.status_code == 302
    payment = AgreementPayment.objects.get()
    assert (payment.payer, payment.payee) == (world.bodies["nhs"], world.bodies["council"])

    page = client.get(agreement.get_absolute_url()).content.decode()
    assert 'id="statutory-missing"' not in page
    assert "Payments between the partners" in page
    assert "£250,000.00" in page and "Commissioning costs" in page

    remove = reverse(
        "agreements:payment_remove", kwargs={"partnership": "ours", "pk": agreement.pk, "payment": payment.pk}
    )
    assert client.post(remove).status_code == 302
    assert not AgreementPayment.objects.exists()


def test_the_agreement_pdf_states_the_regulation_and_the_payments(client, world):
    from pypdf import PdfReader

    agreement = s75(
        world, AgreementKind.S75_INTEGRATED_PROVISION, host_body=world.bodies["council"], **COMPLETE_S75_TEXT
    )
    AgreementPaymentFactory(
        agreement=agreement,
        payer=world.bodies["nhs"],
        payee=world.bodies["council"],
        description="Community equipment service",
        amount=Decimal("75000.00"),
    )
    client.force_login(world.user("nhs", Role.AUDITOR))
    response = client.get(reverse("agreements:pdf", kwargs={"partnership": "ours", "pk": agreement.pk}))
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert f"{REG_9} of the NHS Bodies and Local Authorities Partnership" in text
    assert "Payments between the partners" in text
    assert "Our ICB Our Council Community equipment service £75,000.00" in text
