"""Confirmation pages through real URLs: terminating (notice and the day it takes effect),
withdrawing the ending, withdrawing a variation, and the sign page's confirmation of authority.
Each asks first (GET), acts only on POST, and puts errors beside their fields."""

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.choices import AgreementStatus, VariationStatus
from agreements.models import Agreement, AgreementParty
from partnership.choices import Role
from tests.agreements.factories import VariationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_2_december_2026")]


def url(name, agreement, **kwargs):
    return reverse(f"agreements:{name}", kwargs={"partnership": "ours", "pk": agreement.pk, **kwargs})


def field_errors(response):
    return {name: " ".join(errors) for name, errors in response.context["form"].errors.items()}


def test_terminating_asks_first_then_records_the_notice_with_errors_beside_fields(client, world, in_force):
    officer = world.user("council", Role.OFFICER)
    client.force_login(officer)

    page = client.get(url("terminate", in_force)).content.decode()
    assert "Terminate this agreement?" in page
    assert "Yes, terminate the agreement" in page
    assert "6 months' notice" in page and "ends it on 2 June 2027 at the earliest" in page
    assert Agreement.objects.get(pk=in_force.pk).status == AgreementStatus.IN_FORCE  # GET changes nothing

    refused = client.post(
        url("terminate", in_force), {"notice_given_on": "2026-12-02", "ends_on": "2027-05-31"}
    )
    errors = field_errors(refused)
    assert set(errors) == {"change_reason", "ends_on"}  # every error at once, each beside its field
    assert errors["change_reason"] == "Enter the reason for ending the agreement"
    assert "must be on or after 2 June 2027" in errors["ends_on"]
    assert 'class="govuk-error-summary' in refused.content.decode()

    done = client.post(
        url("terminate", in_force),
        {"notice_given_on": "2026-12-02", "ends_on": "2027-06-02", "change_reason": "Fund moves to the ICB"},
        follow=True,
    )
    detail = done.content.decode()
    summary = (
        f"Terminating on 2 June 2027 (notice given 2 December 2026 by {officer.get_full_name()}: "
        "Fund moves to the ICB)"
    )
    assert summary in detail
    assert "Withdraw the ending" in detail
    assert ">Terminate</a>" not in detail  # one ending at a time
    assert Agreement.objects.get(pk=in_force.pk).status == AgreementStatus.IN_FORCE


def test_withdrawing_the_ending_asks_first_and_needs_a_reason(client, world, in_force):
    client.force_login(world.user("council", Role.OFFICER))
    client.post(
        url("terminate", in_force),
        {"notice_given_on": "2026-12-02", "ends_on": "2027-06-02", "change_reason": "Fund moves"},
    )
    page = client.get(url("ending_withdraw", in_force)).content.decode()
    assert "Withdraw the ending of this agreement?" in page and "Terminating on 2 June 2027" in page

    assert field_errors(client.post(url("ending_withdraw", in_force), {})) == {
        "change_reason": "Enter the reason for withdrawing the ending"
    }
    client.post(url("ending_withdraw", in_force), {"change_reason": "The board agreed to continue"})
    assert not Agreement.objects.get(pk=in_force.pk).ending_status


def test_a_status_button_for_an_ending_leads_to_its_confirmation_page(client, world, in_force):
    client.force_login(world.user("council", Role.OFFICER))
    response = client.post(url("status", in_force), {"status": "expired"})
    assert response.status_code == 302 and response.url == url("expire", in_force)
    assert Agreement.objects.get(pk=in_force.pk).status == AgreementStatus.IN_FORCE
    page = client.get(response.url).content.decode()
    assert "Mark this agreement as expired?" in page and "Date it expires" in page


def test_only_an_officer_of_a_party_sees_the_confirmation_page(client, world, in_force):
    client.force_login(world.user("council", Role.SIGNATORY))
    assert client.get(url("terminate", in_force)).status_code == 403
    client.force_login(world.user("other", Role.OFFICER))
    assert client.get(url("terminate", in_force)).status_code == 404


def test_withdrawing_a_variation_asks_first_with_a_reason(client, world, in_force):
    variation = VariationFactory(agreement=in_force, status=VariationStatus.PROPOSED, title="New fund split")
    address = reverse(
        "agreements:variation_withdraw",
        kwargs={"partnership": "ours", "agreement": in_force.pk, "pk": variation.pk},
    )
    client.force_login(world.user("nhs", Role.OFFICER))
    page = client.get(address).content.decode()
    assert f"Withdraw variation {variation.number}: New fund split?" in page
    assert "Yes, withdraw the variation" in page
    assert field_errors(client.post(address, {})) == {
        "change_reason": "Enter the reason for withdrawing the variation"
    }

    client.post(address, {"change_reason": "Superseded by variation 3"})
    variation.refresh_from_db()
    assert variation.status == VariationStatus.WITHDRAWN
    assert variation.history.first().history_change_reason == "Superseded by variation 3"


def test_the_sign_page_shows_the_agreement_and_needs_the_authority_confirmed(client, world, awaiting):
    party = AgreementParty.objects.get(agreement=awaiting, organisation=world.bodies["council"])
    address = url("sign", awaiting, party=party.pk)
    client.force_login(world.user("council", Role.SIGNATORY))

    page = client.get(address).content.decode()
    assert "To be signed" in page and "OURS-SIGN" in page and url("pdf", awaiting) in page
    assert "Our ICB" in page  # the other party
    assert "I confirm I am authorised to sign for Our Council under Signatory of Our Council" in page

    data = {"signatory_name": "Pat", "signed_on": timezone.localdate().isoformat(), "relied_on": "Cabinet"}
    unticked = client.post(address, data)
    assert field_errors(unticked) == {"authorised": "Confirm that you are authorised to sign for Our Council"}
    party.refresh_from_db()
    assert not party.has_signed

    client.post(address, data | {"authorised": "on"})
    party.refresh_from_db()
    assert party.has_signed
