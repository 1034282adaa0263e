"""An audit trail that cannot be quietly rewritten: keyed hashes, signed checkpoints kept
outside the database, and ``--record-missing`` that will not launder a forged row."""

import hashlib
import hmac
import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from partnership import audit, services
from partnership.models import AuditChainHead, AuditCheckpoint, AuditEntry, Organisation
from tests.factories import OrganisationFactory


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


@pytest.fixture
def changes(db, officer):
    """A few entries: two bodies created and one renamed."""
    body = OrganisationFactory(name="Chain Council")
    OrganisationFactory(name="Second Body")
    body._history_user = officer
    body.name = "Chain Council (renamed)"
    body.save()
    audit.seal_pending()  # what the commit does; the test's transaction never commits
    return body


def _rewrite_from(entry, hasher):
    """What someone with write access to the database but not the key can do: recompute
    the hash of ``entry`` and every later one with ``hasher``, and move the head along."""
    previous = entry.previous_hash
    labels = {}
    for later in AuditEntry.objects.filter(sequence__gte=entry.sequence).order_by("sequence"):
        model = audit.history_model_by_label(later.history_table)
        values = model.objects.filter(pk=later.history_id).values(*audit.row_fields(model))[0]
        label = labels.setdefault(later.content_type_id, audit.content_type_label(later.content_type))
        text = (
            previous + audit.canonical_json(audit.entry_fields(later, label)) + audit.canonical_json(values)
        )
        new_hash, key_id = hasher(text.encode())
        _sql(
            f"UPDATE {_table(AuditEntry)} SET previous_hash = %s, hash = %s, key_id = %s, snapshot = %s "
            "WHERE id = %s",
            [previous, new_hash, key_id, json.dumps(audit.row_snapshot(values)), later.pk],
        )
        previous = new_hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous)


def test_entries_are_keyed_with_the_current_audit_key(changes, settings):
    entry = AuditEntry.objects.order_by("sequence").first()
    assert entry.key_id == settings.AUDIT_HMAC_KEY_ID
    assert len(entry.hash) == 64
    assert audit.verify_chain().ok


def test_a_rewritten_row_with_every_later_hash_recomputed_without_the_key_is_detected(changes):
    history_model = Organisation.history.model
    row = Organisation.history.filter(id=changes.pk, history_type="~").get()
    entry = AuditEntry.objects.get(history_table=history_model._meta.label, history_id=row.history_id)
    _sql(
        f"UPDATE {_table(history_model)} SET name = %s WHERE history_id = %s",
        ["Quietly altered", row.history_id],
    )

    _rewrite_from(
        entry, lambda text: (hmac.new(b"a guessed key", text, hashlib.sha256).hexdigest(), entry.key_id)
    )
    result = audit.verify_chain()
    assert result.problem.entry_id == entry.pk
    assert "altered" in result.problem.message

    _rewrite_from(entry, lambda text: (hashlib.sha256(text).hexdigest(), ""))  # passed off as unkeyed
    result = audit.verify_chain()
    assert result.problem.entry_id == entry.pk
    assert "not keyed" in result.problem.message


def test_the_last_entry_and_its_row_deleted_with_the_head_moved_back_is_found_by_a_checkpoint(
    changes, tmp_path
):
    checkpoint_file = tmp_path / "checkpoint.json"
    checkpoint_file.write_text(audit.make_checkpoint().to_text())
    last, before_last = AuditEntry.objects.order_by("-sequence")[:2]
    history_model = audit.history_model_by_label(last.history_table)
    history_model.objects.filter(pk=last.history_id)._raw_delete(connection.alias)
    AuditEntry.objects.filter(pk=last.pk)._raw_delete(connection.alias)
    AuditChainHead.objects.filter(pk=1).update(last_entry_id=before_last.pk, last_hash=before_last.hash)

    result = audit.verify_chain()
    assert "cut short" in result.problem.message
    assert f"#{last.pk}" in result.problem.message

    AuditCheckpoint.objects.all()._raw_delete(connection.alias)  # the stored copy goes too
    assert audit.verify_chain().ok, "without a checkpoint the cut cannot be seen"
    with pytest.raises(CommandError, match="cut short"):
        call_command("verify_audit_chain", "--checkpoint", str(checkpoint_file))


def test_a_checkpoint_names_a_chain_recomputed_with_the_key_since(changes, tmp_path, settings):
    """Even someone holding the key cannot rewrite what a checkpoint fixed."""
    checkpoint = audit.make_checkpoint()
    first = AuditEntry.objects.order_by("sequence").first()
    key = settings.AUDIT_HMAC_KEYS[first.key_id].encode()
    AuditEntry.objects.filter(pk=first.pk).update(reason="backdated reason")
    first.refresh_from_db()
    _rewrite_from(first, lambda text: (hmac.new(key, text, hashlib.sha256).hexdigest(), first.key_id))

    AuditCheckpoint.objects.all()._raw_delete(connection.alias)
    assert audit.verify_chain().ok
    result = audit.verify_chain(checkpoints=[checkpoint])
    assert "recomputed" in result.problem.message


def test_a_forged_checkpoint_is_refused(changes, tmp_path):
    data = json.loads(audit.make_checkpoint().to_text())
    data["entries"] -= 1
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="signature does not hold"):
        call_command("verify_audit_chain", "--checkpoint", str(forged))
    not_a_checkpoint = tmp_path / "notes.json"
    not_a_checkpoint.write_text("{}")
    with pytest.raises(CommandError, match="not a Concordat audit checkpoint"):
        call_command("verify_audit_chain", "--checkpoint", str(not_a_checkpoint))


def test_record_missing_refuses_a_forged_row_a_checkpoint_covered_and_says_what_it_recorded(changes, capsys):
    from simple_history.utils import bulk_create_with_history

    history_model = Organisation.history.model
    original = Organisation.history.filter(id=changes.pk, history_type="+").values().get()
    forged_id = original["history_id"] + 1000
    history_model.objects.bulk_create(
        [history_model(**{**original, "history_id": forged_id, "name": "Forged name", "history_type": "~"})]
    )
    audit.make_checkpoint()
    bulk_create_with_history([Organisation(name="Bulk body", kind="other")], Organisation)

    with pytest.raises(CommandError):
        call_command("verify_audit_chain", "--record-missing")
    out, err = capsys.readouterr()
    assert "Recorded 1 history rows" in out
    assert "Bulk body" in out
    assert f"not recorded: partnership.HistoricalOrganisation {forged_id}" in err
    assert not AuditEntry.objects.filter(
        history_id=forged_id, history_table=history_model._meta.label
    ).exists()


def test_keys_rotate_old_entries_verify_with_the_old_key(changes, settings):
    old_id = settings.AUDIT_HMAC_KEY_ID
    settings.AUDIT_HMAC_KEYS = {"2027a": "a newer audit key", old_id: settings.AUDIT_HMAC_KEYS[old_id]}
    settings.AUDIT_HMAC_KEY_ID = "2027a"
    OrganisationFactory(name="After rotation")
    audit.seal_pending()
    assert AuditEntry.objects.order_by("-sequence").first().key_id == "2027a"
    assert audit.verify_chain().ok

    settings.AUDIT_HMAC_KEYS = {"2027a": "a newer audit key"}
    result = audit.verify_chain()
    assert "is not in AUDIT_HMAC_KEYS" in result.problem.message


def test_entries_from_before_keying_are_signed_once_by_rekey_after_their_hashes_check(changes):
    first = AuditEntry.objects.order_by("sequence").first()
    _rewrite_from(first, lambda text: (hashlib.sha256(text).hexdigest(), ""))  # as the old version wrote
    assert "not keyed" in audit.verify_chain().problem.message

    call_command("verify_audit_chain", "--rekey")
    assert audit.verify_chain().ok

    _rewrite_from(first, lambda text: (hashlib.sha256(text).hexdigest(), ""))
    AuditEntry.objects.filter(pk=first.pk).update(reason="altered before rekeying")
    with pytest.raises(CommandError, match=f"Entry #{first.pk}"):
        call_command("verify_audit_chain", "--rekey")


def test_each_auditor_is_sent_the_daily_checkpoint_and_may_download_one(
    world, changes, client, django_capture_on_commit_callbacks
):
    from partnership.choices import Role

    for (body, role), user in world.users.items():
        user.email = f"{body}-{role}@example.org"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_audit_checkpoint()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == [
        "council-auditor@example.org",
        "nhs-auditor@example.org",
        "other-auditor@example.org",
        "other_nhs-auditor@example.org",
    ]
    body = mail.outbox[0].body
    emailed = audit.Checkpoint.from_text(body[body.index("{") : body.rindex("}") + 1])
    assert emailed.signature_holds()
    assert emailed.last_entry_id == AuditEntry.objects.order_by("-sequence").first().pk

    url = reverse("audit:checkpoint", kwargs={"partnership": world.ours.slug})
    client.force_login(world.user("council", Role.OFFICER))
    assert client.get(url).status_code == 403
    client.force_login(world.user("nhs", Role.AUDITOR))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="concordat-audit-checkpoint-')
    assert audit.Checkpoint.from_text(response.content.decode()).signature_holds()
