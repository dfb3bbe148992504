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
    fig = sharding.plots.moved_curve(curve, "jump")
    coloured = [t.name for t in fig.data if t.showlegend is not False]
    assert coloured[:3] == ["jump consistent hash", "theory 1/(n+1)", "theory n/(n+1) (mod)"]
    assert len(fig.data) == len(sharding.STRATEGIES) + 3  # + one grey legend entry for the others
    assert isinstance(sharding.plots.cures(sharding.compare_cures(KEYS, "ring", 8)), go.Figure)
    assert isinstance(sharding.plots.scatter_gather(sharding.scatter_gather_curve(8, [1, 8])), go.Figure)


def test_every_node_has_its_own_colour_and_the_ring_names_its_nodes():
    view = sharding.ring_view(KEYS, "ring", 20, vnodes=5)
    colours = [sharding.plots.node_colour(i, 20) for i in range(20)]
    assert len(set(colours)) == 20  # the 7-colour palette alone would repeat from node 8
    fig = sharding.plots.ring(view)
    numbers = next(t for t in fig.data if getattr(t, "mode", None) == "text")
    assert numbers.text and set(numbers.text) <= {str(i) for i in range(20)}
    assert list(numbers.textfont.color) == [colours[int(n)] for n in numbers.text]


def test_notebook_figures_follow_the_figure_rules():
    from kit.ui import rules

    figures = [
        sharding.plots.ring(sharding.ring_view(KEYS, "ring", 12, vnodes=10)),
        sharding.plots.cures(sharding.compare_cures(KEYS, "ring", 16, copies=(2, 4, 8), alpha=1.2)),
        sharding.plots.scatter_gather(sharding.scatter_gather_curve(16)),
        sharding.plots.traffic(sharding.insert_traffic(KEYS[:20_000], "range", 8, windows=40)),
        sharding.plots.moved_curve(sharding.reshard_timeline(KEYS[:5000], list(sharding.STRATEGIES), 1, 8)),
    ]
    found = [p for fig in figures for p in rules.problems(fig)]
    assert not found, "\n".join(found)
