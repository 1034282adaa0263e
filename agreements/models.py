"""Agreements between partner bodies: Section 75, 256, 113, frameworks and concordats.

An agreement belongs to one partnership. Each body that is party to it signs
for itself (``AgreementParty``); officers of every party body may edit the
agreement; its schedules, variations and reviews are kept with it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase

from agreements import text
from agreements.choices import (
    ENDING_STATUSES,
    SECTION_75_KINDS,
    AgreementKind,
    AgreementStatus,
    PartyRole,
    ReviewOutcome,
    ReviewStatus,
    ScheduleStatus,
    VariationStatus,
)
from partnership.choices import Role
from partnership.models import Organisation, Partnership, TrackedModel


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        from partnership import permissions

        return permissions.restrict(self, user)


class Agreement(TrackedModel):
    """One legal agreement (or concordat) between bodies of a partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agreements")
    reference = models.CharField(
        max_length=60, help_text="The partnership's own reference, e.g. BANES-S75-2012."
    )
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=32, choices=AgreementKind.choices)
    status = models.CharField(max_length=32, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(
        null=True, blank=True, help_text="Leave blank for an agreement with no fixed end."
    )
    review_frequency_months = models.PositiveSmallIntegerField(
        "review frequency (months)", null=True, blank=True, help_text="12 for an annual review."
    )
    next_review_date = models.DateField(null=True, blank=True)
    notice_period_months = models.PositiveSmallIntegerField("notice period (months)", null=True, blank=True)
    # An ending (termination, or expiry) recorded now and taking effect on ``ends_on``:
    # pending while the status is still in force or under review, kept once applied.
    ending_status = models.CharField(
        "ending", max_length=32, blank=True, choices=[(s.value, s.label) for s in ENDING_STATUSES]
    )
    notice_given_on = models.DateField("notice given on", null=True, blank=True)
    ends_on = models.DateField("ending takes effect on", null=True, blank=True)
    ending_reason = models.TextField("reason for ending", blank=True)
    notice_given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="ending recorded by",
    )
    host_body = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_agreements",
        help_text="The host or lead body (for a pooled fund, the body that hosts it).",
    )
    governing_committee = models.ForeignKey(
        "committees.Committee",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governed_agreements",
        help_text="The board or committee that oversees the agreement.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_agreements",
        verbose_name="parent agreement",
        help_text="The framework agreement this one is a schedule of.",
    )

    # Sections of the agreement (formatted text, sanitised on save).
    aims_and_outcomes = models.TextField(blank=True)
    functions = models.TextField(
        blank=True, help_text="The NHS and health-related functions of each body covered."
    )
    services_and_persons = models.TextField(
        "services and persons", blank=True, help_text="The services provided and for whom."
    )
    staff_goods_accommodation = models.TextField("staff, goods, services and accommodation", blank=True)
    contributions = models.TextField(
        "contributions and how they may be varied",
        blank=True,
        help_text="Each partner's contribution and how it may be varied.",
    )
    duration_and_termination = models.TextField("duration, review, variation and termination", blank=True)
    governance = models.TextField(blank=True)
    risk_share = models.TextField("risk share", blank=True)
    exit_arrangements = models.TextField("exit arrangements", blank=True)
    dispute_resolution = models.TextField("dispute resolution", blank=True)
    monitoring = models.TextField("monitoring and reporting", blank=True)
    pooled_fund_manager = models.TextField(
        "pooled fund manager",
        blank=True,
        help_text="For a pooled fund: the officer of the host body who manages it.",
    )

    objects = AgreementQuerySet.as_manager()
    partnership_path = "partnership"
    create_roles = (Role.OFFICER,)
    #: Officers of every party body may edit the agreement (granted as parties change).
    owner_permissions = {Role.OFFICER: ["change"]}

    #: The formatted-text sections, in the order they appear in the agreement.
    SECTION_FIELDS = (
        "aims_and_outcomes",
        "functions",
        "services_and_persons",
        "staff_goods_accommodation",
        "contributions",
        "duration_and_termination",
        "governance",
        "risk_share",
        "exit_arrangements",
        "dispute_resolution",
        "monitoring",
        "pooled_fund_manager",
    )
    #: Fields holding formatted text (sanitised HTML), shown as plain text in the history.
    rich_text_fields = SECTION_FIELDS

    class Meta:
        ordering = ["partnership", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "reference"],
                name="agreement_reference_unique_in_partnership",
                violation_error_message="Another agreement in this partnership has this reference.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="agreement_dates_in_order",
                violation_error_message="The end date must not be before the start date.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="agreement_not_own_parent",
                violation_error_message="An agreement cannot be its own parent.",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "status"]),
            models.Index(fields=["next_review_date"]),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def save(self, *args, **kwargs):
        for name in self.SECTION_FIELDS:
            setattr(self, name, text.sanitise(getattr(self, name)))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "agreements:detail",
            kwargs={"partnership": self.partnership.slug, "pk": self.pk},
        )

    #: The statuses in which the agreement has effect. One under review is still in force: the
    #: review decides whether it continues, is varied or ends, and until then its terms bind
    #: (it can still be varied, and it returns to in force when the review says continue).
    EFFECTIVE_STATUSES = frozenset({AgreementStatus.IN_FORCE, AgreementStatus.UNDER_REVIEW})

    @property
    def has_effect(self):
        return self.status in self.EFFECTIVE_STATUSES

    #: The statuses of an agreement that has ended: it has no review to come.
    ENDED_STATUSES = frozenset({AgreementStatus.TERMINATED, AgreementStatus.EXPIRED})

    @property
    def next_review_due(self):
        """The next review's date, or None once the agreement has ended (terminated or expired)."""
        if self.status in self.ENDED_STATUSES:
            return None
        return self.next_review_date

    @property
    def review_overdue(self):
        """Is the next review of an agreement in effect past its date (today, London time)? The
        rule the home page's attention items follow (``services.reviews_due``)."""
        due = self.next_review_date
        return self.has_effect and due is not None and due < timezone.localdate()

    @property
    def pending_ending(self):
        """Is an ending recorded that has not yet taken effect?"""
        return bool(self.ending_status) and self.has_effect

    def ending_summary(self):
        """ "Terminating on 31 March 2027 (notice given 1 October 2026 by Jo Bloggs: reason)",
        or, once applied, "Terminated on ..."; "" when no ending is recorded."""
        if not self.ending_status or self.ends_on is None:
            return ""
        pending = self.has_effect
        verb = {
            AgreementStatus.TERMINATED: ("Terminating", "Terminated"),
            AgreementStatus.EXPIRED: ("Expiring", "Expired"),
        }[AgreementStatus(self.ending_status)][0 if pending else 1]
        who = ""
        if self.notice_given_by_id:
            who = self.notice_given_by.get_full_name() or self.notice_given_by.username
        if self.notice_given_on:
            given = f"notice given {self.notice_given_on:%-d %B %Y}" + (f" by {who}" if who else "")
        else:
            given = f"recorded by {who}" if who else "recorded"
        return f"{verb} on {self.ends_on:%-d %B %Y} ({given}: {self.ending_reason})"

    def covers(self, day):
        """Does ``day`` fall within the agreement's start and end dates? A missing date does not
        bound it: a blank end date means no fixed end, and an agreement comes into force with a
        start date (the last signature's date when none was set)."""
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )

    @property
    def is_section_75(self):
        return self.kind in SECTION_75_KINDS

    @property
    def is_pooled_fund(self):
        return self.kind in {AgreementKind.S75_POOLED_FUND, AgreementKind.S10_CHILDREN_ACT}

    def owner_organisations(self):
        return [party.organisation for party in self.parties.select_related("organisation")]

    def history_children(self):
        variation_ids = Variation.history.filter(agreement_id=self.pk).values("id")
        return [
            AgreementParty.history.filter(agreement_id=self.pk),
            AgreementPayment.history.filter(agreement_id=self.pk),
            Schedule.history.filter(agreement_id=self.pk),
            Variation.history.filter(agreement_id=self.pk),
            VariationApproval.history.filter(variation_id__in=variation_ids),
            Review.history.filter(agreement_id=self.pk),
        ]


class AgreementParty(TrackedModel):
    """A body's place in an agreement, and its own sign-off."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreement_parties")
    role = models.CharField(max_length=16, choices=PartyRole.choices, default=PartyRole.PARTNER)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_signatures",
    )
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_position = models.CharField(max_length=200, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    relied_on = models.TextField(
        "decision or delegation relied on",
        blank=True,
        help_text="The decision or delegation under which the signatory signed.",
    )
    authority = models.CharField(
        "signing authority",
        max_length=300,
        blank=True,
        help_text="The authority Concordat checked when they signed, e.g. Signatory of Walsall Council.",
    )

    partnership_path = "agreement__partnership"
    #: Only a signatory of the party's own body may sign for it.
    owner_permissions = {Role.SIGNATORY: ["sign"]}

    class Meta:
        ordering = ["agreement", "organisation__name"]
        verbose_name_plural = "agreement parties"
        permissions = [("sign_agreementparty", "Sign an agreement for own body")]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"],
                name="agreement_party_once",
                violation_error_message="This body is already a party to this agreement.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()}) — {self.agreement.reference}"

    @property
    def has_signed(self):
        return self.signed_on is not None

    def owner_organisations(self):
        return [self.organisation]


class AgreementPayment(TrackedModel):
    """A payment one party makes to another under the agreement, and its direction.

    A lead commissioning or integrated provision agreement under section 75 states the payments
    to be made by one partner to the other and how they may be varied; which body pays which is
    kept as two bodies, not as text, so it can be checked and shown the same way everywhere."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="payments")
    payer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreement_payments_made", verbose_name="paid by"
    )
    payee = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agreement_payments_received",
        verbose_name="paid to",
    )
    description = models.TextField(
        "what for, and how it may be varied",
        help_text="For example: the Council's costs of commissioning learning disability services; "
        "uplifted each April by the agreed inflator.",
    )
    amount = models.DecimalField(
        "amount a year",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="In pounds and pence, if the agreement fixes one. Leave blank if it sets a formula.",
    )

    partnership_path = "agreement__partnership"

    class Meta:
        ordering = ["agreement", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(payer=models.F("payee")),
                name="agreement_payment_between_two_bodies",
                violation_error_message="A payment is made by one body to another: choose two bodies.",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | (Q(amount__gt=0) & Q(amount__lte=10_000_000_000)),
                name="agreement_payment_amount_in_range",
                violation_error_message="Amount a year: more than £0 and no more than £10bn, or blank.",
            ),
        ]

    def __str__(self):
        return f"{self.payer} to {self.payee}"

    def get_absolute_url(self):
        return self.agreement.get_absolute_url() + "#payments"

    def clean(self):
        errors = {}
        if self.payer_id and self.payer_id == self.payee_id:
            errors["payee"] = "Paid to: a payment is made to another body than the one that pays it."
        if self.agreement_id:
            party_ids = set(self.agreement.parties.values_list("organisation_id", flat=True))
            for name, label in (("payer", "Paid by"), ("payee", "Paid to")):
                if getattr(self, f"{name}_id") and getattr(self, f"{name}_id") not in party_ids:
                    errors.setdefault(name, f"{label}: this body is not a party to the agreement.")
        if errors:
            raise ValidationError(errors)


class Schedule(TrackedModel):
    """A numbered schedule or appendix of an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="schedules")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=255)
    status = models.CharField(
        max_length=20, choices=ScheduleStatus.choices, default=ScheduleStatus.TO_BE_DEVELOPED
    )
    body = models.TextField(blank=True)

    partnership_path = "agreement__partnership"
    rich_text_fields = ("body",)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"],
                name="schedule_number_unique_in_agreement",
                violation_error_message="This agreement already has a schedule with this number.",
            ),
        ]

    def __str__(self):
        return f"Schedule {self.number}: {self.title}"

    def save(self, *args, **kwargs):
        self.body = text.sanitise(self.body)
        super().save(*args, **kwargs)


class Variation(TrackedModel):
    """A numbered variation of an agreement, approved by every party for itself."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="variations")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    effective_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=VariationStatus.choices, default=VariationStatus.PROPOSED
    )

    partnership_path = "agreement__partnership"
    rich_text_fields = ("description",)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"],
                name="variation_number_unique_in_agreement",
                violation_error_message="This agreement already has a variation with this number.",
            ),
        ]

    def __str__(self):
        return f"Variation {self.number}: {self.title}"

    def save(self, *args, **kwargs):
        self.description = text.sanitise(self.description)
        super().save(*args, **kwargs)


class VariationApproval(TrackedModel):
    """One party body's approval of a variation."""

    variation = models.ForeignKey(Variation, on_delete=models.CASCADE, related_name="approvals")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="variation_approvals"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variation_approvals",
    )
    approver_name = models.CharField(max_length=200, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    relied_on = models.TextField("decision or delegation relied on", blank=True)
    authority = models.CharField(
        "signing authority",
        max_length=300,
        blank=True,
        help_text="The authority Concordat checked when they approved, e.g. Signatory of Walsall Council.",
    )

    partnership_path = "variation__agreement__partnership"
    owner_permissions = {Role.SIGNATORY: ["sign"]}

    class Meta:
        ordering = ["variation", "organisation__name"]
        permissions = [("sign_variationapproval", "Approve a variation for own body")]
        constraints = [
            models.UniqueConstraint(
                fields=["variation", "organisation"],
                name="variation_approval_once_per_body",
                violation_error_message="This body already has an approval for this variation.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.variation}"

    @property
    def is_approved(self):
        return self.approved_on is not None

    def owner_organisations(self):
        return [self.organisation]


class Review(TrackedModel):
    """A review of an agreement (usually the annual review)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reviews")
    due = models.DateField()
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DUE)
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices, blank=True)
    notes = models.TextField(blank=True)
    meeting = models.CharField(
        max_length=255, blank=True, help_text="The meeting that reviewed it, e.g. 'JCB 12 March 2013'."
    )

    partnership_path = "agreement__partnership"

    class Meta:
        ordering = ["agreement", "due"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.COMPLETED) | Q(completed_on__isnull=False),
                name="review_completed_has_date",
                violation_error_message="A completed review needs the date it was completed.",
            ),
        ]

    def __str__(self):
        return f"Review of {self.agreement.reference} due {self.due:%d %B %Y}"


class AgreementGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Agreement, on_delete=models.CASCADE)


class AgreementPartyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AgreementParty, on_delete=models.CASCADE)


class VariationApprovalGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(VariationApproval, on_delete=models.CASCADE)
