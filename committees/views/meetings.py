"""Meetings: planning the year, the meeting page and its lifecycle."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from committees import access, interests, key_decisions, services, validity
from committees.choices import PUBLIC_INTEREST_TEST, SCHEDULE_12A, MeetingStatus
from committees.forms import (
    GenerateMeetingsForm,
    MeetingForm,
    MeetingMoveForm,
    MinutesApprovalForm,
    PlanLikeForm,
    TemplateNameForm,
)
from committees.models import (
    Committee,
    DecisionBinding,
    Declaration,
    Meeting,
    MeetingTemplate,
    MinuteAmendment,
)
from committees.views.common import ParentMixin, PostActionView, url
from partnership import generic, permissions
from partnership.forms import errors_as_text


class GenerateMeetingsView(ParentMixin, PostActionView):
    parent_model = Committee
    parent_kwarg = "committee"

    def post(self, request, *args, **kwargs):
        committee = self.parent
        permissions.require(access.can_run(request.user, committee))
        form = GenerateMeetingsForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the year to plan, for example 2026.")
            return HttpResponseRedirect(committee.get_absolute_url())
        try:
            created = services.generate_meetings(
                committee=committee, year=form.cleaned_data["year"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if created:
                messages.success(
                    request,
                    f"{len(created)} meetings planned for {form.cleaned_data['year']}. "
                    "Change any date or place on the meeting's page.",
                )
            else:
                messages.info(request, "Every meeting in that year's cycle is already planned.")
        return HttpResponseRedirect(committee.get_absolute_url() + "#meetings")


class MeetingEditView(ParentMixin, generic.ObjectEditView):
    model = Meeting
    form_class = MeetingForm
    parent_model = Committee
    parent_kwarg = "committee"

    @cached_property
    def committee(self):
        return self.object.committee if "pk" in self.kwargs else self.parent

    def new_object(self):
        committee = self.parent
        return Meeting(committee=committee, place=committee.default_place)

    def has_permission(self, obj):
        return access.can_run(self.request.user, self.committee)

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return self.committee.get_absolute_url()


MEETING_SECTIONS = {
    "summary": "Summary",
    "agenda": "Agenda",
    "running-order": "Running order",
    "attendance-and-quorum": "Attendance and quorum",
    "minutes-and-decisions": "Minutes and decisions",
    "papers": "Papers",
}


class MeetingDetailView(generic.ObjectDetailView):
    """The meeting page, one section at a time (``MEETING_SECTIONS``) under its sub-navigation,
    so a long meeting is not one long page and each section loads only what it shows."""

    model = Meeting
    #: A decision on a proposed amendment sent back with its errors (``AmendmentDecideView``).
    amendment_form = None

    @property
    def section(self):
        return self.kwargs.get("section", "summary")

    def get_template_names(self):
        return [f"committees/meeting/{self.section.split('-')[0]}.html"]

    def get_queryset(self):
        return super().get_queryset().select_related("committee__partnership")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        can_run = access.can_run(self.request.user, meeting.committee)
        context.update(
            committee=meeting.committee,
            section=self.section,
            sections=[
                (key, label, meeting.get_absolute_url() if key == "summary" else meeting.section_url(key))
                for key, label in MEETING_SECTIONS.items()
            ],
            can_run=can_run,
            can_change=can_run,
            takes_items=meeting.status in services.TAKES_ITEMS,
            declarations_open=services.declarations_open(meeting),
            minutes_open=services.minutes_open(meeting),
            today=timezone.localdate(),
            history_url=url("meeting_history", self.partnership, pk=meeting.pk),
        )
        getattr(self, f"{self.section.split('-')[0]}_context")(context)
        return context

    def items(self, *, declarations=False, minutes=False):
        """The meeting's agenda items, each marked ``hidden`` if the person may not read it."""
        related = ["report__partnership", "supplementary_agenda", "minutes_of"] + (
            ["minute"] if minutes else []
        )
        items = self.object.items.select_related(*related)
        if declarations:
            items = items.prefetch_related(
                Prefetch("declarations", queryset=Declaration.objects.select_related("member__organisation"))
            )
        items = list(items)
        for item in items:
            item.hidden = not permissions.can_read(self.request.user, item)
            item.paragraph = access.exempt_paragraph(item)
            item.paragraph_text = SCHEDULE_12A.get(item.paragraph, "")
        return items

    def quorum(self, context):
        meeting = self.object
        attendances = list(meeting.attendances.select_related("member__organisation"))
        rules = list(meeting.committee.quorum_rules.select_related("organisation"))
        context.update(attendances=attendances, quorum_rules=rules)
        return services.quorum_status(meeting, attendances=attendances, rules=rules)

    def running_context(self, context):
        """The members' running order: each item's start from the meeting's and the times allowed
        before it (unknown after an item with no time), and where the meeting goes into private
        session and comes back out of it (a late item included)."""
        items = self.items()
        at = timezone.localtime(self.object.starts_at)
        private = False
        for item in items:
            item.starts = at
            known = at is not None and item.allotted_minutes
            at = at + datetime.timedelta(minutes=item.allotted_minutes) if known else None
            # Where the meeting goes into private session, and where it comes back out.
            item.session_change = (
                None if bool(item.paragraph) == private else ("public", "private")[not private]
            )
            private = bool(item.paragraph)
        context.update(running_items=items, ends=at)

    def summary_context(self, context):
        meeting = self.object
        items = self.items()
        context.update(
            moves=services.meeting_moves(meeting) if context["can_run"] else [],
            supplements=list(meeting.supplements.select_related("published_by")),
            plan_like_form=PlanLikeForm(),
            template_form=TemplateNameForm(),
            item_count=len(items),
            late_to_publish=sum(item.awaiting_supplement for item in items),
            quorum=self.quorum(context),
            decision_count=sum(
                permissions.can_read(self.request.user, decision)
                for decision in meeting.decisions.select_related("agenda_item__report")
            ),
        )

    def agenda_context(self, context):
        meeting = self.object
        items = self.items(declarations=True)
        context.update(
            your_interests=self.your_interests(items),
            items=items,
            late_to_publish=sum(item.awaiting_supplement for item in items),
            public_interest_test=PUBLIC_INTEREST_TEST,
            declarations=[
                d
                for d in meeting.declarations.select_related("member", "agenda_item__report")
                if permissions.can_read(self.request.user, d)
            ],
        )

    def your_interests(self, items):
        """For a member of the committee: [(match, declared)] for the items that may touch their
        register (None for anyone else)."""
        meeting, user = self.object, self.request.user
        seat = next(
            (m for m in meeting.committee.members.filter(user_id=user.pk) if m.is_current_on(meeting.date)),
            None,
        )
        if seat is None:
            return None
        readable = [item for item in items if not item.hidden and not item.awaiting_supplement]
        found = interests.matches(readable, interests.registers_of([seat])[seat.pk], meeting.date)
        declared = {
            (d.agenda_item_id, d.registered_interest_id) for item in readable for d in item.declarations.all()
        }
        return [(match, (match.item.pk, match.interest.pk) in declared) for match in found]

    def attendance_context(self, context):
        meeting = self.object
        committee = meeting.committee
        quorum = self.quorum(context)
        members = list(committee.members.select_related("organisation"))
        recorded = {a.member_id for a in context["attendances"]}
        context.update(
            quorum=quorum,
            not_recorded=[m for m in members if m.pk not in recorded and m.is_current_on(meeting.date)],
            nominations=services.nomination_check(
                committee, on=meeting.date, members=members, rules=context["quorum_rules"]
            ),
        )

    def minutes_context(self, context):
        meeting = self.object
        committee = meeting.committee
        user = self.request.user
        decisions = [
            decision
            for decision in meeting.decisions.select_related(
                "agenda_item__report", "planned_decision"
            ).prefetch_related(
                Prefetch(
                    "bindings",
                    queryset=DecisionBinding.objects.select_related(
                        "organisation", "delegation__partnership"
                    ),
                )
            )
            if permissions.can_read(user, decision)
        ]
        for decision in decisions:
            decision.call_in_state = key_decisions.call_in(decision)
            for binding in decision.bindings.all():
                binding.can_ratify = access.can_ratify(user, binding)
        partners = [
            p.organisation
            for p in committee.partnership.partners.select_related("organisation__successor").order_by(
                "organisation__name"
            )
            if permissions.is_partner_on(p, meeting.date) and p.organisation.is_active_on(meeting.date)
        ]
        items = self.items(minutes=True)
        amendments = {}
        for amendment in MinuteAmendment.objects.filter(minute__agenda_item__meeting=meeting).select_related(
            "proposed_by", "decided_by"
        ):
            amendments.setdefault(amendment.minute_id, []).append(amendment)
        sent_back_for = getattr(self.amendment_form, "amendment", None)
        for item in items:
            minute = getattr(item, "minute", None)
            item.amendments = [] if item.hidden or minute is None else amendments.get(minute.pk, [])
            for amendment in item.amendments:
                amendment.decision_form = self.amendment_form if amendment == sent_back_for else None
        context.update(
            items=items,
            may_amend=meeting.status == MeetingStatus.HELD
            and meeting.minutes_circulated_on is not None
            and access.may_propose_amendment(user, meeting),
            approving_item=services.approving_item(meeting),
            decisions=decisions,
            could_bind=validity.could_bind(
                meeting,
                quorum=self.quorum(context),
                organisations=partners,
                delegations=committee.delegations.select_related("from_organisation", "partnership"),
            ),
            actions=[
                action
                for action in meeting.actions.select_related(
                    "organisation", "decision__agenda_item__report", "meeting__committee__partnership"
                )
                if permissions.can_read(user, action)
            ],
        )

    def papers_context(self, context):
        pass


class MeetingHistoryView(generic.ObjectHistoryView):
    model = Meeting


class MeetingChildMixin(ParentMixin):
    parent_model = Meeting
    parent_kwarg = "meeting"

    @cached_property
    def meeting(self):
        return self.parent

    def check_run(self):
        permissions.require(
            access.can_run(self.request.user, self.meeting.committee),
            "Only the committee secretaries of the partner bodies run this meeting.",
        )


class PublishAgendaView(MeetingChildMixin, PostActionView):
    def post(self, request, *args, **kwargs):
        self.check_run()
        try:
            late = services.publish_agenda(meeting=self.meeting, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if late:
                messages.warning(
                    request,
                    "Agenda published, but later than five clear working days before the meeting.",
                )
            else:
                messages.success(request, "Agenda published.")
        return HttpResponseRedirect(self.meeting.get_absolute_url())


class PublishSupplementaryAgendaView(MeetingChildMixin, PostActionView):
    """Publishes the late items added since the agenda as the next supplementary agenda."""

    def post(self, request, *args, **kwargs):
        self.check_run()
        try:
            supplement = services.publish_supplementary_agenda(meeting=self.meeting, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            count = supplement.items.count()
            messages.success(
                request,
                f"Supplementary agenda {supplement.number} published with "
                f"{count} late item{'' if count == 1 else 's'}.",
            )
        return HttpResponseRedirect(self.meeting.agenda_url)


class MeetingCancelView(
    MeetingChildMixin, generic.ConfirmActionMixin, generic.PartnershipMixin, TemplateView
):
    """Cancelling a meeting: a confirmation page with the reason, which the history keeps."""

    question = "Are you sure you want to cancel this meeting?"
    confirm_label = "Yes, cancel the meeting"
    cancel_label = "No, keep the meeting"

    def check_permission(self):
        self.check_run()

    def unavailable(self):
        if MeetingStatus.CANCELLED not in services.MEETING_MOVES[self.meeting.status]:
            return (
                f"This meeting is {self.meeting.get_status_display().lower()}: it can no longer be cancelled."
            )
        return None

    def get_caption(self):
        return str(self.meeting)

    def get_warning(self):
        return (
            "A cancelled meeting cannot be reinstated: to meet, plan another. Its agenda stays on "
            "the record, marked cancelled, and no minutes, attendance or decisions can be recorded for it."
        )

    def get_cancel_url(self):
        return self.meeting.get_absolute_url()

    def perform(self, form):
        services.move_meeting(
            meeting=self.meeting,
            status=MeetingStatus.CANCELLED,
            user=self.request.user,
            reason=form.cleaned_data["change_reason"],
        )
        return "The meeting is now recorded as cancelled."


class MinutesApproveView(
    MeetingChildMixin, generic.ConfirmActionMixin, generic.PartnershipMixin, TemplateView
):
    """Recording the minutes as approved: after it nothing of the meeting's record can change."""

    form_class = MinutesApprovalForm
    question = "Record the minutes as approved?"
    confirm_label = "Yes, record the minutes as approved"
    destructive = False

    def check_permission(self):
        self.check_run()

    def unavailable(self):
        if MeetingStatus.MINUTES_APPROVED not in services.MEETING_MOVES[self.meeting.status]:
            return (
                f"This meeting is {self.meeting.get_status_display().lower()}: its minutes can be approved "
                "only once it is recorded as held."
            )
        return None

    def get_caption(self):
        return str(self.meeting)

    def get_warning(self):
        item = services.approving_item(self.meeting)
        approved_at = (
            f"Approved at item {item.number} of the meeting of {item.meeting.date:%-d %B %Y}. "
            if item is not None
            else "No later meeting recorded as held has an item approving these minutes yet. "
        )
        return approved_at + (
            "Once approved, the minutes, attendance, decisions and declarations of this meeting can no "
            "longer change, and the public minutes are published."
        )

    def get_cancel_url(self):
        return self.meeting.get_absolute_url()

    def perform(self, form):
        services.move_meeting(
            meeting=self.meeting,
            status=MeetingStatus.MINUTES_APPROVED,
            user=self.request.user,
            reason=form.cleaned_data["change_reason"],
        )
        return "The minutes are recorded as approved."


class MeetingPlanLikeView(MeetingChildMixin, PostActionView):
    """Plan another meeting like this one: its time, place and standing items, on a new day."""

    def post(self, request, *args, **kwargs):
        self.check_run()
        form = PlanLikeForm(request.POST)
        if not form.is_valid():
            messages.error(request, errors_as_text(form))
            return HttpResponseRedirect(self.meeting.get_absolute_url())
        try:
            meeting = services.plan_meeting_like(
                source=self.meeting, day=form.cleaned_data["day"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.meeting.get_absolute_url())
        count = meeting.items.count()
        messages.success(
            request,
            f"Meeting planned for {meeting.date:%-d %B %Y}, with {count} standing item{pluralize(count)}.",
        )
        return HttpResponseRedirect(meeting.get_absolute_url())


class MeetingMoveView(MeetingChildMixin, PostActionView):
    """Held, minutes approved or cancelled: the buttons under the meeting's details."""

    def post(self, request, *args, **kwargs):
        self.check_run()
        form = MeetingMoveForm(request.POST)
        if not form.is_valid():
            return generic.bad_request(request, errors_as_text(form))
        try:
            meeting = services.move_meeting(
                meeting=self.meeting,
                status=form.cleaned_data["status"],
                user=request.user,
                approved_on=form.cleaned_data["approved_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            status = meeting.get_status_display().lower()
            messages.success(request, f"The meeting is now recorded as {status}.")
        return HttpResponseRedirect(self.meeting.get_absolute_url())


class MeetingSaveTemplateView(MeetingChildMixin, PostActionView):
    """Keep this meeting's time, place and open standing items as a template of its committee."""

    def post(self, request, *args, **kwargs):
        self.check_run()
        form = TemplateNameForm(request.POST)
        if not form.is_valid():
            messages.error(request, errors_as_text(form))
            return HttpResponseRedirect(self.meeting.get_absolute_url())
        try:
            template = services.save_meeting_template(
                meeting=self.meeting, name=form.cleaned_data["name"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.meeting.get_absolute_url())
        count = template.items.count()
        messages.success(
            request, f"Template “{template.name}” kept, with {count} standing item{pluralize(count)}."
        )
        return HttpResponseRedirect(self.meeting.committee.get_absolute_url() + "#templates")


class TemplateActionMixin:
    def template_or_404(self):
        queryset = permissions.restrict(MeetingTemplate.objects.all(), self.request.user).filter(
            committee__partnership=self.partnership
        )
        template = get_object_or_404(queryset.select_related("committee__partnership"), pk=self.kwargs["pk"])
        permissions.require(
            access.can_run(self.request.user, template.committee),
            "Only the committee secretaries of the partner bodies keep its meeting templates.",
        )
        return template


class TemplatePlanView(TemplateActionMixin, PostActionView):
    """Plan a meeting from a template, on the day given."""

    def post(self, request, *args, **kwargs):
        template = self.template_or_404()
        back = template.committee.get_absolute_url() + "#templates"
        form = PlanLikeForm(request.POST, prefix=f"template-{template.pk}")
        if not form.is_valid():
            messages.error(request, errors_as_text(form))
            return HttpResponseRedirect(back)
        try:
            meeting = services.plan_meeting_from_template(
                template=template, day=form.cleaned_data["day"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(back)
        count = meeting.items.count()
        messages.success(
            request,
            f"Meeting planned for {meeting.date:%-d %B %Y} from “{template.name}”, with {count} "
            f"item{pluralize(count)}.",
        )
        return HttpResponseRedirect(meeting.get_absolute_url())


class TemplateDeleteView(TemplateActionMixin, PostActionView):
    def post(self, request, *args, **kwargs):
        template = self.template_or_404()
        removed = services.delete_meeting_template(template=template, user=request.user)
        messages.success(request, "Template removed." if removed else "That template was already removed.")
        return HttpResponseRedirect(template.committee.get_absolute_url() + "#templates")
