from django.db import models


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    ICB = "icb", "Integrated care board (ICB)"
    CCG = "ccg", "Clinical commissioning group (CCG)"
    PCT = "pct", "Primary care trust (PCT)"
    NHS_TRUST = "nhs_trust", "NHS trust"
    NHS_FOUNDATION_TRUST = "nhs_foundation_trust", "NHS foundation trust"
    OTHER = "other", "Other"


class PartnershipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SHADOW = "shadow", "Shadow"
    ACTIVE = "active", "Active"
    DISSOLVED = "dissolved", "Dissolved"


class PartnerRole(models.TextChoices):
    PARTNER = "partner", "Partner"
    HOST = "host", "Host body"
    ASSOCIATE = "associate", "Associate"


class Role(models.TextChoices):
    """What a person may do for one body."""

    OFFICER = "officer", "Officer"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    SIGNATORY = "signatory", "Signatory"
    COMMITTEE_SECRETARY = "committee_secretary", "Committee secretary"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed, to be tried again"
    UNDELIVERABLE = "undeliverable", "Undeliverable"


class ReorganisationStatus(models.TextChoices):
    RECORDED = "recorded", "Recorded: records to transfer"
    COMPLETED = "completed", "Transfer completed"


class ReorganisationSide(models.TextChoices):
    ABOLISHED = "abolished", "Abolished"
    SUCCESSOR = "successor", "Successor"


class TransferOutcome(models.TextChoices):
    MOVED = "moved", "Moved to a successor"
    ENDED = "ended", "Ended"
