"""A report's lifecycle: drafted, finalised (its text, costs and appendices then fixed),
reopened with a reason only until a meeting it goes to publishes its agenda."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from committees import services
from committees.choices import MeetingStatus, ReportStatus
from committees.forms import ReportForm
from committees.models import Report
from partnership.choices import Role
from tests.committees.factories import ReportAppendixFactory, ReportCostLineFactory

pytestmark = pytest.mark.django_db


def officer(world, body="council"):
    return world.user(body, Role.OFFICER)


def move_url(report):
    return reverse("committees:report_move", kwargs={"partnership": "ours", "pk": report.pk})


def finalised(report, user):
    return services.finalise_report(report=report, user=user)


def test_status_is_not_a_field_of_the_report_form():
    assert "status" not in ReportForm.base_fields


def test_new_report_is_a_draft_whatever_the_form_sends(client, world, board):
    client.force_login(officer(world))
    response = client.post(
        reverse("committees:report_add", kwargs={"partnership": "ours"}),
        {"organisation": world.bodies["council"].pk, "title": "Sent as final", "status": "final"},
    )
    assert response.status_code == 302
    report = Report.objects.get(title="Sent as final")
    assert report.status == ReportStatus.DRAFT
    assert report.author.user == officer(world)
    assert report.history.first().history_user == officer(world)


def test_officer_finalises_a_draft_with_the_button_and_history_records_who(client, world, board):
    client.force_login(officer(world))
    page = client.get(board.report.get_absolute_url()).content.decode()
    assert f'action="{move_url(board.report)}"' in page and "Approve for publication" in page
    response = client.post(move_url(board.report), {"status": "final"}, follow=True)
    assert "The report is final" in response.content.decode()
    board.report.refresh_from_db()
    assert board.report.status == ReportStatus.FINAL
    latest = board.report.history.first()
    assert latest.history_user == officer(world)
    assert latest.history_change_reason == "Report finalised"


def test_finalising_twice_is_refused_with_a_message(client, world, board):
    finalised(board.report, officer(world))
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    response = client.post(move_url(board.report), {"status": "final"}, follow=True)
    assert "already final" in response.content.decode()
    assert board.report.history.filter(status=ReportStatus.FINAL).count() == 1


@pytest.mark.parametrize(
    "body, role",
    [("nhs", Role.OFFICER), ("council", Role.FINANCE_OFFICER), ("council", Role.AUDITOR)],
)
def test_only_the_authoring_bodys_officers_and_secretaries_finalise(client, world, board, body, role):
    client.force_login(world.user(body, role))
    response = client.post(move_url(board.report), {"status": "final"})
    assert response.status_code in (403, 404)
    board.report.refresh_from_db()
    assert board.report.status == ReportStatus.DRAFT


def test_final_report_text_cannot_be_saved(world, board):
    finalised(board.report, officer(world))
    report = Report.objects.get(pk=board.report.pk)
    report.title = "Changed after it was final"
    with pytest.raises(ValidationError, match="reopen it as a draft"):
        services.save_report(report=report, user=officer(world))
    assert Report.objects.get(pk=board.report.pk).title == "Open report"


def test_edit_page_of_a_final_report_sends_back_to_the_report(client, world, board):
    finalised(board.report, officer(world))
    client.force_login(officer(world))
    edit = reverse("committees:report_edit", kwargs={"partnership": "ours", "pk": board.report.pk})
    response = client.get(edit)
    assert response.status_code == 302 and response["Location"] == board.report.get_absolute_url()
    posted = client.post(edit, {"title": "Sneaked in", "loaded_version": board.report.updated_at.isoformat()})
    assert posted.status_code == 200
    assert "reopen it as a draft" in posted.content.decode()
    assert Report.objects.get(pk=board.report.pk).title == "Open report"


def test_final_report_costs_and_appendices_cannot_change(client, world, board):
    line = ReportCostLineFactory(report=board.report)
    appendix = ReportAppendixFactory(report=board.report)
    finalised(board.report, officer(world))
    user = officer(world)
    with pytest.raises(ValidationError, match="final"):
        services.add_cost_line(
            report=board.report, label="Legal", year_label="2018/19", amount=Decimal("1"), user=user
        )
    with pytest.raises(ValidationError, match="final"):
        services.remove_cost_line(line=line, user=user)
    with pytest.raises(ValidationError, match="final"):
        services.remove_appendix(appendix=appendix, user=user)
    client.force_login(user)
    add = reverse("committees:cost_line_add", kwargs={"partnership": "ours", "report": board.report.pk})
    response = client.post(add, {"label": "Legal", "year_label": "2018/19", "amount": "15000"}, follow=True)
    assert "cannot change" in response.content.decode()
    assert list(board.report.cost_lines.all()) == [line]
    assert list(board.report.appendices.all()) == [appendix]


def test_final_report_page_offers_reopening_not_editing(client, world, board):
    finalised(board.report, officer(world))
    client.force_login(officer(world))
    page = client.get(board.report.get_absolute_url()).content.decode()
    assert "Reopen as a draft" in page
    assert "Edit report" not in page and "Add cost" not in page and "Upload appendix" not in page


def test_reopening_needs_a_reason(client, world, board):
    finalised(board.report, officer(world))
    client.force_login(officer(world))
    response = client.post(move_url(board.report), {"status": "draft", "reason": " "}, follow=True)
    assert "say why the report is reopened" in response.content.decode()
    assert Report.objects.get(pk=board.report.pk).status == ReportStatus.FINAL


def test_final_report_reopened_before_its_agenda_is_published(client, world, board):
    finalised(board.report, officer(world))
    client.force_login(officer(world))
    response = client.post(
        move_url(board.report), {"status": "draft", "reason": "Figures revised"}, follow=True
    )
    assert "draft again" in response.content.decode()
    board.report.refresh_from_db()
    assert board.report.status == ReportStatus.DRAFT
    assert board.report.history.first().history_change_reason == "Figures revised"


@pytest.mark.parametrize(
    "status", [MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED]
)
def test_report_on_a_published_agenda_cannot_be_reopened(world, board, status):
    finalised(board.report, officer(world))
    board.meeting.status = status
    board.meeting.save()
    with pytest.raises(ValidationError, match="cannot be reopened"):
        services.reopen_report(report=board.report, user=officer(world), reason="Late change")
    assert Report.objects.get(pk=board.report.pk).status == ReportStatus.FINAL


def test_reopening_a_draft_is_refused_with_a_message(world, board):
    with pytest.raises(ValidationError, match="already a draft"):
        services.reopen_report(report=board.report, user=officer(world), reason="Again")


def test_read_only_roles_cannot_reopen(world, board):
    finalised(board.report, officer(world))
    with pytest.raises(PermissionDenied):
        services.reopen_report(report=board.report, user=world.user("council", Role.AUDITOR), reason="x")
