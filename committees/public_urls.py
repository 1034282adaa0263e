"""Public pages, without login, for committees that meet in public (mounted at /public/)."""

from django.urls import path

from committees import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.CommitteeListView.as_view(), name="index"),
    path("committees/<int:pk>/", public_views.CommitteeView.as_view(), name="committee"),
    path(
        "committees/<int:pk>/calendar.ics",
        public_views.CommitteeCalendarView.as_view(),
        name="committee_calendar",
    ),
    path("meetings/<int:pk>/", public_views.MeetingView.as_view(), name="meeting"),
    path("meetings/<int:pk>/agenda-pack.pdf", public_views.PackView.as_view(), name="pack"),
    path("meetings/<int:pk>/minutes.pdf", public_views.MinutesView.as_view(), name="minutes"),
    path("decisions/<int:pk>/notice.pdf", public_views.DecisionNoticeView.as_view(), name="decision_notice"),
    path(
        "calendar/<int:user_id>/<str:token>.ics",
        public_views.PersonCalendarView.as_view(),
        name="person_calendar",
    ),
]
