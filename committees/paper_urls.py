"""Signed-in URLs for meeting papers and calendars, included by committees/urls.py
(so their names are in the "committees" namespace)."""

from django.urls import path

from committees import paper_views

urlpatterns = [
    path(
        "meetings/<int:pk>/papers/<slug:kind>/",
        paper_views.PaperStatusView.as_view(),
        name="paper_status",
    ),
    path(
        "meetings/<int:pk>/papers/<slug:kind>/build/",
        paper_views.PaperBuildView.as_view(),
        name="paper_build",
    ),
    path(
        "meetings/<int:pk>/papers/<slug:kind>/download/",
        paper_views.PaperDownloadView.as_view(),
        name="paper_download",
    ),
    path("<int:pk>/calendar.ics", paper_views.CommitteeCalendarView.as_view(), name="committee_calendar"),
    path("my-calendar/", paper_views.PersonalCalendarView.as_view(), name="personal_calendar"),
]
