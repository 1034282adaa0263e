""" "As it stood on" as a PDF: built in the request when the record has few children, else in
the background with its progress shown (a budget with years of monthly monitoring).

A PDF is one person's: it holds only what they may read, so it is kept under a key made of
who asked, the record, the day shown, the newest audit entry and today's date. Any change
anywhere since (an edit, an item made exempt, a membership ended) or a new day makes a new
key, so a stored PDF is never served stale; and the view checks access again before it serves
one. Progress is in the cache
(Redis in production, shared with the worker); the files under ``as-of/`` in the default
storage are forgotten after a day (``partnership.tasks.forget_as_of_pdfs``).
"""

import datetime
import hashlib
import logging
import threading

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from partnership import audit
from partnership.pdf import html_to_pdf

logger = logging.getLogger(__name__)

#: Bump when the PDF's template or assembly changes, so stored PDFs are made again.
LAYOUT_VERSION = "1"
FOLDER = "as-of"
#: A build that has said nothing for this long is taken to have died, and is offered again.
BUILD_TIMEOUT = 15 * 60
KEEP_SECONDS = 24 * 60 * 60

QUEUED = "queued"
BUILDING = "building"
READY = "ready"
FAILED = "failed"
MISSING = "missing"


def document_context(partnership, model, record_pk, day, user):
    """What ``pdf/audit/as_of.html`` shows: the record and every child as they stood."""
    return {
        "partnership": partnership,
        "day": day,
        "reconstruction": audit.reconstruct(model, record_pk, day, user),
        "kind": str(model._meta.verbose_name).capitalize(),
        "record_pk": record_pk,
        "generated": timezone.localtime(),
    }


def render(partnership, model, record_pk, day, user):
    context = document_context(partnership, model, record_pk, day, user)
    return html_to_pdf(render_to_string("pdf/audit/as_of.html", context), styled=True)


def document_key(user, model, record_pk, day):
    from partnership.models import AuditEntry

    newest = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    # Today too: what a person may read can end with a date (a member's term) and no write.
    parts = (LAYOUT_VERSION, user.pk, model._meta.label_lower, record_pk, day, newest, timezone.localdate())
    return hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:40]


def storage_name(key):
    return f"{FOLDER}/{key}.pdf"


def _status_key(key):
    return f"as-of-pdf:{key}"


def set_status(key, state):
    cache.set(_status_key(key), {"state": state, "at": timezone.now().timestamp()}, KEEP_SECONDS)


def get_status(key):
    """{"state", "at"}: ready when stored (missing when stored and since forgotten); a build
    silent for ``BUILD_TIMEOUT`` counts as failed."""
    if default_storage.exists(storage_name(key)):
        return {"state": READY, "at": 0}
    status = cache.get(_status_key(key)) or {"state": MISSING, "at": 0}
    if status["state"] == READY:  # made, then forgotten
        return {"state": MISSING, "at": 0}
    stalled = timezone.now().timestamp() - status["at"] > BUILD_TIMEOUT
    if status["state"] in (QUEUED, BUILDING) and stalled:
        return {"state": FAILED, "at": status["at"]}
    return status


def read(key):
    name = storage_name(key)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def request_build(key, partnership, model, record_pk, day, user):
    """Queue the build unless it is stored or under way; the status after."""
    from partnership.tasks import build_as_of_pdf

    status = get_status(key)
    if status["state"] in (READY, QUEUED, BUILDING):
        return status
    set_status(key, QUEUED)
    arguments = (key, partnership.pk, model._meta.label, record_pk, day.isoformat(), user.pk)
    if settings.PAPERS_BUILD_IN_THREAD:
        transaction.on_commit(lambda: _build_in_thread(*arguments))
    else:
        transaction.on_commit(lambda: build_as_of_pdf.delay(*arguments))
    return get_status(key)


def _build_in_thread(*arguments):
    """The embedded default has no worker: build in a thread, as meeting papers are."""

    def run():
        try:
            build_and_store(*arguments)
        finally:
            connections.close_all()

    threading.Thread(target=run, name=f"as-of-{arguments[0][:8]}", daemon=True).start()


def build_and_store(key, partnership_id, model_label, record_pk, day_iso, user_id):
    """Build the PDF as the person who asked would read it, and store it under ``key``."""
    from partnership.models import Partnership

    name = storage_name(key)
    if default_storage.exists(name):
        return name
    set_status(key, BUILDING)
    try:
        pdf = render(
            Partnership.objects.get(pk=partnership_id),
            apps.get_model(model_label),
            record_pk,
            datetime.date.fromisoformat(day_iso),
            get_user_model().objects.get(pk=user_id),
        )
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(pdf))
    except Exception:
        logger.exception("The PDF of %s %s as it stood on %s was not made", model_label, record_pk, day_iso)
        set_status(key, FAILED)
        raise
    set_status(key, READY)
    return name


def forget_old(now=None):
    """Delete stored PDFs older than a day; how many."""
    now = now or timezone.now()
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    forgotten = 0
    for file_name in files:
        name = f"{FOLDER}/{file_name}"
        if (now - default_storage.get_modified_time(name)).total_seconds() > KEEP_SECONDS:
            default_storage.delete(name)
            forgotten += 1
    return forgotten
