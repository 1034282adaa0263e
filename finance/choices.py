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


class CoverStep(models.TextChoices):
    """The pool's own ways of meeting an overspend, before the bodies' shares, in the order
    the agreement sets."""

    LINES = "lines", "Underspends on other lines within the pool"
    CONTINGENCY = "contingency", "The pool's contingency"
    UNCOMMITTED = "uncommitted", "Schemes not yet committed"


class UnderspendRule(models.TextChoices):
    RISK_SHARE = "risk_share", "Returned to the bodies under the risk-share rule"
    RETURN_PRO_RATA = "return_pro_rata", "Returned to the bodies in proportion to contributions"
    CARRY_FORWARD = "carry_forward", "Carried forward within the pool"
    CONTINGENCY = "contingency", "Kept as the pool's contingency for next year"


class ReportKind(models.TextChoices):
    """The reports SI 2000/617 requires of a partnership arrangement's money."""

    POOLED_FUND = "pooled_fund", "Pooled fund manager's report (regulation 7(4))"
    LEAD_COMMISSIONING = "lead_commissioning", "Lead commissioner's report (regulation 8)"
    INTEGRATED_PROVISION = "integrated_provision", "Integrated provider's report (regulation 9)"


class ReportPeriod(models.IntegerChoices):
    Q1 = 1, "Quarter 1 (April to June)"
    Q2 = 2, "Quarter 2 (July to September)"
    Q3 = 3, "Quarter 3 (October to December)"
    Q4 = 4, "Quarter 4 (January to March)"
    ANNUAL = 5, "Annual return"


class ReturnKind(models.TextChoices):
    STAFF = "staff", "Staff"
    ASSET = "asset", "Asset"


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
