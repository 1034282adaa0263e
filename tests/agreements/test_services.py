"""The rules in agreements.services: lifecycle, sign-off, statutory completeness,
variations, reviews, reminders."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements import services
from agreements.choices import (
    AgreementKind,
    AgreementStatus,
    ReviewOutcome,
    ReviewStatus,
    VariationStatus,
)
from agreements.models import Agreement, Review
from partnership.choices import Role
from partnership.models import Reminder
from tests.agreements.factories import COMPLETE_S75_TEXT, VariationFactory, agreement_between

pytestmark = pytest.mark.django_db


def today():
    """The test clock's date (never read at import, before the clock is fixed)."""
    return timezone.localdate()


def officer(world, body="council"):
    return world.user(body, Role.OFFICER)


def signatory(world, body="council"):
    return world.user(body, Role.SIGNATORY)


def sign(world, party, body=None):
    body = body or ("council" if party.organisation == world.bodies["council"] else "nhs")
    return services.sign_agreement(
        party=party,
        user=signatory(world, body),
        signatory_name="Pat Signer",
        signed_on=today(),
        relied_on="Cabinet decision",
    )


# --- Lifecycle ------------------------------------------------------------------


def test_allowed_move_is_made_and_recorded(world, agreement):
    services.change_status(agreement=agreement, status="in_negotiation", user=officer(world))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_NEGOTIATION
    latest = agreement.history.first()
    assert latest.history_user == officer(world)
    assert latest.history_organisation == world.bodies["council"]


@pytest.mark.parametrize(
    "start,target",
    [
        ("draft", "in_force"),
        ("draft", "expired"),
        ("in_negotiation", "terminated"),
        ("in_force", "draft"),
        ("terminated", "in_force"),
        ("expired", "under_review"),
    ],
)
def test_disallowed_moves_are_refused_with_a_message(world, agreement, start, target):
    Agreement.objects.filter(pk=agreement.pk).update(status=start)
    agreement.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.change_status(agreement=agreement, status=target, user=officer(world))
    assert "cannot be moved" in str(error.value) or "can no longer" in str(error.value)
    agreement.refresh_from_db()
    assert agreement.status == start


def test_awaiting_signature_cannot_be_put_in_force_by_hand(world, awaiting):
    with pytest.raises(ValidationError, match="only when every party has signed"):
        services.change_status(agreement=awaiting, status="in_force", user=officer(world))


def test_only_allowed_moves_are_offered(world, agreement):
    assert [s for s, _ in services.moves_for(officer(world), agreement)] == [
        "in_negotiation",
        "awaiting_signature",
    ]
    assert services.moves_for(world.user("council", Role.AUDITOR), agreement) == []
    assert services.moves_for(signatory(world), agreement) == []


def test_status_change_needs_a_party_officer(world, council_only):
    with pytest.raises(PermissionDenied):
        services.change_status(agreement=council_only, status="in_negotiation", user=officer(world, "nhs"))


def test_sending_for_signature_needs_two_parties(world, council_only):
    with pytest.raises(ValidationError, match="at least two parties"):
        services.change_status(agreement=council_only, status="awaiting_signature", user=officer(world))


def test_terms_cannot_be_edited_once_sent_for_signature(world, awaiting):
    awaiting.title = "Changed under the signatories"
    with pytest.raises(ValidationError, match="can no longer be edited"):
        services.save_agreement(agreement=awaiting, user=officer(world))


def test_returning_to_negotiation_voids_signatures(world, awaiting):
    sign(world, awaiting.parties.get(organisation=world.bodies["council"]))
    services.change_status(agreement=awaiting, status="in_negotiation", user=officer(world))
    assert not awaiting.parties.filter(signed_on__isnull=False).exists()


# --- Sign-off ----------------------------------------------------------------------


def test_agreement_comes_into_force_only_when_every_party_has_signed(world, awaiting):
    council_party = awaiting.parties.get(organisation=world.bodies["council"])
    nhs_party = awaiting.parties.get(organisation=world.bodies["nhs"])
    sign(world, council_party)
    awaiting.refresh_from_db()
    assert awaiting.status == AgreementStatus.AWAITING_SIGNATURE
    sign(world, nhs_party)
    awaiting.refresh_from_db()
    assert awaiting.status == AgreementStatus.IN_FORCE
    council_party.refresh_from_db()
    assert council_party.signed_by == signatory(world)
    assert council_party.relied_on == "Cabinet decision"
    assert awaiting.next_review_date is not None


def test_signatory_cannot_sign_for_another_body(world, awaiting):
    nhs_party = awaiting.parties.get(organisation=world.bodies["nhs"])
    with pytest.raises(PermissionDenied, match="Only a signatory of Our ICB"):
        sign(world, nhs_party, body="council")


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SIGNATORY])
def test_other_roles_of_own_body_cannot_sign(world, awaiting, role):
    party = awaiting.parties.get(organisation=world.bodies["council"])
    with pytest.raises(PermissionDenied):
        services.sign_agreement(
            party=party,
            user=world.user("council", role),
            signatory_name="X",
            signed_on=today(),
            relied_on="Y",
        )


def test_signatory_of_a_partner_that_is_not_a_party_cannot_sign(world, council_only):
    Agreement.objects.filter(pk=council_only.pk).update(status="awaiting_signature")
    party = council_only.parties.get()
    with pytest.raises(PermissionDenied):
        sign(world, party, body="nhs")


def test_cannot_sign_twice_or_before_awaiting_signature(world, agreement, awaiting):
    draft_party = agreement.parties.get(organisation=world.bodies["council"])
    with pytest.raises(ValidationError, match="only while it is awaiting signature"):
        sign(world, draft_party)
    party = awaiting.parties.get(organisation=world.bodies["council"])
    sign(world, party)
    with pytest.raises(ValidationError, match="already signed"):
        sign(world, party)


def test_signing_needs_name_relied_on_and_no_future_date(world, awaiting):
    party = awaiting.parties.get(organisation=world.bodies["council"])
    base = {"party": party, "user": signatory(world), "signatory_name": "Pat", "relied_on": "Cabinet"}
    with pytest.raises(ValidationError, match="decision or delegation"):
        services.sign_agreement(**base | {"relied_on": " "}, signed_on=today())
    with pytest.raises(ValidationError, match="future"):
        services.sign_agreement(**base, signed_on=today() + datetime.timedelta(days=1))


def test_removing_a_party_takes_back_its_officers_right_to_edit(world, agreement):
    nhs_officer = officer(world, "nhs")
    assert services.can_manage(nhs_officer, agreement)
    services.remove_party(party=agreement.parties.get(organisation=world.bodies["nhs"]), user=officer(world))
    assert not services.can_manage(nhs_officer, agreement)
    services.add_party(
        agreement=agreement, organisation=world.bodies["nhs"], role="partner", user=officer(world)
    )
    assert services.can_manage(nhs_officer, agreement)


def test_a_body_outside_the_partnership_cannot_become_a_party(world, agreement):
    with pytest.raises(ValidationError, match="not a partner body"):
        services.add_party(
            agreement=agreement, organisation=world.bodies["other"], role="partner", user=officer(world)
        )


def test_creating_needs_a_party_the_creator_acts_for(world):
    agreement = Agreement(partnership=world.ours, reference="NEW", title="New", kind=AgreementKind.OTHER)
    with pytest.raises(ValidationError, match="body you act for"):
        services.save_agreement(agreement=agreement, user=officer(world), parties=[world.bodies["nhs"]])
    services.save_agreement(
        agreement=agreement, user=officer(world), parties=[world.bodies["council"], world.bodies["nhs"]]
    )
    assert agreement.parties.count() == 2
    assert services.can_manage(officer(world, "nhs"), agreement)


def test_auditor_cannot_create(world):
    agreement = Agreement(partnership=world.ours, reference="NEW", title="New", kind=AgreementKind.OTHER)
    with pytest.raises(PermissionDenied):
        services.save_agreement(
            agreement=agreement, user=world.user("council", Role.AUDITOR), parties=[world.bodies["council"]]
        )


# --- Statutory completeness ----------------------------------------------------------


def test_section_75_lists_every_missing_statutory_element(world):
    s75 = agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], kind=AgreementKind.S75_POOLED_FUND
    )
    missing = services.missing_statutory_elements(s75)
    assert missing == [d for _, d in services.STATUTORY_ELEMENTS[services.REGULATION_7]] + [
        "the host partner of the pooled fund",
        "the pooled fund manager",
    ]
    with pytest.raises(ValidationError, match="SI 2000/617") as error:
        services.change_status(agreement=s75, status="awaiting_signature", user=officer(world))
    assert "the arrangements for monitoring" in str(error.value)


def test_complete_section_75_can_be_sent_for_signature(world):
    s75 = agreement_between(
        world.ours,
        world.bodies["council"],
        world.bodies["nhs"],
        kind=AgreementKind.S75_POOLED_FUND,
        host_body=world.bodies["council"],
        **COMPLETE_S75_TEXT,
    )
    assert services.missing_statutory_elements(s75) == []
    services.change_status(agreement=s75, status="awaiting_signature", user=officer(world))


def test_markup_without_words_does_not_count(world):
    s75 = agreement_between(
        world.ours,
        world.bodies["council"],
        kind=AgreementKind.S75_INTEGRATED_PROVISION,
        **COMPLETE_S75_TEXT | {"monitoring": "<p> &nbsp; </p>"},
    )
    assert services.missing_statutory_elements(s75) == [
        "the arrangements in place for monitoring the exercise by the lead partner of the functions",
        "the lead body: the partner that exercises the functions (an NHS body under regulation 8, "
        "a council under regulation 9)",
        "the payments between the partners: which body pays which (add a payment)",
    ]


def test_other_kinds_have_no_statutory_list(world, agreement):
    assert services.missing_statutory_elements(agreement) == []


# --- Sanitising -----------------------------------------------------------------------


def test_script_and_event_handlers_are_removed_on_save(world, agreement):
    agreement.aims_and_outcomes = (
        '<p onclick="steal()">Better <strong>care</strong><script>alert(1)</script></p>'
        '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">link</a>'
    )
    services.save_agreement(agreement=agreement, user=officer(world))
    agreement.refresh_from_db()
    text = agreement.aims_and_outcomes
    assert "<strong>care</strong>" in text
    for bad in ("script", "onclick", "onerror", "javascript", "<img", "alert"):
        assert bad not in text


# --- Variations -------------------------------------------------------------------------


def test_variation_needs_every_party_to_approve_for_itself(world, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(status="in_force")
    agreement.refresh_from_db()
    variation = VariationFactory.build(agreement=agreement, number=None, title="Add a service")
    services.save_variation(variation=variation, user=officer(world))
    assert variation.number == 1
    services.submit_variation(variation=variation, user=officer(world))
    council_approval = variation.approvals.get(organisation=world.bodies["council"])
    nhs_approval = variation.approvals.get(organisation=world.bodies["nhs"])
    with pytest.raises(PermissionDenied):
        services.approve_variation(
            approval=nhs_approval,
            user=signatory(world),
            approver_name="X",
            approved_on=today(),
            relied_on="Y",
        )
    services.approve_variation(
        approval=council_approval,
        user=signatory(world),
        approver_name="X",
        approved_on=today(),
        relied_on="Y",
    )
    variation.refresh_from_db()
    assert variation.status == VariationStatus.AWAITING_APPROVAL
    services.approve_variation(
        approval=nhs_approval,
        user=signatory(world, "nhs"),
        approver_name="Z",
        approved_on=today(),
        relied_on="Y",
    )
    variation.refresh_from_db()
    assert variation.status == VariationStatus.APPROVED


def test_a_draft_agreement_cannot_be_varied(world, agreement):
    variation = VariationFactory.build(agreement=agreement, number=None)
    with pytest.raises(ValidationError, match="in force or under review"):
        services.save_variation(variation=variation, user=officer(world))


# --- Reviews and reminders -----------------------------------------------------------------


def test_completing_a_review_sets_the_next_review_date(world, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(status="under_review")
    agreement.refresh_from_db()
    review = Review(
        agreement=agreement,
        due=today(),
        status=ReviewStatus.COMPLETED,
        completed_on=today(),
        outcome=ReviewOutcome.CONTINUE,
        meeting="Joint Committee, March",
    )
    services.save_review(review=review, user=officer(world))
    agreement.refresh_from_db()
    assert agreement.next_review_date == services.add_months(today(), 12)
    assert agreement.status == AgreementStatus.IN_FORCE


def test_completed_review_needs_outcome(world, agreement):
    review = Review(agreement=agreement, due=today(), status=ReviewStatus.COMPLETED, completed_on=today())
    with pytest.raises(ValidationError, match="outcome"):
        services.save_review(review=review, user=officer(world))


def test_attention_items_show_reviews_due_for_own_bodies(world, agreement, council_only):
    from django.apps import apps

    Agreement.objects.filter(pk=agreement.pk).update(
        status="in_force", next_review_date=today() - datetime.timedelta(days=1)
    )
    Agreement.objects.filter(pk=council_only.pk).update(
        status="in_force", next_review_date=today() + datetime.timedelta(days=200)
    )
    config = apps.get_app_config("agreements")
    items = config.attention_items(officer(world, "nhs"))
    assert [(i["text"], i["overdue"]) for i in items] == [("Review of OURS-S256 (Our S256) is overdue", True)]
    assert config.attention_items(officer(world, "other")) == []


def test_attention_items_show_signatures_awaited(world, awaiting):
    from django.apps import apps

    items = apps.get_app_config("agreements").attention_items(signatory(world))
    assert any("awaits signature for Council" in i["text"] for i in items)


def test_sweep_queues_each_review_reminder_once(world, agreement):
    from django.apps import apps

    Agreement.objects.filter(pk=agreement.pk).update(
        status="in_force", next_review_date=today() + datetime.timedelta(days=30)
    )
    config = apps.get_app_config("agreements")
    assert config.sweep_reminders() == 2  # one officer of each party body
    assert config.sweep_reminders() == 0
    recipients = set(Reminder.objects.values_list("recipient__username", flat=True))
    assert recipients == {"council-officer", "nhs-officer"}


def test_plain_text_is_shown_once_escaped_with_paragraphs():
    from agreements.text import as_html, sanitise

    stored = sanitise("Council & CCG\n\nSecond <b>point</b>")
    assert stored == "Council &amp; CCG\n\nSecond <b>point</b>"
    assert as_html(sanitise("Council & CCG\n\nNext")) == "<p>Council &amp; CCG</p>\n\n<p>Next</p>"
