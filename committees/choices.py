from django.db import models


class CommitteeKind(models.TextChoices):
    BOARD = "board", "Board"
    JOINT_COMMITTEE = "joint_committee", "Joint committee"
    SUB_COMMITTEE = "sub_committee", "Sub-committee"
    LEADERSHIP_TEAM = "leadership_team", "Leadership team"
    WORKING_GROUP = "working_group", "Working group"
    CASE_COMMITTEE = "case_committee", "Case committee"


class MeetingCycle(models.TextChoices):
    """How often a committee meets; ``months`` is the gap between meetings."""

    MONTHLY = "monthly", "Monthly"
    BI_MONTHLY = "bi_monthly", "Bi-monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Six-monthly"
    ANNUAL = "annual", "Annual"


CYCLE_MONTHS = {
    MeetingCycle.MONTHLY: 1,
    MeetingCycle.BI_MONTHLY: 2,
    MeetingCycle.QUARTERLY: 3,
    MeetingCycle.SIX_MONTHLY: 6,
    MeetingCycle.ANNUAL: 12,
}


class CommitteeStatus(models.TextChoices):
    SHADOW = "shadow", "Shadow"
    ACTIVE = "active", "Active"
    DISSOLVED = "dissolved", "Dissolved"


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"
    CO_OPTED = "co_opted", "Co-opted member"
    OBSERVER = "observer", "Observer"
    ADVISER = "adviser", "Adviser"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    AGENDA_PUBLISHED = "agenda_published", "Agenda published"
    HELD = "held", "Held"
    MINUTES_APPROVED = "minutes_approved", "Minutes approved"
    CANCELLED = "cancelled", "Cancelled"


class ItemPurpose(models.TextChoices):
    DECISION = "decision", "For decision"
    DISCUSSION = "discussion", "For discussion"
    INFORMATION = "information", "For information"


#: Schedule 12A, Part 1, paragraphs 1 to 7, word for word: shown wherever a paragraph is cited.
SCHEDULE_12A = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: "Information relating to the financial or business affairs of any particular person "
    "(including the authority holding that information).",
    4: "Information relating to any consultations or negotiations, or contemplated consultations "
    "or negotiations, in connection with any labour relations matter arising between the "
    "authority or a Minister of the Crown and employees of, or office holders under, the authority.",
    5: "Information in respect of which a claim to legal professional privilege could be "
    "maintained in legal proceedings.",
    6: "Information which reveals that the authority proposes— (a) to give under any enactment a "
    "notice under or by virtue of which requirements are imposed on a person; or (b) to make an "
    "order or direction under any enactment.",
    7: "Information relating to any action taken or to be taken in connection with the "
    "prevention, investigation or prosecution of crime.",
}


def _paragraph(number):
    return number, f"{number} — {SCHEDULE_12A[number]}"


class ExemptParagraph(models.IntegerChoices):
    """Local Government Act 1972, Schedule 12A, Part 1 (England, as substituted in 2006):
    descriptions of exempt information, in the Act's words."""

    INDIVIDUAL = _paragraph(1)
    IDENTITY = _paragraph(2)
    FINANCIAL = _paragraph(3)
    LABOUR_RELATIONS = _paragraph(4)
    LEGAL_PRIVILEGE = _paragraph(5)
    NOTICES_ORDERS = _paragraph(6)
    CRIME = _paragraph(7)


#: Schedule 12A, paragraph 10: the public interest test every exemption must pass.
PUBLIC_INTEREST_TEST = (
    "The public interest in maintaining the exemption outweighs the public interest in "
    "disclosing the information because"
)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"
    SUBSTITUTE = "substitute", "Substitute attended"


class InterestNature(models.TextChoices):
    DISCLOSABLE_PECUNIARY = "disclosable_pecuniary", "Disclosable pecuniary interest"
    OTHER_REGISTRABLE = "other_registrable", "Other registrable interest"
    NON_REGISTRABLE = "non_registrable", "Non-registrable interest"
    CONFLICT = "conflict", "Conflict of interest (NHS)"


class InterestCategory(models.TextChoices):
    """What a register entry is, in the words of the code it is registered under: a council's
    (the Relevant Authorities (Disclosable Pecuniary Interests) Regulations 2012 and its code of
    conduct) or an NHS body's (Managing Conflicts of Interest in the NHS, 2017)."""

    EMPLOYMENT = (
        "employment",
        "Disclosable pecuniary interest: employment, office, trade, profession or vocation",
    )
    SPONSORSHIP = "sponsorship", "Disclosable pecuniary interest: sponsorship"
    CONTRACTS = "contracts", "Disclosable pecuniary interest: contracts"
    LAND = "land", "Disclosable pecuniary interest: land"
    LICENCES = "licences", "Disclosable pecuniary interest: licences"
    CORPORATE_TENANCIES = "corporate_tenancies", "Disclosable pecuniary interest: corporate tenancies"
    SECURITIES = "securities", "Disclosable pecuniary interest: securities"
    OTHER_REGISTRABLE = "other_registrable", "Other registrable interest"
    FINANCIAL = "financial", "Financial interest"
    NON_FINANCIAL_PROFESSIONAL = "non_financial_professional", "Non-financial professional interest"
    NON_FINANCIAL_PERSONAL = "non_financial_personal", "Non-financial personal interest"
    INDIRECT = "indirect", "Indirect interest"


#: The categories of a council's register, and of an NHS body's.
COUNCIL_INTEREST_CATEGORIES = tuple(InterestCategory)[:8]
NHS_INTEREST_CATEGORIES = tuple(InterestCategory)[8:]


class InterestReview(models.TextChoices):
    AWAITING = "awaiting", "Awaiting review"
    ACCEPTED = "accepted", "Reviewed"
    RETURNED = "returned", "Returned to the member"


class ClearanceKind(models.TextChoices):
    """A review a report goes through before it is approved for publication."""

    FINANCE = "finance", "Finance"
    LEGAL = "legal", "Legal"
    MONITORING_OFFICER = "monitoring_officer", "Monitoring officer or governance lead"
    PARTNER_LEAD = "partner_lead", "Lead of a partner body"


class ClearanceOutcome(models.TextChoices):
    CLEARED = "cleared", "Cleared"
    CHANGES = "changes", "Changes asked for"


class AmendmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Matter(models.TextChoices):
    """What a decision is about; a delegation lists the matters it covers."""

    COMMISSIONING = "commissioning", "Commissioning of services"
    POOLED_BUDGET = "pooled_budget", "Pooled budget management"
    CONTRACT_AWARD = "contract_award", "Contract award or variation"
    SPENDING = "spending", "Spending within budget"
    STAFFING = "staffing", "Staffing and appointments"
    STRATEGY = "strategy", "Strategy and policy"
    GOVERNANCE = "governance", "Governance and terms of reference"
    INDIVIDUAL_CASE = "individual_case", "Individual care case"
    SIGNING = "signing", "Signing agreements"
    OTHER = "other", "Other"


class BindingOutcome(models.TextChoices):
    BINDING = "binding", "Binding (delegated authority)"
    AWAITING_RATIFICATION = "awaiting_ratification", "Recommendation awaiting ratification"
    RATIFIED = "ratified", "Ratified"
    REJECTED = "rejected", "Not ratified"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class KeyDecisionRoute(models.TextChoices):
    """How a key decision was lawfully taken (the Local Authorities (Executive Arrangements)
    (Meetings and Access to Information) (England) Regulations 2012, regulations 9 to 11)."""

    FORWARD_PLAN = "forward_plan", "On the forward plan 28 clear days before"
    GENERAL_EXCEPTION = "general_exception", "General exception (notice 5 clear days before)"
    SPECIAL_URGENCY = "special_urgency", "Special urgency"


class CallInOutcome(models.TextChoices):
    STANDS = "stands", "The decision stands"
    REFERRED_BACK = "referred_back", "Referred back to the decision-maker"
