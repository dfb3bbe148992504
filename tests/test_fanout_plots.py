"""The start lab's figures: what they draw, and the figure rules at the notebook's settings."""

import numpy as np
import pytest

from kit import fanout
from kit.ui import rules


@pytest.fixture(scope="module")
def result():
    return fanout.simulate(fanout.k_grid(1000), fanout.server_latency(p=0.01), trials=2000, seed=1)


def test_p_slow_draws_theory_the_kp_shortcut_and_the_simulation(result):
    fig = fanout.plots.p_slow(result, 1000.0, k=100)
    theory, shortcut, simulated = fig.data
    p1 = float(result.server.sf(1000.0))
    assert np.allclose(theory.y, fanout.p_slow(theory.x, p1))
    assert np.allclose(shortcut.y, np.minimum(np.asarray(shortcut.x) * p1, 1.0))
    assert list(simulated.x) == list(result.ks) and simulated.error_y.array is not None
    assert fig.layout.annotations[0].text == f"k = 100: {float(fanout.p_slow(100, p1)):.1%}"
    assert rules.problems(fig) == []


def test_log_axes_label_thousands_in_full(result):
    fig = fanout.plots.p_slow(result, 1000.0, k=100)
    assert list(fig.layout.xaxis.ticktext) == ["1", "2", "5", "10", "20", "50", "100", "200", "500", "1k"]


@pytest.mark.parametrize("q", [50.0, 99.9, 99.99])
def test_percentile_figure_names_each_curve_once(result, q):
    fig = fanout.plots.percentile(result, q, k=100)
    names = [t.name for t in fig.data]
    assert len(names) == len(set(names)) == (2 if q == 50.0 else 4)
    assert rules.problems(fig) == []
