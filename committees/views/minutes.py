"""Draft minutes: circulated to those who attended, amendments they propose, and the secretary's
decision on each. The committee approves them at a later meeting (``MinutesApproveView``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from committees import access, services
from committees.choices import AmendmentStatus
from committees.forms import AmendmentDecisionForm, AmendmentForm
from committees.models import Minute, MinuteAmendment
from committees.views.common import PostActionView
from committees.views.meetings import MeetingChildMixin, MeetingDetailView
from partnership import generic, permissions
from partnership.forms import errors_as_text

REFUSAL = "Only those who attended the meeting propose amendments to its draft minutes."


class MinutesCirculateView(MeetingChildMixin, PostActionView):
    def post(self, request, *args, **kwargs):
        self.check_run()
        try:
            services.circulate_minutes(meeting=self.meeting, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, "The draft minutes are sent to those who attended, for their amendments."
            )
        return HttpResponseRedirect(self.meeting.minutes_url)


class AmendmentProposeView(generic.PartnershipMixin, TemplateView):
    """An attendee proposes how a draft minute should read."""

    template_name = "committees/amendment_form.html"

    @cached_property
    def minute(self):
        queryset = permissions.restrict(Minute.objects.all(), self.request.user, action="read").filter(
            agenda_item__meeting__committee__partnership=self.partnership
        )
        minute = get_object_or_404(
            queryset.select_related("agenda_item__meeting__committee"), pk=self.kwargs["pk"]
        )
        permissions.require(
            access.may_propose_amendment(self.request.user, minute.agenda_item.meeting), REFUSAL
        )
        return minute

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", AmendmentForm(initial={"text": self.minute.text}))
        context.update(
            minute=self.minute, item=self.minute.agenda_item, meeting=self.minute.agenda_item.meeting
        )
        return context

    def post(self, request, *args, **kwargs):
        form = AmendmentForm(request.POST, instance=MinuteAmendment(minute=self.minute))
        if form.is_valid():
            try:
                services.propose_amendment(amendment=form.save(commit=False), user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, "Amendment proposed: the committee secretary will accept or reject it."
                )
                return HttpResponseRedirect(
                    self.minute.agenda_item.meeting.minutes_url + f"#item-{self.minute.agenda_item_id}"
                )
        return self.render_to_response(self.get_context_data(form=form))


class AmendmentDecideView(PostActionView):
    def post(self, request, *args, **kwargs):
        queryset = permissions.restrict(MinuteAmendment.objects.all(), request.user, action="read").filter(
            minute__agenda_item__meeting__committee__partnership=self.partnership
        )
        amendment = get_object_or_404(
            queryset.select_related("minute__agenda_item__meeting__committee"), pk=kwargs["pk"]
        )
        meeting = amendment.minute.agenda_item.meeting
        permissions.require(
            access.can_run(request.user, meeting.committee), "Only committee secretaries decide."
        )
        form = AmendmentDecisionForm(request.POST, amendment=amendment)
        if not form.is_valid():
            page = generic.record_page_again(
                MeetingDetailView,
                request,
                self.partnership,
                meeting,
                {"amendment_form": form},
                {"section": "minutes-and-decisions"},
            )
            context = page.context_data
            if (
                context["can_run"]
                and context["minutes_open"]
                and amendment.status == AmendmentStatus.PROPOSED
            ):
                return page  # the minutes again, the decision's error beside it
            return generic.bad_request(request, errors_as_text(form))
        try:
            decided = services.decide_amendment(
                amendment=amendment,
                user=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Amendment {decided.get_status_display().lower()}.")
        return HttpResponseRedirect(meeting.minutes_url + f"#item-{amendment.minute.agenda_item_id}")
