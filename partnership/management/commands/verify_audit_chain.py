"""Check the audit log's hash chain: ``manage.py verify_audit_chain``.

Exits 0 on an intact chain; otherwise prints the first entry that does not
match (its id, the record, and what differs) and exits 1.
"""

from django.core.management.base import BaseCommand, CommandError

from partnership import audit


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first entry that does not match."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=audit.BATCH_SIZE)
        parser.add_argument(
            "--record-missing",
            action="store_true",
            help="First append entries for history rows that have none (e.g. written by "
            "bulk_create_with_history or before the audit log existed).",
        )

    def handle(self, *args, batch_size, record_missing, **options):
        if record_missing:
            count = audit.record_missing()
            self.stdout.write(f"Recorded {count} history rows that had no audit entry.")
        result = audit.verify_chain(batch_size=batch_size)
        if result.problem is not None:
            self.stderr.write(f"Checked {result.checked} entries before the first problem.")
            raise CommandError(f"Audit chain broken at {result.problem}")
        if result.unrecorded:
            listed = ", ".join(f"{label} {pk}" for label, pk in result.unrecorded)
            raise CommandError(
                f"The chain of {result.checked} entries is intact, but history rows have no "
                f"audit entry: {listed}. Run with --record-missing to add them."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {result.checked} entries. Last hash {result.last_hash or '(none)'}."
            )
        )
