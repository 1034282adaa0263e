"""Data for the papers tests (packs, feeds, public pages): one public committee
with a published meeting holding an open report with a PDF appendix, an
exempt item, a draft report, minutes, decisions and actions; and a private
committee in the same partnership.

Distinctive words mark what must never leak: EXEMPTZEBRA (exempt item and its
report), DRAFTYAK (a draft report), UNAPPROVEDOKAPI (minutes of a meeting whose
minutes are not approved).
"""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from committees.choices import (
    ActionStatus,
    AttendanceStatus,
    BindingOutcome,
    CommitteeKind,
    ItemPurpose,
    Matter,
    MeetingCycle,
    MeetingStatus,
    MemberRole,
    ReportStatus,
)
from committees.models import (
    Action,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeQuorumRule,
    Decision,
    DecisionBinding,
    Meeting,
    Minute,
    Report,
    ReportAppendix,
    ReportCostLine,
)
from partnership.choices import Role
from partnership.pdf import html_to_pdf

LONDON = ZoneInfo("Europe/London")


@dataclass
class Papers:
    world: object
    committee: object
    private_committee: object
    meeting: object
    later_meeting: object
    private_meeting: object
    open_item: object
    exempt_item: object
    draft_item: object
    open_report: object
    exempt_report: object
    draft_report: object
    open_decision: object
    exempt_decision: object
    member_user: object


@functools.cache
def appendix_pdf(text):
    """A real one-page PDF (made by WeasyPrint once per worker for each text: it is the same every time)."""
    return html_to_pdf(f"<html lang='en-GB'><body><h1>{text}</h1><p>Appendix body.</p></body></html>")


def make_papers(world):
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    committee = Committee.objects.create(
        partnership=world.ours,
        name="Integrated Health and Care Board",
        short_name="IHCB",
        kind=CommitteeKind.JOINT_COMMITTEE,
        meets_in_public=True,
        cycle=MeetingCycle.BI_MONTHLY,
        quorum_overall=2,
        chair_description="Chair rotates between the bodies",
    )
    private_committee = Committee.objects.create(
        partnership=world.ours,
        name="Joint Commissioning Leadership Team",
        short_name="JCLT",
        kind=CommitteeKind.LEADERSHIP_TEAM,
        meets_in_public=False,
    )
    member_user = world.user("council", Role.OFFICER)
    chair = CommitteeMember.objects.create(
        committee=committee,
        organisation=council,
        person_name="Ann Council",
        role=MemberRole.CHAIR,
        user=member_user,
    )
    nhs_member = CommitteeMember.objects.create(
        committee=committee, organisation=nhs, person_name="Bob Health", job_title="Accountable Officer"
    )
    CommitteeQuorumRule.objects.create(committee=committee, organisation=council, minimum_members=1)
    CommitteeQuorumRule.objects.create(committee=committee, organisation=nhs, minimum_members=1)

    meeting = Meeting.objects.create(
        committee=committee,
        starts_at=datetime.datetime(2026, 6, 10, 14, 0, tzinfo=LONDON),
        place="Guildhall, Bath",
        status=MeetingStatus.MINUTES_APPROVED,
        minutes_approved_on=datetime.date(2026, 7, 15),
    )
    later_meeting = Meeting.objects.create(
        committee=committee,
        starts_at=datetime.datetime(2026, 12, 9, 10, 30, tzinfo=LONDON),
        place="Keynsham Civic Centre",
        status=MeetingStatus.HELD,
    )
    private_meeting = Meeting.objects.create(
        committee=private_committee,
        starts_at=datetime.datetime(2026, 6, 11, 9, 0, tzinfo=LONDON),
        status=MeetingStatus.AGENDA_PUBLISHED,
    )

    def report(title, status=ReportStatus.FINAL, exempt=False, **fields):
        return Report.objects.create(
            partnership=world.ours,
            organisation=council,
            meeting=meeting,
            meeting_name=committee.name,
            title=title,
            status=status,
            exempt=exempt,
            exempt_paragraph=3 if exempt else None,
            **fields,
        )

    open_report = report(
        "Integration programme resources",
        issue="The purpose of this report is to seek agreement to the integration programme.",
        recommendations="The Board is asked to approve the programme.",
        resource_implications="The costs are summarised below.",
        body="Open report body text.",
        contact_person="Jane Officer",
    )
    ReportCostLine.objects.create(
        report=open_report, label="Programme Director", year_label="2017/18", amount=Decimal("20968"), order=1
    )
    ReportCostLine.objects.create(
        report=open_report, label="Programme Director", year_label="2018/19", amount=Decimal("37964"), order=2
    )
    ReportCostLine.objects.create(
        report=open_report, label="Legal advice", year_label="2017/18", amount=Decimal("10000"), order=3
    )
    appendix = ReportAppendix(report=open_report, title="Current governance model", order=1)
    appendix.file.save("governance.pdf", ContentFile(appendix_pdf("Governance chart appendix")), save=False)
    appendix.save()
    exempt_report = report("EXEMPTZEBRA contract negotiation", exempt=True, body="EXEMPTZEBRA prices.")
    draft_report = report("DRAFTYAK strategy", status=ReportStatus.DRAFT, body="DRAFTYAK body.")

    def item(order, title, **fields):
        return AgendaItem.objects.create(meeting=meeting, order=order, title=title, **fields)

    item(1, "Apologies and declarations of interest", purpose=ItemPurpose.INFORMATION)
    open_item = item(
        2, "Integration programme", purpose=ItemPurpose.DECISION, presenter="Jane Officer", report=open_report
    )
    exempt_item = item(
        3,
        "EXEMPTZEBRA contract award",
        purpose=ItemPurpose.DECISION,
        report=exempt_report,
        exempt=True,
        exempt_paragraph=3,
    )
    draft_item = item(4, "Strategy refresh", purpose=ItemPurpose.DISCUSSION, report=draft_report)

    Attendance.objects.create(meeting=meeting, member=chair, status=AttendanceStatus.PRESENT)
    Attendance.objects.create(meeting=meeting, member=nhs_member, status=AttendanceStatus.APOLOGIES)
    Minute.objects.create(agenda_item=open_item, text="The Board discussed the programme.")
    Minute.objects.create(agenda_item=exempt_item, text="EXEMPTZEBRA minute text.")
    open_decision = Decision.objects.create(
        meeting=meeting,
        agenda_item=open_item,
        reference="IHCB/2026/01",
        resolution="To approve the integration programme.",
        matter=Matter.STRATEGY,
        amount=Decimal("68230.00"),
        decided_on=meeting.date,
    )
    DecisionBinding.objects.create(
        decision=open_decision, organisation=council, outcome=BindingOutcome.AWAITING_RATIFICATION
    )
    exempt_decision = Decision.objects.create(
        meeting=meeting,
        agenda_item=exempt_item,
        reference="IHCB/2026/02",
        resolution="EXEMPTZEBRA award the contract.",
        decided_on=meeting.date,
    )
    Action.objects.create(
        meeting=meeting,
        decision=open_decision,
        description="Recruit the programme director",
        owner_name="Jane Officer",
        due=datetime.date(2026, 8, 1),
        status=ActionStatus.OPEN,
    )
    Action.objects.create(
        meeting=meeting,
        decision=exempt_decision,
        description="EXEMPTZEBRA sign contract",
        owner_name="Jane Officer",
    )

    later_item = AgendaItem.objects.create(meeting=later_meeting, order=1, title="Performance report")
    Minute.objects.create(agenda_item=later_item, text="UNAPPROVEDOKAPI minute.")
    return Papers(
        world=world,
        committee=committee,
        private_committee=private_committee,
        meeting=meeting,
        later_meeting=later_meeting,
        private_meeting=private_meeting,
        open_item=open_item,
        exempt_item=exempt_item,
        draft_item=draft_item,
        open_report=open_report,
        exempt_report=exempt_report,
        draft_report=draft_report,
        open_decision=open_decision,
        exempt_decision=exempt_decision,
        member_user=member_user,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def papers(world, media):
    return make_papers(world)


@pytest.fixture
def eager_celery():
    """Run tasks in-process whatever the environment says (CI sets REDIS_URL)."""
    from partnership.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
