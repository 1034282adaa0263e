"""One answer to "may this decision bind this body", with every reason it may not.

The board (tests/committees/conftest.py) needs three voting members present, one of them
from each body; the council has delegated commissioning and spending to it since 2018,
with no financial limit; the ICB has delegated nothing. Each case below changes one thing
and expects the council's answer, as :func:`binding_answer` gives it and as
``record_decision`` keeps it on the binding.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from committees import validity as v
from committees.choices import BindingOutcome, CommitteeStatus, Matter
from committees.models import Attendance
from committees.services import ratify_decision, record_decision
from committees.validity import binding_answer
from partnership.choices import Role
from tests.committees.factories import CommitteeMemberFactory, DelegationFactory

ONE_DAY = datetime.timedelta(days=1)


def attend(board, *members):
    for member in members:
        Attendance.objects.create(meeting=board.meeting, member=member)


def quorate(board, world):
    """Cllr A, Cllr B (council) and Dr C (ICB) present: three of three, both bodies."""
    attend(board, *board.members[:3])


# Each case: (what it changes, matter, amount) -> the reasons the council is not bound.


def valid(board, world):
    quorate(board, world)


def no_delegation(board, world):
    quorate(board, world)
    board.delegation.delete()


def delegation_not_yet_in_force(board, world):
    quorate(board, world)
    board.delegation.valid_from = board.meeting.date + ONE_DAY
    board.delegation.save()


def delegation_expired(board, world):
    quorate(board, world)
    board.delegation.valid_to = board.meeting.date - ONE_DAY
    board.delegation.save()


def delegation_in_force_on_its_last_day(board, world):
    quorate(board, world)
    board.delegation.valid_to = board.meeting.date
    board.delegation.save()


def body_abolished_before_the_meeting(board, world):
    """A delegation from a PCT abolished in 2013 gives no binding decision after."""
    quorate(board, world)
    council = world.bodies["council"]
    council.active_from, council.active_to = datetime.date(2002, 4, 1), datetime.date(2013, 3, 31)
    council.successor = world.bodies["nhs"]
    council.save()


def body_not_yet_established(board, world):
    quorate(board, world)
    council = world.bodies["council"]
    council.active_from = board.meeting.date + ONE_DAY
    council.save()


def limited_to_1000(board):
    board.delegation.financial_limit = Decimal("1000.00")
    board.delegation.save()


def within_limit(board, world):
    quorate(board, world)
    limited_to_1000(board)


def inquorate_overall(board, world):
    attend(board, board.members[0], board.members[2])  # two of three needed


def inquorate_for_the_body(board, world):
    """Enough people, but no council member: the council's own rule is not met."""
    attend(board, board.members[2], board.members[3])
    attend(board, CommitteeMemberFactory(committee=board.committee, organisation=world.bodies["nhs"]))


def inquorate_for_another_body(board, world):
    """Every ICB member absent: the meeting was not quorate, so it binds the council neither."""
    attend(board, *board.members[:2])
    attend(board, CommitteeMemberFactory(committee=board.committee, organisation=world.bodies["council"]))


def member_whose_term_had_ended(board, world):
    cllr_b = board.members[1]
    cllr_b.to_date = board.meeting.date - ONE_DAY
    cllr_b.save()
    quorate(board, world)


def member_whose_term_had_not_begun(board, world):
    cllr_b = board.members[1]
    cllr_b.from_date = board.meeting.date + ONE_DAY
    cllr_b.save()
    quorate(board, world)


def member_whose_term_ended_that_day(board, world):
    cllr_b = board.members[1]
    cllr_b.to_date = board.meeting.date
    cllr_b.save()
    quorate(board, world)


def committee_dissolved_before_the_meeting(board, world):
    quorate(board, world)
    board.committee.status = CommitteeStatus.DISSOLVED
    board.committee.status_to = board.meeting.date - ONE_DAY
    board.committee.save()


def committee_dissolved_with_no_date(board, world):
    quorate(board, world)
    board.committee.status = CommitteeStatus.DISSOLVED
    board.committee.save()


def committee_not_yet_established(board, world):
    quorate(board, world)
    board.committee.status_from = board.meeting.date + ONE_DAY
    board.committee.save()


def shadow_committee(board, world):
    quorate(board, world)
    board.committee.status = CommitteeStatus.SHADOW
    board.committee.save()


CASES = [
    (valid, Matter.COMMISSIONING, None, set(), ""),
    (valid, Matter.SPENDING, Decimal("5000000"), set(), ""),
    (no_delegation, Matter.COMMISSIONING, None, {v.NO_DELEGATION}, "has delegated nothing"),
    (
        delegation_not_yet_in_force,
        Matter.COMMISSIONING,
        None,
        {v.DELEGATION_NOT_YET_IN_FORCE},
        "came into force only on",
    ),
    (delegation_expired, Matter.COMMISSIONING, None, {v.DELEGATION_EXPIRED}, "ended on"),
    (delegation_in_force_on_its_last_day, Matter.COMMISSIONING, None, set(), ""),
    (
        body_abolished_before_the_meeting,
        Matter.COMMISSIONING,
        None,
        {v.BODY_NOT_EXISTING},
        "was abolished on 31 March 2013 (its successor is",
    ),
    (body_not_yet_established, Matter.COMMISSIONING, None, {v.BODY_NOT_EXISTING}, "did not yet exist"),
    (valid, Matter.STAFFING, None, {v.MATTER_NOT_COVERED}, "does not cover staffing and appointments"),
    (within_limit, Matter.SPENDING, Decimal("1000.00"), set(), ""),
    (within_limit, Matter.SPENDING, Decimal("1000.01"), {v.AMOUNT_OVER_LIMIT}, "£1,000.01 is over"),
    (within_limit, Matter.SPENDING, None, {v.AMOUNT_MISSING}, "No amount was given"),
    (
        within_limit,
        Matter.STAFFING,
        Decimal("2000"),
        {v.MATTER_NOT_COVERED, v.AMOUNT_OVER_LIMIT},
        "does not cover",
    ),
    (inquorate_overall, Matter.COMMISSIONING, None, {v.INQUORATE}, "2 voting members present of 3"),
    (inquorate_for_the_body, Matter.COMMISSIONING, None, {v.INQUORATE_FOR_BODY}, "0 of its voting"),
    (
        inquorate_for_another_body,
        Matter.COMMISSIONING,
        None,
        {v.INQUORATE},
        "'s voting members present, 1 needed",
    ),
    (member_whose_term_had_ended, Matter.COMMISSIONING, None, {v.INQUORATE}, "Cllr B attended"),
    (member_whose_term_had_not_begun, Matter.COMMISSIONING, None, {v.INQUORATE}, "Cllr B attended"),
    (member_whose_term_ended_that_day, Matter.COMMISSIONING, None, set(), ""),
    (
        committee_dissolved_before_the_meeting,
        Matter.COMMISSIONING,
        None,
        {v.COMMITTEE_DISSOLVED},
        "was dissolved after",
    ),
    (committee_dissolved_with_no_date, Matter.COMMISSIONING, None, {v.COMMITTEE_DISSOLVED}, "dissolved"),
    (
        committee_not_yet_established,
        Matter.COMMISSIONING,
        None,
        {v.COMMITTEE_NOT_ESTABLISHED},
        "was not established until",
    ),
    (shadow_committee, Matter.COMMISSIONING, None, {v.SHADOW_COMMITTEE}, "shadow committee"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "matter", "amount", "codes", "words"),
    CASES,
    ids=[f"{case[0].__name__}-{case[1]}-{case[2]}" for case in CASES],
)
def test_council_is_bound_only_when_every_condition_holds(board, world, change, matter, amount, codes, words):
    change(board, world)
    council = world.bodies["council"]
    answer = binding_answer(
        committee=board.committee, organisation=council, meeting=board.meeting, matter=matter, amount=amount
    )
    assert answer.codes == codes
    assert answer.bound is not codes
    assert words in answer.reasons_text

    # record_decision asks the same question and keeps the answer on the binding.
    decision = record_decision(
        meeting=board.meeting,
        resolution="Agree the plan.",
        matter=matter,
        amount=amount,
        organisations=[council],
        user=world.user("council", Role.COMMITTEE_SECRETARY),
        reason="Resolved at the meeting",
    )
    binding = decision.bindings.get()
    if codes:
        assert binding.outcome == BindingOutcome.AWAITING_RATIFICATION
        assert binding.delegation is None
        assert binding.reason_list == [reason.text for reason in answer.reasons]
        assert binding.history.get().reasons == answer.reasons_text  # ...and its history
    else:
        assert binding.outcome == BindingOutcome.BINDING
        assert binding.delegation == board.delegation
        assert binding.reasons == ""


@pytest.mark.django_db
def test_every_nhs_member_absent_binds_neither_body(board, world):
    """Seen failing: the council delegated, the ICB did not, no ICB member came; both were bound."""
    nhs = world.bodies["nhs"]
    DelegationFactory(partnership=world.ours, from_organisation=nhs, to_committee=board.committee)
    inquorate_for_another_body(board, world)
    decision = record_decision(
        meeting=board.meeting,
        resolution="Agree the plan.",
        matter=Matter.COMMISSIONING,
        organisations=[world.bodies["council"], nhs],
        user=world.user("council", Role.COMMITTEE_SECRETARY),
    )
    outcomes = {b.organisation.short_name: (b.outcome, b.reasons) for b in decision.bindings.all()}
    assert outcomes["Council"][0] == outcomes["ICB"][0] == BindingOutcome.AWAITING_RATIFICATION
    assert f"not quorate for {nhs.name}: 0 of its voting members present" in outcomes["ICB"][1]
    assert f"0 of {nhs.name}'s voting members present" in outcomes["Council"][1]


@pytest.mark.django_db
def test_the_latest_delegation_that_covers_the_decision_is_relied_on(board, world):
    quorate(board, world)
    limited_to_1000(board)
    wider = DelegationFactory(
        partnership=world.ours,
        from_organisation=world.bodies["council"],
        to_committee=board.committee,
        financial_limit=Decimal("1000000"),
        valid_from=datetime.date(2026, 4, 1),
    )
    answer = binding_answer(
        committee=board.committee,
        organisation=world.bodies["council"],
        meeting=board.meeting,
        matter=Matter.SPENDING,
        amount=Decimal("50000"),
    )
    assert answer.bound and answer.delegation == wider


@pytest.mark.django_db
def test_a_body_awaiting_ratification_ratifies_and_the_reasons_stay(board, world):
    inquorate_overall(board, world)
    decision = record_decision(
        meeting=board.meeting,
        resolution="Agree the plan.",
        matter=Matter.COMMISSIONING,
        organisations=[world.bodies["council"]],
        user=world.user("council", Role.COMMITTEE_SECRETARY),
    )
    binding = decision.bindings.get()
    assert binding.outcome == BindingOutcome.AWAITING_RATIFICATION
    ratify_decision(
        binding=binding,
        user=world.user("council", Role.ADMINISTRATOR),
        ratified_on=board.meeting.date + ONE_DAY,
        reference="Cabinet minute 12",
    )
    binding.refresh_from_db()
    assert binding.outcome == BindingOutcome.RATIFIED
    assert "not quorate" in binding.reasons


@pytest.mark.django_db
def test_the_decision_shows_why_it_does_not_bind(client, world, board):
    inquorate_overall(board, world)
    record_decision(
        meeting=board.meeting,
        resolution="Agree the plan.",
        matter=Matter.COMMISSIONING,
        organisations=[world.bodies["council"]],
        user=world.user("council", Role.COMMITTEE_SECRETARY),
    )
    client.force_login(world.user("nhs", Role.OFFICER))
    page = client.get(board.meeting.minutes_url).content.decode()
    decisions = page[page.index('id="decisions"') :]
    assert "Recommendation awaiting ratification" in decisions
    assert "The meeting was not quorate: 2 voting members present of 3 needed." in decisions
    history = client.get(
        reverse("committees:meeting_history", kwargs={"partnership": "ours", "pk": board.meeting.pk})
    ).content.decode()
    assert "2 voting members present of 3 needed" in history


# --- The meeting page, before the vote -------------------------------------------------------


def could_bind_panel(client, board):
    """{body's display name: what the panel says of it}."""
    page = client.get(board.meeting.minutes_url).content.decode()
    start = page.index('id="could-bind-bodies"')
    rows = page[start : page.index("</dl>", start)].split('<dt class="govuk-summary-list__key">')[1:]
    return {row.split("</dt>")[0]: row.split("</dt>")[1] for row in rows}


@pytest.mark.django_db
def test_meeting_page_says_which_bodies_a_decision_could_bind_and_why_not(client, world, board):
    council, icb = world.bodies["council"], world.bodies["nhs"]
    limited_to_1000(board)
    client.force_login(world.user("nhs", Role.OFFICER))
    # No attendance yet: no body can be bound, and the page says why.
    panel = could_bind_panel(client, board)
    assert set(panel) == {council.display_name, icb.display_name}
    assert all("Cannot bind" in said for said in panel.values())
    assert (
        "No attendance is recorded for the meeting, so it cannot be shown to be quorate "
        "(3 voting members needed)" in panel[council.display_name]
    )
    assert f"{icb.name} has delegated nothing to {board.committee.name}." in panel[icb.display_name]

    quorate(board, world)
    panel = could_bind_panel(client, board)
    assert "Could bind" in panel[council.display_name]
    assert "commissioning of services, spending within budget; up to £1,000.00" in panel[council.display_name]
    assert "Cannot bind" in panel[icb.display_name] and "not quorate" not in panel[icb.display_name]

    board.committee.status = CommitteeStatus.SHADOW
    board.committee.save()
    panel = could_bind_panel(client, board)
    assert "is a shadow committee: it recommends, and binds no body." in panel[council.display_name]
    assert "Could bind" not in panel[council.display_name]


@pytest.mark.django_db
def test_a_member_out_of_term_is_named_on_the_meeting_page_and_not_counted(client, world, board):
    member_whose_term_had_ended(board, world)
    client.force_login(world.user("nhs", Role.OFFICER))
    panel = could_bind_panel(client, board)
    assert (
        "Cllr B attended, but their term did not cover the day" in panel[world.bodies["council"].display_name]
    )


@pytest.mark.django_db
def test_the_could_bind_panel_takes_the_same_queries_at_any_size(client, world, board):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quorate(board, world)
    client.force_login(world.user("nhs", Role.COMMITTEE_SECRETARY))
    counts = []
    for size in (1, 12):
        while board.committee.delegations.count() < size:
            body = world.bodies["council" if board.committee.delegations.count() % 2 else "nhs"]
            DelegationFactory(partnership=world.ours, from_organisation=body, to_committee=board.committee)
            member = CommitteeMemberFactory(committee=board.committee, organisation=body)
            attend(board, member)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(board.meeting.minutes_url).content.decode()
        assert page.count("Under <a") == board.committee.delegations.count()
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_the_page_and_the_decision_form_leave_out_bodies_not_partners_on_the_day(client, world, board):
    """A body that left the partnership (or was abolished) before the meeting is not asked
    about: neither in the panel nor among the bodies the decision form offers."""
    from committees.forms import DecisionForm
    from tests.factories import OrganisationFactory, PartnerFactory

    gone = OrganisationFactory(name="Old PCT", active_to=datetime.date(2013, 3, 31))
    PartnerFactory(partnership=world.ours, organisation=gone, left=datetime.date(2013, 3, 31))
    client.force_login(world.user("nhs", Role.OFFICER))
    assert set(could_bind_panel(client, board)) == {
        world.bodies["council"].display_name,
        world.bodies["nhs"].display_name,
    }
    offered = DecisionForm(meeting=board.meeting).fields["organisations"].queryset
    assert set(offered) == {world.bodies["council"], world.bodies["nhs"]}
