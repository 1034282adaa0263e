"""What the meeting cycle asks of people: the home page's list and the hourly reminders."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from committees import access, interests, key_decisions
from committees.choices import ActionStatus, InterestReview, MeetingStatus
from committees.models import Action, CommitteeMember, Meeting, PlannedDecision, RegisteredInterest
from partnership import dates, permissions
from partnership.choices import Role
from partnership.models import Membership
from partnership.services import queue_reminders

#: How far ahead the home page and reminders look.
LOOK_AHEAD_DAYS = 14


def _upcoming_meetings(organisation_ids=None):
    now = timezone.now()
    meetings = Meeting.objects.filter(
        status=MeetingStatus.PLANNED,
        starts_at__gte=now,
        starts_at__lte=now + datetime.timedelta(days=LOOK_AHEAD_DAYS + 45),
    )
    return _of_bodies_partnerships(meetings, organisation_ids)


def _unrecorded_meetings(organisation_ids):
    """Meetings whose time has passed but that are still planned (or only their agenda
    published): never recorded as held or cancelled."""
    meetings = Meeting.objects.filter(
        status__in=[MeetingStatus.PLANNED, MeetingStatus.AGENDA_PUBLISHED], starts_at__lt=timezone.now()
    ).order_by("starts_at")
    return _of_bodies_partnerships(meetings, organisation_ids)


def _of_bodies_partnerships(meetings, organisation_ids):
    meetings = meetings.select_related("committee__partnership")
    if organisation_ids is not None:
        meetings = meetings.filter(
            committee__partnership__partners__organisation_id__in=organisation_ids
        ).distinct()
    return meetings


def _cycle_deadlines(meeting, today):
    """(kind, label, date) for the deadlines of ``meeting`` now in view."""
    horizon = today + datetime.timedelta(days=LOOK_AHEAD_DAYS)
    found = []
    if meeting.papers_due <= horizon and meeting.agenda_publication_due >= today:
        found.append(("papers", "Papers due", meeting.papers_due))
    if meeting.agenda_publication_due <= horizon:
        found.append(("agenda", "Agenda to publish", meeting.agenda_publication_due))
    return found


def attention_items(user):
    if not user.is_authenticated or permissions.is_read_only(user):
        return []
    today = timezone.localdate()
    items = []
    secretary_bodies = [
        m.organisation_id for m in permissions.user_memberships(user) if m.role == Role.COMMITTEE_SECRETARY
    ]
    if secretary_bodies:
        for meeting in _unrecorded_meetings(secretary_bodies):
            items.append(
                {
                    "text": f"Record whether it was held or cancelled: {meeting}",
                    "url": meeting.get_absolute_url(),
                    "partnership": meeting.committee.partnership,
                    "due": meeting.date,
                    "overdue": True,
                }
            )
        for meeting in _upcoming_meetings(secretary_bodies):
            for _kind, label, due in _cycle_deadlines(meeting, today):
                items.append(
                    {
                        "text": f"{label}: {meeting}",
                        "url": meeting.get_absolute_url(),
                        "partnership": meeting.committee.partnership,
                        "due": due,
                        "overdue": due < today,
                    }
                )
    actions = Action.objects.filter(
        owner_user=user,
        status=ActionStatus.OPEN,
        due__lte=today + datetime.timedelta(days=LOOK_AHEAD_DAYS),
    ).select_related("meeting__committee__partnership", "decision__agenda_item__report")
    for action in actions:
        shown = str(action) if permissions.can_read(user, action) else exempt_action_label(action)
        items.append(
            {
                "text": f"Action due: {shown}",
                "url": action.meeting.minutes_url + "#actions",
                "partnership": action.meeting.committee.partnership,
                "due": action.due,
                "overdue": action.due < today,
            }
        )
    items.extend(_register_attention(user, today, secretary_bodies))
    return items


def _register_attention(user, today, secretary_bodies):
    """Register entries waiting for ``user``: those of the bodies whose registers they keep that
    await review (one line per partnership and body), and their own that were returned to them
    or are due an update within 28 days."""
    items = []
    if secretary_bodies:
        awaiting = list(
            RegisteredInterest.objects.filter(
                review_status=InterestReview.AWAITING, organisation_id__in=secretary_bodies
            )
            .exclude(member__user=user)
            .values("partnership__slug", "partnership__name", "organisation_id", "organisation__name")
            .annotate(count=Count("pk"))
            .order_by("partnership__name", "organisation__name")
        )
        partnerships = {p.slug: p for p in permissions.visible_partnerships(user)} if awaiting else {}
        for row in awaiting:
            partnership = partnerships.get(row["partnership__slug"])
            if partnership is None or row["organisation_id"] not in {
                body.pk for body in access.register_bodies(user, partnership)
            }:
                continue
            count = row["count"]
            items.append(
                {
                    "text": f"{count} register {'entry' if count == 1 else 'entries'} of "
                    f"{row['organisation__name']} awaiting your review",
                    "url": reverse("committees:interest_list", kwargs={"partnership": partnership.slug})
                    + f"?review_status=awaiting&organisation={row['organisation_id']}",
                    "partnership": partnership,
                    "due": today,
                    "overdue": False,
                }
            )
    own = (
        RegisteredInterest.objects.filter(member__user=user)
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=today))
        .select_related("organisation", "partnership")
    )
    for entry in own:
        if entry.review_status == InterestReview.RETURNED:
            text, due = f"Register entry returned to you: {entry.get_category_display()}", today
        elif interests.update_notice_from(entry) <= today:
            text, due = (
                f"Confirm or update your register entry: {entry.get_category_display()}",
                entry.update_due,
            )
        else:
            continue
        items.append(
            {
                "text": text,
                "url": entry.get_absolute_url(),
                "partnership": entry.partnership,
                "due": due,
                "overdue": due < today,
            }
        )
    return items


def exempt_action_label(action):
    """What may be said of an action arising from exempt business: its paragraph, not its words."""
    return (
        f"an action from an exempt item (Schedule 12A paragraph {access.exempt_paragraph(action)}); "
        "read it in Concordat"
    )


def _secretaries_by_partnership(partnership_ids):
    """{partnership id: {user id: user}} of the committee secretaries of each partnership's bodies."""
    secretaries = {}
    for membership in (
        Membership.objects.filter(
            role=Role.COMMITTEE_SECRETARY,
            user__is_active=True,
            organisation__partner_places__partnership_id__in=partnership_ids,
        )
        .select_related("user")
        .prefetch_related("organisation__partner_places")
    ):
        for place in membership.organisation.partner_places.all():
            if membership.partnership_id not in (None, place.partnership_id):
                continue
            secretaries.setdefault(place.partnership_id, {})[membership.user_id] = membership.user
    return secretaries


def _overdue_review_reminders(today):
    """Tell the secretaries of an agreement's governing committee that its review is overdue,
    so the committee can call for it; the officers were reminded before it fell due."""
    from agreements.models import Agreement
    from agreements.services import reviews_due

    overdue = list(
        reviews_due(agreements=Agreement.objects.filter(governing_committee__isnull=False), today=today)
        .filter(next_review_date__lt=today)
        .select_related("partnership", "governing_committee")
    )
    if not overdue:
        return []
    secretaries = _secretaries_by_partnership({agreement.partnership_id for agreement in overdue})
    reminders = []
    for agreement in overdue:
        due = agreement.next_review_date
        committee = agreement.governing_committee
        for user in secretaries.get(agreement.partnership_id, {}).values():
            reminders.append(
                {
                    "key": f"committees:review-overdue:{agreement.pk}:{due.isoformat()}:{user.pk}",
                    "recipient": user,
                    "subject": f"Overdue review of {agreement.reference} for {committee}",
                    "body": (
                        f"The annual review of “{agreement.title}” ({agreement.reference}), which "
                        f"{committee} oversees, was due on {due:%-d %B %Y} and has not been recorded. "
                        "The body's officers were reminded before it fell due."
                    ),
                    "link": agreement.get_absolute_url(),
                    "due": due,
                    "partnership": agreement.partnership,
                }
            )
    return reminders


def _meeting_cycle_reminders(today):
    meetings = list(_upcoming_meetings())
    if not meetings:
        return []
    secretaries = _secretaries_by_partnership({m.committee.partnership_id for m in meetings})
    reminders = []
    for meeting in meetings:
        for kind, label, due in _cycle_deadlines(meeting, today):
            for user in secretaries.get(meeting.committee.partnership_id, {}).values():
                reminders.append(
                    {
                        "key": f"committees:{kind}:{meeting.pk}:{due.isoformat()}:{user.pk}",
                        "recipient": user,
                        "subject": f"{label} {due:%-d %B %Y}: {meeting}",
                        "body": (
                            f"{label} on {due:%A %-d %B %Y} for {meeting} "
                            f"(meeting on {meeting.date:%A %-d %B %Y})."
                        ),
                        "link": meeting.get_absolute_url(),
                        "due": due,
                        "partnership": meeting.committee.partnership,
                    }
                )
    return reminders


def _action_reminders(today):
    actions = Action.objects.filter(
        Q(owner_user__isnull=False),
        status=ActionStatus.OPEN,
        due__lte=today + datetime.timedelta(days=LOOK_AHEAD_DAYS),
    ).select_related("owner_user", "meeting__committee__partnership", "decision__agenda_item__report")
    reminders = []
    for action in actions:
        overdue = action.due < today
        # E-mail leaves Concordat: exempt business is named by its paragraph only, for anyone.
        shown = exempt_action_label(action) if access.is_exempt(action) else str(action)
        words = exempt_action_label(action) if access.is_exempt(action) else action.description
        kind = "action-overdue" if overdue else "action"
        reminders.append(
            {
                "key": f"committees:{kind}:{action.pk}:{action.due.isoformat()}",
                "recipient": action.owner_user,
                "subject": f"Action {'overdue' if overdue else 'due'} {action.due:%-d %B %Y}: {shown}",
                "body": f"From {action.meeting}:\n\n{words}",
                "link": action.meeting.minutes_url + "#actions",
                "due": action.due,
                "partnership": action.meeting.committee.partnership,
            }
        )
    return reminders


def _forward_plan_reminders(today):
    """Tell the planning body's officers and secretaries (who write its reports and publish its
    plan) when a key decision must go on the published plan within the fortnight, and when a
    planned decision's date is within the fortnight, so its reports are ready."""
    horizon = today + datetime.timedelta(days=LOOK_AHEAD_DAYS)
    entries = list(
        PlannedDecision.objects.filter(
            decision_due__gte=today, decision_due__lte=horizon + datetime.timedelta(days=60)
        )
        .select_related("partnership", "committee")
        .order_by("pk")
    )
    reminders = []
    writers = {}
    for membership in Membership.objects.filter(
        organisation_id__in={entry.organisation_id for entry in entries},
        role__in=PlannedDecision.create_roles,
        user__is_active=True,
    ).select_related("user"):
        writers.setdefault(membership.organisation_id, {})[membership.user_id] = membership.user
    for entry in entries:
        notice = []
        if entry.key_decision and entry.published_on is None:
            last_day = key_decisions.publish_by(entry.decision_due)
            if last_day <= horizon:
                notice.append(
                    ("plan-publish", last_day, f"Publish on the forward plan by {last_day:%-d %B %Y}")
                )
        if entry.decision_due <= horizon:
            notice.append(("plan-due", entry.decision_due, f"Decision due {entry.decision_due:%-d %B %Y}"))
        for kind, due, label in notice:
            for user in writers.get(entry.organisation_id, {}).values():
                reminders.append(
                    {
                        "key": f"committees:{kind}:{entry.pk}:{due.isoformat()}:{user.pk}",
                        "recipient": user,
                        "subject": f"{label}: {entry.title}",
                        "body": (
                            f"{label}: “{entry.title}” ({entry.reference}), to be decided by "
                            f"{entry.committee.name} on {entry.decision_due:%A %-d %B %Y}."
                            + (
                                " As a key decision it must be on the published plan 28 clear working days "
                                "before, or be taken under the general exception or special urgency."
                                if kind == "plan-publish"
                                else " Its reports go with the meeting's papers."
                            )
                        ),
                        "link": entry.get_absolute_url(),
                        "due": due,
                        "partnership": entry.partnership,
                    }
                )
    return reminders


def _register_reminders(today):
    """Remind each committee member with an account, once a financial year (and so as soon as
    they join), to check their register of interests; and remind them of each entry from 28 days
    before its update is due until it is confirmed or updated."""
    reminders = []
    year = dates.financial_year_of(today)
    seats = CommitteeMember.objects.filter(user__isnull=False, user__is_active=True).filter(
        Q(from_date__isnull=True) | Q(from_date__lte=today), Q(to_date__isnull=True) | Q(to_date__gte=today)
    )
    asked = set()
    for seat in seats.select_related("user", "committee__partnership").order_by("pk"):
        partnership = seat.committee.partnership
        if (partnership.pk, seat.user_id) in asked:
            continue
        asked.add((partnership.pk, seat.user_id))
        reminders.append(
            {
                "key": f"committees:register-year:{partnership.pk}:{seat.user_id}:{year}",
                "recipient": seat.user,
                "subject": f"Check your register of interests for {year}: {partnership.name}",
                "body": f"As a member of {partnership.name}'s committees, check that your register of "
                "interests is complete and up to date: add any interest you hold, end any you no longer "
                "hold, and confirm the rest. Register a new interest within 28 days of acquiring it.",
                "link": reverse("committees:interest_list", kwargs={"partnership": partnership.slug})
                + "?mine=true",
                "partnership": partnership,
            }
        )
    entries = (
        RegisteredInterest.objects.filter(member__user__isnull=False, member__user__is_active=True)
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=today))
        .select_related("member__user", "organisation", "partnership")
        .order_by("pk")
    )
    for entry in entries:
        if interests.update_notice_from(entry) > today:
            continue
        due = entry.update_due
        reminders.append(
            {
                "key": f"committees:register-due:{entry.pk}:{due.isoformat()}",
                "recipient": entry.member.user,
                "subject": f"Update due by {due:%-d %B %Y}: register entry {entry.reference}",
                "body": f"Your register entry {entry.reference} ({entry.get_category_display().lower()}) "
                f"was last confirmed on {entry.confirmed_on:%-d %B %Y}. {entry.organisation.name} asks you "
                f"to confirm or update it by {due:%-d %B %Y}.",
                "link": entry.get_absolute_url(),
                "due": due,
                "partnership": entry.partnership,
            }
        )
    return reminders


def sweep_reminders():
    """Queue the meeting-cycle, action, forward plan and overdue-review reminders now due;
    returns how many were new. A fixed number of queries, however many meetings, actions and
    reminders."""
    today = timezone.localdate()
    return queue_reminders(
        [
            *_overdue_review_reminders(today),
            *_meeting_cycle_reminders(today),
            *_action_reminders(today),
            *_forward_plan_reminders(today),
            *_register_reminders(today),
        ]
    )
