"""Assembling PDFs into one (``partnership.pdf.assemble``): any app's documents, not only
committee papers, come out bookmarked, numbered across every part, and still tagged."""

import io
import re
import subprocess

import pikepdf
import pytest
from pypdf import PdfReader, PdfWriter

from partnership.pdf import Part, UnusablePDF, assemble, check_mergeable, html_to_pdf


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
        with pytest.raises(UnusablePDF):
            check_mergeable(data)


def stamped(tmp_path, header, *, rotate=0, landscape=False):
    """An assembled two-page document (a cover, then a page turned by ``rotate`` or landscape),
    written to a file for poppler's tools."""
    size = "<style>@page { size: A4 landscape; }</style>" if landscape else ""
    page = PdfWriter(clone_from=PdfReader(io.BytesIO(html_to_pdf(f"{size}<h1>Annex</h1>"))))
    if rotate:
        page.pages[0].rotate(rotate)
    turned = io.BytesIO()
    page.write(turned)
    parts = [Part(html_to_pdf("<h1>Cover</h1>"), bookmark="Cover"), Part(turned.getvalue(), bookmark="Annex")]
    path = tmp_path / "stamped.pdf"
    path.write_bytes(assemble(parts, title="Annex", header=header))
    return path


def poppler(*command):
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_the_stamps_are_in_an_embedded_font_and_keep_every_character(tmp_path):
    header = "Cyd-bwyllgor Iechyd a Gofal Gŵyr, Dydd Llun 7 Rhagfyr 2026 — pecyn agenda cyhoeddus (ŷ)"
    path = stamped(tmp_path, header)
    fonts = poppler("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert header in poppler("pdftotext", "-f", "2", "-l", "2", str(path), "-")


def test_a_header_too_long_for_one_line_is_set_on_two_not_cut(tmp_path):
    header = " ".join(f"Word{number}" for number in range(60))
    text = poppler("pdftotext", "-f", "2", "-l", "2", str(path := stamped(tmp_path, header)), "-")
    assert "Word0" in text and "Word59" in text
    assert " ".join(text.split()).count("Word") == 60, path


@pytest.mark.parametrize("turn", [{"rotate": 90}, {"rotate": 180}, {"rotate": 270}, {"landscape": True}])
def test_the_stamps_are_upright_on_turned_and_landscape_pages(tmp_path, turn):
    """pdftotext's word boxes are in the page as shown: an upright "Page" is wider than tall,
    and the page number sits at the bottom right, the header at the top left."""
    path = stamped(tmp_path, "Board meeting", **turn)
    boxes = poppler("pdftotext", "-bbox", "-f", "2", "-l", "2", str(path), "-")
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', boxes)
    width, height = float(size.group(1)), float(size.group(2))
    if turn.get("rotate") in (90, 270):
        width, height = height, width  # pdftotext gives the page's own size, but its words as shown

    def box(word):
        found = re.search(rf'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">{word}<', boxes)
        return [float(value) for value in found.groups()]

    x0, y0, x1, y1 = box("Page")
    assert x1 - x0 > y1 - y0  # upright
    assert x0 > width / 2 and y0 > height - 20 * 72 / 25.4  # bottom right (y grows downwards)
    x0, y0, x1, y1 = box("Board")
    assert x1 - x0 > y1 - y0
    assert x0 < width / 2 and y1 < 20 * 72 / 25.4  # top left


def test_each_font_is_embedded_once_however_many_parts_use_it(tmp_path):
    """Every part carries its own subset of the same fonts; the document carries one of each,
    holding every glyph the parts use, and their text still reads as written."""
    parts = [
        Part(
            html_to_pdf(f"<h1>Part {n}</h1><p>Text {'xyz'[n % 3]}{n} <b>Gŵyr {n}</b></p>", styled=True),
            bookmark=f"{n}",
        )
        for n in range(6)
    ]
    path = tmp_path / "shared.pdf"
    path.write_bytes(assemble(parts, title="Shared", header="Shared fonts"))
    pdf = pikepdf.open(path)
    programs = set()
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            programs.add(descriptor.FontFile2.objgen)
    assert len(programs) == 3  # the text, its bold and the stamps
    for n in range(6):
        text = poppler("pdftotext", "-f", str(n + 1), "-l", str(n + 1), str(path), "-")
        assert f"Part {n}" in text and f"Text {'xyz'[n % 3]}{n}" in text and f"Gŵyr {n}" in text
