from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from partnership import sessions, views

partnership_patterns = [
    path("", views.PartnershipDetailView.as_view(), name="partnership_detail"),
    path("history/", views.PartnershipHistoryView.as_view(), name="partnership_history"),
    path("edit/", views.PartnershipEditView.as_view(), name="partnership_edit"),
    path("agreements/", include("agreements.urls")),
    path("finance/", include("finance.urls")),
    path("staffing/", include("staffing.urls")),
    path("committees/", include("committees.urls")),
]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/session/", sessions.session_status, name="session_status"),
    path("accounts/session/extend/", sessions.extend_session, name="session_extend"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("reminders/", views.ReminderListView.as_view(), name="reminder_list"),
    path("attention/<slug:group>/", views.AttentionView.as_view(), name="attention"),
    path("bodies/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("bodies/<int:pk>/edit/", views.OrganisationEditView.as_view(), name="organisation_edit"),
    path(
        "bodies/<int:pk>/history/",
        views.OrganisationHistoryView.as_view(),
        name="organisation_history",
    ),
    path("bodies/<int:pk>/members/add/", views.MembershipAddView.as_view(), name="membership_add"),
    path(
        "bodies/<int:pk>/members/<int:membership>/remove/",
        views.MembershipRemoveView.as_view(),
        name="membership_remove",
    ),
    path("reorganisations/", views.ReorganisationListView.as_view(), name="reorganisation_list"),
    path("reorganisations/new/", views.ReorganisationCreateView.as_view(), name="reorganisation_add"),
    path("reorganisations/<int:pk>/", views.ReorganisationDetailView.as_view(), name="reorganisation_detail"),
    path("p/<slug:partnership>/audit/", include("partnership.audit_urls")),
    path("p/<slug:partnership>/", include(partnership_patterns)),
    path("public/", include("committees.public_urls")),
    path("search/", include("search.urls")),
]
