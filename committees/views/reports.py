"""Reports, their cost lines and appendices."""

import mimetypes
import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from committees import access, clearance, services
from committees.choices import ClearanceKind, ReportStatus
from committees.filtersets import (
    ReportFilterSet,
)
from committees.forms import (
    AppendixForm,
    ClearanceForm,
    ClearanceReviewersForm,
    CostLineForm,
    MeetingSearchForm,
    ReportForm,
    ReportMoveForm,
)
from committees.models import (
    ClearanceReviewer,
    Report,
    ReportAppendix,
    ReportCostLine,
)
from committees.tables import ReportTable
from committees.views.common import PostActionView, url
from partnership import generic, permissions
from partnership.forms import errors_as_text, limit_input
from partnership.models import Organisation


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
        if services.report_bodies(self.request.user, self.partnership):
            return url("report_add", self.partnership)
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_label"] = "Draft a report"
        return context


class ReportDetailView(generic.ObjectDetailView):
    model = Report
    template_name = "committees/report_detail.html"
    #: A review sent back with its errors (:class:`ReportClearView`), shown in its own row.
    clearance_form = None

    def get_object(self, queryset=None):
        return visible_report_or_404(self.request, self.partnership, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        lines = list(report.cost_lines.all())
        may_change = services.may_change_report(self.request.user, report)
        context.update(
            may_change=may_change,
            is_draft=report.status == ReportStatus.DRAFT,
            exempt_paragraph=access.exempt_paragraph(report),
            costs=services.cost_table(report, lines),
            cost_lines=lines,
            appendices=list(report.appendices.all()),
            history_url=url("report_history", self.partnership, pk=report.pk),
            cost_form=CostLineForm(),
            appendix_form=AppendixForm(),
            clearance=self.clearance_rows(report),
            clearances=list(report.clearances.select_related("reviewed_by", "organisation")),
        )
        return context

    def clearance_rows(self, report):
        """[(requirement, form or None)]: each review the report needs, with a form for the
        reviews this person may give while it is a draft."""
        user = self.request.user
        rows = []
        now = clearance.fingerprint(report)
        for requirement in clearance.requirements(report, now):
            may = report.status == ReportStatus.DRAFT and access.may_clear(
                user, report, requirement.kind, requirement.organisation
            )
            prefix = f"clear-{requirement.kind}-{requirement.organisation.pk}"
            form = None
            if may and self.clearance_form is not None and self.clearance_form.prefix == prefix:
                form = self.clearance_form
            elif may:
                initial = {"kind": requirement.kind, "organisation": requirement.organisation.pk, "seen": now}
                form = ClearanceForm(initial=initial, prefix=prefix)
            rows.append((requirement, form))
        return rows


class ReportClearView(PostActionView):
    """A reviewer clears the report, or asks for changes."""

    def post(self, request, *args, **kwargs):
        report = visible_report_or_404(request, self.partnership, kwargs["pk"])
        permissions.require(permissions.can_read(request.user, report))
        permissions.require(
            not permissions.is_read_only(request.user), "Auditors read reports; they do not clear them."
        )
        # Each review's form on the page has its own prefix (ids stay unique); it says which.
        prefix = request.POST.get("form_prefix", "")
        form = ClearanceForm(request.POST, prefix=prefix if prefix.startswith("clear-") else None)
        if not form.is_valid():
            response = generic.record_page_again(
                ReportDetailView, request, self.partnership, report, {"clearance_form": form}
            )
            shown = any(row_form is form for _requirement, row_form in response.context_data["clearance"])
            return response if shown else generic.bad_request(request, errors_as_text(form))
        data = form.cleaned_data
        try:
            review = services.record_clearance(
                report=report,
                kind=data["kind"],
                organisation=data["organisation"],
                outcome=data["outcome"],
                comment=data["comment"],
                seen=data["seen"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Review recorded: {review.get_outcome_display().lower()}.")
        return HttpResponseRedirect(report.get_absolute_url() + "#clearance")


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
        if obj.pk:
            return services.may_change_report(user, obj)
        bodies = services.report_bodies(user, self.partnership)
        if obj.organisation_id:
            return obj.organisation in bodies
        return bool(bodies)

    def get(self, request, *args, **kwargs):
        permissions.require(self.has_permission(self.object), self.refusal_message())
        if self.object.status == ReportStatus.FINAL:
            messages.info(request, "This report is final: reopen it as a draft to change it.")
            return HttpResponseRedirect(self.object.get_absolute_url())
        return super().get(request, *args, **kwargs)

    template_name = "committees/report_form.html"

    @cached_property
    def meeting_search(self):
        return limit_input(MeetingSearchForm(self.request.GET or None))

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "bodies": services.report_bodies(self.request.user, self.partnership),
            "found_meetings": self.found_meetings,
        }

    @cached_property
    def found_meetings(self):
        return list(self.meeting_search.matching(self.partnership))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(meeting_search=self.meeting_search, found_meetings=self.found_meetings)
        return context

    def save_object(self, form, obj):
        services.save_report(
            report=obj,
            user=self.request.user,
            reason=obj._change_reason,
            joint_with=list(form.cleaned_data.get("joint_with") or []),
        )

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return url("report_list", self.partnership)


class ReportPartMixin(PostActionView):
    """A button or form on a report's page that calls a service: those who may edit it."""

    http_method_names = ["post"]

    def get_report(self, pk):
        report = visible_report_or_404(self.request, self.partnership, pk)
        permissions.require(services.may_change_report(self.request.user, report), services.REPORT_REFUSAL)
        return report

    def render_report(self, report, **forms):
        return generic.record_page_again(ReportDetailView, self.request, self.partnership, report, **forms)

    def act(self, report, anchor, call):
        """Run ``call`` (a service, returning what to tell the user); a refusal becomes an
        error message. Either way, back to the report."""
        try:
            message = call()
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, message)
        return HttpResponseRedirect(report.get_absolute_url() + anchor)


class ReportMoveView(ReportPartMixin):
    """Finalise a draft, or reopen a final report as a draft (with a reason)."""

    def post(self, request, *args, **kwargs):
        report = self.get_report(kwargs["pk"])
        form = ReportMoveForm(request.POST)
        if not form.is_valid():
            return generic.bad_request(request, errors_as_text(form))
        reason = form.cleaned_data["reason"]

        def move():
            if form.cleaned_data["status"] == ReportStatus.FINAL:
                services.finalise_report(report=report, user=request.user, reason=reason)
                return "The report is final: its text, costs and appendices are now fixed."
            services.reopen_report(report=report, user=request.user, reason=reason)
            return "The report is a draft again: it can be changed."

        return self.act(report, "", move)


class CostLineAddView(ReportPartMixin):
    def post(self, request, *args, **kwargs):
        report = self.get_report(kwargs["report"])
        form = CostLineForm(request.POST)
        if not form.is_valid():
            return self.render_report(report, cost_form=form)
        data = form.cleaned_data

        def add():
            line, added = services.add_cost_line(
                report=report,
                label=data["label"],
                year_label=data["year_label"],
                amount=data["amount"],
                note=data["note"],
                user=request.user,
                reason=data["change_reason"],
            )
            if added:
                return f"Cost “{line.label}” ({line.year_label}) added."
            return f"Cost “{line.label}” ({line.year_label}) was already in the table: not added twice."

        return self.act(report, "#costs", add)


class CostLineDeleteView(ReportPartMixin):
    def post(self, request, *args, **kwargs):
        line = get_object_or_404(
            ReportCostLine.objects.filter(report__partnership=self.partnership), pk=kwargs["pk"]
        )
        report = self.get_report(line.report_id)

        def remove():
            removed = services.remove_cost_line(line=line, user=request.user)
            return "Cost line removed." if removed else "That cost line had already been removed."

        return self.act(report, "#costs", remove)


class AppendixAddView(ReportPartMixin):
    def post(self, request, *args, **kwargs):
        report = self.get_report(kwargs["report"])
        form = AppendixForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_report(report, appendix_form=form)
        data = form.cleaned_data

        def add():
            appendix = services.add_appendix(
                report=report,
                title=data["title"],
                file=data["file"],
                user=request.user,
                reason=data["change_reason"],
            )
            return f"Appendix “{appendix.title}” uploaded."

        return self.act(report, "#appendices", add)


class AppendixDeleteView(ReportPartMixin):
    def post(self, request, *args, **kwargs):
        appendix = get_object_or_404(
            ReportAppendix.objects.filter(report__partnership=self.partnership), pk=kwargs["pk"]
        )
        report = self.get_report(appendix.report_id)

        def remove():
            removed = services.remove_appendix(appendix=appendix, user=request.user)
            return "Appendix removed." if removed else "That appendix had already been removed."

        return self.act(report, "#appendices", remove)


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


class ClearanceSettingsView(generic.PartnershipMixin, TemplateView):
    """Each partner body's report clearance: the reviews it requires and who gives them."""

    template_name = "committees/clearance_settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        reviewers = {}
        for reviewer in ClearanceReviewer.objects.filter(partnership=self.partnership).select_related("user"):
            reviewers.setdefault((reviewer.organisation_id, reviewer.kind), []).append(reviewer.user)
        bodies = []
        for body in Organisation.objects.offered_in(self.partnership):
            keeps = access.keeps_clearance_of(user, body, self.partnership)
            rows = []
            for kind in clearance.BODY_KINDS:
                people = reviewers.get((body.pk, kind), [])
                form = (
                    ClearanceReviewersForm(
                        organisation=body, initial={"users": people}, prefix=f"reviewers-{body.pk}-{kind}"
                    )
                    if keeps
                    else None
                )
                rows.append((kind, ClearanceKind(kind).label, people, form))
            bodies.append((body, rows))
        context["bodies"] = bodies
        return context


class ClearanceReviewersView(PostActionView):
    def post(self, request, *args, **kwargs):
        permissions.require(
            not permissions.is_read_only(request.user),
            "Only the body's administrators name who clears its reports.",
        )
        body = get_object_or_404(Organisation.objects.offered_in(self.partnership), pk=kwargs["organisation"])
        kind = kwargs["kind"]
        if kind not in clearance.BODY_KINDS:
            raise Http404("No such review.")
        permissions.require(
            access.keeps_clearance_of(request.user, body, self.partnership),
            "Only the body's administrators name who clears its reports.",
        )
        form = ClearanceReviewersForm(request.POST, organisation=body, prefix=f"reviewers-{body.pk}-{kind}")
        if not form.is_valid():
            return generic.bad_request(request, errors_as_text(form))
        try:
            services.save_clearance_reviewers(
                partnership=self.partnership,
                organisation=body,
                kind=kind,
                users=list(form.cleaned_data["users"]),
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{body.display_name}: {ClearanceKind(kind).label.lower()} review saved."
            )
        return HttpResponseRedirect(url("clearance_settings", self.partnership) + f"#body-{body.pk}")
