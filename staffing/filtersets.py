import django_filters

from partnership.filtersets import PartnershipFilterSet
from partnership.forms import Form
from partnership.models import Organisation
from staffing.models import Post

YES_NO = [("true", "Yes"), ("false", "No")]


class PostFilterSet(PartnershipFilterSet):
    title = django_filters.CharFilter(label="Title contains", lookup_expr="icontains")
    employer = django_filters.ModelChoiceFilter(queryset=Organisation.objects.none(), empty_label="Any body")
    share_body = django_filters.ModelChoiceFilter(
        label="Shared with",
        field_name="shares__organisation",
        queryset=Organisation.objects.none(),
        empty_label="Any body",
        distinct=True,
    )
    vacant = django_filters.ChoiceFilter(choices=YES_NO, empty_label="Either", method="filter_yes_no")
    jointly_managed = django_filters.ChoiceFilter(
        label="Jointly managed", choices=YES_NO, empty_label="Either", method="filter_yes_no"
    )

    body_filters = ("employer", "share_body")

    class Meta:
        model = Post
        fields = ["title", "employer", "share_body", "vacant", "jointly_managed"]
        form = Form

    def filter_yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "true"})
