"""Public pages, without login, for committees that meet in public.

They show a committee's meetings, each meeting's agenda once published, the
public agenda pack, approved minutes and notices of open decisions. Exempt
(Part 2) items appear only as "exempt item, paragraph N"; draft reports and
minutes not yet approved never appear. A committee that meets in private
answers 404 everywhere here.
"""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from committees import alerts, feeds, interests
from committees.choices import CommitteeStatus
from committees.forms import AlertsForm
from committees.models import Committee, Decision, Meeting, PlannedDecision
from committees.papers import content, kinds, store
from committees.views.common import meetings_in_time
from committees.views.papers import REFRESH_SECONDS, calendar_response, committee_slug, pdf_attachment
from partnership.exports import CHUNK_SIZE, csv_response, safe_row
from partnership.pdf import render_pdf_cached


def public_committees():
    return Committee.objects.filter(meets_in_public=True).select_related("partnership")


def public_meeting_or_404(pk):
    meeting = get_object_or_404(Meeting.objects.filter(committee__meets_in_public=True), pk=pk)
    return content.load_meeting(meeting.pk)


class CommitteeListView(TemplateView):
    template_name = "committees/public/index.html"

    def get_context_data(self, **kwargs):
        committees = public_committees().exclude(status=CommitteeStatus.DISSOLVED)
        return super().get_context_data(committees=committees.order_by("partnership__name", "name"), **kwargs)


class CommitteeView(TemplateView):
    template_name = "committees/public/committee.html"

    def get_context_data(self, **kwargs):
        committee = get_object_or_404(public_committees(), pk=self.kwargs["pk"])
        meetings = meetings_in_time(committee.meetings.all(), self.request.GET.get("past"))
        return super().get_context_data(committee=committee, **meetings, **kwargs)


class MeetingView(TemplateView):
    template_name = "committees/public/meeting.html"

    def get_context_data(self, **kwargs):
        meeting = public_meeting_or_404(self.kwargs["pk"])
        agenda_out = kinds.agenda_is_public(meeting)
        approved = kinds.minutes_are_public(meeting)
        minutes = content.minutes_context(meeting, include_exempt=False) if approved else None
        return super().get_context_data(
            meeting=meeting,
            committee=meeting.committee,
            agenda_out=agenda_out,
            entries=content.agenda_entries(meeting, include_exempt=False) if agenda_out else [],
            minutes=minutes,
            decisions=kinds.public_decisions(meeting),
            **kwargs,
        )


class PublicPaperView(View):
    """Serves a public paper as an attachment, building it first if needed."""

    kind_code = None

    def get_paper(self):
        """(meeting, kind, decision) for the URL, or 404 if it is not public."""
        meeting = public_meeting_or_404(self.kwargs["pk"])
        kind = kinds.paper_kind(self.kind_code)
        if not kinds.is_public_paper(meeting, kind):
            raise Http404("This paper is not published.")
        return meeting, kind, None

    def get(self, request, *args, **kwargs):
        meeting, kind, decision = self.get_paper()
        data = store.read_paper(meeting, kind)
        if data is None:
            status = store.request_build(meeting, kind, retry_failed=False)
            data = store.read_paper(meeting, kind)  # built already when Celery runs eagerly
            if data is None:
                return self.preparing(request, meeting, kind, decision, status)
        return pdf_attachment(data, store.download_name(meeting, kind))

    def preparing(self, request, meeting, kind, decision, status):
        return TemplateResponse(
            request,
            "committees/public/preparing.html",
            {
                "meeting": meeting,
                "committee": meeting.committee,
                "label": kind.label,
                "status": status,
                "refresh_seconds": REFRESH_SECONDS,
                "failed": status["state"] == store.FAILED,
            },
        )


class PackView(PublicPaperView):
    kind_code = kinds.PUBLIC_PACK


class MinutesView(PublicPaperView):
    kind_code = kinds.PUBLIC_MINUTES


class DecisionNoticeView(PublicPaperView):
    def get_paper(self):
        decision = get_object_or_404(
            Decision.objects.filter(meeting__committee__meets_in_public=True), pk=self.kwargs["pk"]
        )
        meeting = content.load_meeting(decision.meeting_id)
        decision = content.meeting_decision(meeting, decision.pk)
        kind = kinds.decision_kind(decision)
        if not kinds.is_public_paper(meeting, kind, decision):
            raise Http404("This decision notice is not published.")
        return meeting, kind, decision


class CommitteeCalendarView(View):
    def get(self, request, *args, **kwargs):
        committee = get_object_or_404(public_committees(), pk=kwargs["pk"])
        return calendar_response(
            feeds.committee_calendar(committee, request=request, public=True), committee_slug(committee)
        )


class PersonCalendarView(View):
    """A person's meetings, reached by the secret address on their calendar page."""

    def get(self, request, *args, **kwargs):
        user = get_object_or_404(get_user_model(), pk=kwargs["user_id"])
        if not feeds.check_person_token(user, kwargs["token"]):
            raise Http404("No such calendar.")
        return calendar_response(feeds.person_calendar(user, request=request), f"meetings-{user.pk}")


# --- The forward plan ---------------------------------------------------------------------

#: Entries on a page of the public plan; its downloads hold every entry.
PLAN_PER_PAGE = 20
#: Entries in the plan's RSS feed: the most recently published.
FEED_ENTRIES = 50

PLAN_COLUMNS = (
    "Reference",
    "Matter for decision",
    "What is to be decided",
    "Decision-maker",
    "Date of decision",
    "Key decision",
    "Reports to be considered",
    "Expected to be exempt",
    "Contact",
    "Contact's e-mail",
    "On the plan of",
    "Published on",
)


def published_plan(partnership_slug):
    """A partnership's published forward plan, of its committees that meet in public, from a
    month ago on: ``(partnership, entries)``, the entries a queryset in the plan's order."""
    committees = public_committees().filter(partnership__slug=partnership_slug)
    partnership = getattr(committees.first(), "partnership", None)
    if partnership is None:
        raise Http404("No committee of that partnership meets in public.")
    today = timezone.localdate()
    entries = (
        PlannedDecision.objects.filter(
            committee__in=committees,
            published_on__isnull=False,
            published_on__lte=today,
            decision_due__gte=today - datetime.timedelta(days=31),
        )
        .select_related("committee", "organisation", "partnership")
        .order_by("decision_due", "title", "pk")
    )
    return partnership, entries


def plan_row(entry):
    return [
        entry.reference,
        entry.title,
        entry.summary,
        entry.committee.name,
        entry.decision_due.isoformat(),
        "Yes" if entry.key_decision else "No",
        "; ".join(entry.report_list),
        f"Paragraph {entry.exempt_paragraph} of Schedule 12A" if entry.exempt_expected else "No",
        entry.contact_name,
        entry.contact_email,
        entry.organisation.display_name,
        entry.published_on.isoformat(),
    ]


class ForwardPlanView(TemplateView):
    """The plan a page at a time, in the order decisions are due; the downloads hold it all."""

    template_name = "committees/public/forward_plan.html"

    def get_context_data(self, **kwargs):
        kwargs.pop("partnership", None)  # the slug: the page has the partnership itself
        partnership, entries = published_plan(self.kwargs["partnership"])
        page = Paginator(entries, PLAN_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(partnership=partnership, page=page, **kwargs)


class ForwardPlanEntryView(TemplateView):
    """One entry of the published plan: the address its alerts and feed items link to."""

    template_name = "committees/public/forward_plan_entry.html"

    def get_context_data(self, **kwargs):
        partnership, entries = published_plan(self.kwargs["partnership"])
        entry = get_object_or_404(entries, pk=self.kwargs["pk"])
        return super().get_context_data(partnership=partnership, entry=entry)


class ForwardPlanCsvView(View):
    def get(self, request, partnership):
        found, entries = published_plan(partnership)
        rows = (safe_row(plan_row(entry)) for entry in entries.iterator(chunk_size=CHUNK_SIZE))
        return csv_response(itertools.chain([PLAN_COLUMNS], rows), f"{found.slug}-forward-plan.csv")


class ForwardPlanPdfView(View):
    def get(self, request, partnership):
        found, entries = published_plan(partnership)
        context = {
            "title": f"{found.name}: forward plan",
            "partnership": found,
            "entries": entries,
            "today": timezone.localdate(),
        }
        data = render_pdf_cached("pdf/committees/forward_plan.html", context, cache_prefix="forward-plan")
        return pdf_attachment(data, f"{found.slug}-forward-plan.pdf")


class ForwardPlanFeed(Feed):
    """The published plan as RSS: each entry once, as it is published."""

    description_template = "committees/public/forward_plan_item.html"

    def get_object(self, request, partnership):
        return published_plan(partnership)

    def title(self, plan):
        return f"{plan[0].name}: forward plan"

    def link(self, plan):
        return reverse("public:forward_plan", kwargs={"partnership": plan[0].slug})

    def description(self, plan):
        return "Decisions to come, key decisions among them, published by the partnership's bodies."

    def items(self, plan):
        return plan[1].order_by("-published_on", "-pk")[:FEED_ENTRIES]

    def item_title(self, entry):
        key = " (key decision)" if entry.key_decision else ""
        return f"{entry.title}{key}: {entry.committee.name}, {entry.decision_due:%-d %B %Y}"

    def item_link(self, entry):
        return entry.public_url

    def item_guid(self, entry):
        return f"forward-plan-{entry.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return datetime.datetime.combine(
            entry.published_on, datetime.time(9), tzinfo=timezone.get_current_timezone()
        )


# --- E-mail alerts ------------------------------------------------------------------------


class AlertsSubscribeView(View):
    """Ask for e-mail alerts of a committee that meets in public, or of a partnership's plan."""

    def target(self):
        if "pk" in self.kwargs:
            committee = get_object_or_404(public_committees(), pk=self.kwargs["pk"])
            return {"committee": committee}, committee.name, reverse("public:committee", args=[committee.pk])
        partnership, _ = published_plan(self.kwargs["partnership"])
        plan = reverse("public:forward_plan", args=[partnership.slug])
        return {"partnership": partnership}, f"the forward plan of {partnership.name}", plan

    def get(self, request, *args, **kwargs):
        return self.page(AlertsForm())

    def post(self, request, *args, **kwargs):
        form = AlertsForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        target, _, _ = self.target()
        alerts.subscribe(email=form.cleaned_data["email"], **target)
        return self.page(form, asked=form.cleaned_data["email"])

    def page(self, form, status=200, asked=None):
        _, what, back = self.target()
        context = {"form": form, "what": what, "back": back, "asked": asked}
        return TemplateResponse(self.request, "committees/public/alerts.html", context, status=status)


class AlertsConfirmView(View):
    def get(self, request, token):
        subscription = alerts.confirm(token)
        if subscription is None:
            raise Http404("That link is not, or no longer, one of ours.")
        what = subscription.committee.name if subscription.committee else "the forward plan"
        return TemplateResponse(request, "committees/public/alerts_done.html", {"confirmed": what})


class AlertsUnsubscribeView(View):
    """A page with a button, so that a mail scanner following the link unsubscribes no one."""

    def get(self, request, token):
        return TemplateResponse(request, "committees/public/alerts_done.html", {"unsubscribe": token})

    def post(self, request, token):
        alerts.unsubscribe(token)
        return TemplateResponse(request, "committees/public/alerts_done.html", {"stopped": True})


class RegisterOfInterestsView(TemplateView):
    """The public part of the register: the members of the committees that meet in public, with
    their reviewed entries as each body's rules publish them (``committees.interests``)."""

    template_name = "committees/public/interests.html"

    def get_context_data(self, **kwargs):
        slug = kwargs.pop("partnership")
        committees = public_committees().filter(partnership__slug=slug)
        partnership = getattr(committees.first(), "partnership", None)
        if partnership is None:
            raise Http404("No committee of that partnership meets in public.")
        today = timezone.localdate()
        people = interests.public_register(partnership, today)
        for person in people:
            for entry in person.interests:
                entry.public_words = interests.withheld_words(entry) if entry.withheld else entry.description
        return super().get_context_data(partnership=partnership, people=people, today=today, **kwargs)
