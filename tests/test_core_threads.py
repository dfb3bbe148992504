"""Kernel runs side by side (``kit.core.threads``): the same results as one after another."""

import pandas as pd
import pytest

from kit import config
from kit.caching import api as caching
from kit.core import jit, threads
from kit.sagas import api as sagas
from kit.sagas import examples


def test_results_come_back_in_the_order_of_the_items():
    assert threads.map_calls(lambda x: x * x, range(7)) == [x * x for x in range(7)]
    assert threads.map_calls(abs, []) == []


def test_an_exception_in_one_call_is_raised_to_the_caller():
    def fail_on_three(x):
        if x == 3:
            raise ValueError("three")
        return x

    with pytest.raises(ValueError, match="three"):
        threads.map_calls(fail_on_three, range(5))


SIDE_BY_SIDE = [  # by name: a test outside a topic imports none of its private modules
    "kit.caching._paths_kernels.serve",
    "kit.caching._stampede_kernels.stampede",
    "kit.sagas._kernels.simulate",
]


@pytest.mark.skipif(not jit.HAVE_NUMBA, reason="numba is not installed")
@pytest.mark.parametrize("name", SIDE_BY_SIDE)
def test_kernels_run_side_by_side_release_the_gil(name):
    # without nogil the threads take turns: correct answers, no speed-up
    kernels = {f"{k.py_func.__module__}.{k.__name__}": k for k in jit.kernels()}
    assert kernels[name].targetoptions.get("nogil") is True


@pytest.fixture
def one_core(monkeypatch):
    """Run ``fn`` once on all cores and once with a single core, for comparing."""

    def both(fn):
        spread = fn()
        monkeypatch.setattr(threads, "cores", lambda: 1)
        return spread, fn()

    return both


def test_write_strategies_side_by_side_match_one_after_another(one_core):
    # catches: a random stream or a buffer shared between the threads
    spread, serial = one_core(lambda: caching.strategy_table(duration_s=2.0, warmup_s=0.5, seed=3))
    pd.testing.assert_frame_equal(spread, serial)


def test_saga_protocols_side_by_side_match_one_after_another(one_core):
    saga = examples.travel_booking()
    faults = sagas.Faults(crash_p=0.05, loss_p=0.02)
    spread, serial = one_core(lambda: sagas.compare(saga, 1_500, 4, faults))
    pd.testing.assert_frame_equal(spread, serial)
    assert 1_500 < config.SAGAS_PARALLEL_MIN_RUNS  # else compare runs them one after another anyway
