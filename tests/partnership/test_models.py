import datetime

import pytest
from django.db import IntegrityError, transaction

from partnership.choices import Role
from partnership.models import Membership
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_organisation_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(active_from=datetime.date(2013, 4, 1), active_to=datetime.date(2013, 3, 31))


def test_organisation_cannot_succeed_itself():
    body = OrganisationFactory()
    body.successor = body
    with pytest.raises(IntegrityError), transaction.atomic():
        body.save()


def test_ods_codes_are_unique_but_may_be_blank():
    OrganisationFactory(ods_code="11E")
    OrganisationFactory(ods_code="")
    OrganisationFactory(ods_code="")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(ods_code="11E")


def test_successor_chain_is_kept():
    icb = OrganisationFactory(name="ICB")
    ccg = OrganisationFactory(name="CCG", successor=icb, active_to=datetime.date(2022, 6, 30))
    assert list(icb.predecessors.all()) == [ccg]
    assert not ccg.is_active_on(datetime.date(2022, 7, 1))
    assert ccg.is_active_on(datetime.date(2022, 6, 30))


def test_body_is_a_partner_once_per_partnership():
    partner = PartnerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(partnership=partner.partnership, organisation=partner.organisation)


def test_partner_cannot_leave_before_joining():
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(joined=datetime.date(2020, 1, 1), left=datetime.date(2019, 1, 1))


def test_person_holds_a_role_once_per_body_but_may_hold_several_roles_and_bodies():
    membership = MembershipFactory(role=Role.OFFICER)
    MembershipFactory(user=membership.user, organisation=membership.organisation, role=Role.SIGNATORY)
    MembershipFactory(user=membership.user, role=Role.OFFICER)
    assert Membership.objects.filter(user=membership.user).count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=membership.user, organisation=membership.organisation, role=Role.OFFICER)


def test_membership_keeps_body_group_in_step():
    user = UserFactory()
    body = OrganisationFactory()
    membership = MembershipFactory(user=user, organisation=body, role=Role.FINANCE_OFFICER)
    assert user.groups.filter(name=f"body:{body.pk}:finance_officer").exists()
    membership.delete()
    assert not user.groups.filter(name=f"body:{body.pk}:finance_officer").exists()


def test_changes_are_recorded_with_user_and_reason():
    user = UserFactory()
    body = OrganisationFactory(name="Old name")
    body.name = "New name"
    body._change_reason = "Renamed by order"
    body._history_user = user
    body.save()
    latest = body.history.first()
    assert latest.name == "New name"
    assert latest.history_user == user
    assert latest.history_change_reason == "Renamed by order"
    assert body.history.count() == 2


def test_partnership_slug_is_unique():
    PartnershipFactory(slug="banes")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(slug="banes")
