"""Public pages, without login, for committees that meet in public.

They show a committee's meetings, each meeting's agenda once published, the
public agenda pack, approved minutes and notices of open decisions. Exempt
(Part 2) items appear only as "exempt item, paragraph N"; draft reports and
minutes not yet approved never appear. A committee that meets in private
answers 404 everywhere here.
"""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import TemplateView

from committees import feeds
from committees.choices import CommitteeStatus
from committees.models import Committee, Decision, Meeting
from committees.papers import content, kinds, store
from committees.views.papers import REFRESH_SECONDS, calendar_response, committee_slug, pdf_attachment


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
        meetings = committee.meetings.order_by("-starts_at")
        return super().get_context_data(committee=committee, meetings=meetings, **kwargs)


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
