"""Page benchmark at the size of a real region: each page's queries, p50 and p95 under load,
and size, beside a reference page measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/concordat .venv/bin/python bench/pages.py
    ... bench/pages.py --scale 0.05 --requests 3     # a quick look

It makes a throwaway PostgreSQL database beside ``DATABASE_URL``'s, loads the demo and
adds volume (``bench/generate.py``), starts gunicorn as deployed (DEBUG off, manifest
static files, 2 sync workers), and sends each page ``--requests`` requests from each of
``--clients`` clients at once. The reference is a bare page of the same app listing 50
agreements in one query (``bench/urls.py``); a second reference shows the same 50 in the
app's own layout (header, navigation, footer), the least any page of the app does. Then,
in this process, the reminder sweep (twice: the second finds nothing new) and the audit
chain's verifier are timed, and the
write throughput of agreement edits through ``save_agreement`` (one writer; four writers on
four agreements of one partnership; four on agreements of four partnerships). Results are
printed and written to ``bench/results/pages.md``. The goal: every page's p95 at most
twice the reference's.
"""

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.site import ProductionSite, Visitor, run  # noqa: E402

OFFICER, FINANCE, SECRETARY, AUDITOR = (
    "banes-council-officer",
    "banes-council-finance",
    "banes-council-secretary",
    "external-auditor",
)


class BenchSite(ProductionSite):
    """The production check's site, with the benchmark's volume added before gunicorn starts."""

    def __init__(self, workdir, scale):
        super().__init__(workdir)
        self.scale = scale

    def start_gunicorn(self):
        started = time.monotonic()
        output = run(
            [sys.executable, "bench/generate.py", "--scale", str(self.scale)],
            self.env,
            "generate",
            timeout=7200,
        )
        self.records = json.loads(output.strip().splitlines()[-1])
        self.records["generated in"] = f"{time.monotonic() - started:.0f} s"
        self.env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        super().start_gunicorn()


def pages(records):
    slug = records["partnership"]
    p = f"/p/{slug}"
    agreement, budget = records["agreement"], records["budget"]
    as_of = f"{p}/audit/as-of/agreements/agreement/{agreement}/"
    return [
        ("agreement history", OFFICER, f"{p}/agreements/{agreement}/history/"),
        ("as it stood on, agreement", AUDITOR, as_of),
        ("agreement edit form", OFFICER, f"{p}/agreements/{agreement}/edit/"),
        ("as it stood on, budget", AUDITOR, f"{p}/audit/as-of/finance/budget/{budget}/"),
        ("budget history", FINANCE, f"{p}/finance/budgets/{budget}/history/"),
        ("reports list", OFFICER, f"{p}/committees/reports/"),
        ("home (officer)", OFFICER, "/"),
        ("home (finance)", FINANCE, "/"),
        ("committee page", SECRETARY, f"{p}/committees/{records['committee']}/"),
        ("recharges", FINANCE, f"{p}/staffing/recharges/"),
        ("meeting page (secretary)", SECRETARY, f"{p}/committees/meetings/{records['meeting']}/"),
        ("agreement list, page 1", OFFICER, f"{p}/agreements/"),
        ("budget list", FINANCE, f"{p}/finance/"),
        ("transfers list", FINANCE, f"{p}/finance/transfers/"),
        ("delegations list", OFFICER, f"{p}/committees/delegations/"),
        ("audit log, page 1", AUDITOR, f"{p}/audit/"),
        ("public index", None, "/public/"),
    ]


def load(site, who, path, clients, requests):
    """Latencies (seconds) of ``clients`` visitors each asking ``requests`` times at once."""
    visitors = []
    for _ in range(clients):
        visitor = Visitor(site.url)
        if who:
            visitor.sign_in(who)
        visitors.append(visitor)
    first = visitors[0].get(path)
    times, lock = [], threading.Lock()

    def ask(visitor):
        for _ in range(requests):
            started = time.perf_counter()
            answer = visitor.get(path)
            took = time.perf_counter() - started
            with lock:
                times.append((took, answer.status))

    threads = [threading.Thread(target=ask, args=(visitor,)) for visitor in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = {status for _took, status in times}
    latencies = sorted(took for took, _status in times)
    p95 = latencies[math.ceil(len(latencies) * 0.95) - 1]  # nearest rank
    return statistics.median(latencies), p95, len(first.body), first.status, statuses


def query_counts(site, rows):
    """Each page's queries, asked in this process through Django's test client."""
    os.environ.update(site.env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for label, who, path in rows:
        client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
        if who:
            client.force_login(get_user_model().objects.get(username=who))
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[label] = len(queries)
    return counts


def timed_in_process():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from partnership import audit
    from partnership.tasks import sweep_reminders

    found = {}
    for run_name in ("reminder sweep", "reminder sweep, nothing new"):
        # Timed to its commit: delivery, which follows (here in-process), is the outbox's work.
        with transaction.atomic():
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                queued = sweep_reminders()
            found[run_name] = (time.perf_counter() - started, len(queries), queued)
    started = time.perf_counter()
    result = audit.verify_chain()
    found["audit chain verifier"] = (time.perf_counter() - started, None, result.checked)
    return found


WRITE_SECONDS = 5


def _draft(partnership, reference, admin):
    from agreements.choices import AgreementKind, AgreementStatus
    from agreements.models import Agreement
    from agreements.services import save_agreement

    bodies = [p.organisation for p in partnership.partners.filter(left__isnull=True).order_by("pk")[:2]]
    agreement = Agreement(
        partnership=partnership,
        reference=reference,
        title=f"Write benchmark {reference}",
        kind=AgreementKind.S75_POOLED_FUND,
        status=AgreementStatus.DRAFT,
    )
    return save_agreement(agreement=agreement, user=admin, parties=bodies, reason="Benchmark")


def write_throughput():
    """Agreement edits a second, and their p95, by one and by four writers at once."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from agreements.models import Agreement
    from agreements.services import save_agreement
    from partnership.models import Partnership

    admin = get_user_model().objects.filter(is_superuser=True).first()
    partnerships = list(Partnership.objects.order_by("pk")[:4])
    one = [_draft(partnerships[0], f"WRITE-ONE-{n}", admin) for n in range(4)]
    several = [_draft(p, f"WRITE-MANY-{p.slug}", admin) for p in partnerships]

    def run_writers(agreements):
        times, lock = [], threading.Lock()
        stop_at = time.monotonic() + WRITE_SECONDS

        def write(pk):
            try:
                n = 0
                while time.monotonic() < stop_at:
                    agreement = Agreement.objects.get(pk=pk)
                    agreement.title = f"Write benchmark edit {n}"
                    started = time.perf_counter()
                    save_agreement(agreement=agreement, user=admin, reason="Benchmark edit")
                    with lock:
                        times.append(time.perf_counter() - started)
                    n += 1
            finally:
                connections.close_all()

        threads = [threading.Thread(target=write, args=(a.pk,)) for a in agreements]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        times.sort()
        return len(times) / WRITE_SECONDS, times[math.ceil(len(times) * 0.95) - 1]

    return {
        "one writer": run_writers(one[:1]),
        "four writers, four agreements of one partnership": run_writers(one),
        "four writers, four partnerships": run_writers(several),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 is the issue's sizes")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=10, help="per client per page")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "pages.md"))
    arguments = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server: the benchmark makes its database beside it.")

    with tempfile.TemporaryDirectory() as workdir:
        site = BenchSite(Path(workdir), arguments.scale)
        try:
            site.start()
            rows = pages(site.records)
            references = [
                ("reference page", OFFICER, "/bench/reference/"),
                ("reference in the app's layout", OFFICER, "/bench/layout-reference/"),
            ]
            measured = {}
            for label, who, path in [*references, *rows]:
                measured[label] = load(site, who, path, arguments.clients, arguments.requests)
            counts = query_counts(site, [*references, *rows])
            in_process = timed_in_process()
            writes = write_throughput()
        finally:
            site.stop()

    reference_p95 = measured["reference page"][1]
    layout_p95 = measured["reference in the app's layout"][1]
    lines = [
        f"# Page benchmark (scale {arguments.scale}, {arguments.clients} clients, "
        f"{arguments.requests} requests each)",
        "",
        f"Data: {json.dumps(site.records['counts'])}; generated in {site.records['generated in']}.",
        "",
        "| page | queries | p50 | p95 | × reference p95 | × layout reference p95 | HTML | status |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, (p50, p95, size, status, statuses) in measured.items():
        shown_status = str(status) if statuses == {status} else f"{status} (then {sorted(statuses)})"
        lines.append(
            f"| {label} | {counts.get(label, '')} | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms | "
            f"{p95 / reference_p95:.1f} | {p95 / layout_p95:.1f} | {size / 1024:.0f} KB | {shown_status} |"
        )
    lines += ["", "| in process | time | queries | result |", "|---|---|---|---|"]
    for label, (took, queries, result) in in_process.items():
        lines.append(f"| {label} | {took:.2f} s | {'' if queries is None else queries} | {result} |")
    lines += ["", "| agreement edits | a second | p95 |", "|---|---|---|"]
    for label, (rate, p95) in writes.items():
        lines.append(f"| {label} | {rate:.1f} | {p95 * 1000:.0f} ms |")
    report = "\n".join(lines) + "\n"
    print(report)
    Path(arguments.output).parent.mkdir(parents=True, exist_ok=True)
    Path(arguments.output).write_text(report)


if __name__ == "__main__":
    main()
