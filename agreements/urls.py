from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.AgreementListView.as_view(), name="list"),
    path("add/", views.AgreementEditView.as_view(), name="add"),
    path("choices/", views.AgreementChoicesView.as_view(), name="choices"),
    path("<int:pk>/", views.AgreementDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.AgreementEditView.as_view(), name="edit"),
    path("<int:pk>/history/", views.AgreementHistoryView.as_view(), name="history"),
    path("<int:pk>/pdf/", views.AgreementPdfView.as_view(), name="pdf"),
    path("<int:pk>/status/", views.StatusView.as_view(), name="status"),
    path(
        "<int:pk>/terminate/",
        views.EndAgreementView.as_view(ending=views.AgreementStatus.TERMINATED),
        name="terminate",
    ),
    path(
        "<int:pk>/expire/",
        views.EndAgreementView.as_view(ending=views.AgreementStatus.EXPIRED),
        name="expire",
    ),
    path("<int:pk>/ending/withdraw/", views.WithdrawEndingView.as_view(), name="ending_withdraw"),
    path("<int:pk>/parties/add/", views.PartyAddView.as_view(), name="party_add"),
    path(
        "<int:pk>/parties/<int:party>/remove/",
        views.PartyRemoveView.as_view(),
        name="party_remove",
    ),
    path(
        "<int:pk>/parties/<int:party>/role/",
        views.PartyRoleView.as_view(),
        name="party_role",
    ),
    path("<int:pk>/parties/<int:party>/sign/", views.SignView.as_view(), name="sign"),
    path("<int:agreement>/payments/add/", views.PaymentEditView.as_view(), name="payment_add"),
    path("<int:agreement>/payments/<int:pk>/edit/", views.PaymentEditView.as_view(), name="payment_edit"),
    path("<int:pk>/payments/<int:payment>/remove/", views.PaymentRemoveView.as_view(), name="payment_remove"),
    path("<int:agreement>/schedules/add/", views.ScheduleEditView.as_view(), name="schedule_add"),
    path(
        "<int:agreement>/schedules/<int:pk>/edit/",
        views.ScheduleEditView.as_view(),
        name="schedule_edit",
    ),
    path("<int:agreement>/variations/add/", views.VariationEditView.as_view(), name="variation_add"),
    path(
        "<int:agreement>/variations/<int:pk>/edit/",
        views.VariationEditView.as_view(),
        name="variation_edit",
    ),
    path(
        "<int:agreement>/variations/<int:pk>/submit/",
        views.VariationSubmitView.as_view(),
        name="variation_submit",
    ),
    path(
        "<int:agreement>/variations/<int:pk>/withdraw/",
        views.VariationWithdrawView.as_view(),
        name="variation_withdraw",
    ),
    path(
        "<int:agreement>/approvals/<int:pk>/approve/",
        views.ApproveVariationView.as_view(),
        name="variation_approve",
    ),
    path("<int:agreement>/reviews/add/", views.ReviewEditView.as_view(), name="review_add"),
    path(
        "<int:agreement>/reviews/<int:pk>/edit/",
        views.ReviewEditView.as_view(),
        name="review_edit",
    ),
]
