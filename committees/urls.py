from django.urls import include, path, re_path

from committees.views import business, constitution, delegations, forward_plan, meetings, reports

app_name = "committees"

urlpatterns = [
    path("", constitution.CommitteeListView.as_view(), name="committee_list"),
    path("add/", constitution.CommitteeEditView.as_view(), name="committee_add"),
    path("<int:pk>/", constitution.CommitteeDetailView.as_view(), name="committee_detail"),
    path("<int:pk>/edit/", constitution.CommitteeEditView.as_view(), name="committee_edit"),
    path("<int:pk>/history/", constitution.CommitteeHistoryView.as_view(), name="committee_history"),
    path("<int:pk>/attendance/", constitution.CommitteeAttendanceView.as_view(), name="committee_attendance"),
    path("<int:committee>/members/add/", constitution.MemberEditView.as_view(), name="member_add"),
    path("members/<int:pk>/edit/", constitution.MemberEditView.as_view(), name="member_edit"),
    path("members/<int:pk>/delete/", constitution.MemberDeleteView.as_view(), name="member_delete"),
    path("<int:committee>/quorum/add/", constitution.QuorumRuleEditView.as_view(), name="quorum_rule_add"),
    path("quorum/<int:pk>/edit/", constitution.QuorumRuleEditView.as_view(), name="quorum_rule_edit"),
    path("quorum/<int:pk>/delete/", constitution.QuorumRuleDeleteView.as_view(), name="quorum_rule_delete"),
    path(
        "<int:committee>/meetings/generate/",
        meetings.GenerateMeetingsView.as_view(),
        name="meetings_generate",
    ),
    path("<int:committee>/meetings/add/", meetings.MeetingEditView.as_view(), name="meeting_add"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    re_path(
        r"^meetings/(?P<pk>[0-9]+)/(?P<section>agenda|running-order|attendance-and-quorum|minutes-and-decisions|papers)/$",
        meetings.MeetingDetailView.as_view(),
        name="meeting_section",
    ),
    path("meetings/<int:pk>/edit/", meetings.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/history/", meetings.MeetingHistoryView.as_view(), name="meeting_history"),
    path(
        "meetings/<int:meeting>/publish/",
        meetings.PublishAgendaView.as_view(),
        name="meeting_publish",
    ),
    path(
        "meetings/<int:meeting>/publish-supplementary-agenda/",
        meetings.PublishSupplementaryAgendaView.as_view(),
        name="meeting_publish_supplement",
    ),
    path("meetings/<int:meeting>/move/", meetings.MeetingMoveView.as_view(), name="meeting_move"),
    path(
        "meetings/<int:meeting>/plan-like/", meetings.MeetingPlanLikeView.as_view(), name="meeting_plan_like"
    ),
    path("meetings/<int:meeting>/cancel/", meetings.MeetingCancelView.as_view(), name="meeting_cancel"),
    path(
        "meetings/<int:meeting>/approve-minutes/",
        meetings.MinutesApproveView.as_view(),
        name="meeting_approve_minutes",
    ),
    path("meetings/<int:meeting>/items/add/", business.AgendaItemEditView.as_view(), name="item_add"),
    path("items/<int:pk>/edit/", business.AgendaItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/move/", business.AgendaItemMoveView.as_view(), name="item_move"),
    path("items/<int:pk>/delete/", business.AgendaItemDeleteView.as_view(), name="item_delete"),
    path("items/<int:pk>/minute/", business.MinuteEditView.as_view(), name="minute_edit"),
    path(
        "meetings/<int:meeting>/attendance/",
        business.AttendanceView.as_view(),
        name="attendance",
    ),
    path(
        "meetings/<int:meeting>/declarations/add/",
        business.DeclarationEditView.as_view(),
        name="declaration_add",
    ),
    path(
        "declarations/<int:pk>/delete/",
        business.DeclarationDeleteView.as_view(),
        name="declaration_delete",
    ),
    path(
        "meetings/<int:meeting>/decisions/add/",
        business.DecisionCreateView.as_view(),
        name="decision_add",
    ),
    path("bindings/<int:pk>/ratify/", business.RatifyView.as_view(), name="binding_ratify"),
    re_path(
        r"^decisions/(?P<pk>[0-9]+)/(?P<step>publish|call-in|outcome)/$",
        forward_plan.DecisionCallInView.as_view(),
        name="decision_call_in",
    ),
    path("forward-plan/", forward_plan.PlannedDecisionListView.as_view(), name="planned_decision_list"),
    path("forward-plan/add/", forward_plan.PlannedDecisionEditView.as_view(), name="planned_decision_add"),
    path(
        "forward-plan/<int:pk>/",
        forward_plan.PlannedDecisionDetailView.as_view(),
        name="planned_decision_detail",
    ),
    path(
        "forward-plan/<int:pk>/edit/",
        forward_plan.PlannedDecisionEditView.as_view(),
        name="planned_decision_edit",
    ),
    path(
        "forward-plan/<int:pk>/history/",
        forward_plan.PlannedDecisionHistoryView.as_view(),
        name="planned_decision_history",
    ),
    path(
        "forward-plan/<int:pk>/publish/",
        forward_plan.PlannedDecisionPublishView.as_view(),
        name="planned_decision_publish",
    ),
    path("meetings/<int:meeting>/actions/add/", business.ActionEditView.as_view(), name="action_add"),
    path("actions/", business.ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/edit/", business.ActionEditView.as_view(), name="action_edit"),
    path("actions/<int:pk>/status/", business.ActionMoveView.as_view(), name="action_move"),
    path("reports/", reports.ReportListView.as_view(), name="report_list"),
    path("reports/add/", reports.ReportEditView.as_view(), name="report_add"),
    path("reports/<int:pk>/", reports.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", reports.ReportEditView.as_view(), name="report_edit"),
    path("reports/<int:pk>/history/", reports.ReportHistoryView.as_view(), name="report_history"),
    path("reports/<int:pk>/status/", reports.ReportMoveView.as_view(), name="report_move"),
    path("reports/<int:report>/costs/add/", reports.CostLineAddView.as_view(), name="cost_line_add"),
    path("costs/<int:pk>/delete/", reports.CostLineDeleteView.as_view(), name="cost_line_delete"),
    path(
        "reports/<int:report>/appendices/add/",
        reports.AppendixAddView.as_view(),
        name="appendix_add",
    ),
    path("appendices/<int:pk>/", reports.AppendixDownloadView.as_view(), name="appendix_download"),
    path(
        "appendices/<int:pk>/delete/",
        reports.AppendixDeleteView.as_view(),
        name="appendix_delete",
    ),
    path("delegations/", delegations.DelegationListView.as_view(), name="delegation_list"),
    path("delegations/add/", delegations.DelegationEditView.as_view(), name="delegation_add"),
    path("delegations/<int:pk>/", delegations.DelegationDetailView.as_view(), name="delegation_detail"),
    path("delegations/<int:pk>/edit/", delegations.DelegationEditView.as_view(), name="delegation_edit"),
    path(
        "delegations/<int:pk>/delete/",
        delegations.DelegationDeleteView.as_view(),
        name="delegation_delete",
    ),
    path(
        "delegations/<int:pk>/history/",
        delegations.DelegationHistoryView.as_view(),
        name="delegation_history",
    ),
    # Meeting papers (PDF packs, progress, downloads) and calendar feeds: committees/paper_urls.py.
    path("", include("committees.paper_urls")),
]
