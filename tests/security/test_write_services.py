"""Every service that writes checks permission itself, so an admin action, a task or a script
cannot go round it: called directly by a person who may not (the body's auditor, who only
reads, and a person of another partnership holding the role that would allow it at home),
each is refused with PermissionDenied and leaves no history row. The same call by a person
who may is written, so each refusal is the rule at work.

The services are found, not listed: a public function of a services module that takes
``user`` or ``acting_user``. A new one fails :func:`test_every_service_taking_a_user_has_a_recipe`
until it has a recipe here (or, if it only reads, a line in READS saying so).
"""

import datetime
import importlib
import inspect
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from agreements import services as agreements
from agreements.choices import AgreementStatus, PartyRole, VariationStatus
from agreements.models import AgreementPayment, Review, Schedule, Variation
from committees import services as committees
from committees.choices import (
    ActionStatus,
    AttendanceStatus,
    CallInOutcome,
    ClearanceKind,
    ClearanceOutcome,
    InterestCategory,
    InterestNature,
    InterestReview,
    Matter,
    MeetingStatus,
    ReportStatus,
)
from committees.models import (
    Action,
    AgendaItem,
    Declaration,
    MinuteAmendment,
    PlannedDecision,
    RegisteredInterest,
    Report,
)
from finance import services as finance
from finance.choices import TransferStatus
from finance.models import (
    BudgetLine,
    ExitPayment,
    ExitReturn,
    FundExit,
    Instalment,
    ResidualLiability,
    Transfer,
)
from partnership import reorganisation
from partnership import services as partnership
from partnership.audit import history_model_for, tracked_models
from partnership.choices import ReorganisationSide, Role
from staffing import services as staffing
from tests.agreements.factories import (
    AgreementPaymentFactory,
    VariationApprovalFactory,
    VariationFactory,
    agreement_between,
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
    MeetingFactory,
    MeetingTemplateItemFactory,
    MinuteAmendmentFactory,
    MinuteFactory,
    PlannedDecisionFactory,
    RegisteredInterestFactory,
    ReportAppendixFactory,
    ReportCostLineFactory,
    ReportFactory,
)
from tests.factories import MembershipFactory, UserFactory
from tests.finance.factories import AgreementFactory as PooledAgreementFactory
from tests.finance.factories import (
    BudgetFactory,
    BudgetLineFactory,
    ContributionFactory,
    FundExitFactory,
    InstalmentFactory,
    YearEndFactory,
)
from tests.partnership.factories import ReorganisationBodyFactory, ReorganisationFactory
from tests.staffing.factories import PostFactory

pytestmark = pytest.mark.django_db

D = Decimal

MODULES = (
    "agreements.services",
    "finance.services",
    "staffing.services",
    "committees.services",
    "partnership.services",
    "partnership.reorganisation",
)

#: Public functions that take a user but write nothing: each only answers a question.
READS = {
    # Whether the user may manage the agreement: the answer the write services rely on.
    "agreements.services.can_manage",
    # The status buttons to offer the user on the agreement's page.
    "agreements.services.moves_for",
    # The endings (terminate, mark as expired) to offer the user on the agreement's page.
    "agreements.services.endings_for",
    # Whether the user may change the report: the answer the report services rely on.
    "committees.services.may_change_report",
    # The bodies the user may write a report for, to fill the form's choices.
    "committees.services.report_bodies",
    # Whether the user may change a forward plan entry: the answer the plan services rely on.
    "committees.services.may_change_plan",
    # The bodies the user may plan decisions for, to fill the form's choices.
    "committees.services.plan_bodies",
    # Whether the user may run a reorganisation: the answer its two write services rely on.
    "partnership.reorganisation.may_reorganise",
    # The bodies the user may name as a successor, to fill the form's choices.
    "partnership.reorganisation.successor_choices",
    # Reorganisations waiting for the user's transfer, for the home page.
    "partnership.reorganisation.attention_items",
}


def services_taking_a_user():
    found = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module_name:
                continue
            if {"user", "acting_user"} & set(inspect.signature(function).parameters):
                found.add(f"{module_name}.{name}")
    return found


#: A person who may: a site administrator (staff and superuser), for what only the admin does.
SITE_ADMINISTRATOR = "site administrator"


@dataclass
class Recipe:
    build: object  # build(world) -> act(user): the service called, valid but for who calls it
    body: str  # whose record it is: that body's auditor is refused
    outsider: Role  # the role of the other partnership's person who is refused
    may: object  # (body, role) of a person who may, or SITE_ADMINISTRATOR: the call is valid


RECIPES = {}


def recipe(name, *, may, body="council", outsider=Role.OFFICER):
    def register(build):
        RECIPES[name] = Recipe(build, body, outsider, may)
        return build

    return register


def bodies(world, *keys):
    return [world.bodies[key] for key in keys]


# --- agreements.services ------------------------------------------------------------------


def draft(world, **values):
    return agreement_between(world.ours, *bodies(world, "council", "nhs"), **values)


def in_force(world):
    return draft(world, status=AgreementStatus.IN_FORCE)


@recipe("agreements.services.add_party", may=("council", Role.OFFICER))
def add_party(world):
    agreement = agreement_between(world.ours, world.bodies["council"])
    return lambda user: agreements.add_party(
        agreement=agreement, organisation=world.bodies["nhs"], role=PartyRole.PARTNER, user=user
    )


@recipe("agreements.services.change_party_role", may=("council", Role.OFFICER))
def change_party_role(world):
    party = draft(world).parties.get(organisation=world.bodies["nhs"])
    return lambda user: agreements.change_party_role(party=party, role=PartyRole.CONTRIBUTOR, user=user)


@recipe("agreements.services.remove_party", may=("council", Role.OFFICER))
def remove_party(world):
    party = draft(world).parties.get(organisation=world.bodies["nhs"])
    return lambda user: agreements.remove_party(party=party, user=user)


@recipe("agreements.services.change_status", may=("council", Role.OFFICER))
def change_status(world):
    agreement = draft(world)
    return lambda user: agreements.change_status(
        agreement=agreement, status=AgreementStatus.IN_NEGOTIATION, user=user
    )


@recipe("agreements.services.end_agreement", may=("council", Role.OFFICER))
def end_agreement(world):
    agreement = draft(world, status=AgreementStatus.IN_FORCE, notice_period_months=3)
    return lambda user: agreements.end_agreement(
        agreement=agreement,
        status=AgreementStatus.TERMINATED,
        user=user,
        reason="Notice",
        notice_given_on=timezone.localdate(),
        ends_on=agreements.add_months(timezone.localdate(), 3),
    )


@recipe("agreements.services.withdraw_ending", may=("council", Role.OFFICER))
def withdraw_ending(world):
    agreement = draft(world, status=AgreementStatus.IN_FORCE)
    type(agreement).objects.filter(pk=agreement.pk).update(
        ending_status=AgreementStatus.TERMINATED,
        ends_on=timezone.localdate() + datetime.timedelta(days=90),
        ending_reason="Notice",
    )
    return lambda user: agreements.withdraw_ending(agreement=agreement, user=user, reason="Continues")


@recipe("agreements.services.save_agreement", may=("council", Role.OFFICER))
def save_agreement(world):
    agreement = draft(world)
    agreement.title = "Renamed"
    return lambda user: agreements.save_agreement(agreement=agreement, user=user, reason="Renamed")


def payment_of(agreement, world):
    return AgreementPayment(
        agreement=agreement,
        payer=world.bodies["nhs"],
        payee=world.bodies["council"],
        description="The ICB's share of the joint post, paid quarterly.",
    )


@recipe("agreements.services.save_payment", may=("council", Role.OFFICER))
def save_payment(world):
    payment = payment_of(draft(world), world)
    return lambda user: agreements.save_payment(payment=payment, user=user)


@recipe("agreements.services.remove_payment", may=("council", Role.OFFICER))
def remove_payment(world):
    agreement = draft(world)
    payment = AgreementPaymentFactory(
        agreement=agreement, payer=world.bodies["nhs"], payee=world.bodies["council"]
    )
    return lambda user: agreements.remove_payment(payment=payment, user=user)


@recipe("agreements.services.sign_agreement", may=("council", Role.SIGNATORY))
def sign_agreement(world):
    party = draft(world, status=AgreementStatus.AWAITING_SIGNATURE).parties.get(
        organisation=world.bodies["council"]
    )
    return lambda user: agreements.sign_agreement(
        party=party,
        user=user,
        signatory_name="A Signatory",
        signed_on=timezone.localdate(),
        relied_on="Cabinet decision of 1 April",
    )


@recipe("agreements.services.save_schedule", may=("council", Role.OFFICER))
def save_schedule(world):
    schedule = Schedule(agreement=draft(world), number=1, title="Services in scope")
    return lambda user: agreements.save_schedule(schedule=schedule, user=user)


@recipe("agreements.services.save_variation", may=("council", Role.OFFICER))
def save_variation(world):
    variation = Variation(
        agreement=in_force(world), title="Add reablement", effective_date=datetime.date(2027, 4, 1)
    )
    return lambda user: agreements.save_variation(variation=variation, user=user)


@recipe("agreements.services.submit_variation", may=("council", Role.OFFICER))
def submit_variation(world):
    variation = VariationFactory(agreement=in_force(world), status=VariationStatus.PROPOSED)
    return lambda user: agreements.submit_variation(variation=variation, user=user)


@recipe("agreements.services.withdraw_variation", may=("council", Role.OFFICER))
def withdraw_variation(world):
    variation = VariationFactory(agreement=in_force(world), status=VariationStatus.PROPOSED)
    return lambda user: agreements.withdraw_variation(variation=variation, user=user)


@recipe("agreements.services.approve_variation", may=("council", Role.SIGNATORY))
def approve_variation(world):
    variation = VariationFactory(agreement=in_force(world), status=VariationStatus.AWAITING_APPROVAL)
    approval = VariationApprovalFactory(variation=variation, organisation=world.bodies["council"])
    VariationApprovalFactory(variation=variation, organisation=world.bodies["nhs"])
    return lambda user: agreements.approve_variation(
        approval=approval,
        user=user,
        approver_name="A Signatory",
        approved_on=timezone.localdate(),
        relied_on="Cabinet decision of 1 April",
    )


@recipe("agreements.services.save_review", may=("council", Role.OFFICER))
def save_review(world):
    review = Review(agreement=in_force(world), due=datetime.date(2027, 4, 1))
    return lambda user: agreements.save_review(review=review, user=user)


# --- finance.services -----------------------------------------------------------------------


def budget(world):
    """A pooled budget hosted by the Council, with the ICB's line."""
    pooled = BudgetFactory(
        partnership=world.ours,
        host=world.bodies["council"],
        agreement=PooledAgreementFactory(partnership=world.ours),
    )
    BudgetLineFactory(budget=pooled, organisation=world.bodies["nhs"], name="Community nursing")
    return pooled


def nhs_line(world):
    return budget(world).lines.get(organisation=world.bodies["nhs"])


@recipe("finance.services.save_budget", outsider=Role.FINANCE_OFFICER, may=("council", Role.FINANCE_OFFICER))
def save_budget(world):
    pooled = budget(world)
    pooled.name = "Renamed pool"
    return lambda user: finance.save_budget(budget=pooled, user=user, reason="Renamed")


@recipe("finance.services.save_line", body="nhs", outsider=Role.FINANCE_OFFICER, may=("nhs", Role.OFFICER))
def save_line(world):
    line = BudgetLine(budget=budget(world), organisation=world.bodies["nhs"], name="Reablement")
    return lambda user: finance.save_line(line=line, user=user)


@recipe(
    "finance.services.agree_contribution",
    may=("council", Role.FINANCE_OFFICER),
    outsider=Role.FINANCE_OFFICER,
)
def agree_contribution(world):
    contribution = ContributionFactory(budget=budget(world), organisation=world.bodies["council"], year=2026)
    return lambda user: finance.agree_contribution(
        contribution=contribution, user=user, on=timezone.localdate()
    )


@recipe(
    "finance.services.set_contribution",
    body="nhs",
    outsider=Role.FINANCE_OFFICER,
    may=("nhs", Role.FINANCE_OFFICER),
)
def set_contribution(world):
    pooled = budget(world)
    return lambda user: finance.set_contribution(
        budget=pooled, organisation=world.bodies["nhs"], year=2026, amount=D("5000"), user=user
    )


@recipe(
    "finance.services.set_line_plan",
    body="nhs",
    outsider=Role.FINANCE_OFFICER,
    may=("nhs", Role.FINANCE_OFFICER),
)
def set_line_plan(world):
    line = nhs_line(world)
    return lambda user: finance.set_line_plan(line=line, year=2026, amount=D("5000"), user=user)


@recipe(
    "finance.services.record_monitoring",
    body="nhs",
    outsider=Role.FINANCE_OFFICER,
    may=("nhs", Role.FINANCE_OFFICER),
)
def record_monitoring(world):
    line = nhs_line(world)
    return lambda user: finance.record_monitoring(
        line=line, year=2026, month=3, actual_to_date=D("1000"), forecast_outturn=D("4000"), user=user
    )


@recipe("finance.services.set_risk_shares", may=("nhs", Role.OFFICER))
def set_risk_shares(world):
    pooled = budget(world)
    shares = {world.bodies["council"]: D("50"), world.bodies["nhs"]: D("50")}
    return lambda user: finance.set_risk_shares(budget=pooled, shares=shares, user=user)


@recipe(
    "finance.services.save_transfer",
    body="nhs",
    outsider=Role.FINANCE_OFFICER,
    may=("nhs", Role.FINANCE_OFFICER),
)
def save_transfer(world):
    transfer = Transfer(
        agreement=PooledAgreementFactory(partnership=world.ours, kind="s256"),
        from_organisation=world.bodies["nhs"],
        to_organisation=world.bodies["council"],
        purpose="Winter pressures",
        year=2026,
        amount=D("1000"),
        status=TransferStatus.PROPOSED,
    )
    return lambda user: finance.save_transfer(transfer=transfer, user=user)


@recipe(
    "finance.services.close_financial_year",
    outsider=Role.FINANCE_OFFICER,
    may=("council", Role.FINANCE_OFFICER),
)
def close_financial_year(world):
    pooled = budget(world)
    ContributionFactory(budget=pooled, organisation=world.bodies["council"], year=2018)
    return lambda user: finance.close_financial_year(budget=pooled, year=2018, user=user)


@recipe(
    "finance.services.reopen_financial_year",
    outsider=Role.FINANCE_OFFICER,
    may=("council", Role.FINANCE_OFFICER),
)
def reopen_financial_year(world):
    pooled = budget(world)
    YearEndFactory(budget=pooled, year=2018, closed_on=timezone.now())
    return lambda user: finance.reopen_financial_year(
        budget=pooled, year=2018, user=user, reason="Late invoice"
    )


@recipe("finance.services.set_cover_caps", may=("nhs", Role.OFFICER))
def set_cover_caps(world):
    pooled = budget(world)
    return lambda user: finance.set_cover_caps(
        budget=pooled, caps={world.bodies["nhs"]: D("5000")}, user=user
    )


@recipe(
    "finance.services.save_fund_year",
    outsider=Role.FINANCE_OFFICER,
    may=("council", Role.FINANCE_OFFICER),
)
def save_fund_year(world):
    pooled = budget(world)
    return lambda user: finance.save_fund_year(budget=pooled, year=2026, user=user, contingency=D("1000"))


@recipe(
    "finance.services.save_instalment",
    body="nhs",
    outsider=Role.FINANCE_OFFICER,
    may=("nhs", Role.FINANCE_OFFICER),
)
def save_instalment(world):
    contribution = ContributionFactory(budget=budget(world), organisation=world.bodies["nhs"], year=2026)
    instalment = Instalment(contribution=contribution, due_on=datetime.date(2026, 4, 1), amount=D("100"))
    return lambda user: finance.save_instalment(instalment=instalment, user=user)


@recipe(
    "finance.services.remove_instalment",
    body="nhs",
    outsider=Role.FINANCE_OFFICER,
    may=("nhs", Role.FINANCE_OFFICER),
)
def remove_instalment(world):
    contribution = ContributionFactory(budget=budget(world), organisation=world.bodies["nhs"], year=2026)
    instalment = InstalmentFactory(contribution=contribution)
    return lambda user: finance.remove_instalment(instalment=instalment, user=user)


@recipe(
    "finance.services.name_report_recipient",
    body="nhs",
    outsider=Role.FINANCE_OFFICER,
    may=("nhs", Role.FINANCE_OFFICER),
)
def name_report_recipient(world):
    pooled = budget(world)
    nhs = world.bodies["nhs"]
    return lambda user: finance.name_report_recipient(
        budget=pooled, organisation=nhs, named=world.user("nhs", Role.OFFICER), user=user
    )


@recipe(
    "finance.services.issue_statutory_report",
    outsider=Role.FINANCE_OFFICER,
    may=("council", Role.FINANCE_OFFICER),
)
def issue_statutory_report(world):
    pooled = budget(world)
    return lambda user: finance.issue_statutory_report(
        budget=pooled, kind="pooled_fund", year=2018, period=1, user=user
    )


def planned_exit(world):
    pooled = budget(world)
    pooled.agreement.ending_status = "terminated"
    pooled.agreement.save()
    return FundExitFactory(budget=pooled, final_year=2018)


@recipe(
    "finance.services.save_fund_exit", outsider=Role.FINANCE_OFFICER, may=("council", Role.FINANCE_OFFICER)
)
def save_fund_exit(world):
    fund_exit = FundExit(budget=planned_exit(world).budget, final_year=2018)
    FundExit.objects.filter(budget=fund_exit.budget).delete()
    return lambda user: finance.save_fund_exit(fund_exit=fund_exit, user=user)


@recipe(
    "finance.services.record_exit_payment",
    outsider=Role.FINANCE_OFFICER,
    may=("council", Role.FINANCE_OFFICER),
)
def record_exit_payment(world):
    payment = ExitPayment(
        exit=planned_exit(world),
        organisation=world.bodies["nhs"],
        amount=D("10"),
        paid_on=datetime.date(2019, 5, 1),
    )
    return lambda user: finance.record_exit_payment(payment=payment, user=user)


@recipe(
    "finance.services.save_residual_liability",
    outsider=Role.FINANCE_OFFICER,
    may=("council", Role.FINANCE_OFFICER),
)
def save_residual_liability(world):
    liability = ResidualLiability(
        exit=planned_exit(world), description="Pensions", held_by=world.bodies["nhs"]
    )
    return lambda user: finance.save_residual_liability(liability=liability, user=user)


@recipe(
    "finance.services.save_exit_return", outsider=Role.FINANCE_OFFICER, may=("council", Role.FINANCE_OFFICER)
)
def save_exit_return(world):
    item = ExitReturn(
        exit=planned_exit(world), kind="asset", description="Vans", returned_to=world.bodies["nhs"]
    )
    return lambda user: finance.save_exit_return(item=item, user=user)


@recipe("finance.services.close_fund", outsider=Role.FINANCE_OFFICER, may=("council", Role.FINANCE_OFFICER))
def close_fund(world):
    fund_exit = planned_exit(world)
    YearEndFactory(budget=fund_exit.budget, year=2018, closed_on=timezone.now())
    return lambda user: finance.close_fund(fund_exit=fund_exit, user=user)


# --- staffing.services ----------------------------------------------------------------------


@recipe("staffing.services.save_post", may=("council", Role.OFFICER))
def save_post(world):
    post = PostFactory.build(partnership=world.ours, employer=world.bodies["council"], title="Joint director")
    shares = {world.bodies["council"]: D("60"), world.bodies["nhs"]: D("40")}
    return lambda user: staffing.save_post(post=post, shares=shares, user=user)


# --- committees.services --------------------------------------------------------------------


def meeting(world, **values):
    committee = CommitteeFactory(partnership=world.ours)
    CommitteeMemberFactory(committee=committee, organisation=world.bodies["council"], person_name="Cllr A")
    return MeetingFactory(committee=committee, **values)


def member(of):
    return of.committee.members.get()


def report(world, **values):
    return ReportFactory(partnership=world.ours, organisation=world.bodies["council"], **values)


@recipe("committees.services.generate_meetings", may=("council", Role.COMMITTEE_SECRETARY))
def generate_meetings(world):
    committee = CommitteeFactory(partnership=world.ours)
    return lambda user: committees.generate_meetings(committee=committee, year=2027, user=user)


@recipe("committees.services.publish_agenda", may=("council", Role.COMMITTEE_SECRETARY))
def publish_agenda(world):
    planned = meeting(world)
    AgendaItemFactory(meeting=planned, order=1)
    return lambda user: committees.publish_agenda(meeting=planned, user=user)


@recipe("committees.services.publish_supplementary_agenda", may=("council", Role.COMMITTEE_SECRETARY))
def publish_supplementary_agenda(world):
    published = meeting(world, status=MeetingStatus.AGENDA_PUBLISHED, agenda_published_at=timezone.now())
    AgendaItemFactory(meeting=published, late=True, late_reason="The provider failed on Monday")
    return lambda user: committees.publish_supplementary_agenda(meeting=published, user=user)


@recipe("committees.services.move_meeting", may=("council", Role.COMMITTEE_SECRETARY))
def move_meeting(world):
    planned = meeting(world)
    return lambda user: committees.move_meeting(
        meeting=planned, status=MeetingStatus.CANCELLED, user=user, reason="Not quorate"
    )


def held_with_minute(world, attendee=None):
    """A held meeting with a minute, its draft circulated; ``attendee`` was present."""
    held = meeting(world, status=MeetingStatus.HELD, minutes_circulated_on=timezone.localdate())
    minute = MinuteFactory(agenda_item=AgendaItemFactory(meeting=held), text="The Board agreed the plan.")
    if attendee is not None:
        seat = CommitteeMemberFactory(
            committee=held.committee, organisation=world.bodies["council"], user=attendee
        )
        AttendanceFactory(meeting=held, member=seat, status=AttendanceStatus.PRESENT)
    return minute


@recipe("committees.services.circulate_minutes", may=("council", Role.COMMITTEE_SECRETARY))
def circulate_minutes(world):
    minute = held_with_minute(world)
    return lambda user: committees.circulate_minutes(meeting=minute.agenda_item.meeting, user=user)


@recipe("committees.services.propose_amendment", may=("council", Role.OFFICER))
def propose_amendment(world):
    """Only someone who attended proposes an amendment."""
    minute = held_with_minute(world, attendee=world.user("council", Role.OFFICER))
    amendment = MinuteAmendment(minute=minute, text="The Board agreed the plan unanimously.")
    return lambda user: committees.propose_amendment(amendment=amendment, user=user)


@recipe("committees.services.decide_amendment", may=("council", Role.COMMITTEE_SECRETARY))
def decide_amendment(world):
    amendment = MinuteAmendmentFactory(minute=held_with_minute(world))
    return lambda user: committees.decide_amendment(amendment=amendment, user=user, accept=True)


@recipe("committees.services.save_meeting_template", may=("council", Role.COMMITTEE_SECRETARY))
def save_meeting_template(world):
    source = meeting(world)
    AgendaItemFactory(meeting=source, title="Welcome and apologies")
    return lambda user: committees.save_meeting_template(meeting=source, name="Quarterly board", user=user)


@recipe("committees.services.plan_meeting_from_template", may=("council", Role.COMMITTEE_SECRETARY))
def plan_meeting_from_template(world):
    template = MeetingTemplateItemFactory(template__committee=meeting(world).committee).template
    day = timezone.localdate() + datetime.timedelta(days=40)
    return lambda user: committees.plan_meeting_from_template(template=template, day=day, user=user)


@recipe("committees.services.delete_meeting_template", may=("council", Role.COMMITTEE_SECRETARY))
def delete_meeting_template(world):
    template = MeetingTemplateItemFactory(template__committee=meeting(world).committee).template
    return lambda user: committees.delete_meeting_template(template=template, user=user)


@recipe("committees.services.record_clearance", may=("council", Role.FINANCE_OFFICER))
def record_clearance(world):
    """The council names its finance officer to clear its reports."""
    report = ReportFactory(partnership=world.ours, organisation=world.bodies["council"])
    ClearanceReviewerFactory(
        partnership=world.ours,
        organisation=world.bodies["council"],
        kind=ClearanceKind.FINANCE,
        user=world.user("council", Role.FINANCE_OFFICER),
    )
    return lambda user: committees.record_clearance(
        report=report,
        kind=ClearanceKind.FINANCE,
        organisation=world.bodies["council"],
        outcome=ClearanceOutcome.CLEARED,
        user=user,
    )


@recipe("committees.services.save_clearance_reviewers", may=("council", Role.ADMINISTRATOR))
def save_clearance_reviewers(world):
    return lambda user: committees.save_clearance_reviewers(
        partnership=world.ours,
        organisation=world.bodies["council"],
        kind=ClearanceKind.LEGAL,
        users=[world.user("council", Role.OFFICER)],
        user=user,
    )


@recipe("committees.services.add_agenda_item", may=("council", Role.COMMITTEE_SECRETARY))
def add_agenda_item(world):
    item = AgendaItem(meeting=meeting(world), title="Better Care Fund plan")
    return lambda user: committees.add_agenda_item(item=item, user=user)


@recipe("committees.services.move_agenda_item", may=("council", Role.COMMITTEE_SECRETARY))
def move_agenda_item(world):
    planned = meeting(world)
    AgendaItemFactory(meeting=planned, order=1)
    second = AgendaItemFactory(meeting=planned, order=2)
    return lambda user: committees.move_agenda_item(item=second, direction="up", user=user)


@recipe("committees.services.delete_agenda_item", may=("council", Role.COMMITTEE_SECRETARY))
def delete_agenda_item(world):
    item = AgendaItemFactory(meeting=meeting(world), order=1)
    return lambda user: committees.delete_agenda_item(item=item, user=user)


@recipe("committees.services.remove_member", may=("council", Role.ADMINISTRATOR))
def remove_member(world):
    nominee = member(meeting(world))
    return lambda user: committees.remove_member(member=nominee, user=user, reason="Nominated in error")


@recipe("committees.services.renumber_items", may=("council", Role.COMMITTEE_SECRETARY))
def renumber_items(world):
    planned = meeting(world)
    AgendaItemFactory(meeting=planned, order=3)
    AgendaItemFactory(meeting=planned, order=7)
    return lambda user: committees.renumber_items(planned, user)


@recipe("committees.services.plan_meeting_like", may=("council", Role.COMMITTEE_SECRETARY))
def plan_meeting_like(world):
    source = meeting(world)
    AgendaItemFactory(meeting=source, order=1, title="Welcome and apologies")
    day = timezone.localdate() + datetime.timedelta(days=90)
    return lambda user: committees.plan_meeting_like(source=source, day=day, user=user)


@recipe("committees.services.save_minute", may=("council", Role.COMMITTEE_SECRETARY))
def save_minute(world):
    item = AgendaItemFactory(meeting=meeting(world, status=MeetingStatus.HELD), order=1)
    return lambda user: committees.save_minute(item=item, text="The board noted the report.", user=user)


@recipe("committees.services.record_attendance", may=("council", Role.COMMITTEE_SECRETARY))
def record_attendance(world):
    held = meeting(world, status=MeetingStatus.HELD)
    entries = {member(held): (AttendanceStatus.PRESENT, "")}
    return lambda user: committees.record_attendance(meeting=held, entries=entries, user=user)


@recipe("committees.services.record_decision", may=("council", Role.COMMITTEE_SECRETARY))
def record_decision(world):
    held = meeting(world, status=MeetingStatus.HELD)
    return lambda user: committees.record_decision(
        meeting=held,
        resolution="Approve the Better Care Fund plan.",
        matter=Matter.COMMISSIONING,
        organisations=[world.bodies["council"]],
        user=user,
    )


def decision_open_to_call_in(world, **values):
    decision = DecisionFactory(meeting=meeting(world, status=MeetingStatus.HELD), **values)
    decision.meeting.committee.call_in_working_days = 5
    decision.meeting.committee.save()
    return decision


@recipe("committees.services.publish_decision", may=("council", Role.COMMITTEE_SECRETARY))
def publish_decision(world):
    decision = decision_open_to_call_in(world)
    return lambda user: committees.publish_decision(decision=decision, user=user, on=timezone.localdate())


@recipe("committees.services.call_in_decision", may=("council", Role.COMMITTEE_SECRETARY))
def call_in_decision(world):
    decision = decision_open_to_call_in(world, published_on=timezone.localdate())
    return lambda user: committees.call_in_decision(decision=decision, user=user, on=timezone.localdate())


@recipe("committees.services.decide_call_in", may=("council", Role.COMMITTEE_SECRETARY))
def decide_call_in(world):
    today = timezone.localdate()
    decision = decision_open_to_call_in(world, published_on=today, called_in_on=today)
    return lambda user: committees.decide_call_in(
        decision=decision, user=user, outcome=CallInOutcome.STANDS, on=today
    )


@recipe("committees.services.save_planned_decision", may=("council", Role.OFFICER))
def save_planned_decision(world):
    planned = PlannedDecision(
        partnership=world.ours,
        organisation=world.bodies["council"],
        committee=meeting(world).committee,
        title="Home care framework",
        decision_due=timezone.localdate() + datetime.timedelta(days=60),
        contact_name="Jane Shayler",
    )
    return lambda user: committees.save_planned_decision(planned=planned, user=user)


@recipe("committees.services.publish_planned_decision", may=("council", Role.OFFICER))
def publish_planned_decision(world):
    planned = PlannedDecisionFactory(
        committee=meeting(world).committee, organisation=world.bodies["council"], published_on=None
    )
    return lambda user: committees.publish_planned_decision(
        planned=planned, user=user, on=timezone.localdate()
    )


def council_seat(world, user=None):
    return CommitteeMemberFactory(
        committee=meeting(world).committee, organisation=world.bodies["council"], user=user
    )


@recipe("committees.services.save_interest", may=("council", Role.COMMITTEE_SECRETARY))
def save_interest(world):
    """The keeper of the council's register keys an entry in for one of its members."""
    interest = RegisteredInterest(
        partnership=world.ours,
        member=council_seat(world),
        organisation=world.bodies["council"],
        category=InterestCategory.EMPLOYMENT,
        description="Solicitor, Bath Law LLP",
        from_date=datetime.date(2015, 5, 7),
    )
    return lambda user: committees.save_interest(interest=interest, user=user)


@recipe("committees.services.confirm_interest", may=("council", Role.OFFICER))
def confirm_interest(world):
    """Only the member confirms their own entry."""
    seat = council_seat(world, user=world.user("council", Role.OFFICER))
    interest = RegisteredInterestFactory(
        member=seat, confirmed_on=timezone.localdate() - datetime.timedelta(days=300)
    )
    return lambda user: committees.confirm_interest(interest=interest, user=user)


@recipe(
    "committees.services.review_interest",
    outsider=Role.COMMITTEE_SECRETARY,
    may=("council", Role.COMMITTEE_SECRETARY),
)
def review_interest(world):
    interest = RegisteredInterestFactory(member=council_seat(world), review_status=InterestReview.AWAITING)
    return lambda user: committees.review_interest(interest=interest, user=user, accept=True)


@recipe(
    "committees.services.ratify_decision",
    outsider=Role.COMMITTEE_SECRETARY,
    may=("council", Role.COMMITTEE_SECRETARY),
)
def ratify_decision(world):
    decision = DecisionFactory(meeting=meeting(world, status=MeetingStatus.HELD))
    binding = DecisionBindingFactory(decision=decision, organisation=world.bodies["council"])
    return lambda user: committees.ratify_decision(
        binding=binding, user=user, ratified_on=timezone.localdate()
    )


@recipe("committees.services.save_report", may=("council", Role.OFFICER))
def save_report(world):
    draft_report = Report(partnership=world.ours, organisation=world.bodies["council"], title="BCF plan")
    return lambda user: committees.save_report(report=draft_report, user=user)


@recipe("committees.services.finalise_report", may=("council", Role.OFFICER))
def finalise_report(world):
    draft_report = report(world)
    return lambda user: committees.finalise_report(report=draft_report, user=user)


@recipe("committees.services.reopen_report", may=("council", Role.OFFICER))
def reopen_report(world):
    final = report(world, status=ReportStatus.FINAL)
    return lambda user: committees.reopen_report(report=final, user=user, reason="A figure was wrong")


@recipe("committees.services.add_cost_line", may=("council", Role.OFFICER))
def add_cost_line(world):
    draft_report = report(world)
    return lambda user: committees.add_cost_line(
        report=draft_report, label="Legal advice", year_label="2026/27", amount=D("15000"), user=user
    )


@recipe("committees.services.remove_cost_line", may=("council", Role.OFFICER))
def remove_cost_line(world):
    line = ReportCostLineFactory(report=report(world))
    return lambda user: committees.remove_cost_line(line=line, user=user)


@recipe("committees.services.add_appendix", may=("council", Role.OFFICER))
def add_appendix(world):
    draft_report = report(world)
    pdf = SimpleUploadedFile("model.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    return lambda user: committees.add_appendix(
        report=draft_report, title="Governance model", file=pdf, user=user
    )


@recipe("committees.services.remove_appendix", may=("council", Role.OFFICER))
def remove_appendix(world):
    appendix = ReportAppendixFactory(report=report(world))
    return lambda user: committees.remove_appendix(appendix=appendix, user=user)


@recipe("committees.services.save_declaration", may=("council", Role.COMMITTEE_SECRETARY))
def save_declaration(world):
    planned = meeting(world)
    declaration = Declaration(
        meeting=planned,
        member=member(planned),
        interest="Spouse employed by a provider",
        nature=InterestNature.OTHER_REGISTRABLE,
    )
    return lambda user: committees.save_declaration(declaration=declaration, user=user)


@recipe("committees.services.delete_declaration", may=("council", Role.COMMITTEE_SECRETARY))
def delete_declaration(world):
    planned = meeting(world)
    declaration = DeclarationFactory(meeting=planned, member=member(planned))
    return lambda user: committees.delete_declaration(declaration=declaration, user=user)


@recipe("committees.services.save_action", may=("council", Role.COMMITTEE_SECRETARY))
def save_action(world):
    action = Action(meeting=meeting(world), description="Draft the s75 variation", owner_name="Jane")
    return lambda user: committees.save_action(action=action, user=user)


@recipe("committees.services.move_action", may=("council", Role.COMMITTEE_SECRETARY))
def move_action(world):
    action = ActionFactory(meeting=meeting(world))
    return lambda user: committees.move_action(action=action, status=ActionStatus.DONE, user=user)


# --- partnership.services and partnership.reorganisation -------------------------------------


@recipe(
    "partnership.services.add_membership", outsider=Role.ADMINISTRATOR, may=("council", Role.ADMINISTRATOR)
)
def add_membership(world):
    newcomer = UserFactory(username="newcomer")
    return lambda user: partnership.add_membership(
        organisation=world.bodies["council"], user=newcomer, role=Role.OFFICER, acting_user=user
    )


@recipe(
    "partnership.services.remove_membership", outsider=Role.ADMINISTRATOR, may=("council", Role.ADMINISTRATOR)
)
def remove_membership(world):
    membership = MembershipFactory(
        user=UserFactory(username="leaver"), organisation=world.bodies["council"], role=Role.OFFICER
    )
    return lambda user: partnership.remove_membership(membership=membership, acting_user=user)


@recipe("partnership.services.record_access_change", outsider=Role.ADMINISTRATOR, may=SITE_ADMINISTRATOR)
def record_access_change(world):
    person = UserFactory(username="promoted")
    return lambda user: partnership.record_access_change(
        acting_user=user, before={"superuser": False}, after={"superuser": True}, person=person
    )


@recipe(
    "partnership.reorganisation.record_reorganisation",
    outsider=Role.ADMINISTRATOR,
    may=("council", Role.ADMINISTRATOR),
)
def record_reorganisation(world):
    return lambda user: reorganisation.record_reorganisation(
        name="Council merged into the ICB",
        takes_effect=datetime.date(2027, 4, 1),
        abolished=[world.bodies["council"]],
        successors=[world.bodies["nhs"]],
        user=user,
    )


@recipe(
    "partnership.reorganisation.complete_transfer",
    outsider=Role.ADMINISTRATOR,
    may=("council", Role.ADMINISTRATOR),
)
def complete_transfer(world):
    recorded = ReorganisationFactory(takes_effect=datetime.date(2026, 4, 1))
    ReorganisationBodyFactory(
        reorganisation=recorded, organisation=world.bodies["council"], side=ReorganisationSide.ABOLISHED
    )
    ReorganisationBodyFactory(
        reorganisation=recorded, organisation=world.bodies["nhs"], side=ReorganisationSide.SUCCESSOR
    )
    choices = reorganisation.default_choices(recorded, reorganisation.touched_records(recorded))
    return lambda user: reorganisation.complete_transfer(reorganisation=recorded, choices=choices, user=user)


# --- The tests ------------------------------------------------------------------------------


def test_every_service_taking_a_user_has_a_recipe():
    found = services_taking_a_user()
    missing = sorted(found - set(RECIPES) - READS)
    assert not missing, (
        f"Add a recipe to tests/security/test_write_services.py for {', '.join(missing)} (or, if it "
        "writes nothing, list it in READS saying why)."
    )
    gone = sorted((set(RECIPES) | READS) - found)
    assert not gone, f"No longer a service taking a user: {', '.join(gone)}; remove it from this file."
    assert not set(RECIPES) & READS


def history_rows():
    """Rows in every history table, counted in one query."""
    tables = [history_model_for(model)._meta.db_table for model in tracked_models()]
    counts = " + ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()[0]


def who_may_not(world, recipe_, who):
    if who == "auditor":
        return world.user(recipe_.body, Role.AUDITOR)
    return world.user("other", recipe_.outsider)


@pytest.mark.parametrize("who", ["auditor", "outsider"])
@pytest.mark.parametrize("name", sorted(RECIPES))
def test_a_write_service_refuses_a_person_who_may_not(world, name, who):
    recipe_ = RECIPES[name]
    act = recipe_.build(world)
    before = history_rows()
    with pytest.raises(PermissionDenied):
        act(who_may_not(world, recipe_, who))
    assert history_rows() == before


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_the_same_call_by_a_person_who_may_is_written(world, name):
    """The refusals above are the rule at work, not a call that could never succeed."""
    recipe_ = RECIPES[name]
    act = recipe_.build(world)
    if recipe_.may == SITE_ADMINISTRATOR:
        person = UserFactory(username="site-admin", is_staff=True, is_superuser=True)
    else:
        person = world.user(*recipe_.may)
    before = history_rows()
    act(person)
    assert history_rows() > before
