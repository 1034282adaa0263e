"""Forms for shared posts: the post itself and each partner body's share of it."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from agreements.choices import AgreementKind
from partnership import permissions
from partnership.forms import Form, TrackedModelForm
from partnership.models import Organisation
from staffing import services
from staffing.models import Post

SHARE_PREFIX = "share_"


class PostForm(TrackedModelForm):
    """A post and, in one fieldset, each partner body's share of its time and cost.

    The employer can be set only when the post is created, and only to a body
    the person acts for as an officer: the employer owns the post.
    """

    template_name = "staffing/post_form_fields.html"

    holder_since = forms.DateField(
        label="Held since",
        required=False,
        help_text="For a new holder: the day they took up the post (leave blank for today; for a new "
        "post, from when it was established). The previous holder's time ends the day before. A "
        "delegation to the post serves whoever held it on the day.",
    )

    class Meta:
        model = Post
        fields = [
            "title",
            "employer",
            "agreement",
            "employer_designation",
            "designated_employer_rule",
            "fte",
            "annual_cost",
            "start_date",
            "end_date",
            "holder_name",
            "holder",
            "vacant",
            "vacant_from",
            "jointly_managed",
            "line_managers",
        ]
        widgets = {
            "designated_employer_rule": forms.Textarea(attrs={"rows": 3}),
            "line_managers": forms.Textarea(attrs={"rows": 2}),
            "employer_designation": forms.RadioSelect,
        }

    def __init__(self, *args, partnership, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        partner_ids = permissions.partner_organisation_ids(partnership)
        sharing = self.instance.shares.values_list("organisation_id", flat=True) if self.instance.pk else []
        self.partner_bodies = list(Organisation.objects.offered_in(partnership, *sharing))

        employer = self.fields["employer"]
        if self.instance.pk:
            employer.disabled = True
            employer.queryset = Organisation.objects.filter(pk=self.instance.employer_id)
            employer.help_text = (
                "The employer cannot be changed here: a post that moves to another employer is a new post."
            )
        elif user.is_superuser:
            employer.queryset = Organisation.objects.offered_in(partnership)
        else:
            acting = permissions.bodies_acting_for(user, partnership, *Post.create_roles)
            employer.queryset = Organisation.objects.filter(pk__in=[o.pk for o in acting])
            employer.help_text = "A body you act for as an officer: it will own the post."

        agreement = self.fields["agreement"]
        agreement.queryset = agreement.queryset.filter(
            partnership=partnership, kind=AgreementKind.S113
        ).order_by("reference")
        agreement.help_text = (
            "Optional. The Section 113 agreement that makes the holder available to the other body."
        )

        holder = self.fields["holder"]
        holder.queryset = (
            get_user_model()
            .objects.filter(memberships__organisation_id__in=partner_ids, is_active=True)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        holder.label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username
        )

        current = {}
        if self.instance.pk:
            current = {s.organisation_id: s.share_percent for s in self.instance.shares.all()}
        for body in self.partner_bodies:
            self.fields[f"{SHARE_PREFIX}{body.pk}"] = forms.DecimalField(
                label=body.name,
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                max_digits=5,
                decimal_places=2,
                initial=current.get(body.pk),
                widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5", "step": "0.01"}),
            )
        since = self.fields.pop("holder_since")
        names = list(self.fields)
        at = names.index("holder") + 1
        self.fields = {
            **{n: self.fields[n] for n in names[:at]},
            "holder_since": since,
            **{n: self.fields[n] for n in names[at:]},
        }
        # Keep the reason for change last.
        self.fields["change_reason"] = self.fields.pop("change_reason")

    def share_fields(self):
        return [self[f"{SHARE_PREFIX}{body.pk}"] for body in self.partner_bodies]

    def post_fields(self):
        return [
            field
            for field in self.visible_fields()
            if not field.name.startswith(SHARE_PREFIX) and field.name != "change_reason"
        ]

    def clean(self):
        cleaned = super().clean()
        shares = {}
        for body in self.partner_bodies:
            value = cleaned.get(f"{SHARE_PREFIX}{body.pk}")
            if value:
                shares[body] = value
        self.shares = shares
        try:
            services.validate_shares(shares, partnership=self.partnership)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class YearForm(Form):
    """Choose a financial year for a recharge statement."""

    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        from partnership.dates import financial_year_label

        self.fields["year"].choices = [(y, financial_year_label(y)) for y in years]
