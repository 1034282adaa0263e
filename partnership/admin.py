from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from guardian.admin import GuardedModelAdmin
from guardian.shortcuts import get_perms
from simple_history.admin import SimpleHistoryAdmin

from partnership import services
from partnership.models import (
    AccessChange,
    AuditEntry,
    Membership,
    Organisation,
    Partner,
    Partnership,
    Reminder,
)


class HistoryAdmin(SimpleHistoryAdmin, GuardedModelAdmin):
    """Admin with the history view; history itself is read-only (revert is disabled).
    Object permissions granted or taken away here are recorded as access changes."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Revert is hidden by SIMPLE_HISTORY_REVERT_DISABLED; refuse the POST as well.
        if request.method != "GET":
            raise PermissionDenied("History cannot be reverted or edited.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _audited_object_permissions(self, request, object_pk, holder, view):
        obj = self.get_object(request, object_pk)
        if request.method != "POST" or obj is None:
            return view()
        before = {"object permissions": sorted(get_perms(holder, obj))}
        response = view()
        services.record_access_change(
            acting_user=request.user,
            before=before,
            after={"object permissions": sorted(get_perms(holder, obj))},
            person=holder if isinstance(holder, get_user_model()) else None,
            group=holder if isinstance(holder, Group) else None,
            heading=f"Object permissions on {obj._meta.verbose_name} {obj}:",
        )
        return response

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        person = get_user_model().objects.filter(pk=user_id).first()
        view = super().obj_perms_manage_user_view
        if person is None:
            return view(request, object_pk, user_id)
        return self._audited_object_permissions(
            request, object_pk, person, lambda: view(request, object_pk, user_id)
        )

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        group = Group.objects.filter(pk=group_id).first()
        view = super().obj_perms_manage_group_view
        if group is None:
            return view(request, object_pk, group_id)
        return self._audited_object_permissions(
            request, object_pk, group, lambda: view(request, object_pk, group_id)
        )


class AuditedAccessAdmin:
    """Records each change to a person's or group's access (superuser, staff, active,
    groups, permissions) made here, with who made it, in the audit log."""

    def _access(self, obj):
        return services.access_of(**{self.holder: obj})

    def save_model(self, request, obj, form, change):
        request._access_before = self._access(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.record_access_change(
            acting_user=request.user,
            before=request._access_before,
            after=self._access(form.instance),
            **{self.holder: form.instance},
        )

    def delete_model(self, request, obj):
        before = self._access(obj)
        subject = str(obj)
        super().delete_model(request, obj)
        services.record_access_change(
            acting_user=request.user, before=before, after={}, subject=subject, heading="Deleted:"
        )


admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class AuditedUserAdmin(AuditedAccessAdmin, UserAdmin):
    holder = "person"


@admin.register(Group)
class AuditedGroupAdmin(AuditedAccessAdmin, GroupAdmin):
    holder = "group"


@admin.register(AccessChange)
class AccessChangeAdmin(HistoryAdmin):
    """Read only: access changes are written by the admin pages above."""

    list_display = ["created_at", "subject", "description"]
    search_fields = ["subject", "description"]
    readonly_fields = ["person", "group", "organisation", "subject", "description"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
