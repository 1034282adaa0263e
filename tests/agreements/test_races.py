"""Two people change one agreement at once: the rule holds, and the one who loses
is told why (never a false success). Two real PostgreSQL connections."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agreements import services
from agreements.choices import AgreementStatus, VariationStatus
from agreements.models import Agreement, AgreementParty, Variation, VariationApproval
from partnership import permissions
from partnership.choices import Role
from tests.agreements.factories import VariationFactory, agreement_between
from tests.races import race, two_bodies

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair():
    return two_bodies()


def between(pair, **values):
    return agreement_between(pair.partnership, pair.bodies["council"], pair.bodies["nhs"], **values)


def test_terminating_and_starting_a_review_at_once_leaves_it_terminated(pair):
    agreement = between(pair, status=AgreementStatus.IN_FORCE)
    officer, other = pair.user("council", Role.OFFICER), pair.user("nhs", Role.OFFICER)
    first_page, second_page = Agreement.objects.get(pk=agreement.pk), Agreement.objects.get(pk=agreement.pk)

    terminated, reviewed = race(
        lambda: services.change_status(agreement=first_page, status="terminated", user=officer),
        lambda: services.change_status(agreement=second_page, status="under_review", user=other),
    )

    assert not terminated.refused
    assert reviewed.refused and isinstance(reviewed.error, ValidationError)
    assert "terminated cannot be moved to under review" in reviewed.message
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.TERMINATED


def test_the_last_signature_and_a_return_to_negotiation_at_once_keep_it_in_force(pair):
    agreement = between(pair, status=AgreementStatus.AWAITING_SIGNATURE)
    council_party, nhs_party = AgreementParty.objects.filter(agreement=agreement).order_by("id")
    services.sign_agreement(
        party=council_party,
        user=pair.user("council", Role.SIGNATORY),
        signatory_name="First Signer",
        signed_on=timezone.localdate(),
        relied_on="Cabinet, 8 March",
    )
    seen_by_both = Agreement.objects.get(pk=agreement.pk)

    signed, returned = race(
        lambda: services.sign_agreement(
            party=nhs_party,
            user=pair.user("nhs", Role.SIGNATORY),
            signatory_name="Last Signer",
            signed_on=timezone.localdate(),
            relied_on="Board, 9 March",
        ),
        lambda: services.change_status(
            agreement=seen_by_both, status="in_negotiation", user=pair.user("council", Role.OFFICER)
        ),
    )

    assert not signed.refused
    assert signed.result.agreement.status == AgreementStatus.IN_FORCE
    assert returned.refused
    assert "in force cannot be moved to in negotiation" in returned.message
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.IN_FORCE
    assert AgreementParty.objects.filter(agreement=agreement, signed_on__isnull=False).count() == 2


def test_a_variation_approved_by_every_party_cannot_be_withdrawn_at_the_same_moment(pair):
    agreement = between(pair, status=AgreementStatus.IN_FORCE)
    variation = VariationFactory(
        agreement=agreement, status=VariationStatus.AWAITING_APPROVAL, effective_date=timezone.localdate()
    )
    council_approval = VariationApproval.objects.create(
        variation=variation, organisation=pair.bodies["council"]
    )
    nhs_approval = VariationApproval.objects.create(variation=variation, organisation=pair.bodies["nhs"])
    permissions.grant_owner_permissions(council_approval)
    permissions.grant_owner_permissions(nhs_approval)
    services.approve_variation(
        approval=council_approval,
        user=pair.user("council", Role.SIGNATORY),
        approver_name="First Approver",
        approved_on=timezone.localdate(),
        relied_on="Cabinet",
    )
    seen_by_both = Variation.objects.get(pk=variation.pk)

    approved, withdrawn = race(
        lambda: services.approve_variation(
            approval=nhs_approval,
            user=pair.user("nhs", Role.SIGNATORY),
            approver_name="Last Approver",
            approved_on=timezone.localdate(),
            relied_on="Board",
        ),
        lambda: services.withdraw_variation(variation=seen_by_both, user=pair.user("council", Role.OFFICER)),
    )

    assert not approved.refused
    assert withdrawn.refused
    assert "approved; it can no longer be withdrawn" in withdrawn.message
    assert Variation.objects.get(pk=variation.pk).status == VariationStatus.APPROVED


def test_two_parties_giving_notice_at_once_one_notice_is_recorded_and_the_other_is_told(pair):
    agreement = between(pair, status=AgreementStatus.IN_FORCE, notice_period_months=3)
    first_page, second_page = Agreement.objects.get(pk=agreement.pk), Agreement.objects.get(pk=agreement.pk)
    today = timezone.localdate()

    def give(page, body, ends_on):
        return lambda: services.end_agreement(
            agreement=page,
            status=AgreementStatus.TERMINATED,
            user=pair.user(body, Role.OFFICER),
            reason=f"{body} withdraws",
            notice_given_on=today,
            ends_on=ends_on,
        )

    council, nhs = race(
        give(first_page, "council", services.add_months(today, 3)),
        give(second_page, "nhs", services.add_months(today, 6)),
    )

    assert not council.refused
    assert nhs.refused and "An ending is already recorded: Terminating on" in nhs.message
    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.ending_reason == "council withdraws"
    assert stored.ends_on == services.add_months(today, 3)
