"""The shared ways numbers are written."""

import pytest

from padstride.text import MINUS, one_if_same, pair_text, signed


@pytest.mark.parametrize(
    ("pair", "one", "text"),
    [
        ((3, 3), 3, "3"),
        ((3, 5), (3, 5), "(3, 5)"),
        ([2, 2], 2, "2"),
        (4, 4, "4"),
        ((-1, 2), (-1, 2), "(−1, 2)"),
    ],
)
def test_a_pair_is_one_value_when_both_axes_agree(pair, one, text):
    assert one_if_same(pair) == one and pair_text(pair) == text


def test_negative_numbers_get_a_true_minus_sign_unless_told_otherwise():
    assert signed(-2) == f"{MINUS}2" and signed(0) == "0"
    assert pair_text((-2, 1), str) == "(-2, 1)"
