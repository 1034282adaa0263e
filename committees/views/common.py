"""What the committee views share: URLs, a parent record loaded like any other, POST-only buttons."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from partnership import generic, permissions


def url(name, partnership, **kwargs):
    return reverse(f"committees:{name}", kwargs={"partnership": partnership.slug, **kwargs})


class ParentMixin:
    """Loads a parent record named by ``parent_kwarg`` in the URL, restricted like any other."""

    parent_model = None
    parent_kwarg = None

    @cached_property
    def parent(self):
        queryset = permissions.restrict(self.parent_model._default_manager.all(), self.request.user)
        path = self.parent_model.partnership_path
        queryset = queryset.filter(**{path: self.partnership})
        return get_object_or_404(queryset, pk=self.kwargs[self.parent_kwarg])


class PostActionView(generic.PartnershipMixin, TemplateView):
    """A button's POST: check, call a service, redirect with a message. GET is not allowed."""

    http_method_names = ["post"]
