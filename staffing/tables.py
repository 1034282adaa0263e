import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from partnership.templatetags.concordat import money
from staffing.models import Post


class PostTable(tables.Table):
    title = tables.Column(linkify=True)
    employer = tables.Column(accessor="employer__name", verbose_name="Employer")
    agreement = tables.Column(verbose_name="S113 agreement", default="—", orderable=False)
    fte = tables.Column(verbose_name="FTE", attrs={"td": {"class": "govuk-table__cell--numeric"}})
    annual_cost = tables.Column(
        verbose_name="Annual cost", attrs={"td": {"class": "govuk-table__cell--numeric"}}
    )
    holder = tables.Column(accessor="holder_name", verbose_name="Holder", orderable=False, empty_values=())
    shares = tables.Column(accessor="pk", verbose_name="Shares of time and cost", orderable=False)
    jointly_managed = tables.BooleanColumn(verbose_name="Jointly managed", yesno="Yes,No")

    class Meta:
        model = Post
        template_name = "includes/table.html"
        fields = [
            "title",
            "employer",
            "agreement",
            "fte",
            "annual_cost",
            "holder",
            "shares",
            "jointly_managed",
        ]
        order_by = ["title"]
        empty_text = "No posts match."

    def render_employer(self, record):
        return record.employer.display_name

    def render_annual_cost(self, value):
        return money(value)

    def value_annual_cost(self, value):
        return value

    def render_agreement(self, value):
        return value.reference

    def value_agreement(self, value):
        return str(value) if value else ""

    def render_holder(self, record):
        if record.vacant:
            since = f" since {record.vacant_from:%-d %b %Y}" if record.vacant_from else ""
            return format_html('<strong class="govuk-tag govuk-tag--orange">Vacant</strong>{}', since)
        return record.holder_display or "—"

    def value_holder(self, record):
        return "Vacant" if record.vacant else record.holder_display

    def render_shares(self, record):
        return format_html_join(
            "",
            "<span class='govuk-!-display-block'>{}: {}%</span>",
            ((s.organisation.display_name, s.share_percent) for s in record.shares.all()),
        )

    def value_shares(self, record):
        return "; ".join(f"{s.organisation.display_name} {s.share_percent}%" for s in record.shares.all())
