"""The forward plan (decisions to come, key decisions among them) and a decision's call-in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone

from committees import access, key_decisions, services
from committees.filtersets import PlannedDecisionFilterSet
from committees.forms import CallInOutcomeForm, PlannedDecisionForm, PublishOnForm
from committees.models import Decision, PlannedDecision
from committees.tables import PlannedDecisionTable
from committees.views.common import PostActionView, url
from partnership import generic, permissions
from partnership.forms import errors_as_text


def planned_decision_or_404(request, partnership, pk):
    queryset = permissions.restrict(PlannedDecision.objects.all(), request.user).filter(
        partnership=partnership
    )
    return get_object_or_404(queryset.select_related("organisation", "committee", "partnership"), pk=pk)


class PlannedDecisionListView(generic.ObjectListView):
    model = PlannedDecision
    table_class = PlannedDecisionTable
    filterset_class = PlannedDecisionFilterSet
    title = "Forward plan"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation", "committee")

    def get_create_url(self):
        if services.plan_bodies(self.request.user, self.partnership):
            return url("planned_decision_add", self.partnership)
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_label"] = "Plan a decision"
        return context


class PlannedDecisionDetailView(generic.ObjectDetailView):
    model = PlannedDecision
    template_name = "committees/planned_decision_detail.html"

    def get_object(self, queryset=None):
        return planned_decision_or_404(self.request, self.partnership, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        planned = self.object
        context.update(
            may_change=services.may_change_plan(self.request.user, planned),
            notice=key_decisions.plan_notice(planned),
            history_url=url("planned_decision_history", self.partnership, pk=planned.pk),
            publish_form=kwargs.get("publish_form") or PublishOnForm(initial={"on": timezone.localdate()}),
            decisions=[
                d
                for d in planned.decisions.select_related("meeting")
                if permissions.can_read(self.request.user, d)
            ],
        )
        return context


class PlannedDecisionHistoryView(generic.ObjectHistoryView):
    model = PlannedDecision

    def get_object(self, queryset=None):
        return planned_decision_or_404(self.request, self.partnership, self.kwargs["pk"])


class PlannedDecisionEditView(generic.ObjectEditView):
    model = PlannedDecision
    form_class = PlannedDecisionForm

    def get_object(self, queryset=None):
        return planned_decision_or_404(self.request, self.partnership, self.kwargs["pk"])

    def has_permission(self, obj):
        user = self.request.user
        if obj.pk:
            return services.may_change_plan(user, obj)
        bodies = services.plan_bodies(user, self.partnership)
        return obj.organisation in bodies if obj.organisation_id else bool(bodies)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partnership": self.partnership,
            "bodies": services.plan_bodies(self.request.user, self.partnership),
        }

    def save_object(self, form, obj):
        services.save_planned_decision(planned=obj, user=self.request.user, reason=obj._change_reason)

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return url("planned_decision_list", self.partnership)


class PlannedDecisionPublishView(PostActionView):
    """Put an entry on the published plan: the 28 clear days of a key decision count from then."""

    model = PlannedDecision

    def post(self, request, *args, **kwargs):
        planned = planned_decision_or_404(request, self.partnership, kwargs["pk"])
        permissions.require(services.may_change_plan(request.user, planned), services.PLAN_REFUSAL)
        form = PublishOnForm(request.POST)
        if not form.is_valid():
            if planned.published_on is None:  # the page offers the form: show it again
                return generic.record_page_again(
                    PlannedDecisionDetailView, request, self.partnership, planned, publish_form=form
                )
            return generic.bad_request(request, errors_as_text(form))
        try:
            services.publish_planned_decision(planned=planned, user=request.user, on=form.cleaned_data["on"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Published on the forward plan.")
        return HttpResponseRedirect(planned.get_absolute_url())


class DecisionCallInView(PostActionView):
    """A committee secretary records a decision's publication, its call-in, and the call-in's
    outcome (``step`` in the URL)."""

    model = Decision

    def post(self, request, *args, **kwargs):
        queryset = permissions.restrict(Decision.objects.all(), request.user).filter(
            meeting__committee__partnership=self.partnership
        )
        decision = get_object_or_404(queryset.select_related("meeting__committee"), pk=kwargs["pk"])
        permissions.require(
            access.can_run(request.user, decision.meeting.committee),
            "Only committee secretaries record call-in.",
        )
        step = kwargs["step"]
        form = (CallInOutcomeForm if step == "outcome" else PublishOnForm)(request.POST)
        if not form.is_valid():
            return generic.bad_request(request, errors_as_text(form))
        data = form.cleaned_data
        record, done = {
            "publish": (
                services.publish_decision,
                "Publication recorded: the call-in period runs from then.",
            ),
            "call-in": (
                services.call_in_decision,
                "Call-in recorded: the decision may not be implemented until it is decided.",
            ),
            "outcome": (services.decide_call_in, "Call-in outcome recorded."),
        }[step]
        try:
            recorded = record(decision=decision, user=request.user, **data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            implement_from = key_decisions.call_in(recorded).implement_from
            if implement_from:
                done += f" It may be implemented from {implement_from:%-d %B %Y}."
            messages.success(request, done)
        return HttpResponseRedirect(decision.meeting.minutes_url + f"#decision-{decision.pk}")
