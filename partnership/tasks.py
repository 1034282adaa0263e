"""Celery tasks: find what is due and hand it to services."""

from celery import shared_task
from django.apps import apps


@shared_task
def sweep_reminders():
    """Ask every app for the reminders now due; each app queues them through
    ``partnership.services.queue_reminder``, which records each once."""
    queued = 0
    for config in apps.get_app_configs():
        sweep = getattr(config, "sweep_reminders", None)
        if sweep is not None:
            queued += sweep() or 0
    return queued


@shared_task
def send_due_reminders():
    """Deliver the outbox: every reminder still pending, or failed and due another try."""
    from partnership import services

    return services.send_due_reminders()


@shared_task
def send_audit_checkpoint():
    """Every day: a signed checkpoint of the audit chain to each partnership's auditors."""
    from partnership import services

    return services.send_audit_checkpoint().last_entry_id


@shared_task
def forget_form_submissions():
    """Every day: drop create-form receipts no session can send again."""
    from partnership import services

    return services.forget_form_submissions()


@shared_task(acks_late=True)
def build_as_of_pdf(key, partnership_id, model_label, record_pk, day_iso, user_id):
    """Make a record's "as it stood on" PDF for the person who asked (``partnership.as_of_pdf``)."""
    from partnership import as_of_pdf

    return as_of_pdf.build_and_store(key, partnership_id, model_label, record_pk, day_iso, user_id)


@shared_task
def forget_as_of_pdfs():
    """Every day: delete "as it stood on" PDFs made more than a day ago."""
    from partnership import as_of_pdf

    return as_of_pdf.forget_old()
