"""Figures for the caching lab: pure functions, result -> figure."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..ui import theme
from .paths import ttl_stale_fraction
from .policies import POLICIES
from .stampede import StampedeResult
from .tiers import TIER_NAMES, TierResult

_COLOURS = {
    "lru": theme.BLUE,
    "fifo": theme.ORANGE,
    "random": theme.YELLOW,
    "lfu": theme.GREEN,
    "clock": theme.SKY,
    "sieve": theme.VERMILLION,
    "s3fifo": theme.PURPLE,
    "arc": theme.BLACK,
    "belady": theme.GREY,
}


# a second, linear y axis on the right, with its own ticks (not the left axis's grid)
_RIGHT_AXIS = dict(
    overlaying="y", side="right", type="linear", rangemode="tozero", showgrid=False, tickmode="auto"
)
_SIDE_LEGEND = dict(orientation="v", x=1.02, xanchor="left", y=1.0, yanchor="top")  # for many curves


def _plain(fig: go.Figure) -> go.Figure:
    """Trace data as plain lists: numpy arrays in a figure make its JSON ambiguous to compare.

    A NaN (a percentile of no requests, say) becomes None, a gap: NaN is not
    JSON, and a FigureWidget fails to send it to the browser.
    """
    for trace in fig.data:
        for axis in ("x", "y", "text"):
            value = getattr(trace, axis, None)
            if value is not None and not isinstance(value, str):
                setattr(trace, axis, None)  # else plotly keeps a numpy array's type for the new value
                setattr(trace, axis, [None if _is_nan(v) else v for v in np.asarray(value).tolist()])
    return fig


def _is_nan(v) -> bool:
    return isinstance(v, float) and math.isnan(v)


def colour(policy: str) -> str:
    """A fixed colour per policy (a policy added later takes one from the palette)."""
    if policy in _COLOURS:
        return _COLOURS[policy]
    if policy not in POLICIES:
        return theme.GREY
    return theme.PALETTE[list(POLICIES).index(policy) % len(theme.PALETTE)]


def _label(policy: str, by: str = "objects") -> str:
    """The policy's label; by bytes its own if it has one (Belady is optimal only by objects)."""
    module = POLICIES.get(policy)
    if by == "bytes" and hasattr(module, "LABEL_BYTES"):
        return module.LABEL_BYTES
    return getattr(module, "LABEL", policy)


def _line(policy: str, highlight: str | None) -> dict:
    width = 4 if policy == highlight else 2
    return dict(color=colour(policy), width=width, dash="dot" if policy == "belady" else "solid")


def hit_ratio_curves(
    curves: pd.DataFrame,
    che: pd.DataFrame | None = None,
    capacity: int | None = None,
    highlight: str | None = None,
    title: str = "Hit ratio against cache size",
) -> go.Figure:
    """Hit ratio per policy against capacity (from :func:`compare`), with the Che overlay.

    ``che``: a :func:`che_curves` table, drawn as black lines (the Che
    approximation for LRU and its FIFO/RANDOM counterpart).
    """
    unit = curves.by.iloc[0] if "by" in curves and len(curves) else "objects"
    fig = theme.figure(
        title=title,
        xaxis=dict(title=f"cache size ({unit})", type="log"),
        yaxis=dict(title="hit ratio", range=[0, 1.02], tickformat=".0%"),
        legend=_SIDE_LEGEND,
    )
    for policy, part in curves.groupby("policy", sort=False):
        fig.add_scatter(
            x=part.capacity,
            y=1.0 - part.miss_ratio,
            mode="lines+markers",
            name=_label(policy, unit),
            line=_line(policy, highlight),
            marker=dict(size=5),
            opacity=1.0 if highlight in (None, policy) else 0.55,
        )
    if che is not None:
        for name, column, dash in (("Che: LRU", "lru", "dash"), ("Che: FIFO / RANDOM", "fifo", "dot")):
            theory_line = dict(color=theme.THEORY, dash=dash)
            fig.add_scatter(x=che.capacity, y=che[column], mode="lines", name=name, line=theory_line)
    if capacity is not None:
        fig.add_vline(x=capacity, line=dict(color=theme.GREY, dash="dot"))
    return _plain(fig)


def race(results: dict, highlight: str | None = None) -> go.Figure:
    """Hit ratio over time, one line per policy (from :func:`policy_race`)."""
    some = next(iter(results.values()))
    fig = theme.figure(
        title=f"Policy race at {some.capacity:,} {some.by}",
        xaxis=dict(title="requests"),
        yaxis=dict(title="hit ratio per window", range=[0, 1.02], tickformat=".0%"),
        legend=_SIDE_LEGEND,
    )
    for policy, result in results.items():
        frame = result.over_time()
        fig.add_scatter(
            x=frame.request,
            y=frame.hit_ratio,
            mode="lines",
            name=f"{_label(policy, result.by)} {result.hit_ratio:.1%}",
            line=_line(policy, highlight),
            opacity=1.0 if highlight in (None, policy) else 0.55,
        )
    return _plain(fig)


def stampede_timeline(results: list[StampedeResult]) -> go.Figure:
    """Database queries started per time bin for each protection: the herd at every expiry."""
    fig = theme.figure(
        title="Database load around a hot key's expiries",
        xaxis=dict(title="time (s)"),
        yaxis=dict(title="recomputes started per bin", type="log"),
        legend=_SIDE_LEGEND,
    )
    for j, r in enumerate(results):
        frame = r.timeline()
        frame = frame[frame.recomputes > 0]  # a log axis has no 0: bins without recomputes are left out
        fig.add_scatter(
            x=frame.t_s,
            y=frame.recomputes,
            mode="markers",
            name=f"{r.label}: {r.db_load_per_s:.2g}/s, up to {r.max_concurrent} at once",
            line=dict(color=theme.PALETTE[j % len(theme.PALETTE)]),
            marker=dict(size=6),
        )
    return _plain(fig)


def stampede_latency(results: list[StampedeResult]) -> go.Figure:
    """p50 and p99 latency and the fraction of requests served stale, per protection."""
    names = [r.label for r in results]
    fig = theme.figure(
        title="What each protection costs the users",
        xaxis=dict(title="protection"),
        yaxis=dict(title="latency (ms)", type="log"),
        yaxis2=dict(title="served stale", tickformat=".1%", **_RIGHT_AXIS),
        barmode="group",
        margin=dict(r=80),
    )
    for q, c in ((50, theme.SKY), (99, theme.BLUE)):
        fig.add_bar(x=names, y=[r.latency(q) for r in results], name=f"p{q}", marker_color=c)
    fig.add_scatter(
        x=names,
        y=[r.stale_fraction for r in results],
        yaxis="y2",
        mode="markers",
        name="served stale",
        marker=dict(color=theme.ORANGE, size=12, symbol="diamond"),
    )
    return _plain(fig)


def write_paths(table: pd.DataFrame) -> go.Figure:
    """Stale reads, database reads and writes per second per strategy (a :func:`serve` summary table)."""
    fig = theme.figure(
        title="Write strategies: load on the database and stale reads",
        xaxis=dict(title="strategy"),
        yaxis=dict(title="database operations per second"),
        yaxis2=dict(title="stale reads", tickformat=".1%", **_RIGHT_AXIS),
        barmode="group",
        margin=dict(r=80),
    )
    fig.add_bar(x=table.strategy, y=table.db_reads_per_s, name="DB reads/s", marker_color=theme.SKY)
    fig.add_bar(x=table.strategy, y=table.db_writes_per_s, name="DB writes/s", marker_color=theme.BLUE)
    fig.add_scatter(
        x=table.strategy,
        y=table.stale_fraction,
        yaxis="y2",
        mode="markers",
        name="stale reads",
        marker=dict(color=theme.VERMILLION, size=12, symbol="diamond"),
    )
    return _plain(fig)


def write_latency(table: pd.DataFrame) -> go.Figure:
    """Read and write latency (p50, p99) per strategy, and write-behind's writes at risk."""
    fig = theme.figure(
        title="Latency per strategy, and what a crash would lose",
        xaxis=dict(title="strategy"),
        yaxis=dict(title="latency (ms)", type="log"),
        barmode="group",
    )
    bars = (("read_p50_ms", "read p50", theme.SKY), ("read_p99_ms", "read p99", theme.BLUE))
    bars += (("write_p50_ms", "write p50", theme.YELLOW), ("write_p99_ms", "write p99", theme.ORANGE))
    for column, name, c in bars:
        fig.add_bar(x=table.strategy, y=table[column], name=name, marker_color=c)
    at_risk = table.writes_at_risk.to_numpy()
    fig.add_scatter(
        x=table.strategy[at_risk > 0],
        y=table.write_p99_ms[at_risk > 0],
        mode="text",
        text=[f"{v:.1f} writes at risk" for v in at_risk[at_risk > 0]],
        textposition="top center",
        name="acknowledged, not yet durable",
        showlegend=False,
    )
    return _plain(fig)


def staleness_vs_ttl(table: pd.DataFrame, write_rate_per_key=None) -> go.Figure:
    """Stale-read fraction and hit ratio against TTL (a :func:`ttl_sweep` table).

    ``write_rate_per_key``: draw the single-key theory 1 - (1 - e^{-wT}) / (wT).
    """
    fig = theme.figure(
        title="TTL: fewer misses, more stale reads",
        xaxis=dict(title="TTL (s)", type="log"),
        yaxis=dict(title="fraction of reads", range=[0, 1.02], tickformat=".0%"),
    )
    fig.add_scatter(
        x=table.ttl_s, y=table.hit_ratio, mode="lines+markers", name="hit ratio", line=dict(color=theme.BLUE)
    )
    fig.add_scatter(
        x=table.ttl_s,
        y=table.stale_fraction,
        mode="lines+markers",
        name="stale reads",
        line=dict(color=theme.VERMILLION),
    )
    if write_rate_per_key is not None:
        ttl = np.geomspace(table.ttl_s.min(), table.ttl_s.max(), 60)
        fig.add_scatter(
            x=ttl,
            y=ttl_stale_fraction(write_rate_per_key, ttl),
            mode="lines",
            name=f"theory, one key written {write_rate_per_key:g}/s",
            line=dict(color=theme.THEORY, dash="dash"),
        )
    return _plain(fig)


def tier_cdf(results: dict[str, TierResult]) -> go.Figure:
    """End-to-end latency CDF for each configuration (label -> :func:`tiers` result)."""
    fig = theme.figure(
        title="End-to-end latency through the tiers",
        xaxis=dict(title="latency (ms)", type="log"),
        yaxis=dict(title="fraction of requests within", range=[0, 1.02], tickformat=".0%"),
    )
    for j, (label, r) in enumerate(results.items()):
        x = np.sort(r.latency_ms[r.measured])
        step = max(1, x.size // 400)  # a smooth curve without shipping every point to the browser
        fig.add_scatter(
            x=x[::step],
            y=(np.arange(x.size)[::step] + 1) / x.size,
            mode="lines",
            name=f"{label}: p50 {r.latency(50):.0f} ms, p99 {r.latency(99):.0f} ms",
            line=dict(color=theme.PALETTE[j % len(theme.PALETTE)]),
        )
    return _plain(fig)


def tier_shares(results: dict[str, TierResult]) -> go.Figure:
    """Where requests were answered: edge, app cache or database, per configuration."""
    fig = theme.figure(
        title="Which tier answers",
        xaxis=dict(title="configuration"),
        yaxis=dict(title="share of requests", tickformat=".0%"),
        barmode="stack",
    )
    labels = list(results)
    for tier, name in enumerate(TIER_NAMES):
        fig.add_bar(
            x=labels,
            y=[float((r.tier[r.measured] == tier).mean()) for r in results.values()],
            name=name,
            marker_color=theme.PALETTE[tier],
        )
    return _plain(fig)
