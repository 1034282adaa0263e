# ruff: noqa: F811 (fixtures imported from papers_fixtures are used as arguments)
"""With no worker (the embedded default), a pack builds in a thread of the web process: the
secretary's click answers at once and the papers page shows the build's progress."""

import time

import pytest
from django.urls import reverse

from committees.papers import content, kinds, store
from partnership.choices import Role
from tests.committees.papers_fixtures import make_papers, media  # noqa: F401


@pytest.mark.django_db(transaction=True)
def test_a_pack_builds_in_a_thread_while_the_page_shows_its_progress(client, settings, world, media):
    settings.PAPERS_BUILD_IN_THREAD = True
    papers = make_papers(world)
    meeting = content.load_meeting(papers.meeting.pk)
    kind = kinds.paper_kind(kinds.MEMBERS_PACK)
    client.force_login(world.user("nhs", Role.COMMITTEE_SECRETARY))
    slug = {"partnership": world.ours.slug, "pk": meeting.pk, "kind": kind.code}

    started = time.monotonic()
    response = client.post(reverse("committees:paper_build", kwargs=slug), {"next": meeting.papers_url})
    assert response.status_code == 302
    assert time.monotonic() - started < 2  # the request did not wait for the build
    seen = set()
    deadline = time.monotonic() + 120
    while store.get_status(meeting, kind)["state"] != store.READY and time.monotonic() < deadline:
        status = store.get_status(meeting, kind)
        assert status["state"] != store.FAILED, status
        seen.add(status["state"])
        time.sleep(0.05)
    page = client.get(meeting.papers_url).content.decode()

    assert seen & {store.QUEUED, store.BUILDING}  # a person opening the page meanwhile sees it under way
    assert store.get_status(meeting, kind)["state"] == store.READY
    assert store.read_paper(meeting, kind).startswith(b"%PDF")
    assert reverse("committees:paper_download", kwargs=slug) in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_status_page_shows_the_pack_ready_in_place_without_reloading(
    live_server, page, login, axe, world, media
):
    papers = make_papers(world)
    meeting = content.load_meeting(papers.meeting.pk)
    kind = kinds.paper_kind(kinds.MEMBERS_PACK)
    login(world.user("nhs", Role.COMMITTEE_SECRETARY).username)
    # Waiting for a worker: the page says so and asks again by itself every few seconds.
    store.set_status(meeting.pk, kind.code, store.fingerprint(meeting, kind), store.QUEUED)
    slug = {"partnership": world.ours.slug, "pk": meeting.pk, "kind": kind.code}
    page.goto(live_server.url + reverse("committees:paper_status", kwargs=slug))
    assert "Waiting to start" in page.locator("#paper-progress").inner_text()
    assert axe(page) == []
    page.evaluate("window.notReloaded = true")

    store.build_and_store(meeting.pk, kind.code)
    download = page.locator("#paper-progress").get_by_role("link", name="Download PDF")
    download.wait_for(timeout=15_000)
    assert page.evaluate("window.notReloaded") is True  # shown in place: the page did not reload
    assert download.get_attribute("href") == reverse("committees:paper_download", kwargs=slug)
