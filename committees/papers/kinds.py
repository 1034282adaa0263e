"""The kinds of meeting paper, and who may have each.

A meeting has a public and a members' agenda pack, public and full minutes,
and a notice of each decision. Whether a paper's exempt (Part 2) content may
go to someone is asked of :mod:`committees.access`; this module adds only
when each public paper is published (the agenda once it is out, the minutes
once approved, a decision notice once the meeting is held).
"""

from dataclasses import dataclass

from committees import access
from committees.choices import MeetingStatus
from partnership.numbers import whole_number

PUBLIC_PACK = "public-pack"
MEMBERS_PACK = "members-pack"
PUBLIC_MINUTES = "public-minutes"
MINUTES = "minutes"
DECISION_PREFIX = "decision-"

#: Statuses in which a meeting's agenda has been published.
AGENDA_OUT = (MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)
#: Statuses in which a meeting has been held (its minutes and decisions exist).
HELD = (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)


@dataclass(frozen=True)
class PaperKind:
    code: str
    label: str
    includes_exempt: bool
    decision_id: int | None = None

    @property
    def is_pack(self):
        return self.code in (PUBLIC_PACK, MEMBERS_PACK)

    @property
    def is_minutes(self):
        return self.code in (PUBLIC_MINUTES, MINUTES)

    @property
    def is_decision(self):
        return self.decision_id is not None


FIXED_KINDS = {
    PUBLIC_PACK: PaperKind(PUBLIC_PACK, "Public agenda pack", includes_exempt=False),
    MEMBERS_PACK: PaperKind(
        MEMBERS_PACK, "Members' agenda pack (includes exempt items)", includes_exempt=True
    ),
    PUBLIC_MINUTES: PaperKind(PUBLIC_MINUTES, "Public minutes", includes_exempt=False),
    MINUTES: PaperKind(MINUTES, "Full minutes (includes exempt items)", includes_exempt=True),
}


def paper_kind(code):
    """The :class:`PaperKind` for a URL's ``kind``, or None if there is none."""
    if code in FIXED_KINDS:
        return FIXED_KINDS[code]
    decision_id = (
        whole_number(code.removeprefix(DECISION_PREFIX)) if code.startswith(DECISION_PREFIX) else None
    )
    if decision_id is not None:
        # A decision notice shows the decision's item, so it is as exempt as the item.
        return PaperKind(code, "Decision notice", includes_exempt=True, decision_id=decision_id)
    return None


def decision_kind(decision):
    return paper_kind(f"{DECISION_PREFIX}{decision.pk}")


def may_see_exempt(user, meeting):
    """Exempt (Part 2) material goes to those ``committees.access`` allows."""
    return access.can_see_exempt(user, meeting.committee)


def agenda_is_public(meeting):
    return meeting.status in AGENDA_OUT


def minutes_are_public(meeting):
    return meeting.status == MeetingStatus.MINUTES_APPROVED


def decision_is_public(meeting, decision):
    """A decision's notice is published once the meeting is held, unless the decision is exempt."""
    return meeting.status in HELD and not access.is_exempt(decision)


def public_decisions(meeting):
    """The meeting's decisions whose notices the public may have."""
    return [decision for decision in meeting.decisions.all() if decision_is_public(meeting, decision)]


def is_public_paper(meeting, kind, decision=None):
    """May this paper be shown to the public for this meeting (whatever the committee)?"""
    if kind.code == PUBLIC_PACK:
        return agenda_is_public(meeting)
    if kind.code == PUBLIC_MINUTES:
        return minutes_are_public(meeting)
    if kind.is_decision:
        return decision is not None and decision_is_public(meeting, decision)
    return False


def papers_for(user, meeting, *, minutes_begun):
    """The papers a signed-in ``user`` may have for ``meeting``, as (kind, decision) pairs:
    the packs, the minutes once the meeting is held or ``minutes_begun``, and each
    decision's notice, leaving out what :func:`may_download` refuses."""
    offered = [(FIXED_KINDS[PUBLIC_PACK], None), (FIXED_KINDS[MEMBERS_PACK], None)]
    if meeting.status in HELD or minutes_begun:
        offered += [(FIXED_KINDS[PUBLIC_MINUTES], None), (FIXED_KINDS[MINUTES], None)]
    offered += [(decision_kind(decision), decision) for decision in meeting.decisions.all()]
    return [(kind, decision) for kind, decision in offered if may_download(user, meeting, kind, decision)]


def may_download(user, meeting, kind, decision=None):
    """May a signed-in ``user`` (who can see the meeting) have this paper?"""
    if kind.is_decision:
        return not access.is_exempt(decision) or may_see_exempt(user, meeting)
    return not kind.includes_exempt or may_see_exempt(user, meeting)
