from django.apps import AppConfig, apps


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnerships and bodies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partnership import signals  # noqa: F401


def attention_items(user):
    """What needs ``user``'s attention, gathered from every app.

    An app contributes by giving its AppConfig an ``attention_items(user)``
    method returning dicts with ``text``, ``url``, ``partnership`` and
    optionally ``due``; the core never imports the apps built on it.
    """
    items = []
    for config in apps.get_app_configs():
        collect = getattr(config, "attention_items", None)
        if collect is not None:
            items.extend(collect(user))
    return sorted(items, key=lambda item: (item.get("due") is None, item.get("due") or 0))


def partnership_sections(partnership, user):
    """Links to each app's pages for a partnership.

    An app contributes by giving its AppConfig a ``partnership_sections(partnership,
    user)`` method returning dicts with ``title``, ``url`` and ``description``.
    """
    sections = []
    for config in apps.get_app_configs():
        collect = getattr(config, "partnership_sections", None)
        if collect is not None:
            sections.extend(collect(partnership, user))
    return sections
