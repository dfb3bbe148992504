"""Figures for the fan-out lab: pure functions, result -> figure."""

import numpy as np
import plotly.graph_objects as go

from ..ui import figures, theme
from . import api

THEORY_POINTS = 120  # fan-outs a theory curve is drawn through (log-spaced: smooth on a log axis)


def _theory_ks(k_max: int) -> np.ndarray:
    return np.unique(np.round(np.geomspace(1, k_max, THEORY_POINTS)).astype(np.int64))


def _mark_k(fig: go.Figure, k: int) -> None:
    fig.add_shape(  # a plain shape: add_vline's subplot bookkeeping costs more than the whole figure
        type="line", x0=k, x1=k, xref="x", y0=0, y1=1, yref="paper", line=dict(color=theme.GREY, dash="dot")
    )


def p_slow(result: api.FanoutResult, threshold_ms: float, k: int | None = None) -> go.Figure:
    """P(request >= threshold) against fan-out: simulation (95% bars) over 1-(1-p)^k and k·p.

    Parameters
    ----------
    result : FanoutResult
        Simulated request latencies.
    threshold_ms : float
        What counts as slow, in ms.
    k : int, optional
        The learner's fan-out, marked and labelled.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    k_max = int(result.ks[-1])
    ks = _theory_ks(k_max)
    frac, se = result.p_slower_than(threshold_ms)
    p1 = float(result.server.sf(threshold_ms))
    fig = theme.figure(
        title=f"How often is a request slower than {threshold_ms:,.0f} ms?",
        xaxis=figures.log_axis("fan-out k", "servers per request", 1, k_max),
        yaxis=figures.axis("requests this slow", "%", range=[0, 1.02], tickformat=".0%"),
    )
    fig.add_scatter(
        x=ks,
        y=api.theory_p_slower(ks, result.server, threshold_ms),
        mode="lines",
        name="theory: 1 − (1 − p)<sup>k</sup>",
        line=theme.THEORY_LINE,
    )
    fig.add_scatter(
        x=ks,
        y=np.minimum(ks * p1, 1.0),
        mode="lines",
        name="k·p: right only while k·p is small",
        line=dict(color=theme.GREY, dash="dot", width=1.5),
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
        at_k = float(api.p_slow(k, p1))
        left = np.log10(k) < 0.5 * np.log10(k_max)  # point the label into the plot, never off its edges
        fig.add_annotation(
            x=np.log10(k),
            y=at_k,
            text=f"k = {k:,}: {at_k:.1%}",
            showarrow=True,
            arrowhead=2,
            ax=70 if left else -70,  # the label's centre: far enough in for its whole width
            ay=30 if at_k > 0.8 else -30,
        )
    return fig


def percentile(result: api.FanoutResult, q: float, k: int | None = None) -> go.Figure:
    """The median and q-th percentile of request latency against fan-out: the tail becomes the body.

    Parameters
    ----------
    result : FanoutResult
        Simulated request latencies.
    q : float
        The upper percentile drawn beside the median, 50..100.
    k : int, optional
        The learner's fan-out, marked.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    k_max = int(result.ks[-1])
    ks = _theory_ks(k_max)
    levels = [(50.0, theme.ORANGE, "dash")] + ([(q, theme.BLUE, "dot")] if q != 50.0 else [])
    qs = [level for level, *_ in levels]
    theory, simulated = api.theory_percentile(ks, result.server, qs), result.percentile(qs)
    curves = [(*level, theory[i], simulated[i]) for i, level in enumerate(levels)]
    every = np.concatenate([np.concatenate([theory, sim]) for *_, theory, sim in curves])
    fig = theme.figure(
        title="Request latency: the median" + (f" and p{q:g}" if q != 50.0 else ""),
        xaxis=figures.log_axis("fan-out k", "servers per request", 1, k_max),
        yaxis=figures.log_axis("request latency", "ms", every.min(), every.max()),
    )
    for level, colour, dash, theory, sim in curves:
        fig.add_scatter(
            x=ks, y=theory, mode="lines", name=f"p{level:g} theory", line=dict(theme.THEORY_LINE, dash=dash)
        )
        fig.add_scatter(
            x=result.ks,
            y=sim,
            mode="markers",
            name=f"p{level:g} simulated",
            marker=dict(color=colour, size=7),
        )
    if k is not None:
        _mark_k(fig, k)
    return fig
