"""Columns and paging shared by the apps' tables."""

import datetime
import functools

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db import models
from django.utils.dateformat import format as format_date
from django_tables2 import utils as tables_utils
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


_library_signature = tables_utils.signature


@functools.lru_cache(maxsize=1024)  # bounded: a function made per request would not stay
def _signature_of(function, bound):
    arguments, catch_all = _library_signature(function)
    return (arguments[1:] if bound else arguments), catch_all


def signature(fn):
    """django-tables2's ``signature(fn)``, worked out once per function rather than per cell.

    The library asks for the signature of a column's ``render``/``value`` (or a table's
    ``render_foo``) before every call to it, through ``inspect.signature``: on a page of 50 rows
    that was a quarter of the time spent rendering the table. A bound method is kept by its
    function (the table it is bound to is new on every request), less its ``self``.
    """
    function = getattr(fn, "__func__", None)
    if function is not None and getattr(fn, "__self__", None) is not None:
        return _signature_of(function, True)
    try:
        return _signature_of(fn, False)
    except TypeError:  # not hashable: asked afresh
        return _library_signature(fn)


def cache_signatures():
    """Make django-tables2 use :func:`signature` (called from the app's ``ready``)."""
    tables_utils.signature = signature
