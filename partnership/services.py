"""Writes with rules for the core: memberships and reminders."""

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
    """Record a reminder once and send it after commit.

    The unique ``key`` makes this idempotent: a task that runs twice (Celery
    with ``acks_late`` may) finds the row and sends nothing the second time.
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


def send_reminder(reminder_id):
    reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
    if reminder.status == ReminderStatus.SENT:
        return
    text = reminder.body
    if reminder.link:
        text += f"\n\n{settings.SITE_URL}{reminder.link}"
    try:
        send_mail(reminder.subject, text, None, [reminder.recipient.email])
    except OSError:
        logger.exception("Could not send reminder %s", reminder.key)
        reminder.status = ReminderStatus.FAILED
    else:
        reminder.status = ReminderStatus.SENT
        reminder.sent_at = timezone.now()
    reminder.save(update_fields=["status", "sent_at"])
