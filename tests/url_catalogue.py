"""Every URL pattern of the project, filled with real ids from one set of records.

For tests that must request every page: the fuzz test (tests/security/test_fuzz.py)
and any leak test that asks each URL as some user. Use it as::

    records = build_records(media_root)          # one of each kind of record
    for route in catalogue():                     # every pattern, admin included
        url = route.url(records)                  # NotCovered if no one knows how to fill it

A pattern is filled from ``FILLERS`` (its full name, namespace included) or,
for the Django admin, from the model its ModelAdmin serves. A pattern that
neither knows raises :class:`NotCovered` naming it, so a newly added URL
pattern fails those tests until it is added here. ``route.urls(records)``
adds the other addresses a pattern takes (``MORE``): "as it stood on" for
every committees record in the set, and every kind of meeting paper; and the
query strings it is also asked with (``QUERIES``: a search for the exempt markers).

:func:`plant_exempt_business` adds exempt (Part 2) business to the records,
with a marker in every text field, and returns record sets in which the
item, report, minute, decision... are the exempt ones (the exempt-leak test,
tests/committees/test_exempt_leaks.py).
"""

import datetime
import importlib
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import factory
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db.models import CharField, FileField, TextField
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from pypdf import PdfWriter

from agreements.choices import AgreementKind, PartyRole
from committees import feeds
from committees.papers import kinds
from partnership import audit
from partnership.choices import OrganisationKind, Role
from partnership.dates import financial_year_start
from partnership.models import AuditEntry, Reminder, Reorganisation, ReorganisationBody, TrackedModel
from tests.agreements.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    AgreementPaymentFactory,
    ReviewFactory,
    ScheduleFactory,
    VariationApprovalFactory,
    VariationFactory,
)
from tests.committees.factories import (
    ActionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    ClearanceReviewerFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    DecisionBindingFactory,
    DecisionFactory,
    DeclarationFactory,
    DelegationFactory,
    MeetingFactory,
    MeetingTemplateFactory,
    MeetingTemplateItemFactory,
    MinuteAmendmentFactory,
    MinuteFactory,
    PlannedDecisionFactory,
    QuorumRuleFactory,
    RegisteredInterestFactory,
    ReportAppendixFactory,
    ReportClearanceFactory,
    ReportCostLineFactory,
    ReportFactory,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.finance.factories import (
    BudgetFactory,
    BudgetLineFactory,
    ContributionFactory,
    CoverCapFactory,
    ExitPaymentFactory,
    ExitReturnFactory,
    FundExitFactory,
    FundYearFactory,
    InstalmentFactory,
    LinePlanFactory,
    MonitoringFactory,
    ReportRecipientFactory,
    ResidualLiabilityFactory,
    RiskShareFactory,
    StatutoryReportFactory,
    TransferFactory,
    YearEndFactory,
    YearEndShareFactory,
)
from tests.partnership.factories import TransferredRecordFactory
from tests.staffing.factories import PostFactory, PostHoldingFactory, PostShareFactory

#: Roles the "body" user holds in the owning body: everything but auditor (auditors read only).
BODY_ROLES = [role for role in Role.values if role != Role.AUDITOR]


class NotCovered(LookupError):
    """A URL pattern the catalogue does not know how to fill."""


def blank_pdf():
    """A real one-page PDF, as an appendix would be uploaded."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def build_records():
    """One of each kind of record in partnership ``ours`` (a council and an ICB), and the people
    to ask for them: ``superuser``, ``body_user`` (every role but auditor in the council) and
    ``auditor`` (the council's auditor). Appendix files go to the default storage: point
    MEDIA_ROOT at a temporary folder first."""
    r = SimpleNamespace()
    r.partnership = PartnershipFactory(name="Catalogue partnership", slug="catalogue")
    r.council = OrganisationFactory(name="Catalogue Council", short_name="CatCouncil")
    r.nhs = OrganisationFactory(name="Catalogue ICB", short_name="CatICB", kind=OrganisationKind.ICB)
    for body in (r.council, r.nhs):
        PartnerFactory(partnership=r.partnership, organisation=body)
    r.superuser = UserFactory(username="catalogue-root", is_superuser=True, is_staff=True)
    r.body_user = UserFactory(username="catalogue-body")
    for role in BODY_ROLES:
        MembershipFactory(user=r.body_user, organisation=r.council, role=role)
    MembershipFactory(user=r.body_user, organisation=r.nhs, role=Role.FINANCE_OFFICER)
    r.auditor = UserFactory(username="catalogue-auditor")
    MembershipFactory(user=r.auditor, organisation=r.council, role=Role.AUDITOR)
    r.member = UserFactory(username="catalogue-member")
    r.membership = MembershipFactory(user=r.member, organisation=r.council, role=Role.OFFICER)

    # Agreements
    r.agreement = AgreementFactory(
        partnership=r.partnership, kind=AgreementKind.S75_POOLED_FUND, title="Catalogue agreement"
    )
    r.party = AgreementPartyFactory(agreement=r.agreement, organisation=r.council, role=PartyRole.HOST)
    r.other_party = AgreementPartyFactory(agreement=r.agreement, organisation=r.nhs)
    r.schedule = ScheduleFactory(agreement=r.agreement)
    r.payment = AgreementPaymentFactory(agreement=r.agreement, payer=r.nhs, payee=r.council)
    r.variation = VariationFactory(agreement=r.agreement)
    r.approval = VariationApprovalFactory(variation=r.variation, organisation=r.council)
    r.review = ReviewFactory(agreement=r.agreement)

    # Finance
    year = financial_year_start(timezone.localdate())
    r.year = year
    r.budget = BudgetFactory(partnership=r.partnership, host=r.council)
    r.risk_share = RiskShareFactory(budget=r.budget, organisation=r.council)
    r.contribution = ContributionFactory(budget=r.budget, organisation=r.council, year=year)
    r.line = BudgetLineFactory(budget=r.budget, organisation=r.council)
    r.plan = LinePlanFactory(line=r.line, year=year)
    r.monitoring = MonitoringFactory(line=r.line, year=year)
    r.closed_year = year - 2
    r.year_end = YearEndFactory(budget=r.budget, year=r.closed_year)
    r.cover_cap = CoverCapFactory(budget=r.budget, organisation=r.council)
    r.fund_year = FundYearFactory(budget=r.budget, year=year)
    r.instalment = InstalmentFactory(contribution=r.contribution, due_on=datetime.date(year, 4, 1))
    r.report_recipient = ReportRecipientFactory(budget=r.budget, organisation=r.council, user=r.body_user)
    r.statutory_report = StatutoryReportFactory(budget=r.budget, year=year, issued_by=r.body_user)
    r.fund_exit = FundExitFactory(budget=r.budget, final_year=year)
    r.exit_payment = ExitPaymentFactory(exit=r.fund_exit, organisation=r.council)
    r.liability = ResidualLiabilityFactory(exit=r.fund_exit, held_by=r.council)
    r.exit_return = ExitReturnFactory(exit=r.fund_exit, returned_to=r.council)
    r.year_end_share = YearEndShareFactory(year_end=r.year_end, organisation=r.council)
    r.transfer = TransferFactory(
        agreement=AgreementFactory(partnership=r.partnership, kind=AgreementKind.S256),
        from_organisation=r.nhs,
        to_organisation=r.council,
        amount=Decimal("1000.00"),
    )

    # Committees
    r.committee = CommitteeFactory(partnership=r.partnership, meets_in_public=True)
    r.committee_member = CommitteeMemberFactory(
        committee=r.committee, organisation=r.council, user=r.body_user
    )
    r.quorum_rule = QuorumRuleFactory(committee=r.committee, organisation=r.council)
    r.meeting = MeetingFactory(committee=r.committee)
    r.report = ReportFactory(partnership=r.partnership, organisation=r.council, meeting=r.meeting)
    r.item = AgendaItemFactory(meeting=r.meeting, report=r.report)
    r.minute = MinuteFactory(agenda_item=r.item)
    r.amendment = MinuteAmendmentFactory(minute=r.minute, proposed_by=r.body_user)
    r.clearance_reviewer = ClearanceReviewerFactory(
        partnership=r.partnership, organisation=r.council, user=r.body_user
    )
    r.report_clearance = ReportClearanceFactory(report=r.report, reviewed_by=r.body_user)
    r.meeting_template = MeetingTemplateFactory(committee=r.committee)
    r.meeting_template_item = MeetingTemplateItemFactory(template=r.meeting_template)
    r.cost_line = ReportCostLineFactory(report=r.report)
    r.appendix = ReportAppendixFactory(report=r.report, file=None)
    r.appendix.file.save("catalogue.pdf", ContentFile(blank_pdf()), save=True)
    r.attendance = AttendanceFactory(meeting=r.meeting, member=r.committee_member)
    r.declaration = DeclarationFactory(meeting=r.meeting, member=r.committee_member)
    r.decision = DecisionFactory(meeting=r.meeting, agenda_item=r.item)
    r.delegation = DelegationFactory(
        partnership=r.partnership, from_organisation=r.council, to_committee=r.committee
    )
    r.binding = DecisionBindingFactory(decision=r.decision, organisation=r.council)
    r.planned_decision = PlannedDecisionFactory(committee=r.committee, organisation=r.council)
    r.registered_interest = RegisteredInterestFactory(
        member=r.committee_member, named_organisations="Catalogue Ltd"
    )
    from committees.models import Subscription

    r.subscription = Subscription.objects.create(email="alerts@example.org", committee=r.committee)
    r.action = ActionFactory(meeting=r.meeting, decision=r.decision, organisation=r.council)
    # Exempt (Part 2) business beside the open: an item, its report, minute and decision.
    r.exempt_report = ReportFactory(
        partnership=r.partnership, organisation=r.council, meeting=r.meeting, exempt=True, exempt_paragraph=3
    )
    r.exempt_item = AgendaItemFactory(
        meeting=r.meeting, report=r.exempt_report, exempt=True, exempt_paragraph=3
    )
    r.exempt_minute = MinuteFactory(agenda_item=r.exempt_item)
    r.exempt_decision = DecisionFactory(meeting=r.meeting, agenda_item=r.exempt_item)
    # A late item, published on the meeting's first supplementary agenda.
    from committees.models import SupplementaryAgenda

    r.supplement = SupplementaryAgenda.objects.create(meeting=r.meeting, number=1)
    r.late_item = AgendaItemFactory(
        meeting=r.meeting, late=True, late_reason="Funding deadline", supplementary_agenda=r.supplement
    )

    # Staffing
    r.post = PostFactory(partnership=r.partnership, employer=r.council)
    r.post_share = PostShareFactory(post=r.post, organisation=r.council, share_percent=Decimal("100.00"))
    r.post_holding = PostHoldingFactory(post=r.post)

    # Records only the site administrator sees, in the admin
    common = {"user_agent": "fuzz", "ip_address": "192.0.2.1", "username": "catalogue-body", "path_info": "/"}
    AccessAttempt.objects.create(**common, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common)
    r.reminder = Reminder.objects.create(
        key="catalogue", recipient=r.body_user, subject="Catalogue reminder", body="Due."
    )
    r.group = Group.objects.order_by("pk").first()
    _one_of_each_admin_model()

    # A reorganisation: the council's predecessor abolished, the ICB succeeding
    predecessor = OrganisationFactory(
        name="Catalogue PCT", kind=OrganisationKind.PCT, active_to=date(2013, 3, 31)
    )
    r.reorganisation = Reorganisation.objects.create(
        name="Catalogue PCT replaced", takes_effect=date(2013, 4, 1)
    )
    ReorganisationBody.objects.create(
        reorganisation=r.reorganisation, organisation=predecessor, side="abolished"
    )
    ReorganisationBody.objects.create(reorganisation=r.reorganisation, organisation=r.nhs, side="successor")
    TransferredRecordFactory(
        reorganisation=r.reorganisation, from_organisation=predecessor, to_organisation=r.nhs
    )

    r.audit_entry = AuditEntry.objects.for_partnership(r.partnership).order_by("pk").first()
    r.uid = urlsafe_base64_encode(force_bytes(r.body_user.pk))
    r.reset_token = default_token_generator.make_token(r.body_user)
    return r


def _factories():
    """factory_boy factories by model, from tests/factories.py and tests/<app>/factories.py."""
    found = {}
    for config in apps.get_app_configs():
        for name in ("tests.factories", f"tests.{config.label}.factories"):
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory):
                    model = value._meta.model
                    if isinstance(model, type) and model not in found:
                        found[model] = value
    return found


def _one_of_each_admin_model():
    """Give every model in the admin a record, built by its factory, so its pages can be asked."""
    factories = _factories()
    for model in admin.site._registry:
        if model._default_manager.exists():
            continue
        if model in factories:
            factories[model]()


def missing_kinds(records):
    """Tracked models with no record in the set (the set should hold one of each kind)."""
    return [model._meta.label for model in audit.tracked_models() if not model._default_manager.exists()]


# --- Exempt (Part 2) business, marked -----------------------------------------------

#: Begins every marker planted in exempt business; nothing unentitled may ever show it.
MARKER = "QZXLEAK"


def marker(variant, kind, field_name=""):
    return f"{MARKER}-{variant}-{kind}-{field_name}".rstrip("-")


def _mark(obj, variant, kind):
    """Put a marker in every free-text field of ``obj`` (fields with choices keep theirs)."""
    for f in obj._meta.concrete_fields:
        if isinstance(f, (CharField, TextField)) and not f.choices and not isinstance(f, FileField):
            value = marker(variant, kind, f.name)
            setattr(obj, f.name, value[: f.max_length] if f.max_length else value)
    return obj


def plant_exempt_business(records, *, action_owner):
    """Exempt business in the records' meeting, every text field marked, in two kinds:

    * ``a``: an agenda item exempt only because its report (by the council) is exempt;
    * ``b``: an item exempt by its own box, whose report (by the ICB) is not ticked.

    Each has a minute, a declaration, a decision binding the council under its delegation
    (so the delegation's page lists it), an open action on
    the decision owned by ``action_owner`` due this week, a cost line and an appendix (a
    real PDF whose text is the marker). The meeting's minutes are approved, so its public
    pages and papers are out. Returns ``{variant: records}``: copies of ``records`` whose
    item, report, minute... are that variant's, for ``Route.urls``.
    """
    from committees.appendices import sanitise_pdf
    from committees.choices import ActionStatus, MeetingStatus
    from committees.models import (
        Action,
        AgendaItem,
        Decision,
        DecisionBinding,
        Declaration,
        Minute,
        MinuteAmendment,
        Report,
        ReportAppendix,
        ReportClearance,
        ReportCostLine,
    )
    from partnership.pdf import html_to_pdf

    meeting = records.meeting
    meeting.status = MeetingStatus.MINUTES_APPROVED
    meeting.agenda_published_at = timezone.now()
    meeting.minutes_approved_on = timezone.localdate()
    meeting.save()
    today = timezone.localdate()
    # Both exempt items are late items, so their special circumstances are planted too.
    supplement = meeting.supplements.create(number=meeting.supplements.count() + 1)
    variants = {}
    for order, (variant, author, item_box) in enumerate(
        [("a", records.council, False), ("b", records.nhs, True)], start=2
    ):
        report = _mark(
            Report(partnership=records.partnership, organisation=author, meeting=meeting), variant, "report"
        )
        report.exempt = not item_box
        report.exempt_paragraph = None if item_box else 3
        report.status = "final"
        report.save()
        item = _mark(AgendaItem(meeting=meeting, report=report, order=order), variant, "item")
        item.exempt, item.exempt_paragraph = item_box, (1 if item_box else None)
        item.late, item.supplementary_agenda = True, supplement
        item.save()
        minute = _mark(Minute(agenda_item=item), variant, "minute")
        minute.save()
        amendment = _mark(MinuteAmendment(minute=minute, proposed_by=records.body_user), variant, "amendment")
        amendment.save()
        declaration = _mark(
            Declaration(
                meeting=meeting, agenda_item=item, member=records.committee_member, nature="other_registrable"
            ),
            variant,
            "declaration",
        )
        declaration.save()
        decision = _mark(Decision(meeting=meeting, agenda_item=item, decided_on=today), variant, "decision")
        decision.save()
        binding = _mark(
            DecisionBinding(
                decision=decision,
                organisation=records.council,
                delegation=records.delegation,
                outcome="binding",
            ),
            variant,
            "binding",
        )
        binding.save()
        action = _mark(
            Action(
                meeting=meeting,
                decision=decision,
                owner_user=action_owner,
                due=today,
                status=ActionStatus.OPEN,
            ),
            variant,
            "action",
        )
        action.save()
        cost_line = _mark(ReportCostLine(report=report, amount=Decimal("1000.00")), variant, "costline")
        cost_line.save()
        review = _mark(
            ReportClearance(
                report=report,
                organisation=author,
                kind="finance",
                outcome="changes",
                reviewed_by=records.body_user,
            ),
            variant,
            "clearance",
        )
        review.save()
        appendix = _mark(ReportAppendix(report=report), variant, "appendix")
        pdf = html_to_pdf(
            f"<html lang='en-GB'><body><p>{marker(variant, 'appendix', 'pdf')}</p></body></html>"
        )
        appendix.file.save(f"exempt-{variant}.pdf", ContentFile(sanitise_pdf(pdf)), save=True)
        variants[variant] = SimpleNamespace(
            **{
                **vars(records),
                "report": report,
                "item": item,
                "minute": minute,
                "amendment": amendment,
                "declaration": declaration,
                "decision": decision,
                "binding": binding,
                "action": action,
                "cost_line": cost_line,
                "report_clearance": review,
                "appendix": appendix,
            }
        )
    return variants


# --- Filling the patterns ------------------------------------------------------------

P = "partnership"


def _p(**kwargs):
    """Kwargs for a pattern under /p/<partnership>/: the partnership's slug and ``kwargs``."""
    return lambda r: {P: r.partnership.slug, **{k: v(r) for k, v in kwargs.items()}}


def _pk(attribute):
    return lambda r: getattr(r, attribute).pk


def _year(r):
    return r.year


def _closed(r):
    return r.closed_year


#: For each named pattern: its kwargs from the records. Everything under /p/<slug>/ uses _p.
FILLERS = {
    # partnership
    "home": lambda r: {},
    "session_status": lambda r: {},
    "session_extend": lambda r: {},
    "reminder_list": lambda r: {},
    "attention": lambda r: {"group": "committees"},
    "organisation_detail": lambda r: {"pk": r.council.pk},
    "organisation_edit": lambda r: {"pk": r.council.pk},
    "organisation_history": lambda r: {"pk": r.council.pk},
    "membership_add": lambda r: {"pk": r.council.pk},
    "membership_remove": lambda r: {"pk": r.council.pk, "membership": r.membership.pk},
    "reorganisation_list": lambda r: {},
    "reorganisation_add": lambda r: {},
    "reorganisation_detail": lambda r: {"pk": r.reorganisation.pk},
    "partnership_detail": _p(),
    "partnership_history": _p(),
    "partnership_edit": _p(),
    # auth
    "login": lambda r: {},
    "logout": lambda r: {},
    "password_change": lambda r: {},
    "password_change_done": lambda r: {},
    "password_reset": lambda r: {},
    "password_reset_done": lambda r: {},
    "password_reset_confirm": lambda r: {"uidb64": r.uid, "token": r.reset_token},
    "password_reset_complete": lambda r: {},
    # audit
    "audit:log": _p(),
    "audit:checkpoint": _p(),
    "audit:entry": _p(pk=_pk("audit_entry")),
    "audit:as_of": lambda r: {
        P: r.partnership.slug,
        "app_label": "agreements",
        "model": "agreement",
        "pk": str(r.agreement.pk),
    },
    "audit:as_of_pdf": lambda r: {
        P: r.partnership.slug,
        "app_label": "agreements",
        "model": "agreement",
        "pk": str(r.agreement.pk),
    },
    # agreements
    "agreements:list": _p(),
    "agreements:add": _p(),
    "agreements:choices": _p(),
    "agreements:detail": _p(pk=_pk("agreement")),
    "agreements:edit": _p(pk=_pk("agreement")),
    "agreements:history": _p(pk=_pk("agreement")),
    "agreements:pdf": _p(pk=_pk("agreement")),
    "agreements:status": _p(pk=_pk("agreement")),
    "agreements:terminate": _p(pk=_pk("agreement")),
    "agreements:expire": _p(pk=_pk("agreement")),
    "agreements:ending_withdraw": _p(pk=_pk("agreement")),
    "agreements:party_add": _p(pk=_pk("agreement")),
    "agreements:party_remove": _p(pk=_pk("agreement"), party=_pk("other_party")),
    "agreements:party_role": _p(pk=_pk("agreement"), party=_pk("other_party")),
    "agreements:sign": _p(pk=_pk("agreement"), party=_pk("party")),
    "agreements:payment_add": _p(agreement=_pk("agreement")),
    "agreements:payment_edit": _p(agreement=_pk("agreement"), pk=_pk("payment")),
    "agreements:payment_remove": _p(pk=_pk("agreement"), payment=_pk("payment")),
    "agreements:schedule_add": _p(agreement=_pk("agreement")),
    "agreements:schedule_edit": _p(agreement=_pk("agreement"), pk=_pk("schedule")),
    "agreements:variation_add": _p(agreement=_pk("agreement")),
    "agreements:variation_edit": _p(agreement=_pk("agreement"), pk=_pk("variation")),
    "agreements:variation_submit": _p(agreement=_pk("agreement"), pk=_pk("variation")),
    "agreements:variation_withdraw": _p(agreement=_pk("agreement"), pk=_pk("variation")),
    "agreements:variation_approve": _p(agreement=_pk("agreement"), pk=_pk("approval")),
    "agreements:review_add": _p(agreement=_pk("agreement")),
    "agreements:review_edit": _p(agreement=_pk("agreement"), pk=_pk("review")),
    # finance
    "finance:budget_list": _p(),
    "finance:budget_add": _p(),
    "finance:budget_detail": _p(pk=_pk("budget")),
    "finance:budget_edit": _p(pk=_pk("budget")),
    "finance:budget_history": _p(pk=_pk("budget")),
    "finance:budget_xlsx": _p(budget=_pk("budget")),
    "finance:contribution_add": _p(budget=_pk("budget")),
    "finance:contribution_edit": _p(pk=_pk("contribution")),
    "finance:contribution_agree": _p(pk=_pk("contribution")),
    "finance:line_add": _p(budget=_pk("budget")),
    "finance:line_edit": _p(pk=_pk("line")),
    "finance:plan_add": _p(line=_pk("line")),
    "finance:plan_edit": _p(pk=_pk("plan")),
    "finance:monitoring_add": _p(line=_pk("line")),
    "finance:monitoring_edit": _p(pk=_pk("monitoring")),
    "finance:monitoring_upload": _p(budget=_pk("budget")),
    "finance:monitoring_template": _p(budget=_pk("budget")),
    "finance:year_close": _p(budget=_pk("budget"), year=_year),
    "finance:year_reopen": _p(budget=_pk("budget"), year=_closed),
    "finance:quarterly_report": _p(
        budget=_pk("budget"), year=_year, quarter=lambda r: 1, organisation=_pk("council")
    ),
    "finance:annual_statement": _p(budget=_pk("budget"), year=_year, organisation=_pk("council")),
    "finance:fund_accounts": _p(budget=_pk("budget"), year=_year),
    "finance:fund_year_edit": _p(budget=_pk("budget"), year=_year),
    "finance:instalment_add": _p(contribution=_pk("contribution")),
    "finance:instalment_edit": _p(pk=_pk("instalment")),
    "finance:instalment_remove": _p(pk=_pk("instalment")),
    "finance:statutory_reports": _p(budget=_pk("budget"), year=_year),
    "finance:statutory_report_issue": _p(
        budget=_pk("budget"), year=_year, kind=lambda r: "pooled_fund", period=lambda r: 2
    ),
    "finance:statutory_report_file": _p(pk=_pk("statutory_report"), format=lambda r: "pdf"),
    "finance:report_recipient": _p(budget=_pk("budget"), organisation=_pk("council")),
    "finance:fund_exit": _p(budget=_pk("budget")),
    "finance:fund_exit_plan": _p(budget=_pk("budget")),
    "finance:fund_close": _p(budget=_pk("budget")),
    "finance:exit_payment_add": _p(budget=_pk("budget")),
    "finance:exit_payment_edit": _p(budget=_pk("budget"), pk=_pk("exit_payment")),
    "finance:liability_add": _p(budget=_pk("budget")),
    "finance:liability_edit": _p(budget=_pk("budget"), pk=_pk("liability")),
    "finance:exit_return_add": _p(budget=_pk("budget")),
    "finance:exit_return_edit": _p(budget=_pk("budget"), pk=_pk("exit_return")),
    "finance:ledger_upload": _p(budget=_pk("budget")),
    "finance:ledger_template": _p(budget=_pk("budget")),
    "finance:transfer_list": _p(),
    "finance:transfer_add": _p(),
    "finance:transfer_detail": _p(pk=_pk("transfer")),
    "finance:transfer_history": _p(pk=_pk("transfer")),
    "finance:transfer_edit": _p(pk=_pk("transfer")),
    # staffing
    "staffing:list": _p(),
    "staffing:create": _p(),
    "staffing:recharges": _p(),
    "staffing:detail": _p(pk=_pk("post")),
    "staffing:edit": _p(pk=_pk("post")),
    "staffing:delete": _p(pk=_pk("post")),
    "staffing:history": _p(pk=_pk("post")),
    # committees
    "committees:committee_list": _p(),
    "committees:committee_add": _p(),
    "committees:committee_detail": _p(pk=_pk("committee")),
    "committees:committee_edit": _p(pk=_pk("committee")),
    "committees:committee_history": _p(pk=_pk("committee")),
    "committees:committee_attendance": _p(pk=_pk("committee")),
    "committees:member_add": _p(committee=_pk("committee")),
    "committees:member_edit": _p(pk=_pk("committee_member")),
    "committees:member_delete": _p(pk=_pk("committee_member")),
    "committees:quorum_rule_add": _p(committee=_pk("committee")),
    "committees:quorum_rule_edit": _p(pk=_pk("quorum_rule")),
    "committees:quorum_rule_delete": _p(pk=_pk("quorum_rule")),
    "committees:meetings_generate": _p(committee=_pk("committee")),
    "committees:meeting_add": _p(committee=_pk("committee")),
    "committees:meeting_detail": _p(pk=_pk("meeting")),
    "committees:meeting_section": _p(pk=_pk("meeting"), section=lambda r: "agenda"),  # the others: MORE
    "committees:meeting_cancel": _p(meeting=_pk("meeting")),
    "committees:meeting_approve_minutes": _p(meeting=_pk("meeting")),
    "committees:meeting_edit": _p(pk=_pk("meeting")),
    "committees:meeting_history": _p(pk=_pk("meeting")),
    "committees:meeting_publish": _p(meeting=_pk("meeting")),
    "committees:meeting_move": _p(meeting=_pk("meeting")),
    "committees:meeting_plan_like": _p(meeting=_pk("meeting")),
    "committees:meeting_publish_supplement": _p(meeting=_pk("meeting")),
    "committees:item_add": _p(meeting=_pk("meeting")),
    "committees:item_edit": _p(pk=_pk("item")),
    "committees:item_move": _p(pk=_pk("item")),
    "committees:item_delete": _p(pk=_pk("item")),
    "committees:minute_edit": _p(pk=_pk("item")),
    "committees:minutes_circulate": _p(meeting=_pk("meeting")),
    "committees:amendment_propose": _p(pk=_pk("minute")),
    "committees:amendment_decide": _p(pk=_pk("amendment")),
    "committees:meeting_save_template": _p(meeting=_pk("meeting")),
    "committees:report_clear": _p(pk=_pk("report")),
    "committees:clearance_settings": _p(),
    "committees:clearance_reviewers": _p(organisation=_pk("council"), kind=lambda r: "finance"),
    "committees:template_plan": _p(pk=_pk("meeting_template")),
    "committees:template_delete": _p(pk=_pk("meeting_template")),
    "committees:attendance": _p(meeting=_pk("meeting")),
    "committees:declaration_add": _p(meeting=_pk("meeting")),
    "committees:declaration_delete": _p(pk=_pk("declaration")),
    "committees:decision_add": _p(meeting=_pk("meeting")),
    "committees:binding_ratify": _p(pk=_pk("binding")),
    "committees:decision_call_in": _p(pk=_pk("decision"), step=lambda r: "publish"),
    "committees:interest_list": _p(),
    "committees:interest_add": _p(),
    "committees:interest_detail": _p(pk=_pk("registered_interest")),
    "committees:interest_edit": _p(pk=_pk("registered_interest")),
    "committees:interest_history": _p(pk=_pk("registered_interest")),
    "committees:interest_confirm": _p(pk=_pk("registered_interest")),
    "committees:interest_review": _p(pk=_pk("registered_interest")),
    "committees:planned_decision_list": _p(),
    "committees:planned_decision_add": _p(),
    "committees:planned_decision_detail": _p(pk=_pk("planned_decision")),
    "committees:planned_decision_edit": _p(pk=_pk("planned_decision")),
    "committees:planned_decision_history": _p(pk=_pk("planned_decision")),
    "committees:planned_decision_publish": _p(pk=_pk("planned_decision")),
    "committees:action_add": _p(meeting=_pk("meeting")),
    "committees:action_list": _p(),
    "committees:action_edit": _p(pk=_pk("action")),
    "committees:action_move": _p(pk=_pk("action")),
    "committees:report_list": _p(),
    "committees:report_add": _p(),
    "committees:report_detail": _p(pk=_pk("report")),
    "committees:report_edit": _p(pk=_pk("report")),
    "committees:report_history": _p(pk=_pk("report")),
    "committees:report_move": _p(pk=_pk("report")),
    "committees:cost_line_add": _p(report=_pk("report")),
    "committees:cost_line_delete": _p(pk=_pk("cost_line")),
    "committees:appendix_add": _p(report=_pk("report")),
    "committees:appendix_download": _p(pk=_pk("appendix")),
    "committees:appendix_delete": _p(pk=_pk("appendix")),
    "committees:delegation_list": _p(),
    "committees:delegation_add": _p(),
    "committees:delegation_detail": _p(pk=_pk("delegation")),
    "committees:delegation_edit": _p(pk=_pk("delegation")),
    "committees:delegation_delete": _p(pk=_pk("delegation")),
    "committees:delegation_history": _p(pk=_pk("delegation")),
    "committees:paper_status": _p(pk=_pk("meeting"), kind=lambda r: kinds.PUBLIC_PACK),
    "committees:paper_build": _p(pk=_pk("meeting"), kind=lambda r: kinds.PUBLIC_PACK),
    "committees:paper_download": _p(pk=_pk("meeting"), kind=lambda r: kinds.PUBLIC_PACK),
    "committees:committee_calendar": _p(pk=_pk("committee")),
    "committees:personal_calendar": _p(),
    # public pages
    "public:index": lambda r: {},
    "public:committee": lambda r: {"pk": r.committee.pk},
    "public:committee_calendar": lambda r: {"pk": r.committee.pk},
    "public:meeting": lambda r: {"pk": r.meeting.pk},
    "public:pack": lambda r: {"pk": r.meeting.pk},
    "public:minutes": lambda r: {"pk": r.meeting.pk},
    "public:decision_notice": lambda r: {"pk": r.decision.pk},
    "public:forward_plan": lambda r: {"partnership": r.partnership.slug},
    "public:forward_plan_entry": lambda r: {"partnership": r.partnership.slug, "pk": r.planned_decision.pk},
    "public:interests": lambda r: {"partnership": r.partnership.slug},
    "public:forward_plan_csv": lambda r: {"partnership": r.partnership.slug},
    "public:forward_plan_pdf": lambda r: {"partnership": r.partnership.slug},
    "public:forward_plan_alerts": lambda r: {"partnership": r.partnership.slug},
    "public:committee_alerts": lambda r: {"pk": r.committee.pk},
    "public:alerts_confirm": lambda r: {"token": r.subscription.token},
    "public:alerts_unsubscribe": lambda r: {"token": r.subscription.token},
    "public:forward_plan_feed": lambda r: {"partnership": r.partnership.slug},
    "public:person_calendar": lambda r: {"user_id": r.body_user.pk, "token": feeds.person_token(r.body_user)},
    # search
    "search:results": lambda r: {},
}


def _as_of_each(records):
    """The "as it stood on" address of each committees record in the set, and the agreement."""
    found = [records.agreement]
    for value in vars(records).values():
        if isinstance(value, TrackedModel) and value._meta.app_label == "committees" and value not in found:
            found.append(value)
    return [
        {
            P: records.partnership.slug,
            "app_label": obj._meta.app_label,
            "model": obj._meta.model_name,
            "pk": str(obj.pk),
        }
        for obj in found
    ]


def _meeting_section_each(records):
    """Every section of the meeting page but its summary (which is ``meeting_detail``)."""
    return [
        {P: records.partnership.slug, "pk": records.meeting.pk, "section": section}
        for section in ("agenda", "running-order", "attendance-and-quorum", "minutes-and-decisions", "papers")
    ]


def _paper_each(records):
    """Every kind of paper of the meeting: the packs, the minutes, and each decision's notice."""
    codes = [*kinds.FIXED_KINDS, kinds.decision_kind(records.decision).code]
    return [{P: records.partnership.slug, "pk": records.meeting.pk, "kind": code} for code in codes]


#: Patterns asked at more than one address: name -> kwargs for each.
MORE = {
    "audit:as_of": _as_of_each,
    "audit:as_of_pdf": _as_of_each,
    "committees:meeting_section": _meeting_section_each,
    "committees:paper_status": _paper_each,
    "committees:paper_build": _paper_each,
    "committees:paper_download": _paper_each,
}

#: Patterns also asked with these query strings: the search, for every exempt marker.
QUERIES = {"search:results": [f"?q={MARKER}", f"?q={MARKER}&kind=minute", f"?q={MARKER}&page=2"]}


@dataclass
class Route:
    """One URL pattern: its full name, route text, kwargs it takes and the view behind it."""

    name: str
    route: str
    kwarg_names: tuple
    int_kwargs: tuple
    callback: object
    named: bool = True
    positional: int = 0

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None)

    @property
    def model_admin(self):
        return getattr(self.callback, "model_admin", None)

    @property
    def is_admin(self):
        return self.name.startswith("admin:")

    @property
    def namespace(self):
        return self.name.split(":")[0] if ":" in self.name else ""

    def kwargs(self, records):
        if self.name in FILLERS:
            kwargs = FILLERS[self.name](records)
        elif self.is_admin:
            kwargs = _admin_kwargs(self, records)
        else:
            raise NotCovered(self.name)
        if set(kwargs) != set(self.kwarg_names):
            raise NotCovered(f"{self.name}: filled {sorted(kwargs)}, takes {sorted(self.kwarg_names)}")
        return kwargs

    def url(self, records, **overrides):
        if self.positional:
            return reverse(self.name, args=_admin_args(self, records))
        kwargs = {**self.kwargs(records), **overrides}
        if self.named:
            return reverse(self.name, kwargs=kwargs)
        url = self.route
        for name, value in kwargs.items():
            url = re.sub(rf"<(\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), url)
        return "/" + url.lstrip("^").rstrip("$")

    def urls(self, records):
        """Every address this pattern is asked at: its own, and any in ``MORE``."""
        urls = [self.url(records)]
        for kwargs in MORE.get(self.name, lambda r: [])(records):
            address = reverse(self.name, kwargs=kwargs)
            if address not in urls:
                urls.append(address)
        return urls + [urls[0] + query for query in QUERIES.get(self.name, ())]

    def allows(self, method):
        view_class = self.view_class
        if view_class is None:  # a function view (the admin's): it says itself
            return True
        return method.lower() in view_class.http_method_names and hasattr(view_class, method.lower())


def _admin_kwargs(route, records):
    """The admin's patterns: a record of the model its ModelAdmin serves, or an app label."""
    kwargs = {}
    model = _admin_model(route)
    for name in route.kwarg_names:
        if name in ("object_id", "object_pk") and model is not None:
            kwargs[name] = str(_first(route, model).pk)
        elif name in ("id", "user_id"):
            kwargs[name] = str(records.body_user.pk)
        elif name == "group_id":
            kwargs[name] = str(records.group.pk)
        elif name == "app_label":
            kwargs[name] = "partnership"
        elif name == "url":  # the catch-all that redirects to a slash or answers 404
            kwargs[name] = "no-such-page"
        elif name == "content_type_id" and route.name == "admin:view_on_site":
            from django.contrib.contenttypes.models import ContentType

            kwargs[name] = ContentType.objects.get_for_model(records.agreement).pk
            kwargs["object_id"] = str(records.agreement.pk)
        elif name == "object_id" and route.name == "admin:view_on_site":
            continue
        else:
            raise NotCovered(f"{route.name}: the admin's {name}")
    return kwargs


def _admin_args(route, records):
    """django-simple-history's admin page of one history row: (object id, history id)."""
    model = _admin_model(route)
    if route.positional != 2 or model is None or not route.name.endswith("_simple_history"):
        raise NotCovered(f"{route.name}: {route.positional} unnamed parts")
    obj = _first(route, model)
    return [str(obj.pk), str(obj.history.order_by("history_id").first().history_id)]


def _admin_model(route):
    """The model an admin pattern serves: from its ModelAdmin, or its name (app_model_...)."""
    if route.model_admin is not None:
        return route.model_admin.model
    return next(
        (
            model
            for model in admin.site._registry
            if route.name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_")
        ),
        None,
    )


def _first(route, model):
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        raise NotCovered(f"{route.name}: no {model._meta.label} in the records")
    return obj


def catalogue():
    """Every URL pattern of the project, as :class:`Route`s (admin included)."""
    routes = []

    def walk(patterns, prefix, namespace, converters):
        for entry in patterns:
            pattern = entry.pattern
            text = prefix + str(pattern)
            found = {**converters, **getattr(pattern, "converters", {})}
            if isinstance(entry, URLResolver):
                inner = (
                    f"{namespace}:{entry.namespace}"
                    if namespace and entry.namespace
                    else (entry.namespace or namespace)
                )
                walk(entry.url_patterns, text, inner, found)
            elif isinstance(entry, URLPattern):
                names = tuple(_kwarg_names(entry, prefix, found))
                ints = tuple(n for n in names if type(found.get(n)).__name__ == "IntConverter")
                if entry.name:
                    full = f"{namespace}:{entry.name}" if namespace else entry.name
                else:  # unnamed (the admin's old-style redirects): known by its route
                    full = f"{namespace}:{text}" if namespace else text
                regex = getattr(entry.pattern, "regex", None)
                positional = (
                    regex.groups - len(regex.groupindex) if isinstance(entry.pattern, RegexPattern) else 0
                )
                routes.append(Route(full, text, names, ints, entry.callback, bool(entry.name), positional))

    walk(get_resolver().url_patterns, "", "", {})
    return routes


def _kwarg_names(entry, prefix, converters):
    names = list(converters)
    # Regex patterns (the admin's app_list) name their groups instead of converters.
    regex = getattr(entry.pattern, "regex", None)
    names += [n for n in regex.groupindex if n not in names] if regex is not None else []
    names += [n for n in re.findall(r"\(\?P<(\w+)>", prefix) if n not in names]
    return names
