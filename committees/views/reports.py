"""Reports, their cost lines and appendices."""

import mimetypes
import os

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from committees import access, services
from committees.filtersets import (
    ReportFilterSet,
)
from committees.forms import (
    AppendixForm,
    CostLineForm,
    ReportForm,
)
from committees.models import (
    Report,
    ReportAppendix,
    ReportCostLine,
)
from committees.tables import ReportTable
from committees.views.common import PostActionView, url
from partnership import generic, permissions


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
