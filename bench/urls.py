"""The app's URLs and the benchmark's two reference pages, against which every page's time is
read: a bare page of the same app listing 50 agreements in one query, and the same 50 in the
app's own layout (its header, navigation and footer, as every page has them)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.utils.html import escape

from agreements.models import Agreement
from partnership.urls import urlpatterns as app_urlpatterns


def rows():
    return Agreement.objects.order_by("pk").values_list("reference", "title")[:50]


def reference(request):
    items = "".join(f"<li>{escape(reference)} — {escape(title)}</li>" for reference, title in rows())
    return HttpResponse(f"<!DOCTYPE html><html lang='en-GB'><title>Reference</title><ul>{items}</ul></html>")


LAYOUT = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1 class="govuk-heading-l">Reference</h1>'
    '<table class="govuk-table"><tbody class="govuk-table__body">{% for reference, title in rows %}'
    '<tr class="govuk-table__row"><td class="govuk-table__cell">{{ reference }}</td>'
    '<td class="govuk-table__cell">{{ title }}</td></tr>{% endfor %}</tbody></table>{% endblock %}'
)


def layout_reference(request):
    return HttpResponse(LAYOUT.render({"rows": rows()}, request))


urlpatterns = [
    path("bench/reference/", reference),
    path("bench/layout-reference/", layout_reference),
    *app_urlpatterns,
]
