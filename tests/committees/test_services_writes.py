"""Every write to a report's parts, a declaration or an action goes through a service: it
checks who acts, locks the parent, refuses a second copy with a message (or keeps one) and
writes its history with the person and the reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from committees import services
from committees.choices import ActionStatus, InterestNature, MeetingStatus
from committees.forms import ActionForm
from committees.models import Action, Declaration, ReportCostLine
from partnership.choices import Role
from tests.committees.factories import CommitteeMemberFactory, DeclarationFactory
from tests.url_catalogue import blank_pdf

pytestmark = pytest.mark.django_db


def officer(world):
    return world.user("council", Role.OFFICER)


def secretary(world):
    return world.user("council", Role.COMMITTEE_SECRETARY)


def add_cost(board, user, amount="15000.00", **kwargs):
    return services.add_cost_line(
        report=board.report,
        label="Legal advice",
        year_label="2018/19",
        amount=Decimal(amount),
        user=user,
        **kwargs,
    )


# --- Cost lines and appendices ------------------------------------------------------------


def test_cost_line_is_written_with_who_and_why(world, board):
    line, added = add_cost(board, officer(world), reason="From the legal team's quote")
    assert added
    entry = line.history.first()
    assert entry.history_user == officer(world)
    assert entry.history_change_reason == "From the legal team's quote"


def test_same_cost_sent_twice_is_kept_once(client, world, board):
    client.force_login(officer(world))
    url = reverse("committees:cost_line_add", kwargs={"partnership": "ours", "report": board.report.pk})
    data = {"label": "Legal advice", "year_label": "2018/19", "amount": "15000"}
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert "not added twice" in response.content.decode()
    assert board.report.cost_lines.count() == 1


def test_different_amount_for_a_filled_cell_is_refused(world, board):
    add_cost(board, officer(world))
    with pytest.raises(ValidationError, match="remove that cost first"):
        add_cost(board, officer(world), amount="20000")
    assert board.report.cost_lines.get().amount == Decimal("15000.00")


def test_removing_a_cost_twice_says_it_was_already_removed(world, board):
    line, _ = add_cost(board, officer(world))
    assert services.remove_cost_line(line=line, user=officer(world)) is True
    assert services.remove_cost_line(line=line, user=officer(world)) is False
    removed = ReportCostLine.history.filter(id=line.pk, history_type="-").get()
    assert removed.history_user == officer(world)


def test_partner_officer_cannot_add_a_cost_to_anothers_report(world, board):
    with pytest.raises(PermissionDenied):
        add_cost(board, world.user("nhs", Role.OFFICER))
    assert not board.report.cost_lines.exists()


def test_second_appendix_with_the_same_title_is_refused(client, world, board, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer(world))
    url = reverse("committees:appendix_add", kwargs={"partnership": "ours", "report": board.report.pk})

    def upload():
        pdf = SimpleUploadedFile("a.pdf", blank_pdf(), "application/pdf")
        return client.post(url, {"title": "Governance model", "file": pdf}, follow=True)

    upload()
    response = upload()
    assert "already has an appendix called" in response.content.decode()
    appendix = board.report.appendices.get()
    assert appendix.history.first().history_user == officer(world)


# --- Declarations ---------------------------------------------------------------------------


def declaration(board, **kwargs):
    fields = {
        "meeting": board.meeting,
        "member": board.council_member,
        "agenda_item": board.item,
        "interest": "Spouse employed by a provider",
        "nature": InterestNature.OTHER_REGISTRABLE,
        **kwargs,
    }
    return Declaration(**fields)


def test_declaration_is_written_with_who_and_why(world, board):
    saved = services.save_declaration(
        declaration=declaration(board), user=secretary(world), reason="At item 1"
    )
    entry = saved.history.first()
    assert entry.history_user == secretary(world) and entry.history_change_reason == "At item 1"


def test_same_declaration_twice_is_refused_with_a_message(client, world, board):
    services.save_declaration(declaration=declaration(board), user=secretary(world))
    client.force_login(secretary(world))
    url = reverse("committees:declaration_add", kwargs={"partnership": "ours", "meeting": board.meeting.pk})
    response = client.post(
        url,
        {
            "member": board.council_member.pk,
            "agenda_item": board.item.pk,
            "interest": "Spouse employed by a provider",
            "nature": InterestNature.OTHER_REGISTRABLE,
        },
    )
    assert response.status_code == 200
    assert "has already declared" in response.content.decode()
    assert board.meeting.declarations.count() == 1


def test_same_member_may_declare_another_kind_of_interest(world, board):
    services.save_declaration(declaration=declaration(board), user=secretary(world))
    other = declaration(board, nature=InterestNature.DISCLOSABLE_PECUNIARY)
    services.save_declaration(declaration=other, user=secretary(world))
    assert board.meeting.declarations.count() == 2


def test_declaration_by_someone_not_on_the_committee_is_refused(world, board):
    stranger = CommitteeMemberFactory()
    with pytest.raises(ValidationError, match="not a member"):
        services.save_declaration(declaration=declaration(board, member=stranger), user=secretary(world))


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.MINUTES_APPROVED])
def test_declarations_of_a_cancelled_or_approved_meeting_cannot_change(world, board, status):
    existing = DeclarationFactory(meeting=board.meeting, member=board.council_member)
    board.meeting.status = status
    board.meeting.save()
    with pytest.raises(ValidationError):
        services.save_declaration(declaration=declaration(board), user=secretary(world))
    with pytest.raises(ValidationError):
        services.delete_declaration(declaration=existing, user=secretary(world))
    assert list(board.meeting.declarations.all()) == [existing]


def test_withdrawing_a_declaration_twice_says_it_was_already_removed(client, world, board):
    existing = DeclarationFactory(meeting=board.meeting, member=board.council_member)
    client.force_login(secretary(world))
    url = reverse("committees:declaration_delete", kwargs={"partnership": "ours", "pk": existing.pk})
    assert client.post(url).status_code == 302
    assert not Declaration.objects.filter(pk=existing.pk).exists()
    assert Declaration.history.filter(id=existing.pk, history_type="-").get().history_user == secretary(world)
    assert services.delete_declaration(declaration=existing, user=secretary(world)) is False


def test_officer_cannot_record_a_declaration(world, board):
    with pytest.raises(PermissionDenied):
        services.save_declaration(declaration=declaration(board), user=officer(world))


# --- Actions ----------------------------------------------------------------------------------


def test_status_is_not_a_field_of_the_action_form():
    assert "status" not in ActionForm.base_fields and "completed_on" not in ActionForm.base_fields


def new_action(board, **kwargs):
    return Action(meeting=board.meeting, description="Draft the s75 variation", owner_name="Jane", **kwargs)


def test_same_action_recorded_twice_is_refused(world, board):
    services.save_action(action=new_action(board), user=secretary(world))
    with pytest.raises(ValidationError, match="already recorded"):
        services.save_action(action=new_action(board), user=secretary(world))
    assert board.meeting.actions.filter(description="Draft the s75 variation").count() == 1


def test_editing_an_action_keeps_the_status_it_has_now(world, board):
    loaded = Action.objects.get(pk=board.action.pk)
    services.move_action(action=board.action, status=ActionStatus.DONE, user=secretary(world))
    loaded.notes = "Chased"
    services.save_action(action=loaded, user=secretary(world))
    board.action.refresh_from_db()
    assert board.action.status == ActionStatus.DONE and board.action.notes == "Chased"


def test_action_marked_done_with_the_button_records_the_day(client, world, board, fixed_clock):
    client.force_login(secretary(world))
    page = client.get(board.action.get_absolute_url()).content.decode()
    assert "Mark as done" in page
    url = reverse("committees:action_move", kwargs={"partnership": "ours", "pk": board.action.pk})
    response = client.post(url, {"status": "done"}, follow=True)
    assert "now done" in response.content.decode()
    board.action.refresh_from_db()
    assert board.action.status == ActionStatus.DONE and board.action.completed_on is not None
    assert board.action.history.first().history_user == secretary(world)


def test_action_done_cannot_be_cancelled_without_reopening(world, board):
    services.move_action(action=board.action, status=ActionStatus.DONE, user=secretary(world))
    with pytest.raises(ValidationError, match="is done"):
        services.move_action(action=board.action, status=ActionStatus.CANCELLED, user=secretary(world))
    reopened = services.move_action(action=board.action, status=ActionStatus.OPEN, user=secretary(world))
    assert reopened.status == ActionStatus.OPEN and reopened.completed_on is None


def test_action_on_a_cancelled_meeting_is_refused(world, board):
    board.meeting.status = MeetingStatus.CANCELLED
    board.meeting.save()
    with pytest.raises(ValidationError, match="cancelled"):
        services.save_action(action=new_action(board), user=secretary(world))


@pytest.mark.parametrize("body, role", [("council", Role.OFFICER), ("nhs", Role.AUDITOR)])
def test_only_committee_secretaries_move_an_action(client, world, board, body, role):
    client.force_login(world.user(body, role))
    url = reverse("committees:action_move", kwargs={"partnership": "ours", "pk": board.action.pk})
    assert client.post(url, {"status": "done"}).status_code in (403, 404)
    board.action.refresh_from_db()
    assert board.action.status == ActionStatus.OPEN


def test_withdrawing_a_declaration_of_approved_minutes_is_refused_with_a_message(client, world, board):
    existing = DeclarationFactory(meeting=board.meeting, member=board.council_member)
    board.meeting.status = MeetingStatus.MINUTES_APPROVED
    board.meeting.save()
    client.force_login(secretary(world))
    url = reverse("committees:declaration_delete", kwargs={"partnership": "ours", "pk": existing.pk})
    response = client.post(url, follow=True)
    assert "minutes of this meeting are approved" in response.content.decode()
    assert Declaration.objects.filter(pk=existing.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["held", "minutes_approved", "cancelled"])
def test_a_held_or_cancelled_meeting_s_agenda_cannot_be_reordered_or_cut(client, world, board, status):
    """The agenda of a meeting that has happened is the record of what it took: the services
    refuse, the page says why, and it offers no "Move" or "Remove" buttons."""
    from committees.models import AgendaItem

    board.meeting.status = status
    board.meeting.save()
    secretary = world.user("council", Role.COMMITTEE_SECRETARY)
    with pytest.raises(ValidationError, match="its agenda can no longer be"):
        services.move_agenda_item(item=board.exempt_item, direction="up", user=secretary)
    with pytest.raises(ValidationError, match="no item can be removed"):
        services.delete_agenda_item(item=board.item, user=secretary)
    client.force_login(secretary)
    url = reverse("committees:item_delete", kwargs={"partnership": "ours", "pk": board.item.pk})
    page = client.post(url, follow=True).content.decode()
    assert "its agenda can no longer be changed" in page
    assert AgendaItem.objects.filter(pk=board.item.pk).exists()
    assert "Move up" not in page and ">Remove<" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("status, open_", [("held", True), ("minutes_approved", False)])
def test_declarations_can_be_recorded_and_withdrawn_on_the_page_until_the_minutes_are_approved(
    client, world, board, status, open_
):
    DeclarationFactory(meeting=board.meeting, member=board.council_member)
    board.meeting.status = status
    board.meeting.save()
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    page = client.get(board.meeting.agenda_url).content.decode()
    assert ("Record a declaration" in page) is open_
    assert (f"declaration by {board.council_member.person_name}" in page) is open_  # its Remove button
