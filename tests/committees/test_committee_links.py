"""The committee page leads to its calendar feeds and, for committees meeting in public, its public page."""

import pytest
from django.urls import reverse

from partnership.choices import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("in_public", [True, False])
def test_committee_page_links_to_feeds_and_public_page(client, world, board, in_public):
    committee = board.committee
    committee.meets_in_public = in_public
    committee.save()
    client.force_login(world.user("council", Role.OFFICER))
    page = client.get(committee.get_absolute_url()).content.decode()
    calendar = reverse("committees:committee_calendar", kwargs={"partnership": "ours", "pk": committee.pk})
    assert calendar in page
    assert reverse("committees:personal_calendar", kwargs={"partnership": "ours"}) in page
    assert (reverse("public:committee", kwargs={"pk": committee.pk}) in page) is in_public
    assert client.get(calendar).status_code == 200
