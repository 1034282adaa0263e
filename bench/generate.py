"""Volume for the page benchmark, added to a database that holds the demo (``bench/pages.py``
runs it; it is not for a database anyone uses).

At ``--scale 1`` it adds what the performance issue measured: in B&NES 7,000 agreements
(one of them with 300 versions of its terms), 600 pooled budgets with 41,000 contributions
(one budget with 300 versions), 600 more meetings of the Integrated Health and Care Board
and 10,000 agenda items. Records are bulk-created with their history rows (as
``bulk_create_with_history`` writes them), so the history and "as it stood on" pages have real
rows to read, and each history row is given its audit entry, written in bulk and sealed into
the chain as the app seals its own (``partnership.audit.seal_pending``), so the audit log and
the chain's verifier are measured at the same size. Prints, as JSON, the records the pages are
asked about.
"""

import argparse
import datetime
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")


def generate(scale):
    from simple_history.utils import bulk_create_with_history

    from agreements.choices import AgreementKind, AgreementStatus, PartyRole
    from agreements.models import Agreement, AgreementParty
    from committees.models import AgendaItem, Committee, Meeting
    from finance.choices import BudgetKind, RiskShareRule
    from finance.models import Budget, Contribution
    from partnership import audit, permissions
    from partnership.models import Partnership
    from tests.factories import add_versions

    banes = Partnership.objects.get(slug="banes")
    council, icb = (p.organisation for p in banes.partners.filter(left__isnull=True).order_by("pk")[:2])
    today = datetime.date.today()

    count = int(7000 * scale)
    agreements = bulk_create_with_history(
        [
            Agreement(
                partnership=banes,
                reference=f"BENCH-{n:05d}",
                title=f"Generated pooled fund {n} for community services",
                kind=AgreementKind.S75_POOLED_FUND,
                status=AgreementStatus.IN_FORCE,
                start_date=datetime.date(2015, 4, 1),
                next_review_date=today + datetime.timedelta(days=n % 400 - 100),
            )
            for n in range(count)
        ],
        Agreement,
        batch_size=1000,
    )
    bulk_create_with_history(
        [
            AgreementParty(agreement=agreement, organisation=body, role=role)
            for agreement in agreements
            for body, role in ((council, PartyRole.HOST), (icb, PartyRole.PARTNER))
        ],
        AgreementParty,
        batch_size=1000,
    )
    budgets = bulk_create_with_history(
        [
            Budget(
                partnership=banes,
                agreement=agreements[n % len(agreements)],
                name=f"Bench pool {n:04d}",
                kind=BudgetKind.POOLED,
                risk_share_rule=RiskShareRule.PROPORTIONAL,
                host=council,
            )
            for n in range(int(600 * scale))
        ],
        Budget,
        batch_size=1000,
    )
    years = range(2000, 2000 + 34)
    bulk_create_with_history(
        [
            Contribution(budget=budget, organisation=body, year=year, amount=Decimal("1000.00"))
            for budget in budgets
            for body in (council, icb)
            for year in years
        ],
        Contribution,
        batch_size=2000,
    )
    board = Committee.objects.filter(partnership=banes, name="Integrated Health and Care Board").first()
    start = datetime.datetime(2000, 1, 13, 14, tzinfo=datetime.UTC)
    meetings = bulk_create_with_history(
        [
            Meeting(
                committee=board, starts_at=start + datetime.timedelta(days=14 * n), place="Guildhall, Bath"
            )
            for n in range(int(600 * scale))
        ],
        Meeting,
        batch_size=1000,
    )
    per_meeting = max(1, int(10000 * scale) // max(1, len(meetings)))
    bulk_create_with_history(
        [
            AgendaItem(meeting=meeting, order=order, title=f"Item {order} of a generated agenda")
            for meeting in meetings
            for order in range(1, per_meeting + 1)
        ],
        AgendaItem,
        batch_size=2000,
    )
    long_history = agreements[0]
    # A draft its parties' officers may edit (bulk creation grants no rights: grant them here).
    Agreement.objects.filter(pk=long_history.pk).update(status=AgreementStatus.DRAFT)
    permissions.grant_owner_permissions(Agreement.objects.get(pk=long_history.pk))
    add_versions(long_history, 300, "title")
    add_versions(budgets[0], 300, "description")
    for model in (Agreement, AgreementParty, Budget, Contribution, Meeting, AgendaItem):
        record_in_the_audit_log(model, banes.pk)
    audit.seal_pending()
    analyse()
    return {
        "partnership": banes.slug,
        "agreement": long_history.pk,
        "budget": budgets[0].pk,
        "committee": board.pk,
        "meeting": meetings[-1].pk,
        "counts": {
            "agreements": Agreement.objects.count(),
            "contributions": Contribution.objects.count(),
            "meetings": Meeting.objects.count(),
            "agenda items": AgendaItem.objects.count(),
        },
    }


def record_in_the_audit_log(model, partnership_id, batch_size=5000):
    """An unsealed audit entry for every history row of ``model`` that has none (those
    ``bulk_create_with_history`` wrote), as ``partnership.audit.append_entry`` writes one but in
    bulk; every generated record is in ``partnership_id``, and is labelled by kind and id."""
    from django.contrib.contenttypes.models import ContentType

    from partnership import audit
    from partnership.models import AuditEntry

    history_model = audit.history_model_for(model)
    table = history_model._meta.label
    pk_name = model._meta.pk.attname
    content_type = ContentType.objects.get_for_model(model)
    recorded = AuditEntry.objects.filter(history_table=table).values("history_id")
    rows = (
        history_model.objects.exclude(history_id__in=recorded)
        .order_by("history_date", "history_id")
        .values(*audit.row_fields(history_model))
    )
    entries = []
    for values in rows.iterator(chunk_size=batch_size):
        entries.append(
            AuditEntry(
                content_type=content_type,
                object_id=str(values[pk_name]),
                history_id=values["history_id"],
                history_table=table,
                action=audit.ACTIONS[values["history_type"]],
                user_id=values.get("history_user_id"),
                organisation_id=values.get("history_organisation_id"),
                partnership_id=partnership_id,
                reason=values.get("history_change_reason") or "",
                timestamp=values["history_date"],
                object_label=f"{model._meta.verbose_name} #{values[pk_name]}",
                snapshot=audit.row_snapshot(values),
            )
        )
        if len(entries) == batch_size:
            AuditEntry.objects.bulk_create(entries)
            entries = []
    AuditEntry.objects.bulk_create(entries)


def analyse():
    """Refresh the planner's statistics, as autovacuum would soon after a load this size: without
    them PostgreSQL plans for the demo's few rows (a join it guessed at 4 rows read 7,000)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main():
    import django

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 is the issue's sizes")
    arguments = parser.parse_args()
    django.setup()
    print(json.dumps(generate(arguments.scale)))


if __name__ == "__main__":
    main()
