from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from partnership.models import Membership, Organisation, Partner, Partnership, Reminder


class HistoryAdmin(SimpleHistoryAdmin, GuardedModelAdmin):
    """Admin with the history view; history itself is read-only (revert is disabled)."""


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "kind", "ods_code", "ons_code", "active_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "ods_code", "ons_code"]
    autocomplete_fields = ["successor"]


@admin.register(Partnership)
class PartnershipAdmin(HistoryAdmin):
    list_display = ["name", "slug", "status", "established"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnerInline]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["user", "organisation", "role", "partnership", "job_title"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "partnership"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "due", "status", "sent_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.site_header = "Concordat administration"
admin.site.site_title = "Concordat"
