from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from search import queries
from search.choices import DocumentKind
from search.documents import keeps_vector
from search.forms import SearchForm


class SearchView(LoginRequiredMixin, TemplateView):
    """Search the records the person may read; with no words, a page saying what can be found."""

    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET)
        page_number = self.request.GET.get("page")
        results = text = kind = None
        if form.is_valid() and form.cleaned_data["q"].strip():
            text, kind = form.cleaned_data["q"].strip(), form.cleaned_data["kind"]
            results = queries.search(self.request.user, text, kind, page_number)
        context.update(
            form=form,
            text=text,
            kind=kind,
            results=results,
            page_obj=results.page if results else None,
            longest=queries.LONGEST_QUERY,
            full_text=keeps_vector(),
            kinds=[
                (value, label, results.counts.get(value, 0) if results else 0)
                for value, label in DocumentKind.choices
            ],
        )
        return context
