"""Rendering PDF parts side by side (``partnership.pdf_workers``): each part in a worker
process, forked from this one when it runs no other thread and from the prepared server when
it does; inside a daemon process (a Celery worker's), one after another here."""

import os
import threading
import time

import pytest

from partnership import pdf_workers
from partnership.pdf import render_many


def process_of(html):
    """Stands in for rendering: says which process took the part, after a moment, so that
    both workers get parts."""
    time.sleep(0.3)
    return f"{html} by {os.getpid()}".encode()


@pytest.fixture
def rendering_noted(monkeypatch, settings):
    monkeypatch.setattr(pdf_workers, "_render", process_of)
    settings.PDF_RENDER_PROCESSES = 2
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def rendered(htmls):
    done = []
    pdfs = render_many(
        htmls, cache_prefix="workers-test", progress=lambda count, total: done.append((count, total))
    )
    return [pdf.decode().rsplit(" by ", 1) for pdf in pdfs], done


def test_parts_render_in_two_worker_processes_and_come_back_in_order(rendering_noted):
    parts, progress = rendered([f"part {n}" for n in range(6)])
    assert [html for html, _ in parts] == [f"part {n}" for n in range(6)]
    processes = {pid for _, pid in parts}
    assert len(processes) == 2 and str(os.getpid()) not in processes
    assert progress == [(n, 6) for n in range(1, 7)]


def test_a_part_in_the_cache_is_not_rendered_again(rendering_noted):
    first, _ = rendered(["cover", "report"])
    again, progress = rendered(["cover", "report", "new report"])
    assert again[:2] == first
    assert progress == [(3, 3)]


def test_with_another_thread_running_the_workers_fork_from_the_prepared_server(rendering_noted):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert pdf_workers._context().get_start_method() == "forkserver"
        parts, _ = rendered(["a", "b", "c"])
    finally:
        stop.set()
        other.join()
    assert [html for html, _ in parts] == ["a", "b", "c"]
    assert str(os.getpid()) not in {pid for _, pid in parts}


def test_a_daemon_process_renders_its_parts_itself(monkeypatch):
    class Daemon:
        daemon = True

    monkeypatch.setattr(pdf_workers.multiprocessing, "current_process", Daemon)
    assert pdf_workers.processes() == 1
