"""The one signing authority (agreements.access.signing_authority), asked by every sign-off:
the signatory role for the body, an employment that does not forbid it (the Walsall case),
a body that existed on the date of signing, and a date not in the future. The authority
relied on is shown on the sign page and recorded with the signature."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.access import signing_authority
from agreements.choices import AgreementStatus, VariationStatus
from partnership.choices import Role
from tests.agreements.factories import VariationFactory, agreement_between

pytestmark = pytest.mark.django_db

D = datetime.date


def today():
    return timezone.localdate()


def party_of(agreement, body):
    return agreement.parties.select_related("organisation", "agreement__partnership").get(organisation=body)


def sign(party, user, signed_on=None):
    return services.sign_agreement(
        party=party,
        user=user,
        signatory_name=user.get_full_name() or user.username,
        signed_on=signed_on or today(),
        relied_on="Scheme of delegation",
    )


def sign_url(agreement, party):
    return reverse(
        "agreements:sign",
        kwargs={"partnership": agreement.partnership.slug, "pk": agreement.pk, "party": party.pk},
    )


# --- Each authority and each refusal, as a table ----------------------------------


def abolish(body, on):
    body.active_to = on
    body.save()


def establish(body, on):
    body.active_from = on
    body.save()


CASES = [
    # (who, body, set-up, date, allowed, words in the answer)
    ("council signatory", "council", None, None, True, "Signatory of Our Council"),
    ("council officer", "council", None, None, False, "does not hold the signatory role for Our Council"),
    ("nhs signatory", "council", None, None, False, "does not hold the signatory role for Our Council"),
    ("council auditor", "council", None, None, False, "does not hold the signatory role"),
    ("council signatory", "council", None, D(2030, 1, 1), False, "cannot be in the future"),
    (
        "council signatory",
        "council",
        (abolish, D(2020, 3, 31)),
        D(2021, 6, 1),
        False,
        "was abolished on 31 March 2020",
    ),
    (
        "council signatory",
        "council",
        (abolish, D(2020, 3, 31)),
        D(2019, 6, 1),
        True,
        "Signatory of Our Council",
    ),
    (
        "council signatory",
        "council",
        (establish, D(2022, 4, 1)),
        D(2021, 6, 1),
        False,
        "was established on 1 April 2022",
    ),
    ("jcu", "nhs", None, None, True, "Signatory of Our ICB"),
    ("jcu", "council", None, None, False, "employed by Our ICB, so signs only for Our ICB"),
    ("jcu", "council", None, D(2019, 6, 1), True, "Signatory of Our Council"),  # before the joint post
]


@pytest.mark.parametrize(("who", "body", "setup", "on", "allowed", "words"), CASES)
def test_signing_authority(world, jcu_manager, who, body, setup, on, allowed, words):
    if who == "jcu":
        user = jcu_manager
    else:
        user_body, role = who.split(" ")
        user = world.user(user_body, Role.AUDITOR if role == "auditor" else Role(role))
    organisation = world.bodies[body]
    if setup:
        change, day = setup
        change(organisation, day)
    answer = signing_authority(user, organisation, on, partnership=world.ours)
    assert answer.allowed is allowed
    assert words in (answer.authority if allowed else answer.reason)


# --- Through the sign-off -----------------------------------------------------------


def test_walsall_case_the_jcu_manager_cannot_sign_for_the_council_and_sees_why(
    client, world, awaiting, jcu_manager
):
    """Given the council's signatory role by mistake, the JCU manager still may not sign for the
    council: the page says why, and the signature is refused."""
    party = party_of(awaiting, world.bodies["council"])
    client.force_login(jcu_manager)
    page = client.get(sign_url(awaiting, party))
    assert page.status_code == 200
    text = page.content.decode()
    assert "You cannot sign for Our Council today" in text
    assert "signs only for Our ICB: they are not an employee of Our Council" in text

    refused = client.post(
        sign_url(awaiting, party),
        {
            "signatory_name": "Jo Carter",
            "signed_on": today().isoformat(),
            "relied_on": "Scheme of delegation",
        },
    )
    assert refused.status_code == 403
    assert "signs only for Our ICB" in refused.content.decode()
    party.refresh_from_db()
    assert not party.has_signed

    with pytest.raises(PermissionDenied, match="signs only for Our ICB"):
        sign(party, jcu_manager)


def test_the_jcu_manager_signs_for_their_employer_on_its_authority(world, awaiting, jcu_manager):
    party = sign(party_of(awaiting, world.bodies["nhs"]), jcu_manager)
    party.refresh_from_db()
    assert party.authority == "Signatory of Our ICB"
    assert party.history.first().authority == "Signatory of Our ICB"


def test_signing_for_an_abolished_body_after_its_end_is_refused(world, awaiting):
    council = world.bodies["council"]
    abolish(council, D(2025, 3, 31))
    party = party_of(awaiting, council)
    with pytest.raises(ValidationError, match="was abolished on 31 March 2025"):
        sign(party, world.user("council", Role.SIGNATORY), signed_on=D(2025, 6, 1))
    party.refresh_from_db()
    assert not party.has_signed
    # A signature given while it existed may still be recorded.
    sign(party, world.user("council", Role.SIGNATORY), signed_on=D(2025, 3, 31))


def test_a_future_date_of_signing_is_refused(world, awaiting):
    party = party_of(awaiting, world.bodies["council"])
    with pytest.raises(ValidationError, match="cannot be in the future"):
        sign(party, world.user("council", Role.SIGNATORY), signed_on=today() + datetime.timedelta(days=1))


def test_the_sign_page_shows_the_authority_and_the_agreement_records_it(client, world, awaiting):
    signatory = world.user("council", Role.SIGNATORY)
    party = party_of(awaiting, world.bodies["council"])
    client.force_login(signatory)
    page = client.get(sign_url(awaiting, party))
    assert "You sign on this authority: <strong>Signatory of Our Council</strong>" in page.content.decode()

    response = client.post(
        sign_url(awaiting, party),
        {"signatory_name": "Pat Signer", "signed_on": today().isoformat(), "relied_on": "Cabinet decision"},
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.authority == "Signatory of Our Council"
    detail = client.get(awaiting.get_absolute_url()).content.decode()
    assert "Authority: Signatory of Our Council." in detail


def test_a_signature_form_dated_after_the_body_was_abolished_names_the_end(client, world, awaiting):
    council = world.bodies["council"]
    abolish(council, D(2025, 3, 31))
    party = party_of(awaiting, council)
    client.force_login(world.user("council", Role.SIGNATORY))
    response = client.post(
        sign_url(awaiting, party),
        {"signatory_name": "Pat Signer", "signed_on": "2025-06-01", "relied_on": "Cabinet decision"},
    )
    assert response.status_code == 200
    assert "Our Council was abolished on 31 March 2025" in response.content.decode()


def test_a_variation_approval_asks_the_same_authority_and_records_it(world, jcu_manager):
    agreement = agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], status=AgreementStatus.IN_FORCE
    )
    variation = VariationFactory(agreement=agreement, effective_date=today())
    services.submit_variation(variation=variation, user=world.user("council", Role.OFFICER))
    assert variation.approvals.count() == 2
    variation.refresh_from_db()
    assert variation.status == VariationStatus.AWAITING_APPROVAL
    council_approval = variation.approvals.get(organisation=world.bodies["council"])
    with pytest.raises(PermissionDenied, match="signs only for Our ICB"):
        services.approve_variation(
            approval=council_approval,
            user=jcu_manager,
            approver_name="Jo Carter",
            approved_on=today(),
            relied_on="x",
        )
    nhs_approval = variation.approvals.get(organisation=world.bodies["nhs"])
    services.approve_variation(
        approval=nhs_approval, user=jcu_manager, approver_name="Jo Carter", approved_on=today(), relied_on="x"
    )
    nhs_approval.refresh_from_db()
    assert nhs_approval.authority == "Signatory of Our ICB"
