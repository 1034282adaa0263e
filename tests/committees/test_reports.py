"""Reports: the cover sheet, the cost table with computed totals, and PDF-only appendices."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from committees.models import ReportCostLine
from committees.services import cost_table
from partnership.choices import Role
from tests.url_catalogue import blank_pdf

PDF = blank_pdf()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, board, content, name="appendix.pdf", title="Governance model"):
    url = reverse("committees:appendix_add", kwargs={"partnership": "ours", "report": board.report.pk})
    return client.post(url, {"title": title, "file": SimpleUploadedFile(name, content, "application/pdf")})


@pytest.mark.django_db
def test_pdf_appendix_is_stored_and_served_as_an_attachment(client, world, board, media_root):
    client.force_login(world.user("council", Role.OFFICER))
    response = upload(client, board, PDF)
    assert response.status_code == 302
    appendix = board.report.appendices.get()
    stored = (media_root / appendix.file.name).read_bytes()
    assert len(PdfReader(io.BytesIO(stored)).pages) == 1  # rewritten: see test_uploads.py
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    download = client.get(appendix.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == stored


@pytest.mark.django_db
def test_non_pdf_is_refused_whatever_its_name(client, world, board, media_root):
    client.force_login(world.user("council", Role.OFFICER))
    response = upload(client, board, b"<html><script>alert(1)</script></html>", name="evil.pdf")
    assert response.status_code == 400
    assert "must be a PDF" in response.content.decode()
    assert not board.report.appendices.exists()
    assert not any(media_root.rglob("*.pdf"))


@pytest.mark.django_db
def test_oversize_appendix_is_refused(client, world, board, media_root, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    client.force_login(world.user("council", Role.OFFICER))
    response = upload(client, board, PDF + b"0" * 2048)
    assert response.status_code == 400
    assert "no bigger than" in response.content.decode()
    assert not board.report.appendices.exists()


@pytest.mark.django_db
def test_cost_table_totals_are_computed(board):
    lines = [
        ("Programme Director", "2017/18", "20968"),
        ("Programme Director", "2018/19", "37964"),
        ("Admin Support", "2017/18", "5262"),
        ("Admin Support", "2018/19", "12631"),
        ("Legal Advice", "2018/19", "15000"),
    ]
    for order, (label, year, amount) in enumerate(lines):
        ReportCostLine.objects.create(
            report=board.report, label=label, year_label=year, amount=Decimal(amount), order=order
        )
    table = cost_table(board.report)
    assert table["years"] == ["2017/18", "2018/19"]
    assert [label for label, _ in table["rows"]] == [
        "Programme Director",
        "Admin Support",
        "Legal Advice",
    ]
    assert table["rows"][2][1][0] is None
    assert table["totals"] == [Decimal("26230"), Decimal("65595")]


@pytest.mark.django_db
def test_officer_drafts_a_report_with_the_cover_sheet(client, world, board):
    client.force_login(world.user("nhs", Role.OFFICER))
    response = client.post(
        reverse("committees:report_add", kwargs={"partnership": "ours"}),
        {
            "organisation": world.bodies["nhs"].pk,
            "meeting": board.meeting.pk,
            "meeting_name": "Cabinet",
            "forward_plan_reference": "E 3010",
            "title": "Integration",
            "wards_affected": "All",
            "issue": "The purpose of this report...",
            "recommendations": "The Cabinet is asked to...",
            "status": "draft",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    report = board.meeting.reports.get(title="Integration")
    assert report.author.user == world.user("nhs", Role.OFFICER)
    assert report.organisation == world.bodies["nhs"]
    page = client.get(report.get_absolute_url()).content.decode()
    assert "E 3010" in page and "An open public item" in page
    # The council's officers cannot edit the ICB's report.
    client.force_login(world.user("council", Role.OFFICER))
    edit = reverse("committees:report_edit", kwargs={"partnership": "ours", "pk": report.pk})
    assert client.get(edit).status_code == 403
