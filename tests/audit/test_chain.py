"""The hash chain: intact on a clean log, broken (and named) by any direct edit."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from partnership import audit
from partnership.models import AuditChainHead, AuditEntry, Organisation
from tests.factories import OrganisationFactory


def _edit_history_row_directly(history_model, history_id, column, value):
    table = connection.ops.quote_name(history_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE history_id = %s", [value, history_id])


@pytest.fixture
def changes(world, officer):
    body = OrganisationFactory(name="Chain Council")
    body._history_user = officer
    body.name = "Chain Council (renamed)"
    body.save()
    audit.seal_pending()  # what the commit does; the test's transaction never commits
    return body


def test_every_history_row_gets_one_chained_entry(changes):
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in entries] == list(range(1, len(entries) + 1))
    assert entries, "no audit entries were written"
    assert entries[0].previous_hash == ""
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_hash == before.hash
    head = AuditChainHead.objects.get()
    assert (head.last_entry_id, head.last_hash) == (entries[-1].pk, entries[-1].hash)
    assert audit.find_unrecorded() == []


def test_verifier_passes_on_a_clean_log(changes):
    result = audit.verify_chain(batch_size=7)
    assert result.ok, result.problem
    assert result.checked == AuditEntry.objects.count()
    call_command("verify_audit_chain", "--batch-size", "5")


def test_direct_sql_update_of_one_history_row_is_detected_and_named(changes, capsys):
    history_model = Organisation.history.model
    row = Organisation.history.filter(id=changes.pk, history_type="~").get()
    entry = AuditEntry.objects.get(history_table=history_model._meta.label, history_id=row.history_id)
    _edit_history_row_directly(history_model, row.history_id, "name", "Quietly altered")

    result = audit.verify_chain(batch_size=3)
    assert not result.ok
    assert result.problem.entry_id == entry.pk
    assert ("name", "Chain Council (renamed)", "Quietly altered") in result.problem.differences

    with pytest.raises(CommandError) as error:
        call_command("verify_audit_chain")
    assert f"entry #{entry.pk}" in str(error.value)
    assert "Quietly altered" in str(error.value)


def test_command_exits_non_zero_on_a_broken_chain(changes):
    entry = AuditEntry.objects.order_by("id").first()
    AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(CommandError, match=f"entry #{entry.pk}"):
        call_command("verify_audit_chain")


def test_removed_entry_breaks_the_chain_at_the_next_one(changes):
    entries = list(AuditEntry.objects.order_by("id")[:3])
    AuditEntry.objects.filter(pk=entries[1].pk)._raw_delete(connection.alias)
    result = audit.verify_chain()
    assert result.problem.entry_id == entries[2].pk
    assert "previous hash" in result.problem.message


def test_entries_cut_from_the_end_are_noticed(changes):
    last = AuditEntry.objects.order_by("-sequence").first()
    AuditEntry.objects.filter(pk=last.pk)._raw_delete(connection.alias)
    result = audit.verify_chain()
    assert not result.ok
    assert "removed from the end" in result.problem.message


def test_history_rows_without_an_entry_are_reported_and_can_be_recorded(changes, officer):
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history([Organisation(name="Bulk body", kind="other")], Organisation)
    result = audit.verify_chain()
    assert result.problem is None
    assert [label for label, _ in result.unrecorded] == ["partnership.HistoricalOrganisation"]
    with pytest.raises(CommandError, match="no audit entry"):
        call_command("verify_audit_chain")
    call_command("verify_audit_chain", "--record-missing")
    assert audit.verify_chain().ok


def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm(changes):
    entry = AuditEntry.objects.first()
    entry.reason = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_history_rows_cannot_be_changed_or_deleted_through_the_orm(changes):
    row = Organisation.history.filter(id=changes.pk).first()
    row.name = "Rewritten"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()


def test_history_row_deleted_in_the_database_is_detected(changes):
    history_model = Organisation.history.model
    row = Organisation.history.filter(id=changes.pk, history_type="+").get()
    entry = AuditEntry.objects.get(history_table=history_model._meta.label, history_id=row.history_id)
    history_model.objects.filter(pk=row.history_id)._raw_delete(connection.alias)
    result = audit.verify_chain()
    assert result.problem.entry_id == entry.pk
    assert result.problem.message == "its history row is missing"


def test_command_reports_the_last_hash_on_success(changes, capsys):
    call_command("verify_audit_chain")
    last = AuditEntry.objects.order_by("-id").first()
    assert last.hash in capsys.readouterr().out


def test_a_history_row_changed_between_commit_and_seal_still_fails_to_verify(changes):
    """The hash is made from the snapshot taken while writing, not the row as it is at sealing."""
    body = OrganisationFactory(name="Sealed later")
    history_model = Organisation.history.model
    row = Organisation.history.get(id=body.pk)
    entry = AuditEntry.objects.get(history_table=history_model._meta.label, history_id=row.history_id)
    assert entry.sequence is None, "written unsealed: the test's transaction has not committed"
    _edit_history_row_directly(history_model, row.history_id, "name", "Changed before sealing")

    result = audit.verify_chain()
    assert result.sealed_now == 1
    assert result.problem.entry_id == entry.pk
    assert ("name", "Sealed later", "Changed before sealing") in result.problem.differences


def test_entries_seal_in_order_after_the_ones_already_chained(changes):
    head = AuditChainHead.objects.get()
    OrganisationFactory(name="First after")
    OrganisationFactory(name="Second after")
    assert audit.seal_pending() == 2
    assert audit.seal_pending() == 0
    first, second = AuditEntry.objects.filter(sequence__gt=head.last_sequence).order_by("sequence")
    assert (first.object_label, second.object_label) == ("First after", "Second after")
    assert (first.sequence, first.previous_hash) == (head.last_sequence + 1, head.last_hash)
    assert second.previous_hash == first.hash
    assert audit.verify_chain().ok
