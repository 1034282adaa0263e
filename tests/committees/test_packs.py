# ruff: noqa: F811 (fixtures imported from papers_fixtures are used as arguments)
"""Meeting papers rendered by WeasyPrint and read back with pypdf."""

import io
import re

import pytest
from pypdf import PdfReader

from committees import packs
from tests.committees.papers_fixtures import eager_celery, media, papers  # noqa: F401


def read(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, text


def outline(reader):
    """Top-level bookmark titles with their page numbers, and children indented."""
    rows = []

    def walk(items, depth):
        for entry in items:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                rows.append(("  " * depth + entry.title, reader.get_destination_page_number(entry)))

    walk(reader.outline, 0)
    return rows


def build(meeting, code):
    return packs.build(packs.load_meeting(meeting.pk), packs.paper_kind(code))


@pytest.mark.django_db
def test_public_pack_leaves_out_exempt_item_and_says_where_it_was(papers):
    reader, text = read(build(papers.meeting, packs.PUBLIC_PACK))
    assert "EXEMPTZEBRA" not in text
    assert "Exempt item: not for publication under paragraph 3" in text
    assert "not included in the public pack" in text
    assert "Integration programme resources" in text


@pytest.mark.django_db
def test_members_pack_includes_exempt_item(papers):
    reader, text = read(build(papers.meeting, packs.MEMBERS_PACK))
    assert "EXEMPTZEBRA contract negotiation" in text
    assert "EXEMPTZEBRA prices." in text
    assert "NOT FOR PUBLICATION" in text.upper()


@pytest.mark.django_db
def test_draft_report_is_in_neither_pack(papers):
    for code in (packs.PUBLIC_PACK, packs.MEMBERS_PACK):
        _, text = read(build(papers.meeting, code))
        assert "DRAFTYAK" not in text
        assert "Report to follow" in text


@pytest.mark.django_db
def test_pack_pages_and_bookmarks_per_item(papers):
    reader, text = read(build(papers.meeting, packs.PUBLIC_PACK))
    # cover, agenda, report (2 pages), appendix, exempt placeholder
    assert len(reader.pages) == 6
    assert outline(reader) == [
        ("Front cover", 0),
        ("Agenda", 1),
        ("Item 1: Apologies and declarations of interest", 1),
        ("Item 2: Integration programme", 2),
        ("  Appendix A: Current governance model", 4),
        ("Item 3: exempt item (paragraph 3), not published", 5),
        ("Item 4: Strategy refresh", 1),
    ]
    assert "Governance chart appendix" in reader.pages[4].extract_text()


@pytest.mark.django_db
def test_members_pack_bookmarks_name_the_exempt_item(papers):
    reader, _ = read(build(papers.meeting, packs.MEMBERS_PACK))
    titles = [title for title, _ in outline(reader)]
    assert "Item 3: EXEMPTZEBRA contract award" in titles


@pytest.mark.django_db
def test_page_x_of_y_runs_across_the_merged_pack_and_its_appendices(papers):
    reader, _ = read(build(papers.meeting, packs.PUBLIC_PACK))
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {total}" in text
        assert len(re.findall(r"Page \d+ of \d+", text)) == 1
        if number > 1:
            assert "Integrated Health and Care Board, 10 June 2026" in text


@pytest.mark.django_db
def test_pack_is_tagged_for_accessibility(papers):
    reader, _ = read(build(papers.meeting, packs.PUBLIC_PACK))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title.endswith("Public agenda pack")
    tree = root["/StructTreeRoot"].get_object()
    document = tree["/K"][0].get_object()
    assert document["/S"] == "/Document"
    kinds = set()

    def walk(element):
        element = element.get_object()
        if not hasattr(element, "get") or "/S" not in element:
            return
        kinds.add(element["/S"])
        assert "/P" in element
        kids = element.get("/K")
        kids = kids.get_object() if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    for kid in document["/K"]:
        walk(kid)
    assert {"/H1", "/Table", "/TH", "/P"} <= kinds
    # Every page's marked content points into the joined parent tree.
    keys = set(tree["/ParentTree"]["/Nums"][0::2])
    for page in reader.pages:
        assert page["/StructParents"] in keys


@pytest.mark.django_db
def test_unreadable_appendix_is_replaced_by_a_note(papers):
    appendix = papers.open_report.appendices.get()
    with appendix.file.open("wb") as handle:
        handle.write(b"not a pdf")
    _, text = read(build(papers.meeting, packs.PUBLIC_PACK))
    assert "could not be included in the pack" in text


@pytest.mark.django_db
def test_public_minutes_leave_out_exempt_minute_and_decision(papers):
    _, text = read(build(papers.meeting, packs.PUBLIC_MINUTES))
    assert "The Board discussed the programme." in text
    assert "To approve the integration programme." in text
    assert "EXEMPTZEBRA" not in text
    assert "considered this item in private" in text
    assert "Approved on 15 July 2026" in text
    assert "Page 1 of" in text


@pytest.mark.django_db
def test_full_minutes_include_exempt_minute(papers):
    _, text = read(build(papers.meeting, packs.MINUTES))
    assert "EXEMPTZEBRA minute text." in text
    assert "EXEMPTZEBRA award the contract." in text


@pytest.mark.django_db
def test_decision_notice(papers):
    _, text = read(build(papers.meeting, packs.decision_kind(papers.open_decision).code))
    assert "Notice of decision: IHCB/2026/01" in text
    assert "To approve the integration programme." in text
    assert "£68,230.00" in text
    assert "Recommendation awaiting ratification" in text


@pytest.mark.django_db
def test_fingerprint_changes_with_content(papers):
    kind = packs.paper_kind(packs.PUBLIC_PACK)
    before = packs.fingerprint(packs.load_meeting(papers.meeting.pk), kind)
    papers.open_report.body = "Changed."
    papers.open_report.save()
    after = packs.fingerprint(packs.load_meeting(papers.meeting.pk), kind)
    assert before != after


@pytest.mark.django_db
def test_loading_a_meeting_takes_the_same_queries_small_or_large(papers, django_assert_max_num_queries):
    from committees.models import AgendaItem

    with django_assert_max_num_queries(20):
        packs.fingerprint(packs.load_meeting(papers.meeting.pk), packs.paper_kind(packs.MINUTES))
    for order in range(5, 25):
        AgendaItem.objects.create(meeting=papers.meeting, order=order, title=f"Item {order}")
    with django_assert_max_num_queries(20):
        packs.fingerprint(packs.load_meeting(papers.meeting.pk), packs.paper_kind(packs.MINUTES))


@pytest.mark.django_db
def test_build_and_store_then_served_from_storage(papers, eager_celery):
    meeting = packs.load_meeting(papers.meeting.pk)
    kind = packs.paper_kind(packs.PUBLIC_PACK)
    assert packs.get_status(meeting, kind)["state"] == packs.MISSING
    name = packs.build_and_store(meeting.pk, kind.code)
    assert name.startswith(f"packs/{meeting.pk}/public-pack-")
    assert packs.get_status(meeting, kind)["state"] == packs.READY
    assert packs.read_paper(meeting, kind).startswith(b"%PDF")


@pytest.mark.django_db
def test_request_build_runs_the_task_after_commit(papers, eager_celery, django_capture_on_commit_callbacks):
    meeting = packs.load_meeting(papers.meeting.pk)
    kind = packs.paper_kind(packs.MINUTES)
    with django_capture_on_commit_callbacks(execute=True):
        status = packs.request_build(meeting, kind)
        assert status["state"] == packs.QUEUED
    assert packs.get_status(meeting, kind)["state"] == packs.READY
