import django_tables2 as tables
from django.utils.html import format_html

from committees import access
from committees.models import Action, Committee, Delegation, PlannedDecision, RegisteredInterest, Report
from partnership import permissions
from partnership.tables import DateColumn


class CommitteeTable(tables.Table):
    name = tables.Column(linkify=True)
    kind = tables.Column()
    cycle = tables.Column()
    status = tables.Column()
    meets_in_public = tables.BooleanColumn(verbose_name="In public")
    parent = tables.Column(verbose_name="Reports to")

    class Meta:
        model = Committee
        fields = ["name", "kind", "cycle", "status", "meets_in_public", "parent"]
        template_name = "includes/table.html"
        empty_text = "No committees yet."


def action_url(record, table):
    """The action's page, where it is changed, for those who run its committee's meetings. The
    others read it in the register and at its meeting: for them it is not a link to a page that
    would refuse them. Who runs which committee is asked once for the page's committees."""
    runs = table.__dict__.get("_runs_committee")
    if runs is None:
        user = table.request.user
        committees = {row.record.meeting.committee for row in table.page.object_list} if table.page else set()
        checker = permissions.permission_checker(user, committees)
        runs = table._runs_committee = {c.pk: access.can_run(user, c, checker) for c in committees}
    committee = record.meeting.committee
    if committee.pk not in runs:
        runs[committee.pk] = access.can_run(table.request.user, committee)
    return record.get_absolute_url() if runs[committee.pk] else None


class ActionTable(tables.Table):
    description = tables.Column(linkify=action_url)
    meeting = tables.Column(
        verbose_name="Meeting",
        linkify=lambda record: record.meeting.get_absolute_url(),
        order_by=("meeting__starts_at",),
    )
    owner_name = tables.Column(verbose_name="Owner")
    organisation = tables.Column(verbose_name="Body")
    due = DateColumn(format="j M Y")
    status = tables.Column()

    class Meta:
        model = Action
        fields = ["description", "meeting", "owner_name", "organisation", "due", "status"]
        template_name = "includes/table.html"
        empty_text = "No actions match."

    def render_status(self, record, value):
        if record.is_overdue:
            return format_html('{} <strong class="govuk-tag govuk-tag--red">Overdue</strong>', value)
        return value

    def value_status(self, record, value):
        return record.get_status_display()

    def value_description(self, value):
        return value

    def value_meeting(self, record):
        return str(record.meeting)


class DelegationTable(tables.Table):
    from_organisation = tables.Column(verbose_name="From", linkify=lambda record: record.get_absolute_url())
    delegate = tables.Column(verbose_name="To", accessor="delegate", orderable=False)
    scope = tables.Column()
    financial_limit = tables.Column(verbose_name="Limit")
    valid_from = DateColumn(format="j M Y")
    valid_to = DateColumn(format="j M Y")

    class Meta:
        model = Delegation
        fields = ["from_organisation", "delegate", "scope", "financial_limit", "valid_from", "valid_to"]
        template_name = "includes/table.html"
        empty_text = "No delegations recorded."

    def render_scope(self, value):
        return value if len(value) < 120 else value[:117] + "…"

    def render_financial_limit(self, value):
        return f"£{value:,.2f}"


class ReportTable(tables.Table):
    title = tables.Column(linkify=True)
    organisation = tables.Column(verbose_name="Body")
    meeting = tables.Column(order_by=("meeting__starts_at",))
    status = tables.Column()

    class Meta:
        model = Report
        fields = ["title", "organisation", "meeting", "status"]
        template_name = "includes/table.html"
        empty_text = "No reports yet."


class PlannedDecisionTable(tables.Table):
    reference = tables.Column(verbose_name="Ref.", orderable=False, linkify=True)
    title = tables.Column(verbose_name="Matter for decision", linkify=True)
    committee = tables.Column(verbose_name="Decision-maker")
    decision_due = DateColumn(verbose_name="Date of decision", format="j M Y")
    key_decision = tables.BooleanColumn(verbose_name="Key")
    organisation = tables.Column(verbose_name="Body")
    published_on = DateColumn(verbose_name="Published", format="j M Y", default="Not yet")

    class Meta:
        model = PlannedDecision
        fields = [
            "reference",
            "title",
            "committee",
            "decision_due",
            "key_decision",
            "organisation",
            "published_on",
        ]
        template_name = "includes/table.html"
        empty_text = "Nothing on the forward plan yet."


class RegisteredInterestTable(tables.Table):
    """The register without the interests' details: those are on each entry's page, where a
    withheld entry's are shown only to those entitled (``committees.access``)."""

    reference = tables.Column(verbose_name="Ref.", orderable=False, linkify=True)
    member = tables.Column(
        verbose_name="Member", accessor="member__person_name", order_by=("member__person_name",)
    )
    organisation = tables.Column(verbose_name="Registered with")
    category = tables.Column(verbose_name="Category")
    from_date = DateColumn(verbose_name="Held from", format="j M Y")
    to_date = DateColumn(verbose_name="Ended", format="j M Y", default="—")
    review_status = tables.Column(verbose_name="Review")
    update_due = DateColumn(verbose_name="Update due", format="j M Y", orderable=False)

    class Meta:
        model = RegisteredInterest
        fields = [
            "reference",
            "member",
            "organisation",
            "category",
            "from_date",
            "to_date",
            "review_status",
            "update_due",
        ]
        template_name = "includes/table.html"
        empty_text = "No entries on the register match."
