import django_filters

from finance.choices import BudgetKind, TransferStatus
from finance.models import Budget, Transfer
from partnership.forms import Form


class BudgetFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")
    kind = django_filters.ChoiceFilter(choices=BudgetKind.choices)
    agreement = django_filters.CharFilter(
        field_name="agreement__reference", lookup_expr="iexact", label="Agreement reference"
    )

    class Meta:
        model = Budget
        fields = ["name", "kind", "agreement"]
        form = Form


class TransferFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TransferStatus.choices)
    year = django_filters.NumberFilter(label="Financial year starting (e.g. 2018)")
    agreement = django_filters.CharFilter(
        field_name="agreement__reference", lookup_expr="iexact", label="Agreement reference"
    )

    class Meta:
        model = Transfer
        fields = ["status", "year", "agreement"]
        form = Form
