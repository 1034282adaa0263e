"""Keep each searchable record's document in step with it, in the transaction that saves it.

Records written without signals (``bulk_create``, ``QuerySet.update``) are
indexed by ``manage.py rebuild_search_index``.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from search import documents


def index_saved_record(sender, instance, raw=False, **kwargs):
    if not raw:
        documents.index_record(instance)


def forget_deleted_record(sender, instance, **kwargs):
    documents.forget_record(instance)


def index_minute_of_item(sender, instance, raw=False, **kwargs):
    """A minute is titled by its agenda item: a renamed item renames it."""
    if raw:
        return
    from committees.models import Minute

    minute = Minute.objects.filter(agenda_item=instance).first()
    if minute is not None:
        minute.agenda_item = instance
        documents.index_record(minute)


def connect():
    for source in documents.SOURCES:
        model = source.model
        post_save.connect(index_saved_record, sender=model, dispatch_uid=f"search-index-{source.kind}")
        post_delete.connect(forget_deleted_record, sender=model, dispatch_uid=f"search-forget-{source.kind}")
    post_save.connect(
        index_minute_of_item, sender=apps.get_model("committees.AgendaItem"), dispatch_uid="search-item"
    )


def index_when_empty(sender, using="default", **kwargs):
    """After ``migrate``: a database with records but no documents yet (search just installed)
    gets them all."""
    from search.models import SearchDocument

    if SearchDocument.objects.using(using).exists():
        return
    if any(source.model.objects.using(using).exists() for source in documents.SOURCES):
        documents.rebuild()
