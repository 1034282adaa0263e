"""A decision binds a body only under a delegation in force, covering the matter, within its limit
(every other condition, with the reasons, is in test_decision_validity.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from committees.choices import BindingOutcome, Matter
from committees.models import Attendance
from committees.services import ratify_decision, record_decision
from partnership.choices import Role
from tests.committees.factories import CommitteeFactory, DelegationFactory

D = datetime.date
DECISION_DAY = D(2026, 6, 11)


def decide(board, world, *, matter=Matter.COMMISSIONING, amount=None, on=DECISION_DAY, bodies=None):
    # A quorate meeting: three of the four voting members, both bodies present.
    for member in board.members[:3]:
        Attendance.objects.get_or_create(meeting=board.meeting, member=member)
    decision = record_decision(
        meeting=board.meeting,
        agenda_item=board.item,
        resolution="Approve the Better Care Fund plan.",
        matter=matter,
        amount=amount,
        decided_on=on,
        organisations=bodies or [world.bodies["council"], world.bodies["nhs"]],
        user=world.user("council", Role.COMMITTEE_SECRETARY),
    )
    return {b.organisation.short_name: b for b in decision.bindings.select_related("organisation")}


@pytest.mark.django_db
def test_delegation_in_force_covering_matter_within_limit_binds(board, world):
    board.delegation.financial_limit = Decimal("500000.00")
    board.delegation.save()
    outcome = decide(board, world, amount=Decimal("250000"))
    assert outcome["Council"].outcome == BindingOutcome.BINDING
    assert outcome["Council"].delegation == board.delegation
    # The ICB delegated nothing: a recommendation awaiting its ratification.
    assert outcome["ICB"].outcome == BindingOutcome.AWAITING_RATIFICATION
    assert outcome["ICB"].delegation is None


@pytest.mark.django_db
def test_over_the_financial_limit_is_a_recommendation(board, world):
    board.delegation.financial_limit = Decimal("100000.00")
    board.delegation.save()
    outcome = decide(board, world, amount=Decimal("100000.01"))
    assert outcome["Council"].outcome == BindingOutcome.AWAITING_RATIFICATION


@pytest.mark.django_db
def test_exactly_at_the_limit_binds(board, world):
    board.delegation.financial_limit = Decimal("100000.00")
    board.delegation.save()
    assert decide(board, world, amount=Decimal("100000.00"))["Council"].outcome == BindingOutcome.BINDING


@pytest.mark.django_db
def test_matter_outside_scope_is_a_recommendation(board, world):
    outcome = decide(board, world, matter=Matter.STAFFING)
    assert outcome["Council"].outcome == BindingOutcome.AWAITING_RATIFICATION


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("valid_from", "valid_to", "binds"),
    [
        (D(2026, 6, 11), None, True),  # in force from the day itself
        (D(2026, 6, 12), None, False),  # not yet in force
        (D(2025, 4, 1), D(2026, 6, 11), True),  # last day
        (D(2025, 4, 1), D(2026, 6, 10), False),  # expired the day before
    ],
)
def test_delegation_must_be_in_force_on_the_day(board, world, valid_from, valid_to, binds):
    board.delegation.valid_from = valid_from
    board.delegation.valid_to = valid_to
    board.delegation.save()
    outcome = decide(board, world)["Council"].outcome
    assert (outcome == BindingOutcome.BINDING) is binds


@pytest.mark.django_db
def test_delegation_to_another_committee_does_not_bind(board, world):
    other = CommitteeFactory(partnership=world.ours)
    board.delegation.to_committee = other
    board.delegation.save()
    assert decide(board, world)["Council"].outcome == BindingOutcome.AWAITING_RATIFICATION


@pytest.mark.django_db
def test_a_later_delegation_with_higher_limit_is_found(board, world):
    board.delegation.financial_limit = Decimal("1000")
    board.delegation.save()
    DelegationFactory(
        partnership=world.ours,
        from_organisation=world.bodies["council"],
        to_committee=board.committee,
        financial_limit=Decimal("1000000"),
        valid_from=D(2026, 4, 1),
    )
    assert decide(board, world, amount=Decimal("50000"))["Council"].outcome == BindingOutcome.BINDING


@pytest.mark.django_db
def test_decision_for_a_body_outside_the_partnership_is_refused(board, world):
    with pytest.raises(ValidationError):
        decide(board, world, bodies=[world.bodies["other"]])


@pytest.mark.django_db
def test_only_secretaries_record_decisions(board, world):
    with pytest.raises(PermissionDenied):
        record_decision(
            meeting=board.meeting,
            resolution="x",
            matter=Matter.OTHER,
            organisations=[world.bodies["council"]],
            user=world.user("council", Role.OFFICER),
        )


@pytest.mark.django_db
def test_ratification_by_the_body_itself(board, world):
    binding = decide(board, world)["ICB"]
    with pytest.raises(PermissionDenied):
        ratify_decision(
            binding=binding, user=world.user("council", Role.COMMITTEE_SECRETARY), ratified_on=D(2026, 7, 1)
        )
    with pytest.raises(PermissionDenied):
        ratify_decision(binding=binding, user=world.user("nhs", Role.AUDITOR), ratified_on=D(2026, 7, 1))
    with pytest.raises(ValidationError):
        ratify_decision(
            binding=binding, user=world.user("nhs", Role.ADMINISTRATOR), ratified_on=D(2026, 6, 1)
        )
    ratify_decision(
        binding=binding,
        user=world.user("nhs", Role.ADMINISTRATOR),
        ratified_on=D(2026, 7, 1),
        reference="Governing Body minute 42",
    )
    binding.refresh_from_db()
    assert binding.outcome == BindingOutcome.RATIFIED
    assert binding.history.first().history_user == world.user("nhs", Role.ADMINISTRATOR)
    with pytest.raises(ValidationError):
        ratify_decision(
            binding=binding, user=world.user("nhs", Role.ADMINISTRATOR), ratified_on=D(2026, 7, 2)
        )


@pytest.mark.django_db
def test_binding_decision_cannot_be_ratified(board, world):
    binding = decide(board, world)["Council"]
    with pytest.raises(ValidationError):
        ratify_decision(
            binding=binding, user=world.user("council", Role.ADMINISTRATOR), ratified_on=D(2026, 7, 1)
        )


@pytest.mark.django_db
def test_decision_records_history_with_user(board, world):
    decide(board, world)
    decision = board.meeting.decisions.get()
    assert decision.history.first().history_user == world.user("council", Role.COMMITTEE_SECRETARY)
