"""Prints, as JSON, the addresses the production check visits in the demo data.

Run inside the production environment (``python -m tests.production.discover``
beside manage.py), so the addresses are the deployed site's own.
"""

import json
import os


def addresses():
    from django.urls import reverse
    from django.utils import timezone

    from agreements.models import Agreement
    from committees.models import (
        Committee,
        Decision,
        Delegation,
        Meeting,
        PlannedDecision,
        RegisteredInterest,
        Report,
    )
    from committees.papers.kinds import MEMBERS_PACK
    from finance.models import Budget, FundExit, StatutoryReport, Transfer
    from partnership.models import AuditEntry, Partnership, Reorganisation
    from staffing.models import Post

    partnership = Partnership.objects.get(slug="banes")
    slug = {"partnership": partnership.slug}

    def first(model, **filters):
        return model.objects.filter(**filters).order_by("pk").first()

    agreement = first(Agreement, partnership=partnership)
    pooled_fund = first(Agreement, partnership=partnership, budgets__isnull=False)
    transfer = first(Transfer, agreement__partnership=partnership)
    budget = first(Budget, partnership=partnership, lines__monitoring__isnull=False)
    post = first(Post, partnership=partnership)
    committee = first(Committee, partnership=partnership, meets_in_public=True)
    meeting = first(Meeting, committee=committee, decisions__isnull=False, minutes_approved_on__isnull=False)
    decision = first(Decision, meeting=meeting)
    report = first(Report, partnership=partnership)
    delegation = first(Delegation, partnership=partnership)
    body = partnership.partners.order_by("pk").first().organisation
    as_of = {**slug, "app_label": "agreements", "model": "agreement", "pk": agreement.pk}
    paper = {**slug, "pk": meeting.pk, "kind": MEMBERS_PACK}
    today = timezone.localdate()
    # The BSW CCG's passing to the BSW ICB, read by the ICB's secretary (the demo's B&NES CCG login).
    reorganisation = (
        Reorganisation.objects.filter(bodies__organisation__partner_places__partnership=partnership)
        .order_by("-takes_effect", "pk")
        .first()
    )
    return {
        "pages": {
            "home": reverse("home"),
            "reminders": reverse("reminder_list"),
            "partnership": reverse("partnership_detail", kwargs=slug),
            "partnership history": reverse("partnership_history", kwargs=slug),
            "body": reverse("organisation_detail", args=[body.pk]),
            "agreements": reverse("agreements:list", kwargs=slug),
            "agreement": reverse("agreements:detail", kwargs={**slug, "pk": agreement.pk}),
            "agreement history": reverse("agreements:history", kwargs={**slug, "pk": agreement.pk}),
            "budgets": reverse("finance:budget_list", kwargs=slug),
            "budget": reverse("finance:budget_detail", kwargs={**slug, "pk": budget.pk}),
            "agreement with the budgets resting on it": reverse(
                "agreements:detail", kwargs={**slug, "pk": pooled_fund.pk}
            ),
            "transfers": reverse("finance:transfer_list", kwargs=slug),
            "transfer": reverse("finance:transfer_detail", kwargs={**slug, "pk": transfer.pk}),
            "memorandum accounts": reverse(
                "finance:fund_accounts", kwargs={**slug, "budget": budget.pk, "year": 2018}
            ),
            "a fund's exit": reverse(
                "finance:fund_exit",
                kwargs={**slug, "budget": first(FundExit, budget__partnership=partnership).budget_id},
            ),
            "a closed fund": reverse(
                "finance:budget_detail",
                kwargs={
                    **slug,
                    "pk": first(FundExit, budget__partnership=partnership, closed_on__isnull=False).budget_id,
                },
            ),
            "statutory reports": reverse(
                "finance:statutory_reports", kwargs={**slug, "budget": budget.pk, "year": 2018}
            ),
            "posts": reverse("staffing:list", kwargs=slug),
            "post": reverse("staffing:detail", kwargs={**slug, "pk": post.pk}),
            "recharges": reverse("staffing:recharges", kwargs=slug),
            "committees": reverse("committees:committee_list", kwargs=slug),
            "committee": reverse("committees:committee_detail", kwargs={**slug, "pk": committee.pk}),
            "meeting": reverse("committees:meeting_detail", kwargs={**slug, "pk": meeting.pk}),
            "running order": reverse(
                "committees:meeting_section", kwargs={**slug, "pk": meeting.pk, "section": "running-order"}
            ),
            "attendance": reverse("committees:committee_attendance", kwargs={**slug, "pk": committee.pk}),
            "forward plan": reverse("committees:planned_decision_list", kwargs=slug),
            "reports": reverse("committees:report_list", kwargs=slug),
            "report": reverse("committees:report_detail", kwargs={**slug, "pk": report.pk}),
            "report clearance": reverse("committees:clearance_settings", kwargs=slug),
            "minutes and amendments": reverse(
                "committees:meeting_section",
                kwargs={**slug, "pk": meeting.pk, "section": "minutes-and-decisions"},
            ),
            "register of interests": reverse("committees:interest_list", kwargs=slug),
            "register entry": reverse(
                "committees:interest_detail",
                kwargs={**slug, "pk": first(RegisteredInterest, partnership=partnership).pk},
            ),
            "actions": reverse("committees:action_list", kwargs=slug),
            "delegations": reverse("committees:delegation_list", kwargs=slug),
            "delegation": reverse("committees:delegation_detail", kwargs={**slug, "pk": delegation.pk}),
            "reorganisations": reverse("reorganisation_list"),
        },
        "council_officer_pages": {
            "add an agreement (the parent picker's scripts)": reverse("agreements:add", kwargs=slug),
        },
        "finance_pages": {
            "upload a month's monitoring": reverse(
                "finance:monitoring_upload", kwargs={**slug, "budget": budget.pk}
            ),
        },
        "nhs_pages": {
            "reorganisation": reverse("reorganisation_detail", args=[reorganisation.pk]),
        },
        "auditor_pages": {
            "audit log": reverse("audit:log", kwargs=slug),
            "as it stood on": reverse("audit:as_of", kwargs=as_of),
            "audit entry": reverse(
                "audit:entry",
                kwargs={**slug, "pk": AuditEntry.objects.for_partnership(partnership).order_by("-pk")[0].pk},
            ),
        },
        "admin_pages": {
            "site administration": reverse("admin:index"),
            "a register in the admin": reverse("admin:partnership_organisation_changelist"),
        },
        "public_pages": {
            "public committees": reverse("public:index"),
            "public committee": reverse("public:committee", args=[committee.pk]),
            "public meeting": reverse("public:meeting", args=[meeting.pk]),
            "public forward plan": reverse("public:forward_plan", args=[partnership.slug]),
            "an entry of the public forward plan": first(
                PlannedDecision,
                committee__meets_in_public=True,
                partnership=partnership,
                published_on__lte=today,
                decision_due__gte=today,
            ).public_url,
            "public register of interests": reverse("public:interests", args=[partnership.slug]),
            "e-mail alerts": reverse("public:committee_alerts", args=[committee.pk]),
        },
        "pdfs": {
            "agreement": reverse("agreements:pdf", kwargs={**slug, "pk": agreement.pk}),
            "public agenda pack": reverse("public:pack", args=[meeting.pk]),
            "minutes": reverse("public:minutes", args=[meeting.pk]),
            "decision notice": reverse("public:decision_notice", args=[decision.pk]),
            "forward plan": reverse("public:forward_plan_pdf", args=[partnership.slug]),
        },
        "auditor_pdfs": {
            "as it stood on": f"{reverse('audit:as_of_pdf', kwargs=as_of)}?date={today:%Y-%m-%d}",
            "statutory report as issued": reverse(
                "finance:statutory_report_file",
                kwargs={
                    **slug,
                    "pk": first(StatutoryReport, budget__partnership=partnership).pk,
                    "format": "pdf",
                },
            ),
        },
        "members_pack": {
            "page": reverse("committees:meeting_detail", kwargs={**slug, "pk": meeting.pk}),
            "build": reverse("committees:paper_build", kwargs=paper),
            "download": reverse("committees:paper_download", kwargs=paper),
        },
    }


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    django.setup()
    print(json.dumps(addresses()))
