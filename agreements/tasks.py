"""Celery tasks for agreements: find what is due and hand it to services."""

from celery import shared_task


@shared_task
def apply_due_endings():
    """Every day: agreements whose recorded ending (termination or expiry) is due end now,
    through ``agreements.services.apply_ending`` under the row lock."""
    from agreements import services

    return services.apply_due_endings()
