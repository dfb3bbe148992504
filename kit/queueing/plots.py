"""Figures of the queueing core: pure functions, result -> figure."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..ui import figures, theme
from . import api, theory


def over_time(
    result: api.StationResult,
    bin_s: float | None = None,
    title: str | None = None,
    growth_per_s: float = 0.0,
) -> go.Figure:
    """Queue length and latency over time: waiting and busy servers above, mean latency below.

    Parameters
    ----------
    result : StationResult
        One run of :func:`kit.queueing.simulate`.
    bin_s : float, optional
        Width of the latency bins, seconds (default: 100 bins).
    title : str, optional
    growth_per_s : float
        For an overloaded queue, :func:`kit.queueing.overload_growth`: the
        figure draws the queue the fluid limit predicts, ``growth_per_s * t``.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    tl = result.timeline(bin_s)
    state = result.state()
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    if growth_per_s > 0:
        title = f"{title or 'Queue length and latency over time'}: overloaded, no steady state"
    fig.update_layout(
        template=theme.TEMPLATE,
        title=title or "Queue length and latency over time",
        height=2 * 260,
    )
    for name, column, colour in (("waiting", "waiting", theme.BLUE), ("busy servers", "busy", theme.ORANGE)):
        fig.add_scatter(
            x=state.t_s, y=state[column], name=name, line=dict(color=colour, shape="hv"), row=1, col=1
        )
    if growth_per_s > 0:
        fig.add_scatter(
            x=state.t_s,
            y=growth_per_s * state.t_s,
            name=f"fluid limit: the queue grows {growth_per_s:,.3g} per second"
            if growth_per_s < 1000
            else f"fluid limit: the queue grows {growth_per_s:,.0f} per second",
            line=dict(color=theme.THEORY, dash="dash"),
            row=1,
            col=1,
        )
    width = float(tl.t_s.iloc[1] - tl.t_s.iloc[0]) if len(tl) > 1 else 0.0
    fig.add_scatter(
        x=tl.t_s + width / 2,
        y=tl.latency_s,
        name="mean latency of successes (per bin)",
        line=dict(color=theme.GREEN),
        row=2,
        col=1,
    )
    fig.update_yaxes(**figures.axis("in the station", "requests"), row=1, col=1)
    fig.update_yaxes(**figures.axis("latency", "s", rangemode="tozero"), row=2, col=1)
    fig.update_xaxes(**figures.axis("time", "s"), row=2, col=1)
    return fig


def wait_tail(
    result: api.StationResult, reference: theory.QueueTheory | None = None, label: str = ""
) -> go.Figure:
    """P(wait > t): the simulated customers (steps) over Erlang C's C e^{-(c mu - lam) t} (line).

    Parameters
    ----------
    result : StationResult
        One run of :func:`kit.queueing.simulate`.
    reference : QueueTheory, optional
        Erlang C's steady state to draw beside it; None (an overloaded
        queue has none) draws the simulation alone.
    label : str
        Appended to the simulation's legend entry.

    Returns
    -------
    plotly.graph_objects.Figure
        Customers still waiting when the run ended have no wait yet; the
        legend says how many were left out.
    """
    served = np.isfinite(result.wait_s)
    wait = np.sort(result.wait_s[served])
    n = wait.size
    left = int(np.count_nonzero(~served))
    title = "How long do customers wait? P(wait > t)"
    if reference is None:
        title += ": no steady state, waits grow as long as the run lasts"
    fig = theme.figure(
        title=title,
        xaxis=figures.axis("wait t", "s"),
        yaxis=figures.log_axis("customers waiting longer", "fraction", 1.0 / max(n, 1), 1.0),
    )
    if n:
        ranks = np.unique(np.round(np.geomspace(1, n, min(n, 400))).astype(int))  # even steps on the log axis
        unserved = f", {left:,} still waiting" if left else ""
        fig.add_scatter(
            x=wait[n - ranks][::-1],
            y=(ranks / n)[::-1],  # P(W >= w_(i)) = (n - i) / n: never 0, so log axes work
            mode="lines",
            name=f"simulated{label}: {n:,} served{unserved}",
            line=dict(color=theme.BLUE, shape="hv"),
        )
    if reference is not None:
        t = np.linspace(0.0, float(wait[-1]) if n else 1.0, 200)
        fig.add_scatter(
            x=t,
            y=reference.p_wait_longer(t),
            mode="lines",
            name=f"M/M/{reference.c} theory, C = {reference.p_wait:.3f}",
            line=dict(color=theme.THEORY, dash="dash"),
        )
    return fig


def mmc_check(results: list[api.MMcResult]) -> go.Figure:
    """Simulated mean wait (with 3-standard-error bars) beside Erlang C, one point per queue.

    Parameters
    ----------
    results : list of MMcResult
        From :func:`kit.queueing.simulate_mmc`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    labels = [f"M/M/{r.c}, lam={r.lam:g}, mu={r.mu:g}" for r in results]
    fig = theme.figure(
        title="Simulation vs Erlang C: mean wait in the queue",
        xaxis=dict(title=""),
        yaxis=figures.log_axis("mean wait Wq", "s", *_positive_span(results)),
    )
    fig.add_scatter(
        x=labels,
        y=[r.theory.Wq if r.theory else None for r in results],
        mode="markers",
        name="theory",
        marker=dict(color=theme.THEORY, symbol="line-ew-open", size=28, line=dict(width=2)),
    )
    fig.add_scatter(
        x=labels,
        y=[r.mean_wait for r in results],
        mode="markers",
        name="simulated (bars: 3 standard errors)",
        error_y=dict(array=[3 * r.se("mean_wait") for r in results], thickness=1.5),
        marker=dict(color=theme.BLUE, size=9),
    )
    return fig


def _positive_span(results) -> tuple[float, float]:
    """The smallest and largest positive mean wait, simulated or theory (the figure's log range)."""
    values = [v for r in results for v in (r.mean_wait, r.theory.Wq if r.theory else 0.0) if v > 0]
    return (min(values), max(values)) if values else (1e-3, 1.0)
