"""Forms for agreements. Rules live in agreements.services; these only collect input."""

from django import forms
from django.urls import reverse
from django.utils import timezone

from agreements import text
from agreements.choices import AgreementStatus, PartyRole
from agreements.models import Agreement, AgreementPayment, Review, Schedule, Variation
from agreements.services import ending_date_errors
from partnership.forms import DateInput, Form, RecordByKeyField, TrackedModelForm
from partnership.generic import ConfirmReasonForm
from partnership.models import Organisation

SECTION_HELP = "You can use basic formatting (paragraphs, bold, italic, lists, links)."


class FormattedTextMixin:
    """Formatted text (the model's ``rich_text_fields``) is edited as text: a section of
    plain paragraphs shows without ``<p>`` or ``&amp;`` (``text.as_editable``); sent back
    unchanged, the stored text is kept as it was, so nothing is recorded as changed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_text = {}
        for name in self._meta.model.rich_text_fields:
            if name in self.fields:
                stored = getattr(self.instance, name, "") or ""
                self.stored_text[name] = stored
                self.initial[name] = text.as_editable(stored)

    def clean(self):
        cleaned = super().clean()
        for name, stored in self.stored_text.items():
            if name not in cleaned:
                continue
            typed = (cleaned[name] or "").replace("\r\n", "\n").strip()
            if typed == text.as_editable(stored).strip():
                cleaned[name] = stored
            else:
                cleaned[name] = text.from_editable(typed)
        return cleaned


class AgreementForm(FormattedTextMixin, TrackedModelForm):
    """Create or edit an agreement's terms. Parties are chosen only when creating."""

    parties = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The bodies that will sign it. Include one you act for as an officer.",
    )

    parent = RecordByKeyField(
        queryset=Agreement.objects.none(),
        key="reference",
        noun="agreement",
        required=False,
        label="Parent agreement",
        help_text="The agreement this one sits under, if any (for example, the Section 75 a "
        "schedule of services belongs to): type its reference.",
    )

    class Meta:
        model = Agreement
        fields = [
            "reference",
            "title",
            "kind",
            "parent",
            "host_body",
            "governing_committee",
            "start_date",
            "end_date",
            "review_frequency_months",
            "next_review_date",
            "notice_period_months",
            *Agreement.SECTION_FIELDS,
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in Agreement.SECTION_FIELDS}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        bodies = Organisation.objects.offered_in(partnership, self.instance.host_body_id)
        self.fields["host_body"].queryset = bodies
        self.fields["host_body"].help_text = (
            "For a pooled fund, the body that hosts it. For lead commissioning or integrated provision, "
            "the partner that exercises the functions: an NHS body (regulation 8) or a council "
            "(regulation 9)."
        )
        committees = self.fields["governing_committee"]
        committees.queryset = committees.queryset.filter(partnership=partnership)
        parents = Agreement.objects.filter(partnership=partnership)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            del self.fields["parties"]
        else:
            self.fields["parties"].queryset = bodies
            self.fields = {"parties": self.fields.pop("parties"), **self.fields}
        self.fields["parent"].queryset = parents
        self.fields["parent"].set_search_url(
            reverse("agreements:choices", kwargs={"partnership": partnership.slug})
            + (f"?exclude={self.instance.pk}" if self.instance.pk else "")
        )
        for name in Agreement.SECTION_FIELDS:
            field = self.fields[name]
            field.help_text = " ".join(filter(None, [str(field.help_text or ""), SECTION_HELP]))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must not be before the start date.")
        reference = cleaned.get("reference")
        if reference:
            clash = Agreement.objects.filter(partnership=self.partnership, reference=reference)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("reference", "Another agreement in this partnership has this reference.")
        return cleaned

    def validate_unique(self):
        # partnership is not a form field; uniqueness is checked in clean().
        pass


class StatusForm(Form):
    status = forms.ChoiceField(choices=AgreementStatus.choices)
    reason = forms.CharField(required=False, max_length=500)


class PartyForm(Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Body")
    role = forms.ChoiceField(choices=PartyRole.choices, initial=PartyRole.PARTNER)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.offered_in(agreement.partnership).exclude(
            agreement_parties__agreement=agreement
        )


class PartyRoleForm(Form):
    role = forms.ChoiceField(choices=PartyRole.choices)


class SignForm(Form):
    """A party's sign-off. The body signing comes from the URL's party, never from the form."""

    signatory_name = forms.CharField(label="Name of the person signing", max_length=200)
    signatory_position = forms.CharField(label="Position", max_length=200, required=False)
    signed_on = forms.DateField(label="Date of signing", widget=DateInput)
    relied_on = forms.CharField(
        label="Decision or delegation relied on",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: Cabinet decision of 12 September 2012, or scheme of delegation para 4.2.",
    )

    authorised = forms.BooleanField(
        label="I confirm I am authorised to sign for this body",
        error_messages={"required": "Confirm that you are authorised to sign for this body"},
    )

    def __init__(self, *args, user=None, organisation=None, authority=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()
        if user is not None:
            self.fields["signatory_name"].initial = user.get_full_name()
        if organisation is not None:
            under = f" under {authority}" if authority else ""
            self.fields["authorised"].label = f"I confirm I am authorised to sign for {organisation}{under}"
            self.fields["authorised"].error_messages["required"] = (
                f"Confirm that you are authorised to sign for {organisation}"
            )


class ApprovalForm(Form):
    approver_name = forms.CharField(label="Name of the person approving", max_length=200)
    approved_on = forms.DateField(label="Date of approval", widget=DateInput)
    relied_on = forms.CharField(
        label="Decision or delegation relied on", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_on"].initial = timezone.localdate()
        if user is not None:
            self.fields["approver_name"].initial = user.get_full_name()


class PaymentForm(TrackedModelForm):
    """A payment between two parties to the agreement: which pays which, for what, how much."""

    class Meta:
        model = AgreementPayment
        fields = ["payer", "payee", "description", "amount"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parties = Organisation.objects.filter(agreement_parties__agreement=self.instance.agreement).order_by(
            "name"
        )
        for name in ("payer", "payee"):
            self.fields[name].queryset = parties
        self.fields["amount"].widget.attrs.update(inputmode="decimal")


class ScheduleForm(FormattedTextMixin, TrackedModelForm):
    class Meta:
        model = Schedule
        fields = ["number", "title", "status", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def validate_unique(self):
        pass


class VariationForm(FormattedTextMixin, TrackedModelForm):
    class Meta:
        model = Variation
        fields = ["title", "description", "effective_date"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def validate_unique(self):
        pass


class ReviewForm(TrackedModelForm):
    class Meta:
        model = Review
        fields = ["due", "status", "completed_on", "outcome", "meeting", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class EndingForm(ConfirmReasonForm):
    """Terminating (the notice given and the day it takes effect) or marking as expired
    (the day it expires). The notice rule is checked by agreements.services.end_agreement."""

    notice_given_on = forms.DateField(
        label="Date notice was given",
        widget=DateInput,
        help_text="The day a party gave notice under the agreement's terms.",
        error_messages={"required": "Enter the date notice was given"},
    )
    ends_on = forms.DateField(
        label="Date the ending takes effect",
        widget=DateInput,
        error_messages={"required": "Enter the date the ending takes effect"},
    )

    def __init__(self, *args, agreement, status, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement, self.status = agreement, status
        today = timezone.localdate()
        if status == AgreementStatus.TERMINATED:
            self.fields["notice_given_on"].initial = today
            self.fields["ends_on"].help_text = (
                "The agreement stays in force until this day, and ends on it. It must be no earlier "
                "than the date notice was given plus the notice period."
            )
        else:
            del self.fields["notice_given_on"]
            self.fields["ends_on"].label = "Date it expires"
            self.fields["ends_on"].error_messages["required"] = "Enter the date it expires"
            self.fields[
                "ends_on"
            ].help_text = "Usually the end date in its terms. A date in the future is kept until that day."
            self.fields["ends_on"].initial = agreement.end_date or today
        self.fields["change_reason"].label = "Reason for ending the agreement"
        self.fields["change_reason"].error_messages["required"] = "Enter the reason for ending the agreement"
        self.fields[
            "change_reason"
        ].help_text = (
            "Kept in the history that auditors read, and sent to the officers and signatories of every party."
        )
        self.fields["change_reason"] = self.fields.pop("change_reason")

    def clean(self):
        """Say what is wrong with the dates beside them, with any other error (the service
        checks the same rule again under the agreement's lock)."""
        cleaned = super().clean()
        if "ends_on" in cleaned and (
            self.status != AgreementStatus.TERMINATED or "notice_given_on" in cleaned
        ):
            errors = ending_date_errors(
                self.agreement, self.status, cleaned["ends_on"], cleaned.get("notice_given_on")
            )
            for name, message in errors.items():
                self.add_error(name, message)
        return cleaned
