"""Figures for the fan-out lab: pure functions, result -> figure."""

import numpy as np
import plotly.graph_objects as go

from ..ui import theme
from . import api


def _log_range(ks) -> list[float]:
    return [-0.05, float(np.log10(ks[-1])) + 0.05]


def _mark_k(fig: go.Figure, k: int) -> None:
    fig.add_vline(x=k, line=dict(color=theme.GREY, dash="dot"))


def p_slow(result: api.FanoutResult, threshold_ms: float, k: int | None = None) -> go.Figure:
    """P(request >= threshold) vs fan-out: simulation (95% bars) over 1-(1-p)^k."""
    ks = np.arange(1, result.ks[-1] + 1)
    frac, se = result.p_slower_than(threshold_ms)
    p1 = float(result.server.sf(threshold_ms))
    fig = theme.figure(
        title=f"How often is a request slower than {threshold_ms:g} ms?",
        xaxis=dict(title="servers per request (k)", type="log", range=_log_range(ks)),
        yaxis=dict(title="fraction of requests", range=[0, 1.02], tickformat=".0%"),
    )
    fig.add_scatter(
        x=ks,
        y=api.theory_p_slower(ks, result.server, threshold_ms),
        mode="lines",
        name=f"theory 1-(1-p)^k, p={p1:.3g}",
        line=dict(color=theme.THEORY),
    )
    fig.add_scatter(
        x=result.ks,
        y=frac,
        mode="markers",
        name=f"simulated, {result.trials:,} requests",
        error_y=dict(array=1.96 * se, thickness=1),
        marker=dict(color=theme.BLUE, size=7),
    )
    if k is not None:
        _mark_k(fig, k)
        fig.add_annotation(
            x=np.log10(k),
            y=float(api.p_slow(k, p1)),
            text=f"k={k}: {float(api.p_slow(k, p1)):.1%}",
            showarrow=True,
            arrowhead=2,
            ax=-40,
            ay=-30,
        )
    return fig


def percentile(result: api.FanoutResult, q: float, k: int | None = None) -> go.Figure:
    """The median and q-th percentile of request latency vs fan-out: the tail becomes the body."""
    ks = np.arange(1, result.ks[-1] + 1)
    fig = theme.figure(
        title=f"Request latency: median and p{q:g}",
        xaxis=dict(title="servers per request (k)", type="log", range=_log_range(ks)),
        yaxis=dict(title="latency (ms)", type="log"),
    )
    for level, colour, dash in ((50.0, theme.ORANGE, "dash"), (q, theme.BLUE, "solid")):
        fig.add_scatter(
            x=ks,
            y=api.theory_percentile(ks, result.server, level),
            mode="lines",
            name=f"p{level:g} theory",
            line=dict(color=theme.THEORY, dash=dash),
        )
        fig.add_scatter(
            x=result.ks,
            y=result.percentile(level),
            mode="markers",
            name=f"p{level:g} simulated",
            marker=dict(color=colour, size=7),
        )
    if k is not None:
        _mark_k(fig, k)
    return fig
