"""Who may see and change bodies, partnerships and memberships, through the real URLs.

Outside a partnership every page answers 404 (its existence is not revealed);
inside, an action the person's roles do not allow answers 403.
"""

import pytest
from django.urls import reverse

from partnership import permissions
from partnership.choices import Role
from partnership.models import Membership, Organisation, Partnership
from tests.factories import MembershipFactory, UserFactory

ROLES = list(Role.values)


def get(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def expected(relation, allowed):
    if relation == "outside":
        return 404
    return 200 if allowed else 403


# relation of the acting person's body to the target body: own, partner (same partnership), outside
RELATIONS = {"own": "council", "partner": "nhs", "outside": "other"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_viewing_a_body(client, world, role, relation):
    user = world.user(RELATIONS[relation], role)
    url = reverse("organisation_detail", kwargs={"pk": world.bodies["council"].pk})
    assert get(client, user, url) == expected(relation, True)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_editing_a_body(client, world, role, relation):
    user = world.user(RELATIONS[relation], role)
    url = reverse("organisation_edit", kwargs={"pk": world.bodies["council"].pk})
    allowed = relation == "own" and role == Role.ADMINISTRATOR
    assert get(client, user, url) == expected(relation, allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_adding_a_member_to_a_body(client, world, role, relation):
    user = world.user(RELATIONS[relation], role)
    url = reverse("membership_add", kwargs={"pk": world.bodies["council"].pk})
    allowed = relation == "own" and role == Role.ADMINISTRATOR
    assert get(client, user, url) == expected(relation, allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_removing_a_member_from_a_body(client, world, role, relation):
    user = world.user(RELATIONS[relation], role)
    membership = Membership.objects.filter(organisation=world.bodies["council"]).first()
    url = reverse("membership_remove", kwargs={"pk": world.bodies["council"].pk, "membership": membership.pk})
    allowed = relation == "own" and role == Role.ADMINISTRATOR
    assert get(client, user, url) == expected(relation, allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", ["own", "outside"])
def test_viewing_a_partnership(client, world, role, relation):
    user = world.user(RELATIONS[relation], role)
    for name in ("partnership_detail", "partnership_history"):
        assert get(client, user, reverse(name, kwargs={"partnership": "ours"})) == expected(relation, True)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_editing_a_partnership(client, world, role, relation):
    user = world.user(RELATIONS[relation], role)
    url = reverse("partnership_edit", kwargs={"partnership": "ours"})
    allowed = relation in ("own", "partner") and role == Role.ADMINISTRATOR
    assert get(client, user, url) == expected(relation, allowed)


@pytest.mark.django_db
def test_administrator_adds_and_removes_a_member_of_own_body(client, world):
    admin = world.user("council", Role.ADMINISTRATOR)
    newcomer = UserFactory(username="newcomer", email="newcomer@example.org")
    client.force_login(admin)
    body = world.bodies["council"]
    response = client.post(
        reverse("membership_add", kwargs={"pk": body.pk}),
        {"user": "newcomer@example.org", "role": Role.SIGNATORY, "job_title": "Director"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, organisation=body, role=Role.SIGNATORY)
    assert membership.history.first().history_user == admin
    response = client.post(
        reverse("membership_remove", kwargs={"pk": body.pk, "membership": membership.pk}),
        {"change_reason": "Left the council"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    deleted = Membership.history.filter(id=membership.pk, history_type="-").get()
    assert deleted.history_change_reason == "Left the council"


@pytest.mark.django_db
def test_adding_an_unknown_person_names_the_field(client, world):
    client.force_login(world.user("council", Role.ADMINISTRATOR))
    response = client.post(
        reverse("membership_add", kwargs={"pk": world.bodies["council"].pk}),
        {"user": "nobody@example.org", "role": Role.OFFICER},
    )
    assert response.status_code == 200
    assert "Username or e-mail address" in response.content.decode()
    assert "No single account" in response.content.decode()


@pytest.mark.django_db
def test_administrator_edits_own_body_with_reason(client, world):
    admin = world.user("council", Role.ADMINISTRATOR)
    body = world.bodies["council"]
    client.force_login(admin)
    response = client.get(reverse("organisation_edit", kwargs={"pk": body.pk}))
    form = response.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="Our Council (renamed)", kind=body.kind, change_reason="New name from April")
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(reverse("organisation_edit", kwargs={"pk": body.pk}), data)
    assert response.status_code == 302, response.context["form"].errors
    body.refresh_from_db()
    assert body.name == "Our Council (renamed)"
    assert body.history.first().history_change_reason == "New name from April"
    assert body.history.first().history_organisation == body


@pytest.mark.django_db
def test_visible_partnerships_is_one_query(world, django_assert_num_queries):
    user = world.user("council", Role.OFFICER)
    with django_assert_num_queries(1):
        assert list(permissions.visible_partnerships(user)) == [world.ours]


@pytest.mark.django_db
def test_scoped_auditor_sees_only_the_partnership_named(world):
    firm = Organisation.objects.create(name="Audit firm", kind="other")
    auditor = UserFactory()
    MembershipFactory(user=auditor, organisation=firm, role=Role.AUDITOR, partnership=world.theirs)
    assert list(permissions.visible_partnerships(auditor)) == [world.theirs]
    assert permissions.can_see_everything(auditor, world.theirs)
    assert not permissions.can_see_everything(auditor, world.ours)


@pytest.mark.django_db
def test_superuser_sees_every_partnership(superuser, world):
    assert set(permissions.visible_partnerships(superuser)) == set(Partnership.objects.all())


@pytest.mark.django_db
def test_auditor_holds_no_change_permission_anywhere(world):
    auditor = world.user("council", Role.AUDITOR)
    assert permissions.is_read_only(auditor)
    assert not permissions.can_change(auditor, world.bodies["council"])
    assert not permissions.can_change(auditor, world.ours)


@pytest.mark.django_db
def test_a_posted_partnership_cannot_be_moved_by_a_forged_field(client, world):
    """Only the fields on the form are saved: a forged slug is ignored."""
    admin = world.user("council", Role.ADMINISTRATOR)
    client.force_login(admin)
    response = client.post(
        reverse("partnership_edit", kwargs={"partnership": "ours"}),
        {"name": "Our partnership", "status": "active", "slug": "theirs", "description": "Updated"},
    )
    assert response.status_code == 302
    world.ours.refresh_from_db()
    assert world.ours.slug == "ours"
    assert world.ours.description == "Updated"
