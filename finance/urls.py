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
        "budgets/<int:budget>/years/<int:year>/accounts/",
        views.FundAccountsView.as_view(),
        name="fund_accounts",
    ),
    path(
        "budgets/<int:budget>/years/<int:year>/host-figures/",
        views.FundYearEditView.as_view(),
        name="fund_year_edit",
    ),
    path(
        "contributions/<int:contribution>/instalments/add/",
        views.InstalmentEditView.as_view(),
        name="instalment_add",
    ),
    path("instalments/<int:pk>/edit/", views.InstalmentEditView.as_view(), name="instalment_edit"),
    path("instalments/<int:pk>/remove/", views.InstalmentRemoveView.as_view(), name="instalment_remove"),
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
    path(
        "budgets/<int:budget>/years/<int:year>/reports/",
        views.StatutoryReportsView.as_view(),
        name="statutory_reports",
    ),
    path(
        "budgets/<int:budget>/years/<int:year>/reports/<str:kind>/<int:period>/issue/",
        views.StatutoryReportIssueView.as_view(),
        name="statutory_report_issue",
    ),
    path(
        "statutory-reports/<int:pk>.<str:format>",
        views.StatutoryReportFileView.as_view(),
        name="statutory_report_file",
    ),
    path(
        "budgets/<int:budget>/report-recipients/<int:organisation>/",
        views.ReportRecipientView.as_view(),
        name="report_recipient",
    ),
    path("budgets/<int:budget>/exit/", views.FundExitView.as_view(), name="fund_exit"),
    path("budgets/<int:budget>/exit/plan/", views.FundExitEditView.as_view(), name="fund_exit_plan"),
    path("budgets/<int:budget>/exit/close/", views.FundClosingView.as_view(), name="fund_close"),
    path(
        "budgets/<int:budget>/exit/payments/add/",
        views.ExitPaymentEditView.as_view(),
        name="exit_payment_add",
    ),
    path(
        "budgets/<int:budget>/exit/payments/<int:pk>/edit/",
        views.ExitPaymentEditView.as_view(),
        name="exit_payment_edit",
    ),
    path(
        "budgets/<int:budget>/exit/liabilities/add/",
        views.ResidualLiabilityEditView.as_view(),
        name="liability_add",
    ),
    path(
        "budgets/<int:budget>/exit/liabilities/<int:pk>/edit/",
        views.ResidualLiabilityEditView.as_view(),
        name="liability_edit",
    ),
    path(
        "budgets/<int:budget>/exit/returns/add/", views.ExitReturnEditView.as_view(), name="exit_return_add"
    ),
    path(
        "budgets/<int:budget>/exit/returns/<int:pk>/edit/",
        views.ExitReturnEditView.as_view(),
        name="exit_return_edit",
    ),
    path("budgets/<int:budget>/ledger/upload/", views.LedgerUploadView.as_view(), name="ledger_upload"),
    path(
        "budgets/<int:budget>/ledger/template.csv", views.LedgerTemplateView.as_view(), name="ledger_template"
    ),
    path("transfers/", views.TransferListView.as_view(), name="transfer_list"),
    path("transfers/add/", views.TransferEditView.as_view(), name="transfer_add"),
    path("transfers/<int:pk>/", views.TransferDetailView.as_view(), name="transfer_detail"),
    path("transfers/<int:pk>/history/", views.TransferHistoryView.as_view(), name="transfer_history"),
    path("transfers/<int:pk>/edit/", views.TransferEditView.as_view(), name="transfer_edit"),
]
