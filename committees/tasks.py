"""Celery tasks for committees: building meeting papers in the background."""

from celery import chord, group, shared_task


@shared_task(bind=True, acks_late=True)
def build_pack(self, meeting_id, kind, fan_out=True):
    """Build and store one paper (an agenda pack, the minutes or a decision notice).

    Progress is written to the cache as each part renders, and to the task's
    own state, so the meeting page can show "Building… N of M". Safe to run
    twice: a paper whose current version is already stored is not rebuilt.

    On a worker, a pack whose parts are not all in the cache replaces itself with a chord: a
    group of :func:`render_pack_part` tasks renders them side by side on the worker's
    processes, then this task runs again (``fan_out`` off), finds every part in the cache
    and assembles the pack. Its result is then the stored paper's name, as if it had run once.
    """
    from committees.papers import store

    if fan_out and not self.request.is_eager:
        print_hash, parts = store.parts_to_render(meeting_id, kind)
        if len(parts) > 1:
            queue = (self.request.delivery_info or {}).get("routing_key")
            options = {"queue": queue} if queue else {}
            header = group(
                render_pack_part.si(key, html, meeting_id, kind, print_hash, len(parts)).set(**options)
                for key, html in parts.items()
            )
            assemble = build_pack.si(meeting_id, kind, fan_out=False).set(**options)
            failed = pack_failed.si(meeting_id, kind, print_hash).set(**options)
            raise self.replace(chord(header, assemble.on_error(failed)))

    def report(done, total):
        if self.request.id and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return store.build_and_store(meeting_id, kind, on_progress=report)


@shared_task(acks_late=True)
def render_pack_part(key, html, meeting_id, kind, print_hash, total):
    """Render one part of a pack into the cache, where the pack's build will find it."""
    from django.core.cache import cache

    from committees.papers import store
    from partnership.pdf import CACHE_SECONDS, html_to_pdf

    cache.set(key, html_to_pdf(html, styled=True), CACHE_SECONDS)
    store.part_rendered(meeting_id, kind, print_hash, total)


@shared_task
def pack_failed(meeting_id, kind, print_hash):
    """A part of a pack could not be rendered: the pack is shown as failed, with "Try again",
    at once, not after the build is given up for dead."""
    from committees.papers import store

    store.set_status(meeting_id, kind, print_hash, store.FAILED, error="The PDF could not be built.")


@shared_task(acks_late=True)
def send_alerts(subscription_ids, subject, body, confirmed=True):
    """E-mail ``body`` to each subscription (confirmed ones only, unless this is the
    confirmation itself), each with its own link to stop them."""
    from django.core.mail import send_mail

    from committees import alerts
    from committees.models import Subscription

    subscriptions = Subscription.objects.filter(pk__in=subscription_ids)
    if confirmed:
        subscriptions = subscriptions.filter(confirmed_at__isnull=False)
    for subscription in subscriptions:
        send_mail(
            subject[:255], f"{body}\n\n{alerts.unsubscribe_line(subscription)}", None, [subscription.email]
        )


@shared_task
def forget_unconfirmed_alerts():
    """Nightly: forget e-mail alert requests never confirmed (``alerts.forget_unconfirmed``)."""
    from committees import alerts

    return alerts.forget_unconfirmed()
