"""May a committee's decision bind a partner body? One answer, asked by ``record_decision``
and by the meeting page before the vote.

A decision binds a body when all of these hold on the day it is taken:

* the committee is not a shadow committee (a shadow committee only recommends), had
  been established and was not dissolved;
* the meeting was quorate overall, and for that body if the committee has a quorum rule
  for it, counting only voting members present (or substituted) whose terms covered
  the day;
* the body existed (``Organisation.active_from``/``active_to``);
* the body had delegated to the committee, in force on the day, covering the matter,
  with the amount within the financial limit (an amount must be given where there is
  a limit).

Otherwise the decision is a recommendation awaiting that body's ratification, and the
answer lists every reason, which the binding keeps.
"""

from collections import Counter
from dataclasses import dataclass, field

from committees.choices import BindingOutcome, CommitteeStatus, Matter
from partnership.models import Organisation

# Reason codes, one for each way a decision can fail to bind.
SHADOW_COMMITTEE = "shadow_committee"
COMMITTEE_NOT_ESTABLISHED = "committee_not_established"
COMMITTEE_DISSOLVED = "committee_dissolved"
INQUORATE = "inquorate"
INQUORATE_FOR_BODY = "inquorate_for_body"
BODY_NOT_EXISTING = "body_not_existing"
NO_DELEGATION = "no_delegation"
DELEGATION_NOT_YET_IN_FORCE = "delegation_not_yet_in_force"
DELEGATION_EXPIRED = "delegation_expired"
MATTER_NOT_COVERED = "matter_not_covered"
AMOUNT_OVER_LIMIT = "amount_over_limit"
AMOUNT_MISSING = "amount_missing"


def _day(day):
    return f"{day:%-d %B %Y}"


def _money(amount):
    return f"£{amount:,.2f}"


@dataclass(frozen=True)
class Reason:
    """Why a decision does not bind a body: a ``code`` for programs, ``text`` for people."""

    code: str
    text: str

    def __str__(self):
        return self.text


@dataclass(frozen=True)
class BindingAnswer:
    """May the decision bind ``organisation``? ``delegation`` is the one relied on when it
    does; ``in_force`` every delegation from the body to the committee in force that day."""

    organisation: object
    reasons: tuple = ()
    delegation: object = None
    in_force: tuple = ()

    @property
    def bound(self):
        return not self.reasons

    def __bool__(self):
        return self.bound

    @property
    def outcome(self):
        return BindingOutcome.BINDING if self.bound else BindingOutcome.AWAITING_RATIFICATION

    @property
    def codes(self):
        return {reason.code for reason in self.reasons}

    @property
    def reasons_text(self):
        """The reasons as kept on the binding: one a line."""
        return "\n".join(reason.text for reason in self.reasons)


# --- Quorum --------------------------------------------------------------------------------


@dataclass
class BodyQuorum:
    organisation: object
    required: int
    present: int

    @property
    def met(self):
        return self.present >= self.required


@dataclass
class QuorumStatus:
    required: int
    present: int
    bodies: list = field(default_factory=list)
    #: Attendances of voting members present whose term did not cover the day: not counted.
    out_of_term: list = field(default_factory=list)
    #: Whether anyone's attendance is recorded: with none, the meeting is not shown quorate, but
    #: is not said to have been inquorate either.
    recorded: bool = True

    @property
    def overall_met(self):
        return self.present >= self.required

    @property
    def met(self):
        return self.overall_met and all(body.met for body in self.bodies)

    def for_body(self, organisation):
        """The body's quorum rule as met (or not) at the meeting, or None if it has none."""
        return next((body for body in self.bodies if body.organisation.pk == organisation.pk), None)


def successor_ids(bodies):
    """{body id: its successor's id} for ``bodies`` (loaded already) and the bodies after them.

    No query unless one of them has a successor; then one, for every body that has one.
    """
    known = {body.pk: body.successor_id for body in bodies}
    if any(successor is not None for successor in known.values()):
        known.update(Organisation.objects.exclude(successor=None).values_list("pk", "successor_id"))
    return known


def body_and_successors(organisation_id, successors):
    """The body's id, then its successor's, and so on (``successors`` from :func:`successor_ids`)."""
    seen = []
    while organisation_id is not None and organisation_id not in seen:
        seen.append(organisation_id)
        organisation_id = successors.get(organisation_id)
    return seen


def quorum_status(meeting, attendances=None, rules=None, on=None):
    """Is ``meeting`` quorate? Voting members present (or substituted) whose terms covered
    the day (the meeting's, unless ``on`` is given), overall and per body.

    Pass prefetched ``attendances`` (with ``member``) and ``rules`` (with
    ``organisation``) to avoid queries.
    """
    on = on or meeting.date
    if attendances is None:
        attendances = meeting.attendances.select_related("member__organisation")
    attendances = list(attendances)
    if rules is None:
        rules = meeting.committee.quorum_rules.select_related("organisation")
    present = [a for a in attendances if a.counts_to_quorum]
    counted = [a for a in present if a.member.is_current_on(on)]
    # A body's rule passed to its successor in a reorganisation: the members its predecessor
    # nominated (who sat at meetings before it) count towards the rule they sat under.
    successors = successor_ids({a.member.organisation for a in counted})
    by_body = Counter(
        body for a in counted for body in body_and_successors(a.member.organisation_id, successors)
    )
    return QuorumStatus(
        required=meeting.committee.quorum_overall,
        present=len(counted),
        bodies=[
            BodyQuorum(rule.organisation, rule.minimum_members, by_body.get(rule.organisation_id, 0))
            for rule in rules
        ],
        out_of_term=[a for a in present if not a.member.is_current_on(on)],
        recorded=bool(attendances),
    )


# --- The answer ------------------------------------------------------------------------------


def _committee_reasons(committee, on):
    name = committee.name
    if committee.status_from and on < committee.status_from:
        yield Reason(
            COMMITTEE_NOT_ESTABLISHED,
            f"{name} was not established until {_day(committee.status_from)}: on {_day(on)} it "
            "could decide nothing.",
        )
    if committee.status_to and on > committee.status_to:
        yield Reason(
            COMMITTEE_DISSOLVED,
            f"{name} was dissolved after {_day(committee.status_to)}: on {_day(on)} it could decide nothing.",
        )
    elif committee.status == CommitteeStatus.DISSOLVED and committee.status_to is None:
        yield Reason(
            COMMITTEE_DISSOLVED,
            f"{name} is recorded as dissolved, with no date it ended: its decisions bind no body.",
        )
    if committee.status == CommitteeStatus.SHADOW:
        yield Reason(SHADOW_COMMITTEE, f"{name} is a shadow committee: it recommends, and binds no body.")


def _quorum_reasons(quorum, organisation):
    """The meeting as a whole (the number present and every body's rule), then the body's own rule."""
    if not quorum.recorded:
        if quorum.required or quorum.bodies:
            plural = "" if quorum.required == 1 else "s"
            yield Reason(
                INQUORATE,
                "No attendance is recorded for the meeting, so it cannot be shown to be quorate "
                f"({quorum.required} voting member{plural} needed).",
            )
        return
    not_counted = ""
    if quorum.out_of_term:
        names = ", ".join(a.member.person_name for a in quorum.out_of_term)
        not_counted = f" ({names} attended, but their term did not cover the day, so is not counted)"
    shortfalls = []
    if not quorum.overall_met:
        plural = "" if quorum.present == 1 else "s"
        shortfalls.append(f"{quorum.present} voting member{plural} present of {quorum.required} needed")
    for body in quorum.bodies:
        if body.organisation.pk != organisation.pk and not body.met:
            shortfalls.append(
                f"{body.present} of {body.organisation.name}'s voting members present, {body.required} needed"
            )
    if shortfalls:
        yield Reason(INQUORATE, f"The meeting was not quorate: {'; '.join(shortfalls)}{not_counted}.")
    own = quorum.for_body(organisation)
    if own is not None and not own.met:
        yield Reason(
            INQUORATE_FOR_BODY,
            f"The meeting was not quorate for {organisation.name}: {own.present} of its voting "
            f"members present, {own.required} needed{not_counted}.",
        )


def _body_reasons(organisation, on):
    if organisation.is_active_on(on):
        return
    name = organisation.name
    if organisation.active_to and on > organisation.active_to:
        successor = f" (its successor is {organisation.successor.name})" if organisation.successor_id else ""
        yield Reason(
            BODY_NOT_EXISTING,
            f"{name} was abolished on {_day(organisation.active_to)}{successor}: on {_day(on)} it "
            "no longer existed, and its delegations ended with it.",
        )
    else:
        yield Reason(
            BODY_NOT_EXISTING,
            f"{name} was established on {_day(organisation.active_from)}: on {_day(on)} it did "
            "not yet exist to delegate anything.",
        )


def _terms_reasons(delegation, matter, amount):
    """Why ``delegation`` does not cover this matter and amount (nothing when ``matter`` is
    None: before the vote, neither is known)."""
    if matter is None:
        return
    name = delegation.from_organisation.name
    if not delegation.covers(matter):
        yield Reason(
            MATTER_NOT_COVERED,
            f"{name}'s delegation does not cover {Matter(matter).label.lower()}.",
        )
    limit = delegation.financial_limit
    if limit is None:
        return
    if amount is None:
        yield Reason(
            AMOUNT_MISSING,
            f"No amount was given, and {name}'s delegation has a financial limit of "
            f"{_money(limit)}: give the amount for the decision to bind it.",
        )
    elif amount > limit:
        yield Reason(
            AMOUNT_OVER_LIMIT,
            f"{_money(amount)} is over the financial limit of {name}'s delegation ({_money(limit)}).",
        )


def _delegation_reasons(organisation, committee, delegations, on, matter, amount):
    """(reasons, delegation relied on, delegations in force)."""
    name = organisation.name
    if not delegations:
        return [Reason(NO_DELEGATION, f"{name} has delegated nothing to {committee.name}.")], None, ()
    in_force = tuple(d for d in delegations if d.is_in_force_on(on))
    if not in_force:
        started = [d for d in delegations if d.valid_from <= on]
        if started:
            last = max(started, key=lambda d: d.valid_to)
            return (
                [
                    Reason(
                        DELEGATION_EXPIRED,
                        f"{name}'s delegation to {committee.name} ended on {_day(last.valid_to)}, "
                        f"before {_day(on)}.",
                    )
                ],
                None,
                (),
            )
        first = min(delegations, key=lambda d: d.valid_from)
        return (
            [
                Reason(
                    DELEGATION_NOT_YET_IN_FORCE,
                    f"{name}'s delegation to {committee.name} came into force only on "
                    f"{_day(first.valid_from)}, after {_day(on)}.",
                )
            ],
            None,
            (),
        )
    # The latest delegation that covers the decision; else the one that falls shortest.
    tried = [(list(_terms_reasons(d, matter, amount)), d) for d in in_force]
    reasons, delegation = min(tried, key=lambda pair: len(pair[0]))
    return reasons, delegation, in_force


def binding_answer(
    *, committee, organisation, meeting, matter, amount=None, on=None, quorum=None, delegations=None
):
    """May a decision of ``committee`` at ``meeting`` on ``matter`` for ``amount`` bind
    ``organisation`` on ``on`` (the meeting's day unless given)?

    ``matter`` None asks before the vote, when neither the matter nor the amount is known:
    the answer then leaves them out. Pass ``quorum`` (:func:`quorum_status`) and the body's
    ``delegations`` to the committee (latest first) to avoid queries.
    """
    on = on or meeting.date
    if quorum is None:
        quorum = quorum_status(meeting, on=on)
    if delegations is None:
        delegations = committee.delegations.filter(from_organisation=organisation).select_related(
            "from_organisation"
        )
    delegations = sorted(delegations, key=lambda d: d.valid_from, reverse=True)
    reasons = [
        *_committee_reasons(committee, on),
        *_quorum_reasons(quorum, organisation),
        *_body_reasons(organisation, on),
    ]
    terms, delegation, in_force = _delegation_reasons(
        organisation, committee, delegations, on, matter, amount
    )
    reasons += terms
    return BindingAnswer(
        organisation=organisation,
        reasons=tuple(reasons),
        delegation=delegation if not reasons else None,
        in_force=in_force,
    )


def could_bind(meeting, *, quorum, organisations, delegations):
    """Before the vote: for each of ``organisations`` (with ``successor``), whether a
    decision of the meeting could bind it, and why not. ``delegations``: every delegation
    to the meeting's committee (with ``from_organisation``)."""
    by_body = {}
    for delegation in delegations:
        by_body.setdefault(delegation.from_organisation_id, []).append(delegation)
    return [
        binding_answer(
            committee=meeting.committee,
            organisation=organisation,
            meeting=meeting,
            matter=None,
            quorum=quorum,
            delegations=by_body.get(organisation.pk, []),
        )
        for organisation in organisations
    ]
