"""Committees, their members and meetings, the papers that go to them and what they decide."""

import os
import re
import secrets

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase

from committees.choices import (
    ActionStatus,
    AmendmentStatus,
    AttendanceStatus,
    BindingOutcome,
    CallInOutcome,
    ClearanceKind,
    ClearanceOutcome,
    CommitteeKind,
    CommitteeStatus,
    ExemptParagraph,
    InterestCategory,
    InterestNature,
    InterestReview,
    ItemPurpose,
    KeyDecisionRoute,
    Matter,
    MeetingCycle,
    MeetingStatus,
    MemberRole,
    ReportStatus,
)
from partnership import dates
from partnership.choices import Role
from partnership.models import Membership, Organisation, Partnership, TrackedModel

#: Clear working days between publishing an agenda and the meeting (LGA 1972 s100B).
AGENDA_CLEAR_DAYS = 5

MONEY = {"max_digits": 14, "decimal_places": 2}


class Committee(TrackedModel):
    """A board, joint committee or group through which the partner bodies act together."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True, help_text="For example, JCLT.")
    kind = models.CharField(max_length=32, choices=CommitteeKind.choices)
    purpose = models.TextField(blank=True)
    terms_of_reference = models.TextField(blank=True, help_text="Every change is kept in the history tab.")
    meets_in_public = models.BooleanField(
        default=False, help_text="Its meetings, agendas and approved minutes are published."
    )
    cycle = models.CharField(max_length=16, choices=MeetingCycle.choices, default=MeetingCycle.QUARTERLY)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_committees",
    )
    chair_description = models.CharField(
        max_length=200, blank=True, help_text="For example, the CCG Accountable Officer."
    )
    status = models.CharField(max_length=16, choices=CommitteeStatus.choices, default=CommitteeStatus.ACTIVE)
    status_from = models.DateField(null=True, blank=True)
    status_to = models.DateField(null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The body it reports to.",
    )
    quorum_overall = models.PositiveSmallIntegerField(
        default=0, help_text="Voting members who must be present; 0 for no quorum."
    )
    equal_nomination_required = models.BooleanField(
        default=False, help_text="Each partner body nominates the same number of voting members."
    )
    default_meeting_time = models.TimeField(null=True, blank=True)
    default_place = models.CharField(max_length=300, blank=True)
    papers_lead_days = models.PositiveSmallIntegerField(
        default=5, help_text="Clear working days before agenda publication that papers are due."
    )
    call_in_working_days = models.PositiveSmallIntegerField(
        "call-in period",
        default=0,
        help_text="Working days after one of its decisions is published in which scrutiny may call it "
        "in (a council's executive: usually 5); 0 if its decisions are not open to call-in.",
    )
    minutes_due_days = models.PositiveSmallIntegerField(
        default=10, help_text="Working days after the meeting that draft minutes are due."
    )

    #: Committee secretaries of every partner body run the cycle; administrators
    #: keep the constitution (terms of reference, membership rules).
    owner_permissions = {
        Role.COMMITTEE_SECRETARY: ["change", "service"],
        Role.ADMINISTRATOR: ["change", "delete"],
    }
    create_roles = (Role.COMMITTEE_SECRETARY, Role.ADMINISTRATOR)

    class Meta:
        ordering = ["partnership", "name"]
        permissions = [("service_committee", "Run the meeting cycle")]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="committee_name_once_per_partnership",
                violation_error_message="This partnership already has a committee of this name.",
            ),
            models.CheckConstraint(
                condition=Q(status_to__isnull=True)
                | Q(status_from__isnull=True)
                | Q(status_to__gte=models.F("status_from")),
                name="committee_status_dates_in_order",
                violation_error_message="The end date must not be before the start date.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="committee_not_own_parent",
                violation_error_message="A committee cannot report to itself.",
            ),
        ]

    def __str__(self):
        return self.name

    def owner_organisations(self):
        return [p.organisation for p in self.partnership.partners.select_related("organisation")]

    def get_absolute_url(self):
        return reverse(
            "committees:committee_detail",
            kwargs={"partnership": self.partnership.slug, "pk": self.pk},
        )

    def history_children(self):
        return [
            CommitteeMember.history.filter(committee_id=self.pk),
            CommitteeQuorumRule.history.filter(committee_id=self.pk),
            MeetingTemplate.history.filter(committee_id=self.pk),
            MeetingTemplateItem.history.filter(
                template_id__in=MeetingTemplate.history.filter(committee_id=self.pk).values("id")
            ),
        ]


class CommitteeQuorumRule(TrackedModel):
    """At least ``minimum_members`` voting members from ``organisation`` must be present."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="quorum_rules")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    minimum_members = models.PositiveSmallIntegerField(default=1)

    partnership_path = "committee__partnership"

    class Meta:
        ordering = ["committee", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "organisation"],
                name="quorum_rule_once_per_body",
                violation_error_message="This body already has a quorum rule for this committee.",
            )
        ]

    def __str__(self):
        return f"{self.minimum_members} from {self.organisation}"


class CommitteeMember(TrackedModel):
    """A person who sits on a committee, nominated by a partner body."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_seats",
        help_text="The body that nominated them; blank for co-opted members from outside.",
    )
    person_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_seats",
        help_text="Their Concordat account, if they have one.",
    )
    role = models.CharField(max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    voting = models.BooleanField(default=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    partnership_path = "committee__partnership"

    class Meta:
        ordering = ["committee", "organisation__name", "person_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True)
                | Q(from_date__isnull=True)
                | Q(to_date__gte=models.F("from_date")),
                name="committee_member_dates_in_order",
                violation_error_message="The end date must not be before the start date.",
            )
        ]

    def __str__(self):
        return self.person_name

    def is_current_on(self, day):
        return (self.from_date is None or self.from_date <= day) and (
            self.to_date is None or day <= self.to_date
        )

    def register(self):
        """The entries on this person's register of interests in the partnership: those of every
        seat their account holds in it, or of this seat alone for a member without an account."""
        seats = Q(member__user_id=self.user_id) if self.user_id else Q(member_id=self.pk)
        return RegisteredInterest.objects.filter(seats, partnership_id=self.committee.partnership_id)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        from partnership import permissions

        return permissions.restrict(self, user)


class Meeting(TrackedModel):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    title = models.CharField(
        max_length=200, blank=True, help_text="Only if it differs from the committee's name."
    )
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    notes = models.TextField(blank=True)
    agenda_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    minutes_approved_on = models.DateField(null=True, blank=True)
    minutes_circulated_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the draft minutes last went to those who attended, for their amendments.",
    )

    objects = MeetingQuerySet.as_manager()
    partnership_path = "committee__partnership"

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["committee", "starts_at"])]

    def __str__(self):
        return f"{self.title or self.committee.name}, {self.date:%d %B %Y}"

    def get_absolute_url(self):
        return reverse(
            "committees:meeting_detail",
            kwargs={"partnership": self.committee.partnership.slug, "pk": self.pk},
        )

    def section_url(self, section):
        """The meeting page's section (``MEETING_SECTIONS``): agenda, attendance, minutes, papers."""
        return reverse(
            "committees:meeting_section",
            kwargs={"partnership": self.committee.partnership.slug, "pk": self.pk, "section": section},
        )

    @property
    def agenda_url(self):
        return self.section_url("agenda")

    @property
    def attendance_url(self):
        return self.section_url("attendance-and-quorum")

    @property
    def minutes_url(self):
        return self.section_url("minutes-and-decisions")

    @property
    def papers_url(self):
        return self.section_url("papers")

    @property
    def date(self):
        return timezone.localtime(self.starts_at).date()

    @property
    def is_public(self):
        return self.committee.meets_in_public

    @property
    def agenda_publication_due(self):
        """The last day to publish the agenda: five clear working days before the meeting."""
        return dates.working_days_before(self.date, AGENDA_CLEAR_DAYS)

    @property
    def papers_due(self):
        return dates.working_days_before(self.agenda_publication_due, self.committee.papers_lead_days)

    @property
    def draft_minutes_due(self):
        return dates.add_working_days(self.date, self.committee.minutes_due_days)

    def deadlines(self):
        return [
            ("Papers due", self.papers_due),
            ("Agenda to be published by", self.agenda_publication_due),
            ("Meeting", self.date),
            ("Draft minutes due", self.draft_minutes_due),
        ]

    def history_children(self):
        return [
            SupplementaryAgenda.history.filter(meeting_id=self.pk),
            AgendaItem.history.filter(meeting_id=self.pk),
            Attendance.history.filter(meeting_id=self.pk),
            Declaration.history.filter(meeting_id=self.pk),
            Minute.history.filter(agenda_item__meeting_id=self.pk),
            MinuteAmendment.history.filter(
                minute_id__in=Minute.history.filter(agenda_item__meeting_id=self.pk).values("id")
            ),
            Decision.history.filter(meeting_id=self.pk),
            DecisionBinding.history.filter(
                decision_id__in=Decision.history.filter(meeting_id=self.pk).values("id")
            ),
            Action.history.filter(meeting_id=self.pk),
        ]


class SupplementaryAgenda(TrackedModel):
    """Late items published together after the agenda (Local Government Act 1972 s100B(3)):
    open to inspection from then, numbered 1, 2 ... for each meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="supplements")
    number = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    partnership_path = "meeting__committee__partnership"

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="supplementary_agenda_number_once_per_meeting",
                violation_error_message="This meeting already has a supplementary agenda of this number.",
            )
        ]

    def __str__(self):
        return f"Supplementary agenda {self.number}"

    def get_absolute_url(self):
        return self.meeting.agenda_url


class AgendaItem(TrackedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0, help_text="The item's number.")
    title = models.CharField(max_length=300)
    purpose = models.CharField(max_length=16, choices=ItemPurpose.choices, default=ItemPurpose.INFORMATION)
    presenter = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    allotted_minutes = models.PositiveSmallIntegerField(
        "time allowed (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="For the members' running order: each item's time follows from those before it.",
    )
    report = models.ForeignKey(
        "Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )
    exempt = models.BooleanField(
        default=False, help_text="Part 2: taken in private, left out of the public pack."
    )
    exempt_paragraph = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=ExemptParagraph.choices,
        help_text="The paragraph of Schedule 12A to the Local Government Act 1972 relied on.",
    )
    public_interest_reasons = models.TextField(
        "public interest test",
        blank=True,
        help_text=(
            "Why the public interest in maintaining the exemption outweighs the public interest in "
            "disclosing the information (Local Government Act 1972, Schedule 12A, paragraph 10). "
            "Shown only to those entitled to read exempt business."
        ),
    )
    minutes_of = models.ForeignKey(
        "Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approving_items",
        verbose_name="approves the minutes of",
        help_text="An earlier meeting of this committee whose minutes the item puts to it for approval.",
    )
    named_organisations = models.TextField(
        "organisations named",
        blank=True,
        help_text="One a line: the companies, charities and public bodies the item is about. Members "
        "whose registered interests name them are asked to declare.",
    )
    topics = models.TextField(blank=True, help_text="One a line: the subjects the item touches.")
    late = models.BooleanField(
        default=False, editable=False, help_text="Added after the agenda was published."
    )
    late_reason = models.TextField(
        "special circumstances for taking the item late",
        blank=True,
        help_text=(
            "Why it cannot wait for the next meeting: the special circumstances the chair accepts for "
            "considering it as a matter of urgency (Local Government Act 1972, s100B(4)). They go into "
            "the minutes."
        ),
    )
    supplementary_agenda = models.ForeignKey(
        SupplementaryAgenda,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.RESTRICT,
        related_name="items",
        help_text="The supplementary agenda that published this late item.",
    )

    partnership_path = "meeting__committee__partnership"

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exempt=False) | Q(exempt_paragraph__isnull=False),
                name="agenda_item_exempt_has_paragraph",
                violation_error_message="Choose the Schedule 12A paragraph that makes the item exempt.",
            ),
            models.CheckConstraint(
                condition=Q(late=False) | ~Q(late_reason=""),
                name="agenda_item_late_has_reason",
                violation_error_message="Give the special circumstances for taking the item late.",
            ),
            models.CheckConstraint(
                condition=Q(late=True) | Q(supplementary_agenda__isnull=True),
                name="agenda_item_supplement_only_for_late",
                violation_error_message="Only a late item goes on a supplementary agenda.",
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"

    @property
    def number(self):
        return self.order

    @property
    def awaiting_supplement(self):
        """A late item not yet published: it stays off the public agenda and the packs."""
        return self.late and self.supplementary_agenda_id is None

    def get_absolute_url(self):
        return self.meeting.agenda_url + f"#item-{self.pk}"


#: A line of a report's resource implications saying where its cost table stands.
COST_TABLE_MARK = re.compile(r"^[ \t]*\[cost table[^\]\n]*\][ \t]*$", re.IGNORECASE | re.MULTILINE)


class Report(TrackedModel):
    """A paper to a meeting, with the council cover sheet (B&NES Cabinet, 2017)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reports")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="committee_reports",
        help_text="The body whose officer writes the report.",
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    meeting_name = models.CharField(
        "meeting", max_length=200, blank=True, help_text="As on the cover sheet, e.g. Cabinet."
    )
    meeting_date = models.DateField(null=True, blank=True)
    forward_plan_reference = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    wards_affected = models.CharField(max_length=300, blank=True, default="All")
    exempt = models.BooleanField(default=False, help_text="Exempt rather than an open public item.")
    exempt_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=ExemptParagraph.choices
    )
    attachments = models.TextField("list of attachments", blank=True, help_text="One attachment a line.")
    issue = models.TextField("the issue", blank=True)
    recommendations = models.TextField(blank=True)
    resource_implications = models.TextField("resource implications (finance, property, people)", blank=True)
    statutory_considerations = models.TextField("statutory considerations and basis for proposal", blank=True)
    body = models.TextField("the report", blank=True)
    rationale = models.TextField(blank=True)
    other_options = models.TextField("other options considered", blank=True)
    consultation = models.TextField(blank=True)
    risk_management = models.TextField(blank=True)
    contact_person = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    background_papers = models.TextField(blank=True)
    author = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    joint_with = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="joint_reports",
        verbose_name="joint report with",
        help_text="The partner bodies the report is written with: the lead of each clears it.",
    )

    owner_permissions = {
        Role.OFFICER: ["change", "delete"],
        Role.COMMITTEE_SECRETARY: ["change"],
    }
    create_roles = (Role.OFFICER, Role.COMMITTEE_SECRETARY)

    #: The report's written sections, in the order of the cover sheet.
    SECTION_FIELDS = (
        "issue",
        "recommendations",
        "resource_implications",
        "statutory_considerations",
        "body",
        "rationale",
        "other_options",
        "consultation",
        "risk_management",
    )

    class Meta:
        ordering = ["-meeting_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exempt=False) | Q(exempt_paragraph__isnull=False),
                name="report_exempt_has_paragraph",
                violation_error_message="Choose the Schedule 12A paragraph that makes the report exempt.",
            )
        ]

    def __str__(self):
        return self.title

    def owner_organisations(self):
        return [self.organisation]

    def get_absolute_url(self):
        return reverse(
            "committees:report_detail", kwargs={"partnership": self.partnership.slug, "pk": self.pk}
        )

    def resources_around_cost_table(self):
        """The resource implications before and after the cost table: split at a line such as
        "[Cost table below.]" where the author placed it (the line itself is left out), or all
        before it when there is none."""
        parts = COST_TABLE_MARK.split(self.resource_implications, maxsplit=1)
        return (parts[0].strip(), parts[1].strip() if len(parts) > 1 else "")

    def history_children(self):
        return [
            ReportCostLine.history.filter(report_id=self.pk),
            ReportAppendix.history.filter(report_id=self.pk),
            ReportClearance.history.filter(report_id=self.pk),
        ]


class ClearanceReviewer(TrackedModel):
    """Someone who clears a body's reports in a partnership for one kind of review. A body
    requires each kind of review it names a reviewer for (``committees.clearance``)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="clearance_reviewers")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="clearance_reviewers"
    )
    kind = models.CharField(max_length=24, choices=ClearanceKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["organisation__name", "kind", "user__last_name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation", "kind", "user"],
                name="clearance_reviewer_once",
                violation_error_message="This person already clears this kind of review.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="partner_lead"),
                name="clearance_reviewer_not_partner_lead",
                violation_error_message="A partner body's lead is any of its officers.",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} for {self.organisation}"


class ReportClearance(TrackedModel):
    """One review of a report: cleared, or changes asked for, with the comment, on the report as
    it then stood (``fingerprint``: a change since leaves it to be cleared again)."""

    report = models.ForeignKey("Report", on_delete=models.CASCADE, related_name="clearances")
    kind = models.CharField(max_length=24, choices=ClearanceKind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The body whose review it is."
    )
    outcome = models.CharField(max_length=16, choices=ClearanceOutcome.choices)
    comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64, editable=False)

    partnership_path = "report__partnership"

    class Meta:
        ordering = ["report", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.organisation}): {self.get_outcome_display()}"


class ReportCostLine(TrackedModel):
    """One cell of a report's cost table: a cost in one year."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="cost_lines")
    label = models.CharField(max_length=200)
    year_label = models.CharField(max_length=60, help_text="For example, 2018/19.")
    amount = models.DecimalField(**MONEY)
    note = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    partnership_path = "report__partnership"

    class Meta:
        ordering = ["report", "order", "pk"]

    def __str__(self):
        return f"{self.label} ({self.year_label})"


def appendix_upload_to(instance, filename):
    base = os.path.basename(filename)
    return f"committees/appendices/{timezone.localdate():%Y/%m}/{base}"


class ReportAppendix(TrackedModel):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="appendices")
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=appendix_upload_to, max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    partnership_path = "report__partnership"

    class Meta:
        ordering = ["report", "order", "pk"]
        verbose_name_plural = "report appendices"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "committees:appendix_download",
            kwargs={"partnership": self.report.partnership.slug, "pk": self.pk},
        )


class Attendance(TrackedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(
        max_length=16, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    substitute_name = models.CharField(max_length=200, blank=True)

    partnership_path = "meeting__committee__partnership"

    class Meta:
        ordering = ["meeting", "member__organisation__name", "member__person_name"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_once_per_member",
                violation_error_message="Attendance is already recorded for this member.",
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.get_status_display()}"

    @property
    def counts_to_quorum(self):
        return self.member.voting and self.status in (
            AttendanceStatus.PRESENT,
            AttendanceStatus.SUBSTITUTE,
        )


class RegisteredInterest(TrackedModel):
    """An entry in a committee member's register of interests.

    One register per person, whichever body nominated them: the entries of every seat they hold
    in the partnership (found by their account) are theirs (:meth:`CommitteeMember.register`).
    Each entry is registered under the code of the body that nominated the seat, in that body's
    categories, and that body's committee secretaries review it. The member writes and updates
    their own entries; an entry is never deleted, it ends. Who may change, review and read
    withheld details is :mod:`committees.access`; the rules are :mod:`committees.interests`.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="registered_interests"
    )
    member = models.ForeignKey(
        CommitteeMember,
        on_delete=models.PROTECT,
        related_name="registered_interests",
        help_text="The seat through which the member is on the register.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="registered_interests",
        verbose_name="registered under the code of",
        help_text="The body that nominated the member: its categories and reviewers apply.",
    )
    category = models.CharField(max_length=32, choices=InterestCategory.choices)
    description = models.TextField(
        "interest",
        help_text="As the code asks: the employer and post, the land's address, the body and your "
        "position in it, whose interest it is (yours, or your spouse's or partner's).",
    )
    named_organisations = models.TextField(
        "organisations named",
        blank=True,
        help_text="One a line: the companies, charities and public bodies the interest is in. Agenda "
        "items naming them are matched against it.",
    )
    topics = models.TextField(
        blank=True, help_text="One a line: subjects the interest touches, for example “care homes”."
    )
    from_date = models.DateField("held from")
    to_date = models.DateField("ended on", null=True, blank=True)
    withhold_requested = models.BooleanField(
        "ask for the details to be withheld from the public",
        default=False,
        help_text="If publishing them could lead to you or someone living with you being subjected to "
        "violence or intimidation. The reviewer decides.",
    )
    withhold_reason = models.TextField("why the details should be withheld", blank=True)
    withheld = models.BooleanField("details withheld", default=False, editable=False)
    review_status = models.CharField(
        "review",
        max_length=16,
        choices=InterestReview.choices,
        default=InterestReview.AWAITING,
        editable=False,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    reviewed_on = models.DateField(null=True, blank=True, editable=False)
    review_comment = models.TextField("reviewer's comment", blank=True, editable=False)
    confirmed_on = models.DateField(
        "last confirmed", editable=False, help_text="When the member last said the entry is accurate."
    )

    class Meta:
        ordering = ["member__person_name", "from_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=models.F("from_date")),
                name="registered_interest_dates_in_order",
                violation_error_message="The end date must not be before the interest was held.",
            ),
            models.CheckConstraint(
                condition=Q(withhold_requested=False) | ~Q(withhold_reason=""),
                name="registered_interest_withholding_has_reason",
                violation_error_message="Say why the details should be withheld.",
            ),
        ]

    def __str__(self):
        return f"{self.member.person_name}: {self.get_category_display()}"

    @property
    def reference(self):
        return f"RI{self.pk:05d}" if self.pk else ""

    def get_absolute_url(self):
        return reverse(
            "committees:interest_detail", kwargs={"partnership": self.partnership.slug, "pk": self.pk}
        )

    def is_current_on(self, day):
        return self.from_date <= day and (self.to_date is None or day <= self.to_date)

    @property
    def update_due(self):
        """The day the body requires the member to confirm or update the entry by."""
        return self.confirmed_on + relativedelta(months=self.organisation.register_update_months)

    @property
    def named_organisation_list(self):
        return _lines(self.named_organisations)

    @property
    def topic_list(self):
        return _lines(self.topics)


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class Declaration(TrackedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="declarations"
    )
    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="declarations")
    interest = models.TextField()
    nature = models.CharField(max_length=32, choices=InterestNature.choices)
    action_taken = models.CharField(
        max_length=300, blank=True, help_text="For example, left the room for the item."
    )
    registered_interest = models.ForeignKey(
        RegisteredInterest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name="entry on the register",
        help_text="The member's register entry the declaration is about, if it is registered.",
    )

    partnership_path = "meeting__committee__partnership"

    class Meta:
        ordering = ["meeting", "agenda_item__order", "pk"]

    def __str__(self):
        return f"{self.member}: {self.interest[:60]}"


class Minute(TrackedModel):
    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="minute")
    text = models.TextField()

    partnership_path = "agenda_item__meeting__committee__partnership"

    def __str__(self):
        return f"Minute of {self.agenda_item}"


class MinuteAmendment(TrackedModel):
    """An amendment to a draft minute proposed by someone who attended, and the secretary's
    decision on it (accepted: the minute reads as proposed; rejected: with the reason)."""

    minute = models.ForeignKey(Minute, on_delete=models.CASCADE, related_name="amendments")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("the minute as it should read")
    note = models.TextField("why", blank=True, help_text="What the draft gets wrong, for the secretary.")
    status = models.CharField(
        max_length=16, choices=AmendmentStatus.choices, default=AmendmentStatus.PROPOSED, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    decided_on = models.DateField(null=True, blank=True, editable=False)
    decision_reason = models.TextField("reason", blank=True, editable=False)

    partnership_path = "minute__agenda_item__meeting__committee__partnership"

    class Meta:
        ordering = ["minute", "created_at", "pk"]

    def __str__(self):
        return f"Amendment to the minute of item {self.minute.agenda_item.number}"


class MeetingTemplate(TrackedModel):
    """A committee's standard meeting: its time, place and open standing items in their running
    order, from which a meeting is planned (``services.plan_meeting_from_template``)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meeting_templates")
    name = models.CharField(max_length=100)
    start_time = models.TimeField()
    place = models.CharField(max_length=300, blank=True)

    partnership_path = "committee__partnership"

    class Meta:
        ordering = ["committee", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "name"],
                name="meeting_template_name_unique",
                violation_error_message="The committee already has a template of that name.",
            )
        ]

    def __str__(self):
        return self.name


class MeetingTemplateItem(TrackedModel):
    template = models.ForeignKey(MeetingTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    purpose = models.CharField(max_length=16, choices=ItemPurpose.choices, default=ItemPurpose.INFORMATION)
    presenter = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    allotted_minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    partnership_path = "template__committee__partnership"

    class Meta:
        ordering = ["template", "order", "pk"]

    def __str__(self):
        return f"{self.order}. {self.title}"


class PlannedDecision(TrackedModel):
    """A decision on the forward plan: what is to be decided, by whom and when, whether it is a
    key decision, what it will consider and whether any of it is expected to be exempt.

    Published entries are public (the plan is the public's notice); the body that plans the
    decision writes and publishes it. The key-decision rules are :mod:`committees.key_decisions`.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="planned_decisions")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="planned_decisions",
        help_text="The body the decision is for, or that leads it.",
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="planned_decisions", verbose_name="decision-maker"
    )
    title = models.CharField("matter for decision", max_length=300)
    summary = models.TextField("what is to be decided", blank=True)
    decision_due = models.DateField("date of decision")
    key_decision = models.BooleanField(
        default=False,
        help_text="Significant spending or savings, or significant effects on communities in two or "
        "more wards.",
    )
    reports = models.TextField("reports to be considered", blank=True, help_text="One report a line.")
    exempt_expected = models.BooleanField(
        "part expected to be exempt",
        default=False,
        help_text="Part of it is expected to be taken in private.",
    )
    exempt_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=ExemptParagraph.choices
    )
    contact_name = models.CharField("contact", max_length=200)
    contact_email = models.EmailField("contact's e-mail", blank=True)
    published_on = models.DateField(null=True, blank=True, editable=False)
    announced_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the plan's e-mail subscribers were told of it: on its publication date.",
    )

    owner_permissions = {
        Role.OFFICER: ["change"],
        Role.COMMITTEE_SECRETARY: ["change"],
    }
    create_roles = (Role.OFFICER, Role.COMMITTEE_SECRETARY)

    class Meta:
        ordering = ["decision_due", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exempt_expected=False) | Q(exempt_paragraph__isnull=False),
                name="planned_decision_exempt_has_paragraph",
                violation_error_message="Choose the Schedule 12A paragraph expected to apply.",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def reference(self):
        return f"FP{self.pk:05d}" if self.pk else ""

    def owner_organisations(self):
        return [self.organisation]

    def get_absolute_url(self):
        return reverse(
            "committees:planned_decision_detail", kwargs={"partnership": self.partnership.slug, "pk": self.pk}
        )

    @property
    def public_url(self):
        """Its page on the public forward plan (there once published, if its committee meets in public)."""
        return reverse(
            "public:forward_plan_entry", kwargs={"partnership": self.partnership.slug, "pk": self.pk}
        )

    @property
    def report_list(self):
        return [line.strip() for line in self.reports.splitlines() if line.strip()]


class Decision(TrackedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    reference = models.CharField(max_length=40, blank=True)
    resolution = models.TextField()
    matter = models.CharField(max_length=32, choices=Matter.choices, default=Matter.OTHER)
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    decided_on = models.DateField()
    organisations = models.ManyToManyField(
        Organisation, through="DecisionBinding", related_name="committee_decisions"
    )
    planned_decision = models.ForeignKey(
        PlannedDecision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name="forward plan entry",
    )
    key_decision = models.BooleanField(default=False)
    key_decision_route = models.CharField(max_length=20, choices=KeyDecisionRoute.choices, blank=True)
    exception_notice_on = models.DateField(
        "general exception notice given on",
        null=True,
        blank=True,
        help_text="The day notice went to the chair of scrutiny and was published.",
    )
    urgency_agreed_by = models.CharField(
        "special urgency agreed by",
        max_length=200,
        blank=True,
        help_text="The chair of scrutiny, or the body's chair or vice-chair.",
    )
    urgency_reasons = models.TextField("reasons for special urgency", blank=True)
    published_on = models.DateField("decision published on", null=True, blank=True)
    called_in_on = models.DateField(null=True, blank=True)
    call_in_outcome = models.CharField(max_length=16, choices=CallInOutcome.choices, blank=True)
    call_in_decided_on = models.DateField(null=True, blank=True)

    partnership_path = "meeting__committee__partnership"

    class Meta:
        ordering = ["-decided_on", "pk"]

    def __str__(self):
        return self.reference or self.resolution[:60]

    def history_children(self):
        return [DecisionBinding.history.filter(decision_id=self.pk)]


class DecisionBinding(TrackedModel):
    """Whether a decision binds one partner body, or waits for it to ratify."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="bindings")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=24, choices=BindingOutcome.choices)
    delegation = models.ForeignKey(
        "Delegation", null=True, blank=True, on_delete=models.PROTECT, related_name="bindings"
    )
    reasons = models.TextField(
        "why it does not bind",
        blank=True,
        help_text="Every reason the decision did not bind the body when it was taken, one a line "
        "(committees.validity).",
    )
    ratified_on = models.DateField(null=True, blank=True)
    ratification_reference = models.CharField(max_length=200, blank=True)

    partnership_path = "decision__meeting__committee__partnership"

    class Meta:
        ordering = ["decision", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "organisation"],
                name="decision_binding_once_per_body",
                violation_error_message="This decision already records this body.",
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_outcome_display()}"

    @property
    def reason_list(self):
        return [line for line in self.reasons.splitlines() if line.strip()]


class Action(TrackedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = models.TextField()
    owner_name = models.CharField(max_length=200)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_actions",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    partnership_path = "meeting__committee__partnership"

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return reverse(
            "committees:action_edit",
            kwargs={"partnership": self.meeting.committee.partnership.slug, "pk": self.pk},
        )

    @property
    def is_overdue(self):
        return self.status == ActionStatus.OPEN and self.due is not None and self.due < timezone.localdate()


class Delegation(TrackedModel):
    """Authority a body gives a committee, post or person to decide for it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="delegations")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="delegations_given"
    )
    to_committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="delegations"
    )
    to_post = models.CharField(max_length=200, blank=True, help_text="For example, Executive Director.")
    to_person = models.CharField(max_length=200, blank=True)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegations_received",
        verbose_name="person's account",
        help_text="The Concordat account of the person named: only this gives them a right to sign.",
    )
    to_staff_post = models.ForeignKey(
        "staffing.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegations_received",
        verbose_name="shared post",
        help_text="The post named: whoever holds it on a day acts under the delegation that day.",
    )
    in_consultation_with = models.CharField(max_length=200, blank=True)
    scope = models.TextField(help_text="What is delegated, in the words of the resolution.")
    matters = models.JSONField(
        default=list, blank=True, help_text="The kinds of decision the delegation covers."
    )
    financial_limit = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, "The financial limit cannot be negative: leave it blank for no limit.")
        ],
        help_text="Leave blank for no limit.",
    )
    conditions = models.TextField(blank=True)
    reserved_matters = models.TextField(blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    minute_reference = models.CharField(
        max_length=200, blank=True, help_text="The minute of the body's meeting that made it."
    )

    owner_permissions = {Role.ADMINISTRATOR: ["change", "delete"]}
    create_roles = (Role.ADMINISTRATOR,)

    class Meta:
        ordering = ["from_organisation__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="delegation_dates_in_order",
                violation_error_message="The end date must not be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(financial_limit__isnull=True) | Q(financial_limit__gte=0),
                name="delegation_financial_limit_not_negative",
                violation_error_message="The financial limit cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.from_organisation.display_name} to {self.delegate}"

    @property
    def delegate(self):
        if self.to_committee_id:
            return self.to_committee.name
        return (
            ", ".join(part for part in (self.to_post, self.to_person) if part) or self.named_by_account or "—"
        )

    @property
    def named_by_account(self):
        """The person (by their account) or shared post the delegation names, as words; "" if neither."""
        if self.to_user_id:
            return self.to_user.get_full_name() or self.to_user.username
        if self.to_staff_post_id:
            return self.to_staff_post.title
        return ""

    def names_on(self, user, day):
        """Does the delegation name ``user`` on ``day``: by their account, or by a shared post they
        held that day (the post in existence, and a holding of theirs covering the day)?
        Never by the descriptive ``to_person``/``to_post`` text, which could be anyone's."""
        if self.to_user_id:
            return self.to_user_id == user.pk
        post = self.to_staff_post
        return post is not None and post.held_by_on(user, day)

    def clean(self):
        super().clean()
        errors = {}
        if self.to_user_id and self.to_staff_post_id:
            errors["to_staff_post"] = (
                "Name either the person's account or the shared post, not both: a delegation to a "
                "post goes to whoever holds it."
            )
        if self.to_committee_id and (self.to_user_id or self.to_staff_post_id):
            errors["to_committee"] = (
                "A delegation to a committee names no person's account or shared post: record the "
                "delegation to the person or post separately."
            )
        if (
            self.to_staff_post_id
            and self.partnership_id
            and self.to_staff_post.partnership_id != self.partnership_id
        ):
            errors["to_staff_post"] = "The shared post belongs to another partnership."
        if self.from_organisation_id and self.valid_from:
            refusal = self.from_organisation.life_refusal(self.valid_from, doing="delegate for it")
            if refusal:
                errors["valid_from"] = refusal
        if errors:
            raise ValidationError(errors)

    def owner_organisations(self):
        return [self.from_organisation]

    def get_absolute_url(self):
        return reverse(
            "committees:delegation_detail",
            kwargs={"partnership": self.partnership.slug, "pk": self.pk},
        )

    def is_in_force_on(self, day):
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def covers(self, matter):
        return matter in (self.matters or [])

    @property
    def matter_labels(self):
        labels = dict(Matter.choices)
        return [labels.get(matter, matter) for matter in self.matters or []]

    def within_limit(self, amount):
        return self.financial_limit is None or amount is None or amount <= self.financial_limit


class CommitteeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Committee, on_delete=models.CASCADE)


class ReportGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Report, on_delete=models.CASCADE)


class DelegationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Delegation, on_delete=models.CASCADE)


def new_alert_token():
    return secrets.token_urlsafe(24)


class Subscription(models.Model):
    """Someone who asked to be e-mailed when a committee that meets in public publishes its
    agenda, minutes or decisions (``committee``), or when a partnership's forward plan gains an
    entry (``partnership``). Alerts go only once the address is confirmed, each with a link that
    ends the subscription (:mod:`committees.alerts`)."""

    email = models.EmailField("e-mail address")
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="plan_subscriptions"
    )
    token = models.CharField(max_length=64, unique=True, default=new_alert_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_asked_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(committee__isnull=True, partnership__isnull=False)
                | Q(committee__isnull=False, partnership__isnull=True),
                name="subscription_to_a_committee_or_a_plan",
            ),
            models.UniqueConstraint(
                fields=["email", "committee"],
                condition=Q(committee__isnull=False),
                name="subscription_once_per_committee",
            ),
            models.UniqueConstraint(
                fields=["email", "partnership"],
                condition=Q(partnership__isnull=False),
                name="subscription_once_per_plan",
            ),
        ]

    def __str__(self):
        return f"{self.email}: {self.committee or self.partnership}"
