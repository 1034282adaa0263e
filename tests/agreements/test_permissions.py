"""Permission matrix: every agreement page and action, for each role, for a party body,
a partner body that is not a party, and a body outside the partnership, through real URLs.

Each case is one test that checks every person of the world (tests.matrix).
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementParty
from partnership.choices import Role
from tests.matrix import check_everyone

pytestmark = pytest.mark.django_db

INSIDE = ("council", "nhs")


def url(name, agreement, **kwargs):
    return reverse(
        f"agreements:{name}", kwargs={"partnership": agreement.partnership.slug, "pk": agreement.pk, **kwargs}
    )


def expected_read(body):
    return 200 if body in INSIDE else 404


@pytest.mark.parametrize("page", ["detail", "history", "pdf"])
def test_reading_an_agreement(client, world, agreement, page):
    def check(body, role):
        assert client.get(url(page, agreement)).status_code == expected_read(body)

    check_everyone(client, world, check)


@pytest.mark.parametrize("export", ["", "csv", "xlsx"])
def test_register_and_export(client, world, agreement, export):
    register = reverse("agreements:list", kwargs={"partnership": "ours"})

    def check(body, role):
        response = client.get(register + (f"?export={export}" if export else ""))
        assert response.status_code == expected_read(body)
        if body in INSIDE and export:
            assert response["Content-Disposition"].startswith("attachment")

    check_everyone(client, world, check)


def expected_edit(body, role, parties=INSIDE):
    if body not in INSIDE:
        return 404
    return 200 if role == Role.OFFICER and body in parties else 403


def test_editing_an_agreement(client, world, agreement):
    def check(body, role):
        agreement.refresh_from_db()  # the version as it is after the last person's rollback
        assert client.get(url("edit", agreement)).status_code == expected_edit(body, role)
        response = client.post(
            url("edit", agreement),
            {
                "reference": agreement.reference,
                "title": "Renamed",
                "kind": agreement.kind,
                "loaded_version": agreement.updated_at.isoformat(),
            },
        )
        agreement.refresh_from_db()
        if expected_edit(body, role) == 200:
            assert response.status_code == 302
            assert agreement.title == "Renamed"
        else:
            assert response.status_code == expected_edit(body, role)
            assert agreement.title == "Our S256"

    check_everyone(client, world, check)


def test_only_officers_of_a_party_body_may_edit(client, world, council_only):
    """The NHS body is a partner but not a party: its officers may read, not edit."""

    def check(body, role):
        response = client.get(url("edit", council_only))
        assert response.status_code == expected_edit(body, role, parties=("council",))

    check_everyone(client, world, check)


def test_adding_an_agreement(client, world):
    add = reverse("agreements:add", kwargs={"partnership": "ours"})

    def check(body, role):
        expected = 404 if body not in INSIDE else (200 if role == Role.OFFICER else 403)
        assert client.get(add).status_code == expected

    check_everyone(client, world, check)


@pytest.mark.parametrize(
    "action,data",
    [
        ("status", {"status": "in_negotiation"}),
        ("schedule_add", None),
        ("review_add", None),
    ],
)
def test_lifecycle_and_children_need_a_party_officer(client, world, agreement, action, data):
    def check(body, role):
        if action == "status":
            response = client.post(url(action, agreement), data)
        else:
            response = client.get(
                reverse(f"agreements:{action}", kwargs={"partnership": "ours", "agreement": agreement.pk})
            )
        expected = expected_edit(body, role)
        if action == "status" and expected == 200:
            expected = 302
        assert response.status_code == expected

    check_everyone(client, world, check)


def sign_data(name="A Signatory"):
    return {
        "signatory_name": name,
        "signatory_position": "Director",
        "signed_on": timezone.localdate().isoformat(),
        "relied_on": "Cabinet decision of 1 April",
        "authorised": "on",
    }


def expected_for_council_signatory(body, role):
    """The council's part is the council signatory's alone."""
    if body not in INSIDE:
        return 404
    return 200 if body == "council" and role == Role.SIGNATORY else 403


def test_signing_for_own_body(client, world, awaiting):
    """Only a signatory of the council may sign the council's part."""
    party = awaiting.parties.get(organisation=world.bodies["council"])
    sign = url("sign", awaiting, party=party.pk)

    def check(body, role):
        expected = expected_for_council_signatory(body, role)
        assert client.get(sign).status_code == expected
        response = client.post(sign, sign_data())
        party.refresh_from_db()
        if expected == 200:
            assert response.status_code == 302
            assert party.signed_by == world.user("council", Role.SIGNATORY)
        else:
            assert response.status_code == expected
            assert party.signed_on is None

    check_everyone(client, world, check)


def test_signatory_cannot_sign_for_another_body(client, world, awaiting):
    nhs_party = awaiting.parties.get(organisation=world.bodies["nhs"])
    client.force_login(world.user("council", Role.SIGNATORY))
    response = client.post(url("sign", awaiting, party=nhs_party.pk), sign_data())
    assert response.status_code == 403
    nhs_party.refresh_from_db()
    assert nhs_party.signed_on is None


def test_posted_organisation_cannot_redirect_a_signature(client, world, awaiting):
    """The form has no body field; one smuggled in is ignored, and the URL's party is signed."""
    council_party = awaiting.parties.get(organisation=world.bodies["council"])
    client.force_login(world.user("council", Role.SIGNATORY))
    data = sign_data() | {"organisation": world.bodies["nhs"].pk, "party": "999"}
    assert client.post(url("sign", awaiting, party=council_party.pk), data).status_code == 302
    signed = AgreementParty.objects.filter(agreement=awaiting, signed_on__isnull=False)
    assert [p.organisation for p in signed] == [world.bodies["council"]]


def test_signing_a_party_of_another_agreement_through_this_url_is_404(client, world, awaiting, council_only):
    other_party = council_only.parties.get()
    client.force_login(world.user("council", Role.SIGNATORY))
    assert client.post(url("sign", awaiting, party=other_party.pk), sign_data()).status_code == 404


def test_superuser_may_edit_but_not_sign(client, world, awaiting, superuser):
    party = awaiting.parties.first()
    client.force_login(superuser)
    assert client.get(url("detail", awaiting)).status_code == 200
    assert client.post(url("sign", awaiting, party=party.pk), sign_data()).status_code == 403


def test_agreement_in_another_partnership_is_404_even_with_a_known_id(client, world):
    from tests.agreements.factories import agreement_between

    theirs = agreement_between(world.theirs, world.bodies["other"], world.bodies["other_nhs"])
    client.force_login(world.user("council", Role.OFFICER))
    # Their agreement under our partnership's URL, and under theirs.
    assert (
        client.get(reverse("agreements:detail", kwargs={"partnership": "ours", "pk": theirs.pk})).status_code
        == 404
    )
    assert client.get(url("detail", theirs)).status_code == 404


@pytest.fixture
def pending_variation(world, agreement):
    from agreements import services
    from agreements.models import Agreement
    from tests.agreements.factories import VariationFactory

    Agreement.objects.filter(pk=agreement.pk).update(status="in_force")
    agreement.refresh_from_db()
    variation = VariationFactory(agreement=agreement, number=1)
    services.submit_variation(variation=variation, user=world.user("council", Role.OFFICER))
    return variation


def test_approving_a_variation_for_own_body_only(client, world, pending_variation):
    approval = pending_variation.approvals.get(organisation=world.bodies["council"])
    approve = reverse(
        "agreements:variation_approve",
        kwargs={"partnership": "ours", "agreement": pending_variation.agreement_id, "pk": approval.pk},
    )

    def check(body, role):
        expected = expected_for_council_signatory(body, role)
        assert client.get(approve).status_code == expected
        response = client.post(
            approve,
            {"approver_name": "A", "approved_on": timezone.localdate().isoformat(), "relied_on": "Board"},
        )
        approval.refresh_from_db()
        assert response.status_code == (302 if expected == 200 else expected)
        assert approval.is_approved == (expected == 200)

    check_everyone(client, world, check)


def test_proposing_a_variation_needs_a_party_officer(client, world, pending_variation):
    add = reverse(
        "agreements:variation_add",
        kwargs={"partnership": "ours", "agreement": pending_variation.agreement_id},
    )

    def check(body, role):
        assert client.get(add).status_code == expected_edit(body, role)

    check_everyone(client, world, check)
