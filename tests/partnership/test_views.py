import datetime

import pytest
from django.urls import reverse

from partnership.choices import Role
from tests.factories import MembershipFactory, OrganisationFactory, PartnerFactory


@pytest.mark.django_db
def test_login_page_is_served(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in to Concordat" in response.content


@pytest.mark.django_db
def test_pages_need_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_banes_council_officer_sees_banes_and_not_walsall(client, demo):
    assert client.login(username="banes-council-officer", password="concordat-demo")
    page = client.get(reverse("home")).content.decode()
    assert "Bath and North East Somerset health and care partnership" in page
    assert "Walsall" not in page
    assert client.get(reverse("partnership_detail", kwargs={"partnership": "walsall"})).status_code == 404
    assert client.get(reverse("partnership_detail", kwargs={"partnership": "banes"})).status_code == 200


@pytest.mark.django_db
def test_home_shows_bodies_and_roles_of_the_signed_in_person(client, world):
    user = world.user("council", Role.OFFICER)
    MembershipFactory(user=user, organisation=world.bodies["nhs"], role=Role.SIGNATORY)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert "Our Council" in page and "Our ICB" in page
    assert "Signatory" in page and "Officer" in page
    assert "Their partnership" not in page


@pytest.mark.django_db
def test_home_lists_each_partnership_s_partners_today_not_those_that_left(client, world):
    left = OrganisationFactory(name="Former PCT")
    PartnerFactory(partnership=world.ours, organisation=left, left=datetime.date(2013, 3, 31))
    client.force_login(world.user("council", Role.OFFICER))
    page = client.get(reverse("home")).content.decode()
    assert "Our ICB" in page and "Former PCT" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("partnerships", [1, 20])
def test_home_page_queries_do_not_grow_with_partnerships(
    client, world, partnerships, django_assert_max_num_queries
):
    user = world.user("council", Role.OFFICER)
    for _ in range(partnerships):
        place = PartnerFactory(organisation=world.bodies["council"])
        PartnerFactory(partnership=place.partnership, organisation=OrganisationFactory())
    client.force_login(user)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_failed_logins_lock_the_account(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "someone", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "someone", "password": "wrong"})
    assert b"Too many failed sign-in attempts" in response.content


@pytest.mark.django_db
def test_a_body_page_names_but_does_not_link_bodies_before_or_after_it_the_person_cannot_see(client, world):
    """A CCG that took over from CCGs outside the person's partnerships names them; only bodies
    the person may open are links (the others' pages would answer 404)."""
    ccg = world.bodies["nhs"]
    elsewhere = OrganisationFactory(name="Elsewhere CCG", successor=ccg)
    ours_before = OrganisationFactory(name="Our former CCG", successor=ccg)
    PartnerFactory(partnership=world.ours, organisation=ours_before)
    client.force_login(world.user("council", Role.OFFICER))
    page = client.get(ccg.get_absolute_url()).content.decode()
    assert f'<a class="govuk-link" href="{ours_before.get_absolute_url()}">Our former CCG</a>' in page
    assert "Elsewhere CCG" in page and elsewhere.get_absolute_url() not in page
    assert client.get(elsewhere.get_absolute_url()).status_code == 404
