"""Assembling PDFs into one (``partnership.pdf.assemble``): any app's documents, not only
committee papers, come out bookmarked, numbered across every part, and still tagged."""

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from partnership.pdf import Part, assemble, check_mergeable, html_to_pdf


def page_texts(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def two_part_document():
    cover = Part(html_to_pdf("<h1>Cover</h1>"), bookmark="Cover")
    body = Part(html_to_pdf("<h1>Schedule</h1>"), bookmark="Schedule")
    body.children.append(("Annex A", html_to_pdf("<p>Annex</p><p style='break-before: page'>More</p>")))
    return assemble(
        [cover, body, Part(None, bookmark="Also the cover", same_as=cover)], title="Deed", header="Deed"
    )


def test_pages_are_numbered_across_every_part_and_the_header_leaves_the_cover_alone():
    texts = page_texts(two_part_document())
    assert len(texts) == 4
    assert all(f"Page {number} of 4" in text for number, text in enumerate(texts, start=1))
    assert "Deed" not in texts[0]
    assert all("Deed" in text for text in texts[1:])


def test_each_part_and_merged_child_gets_a_bookmark_at_its_first_page():
    reader = PdfReader(io.BytesIO(two_part_document()))
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Cover", "Schedule", "Also the cover"]
    assert [reader.get_destination_page_number(item) for item in outline if not isinstance(item, list)] == [
        0,
        1,
        0,
    ]
    (annex,) = outline[2]
    assert annex.title == "Annex A" and reader.get_destination_page_number(annex) == 2


def test_the_parts_tags_are_joined_under_one_document_element():
    root = PdfReader(io.BytesIO(two_part_document())).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    (document,) = root["/StructTreeRoot"]["/K"]
    assert document.get_object()["/S"] == "/Document"
    assert root["/Lang"] == "en-GB"


def test_a_pdf_that_does_not_open_or_is_behind_a_password_is_not_mergeable():
    fine = html_to_pdf("<p>Fine</p>")
    check_mergeable(fine)
    locked = PdfWriter(clone_from=io.BytesIO(fine))
    locked.encrypt("secret")
    output = io.BytesIO()
    locked.write(output)
    for data in (b"%PDF-1.7 not really", output.getvalue()):
        with pytest.raises(PdfReadError):
            check_mergeable(data)
