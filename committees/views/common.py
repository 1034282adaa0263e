"""What the committee views share: URLs, a parent record loaded like any other, POST-only buttons."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from partnership import generic, permissions


def url(name, partnership, **kwargs):
    return reverse(f"committees:{name}", kwargs={"partnership": partnership.slug, **kwargs})


#: On a committee's page: the next meetings shown, and past ones a page.
UPCOMING_SHOWN = 12
PAST_PER_PAGE = 10


def meetings_in_time(meetings, past_page):
    """A committee's next meetings (the first few, and how many) and its past ones a page at a
    time, newest first: a committee that has met for twenty years still has a short page."""
    now = timezone.now()
    coming = meetings.filter(starts_at__gte=now).order_by("starts_at")
    past = meetings.filter(starts_at__lt=now).order_by("-starts_at")
    return {
        "upcoming": list(coming[:UPCOMING_SHOWN]),
        "upcoming_count": coming.count(),
        "past_meetings": Paginator(past, PAST_PER_PAGE).get_page(past_page),
    }


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
