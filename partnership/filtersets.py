"""The base for every register's filters."""

import django_filters

from partnership.models import Organisation


class PartnershipFilterSet(django_filters.FilterSet):
    """Filters for one partnership's register.

    ``ObjectListView`` passes the partnership in the URL; the filters named in
    ``body_filters`` then offer only that partnership's bodies. (GOV.UK classes
    are added by the list view, through ``partnership.forms.style_form``.)
    """

    body_filters = ()

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        if partnership is not None and self.body_filters:
            bodies = Organisation.objects.filter(partner_places__partnership=partnership).order_by("name")
            for name in self.body_filters:
                self.filters[name].queryset = bodies
