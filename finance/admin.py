from django.contrib import admin

from finance.models import (
    Budget,
    BudgetLine,
    Contribution,
    LinePlan,
    Monitoring,
    RiskShare,
    Transfer,
    YearEnd,
    YearEndShare,
)
from partnership.admin import HistoryAdmin


class RiskShareInline(admin.TabularInline):
    model = RiskShare
    extra = 0


@admin.register(Budget)
class BudgetAdmin(HistoryAdmin):
    list_display = ["name", "partnership", "kind", "host", "risk_share_rule"]
    list_filter = ["kind", "risk_share_rule", "partnership"]
    search_fields = ["name"]
    inlines = [RiskShareInline]


@admin.register(Contribution)
class ContributionAdmin(HistoryAdmin):
    list_display = ["budget", "organisation", "year", "amount"]
    list_filter = ["year", "organisation"]
    search_fields = ["budget__name", "organisation__name"]


class LinePlanInline(admin.TabularInline):
    model = LinePlan
    extra = 0


@admin.register(BudgetLine)
class BudgetLineAdmin(HistoryAdmin):
    list_display = ["name", "budget", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "budget__name"]
    inlines = [LinePlanInline]


@admin.register(Monitoring)
class MonitoringAdmin(HistoryAdmin):
    list_display = ["line", "year", "month", "actual_to_date", "forecast_outturn"]
    list_filter = ["year", "month"]


class YearEndShareInline(admin.TabularInline):
    model = YearEndShare
    extra = 0
    readonly_fields = ["organisation", "contribution", "share"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(YearEnd)
class YearEndAdmin(HistoryAdmin):
    """Year ends are made by closing a year (finance.services), never typed in."""

    list_display = ["budget", "year", "variance", "closed_on", "reopened_on"]
    readonly_fields = [f.name for f in YearEnd._meta.fields]
    inlines = [YearEndShareInline]

    def has_add_permission(self, request):
        return False


@admin.register(Transfer)
class TransferAdmin(HistoryAdmin):
    list_display = [
        "purpose",
        "agreement",
        "from_organisation",
        "to_organisation",
        "year",
        "amount",
        "status",
    ]
    list_filter = ["status", "year"]
