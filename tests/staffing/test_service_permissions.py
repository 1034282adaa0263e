"""staffing.services.save_post checks permission itself (staffing.access), so a caller that is
not a view (an admin action, a task, a script) cannot go round it: only officers of the
employing body create or change a post, and nobody moves a post to a body they do not act for."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from partnership.choices import Role
from staffing import services
from staffing.models import Post, PostShare
from tests.staffing.factories import PostFactory

pytestmark = pytest.mark.django_db


def written():
    return Post.history.count() + PostShare.history.count()


def shares(world):
    return {world.bodies["council"]: Decimal("60"), world.bodies["nhs"]: Decimal("40")}


def new_post(world):
    return PostFactory.build(partnership=world.ours, employer=world.bodies["council"], title="Joint director")


@pytest.fixture
def stored_post(world, joint_post):
    """The council's post (tests/staffing/conftest.py), loaded afresh as a caller would."""
    return Post.objects.get(pk=joint_post.pk)


NOT_ALLOWED = [
    "nhs officer",
    "council finance_officer",
    "council signatory",
    "council auditor",
    "other officer",
]


@pytest.mark.parametrize("who", NOT_ALLOWED)
def test_only_the_employers_officers_create_a_post(world, who):
    body, role = who.split(" ")
    before = written()
    with pytest.raises(PermissionDenied, match="only officers of the body that employs it"):
        services.save_post(post=new_post(world), shares=shares(world), user=world.user(body, Role(role)))
    assert written() == before


@pytest.mark.parametrize("who", NOT_ALLOWED)
def test_only_the_employers_officers_change_a_post(world, stored_post, who):
    body, role = who.split(" ")
    stored_post.annual_cost = Decimal("1")
    before = written()
    with pytest.raises(PermissionDenied):
        services.save_post(post=stored_post, shares=shares(world), user=world.user(body, Role(role)))
    assert written() == before
    assert Post.objects.get(pk=stored_post.pk).annual_cost == Decimal("100000.00")


def test_a_post_cannot_be_moved_to_a_body_its_officer_does_not_act_for(world, stored_post):
    stored_post.employer = world.bodies["nhs"]
    with pytest.raises(PermissionDenied):
        services.save_post(post=stored_post, shares=shares(world), user=world.user("council", Role.OFFICER))
    assert Post.objects.get(pk=stored_post.pk).employer == world.bodies["council"]


def test_the_employers_officer_creates_and_changes_a_post(world):
    officer = world.user("council", Role.OFFICER)
    post = services.save_post(post=new_post(world), shares=shares(world), user=officer)
    post.annual_cost = Decimal("75000")
    services.save_post(post=post, shares=shares(world), user=officer, reason="Regraded")
    assert Post.objects.get(pk=post.pk).annual_cost == Decimal("75000.00")
    assert post.history.first().history_user == officer
