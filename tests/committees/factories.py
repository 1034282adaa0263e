"""factory_boy factories for the committees app."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from committees.choices import (
    AttendanceStatus,
    BindingOutcome,
    ClearanceKind,
    ClearanceOutcome,
    CommitteeKind,
    InterestCategory,
    InterestNature,
    InterestReview,
    Matter,
    MeetingCycle,
)
from committees.models import (
    Action,
    AgendaItem,
    Attendance,
    ClearanceReviewer,
    Committee,
    CommitteeMember,
    CommitteeQuorumRule,
    Decision,
    DecisionBinding,
    Declaration,
    Delegation,
    Meeting,
    MeetingTemplate,
    MeetingTemplateItem,
    Minute,
    MinuteAmendment,
    PlannedDecision,
    RegisteredInterest,
    Report,
    ReportAppendix,
    ReportClearance,
    ReportCostLine,
    SupplementaryAgenda,
)
from tests.factories import OrganisationFactory, PartnershipFactory


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Joint Committee {n}")
    kind = CommitteeKind.JOINT_COMMITTEE
    cycle = MeetingCycle.QUARTERLY


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    person_name = factory.Faker("name")


class QuorumRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeQuorumRule

    committee = factory.SubFactory(CommitteeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    minimum_members = 1


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    starts_at = factory.LazyFunction(
        lambda: timezone.make_aware(
            datetime.datetime.combine(
                timezone.localdate() + datetime.timedelta(days=30), datetime.time(14, 0)
            )
        )
    )
    place = "Guildhall, Bath"


class SupplementaryAgendaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplementaryAgenda

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Item {n}")


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Report {n}")


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    partnership = factory.SubFactory(PartnershipFactory)
    from_organisation = factory.SubFactory(OrganisationFactory)
    to_committee = factory.SubFactory(CommitteeFactory)
    scope = "Commissioning of adult social care within the pooled budget"
    matters = factory.LazyFunction(lambda: [Matter.COMMISSIONING, Matter.SPENDING])
    valid_from = datetime.date(2018, 1, 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    meeting = factory.SubFactory(MeetingFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
    owner_name = "Jane Shayler"


class ReportCostLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportCostLine

    report = factory.SubFactory(ReportFactory)
    label = factory.Sequence(lambda n: f"Cost {n}")
    year_label = "2018/19"
    amount = Decimal("1000.00")


class ReportAppendixFactory(factory.django.DjangoModelFactory):
    """An appendix whose file name is set without writing a file to storage."""

    class Meta:
        model = ReportAppendix

    report = factory.SubFactory(ReportFactory)
    title = factory.Sequence(lambda n: f"Appendix {n}")
    file = factory.Sequence(lambda n: f"committees/appendices/test/appendix-{n}.pdf")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(
        CommitteeMemberFactory, committee=factory.SelfAttribute("..meeting.committee")
    )
    status = AttendanceStatus.PRESENT


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(
        CommitteeMemberFactory, committee=factory.SelfAttribute("..meeting.committee")
    )
    interest = "Spouse employed by a provider on the framework."
    nature = InterestNature.OTHER_REGISTRABLE


class MinuteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Minute

    agenda_item = factory.SubFactory(AgendaItemFactory)
    text = "The committee noted the report."


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    resolution = factory.Sequence(lambda n: f"Resolution {n}: approve the plan.")
    matter = Matter.COMMISSIONING
    decided_on = datetime.date(2018, 6, 1)


class PlannedDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedDecision

    committee = factory.SubFactory(CommitteeFactory)
    partnership = factory.SelfAttribute("committee.partnership")
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Planned decision {n}: commission the service")
    decision_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    key_decision = True
    contact_name = "Jane Shayler"
    published_on = factory.LazyFunction(timezone.localdate)
    announced_on = factory.SelfAttribute("published_on")


class DecisionBindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionBinding

    decision = factory.SubFactory(DecisionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    outcome = BindingOutcome.AWAITING_RATIFICATION


class RegisteredInterestFactory(factory.django.DjangoModelFactory):
    """A reviewed entry on a council member's register (pass ``member``)."""

    class Meta:
        model = RegisteredInterest

    member = factory.SubFactory(CommitteeMemberFactory)
    partnership = factory.SelfAttribute("member.committee.partnership")
    organisation = factory.SelfAttribute("member.organisation")
    category = InterestCategory.OTHER_REGISTRABLE
    description = factory.Sequence(lambda n: f"Trustee of charity {n}")
    named_organisations = ""
    topics = ""
    from_date = datetime.date(2015, 5, 7)
    review_status = InterestReview.ACCEPTED
    confirmed_on = factory.LazyFunction(timezone.localdate)


class MinuteAmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MinuteAmendment

    minute = factory.SubFactory(MinuteFactory)
    proposed_by = factory.SubFactory("tests.factories.UserFactory")
    text = factory.Sequence(lambda n: f"The Board agreed the plan, with amendment {n}.")


class MeetingTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingTemplate

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"Quarterly meeting {n}")
    start_time = datetime.time(14, 0)
    place = "Guildhall, Bath"


class MeetingTemplateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingTemplateItem

    template = factory.SubFactory(MeetingTemplateFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = "Welcome, apologies and declarations of interest"
    allotted_minutes = 5


class ClearanceReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClearanceReviewer

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    kind = ClearanceKind.FINANCE
    user = factory.SubFactory("tests.factories.UserFactory")


class ReportClearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportClearance

    report = factory.SubFactory(ReportFactory)
    kind = ClearanceKind.FINANCE
    organisation = factory.SelfAttribute("report.organisation")
    outcome = ClearanceOutcome.CLEARED
    comment = "The costs agree with the budget."
    reviewed_by = factory.SubFactory("tests.factories.UserFactory")
    fingerprint = "0" * 64
