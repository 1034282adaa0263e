"""Appendices: only a PDF that opens is accepted, and it is stored without active content."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from partnership.choices import Role

ACTIVE_CONTENT = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/AcroForm", b"/OpenAction", b"/AA")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _action(kind, **entries):
    action = DictionaryObject(
        {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)}
    )
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def hostile_pdf():
    """Two pages; JavaScript on opening a page, an embedded file, document JavaScript, an open
    action, a form field, a launch link, and one harmless web link that should stay."""
    writer = PdfWriter()
    first = writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    first[NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS=TextStringObject("app.alert('page opened')"))}
    )
    writer.add_attachment("payload.exe", b"MZ not really a program")
    names = writer._root_object["/Names"].get_object()  # made by add_attachment
    names[NameObject("/JavaScript")] = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [
                    TextStringObject("opened"),
                    writer._add_object(_action("/JavaScript", JS=TextStringObject("app.alert('doc')"))),
                ]
            )
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        _action("/JavaScript", JS=TextStringObject("app.alert('open action')"))
    )

    def annotation(subtype, **entries):
        annot = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject(subtype),
                NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 100, 40)]),
            }
        )
        for key, value in entries.items():
            annot[NameObject(f"/{key}")] = value
        return writer._add_object(annot)

    launch = annotation("/Link", A=_action("/Launch", F=TextStringObject("calc.exe")))
    web = annotation("/Link", A=_action("/URI", URI=TextStringObject("https://example.org/")))
    field = annotation("/Widget", FT=NameObject("/Tx"), T=TextStringObject("name"))
    first[NameObject("/Annots")] = ArrayObject([launch, web, field])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([field])}
    )
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def upload(client, board, content, name="appendix.pdf"):
    url = reverse("committees:appendix_add", kwargs={"partnership": "ours", "report": board.report.pk})
    return client.post(url, {"title": "Scores", "file": SimpleUploadedFile(name, content, "application/pdf")})


def test_the_crafted_pdf_really_carries_active_content():
    data = hostile_pdf()
    assert all(marker in data for marker in ACTIVE_CONTENT)
    reader = PdfReader(io.BytesIO(data))
    assert reader.attachments and "/AA" in reader.pages[0]


@pytest.mark.django_db
def test_appendix_is_stored_without_javascript_actions_embedded_files_or_forms(
    client, world, board, media_root
):
    client.force_login(world.user("council", Role.OFFICER))
    response = upload(client, board, hostile_pdf())
    assert response.status_code == 302
    stored = (media_root / board.report.appendices.get().file.name).read_bytes()
    for marker in ACTIVE_CONTENT:
        assert marker not in stored, marker
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 2  # still opens, with every page
    assert not reader.attachments
    links = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    assert [link["/A"]["/URI"] for link in links] == ["https://example.org/"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html><script>alert(1)</script></html>", "not a PDF file"),
        (b"%PDF-1.4\n" + b"0" * 400, "incomplete"),
        ("truncated", "incomplete"),
        (b"%PDF-1.7\nnot really a pdf\n%%EOF\n", "does not open"),
    ],
    ids=["html-renamed-pdf", "header-only", "truncated", "garbage-with-markers"],
)
def test_a_file_that_is_not_a_pdf_that_opens_is_refused_naming_the_field(
    client, world, board, media_root, content, reason
):
    if content == "truncated":
        content = hostile_pdf()[:-200]
    client.force_login(world.user("council", Role.OFFICER))
    response = upload(client, board, content, name="evil.pdf")
    assert response.status_code == 400
    page = response.content.decode()
    # Beside the file input, as GOV.UK shows an error (and linked from the summary).
    assert '<p id="id_file-error" class="govuk-error-message">' in page
    assert 'href="#id_file"' in page and "The appendix must be a PDF that opens" in page
    assert reason in page
    assert not board.report.appendices.exists()
    assert not any(media_root.rglob("*.pdf"))
