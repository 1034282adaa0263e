"""Choices for pooled and aligned budgets, in the words of the partnership papers."""

from django.db import models


class BudgetKind(models.TextChoices):
    POOLED = "pooled", "Pooled (one fund, hosted by one body)"
    ALIGNED = "aligned", "Aligned (each body keeps its own money, managed together)"


class RiskShareRule(models.TextChoices):
    """How an over- or underspend at year end is shared between the bodies."""

    PROPORTIONAL = "proportional", "In proportion to contributions"
    FIXED_SHARES = "fixed_shares", "Fixed shares agreed in advance"
    HOST_BEARS_ALL = "host_bears_all", "The host body bears all of it"
    OWN_LINES = "own_lines", "Each body bears the variance on the lines it runs"


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    PAID = "paid", "Paid"


class ContributionBasis(models.TextChoices):
    STATED = "stated", "A stated figure"
    ROLLED_FORWARD = "rolled_forward", "Last year's contribution, with an uplift"


#: Months of the financial year: 1 is April, 12 is March.
FINANCIAL_MONTHS = [
    (1, "April"),
    (2, "May"),
    (3, "June"),
    (4, "July"),
    (5, "August"),
    (6, "September"),
    (7, "October"),
    (8, "November"),
    (9, "December"),
    (10, "January"),
    (11, "February"),
    (12, "March"),
]
MONTH_NAMES = dict(FINANCIAL_MONTHS)
