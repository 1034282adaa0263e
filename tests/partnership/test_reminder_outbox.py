"""The reminder log is an outbox: what is recorded is sent, once, even when a worker
dies or the mail relay refuses for a while.

The relay is a real SMTP server (aiosmtpd) in this process; the worker is a real
Celery worker on Redis, in a thread or, where it must be killed, a process of
its own.
"""

import asyncio
import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from partnership import services, tasks
from partnership.apps import attention_items
from partnership.choices import ReminderStatus
from partnership.models import Reminder
from tests.conftest import ROOT, require
from tests.factories import UserFactory


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Relay:
    """An SMTP relay that answers each message as planned: "accept", "refuse" (a
    temporary 451) or "hang" (never answers, as a stalled relay does)."""

    def __init__(self, plan=()):
        self.plan = list(plan)
        self.delivered = []
        self.hanging = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        answer = self.plan.pop(0) if self.plan else "accept"
        if answer == "hang":
            self.hanging.set()
            await asyncio.sleep(120)
            return "451 4.4.2 Timed out"
        if answer == "refuse":
            return "451 4.3.0 Mail relay busy, try again later"
        self.delivered.append(envelope.content.decode())
        return "250 2.0.0 Delivered"


@pytest.fixture
def relay(settings):
    from aiosmtpd.controller import Controller

    handler = Relay()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    handler.port = port
    yield handler
    controller.stop()


def record(user, key="agreements:review:1:2027-04-01"):
    """A reminder recorded in the outbox whose send has not happened yet.

    Due since 2020: the worker process runs on the real clock, not the test's."""
    return Reminder.objects.create(
        key=key,
        recipient=user,
        subject="Annual review of S75-001 due",
        body="The review is due.",
        next_attempt_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )


def worker_process(queue, relay_port):
    """A Celery worker in a process of its own, on this test's database and Redis."""
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(relay_port),
        "EMAIL_TIMEOUT_SECONDS": "60",
        "DJANGO_DEBUG": "true",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "partnership",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_reminder_recorded_before_its_worker_died_is_sent_once_after_restart(relay):
    require(os.environ.get("REDIS_URL"), "REDIS_URL is not set: this test needs Redis and a Celery worker")
    require(
        settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        "DATABASE_URL must be PostgreSQL: a worker process cannot share an in-memory SQLite database",
    )
    reminder = record(UserFactory(email="officer@example.org"))
    relay.plan = ["hang"]
    queue = f"concordat-test-{uuid.uuid4().hex}"

    first = worker_process(queue, relay.port)
    try:
        tasks.send_due_reminders.apply_async(queue=queue)
        assert relay.hanging.wait(60), "the first worker never reached the relay"
        first.send_signal(signal.SIGKILL)  # killed mid-send, before it could mark anything
        first.wait(10)
    finally:
        first.kill()

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert relay.delivered == []

    second = worker_process(queue, relay.port)
    try:
        sent = tasks.send_due_reminders.apply_async(queue=queue).get(timeout=60)
        again = tasks.send_due_reminders.apply_async(queue=queue).get(timeout=60)
    finally:
        second.terminate()
        second.wait(30)

    assert (sent, again) == (1, 0)
    assert len(relay.delivered) == 1
    assert "Annual review of S75-001 due" in relay.delivered[0]
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.sent_at is not None


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_refused_reminder_is_tried_again_with_back_off_and_sent_on_the_third_try(
    relay, celery_worker_on_redis, settings
):
    settings.REMINDER_RETRY_SECONDS = 60
    relay.plan = ["refuse", "refuse", "accept"]
    user = UserFactory(email="secretary@example.org")
    reminder = services.queue_reminder(
        key="committees:papers:1:2027-01-05:1", recipient=user, subject="Papers due", body="Papers due"
    )

    def deliver():
        return tasks.send_due_reminders.apply_async(queue=celery_worker_on_redis).get(timeout=60)

    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.FAILED, 1)
    assert "451" in reminder.last_error
    assert deliver() == 0, "tried again before its back-off was over"

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert deliver() == 0
        reminder.refresh_from_db()
        assert (reminder.status, reminder.attempts) == (ReminderStatus.FAILED, 2)
        assert reminder.next_attempt_at - timezone.now() > datetime.timedelta(seconds=100)

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61 + 121)):
        assert deliver() == 1

    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.last_error) == (ReminderStatus.SENT, 3, "")
    assert len(relay.delivered) == 1


@pytest.mark.django_db
def test_a_reminder_that_keeps_failing_is_shown_to_site_administrators_with_its_error(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    settings.REMINDER_RETRY_SECONDS = 1
    settings.REMINDER_MAX_ATTEMPTS = 3
    reminder = record(UserFactory(email="finance@example.org"))
    admin = UserFactory(username="site-admin", is_superuser=True, is_staff=True)
    officer = UserFactory(username="an-officer")

    start = timezone.now()
    for hour in range(1, 6):
        with time_machine.travel(start + datetime.timedelta(hours=hour)):
            services.send_due_reminders()

    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.UNDELIVERABLE, 3)
    assert "ConnectionRefusedError" in reminder.last_error
    [item] = [i for i in attention_items(admin) if "could not be delivered" in i["text"]]
    assert item["text"].startswith("1 reminder could not be delivered")
    assert "status__exact=undeliverable" in item["url"]
    assert not [i for i in attention_items(officer) if "could not be delivered" in i["text"]]
