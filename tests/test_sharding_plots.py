"""The figures' data and the figures."""

import numpy as np
import plotly.graph_objects as go
import pytest

from kit import config, sharding

KEYS = np.arange(50_000)


@pytest.fixture(autouse=True)
def _config():
    yield
    config.reset()


# --- the ring figure's data, and the figures --------------------------------------------------------------


@pytest.mark.parametrize("strategy", list(sharding.STRATEGIES))
def test_ring_view_and_every_figure_build(strategy):
    params = {"vnodes": 20} if "vnodes" in sharding.STRATEGIES[strategy].params else {}
    view = sharding.ring_view(KEYS, strategy, 5, sample=300, **params)
    assert view.key_at.size == 300 and np.all((view.key_at >= 0) & (view.key_at <= 1))
    if view.arc_owner.size:
        lengths = (view.arc_end - view.arc_start) % 1.0
        assert lengths.sum() == pytest.approx(1.0)
    figures = [
        sharding.plots.ring(view),
        sharding.plots.loads(sharding.loads(KEYS, strategy, 5, **params)),
        sharding.plots.traffic(sharding.read_traffic(KEYS, strategy, 5, **params)),
        sharding.plots.timeline(sharding.reshard_timeline(KEYS, strategy, 2, 5, **params), strategy),
    ]
    assert all(isinstance(f, go.Figure) and f.data for f in figures)


def test_ring_figure_zooms_to_a_sector_when_the_ring_is_crowded():
    config.SHARDING_RING_PLOT_ARCS = 50
    fig = sharding.plots.ring(sharding.ring_view(KEYS, "ring", 10, vnodes=100))
    assert "of the circle" in fig.layout.title.text
    assert len(fig.data[0].theta) <= 50 and fig.layout.polar.sector[1] < 360


def test_curve_cure_and_scatter_figures_build():
    curve = sharding.reshard_timeline(np.arange(5000), list(sharding.STRATEGIES), 1, 6)
    fig = sharding.plots.moved_curve(curve)
    assert len(fig.data) == len(sharding.STRATEGIES) + 2
    assert isinstance(sharding.plots.cures(sharding.compare_cures(KEYS, "ring", 8)), go.Figure)
    assert isinstance(sharding.plots.scatter_gather(sharding.scatter_gather_curve(8, [1, 8])), go.Figure)
