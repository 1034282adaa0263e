"""Key decisions and call-in (``committees.key_decisions``): the rules as tables, then recorded
through the services: the route a key decision took, and when a decision may be implemented."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from committees import key_decisions, services
from committees.choices import CallInOutcome, KeyDecisionRoute
from committees.models import Attendance, Committee, Decision, Meeting, PlannedDecision
from partnership.choices import Role

D = datetime.date


@pytest.mark.parametrize(
    ("first", "last", "clear"),
    [
        (D(2026, 12, 7), D(2026, 12, 14), 4),  # Monday to Monday: Tuesday to Friday
        (D(2026, 12, 7), D(2026, 12, 15), 5),
        (D(2026, 12, 22), D(2026, 12, 31), 4),  # Christmas Day and the Boxing Day holiday (28th) left out
        (D(2026, 12, 22), D(2027, 1, 4), 5),  # New Year's Day left out
        (D(2027, 3, 1), D(2027, 4, 12), 27),  # Good Friday and Easter Monday left out
        (D(2027, 3, 1), D(2027, 4, 13), 28),
        (D(2026, 12, 7), D(2026, 12, 8), 0),
    ],
)
def test_clear_days_leave_out_both_ends_weekends_and_bank_holidays(first, last, clear):
    assert key_decisions.clear_days_between(first, last) == clear


@pytest.mark.parametrize(
    ("given", "route", "refused_fields"),
    [
        # On the plan from 1 March 2027: 28 clear working days are only there on 13 April (Easter).
        (
            {"decided_on": D(2027, 4, 13), "plan_published_on": D(2027, 3, 1)},
            KeyDecisionRoute.FORWARD_PLAN,
            None,
        ),
        ({"decided_on": D(2027, 4, 12), "plan_published_on": D(2027, 3, 1)}, None, {"planned_decision"}),
        ({"decided_on": D(2027, 4, 12)}, None, {"planned_decision"}),
        # Too late for the plan, but notice to the chair of scrutiny 5 clear working days before.
        (
            {
                "decided_on": D(2027, 4, 12),
                "plan_published_on": D(2027, 3, 1),
                "exception_notice_on": D(2027, 4, 2),
            },
            KeyDecisionRoute.GENERAL_EXCEPTION,
            None,
        ),
        (
            {"decided_on": D(2027, 1, 4), "exception_notice_on": D(2026, 12, 22)},
            KeyDecisionRoute.GENERAL_EXCEPTION,
            None,
        ),
        (
            {"decided_on": D(2026, 12, 31), "exception_notice_on": D(2026, 12, 22)},
            None,
            {"planned_decision", "exception_notice_on"},
        ),
        # Special urgency: the agreement and the reasons, both.
        (
            {
                "decided_on": D(2026, 12, 31),
                "urgency_agreed_by": "Cllr Ash, chair of scrutiny",
                "urgency_reasons": "Grant deadline.",
            },
            KeyDecisionRoute.SPECIAL_URGENCY,
            None,
        ),
        (
            {"decided_on": D(2026, 12, 31), "urgency_agreed_by": "Cllr Ash, chair of scrutiny"},
            None,
            {"planned_decision", "urgency_reasons"},
        ),
        (
            {"decided_on": D(2026, 12, 31), "urgency_reasons": "Grant deadline."},
            None,
            {"planned_decision", "urgency_agreed_by"},
        ),
        # On the plan in time: that is the route, whatever else is recorded.
        (
            {
                "decided_on": D(2027, 4, 13),
                "plan_published_on": D(2027, 3, 1),
                "urgency_agreed_by": "Chair",
                "urgency_reasons": "Why",
            },
            KeyDecisionRoute.FORWARD_PLAN,
            None,
        ),
    ],
)
def test_the_route_a_key_decision_took(given, route, refused_fields):
    if route is not None:
        assert key_decisions.key_decision_route(**given) == route
        return
    with pytest.raises(ValidationError) as refused:
        key_decisions.key_decision_route(**given)
    assert set(refused.value.message_dict) == refused_fields


def test_the_refusal_says_how_short_the_notice_was():
    with pytest.raises(ValidationError) as refused:
        key_decisions.key_decision_route(
            decided_on=D(2027, 4, 12), plan_published_on=D(2027, 3, 1), exception_notice_on=D(2027, 4, 5)
        )
    messages = refused.value.message_dict
    assert "only 27 clear working days before the decision; 28 are needed" in messages["planned_decision"][0]
    assert "4 clear working days before the decision; 5 are needed" in messages["exception_notice_on"][0]


def decision_for_call_in(days=5, **fields):
    meeting = Meeting(committee=Committee(call_in_working_days=days))
    return Decision(meeting=meeting, decided_on=D(2026, 12, 17), **fields)


@pytest.mark.parametrize(
    ("days", "fields", "applies", "open_until", "implement_from"),
    [
        (0, {}, False, None, D(2026, 12, 17)),  # not open to call-in: implemented at once
        (5, {"key_decision_route": KeyDecisionRoute.SPECIAL_URGENCY}, False, None, D(2026, 12, 17)),
        (5, {}, True, None, None),  # not published yet
        # Published Friday 18 December: five working days pass Christmas and the Boxing Day holiday.
        (5, {"published_on": D(2026, 12, 18)}, True, D(2026, 12, 29), D(2026, 12, 30)),
        (5, {"published_on": D(2026, 12, 18), "called_in_on": D(2026, 12, 21)}, True, D(2026, 12, 29), None),
        (
            5,
            {
                "published_on": D(2026, 12, 18),
                "called_in_on": D(2026, 12, 21),
                "call_in_outcome": CallInOutcome.STANDS,
                "call_in_decided_on": D(2027, 1, 7),
            },
            True,
            D(2026, 12, 29),
            D(2027, 1, 7),
        ),
        (
            5,
            {
                "published_on": D(2026, 12, 18),
                "called_in_on": D(2026, 12, 21),
                "call_in_outcome": CallInOutcome.REFERRED_BACK,
                "call_in_decided_on": D(2027, 1, 7),
            },
            True,
            D(2026, 12, 29),
            None,
        ),
    ],
)
def test_call_in_and_implementation_dates(days, fields, applies, open_until, implement_from):
    state = key_decisions.call_in(decision_for_call_in(days, **fields))
    assert (state.applies, state.open_until, state.implement_from) == (applies, open_until, implement_from)


# --- Through the services ---------------------------------------------------------------------


DUE = D(2027, 4, 13)


def plan(board, world, *, published_on=None, due=DUE, **fields):
    planned = PlannedDecision(
        partnership=world.ours,
        organisation=world.bodies["council"],
        committee=board.committee,
        title="Award the community equipment contract",
        decision_due=due,
        key_decision=True,
        contact_name="Jane Shayler",
        **fields,
    )
    officer = world.user("council", Role.OFFICER)
    services.save_planned_decision(planned=planned, user=officer)
    if published_on:
        services.publish_planned_decision(planned=planned, user=officer, on=published_on)
    return PlannedDecision.objects.get(pk=planned.pk)


def record_key_decision(board, world, planned, on, **route):
    for member in board.members[:3]:
        Attendance.objects.get_or_create(meeting=board.meeting, member=member)
    return services.record_decision(
        meeting=board.meeting,
        agenda_item=board.item,
        resolution="Award the contract.",
        matter="commissioning",
        decided_on=on,
        organisations=[world.bodies["council"]],
        user=world.user("council", Role.COMMITTEE_SECRETARY),
        planned_decision=planned,
        key_decision=True,
        **route,
    )


@pytest.mark.django_db
def test_a_key_decision_on_the_plan_in_time_records_its_route(board, world):
    planned = plan(board, world, published_on=D(2027, 3, 1))
    decision = record_key_decision(board, world, planned, D(2027, 4, 13))
    assert decision.key_decision_route == KeyDecisionRoute.FORWARD_PLAN
    assert decision.planned_decision == planned


@pytest.mark.django_db
def test_a_key_decision_without_notice_is_not_recorded(board, world):
    planned = plan(board, world, published_on=D(2027, 3, 1))
    with pytest.raises(ValidationError) as refused:
        record_key_decision(board, world, planned, D(2027, 4, 12))
    assert "27 clear working days" in refused.value.message_dict["planned_decision"][0]
    assert not Decision.objects.filter(meeting=board.meeting).exists()
    # The same decision under the general exception is recorded, with its notice.
    decision = record_key_decision(board, world, planned, D(2027, 4, 12), exception_notice_on=D(2027, 4, 2))
    assert decision.key_decision_route == KeyDecisionRoute.GENERAL_EXCEPTION
    assert decision.exception_notice_on == D(2027, 4, 2)


@pytest.mark.django_db
def test_an_unpublished_plan_entry_gives_no_notice(board, world):
    planned = plan(board, world)
    with pytest.raises(ValidationError, match="not on the published forward plan"):
        record_key_decision(board, world, planned, D(2027, 4, 13))


@pytest.mark.django_db
def test_only_the_planning_bodys_officers_and_secretaries_plan_and_publish(board, world):
    planned = plan(board, world)
    nhs_officer = world.user("nhs", Role.OFFICER)
    with pytest.raises(PermissionDenied):
        services.publish_planned_decision(planned=planned, user=nhs_officer, on=D(2027, 3, 1))
    planned.title = "Changed by the other body"
    with pytest.raises(PermissionDenied):
        services.save_planned_decision(planned=planned, user=nhs_officer)
    with pytest.raises(PermissionDenied):
        services.save_planned_decision(
            planned=PlannedDecision(
                partnership=world.ours,
                organisation=world.bodies["council"],
                committee=board.committee,
                title="Planned for the council by the NHS",
                decision_due=D(2027, 4, 13),
                contact_name="X",
            ),
            user=nhs_officer,
        )
    with pytest.raises(PermissionDenied):
        services.publish_planned_decision(
            planned=planned, user=world.user("council", Role.AUDITOR), on=D(2027, 3, 1)
        )


@pytest.mark.django_db
def test_publishing_twice_is_refused_and_keeps_the_first_date(board, world):
    planned = plan(board, world, published_on=D(2027, 3, 1))
    with pytest.raises(ValidationError, match="already on the published plan, since 1 March 2027"):
        services.publish_planned_decision(
            planned=planned, user=world.user("council", Role.OFFICER), on=D(2027, 3, 2)
        )
    # Saving the entry's text again does not move its publication date.
    planned.summary = "Now with a summary."
    services.save_planned_decision(planned=planned, user=world.user("council", Role.OFFICER))
    assert PlannedDecision.objects.get(pk=planned.pk).published_on == D(2027, 3, 1)


@pytest.mark.django_db
def test_call_in_through_the_services(board, world):
    board.committee.call_in_working_days = 5
    board.committee.save()
    decision = record_key_decision(
        board, world, None, D(2026, 12, 17), urgency_agreed_by="", exception_notice_on=D(2026, 12, 9)
    )
    secretary = world.user("council", Role.COMMITTEE_SECRETARY)
    with pytest.raises(ValidationError, match="has not been published"):
        services.call_in_decision(decision=decision, user=secretary, on=D(2026, 12, 21))
    services.publish_decision(decision=decision, user=secretary, on=D(2026, 12, 18))
    with pytest.raises(ValidationError) as late:
        services.call_in_decision(decision=decision, user=secretary, on=D(2026, 12, 30))
    assert late.value.message_dict["on"] == [
        "It could be called in from 18 December 2026 to 29 December 2026."
    ]
    services.call_in_decision(decision=decision, user=secretary, on=D(2026, 12, 29))
    assert key_decisions.call_in(Decision.objects.get(pk=decision.pk)).implement_from is None
    services.decide_call_in(decision=decision, user=secretary, outcome=CallInOutcome.STANDS, on=D(2027, 1, 7))
    assert key_decisions.call_in(Decision.objects.get(pk=decision.pk)).implement_from == D(2027, 1, 7)
    with pytest.raises(ValidationError, match="already decided"):
        services.decide_call_in(
            decision=decision, user=secretary, outcome=CallInOutcome.REFERRED_BACK, on=D(2027, 1, 8)
        )
    with pytest.raises(PermissionDenied):
        services.publish_decision(decision=decision, user=world.user("nhs", Role.OFFICER), on=D(2026, 12, 18))


@pytest.mark.parametrize(
    ("published_on", "due", "notice"),
    [
        (None, D(2027, 4, 13), "Publish it by 1 March 2027 for it to be taken on 13 April 2027."),
        (D(2027, 3, 1), D(2027, 4, 13), "It may be taken from 13 April 2027."),
        (
            D(2027, 3, 1),
            D(2027, 4, 12),
            "Too soon for its notice: as a key decision it may be taken from 13 April 2027",
        ),
    ],
)
def test_what_the_plan_says_about_a_key_decisions_notice(published_on, due, notice):
    planned = PlannedDecision(key_decision=True, published_on=published_on, decision_due=due)
    assert key_decisions.plan_notice(planned).startswith(notice)
    planned.key_decision = False
    assert key_decisions.plan_notice(planned) is None
