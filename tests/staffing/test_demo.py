"""The demo posts from the seed papers load, and load again without duplicates."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from agreements.access import signing_authority
from partnership import demo as core_demo
from staffing import demo, services
from staffing.models import Post, PostShare

pytestmark = pytest.mark.django_db


@pytest.fixture
def context():
    return core_demo.load()


def counts():
    return (
        Post.objects.count(),
        PostShare.objects.count(),
        Post.history.count(),
        PostShare.history.count(),
    )


def test_demo_loads_twice_without_duplicates(context):
    demo.load(context)
    first = counts()
    assert first[0] == len(demo.POSTS)
    demo.load(context)
    assert counts() == first


def test_every_demo_post_has_shares_adding_to_100(context):
    demo.load(context)
    for post in Post.objects.prefetch_related("shares"):
        assert sum(s.share_percent for s in post.shares.all()) == Decimal("100.00"), post


def test_banes_recharges_nearly_offset(context):
    """The framework: "the net recharge between the two organisations remains minimal"."""
    demo.load(context)
    statement = services.recharge_statement(partnership=context["partnerships"]["banes"], year=2014)
    [position] = statement.net_positions()
    assert position.net < Decimal("10000")
    assert statement.total_recharged > Decimal("200000")


def test_demo_jcu_manager_signs_for_nhs_walsall_not_the_council(context):
    demo.load(context)
    jcu = get_user_model().objects.get(username="jcu-manager")
    organisations = context["organisations"]
    on = datetime.date(2010, 6, 1)  # NHS Walsall was abolished in 2013
    assert signing_authority(jcu, organisations["nhs-walsall"], on)
    authority = signing_authority(jcu, organisations["walsall-council"], on)
    assert not authority
    assert "signs only for NHS Walsall" in authority.reason
