"""Columns shared by the apps' tables."""

import datetime

import django_tables2 as tables
from django.db import models
from django.utils.dateformat import format as format_date
from django_tables2.columns import library


@library.register
class DateColumn(tables.Column):
    """A date as people write it (1 Apr 2018); ISO 8601 in exports.

    django-tables2's own ``DateColumn`` compiles a template for every cell it renders: a page of
    50 rows with two dates compiled 100 templates.
    """

    def __init__(self, format="j M Y", **kwargs):
        super().__init__(**kwargs)
        self.format = format

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value):
        return format_date(value, self.format)

    def value(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value
