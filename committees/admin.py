from django.contrib import admin

from committees.models import (
    Action,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeQuorumRule,
    Decision,
    DecisionBinding,
    Declaration,
    Delegation,
    Meeting,
    Minute,
    Report,
    ReportAppendix,
    ReportCostLine,
    SupplementaryAgenda,
)
from partnership.admin import HistoryAdmin


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    fields = ["person_name", "organisation", "role", "voting", "from_date", "to_date"]


class QuorumRuleInline(admin.TabularInline):
    model = CommitteeQuorumRule
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(HistoryAdmin):
    list_display = ["name", "partnership", "kind", "cycle", "status", "meets_in_public"]
    list_filter = ["kind", "status", "cycle", "partnership"]
    search_fields = ["name", "short_name"]
    inlines = [CommitteeMemberInline, QuorumRuleInline]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fk_name = "meeting"
    extra = 0
    fields = ["order", "title", "purpose", "exempt", "exempt_paragraph", "report"]


class SupplementaryAgendaInline(admin.TabularInline):
    """Shown, not edited: a supplementary agenda is published by the service, which numbers it
    and publishes its late items (committees.services.publish_supplementary_agenda)."""

    model = SupplementaryAgenda
    extra = 0
    can_delete = False
    fields = readonly_fields = ["number", "published_at", "published_by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(HistoryAdmin):
    list_display = ["__str__", "committee", "starts_at", "status"]
    list_filter = ["status", "committee__partnership"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, SupplementaryAgendaInline]


class CostLineInline(admin.TabularInline):
    model = ReportCostLine
    extra = 0


class AppendixInline(admin.TabularInline):
    model = ReportAppendix
    extra = 0


@admin.register(Report)
class ReportAdmin(HistoryAdmin):
    list_display = ["title", "organisation", "meeting", "exempt", "status"]
    list_filter = ["status", "exempt", "partnership"]
    search_fields = ["title", "forward_plan_reference"]
    inlines = [CostLineInline, AppendixInline]


class BindingInline(admin.TabularInline):
    model = DecisionBinding
    extra = 0


@admin.register(Decision)
class DecisionAdmin(HistoryAdmin):
    list_display = ["__str__", "meeting", "matter", "amount", "decided_on"]
    list_filter = ["matter"]
    inlines = [BindingInline]


@admin.register(Delegation)
class DelegationAdmin(HistoryAdmin):
    list_display = ["__str__", "partnership", "financial_limit", "valid_from", "valid_to"]
    list_filter = ["partnership", "from_organisation"]


@admin.register(Action)
class ActionAdmin(HistoryAdmin):
    list_display = ["__str__", "meeting", "owner_name", "due", "status"]
    list_filter = ["status"]


for model in (AgendaItem, Attendance, Declaration, Minute, CommitteeMember, DecisionBinding):
    admin.site.register(model, HistoryAdmin)
