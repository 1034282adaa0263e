"""A Section 256 transfer is marked paid only under an agreement in force on the payment date:
in force or under review, and the date within its start and end dates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements import services as agreement_services
from agreements.choices import AgreementKind, AgreementStatus
from finance import services
from finance.choices import TransferStatus
from finance.models import Transfer
from partnership.choices import Role
from tests.agreements.factories import agreement_between
from tests.finance.factories import AgreementFactory, TransferFactory
from tests.races import race, two_bodies

D = datetime.date
PAID_ON = D(2018, 10, 15)

REFUSALS = {
    "draft": ("agreement", "Agreement: S256-T is draft; a transfer can be marked paid only under"),
    "awaiting": ("agreement", "Agreement: S256-T is awaiting signature; a transfer can be marked paid"),
    "expired": ("agreement", "Agreement: S256-T is expired; a transfer can be marked paid only under"),
    "terminated": ("agreement", "Agreement: S256-T is terminated; a transfer can be marked paid only"),
    "before start": (
        "payment_date",
        "Payment date: 15 October 2018 is before S256-T came into force on 1 November 2018.",
    ),
    "after end": (
        "payment_date",
        "Payment date: 15 October 2018 is after S256-T ended on 30 September 2018.",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case, status, start, end",
    [
        ("draft", AgreementStatus.DRAFT, D(2013, 4, 1), None),
        ("awaiting", AgreementStatus.AWAITING_SIGNATURE, D(2013, 4, 1), None),
        ("expired", AgreementStatus.EXPIRED, D(2013, 4, 1), D(2019, 3, 31)),
        ("terminated", AgreementStatus.TERMINATED, D(2013, 4, 1), None),
        ("before start", AgreementStatus.IN_FORCE, D(2018, 11, 1), None),
        ("after end", AgreementStatus.IN_FORCE, D(2013, 4, 1), D(2018, 9, 30)),
        ("in force, within dates", AgreementStatus.IN_FORCE, D(2018, 4, 1), D(2019, 3, 31)),
        ("in force, first and last day", AgreementStatus.IN_FORCE, PAID_ON, PAID_ON),
        ("in force, open-ended", AgreementStatus.IN_FORCE, D(2013, 4, 1), None),
        ("under review, within dates", AgreementStatus.UNDER_REVIEW, D(2013, 4, 1), None),
    ],
)
def test_marking_a_transfer_paid_needs_the_agreement_in_force_on_the_payment_date(
    world, case, status, start, end
):
    agreement = AgreementFactory(
        partnership=world.ours,
        kind=AgreementKind.S256,
        reference="S256-T",
        status=status,
        start_date=start,
        end_date=end,
    )
    transfer = TransferFactory(
        agreement=agreement, from_organisation=world.bodies["nhs"], to_organisation=world.bodies["council"]
    )
    transfer.status, transfer.payment_date = TransferStatus.PAID, PAID_ON
    user = world.user("nhs", Role.FINANCE_OFFICER)

    if case not in REFUSALS:
        services.save_transfer(transfer=transfer, user=user, reason="Paid")
        assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.PAID
        assert transfer.history.first().history_change_reason == "Paid"
        return
    field, message = REFUSALS[case]
    with pytest.raises(ValidationError) as error:
        services.save_transfer(transfer=transfer, user=user, reason="Paid")
    assert error.value.message_dict[field][0].startswith(message)
    stored = Transfer.objects.get(pk=transfer.pk)
    assert stored.status == TransferStatus.PROPOSED and stored.payment_date is None


@pytest.mark.django_db
def test_the_service_checks_the_agreement_as_locked_not_as_the_caller_loaded_it(world):
    """The caller's copy says in force; the stored agreement has been terminated since."""
    agreement = AgreementFactory(
        partnership=world.ours, kind=AgreementKind.S256, reference="S256-T", start_date=D(2013, 4, 1)
    )
    transfer = TransferFactory(
        agreement=agreement, from_organisation=world.bodies["nhs"], to_organisation=world.bodies["council"]
    )
    type(agreement).objects.filter(pk=agreement.pk).update(status=AgreementStatus.TERMINATED)
    transfer.status, transfer.payment_date = TransferStatus.PAID, PAID_ON
    transfer.full_clean = lambda: None  # as if checked before the termination was committed
    with pytest.raises(ValidationError) as error:
        services.save_transfer(transfer=transfer, user=world.user("nhs", Role.FINANCE_OFFICER))
    assert "S256-T is terminated" in error.value.message_dict["agreement"][0]


@pytest.mark.django_db
def test_a_paid_transfer_keeps_its_payment_when_the_agreement_ends_later(world):
    agreement = AgreementFactory(
        partnership=world.ours, kind=AgreementKind.S256, reference="S256-T", start_date=D(2013, 4, 1)
    )
    transfer = TransferFactory(
        agreement=agreement,
        from_organisation=world.bodies["nhs"],
        to_organisation=world.bodies["council"],
        status=TransferStatus.PAID,
        payment_date=PAID_ON,
    )
    type(agreement).objects.filter(pk=agreement.pk).update(status=AgreementStatus.TERMINATED)
    user = world.user("nhs", Role.FINANCE_OFFICER)
    transfer.refresh_from_db()
    transfer.conditions = "Quarterly report of spend to the ICB"
    services.save_transfer(transfer=transfer, user=user, reason="Conditions corrected")
    assert Transfer.objects.get(pk=transfer.pk).conditions == "Quarterly report of spend to the ICB"
    transfer.payment_date = D(2018, 10, 16)
    with pytest.raises(ValidationError) as error:
        services.save_transfer(transfer=transfer, user=user)
    assert "S256-T is terminated" in error.value.message_dict["agreement"][0]


@pytest.mark.django_db
def test_the_transfer_page_names_the_field_when_the_agreement_was_not_in_force(client, world):
    agreement = AgreementFactory(
        partnership=world.ours,
        kind=AgreementKind.S256,
        reference="S256-T",
        start_date=D(2013, 4, 1),
        end_date=D(2018, 9, 30),
    )
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    url = reverse("finance:transfer_add", kwargs={"partnership": "ours"})
    data = {
        "agreement": agreement.reference,
        "from_organisation": world.bodies["nhs"].pk,
        "to_organisation": world.bodies["council"].pk,
        "purpose": "Reablement",
        "year": "2018/19",
        "amount": "1,000.00",
        "status": "paid",
        "payment_date": "2018-10-15",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Payment date: 15 October 2018 is after S256-T ended on 30 September 2018." in html
    assert '<a href="#id_payment_date-day">' in html  # the date input's first box
    assert not Transfer.objects.exists()

    response = client.post(url, {**data, "payment_date": "2018-09-30"})
    assert response.status_code == 302
    assert Transfer.objects.get().payment_date == D(2018, 9, 30)


@pytest.mark.django_db(transaction=True)
def test_a_termination_and_a_payment_at_once_the_payment_waits_and_is_refused():
    pair = two_bodies()
    council, nhs = pair.bodies["council"], pair.bodies["nhs"]
    agreement = agreement_between(
        pair.partnership,
        council,
        nhs,
        kind=AgreementKind.S256,
        status=AgreementStatus.IN_FORCE,
        reference="S256-R",
        start_date=D(2013, 4, 1),
    )
    transfer = TransferFactory(agreement=agreement, from_organisation=nhs, to_organisation=council)
    transfer.status, transfer.payment_date = TransferStatus.PAID, PAID_ON

    terminated, paid = race(
        lambda: agreement_services.change_status(
            agreement=agreement, status="terminated", user=pair.user("council", Role.OFFICER)
        ),
        lambda: services.save_transfer(transfer=transfer, user=pair.user("nhs", Role.FINANCE_OFFICER)),
    )

    assert not terminated.refused
    assert paid.refused and "S256-R is terminated" in paid.message
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.PROPOSED


@pytest.mark.django_db
@pytest.mark.parametrize("paid", [True, False])
def test_no_transfer_is_made_for_a_body_outside_its_life(world, paid):
    """Paid: the payment date; proposed: the financial year (2018/19) must fall in the life of
    both bodies."""
    agreement = AgreementFactory(
        partnership=world.ours, kind=AgreementKind.S256, reference="S256-T", start_date=D(2013, 4, 1)
    )
    transfer = TransferFactory(
        agreement=agreement, from_organisation=world.bodies["nhs"], to_organisation=world.bodies["council"]
    )
    type(world.bodies["nhs"]).objects.filter(pk=world.bodies["nhs"].pk).update(active_to=D(2018, 3, 31))
    transfer.from_organisation.refresh_from_db()
    if paid:
        transfer.status, transfer.payment_date = TransferStatus.PAID, PAID_ON
    with pytest.raises(ValidationError) as error:
        services.save_transfer(transfer=transfer, user=world.user("nhs", Role.FINANCE_OFFICER))
    when = "on 15 October 2018" if paid else "in 2018/19"
    assert error.value.message_dict["from_organisation"][0] == (
        "From: Our ICB was abolished on 31 March 2018, so nobody can make or receive a payment for it "
        f"{when}."
    )
