"""Public pages, without login, for committees that meet in public (mounted at /public/)."""

from django.urls import path

from committees.views import public

app_name = "public"

urlpatterns = [
    path("", public.CommitteeListView.as_view(), name="index"),
    path("committees/<int:pk>/", public.CommitteeView.as_view(), name="committee"),
    path(
        "committees/<int:pk>/calendar.ics",
        public.CommitteeCalendarView.as_view(),
        name="committee_calendar",
    ),
    path("meetings/<int:pk>/", public.MeetingView.as_view(), name="meeting"),
    path("meetings/<int:pk>/agenda-pack.pdf", public.PackView.as_view(), name="pack"),
    path("meetings/<int:pk>/minutes.pdf", public.MinutesView.as_view(), name="minutes"),
    path("decisions/<int:pk>/notice.pdf", public.DecisionNoticeView.as_view(), name="decision_notice"),
    path("forward-plan/<slug:partnership>/", public.ForwardPlanView.as_view(), name="forward_plan"),
    path(
        "forward-plan/<slug:partnership>/<int:pk>/",
        public.ForwardPlanEntryView.as_view(),
        name="forward_plan_entry",
    ),
    path("interests/<slug:partnership>/", public.RegisterOfInterestsView.as_view(), name="interests"),
    path(
        "forward-plan/<slug:partnership>/plan.csv",
        public.ForwardPlanCsvView.as_view(),
        name="forward_plan_csv",
    ),
    path(
        "forward-plan/<slug:partnership>/plan.pdf",
        public.ForwardPlanPdfView.as_view(),
        name="forward_plan_pdf",
    ),
    path("forward-plan/<slug:partnership>/feed.rss", public.ForwardPlanFeed(), name="forward_plan_feed"),
    path("committees/<int:pk>/alerts/", public.AlertsSubscribeView.as_view(), name="committee_alerts"),
    path(
        "forward-plan/<slug:partnership>/alerts/",
        public.AlertsSubscribeView.as_view(),
        name="forward_plan_alerts",
    ),
    path("alerts/confirm/<str:token>/", public.AlertsConfirmView.as_view(), name="alerts_confirm"),
    path("alerts/stop/<str:token>/", public.AlertsUnsubscribeView.as_view(), name="alerts_unsubscribe"),
    path(
        "calendar/<int:user_id>/<str:token>.ics",
        public.PersonCalendarView.as_view(),
        name="person_calendar",
    ),
]
