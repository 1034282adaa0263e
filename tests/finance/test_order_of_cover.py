"""The year end of a pooled fund under its agreement, to the penny: each step of the order of
cover, caps, each underspend rule, and memorandum accounts that add up to the fund."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from finance import cover
from finance.choices import CoverStep, RiskShareRule, UnderspendRule

D = Decimal


@dataclass(frozen=True)
class Body:
    display_name: str


COUNCIL = Body("Council")
ICB = Body("ICB")


def accounts(council="600000", icb="400000", opening=("0", "0")):
    return [
        cover.Account(body=COUNCIL, contribution=D(council), opening=D(opening[0])),
        cover.Account(body=ICB, contribution=D(icb), opening=D(opening[1])),
    ]


def overspending_lines():
    """The council's line overspends by £150,000; the ICB's underspends by £10,000; an ICB scheme
    not yet committed has £30,000 of its plan unspent."""
    return [
        cover.LineFigures(COUNCIL, planned=D("500000"), forecast=D("650000"), actual=D("600000")),
        cover.LineFigures(ICB, planned=D("350000"), forecast=D("340000"), actual=D("300000")),
        cover.LineFigures(ICB, planned=D("100000"), forecast=D("100000"), actual=D("70000"), committed=False),
    ]


def by_body(working, name):
    return {a.body: getattr(a, name) for a in working.accounts}


def check_accounts_add_up(working):
    totals = working.totals()
    assert totals["spend"] == working.outturn - working.withheld
    for a in working.accounts:
        assert a.opening + a.contribution + a.income + a.cover - a.returned - a.spend == a.closing


def test_each_step_in_the_agreed_order_then_the_bodies_with_a_cap():
    terms = cover.Terms(caps={ICB: D("20000")})
    working = cover.year_end(terms, accounts=accounts(), lines=overspending_lines(), contingency=D("20000"))
    # £1,000,000 in the pool, £950,000 planned on lines and £20,000 as contingency: £30,000 unplanned.
    assert [(s.step, s.available, s.used, s.left_to_cover) for s in working.steps] == [
        (CoverStep.LINES, D("40000"), D("40000"), D("110000")),
        (CoverStep.CONTINGENCY, D("20000"), D("20000"), D("90000")),
        (CoverStep.UNCOMMITTED, D("30000"), D("30000"), D("60000")),
    ]
    assert working.withheld == D("30000")
    assert working.to_bodies == D("60000")
    # In proportion to contributions the ICB's share is £24,000: £4,000 above its cap goes back
    # to the council, whose services overspent.
    assert working.capped == {"ICB": D("4000.00")}
    assert by_body(working, "cover") == {COUNCIL: D("40000.00"), ICB: D("20000.00")}
    assert working.surplus == 0
    assert by_body(working, "spend") == {COUNCIL: D("640000.00"), ICB: D("420000.00")}
    check_accounts_add_up(working)


def test_the_order_is_the_agreements_and_a_step_left_out_is_not_used():
    terms = cover.Terms(order=(CoverStep.CONTINGENCY, CoverStep.LINES), caps={ICB: D("20000")})
    working = cover.year_end(terms, accounts=accounts(), lines=overspending_lines(), contingency=D("20000"))
    assert [(s.step, s.used, s.left_to_cover) for s in working.steps] == [
        (CoverStep.CONTINGENCY, D("20000"), D("130000")),
        (CoverStep.LINES, D("40000"), D("90000")),
    ]
    assert working.withheld == 0
    assert by_body(working, "cover") == {COUNCIL: D("70000.00"), ICB: D("20000.00")}
    check_accounts_add_up(working)


def test_without_the_lines_step_other_lines_underspends_are_an_underspend_returned():
    terms = cover.Terms(order=(CoverStep.CONTINGENCY,), caps={ICB: D("20000")})
    working = cover.year_end(terms, accounts=accounts(), lines=overspending_lines(), contingency=D("20000"))
    assert working.to_bodies == D("130000")
    assert by_body(working, "cover") == {COUNCIL: D("110000.00"), ICB: D("20000.00")}
    assert working.surplus == D("40000")
    assert by_body(working, "returned") == {COUNCIL: D("24000.00"), ICB: D("16000.00")}
    assert sum(a.settlement for a in working.accounts) == working.variance == D("90000")
    check_accounts_add_up(working)


def test_fixed_shares_decide_the_bodies_part_and_the_penny_is_not_lost():
    terms = cover.Terms(rule=RiskShareRule.FIXED_SHARES, fixed_shares={COUNCIL: D("33.33"), ICB: D("66.67")})
    lines = [cover.LineFigures(COUNCIL, planned=D("1000"), forecast=D("1000.01"), actual=D("0"))]
    working = cover.year_end(terms, accounts=accounts("500", "500"), lines=lines)
    # £1,000 contributed and planned; 1p over: the larger share takes the penny.
    assert by_body(working, "cover") == {COUNCIL: D("0.00"), ICB: D("0.01")}
    check_accounts_add_up(working)


def test_above_every_cap_with_no_line_overspent_the_host_bears_it():
    terms = cover.Terms(caps={COUNCIL: D("10"), ICB: D("10")}, host=COUNCIL)
    lines = [cover.LineFigures(ICB, planned=D("1100"), forecast=D("1100"), actual=D("0"))]
    working = cover.year_end(terms, accounts=accounts("600", "400"), lines=lines)
    # Planned beyond the pool: £100 to cover; the bodies' shares of £60 and £40 are capped at £10.
    assert by_body(working, "cover") == {COUNCIL: D("90.00"), ICB: D("10.00")}
    terms.host = None
    with pytest.raises(ValidationError, match="no body to return it to"):
        cover.year_end(terms, accounts=accounts("600", "400"), lines=lines)


def underspending_lines():
    return [
        cover.LineFigures(COUNCIL, planned=D("500000"), forecast=D("450000"), actual=D("450000")),
        cover.LineFigures(ICB, planned=D("500000"), forecast=D("450000"), actual=D("450000")),
    ]


def test_an_underspend_returned_pro_rata():
    terms = cover.Terms(underspend_rule=UnderspendRule.RETURN_PRO_RATA)
    working = cover.year_end(terms, accounts=accounts(), lines=underspending_lines())
    assert by_body(working, "returned") == {COUNCIL: D("60000.00"), ICB: D("40000.00")}
    assert by_body(working, "closing") == {COUNCIL: 0, ICB: 0}
    check_accounts_add_up(working)


def test_an_underspend_carried_forward_up_to_the_cap_and_the_rest_returned():
    terms = cover.Terms(underspend_rule=UnderspendRule.CARRY_FORWARD, underspend_cap=D("70000"))
    working = cover.year_end(terms, accounts=accounts(), lines=underspending_lines())
    assert working.kept == D("70000") and working.kept_as == UnderspendRule.CARRY_FORWARD
    assert by_body(working, "carried_forward") == {COUNCIL: D("42000.00"), ICB: D("28000.00")}
    assert by_body(working, "returned") == {COUNCIL: D("18000.00"), ICB: D("12000.00")}
    check_accounts_add_up(working)


def test_an_underspend_kept_as_contingency_and_shared_to_the_penny():
    terms = cover.Terms(underspend_rule=UnderspendRule.CONTINGENCY)
    lines = [cover.LineFigures(COUNCIL, planned=D("300"), forecast=D("199.99"), actual=D("199.99"))]
    working = cover.year_end(terms, accounts=accounts("100", "200"), lines=lines)
    assert working.kept == D("100.01") and working.kept_as == UnderspendRule.CONTINGENCY
    assert by_body(working, "carried_forward") == {COUNCIL: D("33.34"), ICB: D("66.67")}
    check_accounts_add_up(working)


def test_income_is_shared_by_contribution_and_adds_to_the_pool():
    terms = cover.Terms(underspend_rule=UnderspendRule.RETURN_PRO_RATA)
    lines = [cover.LineFigures(COUNCIL, planned=D("1000"), forecast=D("1000"), actual=D("1000"))]
    working = cover.year_end(terms, accounts=accounts("600", "400"), lines=lines, income=D("10.01"))
    assert by_body(working, "income") == {COUNCIL: D("6.01"), ICB: D("4.00")}
    assert working.surplus == D("10.01")
    check_accounts_add_up(working)


def test_a_share_falling_to_a_body_not_taking_part_opens_an_account_for_it():
    """The host bears all of it, but contributes nothing this year: its share is not lost."""
    host = Body("Host")
    terms = cover.Terms(rule=RiskShareRule.HOST_BEARS_ALL, host=host)
    lines = [cover.LineFigures(COUNCIL, planned=D("1000"), forecast=D("1100"), actual=D("0"))]
    working = cover.year_end(terms, accounts=accounts("600", "400"), lines=lines)
    assert by_body(working, "cover") == {COUNCIL: 0, ICB: 0, host: D("100.00")}
    check_accounts_add_up(working)
