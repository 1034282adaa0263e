"""The agreement register as a table (also what CSV and XLSX exports contain)."""

import django_tables2 as tables
from django.utils.dateformat import format as format_date
from django.utils.html import format_html

from agreements.models import Agreement
from partnership.tables import DateColumn
from partnership.templatetags.concordat import status_tag


class AgreementTable(tables.Table):
    reference = tables.Column(linkify=True, attrs={"a": {"class": "govuk-link"}})
    title = tables.Column()
    kind = tables.Column()
    status = tables.Column()
    parties = tables.Column(empty_values=(), orderable=False, verbose_name="Parties")
    start_date = DateColumn(format="j M Y", verbose_name="Start")
    end_date = DateColumn(format="j M Y", verbose_name="End")
    next_review_date = tables.Column(verbose_name="Next review")

    class Meta:
        model = Agreement
        template_name = "includes/table.html"
        fields = (
            "reference",
            "title",
            "kind",
            "status",
            "parties",
            "start_date",
            "end_date",
            "next_review_date",
        )
        order_by = ("reference",)
        empty_text = "No agreements match these filters."

    def render_next_review_date(self, record):
        """None once the agreement has ended; an overdue review is tagged in words, not colour alone."""
        due = record.next_review_due
        if due is None:
            return "—"
        if record.review_overdue:
            return format_html(
                '{} <strong class="govuk-tag govuk-tag--red">Overdue'
                '<span class="govuk-visually-hidden"> review</span></strong>',
                format_date(due, "j M Y"),
            )
        return format_date(due, "j M Y")

    def render_status(self, record, value):
        return status_tag(record.status, value)

    def render_parties(self, record):
        return self.value_parties(record)

    def value_parties(self, record):
        return "; ".join(
            f"{party.organisation.display_name} ({party.get_role_display().lower()})"
            for party in record.parties.all()
        )

    def value_status(self, record):
        return record.get_status_display()

    def value_kind(self, record):
        return record.get_kind_display()

    def value_start_date(self, record):
        return record.start_date.isoformat() if record.start_date else ""

    def value_end_date(self, record):
        return record.end_date.isoformat() if record.end_date else ""

    def value_next_review_date(self, record):
        return record.next_review_due.isoformat() if record.next_review_due else ""
