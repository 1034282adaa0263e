"""The one signing authority (agreements.access.signing_authority), asked by every sign-off:
the signatory role for the body, an employment that does not forbid it (the Walsall case),
a body that existed on the date of signing, and a date not in the future; or, instead of the
role, a delegation from the body covering signing, in force that day, naming the person by
account or by a post they held that day. The authority relied on is shown on the sign page
and recorded with the signature."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.access import signing_authority
from agreements.choices import AgreementStatus, VariationStatus
from agreements.models import AgreementParty
from committees.forms import DelegationForm
from committees.models import Delegation
from partnership.choices import Role
from tests.agreements.factories import VariationFactory, agreement_between
from tests.committees.factories import DelegationFactory
from tests.factories import MembershipFactory, UserFactory
from tests.staffing.factories import PostFactory, joint_commissioning_manager_post

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
            "authorised": "on",
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
        {
            "signatory_name": "Pat Signer",
            "signed_on": today().isoformat(),
            "relied_on": "Cabinet decision",
            "authorised": "on",
        },
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
        {
            "signatory_name": "Pat Signer",
            "signed_on": "2025-06-01",
            "relied_on": "Cabinet decision",
            "authorised": "on",
        },
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


# --- Authority by delegation, named by account or by a post held on the day ---------------

ON = D(2024, 6, 3)
DIRECTOR = "Director of Adult Social Care"


@pytest.fixture
def dana(world):
    """An officer of the council, not a signatory: any right to sign comes from a delegation."""
    user = UserFactory(username="dana", first_name="Dana", last_name="Lee")
    MembershipFactory(user=user, organisation=world.bodies["council"], role=Role.OFFICER)
    return user


def delegation_to(world, *, body="council", matters=("signing",), **values):
    values = {"valid_from": D(2024, 1, 1), "minute_reference": "Cabinet 24/17", **values}
    return DelegationFactory(
        partnership=world.ours,
        from_organisation=world.bodies[body],
        to_committee=None,
        scope="Sign agreements under section 75 for the Council",
        matters=list(matters),
        **values,
    )


def director_post(world, holder, **values):
    values = {"title": DIRECTOR, **values}
    return PostFactory(partnership=world.ours, employer=world.bodies["council"], holder=holder, **values)


def to_dana(world, dana, **values):
    return delegation_to(world, to_user=dana, **values)


def to_dana_as_director(world, dana, post=None, **values):
    return delegation_to(world, to_staff_post=director_post(world, dana, **(post or {})), **values)


NO_DELEGATION = (
    "Dana Lee does not hold the signatory role for Our Council, and no delegation from Our Council"
)
DELEGATION_CASES = [
    # (case, set-up, date, allowed, words in the answer)
    (
        "to her account",
        to_dana,
        ON,
        True,
        "Delegation from Our Council to Dana Lee, valid from 1 January 2024 (Cabinet 24/17)",
    ),
    (
        "to her account, with an end date",
        lambda w, d: to_dana(w, d, valid_to=D(2027, 3, 31)),
        ON,
        True,
        "Delegation from Our Council to Dana Lee, valid from 1 January 2024 to 31 March 2027 (Cabinet 24/17)",
    ),
    (
        "to the post she holds that day",
        lambda w, d: to_dana_as_director(w, d, post={"start_date": D(2023, 4, 1)}),
        ON,
        True,
        f"Delegation from Our Council to {DIRECTOR} (held by Dana Lee), valid from 1 January 2024",
    ),
    (
        "expired",
        lambda w, d: to_dana(w, d, valid_to=D(2024, 3, 31)),
        ON,
        False,
        "Our Council's delegation to them ended on 31 March 2024",
    ),
    (
        "not yet in force",
        lambda w, d: to_dana(w, d, valid_from=D(2024, 7, 1)),
        ON,
        False,
        "Our Council's delegation to them came into force only on 1 July 2024",
    ),
    (
        "another matter",
        lambda w, d: to_dana(w, d, matters=["commissioning", "spending"]),
        ON,
        False,
        "Our Council's delegation to them does not cover signing agreements",
    ),
    ("from another body", lambda w, d: to_dana(w, d, body="nhs"), ON, False, NO_DELEGATION),
    (
        "to a post she left before the day",
        lambda w, d: to_dana_as_director(w, d, post={"end_date": D(2024, 3, 31)}),
        ON,
        False,
        f"they did not hold the post “{DIRECTOR}” on 3 June 2024",
    ),
    (
        "to a post established after the day",
        lambda w, d: to_dana_as_director(w, d, post={"start_date": D(2024, 9, 1)}),
        ON,
        False,
        f"they did not hold the post “{DIRECTOR}” on 3 June 2024",
    ),
    (
        "to a post someone else holds",
        lambda w, d: delegation_to(w, to_staff_post=director_post(w, UserFactory(username="pat"))),
        ON,
        False,
        NO_DELEGATION,
    ),
    (
        "naming her only in its text",
        lambda w, d: delegation_to(w, to_post=DIRECTOR, to_person="Dana Lee"),
        ON,
        False,
        NO_DELEGATION,
    ),
    (
        "body abolished",
        lambda w, d: (to_dana(w, d), abolish(w.bodies["council"], D(2024, 3, 31))),
        ON,
        False,
        "Our Council was abolished on 31 March 2024, so nobody can sign for it on 3 June 2024.",
    ),
    ("future date", to_dana, D(2030, 1, 1), False, "The date of signing cannot be in the future."),
]


@pytest.mark.parametrize(
    ("case", "setup", "on", "allowed", "words"), DELEGATION_CASES, ids=[c[0] for c in DELEGATION_CASES]
)
def test_signing_authority_by_delegation(world, dana, case, setup, on, allowed, words):
    setup(world, dana)
    answer = signing_authority(dana, world.bodies["council"], on, partnership=world.ours)
    assert answer.allowed is allowed
    assert words in (answer.authority if allowed else answer.reason)


@pytest.fixture
def council_jcu(world):
    """Walsall 2009 again, with no council role at all: employed by the NHS body in a jointly
    managed post, and named by the council's delegation to sign."""
    user = UserFactory(username="jcu-delegate", first_name="Jo", last_name="Carter")
    MembershipFactory(user=user, organisation=world.bodies["nhs"], role=Role.SIGNATORY)
    MembershipFactory(user=user, organisation=world.bodies["council"], role=Role.OFFICER)
    joint_commissioning_manager_post(
        user, world.ours, world.bodies["nhs"], world.bodies["council"], start_date=D(2020, 4, 1)
    )
    delegation_to(world, to_user=user)
    return user


def test_the_other_body_s_own_delegation_lets_the_jcu_manager_sign_for_it(world, council_jcu):
    """DESIGN.md: a jointly managed post signs only for its employer, unless a delegation from
    the other body says otherwise. A role given to them does not (the Walsall case, above)."""
    answer = signing_authority(council_jcu, world.bodies["council"], ON, partnership=world.ours)
    assert answer, answer.reason
    assert answer.authority.startswith("Delegation from Our Council to Jo Carter")
    assert "own delegation names them, so their employment elsewhere does not prevent it" in answer.reason


def test_once_the_delegation_ends_the_employment_rule_refuses_again(world, council_jcu):
    Delegation.objects.filter(to_user=council_jcu).update(valid_to=ON - datetime.timedelta(days=1))
    answer = signing_authority(council_jcu, world.bodies["council"], ON, partnership=world.ours)
    assert not answer
    assert "employed by Our ICB, so signs only for Our ICB" in answer.reason


def test_walsall_case_with_a_delegation_through_the_sign_off(client, world, awaiting, council_jcu):
    party = party_of(awaiting, world.bodies["council"])
    client.force_login(council_jcu)
    page = client.get(sign_url(awaiting, party))
    assert page.status_code == 200
    assert "Delegation from Our Council to Jo Carter" in page.content.decode()

    signed = client.post(
        sign_url(awaiting, party),
        {
            "signatory_name": "Jo Carter",
            "signed_on": today().isoformat(),
            "relied_on": "Cabinet 24/17",
            "authorised": "on",
        },
    )
    assert signed.status_code == 302
    party.refresh_from_db()
    assert party.has_signed and party.authority.startswith("Delegation from Our Council to Jo Carter")


def test_a_delegate_signs_through_the_sign_off_and_the_delegation_is_recorded(client, world, awaiting, dana):
    delegation_to(world, to_user=dana)
    authority = "Delegation from Our Council to Dana Lee, valid from 1 January 2024 (Cabinet 24/17)"
    party = party_of(awaiting, world.bodies["council"])
    client.force_login(dana)
    detail = client.get(awaiting.get_absolute_url()).content.decode()
    assert sign_url(awaiting, party) in detail
    assert sign_url(awaiting, party_of(awaiting, world.bodies["nhs"])) not in detail
    page = client.get(sign_url(awaiting, party)).content.decode()
    assert f"You sign on this authority: <strong>{authority}</strong>" in page

    response = client.post(
        sign_url(awaiting, party),
        {
            "signatory_name": "Dana Lee",
            "signed_on": today().isoformat(),
            "relied_on": "Cabinet 24/17",
            "authorised": "on",
        },
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.signed_by == dana
    assert party.authority == authority
    assert party.history.first().authority == authority
    assert f"Authority: {authority}." in client.get(awaiting.get_absolute_url()).content.decode()


def test_a_delegation_not_covering_signing_does_not_open_the_sign_off(client, world, awaiting, dana):
    delegation_to(world, to_user=dana, matters=["commissioning"])
    party = party_of(awaiting, world.bodies["council"])
    client.force_login(dana)
    assert client.get(sign_url(awaiting, party)).status_code == 403
    with pytest.raises(PermissionDenied):
        sign(party, dana)


def test_signing_on_a_day_the_post_was_not_held_is_refused_and_nothing_recorded(world, awaiting, dana):
    to_dana_as_director(world, dana, post={"start_date": D(2025, 4, 1)})
    party = party_of(awaiting, world.bodies["council"])
    with pytest.raises(PermissionDenied, match="did not hold the post"):
        sign(party, dana, signed_on=D(2025, 3, 31))
    party.refresh_from_db()
    assert not party.has_signed
    sign(party, dana, signed_on=D(2025, 4, 1))
    party.refresh_from_db()
    assert party.authority.startswith(f"Delegation from Our Council to {DIRECTOR} (held by Dana Lee)")


def test_a_long_delegation_authority_still_fits_the_record(world, awaiting, dana):
    delegation_to(
        world, to_staff_post=director_post(world, dana, title="D" * 200), minute_reference="M" * 200
    )
    party = sign(party_of(awaiting, world.bodies["council"]), dana)
    party.refresh_from_db()
    assert party.authority.startswith("Delegation from Our Council to DDD")
    assert "valid from 1 January 2024" in party.authority
    assert len(party.authority) <= AgreementParty._meta.get_field("authority").max_length


def test_a_variation_approval_under_a_delegation_records_it(world, dana):
    delegation_to(world, to_user=dana)
    agreement = agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], status=AgreementStatus.IN_FORCE
    )
    variation = VariationFactory(agreement=agreement, effective_date=today())
    services.submit_variation(variation=variation, user=world.user("council", Role.OFFICER))
    approval = variation.approvals.get(organisation=world.bodies["council"])
    services.approve_variation(
        approval=approval, user=dana, approver_name="Dana Lee", approved_on=today(), relied_on="Cabinet 24/17"
    )
    approval.refresh_from_db()
    assert approval.authority.startswith("Delegation from Our Council to Dana Lee")


# --- The delegation form and page name the person by account or post ---------------------


def delegation_form(world, data):
    return DelegationForm(data=data, partnership=world.ours, bodies=[world.bodies["council"]])


def test_the_delegation_form_offers_only_the_partnerships_people_and_posts(world, dana):
    ours = director_post(world, dana)
    theirs = PostFactory(partnership=world.theirs, employer=world.bodies["other"], title="Their director")
    form = delegation_form(world, {})
    people = set(form.fields["to_user"].queryset)
    assert dana in people
    assert world.user("council", Role.SIGNATORY) in people
    assert world.user("other", Role.SIGNATORY) not in people
    assert list(form.fields["to_staff_post"].queryset) == [ours]

    data = {
        "from_organisation": world.bodies["council"].pk,
        "scope": "Sign agreements",
        "matters": ["signing"],
        "valid_from": "2024-01-01",
        "to_staff_post": theirs.pk,
    }
    form = delegation_form(world, data)
    assert not form.is_valid()
    assert "to_staff_post" in form.errors
    form = delegation_form(world, {**data, "to_staff_post": ours.pk, "to_user": dana.pk})
    assert not form.is_valid()
    assert "Name either the person's account or the shared post" in form.errors["to_staff_post"][0]
    form = delegation_form(world, {**data, "to_staff_post": ours.pk})
    assert form.is_valid(), form.errors


def test_the_delegation_page_shows_whom_it_names(client, world, dana):
    delegation = delegation_to(world, to_staff_post=director_post(world, dana))
    client.force_login(world.user("council", Role.OFFICER))
    text = client.get(delegation.get_absolute_url()).content.decode()
    assert "The holder of the shared post" in text
    assert DIRECTOR in text
    assert "now Dana Lee" in text
