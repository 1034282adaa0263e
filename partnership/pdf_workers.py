"""PDF parts rendered side by side: WeasyPrint is single-threaded, so a pack of thirty reports
renders in a pool of worker processes, one per core (setting ``PDF_RENDER_PROCESSES``).

Each worker starts with Django set up, WeasyPrint imported and the print stylesheet
(:func:`partnership.pdf.print_stylesheet`) parsed with its fonts loaded, so none parses the
stylesheet again. A process running one thread (a command, the benchmark) forks its workers
from itself. A process with other threads (the web server, which builds papers in a thread
when there is no Celery worker) forks them from a server process started on its first pack
(about three seconds, once), so that no lock another thread holds at the moment of forking
is copied into a worker.

A Celery worker's processes may not start their own (they are daemons): there a pack's parts
are rendered by a group of tasks, a chord (:mod:`committees.tasks`), and this renders in
its own process.
"""

import gc
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed

from django.conf import settings


def processes():
    """How many worker processes may render at once here: none inside a daemon process."""
    if multiprocessing.current_process().daemon:
        return 1
    return max(1, settings.PDF_RENDER_PROCESSES or os.cpu_count() or 1)


def render(htmls_by_key, ready):
    """Render each of ``htmls_by_key``'s HTML, calling ``ready(key, pdf)`` as each is done."""
    workers = min(processes(), len(htmls_by_key))
    if workers <= 1:
        for key, html in htmls_by_key.items():
            ready(key, _render(html))
        return
    context = _context()
    # Uploads and static files are found through these settings, which a test may have changed.
    paths = (str(settings.MEDIA_ROOT), str(settings.STATIC_ROOT or ""), settings.STATIC_URL)
    # A forked worker shares this process's memory until it writes to it; the collector, visiting
    # every object, would write to all of it: frozen, it leaves what exists now alone.
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_configure, initargs=paths) as pool:
            # The longest first, so no worker is left with a long part at the end.
            longest_first = sorted(htmls_by_key.items(), key=lambda item: -len(item[1]))
            futures = {pool.submit(_render, html): key for key, html in longest_first}
            for future in as_completed(futures):
                ready(futures[future], future.result())
    finally:
        gc.unfreeze()


def _context():
    """Fork this process if it runs no other thread (no lock can be held by one); else fork
    from the server, started once per process, that set itself up for rendering."""
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["partnership.pdf_workers_preload"])
    return context


def _configure(media_root, static_root, static_url):
    settings.MEDIA_ROOT, settings.STATIC_ROOT, settings.STATIC_URL = (
        media_root,
        static_root or None,
        static_url,
    )


def _render(html):
    from partnership.pdf import html_to_pdf

    return html_to_pdf(html, styled=True)
