from django.contrib import admin

from agreements.models import (
    Agreement,
    AgreementParty,
    Review,
    Schedule,
    Variation,
    VariationApproval,
)
from partnership.admin import HistoryAdmin


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["signed_by", "signatory_name", "signed_on", "relied_on"]


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0
    fields = ["number", "title", "status"]


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ["due", "status", "completed_on", "outcome", "meeting"]


@admin.register(Agreement)
class AgreementAdmin(HistoryAdmin):
    list_display = ["reference", "title", "partnership", "kind", "status", "next_review_date"]
    list_filter = ["partnership", "kind", "status"]
    search_fields = ["reference", "title"]
    autocomplete_fields = ["host_body", "parent"]
    inlines = [AgreementPartyInline, ScheduleInline, ReviewInline]


@admin.register(AgreementParty)
class AgreementPartyAdmin(HistoryAdmin):
    list_display = ["agreement", "organisation", "role", "signatory_name", "signed_on"]
    list_filter = ["role"]
    search_fields = ["agreement__reference", "organisation__name"]


@admin.register(Schedule)
class ScheduleAdmin(HistoryAdmin):
    list_display = ["agreement", "number", "title", "status"]
    list_filter = ["status"]
    search_fields = ["agreement__reference", "title"]


class VariationApprovalInline(admin.TabularInline):
    model = VariationApproval
    extra = 0
    readonly_fields = ["approved_by", "approver_name", "approved_on", "relied_on"]


@admin.register(Variation)
class VariationAdmin(HistoryAdmin):
    list_display = ["agreement", "number", "title", "effective_date", "status"]
    list_filter = ["status"]
    search_fields = ["agreement__reference", "title"]
    inlines = [VariationApprovalInline]


@admin.register(Review)
class ReviewAdmin(HistoryAdmin):
    list_display = ["agreement", "due", "status", "completed_on", "outcome"]
    list_filter = ["status", "outcome"]
    search_fields = ["agreement__reference"]
