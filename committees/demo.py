"""Demo data for committees: the boards, meetings, papers and delegations of shared/seeds/.

Everything is looked up by a natural key and saved only when it changed, so
``load_demo`` can run again without duplicating anything or writing history.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import escape

from committees import clearance, services
from committees.choices import (
    ActionStatus,
    AmendmentStatus,
    AttendanceStatus,
    BindingOutcome,
    ClearanceKind,
    ClearanceOutcome,
    CommitteeKind,
    CommitteeStatus,
    InterestCategory,
    InterestNature,
    InterestReview,
    ItemPurpose,
    Matter,
    MeetingCycle,
    MeetingStatus,
    MemberRole,
    ReportStatus,
)
from committees.demo_cabinet_2017 import SECTIONS
from committees.models import (
    Action,
    AgendaItem,
    Attendance,
    ClearanceReviewer,
    Committee,
    CommitteeMember,
    CommitteeQuorumRule,
    Decision,
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
from partnership.models import Membership

D = datetime.date
LONDON = ZoneInfo("Europe/London")
REASON = "Demo data"


def upsert(model, lookup, **values):
    """Find by ``lookup``; create, or save only the fields that differ."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = REASON
        obj.save()
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj._change_reason = REASON
        obj.save()
    return obj


def at(day, hour=14, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def user(username):
    return get_user_model().objects.filter(username=username).first()


def committee(partnership, name, **values):
    return upsert(Committee, {"partnership": partnership, "name": name}, **values)


def members(board, rows):
    """rows: (person name, body, role, voting, job title)."""
    found = {}
    for person, body, role, voting, job in rows:
        found[person] = upsert(
            CommitteeMember,
            {"committee": board, "person_name": person},
            organisation=body,
            role=role,
            voting=voting,
            job_title=job,
            from_date=board.status_from,
        )
    return found


def quorum(board, body, minimum):
    upsert(CommitteeQuorumRule, {"committee": board, "organisation": body}, minimum_members=minimum)


def delegation(partnership, body, valid_from, *, to_committee=None, to_post="", **values):
    return upsert(
        Delegation,
        {
            "partnership": partnership,
            "from_organisation": body,
            "to_committee": to_committee,
            "to_post": to_post,
            "valid_from": valid_from,
        },
        **values,
    )


def load(context):
    organisations = context["organisations"]
    partnerships = context["partnerships"]
    made = {}
    made.update(load_banes(partnerships["banes"], organisations))
    made.update(load_cheshire_east(partnerships["cheshire-east"], organisations))
    made.update(load_worcestershire(partnerships["worcestershire"], organisations))
    made.update(load_walsall(partnerships["walsall"], organisations))
    context["committees"] = made
    return made


# --- Bath and North East Somerset ------------------------------------------------------


def load_banes(partnership, organisations):
    council = organisations["banes-council"]
    ccg = organisations["banes-ccg"]
    jclt = committee(
        partnership,
        "Joint Commissioning Leadership Team",
        short_name="JCLT",
        kind=CommitteeKind.LEADERSHIP_TEAM,
        purpose="Leads joint commissioning across the Council's People and Communities "
        "Directorate and the CCG: performance management and strategic planning.",
        terms_of_reference="The JCLT will meet bi-monthly and be chaired by the CCG Accountable "
        "Officer. The agenda will cover performance management and strategic planning. Both the "
        "People and Communities Directorate and the Clinical Commissioning Group continue to "
        "maintain their own separate senior management teams alongside the JCLT, for day to "
        "day operational and organisational issues.",
        cycle=MeetingCycle.BI_MONTHLY,
        chair_description="B&NES CCG Accountable Officer",
        status=CommitteeStatus.ACTIVE,
        status_from=D(2012, 9, 1),
        default_place="St Martin's Hospital, Bath",
        default_meeting_time=datetime.time(10, 0),
    )
    members(
        jclt,
        [
            ("CCG Accountable Officer", ccg, MemberRole.CHAIR, True, "Accountable Officer"),
            ("Strategic Director, People and Communities", council, MemberRole.MEMBER, True, ""),
            ("CCG Chief Operating Officer", ccg, MemberRole.MEMBER, True, ""),
            ("Deputy Director, Adult Care", council, MemberRole.MEMBER, True, ""),
            ("Deputy Director, Children's Services", council, MemberRole.MEMBER, True, ""),
            ("Director of Public Health", council, MemberRole.MEMBER, True, ""),
            ("CCG Chief Financial Officer", ccg, MemberRole.MEMBER, True, ""),
            ("CCG Executive Nurse", ccg, MemberRole.MEMBER, True, ""),
        ],
    )
    oversight = committee(
        partnership,
        "Joint Committee for the Oversight of Joint Working",
        kind=CommitteeKind.JOINT_COMMITTEE,
        purpose="Oversees the operation of all joint working arrangements, including pooled "
        "funds and the exercise of functions by either body on behalf of the other, and "
        "reviews the Joint Working Framework and its schedules annually.",
        terms_of_reference="The Framework and its supporting schedules will be reviewed annually "
        "by a Joint Committee for the Oversight of Joint Working established for this purpose.",
        cycle=MeetingCycle.ANNUAL,
        status=CommitteeStatus.ACTIVE,
        status_from=D(2012, 9, 1),
        quorum_overall=2,
    )
    members(
        oversight,
        [
            ("Cabinet Member for Adult Social Care and Health", council, MemberRole.CHAIR, True, ""),
            ("CCG Lay Member for Governance", ccg, MemberRole.VICE_CHAIR, True, ""),
        ],
    )
    quorum(oversight, council, 1)
    quorum(oversight, ccg, 1)
    jcc = committee(
        partnership,
        "Joint Commissioning Committee",
        short_name="JCC",
        kind=CommitteeKind.SUB_COMMITTEE,
        purpose="Senior managers of the CCG and Council, and clinical representatives: develops "
        "the overarching vision of joint working, reviews joint strategies, plans, performance "
        "and risk. A sub-committee of the CCG Board. Ceases when the Integrated Health and Care "
        "Board takes over its responsibilities.",
        cycle=MeetingCycle.MONTHLY,
        status=CommitteeStatus.DISSOLVED,
        status_from=D(2014, 10, 1),
        status_to=D(2018, 3, 31),
    )
    ihcb = committee(
        partnership,
        "Integrated Health and Care Board",
        short_name="IHCB",
        kind=CommitteeKind.BOARD,
        purpose="Makes decisions on behalf of the Council and CCG on agreed functions relating to "
        "health and care, with delegated powers from the Council and the CCG Board; accountable "
        "for collaboration, assurance, oversight and good governance across integrated "
        "commissioning. A partnership of equals.",
        terms_of_reference="The Council and CCG will each nominate an agreed and equal number of "
        "members and/or senior officers with appropriate delegations with decision making "
        "powers. Meetings are held in public. The Board operates in shadow form from January "
        "2018 until reviewed, evaluated and formalised within refreshed section 75 / section 10 "
        "arrangements.",
        meets_in_public=True,
        cycle=MeetingCycle.BI_MONTHLY,
        status=CommitteeStatus.SHADOW,
        status_from=D(2018, 1, 1),
        call_in_working_days=5,
        quorum_overall=4,
        equal_nomination_required=True,
        default_place="Guildhall, High Street, Bath",
        default_meeting_time=datetime.time(14, 0),
        chair_description="Alternating: Cabinet Member and CCG Chair",
    )
    ihcb_members = members(
        ihcb,
        [
            ("Cabinet Member for Adult Care, Health and Wellbeing", council, MemberRole.CHAIR, True, ""),
            ("Cabinet Member for Children and Young People", council, MemberRole.MEMBER, True, ""),
            ("Strategic Director, People and Communities", council, MemberRole.MEMBER, True, ""),
            ("CCG Chair", ccg, MemberRole.VICE_CHAIR, True, ""),
            ("CCG Accountable Officer", ccg, MemberRole.MEMBER, True, ""),
            ("CCG Lay Member", ccg, MemberRole.MEMBER, True, ""),
            (
                "Jane Shayler",
                council,
                MemberRole.ADVISER,
                False,
                "Director, Integrated Health and Care Commissioning",
            ),
            ("Director of Public Health", council, MemberRole.OBSERVER, False, ""),
        ],
    )
    quorum(ihcb, council, 2)
    quorum(ihcb, ccg, 2)
    icc = committee(
        partnership,
        "Integrated Commissioning Committee",
        short_name="ICC",
        kind=CommitteeKind.SUB_COMMITTEE,
        purpose="Operationally delivers the requirements of the Integrated Health and Care Board.",
        cycle=MeetingCycle.MONTHLY,
        status=CommitteeStatus.SHADOW,
        status_from=D(2018, 1, 1),
        parent=ihcb,
    )
    for body, limit in ((council, Decimal("1000000")), (ccg, Decimal("1000000"))):
        delegation(
            partnership,
            body,
            D(2018, 6, 1),
            to_committee=ihcb,
            scope="Decisions on agreed functions relating to health and care commissioning "
            "within the pooled budgets of the section 75 agreement.",
            matters=[Matter.COMMISSIONING, Matter.POOLED_BUDGET, Matter.SPENDING, Matter.STRATEGY],
            financial_limit=limit,
            conditions="Within the budgets each body has agreed for the year; reported to "
            "Cabinet and the CCG Governing Body.",
            reserved_matters="Staffing and appointments; setting each body's budget; CCG core "
            "functions such as audit.",
            minute_reference="Council, May 2018" if body == council else "CCG Board, May 2018",
        )
    delegation(
        partnership,
        council,
        D(2017, 11, 8),
        to_post="Strategic Director for People and Communities",
        in_consultation_with="the Cabinet Members",
        scope="Set up shadow integrated governance arrangements in January 2018.",
        matters=[Matter.GOVERNANCE],
        valid_to=D(2018, 5, 31),
        minute_reference="Cabinet, 8 November 2017, recommendation 2.2 (E 3010)",
    )
    cabinet_paper(partnership, council)
    register_of_interests(partnership, ihcb_members)
    worked_meeting(partnership, ihcb, ihcb_members, council, ccg)
    secretary = user("banes-council-secretary")
    if secretary is not None:
        # The cycle from this month on (and next year's), not meetings already past that no
        # one recorded as held: those would be the secretary's attention items.
        today = timezone.localdate()
        for board in (jclt, ihcb):
            services.generate_meetings(
                committee=board, year=today.year, user=secretary, first_month=today.month
            )
            services.generate_meetings(committee=board, year=today.year + 1, user=secretary)
    forward_plan(partnership, ihcb, council, ccg)
    report_clearance(partnership, council, organisations["bsw-icb"])
    return {
        "banes-jclt": jclt,
        "banes-oversight": oversight,
        "banes-jcc": jcc,
        "banes-ihcb": ihcb,
        "banes-icc": icc,
    }


def forward_plan(partnership, ihcb, council, ccg):
    """The IHCB's forward plan for its next meetings: a key decision published today, with a
    part expected to be taken in private, and an entry not yet published."""
    upcoming = list(
        ihcb.meetings.filter(starts_at__date__gt=timezone.localdate() + datetime.timedelta(days=45))
        .order_by("starts_at")
        .values_list("starts_at", flat=True)[:2]
    )
    if len(upcoming) < 2:
        return
    first, second = (timezone.localtime(when).date() for when in upcoming)
    upsert(
        PlannedDecision,
        {"partnership": partnership, "title": "Community equipment service: contract award"},
        organisation=council,
        committee=ihcb,
        summary="Award the contract for the joint community equipment service from April, after "
        "the tender evaluation.",
        decision_due=first,
        key_decision=True,
        reports="Community equipment service: tender evaluation\nCommunity equipment service: "
        "equality impact assessment",
        exempt_expected=True,
        exempt_paragraph=3,
        contact_name="Jane Shayler",
        contact_email="jane.shayler@bathnes.example",
        published_on=timezone.localdate(),
        announced_on=timezone.localdate(),
    )
    upsert(
        PlannedDecision,
        {"partnership": partnership, "title": "Carers' strategy refresh"},
        organisation=ccg,
        committee=ihcb,
        summary="Agree the refreshed joint carers' strategy for consultation.",
        decision_due=second,
        key_decision=False,
        reports="Carers' strategy refresh: draft for consultation",
        contact_name="CCG Head of Commissioning",
    )


CABINET_COSTS = [
    # label, 2017/18 (remaining) amount, note, 2018/19 amount
    ("Programme Director", "20968", "Dec to end March 18", "37964"),
    ("Communications Support and Staff Engagement", "20000", "Assume 5 months expenditure", "25200"),
    ("Admin Support", "5262", "", "12631"),
    ("Organisational Development", "5000", "", "5000"),
    ("Finance", "7000", "", "7000"),
    ("Legal Advice", "10000", "", "15000"),
]


def cabinet_paper(partnership, council):
    author = Membership.objects.filter(user__username="banes-council-officer", organisation=council).first()
    report = upsert(
        Report,
        {"partnership": partnership, "title": "B&NES Council and BaNES CCG Integration"},
        organisation=council,
        meeting_name="Cabinet",
        meeting_date=D(2017, 11, 8),
        forward_plan_reference="E 3010",
        wards_affected="All",
        exempt=False,
        attachments="Appendix 1: Current governance model to support Joint commissioning\n"
        "Appendix 2: Proposed new Governance arrangements to support Integrated Health and "
        "Care Commissioning",
        issue=SECTIONS["issue"],
        recommendations=SECTIONS["recommendations"],
        resource_implications=SECTIONS["resource_implications"],
        statutory_considerations=SECTIONS["statutory_considerations"],
        body=SECTIONS["body"],
        rationale=SECTIONS["rationale"],
        other_options=SECTIONS["other_options"],
        consultation=SECTIONS["consultation"],
        risk_management=SECTIONS["risk_management"],
        contact_person="Jane Shayler",
        contact_phone="01225 396120",
        author=author,
        status=ReportStatus.FINAL,
    )
    for order, (label, first, note, second) in enumerate(CABINET_COSTS, start=1):
        upsert(
            ReportCostLine,
            {"report": report, "label": label, "year_label": "2017/18 (remaining)"},
            amount=Decimal(first),
            note=note,
            order=order,
        )
        upsert(
            ReportCostLine,
            {"report": report, "label": label, "year_label": "2018/19"},
            amount=Decimal(second),
            note="",
            order=order,
        )
    appendix(
        report,
        1,
        "Current governance model to support Joint commissioning",
        [
            "CCG Board and Council Cabinet (each sovereign)",
            "Joint Committee for the Oversight of Joint Working",
            "Joint Commissioning Committee (sub-committee of the CCG Board)",
            "Joint Commissioning Leadership Team",
        ],
    )
    appendix(
        report,
        2,
        "Proposed new Governance arrangements to support Integrated Health and Care Commissioning",
        [
            "Council Cabinet and CCG Governing Body (delegating agreed functions)",
            "Integrated Health and Care Board (meets in public; equal nominations)",
            "Integrated Commissioning Committee",
            "Integrated Clinical Executive Group",
        ],
    )
    return report


def appendix(report, order, title, boxes):
    found = ReportAppendix.objects.filter(report=report, order=order).first()
    if found is not None and found.file and found.file.storage.exists(found.file.name):
        if found.title != title:
            found.title = title
            found._change_reason = REASON
            found.save()
        return found
    from partnership.pdf import html_to_pdf

    items = "".join(f"<li>{escape(box)}</li>" for box in boxes)
    pdf = html_to_pdf(
        f"<html lang='en'><head><title>{escape(title)}</title></head><body>"
        f"<h1>Appendix {order}: {escape(title)}</h1><ol>{items}</ol></body></html>"
    )
    found = found or ReportAppendix(report=report, order=order)
    found.title = title
    found._change_reason = REASON
    found.file.save(f"cabinet-2017-appendix-{order}.pdf", ContentFile(pdf), save=False)
    found.save()
    return found


def report_clearance(partnership, council, icb):
    """The Council requires a finance review and its monitoring officer's (given by its committee
    secretary) before a report is approved; a joint draft with the ICB has its finance review."""
    reviewers = {
        ClearanceKind.FINANCE: user("banes-council-finance"),
        ClearanceKind.MONITORING_OFFICER: user("banes-council-secretary"),
    }
    if None in reviewers.values():
        return
    for kind, person in reviewers.items():
        upsert(
            ClearanceReviewer,
            {"partnership": partnership, "organisation": council, "kind": kind, "user": person},
        )
    report = upsert(
        Report,
        {"partnership": partnership, "title": "Joint carers' strategy 2027 to 2030"},
        organisation=council,
        meeting_name="Integrated Health and Care Board",
        issue="The Board is asked to agree a joint strategy for unpaid carers.",
        recommendations="The Board agrees the strategy and its action plan.",
        resource_implications="Within the Better Care Fund carers' allocation.",
        contact_person="Jane Shayler",
        status=ReportStatus.DRAFT,
    )
    if not report.joint_with.exists():
        report.joint_with.set([icb])
    if not report.clearances.exists():
        review = ReportClearance(
            report=report,
            kind=ClearanceKind.FINANCE,
            organisation=council,
            outcome=ClearanceOutcome.CLEARED,
            comment="Costs agree with the Better Care Fund plan.",
            reviewed_by=reviewers[ClearanceKind.FINANCE],
            fingerprint=clearance.fingerprint(report),
        )
        review._change_reason = REASON
        review.save()


def register_of_interests(partnership, people):
    """Two members of the Integrated Health and Care Board keep their registers: a councillor
    under the Council's code (one entry's details withheld, one awaiting review) and the CCG's
    Chair under the NHS guidance (the interest declared at the June 2018 meeting)."""
    today = timezone.localdate()
    secretaries = {"council": user("banes-council-secretary"), "ccg": user("banes-ccg-secretary")}
    seats = {
        "Cabinet Member for Adult Care, Health and Wellbeing": ("banes-cabinet-member", "council"),
        "CCG Chair": ("banes-ccg-chair", "ccg"),
    }
    # Seat, category, interest, organisations named, topics, held from, withheld, reviewed,
    # months since last confirmed.
    rows = [
        (
            "Cabinet Member for Adult Care, Health and Wellbeing",
            InterestCategory.EMPLOYMENT,
            "Self-employed architect (sole trader), practising in Bath.",
            "",
            "Planning",
            D(2015, 5, 7),
            False,
            True,
            3,
        ),
        (
            "Cabinet Member for Adult Care, Health and Wellbeing",
            InterestCategory.OTHER_REGISTRABLE,
            "Trustee (unpaid) of Bath Carers' Centre, a charity supporting unpaid carers.",
            "Bath Carers' Centre",
            "Carers",
            D(2016, 9, 1),
            False,
            True,
            11,
        ),
        (
            "Cabinet Member for Adult Care, Health and Wellbeing",
            InterestCategory.LAND,
            "Home owned jointly with spouse, in the Council's area.",
            "",
            "",
            D(2009, 3, 1),
            True,
            True,
            3,
        ),
        (
            "Cabinet Member for Adult Care, Health and Wellbeing",
            InterestCategory.CONTRACTS,
            "Spouse is a director of Bath Home Care Ltd, which holds a Council contract for home care.",
            "Bath Home Care Ltd",
            "Domiciliary care",
            D(2018, 2, 1),
            False,
            False,
            0,
        ),
        (
            "CCG Chair",
            InterestCategory.FINANCIAL,
            "GP partner, Combe Down Surgery, which holds a General Medical Services contract with the CCG.",
            "Combe Down Surgery",
            "Primary care",
            D(2013, 4, 1),
            False,
            True,
            6,
        ),
        (
            "CCG Chair",
            InterestCategory.INDIRECT,
            "A close relative is employed by Virgin Care Services Ltd.",
            "Virgin Care Services Ltd",
            "Community services contract",
            D(2017, 1, 1),
            False,
            True,
            6,
        ),
    ]
    for seat_name, (username, _body) in seats.items():
        seat = people[seat_name]
        member_user = user(username)
        if member_user is not None and seat.user_id != member_user.pk:
            seat.user = member_user
            seat._change_reason = REASON
            seat.save()
    for seat_name, category, description, named, topics, held_from, withheld, reviewed, months in rows:
        seat = people[seat_name]
        reviewer = secretaries[seats[seat_name][1]]
        lookup = {"member": seat, "category": category, "from_date": held_from}
        # The dates an entry was confirmed and reviewed are set once, relative to the day the
        # demo is first loaded, so loading it again changes nothing.
        first = {}
        if not RegisteredInterest.objects.filter(**lookup).exists():
            first = {
                "reviewed_on": today - datetime.timedelta(days=30 * months) if reviewed else None,
                "confirmed_on": today - datetime.timedelta(days=30 * months + 10),
            }
        upsert(
            RegisteredInterest,
            lookup,
            partnership=partnership,
            organisation=seat.organisation,
            description=description,
            named_organisations=named,
            topics=topics,
            withhold_requested=withheld,
            withhold_reason="Publishing the address could put the member's family at risk."
            if withheld
            else "",
            withheld=withheld,
            review_status=InterestReview.ACCEPTED if reviewed else InterestReview.AWAITING,
            reviewed_by=reviewer if reviewed else None,
            **first,
        )


def worked_meeting(partnership, ihcb, people, council, ccg):
    """The IHCB meeting of 14 June 2018: agenda, reports, attendance, minutes, decisions, actions.
    Its record is made while it is held; its minutes are approved last (then nothing can change)."""
    lookup = {"committee": ihcb, "starts_at": at(D(2018, 6, 14))}
    meeting = Meeting.objects.filter(**lookup).first()
    approved = meeting is not None and meeting.status == MeetingStatus.MINUTES_APPROVED
    meeting = upsert(
        Meeting,
        lookup,
        place="Banqueting Room, Guildhall, Bath",
        **({} if approved else {"status": MeetingStatus.HELD}),
    )
    officer_council = Membership.objects.filter(
        user__username="banes-council-officer", organisation=council
    ).first()
    officer_ccg = Membership.objects.filter(user__username="banes-ccg-officer", organisation=ccg).first()
    bcf = upsert(
        Report,
        {"partnership": partnership, "title": "Better Care Fund plan 2018/19: schemes and spend"},
        organisation=council,
        meeting=meeting,
        meeting_name="Integrated Health and Care Board",
        meeting_date=meeting.date,
        wards_affected="All",
        issue="The Board is asked to agree the Better Care Fund schemes for 2018/19 within the "
        "pooled budget.",
        recommendations="The Board agrees the schemes and spend set out in section 5.",
        resource_implications="Within the Better Care Fund pooled budget for 2018/19.",
        contact_person="Jane Shayler",
        contact_phone="01225 396120",
        author=officer_council,
        status=ReportStatus.FINAL,
    )
    upsert(
        ReportCostLine,
        {"report": bcf, "label": "Community equipment and adaptations", "year_label": "2018/19"},
        amount=Decimal("450000"),
        order=1,
    )
    upsert(
        ReportCostLine,
        {"report": bcf, "label": "Reablement capacity", "year_label": "2018/19"},
        amount=Decimal("300000"),
        order=2,
    )
    programme = upsert(
        Report,
        {"partnership": partnership, "title": "Integration programme: posts for 2018/19"},
        organisation=ccg,
        meeting=meeting,
        meeting_name="Integrated Health and Care Board",
        meeting_date=meeting.date,
        issue="Fixed-term posts to deliver the integration programme.",
        recommendations="The Board recommends the Council and CCG each approve the posts.",
        author=officer_ccg,
        status=ReportStatus.FINAL,
    )
    tender = upsert(
        Report,
        {"partnership": partnership, "title": "Community services contract: tender evaluation"},
        organisation=council,
        meeting=meeting,
        exempt=True,
        exempt_paragraph=3,
        issue="Evaluation of bids for the community health and care services contract.",
        recommendations="Award the contract to the highest-scoring bidder.",
        author=officer_council,
        status=ReportStatus.FINAL,
    )
    # Organisations named and topics, matched against the members' registers of interests.
    named = {
        "Better Care Fund plan 2018/19": ("", "Carers\nReablement\nCommunity equipment"),
        "Community services contract award": (
            "Virgin Care Services Ltd\nSirona Care & Health",
            "Community services contract",
        ),
    }
    # Title, purpose, presenter, report, exempt, minutes allowed (the members' running order).
    agenda = [
        ("Welcome, apologies and declarations of interest", ItemPurpose.INFORMATION, "", None, False, 5),
        ("Minutes of the previous meeting", ItemPurpose.DECISION, "Chair", None, False, 5),
        ("Better Care Fund plan 2018/19", ItemPurpose.DECISION, "Jane Shayler", bcf, False, 30),
        (
            "Integration programme: posts",
            ItemPurpose.DECISION,
            "CCG Accountable Officer",
            programme,
            False,
            20,
        ),
        ("Community services contract award", ItemPurpose.DECISION, "Jane Shayler", tender, True, 25),
    ]
    items = []
    for number, (title, purpose, presenter, report, exempt, minutes_allowed) in enumerate(agenda, start=1):
        items.append(
            upsert(
                AgendaItem,
                {"meeting": meeting, "title": title},
                order=number,
                purpose=purpose,
                presenter=presenter,
                allotted_minutes=minutes_allowed,
                report=report,
                named_organisations=named.get(title, ("", ""))[0],
                topics=named.get(title, ("", ""))[1],
                exempt=exempt,
                exempt_paragraph=3 if exempt else None,
                public_interest_reasons=(
                    "the bidders' prices and scores would prejudice the award and any retender if "
                    "published before the contract is signed."
                    if exempt
                    else ""
                ),
            )
        )
    # A late item, published on a supplementary agenda two days before the meeting.
    supplement = upsert(
        SupplementaryAgenda,
        {"meeting": meeting, "number": 1},
        published_at=at(D(2018, 6, 12), hour=10),
        published_by=user("banes-council-secretary"),
    )
    late = upsert(
        AgendaItem,
        {"meeting": meeting, "title": "Winter resilience funding: bid to NHS England"},
        order=len(agenda) + 1,
        purpose=ItemPurpose.DECISION,
        presenter="Jane Shayler",
        allotted_minutes=15,
        late=True,
        late_reason="NHS England asked for bids by 20 June 2018, before the Board's next meeting.",
        supplementary_agenda=supplement,
    )
    minutes = [
        # As amended by the CCG Chair when the draft was circulated (``minutes_sign_off``).
        "Apologies were received from the CCG Lay Member. The CCG Chair declared an interest in item 5 "
        "and left the room for it.",
        "The minutes of the meeting of 12 April 2018 were agreed as a correct record.",
        "The Board considered the Better Care Fund schemes for 2018/19 and agreed them.",
        "The Board discussed the fixed-term posts and recommended them to both bodies: "
        "staffing is reserved to each body.",
        "The Board considered the evaluation in private and recommended the award to the "
        "Council's Cabinet and the CCG Board, the value being above the delegated limit.",
    ]
    for item, text in zip(items, minutes, strict=True):
        upsert(Minute, {"agenda_item": item}, text=text)
    upsert(
        Minute,
        {"agenda_item": late},
        text="The Chair agreed to take this item as a matter of urgency. The Board supported the "
        "bid and asked the Council to submit it.",
    )
    attendance = {
        "Cabinet Member for Adult Care, Health and Wellbeing": (AttendanceStatus.PRESENT, ""),
        "Cabinet Member for Children and Young People": (AttendanceStatus.PRESENT, ""),
        "Strategic Director, People and Communities": (AttendanceStatus.PRESENT, ""),
        "CCG Chair": (AttendanceStatus.PRESENT, ""),
        "CCG Accountable Officer": (AttendanceStatus.PRESENT, ""),
        "CCG Lay Member": (AttendanceStatus.SUBSTITUTE, "CCG Chief Financial Officer"),
        "Jane Shayler": (AttendanceStatus.PRESENT, ""),
        "Director of Public Health": (AttendanceStatus.APOLOGIES, ""),
    }
    for person, (status, substitute) in attendance.items():
        upsert(
            Attendance,
            {"meeting": meeting, "member": people[person]},
            status=status,
            substitute_name=substitute,
        )
    upsert(
        Declaration,
        {"meeting": meeting, "agenda_item": items[4], "member": people["CCG Chair"]},
        interest="A close relative works for one of the bidders.",
        nature=InterestNature.CONFLICT,
        registered_interest=RegisteredInterest.objects.filter(
            member=people["CCG Chair"], category=InterestCategory.INDIRECT
        ).first(),
        action_taken="Left the room for the item and took no part in the decision.",
    )
    secretary = user("banes-council-secretary")
    # The Better Care Fund plan is a key decision: on the forward plan from 30 April 2018,
    # 30 clear working days before the meeting.
    bcf_plan = upsert(
        PlannedDecision,
        {"partnership": partnership, "title": "Better Care Fund plan 2018/19"},
        organisation=council,
        committee=meeting.committee,
        summary="Agree the Better Care Fund schemes and spend for 2018/19 within the pooled budget.",
        decision_due=meeting.date,
        key_decision=True,
        reports="Better Care Fund plan 2018/19: schemes and spend",
        contact_name="Jane Shayler",
        contact_email="jane.shayler@bathnes.example",
        published_on=D(2018, 4, 30),
        announced_on=D(2018, 4, 30),
    )
    decisions = {}
    for reference, item, resolution, matter, amount in (
        (
            "IHCB/2018/07",
            items[2],
            "The Board agreed the Better Care Fund schemes and spend for 2018/19.",
            Matter.POOLED_BUDGET,
            Decimal("750000"),
        ),
        (
            "IHCB/2018/08",
            items[3],
            "The Board recommended that the Council and CCG each approve "
            "two fixed-term integration programme posts.",
            Matter.STAFFING,
            Decimal("50595"),
        ),
        (
            "IHCB/2018/09",
            items[4],
            "The Board recommended the award of the community services "
            "contract to the highest-scoring bidder.",
            Matter.CONTRACT_AWARD,
            Decimal("2500000"),
        ),
    ):
        decision = Decision.objects.filter(meeting=meeting, reference=reference).first()
        if decision is None and secretary is not None:
            decision = services.record_decision(
                meeting=meeting,
                agenda_item=item,
                reference=reference,
                resolution=resolution,
                matter=matter,
                amount=amount,
                decided_on=meeting.date,
                organisations=[council, ccg],
                user=secretary,
                reason=REASON,
                **(
                    {"planned_decision": bcf_plan, "key_decision": True}
                    if reference == "IHCB/2018/07"
                    else {}
                ),
            )
            if reference == "IHCB/2018/07":
                services.publish_decision(decision=decision, user=secretary, on=D(2018, 6, 18), reason=REASON)
        decisions[reference] = decision
    ratifier = user("banes-council-admin")
    posts = decisions.get("IHCB/2018/08")
    if posts is not None and ratifier is not None:
        binding = posts.bindings.filter(
            organisation=council, outcome=BindingOutcome.AWAITING_RATIFICATION
        ).first()
        if binding is not None:
            services.ratify_decision(
                binding=binding,
                user=ratifier,
                ratified_on=D(2018, 7, 11),
                reference="Cabinet, 11 July 2018",
                reason=REASON,
            )
    owner = user("banes-council-officer")
    for description, owner_name, body, due, status, decision in (
        (
            "Publish the agreed Better Care Fund plan and submit it to NHS England.",
            "Jane Shayler",
            council,
            D(2018, 7, 19),
            ActionStatus.DONE,
            decisions.get("IHCB/2018/07"),
        ),
        (
            "Take the integration posts to the CCG Board for approval.",
            "CCG Accountable Officer",
            ccg,
            D(2018, 7, 31),
            ActionStatus.OPEN,
            decisions.get("IHCB/2018/08"),
        ),
        (
            "Report the contract award recommendation to Cabinet and the CCG Board.",
            "Jane Shayler",
            council,
            D(2018, 9, 12),
            ActionStatus.OPEN,
            decisions.get("IHCB/2018/09"),
        ),
    ):
        upsert(
            Action,
            {"meeting": meeting, "description": description},
            owner_name=owner_name,
            owner_user=owner if owner_name == "Jane Shayler" else None,
            organisation=body,
            due=due,
            status=status,
            completed_on=due if status == ActionStatus.DONE else None,
            decision=decision,
        )
    minutes_sign_off(ihcb, meeting, items, people)
    template = upsert(
        MeetingTemplate,
        {"committee": ihcb, "name": "Board meeting in the Guildhall"},
        start_time=datetime.time(14, 0),
        place="Banqueting Room, Guildhall, Bath",
    )
    for order, (title, purpose, minutes_allowed) in enumerate(
        (
            ("Welcome, apologies and declarations of interest", ItemPurpose.INFORMATION, 5),
            ("Minutes of the previous meeting", ItemPurpose.DECISION, 5),
            ("Better Care Fund: quarterly performance", ItemPurpose.INFORMATION, 20),
            ("Any other business", ItemPurpose.INFORMATION, 10),
        ),
        start=1,
    ):
        upsert(
            MeetingTemplateItem,
            {"template": template, "order": order},
            title=title,
            purpose=purpose,
            allotted_minutes=minutes_allowed,
        )
    return upsert(
        Meeting,
        lookup,
        status=MeetingStatus.MINUTES_APPROVED,
        minutes_approved_on=D(2018, 8, 9),
        minutes_circulated_on=D(2018, 6, 25),
    )


def minutes_sign_off(ihcb, meeting, items, people):
    """The June minutes went to those who attended; the CCG Chair's amendment was accepted and a
    councillor's rejected; the Board approved them on 9 August 2018 (item 2 of that meeting)."""
    secretary = user("banes-council-secretary")
    chair, councillor = user("banes-ccg-chair"), user("banes-cabinet-member")
    if secretary is None or chair is None or councillor is None:
        return
    amended = (
        "Apologies were received from the CCG Lay Member. The CCG Chair declared an interest in item 5 "
        "and left the room for it."
    )
    upsert(
        MinuteAmendment,
        {"minute": items[0].minute, "proposed_by": chair},
        text=amended,
        note="I left the room for item 5; the draft does not say so.",
        status=AmendmentStatus.ACCEPTED,
        decided_by=secretary,
        decided_on=D(2018, 6, 27),
    )
    upsert(
        MinuteAmendment,
        {"minute": items[2].minute, "proposed_by": councillor},
        text="The Board considered the Better Care Fund schemes for 2018/19 and agreed them unanimously.",
        note="Nobody voted against.",
        status=AmendmentStatus.REJECTED,
        decided_by=secretary,
        decided_on=D(2018, 6, 27),
        decision_reason="The Board agreed the schemes by consensus; no vote was taken.",
    )
    august = upsert(
        Meeting,
        {"committee": ihcb, "starts_at": at(D(2018, 8, 9))},
        place="Banqueting Room, Guildhall, Bath",
        status=MeetingStatus.HELD,
    )
    for order, title, approves in (
        (1, "Welcome, apologies and declarations of interest", None),
        (2, "Minutes of the meeting of 14 June 2018", meeting),
    ):
        upsert(
            AgendaItem,
            {"meeting": august, "title": title},
            order=order,
            purpose=ItemPurpose.DECISION if approves else ItemPurpose.INFORMATION,
            minutes_of=approves,
        )


# --- Cheshire East ------------------------------------------------------------------------


def load_cheshire_east(partnership, organisations):
    council = organisations["cheshire-east-council"]
    pct = organisations["cheshire-pct"]
    jcb = committee(
        partnership,
        "Joint Commissioning Board",
        short_name="JCB",
        kind=CommitteeKind.BOARD,
        purpose="Directors and Cabinet Members of the PCT and Council, given delegated authority "
        "over agreed resources, decide about the use of those resources and report at intervals "
        "to the parent bodies.",
        cycle=MeetingCycle.BI_MONTHLY,
        status=CommitteeStatus.ACTIVE,
        status_from=D(2009, 4, 1),
        quorum_overall=2,
    )
    members(
        jcb,
        [
            ("Council Strategic Director (People)", council, MemberRole.CHAIR, True, ""),
            ("Cabinet Member for Adult Services", council, MemberRole.MEMBER, True, ""),
            ("PCT Director of Commissioning", pct, MemberRole.VICE_CHAIR, True, ""),
            ("PCT Non-Executive Director", pct, MemberRole.MEMBER, True, ""),
        ],
    )
    quorum(jcb, council, 1)
    quorum(jcb, pct, 1)
    for body in (council, pct):
        delegation(
            partnership,
            body,
            D(2009, 4, 1),
            to_committee=jcb,
            scope="Decisions about the use of the agreed resources, including the learning "
            "disability pooled budget (about £66m).",
            matters=[Matter.COMMISSIONING, Matter.POOLED_BUDGET, Matter.SPENDING],
            financial_limit=Decimal("66000000"),
            conditions="Reports at intervals to the PCT Board and the Cabinet.",
            minute_reference="Dimensions of jointness, recommendation 4.11",
        )
    cases = {}
    for locality in ("Crewe", "Macclesfield"):
        case = committee(
            partnership,
            f"{locality} locality case committee",
            kind=CommitteeKind.CASE_COMMITTEE,
            purpose="NHS and Council officers focus joint attention on the top twenty cases "
            "causing local concern, and on how the money spent on them could achieve better "
            "results.",
            cycle=MeetingCycle.MONTHLY,
            status=CommitteeStatus.ACTIVE,
            status_from=D(2009, 9, 1),
            parent=jcb,
        )
        members(
            case,
            [
                (f"{locality} locality social care manager", council, MemberRole.CHAIR, True, ""),
                (f"{locality} locality commissioning lead", pct, MemberRole.MEMBER, True, ""),
            ],
        )
        for body in (council, pct):
            delegation(
                partnership,
                body,
                D(2009, 9, 1),
                to_committee=case,
                scope="Individual care packages for the cases it reviews.",
                matters=[Matter.INDIVIDUAL_CASE],
                financial_limit=Decimal("50000"),
                minute_reference="Dimensions of jointness, recommendation 10.4",
            )
        cases[locality] = case
    chiefs = committee(
        partnership,
        "Chief Executives' meeting",
        kind=CommitteeKind.LEADERSHIP_TEAM,
        purpose="The Council Chief Executive with the Chief Executives of the PCT and the NHS "
        "provider bodies in Cheshire East. At six-monthly intervals the meeting is joined by the "
        "Leader of the Council, appropriate Portfolio Holders and the Chairpersons of the NHS "
        "Boards.",
        cycle=MeetingCycle.QUARTERLY,
        status=CommitteeStatus.ACTIVE,
        status_from=D(2009, 10, 1),
        chair_description="Council Chief Executive",
    )
    people = members(
        chiefs,
        [
            ("Council Chief Executive", council, MemberRole.CHAIR, True, ""),
            ("PCT Chief Executive", pct, MemberRole.MEMBER, True, ""),
            ("Leader of the Council", council, MemberRole.CO_OPTED, False, "Six-monthly meetings"),
            ("PCT Chair", pct, MemberRole.CO_OPTED, False, "Six-monthly meetings"),
        ],
    )
    quarter_days = [D(2010, 1, 14), D(2010, 4, 8), D(2010, 7, 8), D(2010, 10, 14)]
    first = None
    for number, day in enumerate(quarter_days):
        extended = number % 2 == 0
        meeting = upsert(
            Meeting,
            {"committee": chiefs, "starts_at": at(day, 9, 30)},
            title="Joined by the Leader, Portfolio Holders and NHS Chairs" if extended else "",
            place="Westfields, Sandbach",
            status=MeetingStatus.HELD,
        )
        first = first or meeting
    upsert(
        Attendance,
        {"meeting": first, "member": people["Council Chief Executive"]},
        status=AttendanceStatus.PRESENT,
    )
    upsert(
        Attendance,
        {"meeting": first, "member": people["PCT Chief Executive"]},
        status=AttendanceStatus.PRESENT,
    )
    for description, owner_name, body, due, status in (
        (
            "Work up detailed recommendations for the establishment of a Joint Commissioning Board.",
            "PCT Chief Executive and Council Strategic Director",
            pct,
            D(2010, 3, 31),
            ActionStatus.DONE,
        ),
        (
            "Work up proposals for locality Case Committees as part of the Local Area Partnership structure.",
            "PCT Director of Commissioning and Head of Services for Adults",
            council,
            D(2010, 6, 30),
            ActionStatus.OPEN,
        ),
        (
            "Set up the quarterly Chief Executives' meeting with the PCT and NHS providers.",
            "Council Chief Executive",
            council,
            D(2010, 1, 31),
            ActionStatus.DONE,
        ),
    ):
        upsert(
            Action,
            {"meeting": first, "description": description},
            owner_name=owner_name,
            organisation=body,
            due=due,
            status=status,
            completed_on=due if status == ActionStatus.DONE else None,
        )
    return {
        "cheshire-east-jcb": jcb,
        "cheshire-east-chief-executives": chiefs,
        **{f"cheshire-east-case-{name.lower()}": case for name, case in cases.items()},
    }


# --- Worcestershire ------------------------------------------------------------------------


def load_worcestershire(partnership, organisations):
    council = organisations["worcs-council"]
    pct = organisations["worcs-pct"]
    meeting_group = committee(
        partnership,
        "Cross-cutting issues meeting",
        kind=CommitteeKind.LEADERSHIP_TEAM,
        purpose="Co-ordinates high level strategic planning across Children's Services and Adult "
        "Social Care Services with the PCT: key issues and cross-cutting matters.",
        cycle=MeetingCycle.SIX_MONTHLY,
        status=CommitteeStatus.ACTIVE,
        status_from=D(2008, 4, 1),
        default_place="County Hall, Worcester",
    )
    people = members(
        meeting_group,
        [
            ("County Council Chief Executive", council, MemberRole.MEMBER, True, ""),
            ("PCT Chief Executive", pct, MemberRole.MEMBER, True, ""),
            ("Cabinet Member for Adult Social Care", council, MemberRole.MEMBER, True, ""),
            ("Cabinet Member for Children's Services", council, MemberRole.MEMBER, True, ""),
            ("PCT Chairman", pct, MemberRole.CHAIR, True, ""),
            ("PCT Non-Executive Director", pct, MemberRole.MEMBER, True, ""),
        ],
    )
    for day in (D(2008, 5, 8), D(2008, 11, 13)):
        meeting = upsert(
            Meeting,
            {"committee": meeting_group, "starts_at": at(day, 10)},
            place="County Hall, Worcester",
            status=MeetingStatus.HELD,
        )
    upsert(
        Action,
        {
            "meeting": meeting,
            "description": "Agree the annual agreements for each jointly commissioned service "
            "under the section 75 framework agreements.",
        },
        owner_name="Joint commissioning units (adults and children)",
        organisation=council,
        due=D(2009, 3, 31),
        status=ActionStatus.DONE,
        completed_on=D(2009, 3, 31),
    )
    del people
    return {"worcestershire-cross-cutting": meeting_group}


# --- Walsall ---------------------------------------------------------------------------------


def load_walsall(partnership, organisations):
    council = organisations["walsall-council"]
    nhs = organisations["nhs-walsall"]
    group = committee(
        partnership,
        "Joint Commissioning Unit governance group",
        short_name="JCU",
        kind=CommitteeKind.WORKING_GROUP,
        purpose="Performance manages the Joint Commissioning Unit, which is accountable to both "
        "bodies; each body keeps sovereignty over its own money and may dissolve the "
        "arrangement.",
        cycle=MeetingCycle.QUARTERLY,
        status=CommitteeStatus.ACTIVE,
        status_from=D(2009, 4, 1),
        quorum_overall=2,
    )
    members(
        group,
        [
            ("Executive Director (Social Care and Inclusion)", council, MemberRole.CHAIR, True, ""),
            ("Director of Partnerships", nhs, MemberRole.MEMBER, True, ""),
            ("Head of Partnerships", nhs, MemberRole.MEMBER, True, ""),
            (
                "JCU Manager",
                nhs,
                MemberRole.ADVISER,
                False,
                "Employed by NHS Walsall; may not sign for the Council",
            ),
        ],
    )
    quorum(group, council, 1)
    quorum(group, nhs, 1)
    delegation(
        partnership,
        council,
        D(2009, 4, 1),
        to_post="Executive Director of Social Care and Inclusion",
        in_consultation_with="the Cabinet Member with responsibility for Social Care and Inclusion",
        scope="Signing the section 75 agreement establishing the Joint Commissioning Unit.",
        matters=[Matter.SIGNING],
        minute_reference="Cabinet report, recommendation 2.3",
    )
    delegation(
        partnership,
        nhs,
        D(2009, 4, 1),
        to_post="JCU Manager",
        scope="Using NHS Walsall and Walsall Council budgets to jointly commission services, "
        "within the aligned budgets (about £97m: £83m external, £14m in-house).",
        matters=[Matter.COMMISSIONING, Matter.SPENDING],
        conditions="Not a signatory for the Council. Budgets and accountability rest with the "
        "relevant service manager.",
        reserved_matters="Signing for the Council.",
        minute_reference="Cabinet report, section 4.1",
    )
    return {"walsall-jcu": group}
