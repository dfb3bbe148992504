"""Figures of the queueing core: pure functions, result -> figure."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..ui import theme
from . import api, theory


def over_time(result: api.StationResult, bin_s: float | None = None, title: str | None = None) -> go.Figure:
    """Queue length and latency over time: waiting and busy servers above, mean latency below."""
    tl = result.timeline(bin_s)
    state = result.state()
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    fig.update_layout(
        template=theme.TEMPLATE,
        title=title or "Queue length and latency over time",
        height=2 * 260,
    )
    for name, column, colour in (("waiting", "waiting", theme.BLUE), ("busy servers", "busy", theme.ORANGE)):
        fig.add_scatter(
            x=state.t_s, y=state[column], name=name, line=dict(color=colour, shape="hv"), row=1, col=1
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
    fig.update_yaxes(title_text="requests", row=1, col=1)
    fig.update_yaxes(title_text="latency (s)", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text="time (s)", row=2, col=1)
    return fig


def wait_tail(
    result: api.StationResult, reference: theory.QueueTheory | None = None, label: str = ""
) -> go.Figure:
    """P(wait > t): the simulated customers (steps) over Erlang C's C e^{-(c mu - lam) t} (line)."""
    wait = np.sort(result.wait_s[np.isfinite(result.wait_s)])
    n = wait.size
    fig = theme.figure(
        title="How long do customers wait? P(wait > t)",
        xaxis=dict(title="wait t (s)"),
        yaxis=dict(title="fraction of customers", type="log", exponentformat="power"),
    )
    if n:
        keep = np.unique(np.linspace(0, n - 1, min(n, 400)).astype(int))
        fig.add_scatter(
            x=wait[keep],
            y=1.0 - (keep + 1) / n + 1.0 / n,  # P(W >= w_(i)): never 0, so log axes work
            mode="lines",
            name=f"simulated{label}, {n:,} customers",
            line=dict(color=theme.BLUE, shape="hv"),
        )
    if reference is not None:
        t = np.linspace(0.0, float(wait[-1]) if n else 1.0, 200)
        fig.add_scatter(
            x=t,
            y=reference.p_wait_longer(t),
            mode="lines",
            name=f"M/M/{reference.c} theory: C e^(-(c mu - lam) t), C = {reference.p_wait:.3f}",
            line=dict(color=theme.THEORY, dash="dash"),
        )
    return fig


def mmc_check(results: list[api.MMcResult]) -> go.Figure:
    """Simulated mean wait (with 3-standard-error bars) beside Erlang C, one point per queue."""
    labels = [f"M/M/{r.c}, lam={r.lam:g}, mu={r.mu:g}" for r in results]
    fig = theme.figure(
        title="Simulation vs Erlang C: mean wait in the queue",
        xaxis=dict(title=""),
        yaxis=dict(title="mean wait Wq", type="log"),
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
