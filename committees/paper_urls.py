"""Signed-in URLs for meeting papers and calendars, included by committees/urls.py
(so their names are in the "committees" namespace)."""

from django.urls import path

from committees.views import papers

urlpatterns = [
    path(
        "meetings/<int:pk>/papers/<slug:kind>/",
        papers.PaperStatusView.as_view(),
        name="paper_status",
    ),
    path(
        "meetings/<int:pk>/papers/<slug:kind>/build/",
        papers.PaperBuildView.as_view(),
        name="paper_build",
    ),
    path(
        "meetings/<int:pk>/papers/<slug:kind>/download/",
        papers.PaperDownloadView.as_view(),
        name="paper_download",
    ),
    path("<int:pk>/calendar.ics", papers.CommitteeCalendarView.as_view(), name="committee_calendar"),
    path("my-calendar/", papers.PersonalCalendarView.as_view(), name="personal_calendar"),
]
