from django.urls import include, path

from committees import views

app_name = "committees"

urlpatterns = [
    path("", views.CommitteeListView.as_view(), name="committee_list"),
    path("add/", views.CommitteeEditView.as_view(), name="committee_add"),
    path("<int:pk>/", views.CommitteeDetailView.as_view(), name="committee_detail"),
    path("<int:pk>/edit/", views.CommitteeEditView.as_view(), name="committee_edit"),
    path("<int:pk>/history/", views.CommitteeHistoryView.as_view(), name="committee_history"),
    path("<int:committee>/members/add/", views.MemberEditView.as_view(), name="member_add"),
    path("members/<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("members/<int:pk>/delete/", views.MemberDeleteView.as_view(), name="member_delete"),
    path("<int:committee>/quorum/add/", views.QuorumRuleEditView.as_view(), name="quorum_rule_add"),
    path("quorum/<int:pk>/edit/", views.QuorumRuleEditView.as_view(), name="quorum_rule_edit"),
    path("quorum/<int:pk>/delete/", views.QuorumRuleDeleteView.as_view(), name="quorum_rule_delete"),
    path(
        "<int:committee>/meetings/generate/",
        views.GenerateMeetingsView.as_view(),
        name="meetings_generate",
    ),
    path("<int:committee>/meetings/add/", views.MeetingEditView.as_view(), name="meeting_add"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/history/", views.MeetingHistoryView.as_view(), name="meeting_history"),
    path(
        "meetings/<int:meeting>/publish/",
        views.PublishAgendaView.as_view(),
        name="meeting_publish",
    ),
    path("meetings/<int:meeting>/move/", views.MeetingMoveView.as_view(), name="meeting_move"),
    path("meetings/<int:meeting>/items/add/", views.AgendaItemEditView.as_view(), name="item_add"),
    path("items/<int:pk>/edit/", views.AgendaItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/move/", views.AgendaItemMoveView.as_view(), name="item_move"),
    path("items/<int:pk>/delete/", views.AgendaItemDeleteView.as_view(), name="item_delete"),
    path("items/<int:pk>/minute/", views.MinuteEditView.as_view(), name="minute_edit"),
    path(
        "meetings/<int:meeting>/attendance/",
        views.AttendanceView.as_view(),
        name="attendance",
    ),
    path(
        "meetings/<int:meeting>/declarations/add/",
        views.DeclarationEditView.as_view(),
        name="declaration_add",
    ),
    path(
        "declarations/<int:pk>/delete/",
        views.DeclarationDeleteView.as_view(),
        name="declaration_delete",
    ),
    path(
        "meetings/<int:meeting>/decisions/add/",
        views.DecisionCreateView.as_view(),
        name="decision_add",
    ),
    path("bindings/<int:pk>/ratify/", views.RatifyView.as_view(), name="binding_ratify"),
    path("meetings/<int:meeting>/actions/add/", views.ActionEditView.as_view(), name="action_add"),
    path("actions/", views.ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="action_edit"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/add/", views.ReportEditView.as_view(), name="report_add"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report_edit"),
    path("reports/<int:pk>/history/", views.ReportHistoryView.as_view(), name="report_history"),
    path("reports/<int:report>/costs/add/", views.CostLineAddView.as_view(), name="cost_line_add"),
    path("costs/<int:pk>/delete/", views.CostLineDeleteView.as_view(), name="cost_line_delete"),
    path(
        "reports/<int:report>/appendices/add/",
        views.AppendixAddView.as_view(),
        name="appendix_add",
    ),
    path("appendices/<int:pk>/", views.AppendixDownloadView.as_view(), name="appendix_download"),
    path(
        "appendices/<int:pk>/delete/",
        views.AppendixDeleteView.as_view(),
        name="appendix_delete",
    ),
    path("delegations/", views.DelegationListView.as_view(), name="delegation_list"),
    path("delegations/add/", views.DelegationEditView.as_view(), name="delegation_add"),
    path("delegations/<int:pk>/", views.DelegationDetailView.as_view(), name="delegation_detail"),
    path("delegations/<int:pk>/edit/", views.DelegationEditView.as_view(), name="delegation_edit"),
    path(
        "delegations/<int:pk>/delete/",
        views.DelegationDeleteView.as_view(),
        name="delegation_delete",
    ),
    path(
        "delegations/<int:pk>/history/",
        views.DelegationHistoryView.as_view(),
        name="delegation_history",
    ),
    # Meeting papers (PDF packs, progress, downloads) and calendar feeds: committees/paper_urls.py.
    path("", include("committees.paper_urls")),
]
