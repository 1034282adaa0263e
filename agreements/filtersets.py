"""Filters for the agreement register."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from agreements.choices import AgreementKind, AgreementStatus
from agreements.models import Agreement
from partnership.filtersets import PartnershipFilterSet
from partnership.models import Organisation

REVIEW_DUE_CHOICES = (
    ("overdue", "Overdue"),
    ("60", "Due within 60 days (or overdue)"),
    ("180", "Due within 6 months (or overdue)"),
    ("none", "No review date"),
)


class AgreementFilterSet(PartnershipFilterSet):
    q = django_filters.CharFilter(method="search", label="Reference or title")
    kind = django_filters.MultipleChoiceFilter(
        choices=AgreementKind.choices, widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        choices=AgreementStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    party = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(),
        field_name="parties__organisation",
        label="Party",
        empty_label="Any body",
        distinct=True,
    )
    review_due = django_filters.ChoiceFilter(
        choices=REVIEW_DUE_CHOICES, method="filter_review_due", label="Review due", empty_label="Any"
    )

    class Meta:
        model = Agreement
        fields = ["q", "kind", "status", "party", "review_due"]

    body_filters = ("party",)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))

    def filter_review_due(self, queryset, name, value):
        """As the register shows the next review (``Agreement.next_review_due``, ``review_overdue``):
        an ended agreement has none, and only one in effect is overdue."""
        today = timezone.localdate()
        ended = Q(status__in=Agreement.ENDED_STATUSES)
        if value == "none":
            return queryset.filter(Q(next_review_date__isnull=True) | ended)
        if value == "overdue":
            return queryset.filter(next_review_date__lt=today, status__in=Agreement.EFFECTIVE_STATUSES)
        due = Q(next_review_date__lte=today + datetime.timedelta(days=int(value)))
        return queryset.filter(due).exclude(ended)
