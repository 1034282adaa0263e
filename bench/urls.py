"""The app's URLs and the benchmark's reference page: a bare page of the same app listing
50 agreements in one query, against which every page's time is read."""

from django.http import HttpResponse
from django.urls import path
from django.utils.html import escape

from agreements.models import Agreement
from partnership.urls import urlpatterns as app_urlpatterns


def reference(request):
    rows = Agreement.objects.order_by("pk").values_list("reference", "title")[:50]
    items = "".join(f"<li>{escape(reference)} — {escape(title)}</li>" for reference, title in rows)
    return HttpResponse(f"<!DOCTYPE html><html lang='en-GB'><title>Reference</title><ul>{items}</ul></html>")


urlpatterns = [path("bench/reference/", reference), *app_urlpatterns]
