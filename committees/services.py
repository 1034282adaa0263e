"""The committees' rules: the meeting cycle, quorum, nominations and what a decision binds."""

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from committees import access, alerts, clearance, interests, key_decisions, validity
from committees.choices import (
    CYCLE_MONTHS,
    ActionStatus,
    AmendmentStatus,
    AttendanceStatus,
    BindingOutcome,
    CallInOutcome,
    ClearanceOutcome,
    CommitteeStatus,
    InterestReview,
    MeetingStatus,
    ReportStatus,
)
from committees.models import (
    Action,
    AgendaItem,
    Attendance,
    ClearanceReviewer,
    Committee,
    CommitteeMember,
    Decision,
    DecisionBinding,
    Meeting,
    MeetingTemplate,
    MeetingTemplateItem,
    Minute,
    MinuteAmendment,
    PlannedDecision,
    RegisteredInterest,
    Report,
    ReportAppendix,
    ReportClearance,
    ReportCostLine,
    SupplementaryAgenda,
)
from committees.validity import quorum_status
from partnership import dates, permissions
from partnership.models import Organisation
from partnership.services import queue_reminders

DEFAULT_MEETING_TIME = datetime.time(14, 0)
#: Meetings are generated on this weekday (Thursday) ...
MEETING_WEEKDAY = 3
#: ... of this week of the month (the second).
MEETING_WEEK = 2


def _locked_meeting(meeting):
    """``meeting`` as it is now, locked until the transaction ends: agenda, minutes,
    attendance and status changes to one meeting happen one at a time."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _name(user):
    """How a message names the person who did something."""
    return (user.get_full_name() or user.username) if user else "someone"


def _stamp(obj, user, reason, organisation=None):
    obj._history_user = user
    obj._change_reason = reason
    if organisation is not None:
        obj._acting_organisation = organisation


# --- The meeting cycle ------------------------------------------------------------------


#: What a standing item carries into a new meeting.
STANDING_ITEM_FIELDS = ("title", "purpose", "presenter", "description", "allotted_minutes")


def _plan_meeting(*, committee, day, at, place, items, user, reason, title=""):
    """A new planned meeting of ``committee`` on ``day`` at ``at``, with ``items`` (dicts of an
    agenda item's fields) in their order; one meeting a day, under the committee's row lock."""
    permissions.require(access.can_run(user, committee), "Only committee secretaries may plan meetings.")
    if day < timezone.localdate():
        raise ValidationError({"day": "Choose a day from today on: a meeting is planned ahead."})
    if committee.status == CommitteeStatus.DISSOLVED and committee.status_to is None:
        raise ValidationError(f"{committee} is dissolved: it has no more meetings.")
    if (committee.status_from and day < committee.status_from) or (
        committee.status_to and day > committee.status_to
    ):
        raise ValidationError({"day": f"{committee} does not exist on {day:%-d %B %Y}."})
    starts_at = timezone.make_aware(datetime.datetime.combine(day, at))
    with transaction.atomic():
        # Lock the committee: two secretaries planning the same day make one meeting.
        Committee.objects.select_for_update().filter(pk=committee.pk).values_list("pk", flat=True).get()
        if committee.meetings.filter(starts_at__date=day).exclude(status=MeetingStatus.CANCELLED).exists():
            raise ValidationError({"day": f"{committee} already has a meeting on {day:%-d %B %Y}."})
        meeting = Meeting(committee=committee, starts_at=starts_at, place=place, title=title)
        _stamp(meeting, user, reason)
        meeting.save()
        for order, fields in enumerate(items, start=1):
            item = AgendaItem(meeting=meeting, order=order, **fields)
            _stamp(item, user, reason)
            item.save()
    return meeting


def plan_meeting_like(*, source, day, user, reason=""):
    """A new planned meeting of ``source``'s committee on ``day``, at its time and place, with
    its standing business in its running order (with each item's time allowed): the items that
    take no report and were not late. Reports, minutes, attendance and decisions are the new
    meeting's own to gather."""
    standing = source.items.filter(report__isnull=True, late=False).order_by("order", "pk")
    fields = (*STANDING_ITEM_FIELDS, "exempt", "exempt_paragraph", "public_interest_reasons")
    return _plan_meeting(
        committee=source.committee,
        day=day,
        at=timezone.localtime(source.starts_at).time(),
        place=source.place,
        title=source.title,
        items=[{name: getattr(item, name) for name in fields} for item in standing],
        user=user,
        reason=reason or f"Planned like the meeting of {source.date:%-d %B %Y}",
    )


def save_meeting_template(*, meeting, name, user, reason=""):
    """Keep ``meeting``'s time, place and open standing items (no report, not late, not exempt)
    as a template of its committee named ``name``."""
    committee = meeting.committee
    permissions.require(access.can_run(user, committee), "Only committee secretaries keep meeting templates.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the template, for example “Quarterly board meeting”."})
    standing = meeting.items.filter(report__isnull=True, late=False, exempt=False).order_by("order", "pk")
    with transaction.atomic():
        Committee.objects.select_for_update().filter(pk=committee.pk).values_list("pk", flat=True).get()
        if committee.meeting_templates.filter(name__iexact=name).exists():
            raise ValidationError({"name": f"{committee} already has a template called “{name}”."})
        template = MeetingTemplate(
            committee=committee,
            name=name,
            start_time=timezone.localtime(meeting.starts_at).time(),
            place=meeting.place,
        )
        _stamp(template, user, reason or f"Kept from the meeting of {meeting.date:%-d %B %Y}")
        template.save()
        for order, item in enumerate(standing, start=1):
            kept = MeetingTemplateItem(
                template=template, order=order, **{name: getattr(item, name) for name in STANDING_ITEM_FIELDS}
            )
            _stamp(kept, user, reason or "Standing item")
            kept.save()
    return template


def plan_meeting_from_template(*, template, day, user, reason=""):
    """A new planned meeting of the template's committee on ``day``, at its time and place, with
    its items in their running order."""
    return _plan_meeting(
        committee=template.committee,
        day=day,
        at=template.start_time,
        place=template.place,
        items=[{name: getattr(item, name) for name in STANDING_ITEM_FIELDS} for item in template.items.all()],
        user=user,
        reason=reason or f"Planned from the template “{template.name}”",
    )


def delete_meeting_template(*, template, user, reason=""):
    """Remove a template; the meetings planned from it keep their items. False if already gone."""
    permissions.require(
        access.can_run(user, template.committee), "Only committee secretaries keep meeting templates."
    )
    with transaction.atomic():
        current = MeetingTemplate.objects.select_for_update().filter(pk=template.pk).first()
        if current is None:
            return False
        for item in current.items.all():
            _stamp(item, user, reason or "Template removed")
            item.delete()
        _stamp(current, user, reason or "Template removed")
        current.delete()
    return True


def cycle_day(year, month):
    """The usual meeting day in ``month``: the second Thursday, or the next working day."""
    weeks = calendar.Calendar().monthdatescalendar(year, month)
    thursdays = [week[MEETING_WEEKDAY] for week in weeks if week[MEETING_WEEKDAY].month == month]
    day = thursdays[MEETING_WEEK - 1]
    while not dates.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def generate_meetings(*, committee, year, user, first_month=1):
    """Plan ``committee``'s meetings for ``year`` from its cycle; returns the new meetings.

    Months that already have a meeting are skipped, so running it twice adds
    nothing. Months outside the committee's life (before it starts or after
    it is dissolved) get no meeting. The meetings can then be edited one by one.
    """
    permissions.require(access.can_run(user, committee), "Only committee secretaries may plan meetings.")
    if committee.status == CommitteeStatus.DISSOLVED and committee.status_to is None:
        raise ValidationError(f"{committee} is dissolved: it has no more meetings.")
    step = CYCLE_MONTHS[committee.cycle]
    at = committee.default_meeting_time or DEFAULT_MEETING_TIME
    created = []
    with transaction.atomic():
        # Lock the committee first: a second "plan meetings" waits, then finds these.
        Committee.objects.select_for_update().filter(pk=committee.pk).values_list("pk", flat=True).get()
        existing = {
            (d.year, d.month)
            for d in (
                timezone.localtime(s)
                for s in committee.meetings.filter(starts_at__year=year).values_list("starts_at", flat=True)
            )
        }
        for month in range(first_month, 13, step):
            day = cycle_day(year, month)
            if (year, month) in existing:
                continue
            if committee.status_from and day < committee.status_from:
                continue
            if committee.status_to and day > committee.status_to:
                continue
            meeting = Meeting(
                committee=committee,
                starts_at=timezone.make_aware(datetime.datetime.combine(day, at)),
                place=committee.default_place,
            )
            _stamp(meeting, user, f"Planned from the {committee.get_cycle_display().lower()} cycle")
            meeting.save()
            created.append(meeting)
    return created


def publish_agenda(*, meeting, user):
    """Mark the agenda published; refuses a cancelled meeting, allows a late one.

    Published once: publishing again would move the date the late items are
    counted from, so items added since go on a supplementary agenda instead.
    """
    permissions.require(access.can_run(user, meeting.committee))
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError("A cancelled meeting has no agenda to publish.")
        if meeting.status in (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED):
            raise ValidationError(
                f"This meeting is {meeting.get_status_display().lower()}: its agenda can no longer "
                "be published."
            )
        if meeting.status == MeetingStatus.AGENDA_PUBLISHED:
            when = meeting.agenda_published_at
            raise ValidationError(
                "The agenda was already published"
                + (f" on {timezone.localtime(when):%-d %B %Y at %H:%M}" if when else "")
                + ". Items added since are late items: publish them on a supplementary agenda."
            )
        if not meeting.items.exists():
            raise ValidationError("Add at least one agenda item before publishing the agenda.")
        _check_reports_approved(meeting.items.all())
        now = timezone.now()
        late = timezone.localdate(now) > meeting.agenda_publication_due
        meeting.status = MeetingStatus.AGENDA_PUBLISHED
        meeting.agenda_published_at = now
        _stamp(meeting, user, "Agenda published" + (" late" if late else ""))
        meeting.save()
        alerts.announce(
            committee=meeting.committee,
            subject=f"Agenda published: {meeting.committee.name}, {meeting.date:%-d %B %Y}",
            body=f"The agenda of {meeting} is published.",
            link=reverse("public:meeting", args=[meeting.pk]),
        )
        queue_reminders(interests.declaration_prompts(meeting))
    return late


#: How a meeting moves on. Publishing the agenda has its own service (above); a meeting
#: never goes back, so public minutes cannot be taken offline by a late click.
MEETING_MOVES = {
    MeetingStatus.PLANNED: (MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.CANCELLED),
    MeetingStatus.AGENDA_PUBLISHED: (MeetingStatus.HELD, MeetingStatus.CANCELLED),
    MeetingStatus.HELD: (MeetingStatus.MINUTES_APPROVED,),
    MeetingStatus.MINUTES_APPROVED: (),
    MeetingStatus.CANCELLED: (),
}

MEETING_MOVE_LABELS = {
    MeetingStatus.HELD: "Record that the meeting was held",
    MeetingStatus.MINUTES_APPROVED: "Record the minutes as approved",
    MeetingStatus.CANCELLED: "Cancel the meeting",
}


def meeting_moves(meeting):
    """The moves offered on the meeting's page (publishing has its own button)."""
    return [
        (status, MEETING_MOVE_LABELS[status])
        for status in MEETING_MOVES[MeetingStatus(meeting.status)]
        if status != MeetingStatus.AGENDA_PUBLISHED
    ]


def move_meeting(*, meeting, status, user, approved_on=None, reason=""):
    """Record that ``meeting`` was held, its minutes approved, or that it was cancelled,
    if that follows from the status it has now (checked under its row lock)."""
    permissions.require(access.can_run(user, meeting.committee), "Only committee secretaries run meetings.")
    status = MeetingStatus(status)
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        current = MeetingStatus(meeting.status)
        if status not in MEETING_MOVES[current] or status == MeetingStatus.AGENDA_PUBLISHED:
            raise ValidationError(
                f"This meeting is {current.label.lower()}: it cannot be marked {status.label.lower()}."
            )
        if status == MeetingStatus.HELD and meeting.starts_at > timezone.now():
            raise ValidationError("A meeting cannot be recorded as held before it has started.")
        if status == MeetingStatus.HELD and late_items_to_publish(meeting).exists():
            raise ValidationError(
                "Publish the supplementary agenda for the late items (or remove them) before recording "
                "the meeting as held: the public may inspect an item from when it is added."
            )
        if status == MeetingStatus.MINUTES_APPROVED:
            meeting.minutes_approved_on = _minutes_approval_date(meeting, approved_on)
        if status == MeetingStatus.CANCELLED and not reason.strip():
            raise ValidationError("Reason: say why the meeting is cancelled.")
        meeting.status = status
        _stamp(meeting, user, reason or f"Meeting {status.label.lower()}")
        meeting.save()
        if status == MeetingStatus.MINUTES_APPROVED:
            alerts.announce(
                committee=meeting.committee,
                subject=f"Minutes approved: {meeting.committee.name}, {meeting.date:%-d %B %Y}",
                body=f"The minutes of {meeting} are approved and published.",
                link=reverse("public:meeting", args=[meeting.pk]),
            )
    return meeting


def _minutes_approval_date(meeting, approved_on):
    """The day the committee approved ``meeting``'s (locked) minutes: that of the later meeting
    whose item approved them, with no amendment still undecided."""
    item = approving_item(meeting)
    if item is None:
        raise ValidationError(
            "The committee approves its minutes at a later meeting: put an item that approves the minutes "
            "of this one on that meeting's agenda, and record that meeting as held, first."
        )
    undecided = MinuteAmendment.objects.filter(
        minute__agenda_item__meeting=meeting, status=AmendmentStatus.PROPOSED
    ).count()
    if undecided:
        raise ValidationError(
            f"Accept or reject the {undecided} proposed amendment{'s' if undecided > 1 else ''} to the draft "
            "minutes first."
        )
    if approved_on is not None and approved_on != item.meeting.date:
        raise ValidationError(
            f"Date the minutes were approved: the meeting of {item.meeting.date:%-d %B %Y} approved them."
        )
    return item.meeting.date


# --- The agenda ----------------------------------------------------------------------


def remove_member(*, member, user, reason):
    """Remove ``member`` from its committee, under the committee's row lock. A member who
    attended or declared an interest stays on the record: their membership is ended instead."""
    permissions.require(
        access.can_manage(user, member.committee),
        "Only officers of the committee's partner bodies may change its members.",
    )
    with transaction.atomic():
        Committee.objects.select_for_update().get(pk=member.committee_id)
        member = CommitteeMember.objects.filter(pk=member.pk).first()
        if member is None:
            raise ValidationError("That member was already removed.")
        if member.attendances.exists() or member.declarations.exists():
            raise ValidationError(
                f"{member} has attended meetings or declared interests, which the record must keep: "
                "give their membership an end date instead."
            )
        _stamp(member, user, reason)
        member.delete()


def renumber_items(meeting, user):
    """Number the items 1, 2, 3 ... in their current order, saving only those that change."""
    permissions.require(access.can_run(user, meeting.committee))
    for number, item in enumerate(meeting.items.order_by("order", "pk"), start=1):
        if item.order != number:
            item.order = number
            _stamp(item, user, "Agenda renumbered")
            item.save()


def add_agenda_item(*, item, user, reason=""):
    """Add ``item`` to its meeting's agenda, or save a change to it. An item added after the
    agenda was published is a late item (:func:`check_late_item`)."""
    permissions.require(access.can_run(user, item.meeting.committee))
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting)
        check_public_interest(item)
        check_minutes_item(item)
        published = (
            meeting.status == MeetingStatus.AGENDA_PUBLISHED and item.pk and not item.awaiting_supplement
        )
        if published and item.report_id and item.report.status != ReportStatus.FINAL:
            raise ValidationError(
                {"report": "The agenda is published: only a report approved for publication can go on it."}
            )
        if not item.pk:
            check_late_item(meeting=meeting, item=item)
            last = item.meeting.items.order_by("-order").values_list("order", flat=True).first()
            item.order = (last or 0) + 1
        _stamp(item, user, reason)
        item.save()
        renumber_items(item.meeting, user)
    return item


def _check_reports_approved(items):
    """Only a report approved for publication (cleared and final) goes on a published agenda."""
    drafts = Report.objects.filter(agenda_items__in=items).exclude(status=ReportStatus.FINAL).distinct()
    titles = [f"“{report.title}”" for report in drafts.order_by("title")]
    if titles:
        raise ValidationError(
            "Only reports approved for publication go on a published agenda: "
            + ", ".join(titles)
            + (" is" if len(titles) == 1 else " are")
            + " still a draft. Have it cleared and approved, or take it off the agenda."
        )


def check_public_interest(item):
    """An exempt item (its own box, or its report's) gives the public interest test's reasons
    (Local Government Act 1972, Schedule 12A, paragraph 10); an open item keeps none."""
    exempt = item.exempt or bool(item.report_id and item.report.exempt)
    item.public_interest_reasons = item.public_interest_reasons.strip() if exempt else ""
    if exempt and not item.public_interest_reasons:
        raise ValidationError(
            "Public interest test: say why the public interest in maintaining the exemption "
            "outweighs the public interest in disclosing the information."
        )


def _check_agenda_open(meeting, what):
    """Once a meeting is held (or cancelled) its agenda is the record of what it took."""
    if meeting.status not in TAKES_ITEMS:
        raise ValidationError(
            f"This meeting is {meeting.get_status_display().lower()}: its agenda can no longer be {what}."
        )


def move_agenda_item(*, item, direction, user):
    """Swap ``item`` with its neighbour above (``up``) or below (``down``)."""
    permissions.require(access.can_run(user, item.meeting.committee))
    if direction not in ("up", "down"):
        raise ValidationError("Move an item up or down.")
    with transaction.atomic():
        _check_agenda_open(_locked_meeting(item.meeting), "reordered")
        renumber_items(item.meeting, user)
        items = list(item.meeting.items.order_by("order", "pk"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index - 1 if direction == "up" else index + 1
        if target < 0 or target >= len(items):
            return False
        neighbour = items[target]
        this = items[index]
        this.order, neighbour.order = neighbour.order, this.order
        for obj in (this, neighbour):
            _stamp(obj, user, f"Agenda item moved {direction}")
            obj.save()
    return True


def delete_agenda_item(*, item, user, reason=""):
    permissions.require(access.can_run(user, item.meeting.committee))
    meeting = item.meeting
    with transaction.atomic():
        _check_agenda_open(_locked_meeting(meeting), "changed: no item can be removed")
        _stamp(item, user, reason)
        item.delete()
        renumber_items(meeting, user)


# --- Late items and supplementary agendas ------------------------------------------------

#: A meeting takes new items until it is held; once its agenda is out they are late items.
TAKES_ITEMS = (MeetingStatus.PLANNED, MeetingStatus.AGENDA_PUBLISHED)


def check_late_item(*, meeting, item):
    """Before a new ``item`` joins ``meeting`` (locked): refused once the meeting is held,
    cancelled or its minutes approved; after the agenda is published it is a late item,
    which needs the special circumstances the chair accepted (LGA 1972 s100B(4)(b))."""
    if meeting.status not in TAKES_ITEMS:
        raise ValidationError(
            f"This meeting is {meeting.get_status_display().lower()}: no more items can be added "
            "to its agenda."
        )
    item.late = meeting.status == MeetingStatus.AGENDA_PUBLISHED
    item.late_reason = item.late_reason.strip() if item.late else ""
    if item.late and not item.late_reason:
        raise ValidationError(
            "Special circumstances for taking the item late: the agenda is already published, so "
            "say why the item cannot wait for the next meeting."
        )


def late_items_to_publish(meeting):
    """The meeting's late items not yet on a supplementary agenda."""
    return meeting.items.filter(late=True, supplementary_agenda__isnull=True)


def publish_supplementary_agenda(*, meeting, user):
    """Publish the late items added since the agenda (or the last supplement) as the next
    supplementary agenda, numbered 1, 2 ... Refused when there is nothing new, so a second
    click publishes nothing twice."""
    permissions.require(
        access.can_run(user, meeting.committee), "Only committee secretaries publish agendas."
    )
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status != MeetingStatus.AGENDA_PUBLISHED:
            raise ValidationError(
                f"This meeting is {meeting.get_status_display().lower()}: a supplementary agenda is "
                "published only after the agenda and before the meeting is held."
            )
        items = list(late_items_to_publish(meeting).order_by("order", "pk"))
        if not items:
            raise ValidationError(
                "There are no late items waiting for a supplementary agenda: nothing was published."
            )
        _check_reports_approved(items)
        last = meeting.supplements.order_by("-number").values_list("number", flat=True).first()
        supplement = SupplementaryAgenda(
            meeting=meeting, number=(last or 0) + 1, published_at=timezone.now(), published_by=user
        )
        _stamp(supplement, user, f"Supplementary agenda {supplement.number} published")
        supplement.save()
        for item in items:
            item.supplementary_agenda = supplement
            _stamp(item, user, f"Published on supplementary agenda {supplement.number}")
            item.save()
        queue_reminders(interests.declaration_prompts(meeting))
    return supplement


def minute_version(minute):
    """What an edit form carries to say which minute it was opened on."""
    return minute.updated_at.isoformat() if minute is not None and minute.pk else "new"


class MinuteChanged(ValidationError):
    """Someone else saved the minute after the form was opened; ``current_version`` lets a
    second, knowing save go through."""

    def __init__(self, message, current_version):
        super().__init__(message)
        self.current_version = current_version


def save_minute(*, item, text, user, reason="", loaded_version=None):
    """Write ``item``'s minute. With ``loaded_version`` (from :func:`minute_version` when the
    form was opened), a minute saved by someone else since is refused, not overwritten."""
    permissions.require(access.can_run(user, item.meeting.committee))
    with transaction.atomic():
        _check_minutes_open(_locked_meeting(item.meeting), "minutes")
        minute = Minute.objects.filter(agenda_item=item).first()
        if loaded_version is not None and loaded_version != minute_version(minute):
            raise MinuteChanged(
                "Someone else saved this minute after you opened it, so yours was not saved. "
                "Their minute is in the item's history; your text is below: save again to replace theirs.",
                minute_version(minute),
            )
        minute = minute or Minute(agenda_item=item)
        if minute.pk and minute.text == text:
            return minute
        minute.text = text
        _stamp(minute, user, reason)
        minute.save()
    return minute


# --- Draft minutes: circulated, amended, approved at the next meeting ----------------------------


def circulate_minutes(*, meeting, user):
    """Send the draft minutes to those who attended (with an account), for their amendments.
    Circulated again after changes, they go again. The e-mail names the meeting only."""
    permissions.require(
        access.can_run(user, meeting.committee), "Only committee secretaries circulate minutes."
    )
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status != MeetingStatus.HELD:
            raise ValidationError(
                "Draft minutes are circulated once the meeting is recorded as held, until they are approved."
            )
        if not Minute.objects.filter(agenda_item__meeting=meeting).exists():
            raise ValidationError("Write the minutes before circulating them.")
        today = timezone.localdate()
        meeting.minutes_circulated_on = today
        _stamp(meeting, user, "Draft minutes circulated")
        meeting.save()
        attendees = {
            a.member.user
            for a in meeting.attendances.filter(
                status__in=(AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE),
                member__user__isnull=False,
                member__user__is_active=True,
            ).select_related("member__user")
        }
        queue_reminders(
            {
                "key": f"committees:minutes-circulated:{meeting.pk}:{today.isoformat()}:{attendee.pk}",
                "recipient": attendee,
                "subject": f"Draft minutes for your comments: {meeting}",
                "body": f"The draft minutes of {meeting} are ready. If a minute is not a true record, "
                "propose an amendment from the meeting's page before they go to the committee's next "
                "meeting for approval.",
                "link": meeting.minutes_url,
                "partnership": meeting.committee.partnership,
            }
            for attendee in sorted(attendees, key=lambda person: person.pk)
        )
    return meeting


def propose_amendment(*, amendment, user):
    """Someone who attended proposes that a draft minute read differently."""
    meeting = amendment.minute.agenda_item.meeting
    permissions.require(
        access.may_propose_amendment(user, meeting), "Only those who attended the meeting propose amendments."
    )
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status != MeetingStatus.HELD or meeting.minutes_circulated_on is None:
            raise ValidationError(
                "Amendments are proposed to draft minutes once they are circulated, until they are approved."
            )
        minute = Minute.objects.get(pk=amendment.minute_id)
        if amendment.text.strip() == minute.text.strip():
            raise ValidationError({"text": "Change the wording: this is the minute as it stands."})
        if minute.amendments.filter(proposed_by=user, status=AmendmentStatus.PROPOSED).exists():
            raise ValidationError(
                "You have already proposed an amendment to this minute: it awaits the secretary."
            )
        amendment.proposed_by = user
        amendment.status = AmendmentStatus.PROPOSED
        _stamp(amendment, user, "Amendment proposed")
        amendment.save()
    return amendment


def decide_amendment(*, amendment, user, accept, reason=""):
    """The secretary accepts a proposed amendment (the minute then reads as proposed) or rejects
    it with the reason; whoever proposed it is told."""
    meeting = amendment.minute.agenda_item.meeting
    permissions.require(
        access.can_run(user, meeting.committee), "Only committee secretaries decide amendments."
    )
    if not accept and not reason.strip():
        raise ValidationError({"reason": "Give the reason for rejecting it: whoever proposed it is told."})
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _check_minutes_open(meeting, "minutes")
        locked = MinuteAmendment.objects.select_for_update().get(pk=amendment.pk)
        if locked.status != AmendmentStatus.PROPOSED:
            done = locked.get_status_display().lower()
            raise ValidationError(f"This amendment was already {done} by {_name(locked.decided_by)}.")
        proposer = locked.proposed_by
        if accept:
            minute = Minute.objects.select_for_update().get(pk=locked.minute_id)
            minute.text = locked.text
            _stamp(
                minute,
                user,
                f"Amendment proposed by {_name(proposer)} accepted",
            )
            minute.save()
        locked.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.REJECTED
        locked.decided_by, locked.decided_on = user, timezone.localdate()
        locked.decision_reason = reason.strip()
        _stamp(locked, user, f"Amendment {locked.get_status_display().lower()}")
        locked.save()
        number = locked.minute.agenda_item.number
        queue_reminders(
            [
                {
                    "key": f"committees:amendment:{locked.pk}:{locked.status}",
                    "recipient": proposer,
                    "subject": f"Your amendment was {locked.get_status_display().lower()}: {meeting}",
                    "body": f"Your amendment to the minute of item {number} of {meeting} was "
                    f"{locked.get_status_display().lower()}"
                    + (f". The reason given: {locked.decision_reason}" if not accept else ".")
                    + " Read it on the meeting's page.",
                    "link": meeting.minutes_url,
                    "partnership": meeting.committee.partnership,
                }
            ]
        )
    return locked


def check_minutes_item(item):
    """An item that approves minutes names an earlier meeting of the same committee, held and
    not yet approved."""
    earlier = item.minutes_of
    if earlier is None:
        return
    if earlier.committee_id != item.meeting.committee_id or earlier.starts_at >= item.meeting.starts_at:
        raise ValidationError({"minutes_of": "Choose an earlier meeting of this committee."})
    if earlier.status not in (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED) or (
        earlier.status == MeetingStatus.MINUTES_APPROVED and item.pk is None
    ):
        raise ValidationError(
            {"minutes_of": f"The meeting of {earlier.date:%-d %B %Y} has no draft minutes to approve."}
        )


def approving_item(meeting):
    """The item of a later meeting of the committee, recorded as held, at which the committee
    approved ``meeting``'s minutes; None if there is none yet."""
    return (
        meeting.approving_items.filter(
            meeting__committee_id=meeting.committee_id,
            meeting__starts_at__gt=meeting.starts_at,
            meeting__status__in=(MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED),
        )
        .select_related("meeting")
        .order_by("meeting__starts_at")
        .first()
    )


# --- Attendance and quorum -------------------------------------------------------------


def record_attendance(*, meeting, entries, user, reason=""):
    """Record attendance; ``entries`` maps a member to (status, substitute name)."""
    permissions.require(access.can_run(user, meeting.committee))
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _check_minutes_open(meeting, "attendance")
        current = {a.member_id: a for a in meeting.attendances.all()}
        for member, (status, substitute_name) in entries.items():
            if member.committee_id != meeting.committee_id:
                raise ValidationError(f"{member} is not a member of {meeting.committee}.")
            if status == AttendanceStatus.SUBSTITUTE and not substitute_name:
                raise ValidationError(f"Give the name of the substitute for {member}.")
            attendance = current.get(member.pk)
            if attendance is None:
                if not status:
                    continue
                attendance = Attendance(meeting=meeting, member=member)
            elif not status:
                _stamp(attendance, user, reason)
                attendance.delete()
                continue
            if attendance.pk and (attendance.status, attendance.substitute_name) == (
                status,
                substitute_name,
            ):
                continue
            attendance.status = status
            attendance.substitute_name = substitute_name if status == AttendanceStatus.SUBSTITUTE else ""
            _stamp(attendance, user, reason)
            attendance.save()


# --- Nominations ----------------------------------------------------------------------


@dataclass
class NominationCheck:
    required: bool
    counts: list  # (organisation, number of voting members)

    @property
    def equal(self):
        return len({count for _, count in self.counts}) <= 1

    @property
    def ok(self):
        return not self.required or self.equal


def nomination_check(committee, on=None, members=None, rules=None):
    """How many current voting members each body nominates, and whether that is equal.

    The bodies counted are those with a quorum rule and those nominating a
    voting member, so a partner with no one on the committee shows as 0.
    """
    on = on or timezone.localdate()
    if members is None:
        members = committee.members.select_related("organisation")
    if rules is None:
        rules = committee.quorum_rules.select_related("organisation")
    bodies = {rule.organisation_id: rule.organisation for rule in rules}
    successors = validity.successor_ids({m.organisation for m in members if m.organisation_id})
    counts = Counter()
    for member in members:
        if member.voting and member.organisation_id and member.is_current_on(on):
            # A nominee of a body since reorganised counts for the successor holding its rule.
            chain = validity.body_and_successors(member.organisation_id, successors)
            body_id = next((pk for pk in chain if pk in bodies), member.organisation_id)
            bodies.setdefault(body_id, member.organisation)
            counts[body_id] += 1
    rows = sorted(((body, counts.get(pk, 0)) for pk, body in bodies.items()), key=lambda row: row[0].name)
    return NominationCheck(required=committee.equal_nomination_required, counts=rows)


# --- Decisions and delegated authority ----------------------------------------------------


def record_decision(
    *,
    meeting,
    resolution,
    matter,
    organisations,
    user,
    agenda_item=None,
    amount=None,
    decided_on=None,
    reference="",
    reason="",
    planned_decision=None,
    key_decision=False,
    exception_notice_on=None,
    urgency_agreed_by="",
    urgency_reasons="",
):
    """Record what ``meeting`` resolved, and for each body whether it is bound.

    A key decision is recorded only if it was lawfully taken: on the forward plan 28 clear
    days before, or under the general exception or special urgency
    (:func:`committees.key_decisions.key_decision_route`, asked with the plan entry as it is
    under lock); the route is kept on the decision.

    Each body is bound only if :func:`committees.validity.binding_answer` says so, asked
    under the meeting's row lock (so attendance cannot change meanwhile); otherwise the
    decision is a recommendation awaiting that body's ratification, and the binding keeps
    the reasons.
    """
    committee = meeting.committee
    permissions.require(access.can_run(user, committee), "Only committee secretaries record decisions.")
    decided_on = decided_on or meeting.date
    organisations = list(organisations)
    if not organisations:
        raise ValidationError("Choose at least one body the decision is for.")
    partner_ids = permissions.partner_organisation_ids(committee.partnership)
    for organisation in organisations:
        if organisation.pk not in partner_ids:
            raise ValidationError(f"{organisation} is not a partner in {committee.partnership}.")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError("That agenda item belongs to another meeting.")
    if amount is not None and amount < 0:
        raise ValidationError("The amount cannot be negative.")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _check_minutes_open(meeting, "decisions")
        committee = Committee.objects.get(pk=meeting.committee_id)
        meeting.committee = committee
        planned = _planned_for(planned_decision, committee)
        route = ""
        if key_decision:
            route = key_decisions.key_decision_route(
                decided_on=decided_on,
                plan_published_on=planned.published_on if planned else None,
                exception_notice_on=exception_notice_on,
                urgency_agreed_by=urgency_agreed_by,
                urgency_reasons=urgency_reasons,
            )
        quorum = quorum_status(meeting, on=decided_on)
        decision = Decision(
            meeting=meeting,
            agenda_item=agenda_item,
            resolution=resolution,
            matter=matter,
            amount=amount,
            decided_on=decided_on,
            reference=reference,
            planned_decision=planned,
            key_decision=key_decision,
            key_decision_route=route,
            exception_notice_on=exception_notice_on if key_decision else None,
            urgency_agreed_by=urgency_agreed_by.strip() if key_decision else "",
            urgency_reasons=urgency_reasons.strip() if key_decision else "",
        )
        _stamp(decision, user, reason)
        decision.save()
        for organisation in organisations:
            answer = validity.binding_answer(
                committee=committee,
                organisation=organisation,
                meeting=meeting,
                matter=matter,
                amount=amount,
                on=decided_on,
                quorum=quorum,
            )
            binding = DecisionBinding(
                decision=decision,
                organisation=organisation,
                delegation=answer.delegation,
                outcome=answer.outcome,
                reasons=answer.reasons_text,
            )
            _stamp(binding, user, reason, organisation)
            binding.save()
    return decision


def _planned_for(planned_decision, committee):
    """The forward plan entry, as it is now and locked, if it is this committee's."""
    if planned_decision is None:
        return None
    planned = PlannedDecision.objects.select_for_update().filter(pk=planned_decision.pk).first()
    if planned is None or planned.committee_id != committee.pk:
        raise ValidationError({"planned_decision": "That forward plan entry is not one of this committee's."})
    return planned


def _locked_decision(decision, user):
    permissions.require(
        access.can_run(user, decision.meeting.committee), "Only committee secretaries record call-in."
    )
    return Decision.objects.select_for_update().select_related("meeting__committee").get(pk=decision.pk)


def publish_decision(*, decision, user, on, reason=""):
    """Record the day the decision was published: its call-in period runs from then."""
    with transaction.atomic():
        locked = _locked_decision(decision, user)
        if locked.published_on is not None:
            raise ValidationError(f"This decision was already published on {locked.published_on:%-d %B %Y}.")
        if on < locked.decided_on:
            raise ValidationError({"on": "A decision cannot be published before it is taken."})
        locked.published_on = on
        _stamp(locked, user, reason or "Decision published")
        locked.save()
        if not access.is_exempt(locked):
            alerts.announce(
                committee=locked.meeting.committee,
                subject=f"Decision published: {locked.reference or locked.meeting.committee.name}",
                body=f"A decision of {locked.meeting} is published; its notice gives the call-in period.",
                link=reverse("public:meeting", args=[locked.meeting_id]),
            )
    return locked


def call_in_decision(*, decision, user, on, reason=""):
    """Record that scrutiny called the decision in, within its call-in period."""
    with transaction.atomic():
        locked = _locked_decision(decision, user)
        state = key_decisions.call_in(locked)
        if not state.applies:
            raise ValidationError(state.state)
        if locked.published_on is None:
            raise ValidationError("This decision has not been published, so it cannot be called in yet.")
        if locked.called_in_on is not None:
            raise ValidationError(f"This decision was already called in on {locked.called_in_on:%-d %B %Y}.")
        if not locked.published_on <= on <= state.open_until:
            raise ValidationError(
                {
                    "on": f"It could be called in from {locked.published_on:%-d %B %Y} to "
                    f"{state.open_until:%-d %B %Y}."
                }
            )
        locked.called_in_on = on
        _stamp(locked, user, reason or "Decision called in")
        locked.save()
    return locked


def decide_call_in(*, decision, user, outcome, on, reason=""):
    """Record how a call-in ended: the decision stands (implemented from ``on``) or is referred
    back to the decision-maker."""
    with transaction.atomic():
        locked = _locked_decision(decision, user)
        if locked.called_in_on is None:
            raise ValidationError("This decision has not been called in.")
        if locked.call_in_outcome:
            raise ValidationError(
                f"The call-in was already decided: {locked.get_call_in_outcome_display().lower()}."
            )
        if on < locked.called_in_on:
            raise ValidationError({"on": "A call-in cannot be decided before it was made."})
        locked.call_in_outcome = CallInOutcome(outcome)
        locked.call_in_decided_on = on
        _stamp(locked, user, reason or "Call-in decided")
        locked.save()
    return locked


# --- The forward plan -----------------------------------------------------------------------

PLAN_REFUSAL = "Only the planning body's officers and secretaries may change this forward plan entry."


def plan_bodies(user, partnership):
    """The bodies ``user`` may put decisions on the forward plan for."""
    return _writing_bodies(user, partnership, PlannedDecision)


def may_change_plan(user, planned):
    return not permissions.is_read_only(user) and permissions.can_change(user, planned)


def _locked_plan_entry(planned):
    locked = PlannedDecision.objects.select_for_update().filter(pk=planned.pk).first()
    if locked is None:
        raise ValidationError("This forward plan entry has been deleted.")
    return locked


def save_planned_decision(*, planned, user, reason=""):
    """Write or change a forward plan entry. It is published by :func:`publish_planned_decision`,
    never by the form, and stays on the body that planned it."""
    if planned.committee.partnership_id != planned.partnership_id:
        raise ValidationError({"committee": "Choose one of this partnership's committees."})
    with transaction.atomic():
        if planned.pk:
            permissions.require(may_change_plan(user, planned), PLAN_REFUSAL)
            locked = _locked_plan_entry(planned)
            if locked.organisation_id != planned.organisation_id:
                raise ValidationError(
                    {"organisation": "An entry stays on the plan of the body that made it."}
                )
            planned.published_on = locked.published_on
        else:
            permissions.require(
                planned.organisation in plan_bodies(user, planned.partnership),
                "You may plan decisions only for a body you act for as an officer or secretary.",
            )
            planned.published_on = None
        _stamp(planned, user, reason, planned.organisation)
        planned.save()
    return planned


def publish_planned_decision(*, planned, user, on, reason=""):
    """Put the entry on the published plan from ``on``: the 28 clear days count from then."""
    permissions.require(may_change_plan(user, planned), PLAN_REFUSAL)
    with transaction.atomic():
        locked = _locked_plan_entry(planned)
        if locked.published_on is not None:
            raise ValidationError(
                f"This entry is already on the published plan, since {locked.published_on:%-d %B %Y}."
            )
        locked.published_on = on
        today = timezone.localdate()
        if on <= today:
            _announce_plan_entry(locked, today)
        _stamp(locked, user, reason or "Published on the forward plan", locked.organisation)
        locked.save()
    return locked


def _announce_plan_entry(entry, today):
    """Tell the plan's subscribers of ``entry`` (if its committee meets in public), once."""
    entry.announced_on = today
    if entry.committee.meets_in_public:
        alerts.announce(
            partnership=entry.partnership,
            subject=f"Forward plan: {entry.title}",
            body=f"{entry.committee.name} expects to decide “{entry.title}” on "
            f"{entry.decision_due:%-d %B %Y}.",
            link=entry.public_url,
        )


def announce_plan_entries_due(today=None):
    """The sweep: announce each entry published for a later day once that day comes (its public
    page answers only from then), each once however often the sweep runs. Returns how many."""
    today = today or timezone.localdate()
    due = PlannedDecision.objects.filter(announced_on__isnull=True, published_on__lte=today)
    announced = 0
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            entry = (
                PlannedDecision.objects.select_for_update(of=("self",))
                .select_related("committee", "partnership")
                .filter(pk=pk, announced_on__isnull=True)
                .first()
            )
            if entry is None:
                continue
            _announce_plan_entry(entry, today)
            _stamp(entry, None, "Announced to the plan's e-mail subscribers on its publication date")
            entry.save()
            announced += 1
    return announced


def ratify_decision(*, binding, user, ratified_on, ratified=True, reference="", reason=""):
    """The body records that it ratified (or declined) a committee's recommendation."""
    permissions.require(
        access.can_ratify(user, binding),
        f"Only {binding.organisation}'s secretaries or administrators record its ratification.",
    )
    if ratified_on < binding.decision.decided_on:
        raise ValidationError("A body cannot ratify a decision before it was made.")
    with transaction.atomic():
        binding = DecisionBinding.objects.select_for_update().get(pk=binding.pk)
        if binding.outcome != BindingOutcome.AWAITING_RATIFICATION:
            raise ValidationError(
                f"This decision is not awaiting ratification by {binding.organisation}: it has been "
                f"recorded as {binding.get_outcome_display().lower()}."
            )
        binding.outcome = BindingOutcome.RATIFIED if ratified else BindingOutcome.REJECTED
        binding.ratified_on = ratified_on
        binding.ratification_reference = reference
        _stamp(binding, user, reason, binding.organisation)
        binding.save()
    return binding


# --- Reports ---------------------------------------------------------------------------


def cost_table(report, lines=None):
    """The report's costs as rows by label and columns by year, with totals computed."""
    lines = list(report.cost_lines.all()) if lines is None else lines
    years = []
    labels = []
    cells = {}
    for line in lines:
        if line.year_label not in years:
            years.append(line.year_label)
        if line.label not in labels:
            labels.append(line.label)
        cells[(line.label, line.year_label)] = line
    rows = [(label, [cells.get((label, year)) for year in years]) for label in labels]
    totals = [
        sum((cells[(label, year)].amount for label in labels if (label, year) in cells), start=0)
        for year in years
    ]
    return {"years": years, "rows": rows, "totals": totals}


# --- Reports: drafting, finalising and reopening ------------------------------------------
#
# A report is written as a draft; its authoring body's officers and secretaries finalise
# it, which fixes its text, cost table and appendices. It is reopened as a draft (with a
# reason) only until a meeting it goes to has published its agenda.

#: Meeting statuses in which a report on the agenda is public (or past) and stays final.
REPORT_FIXED_BY = (MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)

REPORT_REFUSAL = "Only the authoring body's officers and secretaries may change this report."


def report_bodies(user, partnership):
    """The bodies ``user`` may write a report for: officers and secretaries of partner bodies."""
    return _writing_bodies(user, partnership, Report)


def _writing_bodies(user, partnership, model):
    """The partner bodies for which ``user`` holds one of ``model``'s ``create_roles``."""
    if permissions.is_read_only(user):
        return []
    if user.is_superuser:
        return list(Organisation.objects.filter(partner_places__partnership=partnership))
    return permissions.bodies_acting_for(user, partnership, *model.create_roles)


def may_change_report(user, report):
    """May ``user`` change ``report`` (its authoring body's officers and secretaries)?"""
    return not permissions.is_read_only(user) and permissions.can_change(user, report)


def _locked_report(report):
    """``report`` as it is now, locked until the transaction ends: its text, parts and
    status change one person at a time."""
    locked = Report.objects.select_for_update().filter(pk=report.pk).first()
    if locked is None:
        raise ValidationError("This report has been deleted.")
    return locked


def _draft_report(report, user):
    """``report`` locked, if ``user`` may change it and it is still a draft."""
    permissions.require(may_change_report(user, report), REPORT_REFUSAL)
    locked = _locked_report(report)
    if locked.status == ReportStatus.FINAL:
        raise ValidationError(
            "This report is final, so its text, costs and appendices cannot change: "
            "reopen it as a draft first."
        )
    return locked


def save_report(*, report, user, reason="", joint_with=None):
    """Write a new report (as a draft, by the person drafting it) or a draft's cover sheet
    and text. Its status is never taken from the form: it moves by :func:`finalise_report`
    and :func:`reopen_report`."""
    with transaction.atomic():
        if report.pk:
            report.status = _draft_report(report, user).status
        else:
            permissions.require(
                report.organisation in report_bodies(user, report.partnership),
                "You may write reports only for a body you act for as an officer or secretary.",
            )
            report.status = ReportStatus.DRAFT
            report.author = next(
                (
                    m
                    for m in permissions.user_memberships(user)
                    if m.organisation_id == report.organisation_id and m.role in Report.create_roles
                ),
                None,
            )
        _stamp(report, user, reason, report.organisation)
        report.save()
        if joint_with is not None:
            named = report.joint_with.values_list("pk", flat=True)
            offered = set(
                type(report.organisation)
                .objects.offered_in(report.partnership, *named)
                .values_list("pk", flat=True)
            )
            if any(body.pk not in offered or body.pk == report.organisation_id for body in joint_with):
                raise ValidationError({"joint_with": "Choose other bodies that are partners today."})
            report.joint_with.set(joint_with)
    return report


def finalise_report(*, report, user, reason=""):
    """Mark a draft report final: its text, costs and appendices are then fixed."""
    permissions.require(may_change_report(user, report), REPORT_REFUSAL)
    with transaction.atomic():
        report = _locked_report(report)
        if report.status == ReportStatus.FINAL:
            raise ValidationError("This report is already final: someone finalised it before you.")
        waiting = clearance.outstanding(report)
        if waiting:
            raise ValidationError(
                "The report can be approved for publication once it is cleared by "
                + ", ".join(clearance.describe(requirement) for requirement in waiting)
                + "."
            )
        report.status = ReportStatus.FINAL
        _stamp(report, user, reason or "Report finalised", report.organisation)
        report.save()
    return report


def reopen_report(*, report, user, reason):
    """Reopen a final report as a draft, unless a meeting it goes to has published its agenda
    (or met): what was published stays as it was."""
    permissions.require(may_change_report(user, report), REPORT_REFUSAL)
    if not reason.strip():
        raise ValidationError("Reason: say why the report is reopened.")
    with transaction.atomic():
        report = _locked_report(report)
        if report.status != ReportStatus.FINAL:
            raise ValidationError("This report is already a draft: someone reopened it before you.")
        # Lock its meetings too, so an agenda cannot be published while it is reopened.
        meetings = (
            Meeting.objects.select_for_update()
            .filter(
                Q(pk=report.meeting_id)
                | Q(pk__in=AgendaItem.objects.filter(report=report).values("meeting_id"))
            )
            .order_by("pk")
        )
        fixed = next((m for m in meetings if m.status in REPORT_FIXED_BY), None)
        if fixed is not None:
            raise ValidationError(
                f"This report cannot be reopened: the meeting of {fixed.committee} on "
                f"{fixed.date:%-d %B %Y} is {fixed.get_status_display().lower()}, and the report "
                "stays as it was published. Write a new report (or a supplementary one) instead."
            )
        report.status = ReportStatus.DRAFT
        _stamp(report, user, reason, report.organisation)
        report.save()
    return report


def add_cost_line(*, report, label, year_label, amount, user, note="", reason=""):
    """Add one cell (a cost in a year) to a draft report's cost table; returns (line, added).

    The table has one cell per label and year. The same cost sent twice (a double
    click, a resubmitted form) is kept once and ``added`` is False; a different amount
    for a cell already filled is refused: remove that cost first.
    """
    with transaction.atomic():
        report = _draft_report(report, user)
        existing = report.cost_lines.filter(label=label, year_label=year_label).first()
        if existing is not None:
            if existing.amount == amount and existing.note == note:
                return existing, False
            raise ValidationError(
                f"The cost table already has “{label}” in {year_label} (£{existing.amount:,.2f}): "
                "remove that cost first to change it."
            )
        last = report.cost_lines.order_by("-order").values_list("order", flat=True).first()
        line = ReportCostLine(
            report=report, label=label, year_label=year_label, amount=amount, note=note, order=(last or 0) + 1
        )
        _stamp(line, user, reason, report.organisation)
        line.save()
    return line, True


def _remove_report_part(part, user, reason):
    """Remove a cost line or appendix of a draft report; False if it was already removed."""
    with transaction.atomic():
        report = _draft_report(part.report, user)
        current = type(part).objects.filter(pk=part.pk, report=report).first()
        if current is None:
            return False
        _stamp(current, user, reason, report.organisation)
        current.delete()
    return True


def remove_cost_line(*, line, user, reason=""):
    """Remove a cost from a draft report's table; False if it was already removed."""
    return _remove_report_part(line, user, reason or "Removed from the cost table")


def add_appendix(*, report, title, file, user, reason=""):
    """Attach an appendix (already checked and rebuilt by ``committees.appendices``) to a
    draft report. A second appendix with the same title (a double upload) is refused."""
    with transaction.atomic():
        report = _draft_report(report, user)
        if report.appendices.filter(title=title).exists():
            raise ValidationError(
                f"This report already has an appendix called “{title}”: remove it first to replace it."
            )
        last = report.appendices.order_by("-order").values_list("order", flat=True).first()
        appendix = ReportAppendix(report=report, title=title, file=file, order=(last or 0) + 1)
        _stamp(appendix, user, reason, report.organisation)
        appendix.save()
    return appendix


def remove_appendix(*, appendix, user, reason=""):
    """Remove an appendix from a draft report; False if it was already removed."""
    return _remove_report_part(appendix, user, reason or "Appendix removed")


# --- Declarations and actions ---------------------------------------------------------------


def _meeting_for_record(record, user, what):
    """The record's meeting, locked, if ``user`` runs its committee and it can take ``what``."""
    permissions.require(
        access.can_run(user, record.meeting.committee), f"Only committee secretaries record {what}."
    )
    meeting = _locked_meeting(record.meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(f"This meeting was cancelled: it has no {what}.")
    return meeting


def _check_declaration(declaration, meeting):
    if declaration.member.committee_id != meeting.committee_id:
        raise ValidationError(f"{declaration.member} is not a member of {meeting.committee}.")
    entry = declaration.registered_interest
    if entry is not None and not declaration.member.register().filter(pk=entry.pk).exists():
        raise ValidationError(
            {"registered_interest": f"Choose an entry on {declaration.member.person_name}'s own register."}
        )
    if declaration.agenda_item_id and declaration.agenda_item.meeting_id != meeting.pk:
        raise ValidationError("That agenda item belongs to another meeting.")
    if not declarations_open(meeting):
        raise ValidationError(
            "The minutes of this meeting are approved: its declarations of interest are part of "
            "that record and can no longer change."
        )


def minutes_open(meeting):
    """Minutes, attendance and decisions are recorded until the minutes are approved; a
    cancelled meeting has none."""
    return meeting.status not in (MeetingStatus.MINUTES_APPROVED, MeetingStatus.CANCELLED)


def _check_minutes_open(meeting, what):
    """Refuses a change to ``meeting``'s (locked) record once its minutes are approved."""
    if not minutes_open(meeting):
        raise ValidationError(
            f"The {what} of this meeting cannot change: its minutes have been approved."
            if meeting.status == MeetingStatus.MINUTES_APPROVED
            else f"This meeting was cancelled: it has no {what}."
        )


def declarations_open(meeting):
    """Declarations of interest are recorded and withdrawn until the minutes are approved."""
    return meeting.status not in (MeetingStatus.MINUTES_APPROVED, MeetingStatus.CANCELLED)


def save_declaration(*, declaration, user, reason=""):
    """Record or correct a declaration of interest. The same member declaring the same kind
    of interest in the same item twice (a resubmitted form) is refused with a message."""
    with transaction.atomic():
        meeting = _meeting_for_record(declaration, user, "declarations of interest")
        _check_declaration(declaration, meeting)
        if declaration.pk and not meeting.declarations.filter(pk=declaration.pk).exists():
            raise ValidationError("This declaration has been removed by someone else.")
        twins = meeting.declarations.filter(
            member=declaration.member, agenda_item=declaration.agenda_item, nature=declaration.nature
        ).exclude(pk=declaration.pk)
        if twins.exists():
            where = f"item {declaration.agenda_item.number}" if declaration.agenda_item_id else "this meeting"
            raise ValidationError(
                f"{declaration.member.person_name} has already declared a "
                f"{declaration.get_nature_display().lower()} interest in {where}."
            )
        _stamp(declaration, user, reason)
        declaration.save()
    return declaration


def delete_declaration(*, declaration, user, reason=""):
    """Withdraw a declaration recorded in error; False if it was already removed."""
    with transaction.atomic():
        meeting = _meeting_for_record(declaration, user, "declarations of interest")
        _check_declaration(declaration, meeting)
        current = meeting.declarations.filter(pk=declaration.pk).first()
        if current is None:
            return False
        _stamp(current, user, reason or "Declaration withdrawn")
        current.delete()
    return True


#: How an action moves on; done and cancelled actions can be reopened.
ACTION_MOVES = {
    ActionStatus.OPEN: (ActionStatus.DONE, ActionStatus.CANCELLED),
    ActionStatus.DONE: (ActionStatus.OPEN,),
    ActionStatus.CANCELLED: (ActionStatus.OPEN,),
}

ACTION_MOVE_LABELS = {
    ActionStatus.OPEN: "Reopen the action",
    ActionStatus.DONE: "Mark as done",
    ActionStatus.CANCELLED: "Cancel the action",
}


def action_moves(action):
    """The status buttons offered on the action's page."""
    return [(status, ACTION_MOVE_LABELS[status]) for status in ACTION_MOVES[ActionStatus(action.status)]]


def save_action(*, action, user, reason=""):
    """Record an action arising from a meeting, or edit its wording, owner and due date.
    Its status moves only by :func:`move_action`. The same action recorded twice for the
    meeting (a resubmitted form) is refused with a message."""
    with transaction.atomic():
        meeting = _meeting_for_record(action, user, "actions")
        if action.decision_id and action.decision.meeting_id != meeting.pk:
            raise ValidationError("That decision belongs to another meeting.")
        if action.pk:
            current = Action.objects.select_for_update().filter(pk=action.pk, meeting=meeting).first()
            if current is None:
                raise ValidationError("This action has been removed.")
            action.status, action.completed_on = current.status, current.completed_on
        elif meeting.actions.filter(
            description=action.description, owner_name=action.owner_name, due=action.due
        ).exists():
            raise ValidationError("This action is already recorded for the meeting.")
        _stamp(action, user, reason)
        action.save()
    return action


def move_action(*, action, status, user, reason=""):
    """Mark an action done or cancelled, or reopen it, if that follows from its status now."""
    permissions.require(
        access.can_run(user, action.meeting.committee), "Only committee secretaries track actions."
    )
    status = ActionStatus(status)
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        current = ActionStatus(action.status)
        if status not in ACTION_MOVES[current]:
            raise ValidationError(
                f"This action is {current.label.lower()}: it cannot be marked {status.label.lower()}."
            )
        action.status = status
        action.completed_on = timezone.localdate() if status == ActionStatus.DONE else None
        _stamp(action, user, reason or f"Action {status.label.lower()}")
        action.save()
    return action


# --- The register of interests --------------------------------------------------------------------

INTEREST_REFUSAL = (
    "Only the member, or the committee secretaries of the body whose code it is registered under, "
    "may change this register entry."
)


def _locked_interest(interest):
    return RegisteredInterest.objects.select_for_update().get(pk=interest.pk)


def _check_interest(interest, today):
    member = interest.member
    if member.committee.partnership_id != interest.partnership_id:
        raise ValidationError({"member": "Choose a member of one of this partnership's committees."})
    if member.organisation_id is not None and interest.organisation_id != member.organisation_id:
        raise ValidationError(
            {
                "organisation": f"{member.person_name} was nominated by {member.organisation}: the entry is "
                "registered under its code."
            }
        )
    if interest.organisation_id not in permissions.partner_organisation_ids(interest.partnership):
        raise ValidationError({"organisation": "Choose one of the partnership's bodies."})
    refusal = interests.category_refusal(interest.organisation, interest.category)
    if refusal:
        raise ValidationError({"category": refusal})
    if interest.withhold_requested and not interest.withhold_reason.strip():
        raise ValidationError({"withhold_reason": "Say why the details should be withheld."})


def save_interest(*, interest, user, reason=""):
    """Put an entry on a member's register, or change one: the member writes their own, and the
    keepers of the register may key one in for them. Either way the entry is confirmed as of today
    and awaits review again; details already agreed to be withheld stay withheld while withholding
    is still asked for."""
    today = timezone.localdate()
    _check_interest(interest, today)
    permissions.require(
        access.may_register_for(user, interest.member, interest.organisation), INTEREST_REFUSAL
    )
    with transaction.atomic():
        if interest.pk:
            locked = _locked_interest(interest)
            permissions.require(access.may_change_interest(user, locked), INTEREST_REFUSAL)
            if locked.member_id != interest.member_id:
                raise ValidationError({"member": "An entry stays on the register it was made on."})
            interest.withheld = locked.withheld and interest.withhold_requested
            interest.reviewed_by_id, interest.reviewed_on = locked.reviewed_by_id, locked.reviewed_on
            interest.review_comment = locked.review_comment
        else:
            seat = interest.member
            if seat.to_date is not None and seat.to_date < today:
                raise ValidationError(
                    {"member": f"{seat.person_name}'s seat ended on {seat.to_date:%-d %B %Y}."}
                )
            interest.withheld = False
        interest.review_status = InterestReview.AWAITING
        interest.confirmed_on = today
        _stamp(interest, user, reason, interest.organisation)
        interest.save()
    return interest


def confirm_interest(*, interest, user, reason=""):
    """The member says the entry is still accurate: its next update is due from today."""
    permissions.require(
        access.keeps_own_register(user, interest.member), "Only the member confirms their own entries."
    )
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked_interest(interest)
        if locked.to_date is not None and locked.to_date < today:
            raise ValidationError(
                f"This interest ended on {locked.to_date:%-d %B %Y}: there is nothing to confirm."
            )
        if locked.review_status == InterestReview.RETURNED:
            raise ValidationError("The reviewer returned this entry: change it as they asked, then save it.")
        if locked.confirmed_on == today:
            raise ValidationError("You have already confirmed this entry today.")
        locked.confirmed_on = today
        _stamp(locked, user, reason or "Confirmed as accurate", locked.organisation)
        locked.save()
    return locked


def review_interest(*, interest, user, accept, comment="", withhold=False, loaded_version=None):
    """The keeper of the register accepts an entry (and decides whether its details are withheld
    from the public) or returns it to the member with a comment. Refused if the entry changed after
    the reviewer opened it, so what was reviewed is what was accepted."""
    permissions.require(
        access.may_review_interest(user, interest),
        "Only the committee secretaries of the body whose code it is registered under review it.",
    )
    if interest.member.user_id == user.pk:
        raise PermissionDenied("Someone else must review your own register entry.")
    if not accept and not comment.strip():
        raise ValidationError({"comment": "Say what the member should change."})
    with transaction.atomic():
        locked = _locked_interest(interest)
        if loaded_version and locked.updated_at.isoformat() != loaded_version:
            raise ValidationError("The entry changed after you opened it: read it again, then review it.")
        if locked.review_status != InterestReview.AWAITING:
            raise ValidationError(
                f"This entry was already {locked.get_review_status_display().lower()} "
                f"by {_name(locked.reviewed_by)}"
                + (f" on {locked.reviewed_on:%-d %B %Y}" if locked.reviewed_on else "")
                + "."
            )
        locked.review_status = InterestReview.ACCEPTED if accept else InterestReview.RETURNED
        locked.withheld = bool(accept and withhold and locked.withhold_requested)
        locked.reviewed_by, locked.reviewed_on = user, timezone.localdate()
        locked.review_comment = comment.strip()
        _stamp(locked, user, "Reviewed" if accept else "Returned to the member", locked.organisation)
        locked.save()
    return locked


# --- Report clearance ---------------------------------------------------------------------------------


def record_clearance(*, report, kind, organisation, outcome, user, comment="", seen=None):
    """A reviewer clears a draft report, or asks for changes with a comment, on the report as it
    stands. ``seen`` is the fingerprint of the report the reviewer read: if it changed since, the
    review is refused (checked under the report's row lock)."""
    permissions.require(
        access.may_clear(user, report, kind, organisation),
        "Only the reviewers the writing body names, or a partner body's officers for a joint report, "
        "clear a report.",
    )
    if outcome == ClearanceOutcome.CHANGES and not comment.strip():
        raise ValidationError({"comment": "Say what should change."})
    with transaction.atomic():
        locked = _locked_report(report)
        if locked.status == ReportStatus.FINAL:
            raise ValidationError(
                "This report is already approved for publication: reopen it to review it again."
            )
        now = clearance.fingerprint(locked)
        needed = {(r.kind, r.organisation.pk) for r in clearance.requirements(locked, now)}
        if (kind, organisation.pk) not in needed:
            raise ValidationError("This report does not need that review.")
        if seen is not None and seen != now:
            raise ValidationError(
                "The report changed after you opened it: read it again, then give your review."
            )
        review = ReportClearance(
            report=locked,
            kind=kind,
            organisation=organisation,
            outcome=outcome,
            comment=comment.strip(),
            reviewed_by=user,
            fingerprint=now,
        )
        _stamp(review, user, ClearanceOutcome(outcome).label, organisation)
        review.save()
    return review


def save_clearance_reviewers(*, partnership, organisation, kind, users, user):
    """Name who clears ``organisation``'s reports for ``kind`` (none: it no longer requires that
    review). Only its administrators; each reviewer acts for the body."""
    permissions.require(
        access.keeps_clearance_of(user, organisation, partnership),
        "Only the body's administrators name who clears its reports.",
    )
    if kind not in clearance.BODY_KINDS:
        raise ValidationError("A partner body's lead is any of its officers: there is no one to name.")
    people = {m.user_id for m in organisation.memberships.filter(user__is_active=True)}
    strangers = [person for person in users if person.pk not in people]
    if strangers:
        raise ValidationError({"users": f"{strangers[0]} does not act for {organisation}."})
    with transaction.atomic():
        # One change to a body's reviewers at a time.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True).get()
        current = ClearanceReviewer.objects.filter(
            partnership=partnership, organisation=organisation, kind=kind
        )
        wanted = {person.pk: person for person in users}
        for reviewer in current:
            if reviewer.user_id not in wanted:
                _stamp(reviewer, user, "No longer clears reports", organisation)
                reviewer.delete()
        kept = set(current.values_list("user_id", flat=True))
        for pk, person in wanted.items():
            if pk not in kept:
                reviewer = ClearanceReviewer(
                    partnership=partnership, organisation=organisation, kind=kind, user=person
                )
                _stamp(reviewer, user, "Clears reports", organisation)
                reviewer.save()


def with_kept_record(members):
    """``members`` (a CommitteeMember queryset), each with ``kept_by_record``: has the member
    attended a meeting or declared an interest, which the record must keep? Such a member is not
    removed but given an end date (one query, however many members)."""
    from committees.models import Attendance, Declaration

    return members.annotate(
        kept_by_record=Exists(Attendance.objects.filter(member=OuterRef("pk")))
        | Exists(Declaration.objects.filter(member=OuterRef("pk")))
    )
