"""Partner bodies, partnerships, and the people who act for each body."""

import datetime
import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from partnership.choices import (
    OrganisationKind,
    PartnerRole,
    PartnershipStatus,
    ReminderStatus,
    ReorganisationSide,
    ReorganisationStatus,
    Role,
    TransferOutcome,
)


class HistoryContext(models.Model):
    """Extra columns on every history table: the body the change was made for."""

    history_organisation = models.ForeignKey(
        "partnership.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        verbose_name="acting for",
    )

    class Meta:
        abstract = True


class OnceMadeHistoryManager(HistoryManager):
    """simple-history's manager, its class made once: ``Model.history`` otherwise builds a new
    manager class on every access, inspecting every queryset method (a twentieth of a history
    page's time)."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class TrackedModel(models.Model):
    """Base for every record an auditor may ask about.

    ``updated_at`` doubles as the edit version: an edit form carries the value it
    was loaded with and the save is refused if it has changed meanwhile.
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    history = HistoricalRecords(inherit=True, bases=[HistoryContext], history_manager=OnceMadeHistoryManager)

    #: Lookup from this model to its Partnership, used to restrict querysets.
    partnership_path = "partnership"

    class Meta:
        abstract = True

    def get_partnership(self):
        obj = self
        for part in self.partnership_path.split("__"):
            obj = getattr(obj, part)
            if obj is None:
                return None
        return obj


def _day(day):
    return f"{day:%-d %B %Y}"


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        from partnership import permissions

        return permissions.restrict_organisations(self, user)

    def existing_on(self, day):
        """Bodies that existed on ``day``: established by then and not yet abolished."""
        return self.filter(Q(active_from__isnull=True) | Q(active_from__lte=day)).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=day)
        )

    def offered_on(self, day, current=None):
        """The bodies a form offers for ``day``: those existing then (an abolished body is
        not offered after its end), and the body a record already names, if any."""
        existing = Q(active_from__isnull=True) | Q(active_from__lte=day)
        existing &= Q(active_to__isnull=True) | Q(active_to__gte=day)
        return self.filter(existing | Q(pk=getattr(current, "pk", current) or 0))

    def partners_on(self, partnership, day):
        """Bodies that were partners of ``partnership`` on ``day`` (their Partner place covering
        it) and existed then."""
        place = Q(partner_places__partnership=partnership)
        place &= Q(partner_places__joined__isnull=True) | Q(partner_places__joined__lte=day)
        place &= Q(partner_places__left__isnull=True) | Q(partner_places__left__gte=day)
        return self.filter(place).existing_on(day).distinct()

    def offered_in(self, partnership, *keep, day=None):
        """The bodies a form offers for ``partnership``: its partners today (or on ``day``) that
        exist then, and any body a record being edited already names (``keep``)."""
        current = self.partners_on(partnership, day or timezone.localdate()).values("pk")
        return self.filter(Q(pk__in=current) | Q(pk__in=[pk for pk in keep if pk])).order_by("name")

    def existing_during(self, first_day, last_day):
        """Bodies that existed on at least one day from ``first_day`` to ``last_day``."""
        return self.filter(Q(active_from__isnull=True) | Q(active_from__lte=last_day)).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=first_day)
        )


class Organisation(TrackedModel):
    """A partner body: a council, an NHS commissioner or an NHS provider."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    ods_code = models.CharField(
        "ODS code", max_length=10, blank=True, help_text="NHS Organisation Data Service code."
    )
    ons_code = models.CharField(
        "ONS code", max_length=12, blank=True, help_text="ONS local authority code, e.g. E06000022."
    )
    active_from = models.DateField(null=True, blank=True)
    active_to = models.DateField(null=True, blank=True, help_text="Leave blank while the body exists.")
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text="The body that took over its functions when it was abolished.",
    )
    website = models.URLField(blank=True)
    register_update_months = models.PositiveSmallIntegerField(
        "register of interests: months between updates",
        default=12,
        validators=[MinValueValidator(1)],
        help_text="How often the members it nominates must confirm or update each entry on their "
        "register of interests. They are reminded 28 days before.",
    )

    objects = OrganisationQuerySet.as_manager()
    partnership_path = None
    owner_permissions = {Role.ADMINISTRATOR: ["change", "manage_members"]}

    class Meta:
        ordering = ["name"]
        permissions = [("manage_members_organisation", "Manage who acts for this body")]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=models.F("active_from")),
                name="organisation_active_dates_in_order",
                violation_error_message="The end date must not be before the start date.",
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("id")),
                name="organisation_not_own_successor",
                violation_error_message="A body cannot be its own successor.",
            ),
            models.UniqueConstraint(
                fields=["ods_code"],
                condition=~Q(ods_code=""),
                name="organisation_unique_ods_code",
                violation_error_message="Another body already has this ODS code.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def is_nhs(self):
        return self.kind in {
            OrganisationKind.ICB,
            OrganisationKind.CCG,
            OrganisationKind.PCT,
            OrganisationKind.NHS_TRUST,
            OrganisationKind.NHS_FOUNDATION_TRUST,
        }

    def is_active_on(self, day):
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to
        )

    def exists_during(self, first_day, last_day):
        """Did the body exist on at least one day from ``first_day`` to ``last_day``?"""
        return (self.active_from is None or self.active_from <= last_day) and (
            self.active_to is None or first_day <= self.active_to
        )

    def life_refusal(self, first_day, last_day=None, *, doing="act for it"):
        """Why nothing can be done for this body on ``first_day`` (or on any day up to
        ``last_day``), because it did not exist then; None when it did."""
        last_day = last_day or first_day
        if self.exists_during(first_day, last_day):
            return None
        when = (
            f"on {_day(first_day)}"
            if last_day == first_day
            else f"from {_day(first_day)} to {_day(last_day)}"
        )
        if self.active_to and first_day > self.active_to:
            successor = f" (its successor is {self.successor.name})" if self.successor_id else ""
            abolished = f"{self.name} was abolished on {_day(self.active_to)}{successor}"
            return f"{abolished}, so nobody can {doing} {when}."
        return f"{self.name} was established on {_day(self.active_from)}, so nobody can {doing} {when}."

    def check_exists(self, on=None, *, financial_year=None, doing="act for it"):
        """Refuse (ValidationError) anything done for this body on a day, or for a financial
        year, outside its life. The one check contributions, delegations and transfers share."""
        from partnership.dates import financial_year_bounds, financial_year_label

        if financial_year is not None:
            first_day, last_day = financial_year_bounds(financial_year)
            refusal = self.life_refusal(first_day, last_day, doing=doing)
            if refusal:
                refusal = refusal.replace(
                    f"from {_day(first_day)} to {_day(last_day)}",
                    f"in {financial_year_label(financial_year)}",
                )
        else:
            refusal = self.life_refusal(on, doing=doing)
        if refusal:
            raise ValidationError(refusal)

    def owner_organisations(self):
        return [self]

    def get_absolute_url(self):
        return reverse("organisation_detail", kwargs={"pk": self.pk})


class PartnershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        from partnership import permissions

        return permissions.restrict(self, user)


class Partnership(TrackedModel):
    """Bodies working together under one set of agreements and committees."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    area = models.CharField(max_length=200, blank=True, help_text="The place the partnership serves.")
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=PartnershipStatus.choices, default=PartnershipStatus.ACTIVE
    )
    established = models.DateField(null=True, blank=True)
    organisations = models.ManyToManyField(Organisation, through="Partner", related_name="partnerships")

    objects = PartnershipQuerySet.as_manager()
    partnership_path = "pk"
    #: Administrators of every partner body may edit the partnership's details.
    owner_permissions = {Role.ADMINISTRATOR: ["change"]}

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_partnership(self):
        return self

    def owner_organisations(self):
        return [p.organisation for p in self.partners.select_related("organisation")]

    def get_absolute_url(self):
        return reverse("partnership_detail", kwargs={"partnership": self.slug})


class Partner(TrackedModel):
    """A body's place in one partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partner_places")
    role = models.CharField(max_length=16, choices=PartnerRole.choices, default=PartnerRole.PARTNER)
    joined = models.DateField(null=True, blank=True)
    left = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["partnership", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                name="partner_once_per_partnership",
                violation_error_message="This body is already a partner in this partnership.",
            ),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(joined__isnull=True) | Q(left__gte=models.F("joined")),
                name="partner_dates_in_order",
                violation_error_message="A body cannot leave before it joined.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.partnership}"


class Membership(TrackedModel):
    """One role a person holds for one body.

    A person may hold several roles, and roles in two bodies (staff employed
    under Section 113 act for both). ``partnership`` narrows a membership to one
    partnership, for people such as external auditors who serve a partnership
    rather than every partnership their body is in.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scoped_memberships",
        help_text="Only for people who act in one partnership, such as its external auditor.",
    )
    job_title = models.CharField(max_length=200, blank=True)

    partnership_path = None

    class Meta:
        ordering = ["organisation__name", "user__last_name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(partnership__isnull=True),
                name="membership_role_once_per_body",
                violation_error_message="This person already holds this role for this body.",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "partnership"],
                name="membership_role_once_per_body_partnership",
                violation_error_message="This person already holds this role for this body.",
            ),
        ]
        indexes = [models.Index(fields=["user", "organisation"])]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user} — {self.get_role_display()}, {self.organisation}"


class Reminder(models.Model):
    """One reminder sent (or to be sent) to one person about one thing: an outbox row.

    ``key`` is unique, so a sweep that runs twice records a reminder once. The
    row is recorded first and sent afterwards by whoever locks it next (the
    commit hook, or the delivery task that retries what is still pending or
    failed), so a worker that dies between the two leaves it to be sent later.
    """

    key = models.CharField(max_length=255, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    subject = models.CharField(max_length=255)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="reminder_outbox_idx"),
        ]

    def __str__(self):
        return self.subject


class AccessChange(TrackedModel):
    """A change to who may do what, made in the Django admin: a person's groups,
    permissions, superuser or staff status, a group's permissions, or an object
    permission. Where rights are really held, so each change is audited like any
    record (who, when, what), through this record's history."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_changes",
        help_text="The person whose access changed.",
    )
    group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="access_changes"
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_changes",
        help_text="The body whose role group changed, when it is one.",
    )
    subject = models.CharField(max_length=200, help_text="Whose or what access changed, as it was named.")
    description = models.TextField(help_text="What changed: each setting, from what to what.")

    partnership_path = None

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ("view",)

    def __str__(self):
        return f"Access of {self.subject}"


class FormSubmission(models.Model):
    """A create form, sent once: its one-time token and what it created.

    A second send of the same form (a double click, a resent request, or two
    tabs) finds the token taken and is shown the record the first created,
    instead of creating a copy. Not history: a technical receipt.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Form {self.token}"


class Reorganisation(TrackedModel):
    """Bodies abolished on one date and the bodies that succeed them: one into one,
    several into one (a merger) or one into several (a split, or a boundary change).

    Recording it ends the abolished bodies' lives; every live record that still
    names one of them is then to be moved to a successor or ended through one
    reviewed transfer (``partnership.reorganisation``), which completes it.
    """

    name = models.CharField(max_length=200, help_text="For example, CCGs replaced by the BSW ICB.")
    takes_effect = models.DateField(
        help_text="The successors' first day; the abolished bodies' last day is the day before."
    )
    legal_basis = models.CharField(
        max_length=300, blank=True, help_text="The order or Act that made the change, if known."
    )
    status = models.CharField(
        max_length=16, choices=ReorganisationStatus.choices, default=ReorganisationStatus.RECORDED
    )
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    organisations = models.ManyToManyField(
        Organisation, through="ReorganisationBody", related_name="reorganisations"
    )

    partnership_path = None

    class Meta:
        ordering = ["-takes_effect", "name"]

    def __str__(self):
        return self.name

    @property
    def abolished_on(self):
        """The abolished bodies' last day."""
        return self.takes_effect - datetime.timedelta(days=1)

    @property
    def is_completed(self):
        return self.status == ReorganisationStatus.COMPLETED

    def abolished(self):
        return [b.organisation for b in self.bodies.all() if b.side == ReorganisationSide.ABOLISHED]

    def successors(self):
        return [b.organisation for b in self.bodies.all() if b.side == ReorganisationSide.SUCCESSOR]

    def get_absolute_url(self):
        return reverse("reorganisation_detail", kwargs={"pk": self.pk})

    def history_children(self):
        return [
            ReorganisationBody.history.filter(reorganisation_id=self.pk),
            TransferredRecord.history.filter(reorganisation_id=self.pk),
        ]


class ReorganisationBody(TrackedModel):
    """One body abolished by, or succeeding in, a reorganisation."""

    reorganisation = models.ForeignKey(Reorganisation, on_delete=models.CASCADE, related_name="bodies")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reorganisation_places"
    )
    side = models.CharField(max_length=12, choices=ReorganisationSide.choices)

    partnership_path = None

    class Meta:
        ordering = ["reorganisation", "side", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["reorganisation", "organisation"],
                name="reorganisation_body_once",
                violation_error_message="A body appears once in a reorganisation.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_side_display()})"


class TransferredRecord(TrackedModel):
    """What the transfer did to one live record that named an abolished body."""

    reorganisation = models.ForeignKey(Reorganisation, on_delete=models.CASCADE, related_name="transferred")
    kind = models.CharField(max_length=40, help_text="Which kind of record, e.g. committee seat.")
    record_label = models.CharField(max_length=300)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=8, choices=TransferOutcome.choices)
    note = models.CharField(max_length=300, blank=True, help_text="What was done, in words.")

    partnership_path = None

    class Meta:
        ordering = ["reorganisation", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=TransferOutcome.ENDED) | Q(to_organisation__isnull=False),
                name="transferred_record_moved_has_successor",
                violation_error_message="A moved record names the successor it moved to.",
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.record_label}"


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class PartnershipGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Partnership, on_delete=models.CASCADE)


# --- Audit log: one tamper-evident entry per historical record ---------------


class AuditAction(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"


class AuditEntryQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        """Entries about ``partnership``'s records, and about its bodies and their people."""
        from partnership import permissions

        return self.filter(
            Q(partnership=partnership)
            | Q(
                partnership__isnull=True,
                subject_organisation_id__in=permissions.partner_organisation_ids(partnership),
            )
        )


class AuditEntry(models.Model):
    """One historical record written anywhere, chained to the one before by its hash.

    ``hash`` is an HMAC-SHA256, under the audit key ``key_id``, of the previous
    entry's hash, this entry's own fields and the historical row's values (see
    ``partnership.audit``): changing a history row, an entry, or removing an
    entry breaks the chain at that point, and without the key (which is not in
    the database) the chain cannot be recomputed to hide it.
    Written by ``partnership.audit.append_entry`` in the writing transaction, then
    sealed once by ``partnership.audit.seal_pending`` just after that transaction
    commits (its ``sequence``, ``previous_hash``, ``key_id`` and ``hash`` are given
    then, in order of commit); never changed or deleted after that.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    history_id = models.BigIntegerField()
    history_table = models.CharField(max_length=100, help_text="Label of the historical model.")
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="acting for",
    )
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    subject_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="For records outside any partnership (bodies, memberships): the body concerned.",
    )
    reason = models.TextField(blank=True)
    timestamp = models.DateTimeField()
    object_label = models.CharField(max_length=200, blank=True)
    snapshot = models.JSONField(
        default=dict, help_text="The historical row's values as hashed, to show what changed."
    )
    sequence = models.BigIntegerField(
        null=True,
        blank=True,
        unique=True,
        help_text="Place in the chain, given when the entry is sealed; empty until then.",
    )
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(
        max_length=32,
        blank=True,
        help_text="Which audit key signed the hash; empty before hashes were keyed.",
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        ordering = ["-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["partnership", "-id"], name="audit_partnership_id"),
            models.Index(fields=["subject_organisation", "-id"], name="audit_subject_org_id"),
            models.Index(fields=["partnership", "content_type", "-id"], name="audit_partnership_kind"),
            models.Index(fields=["partnership", "user", "-id"], name="audit_partnership_user"),
            models.Index(fields=["partnership", "organisation", "-id"], name="audit_partnership_body"),
            models.Index(fields=["partnership", "timestamp"], name="audit_partnership_time"),
            models.Index(fields=["content_type", "object_id", "-id"], name="audit_record"),
            models.Index(fields=["history_table", "history_id"], name="audit_history_row"),
            models.Index(fields=["id"], condition=Q(sequence__isnull=True), name="audit_unsealed"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_action_display()} {self.object_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted.")


class AuditChainHead(models.Model):
    """The single row locked while committed entries are sealed, so the chain has one order.

    Writers do not take it: only the short sealing step after each commit does.
    It holds the last sealed entry's id, place and hash: the verifier checks
    them, so entries removed from the end of the chain are noticed too.
    """

    last_entry_id = models.BigIntegerField(default=0)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Audit chain head at entry {self.last_entry_id}"


class AuditCheckpoint(models.Model):
    """A signed note of the chain head at one moment (``partnership.audit.Checkpoint``).

    Copies go to each partnership's auditors by e-mail and as a download, where
    the database cannot change them; the verifier checks the chain against any
    of them, so a chain cut short or recomputed since is found.
    """

    made_at = models.DateTimeField()
    entries = models.BigIntegerField(help_text="How many entries the chain held.")
    last_entry_id = models.BigIntegerField()
    last_hash = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["-made_at"]
        default_permissions = ("view",)
        get_latest_by = "made_at"

    def __str__(self):
        return f"Audit checkpoint of {self.made_at:%Y-%m-%d %H:%M} at entry {self.last_entry_id}"
