"""Who may sign for which body: a jointly managed post holder signs only for its employer
(staffing's rule, asked through the one signing authority in agreements.access)."""

import datetime

import pytest

from agreements.access import signing_authority
from partnership.choices import Role
from tests.factories import MembershipFactory, UserFactory
from tests.staffing.factories import joint_commissioning_manager_post

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
    joint_commissioning_manager_post(
        user, world.ours, world.bodies["nhs"], world.bodies["council"], holder_name="Jo Carter"
    )
    return user


def may_sign_for(user, organisation, on_date):
    return signing_authority(user, organisation, on_date).allowed


def test_jcu_manager_may_sign_for_the_employer(world, jcu_manager):
    assert may_sign_for(jcu_manager, world.bodies["nhs"], ON)


def test_jcu_manager_may_not_sign_for_the_council(world, jcu_manager):
    authority = signing_authority(jcu_manager, world.bodies["council"], ON)
    assert not authority
    assert "employed by Our ICB, so signs only for Our ICB" in authority.reason


def test_a_council_signatory_role_does_not_override_the_joint_post_rule(world, jcu_manager):
    MembershipFactory(user=jcu_manager, organisation=world.bodies["council"], role=Role.SIGNATORY)
    authority = signing_authority(jcu_manager, world.bodies["council"], ON)
    assert not authority
    assert "signs only for Our ICB" in authority.reason


def test_a_delegation_naming_a_person_in_text_gives_no_right_to_sign(world):
    """Signing rights are never read from a delegation's free text (a name can be anyone's)."""
    from committees.models import Delegation

    officer = world.user("council", Role.OFFICER)
    Delegation.objects.create(
        partnership=world.ours,
        from_organisation=world.bodies["council"],
        to_post="Director",
        to_person=officer.username,
        scope="Sign joint commissioning contracts for the Council",
        matters=["signing"],
        valid_from=D(2024, 1, 1),
    )
    authority = signing_authority(officer, world.bodies["council"], ON)
    assert not authority
    assert "does not hold the signatory role for Our Council" in authority.reason


def test_once_the_joint_post_ends_the_rule_no_longer_applies(world, jcu_manager):
    post = jcu_manager.staffing_posts.get()
    post.end_date = D(2024, 3, 31)
    post.save()
    MembershipFactory(user=jcu_manager, organisation=world.bodies["council"], role=Role.SIGNATORY)
    assert may_sign_for(jcu_manager, world.bodies["council"], ON)


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SIGNATORY])
def test_only_the_signatory_role_signs(world, role):
    assert not may_sign_for(world.user("council", role), world.bodies["council"], ON)


def test_a_signatory_signs_for_their_own_body_only(world):
    signatory = world.user("council", Role.SIGNATORY)
    assert may_sign_for(signatory, world.bodies["council"], ON)
    assert not may_sign_for(signatory, world.bodies["nhs"], ON)
    assert not may_sign_for(signatory, world.bodies["other"], ON)


def test_nobody_signs_for_an_abolished_body(world):
    body = world.bodies["council"]
    body.active_to = D(2020, 3, 31)
    body.save()
    authority = signing_authority(world.user("council", Role.SIGNATORY), body, ON)
    assert not authority
    assert "was abolished on 31 March 2020" in authority.reason
