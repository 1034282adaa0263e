"""The register of interests: members keep their own entries, the keepers of each body's register
review them, and the public read what each body's rules publish (``committees.views.public``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404

from committees import access, interests, services
from committees.choices import InterestReview
from committees.filtersets import RegisteredInterestFilterSet
from committees.forms import InterestReviewForm, RegisteredInterestForm
from committees.models import CommitteeMember, RegisteredInterest
from committees.tables import RegisteredInterestTable
from committees.views.common import PostActionView, url
from partnership import generic, permissions
from partnership.forms import errors_as_text
from partnership.models import Organisation
from partnership.numbers import whole_number


def interest_or_404(request, partnership, pk):
    queryset = permissions.restrict(RegisteredInterest.objects.all(), request.user).filter(
        partnership=partnership
    )
    related = ("member__committee", "member__organisation", "member__user", "organisation", "reviewed_by")
    return get_object_or_404(queryset.select_related(*related), pk=pk)


class InterestListView(generic.ObjectListView):
    model = RegisteredInterest
    table_class = RegisteredInterestTable
    filterset_class = RegisteredInterestFilterSet
    title = "Register of interests"

    def get_queryset(self):
        return super().get_queryset().select_related("member", "organisation")

    def get_create_url(self):
        if access.register_seats(self.request.user, self.partnership).exists():
            return url("interest_add", self.partnership)
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_label"] = "Register an interest"
        return context


class InterestDetailView(generic.ObjectDetailView):
    model = RegisteredInterest
    template_name = "committees/interest_detail.html"

    def get_object(self, queryset=None):
        return interest_or_404(self.request, self.partnership, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, interest = self.request.user, self.object
        may_review = access.may_review_interest(user, interest) and interest.member.user_id != user.pk
        context.update(
            may_read=permissions.can_read(user, interest),
            may_change=access.may_change_interest(user, interest),
            may_confirm=access.keeps_own_register(user, interest.member),
            may_review=may_review,
            review_form=kwargs.get("review_form")
            or InterestReviewForm(
                initial={"loaded_version": interest.updated_at.isoformat()},
                withhold_asked=interest.withhold_requested,
            ),
            withheld_words=interests.withheld_words(interest),
            notice_from=interests.update_notice_from(interest),
            history_url=url("interest_history", self.partnership, pk=interest.pk),
            declarations=interest.declarations.select_related("meeting__committee", "agenda_item").order_by(
                "-meeting__starts_at"
            ),
        )
        return context


class InterestHistoryView(generic.ObjectHistoryView):
    model = RegisteredInterest

    def get_object(self, queryset=None):
        return interest_or_404(self.request, self.partnership, self.kwargs["pk"])


class InterestEditView(generic.ObjectEditView):
    model = RegisteredInterest
    form_class = RegisteredInterestForm

    def get_object(self, queryset=None):
        interest = interest_or_404(self.request, self.partnership, self.kwargs["pk"])
        permissions.require(permissions.can_read(self.request.user, interest))
        return interest

    def new_object(self):
        interest = super().new_object()
        seat = whole_number(self.request.GET.get("member", ""))
        if seat is not None:
            interest.member = (
                access.register_seats(self.request.user, self.partnership).filter(pk=seat).first()
            )
        return interest

    def has_permission(self, obj):
        if obj.pk:
            return access.may_change_interest(self.request.user, obj)
        return access.register_seats(self.request.user, self.partnership).exists()

    def refusal_message(self):
        if self.object.pk:
            return services.INTEREST_REFUSAL
        return "You may add entries only to your own register, or to the registers you keep."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if not self.object.pk and self.request.method == "GET" and self.object.member_id:
            kwargs["initial"] = {"member": self.object.member_id}
        return {
            **kwargs,
            "seats": access.register_seats(self.request.user, self.partnership)
            if not self.object.pk
            else CommitteeMember.objects.filter(pk=self.object.member_id).select_related(
                "committee", "organisation"
            ),
            "bodies": Organisation.objects.filter(partner_places__partnership=self.partnership).distinct(),
        }

    def save_object(self, form, obj):
        services.save_interest(interest=obj, user=self.request.user, reason=obj._change_reason)

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return url("interest_list", self.partnership)


class InterestConfirmView(PostActionView):
    """The member confirms an entry is still accurate."""

    def post(self, request, *args, **kwargs):
        interest = interest_or_404(request, self.partnership, kwargs["pk"])
        try:
            confirmed = services.confirm_interest(interest=interest, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"Confirmed. The next update is due by {confirmed.update_due:%-d %B %Y}."
            )
        return HttpResponseRedirect(interest.get_absolute_url())


class InterestReviewView(PostActionView):
    """The keeper of the register accepts or returns an entry."""

    def post(self, request, *args, **kwargs):
        interest = interest_or_404(request, self.partnership, kwargs["pk"])
        permissions.require(
            access.may_review_interest(request.user, interest),
            "Only the committee secretaries of the body whose code it is registered under review it.",
        )
        form = InterestReviewForm(request.POST, withhold_asked=interest.withhold_requested)
        if not form.is_valid():
            page = generic.record_page_again(
                InterestDetailView, request, self.partnership, interest, review_form=form
            )
            if page.context_data["may_review"] and interest.review_status == InterestReview.AWAITING:
                return page  # the form, with its errors, where the page offers it
            return generic.bad_request(request, errors_as_text(form))
        data = form.cleaned_data
        try:
            reviewed = services.review_interest(
                interest=interest,
                user=request.user,
                accept=data["outcome"] == "accept",
                comment=data["comment"],
                withhold=data.get("withhold", False),
                loaded_version=data["loaded_version"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Entry {reviewed.get_review_status_display().lower()}.")
        return HttpResponseRedirect(interest.get_absolute_url())
