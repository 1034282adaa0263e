from django.urls import path

from finance import views

app_name = "finance"

urlpatterns = [
    path("", views.BudgetListView.as_view(), name="budget_list"),
    path("budgets/add/", views.BudgetEditView.as_view(), name="budget_add"),
    path("budgets/<int:pk>/", views.BudgetDetailView.as_view(), name="budget_detail"),
    path("budgets/<int:pk>/edit/", views.BudgetEditView.as_view(), name="budget_edit"),
    path("budgets/<int:pk>/history/", views.BudgetHistoryView.as_view(), name="budget_history"),
    path("budgets/<int:budget>/export.xlsx", views.BudgetExportView.as_view(), name="budget_xlsx"),
    path(
        "budgets/<int:budget>/contributions/add/",
        views.ContributionEditView.as_view(),
        name="contribution_add",
    ),
    path("contributions/<int:pk>/edit/", views.ContributionEditView.as_view(), name="contribution_edit"),
    path("contributions/<int:pk>/agree/", views.ContributionAgreeView.as_view(), name="contribution_agree"),
    path("budgets/<int:budget>/lines/add/", views.LineEditView.as_view(), name="line_add"),
    path("lines/<int:pk>/edit/", views.LineEditView.as_view(), name="line_edit"),
    path("lines/<int:line>/plans/add/", views.LinePlanEditView.as_view(), name="plan_add"),
    path("plans/<int:pk>/edit/", views.LinePlanEditView.as_view(), name="plan_edit"),
    path("lines/<int:line>/monitoring/add/", views.MonitoringEditView.as_view(), name="monitoring_add"),
    path("monitoring/<int:pk>/edit/", views.MonitoringEditView.as_view(), name="monitoring_edit"),
    path(
        "budgets/<int:budget>/monitoring/upload/",
        views.MonitoringUploadView.as_view(),
        name="monitoring_upload",
    ),
    path(
        "budgets/<int:budget>/monitoring/template/",
        views.MonitoringTemplateView.as_view(),
        name="monitoring_template",
    ),
    path("budgets/<int:budget>/years/<int:year>/close/", views.YearEndView.as_view(), name="year_close"),
    path("budgets/<int:budget>/years/<int:year>/reopen/", views.YearReopenView.as_view(), name="year_reopen"),
    path(
        "budgets/<int:budget>/years/<int:year>/q<int:quarter>/<int:organisation>.pdf",
        views.BudgetReportView.as_view(),
        name="quarterly_report",
    ),
    path(
        "budgets/<int:budget>/years/<int:year>/statement/<int:organisation>.pdf",
        views.BudgetReportView.as_view(annual=True),
        name="annual_statement",
    ),
    path("transfers/", views.TransferListView.as_view(), name="transfer_list"),
    path("transfers/add/", views.TransferEditView.as_view(), name="transfer_add"),
    path("transfers/<int:pk>/edit/", views.TransferEditView.as_view(), name="transfer_edit"),
]
