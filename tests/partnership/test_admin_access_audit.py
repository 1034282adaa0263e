"""Changes in the Django admin to who may do what are in the audit log, with who and when."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import get_perms

from partnership import audit
from partnership.models import AccessChange, AuditEntry
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def site_admin(db, client):
    admin = UserFactory(username="site-admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    return admin


def entry_for(change):
    return AuditEntry.objects.get(
        history_table=AccessChange.history.model._meta.label, object_id=str(change.pk), action="created"
    )


def test_making_someone_a_superuser_and_adding_a_group_is_audited(client, site_admin):
    person = UserFactory(username="jo-bloggs")
    group = Group.objects.create(name="body:7:signatory")
    now = timezone.localtime()
    response = client.post(
        reverse("admin:auth_user_change", args=[person.pk]),
        {
            "username": "jo-bloggs",
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [group.pk],
            "date_joined_0": f"{now:%Y-%m-%d}",
            "date_joined_1": f"{now:%H:%M:%S}",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    change = AccessChange.objects.get(person=person)
    assert "superuser: no → yes" in change.description
    assert "staff: no → yes" in change.description
    assert "groups: added body:7:signatory" in change.description
    entry = entry_for(change)
    assert entry.user == site_admin
    assert entry.reason == "Changed in the Django admin"
    assert audit.verify_chain().ok


def test_a_group_given_a_permission_is_audited(client, site_admin):
    group = Group.objects.create(name="Finance leads")
    permission = Permission.objects.get(codename="view_auditentry")
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "Finance leads", "permissions": [permission.pk]},
    )
    assert response.status_code == 302
    change = AccessChange.objects.get(group=group)
    assert change.description == "permissions: added partnership.view_auditentry"
    assert entry_for(change).user == site_admin


def test_an_object_permission_granted_to_a_body_group_is_audited_against_that_body(client, site_admin):
    body = OrganisationFactory(name="Audited Council")
    group = Group.objects.create(name=f"body:{body.pk}:officer")
    url = reverse("admin:partnership_organisation_permissions_manage_group", args=[body.pk, group.pk])
    response = client.post(url, {"permissions": ["change_organisation"]})
    assert response.status_code == 302
    assert "change_organisation" in get_perms(group, body)
    change = AccessChange.objects.get(group=group)
    assert change.organisation == body
    assert change.description == (
        "Object permissions on organisation Audited Council:\nobject permissions: added change_organisation"
    )
    entry = entry_for(change)
    assert (entry.user, entry.subject_organisation_id) == (site_admin, body.pk)


def test_saving_without_changing_access_records_nothing(client, site_admin):
    group = Group.objects.create(name="Unchanged")
    client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "Unchanged"})
    assert not AccessChange.objects.exists()
