"""Pooled and aligned budgets: contributions, lines, monitoring, year ends and S256 transfers.

Money is ``Decimal`` pounds and pence; financial years are stored as the
year they start (2018 for 2018/19). Totals are always computed from the
rows they add up, never stored, with one exception: a year end keeps the
variance and each body's share *as decided* when the year was closed, so
the record of that decision does not move when figures are later reopened.

Each body stays sovereign over its own figures: a contribution, and the
plans and monitoring of a budget line, belong to one body, and only that
body's finance officers hold the guardian permissions to change them.
"""

import os
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase

from finance.choices import (
    FINANCIAL_MONTHS,
    MONTH_NAMES,
    BudgetKind,
    ContributionBasis,
    CoverStep,
    ReportKind,
    ReportPeriod,
    ReturnKind,
    RiskShareRule,
    TransferStatus,
    UnderspendRule,
)
from finance.money import MAX_AMOUNT
from partnership.choices import OrganisationKind, Role
from partnership.dates import financial_year_label
from partnership.models import Organisation, Partnership, TrackedModel


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
        **kwargs,
    )


def year_field(verbose_name="financial year"):
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
        help_text="The year the financial year starts: 2018 for 2018/19.",
    )


class BudgetQuerySet(models.QuerySet):
    def visible_to(self, user):
        from partnership import permissions

        return permissions.restrict(self, user)


class Budget(TrackedModel):
    """Money the bodies pool (one fund, hosted) or align (kept apart, managed together)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="budgets")
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="budgets",
        help_text="The agreement the budget rests on (a Section 75 agreement for a pooled fund).",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=BudgetKind.choices, default=BudgetKind.POOLED)
    description = models.TextField(blank=True)
    host = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_budgets",
        verbose_name="host body",
        help_text="For a pooled fund: the body that hosts it and appoints its manager.",
    )
    pooled_fund_manager = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a pooled fund: the officer of the host body who manages it (SI 2000/617 reg 7).",
    )
    risk_share_rule = models.CharField(
        "risk-share rule",
        max_length=20,
        choices=RiskShareRule.choices,
        default=RiskShareRule.PROPORTIONAL,
        help_text="How an over- or underspend at year end is shared between the bodies.",
    )
    cover_order = models.CharField(
        "order of cover",
        max_length=60,
        blank=True,
        default=",".join(CoverStep.values),
        help_text="The pool's own ways of meeting an overspend, in the agreement's order, before the "
        "bodies' shares under the risk-share rule.",
    )
    underspend_rule = models.CharField(
        max_length=20, choices=UnderspendRule.choices, default=UnderspendRule.RISK_SHARE
    )
    ends_on = models.DateField(
        "fund ends on",
        null=True,
        blank=True,
        help_text="For a time-limited fund: the day it ends under its agreement, which goes on.",
    )
    underspend_cap = money_field(
        "most the pool keeps",
        null=True,
        blank=True,
        help_text="For carry forward or contingency: the most the pool keeps; the rest is returned "
        "in proportion to contributions. Leave empty for no cap.",
    )

    objects = BudgetQuerySet.as_manager()
    partnership_path = "partnership"
    create_roles = (Role.OFFICER, Role.FINANCE_OFFICER)
    owner_permissions = {Role.OFFICER: ["change"], Role.FINANCE_OFFICER: ["change"]}

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="budget_name_unique_in_partnership",
                violation_error_message="Another budget in this partnership has this name.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=BudgetKind.POOLED) | Q(host__isnull=False),
                name="budget_pooled_has_host",
                violation_error_message="A pooled budget needs a host body.",
            ),
            models.CheckConstraint(
                condition=~Q(risk_share_rule=RiskShareRule.HOST_BEARS_ALL) | Q(host__isnull=False),
                name="budget_host_bears_all_has_host",
                violation_error_message="“The host body bears all of it” needs a host body.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("finance:budget_detail", kwargs={"partnership": self.partnership.slug, "pk": self.pk})

    def clean(self):
        errors = {}
        if self.agreement_id and self.partnership_id and self.agreement.partnership_id != self.partnership_id:
            errors["agreement"] = "Agreement: choose an agreement of this partnership."
        if (
            self.kind == BudgetKind.POOLED
            and self.agreement_id
            and not (
                self.agreement.is_section_75
                or self.agreement.is_pooled_fund
                or self.agreement.kind == "s31_health_act_1999"
            )
        ):
            errors["agreement"] = (
                "Agreement: a pooled budget must rest on a Section 75 agreement (or a Section 10 or "
                "historic Section 31 one)."
            )
        if self.kind == BudgetKind.POOLED and not self.host_id:
            errors["host"] = "Host body: a pooled budget needs a host body."
        if self.risk_share_rule == RiskShareRule.HOST_BEARS_ALL and not self.host_id:
            errors["host"] = "Host body: “the host body bears all of it” needs a host body."
        steps = [step for step in self.cover_order.split(",") if step]
        if any(step not in CoverStep.values for step in steps) or len(set(steps)) != len(steps):
            errors["cover_order"] = "Order of cover: use each of the pool's steps at most once."
        if self.underspend_cap is not None and self.underspend_rule not in (
            UnderspendRule.CARRY_FORWARD,
            UnderspendRule.CONTINGENCY,
        ):
            errors["underspend_cap"] = (
                "Most the pool keeps: a cap applies only when an underspend is carried forward or "
                "kept as contingency."
            )
        if (
            self.host_id
            and self.partnership_id
            and not self.partnership.partners.filter(organisation_id=self.host_id).exists()
        ):
            errors["host"] = "Host body: the host must be a partner body of this partnership."
        if errors:
            raise ValidationError(errors)

    @property
    def cover_steps(self):
        return tuple(step for step in self.cover_order.split(",") if step)

    def get_cover_steps_display(self):
        return [CoverStep(step).label for step in self.cover_steps]

    def owner_organisations(self):
        return [p.organisation for p in self.partnership.partners.select_related("organisation")]

    def history_children(self):
        line_ids = BudgetLine.history.filter(budget_id=self.pk).values("id")
        year_end_ids = YearEnd.history.filter(budget_id=self.pk).values("id")
        contribution_ids = Contribution.history.filter(budget_id=self.pk).values("id")
        return [
            RiskShare.history.filter(budget_id=self.pk),
            CoverCap.history.filter(budget_id=self.pk),
            FundYear.history.filter(budget_id=self.pk),
            Contribution.history.filter(budget_id=self.pk),
            Instalment.history.filter(contribution_id__in=contribution_ids),
            BudgetLine.history.filter(budget_id=self.pk),
            LinePlan.history.filter(line_id__in=line_ids),
            Monitoring.history.filter(line_id__in=line_ids),
            YearEnd.history.filter(budget_id=self.pk),
            YearEndShare.history.filter(year_end_id__in=year_end_ids),
            ReportRecipient.history.filter(budget_id=self.pk),
            StatutoryReport.history.filter(budget_id=self.pk),
            FundExit.history.filter(budget_id=self.pk),
            ExitPayment.history.filter(exit__budget_id=self.pk),
            ResidualLiability.history.filter(exit__budget_id=self.pk),
            ExitReturn.history.filter(exit__budget_id=self.pk),
        ]


class RiskShare(TrackedModel):
    """A body's fixed share (per cent) of any over- or underspend, for the fixed-shares rule."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="risk_shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    partnership_path = "budget__partnership"

    class Meta:
        ordering = ["budget", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "organisation"],
                name="risk_share_once_per_body",
                violation_error_message="This body already has a share of this budget's risk.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.display_name}: {self.percentage}%"


class CoverCap(TrackedModel):
    """The most one body pays towards an overspend in a year; above it, the overspend goes back
    to the bodies whose services overspent."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="cover_caps")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    cap = money_field("cap")

    partnership_path = "budget__partnership"

    class Meta:
        ordering = ["budget", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "organisation"],
                name="cover_cap_once_per_body",
                violation_error_message="This body already has a cap on this budget.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.display_name}: at most £{self.cap:,}"


class FundYear(TrackedModel):
    """The host's figures for one year of a pooled fund: the contingency it holds, its income,
    and the totals in the host's ledger that the memorandum accounts reconcile to."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="fund_years")
    year = year_field()
    contingency = money_field(
        "contingency",
        default=Decimal("0"),
        help_text="Money held in the pool as contingency, kept out of the lines' plans.",
    )
    income = money_field(
        "income",
        default=Decimal("0"),
        help_text="The fund's income other than the bodies' contributions, for example charges.",
    )
    ledger_contributions = money_field("contributions received in the ledger", null=True, blank=True)
    ledger_spend = money_field("spend in the ledger", null=True, blank=True)
    ledger_income = money_field("income in the ledger", null=True, blank=True)
    ledger_as_at = models.DateField(
        "ledger as at", null=True, blank=True, help_text="The date the ledger totals were taken."
    )

    #: What the host's finance officers set: the form's fields and what the service accepts.
    HOST_FIGURES = (
        "contingency",
        "income",
        "ledger_contributions",
        "ledger_spend",
        "ledger_income",
        "ledger_as_at",
    )

    partnership_path = "budget__partnership"

    class Meta:
        ordering = ["budget", "year"]
        verbose_name = "fund year"
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "year"],
                name="fund_year_once_per_year",
                violation_error_message="This budget already has the host's figures for this year.",
            ),
        ]

    def __str__(self):
        return f"{self.budget.name}: host's figures {financial_year_label(self.year)}"

    @property
    def has_ledger(self):
        return any(
            value is not None for value in (self.ledger_contributions, self.ledger_spend, self.ledger_income)
        )

    def get_absolute_url(self):
        return reverse(
            "finance:fund_accounts",
            kwargs={"partnership": self.budget.partnership.slug, "budget": self.budget_id, "year": self.year},
        )


class Contribution(TrackedModel):
    """One body's contribution to one budget for one financial year; that body's own."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contributions", verbose_name="body"
    )
    year = year_field()
    amount = money_field("amount")
    note = models.CharField(max_length=255, blank=True)
    basis = models.CharField(
        max_length=16, choices=ContributionBasis.choices, default=ContributionBasis.STATED
    )
    uplift_percent = models.DecimalField(
        "uplift (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))],
        help_text="On last year's contribution, for example 1.9; negative for a reduction.",
    )
    agree_by = models.DateField(
        null=True,
        blank=True,
        help_text="The date by which the body's chief finance officer (section 151 officer) must agree it.",
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    agreed_on = models.DateField(null=True, blank=True, editable=False)
    agreed_as = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The office in which it was agreed."
    )

    partnership_path = "budget__partnership"
    create_roles = (Role.FINANCE_OFFICER,)
    owner_permissions = {Role.FINANCE_OFFICER: ["change", "delete"]}

    class Meta:
        ordering = ["budget", "year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "organisation", "year"],
                name="contribution_once_per_body_year",
                violation_error_message="This body already has a contribution to this budget for this year.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=MAX_AMOUNT),
                name="contribution_amount_in_range",
                violation_error_message="A contribution must be between £0 and £10bn.",
            ),
        ]
        indexes = [
            models.Index(fields=["budget", "year"]),
            # The finance home's checks ask for a year across every budget.
            models.Index(fields=["year", "budget"], name="contribution_by_year"),
        ]

    def __str__(self):
        return f"{self.organisation.display_name}, {financial_year_label(self.year)}"

    @property
    def year_label(self):
        return financial_year_label(self.year)

    def owner_organisations(self):
        return [self.organisation]

    def get_absolute_url(self):
        return self.budget.get_absolute_url() + f"?year={self.year}"


class Instalment(TrackedModel):
    """One instalment of a body's contribution: when it is due and when it was paid."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField("due on")
    amount = money_field("amount")
    paid_on = models.DateField("paid on", null=True, blank=True)

    partnership_path = "contribution__budget__partnership"

    class Meta:
        ordering = ["contribution", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="instalment_amount_positive",
                violation_error_message="An instalment must be more than £0.",
            ),
        ]

    def __str__(self):
        return f"{self.contribution}: £{self.amount:,} due {self.due_on:%-d %B %Y}"

    def owner_organisations(self):
        return [self.contribution.organisation]

    def get_absolute_url(self):
        return reverse(
            "finance:instalments",
            kwargs={"partnership": self.contribution.budget.partnership.slug, "pk": self.contribution_id},
        )


class BudgetLine(TrackedModel):
    """A service or scheme funded from the budget, run (and monitored) by one body."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name="run by",
        help_text="The body that runs this line; its finance officers enter the monitoring.",
    )
    description = models.TextField(blank=True)

    partnership_path = "budget__partnership"
    create_roles = (Role.OFFICER, Role.FINANCE_OFFICER)
    owner_permissions = {Role.OFFICER: ["change"], Role.FINANCE_OFFICER: ["change", "delete"]}

    class Meta:
        ordering = ["budget", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "name"],
                name="budget_line_name_unique",
                violation_error_message="This budget already has a line with this name.",
            ),
        ]

    def __str__(self):
        return self.name

    def owner_organisations(self):
        return [self.organisation]

    def get_absolute_url(self):
        return self.budget.get_absolute_url()


class LinePlan(TrackedModel):
    """The amount planned for one line in one financial year."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="plans")
    year = year_field()
    amount = money_field("planned amount")
    committed = models.BooleanField(
        default=True,
        help_text="Untick for a scheme not yet committed: its unspent plan may be withheld to meet an "
        "overspend, if the agreement's order of cover says so.",
    )

    partnership_path = "line__budget__partnership"
    create_roles = (Role.FINANCE_OFFICER,)
    owner_permissions = {Role.FINANCE_OFFICER: ["change", "delete"]}

    class Meta:
        ordering = ["line", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "year"],
                name="line_plan_once_per_year",
                violation_error_message="This line already has a plan for this year.",
            ),
        ]

    def __str__(self):
        return f"{self.line.name}, {financial_year_label(self.year)}"

    def owner_organisations(self):
        return [self.line.organisation]

    def get_absolute_url(self):
        return self.line.budget.get_absolute_url() + f"?year={self.year}"


class Monitoring(TrackedModel):
    """One month's figures for one line: actual spend to date and forecast outturn."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="monitoring")
    year = year_field()
    month = models.PositiveSmallIntegerField(
        "month", choices=FINANCIAL_MONTHS, help_text="Month of the financial year (April is 1)."
    )
    actual_to_date = money_field("actual spend to date")
    forecast_outturn = money_field("forecast outturn")
    note = models.CharField(max_length=255, blank=True)

    partnership_path = "line__budget__partnership"
    create_roles = (Role.FINANCE_OFFICER,)
    owner_permissions = {Role.FINANCE_OFFICER: ["change", "delete"]}

    class Meta:
        ordering = ["line", "year", "month"]
        verbose_name = "monitoring return"
        constraints = [
            models.UniqueConstraint(
                fields=["line", "year", "month"],
                name="monitoring_once_per_month",
                violation_error_message="This line already has monitoring for this month.",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12),
                name="monitoring_month_in_year",
                violation_error_message="The month must be 1 (April) to 12 (March).",
            ),
        ]

    def __str__(self):
        return (
            f"{self.line.name}, {MONTH_NAMES.get(self.month, self.month)} {financial_year_label(self.year)}"
        )

    @property
    def month_name(self):
        return MONTH_NAMES.get(self.month, "")

    def owner_organisations(self):
        return [self.line.organisation]

    def get_absolute_url(self):
        return self.line.budget.get_absolute_url() + f"?year={self.year}"


class YearEnd(TrackedModel):
    """The close of one financial year: the variance and each body's share, as decided.

    Closing locks the year's contributions, plans and monitoring; reopening
    (with a reason) unlocks them. The history of this row is the record of
    every close and reopen.
    """

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="year_ends")
    year = year_field()
    rule = models.CharField("risk-share rule applied", max_length=20, choices=RiskShareRule.choices)
    total_contributions = money_field("total contributions")
    outturn = money_field("outturn")
    variance = models.DecimalField(
        "variance (overspend positive)",
        max_digits=14,
        decimal_places=2,
        help_text="Outturn less total contributions: positive is an overspend.",
    )
    closed_on = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_on = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopen_reason = models.TextField(blank=True)
    working = models.JSONField(
        default=dict,
        blank=True,
        help_text="The order of cover and the underspend as worked out at the close.",
    )

    partnership_path = "budget__partnership"

    class Meta:
        ordering = ["budget", "-year"]
        verbose_name = "year end"
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "year"],
                name="year_end_once_per_year",
                violation_error_message="This budget already has a year end for this year.",
            ),
        ]

    def __str__(self):
        return f"{self.budget.name}: year end {financial_year_label(self.year)}"

    @property
    def is_closed(self):
        return self.closed_on is not None and self.reopened_on is None

    @property
    def year_label(self):
        return financial_year_label(self.year)

    def get_absolute_url(self):
        return self.budget.get_absolute_url() + f"?year={self.year}"


class YearEndShare(TrackedModel):
    """One body's share of the variance at a year end, as decided."""

    year_end = models.ForeignKey(YearEnd, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    contribution = models.DecimalField(max_digits=14, decimal_places=2)
    share = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="The body's settlement: paid in to meet an overspend (positive) or paid back (negative).",
    )
    returned = models.DecimalField(
        "underspend returned",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Of the settlement, what was paid back; what was paid in is the settlement plus this.",
    )
    opening_balance = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    income = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    carried_forward = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))

    partnership_path = "year_end__budget__partnership"

    class Meta:
        ordering = ["year_end", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year_end", "organisation"],
                name="year_end_share_once_per_body",
                violation_error_message="This body already has a share of this year end.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.display_name}: {self.share}"


class ReportRecipient(TrackedModel):
    """The officer a partner body names to receive a fund's statutory reports; that body's own."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="report_recipients")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="named officer"
    )

    partnership_path = "budget__partnership"

    class Meta:
        ordering = ["budget", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "organisation"],
                name="report_recipient_once_per_body",
                violation_error_message="This body has already named its officer for this budget's reports.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.display_name}: {self.user.get_full_name() or self.user.username}"


def statutory_report_upload_to(instance, filename):
    return f"finance/statutory-reports/{instance.budget_id}/{os.path.basename(filename)}"


class StatutoryReport(TrackedModel):
    """A statutory report as issued: the PDF and workbook sent to each partner's named officer,
    kept as they were on the day, whatever the figures do after."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="statutory_reports")
    kind = models.CharField(max_length=24, choices=ReportKind.choices)
    year = year_field()
    period = models.PositiveSmallIntegerField(choices=ReportPeriod.choices)
    issued_on = models.DateField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pdf = models.FileField(upload_to=statutory_report_upload_to, max_length=300)
    workbook = models.FileField(upload_to=statutory_report_upload_to, max_length=300)
    sent_to = models.TextField(blank=True, help_text="The named officers it was sent to when issued.")
    version = models.PositiveSmallIntegerField(
        default=1, help_text="1 as first issued; 2 for its first correction."
    )
    correction = models.TextField(blank=True, help_text="For a correction: what was wrong in the one before.")

    partnership_path = "budget__partnership"

    class Meta:
        ordering = ["budget", "year", "kind", "period", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "kind", "year", "period", "version"],
                name="statutory_report_version_once",
                violation_error_message="This version of the report has already been issued.",
            ),
        ]

    def __str__(self):
        period = self.get_period_display()
        return f"{self.budget.name}: {self.get_kind_display()}, {period} {financial_year_label(self.year)}"

    def get_absolute_url(self):
        return reverse(
            "finance:statutory_reports",
            kwargs={"partnership": self.budget.partnership.slug, "budget": self.budget_id, "year": self.year},
        )


class FundExit(TrackedModel):
    """The plan for ending a pooled fund: its final accounts, the settlement between the bodies,
    residual liabilities and who holds them, and the return of staff and assets. Closing it
    closes the fund: nothing of it changes after."""

    budget = models.OneToOneField(Budget, on_delete=models.CASCADE, related_name="exit")
    final_year = year_field("final financial year")
    plan = models.TextField(
        "exit plan",
        blank=True,
        help_text="How the fund is wound down under the agreement: for example, commitments "
        "novated, services returned, the timetable.",
    )
    closed_on = models.DateField("fund closed on", null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    partnership_path = "budget__partnership"

    class Meta:
        verbose_name = "fund exit"

    def __str__(self):
        return f"{self.budget.name}: exit"

    @property
    def final_year_label(self):
        return financial_year_label(self.final_year)

    def get_absolute_url(self):
        return reverse(
            "finance:fund_exit",
            kwargs={"partnership": self.budget.partnership.slug, "budget": self.budget_id},
        )


class ExitPayment(TrackedModel):
    """A settlement payment at exit: paid by the body into the fund, or (negative) to the body."""

    exit = models.ForeignKey(FundExit, on_delete=models.CASCADE, related_name="payments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="body"
    )
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="Paid by the body into the fund; negative for a payment from the fund to the body.",
    )
    paid_on = models.DateField()

    partnership_path = "exit__budget__partnership"

    class Meta:
        ordering = ["exit", "paid_on", "pk"]
        verbose_name = "settlement payment"

    def __str__(self):
        return f"{self.organisation.display_name}: £{self.amount:,} on {self.paid_on:%-d %B %Y}"

    def get_absolute_url(self):
        return self.exit.get_absolute_url()


class ResidualLiability(TrackedModel):
    """A liability left when the fund ends, and the body that holds it after."""

    exit = models.ForeignKey(FundExit, on_delete=models.CASCADE, related_name="liabilities")
    description = models.CharField(max_length=300)
    amount = money_field("estimated amount", null=True, blank=True)
    held_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="held by"
    )

    partnership_path = "exit__budget__partnership"

    class Meta:
        ordering = ["exit", "pk"]
        verbose_name_plural = "residual liabilities"

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return self.exit.get_absolute_url()


class ExitReturn(TrackedModel):
    """Staff or an asset going back to a body when the fund ends."""

    exit = models.ForeignKey(FundExit, on_delete=models.CASCADE, related_name="returns")
    kind = models.CharField(max_length=8, choices=ReturnKind.choices)
    description = models.CharField(max_length=300)
    returned_to = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="return to"
    )
    returned_on = models.DateField(null=True, blank=True, help_text="Leave empty until it has gone back.")

    partnership_path = "exit__budget__partnership"

    class Meta:
        ordering = ["exit", "kind", "pk"]
        verbose_name = "return of staff or an asset"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"

    def get_absolute_url(self):
        return self.exit.get_absolute_url()


class TransferQuerySet(models.QuerySet):
    def visible_to(self, user):
        from partnership import permissions

        return permissions.restrict(self, user)


NHS_KINDS = {
    OrganisationKind.ICB,
    OrganisationKind.CCG,
    OrganisationKind.PCT,
    OrganisationKind.NHS_TRUST,
    OrganisationKind.NHS_FOUNDATION_TRUST,
}


class Transfer(TrackedModel):
    """A Section 256 payment from an NHS body to a council, under its S256 agreement."""

    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="transfers",
        help_text="The Section 256 agreement the payment is made under.",
    )
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="transfers_out", verbose_name="from (NHS body)"
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="transfers_in", verbose_name="to (council)"
    )
    purpose = models.TextField()
    conditions = models.TextField(blank=True)
    year = year_field()
    amount = money_field("amount")
    status = models.CharField(max_length=16, choices=TransferStatus.choices, default=TransferStatus.PROPOSED)
    payment_date = models.DateField(null=True, blank=True)

    objects = TransferQuerySet.as_manager()
    partnership_path = "agreement__partnership"
    create_roles = (Role.OFFICER, Role.FINANCE_OFFICER)
    #: The paying NHS body owns the transfer.
    owner_permissions = {Role.OFFICER: ["change"], Role.FINANCE_OFFICER: ["change", "delete"]}

    class Meta:
        ordering = ["-year", "agreement", "pk"]
        verbose_name = "S256 transfer"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=TransferStatus.PAID) | Q(payment_date__isnull=False),
                name="transfer_paid_has_payment_date",
                violation_error_message="A paid transfer needs its payment date.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=MAX_AMOUNT),
                name="transfer_amount_in_range",
                violation_error_message="A transfer must be more than £0 and no more than £10bn.",
            ),
        ]

    def __str__(self):
        return f"S256 {financial_year_label(self.year)}: {self.purpose[:60]}"

    @property
    def year_label(self):
        return financial_year_label(self.year)

    def owner_organisations(self):
        return [self.from_organisation]

    def get_absolute_url(self):
        return reverse(
            "finance:transfer_detail",
            kwargs={"partnership": self.agreement.partnership.slug, "pk": self.pk},
        )

    #: What marking a transfer paid rests on: a change to any of these asks the agreement again.
    PAYMENT_FIELDS = ("status", "agreement_id", "payment_date")

    def stored_payment(self, *, lock=False):
        """The transfer's :attr:`PAYMENT_FIELDS` as stored (locked if ``lock``), or None if new."""
        if not self.pk:
            return None
        rows = Transfer.objects.filter(pk=self.pk)
        if lock:
            rows = rows.select_for_update()
        return rows.values(*self.PAYMENT_FIELDS).first()

    def makes_payment(self, stored):
        """Does saving mark the transfer paid, or move a paid one to another agreement or date?

        A paid transfer whose agreement ends later keeps its payment, and its other details can
        still be corrected."""
        if self.status != TransferStatus.PAID or not self.payment_date:
            return False
        return stored is None or any(stored[name] != getattr(self, name) for name in self.PAYMENT_FIELDS)

    def payment_errors(self, agreement):
        """Why the transfer cannot be paid under ``agreement`` on its payment date, by field ({} if it can).

        Section 256 money is paid under the agreement, so only one in force on the day of payment
        gives authority: in force or under review (see ``Agreement.EFFECTIVE_STATUSES``), and the
        day within its start and end dates. A draft or one awaiting signature has no effect yet.
        An expired or terminated one has ended; the agreement keeps no date of ending other than
        its end date, so no payment is marked paid under it any more, even one dated earlier."""
        day = self.payment_date
        if not agreement.has_effect:
            return {
                "agreement": (
                    f"Agreement: {agreement.reference} is {agreement.get_status_display().lower()}; a "
                    "transfer can be marked paid only under an agreement in force (or under review)."
                )
            }
        if agreement.start_date and day < agreement.start_date:
            return {
                "payment_date": (
                    f"Payment date: {day:%-d %B %Y} is before {agreement.reference} came into force "
                    f"on {agreement.start_date:%-d %B %Y}."
                )
            }
        if agreement.end_date and day > agreement.end_date:
            return {
                "payment_date": (
                    f"Payment date: {day:%-d %B %Y} is after {agreement.reference} ended on "
                    f"{agreement.end_date:%-d %B %Y}."
                )
            }
        return {}

    def clean(self):
        from agreements.choices import AgreementKind

        errors = {}
        if self.agreement_id and self.agreement.kind != AgreementKind.S256:
            errors["agreement"] = "Agreement: a transfer must be made under a Section 256 agreement."
        if self.from_organisation_id and self.from_organisation.kind not in NHS_KINDS:
            errors["from_organisation"] = "From: a Section 256 transfer is paid by an NHS body."
        if self.to_organisation_id and self.to_organisation.kind != OrganisationKind.LOCAL_AUTHORITY:
            errors["to_organisation"] = "To: a Section 256 transfer is paid to a council."
        if self.status == TransferStatus.PAID and not self.payment_date:
            errors["payment_date"] = "Payment date: enter the date it was paid (the status is paid)."
        if self.payment_date and self.year:
            from partnership.dates import financial_year_bounds

            start, end = financial_year_bounds(self.year)
            if not start <= self.payment_date <= end:
                errors["payment_date"] = (
                    f"Payment date: {self.payment_date:%-d %B %Y} is outside the financial year "
                    f"{financial_year_label(self.year)} ({start:%-d %B %Y} to {end:%-d %B %Y})."
                )
        for name, label in (("from_organisation", "From"), ("to_organisation", "To")):
            body = getattr(self, name) if getattr(self, f"{name}_id") else None
            if body is None or name in errors or not (self.payment_date or self.year):
                continue
            when = {"on": self.payment_date} if self.payment_date else {"financial_year": self.year}
            try:
                body.check_exists(**when, doing="make or receive a payment for it")
            except ValidationError as refusal:
                errors[name] = f"{label}: {refusal.messages[0]}"
        if self.agreement_id and self.makes_payment(self.stored_payment()):
            for name, message in self.payment_errors(self.agreement).items():
                errors.setdefault(name, message)
        if self.agreement_id:
            party_ids = set(self.agreement.parties.values_list("organisation_id", flat=True))
            partner_ids = set(self.agreement.partnership.partners.values_list("organisation_id", flat=True))
            allowed = party_ids or partner_ids
            for name, label in (("from_organisation", "From"), ("to_organisation", "To")):
                org_id = getattr(self, f"{name}_id")
                if org_id and org_id not in allowed and name not in errors:
                    errors[name] = f"{label}: this body is not a party to the agreement."
        if errors:
            raise ValidationError(errors)


class BudgetGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Budget, on_delete=models.CASCADE)


class ContributionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Contribution, on_delete=models.CASCADE)


class BudgetLineGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(BudgetLine, on_delete=models.CASCADE)


class LinePlanGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(LinePlan, on_delete=models.CASCADE)


class MonitoringGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Monitoring, on_delete=models.CASCADE)


class TransferGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Transfer, on_delete=models.CASCADE)
