"""The runnable Examples in the docstrings of kit.queueing and kit.reliability still run and still hold."""

import doctest
import importlib

import pytest

MODULES = [
    "kit.queueing.station",
    "kit.queueing.replications",
    "kit.queueing.theory",
    "kit.core.policies",
    "kit.reliability.availability",
    "kit.reliability.backoff",
    "kit.reliability.health",
    "kit.reliability.resilience",
    "kit.reliability.storms",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_kernels_run_as_plain_python():
    """NUMBA_DISABLE_JIT=1: the station, the race, the breaker and the histories run as Python too."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "from kit import queueing, reliability\n"
        "r = queueing.simulate_mmc(0.5, 1.0, 2, 4000, seed=1, replications=4)\n"
        "assert abs(r.z('p_wait')) < 4, r.per_replication\n"
        "s = reliability.retry_storm('3 immediate retries', horizon_s=60, trigger_at_s=10, seed=1)\n"
        "assert not s.recovered and s.amplification > 3.5\n"
        "assert reliability.backoff_experiment('none', 1, runs=3, seed=1).calls == 1\n"
        "b = reliability.breaker_demo('hystrix', degrade=(10, 20), horizon_s=40, seed=1)\n"
        "assert b.recovered_at_s() < 40\n"
        "block = reliability.Parallel(0.9, 0.9)\n"
        "c = reliability.simulate_availability(block, horizon_h=5000, runs=4, seed=1)\n"
        "assert abs(c.simulated - c.formula) < 5 * c.se\n"
    )
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=env)
