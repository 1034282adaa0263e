"""Recharges and the net position between bodies, to the penny."""

import datetime
from decimal import Decimal

import pytest

from staffing import services
from tests.staffing.factories import shared_post

pytestmark = pytest.mark.django_db

D = datetime.date


def test_full_year_recharge_is_the_share_of_the_annual_cost(world, joint_post):
    statement = services.recharge_statement(partnership=world.ours, year=2024)
    amounts = {(line.organisation.short_name, line.is_recharge): line.amount for line in statement.lines}
    assert amounts == {("Council", False): Decimal("60000.00"), ("ICB", True): Decimal("40000.00")}
    assert statement.total_recharged == Decimal("40000.00")
    assert statement.total_cost == Decimal("100000.00")


def test_recharge_rounds_once_to_the_penny_half_up(world):
    shared_post(
        world.ours,
        world.bodies["council"],
        {world.bodies["council"]: "50", world.bodies["nhs"]: "50"},
        annual_cost="100.01",
    )
    statement = services.recharge_statement(partnership=world.ours, year=2024)
    assert [line.amount for line in statement.lines] == [Decimal("50.01"), Decimal("50.01")]


def test_a_post_established_mid_year_is_charged_for_its_days(world):
    # 1 October 2024 to 31 March 2025 is 182 of the 365 days of 2024/25.
    shared_post(
        world.ours,
        world.bodies["council"],
        {world.bodies["council"]: "60", world.bodies["nhs"]: "40"},
        annual_cost="50000.00",
        start_date=D(2024, 10, 1),
    )
    statement = services.recharge_statement(partnership=world.ours, year=2024)
    recharge = statement.recharges[0]
    assert (recharge.days_charged, recharge.days_in_year) == (182, 365)
    # 50,000 x 40% x 182/365 = 9,972.6027... -> 9,972.60
    assert recharge.amount == Decimal("9972.60")


def test_a_leap_financial_year_has_366_days(world):
    shared_post(
        world.ours,
        world.bodies["council"],
        {world.bodies["council"]: "50", world.bodies["nhs"]: "50"},
        annual_cost="36600.00",
        end_date=D(2023, 4, 30),
    )
    statement = services.recharge_statement(partnership=world.ours, year=2023)
    recharge = statement.recharges[0]
    assert (recharge.days_charged, recharge.days_in_year) == (30, 366)
    assert recharge.amount == Decimal("1500.00")


def test_a_vacant_post_is_not_charged_from_its_vacancy(world):
    shared_post(
        world.ours,
        world.bodies["nhs"],
        {world.bodies["council"]: "50", world.bodies["nhs"]: "50"},
        annual_cost="73000.00",
        vacant=True,
        vacant_from=D(2024, 5, 1),
    )
    statement = services.recharge_statement(partnership=world.ours, year=2024)
    recharge = statement.recharges[0]
    assert recharge.days_charged == 30  # April only
    assert recharge.amount == Decimal("3000.00")  # 73,000 x 50% x 30/365
    assert services.recharge_statement(partnership=world.ours, year=2025).lines == []


def test_posts_outside_the_year_are_left_out(world):
    shared_post(
        world.ours,
        world.bodies["council"],
        {world.bodies["council"]: "50", world.bodies["nhs"]: "50"},
        start_date=D(2026, 4, 1),
    )
    assert services.recharge_statement(partnership=world.ours, year=2025).lines == []


def test_net_position_between_two_bodies(world):
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    # Council employs: the ICB owes it 30% of 100,000.00 = 30,000.00 and 25% of 45,000.50 = 11,250.13
    shared_post(world.ours, council, {council: "70", nhs: "30"}, annual_cost="100000.00")
    shared_post(world.ours, council, {council: "75", nhs: "25"}, annual_cost="45000.50")
    # ICB employs: the council owes it 50% of 83,333.33 = 41,666.67 (41,666.665 half up)
    shared_post(world.ours, nhs, {council: "50", nhs: "50"}, annual_cost="83333.33")

    statement = services.recharge_statement(partnership=world.ours, year=2024)
    [position] = statement.net_positions()
    assert (position.first, position.second) == (council, nhs)  # "Our Council" < "Our ICB"
    assert position.first_owes_second == Decimal("41666.67")
    assert position.second_owes_first == Decimal("41250.13")
    assert position.payer == council
    assert position.payee == nhs
    assert position.net == Decimal("416.54")

    totals = {t.organisation: t for t in statement.body_totals()}
    assert totals[council].receivable == Decimal("41250.13")
    assert totals[council].payable == Decimal("41666.67")
    assert totals[council].net == Decimal("-416.54")
    assert totals[council].own_share == Decimal("103750.38")  # 70,000.00 + 33,750.375 -> .38
    assert totals[nhs].net == Decimal("416.54")
    assert totals[nhs].own_share == Decimal("41666.67")  # 41,666.665 -> .67
    assert statement.total_recharged == Decimal("82916.80")
    # Rounded lines add up to the statement's total.
    assert statement.total_cost == sum(line.amount for line in statement.lines)


def test_offsetting_recharges_net_to_nothing(world):
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    shared_post(world.ours, council, {council: "50", nhs: "50"}, annual_cost="60000.00")
    shared_post(world.ours, nhs, {council: "50", nhs: "50"}, annual_cost="60000.00")
    [position] = services.recharge_statement(partnership=world.ours, year=2024).net_positions()
    assert position.net == Decimal("0.00")
    assert position.payer is None


def test_a_statement_shows_only_its_own_partnership(world, joint_post):
    other, other_nhs = world.bodies["other"], world.bodies["other_nhs"]
    shared_post(world.theirs, other, {other: "50", other_nhs: "50"})
    statement = services.recharge_statement(partnership=world.ours, year=2024)
    assert {line.post for line in statement.lines} == {joint_post}
