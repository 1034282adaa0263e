"""The audit pages of one partnership, under /p/<slug>/audit/ (namespace "audit")."""

from django.urls import path

from partnership import audit_views

app_name = "audit"

urlpatterns = [
    path("", audit_views.AuditLogView.as_view(), name="log"),
    path("entries/<int:pk>/", audit_views.AuditEntryView.as_view(), name="entry"),
    path("checkpoint/", audit_views.AuditCheckpointView.as_view(), name="checkpoint"),
    path(
        "as-of/<str:app_label>/<str:model>/<str:pk>/",
        audit_views.AsOfView.as_view(),
        name="as_of",
    ),
    path(
        "as-of/<str:app_label>/<str:model>/<str:pk>/pdf/",
        audit_views.AsOfPdfView.as_view(),
        name="as_of_pdf",
    ),
]
