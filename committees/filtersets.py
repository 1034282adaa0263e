"""Filters for the committee, actions, delegations and reports registers."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from committees.choices import ActionStatus, CommitteeKind, CommitteeStatus, InterestReview, ReportStatus
from committees.models import Action, Committee, Delegation, PlannedDecision, RegisteredInterest, Report
from partnership.filtersets import PartnershipFilterSet
from partnership.models import Organisation


class GovukFilterSet(PartnershipFilterSet):
    """Also limits a ``committee`` filter to the partnership's committees."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.partnership is not None and "committee" in self.filters:
            self.filters["committee"].queryset = Committee.objects.filter(partnership=self.partnership)


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


class PlannedDecisionFilterSet(GovukFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Matter")
    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.none(), label="Decision-maker", empty_label="Any committee"
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(), label="Body", empty_label="Any body"
    )
    key_decision = django_filters.BooleanFilter(label="Key decisions only", widget=forms.CheckboxInput)
    upcoming = django_filters.BooleanFilter(
        method="due_from_today", label="Still to be decided", widget=forms.CheckboxInput
    )

    body_filters = ("organisation",)

    class Meta:
        model = PlannedDecision
        fields = ["q", "committee", "organisation", "key_decision", "upcoming"]

    def due_from_today(self, queryset, name, value):
        return queryset.filter(decision_due__gte=timezone.localdate()) if value else queryset


class RegisteredInterestFilterSet(GovukFilterSet):
    q = django_filters.CharFilter(field_name="member__person_name", lookup_expr="icontains", label="Member")
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(), label="Registered with", empty_label="Any body"
    )
    review_status = django_filters.MultipleChoiceFilter(
        choices=InterestReview.choices, widget=forms.CheckboxSelectMultiple, label="Review"
    )
    mine = django_filters.BooleanFilter(
        method="own_entries", label="My register only", widget=forms.CheckboxInput
    )
    current = django_filters.BooleanFilter(
        method="current_today", label="Interests held today only", widget=forms.CheckboxInput
    )

    body_filters = ("organisation",)

    class Meta:
        model = RegisteredInterest
        fields = ["q", "organisation", "review_status", "mine", "current"]

    def own_entries(self, queryset, name, value):
        user = self.request.user if self.request else None
        return queryset.filter(member__user=user) if value and user else queryset

    def current_today(self, queryset, name, value):
        today = timezone.localdate()
        if not value:
            return queryset
        return queryset.filter(Q(to_date__isnull=True) | Q(to_date__gte=today), from_date__lte=today)
