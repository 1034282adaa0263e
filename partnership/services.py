"""Writes with rules for the core: memberships and reminders."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from partnership import permissions
from partnership.choices import ReminderStatus
from partnership.models import AccessChange, FormSubmission, Membership, Reminder

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


def queue_reminders(reminders):
    """Record many reminders in the outbox at once, each once (as :func:`queue_reminder`).

    ``reminders`` are dicts of :func:`queue_reminder`'s arguments. A fixed number
    of queries however many there are or were sent before: one to find the keys
    already recorded, one insert; after commit one delivery task sends them, so
    the sweep that found them never waits on the mail relay. Returns how many
    were new.
    """
    wanted = {}
    for reminder in reminders:
        if reminder["recipient"].email:
            wanted.setdefault(reminder["key"][:255], reminder)
    if not wanted:
        return 0
    recorded = set(Reminder.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    new = [
        Reminder(
            key=key,
            recipient=reminder["recipient"],
            subject=reminder["subject"][:255],
            body=reminder["body"],
            link=reminder.get("link", ""),
            due=reminder.get("due"),
            partnership=reminder.get("partnership"),
        )
        for key, reminder in wanted.items()
        if key not in recorded
    ]
    if not new:
        return 0
    # A sweep running at the same moment may record some first: theirs stand, once.
    Reminder.objects.bulk_create(new, ignore_conflicts=True)

    def deliver():
        from partnership.tasks import send_due_reminders

        send_due_reminders.delay()

    transaction.on_commit(deliver)
    return len(new)


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


def send_audit_checkpoint():
    """Sign the audit chain's head and send it to every partnership's auditors, who keep
    it where the database cannot change it. Returns the checkpoint."""
    from partnership import audit
    from partnership.models import Partnership

    checkpoint = audit.make_checkpoint()
    made_on = timezone.localtime(checkpoint.made_at)
    for partnership in Partnership.objects.all():
        memberships = permissions.auditor_memberships(partnership).select_related("user")
        auditors = {m.user_id: m.user for m in memberships}
        for user in auditors.values():
            queue_reminder(
                key=f"audit:checkpoint:{checkpoint.made_at.isoformat()}:{partnership.pk}:{user.pk}",
                recipient=user,
                subject=f"Audit checkpoint for {partnership.name}, {made_on:%-d %B %Y}",
                body=(
                    f"The audit log held {checkpoint.entries} entries at {made_on:%H:%M on %-d %B %Y}. "
                    "Keep this e-mail: the checkpoint below is signed, and `manage.py verify_audit_chain "
                    "--checkpoint <file>` checks that the log still holds what it records, so a log "
                    "cut short or rewritten since is found.\n\n" + checkpoint.to_text()
                ),
                link=reverse("audit:log", kwargs={"partnership": partnership.slug}),
                partnership=partnership,
            )
    return checkpoint


def _permission_names(permissions_queryset):
    rows = permissions_queryset.values_list("content_type__app_label", "codename")
    return sorted(f"{app}.{codename}" for app, codename in rows)


def access_of(person=None, group=None):
    """What a person's or a group's access is now, as {setting: sorted values or a flag}."""
    if person is not None:
        return {
            "active": person.is_active,
            "staff": person.is_staff,
            "superuser": person.is_superuser,
            "groups": sorted(person.groups.values_list("name", flat=True)),
            "permissions": _permission_names(person.user_permissions),
        }
    return {"name": group.name, "permissions": _permission_names(group.permissions)}


def describe_access_change(before, after):
    """Each setting that differs, in words: "superuser: no → yes", "groups: added x; removed y"."""

    def words(value):
        if value is None:
            return "—"
        return {True: "yes", False: "no"}[value] if isinstance(value, bool) else value

    lines = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if isinstance(old, list | type(None)) and isinstance(new, list | type(None)):
            added = sorted(set(new or ()) - set(old or ()))
            removed = sorted(set(old or ()) - set(new or ()))
            parts = [f"added {', '.join(added)}"] if added else []
            parts += [f"removed {', '.join(removed)}"] if removed else []
            lines.append(f"{name}: {'; '.join(parts)}")
        else:
            lines.append(f"{name}: {words(old)} → {words(new)}")
    return "\n".join(lines)


def record_access_change(*, acting_user, before, after, person=None, group=None, subject="", heading=""):
    """Record a change to who may do what made in the Django admin (nothing when nothing
    changed). ``heading`` says what kind of change it was, when not plain settings.

    Only staff, the people the Django admin lets in, are recorded as making one: nobody
    else can put a change of access in the audit log in their own name."""
    permissions.require(
        acting_user.is_active and acting_user.is_staff,
        "Only site staff change access in the Django admin.",
    )
    description = describe_access_change(before, after)
    if not description:
        return None
    if heading:
        description = f"{heading}\n{description}"
    change = AccessChange(
        person=person,
        group=group,
        organisation_id=permissions.body_of_group(group) if group is not None else None,
        subject=(subject or str(person or group))[:200],
        description=description,
    )
    change._history_user = acting_user
    change._change_reason = "Changed in the Django admin"
    with transaction.atomic():
        change.save()
    return change


def forget_form_submissions(now=None):
    """Delete create-form receipts older than the longest session: a form that old cannot be
    sent again (its session and CSRF token are gone), so its receipt guards nothing."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
