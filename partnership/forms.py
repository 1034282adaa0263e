"""Forms: GOV.UK widget classes, 'reason for change' and the edit version on every edit."""

import datetime
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Q

from partnership import permissions
from partnership.choices import Role
from partnership.models import Membership, Organisation, Partnership

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}


#: The years a date or financial year typed into any form or query string may fall in.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
#: Longest free text any form accepts when its field sets no limit (rich text included).
LONGEST_TEXT = 100_000
#: Longest "reason for change" or other short note.
LONGEST_REASON = 1_000


def check_year(year, label="Year"):
    """Refuse a year outside EARLIEST_YEAR..LATEST_YEAR, naming the field."""
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(
            f"{label}: {year} is not a year between {EARLIEST_YEAR} and {LATEST_YEAR}.", code="year_range"
        )
    return year


def check_date(value, label="Date"):
    """Refuse a date so far off that adding or taking days from it could overflow."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValidationError(
            f"{label}: {day.day}/{day.month}/{day.year} is not a date between "
            f"{EARLIEST_YEAR} and {LATEST_YEAR}.",
            code="date_range",
        )
    return value


def year_from_query(request, name="year", label="Year"):
    """The year asked for in the query string (``?year=2018``), or None when not given.

    Raises ValidationError naming ``label`` when it is not a whole year between
    EARLIEST_YEAR and LATEST_YEAR.
    """
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        raise ValidationError(f"{label}: “{raw[:20]}” is not a year such as 2018.", code="invalid")
    return check_year(int(raw), label)


def limit_input(form):
    """Bound what any form accepts: dates between EARLIEST_YEAR and LATEST_YEAR, and text
    no longer than LONGEST_TEXT. (forms.CharField already refuses NUL bytes.)"""
    if getattr(form, "input_limited", False):
        return form  # a filter form is styled by its own class and by the list view
    form.input_limited = True
    for form_field in form.fields.values():
        label = str(form_field.label or "Date")
        if isinstance(form_field, forms.DateField | forms.DateTimeField):
            form_field.validators.append(lambda value, label=label: check_date(value, label))
        elif isinstance(form_field, forms.CharField) and form_field.max_length is None:
            form_field.max_length = LONGEST_TEXT
            form_field.validators.append(MaxLengthValidator(LONGEST_TEXT))
    return form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


#: Django's empty choice, which says nothing about what to choose.
DJANGO_BLANK = "---------"


#: What the people who use Concordat call the records a select offers.
DOMAIN_NOUNS = {"partnership.Organisation": "body", "auth.User": "person"}


def with_article(noun):
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def name_blank_choice(form_field, name, *, filter_form=False):
    """Word a select's empty choice as GOV.UK does: "Select a body" on a form, "Any body" in
    a list's filters, in place of Django's "---------"."""
    if not isinstance(form_field, forms.ChoiceField) or isinstance(form_field, forms.MultipleChoiceField):
        return
    # A model choice (and django-filter's choice field) adds its ``empty_label``; a plain
    # choice field lists the blank among its choices.
    has_empty_label = hasattr(form_field, "empty_label")
    current = form_field.empty_label if has_empty_label else dict(form_field.choices).get("")
    noun = getattr(form_field, "blank_noun", None)  # named before (a filter form is styled twice)
    if noun is None:
        if current != DJANGO_BLANK:
            return
        if isinstance(form_field, forms.ModelChoiceField):
            model = form_field.queryset.model
            noun = DOMAIN_NOUNS.get(model._meta.label) or str(model._meta.verbose_name)
        else:
            label = str(form_field.label or name.replace("_", " "))
            noun = label if label[:2].isupper() else label[:1].lower() + label[1:]
        form_field.blank_noun = noun
    blank = f"Any {noun}" if filter_form else f"Select {with_article(noun)}"
    if has_empty_label:
        form_field.empty_label = blank
        form_field.widget.choices = form_field.choices  # the widget's may still read the class's field
    else:
        form_field.choices = [(value, blank if value == "" else label) for value, label in form_field.choices]


def style_form(form, *, filter_form=False):
    """Give every widget of ``form`` its GOV.UK class and render it with templates/forms/;
    bound its input with :func:`limit_input`.

    Used by GovukFormMixin, and by the list view for django-filter's forms (whose
    template renders them with ``{% include "forms/govuk.html" with form=filter.form %}``).
    """
    form.is_filter = filter_form
    limit_input(form)
    for name, form_field in form.fields.items():
        name_blank_choice(form_field, name, filter_form=filter_form)
        widget = form_field.widget
        if isinstance(widget, forms.DateInput) and not isinstance(widget, DateInput):
            form_field.widget = widget = DateInput()
        if isinstance(widget, forms.HiddenInput) or "govuk-" in widget.attrs.get("class", ""):
            continue
        css = next((c for cls, c in WIDGET_CLASSES.items() if isinstance(widget, cls)), "govuk-input")
        if css == "govuk-input" and isinstance(form_field, forms.DecimalField | forms.IntegerField):
            css += " govuk-input--width-10"
        if isinstance(widget, DateInput):
            css += " govuk-input--width-10"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
    return form


class GovukFormMixin:
    """Gives every widget its GOV.UK class and renders with templates/forms/govuk.html."""

    template_name = "forms/govuk.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class Form(GovukFormMixin, forms.Form):
    pass


class TrackedModelForm(GovukFormMixin, forms.ModelForm):
    """A ModelForm for a TrackedModel edit: a reason for the change, and the
    version the form was loaded with, so a stale edit can be refused."""

    change_reason = forms.CharField(
        label="Reason for change",
        required=False,
        max_length=LONGEST_REASON,
        help_text="Kept in the history that auditors read.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)
    submission_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()
        if self.instance.pk:
            del self.fields["submission_token"]
        else:
            self.fields["submission_token"].initial = uuid.uuid4().hex
        # Move the reason to the end of the form.
        self.fields["change_reason"] = self.fields.pop("change_reason")

    def has_changed(self):
        return any(
            name not in ("change_reason", "loaded_version", "submission_token") for name in self.changed_data
        )


class OrganisationForm(TrackedModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "ods_code",
            "ons_code",
            "active_from",
            "active_to",
            "successor",
            "website",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["successor"].queryset = successor_queryset(user, self.instance)


def successor_queryset(user, organisation=None):
    """Bodies ``user`` may name as a successor: those of their partnerships (every body for a
    site administrator), never the body itself; a successor already named stays offered."""
    visible = Organisation.objects.visible_to(user).values("pk")
    current = organisation.successor_id if organisation is not None else None
    queryset = Organisation.objects.filter(Q(pk__in=visible) | Q(pk=current or 0))
    if organisation is not None and organisation.pk:
        queryset = queryset.exclude(pk=organisation.pk)
    return queryset


class PartnershipForm(TrackedModelForm):
    class Meta:
        model = Partnership
        fields = ["name", "area", "description", "status", "established"]


class MembershipForm(Form):
    """Add a person to a body in one role, by their username or e-mail."""

    user = forms.CharField(
        label="Username or e-mail address", help_text="The person must already have an account."
    )
    role = forms.ChoiceField(choices=Membership._meta.get_field("role").choices)
    job_title = forms.CharField(required=False, max_length=200)

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(username__iexact=value) | get_user_model().objects.filter(
            email__iexact=value
        )
        users = list(users.distinct()[:2])
        if len(users) != 1:
            raise forms.ValidationError(f"No single account has the username or e-mail “{value}”.")
        return users[0]


class ReasonForm(Form):
    """The optional reason given on a delete or remove page."""

    change_reason = forms.CharField(
        label="Reason", required=False, max_length=LONGEST_REASON, widget=forms.Textarea(attrs={"rows": 2})
    )


def errors_as_text(form):
    """A form's errors as one sentence naming each field, for a message or a 400 page."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


class ReorganisationForm(Form):
    """Record bodies abolished on a date and the bodies that succeed them."""

    name = forms.CharField(max_length=200, help_text="For example, CCGs replaced by the BSW ICB.")
    takes_effect = forms.DateField(
        label="Successors take over on",
        help_text="The abolished bodies' last day is the day before, for example 1 April 2013.",
    )
    abolished = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label="Bodies abolished",
        widget=forms.CheckboxSelectMultiple,
        help_text="Only bodies you are an administrator of.",
    )
    successors = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label="Successor bodies",
        widget=forms.CheckboxSelectMultiple,
        help_text="One for a merger or a rename; several when a body is split between them.",
    )
    legal_basis = forms.CharField(
        max_length=300, required=False, help_text="The order or Act that made the change, if known."
    )
    change_reason = forms.CharField(
        label="Reason", required=False, max_length=LONGEST_REASON, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_superuser:
            abolishable = Organisation.objects.all()
        else:
            administered = {
                m.organisation_id for m in permissions.user_memberships(user) if m.role == Role.ADMINISTRATOR
            }
            abolishable = Organisation.objects.filter(pk__in=administered)
        self.fields["abolished"].queryset = abolishable.filter(active_to__isnull=True) | abolishable.filter(
            active_to__isnull=False, reorganisation_places__isnull=True
        )
        self.fields["successors"].queryset = successor_queryset(user).filter(active_to__isnull=True)

    def clean(self):
        cleaned = super().clean()
        abolished, successors = cleaned.get("abolished"), cleaned.get("successors")
        if abolished and successors and set(abolished) & set(successors):
            raise ValidationError("A body cannot succeed itself: it is either abolished or a successor.")
        return cleaned


class TransferForm(Form):
    """One choice per live record naming an abolished body: the successor it moves to, or end it."""

    change_reason = forms.CharField(
        label="Reason", required=False, max_length=LONGEST_REASON, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, touched, successors, initial_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.touched = touched
        options = [(str(body.pk), f"Move to {body.display_name}") for body in successors]
        for record in touched:
            choices = list(options)
            if record.can_end:
                choices.append(("end", "End it"))
            if len(successors) != 1:
                choices.insert(0, ("", "Choose…"))
            self.fields[record.key] = forms.ChoiceField(
                label=f"{record.kind.label}: {record.label}",
                choices=choices,
                initial=initial_choices.get(record.key, ""),
                widget=forms.Select(attrs={"class": "govuk-select"}),
                error_messages={"required": "Choose a successor for this record, or end it."},
            )
        self.fields["change_reason"] = self.fields.pop("change_reason")

    def record_fields(self):
        return [(record, self[record.key]) for record in self.touched]

    def choices(self):
        return {record.key: self.cleaned_data[record.key] for record in self.touched}
