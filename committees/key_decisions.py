"""Key decisions and call-in: the rules, decided here and nowhere else.

A key decision must be on the published forward plan 28 clear days before it is taken
(regulation 9 of the Local Authorities (Executive Arrangements) (Meetings and Access to
Information) (England) Regulations 2012). Where that was impracticable it may be taken under
the general exception, 5 clear days after notice to the chair of scrutiny (regulation 10), or,
where even that was impracticable, under special urgency with the agreement of the chair of
scrutiny, or failing them the body's chair or vice-chair, with the reasons (regulation 11).

Clear days leave out the day the notice is published and the day of the decision, and are
counted here, as the agenda's five clear days are, in working days: Saturdays, Sundays and
England and Wales bank holidays do not count. A decision that passes this test passes one in
calendar days too.

A decision of a committee open to call-in (``Committee.call_in_working_days``) may be called
in until the end of that many working days after it is published, and is implemented the
working day after; once called in, not before the call-in is decided and the decision stands.
A decision taken under special urgency is not open to call-in: that is what the urgency means.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from committees.choices import CallInOutcome, KeyDecisionRoute
from partnership.dates import add_working_days, is_working_day, working_days_before

NOTICE_CLEAR_DAYS = 28
EXCEPTION_CLEAR_DAYS = 5


def clear_days_between(first, last):
    """Working days after ``first`` and before ``last``."""
    count, day = 0, first + datetime.timedelta(days=1)
    while day < last:
        count += is_working_day(day)
        day += datetime.timedelta(days=1)
    return count


def _plural(count, word):
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def key_decision_route(
    *, decided_on, plan_published_on=None, exception_notice_on=None, urgency_agreed_by="", urgency_reasons=""
):
    """The route by which a key decision taken on ``decided_on`` was lawful, or a
    ``ValidationError`` naming what is missing, field by field."""
    on_plan = clear_days_between(plan_published_on, decided_on) if plan_published_on else None
    if on_plan is not None and on_plan >= NOTICE_CLEAR_DAYS:
        return KeyDecisionRoute.FORWARD_PLAN
    notice = clear_days_between(exception_notice_on, decided_on) if exception_notice_on else None
    if notice is not None and notice >= EXCEPTION_CLEAR_DAYS:
        return KeyDecisionRoute.GENERAL_EXCEPTION
    if urgency_agreed_by.strip() and urgency_reasons.strip():
        return KeyDecisionRoute.SPECIAL_URGENCY
    if on_plan is None:
        plan = "It is not on the published forward plan"
    else:
        plan = (
            f"It was on the published forward plan only {_plural(on_plan, 'clear working day')} before "
            f"the decision; {NOTICE_CLEAR_DAYS} are needed"
        )
    errors = {
        "planned_decision": f"{plan}. Record a general exception notice or special urgency.",
    }
    if notice is not None:
        errors["exception_notice_on"] = (
            f"The general exception notice was given {_plural(notice, 'clear working day')} before the "
            f"decision; {EXCEPTION_CLEAR_DAYS} are needed."
        )
    if urgency_agreed_by.strip() and not urgency_reasons.strip():
        errors["urgency_reasons"] = "Give the reasons the decision could not wait (special urgency)."
    if urgency_reasons.strip() and not urgency_agreed_by.strip():
        errors["urgency_agreed_by"] = (
            "Say who agreed the decision was urgent: the chair of scrutiny, or the body's chair "
            "or vice-chair."
        )
    raise ValidationError(errors)


@dataclass(frozen=True)
class CallIn:
    """Where a decision stands on call-in: ``open_until`` is the last day it may be called
    in; ``implement_from`` the first day it may be carried out (None: not yet known)."""

    applies: bool
    open_until: datetime.date | None
    implement_from: datetime.date | None
    state: str


def call_in(decision):
    """Whether ``decision`` is open to call-in, until when, and when it may be implemented."""
    days = decision.meeting.committee.call_in_working_days
    if not days or decision.key_decision_route == KeyDecisionRoute.SPECIAL_URGENCY:
        reason = (
            "taken under special urgency" if days else "its committee's decisions are not open to call-in"
        )
        return CallIn(False, None, decision.decided_on, f"Not open to call-in: {reason}.")
    if decision.published_on is None:
        return CallIn(True, None, None, "Open to call-in once published.")
    open_until = add_working_days(decision.published_on, days)
    if decision.called_in_on is None:
        return CallIn(True, open_until, add_working_days(open_until, 1), "")
    if decision.call_in_outcome == CallInOutcome.STANDS:
        return CallIn(True, open_until, decision.call_in_decided_on, "Called in; the decision stands.")
    if decision.call_in_outcome == CallInOutcome.REFERRED_BACK:
        return CallIn(True, open_until, None, "Called in and referred back: it may not be implemented.")
    return CallIn(
        True, open_until, None, "Called in: it may not be implemented until the call-in is decided."
    )


def publish_by(decision_due):
    """The last day a key decision to be taken on ``decision_due`` may go on the published plan."""
    return working_days_before(decision_due, NOTICE_CLEAR_DAYS)


def plan_notice(planned):
    """What the forward plan's 28 clear working days mean for a planned key decision: by when to
    publish it, or from when it may be taken. None for a decision that is not key."""
    if not planned.key_decision:
        return None
    if planned.published_on is None:
        latest = publish_by(planned.decision_due)
        return f"Publish it by {latest:%-d %B %Y} for it to be taken on {planned.decision_due:%-d %B %Y}."
    earliest = add_working_days(planned.published_on, NOTICE_CLEAR_DAYS) + datetime.timedelta(days=1)
    if planned.decision_due < earliest:
        return (
            f"Too soon for its notice: as a key decision it may be taken from {earliest:%-d %B %Y}, or "
            "before that only under the general exception or special urgency."
        )
    return f"It may be taken from {earliest:%-d %B %Y}."
