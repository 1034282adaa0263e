"""Finance pages: thin views over the generic ones and finance.services."""

import io
import os

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.generic import TemplateView, View

from finance import access, charts, cover, ledger_upload, monitoring_upload, services, statutory
from finance.choices import MONTH_NAMES, ReportKind, ReportPeriod
from finance.filtersets import BudgetFilterSet, TransferFilterSet
from finance.forms import (
    BudgetForm,
    BudgetLineForm,
    CloseYearForm,
    ContributionForm,
    ExitPaymentForm,
    ExitReturnForm,
    FundExitForm,
    FundYearForm,
    InstalmentForm,
    LedgerUploadForm,
    LinePlanForm,
    MonitoringForm,
    MonitoringUploadForm,
    ReopenYearForm,
    ResidualLiabilityForm,
    TransferForm,
)
from finance.models import (
    Budget,
    BudgetLine,
    Contribution,
    ExitPayment,
    ExitReturn,
    FundExit,
    FundYear,
    Instalment,
    LinePlan,
    Monitoring,
    ReportRecipient,
    ResidualLiability,
    StatutoryReport,
    Transfer,
)
from finance.tables import BudgetTable, TransferTable
from partnership import generic, permissions
from partnership.dates import financial_year_label, financial_year_start, parse_financial_year
from partnership.forms import check_year, year_from_query
from partnership.models import Membership, Organisation
from partnership.numbers import whole_number
from partnership.pdf import render_pdf_cached


def budget_url(budget, year=None):
    url = reverse("finance:budget_detail", kwargs={"partnership": budget.partnership.slug, "pk": budget.pk})
    return f"{url}?year={year}" if year else url


def asked_year(request):
    """The financial year a link asked a form to start at (``?year=2018``), or None. Only a
    suggestion: a year that is not one is left out rather than refused."""
    try:
        return year_from_query(request)
    except ValidationError:
        return None


def suggest(form, **values):
    """Start an unbound add form's empty fields at these values (None: leave it empty). The new
    record's own empty values are in ``form.initial`` already, so they are replaced, not kept."""
    for name, value in values.items():
        if value is not None and form.initial.get(name) in (None, ""):
            form.initial[name] = value


class BudgetMixin:
    """Loads the budget named by ``budget`` in the URL (404 outside the partnership)."""

    @cached_property
    def budget(self):
        queryset = permissions.restrict(
            Budget.objects.select_related("partnership", "host"), self.request.user
        )
        return get_object_or_404(queryset, pk=self.kwargs["budget"], partnership=self.partnership)


class LineMixin:
    @cached_property
    def line(self):
        queryset = permissions.restrict(
            BudgetLine.objects.select_related("budget__partnership", "organisation"), self.request.user
        )
        return get_object_or_404(queryset, pk=self.kwargs["line"], budget__partnership=self.partnership)


# --- Budgets ------------------------------------------------------------------


class BudgetListView(generic.ObjectListView):
    model = Budget
    queryset = Budget.objects.select_related("agreement", "host")
    table_class = BudgetTable
    filterset_class = BudgetFilterSet
    title = "Budgets"

    def get_create_url(self):
        if access.may_add_budget(self.request.user, self.partnership):
            return reverse("finance:budget_add", kwargs={"partnership": self.partnership.slug})
        return None


class BudgetEditView(generic.ObjectEditView):
    model = Budget
    form_class = BudgetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def save_object(self, form, obj):
        services.save_budget(
            budget=obj,
            user=self.request.user,
            reason=obj._change_reason,
            risk_shares=form.risk_shares(),
            cover_caps=form.cover_caps(),
        )

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return reverse("finance:budget_list", kwargs={"partnership": self.partnership.slug})


class BudgetDetailView(generic.ObjectDetailView):
    model = Budget
    queryset = Budget.objects.select_related("partnership", "agreement__partnership", "host", "exit")
    template_name = "finance/budget_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        budget = self.object
        figures = services.BudgetFigures(budget)
        years = figures.years
        year = self.selected_year(years)
        year_figures = figures.year(year)
        # One prefetching checker per model: guardian prefetches one model at a time.
        contribution_checker = permissions.permission_checker(user, figures.contributions)
        line_checker = permissions.permission_checker(user, figures.lines)
        contribution_table = figures.contribution_table()
        year_contributions = [c for c in figures.contributions if c.year == year]
        for c in year_contributions:
            c.may_change = permissions.can_change(user, c, contribution_checker)
            c.may_agree = c.agreed_on is None and access.may_agree_contribution(
                user, c.organisation, self.partnership
            )
        for row in year_figures.lines:
            row.may_change = permissions.can_change(user, row.line, line_checker)
            row.may_monitor = access.may_enter_figures(user, self.partnership, row.line.organisation)
        fund_closed_on = services.fund_closed_on(budget)
        if fund_closed_on is not None:  # closed at its exit: nothing of it changes (services refuse)
            for c in year_contributions:
                c.may_change = c.may_agree = False
            for row in year_figures.lines:
                row.may_change = row.may_monitor = False
        if year_figures.is_closed:
            share_rows = [
                (s.organisation, s.contribution, s.share) for s in year_figures.year_end.shares.all()
            ]
        else:
            share_rows = [
                (body, year_figures.contributions.get(body, services.ZERO), share)
                for body, share in year_figures.shares.items()
            ]
        context.update(
            share_rows=share_rows,
            today=timezone.localdate(),
            share_total=sum((row[2] for row in share_rows), services.ZERO),
            figures=figures,
            years=years if year in years else sorted({*years, year}),
            year=year,
            year_label=financial_year_label(year),
            year_figures=year_figures,
            contribution_table=contribution_table,
            year_contributions=year_contributions,
            fund_closed_on=fund_closed_on,
            can_change=context["can_change"] and not fund_closed_on,
            can_delete=context["can_delete"] and not fund_closed_on,
            can_add_contribution=not fund_closed_on and access.may_enter_figures(user, self.partnership),
            can_upload_monitoring=any(row.may_monitor for row in year_figures.lines),
            can_add_line=not fund_closed_on and access.may_add_line(user, self.partnership),
            may_close=not fund_closed_on and access.may_close_year(user, budget),
            contributions_chart=charts.contributions_chart(year_figures),
            spend_chart=charts.spend_chart(year_figures),
            month_names=MONTH_NAMES,
            history_url=reverse(
                "finance:budget_history", kwargs={"partnership": self.partnership.slug, "pk": budget.pk}
            ),
            report_bodies=figures.bodies_for(year),
            quarters=[1, 2, 3, 4],
        )
        return context

    def get(self, request, *args, **kwargs):
        try:
            self.year_asked = year_from_query(request, label="Financial year")
        except ValidationError as error:
            return generic.bad_request(request, error)
        return super().get(request, *args, **kwargs)

    def selected_year(self, years):
        if self.year_asked is not None:
            return self.year_asked
        current = financial_year_start(timezone.localdate())
        if current in years or not years:
            return current
        return years[-1]


class BudgetHistoryView(generic.ObjectHistoryView):
    model = Budget
    template_name = "finance/budget_history.html"


# --- Figures: contributions, lines, plans, monitoring -------------------------


class ContributionEditView(BudgetMixin, generic.ObjectEditView):
    """Add (``budget`` in the URL) or change (``pk``) one body's contribution."""

    model = Contribution
    form_class = ContributionForm
    template_name = "finance/figure_edit.html"

    def get_object(self, queryset=None):
        queryset = permissions.restrict(
            Contribution.objects.select_related("budget__partnership", "organisation"), self.request.user
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"], budget__partnership=self.partnership)

    def new_object(self):
        return Contribution(budget=self.budget)

    @cached_property
    def budget(self):
        if "pk" in self.kwargs:
            return self.object.budget
        return BudgetMixin.budget.func(self)

    def owner_of(self, obj):
        return obj.organisation if obj.organisation_id else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership, "user": self.request.user}

    def get_form(self):
        form = super().get_form()
        if not self.object.pk and not form.is_bound:
            suggest(form, year=asked_year(self.request))
        return form

    def save_object(self, form, obj):
        saved = services.set_contribution(
            budget=self.budget,
            organisation=obj.organisation,
            year=obj.year,
            amount=obj.amount,
            note=obj.note,
            basis=obj.basis,
            uplift_percent=obj.uplift_percent,
            agree_by=obj.agree_by,
            user=self.request.user,
            reason=obj._change_reason,
            adding=self.object.pk is None,
        )
        obj.pk = saved.pk

    def get_success_url(self):
        return budget_url(self.budget, self.object.year)

    def get_cancel_url(self):
        return budget_url(self.budget)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["budget"] = self.budget
        return context


class LineEditView(BudgetMixin, generic.ObjectEditView):
    model = BudgetLine
    form_class = BudgetLineForm

    def get_object(self, queryset=None):
        queryset = permissions.restrict(
            BudgetLine.objects.select_related("budget__partnership"), self.request.user
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"], budget__partnership=self.partnership)

    def new_object(self):
        return BudgetLine(budget=self.budget)

    def owner_of(self, obj):
        return obj.organisation if obj.organisation_id else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership, "user": self.request.user}

    def save_object(self, form, obj):
        services.save_line(line=obj, user=self.request.user, reason=obj._change_reason)

    def get_success_url(self):
        return budget_url(self.object.budget)

    def get_cancel_url(self):
        return budget_url(self.object.budget)


class LineFigureMixin(LineMixin):
    """A figure that belongs to a budget line (plan or monitoring): owned by the line's body."""

    template_name = "finance/figure_edit.html"

    def owner_of(self, obj):
        return self.line.organisation

    def get_success_url(self):
        return budget_url(self.line.budget, self.object.year)

    def get_cancel_url(self):
        return budget_url(self.line.budget)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(line=self.line, budget=self.line.budget)
        return context


class LinePlanEditView(LineFigureMixin, generic.ObjectEditView):
    model = LinePlan
    form_class = LinePlanForm

    @cached_property
    def line(self):
        if "pk" in self.kwargs:
            return self.object.line
        return LineMixin.line.func(self)

    def get_object(self, queryset=None):
        queryset = permissions.restrict(
            LinePlan.objects.select_related("line__budget__partnership", "line__organisation"),
            self.request.user,
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"], line__budget__partnership=self.partnership)

    def new_object(self):
        return LinePlan(line=self.line)

    def get_form(self):
        form = super().get_form()
        if not self.object.pk and not form.is_bound:
            suggest(form, year=asked_year(self.request))
        return form

    def save_object(self, form, obj):
        saved = services.set_line_plan(
            line=self.line,
            year=obj.year,
            amount=obj.amount,
            committed=obj.committed,
            user=self.request.user,
            reason=obj._change_reason,
            adding=self.object.pk is None,
        )
        obj.pk = saved.pk


class MonitoringEditView(LineFigureMixin, generic.ObjectEditView):
    model = Monitoring
    form_class = MonitoringForm

    @cached_property
    def line(self):
        if "pk" in self.kwargs:
            return self.object.line
        return LineMixin.line.func(self)

    def get_object(self, queryset=None):
        queryset = permissions.restrict(
            Monitoring.objects.select_related("line__budget__partnership", "line__organisation"),
            self.request.user,
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"], line__budget__partnership=self.partnership)

    def new_object(self):
        return Monitoring(line=self.line)

    def get_form(self):
        form = super().get_form()
        if not self.object.pk and not form.is_bound:
            today = timezone.localdate()
            this_year = financial_year_start(today)
            year = asked_year(self.request) or this_year
            # The month reached this year; a past year's monitoring is usually its outturn.
            month = (today.month - 4) % 12 + 1 if year == this_year else 12 if year < this_year else 1
            suggest(form, year=year, month=month)
        return form

    def save_object(self, form, obj):
        saved = services.record_monitoring(
            line=self.line,
            year=obj.year,
            month=obj.month,
            actual_to_date=obj.actual_to_date,
            forecast_outturn=obj.forecast_outturn,
            note=obj.note,
            user=self.request.user,
            reason=obj._change_reason,
            adding=self.object.pk is None,
        )
        obj.pk = saved.pk


# --- A month's monitoring from a spreadsheet ---------------------------------------------


def _this_month(today, year):
    """The month of the financial year ``year`` that monitoring is usually for on ``today``."""
    this_year = financial_year_start(today)
    return (today.month - 4) % 12 + 1 if year == this_year else 12 if year < this_year else 1


class MonitoringUploadMixin(BudgetMixin, generic.PartnershipMixin):
    """Only finance officers of a body that runs one of the budget's lines may use these pages."""

    @cached_property
    def lines(self):
        return monitoring_upload.lines_for(self.request.user, self.budget)

    def check(self):
        permissions.require(
            bool(self.lines),
            f"Only finance officers of a body that runs a line of {self.budget.name} may upload "
            "its monitoring.",
        )

    def asked_financial_year(self):
        """The year in the address, as 2018/19 or 2018; ValidationError if it is neither."""
        raw = self.request.GET.get("year", "").strip()
        if "/" not in raw:
            return year_from_query(self.request, label="Financial year")
        try:
            return check_year(parse_financial_year(raw), "Financial year")
        except ValueError as error:
            raise ValidationError(f"Financial year: {error}") from None

    def chosen(self):
        """The year and month asked in the address (``?year=2018/19&month=2``), else this month;
        a year that is not one is left out rather than refused."""
        try:
            year = self.asked_financial_year()
        except ValidationError:
            year = None
        year = year or financial_year_start(timezone.localdate())
        month = whole_number(self.request.GET.get("month", ""), 2)
        month = month if month in MONTH_NAMES else None
        return year, month or _this_month(timezone.localdate(), year)


class MonitoringUploadView(MonitoringUploadMixin, TemplateView):
    template_name = "finance/monitoring_upload.html"

    def get(self, request, *args, **kwargs):
        self.check()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, month = self.chosen()
        if "form" not in context:
            context["form"] = MonitoringUploadForm(
                initial={"year": financial_year_label(year), "month": month}
            )
        template = reverse(
            "finance:monitoring_template",
            kwargs={"partnership": self.partnership.slug, "budget": self.budget.pk},
        )
        query = f"year={year}&month={month}"
        context.update(
            budget=self.budget,
            lines=self.lines,
            year_label=financial_year_label(year),
            month=month,
            month_name=MONTH_NAMES[month],
            months=list(MONTH_NAMES.items()),
            template_csv=f"{template}?{query}&format=csv",
            template_xlsx=f"{template}?{query}&format=xlsx",
            cancel_url=budget_url(self.budget, year),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.check()
        form = MonitoringUploadForm(data=request.POST, files=request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
        try:
            result = monitoring_upload.upload_monitoring(
                user=request.user,
                budget=self.budget,
                year=year,
                month=month,
                upload=form.cleaned_data["file"],
                reason=form.cleaned_data["change_reason"],
            )
        except monitoring_upload.UploadRefused as refused:
            count = len(refused.problems)
            form.add_error(
                "file",
                f"Filled-in template: nothing was saved. Put right the {count} problem{pluralize(count)} "
                "listed below and upload the file again.",
            )
            return self.render_to_response(self.get_context_data(form=form, problems=refused.problems))
        when = f"{MONTH_NAMES[month]} {financial_year_label(year)}"
        saved, unchanged = len(result.saved), len(result.unchanged)
        message = f"Monitoring for {when} saved for {saved} line{pluralize(saved)}"
        if unchanged:
            message += f"; {unchanged} line{pluralize(unchanged)} already had these figures"
        messages.success(request, message + ".")
        return HttpResponseRedirect(budget_url(self.budget, year) + "#lines")


class MonitoringTemplateView(MonitoringUploadMixin, TemplateView):
    """The template for a month's monitoring: ``?year=2018&month=2&format=csv`` (or ``xlsx``)."""

    def get(self, request, *args, **kwargs):
        self.check()
        try:
            year = self.asked_financial_year() or financial_year_start(timezone.localdate())
        except ValidationError as error:
            return generic.bad_request(request, error)
        month = whole_number(request.GET.get("month", ""), 2)
        if month not in MONTH_NAMES:
            return generic.bad_request(request, ValidationError("Month: choose 1 (April) to 12 (March)."))
        kind = request.GET.get("format", "csv")
        if kind not in ("csv", "xlsx"):
            return generic.bad_request(request, ValidationError("Format: choose csv or xlsx."))
        rows = monitoring_upload.template_rows(request.user, self.budget, year, month)
        name = f"{slugify(self.budget.name)}-monitoring-{year}-{month:02d}.{kind}"
        if kind == "csv":
            response = HttpResponse(
                monitoring_upload.template_csv(rows), content_type="text/csv; charset=utf-8"
            )
        else:
            title = f"{self.budget.name}: monitoring for {MONTH_NAMES[month]} {financial_year_label(year)}"
            response = HttpResponse(
                monitoring_upload.template_xlsx(rows, title),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --- Year end -----------------------------------------------------------------


class YearInAddressMixin:
    """A financial year in the address outside 1900..2200 answers 400, naming the field."""

    def dispatch(self, request, *args, **kwargs):
        try:
            check_year(kwargs["year"], "Financial year")
        except ValidationError as error:
            return generic.bad_request(request, error)
        return super().dispatch(request, *args, **kwargs)


class YearEndView(YearInAddressMixin, BudgetMixin, generic.PartnershipMixin, TemplateView):
    """Close (or reopen) one financial year of a budget."""

    template_name = "finance/year_close.html"
    form_class = CloseYearForm
    reopen = False

    @cached_property
    def figures(self):
        return services.BudgetFigures(self.budget).year(self.kwargs["year"])

    def check(self):
        permissions.require(
            access.may_close_year(self.request.user, self.budget),
            "Only finance officers of the host body may close or reopen a year of this budget.",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form_class())
        context.update(
            budget=self.budget,
            year_figures=self.figures,
            cancel_url=budget_url(self.budget, self.kwargs["year"]),
            reopen=self.reopen,
        )
        return context

    def get(self, request, *args, **kwargs):
        self.check()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check()
        form = self.form_class(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            self.act(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form))
        return HttpResponseRedirect(budget_url(self.budget, self.kwargs["year"]))

    def act(self, form):
        services.close_financial_year(
            budget=self.budget,
            year=self.kwargs["year"],
            user=self.request.user,
            note=form.cleaned_data["note"],
        )
        messages.success(
            self.request, f"{financial_year_label(self.kwargs['year'])} closed for {self.budget.name}."
        )


class YearReopenView(YearEndView):
    form_class = ReopenYearForm
    reopen = True

    def act(self, form):
        services.reopen_financial_year(
            budget=self.budget,
            year=self.kwargs["year"],
            user=self.request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            self.request, f"{financial_year_label(self.kwargs['year'])} reopened for {self.budget.name}."
        )


# --- Reports and exports ------------------------------------------------------


class BudgetReportView(YearInAddressMixin, BudgetMixin, generic.PartnershipMixin, TemplateView):
    """Quarterly pooled fund report or annual statement, as PDF, for one partner body."""

    annual = False

    def get(self, request, *args, **kwargs):
        budget = self.budget
        figures = services.BudgetFigures(budget)
        organisation = next(
            (b for b in figures.bodies_for(kwargs["year"]) if b.pk == kwargs["organisation"]), None
        )
        if organisation is None:
            raise Http404("That body is not a partner in this budget.")
        year = kwargs["year"]
        quarter = None if self.annual else kwargs["quarter"]
        if quarter is not None and quarter not in (1, 2, 3, 4):
            raise Http404("A quarter is 1 to 4.")
        year_figures = figures.year(year)
        if quarter is not None:
            year_figures = figures.to_month(year, quarter * 3)
        shares = year_figures.shares
        year_end = year_figures.year_end if year_figures.is_closed else None
        if year_end is not None and self.annual:
            shares = {s.organisation: s.share for s in year_end.shares.all()}
        title = (
            f"Annual statement {financial_year_label(year)}"
            if self.annual
            else f"Quarterly pooled fund report, Q{quarter} {financial_year_label(year)}"
        )
        context = {
            "title": f"{budget.name}: {title}",
            "heading": title,
            "budget": budget,
            "partnership": self.partnership,
            "organisation": organisation,
            "figures": year_figures,
            "quarter": quarter,
            "to_month": MONTH_NAMES[quarter * 3] if quarter else "March",
            "shares": [(body, shares.get(body)) for body in figures.bodies_for(year) if body in shares],
            "share_total": sum((v for v in shares.values() if v is not None), services.ZERO),
            "own_share": shares.get(organisation),
            "own_contribution": year_figures.contributions.get(organisation, services.ZERO),
            "year_end": year_end,
            "annual": self.annual,
        }
        pdf = render_pdf_cached("pdf/finance/budget_report.html", context, cache_prefix="budget-report")
        kind = "annual-statement" if self.annual else f"q{quarter}-report"
        filename = f"{slugify(budget.name)}-{year}-{kind}-{slugify(organisation.display_name)}.pdf"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


class BudgetExportView(BudgetMixin, generic.PartnershipMixin, TemplateView):
    """The budget as an Excel workbook: one sheet per financial year."""

    def get(self, request, *args, **kwargs):
        from finance.exports import budget_workbook

        workbook = budget_workbook(services.BudgetFigures(self.budget))
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{slugify(self.budget.name)}.xlsx"'
        return response


# --- Section 256 transfers ----------------------------------------------------


class TransferListView(generic.ObjectListView):
    model = Transfer
    queryset = Transfer.objects.select_related("agreement", "from_organisation", "to_organisation")
    table_class = TransferTable
    filterset_class = TransferFilterSet
    title = "Section 256 transfers"
    template_name = "finance/transfer_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["filter"].qs
        context["transfer_total"] = rows.aggregate(total=Sum("amount"))["total"] or services.ZERO
        context["transfer_count"] = rows.count()
        context["create_label"] = "Record a transfer"
        return context

    def get_create_url(self):
        if access.may_add_transfer(self.request.user, self.partnership):
            return reverse("finance:transfer_add", kwargs={"partnership": self.partnership.slug})
        return None


class TransferDetailView(generic.ObjectDetailView):
    """A Section 256 transfer's page, for everyone who sees the partnership; its Edit button
    for those who may change it (the paying NHS body's officers)."""

    model = Transfer
    queryset = Transfer.objects.select_related(
        "agreement__partnership", "from_organisation", "to_organisation"
    )
    template_name = "finance/transfer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kwargs = {"partnership": self.partnership.slug, "pk": self.object.pk}
        context.update(
            history_url=reverse("finance:transfer_history", kwargs=kwargs),
            edit_url=reverse("finance:transfer_edit", kwargs=kwargs),
        )
        return context


class TransferHistoryView(generic.ObjectHistoryView):
    model = Transfer


class TransferEditView(generic.ObjectEditView):
    model = Transfer
    form_class = TransferForm

    def owner_of(self, obj):
        return obj.from_organisation if obj.from_organisation_id else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership, "user": self.request.user}

    def save_object(self, form, obj):
        services.save_transfer(transfer=obj, user=self.request.user, reason=obj._change_reason)

    def get_success_url(self):
        return reverse("finance:transfer_list", kwargs={"partnership": self.partnership.slug})

    def get_cancel_url(self):
        return self.get_success_url()


class ContributionAgreeView(generic.PartnershipMixin, View):
    """A body's finance officer records that its chief finance officer agreed its contribution
    today (a button on the budget's page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        queryset = permissions.restrict(
            Contribution.objects.select_related("budget__partnership", "organisation"), request.user
        )
        contribution = get_object_or_404(queryset, pk=kwargs["pk"], budget__partnership=self.partnership)
        try:
            agreed = services.agree_contribution(
                contribution=contribution, user=request.user, on=timezone.localdate()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{agreed.organisation.name}'s contribution of £{agreed.amount:,} is recorded as agreed.",
            )
        return HttpResponseRedirect(budget_url(contribution.budget, contribution.year) + "#contributions")


# --- Memorandum accounts, the host's figures and instalments --------------------------


class FundAccountsView(YearInAddressMixin, BudgetMixin, generic.PartnershipMixin, TemplateView):
    """One year of a pooled fund: each partner's memorandum account, the order of cover and the
    underspend as worked out (or as decided at the close), and the reconciliation to the ledger."""

    template_name = "finance/fund_accounts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        figures = services.BudgetFigures(self.budget)
        year_figures = figures.year(year)
        working = year_figures.working
        contributions = [c for c in figures.contributions if c.year == year]
        for c in contributions:
            c.scheduled = [i for i in figures.instalments if i.contribution_id == c.pk]
        context.update(
            budget=self.budget,
            year=year,
            year_label=financial_year_label(year),
            year_figures=year_figures,
            working=working,
            totals=working.totals() if working else None,
            reconciliation=cover.reconcile(
                working,
                year_figures.fund_year,
                spent_to_date=None if year_figures.is_closed else year_figures.total_actual,
            )
            if working
            else [],
            fund_year=year_figures.fund_year,
            caps=figures.caps,
            contributions=contributions,
            may_keep=access.may_keep_fund_accounts(self.request.user, self.budget),
            may_schedule={
                c.pk
                for c in contributions
                if access.may_enter_figures(self.request.user, self.partnership, c.organisation)
            },
            budget_url=budget_url(self.budget, year),
        )
        return context


class FundYearEditView(YearInAddressMixin, BudgetMixin, generic.ObjectEditView):
    """The host's figures for one year: contingency, income and the ledger totals."""

    model = FundYear
    form_class = FundYearForm
    template_name = "finance/figure_edit.html"

    def new_object(self):
        year = self.kwargs["year"]
        return FundYear.objects.filter(budget=self.budget, year=year).first() or FundYear(
            budget=self.budget, year=year
        )

    def has_permission(self, obj):
        return access.may_keep_fund_accounts(self.request.user, self.budget)

    def refusal_message(self):
        return "Only finance officers of the host body keep the fund's own figures."

    def save_object(self, form, obj):
        saved = services.save_fund_year(
            budget=self.budget,
            year=self.kwargs["year"],
            user=self.request.user,
            reason=obj._change_reason,
            **{name: getattr(obj, name) for name in form.Meta.fields},
        )
        obj.pk = saved.pk

    def get_success_url(self):
        return accounts_url(self.budget, self.kwargs["year"])

    def get_cancel_url(self):
        return self.get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            budget=self.budget, verbose_name=f"host's figures for {financial_year_label(self.kwargs['year'])}"
        )
        return context


def accounts_url(budget, year):
    return reverse(
        "finance:fund_accounts",
        kwargs={"partnership": budget.partnership.slug, "budget": budget.pk, "year": year},
    )


class InstalmentEditView(generic.ObjectEditView):
    """Schedule an instalment of a contribution (``contribution`` in the URL), or change one
    (``pk``): its due date, amount and the date it was paid."""

    model = Instalment
    form_class = InstalmentForm
    template_name = "finance/figure_edit.html"

    @cached_property
    def contribution(self):
        if "pk" in self.kwargs:
            return self.object.contribution
        queryset = permissions.restrict(
            Contribution.objects.select_related("budget__partnership", "organisation"), self.request.user
        )
        return get_object_or_404(
            queryset, pk=self.kwargs["contribution"], budget__partnership=self.partnership
        )

    def get_object(self, queryset=None):
        queryset = permissions.restrict(
            Instalment.objects.select_related(
                "contribution__budget__partnership", "contribution__organisation"
            ),
            self.request.user,
        )
        return get_object_or_404(
            queryset, pk=self.kwargs["pk"], contribution__budget__partnership=self.partnership
        )

    def new_object(self):
        return Instalment(contribution=self.contribution)

    def has_permission(self, obj):
        return access.may_schedule_instalments(self.request.user, self.contribution)

    def refusal_message(self):
        return f"Only finance officers of {self.contribution.organisation.name} schedule its instalments."

    def save_object(self, form, obj):
        services.save_instalment(instalment=obj, user=self.request.user, reason=obj._change_reason)

    def get_success_url(self):
        return accounts_url(self.contribution.budget, self.contribution.year) + "#instalments"

    def get_cancel_url(self):
        return self.get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(budget=self.contribution.budget, contribution=self.contribution)
        return context


class InstalmentRemoveView(generic.PartnershipMixin, View):
    """Take out an instalment not yet paid (a button on the year's accounts)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        queryset = permissions.restrict(
            Instalment.objects.select_related(
                "contribution__budget__partnership", "contribution__organisation"
            ),
            request.user,
        )
        instalment = get_object_or_404(
            queryset, pk=kwargs["pk"], contribution__budget__partnership=self.partnership
        )
        contribution = instalment.contribution
        try:
            services.remove_instalment(instalment=instalment, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"The instalment of £{instalment.amount:,} is taken out.")
        return HttpResponseRedirect(accounts_url(contribution.budget, contribution.year) + "#instalments")


# --- Statutory reports ------------------------------------------------------------------


def reports_url(budget, year):
    return reverse(
        "finance:statutory_reports",
        kwargs={"partnership": budget.partnership.slug, "budget": budget.pk, "year": year},
    )


class StatutoryReportsView(YearInAddressMixin, BudgetMixin, generic.PartnershipMixin, TemplateView):
    """One year's statutory reports for a fund: when each is due, which are issued (their PDF and
    workbook as sent), and each partner's named officer."""

    template_name = "finance/statutory_reports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        budget = self.budget
        year = self.kwargs["year"]
        today = timezone.localdate()
        versions = {}
        for report in StatutoryReport.objects.filter(budget=budget, year=year).select_related("issued_by"):
            versions.setdefault((report.kind, report.period), []).append(report)  # oldest first
        may_issue = access.may_issue_reports(user, budget)
        kinds = []
        for kind in statutory.report_kinds(budget):
            rows = []
            for period in ReportPeriod:
                due = statutory.due_on(year, period)
                ended = statutory.period_end(year, period)
                rows.append(
                    {
                        "period": period,
                        "title": statutory.title(kind, year, period),
                        "due": due,
                        "report": (versions.get((kind, period)) or [None])[-1],
                        "earlier": (versions.get((kind, period)) or [])[:-1],
                        "overdue": due < today,
                        "may_issue": may_issue and ended < today,
                    }
                )
            kinds.append((ReportKind(kind), rows))
        recipients = {
            r.organisation_id: r for r in ReportRecipient.objects.filter(budget=budget).select_related("user")
        }
        bodies = services.BudgetFigures(budget).bodies_for(year)
        people = {}
        for membership in (
            Membership.objects.filter(organisation__in=bodies)
            .select_related("user")
            .order_by("user__last_name", "user__username")
        ):
            people.setdefault(membership.organisation_id, {})[membership.user_id] = membership.user
        context.update(
            budget=budget,
            year=year,
            year_label=financial_year_label(year),
            kinds=kinds,
            named=[
                {
                    "body": body,
                    "recipient": recipients.get(body.pk),
                    "people": list(people.get(body.pk, {}).values()),
                    "may_name": access.may_name_report_recipient(user, budget, body),
                }
                for body in bodies
            ],
            budget_url=budget_url(budget, year),
        )
        return context


class StatutoryReportIssueView(YearInAddressMixin, BudgetMixin, generic.PartnershipMixin, View):
    """Issue one report (a button on the reports page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        year = kwargs["year"]
        kind, period = kwargs["kind"], kwargs["period"]
        permissions.require(
            access.may_issue_reports(request.user, self.budget),
            "Only finance officers of the host body issue this fund's statutory reports.",
        )
        if kind not in ReportKind.values or period not in ReportPeriod.values:
            raise Http404("No such report.")
        try:
            report = services.issue_statutory_report(
                budget=self.budget,
                kind=kind,
                year=year,
                period=period,
                user=request.user,
                correction=request.POST.get("correction", "")[:2000],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            sent = report.sent_to.count("\n") + 1 if report.sent_to else 0
            verb = "corrected" if report.correction else "issued"
            messages.success(
                request,
                f"{statutory.title(kind, year, period)} {verb} and sent to {sent} named "
                f"officer{pluralize(sent)}.",
            )
        return HttpResponseRedirect(reports_url(self.budget, year))


class StatutoryReportFileView(generic.PartnershipMixin, View):
    """An issued report's PDF or workbook, as it was sent."""

    def get(self, request, *args, **kwargs):
        queryset = permissions.restrict(StatutoryReport.objects.select_related("budget"), request.user)
        if kwargs["format"] not in ("pdf", "xlsx"):
            raise Http404("A report is issued as PDF or XLSX.")
        report = get_object_or_404(queryset, pk=kwargs["pk"], budget__partnership=self.partnership)
        stored = report.pdf if kwargs["format"] == "pdf" else report.workbook
        try:
            handle = stored.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The report's file is missing.") from exc
        response = FileResponse(
            handle, as_attachment=kwargs["format"] == "xlsx", filename=os.path.basename(stored.name)
        )
        response["Content-Type"] = (
            "application/pdf"
            if kwargs["format"] == "pdf"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ReportRecipientView(BudgetMixin, generic.PartnershipMixin, View):
    """A body names its officer to receive the fund's reports (a form on the reports page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        permissions.require(
            not permissions.is_read_only(request.user), "You may not name a body's officer for the reports."
        )
        budget = self.budget
        organisation = get_object_or_404(
            Organisation, pk=kwargs["organisation"], partner_places__partnership=self.partnership
        )
        year = asked_year(request) or financial_year_start(timezone.localdate())
        permissions.require(
            access.may_name_report_recipient(request.user, budget, organisation),
            f"Only finance officers of {organisation.name} name its officer for the reports.",
        )
        chosen = request.POST.get("user") or ""
        known = whole_number(chosen)
        named = get_user_model().objects.filter(pk=known).first() if known is not None else None
        if named is None:
            messages.error(request, "Named officer: choose the officer who is to receive the reports.")
            return HttpResponseRedirect(reports_url(budget, year) + "#named")
        try:
            services.name_report_recipient(
                budget=budget, organisation=organisation, named=named, user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{named.get_full_name() or named.username} will receive the reports for "
                f"{organisation.name}.",
            )
        return HttpResponseRedirect(reports_url(budget, year) + "#named")


# --- Exit --------------------------------------------------------------------------------


def exit_url(budget):
    return reverse("finance:fund_exit", kwargs={"partnership": budget.partnership.slug, "budget": budget.pk})


class FundExitView(BudgetMixin, generic.PartnershipMixin, TemplateView):
    """Ending the fund: the agreement's ending, the final accounts and the settlement between the
    bodies, residual liabilities, staff and assets going back, and what stops it closing."""

    template_name = "finance/fund_exit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        budget = self.budget
        fund_exit = FundExit.objects.filter(budget=budget).select_related("closed_by").first()
        may_keep = access.may_close_year(self.request.user, budget)
        context.update(
            budget=budget,
            agreement=budget.agreement,
            fund_exit=fund_exit,
            may_keep=may_keep and (fund_exit is None or fund_exit.closed_on is None),
            may_plan=services.may_plan_exit(budget, timezone.localdate()),
            budget_url=budget_url(budget),
        )
        if fund_exit is not None:
            final, rows, returns, problems = services.exit_position(fund_exit)
            context.update(
                final=final,
                rows=rows,
                returns=returns,
                liabilities=list(fund_exit.liabilities.select_related("held_by")),
                payments=list(fund_exit.payments.select_related("organisation")),
                problems=problems,
            )
        return context


class FundClosingView(BudgetMixin, generic.PartnershipMixin, View):
    """Close the fund (a button on the exit page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        budget = self.budget
        permissions.require(access.may_close_year(request.user, budget), services.EXIT_REFUSAL)
        fund_exit = get_object_or_404(FundExit, budget=budget)
        try:
            services.close_fund(fund_exit=fund_exit, user=request.user)
        except ValidationError as error:
            messages.error(request, "The fund cannot close yet: " + " ".join(error.messages))
        else:
            messages.success(request, f"{budget.name} is closed.")
        return HttpResponseRedirect(exit_url(budget))


class ExitEditMixin(BudgetMixin):
    """Add or change part of a fund's exit: the host's finance officers, until the fund closes."""

    template_name = "finance/figure_edit.html"

    @cached_property
    def fund_exit(self):
        return get_object_or_404(FundExit, budget=self.budget)

    def has_permission(self, obj):
        return access.may_close_year(self.request.user, self.budget)

    def refusal_message(self):
        return services.EXIT_REFUSAL

    def get(self, request, *args, **kwargs):
        permissions.require(self.has_permission(None), self.refusal_message())  # before any 404
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        permissions.require(self.has_permission(None), self.refusal_message())
        return super().post(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return get_object_or_404(self.model.objects.filter(exit=self.fund_exit), pk=self.kwargs["pk"])

    def new_object(self):
        return self.model(exit=self.fund_exit)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_success_url(self):
        return exit_url(self.budget)

    def get_cancel_url(self):
        return exit_url(self.budget)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["budget"] = self.budget
        return context


class FundExitEditView(ExitEditMixin, generic.ObjectEditView):
    model = FundExit
    form_class = FundExitForm

    def get_object(self, queryset=None):
        return self.fund_exit

    @cached_property
    def object(self):
        return FundExit.objects.filter(budget=self.budget).first() or FundExit(
            budget=self.budget, final_year=financial_year_start(timezone.localdate())
        )

    def get_form_kwargs(self):
        return generic.ObjectEditView.get_form_kwargs(self)

    def save_object(self, form, obj):
        services.save_fund_exit(fund_exit=obj, user=self.request.user, reason=obj._change_reason)


class ExitPaymentEditView(ExitEditMixin, generic.ObjectEditView):
    model = ExitPayment
    form_class = ExitPaymentForm

    def save_object(self, form, obj):
        services.record_exit_payment(payment=obj, user=self.request.user, reason=obj._change_reason)


class ResidualLiabilityEditView(ExitEditMixin, generic.ObjectEditView):
    model = ResidualLiability
    form_class = ResidualLiabilityForm

    def save_object(self, form, obj):
        services.save_residual_liability(liability=obj, user=self.request.user, reason=obj._change_reason)


class ExitReturnEditView(ExitEditMixin, generic.ObjectEditView):
    model = ExitReturn
    form_class = ExitReturnForm

    def save_object(self, form, obj):
        services.save_exit_return(item=obj, user=self.request.user, reason=obj._change_reason)


# --- The host's ledger totals from a spreadsheet -----------------------------------------


class LedgerUploadMixin(BudgetMixin, generic.PartnershipMixin):
    def check(self):
        permissions.require(
            access.may_keep_fund_accounts(self.request.user, self.budget),
            "Only finance officers of the host body keep the fund's own figures.",
        )


class LedgerUploadView(LedgerUploadMixin, TemplateView):
    template_name = "finance/ledger_upload.html"

    def get(self, request, *args, **kwargs):
        self.check()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", LedgerUploadForm())
        context.update(
            budget=self.budget,
            budget_url=budget_url(self.budget),
            template_csv=reverse(
                "finance:ledger_template",
                kwargs={"partnership": self.partnership.slug, "budget": self.budget.pk},
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.check()
        form = LedgerUploadForm(data=request.POST, files=request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            years = ledger_upload.upload_ledger(
                user=request.user,
                budget=self.budget,
                upload=form.cleaned_data["file"],
                reason=form.cleaned_data["change_reason"],
            )
        except ledger_upload.UploadRefused as refused:
            count = len(refused.problems)
            form.add_error(
                "file",
                f"Filled-in template: nothing was saved. Put right the {count} problem{pluralize(count)} "
                "listed below and upload the file again.",
            )
            return self.render_to_response(self.get_context_data(form=form, problems=refused.problems))
        labels = ", ".join(financial_year_label(year) for year in years)
        messages.success(request, f"The ledger totals for {labels} are imported.")
        return HttpResponseRedirect(accounts_url(self.budget, years[-1]) + "#reconciliation")


class LedgerTemplateView(LedgerUploadMixin, View):
    def get(self, request, *args, **kwargs):
        self.check()
        response = HttpResponse(
            ledger_upload.template_csv(services.BudgetFigures(self.budget)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{slugify(self.budget.name)}-ledger-totals.csv"'
        )
        return response
