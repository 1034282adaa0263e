from django.contrib import admin
from django.core.exceptions import PermissionDenied
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from partnership.models import (
    AuditEntry,
    Membership,
    Organisation,
    Partner,
    Partnership,
    Reminder,
)


class HistoryAdmin(SimpleHistoryAdmin, GuardedModelAdmin):
    """Admin with the history view; history itself is read-only (revert is disabled)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Revert is hidden by SIMPLE_HISTORY_REVERT_DISABLED; refuse the POST as well.
        if request.method != "GET":
            raise PermissionDenied("History cannot be reverted or edited.")
        return super().history_form_view(request, object_id, version_id, extra_context)


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
    list_display = ["subject", "recipient", "due", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["subject", "key", "recipient__username", "recipient__email"]
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, to read: no one (superusers included) may add, change or delete."""

    list_display = ["id", "timestamp", "action", "content_type", "object_label", "user", "partnership"]
    list_filter = ["action", "content_type"]
    list_select_related = ["content_type", "user", "partnership"]
    search_fields = ["object_label", "object_id", "hash"]
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = "Concordat administration"
admin.site.site_title = "Concordat"
