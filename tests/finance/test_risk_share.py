"""Every risk-share rule, and rounding to the penny so the shares add up to the variance exactly."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from finance.choices import RiskShareRule
from finance.cover import allocate, share_variance

D = Decimal


def test_one_hundred_pounds_over_three_equal_bodies_sums_exactly():
    shares = allocate(D("100.00"), {"a": 1, "b": 1, "c": 1})
    assert shares == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}
    assert sum(shares.values()) == D("100.00")


def test_an_underspend_is_shared_the_same_way_with_the_sign_kept():
    shares = allocate(D("-100.00"), {"a": 1, "b": 1, "c": 1})
    assert shares == {"a": D("-33.34"), "b": D("-33.33"), "c": D("-33.33")}


def test_the_leftover_penny_goes_to_the_largest_fraction():
    # 0.05 split 3:1:1 is 0.03, 0.01, 0.01 exactly; 0.10 split 1:1:1 leaves one penny for the first.
    assert allocate(D("0.05"), {"a": 3, "b": 1, "c": 1}) == {"a": D("0.03"), "b": D("0.01"), "c": D("0.01")}
    assert allocate(D("0.10"), {"a": 1, "b": 1, "c": 1}) == {"a": D("0.04"), "b": D("0.03"), "c": D("0.03")}
    # 1.00 in proportion 1:2 is 0.333.. and 0.666..: the larger remainder (b) takes the penny.
    assert allocate(D("1.00"), {"a": 1, "b": 2}) == {"a": D("0.33"), "b": D("0.67")}


def test_a_penny_between_seven_bodies():
    shares = allocate(D("0.01"), {k: 1 for k in "abcdefg"})
    assert sum(shares.values()) == D("0.01")
    assert sorted(shares.values()) == [D("0.00")] * 6 + [D("0.01")]


def test_allocating_refuses_fractions_of_a_penny_and_empty_weights():
    with pytest.raises(ValueError, match="whole pennies"):
        allocate(D("1.005"), {"a": 1})
    with pytest.raises(ValueError, match="nothing"):
        allocate(D("1.00"), {"a": 0, "b": 0})


@pytest.mark.parametrize("seed", range(20))
def test_shares_always_sum_exactly_to_the_total(seed):
    rng = random.Random(seed)
    for _ in range(50):
        total = D(rng.randint(-(10**11), 10**11)) / 100
        weights = [D(rng.randint(0, 10**9)) / 100 for _ in range(rng.randint(1, 9))]
        if not sum(weights):
            continue
        shares = allocate(total, dict(enumerate(weights)))
        assert sum(shares.values()) == total
        for key, weight in enumerate(weights):
            assert shares[key] == shares[key].quantize(D("0.01"))
            # No share is a penny or more away from its exact proportion.
            assert abs(shares[key] - total * weight / sum(weights)) < D("0.01")


CONTRIBUTIONS = {"council": D("600000.00"), "icb": D("300000.00"), "trust": D("100000.00")}


def test_proportional_to_contributions():
    shares = share_variance(RiskShareRule.PROPORTIONAL, D("10000.01"), contributions=CONTRIBUTIONS)
    assert shares == {"council": D("6000.01"), "icb": D("3000.00"), "trust": D("1000.00")}
    assert sum(shares.values()) == D("10000.01")


def test_proportional_with_no_contributions_is_refused_with_a_reason():
    with pytest.raises(ValidationError, match="no body has contributed"):
        share_variance(RiskShareRule.PROPORTIONAL, D("5"), contributions={"a": D("0"), "b": D("0")})


def test_fixed_shares():
    shares = share_variance(
        RiskShareRule.FIXED_SHARES,
        D("100.00"),
        contributions=CONTRIBUTIONS,
        fixed_shares={"council": D("33.33"), "icb": D("33.33"), "trust": D("33.34")},
    )
    assert sum(shares.values()) == D("100.00")
    assert shares["trust"] == D("33.34")


def test_fixed_shares_give_nothing_to_a_body_without_a_share():
    shares = share_variance(
        RiskShareRule.FIXED_SHARES,
        D("-999.99"),
        contributions=CONTRIBUTIONS,
        fixed_shares={"council": D("50"), "icb": D("50")},
    )
    assert shares["trust"] == D("0.00")
    assert shares["council"] + shares["icb"] == D("-999.99")


def test_fixed_shares_must_add_up_to_one_hundred():
    with pytest.raises(ValidationError, match="99%, not 100%"):
        share_variance(
            RiskShareRule.FIXED_SHARES,
            D("1"),
            contributions=CONTRIBUTIONS,
            fixed_shares={"council": D("50"), "icb": D("49")},
        )


def test_host_bears_all():
    shares = share_variance(
        RiskShareRule.HOST_BEARS_ALL, D("1234.56"), contributions=CONTRIBUTIONS, host="council"
    )
    assert shares == {"council": D("1234.56"), "icb": D("0.00"), "trust": D("0.00")}


def test_host_bears_all_needs_a_host():
    with pytest.raises(ValidationError, match="no host body"):
        share_variance(RiskShareRule.HOST_BEARS_ALL, D("1"), contributions=CONTRIBUTIONS)


def test_each_body_bears_the_variance_on_its_own_lines():
    # Lines explain the whole variance: each body takes exactly its lines' variance.
    shares = share_variance(
        RiskShareRule.OWN_LINES,
        D("700.00"),
        contributions=CONTRIBUTIONS,
        line_variances={"council": D("1000.00"), "icb": D("-300.00")},
    )
    assert shares == {"council": D("1000.00"), "icb": D("-300.00"), "trust": D("0.00")}


def test_own_lines_residual_is_shared_by_contribution_to_the_penny():
    # Contributions exceed the plans by 100.00: that part is shared 6:3:1.
    shares = share_variance(
        RiskShareRule.OWN_LINES,
        D("33.33"),
        contributions=CONTRIBUTIONS,
        line_variances={"council": D("133.33")},
    )
    assert sum(shares.values()) == D("33.33")
    assert shares == {"council": D("73.33"), "icb": D("-30.00"), "trust": D("-10.00")}
