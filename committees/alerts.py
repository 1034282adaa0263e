"""E-mail alerts for the public: a committee's agenda, minutes and decisions as they are
published, and a partnership's forward plan as entries are added.

Anyone may ask, with an e-mail address; alerts start only when they confirm it from the
e-mail sent to it (so no one is signed up by someone else), and every alert carries a link
that ends the subscription. A second request within an hour sends no second e-mail. Alerts say
only what the public pages say: a committee that meets in private has none, and a decision on
exempt business is not announced.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from committees.models import Subscription

ASK_AGAIN_AFTER = datetime.timedelta(hours=1)
#: An address never confirmed is forgotten this long after it was last asked.
UNCONFIRMED_KEPT_FOR = datetime.timedelta(days=7)


def _address(name, token):
    return f"{settings.SITE_URL}{reverse(name, args=[token])}"


def subscribe(*, email, committee=None, partnership=None):
    """Record the request and e-mail the confirmation link (not again within the hour)."""
    email = email.strip().lower()
    target = {"committee": committee} if committee is not None else {"partnership": partnership}
    try:
        with transaction.atomic():
            subscription, created = Subscription.objects.get_or_create(email=email, **target)
    except IntegrityError:  # the same request twice at once: the other made it
        subscription, created = Subscription.objects.get(email=email, **target), False
    now = timezone.now()
    if subscription.confirmed_at or (not created and now - subscription.last_asked_at < ASK_AGAIN_AFTER):
        return subscription
    Subscription.objects.filter(pk=subscription.pk).update(last_asked_at=now)
    what = committee.name if committee is not None else f"the forward plan of {partnership.name}"
    body = (
        f"Someone, we hope you, asked for e-mails when {what} publishes papers.\n\n"
        f"To start them, confirm your address:\n{_address('public:alerts_confirm', subscription.token)}\n\n"
        "If it was not you, ignore this e-mail: nothing will be sent."
    )
    from committees.tasks import send_alerts

    transaction.on_commit(
        lambda: send_alerts.delay([subscription.pk], f"Confirm e-mail alerts: {what}", body, confirmed=False)
    )
    return subscription


def confirm(token):
    """Start the alerts of the subscription ``token`` names; None if there is none."""
    subscription = Subscription.objects.filter(token=token).select_related("committee", "partnership").first()
    if subscription is not None and subscription.confirmed_at is None:
        Subscription.objects.filter(pk=subscription.pk).update(confirmed_at=timezone.now())
    return subscription


def unsubscribe(token):
    """End the subscription ``token`` names; whether there was one."""
    deleted, _ = Subscription.objects.filter(token=token).delete()
    return bool(deleted)


def announce(*, subject, body, link, committee=None, partnership=None):
    """After the current transaction commits, e-mail every confirmed subscriber of ``committee``
    (if it meets in public) or of ``partnership``'s forward plan."""
    if committee is not None and not committee.meets_in_public:
        return
    target = {"committee": committee} if committee is not None else {"partnership": partnership}
    from committees.tasks import send_alerts

    def send():
        ids = list(
            Subscription.objects.filter(confirmed_at__isnull=False, **target).values_list("pk", flat=True)
        )
        if ids:
            send_alerts.delay(ids, subject, f"{body}\n\n{settings.SITE_URL}{link}")

    transaction.on_commit(send)


def unsubscribe_line(subscription):
    return f"To stop these e-mails: {_address('public:alerts_unsubscribe', subscription.token)}"


def forget_unconfirmed(now=None):
    """Delete the requests never confirmed within :data:`UNCONFIRMED_KEPT_FOR` of the last
    confirmation e-mail: an address someone else typed is not kept. Returns how many."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEPT_FOR
    deleted, _ = Subscription.objects.filter(confirmed_at__isnull=True, last_asked_at__lt=cutoff).delete()
    return deleted
