"""Choices for agreements, named in the words of the partnership papers."""

from django.db import models


class AgreementKind(models.TextChoices):
    S75_POOLED_FUND = "s75_pooled_fund", "Section 75 pooled fund"
    S75_LEAD_COMMISSIONING = "s75_lead_commissioning", "Section 75 lead commissioning"
    S75_INTEGRATED_PROVISION = "s75_integrated_provision", "Section 75 integrated provision"
    S256 = "s256", "Section 256 (NHS to local authority transfer)"
    S113 = "s113", "Section 113 (sharing of staff)"
    S10_CHILDREN_ACT = "s10_children_act", "Section 10 Children Act 2004"
    S31_HEALTH_ACT_1999 = "s31_health_act_1999", "Section 31 Health Act 1999 (historic)"
    FRAMEWORK = "framework", "Framework agreement"
    CONCORDAT = "concordat", "Concordat or memorandum of understanding"
    OTHER = "other", "Other"


#: Kinds made under section 75 of the NHS Act 2006 (and SI 2000/617 regulations 7–9).
SECTION_75_KINDS = frozenset(
    {
        AgreementKind.S75_POOLED_FUND,
        AgreementKind.S75_LEAD_COMMISSIONING,
        AgreementKind.S75_INTEGRATED_PROVISION,
    }
)


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_NEGOTIATION = "in_negotiation", "In negotiation"
    AWAITING_SIGNATURE = "awaiting_signature", "Awaiting signature"
    IN_FORCE = "in_force", "In force"
    UNDER_REVIEW = "under_review", "Under review"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


#: The statuses an agreement ends in: on a date recorded beforehand, not at the click.
ENDING_STATUSES = (AgreementStatus.TERMINATED, AgreementStatus.EXPIRED)


class PartyRole(models.TextChoices):
    HOST = "host", "Host or lead"
    PARTNER = "partner", "Partner"
    CONTRIBUTOR = "contributor", "Contributor"
    RECIPIENT = "recipient", "Recipient"
    EMPLOYER = "employer", "Employer"


class ScheduleStatus(models.TextChoices):
    TO_BE_DEVELOPED = "to_be_developed", "To be developed"
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"


class VariationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ReviewStatus(models.TextChoices):
    DUE = "due", "Due"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue unchanged"
    VARY = "vary", "Vary"
    TERMINATE = "terminate", "Terminate"
