import django_filters

from partnership import permissions
from partnership.forms import Form
from partnership.models import Organisation
from staffing.models import Post


def _partner_bodies(request):
    """The bodies of the partnership in the URL (the list view has checked the user may see it)."""
    slug = request.resolver_match.kwargs.get("partnership") if request else None
    if not slug:
        return Organisation.objects.none()
    partnership = getattr(request, "_staffing_partnership", None)
    if partnership is None:
        partnership = permissions.get_partnership_or_404(request.user, slug)
        request._staffing_partnership = partnership
    return Organisation.objects.filter(partner_places__partnership=partnership).order_by("name")


YES_NO = [("true", "Yes"), ("false", "No")]


class PostFilterSet(django_filters.FilterSet):
    title = django_filters.CharFilter(label="Title contains", lookup_expr="icontains")
    employer = django_filters.ModelChoiceFilter(queryset=_partner_bodies, empty_label="Any body")
    share_body = django_filters.ModelChoiceFilter(
        label="Shared with",
        field_name="shares__organisation",
        queryset=_partner_bodies,
        empty_label="Any body",
        distinct=True,
    )
    vacant = django_filters.ChoiceFilter(choices=YES_NO, empty_label="Either", method="filter_yes_no")
    jointly_managed = django_filters.ChoiceFilter(
        label="Jointly managed", choices=YES_NO, empty_label="Either", method="filter_yes_no"
    )

    class Meta:
        model = Post
        fields = ["title", "employer", "share_body", "vacant", "jointly_managed"]
        form = Form

    def filter_yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "true"})
