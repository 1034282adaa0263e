"""Committees, their members and quorum rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.generic import TemplateView

from committees import access, attendance, services
from committees.filtersets import (
    CommitteeFilterSet,
)
from committees.forms import (
    CommitteeForm,
    CommitteeMemberForm,
    GenerateMeetingsForm,
    PlanLikeForm,
    QuorumRuleForm,
)
from committees.models import (
    Committee,
    CommitteeMember,
    CommitteeQuorumRule,
)
from committees.tables import CommitteeTable
from committees.views.common import ParentMixin, PostActionView, meetings_in_time, url
from partnership import generic, permissions
from partnership.dates import (
    financial_year_bounds,
    financial_year_label,
    financial_year_start,
    parse_financial_year,
)
from partnership.exports import csv_response, safe_row, xlsx_response
from partnership.forms import ReasonForm, errors_as_text


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
        members = list(services.with_kept_record(committee.members.select_related("organisation", "user")))
        rules = list(committee.quorum_rules.select_related("organisation"))
        today = timezone.localdate()
        context.update(
            members=members,
            current_members=[m for m in members if m.is_current_on(today)],
            former_members=[m for m in members if not m.is_current_on(today)],
            rules=rules,
            nominations=services.nomination_check(committee, members=members, rules=rules),
            **meetings_in_time(committee.meetings.all(), self.request.GET.get("past")),
            children=list(committee.children.all()),
            delegations=list(committee.delegations.select_related("from_organisation")),
            can_manage=access.can_manage(user, committee),
            can_run=access.can_run(user, committee),
            generate_form=GenerateMeetingsForm(initial={"year": today.year + 1}),
            templates=[
                (template, PlanLikeForm(prefix=f"template-{template.pk}"))
                for template in committee.meeting_templates.prefetch_related("items")
            ],
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


class MemberDeleteView(generic.ConfirmActionMixin, generic.PartnershipMixin, TemplateView):
    """Removing a committee member: a confirmation page with the reason."""

    question = "Are you sure you want to remove this member?"
    confirm_label = "Yes, remove the member"

    @cached_property
    def member(self):
        queryset = permissions.restrict(CommitteeMember.objects.all(), self.request.user).filter(
            committee__partnership=self.partnership
        )
        queryset = services.with_kept_record(queryset.select_related("committee", "organisation"))
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def check_permission(self):
        permissions.require(access.can_manage(self.request.user, self.member.committee))

    def unavailable(self):
        if self.member.kept_by_record:
            return (
                f"{self.member} has attended meetings or declared interests, which the record must keep: "
                "give their membership an end date instead."
            )
        return None

    def get_caption(self):
        return f"{self.member.person_name}, {self.member.committee.name}"

    def get_warning(self):
        return (
            "They come off the committee's membership and no longer count towards its quorum or "
            "nominations. To record that a membership ended on a date, edit it and give an end date instead."
        )

    def get_cancel_url(self):
        return self.member.committee.get_absolute_url() + "#members"

    def perform(self, form):
        services.remove_member(
            member=self.member, user=self.request.user, reason=form.cleaned_data["change_reason"]
        )
        return f"{self.member.person_name} removed from the {self.member.committee.name}."


class QuorumRuleDeleteView(CommitteeChildDeleteView):
    model = CommitteeQuorumRule


class CommitteeAttendanceView(generic.ObjectDetailView):
    """Attendance in a financial year, by member and by nominating body, with CSV and XLSX."""

    model = Committee
    template_name = "committees/committee_attendance.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        raw = request.GET.get("year", "").strip()
        try:
            start_year = parse_financial_year(raw) if raw else financial_year_start(timezone.localdate())
        except ValueError as error:
            return generic.bad_request(request, f"Financial year: {error}")
        start, end = financial_year_bounds(start_year)
        held, members, bodies = attendance.statistics(self.object, start, end)
        label = financial_year_label(start_year)
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            rows = [
                attendance.COLUMNS,
                *(safe_row(tally.row()) for tally in members),
                [],
                ["Totals by body"],
                *(safe_row(tally.row()) for tally in bodies),
            ]
            slug = slugify(self.object.short_name or self.object.name)
            filename = f"{slug}-attendance-{label.replace('/', '-')}.{export}"
            if export == "csv":
                return csv_response(rows, filename)
            return xlsx_response(rows, filename, title=f"Attendance {label.replace('/', '-')}")
        context = self.get_context_data(
            object=self.object,
            year=label,
            previous_year=financial_year_label(start_year - 1),
            next_year=financial_year_label(start_year + 1),
            held=held,
            member_tallies=members,
            body_tallies=bodies,
        )
        return self.render_to_response(context)
