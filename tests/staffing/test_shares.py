"""A post's shares of time and cost add up to exactly 100%."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from partnership.choices import Role
from staffing import services
from staffing.models import Post, PostShare

pytestmark = pytest.mark.django_db


def shares(world, **percents):
    return {world.bodies[key]: Decimal(value) for key, value in percents.items()}


def test_shares_adding_up_to_100_are_accepted(world):
    services.validate_shares(shares(world, council="60", nhs="40"), partnership=world.ours)


def test_thirds_to_the_penny_are_accepted(world):
    services.validate_shares(shares(world, council="33.33", nhs="66.67"), partnership=world.ours)


@pytest.mark.parametrize(
    "council, nhs, total",
    [("60", "30", "90.00"), ("60", "50", "110.00"), ("33.33", "66.66", "99.99")],
)
def test_shares_not_adding_up_to_100_are_refused_with_the_total(world, council, nhs, total):
    with pytest.raises(ValidationError) as refusal:
        services.validate_shares(shares(world, council=council, nhs=nhs), partnership=world.ours)
    assert refusal.value.code == "shares_not_100"
    assert refusal.value.messages == [
        services.SHARES_MUST_TOTAL_100.format(total=total),
    ]
    assert "must add up to exactly 100%" in refusal.value.messages[0]
    assert f"these add up to {total}%" in refusal.value.messages[0]


def test_no_shares_at_all_are_refused(world):
    with pytest.raises(ValidationError, match="shares must add up to 100%"):
        services.validate_shares({}, partnership=world.ours)


def test_a_body_outside_the_partnership_cannot_take_a_share(world):
    with pytest.raises(ValidationError, match="is not a partner"):
        services.validate_shares(shares(world, council="50", other="50"), partnership=world.ours)


def test_a_zero_or_negative_share_is_refused(world):
    with pytest.raises(ValidationError, match="more than 0%"):
        services.validate_shares(shares(world, council="100", nhs="0"), partnership=world.ours)


def test_save_post_refuses_bad_shares_and_writes_nothing(world):
    officer = world.user("council", Role.OFFICER)
    post = Post(
        partnership=world.ours,
        employer=world.bodies["council"],
        title="Deputy Director",
        annual_cost=Decimal("90000"),
    )
    with pytest.raises(ValidationError, match="these add up to 90.00%"):
        services.save_post(
            post=post, shares=shares(world, council="50", nhs="40"), user=officer, reason="New post"
        )
    assert not Post.objects.exists()
    assert not PostShare.objects.exists()


def test_save_post_writes_post_and_shares_with_history(world):
    officer = world.user("council", Role.OFFICER)
    post = Post(
        partnership=world.ours,
        employer=world.bodies["council"],
        title="Deputy Director",
        annual_cost=Decimal("90000"),
    )
    services.save_post(
        post=post, shares=shares(world, council="50", nhs="50"), user=officer, reason="New post"
    )
    assert {s.organisation.pk: s.share_percent for s in post.shares.all()} == {
        world.bodies["council"].pk: Decimal("50.00"),
        world.bodies["nhs"].pk: Decimal("50.00"),
    }
    record = post.history.get()
    assert record.history_user == officer
    assert record.history_change_reason == "New post"
    assert record.history_organisation == world.bodies["council"]

    # Changing one share writes one history row, and saving unchanged writes none.
    services.save_post(
        post=post, shares=shares(world, council="70", nhs="30"), user=officer, reason="Rebalance"
    )
    assert post.history.count() == 1
    assert PostShare.history.filter(post_id=post.pk).count() == 4
    services.save_post(post=post, shares=shares(world, council="70", nhs="30"), user=officer, reason="Again")
    assert post.history.count() == 1
    assert PostShare.history.filter(post_id=post.pk).count() == 4


def test_removing_a_body_deletes_its_share(world):
    officer = world.user("council", Role.OFFICER)
    post = Post(partnership=world.ours, employer=world.bodies["council"], title="Lead", annual_cost=1000)
    services.save_post(post=post, shares=shares(world, council="50", nhs="50"), user=officer)
    services.save_post(post=post, shares=shares(world, council="100"), user=officer)
    assert list(post.shares.values_list("organisation__name", "share_percent")) == [
        ("Our Council", Decimal("100.00"))
    ]


def test_post_may_rest_only_on_a_section_113_agreement(world):
    from agreements.choices import AgreementKind
    from agreements.models import Agreement

    pooled = Agreement.objects.create(
        partnership=world.ours, reference="S75-1", title="Pooled fund", kind=AgreementKind.S75_POOLED_FUND
    )
    post = Post(
        partnership=world.ours,
        employer=world.bodies["council"],
        title="Lead",
        annual_cost=1000,
        agreement=pooled,
    )
    with pytest.raises(ValidationError, match="not a Section 113 agreement"):
        post.full_clean()
    post.agreement = Agreement.objects.create(
        partnership=world.ours, reference="S113-1", title="Staff sharing", kind=AgreementKind.S113
    )
    post.full_clean()


def test_a_vacant_post_has_no_holder(world):
    post = Post(
        partnership=world.ours,
        employer=world.bodies["council"],
        title="Lead",
        annual_cost=1000,
        vacant=True,
        holder_name="A Person",
    )
    with pytest.raises(ValidationError, match="A vacant post has no holder"):
        post.full_clean()
