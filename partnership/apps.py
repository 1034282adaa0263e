import inspect

from django.apps import AppConfig, apps


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnerships and bodies"
    attention_title = "Bodies and reminders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partnership import checks, sessions, signals  # noqa: F401
        from partnership.tables import cache_signatures

        cache_signatures()

    def partnership_sections(self, partnership, user):
        return audit_sections(partnership, user)

    def attention_items(self, user):
        """Transfers of abolished bodies' records still to do; reminders the relay kept refusing."""
        from partnership.reorganisation import attention_items as reorganisation_items

        return reorganisation_items(user) + self.undeliverable_reminders(user)

    def undeliverable_reminders(self, user):
        """Reminders the relay kept refusing, for the site's administrators to act on."""
        if not user.is_superuser:
            return []
        from django.urls import reverse

        from partnership.choices import ReminderStatus
        from partnership.models import Reminder

        count = Reminder.objects.filter(status=ReminderStatus.UNDELIVERABLE).count()
        if not count:
            return []
        changelist = reverse("admin:partnership_reminder_changelist")
        url = f"{changelist}?status__exact={ReminderStatus.UNDELIVERABLE}"
        return [
            {
                "text": f"{count} reminder{'' if count == 1 else 's'} could not be delivered: "
                "see each one's error",
                "url": url,
                "partnership": None,
            }
        ]


def audit_sections(partnership, user):
    """The audit log link, for those who may read it."""
    from django.urls import reverse

    from partnership.audit_views import can_read_audit_log

    if not can_read_audit_log(user, partnership):
        return []
    return [
        {
            "title": "Audit log",
            "url": reverse("audit:log", kwargs={"partnership": partnership.slug}),
            "description": "Every change to the partnership's records, with proof nothing was altered.",
        }
    ]


#: Items of each group shown on the home page; the rest are a link away.
HOME_ATTENTION_ITEMS = 5


def _by_due(items):
    return sorted(items, key=lambda item: (item.get("due") is None, item.get("due") or 0))


class AttentionList(list):
    """The first items of an attention list, soonest due first, and ``total``, how many there
    are: what an app's ``attention_items(user, limit=n)`` may return so that the home page
    need not build every item to show five."""

    def __init__(self, items, total):
        super().__init__(items)
        self.total = total


def first_and_count(queryset, limit):
    """The first ``limit`` records of ``queryset`` and how many there are, in one query (each
    row carries the total, counted before the slice)."""
    from django.db.models import Count, Window

    rows = list(queryset.annotate(total_of_all=Window(Count("pk")))[:limit])
    return rows, rows[0].total_of_all if rows else 0


def records_under_agreement(agreement, user):
    """What other apps keep under ``agreement`` that ``user`` may see (budgets, Section 256
    transfers): each app's ``agreement_records(agreement, user)`` gives groups with ``title``,
    ``records`` ((text, url) of the first few), ``count`` and ``url`` (its register, filtered to
    them), so the agreements app imports none of them."""
    return from_each_app("agreement_records", agreement, user)


def from_each_app(hook, *args):
    """Everything the apps answer to ``hook(*args)``, in the apps' order (one whose AppConfig
    has no such method adds nothing): how the core asks the apps built on it without importing them."""
    found = []
    for config in apps.get_app_configs():
        collect = getattr(config, hook, None)
        if collect is not None:
            found.extend(collect(*args))
    return found


def _takes_limit(collect):
    return "limit" in inspect.signature(collect).parameters


def attention_groups(user, limit=None, only=None):
    """What needs ``user``'s attention, one group per app that has any (or only app label
    ``only``'s): ``key`` (the app's label), ``title``, ``items`` (soonest due first; given
    ``limit``, at least the first ``limit``) and ``count``."""
    groups = []
    for config in apps.get_app_configs():
        if only is not None and config.label != only:
            continue
        collect = getattr(config, "attention_items", None)
        if collect is None:
            continue
        found = collect(user, limit=limit) if limit is not None and _takes_limit(collect) else collect(user)
        items = _by_due(found)
        count = getattr(found, "total", len(items))
        if count:
            title = getattr(config, "attention_title", config.verbose_name)
            groups.append({"key": config.label, "title": title, "items": items, "count": count})
    return groups


def attention_items(user):
    """What needs ``user``'s attention, gathered from every app.

    An app contributes by giving its AppConfig an ``attention_items(user)``
    method returning dicts with ``text``, ``url``, ``partnership`` and
    optionally ``due``; the core never imports the apps built on it.
    """
    return _by_due(from_each_app("attention_items", user))


def partnership_sections(partnership, user):
    """Links to each app's pages for a partnership.

    An app contributes by giving its AppConfig a ``partnership_sections(partnership,
    user)`` method returning dicts with ``title``, ``url`` and ``description``.
    """
    return from_each_app("partnership_sections", partnership, user)
