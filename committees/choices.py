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


class ExemptParagraph(models.IntegerChoices):
    """Local Government Act 1972, Schedule 12A, Part 1: descriptions of exempt information."""

    INDIVIDUAL = 1, "1 — Information relating to any individual"
    IDENTITY = 2, "2 — Information likely to reveal the identity of an individual"
    FINANCIAL = (
        3,
        "3 — Information relating to the financial or business affairs of any particular person "
        "(including the authority holding that information)",
    )
    LABOUR_RELATIONS = (
        4,
        "4 — Information relating to consultations or negotiations in connection with any labour "
        "relations matter",
    )
    LEGAL_PRIVILEGE = (
        5,
        "5 — Information in respect of which a claim to legal professional privilege could be "
        "maintained in legal proceedings",
    )
    NOTICES_ORDERS = (
        6,
        "6 — Information revealing that the authority proposes to give a notice or make an order "
        "or direction under any enactment",
    )
    CRIME = (
        7,
        "7 — Information relating to action taken in connection with the prevention, "
        "investigation or prosecution of crime",
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
