"""The posts list and the recharge page ask the database a fixed number of questions."""

import pytest
from django.urls import reverse

from partnership.choices import Role
from tests.factories import UserFactory
from tests.staffing.factories import shared_post

pytestmark = pytest.mark.django_db

#: Session, user, partnership, counts, partner bodies, memberships, partnerships left
#: (permissions.left_partnerships), menu, filter choices (two), one page of posts with
#: employer, agreement and holder, and their shares.
LIST_QUERIES = 13
#: Session, user, memberships, their bodies' partner places, partnership, oldest post (year
#: picker), posts, shares, menu.
RECHARGE_QUERIES = 8


def make_posts(world, count):
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    holder = UserFactory(username="holder")
    for number in range(count):
        employer = council if number % 2 else nhs
        shared_post(
            world.ours,
            employer,
            {council: "50", nhs: "50"},
            title=f"Post {number:03d}",
            holder=holder if number % 3 else None,
            vacant=not number % 3,
        )


@pytest.mark.parametrize("count", [5, 60])
def test_posts_list_query_count_is_fixed(client, world, django_assert_max_num_queries, count):
    make_posts(world, count)
    client.force_login(world.user("nhs", Role.OFFICER))
    url = reverse("staffing:list", kwargs={"partnership": "ours"})
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert "Post 004" in response.content.decode()


@pytest.mark.parametrize("count", [5, 60])
def test_posts_export_query_count_is_fixed(client, world, django_assert_max_num_queries, count):
    make_posts(world, count)
    client.force_login(world.user("nhs", Role.OFFICER))
    url = reverse("staffing:list", kwargs={"partnership": "ours"})
    with django_assert_max_num_queries(LIST_QUERIES):
        text = client.get(url, {"export": "csv"}).getvalue().decode()  # streamed: read inside
    assert text.count("Post ") == count


@pytest.mark.parametrize("count", [5, 60])
def test_recharge_page_query_count_is_fixed(client, world, django_assert_max_num_queries, count):
    make_posts(world, count)
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    url = reverse("staffing:recharges", kwargs={"partnership": "ours"})
    with django_assert_max_num_queries(RECHARGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
