"""Committee pages: thin subclasses of partnership.generic that call committees.services."""

import mimetypes
import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from committees import access, services
from committees.choices import ActionStatus, Matter
from committees.filtersets import (
    ActionFilterSet,
    CommitteeFilterSet,
    DelegationFilterSet,
    ReportFilterSet,
)
from committees.forms import (
    ActionForm,
    AgendaItemForm,
    AppendixForm,
    AttendanceForm,
    CommitteeForm,
    CommitteeMemberForm,
    CostLineForm,
    DecisionForm,
    DeclarationForm,
    DelegationForm,
    GenerateMeetingsForm,
    MeetingForm,
    MeetingMoveForm,
    MinuteForm,
    MoveItemForm,
    QuorumRuleForm,
    RatifyForm,
    ReportForm,
)
from committees.models import (
    Action,
    AgendaItem,
    Committee,
    CommitteeMember,
    CommitteeQuorumRule,
    DecisionBinding,
    Declaration,
    Delegation,
    Meeting,
    Report,
    ReportAppendix,
    ReportCostLine,
)
from committees.tables import ActionTable, CommitteeTable, DelegationTable, ReportTable
from partnership import generic, permissions
from partnership.forms import ReasonForm, errors_as_text


def url(name, partnership, **kwargs):
    return reverse(f"committees:{name}", kwargs={"partnership": partnership.slug, **kwargs})


class ParentMixin:
    """Loads a parent record named by ``parent_kwarg`` in the URL, restricted like any other."""

    parent_model = None
    parent_kwarg = None

    @cached_property
    def parent(self):
        queryset = permissions.restrict(self.parent_model._default_manager.all(), self.request.user)
        path = self.parent_model.partnership_path
        queryset = queryset.filter(**{path: self.partnership})
        return get_object_or_404(queryset, pk=self.kwargs[self.parent_kwarg])


class PostActionView(generic.PartnershipMixin, TemplateView):
    """A button's POST: check, call a service, redirect with a message. GET is not allowed."""

    http_method_names = ["post"]


# --- Committees ----------------------------------------------------------------------


class CommitteeListView(generic.ObjectListView):
    model = Committee
    table_class = CommitteeTable
    filterset_class = CommitteeFilterSet
    title = "Committees"

    def get_queryset(self):
        return super().get_queryset().select_related("parent", "partnership")

    def get_create_url(self):
        user = self.request.user
        if not permissions.is_read_only(user) and permissions.can_create(user, Committee, self.partnership):
            return url("committee_add", self.partnership)
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_label"] = "Add a committee"
        return context


class CommitteeDetailView(generic.ObjectDetailView):
    model = Committee
    template_name = "committees/committee_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("parent", "chair", "partnership")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = self.object
        user = self.request.user
        members = list(committee.members.select_related("organisation", "user"))
        rules = list(committee.quorum_rules.select_related("organisation"))
        today = timezone.localdate()
        context.update(
            members=members,
            current_members=[m for m in members if m.is_current_on(today)],
            former_members=[m for m in members if not m.is_current_on(today)],
            rules=rules,
            nominations=services.nomination_check(committee, members=members, rules=rules),
            meetings=list(committee.meetings.all()),
            children=list(committee.children.all()),
            delegations=list(committee.delegations.select_related("from_organisation")),
            can_manage=access.can_manage(user, committee),
            can_run=access.can_run(user, committee),
            generate_form=GenerateMeetingsForm(initial={"year": today.year + 1}),
            history_url=url("committee_history", self.partnership, pk=committee.pk),
        )
        return context


class CommitteeHistoryView(generic.ObjectHistoryView):
    model = Committee


class CommitteeEditView(generic.ObjectEditView):
    model = Committee
    form_class = CommitteeForm

    def has_permission(self, obj):
        if obj.pk:
            return access.can_manage(self.request.user, obj)
        return not permissions.is_read_only(self.request.user) and permissions.can_create(
            self.request.user, Committee, self.partnership
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return url("committee_list", self.partnership)


class CommitteeChildEditView(ParentMixin, generic.ObjectEditView):
    """Create or edit a record that belongs to a committee (members, quorum rules)."""

    parent_model = Committee
    parent_kwarg = "committee"

    @cached_property
    def committee(self):
        if "pk" in self.kwargs:
            return self.object.committee
        return self.parent

    def new_object(self):
        return self.model(committee=self.parent)

    def has_permission(self, obj):
        return access.can_manage(self.request.user, self.committee)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_success_url(self):
        return self.committee.get_absolute_url()

    def get_cancel_url(self):
        return self.committee.get_absolute_url()


class MemberEditView(CommitteeChildEditView):
    model = CommitteeMember
    form_class = CommitteeMemberForm


class QuorumRuleEditView(CommitteeChildEditView):
    model = CommitteeQuorumRule
    form_class = QuorumRuleForm

    def save_object(self, form, obj):
        if (
            CommitteeQuorumRule.objects.filter(committee=obj.committee, organisation=obj.organisation)
            .exclude(pk=obj.pk)
            .exists()
        ):
            raise ValidationError(f"{obj.organisation} already has a quorum rule: edit that one.")
        obj.save()


class CommitteeChildDeleteView(PostActionView):
    model = None

    def post(self, request, *args, **kwargs):
        queryset = permissions.restrict(self.model.objects.all(), request.user).filter(
            committee__partnership=self.partnership
        )
        obj = get_object_or_404(queryset, pk=kwargs["pk"])
        permissions.require(access.can_manage(request.user, obj.committee))
        refusal = self.refusal(obj)
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(obj.committee.get_absolute_url())
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return generic.bad_request(request, errors_as_text(form))
        obj._change_reason = form.cleaned_data["change_reason"]
        with transaction.atomic():
            obj.delete()
        messages.success(request, f"“{obj}” removed.")
        return HttpResponseRedirect(obj.committee.get_absolute_url())

    def refusal(self, obj):
        return ""


class MemberDeleteView(CommitteeChildDeleteView):
    model = CommitteeMember

    def refusal(self, obj):
        if obj.attendances.exists() or obj.declarations.exists():
            return (
                f"{obj} has attended meetings or declared interests, which the record must keep: "
                "give their membership an end date instead."
            )
        return ""


class QuorumRuleDeleteView(CommitteeChildDeleteView):
    model = CommitteeQuorumRule


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


# --- Meetings ------------------------------------------------------------------------


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


class MeetingDetailView(generic.ObjectDetailView):
    model = Meeting
    template_name = "committees/meeting_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("committee__partnership")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        committee = meeting.committee
        user = self.request.user
        items = list(
            meeting.items.select_related("report__partnership", "minute").prefetch_related(
                Prefetch(
                    "declarations",
                    queryset=Declaration.objects.select_related("member__organisation"),
                )
            )
        )
        for item in items:
            item.hidden = not permissions.can_read(user, item)
            item.paragraph = access.exempt_paragraph(item)
        attendances = list(meeting.attendances.select_related("member__organisation"))
        rules = list(committee.quorum_rules.select_related("organisation"))
        members = list(committee.members.select_related("organisation"))
        decisions = [
            decision
            for decision in meeting.decisions.select_related("agenda_item__report").prefetch_related(
                Prefetch(
                    "bindings",
                    queryset=DecisionBinding.objects.select_related(
                        "organisation", "delegation__partnership"
                    ),
                )
            )
            if permissions.can_read(user, decision)
        ]
        can_run = access.can_run(user, committee)
        for decision in decisions:
            for binding in decision.bindings.all():
                binding.can_ratify = access.can_ratify(user, binding)
        recorded = {a.member_id for a in attendances}
        context.update(
            committee=committee,
            items=items,
            attendances=attendances,
            not_recorded=[m for m in members if m.pk not in recorded and m.is_current_on(meeting.date)],
            quorum=services.quorum_status(meeting, attendances=attendances, rules=rules),
            nominations=services.nomination_check(committee, on=meeting.date, members=members, rules=rules),
            declarations=[
                d
                for d in meeting.declarations.select_related("member", "agenda_item__report")
                if permissions.can_read(user, d)
            ],
            decisions=decisions,
            actions=[
                action
                for action in meeting.actions.select_related(
                    "organisation", "decision__agenda_item__report", "meeting__committee__partnership"
                )
                if permissions.can_read(user, action)
            ],
            can_run=can_run,
            can_change=can_run,
            moves=services.meeting_moves(meeting) if can_run else [],
            today=timezone.localdate(),
            history_url=url("meeting_history", self.partnership, pk=meeting.pk),
        )
        return context


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


class MeetingRecordEditView(generic.ObjectEditView):
    """Create (under a meeting) or edit a record of a meeting: only its secretaries may."""

    meeting_kwarg = "meeting"

    @cached_property
    def meeting(self):
        if "pk" in self.kwargs:
            return self.object.meeting
        queryset = permissions.restrict(Meeting.objects.all(), self.request.user).filter(
            committee__partnership=self.partnership
        )
        return get_object_or_404(queryset.select_related("committee__partnership"), pk=self.kwargs["meeting"])

    def new_object(self):
        return self.model(meeting=self.meeting)

    def has_permission(self, obj):
        return access.can_run(self.request.user, self.meeting.committee)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_success_url(self):
        return self.meeting.get_absolute_url()

    def get_cancel_url(self):
        return self.meeting.get_absolute_url()

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        permissions.require(
            permissions.can_read(self.request.user, obj),
            "This is exempt (Part 2) business: only those entitled to it may see it.",
        )
        return obj


class AgendaItemEditView(MeetingRecordEditView):
    model = AgendaItem
    form_class = AgendaItemForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("meeting")
        return {**kwargs, "partnership": self.partnership}

    def save_object(self, form, obj):
        services.add_agenda_item(item=obj, user=self.request.user, reason=obj._change_reason)


class AgendaItemActionView(PostActionView):
    @cached_property
    def item(self):
        queryset = permissions.restrict(AgendaItem.objects.all(), self.request.user).filter(
            meeting__committee__partnership=self.partnership
        )
        return get_object_or_404(queryset.select_related("meeting__committee"), pk=self.kwargs["pk"])


class AgendaItemMoveView(AgendaItemActionView):
    def post(self, request, *args, **kwargs):
        item = self.item
        permissions.require(access.can_run(request.user, item.meeting.committee))
        form = MoveItemForm(request.POST)
        if not form.is_valid():
            return generic.bad_request(request, errors_as_text(form))
        services.move_agenda_item(item=item, direction=form.cleaned_data["direction"], user=request.user)
        return HttpResponseRedirect(item.meeting.get_absolute_url() + f"#item-{item.pk}")


class AgendaItemDeleteView(AgendaItemActionView):
    def post(self, request, *args, **kwargs):
        item = self.item
        permissions.require(access.can_run(request.user, item.meeting.committee))
        services.delete_agenda_item(item=item, user=request.user, reason="Removed from the agenda")
        messages.success(request, f"Item “{item.title}” removed from the agenda.")
        return HttpResponseRedirect(item.meeting.get_absolute_url() + "#agenda")


class MinuteEditView(generic.PartnershipMixin, TemplateView):
    template_name = "committees/minute_form.html"

    @cached_property
    def item(self):
        queryset = permissions.restrict(AgendaItem.objects.all(), self.request.user).filter(
            meeting__committee__partnership=self.partnership
        )
        item = get_object_or_404(
            queryset.select_related("meeting__committee", "minute"), pk=self.kwargs["pk"]
        )
        permissions.require(access.can_run(self.request.user, item.meeting.committee))
        permissions.require(permissions.can_read(self.request.user, item))
        return item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        minute = getattr(self.item, "minute", None)
        initial = {"text": getattr(minute, "text", ""), "loaded_version": services.minute_version(minute)}
        context.setdefault("form", MinuteForm(initial=initial))
        context.update(
            item=self.item, meeting=self.item.meeting, exempt_paragraph=access.exempt_paragraph(self.item)
        )
        return context

    def post(self, request, *args, **kwargs):
        form = MinuteForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.save_minute(
                item=self.item,
                text=form.cleaned_data["text"],
                user=request.user,
                reason=form.cleaned_data["change_reason"],
                loaded_version=form.cleaned_data["loaded_version"],
            )
        except services.MinuteChanged as changed:
            form.data = form.data.copy()
            form.data["loaded_version"] = changed.current_version
            form.add_error(None, changed.message)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, f"Minute of item {self.item.number} saved.")
        return HttpResponseRedirect(self.item.meeting.get_absolute_url() + f"#item-{self.item.pk}")


class AttendanceView(MeetingChildMixin, generic.PartnershipMixin, TemplateView):
    template_name = "committees/attendance_form.html"

    def get_form(self, data=None):
        meeting = self.meeting
        members = [
            m
            for m in meeting.committee.members.select_related("organisation")
            if m.is_current_on(meeting.date)
        ]
        current = {a.member_id: a for a in meeting.attendances.all()}
        return AttendanceForm(data, members=members, current=current)

    def get(self, request, *args, **kwargs):
        self.check_run()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context["meeting"] = self.meeting
        return context

    def post(self, request, *args, **kwargs):
        self.check_run()
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                services.record_attendance(meeting=self.meeting, entries=form.entries(), user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Attendance saved.")
                return HttpResponseRedirect(self.meeting.get_absolute_url() + "#attendance")
        return self.render_to_response(self.get_context_data(form=form))


class DeclarationEditView(MeetingRecordEditView):
    model = Declaration
    form_class = DeclarationForm


class DeclarationDeleteView(PostActionView):
    def post(self, request, *args, **kwargs):
        queryset = permissions.restrict(Declaration.objects.all(), request.user).filter(
            meeting__committee__partnership=self.partnership
        )
        declaration = get_object_or_404(queryset.select_related("meeting__committee"), pk=kwargs["pk"])
        permissions.require(access.can_run(request.user, declaration.meeting.committee))
        declaration._change_reason = "Declaration withdrawn"
        declaration.delete()
        messages.success(request, "Declaration removed.")
        return HttpResponseRedirect(declaration.meeting.get_absolute_url() + "#declarations")


class DecisionCreateView(MeetingChildMixin, generic.PartnershipMixin, TemplateView):
    template_name = "committees/decision_form.html"

    def get(self, request, *args, **kwargs):
        self.check_run()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", DecisionForm(meeting=self.meeting))
        context["meeting"] = self.meeting
        return context

    def post(self, request, *args, **kwargs):
        self.check_run()
        form = DecisionForm(request.POST, meeting=self.meeting)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = services.record_decision(
                    meeting=self.meeting,
                    agenda_item=data["agenda_item"],
                    reference=data["reference"],
                    resolution=data["resolution"],
                    matter=data["matter"],
                    amount=data["amount"],
                    decided_on=data["decided_on"],
                    organisations=data["organisations"],
                    user=request.user,
                    reason=data["change_reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                outcomes = ", ".join(
                    f"{b.organisation.display_name}: {b.get_outcome_display().lower()}"
                    for b in decision.bindings.select_related("organisation")
                )
                messages.success(request, f"Decision recorded ({outcomes}).")
                return HttpResponseRedirect(self.meeting.get_absolute_url() + "#decisions")
        return self.render_to_response(self.get_context_data(form=form))


class RatifyView(generic.PartnershipMixin, TemplateView):
    template_name = "committees/ratify_form.html"

    @cached_property
    def binding(self):
        queryset = permissions.restrict(DecisionBinding.objects.all(), self.request.user).filter(
            decision__meeting__committee__partnership=self.partnership
        )
        binding = get_object_or_404(
            queryset.select_related("decision__meeting__committee", "organisation"),
            pk=self.kwargs["pk"],
        )
        permissions.require(
            access.can_ratify(self.request.user, binding),
            f"Only {binding.organisation}'s secretaries or administrators record its ratification.",
        )
        return binding

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RatifyForm())
        context.update(binding=self.binding, decision=self.binding.decision)
        return context

    def post(self, request, *args, **kwargs):
        binding = self.binding
        form = RatifyForm(request.POST)
        if form.is_valid():
            try:
                services.ratify_decision(
                    binding=binding,
                    user=request.user,
                    ratified=form.cleaned_data["ratified"],
                    ratified_on=form.cleaned_data["ratified_on"],
                    reference=form.cleaned_data["reference"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Ratification by {binding.organisation} recorded.")
                return HttpResponseRedirect(binding.decision.meeting.get_absolute_url() + "#decisions")
        return self.render_to_response(self.get_context_data(form=form))


class ActionEditView(MeetingRecordEditView):
    model = Action
    form_class = ActionForm

    def save_object(self, form, obj):
        if obj.status == ActionStatus.DONE and obj.completed_on is None:
            obj.completed_on = timezone.localdate()
        obj.save()


class ActionListView(generic.ObjectListView):
    model = Action
    table_class = ActionTable
    filterset_class = ActionFilterSet
    title = "Actions register"

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related("meeting__committee__partnership", "organisation")
            .order_by("due", "pk")
        )
        return permissions.readable(queryset, self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if kwargs.get("data") is None or not any(
            key in kwargs["data"] for key in ("status", "q", "committee", "organisation", "overdue")
        ):
            data = kwargs.get("data").copy() if kwargs.get("data") is not None else None
            if data is not None:
                data.setlist("status", [ActionStatus.OPEN])
                kwargs["data"] = data
        return kwargs


# --- Reports -------------------------------------------------------------------------


def visible_report_or_404(request, partnership, pk):
    queryset = permissions.restrict(Report.objects.all(), request.user).filter(partnership=partnership)
    report = get_object_or_404(
        queryset.select_related("organisation", "meeting__committee", "partnership"), pk=pk
    )
    permissions.require(
        permissions.can_read(request.user, report),
        "This report is exempt: only those entitled to see exempt items may read it.",
    )
    return report


class ReportListView(generic.ObjectListView):
    model = Report
    table_class = ReportTable
    filterset_class = ReportFilterSet
    title = "Reports"

    def get_queryset(self):
        queryset = super().get_queryset().select_related("organisation", "meeting__committee")
        return permissions.readable(queryset, self.request.user)

    def get_create_url(self):
        if report_bodies(self.request.user, self.partnership):
            return url("report_add", self.partnership)
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_label"] = "Draft a report"
        return context


def report_bodies(user, partnership):
    """The bodies ``user`` may write a report for: officers and secretaries of partner bodies."""
    if permissions.is_read_only(user):
        return []
    if user.is_superuser:
        from partnership.models import Organisation

        return list(Organisation.objects.filter(partner_places__partnership=partnership))
    return permissions.bodies_acting_for(user, partnership, *Report.create_roles)


class ReportDetailView(generic.ObjectDetailView):
    model = Report
    template_name = "committees/report_detail.html"

    def get_object(self, queryset=None):
        return visible_report_or_404(self.request, self.partnership, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        lines = list(report.cost_lines.all())
        context.update(
            exempt_paragraph=access.exempt_paragraph(report),
            costs=services.cost_table(report, lines),
            cost_lines=lines,
            appendices=list(report.appendices.all()),
            history_url=url("report_history", self.partnership, pk=report.pk),
            cost_form=CostLineForm(),
            appendix_form=AppendixForm(),
        )
        return context


class ReportHistoryView(generic.ObjectHistoryView):
    model = Report

    def get_object(self, queryset=None):
        return visible_report_or_404(self.request, self.partnership, self.kwargs["pk"])


class ReportEditView(generic.ObjectEditView):
    model = Report
    form_class = ReportForm

    def get_object(self, queryset=None):
        return visible_report_or_404(self.request, self.partnership, self.kwargs["pk"])

    def has_permission(self, obj):
        user = self.request.user
        if permissions.is_read_only(user):
            return False
        if obj.pk:
            return permissions.can_change(user, obj)
        if obj.organisation_id:
            return obj.organisation in report_bodies(user, self.partnership)
        return bool(report_bodies(user, self.partnership))

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "bodies": report_bodies(self.request.user, self.partnership),
        }

    def save_object(self, form, obj):
        if not obj.pk:
            obj.author = next(
                (
                    m
                    for m in permissions.user_memberships(self.request.user)
                    if m.organisation_id == obj.organisation_id and m.role in Report.create_roles
                ),
                None,
            )
        obj._acting_organisation = obj.organisation
        obj.save()

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return url("report_list", self.partnership)


class ReportPartMixin(PostActionView):
    """Adds to or removes from a report's cost table or appendices: those who may edit it."""

    http_method_names = ["post"]

    def get_report(self, pk):
        report = visible_report_or_404(self.request, self.partnership, pk)
        permissions.require(
            not permissions.is_read_only(self.request.user)
            and permissions.can_change(self.request.user, report),
            "Only the authoring body's officers and secretaries may change this report.",
        )
        return report

    def render_report(self, report, **forms):
        view = ReportDetailView()
        view.setup(self.request, partnership=self.partnership.slug, pk=report.pk)
        view.partnership = self.partnership
        view.object = report
        context = view.get_context_data(object=report, **forms)
        context.update(forms)
        from django.template.response import TemplateResponse

        return TemplateResponse(self.request, ReportDetailView.template_name, context, status=400)


class CostLineAddView(ReportPartMixin):
    def post(self, request, *args, **kwargs):
        report = self.get_report(kwargs["report"])
        form = CostLineForm(request.POST)
        if not form.is_valid():
            return self.render_report(report, cost_form=form)
        line = form.save(commit=False)
        line.report = report
        line.order = report.cost_lines.count() + 1
        line._change_reason = form.cleaned_data.get("change_reason", "")
        line.save()
        messages.success(request, f"Cost “{line.label}” ({line.year_label}) added.")
        return HttpResponseRedirect(report.get_absolute_url() + "#costs")


class CostLineDeleteView(ReportPartMixin):
    def post(self, request, *args, **kwargs):
        line = get_object_or_404(
            ReportCostLine.objects.filter(report__partnership=self.partnership), pk=kwargs["pk"]
        )
        report = self.get_report(line.report_id)
        line._change_reason = "Removed from the cost table"
        line.delete()
        messages.success(request, "Cost line removed.")
        return HttpResponseRedirect(report.get_absolute_url() + "#costs")


class AppendixAddView(ReportPartMixin):
    def post(self, request, *args, **kwargs):
        report = self.get_report(kwargs["report"])
        form = AppendixForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_report(report, appendix_form=form)
        appendix = form.save(commit=False)
        appendix.report = report
        appendix.order = report.appendices.count() + 1
        appendix._change_reason = form.cleaned_data.get("change_reason", "")
        appendix.save()
        messages.success(request, f"Appendix “{appendix.title}” uploaded.")
        return HttpResponseRedirect(report.get_absolute_url() + "#appendices")


class AppendixDeleteView(ReportPartMixin):
    def post(self, request, *args, **kwargs):
        appendix = get_object_or_404(
            ReportAppendix.objects.filter(report__partnership=self.partnership), pk=kwargs["pk"]
        )
        report = self.get_report(appendix.report_id)
        appendix._change_reason = "Appendix removed"
        appendix.delete()
        messages.success(request, "Appendix removed.")
        return HttpResponseRedirect(report.get_absolute_url() + "#appendices")


class AppendixDownloadView(generic.PartnershipMixin, TemplateView):
    """Serves an appendix as an attachment, after the same checks as its report."""

    def get(self, request, *args, **kwargs):
        appendix = get_object_or_404(
            ReportAppendix.objects.filter(report__partnership=self.partnership), pk=kwargs["pk"]
        )
        visible_report_or_404(request, self.partnership, appendix.report_id)
        try:
            handle = appendix.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The appendix file is missing.") from exc
        name = os.path.basename(appendix.file.name)
        response = FileResponse(handle, as_attachment=True, filename=name)
        response["Content-Type"] = mimetypes.types_map[".pdf"]
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- Delegations ---------------------------------------------------------------------


def delegating_bodies(user, partnership):
    if permissions.is_read_only(user):
        return []
    if user.is_superuser:
        from partnership.models import Organisation

        return list(Organisation.objects.filter(partner_places__partnership=partnership))
    return permissions.bodies_acting_for(user, partnership, *Delegation.create_roles)


class DelegationListView(generic.ObjectListView):
    model = Delegation
    table_class = DelegationTable
    filterset_class = DelegationFilterSet
    title = "Delegations"

    def get_queryset(self):
        return super().get_queryset().select_related("from_organisation", "to_committee")

    def get_create_url(self):
        if delegating_bodies(self.request.user, self.partnership):
            return url("delegation_add", self.partnership)
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_label"] = "Record a delegation"
        return context


class DelegationDetailView(generic.ObjectDetailView):
    model = Delegation
    template_name = "committees/delegation_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("from_organisation", "to_committee")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history_url"] = url("delegation_history", self.partnership, pk=self.object.pk)
        labels = dict(Matter.choices)
        context["matters"] = [labels.get(matter, matter) for matter in self.object.matters or []]
        context["bindings"] = list(
            permissions.readable(
                self.object.bindings.select_related("decision__meeting__committee"), self.request.user
            )
        )
        return context


class DelegationHistoryView(generic.ObjectHistoryView):
    model = Delegation


class DelegationEditView(generic.ObjectEditView):
    model = Delegation
    form_class = DelegationForm

    def owner_of(self, obj):
        return obj.from_organisation if obj.from_organisation_id else None

    def has_permission(self, obj):
        if permissions.is_read_only(self.request.user):
            return False
        return super().has_permission(obj)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "bodies": delegating_bodies(self.request.user, self.partnership),
        }

    def save_object(self, form, obj):
        obj._acting_organisation = obj.from_organisation
        obj.save()

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return url("delegation_list", self.partnership)


class DelegationDeleteView(generic.ObjectDeleteView):
    model = Delegation

    def get_success_url(self):
        return url("delegation_list", self.partnership)

    def post(self, request, *args, **kwargs):
        if self.object.bindings.exists():
            raise PermissionDenied(
                "Decisions rest on this delegation: end it with a “valid to” date instead."
            )
        return super().post(request, *args, **kwargs)
