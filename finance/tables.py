"""Registers of budgets and Section 256 transfers."""

import django_tables2 as tables
from django.urls import reverse

from finance.models import Budget, Transfer
from partnership.tables import DateColumn
from partnership.templatetags.concordat import money


class MoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "govuk-table__cell--numeric"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return money(value)

    def value(self, value):
        return value


def budget_agreement_url(record):
    """The budget's agreement, in the budget's own partnership (already joined: no query)."""
    return reverse(
        "agreements:detail", kwargs={"partnership": record.partnership.slug, "pk": record.agreement_id}
    )


class BudgetTable(tables.Table):
    name = tables.Column(linkify=True)
    agreement = tables.Column(
        accessor="agreement__reference", verbose_name="Agreement", linkify=budget_agreement_url
    )
    host = tables.Column(accessor="host__short_name", verbose_name="Host body", default="—")

    class Meta:
        model = Budget
        fields = ["name", "kind", "agreement", "host", "risk_share_rule"]
        template_name = "includes/table.html"
        empty_text = "No budgets yet."


class TransferTable(tables.Table):
    purpose = tables.Column(linkify=True)
    agreement = tables.Column(
        accessor="agreement__reference",
        verbose_name="Agreement",
        linkify=lambda record: record.agreement.get_absolute_url(),
    )
    from_organisation = tables.Column(accessor="from_organisation__short_name", verbose_name="From")
    to_organisation = tables.Column(accessor="to_organisation__short_name", verbose_name="To")
    year = tables.Column(verbose_name="Year")
    amount = MoneyColumn()
    status = tables.Column()
    payment_date = DateColumn(format="j M Y", default="—")

    class Meta:
        model = Transfer
        fields = [
            "purpose",
            "agreement",
            "from_organisation",
            "to_organisation",
            "year",
            "amount",
            "status",
            "payment_date",
        ]
        template_name = "includes/table.html"
        empty_text = "No Section 256 transfers yet."

    def render_year(self, record):
        return record.year_label

    def value_year(self, record):
        return record.year_label
