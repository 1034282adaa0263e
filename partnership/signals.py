"""Keep guardian permissions and body groups in step with the records they guard.

A partnership's shared records (the partnership, its committees and budgets) get no rows:
their rights follow the Partner places (``permissions.has_object_permission``).
"""

import hashlib

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete, pre_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from partnership import permissions
from partnership.models import Membership


@receiver(post_save)
def grant_permissions_to_new_record(sender, instance, created, raw=False, **kwargs):
    if created and not raw and getattr(sender, "owner_permissions", None):
        permissions.grant_owner_permissions(instance)


@receiver(post_save, sender=Membership)
def join_body_group(sender, instance, raw=False, **kwargs):
    if raw:
        return
    instance.user.groups.add(permissions.body_group(instance.organisation, instance.role))
    permissions.forget_memberships(instance.user)


@receiver(post_delete, sender=Membership)
def leave_body_group(sender, instance, **kwargs):
    still_holds = Membership.objects.filter(
        user_id=instance.user_id, organisation_id=instance.organisation_id, role=instance.role
    ).exists()
    if not still_holds:
        instance.user.groups.remove(permissions.body_group(instance.organisation, instance.role))
    permissions.forget_memberships(instance.user)


@receiver(pre_create_historical_record)
def record_acting_body(sender, instance, history_instance, history_user=None, **kwargs):
    """Note which body the change was made for.

    Services and edit views set ``instance._acting_organisation``; otherwise
    the person's only body is used, and nothing when they act for several.
    """
    organisation = getattr(instance, "_acting_organisation", None)
    if organisation is None and history_user is not None and history_user.pk:
        bodies = {m.organisation_id for m in permissions.user_memberships(history_user)}
        if len(bodies) == 1:
            organisation = permissions.user_memberships(history_user)[0].organisation
    history_instance.history_organisation = organisation


# --- Audit log: every history row gets a chained entry; history is never rewritten ---


@receiver(post_create_historical_record)
def append_audit_entry(sender, instance, history_instance, **kwargs):
    from partnership import audit

    audit.append_entry(history_instance=history_instance, instance=instance)


def _is_history_model(model):
    return hasattr(model, "instance_type") and hasattr(model, "history_object")


@receiver(pre_save)
def refuse_history_edit(sender, instance, raw=False, **kwargs):
    if _is_history_model(sender) and not raw and not instance._state.adding:
        raise PermissionError("History cannot be changed.")


@receiver(pre_delete)
def refuse_history_delete(sender, instance, **kwargs):
    if _is_history_model(sender):
        raise PermissionError("History cannot be deleted.")


# --- History tables: an index for "the latest row of each record before a date" ------------


def latest_row_index_name(table):
    """A short, stable name for ``table``'s (record id, history date, history id) index."""
    return "hist_latest_" + hashlib.sha1(table.encode()).hexdigest()[:12]


@receiver(post_migrate)
def index_history_by_record(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """Give every history table an index on (record id, history date, history id), so "as it
    stood on" and the History tab find a record's latest row before a date in one index probe
    instead of walking every row of that date range. simple-history indexes (date, id) only.
    Idempotent: runs after every ``migrate``, so new tracked models get theirs too."""
    from partnership import audit

    if sender.label != "partnership":
        return  # once per migrate run, not once per app
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in audit.tracked_models():
            history_model = audit.history_model_for(model)
            table = history_model._meta.db_table
            if table not in existing:
                continue
            record_id = history_model._meta.get_field(model._meta.pk.name).column
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(latest_row_index_name(table))} ON {quote(table)} "
                f"({quote(record_id)}, {quote('history_date')}, {quote('history_id')})"
            )
