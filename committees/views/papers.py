"""Signed-in views for meeting papers (build, progress, download) and calendar feeds.

Anyone who may have a paper may ask for it to be prepared: building a PDF
changes no record, and the fingerprint means it is built once however many
ask. Exempt papers (the members' pack, the full minutes, a notice of a
decision on an exempt item) need ``committees.access.can_see_exempt``; which
papers a person may have is ``committees.papers.kinds``'s to say.
"""

import io

from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from committees import feeds
from committees.models import Committee, Decision, Meeting
from committees.papers import content, kinds, store
from partnership import permissions
from partnership.generic import PartnershipMixin

#: Seconds between refreshes of a page showing a build in progress.
REFRESH_SECONDS = 3


def paper_row(meeting, kind, decision, *, partnership_slug):
    args = {"partnership": partnership_slug, "pk": meeting.pk, "kind": kind.code}
    status = store.get_status(meeting, kind)
    label = kind.label
    if decision is not None:
        label = f"Decision notice {decision.reference}".strip() if decision.reference else "Decision notice"
    return {
        "kind": kind,
        "label": label,
        "status": status,
        "in_progress": status["state"] in (store.QUEUED, store.BUILDING),
        "build_url": reverse("committees:paper_build", kwargs=args),
        "status_url": reverse("committees:paper_status", kwargs=args),
        "download_url": reverse("committees:paper_download", kwargs=args),
    }


def panel_meeting(meeting_id):
    """The meeting with just what the panel needs (its decisions and their items)."""
    decisions = Decision.objects.select_related("agenda_item__report").order_by("pk")
    return (
        Meeting.objects.select_related("committee__partnership")
        .prefetch_related(Prefetch("decisions", queryset=decisions))
        .get(pk=meeting_id)
    )


def papers_panel_context(request, meeting):
    """Context for ``committees/includes/papers.html`` (the ``meeting_papers`` tag)."""
    user = request.user
    meeting = panel_meeting(meeting.pk)
    slug = meeting.committee.partnership.slug
    rows = [
        paper_row(meeting, kind, decision, partnership_slug=slug)
        for kind, decision in kinds.papers_for(
            user, meeting, minutes_begun=bool(store.paper_versions(meeting)["minutes_count"])
        )
    ]
    return {
        "meeting": meeting,
        "rows": rows,
        "refresh": any(row["in_progress"] for row in rows),
        "refresh_seconds": REFRESH_SECONDS,
        "next": request.get_full_path(),
        "request": request,
    }


class PaperMixin(PartnershipMixin):
    """Loads the meeting (404 outside the partnership) and the paper kind (404 if unknown
    or, for a decision notice, not one of this meeting's decisions); 403 when the user
    may not have this paper."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = permissions.get_partnership_or_404(request.user, kwargs["partnership"])
        meeting = get_object_or_404(
            permissions.restrict(Meeting.objects.select_related("committee__partnership"), request.user),
            pk=kwargs["pk"],
            committee__partnership=self.partnership,
        )
        self.kind = kinds.paper_kind(kwargs["kind"])
        if self.kind is None:
            raise Http404("No such paper.")
        decision = None
        if self.kind.is_decision:
            decision = (
                meeting.decisions.select_related("agenda_item__report")
                .filter(pk=self.kind.decision_id)
                .first()
            )
            if decision is None:
                raise Http404("No such decision.")
        permissions.require(
            kinds.may_download(request.user, meeting, self.kind, decision),
            "This paper contains exempt information you are not entitled to see.",
        )
        # Only once the paper is theirs: the meeting with everything its papers show.
        self.meeting = content.load_meeting(meeting.pk)
        self.decision = content.meeting_decision(self.meeting, decision.pk) if decision else None
        return super(PartnershipMixin, self).dispatch(request, *args, **kwargs)

    def row(self):
        return paper_row(self.meeting, self.kind, self.decision, partnership_slug=self.partnership.slug)


class PaperStatusView(PaperMixin, TemplateView):
    """One paper's progress; refreshes itself (no JavaScript) while it builds."""

    template_name = "committees/paper_status.html"

    def get_context_data(self, **kwargs):
        row = self.row()
        kwargs["partnership"] = self.partnership  # not the URL's slug
        return super().get_context_data(
            meeting=self.meeting,
            committee=self.meeting.committee,
            row=row,
            refresh=row["in_progress"],
            refresh_seconds=REFRESH_SECONDS,
            **kwargs,
        )


class PaperBuildView(PaperMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        store.request_build(self.meeting, self.kind)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = self.row()["status_url"]
        return HttpResponseRedirect(target)


class PaperDownloadView(PaperMixin, View):
    def get(self, request, *args, **kwargs):
        data = store.read_paper(self.meeting, self.kind)
        if data is None:
            return HttpResponseRedirect(self.row()["status_url"])
        return pdf_attachment(data, store.download_name(self.meeting, self.kind))


def pdf_attachment(data, filename):
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class CommitteeCalendarView(PartnershipMixin, View):
    """A committee's meetings as iCalendar, for anyone in the partnership."""

    def get(self, request, *args, **kwargs):
        committee = get_object_or_404(
            permissions.restrict(Committee.objects.all(), request.user),
            pk=kwargs["pk"],
            partnership=self.partnership,
        )
        return calendar_response(
            feeds.committee_calendar(committee, request=request), committee_slug(committee)
        )


class PersonalCalendarView(PartnershipMixin, TemplateView):
    """Where a person finds the address of their own meetings feed."""

    template_name = "committees/personal_calendar.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        path = reverse(
            "public:person_calendar", kwargs={"user_id": user.pk, "token": feeds.person_token(user)}
        )
        kwargs["partnership"] = self.partnership  # not the URL's slug
        return super().get_context_data(
            feed_url=self.request.build_absolute_uri(path),
            meetings=feeds.person_meetings(user)[:20],
            **kwargs,
        )


def committee_slug(committee):
    return (committee.short_name or committee.name).lower().replace(" ", "-")


def calendar_response(data, name):
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    return response
