"""The delegations committees act under."""

from django.core.exceptions import PermissionDenied

from committees.choices import Matter
from committees.filtersets import (
    DelegationFilterSet,
)
from committees.forms import (
    DelegationForm,
)
from committees.models import (
    Delegation,
)
from committees.tables import DelegationTable
from committees.views.common import url
from partnership import generic, permissions


def delegating_bodies(user, partnership):
    if permissions.is_read_only(user):
        return []
    if user.is_superuser:
        from partnership.models import Organisation

        return list(Organisation.objects.filter(partner_places__partnership=partnership))
    return permissions.bodies_acting_for(user, partnership, *Delegation.create_roles)


class DelegationListView(generic.ObjectListView):
    model = Delegation
    table_class = DelegationTable
    filterset_class = DelegationFilterSet
    title = "Delegations"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("from_organisation", "to_committee", "to_user", "to_staff_post__holder")
        )

    def get_create_url(self):
        if delegating_bodies(self.request.user, self.partnership):
            return url("delegation_add", self.partnership)
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_label"] = "Record a delegation"
        return context


class DelegationDetailView(generic.ObjectDetailView):
    model = Delegation
    template_name = "committees/delegation_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("from_organisation", "to_committee", "to_user", "to_staff_post__holder")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history_url"] = url("delegation_history", self.partnership, pk=self.object.pk)
        labels = dict(Matter.choices)
        context["matters"] = [labels.get(matter, matter) for matter in self.object.matters or []]
        context["bindings"] = list(
            permissions.readable(
                self.object.bindings.select_related("decision__meeting__committee"), self.request.user
            )
        )
        return context


class DelegationHistoryView(generic.ObjectHistoryView):
    model = Delegation


class DelegationEditView(generic.ObjectEditView):
    model = Delegation
    form_class = DelegationForm

    def owner_of(self, obj):
        return obj.from_organisation if obj.from_organisation_id else None

    def has_permission(self, obj):
        if permissions.is_read_only(self.request.user):
            return False
        return super().has_permission(obj)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "bodies": delegating_bodies(self.request.user, self.partnership),
        }

    def save_object(self, form, obj):
        obj._acting_organisation = obj.from_organisation
        obj.save()

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return url("delegation_list", self.partnership)


class DelegationDeleteView(generic.ObjectDeleteView):
    model = Delegation

    def get_success_url(self):
        return url("delegation_list", self.partnership)

    def post(self, request, *args, **kwargs):
        if self.object.bindings.exists():
            raise PermissionDenied(
                "Decisions rest on this delegation: end it with a “valid to” date instead."
            )
        return super().post(request, *args, **kwargs)
