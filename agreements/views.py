"""Agreement pages: thin subclasses of partnership.generic that call agreements.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView, View

from agreements import access, services
from agreements.choices import ENDING_STATUSES, AgreementStatus, PartyRole
from agreements.filtersets import AgreementFilterSet
from agreements.forms import (
    AgreementForm,
    ApprovalForm,
    EndingForm,
    PartyForm,
    PartyRoleForm,
    PaymentForm,
    ReviewForm,
    ScheduleForm,
    SignForm,
    StatusForm,
    VariationForm,
)
from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementPayment,
    Review,
    Schedule,
    Variation,
    VariationApproval,
)
from agreements.tables import AgreementTable
from agreements.text import as_html
from partnership import generic, permissions
from partnership.apps import records_under_agreement
from partnership.pdf import render_pdf_cached


def agreement_url(agreement, name="detail", **extra):
    return reverse(
        f"agreements:{name}",
        kwargs={"partnership": agreement.partnership.slug, "pk": agreement.pk, **extra},
    )


def error_text(error):
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def date_field_of(error, field):
    """``field`` when ``error`` is a refusal about the date given (shown beside it), else None."""
    return field if getattr(error, "code", None) == access.DATE_REFUSAL else None


class AgreementChoicesView(generic.ChoicesView):
    """Agreements to suggest (a parent, a budget's or a transfer's): by reference or title."""

    model = Agreement
    search_fields = ("reference", "title")
    filter_fields = ("kind",)
    ordering = ("reference",)


class AgreementListView(generic.ObjectListView):
    model = Agreement
    table_class = AgreementTable
    filterset_class = AgreementFilterSet
    title = "Agreements"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("partnership")
            .prefetch_related(
                # Each agreement's parties by name, without the model's order by agreement (a
                # join to the agreements and their partnerships to sort rows already grouped).
                Prefetch(
                    "parties",
                    queryset=AgreementParty.objects.select_related("organisation").order_by(
                        "organisation__name"
                    ),
                )
            )
        )

    def get_create_url(self):
        user = self.request.user
        if not permissions.is_read_only(user) and permissions.can_create(user, Agreement, self.partnership):
            return reverse("agreements:add", kwargs={"partnership": self.partnership.slug})
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_label"] = "Add an agreement"
        return context


class AgreementMixin:
    """For pages under one agreement: ``self.agreement`` from the URL, 404 if not visible."""

    agreement_kwarg = "pk"

    @cached_property
    def agreement(self):
        queryset = permissions.restrict(Agreement.objects.all(), self.request.user).filter(
            partnership=self.partnership
        )
        return get_object_or_404(
            queryset.select_related("partnership", "host_body", "notice_given_by"),
            pk=self.kwargs[self.agreement_kwarg],
        )


class AgreementDetailView(generic.ObjectDetailView):
    model = Agreement
    template_name = "agreements/agreement_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("partnership", "host_body", "parent", "governing_committee", "notice_given_by")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement, user = self.object, self.request.user
        parties = list(agreement.parties.select_related("organisation", "signed_by"))
        checker = permissions.permission_checker(user, parties)
        for party in parties:
            party.user_may_sign = (
                agreement.status == "awaiting_signature"
                and not party.has_signed
                and access.may_sign(user, party, checker)
            )
        variations = list(
            agreement.variations.prefetch_related(
                Prefetch(
                    "approvals",
                    queryset=VariationApproval.objects.select_related("organisation"),
                )
            )
        )
        approvals = [a for v in variations for a in v.approvals.all()]
        approval_checker = permissions.permission_checker(user, approvals)
        for variation in variations:
            for approval in variation.approvals.all():
                approval.user_may_approve = (
                    variation.status == "awaiting_approval"
                    and not approval.is_approved
                    and access.may_approve(user, approval, approval_checker)
                )
        schedules = list(agreement.schedules.all())
        payments = list(agreement.payments.select_related("payer", "payee"))
        can_manage = services.can_manage(user, agreement)
        editable = services.is_editable(agreement)
        context.update(
            agreement=agreement,
            parties=parties,
            can_manage=can_manage,
            can_change=can_manage and editable,
            can_change_parties=can_manage and editable,
            can_add_children=can_manage and agreement.status in services.LIVE_STATUSES,
            can_vary=can_manage and agreement.status in services.VARIABLE_STATUSES,
            moves=services.moves_for(user, agreement),
            endings=[
                (label, agreement_url(agreement, ENDING_URLS[status]))
                for status, label in services.endings_for(user, agreement)
            ],
            may_withdraw_ending=can_manage and agreement.pending_ending,
            missing=services.missing_statutory_elements(agreement),
            statutory_basis=services.statutory_basis(agreement),
            payments=payments,
            states_payments=agreement.kind in services.PAYMENT_KINDS or bool(payments),
            sections=[
                (agreement._meta.get_field(name).verbose_name, as_html(getattr(agreement, name)))
                for name in Agreement.SECTION_FIELDS
                if name != "pooled_fund_manager" or agreement.is_pooled_fund or agreement.pooled_fund_manager
            ],
            schedules=schedules,
            schedules_agreed=sum(1 for s in schedules if s.status == "agreed"),
            party_roles=PartyRole.choices,
            variations=variations,
            reviews=agreement.reviews.all(),
            sub_agreements=agreement.sub_agreements.all(),
            records_under=records_under_agreement(agreement, user),
            party_form=PartyForm(agreement=agreement) if can_manage and editable else None,
            history_url=agreement_url(agreement, "history"),
        )
        return context


class AgreementHistoryView(generic.ObjectHistoryView):
    model = Agreement


class AgreementEditView(generic.ObjectEditView):
    model = Agreement
    form_class = AgreementForm
    template_name = "agreements/agreement_form.html"

    def has_permission(self, obj):
        user = self.request.user
        if permissions.is_read_only(user):
            return False
        if obj.pk:
            return services.can_manage(user, obj)
        return permissions.can_create(user, Agreement, self.partnership)

    def refusal_message(self):
        if self.object.pk:
            return "You may not edit this agreement: only officers of the bodies that are party to it may."
        return "You may not add an agreement here: only officers of a partner body may."

    def get(self, request, *args, **kwargs):
        obj = self.object
        if obj.pk and self.has_permission(obj) and not services.is_editable(obj):
            messages.warning(
                request,
                f"This agreement is {obj.get_status_display().lower()}: its terms can no longer be "
                "edited. Record a variation instead.",
            )
            return HttpResponseRedirect(obj.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["partnership"] = self.partnership
        return kwargs

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return reverse("agreements:list", kwargs={"partnership": self.partnership.slug})

    def save_object(self, form, obj):
        services.save_agreement(
            agreement=obj,
            user=self.request.user,
            reason=obj._change_reason,
            parties=form.cleaned_data.get("parties"),
        )


class AgreementPdfView(AgreementMixin, generic.PartnershipMixin, View):
    def get(self, request, *args, **kwargs):
        agreement = self.agreement
        pdf = render_pdf_cached("pdf/agreements/agreement.html", pdf_context(agreement))
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"{agreement.reference}.pdf".replace(" ", "-").replace('"', "")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


def pdf_context(agreement):
    return {
        "title": f"{agreement.reference} — {agreement.title}",
        "agreement": agreement,
        "parties": agreement.parties.select_related("organisation"),
        "statutory_basis": services.statutory_basis(agreement),
        "payments": agreement.payments.select_related("payer", "payee"),
        "sections": [
            (agreement._meta.get_field(name).verbose_name, as_html(getattr(agreement, name)))
            for name in Agreement.SECTION_FIELDS
            if getattr(agreement, name)
        ],
        "schedules": [(schedule, as_html(schedule.body)) for schedule in agreement.schedules.all()],
        "variations": [
            (variation, as_html(variation.description))
            for variation in agreement.variations.prefetch_related("approvals__organisation")
        ],
    }


class AgreementActionView(AgreementMixin, generic.PartnershipMixin, TemplateView):
    """A POST (or a small form) acting on one agreement through a service."""

    def redirect(self):
        return HttpResponseRedirect(self.agreement.get_absolute_url())

    def refuse(self, error):
        messages.error(self.request, error_text(error))
        return self.redirect()


class StatusView(AgreementActionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        permissions.require(
            services.can_manage(request.user, self.agreement),
            "You may not change the status of this agreement: only officers of the bodies that "
            "are party to it may.",
        )
        form = StatusForm(request.POST)
        if not form.is_valid():
            return self.refuse(ValidationError("Choose a status from the list."))
        if form.cleaned_data["status"] in ENDING_STATUSES:
            # Ending needs its confirmation page (notice, the day it takes effect, the reason).
            return HttpResponseRedirect(
                agreement_url(self.agreement, ENDING_URLS[AgreementStatus(form.cleaned_data["status"])])
            )
        try:
            agreement = services.change_status(
                agreement=self.agreement,
                status=form.cleaned_data["status"],
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            return self.refuse(error)
        messages.success(request, f"The agreement is now {agreement.get_status_display().lower()}.")
        return self.redirect()


#: The confirmation page of each ending.
ENDING_URLS = {AgreementStatus.TERMINATED: "terminate", AgreementStatus.EXPIRED: "expire"}


class AgreementConfirmView(
    AgreementMixin, generic.PartnershipMixin, generic.ConfirmActionMixin, TemplateView
):
    """A confirmation page for an action on the agreement in the URL, by its officers."""

    refusal = "You may not do this: only officers of the bodies that are party to the agreement may."

    def check_permission(self):
        permissions.require(services.can_manage(self.request.user, self.agreement), self.refusal)

    def get_caption(self):
        return f"{self.agreement.reference} — {self.agreement.title}"

    def get_cancel_url(self):
        return self.agreement.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(object=self.agreement, agreement=self.agreement)
        return context


class EndAgreementView(AgreementConfirmView):
    """Terminate (with the notice given under its terms) or mark as expired, on a date."""

    template_name = "agreements/end_confirm.html"
    form_class = EndingForm
    ending = AgreementStatus.TERMINATED
    refusal = "You may not end this agreement: only officers of the bodies that are party to it may."

    def unavailable(self):
        agreement = self.agreement
        if agreement.pending_ending:
            return f"An ending is already recorded: {agreement.ending_summary()}. Withdraw it first."
        return services.move_refusal(agreement, self.ending)

    def get_question(self):
        if self.ending == AgreementStatus.TERMINATED:
            return "Terminate this agreement?"
        return "Mark this agreement as expired?"

    def get_warning(self):
        if self.ending == AgreementStatus.TERMINATED:
            return (
                "The agreement ends on the date you give, not now. Until then it stays in force and the "
                "notice can be withdrawn; on that day it is terminated and can no longer be varied, "
                "reviewed or paid under. The officers and signatories of every party are told by e-mail "
                "now and when it takes effect."
            )
        return (
            "On the date you give the agreement is marked as expired: it can then no longer be varied, "
            "reviewed or paid under. A date today or earlier takes effect now; a later one can be "
            "withdrawn until then. The officers and signatories of every party are told by e-mail."
        )

    def get_confirm_label(self):
        if self.ending == AgreementStatus.TERMINATED:
            return "Yes, terminate the agreement"
        return "Yes, mark it as expired"

    def get_form_kwargs(self):
        return {"agreement": self.agreement, "status": self.ending}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            ending=self.ending,
            parties=self.agreement.parties.select_related("organisation"),
            notice_period_months=self.agreement.notice_period_months,
            today=today,
            earliest_end=services.earliest_end(self.agreement, today),
            termination_terms=as_html(self.agreement.duration_and_termination),
        )
        return context

    def perform(self, form):
        agreement = services.end_agreement(
            agreement=self.agreement,
            status=self.ending,
            user=self.request.user,
            reason=form.cleaned_data["change_reason"],
            ends_on=form.cleaned_data["ends_on"],
            notice_given_on=form.cleaned_data.get("notice_given_on"),
        )
        if agreement.pending_ending:
            return f"{agreement.ending_summary()}. Every party has been told."
        return f"The agreement is now {agreement.get_status_display().lower()}. Every party has been told."


class WithdrawEndingView(AgreementConfirmView):
    """Withdraw a recorded ending before it takes effect."""

    destructive = False
    question = "Withdraw the ending of this agreement?"
    confirm_label = "Yes, withdraw the ending"
    reason_label = "Reason for withdrawing the ending"
    reason_required = "Enter the reason for withdrawing the ending"
    refusal = (
        "You may not withdraw the ending of this agreement: only officers of the bodies that are party "
        "to it may."
    )

    def unavailable(self):
        if not self.agreement.pending_ending:
            return "This agreement has no ending waiting to take effect, so there is nothing to withdraw."
        return None

    def get_warning(self):
        agreement = self.agreement
        return (
            f"The ending recorded will not take effect: {agreement.ending_summary()}. The agreement stays "
            f"{agreement.get_status_display().lower()}, and the officers and signatories of every party "
            "are told by e-mail."
        )

    def perform(self, form):
        services.withdraw_ending(
            agreement=self.agreement, user=self.request.user, reason=form.cleaned_data["change_reason"]
        )
        return "The ending was withdrawn: the agreement continues. Every party has been told."


class PartyAddView(AgreementActionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        permissions.require(
            services.can_manage(request.user, self.agreement),
            "You may not change the parties to this agreement.",
        )
        form = PartyForm(request.POST, agreement=self.agreement)
        if not form.is_valid():
            return self.refuse(ValidationError("Choose a partner body that is not yet a party."))
        try:
            party = services.add_party(
                agreement=self.agreement,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                user=request.user,
            )
        except ValidationError as error:
            return self.refuse(error)
        messages.success(request, f"{party.organisation} is now a party.")
        return self.redirect()


class PartyMixin(AgreementMixin):
    @cached_property
    def party(self):
        return get_object_or_404(
            self.agreement.parties.select_related("organisation", "agreement__partnership"),
            pk=self.kwargs["party"],
        )


class PartyRoleView(PartyMixin, AgreementActionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        permissions.require(
            services.can_manage(request.user, self.agreement),
            "You may not change the parties to this agreement.",
        )
        form = PartyRoleForm(request.POST)
        if not form.is_valid():
            return self.refuse(ValidationError("Choose a role from the list."))
        try:
            party = services.change_party_role(
                party=self.party, role=form.cleaned_data["role"], user=request.user
            )
        except ValidationError as error:
            return self.refuse(error)
        messages.success(request, f"{party.organisation} is now {party.get_role_display().lower()}.")
        return self.redirect()


class PartyRemoveView(PartyMixin, AgreementActionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        permissions.require(
            services.can_manage(request.user, self.agreement),
            "You may not change the parties to this agreement.",
        )
        try:
            services.remove_party(party=self.party, user=request.user)
        except ValidationError as error:
            return self.refuse(error)
        messages.success(request, f"{self.party.organisation} is no longer a party.")
        return self.redirect()


class SignView(PartyMixin, AgreementActionView):
    """A party's sign-off page. Which body signs comes from the URL's party only."""

    template_name = "agreements/sign.html"

    def check(self):
        organisation = self.party.organisation
        permissions.require(
            access.may_sign(self.request.user, self.party),
            f"Only a signatory of {organisation}, or a person a signing delegation from it names, "
            f"may sign for {organisation}.",
        )

    @cached_property
    def authority(self):
        return access.signing_authority(
            self.request.user, self.party.organisation, partnership=self.agreement.partnership
        )

    def get_form(self, data=None):
        return SignForm(
            data,
            user=self.request.user,
            organisation=self.party.organisation.name,
            authority=self.authority.authority if self.authority.allowed else "",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.agreement
        context.setdefault("form", self.get_form())
        context.update(
            agreement=agreement,
            party=self.party,
            authority=self.authority,
            parties=agreement.parties.select_related("organisation"),
            statutory_basis=services.statutory_basis(agreement),
            pdf_url=agreement_url(agreement, "pdf"),
        )
        return context

    def get(self, request, *args, **kwargs):
        self.check()
        if self.party.has_signed:
            messages.info(request, f"{self.party.organisation} has already signed.")
            return self.redirect()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check()
        form = self.get_form(request.POST)
        if form.is_valid():
            details = {name: value for name, value in form.cleaned_data.items() if name != "authorised"}
            try:
                party = services.sign_agreement(party=self.party, user=request.user, **details)
            except ValidationError as error:
                form.add_error(date_field_of(error, "signed_on"), error)
            else:
                text = f"Signed for {party.organisation}."
                if party.agreement.status == "in_force":
                    text += " Every party has now signed: the agreement is in force."
                messages.success(request, text)
                return self.redirect()
        return self.render_to_response(self.get_context_data(form=form))


class AgreementChildEditView(generic.ObjectEditView):
    """Add or edit a schedule, variation or review of the agreement in the URL."""

    template_name = "agreements/child_form.html"
    service = None
    service_arg = None

    @cached_property
    def agreement(self):
        queryset = permissions.restrict(Agreement.objects.all(), self.request.user).filter(
            partnership=self.partnership
        )
        return get_object_or_404(queryset.select_related("partnership"), pk=self.kwargs["agreement"])

    def get_base_queryset(self):
        return super().get_base_queryset().filter(agreement=self.agreement)

    def new_object(self):
        return self.model(agreement=self.agreement)

    def has_permission(self, obj):
        return services.can_manage(self.request.user, self.agreement)

    def refusal_message(self):
        return (
            f"You may not change this agreement's {self.model._meta.verbose_name_plural}: only "
            "officers of the bodies that are party to it may."
        )

    def get_success_url(self):
        return self.agreement.get_absolute_url()

    def get_cancel_url(self):
        return self.agreement.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["agreement"] = self.agreement
        return context

    def save_object(self, form, obj):
        type(self).service(**{self.service_arg: obj}, user=self.request.user, reason=obj._change_reason)


class PaymentEditView(AgreementChildEditView):
    model = AgreementPayment
    form_class = PaymentForm
    service = staticmethod(services.save_payment)
    service_arg = "payment"

    def get_success_url(self):
        return self.agreement.get_absolute_url() + "#payments"


class PaymentRemoveView(AgreementActionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        permissions.require(
            services.can_manage(request.user, self.agreement),
            "You may not change the payments under this agreement.",
        )
        payment = get_object_or_404(
            self.agreement.payments.select_related("payer", "payee", "agreement__partnership"),
            pk=self.kwargs["payment"],
        )
        try:
            services.remove_payment(payment=payment, user=request.user)
        except ValidationError as error:
            return self.refuse(error)
        messages.success(request, f"The payment from {payment.payer} to {payment.payee} was removed.")
        return self.redirect()


class ScheduleEditView(AgreementChildEditView):
    model = Schedule
    form_class = ScheduleForm
    service = staticmethod(services.save_schedule)
    service_arg = "schedule"

    def new_object(self):
        schedule = super().new_object()
        last = self.agreement.schedules.order_by("-number").values_list("number", flat=True).first()
        schedule.number = (last or 0) + 1
        return schedule


class VariationEditView(AgreementChildEditView):
    model = Variation
    form_class = VariationForm
    service = staticmethod(services.save_variation)
    service_arg = "variation"


class ReviewEditView(AgreementChildEditView):
    model = Review
    form_class = ReviewForm
    service = staticmethod(services.save_review)
    service_arg = "review"

    def new_object(self):
        review = super().new_object()
        review.due = self.agreement.next_review_date
        return review


class VariationActionView(AgreementActionView):
    http_method_names = ["post"]
    agreement_kwarg = "agreement"

    @cached_property
    def variation(self):
        return get_object_or_404(self.agreement.variations.all(), pk=self.kwargs["pk"])


class VariationSubmitView(VariationActionView):
    def post(self, request, *args, **kwargs):
        try:
            services.submit_variation(variation=self.variation, user=request.user)
        except ValidationError as error:
            return self.refuse(error)
        messages.success(request, f"{self.variation} sent to every party for approval.")
        return self.redirect()


class VariationWithdrawView(AgreementConfirmView):
    """Withdraw a proposed variation, or one awaiting approval, after confirming why."""

    agreement_kwarg = "agreement"
    confirm_label = "Yes, withdraw the variation"
    reason_label = "Reason for withdrawing the variation"
    reason_required = "Enter the reason for withdrawing the variation"
    refusal = "You may not withdraw this variation: only officers of the bodies that are party to it may."

    @cached_property
    def variation(self):
        return get_object_or_404(self.agreement.variations.all(), pk=self.kwargs["pk"])

    def unavailable(self):
        if self.variation.status not in ("proposed", "awaiting_approval"):
            return (
                f"{self.variation} is {self.variation.get_status_display().lower()}; it can no longer be "
                "withdrawn."
            )
        return None

    def get_question(self):
        return f"Withdraw variation {self.variation.number}: {self.variation.title}?"

    def get_warning(self):
        return (
            "The variation will not take effect and can no longer be changed or approved. Any approvals "
            "already given stay in its history. To change the agreement later, record a new variation."
        )

    def perform(self, form):
        services.withdraw_variation(
            variation=self.variation, user=self.request.user, reason=form.cleaned_data["change_reason"]
        )
        return f"{self.variation} withdrawn."


class ApproveVariationView(AgreementActionView):
    template_name = "agreements/approve.html"
    agreement_kwarg = "agreement"

    @cached_property
    def approval(self):
        return get_object_or_404(
            VariationApproval.objects.filter(variation__agreement=self.agreement).select_related(
                "organisation", "variation__agreement__partnership"
            ),
            pk=self.kwargs["pk"],
        )

    def check(self):
        organisation = self.approval.organisation
        permissions.require(
            access.may_approve(self.request.user, self.approval),
            f"Only a signatory of {organisation}, or a person a signing delegation from it names, "
            f"may approve this variation for {organisation}.",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ApprovalForm(user=self.request.user))
        context.update(agreement=self.agreement, approval=self.approval)
        context["description"] = as_html(self.approval.variation.description)
        return context

    def get(self, request, *args, **kwargs):
        self.check()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check()
        form = ApprovalForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.approve_variation(approval=self.approval, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(date_field_of(error, "approved_on"), error)
            else:
                messages.success(request, f"Approved for {self.approval.organisation}.")
                return self.redirect()
        return self.render_to_response(self.get_context_data(form=form))
