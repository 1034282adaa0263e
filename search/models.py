"""The search documents: one plain-text copy of each searchable record.

A record's words are kept here as text (formatted text without its tags), so
PostgreSQL can hold them in one full-text vector with a GIN index, and every
kind is searched, ranked and counted in one query. The document is only an
index: who may find it is asked of the record itself, live, through
``partnership.permissions.restrict(..., action="read")`` (``search.queries``).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Index

from partnership.models import Partnership
from search.choices import DocumentKind

#: The text search configuration: English stemming and stop words.
CONFIG = "english"


def document_vector():
    """The words of a document, the title's weighing more than the body's (PostgreSQL)."""
    return SearchVector("title", weight="A", config=CONFIG) + SearchVector("body", weight="B", config=CONFIG)


class VectorIndex(GinIndex):
    """A GIN index on PostgreSQL; elsewhere (SQLite, which searches the text) a plain index."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return Index.create_sql(self, model, schema_editor, **kwargs)


class SearchDocument(models.Model):
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    title = models.TextField()
    body = models.TextField(blank=True)
    #: ``document_vector()`` of title and body, kept on PostgreSQL only (None elsewhere).
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once_per_record")
        ]
        indexes = [VectorIndex(fields=["vector"], name="search_document_vector")]

    def __str__(self):
        return self.title
