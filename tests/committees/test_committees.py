"""Committees and their members through the pages."""

import pytest
from django.urls import reverse

from committees.access import can_manage, can_run
from committees.models import Committee
from partnership.choices import Role


@pytest.mark.django_db
def test_administrator_sets_up_a_committee_that_every_partners_secretaries_run(client, world):
    client.force_login(world.user("council", Role.ADMINISTRATOR))
    response = client.post(
        reverse("committees:committee_add", kwargs={"partnership": "ours"}),
        {
            "name": "Integrated Health and Care Board",
            "kind": "board",
            "cycle": "bi_monthly",
            "status": "shadow",
            "status_from": "2018-01-01",
            "quorum_overall": "4",
            "equal_nomination_required": "on",
            "meets_in_public": "on",
            "papers_lead_days": "5",
            "minutes_due_days": "10",
            "terms_of_reference": "Version 1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    board = Committee.objects.get(name="Integrated Health and Care Board")
    for body in ("council", "nhs"):
        assert can_run(world.user(body, Role.COMMITTEE_SECRETARY), board)
        assert can_manage(world.user(body, Role.ADMINISTRATOR), board)
        assert not can_run(world.user(body, Role.ADMINISTRATOR), board)
        assert not can_run(world.user(body, Role.AUDITOR), board)
    assert not can_run(world.user("other", Role.COMMITTEE_SECRETARY), board)


@pytest.mark.django_db
def test_terms_of_reference_are_versioned_in_history(client, world, board):
    client.force_login(world.user("nhs", Role.ADMINISTRATOR))
    edit = reverse("committees:committee_edit", kwargs={"partnership": "ours", "pk": board.committee.pk})
    form = client.get(edit).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(terms_of_reference="Version 2", change_reason="Annual review", kind="joint_committee")
    data["loaded_version"] = form["loaded_version"].value()
    data.pop("parent", None)
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    versions = list(board.committee.history.values_list("terms_of_reference", "history_change_reason"))
    assert versions[0] == ("Version 2", "Annual review")
    history = client.get(
        reverse("committees:committee_history", kwargs={"partnership": "ours", "pk": board.committee.pk})
    )
    assert "Version 2" in history.content.decode()


@pytest.mark.django_db
def test_adding_a_member_shows_unequal_nominations(client, world, board):
    board.committee.equal_nomination_required = True
    board.committee.save()
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    response = client.post(
        reverse("committees:member_add", kwargs={"partnership": "ours", "committee": board.committee.pk}),
        {
            "person_name": "Cllr E",
            "organisation": world.bodies["council"].pk,
            "user": world.user("council", Role.SIGNATORY).pk,
            "role": "member",
            "voting": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(board.committee.get_absolute_url()).content.decode()
    assert "Nominations are not equal" in page
    assert "Council: 3" in page and "ICB: 2" in page


@pytest.mark.django_db
def test_member_account_must_be_someone_in_the_partnership(client, world, board):
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    response = client.post(
        reverse("committees:member_add", kwargs={"partnership": "ours", "committee": board.committee.pk}),
        {
            "person_name": "Outsider",
            "organisation": world.bodies["council"].pk,
            "user": world.user("other", Role.OFFICER).pk,
            "role": "member",
        },
    )
    assert response.status_code == 200
    assert "user" in response.context["form"].errors


@pytest.mark.django_db
def test_member_who_attended_is_not_deleted(client, world, board):
    from committees.models import Attendance

    Attendance.objects.create(meeting=board.meeting, member=board.council_member, status="present")
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    url = reverse("committees:member_delete", kwargs={"partnership": "ours", "pk": board.council_member.pk})
    assert client.post(url).status_code == 302
    board.council_member.refresh_from_db()
    assert board.council_member.attendances.count() == 1
