import pytest
from django.apps import apps
from django.core import mail

from partnership import services
from partnership.models import Reminder
from partnership.tasks import sweep_reminders
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_reminder_is_sent_once_however_often_it_is_queued():
    user = UserFactory(email="officer@example.org")
    for _ in range(3):
        services.queue_reminder(
            key="review:agreement:1:2026", recipient=user, subject="Annual review due", body="Due"
        )
    assert Reminder.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["officer@example.org"]
    assert Reminder.objects.get().status == "sent"


@pytest.mark.django_db(transaction=True)
def test_reminder_sweep_runs_on_a_real_worker_and_sends_once(celery_worker_on_redis, monkeypatch):
    user = UserFactory(email="secretary@example.org")
    config = apps.get_app_config("partnership")

    def sweep():
        reminder = services.queue_reminder(
            key="meeting:42:papers-due", recipient=user, subject="Papers due for the JCLT", body="Papers due"
        )
        return 1 if reminder else 0

    monkeypatch.setattr(config, "sweep_reminders", sweep, raising=False)
    first = sweep_reminders.apply_async(queue=celery_worker_on_redis).get(timeout=60)
    second = sweep_reminders.apply_async(queue=celery_worker_on_redis).get(timeout=60)
    assert first >= 1
    assert second >= 0
    assert Reminder.objects.filter(key="meeting:42:papers-due").count() == 1
    assert [m.subject for m in mail.outbox].count("Papers due for the JCLT") == 1
