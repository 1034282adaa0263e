"""Columns and paging shared by the apps' tables."""

import datetime

import django_tables2 as tables
from django.core.paginator import Paginator
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


class RegisterPaginator(Paginator):
    """A register's pages are ``size`` rows, whatever size the address asks for: django-tables2
    reads ``?per_page=`` from it, and 100000 would list every row, -1 none."""

    def __init__(self, object_list, per_page, *args, size, **kwargs):
        super().__init__(object_list, size, *args, **kwargs)
