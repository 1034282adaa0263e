"""A whole number in an address or a form is read one way everywhere (partnership/numbers.py)."""

import pytest

from partnership.numbers import whole_number


@pytest.mark.parametrize(
    ("text", "longest", "expected"),
    [
        ("12", 18, 12),
        ("007", 18, 7),
        ("9" * 18, 18, 10**18 - 1),  # the most a bigint id column is asked for
        ("9" * 19, 18, None),  # past a database integer: a 500 before
        ("2018", 4, 2018),
        ("20180", 4, None),
        ("²", 18, None),  # str.isdigit() says yes, int() says no: a 500 before
        ("١٢", 18, None),  # Arabic-Indic digits: int() takes them, an id never has them
        ("-1", 18, None),
        (" 12", 18, None),
        ("", 18, None),
        (None, 18, None),
    ],
)
def test_a_whole_number_is_digits_0_to_9_within_its_length(text, longest, expected):
    assert whole_number(text, longest) == expected
