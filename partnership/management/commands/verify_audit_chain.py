"""Check the audit log's hash chain: ``manage.py verify_audit_chain``.

Exits 0 on an intact chain; otherwise prints the first entry that does not
match (its id, the record, and what differs) and exits 1. Give the checkpoint
files auditors received (``--checkpoint``) to find a chain cut short or
recomputed since.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnership import audit


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first entry that does not match."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=audit.BATCH_SIZE)
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="A checkpoint file sent to auditors; the chain must still hold what it recorded. "
            "May be given more than once.",
        )
        parser.add_argument(
            "--record-missing",
            action="store_true",
            help="First append entries for history rows that have none (e.g. written by "
            "bulk_create_with_history), except rows a checkpoint already covered.",
        )
        parser.add_argument(
            "--rekey",
            action="store_true",
            help="Once, after upgrading: sign entries written before audit hashes were keyed.",
        )

    def handle(self, *args, batch_size, checkpoint, record_missing, rekey, **options):
        checkpoints = []
        for name in checkpoint:
            try:
                checkpoints.append(audit.Checkpoint.from_text(Path(name).read_text()))
            except (OSError, ValueError) as error:
                raise CommandError(f"{name}: {error}") from None
        if rekey:
            try:
                count = audit.rekey(batch_size=batch_size)
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"Signed {count} entries with audit key {settings.AUDIT_HMAC_KEY_ID!r}.")
        if record_missing:
            result = audit.record_missing(checkpoints=checkpoints)
            self.stdout.write(f"Recorded {len(result.recorded)} history rows that had no audit entry.")
            for label, pk, label_text in result.recorded:
                self.stdout.write(f"  recorded {label} {pk} ({label_text})")
            for label, pk, when in result.refused:
                self.stderr.write(
                    f"  not recorded: {label} {pk}, dated {when:%Y-%m-%d %H:%M:%S} UTC, which a checkpoint "
                    "already covered: its entry was removed or the row was forged"
                )
        result = audit.verify_chain(batch_size=batch_size, checkpoints=checkpoints)
        if result.problem is not None:
            self.stderr.write(f"Checked {result.checked} entries before the first problem.")
            raise CommandError(f"Audit chain broken at {result.problem}")
        if result.unrecorded:
            listed = ", ".join(f"{label} {pk}" for label, pk in result.unrecorded)
            raise CommandError(
                f"The chain of {result.checked} entries is intact, but history rows have no "
                f"audit entry: {listed}. Run with --record-missing to add those written since "
                "the last checkpoint."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {result.checked} entries. Last hash {result.last_hash or '(none)'}."
            )
        )
