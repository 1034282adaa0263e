import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from committees.appendices import NotAPdf, sanitise_pdf
from committees.choices import (
    COUNCIL_INTEREST_CATEGORIES,
    NHS_INTEREST_CATEGORIES,
    PUBLIC_INTEREST_TEST,
    ActionStatus,
    AttendanceStatus,
    CallInOutcome,
    ClearanceKind,
    ClearanceOutcome,
    Matter,
    MeetingStatus,
    ReportStatus,
)
from committees.models import (
    Action,
    AgendaItem,
    Committee,
    CommitteeMember,
    CommitteeQuorumRule,
    Declaration,
    Delegation,
    Meeting,
    MinuteAmendment,
    PlannedDecision,
    RegisteredInterest,
    Report,
    ReportAppendix,
    ReportCostLine,
)
from committees.services import TAKES_ITEMS
from partnership.forms import LONGEST_REASON, Form, TrackedModelForm, refuse_too_big
from partnership.models import Organisation
from partnership.numbers import whole_number
from staffing.models import Post


class CommitteeForm(TrackedModelForm):
    class Meta:
        model = Committee
        fields = [
            "name",
            "short_name",
            "kind",
            "purpose",
            "terms_of_reference",
            "meets_in_public",
            "cycle",
            "chair_description",
            "status",
            "status_from",
            "status_to",
            "parent",
            "quorum_overall",
            "equal_nomination_required",
            "default_meeting_time",
            "default_place",
            "papers_lead_days",
            "minutes_due_days",
            "call_in_working_days",
        ]
        widgets = {"default_meeting_time": forms.TimeInput(attrs={"type": "time"})}

    def clean_call_in_working_days(self):
        return self.cleaned_data["call_in_working_days"] or 0

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call_in_working_days"].required = False  # left empty: not open to call-in
        parents = Committee.objects.filter(partnership=partnership)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class CommitteeMemberForm(TrackedModelForm):
    class Meta:
        model = CommitteeMember
        fields = [
            "person_name",
            "job_title",
            "organisation",
            "user",
            "role",
            "voting",
            "from_date",
            "to_date",
        ]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.offered_in(
            partnership, self.instance.organisation_id
        )
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(memberships__organisation__partner_places__partnership=partnership)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["user"].label = "Concordat account"


class QuorumRuleForm(TrackedModelForm):
    class Meta:
        model = CommitteeQuorumRule
        fields = ["organisation", "minimum_members"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.offered_in(
            partnership, self.instance.organisation_id
        )

    def validate_unique(self):
        # The committee is set by the view after validation; the constraint still guards it.
        pass


class GenerateMeetingsForm(Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)


class MeetingForm(TrackedModelForm):
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = Meeting
        fields = ["starts_at", "place", "title", "notes"]


class MinutesApprovalForm(Form):
    """The minutes-approval page: the later meeting's item that approved them gives the date; a
    note is optional."""

    change_reason = forms.CharField(
        required=False,
        max_length=LONGEST_REASON,
        label="Reason (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, the minute of the meeting that approved them.",
    )


class MeetingMoveForm(Form):
    """One of the meeting's next steps (the buttons on its page); the service checks it."""

    status = forms.ChoiceField(
        choices=[
            (status.value, status.label)
            for status in (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED, MeetingStatus.CANCELLED)
        ],
        error_messages={"invalid_choice": "Choose what happened to the meeting."},
    )
    approved_on = forms.DateField(required=False, label="Date the minutes were approved")
    reason = forms.CharField(required=False, max_length=LONGEST_REASON, label="Reason")


class AgendaItemForm(TrackedModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "purpose",
            "presenter",
            "description",
            "allotted_minutes",
            "report",
            "minutes_of",
            "named_organisations",
            "topics",
            "exempt",
            "exempt_paragraph",
            "public_interest_reasons",
            "late_reason",
        ]
        widgets = {
            "named_organisations": forms.Textarea(attrs={"rows": 3}),
            "topics": forms.Textarea(attrs={"rows": 2}),
            "late_reason": forms.Textarea(attrs={"rows": 3}),
            "public_interest_reasons": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "public_interest_reasons": (
                "For an exempt item (its own box, or an exempt report): complete the sentence "
                f"“{PUBLIC_INTEREST_TEST}…” "
                "(Local Government Act 1972, Schedule 12A, paragraph 10). Only those entitled to exempt "
                "business see it."
            )
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.instance
        self.fields["report"].queryset = (
            Report.objects.filter(partnership=partnership)
            .filter(
                # Reports written for this meeting, or for no meeting yet and on no agenda: not the
                # partnership's every report since it began. The item's own report stays offered.
                Q(meeting=item.meeting_id)
                | Q(meeting__isnull=True, agenda_items__isnull=True)
                | Q(pk=item.report_id)
            )
            .distinct()
        )
        self.fields["report"].help_text = (
            "Reports written for this meeting, or not yet for any meeting. To take a report written "
            "for another meeting, change the meeting on the report first."
        )
        # Minutes this item may put for approval: earlier meetings of the committee, held and not
        # yet approved (the item's own choice stays offered).
        self.fields["minutes_of"].queryset = Meeting.objects.filter(
            Q(
                committee_id=item.meeting.committee_id,
                starts_at__lt=item.meeting.starts_at,
                status=MeetingStatus.HELD,
            )
            | Q(pk=item.minutes_of_id)
        ).order_by("-starts_at")
        self.fields["minutes_of"].label_from_instance = lambda meeting: f"{meeting.date:%-d %B %Y}: {meeting}"
        if item.late or (item.pk is None and item.meeting.status == MeetingStatus.AGENDA_PUBLISHED):
            # A late item: asked for only once the agenda is out (the service checks again).
            self.fields["late_reason"].required = True
            self.fields["late_reason"].error_messages["required"] = (
                "Say why the item cannot wait for the next meeting."
            )
        else:
            del self.fields["late_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exempt") and not cleaned.get("exempt_paragraph"):
            self.add_error(
                "exempt_paragraph", "Choose the Schedule 12A paragraph that makes the item exempt."
            )
        if not cleaned.get("exempt"):
            cleaned["exempt_paragraph"] = None
        report = cleaned.get("report")
        if cleaned.get("exempt") or (report is not None and report.exempt):
            if not cleaned.get("public_interest_reasons", "").strip():
                self.add_error(
                    "public_interest_reasons",
                    "Say why the public interest in maintaining the exemption outweighs the public "
                    "interest in disclosing the information.",
                )
        else:
            cleaned["public_interest_reasons"] = ""
        return cleaned


class MinuteForm(Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), label="Minute")
    #: The minute's version when the form was opened ("new" if there was none), so a
    #: minute someone else saved meanwhile is not overwritten unseen.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        required=False, max_length=LONGEST_REASON, label="Reason for change (optional)"
    )


class MoveItemForm(Form):
    """The Move up / Move down buttons of the agenda."""

    direction = forms.ChoiceField(
        label="Direction",
        choices=[("up", "Up"), ("down", "Down")],
        error_messages={"invalid_choice": "Move an item up or down."},
    )


class DeclarationForm(TrackedModelForm):
    class Meta:
        model = Declaration
        fields = ["member", "agenda_item", "registered_interest", "interest", "nature", "action_taken"]

    def __init__(self, *args, meeting, user, **kwargs):
        super().__init__(*args, **kwargs)
        members = list(meeting.committee.members.all())
        self.fields["member"].queryset = meeting.committee.members.all()
        self.fields["agenda_item"].queryset = meeting.items.all()
        self.fields["registered_interest"].queryset = (
            RegisteredInterest.objects.filter(partnership_id=meeting.committee.partnership_id)
            .filter(
                Q(member__user_id__in=[m.user_id for m in members if m.user_id])
                | Q(member_id__in=[m.pk for m in members if not m.user_id])
            )
            .select_related("member", "organisation", "partnership")
        )
        self.fields["registered_interest"].label_from_instance = lambda entry: interest_label(entry, user)


def interest_label(entry, user):
    """A register entry as a choice: its details only for those who may read them."""
    from partnership import permissions

    details = entry.description if permissions.can_read(user, entry) else "details withheld"
    return f"{entry.reference} {entry.member.person_name}: {entry.get_category_display()}: {details[:80]}"


class DecisionForm(Form):
    agenda_item = forms.ModelChoiceField(queryset=AgendaItem.objects.none(), required=False)
    reference = forms.CharField(required=False, max_length=40)
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    matter = forms.ChoiceField(choices=Matter.choices)
    amount = forms.DecimalField(
        required=False, max_digits=14, decimal_places=2, min_value=0, label="Amount (£)"
    )
    decided_on = forms.DateField()
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Bodies the decision is for",
    )
    key_decision = forms.BooleanField(
        required=False,
        label="This is a key decision",
        help_text="It must have been on the published forward plan 28 clear working days before, or "
        "taken under the general exception or special urgency.",
    )
    planned_decision = forms.ModelChoiceField(
        queryset=PlannedDecision.objects.none(), required=False, label="Forward plan entry"
    )
    exception_notice_on = forms.DateField(
        required=False,
        label="General exception notice given on",
        help_text="The day notice went to the chair of scrutiny and was published (5 clear working "
        "days before the decision).",
    )
    urgency_agreed_by = forms.CharField(
        required=False,
        max_length=200,
        label="Special urgency agreed by",
        help_text="The chair of scrutiny, or the body's chair or vice-chair.",
    )
    urgency_reasons = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Reasons for special urgency"
    )
    change_reason = forms.CharField(required=False, max_length=500, label="Reason (optional)")

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.items.all()
        # The committee's entries due within a year either side of the meeting: not its whole past.
        window = datetime.timedelta(days=366)
        self.fields["planned_decision"].queryset = PlannedDecision.objects.filter(
            committee=meeting.committee,
            decision_due__range=(meeting.date - window, meeting.date + window),
        ).order_by("decision_due", "title")
        self.fields["organisations"].queryset = Organisation.objects.partners_on(
            meeting.committee.partnership, meeting.date
        ).order_by("name")
        self.fields["decided_on"].initial = meeting.date


class RatifyForm(Form):
    ratified = forms.TypedChoiceField(
        choices=[("1", "Ratified"), ("0", "Not ratified")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        label="Outcome",
    )
    ratified_on = forms.DateField(label="Date of the body's decision")
    reference = forms.CharField(required=False, max_length=200, label="Minute reference")


class ActionForm(TrackedModelForm):
    class Meta:
        model = Action
        fields = [
            "description",
            "decision",
            "owner_name",
            "organisation",
            "due",
            "notes",
        ]

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = meeting.decisions.all()
        self.fields["organisation"].queryset = Organisation.objects.offered_in(
            meeting.committee.partnership, self.instance.organisation_id
        )


class MeetingSearchForm(Form):
    """Above the report form: find a meeting that is not offered (one already held), by the
    committee's name, the meeting's title or a year."""

    meetings = forms.CharField(
        required=False,
        max_length=100,
        label="Find another meeting",
        help_text="The list offers meetings still to come. To choose an earlier one, search by committee, "
        "title or year, for example 2018. Searching reloads this form: save what you have typed first.",
    )

    def matching(self, partnership):
        """Up to 50 of the partnership's meetings matching the search, newest first, or none."""
        if not self.is_valid() or not self.cleaned_data["meetings"].strip():
            return Meeting.objects.none()
        words = self.cleaned_data["meetings"].split()
        meetings = Meeting.objects.filter(committee__partnership=partnership)
        for word in words:
            match = Q(committee__name__icontains=word) | Q(title__icontains=word) | Q(place__icontains=word)
            if len(word) == 4 and whole_number(word, 4) is not None:
                match |= Q(starts_at__year=int(word))
            meetings = meetings.filter(match)
        return meetings.order_by("-starts_at")[:50]


class ReportForm(TrackedModelForm):
    class Meta:
        model = Report
        fields = [
            "organisation",
            "meeting",
            "meeting_name",
            "meeting_date",
            "forward_plan_reference",
            "title",
            "wards_affected",
            "exempt",
            "exempt_paragraph",
            "attachments",
            *Report.SECTION_FIELDS,
            "contact_person",
            "contact_phone",
            "background_papers",
            "joint_with",
        ]
        widgets = {"joint_with": forms.CheckboxSelectMultiple}

    def __init__(self, *args, partnership, bodies, found_meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        kept = self.instance.joint_with.values_list("pk", flat=True) if self.instance.pk else ()
        self.fields["joint_with"].queryset = Organisation.objects.offered_in(partnership, *kept).exclude(
            pk=self.instance.organisation_id
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[body.pk for body in bodies]
        )
        self.fields["organisation"].label = "Author's body"
        # Meetings still to come that take items, and the report's own meeting: not every
        # meeting since the partnership began.
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(committee__partnership=partnership)
            .filter(
                Q(status__in=TAKES_ITEMS, starts_at__date__gte=timezone.localdate())
                | Q(pk=self.instance.meeting_id)
                | Q(pk__in=[meeting.pk for meeting in found_meetings])
            )
            .select_related("committee")
            .order_by("starts_at")
        )
        self.fields["meeting"].label = "Meeting it goes to"
        self.fields["meeting"].help_text = (
            "A meeting of the partnership's committees still to come. Leave it blank for a meeting "
            "held outside Concordat, and name that meeting below."
        )
        self.fields[
            "resource_implications"
        ].help_text = (
            "The cost table stands after this section, or where you write [Cost table] on a line of its own."
        )
        self.fields["meeting_name"].label = "Meeting named on the cover sheet"
        self.fields["meeting_date"].label = "Date of the meeting named on the cover sheet"
        if self.instance.pk:
            # The owning body does not change once the report exists.
            del self.fields["organisation"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exempt") and not cleaned.get("exempt_paragraph"):
            self.add_error(
                "exempt_paragraph",
                "Choose the Schedule 12A paragraph that makes the report exempt.",
            )
        if not cleaned.get("exempt"):
            cleaned["exempt_paragraph"] = None
        return cleaned


class ReportMoveForm(Form):
    """The Finalise / Reopen buttons of a report; the service checks the move."""

    status = forms.ChoiceField(
        choices=ReportStatus.choices,
        error_messages={"invalid_choice": "Choose whether to finalise or reopen the report."},
    )
    reason = forms.CharField(required=False, max_length=LONGEST_REASON, label="Reason")


class ActionMoveForm(Form):
    """The Done / Cancel / Reopen buttons of an action; the service checks the move."""

    status = forms.ChoiceField(
        choices=ActionStatus.choices,
        error_messages={"invalid_choice": "Choose what happened to the action."},
    )


class CostLineForm(TrackedModelForm):
    class Meta:
        model = ReportCostLine
        fields = ["label", "year_label", "amount", "note"]


class AppendixForm(TrackedModelForm):
    class Meta:
        model = ReportAppendix
        fields = ["title", "file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        refuse_too_big(upload, "appendices")
        upload.seek(0)
        try:
            cleaned = sanitise_pdf(upload.read())
        except NotAPdf as exc:
            raise ValidationError(f"The appendix must be a PDF that opens: {exc}.") from exc
        # Stored without JavaScript, actions, embedded files or forms (committees.appendices).
        return SimpleUploadedFile(upload.name, cleaned, content_type="application/pdf")


class DelegationForm(TrackedModelForm):
    matters = forms.MultipleChoiceField(
        choices=Matter.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Decisions on these matters bind the body when within the limit.",
    )

    class Meta:
        model = Delegation
        fields = [
            "from_organisation",
            "to_committee",
            "to_post",
            "to_person",
            "to_user",
            "to_staff_post",
            "in_consultation_with",
            "scope",
            "matters",
            "financial_limit",
            "conditions",
            "reserved_matters",
            "valid_from",
            "valid_to",
            "minute_reference",
        ]

    def __init__(self, *args, partnership, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_organisation"].queryset = Organisation.objects.filter(
            pk__in=[body.pk for body in bodies]
        ).offered_on(timezone.localdate())
        self.fields["from_organisation"].label = "Delegating body"
        self.fields["to_committee"].queryset = Committee.objects.filter(partnership=partnership)
        self.fields["to_post"].label = "To post (as written)"
        self.fields["to_person"].label = "To person (as written)"
        self.fields[
            "to_person"
        ].help_text = (
            "Words only: a delegation gives a right to sign only through the account or shared post below."
        )
        people = self.fields["to_user"]
        people.queryset = (
            get_user_model()
            .objects.filter(
                Q(is_active=True, memberships__organisation__partner_places__partnership=partnership)
                | Q(pk=self.instance.to_user_id or 0)
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        people.label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.username})" if user.get_full_name() else user.username
        )
        posts = self.fields["to_staff_post"]
        posts.queryset = Post.objects.filter(partnership=partnership).select_related("employer", "holder")
        posts.label_from_instance = lambda post: f"{post.title}, employed by {post.employer.name}"
        if self.instance.pk:
            del self.fields["from_organisation"]

    def clean(self):
        cleaned = super().clean()
        named = ("to_committee", "to_post", "to_person", "to_user", "to_staff_post")
        if not any(cleaned.get(field) for field in named):
            raise ValidationError("Say to whom the authority is delegated: a committee, post or person.")
        return cleaned


class AttendanceForm(Form):
    """One status (and substitute) per member, built from the committee's members."""

    def __init__(self, *args, members, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        choices = [("", "Not recorded"), *AttendanceStatus.choices]
        for member in self.members:
            attendance = current.get(member.pk)
            body = member.organisation.display_name if member.organisation else "co-opted"
            self.fields[f"status_{member.pk}"] = forms.ChoiceField(
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "govuk-select"}),
                label=f"{member.person_name} ({body})",
                initial=attendance.status if attendance else "",
            )
            self.fields[f"substitute_{member.pk}"] = forms.CharField(
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
                label=f"Substitute for {member.person_name}",
                initial=attendance.substitute_name if attendance else "",
            )

    def entries(self):
        return {
            member: (
                self.cleaned_data.get(f"status_{member.pk}") or "",
                (self.cleaned_data.get(f"substitute_{member.pk}") or "").strip(),
            )
            for member in self.members
        }

    def rows(self):
        return [
            (member, self[f"status_{member.pk}"], self[f"substitute_{member.pk}"]) for member in self.members
        ]


class PlannedDecisionForm(TrackedModelForm):
    class Meta:
        model = PlannedDecision
        fields = [
            "organisation",
            "committee",
            "title",
            "summary",
            "decision_due",
            "key_decision",
            "reports",
            "exempt_expected",
            "exempt_paragraph",
            "contact_name",
            "contact_email",
        ]

    def __init__(self, *args, partnership, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[body.pk for body in bodies]
        )
        self.fields["organisation"].label = "Body whose plan it is on"
        self.fields["committee"].queryset = partnership.committees.order_by("name")
        if self.instance.pk:
            self.fields["organisation"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exempt_expected") and not cleaned.get("exempt_paragraph"):
            self.add_error("exempt_paragraph", "Choose the Schedule 12A paragraph expected to apply.")
        if not cleaned.get("exempt_expected"):
            cleaned["exempt_paragraph"] = None
        return cleaned


class PublishOnForm(Form):
    on = forms.DateField(label="Date")


class CallInOutcomeForm(Form):
    outcome = forms.ChoiceField(choices=CallInOutcome.choices, widget=forms.RadioSelect, label="Outcome")
    on = forms.DateField(label="Date decided")


class PlanLikeForm(Form):
    day = forms.DateField(label="Day of the new meeting")


class TemplateNameForm(Form):
    name = forms.CharField(
        label="Name of the template", max_length=100, help_text="For example, “Quarterly board meeting”."
    )


class AlertsForm(Form):
    email = forms.EmailField(label="E-mail address", max_length=254)


INTEREST_CATEGORY_GROUPS = [
    ("A council's register", [(c.value, c.label) for c in COUNCIL_INTEREST_CATEGORIES]),
    ("An NHS body's register", [(c.value, c.label) for c in NHS_INTEREST_CATEGORIES]),
]


class RegisteredInterestForm(TrackedModelForm):
    """An entry on a register: ``seats`` are those its writer may register for (their own, and
    those of the bodies whose registers they keep); a seat's nominating body sets the code."""

    class Meta:
        model = RegisteredInterest
        fields = [
            "member",
            "organisation",
            "category",
            "description",
            "named_organisations",
            "topics",
            "from_date",
            "to_date",
            "withhold_requested",
            "withhold_reason",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "named_organisations": forms.Textarea(attrs={"rows": 3}),
            "topics": forms.Textarea(attrs={"rows": 2}),
            "withhold_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, seats, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = seats
        self.fields["member"].label_from_instance = lambda seat: (
            f"{seat.person_name}, {seat.committee} "
            f"({seat.organisation.display_name if seat.organisation else 'co-opted'})"
        )
        self.fields["organisation"].queryset = bodies
        self.fields["organisation"].required = False
        self.fields["organisation"].help_text = (
            "For a co-opted member only: a nominated member's entries are registered with the body "
            "that nominated them."
        )
        council, nhs = INTEREST_CATEGORY_GROUPS
        kinds = {seat.organisation.is_nhs if seat.organisation_id else None for seat in seats}
        groups = {frozenset({False}): [council], frozenset({True}): [nhs]}.get(
            frozenset(kinds), [council, nhs]
        )
        self.fields["category"].choices = [("", "Select a category"), *groups]
        if len(seats) == 1 and not self.instance.member_id:
            self.initial["member"] = seats[0].pk
        if self.instance.pk:
            self.fields["member"].disabled = True
            self.fields["organisation"].disabled = True
        if None not in kinds:
            del self.fields["organisation"]  # only a co-opted member's entry needs a body chosen

    def clean(self):
        cleaned = super().clean()
        member = cleaned.get("member")
        if member is not None and member.organisation_id:
            cleaned["organisation"] = self.instance.organisation = member.organisation
        elif member is not None and not cleaned.get("organisation"):
            self.add_error(
                "organisation", "Choose the body whose code this co-opted member's entry is registered under."
            )
        if cleaned.get("withhold_requested") and not (cleaned.get("withhold_reason") or "").strip():
            self.add_error("withhold_reason", "Say why the details should be withheld.")
        if not cleaned.get("withhold_requested"):
            cleaned["withhold_reason"] = ""
        return cleaned


class OutcomeForm(Form):
    """A review's outcome, chosen from radios, and the text one outcome needs: ``needs`` is
    (outcome field, outcome, text field, message)."""

    needs = None

    def clean(self):
        cleaned = super().clean()
        choice, outcome, text, message = self.needs
        if cleaned.get(choice) == outcome and not (cleaned.get(text) or "").strip():
            self.add_error(text, message)
        return cleaned


class InterestReviewForm(OutcomeForm):
    needs = ("outcome", "return", "comment", "Say what the member should change.")

    outcome = forms.ChoiceField(
        choices=[("accept", "Accept the entry"), ("return", "Return it to the member")],
        widget=forms.RadioSelect,
        label="Review",
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Comment",
        help_text="Needed when you return it: say what the member should change.",
        max_length=2000,
    )
    withhold = forms.BooleanField(
        required=False,
        label="Withhold the details from the public register",
        help_text="The member asked for this. The public read that the member has an interest of "
        "this kind, without its details.",
    )
    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, withhold_asked=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not withhold_asked:
            del self.fields["withhold"]


class AmendmentForm(TrackedModelForm):
    class Meta:
        model = MinuteAmendment
        fields = ["text", "note"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6}), "note": forms.Textarea(attrs={"rows": 2})}


class AmendmentDecisionForm(OutcomeForm):
    needs = ("decision", "reject", "reason", "Give the reason for rejecting it: whoever proposed it is told.")

    decision = forms.ChoiceField(
        choices=[("accept", "Accept: the minute will read as proposed"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        label="Decision",
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason",
        help_text="Needed to reject it: whoever proposed it is told.",
    )

    def __init__(self, *args, amendment, **kwargs):
        # The ids the minutes page gives each amendment's fields (decision-5_0, reason-5).
        super().__init__(*args, auto_id=f"%s-{amendment.pk}", **kwargs)
        self.amendment = amendment


class ClearanceForm(OutcomeForm):
    """One review of a report: which review (kind and body), the outcome and a comment."""

    needs = ("outcome", ClearanceOutcome.CHANGES, "comment", "Say what should change.")

    kind = forms.ChoiceField(choices=ClearanceKind.choices, widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), widget=forms.HiddenInput)
    seen = forms.CharField(max_length=64, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        choices=[
            (ClearanceOutcome.CLEARED, "Clear the report"),
            (ClearanceOutcome.CHANGES, "Ask for changes"),
        ],
        widget=forms.RadioSelect,
        label="Your review",
    )
    comment = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Comment",
        help_text="Needed to ask for changes: say what should change.",
    )


class ClearanceReviewersForm(Form):
    users = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who clears it",
        help_text="No one: the body does not require this review.",
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = (
            get_user_model()
            .objects.filter(memberships__organisation=organisation, is_active=True)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["users"].label_from_instance = lambda person: person.get_full_name() or person.username
