"""Demo agreements: the agreements of the five papers in shared/seeds/.

Idempotent: every record is looked up by its natural key (partnership +
reference, agreement + body, agreement + number, agreement + due date) and
saved only when something differs. Adds ``context["agreements"]`` =
{key: Agreement} for the finance, staffing and committees demos.
"""

import datetime

from django.contrib.auth import get_user_model

from agreements import text
from agreements.choices import (
    AgreementKind,
    AgreementStatus,
    PartyRole,
    ReviewOutcome,
    ReviewStatus,
    ScheduleStatus,
)
from agreements.models import Agreement, AgreementParty, AgreementPayment, Review, Schedule
from partnership import permissions

D = datetime.date
REASON = "Demo data"

BANES_APPENDICES = [
    "Aims and intended outcomes",
    "Scope of joint working",
    "HWB Terms of Reference",
    "Joint Committee for the Oversight of Joint Working: Terms of Reference",
    "Joint leadership and management arrangements",
    "S113 agreement including HR Protocols",
    "Schedule of Financial Arrangements",
    "(i) Support Arrangements including Public Health; (ii) Governance Arrangements",
    "Overall Development Programme",
]


def _p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _pooled_terms(aims, functions, services, staff, contributions, duration, monitoring, manager):
    return {
        "aims_and_outcomes": _p(aims),
        "functions": _p(functions),
        "services_and_persons": _p(services),
        "staff_goods_accommodation": _p(staff),
        "contributions": _p(contributions),
        "duration_and_termination": _p(duration),
        "monitoring": _p(monitoring),
        "pooled_fund_manager": _p(manager) if manager else "",
    }


#: key: (partnership, reference, values, [(org key, role, signed (name, position, relied on) or None)],
#:       [schedule titles and statuses], [reviews])
AGREEMENTS = {
    "banes-framework": {
        "partnership": "banes",
        "reference": "BANES-JWF-2012",
        "title": "Joint Working Framework between B&NES Council and B&NES CCG",
        "kind": AgreementKind.FRAMEWORK,
        "status": AgreementStatus.IN_FORCE,
        "start_date": D(2012, 9, 1),
        "review_frequency_months": 12,
        "next_review_date": D(2026, 9, 30),
        "host": None,
        "sections": {
            "aims_and_outcomes": _p(
                "Expresses the commitment to and arrangements under which B&NES CCG and B&NES Council "
                "will work together for the benefit of local people, building on but superseding the "
                "previous arrangements between the Council and the PCT.",
                "The vision for joint working is that by working together both organisations are "
                "stronger, can achieve more together, and drive forward the strategic aims of the "
                "Health and Wellbeing Board.",
            ),
            "functions": _p(
                "Both bodies retain their statutory functions. No responsibility or authority is "
                "delegated from one party to another."
            ),
            "services_and_persons": _p(
                "Adult services, children's services and public health: the strategic planning, "
                "commissioning and procurement of health, social care and housing services, "
                "including drugs and alcohol services through the Responsible Authorities Group's "
                "pooled budget."
            ),
            "staff_goods_accommodation": _p(
                "Joint management teams continue under Section 113 of the Local Government Act 1972; "
                "co-location of teams in Keynsham and St Martins."
            ),
            "governance": _p(
                "A Joint Commissioning and Leadership Team meeting bi-monthly, chaired by the CCG "
                "Accountable Officer; a Joint Committee for the Oversight of Joint Working."
            ),
            "risk_share": _p(
                "The balance of risk between the parties is to be articulated for each arrangement, "
                "with plans for mitigation or sharing of risk."
            ),
            "exit_arrangements": _p(
                "The mechanism for either party to withdraw and the allocation of exit costs and "
                "residual liabilities must be explicit in each arrangement."
            ),
            "dispute_resolution": _p(
                "The Joint Committee for the Oversight of Joint Working acts as an escalation route "
                "in the event of disputes."
            ),
            "duration_and_termination": _p(
                "In place until the CCG and the Council decide otherwise; the Framework and its "
                "supporting schedules are reviewed annually by the Joint Committee."
            ),
            "monitoring": _p(
                "The Joint Committee monitors the operation of the formal S113 and financial "
                "arrangements and annually reviews joint working and the development programme."
            ),
        },
        "parties": [
            (
                "banes-council",
                PartyRole.PARTNER,
                ("Chief Executive", "Chief Executive", "Cabinet, September 2012"),
            ),
            (
                "banes-ccg",
                PartyRole.PARTNER,
                ("Accountable Officer", "Accountable Officer", "CCG Board, September 2012"),
            ),
        ],
        "schedules": [(title, ScheduleStatus.TO_BE_DEVELOPED) for title in BANES_APPENDICES],
        "reviews": [
            (
                D(2013, 9, 30),
                ReviewStatus.COMPLETED,
                D(2013, 9, 26),
                ReviewOutcome.CONTINUE,
                "Joint Committee for the Oversight of Joint Working, September 2013",
            ),
            (D(2026, 9, 30), ReviewStatus.DUE, None, "", ""),
        ],
    },
    "banes-s75-pooled": {
        "partnership": "banes",
        "reference": "BANES-S75-POOLED",
        "title": "Section 75 pooled funds hosted by the Council",
        "kind": AgreementKind.S75_POOLED_FUND,
        "status": AgreementStatus.IN_FORCE,
        "start_date": D(2013, 4, 1),
        "review_frequency_months": 12,
        "next_review_date": D(2027, 1, 15),
        "notice_period_months": 6,
        "parent": "banes-framework",
        "host": "banes-council",
        "sections": _pooled_terms(
            "Pooled funds for specific purposes so that health and social care money is used jointly.",
            "The CCG's NHS functions and the Council's health-related functions for the pooled services.",
            "The services named in the Schedule of Financial Arrangements, for adults in B&NES.",
            "Staff under the Section 113 agreement; no goods or accommodation are transferred.",
            "Each partner's contribution is agreed each year before 1 April and may be varied by "
            "written agreement of both partners.",
            "From 1 April 2013 until terminated; reviewed annually; six months' notice to terminate.",
            "Quarterly monitoring reports to the Joint Committee for the Oversight of Joint Working.",
            "The pooled budgets are hosted and managed by the Council (Strategic Director, People "
            "and Communities).",
        ),
        "parties": [
            (
                "banes-council",
                PartyRole.HOST,
                ("Strategic Director", "Strategic Director, People and Communities", "Scheme of delegation"),
            ),
            (
                "banes-ccg",
                PartyRole.CONTRIBUTOR,
                ("Chief Financial Officer", "Chief Financial Officer", "CCG Board, March 2013"),
            ),
        ],
    },
    "banes-s10-pooled": {
        "partnership": "banes",
        "reference": "BANES-S10-CHILDREN",
        "title": "Section 10 Children Act 2004 pooled fund for children's services",
        "kind": AgreementKind.S10_CHILDREN_ACT,
        "status": AgreementStatus.IN_FORCE,
        "start_date": D(2013, 4, 1),
        "review_frequency_months": 12,
        "next_review_date": D(2027, 3, 31),
        "parent": "banes-framework",
        "host": "banes-council",
        "sections": {
            "aims_and_outcomes": _p(
                "Joint commissioning of services for children, young people and families."
            ),
            "contributions": _p("Contributions agreed annually by both partners."),
            "pooled_fund_manager": _p("Hosted and managed by the Council (Director of Children's Services)."),
        },
        "parties": [
            (
                "banes-council",
                PartyRole.HOST,
                ("Director of Children's Services", "Director", "Scheme of delegation"),
            ),
            (
                "banes-ccg",
                PartyRole.CONTRIBUTOR,
                ("Chief Financial Officer", "Chief Financial Officer", "CCG Board, March 2013"),
            ),
        ],
    },
    "banes-s256": {
        "partnership": "banes",
        "reference": "BANES-S256",
        "title": "Section 256 transfers from the CCG to the Council for social care",
        "kind": AgreementKind.S256,
        "status": AgreementStatus.IN_FORCE,
        "start_date": D(2013, 4, 1),
        "review_frequency_months": 12,
        "next_review_date": D(2027, 3, 31),
        "parent": "banes-framework",
        "host": None,
        "sections": {
            "aims_and_outcomes": _p(
                "The CCG passes monies to the Council for specific purposes, usually expenditure on "
                "social care which also benefits health."
            ),
            "monitoring": _p(
                "Use of the monies is reported to the Joint Committee for the Oversight of Joint Working."
            ),
        },
        "parties": [
            (
                "banes-ccg",
                PartyRole.CONTRIBUTOR,
                ("Chief Financial Officer", "Chief Financial Officer", "CCG Board, March 2013"),
            ),
            (
                "banes-council",
                PartyRole.RECIPIENT,
                ("Section 151 Officer", "Divisional Director, Finance", "Scheme of delegation"),
            ),
        ],
    },
    "banes-s113": {
        "partnership": "banes",
        "reference": "BANES-S113",
        "title": "Section 113 agreement for joint management posts, with HR Protocol",
        "kind": AgreementKind.S113,
        "status": AgreementStatus.IN_FORCE,
        "start_date": D(2013, 4, 1),
        "review_frequency_months": 12,
        "next_review_date": D(2027, 3, 31),
        "parent": "banes-framework",
        "host": None,
        "sections": {
            "staff_goods_accommodation": _p(
                "Staff of each body are made available to the other (effectively by partial "
                "secondment) under Section 113 of the Local Government Act 1972; recharges follow "
                "formal joint accountability."
            ),
            "governance": _p(
                "An HR framework for managing staff within the joint team, and guidelines for choosing the employer of new posts."
            ),
        },
        "parties": [
            (
                "banes-council",
                PartyRole.EMPLOYER,
                ("Chief Executive", "Chief Executive", "Cabinet, September 2012"),
            ),
            (
                "banes-ccg",
                PartyRole.EMPLOYER,
                ("Accountable Officer", "Accountable Officer", "CCG Board, September 2012"),
            ),
        ],
    },
    "banes-pct-s113-2009": {
        "partnership": "banes",
        "reference": "BANES-PCT-S113-2009",
        "title": "Section 113 joint management arrangements between the Council and the PCT (2009)",
        "kind": AgreementKind.S113,
        "status": AgreementStatus.EXPIRED,
        "start_date": D(2009, 4, 1),
        "end_date": D(2013, 3, 31),
        "host": None,
        "sections": {
            "staff_goods_accommodation": _p(
                "Joint management arrangements put in place by the Council and the PCT in 2009."
            ),
        },
        "parties": [
            ("banes-council", PartyRole.EMPLOYER, ("Chief Executive", "Chief Executive", "Cabinet, 2009")),
            ("banes-pct", PartyRole.EMPLOYER, ("Chief Executive", "Chief Executive", "PCT Board, 2009")),
        ],
    },
    "walsall-s75-jcu": {
        "partnership": "walsall",
        "reference": "WAL-S75-JCU",
        "title": "Section 75 agreement for the Joint Commissioning Unit",
        "kind": AgreementKind.S75_LEAD_COMMISSIONING,
        "status": AgreementStatus.IN_FORCE,
        "start_date": D(2009, 10, 1),
        "review_frequency_months": 12,
        "next_review_date": D(2026, 12, 31),
        "notice_period_months": 6,
        "host": "nhs-walsall",
        "sections": _pooled_terms(
            "A Joint Commissioning Unit that commissions adult social care and health services on "
            "behalf of both bodies, with aligned (not pooled) budgets of about £97m.",
            "The Council's social care commissioning functions and NHS Walsall's commissioning functions.",
            "Adult social care and health services: about £83m commissioned externally and £14m "
            "in-house provision under service level agreements.",
            "A JCU Manager employed by NHS Walsall, jointly managed and jointly funded, who may not "
            "sign for the Council.",
            "Each body keeps absolute sovereignty over the expenditure of its own resources; budgets "
            "are aligned and varied only by each body for its own money.",
            "Either body may dissolve the arrangement should it no longer be the desired model of "
            "joint working; reviewed annually.",
            "Regular budget monitoring meetings led by the JCU Manager on behalf of the Executive Director.",
            "",
        )
        | {
            "governance": _p(
                "Signing delegated to the Executive Director of Social Care and Inclusion in "
                "consultation with the Cabinet Member for Social Care and Inclusion."
            ),
            "exit_arrangements": _p(
                "Mechanisms to dissolve the joint arrangements are part of the agreement."
            ),
        },
        # The paper (4.1.4): the JCU Manager's salary is jointly funded; NHS Walsall employs.
        "payments": [
            (
                "walsall-council",
                "nhs-walsall",
                "The Council's share of the JCU Manager's salary (the post is jointly funded, from the "
                "Adult Social Care cash-limited revenue budget); reviewed with the agreement each year.",
            ),
        ],
        "parties": [
            (
                "nhs-walsall",
                PartyRole.HOST,
                ("Chief Executive", "Chief Executive", "NHS Walsall Board, 2009"),
            ),
            (
                "walsall-council",
                PartyRole.PARTNER,
                (
                    "Executive Director",
                    "Executive Director of Social Care and Inclusion",
                    "Cabinet decision delegating signing to the Executive Director in consultation "
                    "with the Cabinet Member for Social Care and Inclusion",
                ),
            ),
        ],
    },
    "walsall-ices-pool": {
        "partnership": "walsall",
        "reference": "WAL-S75-ICES",
        "title": "Integrated Community Equipment Store pooled budget",
        "kind": AgreementKind.S75_POOLED_FUND,
        "status": AgreementStatus.IN_FORCE,
        "start_date": D(2006, 4, 1),
        "review_frequency_months": 12,
        "next_review_date": D(2027, 3, 31),
        "notice_period_months": 6,
        # Notice given under its terms: it stays in force until the ending takes effect.
        "ending": {
            "status": AgreementStatus.TERMINATED,
            "notice_given_on": D(2026, 9, 30),
            "ends_on": D(2027, 3, 31),
            "reason": "The equipment store moves into the new community services contract from April 2027",
            "by": "walsall-council-officer",
        },
        "host": "walsall-council",
        "sections": _pooled_terms(
            "A single equipment service for health and social care users.",
            "Community equipment functions of both bodies.",
            "People in Walsall assessed as needing community equipment.",
            "The equipment store and its staff, hosted by the Council.",
            "Contributions agreed annually; varied by written agreement.",
            "Continues alongside the Joint Commissioning Unit under its existing terms.",
            "Quarterly pool statements to both bodies.",
            "The Council's Head of Community Care.",
        ),
        "parties": [
            (
                "walsall-council",
                PartyRole.HOST,
                ("Executive Director", "Executive Director", "Cabinet, 2006"),
            ),
            (
                "nhs-walsall",
                PartyRole.CONTRIBUTOR,
                ("Director of Finance", "Director of Finance", "PCT Board, 2006"),
            ),
        ],
    },
    "walsall-ld-pool": {
        "partnership": "walsall",
        "reference": "WAL-S75-LD-POOL",
        "title": "Learning disabilities pooled budget",
        "kind": AgreementKind.S75_POOLED_FUND,
        "status": AgreementStatus.IN_FORCE,
        "start_date": D(2006, 4, 1),
        "review_frequency_months": 12,
        "next_review_date": D(2027, 3, 31),
        "host": "walsall-council",
        "sections": _pooled_terms(
            "Joint commissioning of services for adults with learning disabilities.",
            "The learning disability functions of both bodies.",
            "Adults with learning disabilities in Walsall.",
            "Commissioning staff of the Council; no goods or accommodation transferred.",
            "Contributions agreed annually; varied by written agreement.",
            "Continues alongside the Joint Commissioning Unit under its existing terms.",
            "Quarterly pool statements to both bodies.",
            "The Council's Head of Learning Disability Commissioning.",
        ),
        "parties": [
            (
                "walsall-council",
                PartyRole.HOST,
                ("Executive Director", "Executive Director", "Cabinet, 2006"),
            ),
            (
                "nhs-walsall",
                PartyRole.CONTRIBUTOR,
                ("Director of Finance", "Director of Finance", "PCT Board, 2006"),
            ),
        ],
    },
    "worcs-concordat": {
        "partnership": "worcestershire",
        "reference": "WORCS-CONCORDAT-2008",
        "title": "A Concordat to develop joint commissioning in Worcestershire",
        "kind": AgreementKind.CONCORDAT,
        "status": AgreementStatus.AWAITING_SIGNATURE,
        "start_date": D(2008, 3, 1),
        "review_frequency_months": 12,
        "host": None,
        "sections": {
            "aims_and_outcomes": _p(
                "To establish a joint commissioning function: two closely linked Joint Commissioning "
                "Units, one for adult and community services and one for children's services."
            ),
            "services_and_persons": _p(
                "Adults: older people, people with learning disabilities, people with physical "
                "disabilities and/or sensory impairment, and mental health problems. Children aged under 18."
            ),
            "governance": _p(
                "The Joint Commissioning Group, chaired by the Chief Executive of the PCT; the Health "
                "and Social Care Partnership Board; the Children and Young People's Partnership; a "
                "twice-yearly cross-cutting meeting of chief executives, cabinet members and the PCT chair."
            ),
            "monitoring": _p(
                "Annual agreements for each jointly commissioned service setting out governance, "
                "outcomes, priorities, investment intentions, outcome measures and a work plan."
            ),
        },
        "parties": [
            ("worcs-pct", PartyRole.PARTNER, None),
            ("worcs-council", PartyRole.PARTNER, None),
        ],
    },
    "worcs-s31-2003": {
        "partnership": "worcestershire",
        "reference": "WORCS-S31-2003",
        "title": "Section 31 partnership agreements between the commissioning authorities",
        "kind": AgreementKind.S31_HEALTH_ACT_1999,
        "status": AgreementStatus.EXPIRED,
        "start_date": D(2003, 4, 1),
        "end_date": D(2008, 3, 31),
        "host": None,
        "sections": {
            "aims_and_outcomes": _p(
                "The first of a series of legal S31 (now S75) agreements, since maintained and broadened; "
                "replaced by two framework agreements from April 2008."
            ),
        },
        "parties": [
            ("worcs-council", PartyRole.PARTNER, ("Chief Executive", "Chief Executive", "Cabinet, 2003")),
            ("worcs-pct", PartyRole.PARTNER, ("Chief Executive", "Chief Executive", "PCT Board, 2003")),
        ],
    },
    "worcs-s75-adults": {
        "partnership": "worcestershire",
        "reference": "WORCS-S75-ADULTS",
        "title": "Adult Health and Social Care Section 75 framework agreement",
        "kind": AgreementKind.S75_LEAD_COMMISSIONING,
        "status": AgreementStatus.IN_FORCE,
        "start_date": D(2008, 4, 1),
        "review_frequency_months": 12,
        "next_review_date": D(2027, 3, 31),
        "parent": "worcs-concordat",
        "host": "worcs-council",
        "sections": _pooled_terms(
            "Joint commissioning of adult health and social care, replacing the Section 31 agreements "
            "that expired in March 2008.",
            "Commissioning functions of the PCT and the County Council for adult services.",
            "Older people; people with learning disabilities; physical disabilities and/or sensory "
            "impairment; mental health problems.",
            "The adult Joint Commissioning Unit's commissioners and support staff.",
            "Set out in the annual agreement for each jointly commissioned service (investment "
            "intentions); varied by agreement of both partners.",
            "From April 2008; annual agreements reviewed each year.",
            "National and local outcome measures reported to the Health and Social Care Partnership Board.",
            "",
        ),
        "payments": [
            (
                "worcs-pct",
                "worcs-council",
                "The PCT's contribution to each jointly commissioned adult service, paid to the County "
                "Council as lead commissioner, as set out in that service's annual agreement; varied by "
                "agreement of both partners.",
            ),
        ],
        "parties": [
            (
                "worcs-council",
                PartyRole.HOST,
                ("Director of Adult and Community Services", "Director", "Cabinet, March 2008"),
            ),
            ("worcs-pct", PartyRole.PARTNER, ("Chief Executive", "Chief Executive", "PCT Board, March 2008")),
        ],
        "schedules": [
            ("Annual agreement: older people", ScheduleStatus.AGREED),
            ("Annual agreement: learning disabilities", ScheduleStatus.AGREED),
            ("Annual agreement: physical disabilities and sensory impairment", ScheduleStatus.DRAFT),
            ("Annual agreement: mental health", ScheduleStatus.DRAFT),
        ],
    },
    "worcs-s75-children": {
        "partnership": "worcestershire",
        "reference": "WORCS-S75-CHILDREN",
        "title": "Children's services Section 75 framework agreement",
        "kind": AgreementKind.S75_LEAD_COMMISSIONING,
        "status": AgreementStatus.IN_NEGOTIATION,
        "start_date": D(2009, 4, 1),
        "review_frequency_months": 12,
        "parent": "worcs-concordat",
        "host": "worcs-council",
        "sections": {
            "aims_and_outcomes": _p(
                "To capture the partners' mutually desired outcomes, strategic objectives and management "
                "and governance arrangements for children and young people in a formal legal agreement "
                "during 2008/9."
            ),
            "services_and_persons": _p("Children and young people aged under 18."),
        },
        "parties": [
            ("worcs-council", PartyRole.HOST, None),
            ("worcs-pct", PartyRole.PARTNER, None),
        ],
        "schedules": [("Annual agreement: children's joint commissioning", ScheduleStatus.TO_BE_DEVELOPED)],
    },
    "cheshire-ld-pool": {
        "partnership": "cheshire-east",
        "reference": "CE-S75-LD-POOL",
        "title": "Learning disability pooled budget (Section 75)",
        "kind": AgreementKind.S75_POOLED_FUND,
        "status": AgreementStatus.IN_FORCE,
        "start_date": D(2009, 4, 1),
        "review_frequency_months": 12,
        "next_review_date": D(2026, 12, 15),
        "host": "cheshire-east-council",
        "sections": _pooled_terms(
            "Joint commissioning of services for adults with learning disabilities, the Council "
            "acting as lead commissioner.",
            "The PCT's NHS functions and the Council's social care functions for learning disability services.",
            "Adults with learning disabilities in Cheshire East.",
            "Commissioning staff of the Council as lead commissioner.",
            "About £66m in all (pan-Cheshire/PCT outturn 2008/9); each partner's share is agreed "
            "annually and varied by written agreement.",
            "Reviewed annually; either partner may end the pool on twelve months' notice.",
            "Reports to the Joint Commissioning Board, which holds delegated authority over agreed resources.",
            "The Council's Head of Learning Disability Commissioning.",
        ),
        "parties": [
            (
                "cheshire-east-council",
                PartyRole.HOST,
                ("Strategic Director", "Strategic Director, People", "Cabinet, 2009"),
            ),
            (
                "cheshire-pct",
                PartyRole.CONTRIBUTOR,
                ("Chief Executive", "Chief Executive", "PCT Board, 2009"),
            ),
        ],
    },
}


def load(context):
    organisations = context["organisations"]
    partnerships = context["partnerships"]
    agreements = {}
    for key, spec in AGREEMENTS.items():
        parent = agreements.get(spec.get("parent"))
        host = organisations.get(spec.get("host")) if spec.get("host") else None
        values = {
            "title": spec["title"],
            "kind": spec["kind"],
            "status": spec["status"],
            "start_date": spec.get("start_date"),
            "end_date": spec.get("end_date"),
            "review_frequency_months": spec.get("review_frequency_months"),
            "next_review_date": spec.get("next_review_date"),
            "notice_period_months": spec.get("notice_period_months"),
            "host_body": host,
            "parent": parent,
            **_ending(spec.get("ending")),
            **{
                name: text.sanitise(spec.get("sections", {}).get(name, ""))
                for name in Agreement.SECTION_FIELDS
            },
        }
        agreement = _update_or_create(
            Agreement,
            {"partnership": partnerships[spec["partnership"]], "reference": spec["reference"]},
            **values,
        )
        agreements[key] = agreement
        for org_key, role, signature in spec["parties"]:
            party_values = {"role": role}
            if signature:
                name, position, relied_on = signature
                if position.startswith(name):  # the papers name the post, not the person
                    name, position = position, ""
                party_values.update(
                    signatory_name=name,
                    signatory_position=position,
                    relied_on=relied_on,
                    signed_on=spec.get("start_date"),
                )
            _update_or_create(
                AgreementParty,
                {"agreement": agreement, "organisation": organisations[org_key]},
                **party_values,
            )
        for payer, payee, description in spec.get("payments", []):
            _update_or_create(
                AgreementPayment,
                {"agreement": agreement, "payer": organisations[payer], "payee": organisations[payee]},
                description=description,
            )
        permissions.grant_owner_permissions(agreement)
        for number, (title, status) in enumerate(spec.get("schedules", []), start=1):
            _update_or_create(
                Schedule, {"agreement": agreement, "number": number}, title=title, status=status
            )
        for due, status, completed_on, outcome, meeting in spec.get("reviews", []):
            _update_or_create(
                Review,
                {"agreement": agreement, "due": due},
                status=status,
                completed_on=completed_on,
                outcome=outcome,
                meeting=meeting,
            )
    context["agreements"] = agreements
    return agreements


def _ending(ending):
    """The fields of an ending recorded with notice (none when the spec has no ending)."""
    if not ending:
        return {}
    return {
        "ending_status": ending["status"],
        "notice_given_on": ending["notice_given_on"],
        "ends_on": ending["ends_on"],
        "ending_reason": ending["reason"],
        "notice_given_by": get_user_model().objects.filter(username=ending["by"]).first(),
    }


def _update_or_create(model, lookup, **values):
    """Save (and write history) only when the record is new or something differs."""
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
