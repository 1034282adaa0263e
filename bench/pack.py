"""Agenda pack benchmark: builds a pack from generated data and prints, measured in one run,
the project's build against one WeasyPrint pass of the same HTML and CSS.

    .venv/bin/python bench/pack.py                 # the 30-report pack of issue 13
    .venv/bin/python bench/pack.py --reports 4 --appendix-pages 2

It runs on a throwaway SQLite database and media folder in a temporary directory, with the
cache in memory, and touches nothing else. Parts render side by side in worker processes, one
per core, so times are elapsed seconds, with the CPU seconds of this process and its workers
beside the cold build. Run it on an otherwise idle machine.

The pack: ``reports`` reports, two thirds of long text and a third with a cost table of
``cost_rows`` rows; four PDF appendices of ``appendix_pages`` pages each on the first four
reports, one landscape and one saved with ``/Rotate 90``.
"""

import argparse
import datetime
import io
import os
import re
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SENTENCE = (
    "the partnership board agreed that pooled funding for community services should be reviewed "
    "against outcomes for older people with both bodies reporting quarterly on spend and risk"
)
WORDS = SENTENCE.split(" ")


def paragraphs(count, seed):
    """``count`` paragraphs of plain text, numbered as a council report numbers them."""
    text = []
    for number in range(1, count + 1):
        words = [WORDS[(seed + number * 7 + index) % len(WORDS)] for index in range(90)]
        text.append(f"{seed}.{number} " + " ".join(words).capitalize() + ".")
    return "\n\n".join(text)


def appendix_pdfs(pages):
    """Four appendices: portrait, portrait, landscape, and portrait saved with /Rotate 90."""
    from pypdf import PdfReader, PdfWriter

    from partnership.pdf import html_to_pdf

    def render(title, landscape=False):
        size = "@page { size: A4 landscape; }" if landscape else ""
        body = "".join(f"<h2>Section {n}</h2><p>{paragraphs(6, n)}</p>" for n in range(1, pages + 1))
        html = f"<html lang='en-GB'><head><style>{size} h2 {{ break-before: page; }}</style></head>"
        return html_to_pdf(f"{html}<body><h1>{title}</h1>{body}</body></html>")

    rotated = PdfWriter(clone_from=PdfReader(io.BytesIO(render("Rotated appendix"))))
    for page in rotated.pages:
        page.rotate(90)
    saved = io.BytesIO()
    rotated.write(saved)
    return [
        ("Governance model", render("Governance model")),
        ("Risk register", render("Risk register")),
        ("Spend by scheme", render("Spend by scheme", landscape=True)),
        ("Rotated appendix", saved.getvalue()),
    ]


def make_meeting(*, reports=30, cost_rows=120, appendix_pages=22):
    """A partnership, its board and one meeting with the pack's items, reports and appendices."""
    from django.core.files.base import ContentFile

    from committees.choices import CommitteeKind, ItemPurpose, MeetingStatus, ReportStatus
    from committees.models import AgendaItem, Committee, Meeting, Report, ReportAppendix, ReportCostLine
    from partnership.choices import OrganisationKind
    from partnership.models import Organisation, Partner, Partnership

    partnership = Partnership.objects.create(name="Benchmark partnership", slug="benchmark")
    council = Organisation.objects.create(name="Benchmark Council", kind=OrganisationKind.LOCAL_AUTHORITY)
    icb = Organisation.objects.create(name="Benchmark ICB", kind=OrganisationKind.ICB)
    for body in (council, icb):
        Partner.objects.create(partnership=partnership, organisation=body)
    committee = Committee.objects.create(
        partnership=partnership, name="Benchmark Board", kind=CommitteeKind.JOINT_COMMITTEE
    )
    meeting = Meeting.objects.create(
        committee=committee,
        starts_at=datetime.datetime(2026, 6, 10, 13, 0, tzinfo=datetime.UTC),
        place="Guildhall",
        status=MeetingStatus.AGENDA_PUBLISHED,
    )
    appendices = appendix_pdfs(appendix_pages)
    for number in range(1, reports + 1):
        with_costs = number % 3 == 0
        report = Report.objects.create(
            partnership=partnership,
            organisation=council,
            meeting=meeting,
            title=f"Report {number}: {'costed proposal' if with_costs else 'programme update'}",
            status=ReportStatus.FINAL,
            issue=paragraphs(2, 1),
            recommendations=paragraphs(2, 2),
            resource_implications=paragraphs(3, 3) + ("\n\n[Cost table below.]\n\n" if with_costs else ""),
            body="" if with_costs else paragraphs(30, 5),
            rationale=paragraphs(3, 6),
            contact_person="Report author",
        )
        if with_costs:
            ReportCostLine.objects.bulk_create(
                ReportCostLine(
                    report=report,
                    label=f"Cost line {row // 2 + 1}",
                    year_label=("2026/27", "2027/28")[row % 2],
                    amount=Decimal(1000 + row * 37),
                    order=row,
                )
                for row in range(cost_rows)
            )
        if number <= len(appendices):
            title, data = appendices[number - 1]
            appendix = ReportAppendix(report=report, title=title, order=1)
            appendix.file.save(f"appendix-{number}.pdf", ContentFile(data), save=False)
            appendix.save()
        AgendaItem.objects.create(
            meeting=meeting, order=number, title=report.title, purpose=ItemPurpose.DECISION, report=report
        )
    return meeting


def one_pass_html(part_htmls):
    """The parts' HTML as one document: the first part's head, every part's body in turn."""
    head = re.search(r"<head>.*?</head>", part_htmls[0], re.S).group(0)
    bodies = [re.search(r"<body[^>]*>(.*)</body>", html, re.S).group(1) for html in part_htmls]
    joined = "".join(f'<div style="break-before: page">{body}</div>' for body in bodies)
    return f'<!DOCTYPE html><html lang="en-GB">{head}<body>{joined}</body></html>'


MEMORY_LOG = {}


def render_telling_memory(html):
    """As a worker renders a part, noting the worker's own memory (not shared with the process
    it was forked from) in ``MEMORY_LOG["path"]``. A worker not forked from the benchmark (a
    process running other threads, such as the test suite after a browser test, starts them
    from a fork server) has no log: it renders, and its memory goes unreported."""
    if "render" not in MEMORY_LOG:
        from partnership.pdf import html_to_pdf

        return html_to_pdf(html, styled=True)
    data = MEMORY_LOG["render"](html)
    rollup = Path("/proc/self/smaps_rollup").read_text()
    kb = sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Private_"))
    with MEMORY_LOG["path"].open("a") as handle:
        handle.write(f"{os.getpid()} {kb}\n")
    return data


def timed(function):
    """``function()``, its elapsed seconds and the CPU seconds it took here and in the worker
    processes it started (parts render side by side: elapsed time is what a secretary waits)."""

    def cpu_now():
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    start, start_cpu = time.perf_counter(), cpu_now()
    result = function()
    return result, time.perf_counter() - start, cpu_now() - start_cpu


def measure(meeting):
    """Cold build, one WeasyPrint pass of the same HTML and CSS, and a rebuild after one report
    changed: seconds, the files' sizes and their ratios."""
    from django.core.cache import cache
    from pypdf import PdfReader

    from committees.models import Report, ReportAppendix
    from committees.papers import content, kinds
    from partnership import pdf, pdf_workers

    kind = kinds.paper_kind(kinds.MEMBERS_PACK)
    rendered = []
    part_key = pdf.part_key

    def recording(html, cache_prefix):
        rendered.append(html)
        return part_key(html, cache_prefix)

    pdf.print_stylesheet()  # parsed once per process, in either way of building
    cache.clear()
    pdf.part_key = recording
    render_part = pdf_workers._render
    MEMORY_LOG.update(render=render_part, path=Path(tempfile.mkdtemp()) / "private")
    pdf_workers._render = render_telling_memory  # the workers are forked: they call this one
    try:
        pack, cold, cold_cpu = timed(lambda: content.build(content.load_meeting(meeting.pk), kind))
    finally:
        pdf.part_key, pdf_workers._render = part_key, render_part
    # Its peak so far: the cold build's (the one pass below, of the whole pack at once, takes more).
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_private = {}
    private = MEMORY_LOG["path"]
    for line in private.read_text().splitlines() if private.exists() else ():
        pid, kb = line.split()
        workers_private[pid] = max(workers_private.get(pid, 0), int(kb))
    # The agenda is rendered again once the page numbers are known: one pass takes its last.
    agendas = [index for index, html in enumerate(rendered) if "<h1>Agenda</h1>" in html]
    parts = [html for index, html in enumerate(rendered) if index not in agendas[:-1]]
    single, one_pass, _ = timed(lambda: pdf.html_to_pdf(one_pass_html(parts), styled=True))

    report = Report.objects.filter(agenda_items__meeting=meeting).order_by("pk").first()
    report.body += "\n\nOne more paragraph, added for the rebuild."
    report.save()
    _, rebuild, _ = timed(lambda: content.build(content.load_meeting(meeting.pk), kind))

    appendices = ReportAppendix.objects.filter(report__meeting=meeting)
    appendix_bytes = sum(appendix.file.size for appendix in appendices)
    pages = len(PdfReader(io.BytesIO(pack)).pages)
    one_pass_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = sum(workers_private.values()) / 1024
    return {
        "pages": pages,
        "worker processes": pdf_workers.processes(),
        "cold build (s)": cold,
        "cold build, CPU in all processes (s)": cold_cpu,
        "one pass (s)": one_pass,
        "rebuild after one report changed (s)": rebuild,
        "cold build / one pass": cold / one_pass,
        "rebuild / one pass": rebuild / one_pass,
        "pack (MB)": len(pack) / 1e6,
        "one pass plus appendices (MB)": (len(single) + appendix_bytes) / 1e6,
        "pack / (one pass plus appendices)": len(pack) / (len(single) + appendix_bytes),
        "peak memory of this process, cold build (MB)": own,
        "workers' own memory, not shared with it (MB)": workers,
        "peak memory, this and its workers (MB)": own + workers,
        "peak memory of this process, one pass (MB)": one_pass_peak,
    }


def report(results):
    return "\n".join(
        f"{name:>44}: {value:.2f}" if isinstance(value, float) else f"{name:>44}: {value}"
        for name, value in results.items()
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=30)
    parser.add_argument("--cost-rows", type=int, default=120)
    parser.add_argument("--appendix-pages", type=int, default=22)
    options = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="concordat-bench-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        REDIS_URL="",
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        DJANGO_SETTINGS_MODULE="partnership.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    meeting = make_meeting(
        reports=options.reports, cost_rows=options.cost_rows, appendix_pages=options.appendix_pages
    )
    print(report(measure(meeting)))


if __name__ == "__main__":
    main()
