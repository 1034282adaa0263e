"""A meeting's business: agenda items, minutes, attendance, declarations, decisions and actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from committees import access, services
from committees.choices import ActionStatus
from committees.filtersets import (
    ActionFilterSet,
)
from committees.forms import (
    ActionForm,
    ActionMoveForm,
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    DeclarationForm,
    MinuteForm,
    MoveItemForm,
    RatifyForm,
)
from committees.models import (
    Action,
    AgendaItem,
    DecisionBinding,
    Declaration,
    Meeting,
)
from committees.tables import ActionTable
from committees.views.common import PostActionView
from committees.views.meetings import MeetingChildMixin
from partnership import generic, permissions
from partnership.forms import errors_as_text


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

    #: The meeting page's section the record is shown in, and its anchor there.
    section = "agenda"
    anchor = ""

    def get_success_url(self):
        return self.meeting.section_url(self.section) + self.anchor

    def get_cancel_url(self):
        return self.get_success_url()

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
        try:
            services.move_agenda_item(item=item, direction=form.cleaned_data["direction"], user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(item.get_absolute_url())


class AgendaItemDeleteView(generic.ConfirmActionMixin, generic.PartnershipMixin, TemplateView):
    """Removing an agenda item: a confirmation page with the reason, kept in the history."""

    question = "Are you sure you want to remove this item from the agenda?"
    confirm_label = "Yes, remove the item"

    @cached_property
    def item(self):
        return AgendaItemActionView.item.func(self)

    def check_permission(self):
        permissions.require(access.can_run(self.request.user, self.item.meeting.committee))
        permissions.require(permissions.can_read(self.request.user, self.item))

    def unavailable(self):
        if self.item.meeting.status not in services.TAKES_ITEMS:
            status = self.item.meeting.get_status_display().lower()
            return (
                f"This meeting is {status}: its agenda can no longer be changed, so no item can be removed."
            )
        return None

    def get_caption(self):
        return f"Item {self.item.number}: {self.item.title}"

    def get_warning(self):
        meeting = self.item.meeting
        warning = "The item comes off the agenda and the items after it are renumbered."
        if meeting.status == "agenda_published":
            warning += " The agenda is already published: people who read it will see the item withdrawn."
        return warning

    def get_cancel_url(self):
        return self.item.get_absolute_url()

    def get_success_url(self):
        return self.item.meeting.agenda_url

    def perform(self, form):
        services.delete_agenda_item(
            item=self.item, user=self.request.user, reason=form.cleaned_data["change_reason"]
        )
        return f"Item “{self.item.title}” removed from the agenda."


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

    def get(self, request, *args, **kwargs):
        if not services.minutes_open(self.item.meeting):
            messages.error(request, "The minutes of this meeting can no longer be changed.")
            return HttpResponseRedirect(self.item.meeting.minutes_url)
        return super().get(request, *args, **kwargs)

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
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.item.meeting.minutes_url)
        messages.success(request, f"Minute of item {self.item.number} saved.")
        return HttpResponseRedirect(self.item.meeting.minutes_url + f"#item-{self.item.pk}")


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
                return HttpResponseRedirect(self.meeting.attendance_url)
        return self.render_to_response(self.get_context_data(form=form))


class DeclarationEditView(MeetingRecordEditView):
    anchor = "#declarations"
    model = Declaration
    form_class = DeclarationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save_object(self, form, obj):
        services.save_declaration(declaration=obj, user=self.request.user, reason=obj._change_reason)


class MeetingRecordButtonView(PostActionView):
    """A button on a record of a meeting (``model``): only its committee's secretaries."""

    model = None

    def get_record(self):
        queryset = permissions.restrict(self.model.objects.all(), self.request.user).filter(
            meeting__committee__partnership=self.partnership
        )
        record = get_object_or_404(queryset.select_related("meeting__committee"), pk=self.kwargs["pk"])
        permissions.require(access.can_run(self.request.user, record.meeting.committee))
        permissions.require(permissions.can_read(self.request.user, record))
        return record


class DeclarationDeleteView(MeetingRecordButtonView):
    model = Declaration

    def post(self, request, *args, **kwargs):
        declaration = self.get_record()
        try:
            removed = services.delete_declaration(declaration=declaration, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, "Declaration removed." if removed else "That declaration was already removed."
            )
        return HttpResponseRedirect(declaration.meeting.agenda_url + "#declarations")


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
                    planned_decision=data["planned_decision"],
                    key_decision=data["key_decision"],
                    exception_notice_on=data["exception_notice_on"],
                    urgency_agreed_by=data["urgency_agreed_by"],
                    urgency_reasons=data["urgency_reasons"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                outcomes = ", ".join(
                    f"{b.organisation.display_name}: {b.get_outcome_display().lower()}"
                    for b in decision.bindings.select_related("organisation")
                )
                route = (
                    f" Key decision: {decision.get_key_decision_route_display().lower()}."
                    if decision.key_decision
                    else ""
                )
                messages.success(request, f"Decision recorded ({outcomes}).{route}")
                return HttpResponseRedirect(self.meeting.minutes_url + "#decisions")
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
                return HttpResponseRedirect(binding.decision.meeting.minutes_url + "#decisions")
        return self.render_to_response(self.get_context_data(form=form))


class ActionEditView(MeetingRecordEditView):
    section = "minutes-and-decisions"
    anchor = "#actions"
    model = Action
    form_class = ActionForm
    template_name = "committees/action_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.pk:
            context["moves"] = services.action_moves(self.object)
        return context

    def save_object(self, form, obj):
        services.save_action(action=obj, user=self.request.user, reason=obj._change_reason)


class ActionMoveView(MeetingRecordButtonView):
    """Done, cancelled or reopened: the buttons on the action's page."""

    model = Action

    def post(self, request, *args, **kwargs):
        action = self.get_record()
        form = ActionMoveForm(request.POST)
        if not form.is_valid():
            return generic.bad_request(request, errors_as_text(form))
        try:
            action = services.move_action(
                action=action, status=form.cleaned_data["status"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"The action is now {action.get_status_display().lower()}.")
        return HttpResponseRedirect(action.get_absolute_url())


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
