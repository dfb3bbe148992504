import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import queueing


def test_mm1_textbook_values():
    """lam = 0.8, mu = 1: Wq = rho/(mu - lam) = 4, W = 1/(mu - lam) = 5."""
    t = queueing.mm1(0.8, 1.0)
    assert t.Wq == pytest.approx(4.0) and t.W == pytest.approx(5.0)
    assert t.Lq == pytest.approx(3.2) and t.L == pytest.approx(4.0) and t.p_wait == pytest.approx(0.8)


@pytest.mark.parametrize("lam, c, p_wait", [(2.0, 3, 0.4444), (9.0, 10, 0.6687)])
def test_erlang_c_published_values(lam, c, p_wait):
    """M/M/3 at lam = 2 and M/M/10 at lam = 9 (mu = 1): P(wait) = Wq."""
    assert queueing.erlang_c(lam, 1.0, c) == pytest.approx(p_wait, abs=5e-5)
    assert queueing.mmc(lam, 1.0, c).Wq == pytest.approx(p_wait, abs=5e-5)


def test_erlang_b_matches_its_closed_form():
    a, c = 7.3, 9
    terms = [a**k / math.factorial(k) for k in range(c + 1)]
    assert queueing.erlang_b(a, 1.0, c) == pytest.approx(terms[-1] / sum(terms), rel=1e-12)


def test_erlang_c_matches_its_closed_form():
    a, c = 4.5, 6
    head = sum(a**k / math.factorial(k) for k in range(c))
    tail = a**c / math.factorial(c) * c / (c - a)
    assert queueing.erlang_c(a, 1.0, c) == pytest.approx(tail / (head + tail), rel=1e-12)


@given(st.floats(0.05, 50.0), st.integers(1, 60))
@settings(max_examples=60, deadline=None)
def test_more_servers_never_wait_more(a, c):
    if a >= c:
        return
    p = queueing.erlang_c(a, 1.0, c)
    assert 0.0 < p < 1.0
    assert queueing.erlang_c(a, 1.0, c + 1) < p
    assert queueing.erlang_b(a, 1.0, c) <= p  # a loss system blocks less often than a queue makes wait


def test_staffing_finds_the_fewest_servers():
    c = queueing.servers_for_wait(9.0, 1.0, 0.2)
    assert queueing.erlang_c(9.0, 1.0, c) <= 0.2 < queueing.erlang_c(9.0, 1.0, c - 1)


def test_mm1_sojourn_tail_is_exponential():
    t = queueing.mm1(0.8, 1.0)
    x = np.linspace(0, 20, 9)
    assert np.allclose(t.p_sojourn_longer(x), np.exp(-0.2 * x))


@pytest.mark.parametrize("lam, c", [(2.0, 3), (9.0, 10), (0.5, 2)])
def test_mmc_sojourn_tail_by_numerical_convolution(lam, c):
    """P(W > t) of wait (atom + exponential) plus exponential service, integrated numerically."""
    th = queueing.mmc(lam, 1.0, c)
    theta = c - lam
    grid = np.linspace(0, 30, 300_001)
    dx = grid[1] - grid[0]
    wait_density = th.p_wait * theta * np.exp(-theta * grid)  # the continuous part of the wait
    for t in (0.5, 2.0, 5.0):
        service_tail = np.exp(-np.clip(t - grid, 0, None))  # P(S > t - w)
        numeric = (1 - th.p_wait) * math.exp(-t) + np.trapezoid(wait_density * service_tail, dx=dx)
        assert th.p_sojourn_longer(t) == pytest.approx(numeric, rel=1e-4)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: queueing.erlang_c(3.0, 1.0, 3), "lam must be below c\\*mu"),
        (lambda: queueing.erlang_c(-1.0, 1.0, 3), "lam must be a positive number"),
        (lambda: queueing.erlang_c(1.0, 0.0, 3), "mu must be a positive number"),
        (lambda: queueing.mmc(1.0, 1.0, 0), "c must be an integer"),
        (lambda: queueing.servers_for_wait(1.0, 1.0, 1.5), "max_p_wait must be between 0 and 1"),
        (lambda: queueing.mm1(0.5, 1.0).p_wait_longer(-1.0), "t must be between"),
    ],
)
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
