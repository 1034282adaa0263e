"""Meeting papers as PDF: the agenda packs, the minutes and decision notices.

Each paper is built in the background (``committees.tasks.build_pack``) and
stored in the default file storage under ``packs/``, named by a fingerprint of
everything it shows, so an unchanged meeting is never built twice and a
changed one is never served stale. Progress lives in the cache under the same
fingerprint (Redis in production, shared with the worker).

An agenda pack is assembled from parts rendered one at a time through
:func:`partnership.pdf.render_pdf_cached` (cover and agenda, then each
report), with each report's PDF appendices merged in after it. The parts keep
their accessibility tags: their structure trees are joined under one
``Document`` element. The running header and "Page X of Y" are stamped on
every page after merging (as artifacts), so the numbering runs across the
appendices too.

The public pack leaves out exempt (Part 2) items and draft reports: the
agenda says where an exempt item was and a placeholder page stands in the
pack at that point. Nothing from an exempt item (not even its title) is
rendered into a public paper.
"""

import hashlib
import io
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Prefetch, Subquery
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from committees import access
from committees.choices import AttendanceStatus, MeetingStatus, ReportStatus
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
from partnership.pdf import render_pdf, render_pdf_cached

logger = logging.getLogger(__name__)

#: Bump when a template or the assembly changes, so stored papers are rebuilt.
LAYOUT_VERSION = "2"

PUBLIC_PACK = "public-pack"
MEMBERS_PACK = "members-pack"
PUBLIC_MINUTES = "public-minutes"
MINUTES = "minutes"
DECISION_PREFIX = "decision-"

#: A build that has said nothing for this long is taken to have died.
BUILD_TIMEOUT = 15 * 60
STATUS_TTL = 7 * 24 * 60 * 60

READY = "ready"
BUILDING = "building"
QUEUED = "queued"
FAILED = "failed"
MISSING = "missing"

#: Statuses in which a meeting's agenda has been published.
AGENDA_OUT = (MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)


@dataclass(frozen=True)
class PaperKind:
    code: str
    label: str
    includes_exempt: bool
    decision_id: int | None = None

    @property
    def is_pack(self):
        return self.code in (PUBLIC_PACK, MEMBERS_PACK)

    @property
    def is_minutes(self):
        return self.code in (PUBLIC_MINUTES, MINUTES)

    @property
    def is_decision(self):
        return self.decision_id is not None


FIXED_KINDS = {
    PUBLIC_PACK: PaperKind(PUBLIC_PACK, "Public agenda pack", includes_exempt=False),
    MEMBERS_PACK: PaperKind(
        MEMBERS_PACK, "Members' agenda pack (includes exempt items)", includes_exempt=True
    ),
    PUBLIC_MINUTES: PaperKind(PUBLIC_MINUTES, "Public minutes", includes_exempt=False),
    MINUTES: PaperKind(MINUTES, "Full minutes (includes exempt items)", includes_exempt=True),
}


def paper_kind(code):
    """The :class:`PaperKind` for a URL's ``kind``, or None if there is none."""
    if code in FIXED_KINDS:
        return FIXED_KINDS[code]
    if code.startswith(DECISION_PREFIX) and code[len(DECISION_PREFIX) :].isdigit():
        decision_id = int(code[len(DECISION_PREFIX) :])
        # A decision notice shows the decision's item, so it is as exempt as the item.
        return PaperKind(code, "Decision notice", includes_exempt=True, decision_id=decision_id)
    return None


def decision_kind(decision):
    return paper_kind(f"{DECISION_PREFIX}{decision.pk}")


# --- Who may see what -------------------------------------------------------


def may_see_exempt(user, meeting):
    """Exempt (Part 2) material goes to those ``committees.access`` allows."""
    return user.is_authenticated and access.can_see_exempt(user, meeting.committee)


def item_is_exempt(item):
    return access.is_exempt(item)


def item_exempt_paragraph(item):
    return access.exempt_paragraph(item)


def decision_is_exempt(decision):
    return access.is_exempt(decision)


def is_public_paper(meeting, kind, decision=None):
    """May this paper be shown to the public for this meeting (whatever the committee)?"""
    if kind.code == PUBLIC_PACK:
        return meeting.status in AGENDA_OUT
    if kind.code == PUBLIC_MINUTES:
        return meeting.status == MeetingStatus.MINUTES_APPROVED
    if kind.is_decision:
        return (
            decision is not None
            and meeting.status in (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)
            and not decision_is_exempt(decision)
        )
    return False


def may_download(user, meeting, kind, decision=None):
    """May a signed-in ``user`` (who can see the meeting) have this paper?"""
    if kind.is_decision:
        return not decision_is_exempt(decision) or may_see_exempt(user, meeting)
    return not kind.includes_exempt or may_see_exempt(user, meeting)


# --- Loading a meeting's papers --------------------------------------------


def load_meeting(meeting_id):
    """The meeting with everything a paper shows, in a fixed number of queries."""
    items = AgendaItem.objects.select_related("report").prefetch_related(
        Prefetch("report__appendices", queryset=ReportAppendix.objects.order_by("order", "pk")),
        "report__cost_lines",
        "minute",
    )
    return (
        Meeting.objects.select_related("committee__partnership")
        .prefetch_related(
            Prefetch("items", queryset=items.order_by("order", "pk")),
            Prefetch(
                "committee__members",
                queryset=CommitteeMember.objects.select_related("organisation").order_by(
                    "organisation__name", "person_name"
                ),
            ),
            "committee__quorum_rules__organisation",
            Prefetch("attendances", queryset=Attendance.objects.select_related("member__organisation")),
            Prefetch("declarations", queryset=Declaration.objects.select_related("member", "agenda_item")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("agenda_item__report")
                .prefetch_related("bindings__organisation", "bindings__delegation")
                .order_by("pk"),
            ),
            "actions__organisation",
        )
        .get(pk=meeting_id)
    )


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
    transaction.on_commit(lambda: build_pack.delay(meeting_id, kind.code))
    return get_status(meeting, kind, print_hash)


def read_paper(meeting, kind):
    """The stored PDF bytes of the current version, or None if it is not built."""
    name = storage_name(meeting, kind, fingerprint(meeting, kind))
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def build_and_store(meeting_id, kind_code, on_progress=None):
    """Build one paper, reporting progress, and store it.

    Returns the storage name, or None if the build failed (the status says so).
    """
    meeting = load_meeting(meeting_id)
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
        pdf = build(meeting, kind, progress=progress)
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


# --- Building ---------------------------------------------------------------


def build(meeting, kind, progress=None):
    """The PDF bytes of one paper for ``meeting`` (loaded by :func:`load_meeting`)."""
    progress = progress or (lambda done, total: None)
    if kind.is_pack:
        return render_agenda_pack(meeting, include_exempt=kind.includes_exempt, progress=progress)
    if kind.is_minutes:
        progress(0, 1)
        pdf = render_pdf("pdf/committees/minutes.html", minutes_context(meeting, kind.includes_exempt))
        progress(1, 1)
        return pdf
    decision = next((d for d in meeting.decisions.all() if d.pk == kind.decision_id), None)
    if decision is None:
        raise ValueError("This decision is not one of the meeting's.")
    progress(0, 1)
    pdf = render_pdf("pdf/committees/decision_notice.html", decision_context(meeting, decision))
    progress(1, 1)
    return pdf


def members_on(meeting):
    return [m for m in meeting.committee.members.all() if m.is_current_on(meeting.date)]


def agenda_entries(meeting, include_exempt):
    """The agenda as the paper shows it: exempt items without their titles in public."""
    entries = []
    for item in meeting.items.all():
        exempt = item_is_exempt(item)
        shown = include_exempt or not exempt
        report = item.report if item.report_id else None
        entries.append(
            {
                "item": item,
                "number": item.order,
                "exempt": exempt,
                "shown": shown,
                "paragraph": item_exempt_paragraph(item),
                "report": report if shown and report and report.status == ReportStatus.FINAL else None,
                "report_to_follow": bool(shown and report and report.status != ReportStatus.FINAL),
            }
        )
    return entries


def pack_title(meeting, include_exempt):
    return "Members' agenda pack" if include_exempt else "Public agenda pack"


def pack_context(meeting, include_exempt):
    return {
        "title": f"{meeting.title or meeting.committee.name}: {pack_title(meeting, include_exempt)}",
        "pack_title": pack_title(meeting, include_exempt),
        "meeting": meeting,
        "committee": meeting.committee,
        "members": members_on(meeting),
        "quorum_rules": list(meeting.committee.quorum_rules.all()),
        "entries": agenda_entries(meeting, include_exempt),
        "include_exempt": include_exempt,
        "has_exempt": any(item_is_exempt(item) for item in meeting.items.all()),
    }


def render_agenda_pack(meeting, *, include_exempt, progress):
    """Cover and agenda, then each report with its appendices; bookmarked, stamped, tagged."""
    context = pack_context(meeting, include_exempt)
    entries = context["entries"]
    total = len(entries) + 2
    progress(0, total)
    cover = Part(
        render_pdf_cached("pdf/committees/pack_cover.html", context, cache_prefix="committees-pack"),
        bookmark="Front cover",
    )
    agenda = Part(
        render_pdf_cached("pdf/committees/pack_agenda.html", context, cache_prefix="committees-pack"),
        bookmark="Agenda",
    )
    parts = [cover, agenda]
    progress(1, total)
    for done, entry in enumerate(entries, start=2):
        number = entry["number"]
        if not entry["shown"]:
            paragraph = entry["paragraph"]
            parts.append(
                Part(
                    render_pdf_cached(
                        "pdf/committees/exempt_placeholder.html",
                        {**context, "entry": entry, "title": f"Item {number}: exempt item"},
                        cache_prefix="committees-pack",
                    ),
                    bookmark=f"Item {number}: exempt item (paragraph {paragraph}), not published",
                )
            )
        elif entry["report"] is not None:
            report = entry["report"]
            item_context = {**context, "entry": entry, "report": report, "title": report.title}
            part = Part(
                render_pdf_cached("pdf/committees/report.html", item_context, cache_prefix="committees-pack"),
                bookmark=f"Item {number}: {entry['item'].title}",
            )
            for letter, appendix in zip(appendix_letters(), report.appendices.all(), strict=False):
                part.children.append(
                    (f"Appendix {letter}: {appendix.title}", appendix_pdf(appendix, context, letter))
                )
            parts.append(part)
        else:
            # No report: the item's bookmark points at the agenda.
            parts.append(Part(None, bookmark=f"Item {number}: {entry['item'].title}", same_as=agenda))
        progress(done, total)
    when = timezone.localtime(meeting.starts_at)
    header = f"{meeting.committee.name}, {when:%-d %B %Y} — {context['pack_title']}"
    pdf = assemble(parts, title=context["title"], header=header)
    progress(total, total)
    return pdf


def appendix_letters():
    return (chr(ord("A") + index) for index in range(26))


def appendix_pdf(appendix, context, letter):
    """The appendix's own PDF pages, or a page saying why it could not be included."""
    try:
        with appendix.file.open("rb") as handle:
            data = handle.read()
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfReadError("encrypted")
        if len(reader.pages) == 0:
            raise PdfReadError("no pages")
        return data
    except (OSError, PdfReadError, ValueError) as exc:
        logger.warning("Appendix %s could not be merged: %s", appendix.pk, exc)
        return render_pdf(
            "pdf/committees/appendix_missing.html",
            {**context, "appendix": appendix, "letter": letter, "title": appendix.title},
        )


def minutes_context(meeting, include_exempt):
    entries = agenda_entries(meeting, include_exempt)
    shown_item_ids = {e["item"].pk for e in entries if e["shown"]}
    decisions = [d for d in meeting.decisions.all() if include_exempt or not decision_is_exempt(d)]
    actions = [
        a
        for a in meeting.actions.all()
        if include_exempt or a.decision_id is None or a.decision_id in {d.pk for d in decisions}
    ]
    for entry in entries:
        entry["minute"] = getattr(entry["item"], "minute", None) if entry["shown"] else None
        entry["decisions"] = [d for d in decisions if d.agenda_item_id == entry["item"].pk]
        entry["actions"] = [
            a for a in actions if a.decision and a.decision.agenda_item_id == entry["item"].pk
        ]
    attendances = list(meeting.attendances.all())
    approved = meeting.status == MeetingStatus.MINUTES_APPROVED
    return {
        "title": f"Minutes: {meeting.title or meeting.committee.name}, {meeting.date:%-d %B %Y}",
        "meeting": meeting,
        "committee": meeting.committee,
        "entries": entries,
        "include_exempt": include_exempt,
        "approved": approved,
        "present": [
            a for a in attendances if a.status in (AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE)
        ],
        "apologies": [a for a in attendances if a.status == AttendanceStatus.APOLOGIES],
        "absent": [a for a in attendances if a.status == AttendanceStatus.ABSENT],
        "declarations": [
            d
            for d in meeting.declarations.all()
            if d.agenda_item_id is None or d.agenda_item_id in shown_item_ids
        ],
        "other_decisions": [d for d in decisions if d.agenda_item_id is None],
        "other_actions": [a for a in actions if not (a.decision and a.decision.agenda_item_id)],
    }


def decision_context(meeting, decision):
    return {
        "title": f"Decision notice: {decision.reference or meeting.committee.name}",
        "meeting": meeting,
        "committee": meeting.committee,
        "decision": decision,
        "item": decision.agenda_item,
        "exempt": decision_is_exempt(decision),
        "bindings": list(decision.bindings.all()),
    }


# --- Assembly: merge, bookmark, stamp, keep the tags -------------------------


class Part:
    """One rendered PDF in a pack with its bookmark and the PDFs merged after it.

    A part with no ``data`` only adds a bookmark, at the start of ``same_as``.
    """

    def __init__(self, data, *, bookmark, same_as=None):
        self.data = data
        self.bookmark = bookmark
        self.same_as = same_as
        self.children = []
        self.start = None


def _name(value):
    return NameObject(value)


def assemble(parts, *, title, header, lang="en-GB"):
    """Merge ``parts`` into one tagged PDF with bookmarks, a running header and page numbers."""
    writer = PdfWriter()
    tags = _StructureMerger(writer)
    outline = []  # (title, page index, [(child title, page index)])
    for part in parts:
        if part.data is None:
            outline.append((part.bookmark, part.same_as.start, []))
            continue
        part.start = len(writer.pages)
        tags.append(part.data)
        children = []
        for child_title, data in part.children:
            children.append((child_title, len(writer.pages)))
            tags.append(data)
        outline.append((part.bookmark, part.start, children))
    tags.finish(lang)
    for bookmark, page, children in outline:
        parent = writer.add_outline_item(title=bookmark, page_number=page)
        for child_title, child_page in children:
            writer.add_outline_item(title=child_title, page_number=child_page, parent=parent)
    _stamp_pages(writer, header)
    writer.add_metadata({"/Title": title, "/Author": "Concordat", "/Creator": "Concordat"})
    root = writer._root_object
    root[_name("/ViewerPreferences")] = DictionaryObject({_name("/DisplayDocTitle"): BooleanObject(True)})
    root[_name("/PageMode")] = _name("/UseOutlines")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


class _StructureMerger:
    """Appends PDFs to a writer and joins their structure trees (PDF tags).

    Each source's top-level structure elements become children of one new
    ``Document`` element; page ``/StructParents`` keys and the parent tree
    are renumbered so marked content still finds its element.
    """

    def __init__(self, writer):
        self.writer = writer
        self.document = DictionaryObject(
            {
                _name("/Type"): _name("/StructElem"),
                _name("/S"): _name("/Document"),
                _name("/K"): ArrayObject(),
            }
        )
        self.document_ref = writer._add_object(self.document)
        self.nums = ArrayObject()
        self.next_key = 0

    def append(self, data):
        writer = self.writer
        reader = PdfReader(io.BytesIO(data))
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        root = reader.trailer["/Root"].get("/StructTreeRoot")
        if root is None:
            return
        root = root.get_object()
        offset = self.next_key
        for page_index, page in enumerate(reader.pages):
            if "/StructParents" in page:
                key = offset + int(page["/StructParents"])
                writer.pages[start + page_index][_name("/StructParents")] = NumberObject(key)
                self.next_key = max(self.next_key, key + 1)
        for element in self._top_elements(root):
            clone = element.get_object().clone(writer, ignore_fields=("/P",))
            _set_parents(clone, self.document_ref)
            self.document["/K"].append(clone.indirect_reference)
        parent_tree = root.get("/ParentTree")
        for key, value in _number_tree_items(parent_tree.get_object() if parent_tree else None):
            self.nums.append(NumberObject(offset + key))
            clone = value.get_object().clone(writer)
            self.nums.append(getattr(clone, "indirect_reference", None) or clone)
            self.next_key = max(self.next_key, offset + key + 1)

    @staticmethod
    def _top_elements(root):
        kids = root.get("/K")
        if kids is None:
            return []
        kids = kids.get_object()
        kids = list(kids) if isinstance(kids, list) else [kids]
        elements = []
        for kid in kids:
            obj = kid.get_object()
            if obj.get("/S") == "/Document":
                sub = obj.get("/K")
                sub = sub.get_object() if sub is not None else []
                elements += list(sub) if isinstance(sub, list) else [sub]
            else:
                elements.append(kid)
        return [e for e in elements if isinstance(e.get_object(), DictionaryObject)]

    def finish(self, lang):
        writer = self.writer
        parent_tree = writer._add_object(DictionaryObject({_name("/Nums"): self.nums}))
        tree_root = DictionaryObject(
            {
                _name("/Type"): _name("/StructTreeRoot"),
                _name("/K"): ArrayObject([self.document_ref]),
                _name("/ParentTree"): parent_tree,
                _name("/ParentTreeNextKey"): NumberObject(self.next_key),
            }
        )
        tree_root_ref = writer._add_object(tree_root)
        self.document[_name("/P")] = tree_root_ref
        root = writer._root_object
        root[_name("/StructTreeRoot")] = tree_root_ref
        root[_name("/MarkInfo")] = DictionaryObject({_name("/Marked"): BooleanObject(True)})
        root[_name("/Lang")] = TextStringObject(lang)


def _set_parents(element, parent_ref):
    """Give ``element`` (a cloned structure element) and its descendants their ``/P``."""
    element[_name("/P")] = parent_ref
    own_ref = element.indirect_reference
    kids = element.get("/K")
    if kids is None:
        return
    kids = kids.get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        obj = kid.get_object() if hasattr(kid, "get_object") else kid
        if (
            isinstance(obj, DictionaryObject)
            and obj.get("/Type", "/StructElem") == "/StructElem"
            and "/S" in obj
        ):
            _set_parents(obj, own_ref)


def _number_tree_items(node):
    """(key, value) pairs of a PDF number tree."""
    if node is None:
        return
    nums = node.get("/Nums")
    if nums is not None:
        nums = nums.get_object()
        for index in range(0, len(nums), 2):
            yield int(nums[index]), nums[index + 1]
    for kid in node.get("/Kids", []) or []:
        yield from _number_tree_items(kid.get_object())


#: Helvetica advance widths (thousandths of an em) for right-aligning page numbers.
_WIDTHS = {
    **dict.fromkeys("0123456789", 556),
    " ": 278,
    "P": 667,
    "a": 556,
    "g": 556,
    "e": 556,
    "o": 556,
    "f": 278,
}
_MM = 72 / 25.4
_FONT = "/ConcordatStamp"


def _pdf_string(text):
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _stamp_pages(writer, header):
    """Write the running header (not on the cover) and "Page X of Y" on every page.

    Drawn as pagination artifacts, outside the structure tree, in a standard
    font, after the page's own content (wrapped in q/Q so its graphics state
    cannot move the stamp).
    """
    font = writer._add_object(
        DictionaryObject(
            {
                _name("/Type"): _name("/Font"),
                _name("/Subtype"): _name("/Type1"),
                _name("/BaseFont"): _name("/Helvetica"),
                _name("/Encoding"): _name("/WinAnsiEncoding"),
            }
        )
    )
    save = writer._add_object(_stream(b"q\n"))
    total = len(writer.pages)
    for index, page in enumerate(writer.pages):
        box = page.mediabox
        left, bottom, right, top = float(box.left), float(box.bottom), float(box.right), float(box.top)
        footer = f"Page {index + 1} of {total}"
        width = sum(_WIDTHS.get(char, 556) for char in footer) * 9 / 1000
        ops = [
            b"Q\nq\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nBT\n",
            _text_position(right - 18 * _MM - width, bottom + 10 * _MM),
            _pdf_string(footer) + b" Tj\nET\nEMC\n",
        ]
        if index > 0:
            ops += [
                b"/Artifact <</Type /Pagination /Subtype /Header>> BDC\nBT\n",
                _text_position(left + 18 * _MM, top - 12 * _MM),
                _pdf_string(header[:120]) + b" Tj\nET\nEMC\n",
            ]
        ops.append(b"Q\n")
        stamp = writer._add_object(_stream(b"".join(ops)))
        contents = page.get("/Contents")
        existing = []
        if contents is not None:
            resolved = contents.get_object()
            existing = list(resolved) if isinstance(resolved, list) else [contents]
        page[_name("/Contents")] = ArrayObject([save, *existing, stamp])
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        page[_name("/Resources")] = resources
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        fonts[_name(_FONT)] = font
        resources[_name("/Font")] = fonts


def _text_position(x, y):
    return f"{_FONT} 9 Tf 0.314 0.353 0.373 rg 1 0 0 1 {x:.2f} {y:.2f} Tm\n".encode()


def _stream(data):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream
