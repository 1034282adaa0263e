# ruff: noqa: F811 (fixtures imported from papers_fixtures are used as arguments)
"""An agenda pack built by a real Celery worker over the real Redis broker, its parts rendered
by a chord of tasks.

Runs when REDIS_URL is set (CI sets it; locally:
REDIS_URL=redis://127.0.0.1:6379/15). The worker (``celery_worker_on_redis``
in tests/conftest.py) runs in a thread of this process on a queue of its own,
so parallel runs do not take each other's tasks; the cache it reports
progress to is Redis too.
"""

import io
import time

import pytest
from celery.exceptions import ChordError
from celery.signals import task_prerun
from django.core.cache import cache
from pypdf import PdfReader

from committees.papers import content, kinds, store
from committees.tasks import build_pack
from partnership import pdf
from partnership.pdf import part_key
from tests.committees.papers_fixtures import make_papers, media  # noqa: F401


def cached_parts(meeting, kind):
    """The cache keys of the pack's parts: an earlier run with the same content cached them."""
    return [
        part_key(html, content.PACK_CACHE)
        for _, html, _ in content.pack_parts(meeting, kind.includes_exempt)[1]
    ]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_build_pack_runs_on_a_real_worker_and_reports_progress(celery_worker_on_redis, world, media):
    worker_queue = celery_worker_on_redis
    papers = make_papers(world)
    meeting = content.load_meeting(papers.meeting.pk)
    kind = kinds.paper_kind(kinds.MEMBERS_PACK)
    print_hash = store.fingerprint(meeting, kind)
    store.set_status(meeting.pk, kind.code, print_hash, store.QUEUED)
    cache.delete_many(cached_parts(meeting, kind))

    ran = []

    def record(sender=None, **kwargs):
        ran.append(sender.name)

    task_prerun.connect(record, weak=False)
    try:
        result = build_pack.apply_async((meeting.pk, kind.code), queue=worker_queue)
        seen = set()
        deadline = time.monotonic() + 180
        while not result.ready() and time.monotonic() < deadline:
            status = store.get_status(meeting, kind, print_hash)
            seen.add((status["state"], status["done"], status["total"]))
            time.sleep(0.05)
        name = result.get(timeout=5)
    finally:
        task_prerun.disconnect(record)

    assert name == store.storage_name(meeting, kind, print_hash)
    # The parts (the cover, each report, the agenda's draft) rendered as a chord's tasks,
    # then the build ran again and assembled them.
    parts = len(content.pack_parts(meeting, kind.includes_exempt)[1])
    assert parts >= 3
    assert ran.count("committees.tasks.render_pack_part") == parts
    assert ran.count("committees.tasks.build_pack") == 2
    assert store.get_status(meeting, kind)["state"] == store.READY
    states = {state for state, _, _ in seen}
    assert states <= {store.QUEUED, store.BUILDING, store.READY}
    assert all(done <= total for state, done, total in seen if state == store.BUILDING)
    reader = PdfReader(io.BytesIO(store.read_paper(meeting, kind)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "EXEMPTZEBRA" in text
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text
    # Run again (acks_late may redeliver): the stored paper is reused, not rebuilt.
    again = build_pack.apply_async((meeting.pk, kind.code), queue=worker_queue).get(timeout=60)
    assert again == name


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_part_that_fails_fails_the_pack_at_once(celery_worker_on_redis, world, media, monkeypatch):
    """Not "building" for a quarter of an hour until the build is given up for dead: failed,
    with "Try again", as soon as the chord gives up."""
    papers = make_papers(world)
    meeting = content.load_meeting(papers.meeting.pk)
    kind = kinds.paper_kind(kinds.MEMBERS_PACK)
    print_hash = store.fingerprint(meeting, kind)
    cache.delete_many(cached_parts(meeting, kind))
    real = pdf.html_to_pdf

    def failing(html, *, styled=False):
        if "<h1>Agenda</h1>" in html:
            raise ValueError("WeasyPrint could not lay this out")
        return real(html, styled=styled)

    monkeypatch.setattr(pdf, "html_to_pdf", failing)  # the worker runs in this process
    result = build_pack.apply_async((meeting.pk, kind.code), queue=celery_worker_on_redis)
    with pytest.raises(ChordError):
        result.get(timeout=120)
    status = store.get_status(meeting, kind, print_hash)
    assert status["state"] == store.FAILED
    assert status["error"] == "The PDF could not be built."
    assert store.read_paper(meeting, kind) is None
