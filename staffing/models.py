"""Shared staff: posts employed by one body and shared with others.

A ``Post`` is employed (and so owned) by one partner body, usually under a
Section 113 agreement that makes its holder available to the other body. Its
``PostShare`` rows say how much of the post's time and cost each body takes;
they add up to 100% (``staffing.services.validate_shares``). Recharges follow
from the shares and are computed when asked for, never stored.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase

from partnership.choices import Role
from partnership.models import Organisation, Partnership, TrackedModel
from staffing.choices import EmployerDesignation

HUNDRED = Decimal("100")


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        from partnership import permissions

        return permissions.restrict(self, user)

    def in_existence_on(self, day):
        """Posts established on ``day`` and not yet ended."""
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=day)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )

    def held_by_on(self, user, day):
        """Posts in existence on ``day`` that ``user`` held that day (by their holdings)."""
        held = PostHolding.objects.filter(holder=user).covering(day).values("post_id")
        return self.in_existence_on(day).filter(pk__in=held)


class Post(TrackedModel):
    """One post employed by one body and shared with its partners."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(max_length=200)
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="employed_posts",
        help_text="The body that employs the holder. Only its officers may change the post.",
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name="Section 113 agreement",
        help_text="The Section 113 agreement that makes the holder available to the other body.",
    )
    employer_designation = models.CharField(
        "employer designation",
        max_length=16,
        choices=EmployerDesignation.choices,
        default=EmployerDesignation.OPEN,
    )
    designated_employer_rule = models.TextField(
        "designated employer rule",
        blank=True,
        help_text="Which body must employ the post and why, or how the employer was decided.",
    )
    fte = models.DecimalField(
        "full-time equivalent",
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    annual_cost = models.DecimalField(
        "annual cost",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Salary and on-costs for a full year at this FTE, in pounds.",
    )
    start_date = models.DateField(
        "established", null=True, blank=True, help_text="When the post began to be shared."
    )
    end_date = models.DateField(
        "ended", null=True, blank=True, help_text="Leave blank while the post continues."
    )
    holder_name = models.CharField("holder", max_length=200, blank=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staffing_posts",
        verbose_name="holder's account",
        help_text="The holder's Concordat account, if they have one: it decides whom they may sign for.",
    )
    vacant = models.BooleanField(default=False)
    vacant_from = models.DateField(
        "vacant from",
        null=True,
        blank=True,
        help_text="The post is not recharged from this date while it stays vacant.",
    )
    jointly_managed = models.BooleanField(
        "jointly managed",
        default=False,
        help_text="Managed by both bodies. Its holder signs only for the employer, whatever role "
        "the other body gives them.",
    )
    line_managers = models.TextField("line managers", blank=True)

    objects = PostQuerySet.as_manager()
    partnership_path = "partnership"
    create_roles = (Role.OFFICER,)
    #: The employer alone changes its post.
    owner_permissions = {Role.OFFICER: ["change", "delete"]}

    class Meta:
        ordering = ["partnership", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0),
                name="post_fte_positive",
                violation_error_message="The full-time equivalent must be more than 0.",
            ),
            models.CheckConstraint(
                condition=Q(annual_cost__gte=0),
                name="post_cost_not_negative",
                violation_error_message="The annual cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="post_dates_in_order",
                violation_error_message="A post cannot end before it was established.",
            ),
            models.CheckConstraint(
                condition=Q(vacant=True) | Q(vacant_from__isnull=True),
                name="post_vacant_from_only_when_vacant",
                violation_error_message="Give a “vacant from” date only for a vacant post.",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "employer"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("staffing:detail", kwargs={"partnership": self.partnership.slug, "pk": self.pk})

    def owner_organisations(self):
        return [self.employer]

    def history_children(self):
        return [PostShare.history.filter(post_id=self.pk), PostHolding.history.filter(post_id=self.pk)]

    def held_by_on(self, user, day):
        """Did ``user`` hold this post on ``day``: a holding of theirs covers it, and the post
        existed then? Reads prefetched ``holdings`` when there are some."""
        if (self.start_date and day < self.start_date) or (self.end_date and day > self.end_date):
            return False
        return any(h.holder_id == user.pk and h.covers(day) for h in self.holdings.all())

    def ever_held_by(self, user):
        return any(h.holder_id == user.pk for h in self.holdings.all())

    @property
    def holder_display(self):
        if self.vacant:
            return ""
        if self.holder_name:
            return self.holder_name
        if self.holder_id:
            return self.holder.get_full_name() or self.holder.username
        return ""

    def clean(self):
        from agreements.choices import AgreementKind

        errors = {}
        if self.agreement_id:
            agreement = self.agreement
            if agreement.kind != AgreementKind.S113:
                errors["agreement"] = (
                    f"“{agreement}” is not a Section 113 agreement: a post can rest only on an "
                    "agreement for the sharing of staff."
                )
            elif self.partnership_id and agreement.partnership_id != self.partnership_id:
                errors["agreement"] = "The agreement belongs to another partnership."
        if self.vacant and (self.holder_name or self.holder_id):
            errors["vacant"] = "A vacant post has no holder: clear the holder or untick “vacant”."
        if self.vacant_from and not self.vacant:
            errors["vacant_from"] = "Give a “vacant from” date only for a vacant post."
        if errors:
            raise ValidationError(errors)


class PostShare(TrackedModel):
    """One body's share of a post's time and cost."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="post_shares", verbose_name="body"
    )
    share_percent = models.DecimalField(
        "share (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(HUNDRED)],
    )

    partnership_path = "post__partnership"

    class Meta:
        ordering = ["post", "-share_percent", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "organisation"],
                name="post_share_once_per_body",
                violation_error_message="This body already has a share of this post.",
            ),
            models.CheckConstraint(
                condition=Q(share_percent__gt=0) & Q(share_percent__lte=100),
                name="post_share_between_0_and_100",
                violation_error_message="A share must be more than 0% and at most 100%.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.display_name}: {self.share_percent}% of {self.post}"


class PostHoldingQuerySet(models.QuerySet):
    def covering(self, day):
        return self.filter(Q(started_on__isnull=True) | Q(started_on__lte=day)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day)
        )


class PostHolding(TrackedModel):
    """Who held a post, from when to when: a delegation to the post serves its holder on the day.

    Written only by ``staffing.services.save_post`` when the post's holder changes; the open
    holding (no ``ended_on``) is the post's present holder.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="holdings")
    holder_name = models.CharField("holder", max_length=200, blank=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="post_holdings",
        verbose_name="holder's account",
    )
    started_on = models.DateField(
        "held from", null=True, blank=True, help_text="Empty: from when the post was established."
    )
    ended_on = models.DateField("held to", null=True, blank=True)

    objects = PostHoldingQuerySet.as_manager()
    partnership_path = "post__partnership"

    class Meta:
        ordering = ["post", "-ended_on", "-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="post_holding_dates_in_order",
                violation_error_message="A holding cannot end before it began.",
            ),
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(ended_on__isnull=True),
                name="post_holding_one_open",
                violation_error_message="A post has one present holder.",
            ),
        ]

    def __str__(self):
        return f"{self.holder_display} in {self.post}"

    @property
    def holder_display(self):
        if self.holder_name:
            return self.holder_name
        if self.holder_id:
            return self.holder.get_full_name() or self.holder.username
        return "—"

    def covers(self, day):
        return (self.started_on is None or self.started_on <= day) and (
            self.ended_on is None or day <= self.ended_on
        )


class PostGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Post, on_delete=models.CASCADE)
