import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.core import validate


@given(st.integers(-100, 100))
def test_integer_accepts_exactly_the_range(v):
    if 1 <= v <= 10:
        assert validate.integer("k", v, 1, 10) == v
    else:
        with pytest.raises(ValueError, match=rf"k must be an integer between 1 and 10 \(got k={v}\)"):
            validate.integer("k", v, 1, 10)


@pytest.mark.parametrize("bad", [True, 1.5, "3", None, float("nan")])
def test_integer_refuses_non_integers(bad):
    with pytest.raises(ValueError, match="k must be an integer"):
        validate.integer("k", bad, 1)


def test_integer_accepts_integral_floats_and_numpy_ints():
    assert validate.integer("k", 3.0) == 3
    assert validate.integer("k", np.int32(4)) == 4


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), "x", None, True])
def test_number_refuses_non_finite(bad):
    with pytest.raises(ValueError, match="p must be a number"):
        validate.number("p", bad, 0, 1)


def test_probability_and_positive():
    assert validate.probability("p", 0.25) == 0.25
    with pytest.raises(ValueError, match=r"p must be between 0 and 1 \(got p=1.5\)"):
        validate.probability("p", 1.5)
    with pytest.raises(ValueError, match="mu must be a positive number"):
        validate.positive("mu", 0)


def test_in_range_reports_first_bad_element():
    with pytest.raises(ValueError, match=r"ks must be between 1 and 5 \(got ks=9\)"):
        validate.in_range("ks", [1, 9, 2], 1, 5)
    with pytest.raises(ValueError, match="ks must be between"):
        validate.in_range("ks", [np.nan], 1, 5)


def test_choice_lists_options():
    assert validate.choice("policy", "lru", ["lru", "fifo"]) == "lru"
    with pytest.raises(ValueError, match=r"policy must be one of 'lru', 'fifo' \(got policy='lfu'\)"):
        validate.choice("policy", "lfu", ["lru", "fifo"])
