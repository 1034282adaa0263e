"""Who may sign for which body: a jointly managed post holder signs only for its employer."""

import datetime

import pytest

from partnership.choices import Role
from staffing import services
from tests.factories import MembershipFactory, UserFactory
from tests.staffing.factories import shared_post

pytestmark = pytest.mark.django_db

D = datetime.date
ON = D(2024, 6, 3)


@pytest.fixture
def jcu_manager(world):
    """Employed by our NHS body, managed jointly with the council, acting for both (Walsall 2009)."""
    user = UserFactory(username="jcu", first_name="Jo", last_name="Carter")
    MembershipFactory(user=user, organisation=world.bodies["nhs"], role=Role.OFFICER)
    MembershipFactory(user=user, organisation=world.bodies["nhs"], role=Role.SIGNATORY)
    MembershipFactory(user=user, organisation=world.bodies["council"], role=Role.OFFICER)
    shared_post(
        world.ours,
        world.bodies["nhs"],
        {world.bodies["nhs"]: "50", world.bodies["council"]: "50"},
        title="Joint Commissioning Unit Manager",
        holder=user,
        holder_name="Jo Carter",
        jointly_managed=True,
    )
    return user


def test_jcu_manager_may_sign_for_the_employer(world, jcu_manager):
    assert services.may_sign_for(jcu_manager, world.bodies["nhs"], ON)


def test_jcu_manager_may_not_sign_for_the_council(world, jcu_manager):
    authority = services.signing_authority(jcu_manager, world.bodies["council"], ON)
    assert not authority
    assert "signs only for ICB" in authority.reason


def test_a_council_signatory_role_does_not_override_the_joint_post_rule(world, jcu_manager):
    MembershipFactory(user=jcu_manager, organisation=world.bodies["council"], role=Role.SIGNATORY)
    assert not services.may_sign_for(jcu_manager, world.bodies["council"], ON)


def test_a_delegation_from_the_council_lets_the_jcu_manager_sign(world, jcu_manager):
    def council_delegates(user, organisation, on_date):
        return organisation == world.bodies["council"] and user == jcu_manager

    authority = services.signing_authority(
        jcu_manager, world.bodies["council"], ON, delegation_check=council_delegates
    )
    assert authority
    assert "delegation from Council" in authority.reason


def test_a_committees_delegation_naming_the_post_lets_the_holder_sign(world, jcu_manager):
    from committees.models import Delegation

    delegation = Delegation.objects.create(
        partnership=world.ours,
        from_organisation=world.bodies["council"],
        to_post="Joint Commissioning Unit Manager",
        scope="Sign joint commissioning contracts for the Council",
        matters=["signing"],
        valid_from=D(2024, 1, 1),
        valid_to=D(2024, 12, 31),
    )
    assert services.may_sign_for(jcu_manager, world.bodies["council"], ON)
    # Not once it has lapsed, and not for a delegation that does not cover signing.
    assert not services.may_sign_for(jcu_manager, world.bodies["council"], D(2025, 1, 1))
    delegation.matters = ["commissioning"]
    delegation.save()
    assert not services.may_sign_for(jcu_manager, world.bodies["council"], ON)


def test_once_the_joint_post_ends_the_rule_no_longer_applies(world, jcu_manager):
    post = jcu_manager.staffing_posts.get()
    post.end_date = D(2024, 3, 31)
    post.save()
    MembershipFactory(user=jcu_manager, organisation=world.bodies["council"], role=Role.SIGNATORY)
    assert services.may_sign_for(jcu_manager, world.bodies["council"], ON)


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SIGNATORY])
def test_only_the_signatory_role_signs(world, role):
    assert not services.may_sign_for(world.user("council", role), world.bodies["council"], ON)


def test_a_signatory_signs_for_their_own_body_only(world):
    signatory = world.user("council", Role.SIGNATORY)
    assert services.may_sign_for(signatory, world.bodies["council"], ON)
    assert not services.may_sign_for(signatory, world.bodies["nhs"], ON)
    assert not services.may_sign_for(signatory, world.bodies["other"], ON)


def test_nobody_signs_for_an_abolished_body(world):
    body = world.bodies["council"]
    body.active_to = D(2020, 3, 31)
    body.save()
    authority = services.signing_authority(world.user("council", Role.SIGNATORY), body, ON)
    assert not authority
    assert "did not exist" in authority.reason
