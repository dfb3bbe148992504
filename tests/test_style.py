import importlib.util
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_ruff_is_clean():
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed (the test extra installs it)")
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "kit", "tests", "benchmarks", "dev.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_kernels_run_as_plain_python():
    """NUMBA_DISABLE_JIT=1 runs every kernel as Python: same answers, and coverable."""
    code = (
        "from kit import fanout\n"
        "r = fanout.simulate([1, 100], trials=2000, seed=3)\n"
        "f, se = r.p_slower_than(1000.0)\n"
        "assert abs(f[1] - float(fanout.p_slow(100, 0.01))) < 5 * se[1], f\n"
    )
    subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, env={**os.environ, "NUMBA_DISABLE_JIT": "1"}
    )


def test_kit_works_without_numba():
    """The jit shim falls back to plain Python when numba cannot be imported."""
    code = (
        "import sys; sys.modules['numba'] = None\n"
        "from kit.core import jit; assert not jit.HAVE_NUMBA\n"
        "from kit import fanout\n"
        "r = fanout.simulate([1, 10], trials=500, seed=3)\n"
        "assert r.latency_ms.shape == (500, 2)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
