"""What each kind of record puts in its search document, and keeping the documents in step.

A document holds a record's words as plain text: formatted text (an agreement's
sections, a schedule) is indexed without its tags. ``search.signals`` calls
:func:`index_record` whenever a record is saved and :func:`forget_record` when
it is deleted, in the same transaction; ``manage.py rebuild_search_index``
(:func:`rebuild`) makes every document again, for records written in bulk.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import nh3
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Q

from committees.models import Report
from partnership import permissions
from search.choices import DocumentKind
from search.models import SearchDocument, document_vector

#: Characters no document keeps: control characters (the highlighting marks its matches with two).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SPACES = re.compile(r"\s+")


def plain_text(value):
    """``value`` (plain text) as one line of words, without control characters."""
    return SPACES.sub(" ", CONTROL.sub(" ", value or "")).strip()


def text_of_html(value):
    """The words of stored formatted text (sanitised HTML): tags out, entities read, a
    space where each tag was so that paragraphs do not run together."""
    if not value:
        return ""
    words = nh3.clean(value.replace("<", " <"), tags=set(), clean_content_tags={"script", "style"})
    return plain_text(html.unescape(words))


def _join(*parts):
    return "\n".join(part for part in parts if part)


def _fields(obj, names, formatted=False):
    read = text_of_html if formatted else plain_text
    return _join(*(read(getattr(obj, name)) for name in names))


def _minutes_of(meeting, anchor):
    """Where the meeting's minutes, decisions and actions are shown: its minutes section
    where the meeting page has sections (``minutes_url``), else the meeting page."""
    page = getattr(meeting, "minutes_url", None) or meeting.get_absolute_url()
    return f"{page}#{anchor}"


def _meeting_line(meeting):
    return f"{meeting.committee.name}, {meeting.date:%-d %B %Y}"


#: What a report says, besides its title: the cover sheet's lines and its written sections.
REPORT_TEXT = (
    "forward_plan_reference",
    "wards_affected",
    *Report.SECTION_FIELDS,
    "contact_person",
    "attachments",
    "background_papers",
)


@dataclass(frozen=True)
class Source:
    """One kind of searchable record: its model, what its document says, and where it is shown.

    ``related`` is what to fetch with the record to build its document and to show it
    (the way to its partnership, its meeting...).
    """

    kind: str
    model_label: str
    related: tuple
    title: Callable
    body: Callable
    url: Callable
    where: Callable

    @property
    def model(self):
        return apps.get_model(self.model_label)


SOURCES = (
    Source(
        DocumentKind.AGREEMENT,
        "agreements.Agreement",
        ("partnership",),
        title=lambda a: f"{a.reference} — {a.title}",
        body=lambda a: _fields(a, a.SECTION_FIELDS, formatted=True),
        url=lambda a: a.get_absolute_url(),
        where=lambda a: a.get_kind_display(),
    ),
    Source(
        DocumentKind.SCHEDULE,
        "agreements.Schedule",
        ("agreement__partnership",),
        title=lambda s: f"Schedule {s.number}: {s.title}",
        body=lambda s: text_of_html(s.body),
        url=lambda s: s.agreement.get_absolute_url() + "#schedules",
        where=lambda s: f"Agreement {s.agreement.reference} — {s.agreement.title}",
    ),
    Source(
        DocumentKind.REPORT,
        "committees.Report",
        ("partnership", "organisation", "meeting__committee"),
        title=lambda r: r.title,
        body=lambda r: _fields(r, REPORT_TEXT),
        url=lambda r: r.get_absolute_url(),
        where=lambda r: _meeting_line(r.meeting) if r.meeting_id else f"By {r.organisation.name}",
    ),
    Source(
        DocumentKind.MINUTE,
        "committees.Minute",
        ("agenda_item__meeting__committee__partnership",),
        title=lambda m: f"Minute: {m.agenda_item.title}",
        body=lambda m: plain_text(m.text),
        url=lambda m: _minutes_of(m.agenda_item.meeting, f"item-{m.agenda_item_id}"),
        where=lambda m: _meeting_line(m.agenda_item.meeting),
    ),
    Source(
        DocumentKind.DECISION,
        "committees.Decision",
        ("meeting__committee__partnership",),
        title=lambda d: f"Decision {d.reference}" if d.reference else plain_text(d.resolution)[:100],
        body=lambda d: plain_text(d.resolution),
        url=lambda d: _minutes_of(d.meeting, "decisions"),
        where=lambda d: _meeting_line(d.meeting),
    ),
    Source(
        DocumentKind.ACTION,
        "committees.Action",
        ("meeting__committee__partnership",),
        title=lambda a: plain_text(a.description)[:100],
        body=lambda a: _join(plain_text(a.description), plain_text(a.owner_name), plain_text(a.notes)),
        url=lambda a: _minutes_of(a.meeting, "actions"),
        where=lambda a: _meeting_line(a.meeting),
    ),
)

BY_KIND = {source.kind: source for source in SOURCES}


def source_for(model):
    """The :class:`Source` of ``model``, or None if its records are not searched."""
    label = model._meta.label
    return next((source for source in SOURCES if source.model_label == label), None)


def keeps_vector():
    """PostgreSQL keeps each document's full-text vector; SQLite searches the text."""
    return connection.vendor == "postgresql"


def document_for(source, obj):
    return SearchDocument(
        kind=source.kind,
        object_id=obj.pk,
        partnership_id=permissions.partnership_id_of(obj),
        title=plain_text(source.title(obj)) or "(untitled)",
        body=source.body(obj),
    )


def _write(documents):
    """Insert or replace ``documents`` (one query), and their vectors on PostgreSQL (one more)."""
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["partnership", "title", "body"],
    )
    if keeps_vector() and documents:
        keys = Q(pk__in=[])
        for kind in {d.kind for d in documents}:
            keys |= Q(kind=kind, object_id__in=[d.object_id for d in documents if d.kind == kind])
        SearchDocument.objects.filter(keys).update(vector=document_vector())


def index_record(obj):
    """Make or refresh ``obj``'s document (nothing for a record not searched)."""
    source = source_for(type(obj))
    if source is not None and obj.pk is not None:
        _write([document_for(source, obj)])


def forget_record(obj):
    source = source_for(type(obj))
    if source is not None:
        SearchDocument.objects.filter(kind=source.kind, object_id=obj.pk).delete()


def rebuild(batch_size=1000):
    """Make every document again from the records (after records were written in bulk, or
    to start the index); documents of records no longer there go. Returns how many."""
    made = 0
    with transaction.atomic():
        for source in SOURCES:
            records = source.model.objects.select_related(*source.related).order_by("pk")
            batch = []
            for obj in records.iterator(chunk_size=batch_size):
                batch.append(document_for(source, obj))
                if len(batch) >= batch_size:
                    _write(batch)
                    made, batch = made + len(batch), []
            _write(batch)
            made += len(batch)
            SearchDocument.objects.filter(kind=source.kind).exclude(
                object_id__in=source.model.objects.values("pk")
            ).delete()
    return made
