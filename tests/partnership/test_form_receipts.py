"""Create-form receipts are kept only as long as a form could be sent again."""

import datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from partnership import services
from partnership.models import FormSubmission, Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def receipt(token, user, created_at):
    submission = FormSubmission.objects.create(
        token=token, user=user, content_type=ContentType.objects.get_for_model(Organisation)
    )
    FormSubmission.objects.filter(pk=submission.pk).update(created_at=created_at)


def test_receipts_older_than_the_longest_session_are_forgotten_and_newer_ones_kept():
    user = UserFactory()
    now = timezone.now()
    longest = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    receipt("a" * 32, user, now - longest - datetime.timedelta(minutes=1))
    receipt("b" * 32, user, now - longest + datetime.timedelta(minutes=1))

    assert services.forget_form_submissions(now=now) == 1
    assert list(FormSubmission.objects.values_list("token", flat=True)) == ["b" * 32]


def test_the_daily_beat_runs_a_task_the_worker_knows():
    from partnership.celery import app

    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE["form-receipts"]["task"] in app.tasks
