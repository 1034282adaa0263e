"""Who held a shared post, and when: a delegation to the post serves whoever held it on the day,
not whoever holds it now."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.access import signing_authority
from partnership.choices import Role
from staffing import services
from staffing.models import Post, PostHolding
from tests.committees.factories import DelegationFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
DIRECTOR = "Director of Adult Social Care"


def council_officer(world, username, first_name):
    user = UserFactory(username=username, first_name=first_name, last_name="Lee")
    MembershipFactory(user=user, organisation=world.bodies["council"], role=Role.OFFICER)
    return user


@pytest.fixture
def people(world):
    return council_officer(world, "dana", "Dana"), council_officer(world, "pat", "Pat")


@pytest.fixture
def post(world, people):
    """The council's director post, held by Dana since it was established, named by the
    council's delegation to sign."""
    council = world.bodies["council"]
    post = services.save_post(
        post=Post(
            partnership=world.ours,
            employer=council,
            title=DIRECTOR,
            annual_cost=Decimal("98000.00"),
            start_date=D(2023, 4, 1),
            holder=people[0],
        ),
        shares={council: Decimal("100")},
        user=world.user("council", Role.OFFICER),
        reason="Established",
    )
    DelegationFactory(
        partnership=world.ours,
        from_organisation=council,
        to_committee=None,
        to_staff_post=post,
        scope="Sign agreements under section 75 for the Council",
        matters=["signing"],
        valid_from=D(2024, 1, 1),
        minute_reference="Cabinet 24/17",
    )
    return post


def change_holder(world, post, holder, since, reason="Pat appointed", **values):
    post = Post.objects.get(pk=post.pk)
    post.holder = holder
    for name, value in values.items():
        setattr(post, name, value)
    return services.save_post(
        post=post,
        shares={world.bodies["council"]: Decimal("100")},
        user=world.user("council", Role.OFFICER),
        reason=reason,
        holder_since=since,
    )


def holdings(post):
    return [
        (h.holder.username if h.holder else h.holder_name, h.started_on, h.ended_on)
        for h in PostHolding.objects.filter(post=post).order_by("pk")
    ]


def test_a_new_holder_ends_the_last_ones_time_and_each_signs_only_for_their_own_days(world, people, post):
    dana, pat = people
    council = world.bodies["council"]
    change_holder(world, post, pat, D(2024, 9, 1))

    assert holdings(post) == [("dana", None, D(2024, 8, 31)), ("pat", D(2024, 9, 1), None)]
    change = PostHolding.history.filter(post_id=post.pk, history_type="+").latest("history_date")
    assert change.history_user == world.user("council", Role.OFFICER)
    assert change.history_change_reason == "Pat appointed"

    before, after = D(2024, 6, 3), D(2024, 10, 1)
    assert signing_authority(dana, council, before, partnership=world.ours)
    refused = signing_authority(dana, council, after, partnership=world.ours)
    assert not refused and f"they did not hold the post “{DIRECTOR}” on 1 October 2024" in refused.reason
    assert not signing_authority(pat, council, before, partnership=world.ours)
    answer = signing_authority(pat, council, after, partnership=world.ours)
    assert answer and f"{DIRECTOR} (held by Pat Lee)" in answer.authority


def test_a_new_holder_cannot_begin_before_the_present_one_and_nothing_is_saved(world, people, post):
    dana, pat = people
    change_holder(world, post, pat, D(2024, 9, 1))
    with pytest.raises(ValidationError) as error:
        change_holder(world, post, dana, D(2024, 9, 1), title="Renamed on the way")
    assert "Pat Lee, began on 1 September 2024" in error.value.message_dict["holder_since"][0]
    post.refresh_from_db()
    assert (post.holder, post.title) == (pat, DIRECTOR)
    assert len(holdings(post)) == 2

    with pytest.raises(ValidationError) as error:
        change_holder(world, post, None, D(2023, 1, 1), holder_name="Agency interim")
    assert error.value.message_dict["holder_since"]


def test_a_post_that_falls_vacant_ends_the_holding_the_day_before(world, people, post):
    dana, _ = people
    change_holder(world, post, None, None, vacant=True, vacant_from=D(2025, 1, 1))
    assert holdings(post) == [("dana", None, D(2024, 12, 31))]
    assert signing_authority(dana, world.bodies["council"], D(2024, 12, 31), partnership=world.ours)
    assert not signing_authority(dana, world.bodies["council"], D(2025, 1, 2), partnership=world.ours)


def test_editing_anything_else_keeps_the_holding(world, people, post):
    change_holder(world, post, people[0], None, annual_cost=Decimal("99000.00"))
    assert holdings(post) == [("dana", None, None)]


def edit_data(world, post, **values):
    data = {
        "title": post.title,
        "employer_designation": "open",
        "fte": "1.00",
        "annual_cost": "98000.00",
        "start_date-day": "1",
        "start_date-month": "4",
        "start_date-year": "2023",
        f"share_{world.bodies['council'].pk}": "100",
        "change_reason": "Pat appointed",
        "loaded_version": Post.objects.get(pk=post.pk).updated_at.isoformat(),
    }
    data.update(values)
    return data


def test_the_officer_records_a_new_holder_on_the_edit_page_and_the_post_page_lists_both(
    client, world, people, post
):
    dana, pat = people
    client.force_login(world.user("council", Role.OFFICER))
    edit = reverse("staffing:edit", kwargs={"partnership": "ours", "pk": post.pk})
    since = {"holder_since-day": "1", "holder_since-month": "9", "holder_since-year": "2024"}

    early = {**since, "holder_since-year": "2022"}
    response = client.post(edit, edit_data(world, post, holder=pat.pk, **early))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_holder_since-day"' in page
    assert "The post was established on 1 April 2023: nobody held it before then." in page
    assert holdings(post) == [("dana", None, None)]

    response = client.post(edit, edit_data(world, post, holder=pat.pk, **since))
    assert response.status_code == 302
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Who has held the post" in page
    assert "When the post was established" in page and "31 August 2024" in page
    assert "1 September 2024" in page and "Now" in page
