from django import forms

from partnership.forms import limit_input
from search.choices import DocumentKind
from search.queries import LONGEST_QUERY


class SearchForm(forms.Form):
    """The words to look for (at most LONGEST_QUERY characters) and, if chosen, one kind of record."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=LONGEST_QUERY,
        error_messages={"max_length": f"Search for at most {LONGEST_QUERY} characters."},
    )
    kind = forms.CharField(label="Kind of record", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_input(self)

    def clean_kind(self):
        """One of DocumentKind, or everything (an unknown kind, from an old link, searches all)."""
        kind = self.cleaned_data["kind"]
        return kind if kind in DocumentKind.values else ""
