"""Writes with rules for the core: memberships and reminders."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership import permissions
from partnership.choices import ReminderStatus
from partnership.models import Membership, Reminder

logger = logging.getLogger(__name__)


def add_membership(*, organisation, user, role, job_title="", partnership=None, acting_user, reason=""):
    """Give ``user`` ``role`` for ``organisation``; only that body's administrators may."""
    permissions.require(
        permissions.has_object_permission(acting_user, organisation, "manage_members"),
        f"Only administrators of {organisation} may change who acts for it.",
    )
    if Membership.objects.filter(
        user=user, organisation=organisation, role=role, partnership=partnership
    ).exists():
        raise ValidationError(f"{user.get_full_name() or user} already holds this role for {organisation}.")
    membership = Membership(
        user=user,
        organisation=organisation,
        role=role,
        job_title=job_title,
        partnership=partnership,
    )
    membership._history_user = acting_user
    membership._change_reason = reason
    membership._acting_organisation = organisation
    with transaction.atomic():
        membership.save()
    return membership


def remove_membership(*, membership, acting_user, reason=""):
    permissions.require(
        permissions.has_object_permission(acting_user, membership.organisation, "manage_members"),
        f"Only administrators of {membership.organisation} may change who acts for it.",
    )
    membership._history_user = acting_user
    membership._change_reason = reason
    membership._acting_organisation = membership.organisation
    with transaction.atomic():
        membership.delete()


def queue_reminder(*, key, recipient, subject, body, link="", due=None, partnership=None):
    """Record a reminder once in the outbox; it is sent after commit.

    The unique ``key`` makes this idempotent: a sweep that runs twice (Celery
    with ``acks_late`` may) finds the row and records nothing the second time.
    Returns the new Reminder, or None when it was already recorded.
    """
    if not recipient.email:
        return None
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                key=key[:255],
                recipient=recipient,
                subject=subject[:255],
                body=body,
                link=link,
                due=due,
                partnership=partnership,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: send_reminder(reminder.pk))
    return reminder


def retry_delay(attempts):
    """How long to wait after ``attempts`` failed tries: doubling from the first delay."""
    first = settings.REMINDER_RETRY_SECONDS
    return datetime.timedelta(seconds=first * 2 ** (attempts - 1))


def send_reminder(reminder_id):
    """Send one reminder from the outbox if it is still to be sent and due to be tried.

    The row stays locked while the mail is handed to the relay, so two workers
    never send it twice; one that finds it locked leaves it to the other.
    Returns True when this call sent it.
    """
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(
                pk=reminder_id,
                status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED],
                next_attempt_at__lte=timezone.now(),
            )
            .first()
        )
        if reminder is None:
            return False
        text = reminder.body
        if reminder.link:
            text += f"\n\n{settings.SITE_URL}{reminder.link}"
        reminder.attempts += 1
        try:
            send_mail(reminder.subject, text, None, [reminder.recipient.email])
        except OSError as error:  # smtplib.SMTPException is an OSError
            logger.warning("Could not send reminder %s (try %s): %s", reminder.key, reminder.attempts, error)
            reminder.last_error = f"{type(error).__name__}: {error}"[:2000]
            if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
                reminder.status = ReminderStatus.UNDELIVERABLE
            else:
                reminder.status = ReminderStatus.FAILED
                reminder.next_attempt_at = timezone.now() + retry_delay(reminder.attempts)
            sent = False
        else:
            reminder.status = ReminderStatus.SENT
            reminder.sent_at = timezone.now()
            reminder.last_error = ""
            sent = True
        reminder.save(update_fields=["status", "sent_at", "attempts", "next_attempt_at", "last_error"])
    return sent


def send_due_reminders():
    """Send every reminder still pending, or failed and due another try. Returns how many went."""
    due = Reminder.objects.filter(
        status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED], next_attempt_at__lte=timezone.now()
    ).order_by("next_attempt_at")
    return sum(send_reminder(pk) for pk in due.values_list("pk", flat=True)[:500])
