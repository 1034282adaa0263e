# ruff: noqa: F811 (fixtures imported from papers_fixtures are used as arguments)
"""Meeting papers rendered by WeasyPrint and read back with pypdf."""

import io
import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from committees.papers import content, kinds, store
from partnership.choices import Role
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
    return content.build(content.load_meeting(meeting.pk), kinds.paper_kind(code))


# The public and the members' pack of the untouched papers are each built once, by one
# test, and read by every check below that needs them.


def public_pack_leaves_out_exempt_item_and_says_where_it_was(text):
    assert "EXEMPTZEBRA" not in text
    assert "Exempt item: not for publication under paragraph 3" in text
    assert "not included in the public pack" in text
    assert "Integration programme resources" in text


def members_pack_includes_exempt_item(text):
    assert "EXEMPTZEBRA contract negotiation" in text
    assert "EXEMPTZEBRA prices." in text
    assert "NOT FOR PUBLICATION" in text.upper()


def draft_report_is_not_in_the_pack(text):
    assert "DRAFTYAK" not in text
    assert "Report to follow" in text


def pack_pages_and_bookmarks_per_item(reader):
    # cover, agenda, report (2 pages), appendix, exempt placeholder
    assert len(reader.pages) == 6
    assert outline(reader) == [
        ("Front cover", 0),
        ("Agenda", 1),
        ("Item 1: Apologies and declarations of interest", 1),
        ("Item 2: Integration programme", 2),
        ("  1 The issue", 2),
        ("  2 Recommendations", 2),
        ("  3 Resource implications (finance, property, people)", 2),
        ("  5 The report", 2),
        ("  Appendix 1: Current governance model", 4),
        ("Item 3: exempt item (paragraph 3), not published", 5),
        ("Item 4: Strategy refresh", 1),
    ]
    assert "Governance chart appendix" in reader.pages[4].extract_text()


def members_pack_bookmarks_name_the_exempt_item(reader):
    titles = [title for title, _ in outline(reader)]
    assert "Item 3: EXEMPTZEBRA contract award" in titles


def page_x_of_y_runs_across_the_merged_pack_and_its_appendices(reader):
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {total}" in text
        assert len(re.findall(r"Page \d+ of \d+", text)) == 1
        if number > 1:
            assert "Integrated Health and Care Board, 10 June 2026" in text


def pack_is_tagged_for_accessibility(reader):
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title.endswith("Public agenda pack")
    tree = root["/StructTreeRoot"].get_object()
    document = tree["/K"][0].get_object()
    assert document["/S"] == "/Document"
    tags = set()

    def walk(element):
        element = element.get_object()
        if not hasattr(element, "get") or "/S" not in element:
            return
        tags.add(element["/S"])
        assert "/P" in element
        kids = element.get("/K")
        kids = kids.get_object() if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    for kid in document["/K"]:
        walk(kid)
    assert {"/H1", "/Table", "/TH", "/P"} <= tags
    # Every page's marked content points into the joined parent tree.
    keys = set(tree["/ParentTree"]["/Nums"][0::2])
    for page in reader.pages:
        assert page["/StructParents"] in keys


def contents_give_each_item_the_page_stamped_on_it(reader):
    """The agenda's Page column: the report of item 2 and the placeholder of exempt item 3 are
    on the pages it gives, as their "Page X of Y" stamps say; items without papers give none."""
    contents = reader.pages[1].extract_text()
    shown = {
        "Integration programme resources": re.search(r"For decision Jane Officer (\d+)\n", contents),
        "Item 3: exempt item": re.search(r"are not in this pack\.\n(\d+)\n", contents),
    }
    bookmarks = dict(outline(reader))
    starts = {
        "Integration programme resources": bookmarks["Item 2: Integration programme"],
        "Item 3: exempt item": bookmarks["Item 3: exempt item (paragraph 3), not published"],
    }
    for title, found in shown.items():
        number = int(found.group(1))
        assert number == starts[title] + 1, title
        page = reader.pages[number - 1].extract_text()
        assert title in page and f"Page {number} of {len(reader.pages)}" in page, title
    assert "For information — —" in contents  # item 1 has no papers


@pytest.mark.django_db
def test_public_pack(papers):
    """The public pack leaves out the exempt item and says where it was, and the draft report;
    it has a page and a bookmark per item, page X of Y across the pack and its appendices, and
    accessibility tags."""
    reader, text = read(build(papers.meeting, kinds.PUBLIC_PACK))
    public_pack_leaves_out_exempt_item_and_says_where_it_was(text)
    draft_report_is_not_in_the_pack(text)
    pack_pages_and_bookmarks_per_item(reader)
    page_x_of_y_runs_across_the_merged_pack_and_its_appendices(reader)
    pack_is_tagged_for_accessibility(reader)
    contents_give_each_item_the_page_stamped_on_it(reader)


@pytest.mark.django_db
def test_members_pack(papers):
    """The members' pack includes the exempt item, and names it in its bookmarks, but not the
    draft report."""
    reader, text = read(build(papers.meeting, kinds.MEMBERS_PACK))
    members_pack_includes_exempt_item(text)
    draft_report_is_not_in_the_pack(text)
    members_pack_bookmarks_name_the_exempt_item(reader)


@pytest.mark.django_db
def test_unreadable_appendix_is_replaced_by_a_note(papers):
    appendix = papers.open_report.appendices.get()
    with appendix.file.open("wb") as handle:
        handle.write(b"not a pdf")
    _, text = read(build(papers.meeting, kinds.PUBLIC_PACK))
    assert "could not be included in the pack" in text


@pytest.mark.django_db
def test_public_minutes_leave_out_exempt_minute_and_decision(papers):
    _, text = read(build(papers.meeting, kinds.PUBLIC_MINUTES))
    assert "The Board discussed the programme." in text
    assert "To approve the integration programme." in text
    assert "EXEMPTZEBRA" not in text
    assert "considered this item in private" in text
    assert "Approved on 15 July 2026" in text
    assert "Page 1 of" in text


@pytest.mark.django_db
def test_full_minutes_include_exempt_minute(papers):
    _, text = read(build(papers.meeting, kinds.MINUTES))
    assert "EXEMPTZEBRA minute text." in text
    assert "EXEMPTZEBRA award the contract." in text


@pytest.mark.django_db
def test_decision_notice(papers):
    _, text = read(build(papers.meeting, kinds.decision_kind(papers.open_decision).code))
    assert "Notice of decision: IHCB/2026/01" in text
    assert "To approve the integration programme." in text
    assert "£68,230.00" in text
    assert "Recommendation awaiting ratification" in text


@pytest.mark.django_db
def test_fingerprint_changes_with_content(papers):
    kind = kinds.paper_kind(kinds.PUBLIC_PACK)
    before = store.fingerprint(content.load_meeting(papers.meeting.pk), kind)
    papers.open_report.body = "Changed."
    papers.open_report.save()
    after = store.fingerprint(content.load_meeting(papers.meeting.pk), kind)
    assert before != after


@pytest.mark.django_db
def test_loading_a_meeting_takes_the_same_queries_small_or_large(papers, django_assert_max_num_queries):
    from committees.models import AgendaItem

    with django_assert_max_num_queries(20):
        store.fingerprint(content.load_meeting(papers.meeting.pk), kinds.paper_kind(kinds.MINUTES))
    for order in range(5, 25):
        AgendaItem.objects.create(meeting=papers.meeting, order=order, title=f"Item {order}")
    with django_assert_max_num_queries(20):
        store.fingerprint(content.load_meeting(papers.meeting.pk), kinds.paper_kind(kinds.MINUTES))


@pytest.mark.django_db
def test_build_and_store_then_served_from_storage(papers, eager_celery):
    meeting = content.load_meeting(papers.meeting.pk)
    kind = kinds.paper_kind(kinds.PUBLIC_PACK)
    assert store.get_status(meeting, kind)["state"] == store.MISSING
    name = store.build_and_store(meeting.pk, kind.code)
    assert name.startswith(f"packs/{meeting.pk}/public-pack-")
    assert store.get_status(meeting, kind)["state"] == store.READY
    assert store.read_paper(meeting, kind).startswith(b"%PDF")


@pytest.mark.django_db
def test_request_build_runs_the_task_after_commit(papers, eager_celery, django_capture_on_commit_callbacks):
    meeting = content.load_meeting(papers.meeting.pk)
    kind = kinds.paper_kind(kinds.MINUTES)
    with django_capture_on_commit_callbacks(execute=True):
        status = store.request_build(meeting, kind)
        assert status["state"] == store.QUEUED
    assert store.get_status(meeting, kind)["state"] == store.READY


# --- The signed-in views: who may have which paper, progress and download ----

PAPER_MATRIX = [
    # (body, role, public pack, members' pack, public minutes, full minutes, open notice, exempt notice)
    ("nhs", Role.OFFICER, 200, 403, 200, 403, 200, 403),
    ("nhs", Role.FINANCE_OFFICER, 200, 403, 200, 403, 200, 403),
    ("nhs", Role.COMMITTEE_SECRETARY, 200, 200, 200, 200, 200, 200),
    ("council", Role.SIGNATORY, 200, 200, 200, 200, 200, 200),
    ("council", Role.AUDITOR, 200, 200, 200, 200, 200, 200),
    ("council", Role.OFFICER, 200, 200, 200, 200, 200, 200),  # sits on the committee
    ("other", Role.COMMITTEE_SECRETARY, 404, 404, 404, 404, 404, 404),
    ("other", Role.AUDITOR, 404, 404, 404, 404, 404, 404),
]


def paper_codes(papers):
    return [
        kinds.PUBLIC_PACK,
        kinds.MEMBERS_PACK,
        kinds.PUBLIC_MINUTES,
        kinds.MINUTES,
        kinds.decision_kind(papers.open_decision).code,
        kinds.decision_kind(papers.exempt_decision).code,
    ]


def paper_url(name, papers, code, meeting=None):
    meeting = meeting or papers.meeting
    return reverse(f"committees:{name}", kwargs={"partnership": "ours", "pk": meeting.pk, "kind": code})


@pytest.mark.django_db
def test_paper_status_permission_matrix(client, papers):
    """Every row of ``PAPER_MATRIX`` against one set of papers: each person's status page and
    download of each paper, and the build for those who may not have it; every wrong answer
    is reported, naming the person, the paper and the view."""
    codes = paper_codes(papers)
    failures = []
    for body, role, *expected in PAPER_MATRIX:
        client.force_login(papers.world.user(body, role))
        for code, expect in zip(codes, expected, strict=True):
            for name in ("paper_status", "paper_download"):
                want = 302 if name == "paper_download" and expect == 200 else expect  # not built yet
                status = client.get(paper_url(name, papers, code)).status_code
                if status != want:
                    failures.append(f"{body} {role}, {name} {code}: {status}, expected {want}")
            if expect != 200:
                status = client.post(paper_url("paper_build", papers, code)).status_code
                if status != expect:
                    failures.append(f"{body} {role}, paper_build {code}: {status}, expected {expect}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, papers):
    for name in ("paper_status", "paper_download"):
        response = client.get(paper_url(name, papers, kinds.PUBLIC_PACK))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_unknown_paper_or_other_meetings_decision_is_404(client, papers):
    client.force_login(papers.world.user("nhs", Role.COMMITTEE_SECRETARY))
    assert client.get(paper_url("paper_status", papers, "nonsense")).status_code == 404
    other = f"decision-{papers.open_decision.pk}"
    assert (
        client.get(paper_url("paper_status", papers, other, meeting=papers.later_meeting)).status_code == 404
    )


@pytest.mark.django_db
def test_prepare_then_download_the_members_pack(
    client, papers, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(papers.world.user("nhs", Role.COMMITTEE_SECRETARY))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(paper_url("paper_build", papers, kinds.MEMBERS_PACK))
    assert response.status_code == 302
    assert response["Location"] == paper_url("paper_status", papers, kinds.MEMBERS_PACK)
    page = client.get(response["Location"]).content.decode()
    assert "Ready" in page
    assert "data-app-poll" not in page
    download = client.get(paper_url("paper_download", papers, kinds.MEMBERS_PACK))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith(
        'attachment; filename="ihcb-2026-06-10-members-pack.pdf"'
    )
    data = b"".join(download.streaming_content)
    assert "EXEMPTZEBRA" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_build_redirects_only_to_this_site(client, papers, eager_celery):
    client.force_login(papers.world.user("nhs", Role.COMMITTEE_SECRETARY))
    response = client.post(
        paper_url("paper_build", papers, kinds.PUBLIC_PACK), {"next": "https://evil.example/"}
    )
    assert response["Location"] == paper_url("paper_status", papers, kinds.PUBLIC_PACK)


@pytest.mark.django_db
def test_status_page_shows_progress_and_asks_again_while_building(client, papers):
    meeting = content.load_meeting(papers.meeting.pk)
    kind = kinds.paper_kind(kinds.PUBLIC_PACK)
    store.set_status(meeting.pk, kind.code, store.fingerprint(meeting, kind), store.BUILDING, 2, 6)
    client.force_login(papers.world.user("nhs", Role.OFFICER))
    page = client.get(paper_url("paper_status", papers, kinds.PUBLIC_PACK)).content.decode()
    assert "Building… 2 of 6" in page
    assert 'data-app-poll="3"' in page  # asks again every 3 seconds, in place, with JavaScript


@pytest.mark.django_db
def test_stalled_build_is_reported_as_failed(papers):
    import time_machine

    meeting = content.load_meeting(papers.meeting.pk)
    kind = kinds.paper_kind(kinds.PUBLIC_PACK)
    store.set_status(meeting.pk, kind.code, store.fingerprint(meeting, kind), store.BUILDING, 1, 6)
    with time_machine.travel(timezone.now() + timedelta(seconds=store.BUILD_TIMEOUT + 1)):
        assert store.get_status(meeting, kind)["state"] == store.FAILED


def render_panel(papers, user):
    request = RequestFactory().get(papers.meeting.get_absolute_url())
    request.user = user
    template = Template("{% load committee_papers %}{% meeting_papers meeting %}")
    return template.render(Context({"meeting": papers.meeting, "request": request, "csrf_token": "t"}))


@pytest.mark.django_db
def test_papers_panel_lists_what_the_user_may_have(papers):
    html = render_panel(papers, papers.world.user("nhs", Role.OFFICER))
    assert "Public agenda pack" in html
    assert "Members&#x27; agenda pack" not in html
    assert "Decision notice IHCB/2026/01" in html
    assert "IHCB/2026/02" not in html
    assert "Prepare PDF" in html
    assert "data-app-poll" not in html
    html = render_panel(papers, papers.world.user("nhs", Role.COMMITTEE_SECRETARY))
    assert "Members&#x27; agenda pack" in html
    assert "Decision notice IHCB/2026/02" in html


@pytest.mark.django_db
def test_papers_panel_shows_progress_and_download(papers, eager_celery):
    meeting = content.load_meeting(papers.meeting.pk)
    public = kinds.paper_kind(kinds.PUBLIC_PACK)
    minutes = kinds.paper_kind(kinds.PUBLIC_MINUTES)
    store.set_status(meeting.pk, public.code, store.fingerprint(meeting, public), store.BUILDING, 3, 6)
    store.build_and_store(meeting.pk, minutes.code)
    html = render_panel(papers, papers.world.user("nhs", Role.OFFICER))
    assert "Building… 3 of 6" in html
    assert "data-app-poll" in html
    assert paper_url("paper_download", papers, minutes.code) in html


@pytest.mark.django_db
def test_failed_build_is_retried_on_request_but_not_by_anonymous_visits(papers, monkeypatch):
    from committees import tasks

    sent = []
    monkeypatch.setattr(tasks.build_pack, "delay", lambda *args: sent.append(args))
    meeting = content.load_meeting(papers.meeting.pk)
    kind = kinds.paper_kind(kinds.PUBLIC_PACK)
    store.set_status(meeting.pk, kind.code, store.fingerprint(meeting, kind), store.FAILED, error="boom")
    with transaction.atomic():
        assert store.request_build(meeting, kind, retry_failed=False)["state"] == store.FAILED
        assert store.request_build(meeting, kind)["state"] == store.QUEUED


@pytest.mark.django_db
def test_landscape_appendix_is_numbered_too(papers):
    from django.core.files.base import ContentFile

    from committees.models import ReportAppendix
    from partnership.pdf import html_to_pdf

    landscape = html_to_pdf(
        "<html lang='en-GB'><head><style>@page { size: A4 landscape; }</style></head>"
        "<body><h1>Wide budget table</h1></body></html>"
    )
    appendix = ReportAppendix(report=papers.open_report, title="Budget", order=2)
    appendix.file.save("wide.pdf", ContentFile(landscape), save=False)
    appendix.save()
    reader, _ = read(build(papers.meeting, kinds.PUBLIC_PACK))
    wide = next(page for page in reader.pages if "Wide budget table" in page.extract_text())
    assert wide.mediabox.width > wide.mediabox.height
    assert f"of {len(reader.pages)}" in wide.extract_text()
    titles = [title for title, _ in outline(reader)]
    assert "  Appendix 2: Budget" in titles


@pytest.mark.django_db
def test_exempt_report_on_an_open_item_is_left_out_of_the_public_pack(papers):
    papers.exempt_item.exempt = False
    papers.exempt_item.exempt_paragraph = None
    papers.exempt_item.save()  # the report itself is still exempt
    _, text = read(build(papers.meeting, kinds.PUBLIC_PACK))
    assert "EXEMPTZEBRA" not in text
    assert "not included in the public pack" in text


@pytest.mark.django_db
def test_a_failing_build_is_recorded_not_raised(papers, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr(content, "build", broken)
    meeting = content.load_meeting(papers.meeting.pk)
    kind = kinds.paper_kind(kinds.PUBLIC_PACK)
    assert store.build_and_store(meeting.pk, kind.code) is None
    status = store.get_status(meeting, kind)
    assert status["state"] == store.FAILED
    assert "WeasyPrint" not in status["error"]


@pytest.mark.django_db
def test_papers_panel_takes_few_queries_however_big_the_meeting(papers, django_assert_max_num_queries):
    from committees.models import AgendaItem, Decision

    user = papers.world.user("nhs", Role.COMMITTEE_SECRETARY)
    with django_assert_max_num_queries(9):
        render_panel(papers, user)
    for order in range(5, 30):
        item = AgendaItem.objects.create(meeting=papers.meeting, order=order, title=f"Item {order}")
        Decision.objects.create(
            meeting=papers.meeting, agenda_item=item, resolution="Noted.", decided_on=papers.meeting.date
        )
    user = papers.world.user("nhs", Role.COMMITTEE_SECRETARY)
    user.__dict__.pop("_concordat_exempt", None)
    with django_assert_max_num_queries(9):
        render_panel(papers, user)


@pytest.mark.django_db
def test_meeting_page_shows_the_papers_panel(
    client, papers, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(papers.world.user("nhs", Role.COMMITTEE_SECRETARY))
    page = client.get(papers.meeting.papers_url).content.decode()
    assert 'id="papers"' in page
    assert "Members&#x27; agenda pack" in page
    assert "Prepare PDF" in page
    next_url = papers.meeting.papers_url + "#papers"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(paper_url("paper_build", papers, kinds.PUBLIC_MINUTES), {"next": next_url})
    assert response["Location"] == next_url
    page = client.get(papers.meeting.papers_url).content.decode()
    assert paper_url("paper_download", papers, kinds.PUBLIC_MINUTES) in page


@pytest.mark.django_db
def test_every_appendix_is_kept_and_labelled_as_the_report_page_labels_it(papers, client):
    """Appendices are numbered 1, 2, ... on the report page, the report's cover sheet, the
    bookmarks and a missing appendix's page alike; the 27th is not dropped."""
    from django.core.files.base import ContentFile
    from pypdf import PdfWriter

    from committees.models import ReportAppendix

    blank = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(blank)
    for order in range(2, 28):
        appendix = ReportAppendix(report=papers.open_report, title=f"Annex {order}", order=order)
        appendix.file.save(f"annex-{order}.pdf", ContentFile(blank.getvalue()), save=False)
        appendix.save()
    last = papers.open_report.appendices.get(order=27)
    with last.file.open("wb") as handle:
        handle.write(b"not a pdf")

    reader, text = read(build(papers.meeting, kinds.PUBLIC_PACK))
    titles = [title.strip() for title, _ in outline(reader)]
    assert "Appendix 1: Current governance model" in titles
    assert "Appendix 26: Annex 26" in titles and "Appendix 27: Annex 27" in titles
    assert "Appendix 27: Annex 27\nThis appendix could not be included" in text
    assert "Appendix 2: Annex 2" in text  # the cover sheet's list of attachments
    # The contents name each appendix, and say which arrived untagged (the blank ones here).
    contents = "".join(page.extract_text() for page in reader.pages[1:4])
    assert "Appendix 1: Current governance model\n" in contents
    assert "Appendix 26: Annex 26 (not tagged for accessibility" in contents
    # The longer contents moved every later page: the report still starts where they say.
    number = int(re.search(r"For decision Jane Officer (\d+)\n", contents).group(1))
    assert "Integration programme resources" in reader.pages[number - 1].extract_text()
    assert number - 1 == dict(outline(reader))["Item 2: Integration programme"]
    client.force_login(papers.member_user)
    page = client.get(papers.open_report.get_absolute_url()).content.decode()
    assert "Appendix 27: Annex 27 (PDF)" in page


@pytest.mark.django_db
def test_the_cost_table_stands_where_the_report_says(papers, client):
    report = papers.open_report
    report.resource_implications = (
        "3.1 The programme has phases.\n\n3.2 Summary of estimated costs\n\n[Cost table below.]\n\n"
        "3.3 The Programme Director will be part-time."
    )
    report.save()
    _, text = read(build(papers.meeting, kinds.PUBLIC_PACK))
    assert "[Cost table" not in text
    assert text.index("3.2 Summary of estimated costs") < text.index("Estimated costs\n")
    assert text.index("Estimated costs\n") < text.index("3.3 The Programme Director")

    client.force_login(papers.member_user)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "[Cost table" not in page
    table = page.index("Summary of estimated costs</caption>")
    assert page.index("3.2 Summary") < table < page.index("3.3 The")


def test_a_cached_part_is_not_reused_after_the_layout_or_weasyprint_changes(monkeypatch, settings):
    import weasyprint

    from partnership import pdf

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    rendered = []
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html, styled: rendered.append(html) or b"%PDF")
    context = {"title": "Cached", "meeting": None}
    for _ in range(2):
        pdf.render_pdf_cached("pdf/committees/appendix_missing.html", context)
    assert len(rendered) == 1
    monkeypatch.setattr(pdf, "LAYOUT_VERSION", pdf.LAYOUT_VERSION + 1)
    pdf.render_pdf_cached("pdf/committees/appendix_missing.html", context)
    monkeypatch.setattr(weasyprint, "__version__", "0.0-other")
    pdf.render_pdf_cached("pdf/committees/appendix_missing.html", context)
    assert len(rendered) == 3
