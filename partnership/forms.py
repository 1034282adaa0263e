"""Forms: GOV.UK widget classes, 'reason for change' and the edit version on every edit."""

import contextlib
import datetime
import uuid

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.db.models import Q
from django.forms.boundfield import BoundField
from django.forms.utils import pretty_name
from django.template.defaultfilters import filesizeformat

from partnership import permissions
from partnership.choices import Role
from partnership.models import Membership, Organisation, Partnership
from partnership.numbers import whole_number
from partnership.widgets import PARTS, AutocompleteInput, GovukDateInput, govuk_date_field

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


def refuse_too_big(upload, what):
    """Refuse an uploaded file over ``MAX_UPLOAD_BYTES``, saying how big it is and what ``what``
    (appendices, the filled-in template) may be."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}: {what} must be no bigger "
            f"than {filesizeformat(settings.MAX_UPLOAD_BYTES)}."
        )


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
    if whole_number(raw, 4) is None:
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


#: Kept for forms that name it: every date input is the GOV.UK three-part one.
DateInput = GovukDateInput


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


#: The class GOV.UK gives a text box, list or area with an error, by its own class.
ERROR_CLASSES = {
    "govuk-select": "govuk-select--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-file-upload": "govuk-file-upload--error",
    "govuk-input": "govuk-input--error",
}


class GovukBoundField(BoundField):
    """A field as templates/forms/ render it: its hint and error ids (``<id>-hint``,
    ``<id>-error``) named by the input's ``aria-describedby``, the GOV.UK error class on a
    box with an error, and :attr:`error_anchor`, the id the error summary links to."""

    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby") or not self.auto_id or self.is_hidden:
            return None
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}-hint")
        if self.errors:
            ids.append(f"{self.auto_id}-error")
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not self.use_fieldset and not isinstance(widget, forms.CheckboxInput):
            css = attrs.get("class", widget.attrs.get("class", ""))
            extra = next((error for base, error in ERROR_CLASSES.items() if base in css.split()), None)
            if extra and extra not in css:
                attrs["class"] = f"{css} {extra}".strip()
        return attrs

    @property
    def error_anchor(self):
        """The id of the field's first input: a list's first option, a date's first wrong
        part (its day when the whole date is wrong); the form's errors for a hidden field."""
        if self.is_hidden:
            return form_errors_id(self.form)
        widget = self.field.widget
        if isinstance(widget, GovukDateInput):
            return f"{self.auto_id}-{(widget.wrong_parts or PARTS)[0]}"
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            options = self.subwidgets
            return options[0].id_for_label if options else self.auto_id
        return self.id_for_label or self.auto_id


def form_errors_id(form):
    """The id of the place at the top of a form where its own errors (not a field's) show."""
    return f"{form.prefix}-errors" if form.prefix else "form-errors"


# GOV.UK error messages ------------------------------------------------------------------
# Each field's Django default messages are replaced by the GOV.UK Design System's wording,
# from the field's label and kind; a message a form or model set itself is kept.

#: Words in a label that say the number is money.
MONEY_WORDS = ("amount", "£", "cost", "pounds", "financial limit")
MONEY_MESSAGE = "Enter an amount in pounds and pence, like 600 or 600.50"
CHOICE_FIELDS = (
    forms.ChoiceField,
    forms.ModelChoiceField,
    forms.BooleanField,
    forms.NullBooleanField,
    forms.FileField,
)


def field_label(form_field, name):
    return str(form_field.label or pretty_name(name))


def the_label(label):
    """``"Date of signing"`` -> ``"the date of signing"``; ``"ODS code"`` -> ``"the ODS code"``."""
    words = label if label[:2].isupper() else label[:1].lower() + label[1:]
    if words.split(" ", 1)[0] in ("the", "a", "an", "your", "this", "each", "any", "every"):
        return words
    return f"the {words}"


def _escaped(text):
    """``text`` safe inside a message Django fills with ``%`` parameters."""
    return text.replace("%", "%%")


def django_default_messages(form_field):
    """The messages Django itself gives ``form_field``'s class, by code."""
    defaults = {}
    for cls in reversed(type(form_field).__mro__):
        if cls.__module__.startswith(("django.", "django_filters.", "partnership.widgets")):
            defaults.update(getattr(cls, "default_error_messages", {}))
    return defaults


def worded_by_a_validator(form, form_field, name, code):
    """Whether a validator raising ``code`` has a message of its own: one of the field's, or
    of the model field behind it (a model form would put the form's words over it)."""
    validators = list(form_field.validators)
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        with contextlib.suppress(FieldDoesNotExist):
            validators += getattr(model._meta.get_field(name), "validators", [])
    return any(
        getattr(validator, "code", None) == code
        and getattr(validator, "message", None) != getattr(type(validator), "message", None)
        for validator in validators
    )


def govuk_messages(form_field, name):
    """The GOV.UK wording for ``form_field``, by error code."""
    label = field_label(form_field, name)
    the = getattr(form_field, "error_name", None) or the_label(label)
    if isinstance(form_field, forms.DateField | forms.DateTimeField) and "date" not in the.lower():
        # "Due", "Valid from": "Enter the date due", "The date valid from must be a real date";
        # a longer label ("Show it as it stood at the end of") is simply "the date".
        words = the.removeprefix("the ")
        the = the_label(f"date {words}") if len(words.split()) <= 3 else "the date"
    The = the[:1].upper() + the[1:]
    Label = label[:1].upper() + label[1:]
    esc_Label = _escaped(Label)
    words = {
        "max_length": f"{esc_Label} must be %(limit_value)s characters or fewer",
        "min_length": f"{esc_Label} must be %(limit_value)s characters or more",
        "min_value": f"{esc_Label} must be %(limit_value)s or more",
        "max_value": f"{esc_Label} must be %(limit_value)s or less",
        "max_digits": f"{esc_Label} must be %(max)s digits or fewer",
        "max_whole_digits": f"{esc_Label} must be %(max)s digits or fewer before the decimal point",
        "max_decimal_places": f"{esc_Label} must have no more than %(max)s decimal places",
        "null_characters_not_allowed": f"{esc_Label} must not contain null characters",
    }
    if isinstance(form_field, forms.CharField) and form_field.max_length:
        words["max_length"] = f"{esc_Label} must be {form_field.max_length:,} characters or fewer"
    if isinstance(form_field, forms.FileField):
        del words["max_length"]  # Django words a file name's length with other parameters
    if isinstance(form_field, forms.DateField):
        words.update(
            required=f"Enter {the}",
            invalid=f"{_escaped(The)} must be a real date",
            incomplete=f"{_escaped(The)} must include a %(parts)s",
        )
    elif isinstance(form_field, forms.DateTimeField):
        words.update(required=f"Enter {the}", invalid=f"{_escaped(The)} must be a real date and time")
    elif isinstance(form_field, forms.TimeField):
        words.update(required=f"Enter {the}", invalid=f"Enter {_escaped(the)} as a time, like 14:30")
    elif isinstance(form_field, forms.FileField):
        words.update(required=f"Select {the}", empty="The selected file is empty")
        words["missing"] = words["invalid"] = f"Select {_escaped(the)}"
    elif isinstance(form_field, CHOICE_FIELDS):
        where = (
            "the options shown"
            if isinstance(form_field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            else "the list"
        )
        words.update(required=f"Select {the}")
        words["invalid_choice"] = words["invalid_pk_value"] = f"Select {_escaped(the)} from {where}"
    elif isinstance(form_field, forms.DecimalField | forms.FloatField):
        money = any(word in label.lower() for word in MONEY_WORDS)
        words.update(
            required=f"Enter {the}", invalid=MONEY_MESSAGE if money else f"{esc_Label} must be a number"
        )
        if money:
            words["max_decimal_places"] = MONEY_MESSAGE
    elif isinstance(form_field, forms.IntegerField):
        words.update(required=f"Enter {the}", invalid=f"{esc_Label} must be a whole number")
    elif isinstance(form_field, forms.EmailField):
        words.update(
            required=f"Enter {the}",
            invalid="Enter an email address in the correct format, like name@example.com",
        )
    elif isinstance(form_field, forms.URLField):
        words.update(
            required=f"Enter {the}",
            invalid=f"Enter {_escaped(the)} as a web address, like https://www.example.org.uk",
        )
    else:
        words.update(required=f"Enter {the}")
    return words


def word_errors(form):
    """Give every field of ``form`` the GOV.UK wording for each error Django would word
    itself (and for each it was given before, as the label may have changed since); a
    message the form or its model set is left alone. A field whose label does not read well
    after "Enter" may say how to name it: ``field.error_name = "the day to show"``."""
    for name, form_field in form.fields.items():
        defaults = django_default_messages(form_field)
        ours = getattr(form_field, "govuk_messages", {})
        wanted = govuk_messages(form_field, name)
        for code, message in list(wanted.items()):
            current = form_field.error_messages.get(code)
            if current is None and worded_by_a_validator(form, form_field, name, code):
                del wanted[code]
            elif current is None or current == defaults.get(code) or current == ours.get(code):
                form_field.error_messages[code] = message
            else:
                del wanted[code]  # the form's own words
        form_field.govuk_messages = wanted
    return form


def style_form(form, *, filter_form=False):
    """Give every widget of ``form`` its GOV.UK class and render it with templates/forms/;
    every date the GOV.UK three-part date input (``partnership.widgets``); every error the
    GOV.UK wording (:func:`word_errors`); bound its input with :func:`limit_input`.

    Used by GovukFormMixin, and by the list view for django-filter's forms (whose
    template renders them with ``{% include "forms/govuk.html" with form=filter.form %}``).
    """
    form.is_filter = filter_form
    form.bound_field_class = GovukBoundField
    limit_input(form)
    for name, form_field in form.fields.items():
        name_blank_choice(form_field, name, filter_form=filter_form)
        govuk_date_field(form_field)
        widget = form_field.widget
        if isinstance(widget, forms.HiddenInput | GovukDateInput) or "govuk-" in widget.attrs.get(
            "class", ""
        ):
            continue
        css = next((c for cls, c in WIDGET_CLASSES.items() if isinstance(widget, cls)), "govuk-input")
        if css == "govuk-input" and isinstance(form_field, forms.DecimalField | forms.IntegerField):
            css += " govuk-input--width-10"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
    word_errors(form)
    return form


class GovukFormMixin:
    """Gives every widget its GOV.UK class and renders with templates/forms/govuk.html."""

    template_name = "forms/govuk.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def full_clean(self):
        # A form's __init__ may relabel or add fields after style_form: word them as they are now.
        for form_field in self.fields.values():
            govuk_date_field(form_field)
        word_errors(self)
        super().full_clean()


class RecordByKeyField(forms.CharField):
    """One of ``queryset``'s records, chosen by typing its ``key`` (an agreement's
    reference), where a select would list thousands.

    The box shows a record as ``str(record)`` ("REF — Title"); what was typed is
    read up to the first " — ", so a suggestion picked from the autocomplete and a
    reference typed by hand both work. Only the key is read: a number typed is a
    reference, never taken for a record's id, which would pick a record the person
    did not name. (An initial value may be an id: it is shown as its record.)
    ``search_url`` (set by the form, which knows the partnership) is the endpoint
    the autocomplete asks.
    """

    widget = AutocompleteInput

    #: Longer than any key with its title; checked on the text, since the value is a record.
    LONGEST = 400

    def __init__(self, *, queryset, key, noun, **kwargs):
        super().__init__(**kwargs)
        self.max_length = self.LONGEST  # checked in to_python, not by a validator on the record
        self.queryset, self.key, self.noun = queryset, key, noun

    def set_search_url(self, url):
        self.widget.attrs["data-app-autocomplete"] = url

    def prepare_value(self, value):
        if isinstance(value, int) or whole_number(value) is not None:
            value = self.queryset.filter(pk=value).first() or value
        return str(value) if isinstance(value, models.Model) else value

    def to_python(self, value):
        typed = super().to_python(value)
        ProhibitNullCharactersValidator()(typed)
        if len(typed) > self.LONGEST:
            raise ValidationError(f"Reference must be {self.LONGEST} characters or fewer", code="max_length")
        text = typed.split(" — ", 1)[0].strip()
        if not text:
            return None
        found = self.queryset.filter(**{f"{self.key}__iexact": text}).first()
        if found is None:
            raise ValidationError(
                f"No {self.noun} here has the reference “{text}”: type a reference as it is shown "
                f"on the {self.noun}, or pick one from the suggestions",
                code="invalid_choice",
            )
        return found


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
            "register_update_months",
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
        label = field_label(form.fields[name], name) if name in form.fields else None
        for text in errors:
            # A GOV.UK message names its field already ("Enter the reason").
            named = label is None or label.lower() in text.lower()
            parts.append(text if named else f"{label}: {text}")
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
