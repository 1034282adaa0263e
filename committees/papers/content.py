"""What goes in each meeting paper, and its PDF.

An agenda pack is assembled from parts rendered side by side through
:func:`partnership.pdf.render_many` (the cover and each report; the agenda
last, once the pages are known), with each report's PDF appendices merged in
after it, by
:func:`partnership.pdf.assemble` (tags kept, bookmarked, "Page X of Y"
across the appendices too).

The public papers leave out exempt (Part 2) items and draft reports: the
agenda says where an exempt item was and a placeholder page stands in the
pack at that point. Nothing from an exempt item (not even its title) is
rendered into a public paper; what is exempt is asked of
:mod:`committees.access`.
"""

import logging

from django.core.cache import cache
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from committees import access
from committees.choices import AttendanceStatus, MeetingStatus, ReportStatus
from committees.models import (
    AgendaItem,
    Attendance,
    CommitteeMember,
    Decision,
    Declaration,
    Meeting,
    ReportAppendix,
)
from partnership.pdf import (
    Part,
    UnusablePDF,
    assemble,
    check_mergeable,
    is_tagged,
    page_count,
    part_key,
    render_many,
    render_pdf,
    render_pdf_cached,
)

logger = logging.getLogger(__name__)

PACK_CACHE = "committees-pack"


def load_meeting(meeting_id):
    """The meeting with everything a paper shows, in a fixed number of queries."""
    items = AgendaItem.objects.select_related("report", "supplementary_agenda").prefetch_related(
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
    decision = meeting_decision(meeting, kind.decision_id)
    if decision is None:
        raise ValueError("This decision is not one of the meeting's.")
    progress(0, 1)
    pdf = render_pdf("pdf/committees/decision_notice.html", decision_context(meeting, decision))
    progress(1, 1)
    return pdf


def meeting_decision(meeting, decision_id):
    """One of the decisions loaded with ``meeting``, or None if it is not one of them."""
    return next((d for d in meeting.decisions.all() if d.pk == decision_id), None)


def members_on(meeting):
    return [m for m in meeting.committee.members.all() if m.is_current_on(meeting.date)]


def agenda_entries(meeting, include_exempt):
    """The agenda as the paper shows it: exempt items without their titles in public."""
    entries = []
    for item in meeting.items.all():
        if item.awaiting_supplement:  # a late item is published by its supplementary agenda
            continue
        exempt = access.is_exempt(item)
        shown = include_exempt or not exempt
        report = item.report if item.report_id else None
        entries.append(
            {
                "item": item,
                "number": item.order,
                "exempt": exempt,
                "shown": shown,
                "paragraph": access.exempt_paragraph(item),
                "report": report if shown and report and report.status == ReportStatus.FINAL else None,
                "report_to_follow": bool(shown and report and report.status != ReportStatus.FINAL),
            }
        )
    return entries


def pack_title(meeting, include_exempt):
    return "Members' agenda pack" if include_exempt else "Public agenda pack"


def pack_context(meeting, include_exempt):
    entries = agenda_entries(meeting, include_exempt)
    return {
        "title": f"{meeting.title or meeting.committee.name}: {pack_title(meeting, include_exempt)}",
        "pack_title": pack_title(meeting, include_exempt),
        "meeting": meeting,
        "committee": meeting.committee,
        "members": members_on(meeting),
        "quorum_rules": list(meeting.committee.quorum_rules.all()),
        "entries": entries,
        "include_exempt": include_exempt,
        "has_exempt": any(entry["exempt"] for entry in entries),
    }


def pack_parts(meeting, include_exempt):
    """The pack's context and the HTML of each of its parts: the front cover, then each shown
    report and each exempt item's placeholder, as (agenda entry or None, HTML, bookmark), and
    last a draft of the agenda, with page numbers as wide as any: rendered beside the parts,
    its length is known when the real numbers are."""
    context = pack_context(meeting, include_exempt)
    parts = [(None, render_to_string("pdf/committees/pack_cover.html", context), "Front cover")]
    for entry in context["entries"]:
        number = entry["number"]
        if not entry["shown"]:
            item_context = {**context, "entry": entry, "title": f"Item {number}: exempt item"}
            html = render_to_string("pdf/committees/exempt_placeholder.html", item_context)
            bookmark = f"Item {number}: exempt item (paragraph {entry['paragraph']}), not published"
            parts.append((entry, html, bookmark))
        elif entry["report"] is not None:
            report = entry["report"]
            item_context = {**context, "entry": entry, "report": report, "title": report.title}
            html = render_to_string("pdf/committees/report.html", item_context)
            parts.append((entry, html, f"Item {number}: {entry['item'].title}"))
    for entry, _, _ in parts[1:]:
        entry["page"] = 9999
    parts.append((None, render_to_string("pdf/committees/pack_agenda.html", context), "Agenda"))
    return context, parts


def missing_parts(meeting, kind):
    """The HTML of each part of ``kind``'s pack whose PDF is not in the cache, by cache key:
    what a build must render before it can assemble."""
    _, parts = pack_parts(meeting, kind.includes_exempt)
    keys = {part_key(html, PACK_CACHE): html for _, html, _ in parts}
    cached = cache.get_many(list(keys))
    return {key: html for key, html in keys.items() if key not in cached}


def render_agenda_pack(meeting, *, include_exempt, progress):
    """Cover and agenda, then each report with its appendices; bookmarked, stamped, tagged.

    The parts not in the cache are rendered side by side (:func:`partnership.pdf.render_many`).
    The agenda is rendered last, once every other part's length is known, so it can give each
    item's page: the number stamped on that page of the pack."""
    context, htmls = pack_parts(meeting, include_exempt)
    total = len(htmls)
    progress(0, total)
    *pdfs, draft = render_many(
        [html for _, html, _ in htmls],
        cache_prefix=PACK_CACHE,
        progress=lambda done, _: progress(min(done, total - 1), total),
    )
    htmls.pop()
    agenda = Part(None, bookmark="Agenda")
    cover = Part(pdfs[0], bookmark="Front cover")
    shown = {}
    for (entry, _, bookmark), data in zip(htmls[1:], pdfs[1:], strict=True):
        entry["part"] = shown[id(entry)] = Part(data, bookmark=bookmark, headings=entry["shown"])
        if entry["shown"]:
            entry["appendices"] = []
            for label, appendix in appendix_labels(entry["report"]):
                data = appendix_pdf(appendix, context, label)
                entry["part"].children.append((f"Appendix {label}: {appendix.title}", data))
                tagged = is_tagged(entry["part"].reader(data))
                entry["appendices"].append({"label": label, "title": appendix.title, "tagged": tagged})
    parts = [cover, agenda]
    for entry in context["entries"]:
        if id(entry) in shown:
            parts.append(shown[id(entry)])
        elif entry["shown"]:
            # No report: the item's bookmark points at the agenda.
            parts.append(
                Part(None, bookmark=f"Item {entry['number']}: {entry['item'].title}", same_as=agenda)
            )
    agenda.data = render_agenda_with_pages(context, cover, page_count(draft))
    when = timezone.localtime(meeting.starts_at)
    header = f"{meeting.committee.name}, {when:%-d %B %Y} — {context['pack_title']}"
    pdf = assemble(parts, title=context["title"], header=header)
    progress(total, total)
    return pdf


def render_agenda_with_pages(context, cover, agenda_pages=1):
    """The agenda, each item with papers given the page of the pack they start on.

    Its own length moves every later page: ``agenda_pages`` is its length as a draft rendered,
    and it is rendered again until the numbers it gives are the ones its length makes."""
    entries = context["entries"]
    lengths = [entry["part"].page_count() if "part" in entry else 0 for entry in entries]
    data = None
    cover_pages = cover.page_count()
    for _attempt in range(3):
        page = 1 + cover_pages + agenda_pages
        for entry, length in zip(entries, lengths, strict=True):
            entry["page"] = page if length else None
            page += length
        data = render_pdf_cached("pdf/committees/pack_agenda.html", context, cache_prefix=PACK_CACHE)
        pages = page_count(data)
        if pages == agenda_pages:
            break
        agenda_pages = pages
    return data


def appendix_labels(report):
    """Each appendix of ``report`` with its label, as the report page and the report's cover
    sheet write it: numbered from 1 in the order the author set (1, 2, ... 27, ...)."""
    return enumerate(report.appendices.all(), start=1)


def appendix_pdf(appendix, context, label):
    """The appendix's own PDF pages, or a page saying why it could not be included."""
    try:
        with appendix.file.open("rb") as handle:
            data = handle.read()
        check_mergeable(data)
        return data
    except (OSError, UnusablePDF) as exc:
        logger.warning("Appendix %s could not be merged: %s", appendix.pk, exc)
        return render_pdf(
            "pdf/committees/appendix_missing.html",
            {**context, "appendix": appendix, "label": label, "title": appendix.title},
        )


def minutes_context(meeting, include_exempt):
    entries = agenda_entries(meeting, include_exempt)
    shown_item_ids = {e["item"].pk for e in entries if e["shown"]}
    decisions = [d for d in meeting.decisions.all() if include_exempt or not access.is_exempt(d)]
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
        "exempt": access.is_exempt(decision),
        "bindings": list(decision.bindings.all()),
    }
