# ruff: noqa: F811 (fixtures imported from papers_fixtures are used as arguments)
"""Public pages: only committees that meet in public, and nothing exempt or in draft."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from committees.choices import MeetingStatus
from tests.committees.papers_fixtures import eager_celery, media, papers  # noqa: F401

#: Words planted in exempt items, draft reports and unapproved minutes.
SECRETS = ("EXEMPTZEBRA", "DRAFTYAK", "UNAPPROVEDOKAPI")


def body_text(response):
    if response.get("Content-Type", "").startswith("application/pdf"):
        data = b"".join(response.streaming_content) if response.streaming else response.content
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return response.content.decode()


def fetch(client, url, capture):
    """GET ``url``; a paper still being prepared is built (after commit) and fetched again."""
    with capture(execute=True):
        response = client.get(url)
    if response.status_code == 200 and b"being prepared" in (b"" if response.streaming else response.content):
        response = client.get(url)
    return response


def public_urls(papers):
    return [
        reverse("public:index"),
        reverse("public:committee", kwargs={"pk": papers.committee.pk}),
        reverse("public:committee_calendar", kwargs={"pk": papers.committee.pk}),
        reverse("public:meeting", kwargs={"pk": papers.meeting.pk}),
        reverse("public:meeting", kwargs={"pk": papers.later_meeting.pk}),
        reverse("public:pack", kwargs={"pk": papers.meeting.pk}),
        reverse("public:pack", kwargs={"pk": papers.later_meeting.pk}),
        reverse("public:minutes", kwargs={"pk": papers.meeting.pk}),
        reverse("public:decision_notice", kwargs={"pk": papers.open_decision.pk}),
    ]


@pytest.mark.django_db
def test_every_public_url_answers_without_login_and_never_leaks(
    client, papers, eager_celery, django_capture_on_commit_callbacks
):
    pdfs = 0
    for url in public_urls(papers):
        response = fetch(client, url, django_capture_on_commit_callbacks)
        assert response.status_code == 200, url
        pdfs += response["Content-Type"] == "application/pdf"
        text = body_text(response)
        for secret in SECRETS:
            assert secret not in text, (url, secret)
    assert pdfs == 4


@pytest.mark.django_db
def test_public_meeting_page_shows_published_agenda_and_approved_minutes(client, papers):
    text = client.get(reverse("public:meeting", kwargs={"pk": papers.meeting.pk})).content.decode()
    assert "Integration programme" in text
    assert "3. Exempt item" in text
    assert "paragraph 3" in text
    assert "The Board discussed the programme." in text
    assert "To approve the integration programme." in text
    assert "Report to follow." in text
    assert reverse("public:pack", kwargs={"pk": papers.meeting.pk}) in text
    assert reverse("public:decision_notice", kwargs={"pk": papers.open_decision.pk}) in text
    assert reverse("public:decision_notice", kwargs={"pk": papers.exempt_decision.pk}) not in text


@pytest.mark.django_db
def test_minutes_not_yet_approved_are_not_shown(client, papers):
    response = client.get(reverse("public:meeting", kwargs={"pk": papers.later_meeting.pk}))
    text = response.content.decode()
    assert "Performance report" in text  # the agenda is published
    assert "UNAPPROVEDOKAPI" not in text
    assert "once the committee has approved them" in text
    assert client.get(reverse("public:minutes", kwargs={"pk": papers.later_meeting.pk})).status_code == 404


@pytest.mark.django_db
def test_unpublished_agenda_is_not_shown(client, papers):
    meeting = papers.later_meeting
    meeting.status = MeetingStatus.PLANNED
    meeting.save()
    text = client.get(reverse("public:meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert "Performance report" not in text
    assert client.get(reverse("public:pack", kwargs={"pk": meeting.pk})).status_code == 404


@pytest.mark.django_db
def test_exempt_decision_notice_is_not_public(client, papers):
    url = reverse("public:decision_notice", kwargs={"pk": papers.exempt_decision.pk})
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_decisions_of_a_meeting_not_yet_held_are_neither_listed_nor_served(client, papers):
    meeting = papers.meeting
    meeting.status = MeetingStatus.AGENDA_PUBLISHED
    meeting.save()
    notice = reverse("public:decision_notice", kwargs={"pk": papers.open_decision.pk})
    assert notice not in client.get(reverse("public:meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert client.get(notice).status_code == 404


@pytest.mark.django_db
def test_private_committee_pages_answer_404(client, papers):
    private_urls = [
        reverse("public:committee", kwargs={"pk": papers.private_committee.pk}),
        reverse("public:committee_calendar", kwargs={"pk": papers.private_committee.pk}),
        reverse("public:meeting", kwargs={"pk": papers.private_meeting.pk}),
        reverse("public:pack", kwargs={"pk": papers.private_meeting.pk}),
        reverse("public:minutes", kwargs={"pk": papers.private_meeting.pk}),
    ]
    for url in private_urls:
        assert client.get(url).status_code == 404, url
    index = client.get(reverse("public:index")).content.decode()
    assert papers.committee.name in index
    assert papers.private_committee.name not in index


@pytest.mark.django_db
def test_signed_in_users_see_no_more_on_public_pages(
    client, papers, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(papers.world.user("council", "committee_secretary"))
    for url in public_urls(papers):
        text = body_text(fetch(client, url, django_capture_on_commit_callbacks))
        for secret in SECRETS:
            assert secret not in text, (url, secret)


@pytest.mark.django_db
def test_public_pack_is_an_attachment_of_the_public_pack(
    client, papers, eager_celery, django_capture_on_commit_callbacks
):
    url = reverse("public:pack", kwargs={"pk": papers.meeting.pk})
    response = fetch(client, url, django_capture_on_commit_callbacks)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Public agenda pack" in body_text(response)


@pytest.mark.django_db
def test_pack_still_building_shows_progress_page(client, papers, monkeypatch):
    """With a real worker the first request finds the pack queued, not built."""
    from committees import tasks
    from committees.papers import content, kinds, store

    monkeypatch.setattr(tasks.build_pack, "delay", lambda *args: None)
    response = client.get(reverse("public:pack", kwargs={"pk": papers.meeting.pk}))
    assert response.status_code == 200
    text = response.content.decode()
    assert "data-app-poll" in text
    assert "being prepared" in text
    meeting = content.load_meeting(papers.meeting.pk)
    assert store.get_status(meeting, kinds.paper_kind(kinds.PUBLIC_PACK))["state"] == store.QUEUED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_in_a_browser_are_accessible_and_download_the_pack(
    live_server, page, axe, world, media, eager_celery
):
    from committees.models import Meeting
    from tests.committees.papers_fixtures import make_papers

    papers = make_papers(world)
    page.goto(f"{live_server.url}{reverse('public:index')}")
    assert axe(page) == []
    page.click(f"text={papers.committee.name}")
    assert axe(page) == []
    page.click("text=10 June 2026, 2:00 p.m.")
    main = page.locator("main").inner_text()
    assert "3. Exempt item" in main
    assert "EXEMPTZEBRA" not in main
    assert axe(page) == []
    with page.expect_download() as download_info:
        page.click("text=Download the agenda pack (PDF)")
    path = download_info.value.path()
    text = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "Public agenda pack" in text
    assert "EXEMPTZEBRA" not in text
    assert Meeting.objects.count() == 3


@pytest.mark.django_db
def test_public_meeting_page_queries_do_not_grow_with_the_agenda(
    client, papers, django_assert_max_num_queries
):
    from committees.models import AgendaItem, Minute

    url = reverse("public:meeting", kwargs={"pk": papers.meeting.pk})
    with django_assert_max_num_queries(22):
        client.get(url)
    for order in range(5, 40):
        item = AgendaItem.objects.create(meeting=papers.meeting, order=order, title=f"Item {order}")
        Minute.objects.create(agenda_item=item, text="Noted.")
    with django_assert_max_num_queries(22):
        client.get(url)
