"""Where meeting papers are kept, and how far each one's build has got.

Each paper is built in the background (``committees.tasks.build_pack``) and
stored in the default file storage under ``packs/``, named by a fingerprint of
everything it shows, so an unchanged meeting is never built twice and a
changed one is never served stale. Progress lives in the cache under the same
fingerprint (Redis in production, shared with the worker).
"""

import hashlib
import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone

from committees.models import (
    Action,
    AgendaItem,
    Attendance,
    CommitteeMember,
    CommitteeQuorumRule,
    Decision,
    DecisionBinding,
    Declaration,
    Meeting,
    Minute,
    Report,
    ReportAppendix,
    ReportCostLine,
)
from committees.papers import content
from committees.papers.kinds import paper_kind

logger = logging.getLogger(__name__)

#: Bump when a template or the assembly changes, so stored papers are rebuilt.
LAYOUT_VERSION = "2"

#: A build that has said nothing for this long is taken to have died.
BUILD_TIMEOUT = 15 * 60
STATUS_TTL = 7 * 24 * 60 * 60

READY = "ready"
BUILDING = "building"
QUEUED = "queued"
FAILED = "failed"
MISSING = "missing"


#: Records a paper shows, as (model, lookup from the model to the meeting).
#: The fingerprint takes each one's count and latest ``updated_at``.
PACK_SOURCES = {
    "members": (CommitteeMember, "committee__meetings"),
    "quorum": (CommitteeQuorumRule, "committee__meetings"),
    "items": (AgendaItem, "meeting"),
    "reports": (Report, "agenda_items__meeting"),
    "costs": (ReportCostLine, "report__agenda_items__meeting"),
    "appendices": (ReportAppendix, "report__agenda_items__meeting"),
    "minutes": (Minute, "agenda_item__meeting"),
}
RECORD_SOURCES = {
    "attendance": (Attendance, "meeting"),
    "declarations": (Declaration, "meeting"),
    "decisions": (Decision, "meeting"),
    "bindings": (DecisionBinding, "decision__meeting"),
    "actions": (Action, "meeting"),
}


def _aggregate(model, path, function):
    rows = model.objects.filter(**{path: OuterRef("pk")}).order_by().values(path)
    return Subquery(rows.annotate(value=function).values("value")[:1])


def paper_versions(meeting):
    """Count and latest change of every kind of record the papers show, in one query
    (cached on ``meeting``): cheap enough for the meeting page to ask on every view."""
    cached = getattr(meeting, "_paper_versions", None)
    if cached is not None:
        return cached
    annotations = {}
    for key, (model, path) in {**PACK_SOURCES, **RECORD_SOURCES}.items():
        annotations[f"{key}_count"] = _aggregate(model, path, Count("pk"))
        annotations[f"{key}_latest"] = _aggregate(model, path, Max("updated_at"))
    values = (
        Meeting.objects.filter(pk=meeting.pk)
        .annotate(**annotations)
        .values("updated_at", "committee__updated_at", "committee__partnership__updated_at", *annotations)
        .get()
    )
    meeting._paper_versions = values
    return values


def fingerprint(meeting, kind):
    """A hash of the versions of everything the paper shows: it changes when any part does."""
    versions = paper_versions(meeting)
    keys = ["updated_at", "committee__updated_at", "committee__partnership__updated_at"]
    sources = PACK_SOURCES if kind.is_pack else {**PACK_SOURCES, **RECORD_SOURCES}
    for key in sources:
        keys += [f"{key}_count", f"{key}_latest"]
    parts = [LAYOUT_VERSION, kind.code] + [(key, str(versions[key])) for key in keys]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def storage_name(meeting, kind, print_hash):
    return f"packs/{meeting.pk}/{kind.code}-{print_hash}.pdf"


def download_name(meeting, kind):
    committee = meeting.committee
    slug = (committee.short_name or committee.name).lower().replace(" ", "-")
    return f"{slug}-{meeting.date:%Y-%m-%d}-{kind.code}.pdf"


# --- Status and progress ----------------------------------------------------


def _status_key(meeting_id, kind_code, print_hash):
    return f"committees:paper:{meeting_id}:{kind_code}:{print_hash}"


def set_status(meeting_id, kind_code, print_hash, state, done=0, total=0, error=""):
    cache.set(
        _status_key(meeting_id, kind_code, print_hash),
        {"state": state, "done": done, "total": total, "error": error, "at": timezone.now().timestamp()},
        STATUS_TTL,
    )


def get_status(meeting, kind, print_hash=None):
    """Where the paper is: ready, queued or building (with progress), failed or missing."""
    print_hash = print_hash or fingerprint(meeting, kind)
    if default_storage.exists(storage_name(meeting, kind, print_hash)):
        return {"state": READY, "done": 1, "total": 1, "fingerprint": print_hash}
    status = cache.get(_status_key(meeting.pk, kind.code, print_hash))
    if status is None:
        return {"state": MISSING, "done": 0, "total": 0, "fingerprint": print_hash}
    status = dict(status, fingerprint=print_hash)
    stalled = timezone.now().timestamp() - status["at"] > BUILD_TIMEOUT
    if status["state"] in (QUEUED, BUILDING) and stalled:
        status["state"] = FAILED
        status["error"] = "The build stopped without finishing."
    return status


def request_build(meeting, kind, *, retry_failed=True):
    """Queue a build of the paper unless it is ready or already being built.

    The task is sent after the current transaction commits; with Celery eager
    (the embedded default) it runs then and there. Anonymous requests pass
    ``retry_failed=False`` so a paper that fails is not rebuilt on every visit.
    """
    from committees.tasks import build_pack

    print_hash = fingerprint(meeting, kind)
    status = get_status(meeting, kind, print_hash)
    if status["state"] in (READY, QUEUED, BUILDING):
        return status
    recently = timezone.now().timestamp() - status.get("at", 0) < BUILD_TIMEOUT
    if status["state"] == FAILED and recently and not retry_failed:
        return status
    set_status(meeting.pk, kind.code, print_hash, QUEUED)
    meeting_id = meeting.pk
    if settings.PAPERS_BUILD_IN_THREAD:
        transaction.on_commit(lambda: _build_in_thread(meeting_id, kind.code))
    else:
        transaction.on_commit(lambda: build_pack.delay(meeting_id, kind.code))
    return get_status(meeting, kind, print_hash)


def _build_in_thread(meeting_id, kind_code):
    """The embedded default has no worker: build in a thread of the web process, so the page
    answers at once and shows the build's progress as it would with Celery."""

    def run():
        try:
            build_and_store(meeting_id, kind_code)
        finally:
            connections.close_all()

    threading.Thread(target=run, name=f"paper-{meeting_id}-{kind_code}", daemon=True).start()


def read_paper(meeting, kind):
    """The stored PDF bytes of the current version, or None if it is not built."""
    name = storage_name(meeting, kind, fingerprint(meeting, kind))
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def parts_to_render(meeting_id, kind_code):
    """The fingerprint of the paper and, if it is a pack not stored yet, the HTML of each of
    its parts not in the cache, by cache key (:func:`committees.tasks.build_pack` renders them
    side by side before it assembles)."""
    meeting = content.load_meeting(meeting_id)
    kind = paper_kind(kind_code)
    print_hash = fingerprint(meeting, kind)
    if not kind.is_pack or default_storage.exists(storage_name(meeting, kind, print_hash)):
        return print_hash, {}
    parts = content.missing_parts(meeting, kind)
    cache.set(_rendered_key(meeting_id, kind_code, print_hash), 0, STATUS_TTL)
    set_status(meeting_id, kind_code, print_hash, BUILDING, 0, len(parts))
    return print_hash, parts


def _rendered_key(meeting_id, kind_code, print_hash):
    return f"{_status_key(meeting_id, kind_code, print_hash)}:rendered"


def part_rendered(meeting_id, kind_code, print_hash, total):
    """Count one more of a pack's ``total`` parts rendered, in its progress."""
    try:
        done = cache.incr(_rendered_key(meeting_id, kind_code, print_hash))
    except ValueError:  # the count expired: the progress shown is only a guide
        return
    set_status(meeting_id, kind_code, print_hash, BUILDING, min(done, total), total)


def build_and_store(meeting_id, kind_code, on_progress=None):
    """Build one paper, reporting progress, and store it.

    Returns the storage name, or None if the build failed (the status says so).
    """
    meeting = content.load_meeting(meeting_id)
    kind = paper_kind(kind_code)
    print_hash = fingerprint(meeting, kind)
    name = storage_name(meeting, kind, print_hash)
    if default_storage.exists(name):
        return name

    def progress(done, total):
        set_status(meeting_id, kind.code, print_hash, BUILDING, done, total)
        if on_progress is not None:
            on_progress(done, total)

    try:
        pdf = content.build(meeting, kind, progress=progress)
    except Exception:
        # Logged, and shown on the page as failed with a "Try again" button;
        # not raised, so an eager build never turns a page into a server error.
        logger.exception("Building %s for meeting %s failed", kind.code, meeting_id)
        set_status(meeting_id, kind.code, print_hash, FAILED, error="The PDF could not be built.")
        return None
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(pdf))
    set_status(meeting_id, kind.code, print_hash, READY, 1, 1)
    return name
