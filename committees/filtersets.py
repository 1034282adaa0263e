"""Filters for the committee, actions, delegations and reports registers."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from committees.choices import ActionStatus, CommitteeKind, CommitteeStatus, ReportStatus
from committees.models import Action, Committee, Delegation, Report
from partnership.models import Organisation


class GovukFilterSet(django_filters.FilterSet):
    """Gives the filter form GOV.UK classes and limits body choices to the partnership."""

    body_filters = ()

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partnership is not None:
            bodies = Organisation.objects.filter(partner_places__partnership=partnership).order_by("name")
            for name in self.body_filters:
                self.filters[name].queryset = bodies
            for name, flt in self.filters.items():
                if name == "committee":
                    flt.queryset = Committee.objects.filter(partnership=partnership)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["class"] = "govuk-checkboxes__input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "govuk-select"
            else:
                widget.attrs["class"] = "govuk-input"


class CommitteeFilterSet(GovukFilterSet):
    q = django_filters.CharFilter(method="search", label="Name")
    kind = django_filters.MultipleChoiceFilter(
        choices=CommitteeKind.choices, widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        choices=CommitteeStatus.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Committee
        fields = ["q", "kind", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class ActionFilterSet(GovukFilterSet):
    q = django_filters.CharFilter(method="search", label="Description or owner")
    status = django_filters.MultipleChoiceFilter(
        choices=ActionStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.none(),
        field_name="meeting__committee",
        empty_label="Any committee",
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(), label="Body", empty_label="Any body"
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Overdue only",
        widget=forms.CheckboxInput,
    )

    body_filters = ("organisation",)

    class Meta:
        model = Action
        fields = ["q", "status", "committee", "organisation", "overdue"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(description__icontains=value) | Q(owner_name__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=ActionStatus.OPEN, due__lt=timezone.localdate())


class DelegationFilterSet(GovukFilterSet):
    from_organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(), label="From body", empty_label="Any body"
    )
    in_force = django_filters.BooleanFilter(
        method="filter_in_force", label="In force today", widget=forms.CheckboxInput
    )

    body_filters = ("from_organisation",)

    class Meta:
        model = Delegation
        fields = ["from_organisation", "in_force"]

    def filter_in_force(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        return queryset.filter(valid_from__lte=today).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        )


class ReportFilterSet(GovukFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title")
    status = django_filters.MultipleChoiceFilter(
        choices=ReportStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(), label="Body", empty_label="Any body"
    )

    body_filters = ("organisation",)

    class Meta:
        model = Report
        fields = ["q", "status", "organisation"]
