"""The base for every register's filters."""

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from partnership.models import Organisation


class BodyChoiceField(forms.ModelChoiceField):
    """A body, named with the last day of its life once it is abolished."""

    def label_from_instance(self, obj):
        if obj.active_to and obj.active_to < timezone.localdate():
            return f"{obj.name} (until {obj.active_to:%-d %B %Y})"
        return obj.name


def bodies_for_filter(partnership):
    """The partnership's bodies: those existing today first, then the abolished ones, whose
    records a register still shows (labelled with their end)."""
    today = timezone.localdate()
    return (
        Organisation.objects.filter(partner_places__partnership=partnership)
        .distinct()
        .annotate(
            abolished=Case(
                When(Q(active_to__lt=today), then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("abolished", "name")
    )


class PartnershipFilterSet(django_filters.FilterSet):
    """Filters for one partnership's register.

    ``ObjectListView`` passes the partnership in the URL; the filters named in
    ``body_filters`` then offer only that partnership's bodies, today's first and
    the abolished ones after them with their end date. (GOV.UK classes are added by
    the list view, through ``partnership.forms.style_form``.)
    """

    body_filters = ()

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        if partnership is not None and self.body_filters:
            bodies = bodies_for_filter(partnership)
            for name in self.body_filters:
                self.filters[name].field_class = BodyChoiceField
                self.filters[name].queryset = bodies
