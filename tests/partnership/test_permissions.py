"""Who may see and change bodies, partnerships and memberships, through the real URLs.

Outside a partnership every page answers 404 (its existence is not revealed);
inside, an action the person's roles do not allow answers 403.
"""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from partnership import permissions
from partnership.choices import Role
from partnership.models import Membership, Organisation, Partnership
from tests.agreements.factories import AgreementFactory
from tests.factories import MembershipFactory, UserFactory
from tests.matrix import check_everyone

# The relation of the acting person's body to the council (the target body): its own,
# a partner in the same partnership, or outside it.
RELATION = {"council": "own", "nhs": "partner", "other": "outside"}


def expected(relation, allowed):
    if relation == "outside":
        return 404
    return 200 if allowed else 403


def check_page(client, world, url, allowed, bodies=tuple(RELATION)):
    """GET ``url`` as everyone: 404 outside, else 200 if ``allowed(relation, role)``, else 403."""

    def check(body, role):
        relation = RELATION[body]
        status = client.get(url).status_code
        assert status == expected(relation, allowed(relation, role)), f"{relation} body: {status}"

    check_everyone(client, world, check, bodies=bodies)


def anyone(relation, role):
    return True


def own_administrator(relation, role):
    return relation == "own" and role == Role.ADMINISTRATOR


def partner_administrator(relation, role):
    return relation in ("own", "partner") and role == Role.ADMINISTRATOR


@pytest.mark.django_db
def test_viewing_a_body(client, world):
    url = reverse("organisation_detail", kwargs={"pk": world.bodies["council"].pk})
    check_page(client, world, url, anyone)


@pytest.mark.django_db
def test_editing_a_body(client, world):
    url = reverse("organisation_edit", kwargs={"pk": world.bodies["council"].pk})
    check_page(client, world, url, own_administrator)


@pytest.mark.django_db
def test_adding_a_member_to_a_body(client, world):
    url = reverse("membership_add", kwargs={"pk": world.bodies["council"].pk})
    check_page(client, world, url, own_administrator)


@pytest.mark.django_db
def test_removing_a_member_from_a_body(client, world):
    membership = Membership.objects.filter(organisation=world.bodies["council"]).first()
    url = reverse("membership_remove", kwargs={"pk": world.bodies["council"].pk, "membership": membership.pk})
    check_page(client, world, url, own_administrator)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["partnership_detail", "partnership_history"])
def test_viewing_a_partnership(client, world, name):
    url = reverse(name, kwargs={"partnership": "ours"})
    check_page(client, world, url, anyone, bodies=("council", "other"))


@pytest.mark.django_db
def test_editing_a_partnership(client, world):
    url = reverse("partnership_edit", kwargs={"partnership": "ours"})
    check_page(client, world, url, partner_administrator)


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
def test_what_a_person_may_see_is_read_once_a_request(world, django_assert_num_queries):
    """Their memberships and their bodies' partner places, once; after that a register is
    restricted by naming the partnerships, with no subquery over memberships."""
    user = world.user("council", Role.OFFICER)
    permissions.forget_memberships(user)
    with django_assert_num_queries(2):
        assert permissions.visible_partnership_ids(user) == {world.ours.pk}
    with django_assert_num_queries(1):
        assert list(permissions.visible_partnerships(user)) == [world.ours]
    ours = [AgreementFactory(partnership=world.ours)]
    AgreementFactory(partnership=world.theirs)
    with django_assert_num_queries(1) as captured:
        assert list(permissions.restrict(Agreement.objects.all(), user)) == ours
    assert "membership" not in captured.captured_queries[0]["sql"]


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
        {
            "name": "Our partnership",
            "status": "active",
            "slug": "theirs",
            "description": "Updated",
            "loaded_version": world.ours.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    world.ours.refresh_from_db()
    assert world.ours.slug == "ours"
    assert world.ours.description == "Updated"


@pytest.mark.django_db
def test_an_owners_rights_are_granted_once_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    """Every new record's rights go to its owning bodies' role groups and no one else's; granting
    again adds nothing; the queries do not grow with the owners, roles and permissions."""
    from agreements.models import Agreement
    from tests.agreements.factories import agreement_between

    owners = [world.bodies["council"], world.bodies["nhs"]]
    agreement = agreement_between(world.ours, *owners)
    rows = Agreement.objects.get(pk=agreement.pk).agreementgroupobjectpermission_set
    held = set(rows.values_list("group__name", "permission__codename"))
    officers = {permissions.body_group_name(body.pk, Role.OFFICER) for body in owners}
    assert held == {(group, "change_agreement") for group in officers}
    with django_assert_max_num_queries(5):
        permissions.grant_owner_permissions(agreement)
    assert rows.count() == len(held)
    assert world.user("council", Role.OFFICER).has_perm("agreements.change_agreement", agreement)
    assert not world.user("other", Role.OFFICER).has_perm("agreements.change_agreement", agreement)


def test_a_record_s_permissions_are_read_once_a_request_and_again_once_they_change(
    world, django_assert_num_queries
):
    """A page asks several times whether its reader may change the record: the permissions are
    read once. Once a body's rights are taken back, the same person (the same request) is
    answered from the new rights, not the ones read before."""
    from agreements.models import Agreement
    from tests.agreements.factories import agreement_between

    agreement = agreement_between(world.ours, world.bodies["council"], world.bodies["nhs"])
    agreement = Agreement.objects.get(pk=agreement.pk)
    officer = world.user("council", Role.OFFICER)
    assert permissions.can_change(officer, agreement)
    with django_assert_num_queries(0):
        for _ in range(3):
            assert permissions.can_change(officer, agreement)
    permissions.revoke_owner_permissions(agreement, world.bodies["council"])
    assert not permissions.can_change(officer, agreement)
