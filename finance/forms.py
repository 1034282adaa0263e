"""Forms for budgets and their figures. Every refusal names the field and says why."""

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from finance.choices import FINANCIAL_MONTHS, ContributionBasis, CoverStep, RiskShareRule, UnderspendRule
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
    ResidualLiability,
    Transfer,
)
from finance.money import MoneyError, parse_money
from partnership import permissions
from partnership.choices import Role
from partnership.dates import financial_year_label, parse_financial_year
from partnership.forms import (
    LONGEST_REASON,
    Form,
    RecordByKeyField,
    TrackedModelForm,
    check_year,
    refuse_too_big,
)
from partnership.models import Organisation

ORDINALS = {1: "First", 2: "Second", 3: "Third", 4: "Fourth"}


class MoneyField(forms.Field):
    """Pounds and pence as people type them: "1,234.56" or "£1,234.56".

    Refuses negative amounts (unless ``allow_negative``), more than two
    decimal places and amounts over £10bn, naming the field in the message.
    """

    widget = forms.TextInput

    def __init__(self, *, allow_negative=False, **kwargs):
        self.allow_negative = allow_negative
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input govuk-input--width-10"}
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_money(value, allow_negative=self.allow_negative)
        except MoneyError as exc:
            raise ValidationError(f"{self.label or 'Amount'} {exc}.", code="invalid") from exc

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:,.2f}"
        return value


class FinancialYearField(forms.Field):
    """A financial year typed as "2018/19"; cleaned to its first year (2018)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"class": "govuk-input govuk-input--width-5", "spellcheck": "false"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return check_year(value, self.label or "Financial year")
        label = self.label or "Financial year"
        try:
            year = parse_financial_year(str(value))
        except ValueError as exc:
            raise ValidationError(
                f"{label}: “{str(value)[:20]}” is not a financial year; write it as 2018/19.",
                code="invalid",
            ) from exc
        return check_year(year, label)

    def prepare_value(self, value):
        if isinstance(value, int):
            return financial_year_label(value)
        return value


def partner_bodies(partnership):
    return Organisation.objects.filter(partner_places__partnership=partnership).order_by("name")


def acting_bodies(user, partnership, *roles):
    """Partner bodies ``user`` acts for in one of ``roles`` (all partner bodies for a superuser)."""
    if user.is_superuser:
        return partner_bodies(partnership)
    ids = [b.pk for b in permissions.bodies_acting_for(user, partnership, *roles)]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def agreement_by_reference(**kwargs):
    """An agreement typed by its reference, with suggestions (never a select of them all)."""
    from agreements.models import Agreement

    return RecordByKeyField(queryset=Agreement.objects.none(), key="reference", noun="agreement", **kwargs)


def offer_agreements(form_field, partnership, **narrowing):
    from agreements.models import Agreement

    form_field.queryset = Agreement.objects.filter(partnership=partnership, **narrowing)
    url = reverse("agreements:choices", kwargs={"partnership": partnership.slug})
    form_field.set_search_url(url + (f"?{urlencode(narrowing)}" if narrowing else ""))


class BudgetForm(TrackedModelForm):
    agreement = agreement_by_reference(
        label="Agreement",
        help_text="The Section 75 agreement the budget is held under: type its reference.",
    )

    class Meta:
        model = Budget
        fields = [
            "name",
            "agreement",
            "kind",
            "description",
            "host",
            "pooled_fund_manager",
            "risk_share_rule",
            "underspend_rule",
            "underspend_cap",
            "ends_on",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "risk_share_rule": forms.RadioSelect,
            "underspend_rule": forms.RadioSelect,
        }

    underspend_cap = MoneyField(
        label="Most the pool keeps",
        required=False,
        help_text="For carry forward or contingency: the most the pool keeps each year; the rest is "
        "returned in proportion to contributions. Leave empty for no cap.",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)

        self.partnership = partnership
        offer_agreements(self.fields["agreement"], partnership)
        self.fields["host"].queryset = Organisation.objects.offered_in(partnership, self.instance.host_id)
        self.fields["underspend_rule"].required = False
        self.bodies = list(partner_bodies(partnership))
        current = {}
        if self.instance.pk:
            current = {rs.organisation_id: rs.percentage for rs in self.instance.risk_shares.all()}
        for body in self.bodies:
            self.fields[f"share_{body.pk}"] = forms.DecimalField(
                label=f"Fixed share for {body.name} (%)",
                required=False,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                initial=current.get(body.pk),
                help_text="Only for the fixed-shares rule. The shares must add up to 100%.",
                widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4", "step": "0.01"}),
            )
        order = list(self.instance.cover_steps) if self.instance.pk else list(CoverStep.values)
        positions = [("0", "Not used")] + [(str(n), ORDINALS[n]) for n in range(1, len(CoverStep) + 1)]
        for step in CoverStep:
            self.fields[f"cover_{step.value}"] = forms.ChoiceField(
                label=f"{step.label}: step",
                choices=positions,
                required=False,
                initial=str(order.index(step.value) + 1) if step.value in order else "0",
                widget=forms.Select(attrs={"class": "govuk-select"}),
                help_text="Where it comes in the order of cover; the bodies' shares always come last.",
            )
        caps = {c.organisation_id: c.cap for c in self.instance.cover_caps.all()} if self.instance.pk else {}
        for body in self.bodies:
            self.fields[f"cap_{body.pk}"] = MoneyField(
                label=f"Cap for {body.name}",
                required=False,
                initial=caps.get(body.pk),
                help_text="The most it pays towards an overspend in a year; above it, the overspend goes "
                "back to the bodies whose services overspent. Leave empty for no cap.",
            )
        self.fields["change_reason"] = self.fields.pop("change_reason")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("underspend_rule"):
            cleaned["underspend_rule"] = self.instance.underspend_rule or UnderspendRule.RISK_SHARE
            self.instance.underspend_rule = cleaned["underspend_rule"]
        if not any(f"cover_{step.value}" in self.data for step in CoverStep):
            return self._clean_shares(cleaned)  # a form without the order of cover keeps it
        taken = {}
        for step in CoverStep:
            position = cleaned.get(f"cover_{step.value}")
            if position in (None, "", "0"):
                continue
            if position in taken:
                self.add_error(
                    f"cover_{step.value}",
                    f"{step.label}: step {position} is already “{taken[position].label}”; give each "
                    "step its own place.",
                )
            taken[position] = step
        self.instance.cover_order = ",".join(step.value for _, step in sorted(taken.items()))
        return self._clean_shares(cleaned)

    def _clean_shares(self, cleaned):
        if cleaned.get("risk_share_rule") == RiskShareRule.FIXED_SHARES:
            shares = self.risk_shares()
            total = sum(shares.values(), Decimal(0))
            if total != 100:
                raise ValidationError(
                    "Fixed shares: the risk-share rule is fixed shares, "
                    f"but the shares add up to {total}%, not 100%."
                )
        return cleaned

    def cover_caps(self):
        """``{Organisation: cap}`` for each body with a cap."""
        return {
            body: self.cleaned_data[f"cap_{body.pk}"]
            for body in self.bodies
            if self.cleaned_data.get(f"cap_{body.pk}") is not None
        }

    def risk_shares(self):
        """``{Organisation: percentage}`` for the fixed-shares rule, else ``{}``."""
        if self.cleaned_data.get("risk_share_rule") != RiskShareRule.FIXED_SHARES:
            return {}
        return {
            body: self.cleaned_data[f"share_{body.pk}"]
            for body in self.bodies
            if self.cleaned_data.get(f"share_{body.pk}") is not None
        }


class BudgetLineForm(TrackedModelForm):
    class Meta:
        model = BudgetLine
        fields = ["name", "organisation", "description"]

    def __init__(self, *args, partnership, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["organisation"].disabled = True
            self.fields["organisation"].queryset = partner_bodies(partnership)
        else:
            self.fields["organisation"].queryset = acting_bodies(user, partnership, *BudgetLine.create_roles)
            self.fields[
                "organisation"
            ].help_text = "The body that runs this line. You can add lines only for a body you act for."


class ContributionForm(TrackedModelForm):
    year = FinancialYearField(label="Financial year", help_text="For example, 2018/19.")
    amount = MoneyField(
        label="Contribution amount",
        required=False,
        help_text="In pounds and pence, for example £1,234,567.89. Rolled forward, it is worked out.",
    )

    class Meta:
        model = Contribution
        fields = ["organisation", "year", "basis", "amount", "uplift_percent", "agree_by", "note"]
        widgets = {"basis": forms.RadioSelect}

    def clean(self):
        cleaned = super().clean()
        cleaned["basis"] = cleaned.get("basis") or ContributionBasis.STATED  # not sent: a stated figure
        stated = cleaned.get("basis") == ContributionBasis.STATED
        if stated and cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", "Enter the contribution amount.")
        if cleaned.get("basis") == ContributionBasis.ROLLED_FORWARD and cleaned.get("uplift_percent") is None:
            self.add_error("uplift_percent", "Enter the uplift on last year's contribution, or 0.")
        return cleaned

    def __init__(self, *args, partnership, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basis"].required = False
        if self.instance.pk:
            for name in ("organisation", "year"):
                self.fields[name].disabled = True
            self.fields["organisation"].queryset = partner_bodies(partnership)
        else:
            self.fields["organisation"].queryset = acting_bodies(
                user, partnership, Role.FINANCE_OFFICER
            ).offered_on(timezone.localdate())
            self.fields["organisation"].help_text = "Only a body you are a finance officer for."
            self.fields["organisation"].empty_label = None


class LinePlanForm(TrackedModelForm):
    year = FinancialYearField(label="Financial year", help_text="For example, 2018/19.")
    amount = MoneyField(label="Planned amount", help_text="In pounds and pence.")

    class Meta:
        model = LinePlan
        fields = ["year", "amount", "committed"]
        labels = {"committed": "The scheme is committed"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True


class MonitoringForm(TrackedModelForm):
    year = FinancialYearField(label="Financial year", help_text="For example, 2018/19.")
    month = forms.TypedChoiceField(
        label="Month", choices=FINANCIAL_MONTHS, coerce=int, help_text="The month the figures are for."
    )
    actual_to_date = MoneyField(
        label="Actual spend to date", help_text="From 1 April to the end of the month."
    )
    forecast_outturn = MoneyField(
        label="Forecast outturn", help_text="What the line will have spent by 31 March."
    )

    class Meta:
        model = Monitoring
        fields = ["year", "month", "actual_to_date", "forecast_outturn", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("year", "month"):
                self.fields[name].disabled = True


class TransferForm(TrackedModelForm):
    agreement = agreement_by_reference(
        label="Agreement",
        help_text="The Section 256 agreement the payment is made under: type its reference.",
    )
    year = FinancialYearField(label="Financial year", help_text="For example, 2018/19.")
    amount = MoneyField(label="Amount", help_text="In pounds and pence.")

    class Meta:
        model = Transfer
        fields = [
            "agreement",
            "from_organisation",
            "to_organisation",
            "purpose",
            "conditions",
            "year",
            "amount",
            "status",
            "payment_date",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, partnership, user, **kwargs):
        super().__init__(*args, **kwargs)
        from agreements.choices import AgreementKind

        offer_agreements(self.fields["agreement"], partnership, kind=AgreementKind.S256)
        self.fields["to_organisation"].queryset = Organisation.objects.offered_in(
            partnership, self.instance.to_organisation_id
        )
        if self.instance.pk:
            self.fields["from_organisation"].queryset = partner_bodies(partnership)
            self.fields["from_organisation"].disabled = True
        else:
            self.fields["from_organisation"].queryset = acting_bodies(
                user, partnership, *Transfer.create_roles
            )
            self.fields["from_organisation"].help_text = "The NHS body that pays: one you act for."

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount <= 0:
            raise ValidationError("Amount must be more than £0.")
        return amount


class FundYearForm(TrackedModelForm):
    contingency = MoneyField(label="Contingency", help_text=FundYear._meta.get_field("contingency").help_text)
    income = MoneyField(label="Income", help_text=FundYear._meta.get_field("income").help_text)
    ledger_contributions = MoneyField(
        label="Contributions received in the ledger", required=False, help_text="Leave empty until known."
    )
    ledger_spend = MoneyField(
        label="Spend in the ledger", required=False, help_text="Leave empty until known."
    )
    ledger_income = MoneyField(
        label="Income in the ledger", required=False, help_text="Leave empty until known."
    )

    class Meta:
        model = FundYear
        fields = list(FundYear.HOST_FIGURES)


class InstalmentForm(TrackedModelForm):
    amount = MoneyField(label="Amount", help_text="In pounds and pence.")

    class Meta:
        model = Instalment
        fields = ["due_on", "amount", "paid_on"]
        help_texts = {"paid_on": "Leave empty until it is paid."}

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount <= 0:
            raise ValidationError("Amount must be more than £0.")
        return amount


class FundExitForm(TrackedModelForm):
    final_year = FinancialYearField(
        label="Final financial year", help_text="The year of the fund's final accounts, for example 2019/20."
    )

    class Meta:
        model = FundExit
        fields = ["final_year", "plan"]


class ExitPaymentForm(TrackedModelForm):
    amount = MoneyField(
        label="Amount",
        allow_negative=True,
        help_text="Paid by the body into the fund; negative for a payment from the fund to the body.",
    )

    class Meta:
        model = ExitPayment
        fields = ["organisation", "amount", "paid_on"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_bodies(partnership)


class ResidualLiabilityForm(TrackedModelForm):
    amount = MoneyField(label="Estimated amount", required=False, help_text="Leave empty if not known.")

    class Meta:
        model = ResidualLiability
        fields = ["description", "amount", "held_by"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_by"].queryset = partner_bodies(partnership)


class ExitReturnForm(TrackedModelForm):
    class Meta:
        model = ExitReturn
        fields = ["kind", "description", "returned_to", "returned_on"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["returned_to"].queryset = partner_bodies(partnership)


class CloseYearForm(Form):
    note = forms.CharField(
        label="Note for the record",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history, for example the meeting that agreed the outturn.",
    )


class ReopenYearForm(Form):
    reason = forms.CharField(
        label="Reason for reopening",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the history that auditors read.",
        error_messages={"required": "Reason for reopening: say why the year is being reopened."},
    )


class SpreadsheetUploadForm(Form):
    """A filled-in template, as CSV or Excel: every row is checked, and one wrong row refuses it whole."""

    file = forms.FileField(
        label="Filled-in template",
        help_text="The template as CSV (.csv) or Excel (.xlsx). Every row is checked: if one is wrong, "
        "nothing is saved and each problem is listed.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        refuse_too_big(upload, "the filled-in template")
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(
                "Filled-in template: upload the template as a CSV (.csv) or Excel (.xlsx) file."
            )
        return upload


class MonitoringUploadForm(SpreadsheetUploadForm):
    """A month's monitoring for the lines of a budget, from the filled-in template."""

    field_order = ["year", "month", "file", "change_reason"]
    year = FinancialYearField(label="Financial year", help_text="For example, 2018/19.")
    month = forms.TypedChoiceField(
        label="Month", choices=FINANCIAL_MONTHS, coerce=int, help_text="The month the figures are for."
    )
    change_reason = forms.CharField(
        label="Reason for change",
        required=False,
        max_length=LONGEST_REASON,
        help_text="Optional. Kept in the history of each line's figures, for example “Month 2 return”.",
    )


class LedgerUploadForm(SpreadsheetUploadForm):
    """The host's ledger totals, one row per year, from the filled-in template."""

    change_reason = forms.CharField(
        label="Reason for change",
        required=False,
        max_length=LONGEST_REASON,
        help_text="Optional. Kept in the history, for example “Ledger at month 12”.",
    )
