"""Choices for shared staff, in the words of the partnership papers."""

from django.db import models


class EmployerDesignation(models.TextChoices):
    """Whether a post's employer is fixed (B&NES framework 2012: "Some posts may be
    designated as those where the employer must specifically either be the B&NES
    Council or the B&NES CCG")."""

    OPEN = "open", "Either body may employ (decided under the S113 guidelines)"
    DESIGNATED = "designated", "Designated: must be employed by the named body"


class RechargeBasis(models.TextChoices):
    """Why a line appears on a recharge statement."""

    RECHARGE = "recharge", "Recharged to the employer"
    EMPLOYER_SHARE = "employer_share", "Borne by the employer"
