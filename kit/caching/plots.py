"""Figures for the caching lab: pure functions, result -> figure."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..ui import figures, theme
from .paths import ttl_stale_fraction
from .policies import POLICIES
from .stampede import StampedeResult
from .tiers import TIER_NAMES, TierResult

_COLOURS = {
    "lru": theme.BLUE,
    "fifo": theme.ORANGE,
    "random": "#882255",  # wine (Tol): yellow is too faint a line on white
    "lfu": theme.GREEN,
    "clock": theme.SKY,
    "sieve": theme.VERMILLION,
    "s3fifo": theme.PURPLE,
    "arc": "#332288",  # indigo (Tol): black is theory's
    "belady": theme.GREY,
}


# a second, linear y axis on the right, with its own ticks (not the left axis's grid)
_RIGHT_AXIS = dict(
    overlaying="y", side="right", type="linear", rangemode="tozero", showgrid=False, tickmode="auto"
)
# below the plot: beside it, a legend would sit on a right-hand axis
_LEGEND_BELOW = dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0.0, xanchor="left")


def _plain(fig: go.Figure) -> go.Figure:
    """No NaN in a figure: a NaN (a percentile of no requests, say) becomes None, a gap.

    NaN is not JSON: the browser would refuse the figure. Only traces that
    hold one are rewritten (each rewrite costs a validation pass).
    """
    for trace in fig.data:
        for axis in ("x", "y", "text"):
            value = getattr(trace, axis, None)
            if value is None or isinstance(value, str):
                continue
            values = np.asarray(value)
            if values.dtype.kind == "f" and not np.isnan(values).any():
                continue
            if values.dtype.kind in "iubUS":
                continue
            if values.dtype.kind == "O" and not any(map(_is_nan, values.flat)):  # names, say
                continue
            setattr(trace, axis, None)  # else plotly keeps a numpy array's type for the new value
            setattr(trace, axis, [None if _is_nan(v) else v for v in values.tolist()])
    return fig


def _is_nan(v) -> bool:
    return isinstance(v, float) and math.isnan(v)


def colour(policy: str) -> str:
    """A fixed colour per policy (a policy added later takes one from the palette)."""
    if policy in _COLOURS:
        return _COLOURS[policy]
    if policy not in POLICIES:
        return theme.GREY
    taken = set(_COLOURS.values())
    free = [c for c in theme.colours(len(POLICIES) + len(taken)) if c not in taken]
    return free[[p for p in POLICIES if p not in _COLOURS].index(policy)]


def _label(policy: str, by: str = "objects") -> str:
    """The policy's label; by bytes its own if it has one (Belady is optimal only by objects)."""
    module = POLICIES.get(policy)
    if by == "bytes" and hasattr(module, "LABEL_BYTES"):
        return module.LABEL_BYTES
    return getattr(module, "LABEL", policy)


def _picked(highlight: str | Sequence[str] | None) -> tuple[str, ...]:
    """The policies to keep in colour: one name, several, or LRU by default."""
    if highlight is None:
        return ("lru",)
    return (highlight,) if isinstance(highlight, str) else tuple(highlight)


def _line(policy: str, highlight: str | Sequence[str] | None) -> dict:
    width = 4 if policy in _picked(highlight) else 2
    return dict(color=colour(policy), width=width, dash="dot" if policy == "belady" else "solid")


def _chosen(highlight: str | Sequence[str] | None, by: str) -> list[str]:
    """Legend entries kept in colour among many policies: the learner's, Belady's optimum and theory."""
    keep = ["Che: LRU", "Che: FIFO / RANDOM", _label("belady", by)]
    return [*keep, *(_label(p, by) for p in _picked(highlight))]


def hit_ratio_curves(
    curves: pd.DataFrame,
    che: pd.DataFrame | None = None,
    capacity: int | None = None,
    highlight: str | Sequence[str] | None = None,
    title: str = "Hit ratio against cache size",
) -> go.Figure:
    """Hit ratio per policy against capacity (from :func:`compare`), with the Che overlay.

    ``che``: a :func:`che_curves` table, drawn as black dashed lines (the Che
    approximation for LRU and its FIFO/RANDOM counterpart). Beyond
    ``config.UI_LEGEND_MAX`` curves, ``highlight`` (a policy or several; default LRU), Belady and
    theory keep their colours and the other policies turn grey, named on hover.
    """
    unit = curves.by.iloc[0] if "by" in curves and len(curves) else "objects"
    fig = theme.figure(
        title=title,
        xaxis=figures.log_axis("cache size", unit, curves.capacity.min(), curves.capacity.max()),
        yaxis=figures.axis("hit ratio", "%", range=[0, 1.02], tickformat=".0%"),
    )
    # traces as dicts in one call: a third of the cost of one add_scatter each, on every app redraw
    traces = [
        dict(
            type="scatter",
            x=part.capacity.to_numpy(),
            y=1.0 - part.miss_ratio.to_numpy(),
            mode="lines+markers",
            name=_label(policy, unit),
            line=_line(policy, highlight),
            marker=dict(size=5),
        )
        for policy, part in curves.groupby("policy", sort=False)
    ]
    if che is not None:
        for name, column, dash in (("Che: LRU", "lru", "dash"), ("Che: FIFO / RANDOM", "fifo", "dot")):
            traces.append(
                dict(
                    type="scatter",
                    x=che.capacity.to_numpy(),
                    y=che[column].to_numpy(),
                    mode="lines",
                    name=name,
                    line=dict(theme.THEORY_LINE, dash=dash),
                )
            )
    fig.add_traces(traces)
    if capacity is not None:
        fig.add_shape(  # a plain shape: add_vline's subplot bookkeeping costs more than a curve
            type="line",
            x0=capacity,
            x1=capacity,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            line=dict(color=theme.GREY, dash="dot"),
        )
    figures.highlight(fig, _chosen(highlight, unit), others="other policies")
    return _plain(fig)


def race(results: dict, highlight: str | Sequence[str] | None = None) -> go.Figure:
    """Hit ratio over time, one line per policy (from :func:`policy_race`).

    Beyond ``config.UI_LEGEND_MAX`` policies, ``highlight`` (a policy or several; default LRU) and
    Belady keep their colours, the others turn grey (named on hover).
    """
    some = next(iter(results.values()))
    fig = theme.figure(
        title=f"Policy race at {some.capacity:,} {some.by}",
        xaxis=figures.axis("time", "requests served"),
        yaxis=figures.axis("hit ratio per window", "%", range=[0, 1.02], tickformat=".0%"),
    )
    names, traces = {}, []
    for policy, result in results.items():
        frame = result.over_time()
        names[policy] = f"{_label(policy, result.by)} {result.hit_ratio:.1%}"
        traces.append(
            dict(
                type="scatter",
                x=frame.request.to_numpy(),
                y=frame.hit_ratio.to_numpy(),
                mode="lines",
                name=names[policy],
                line=_line(policy, highlight),
            )
        )
    fig.add_traces(traces)
    keep = [names[p] for p in (*_picked(highlight), "belady") if p in names]
    figures.highlight(fig, keep, others="other policies")
    return _plain(fig)


def stampede_timeline(results: list[StampedeResult]) -> go.Figure:
    """Database queries started per time bin for each protection: the herd at every expiry.

    A log axis has no 0: bins without a recompute are left out, and a
    protection that never recomputed says so in its legend entry.
    """
    frames = [r.timeline() for r in results]
    frames = [f[f.recomputes > 0] for f in frames]
    counts = np.concatenate([f.recomputes.to_numpy() for f in frames] + [np.ones(1)])
    bin_ms = results[0].bin_s * 1e3 if results else 0.0
    fig = theme.figure(
        title="Database load around a hot key's expiries",
        xaxis=figures.axis("time", "s"),
        yaxis=figures.log_axis("recomputes started", f"per {bin_ms:g} ms", 1, max(counts.max(), 2)),
    )
    for r, frame, c in zip(results, frames, theme.colours(len(results)), strict=True):
        fig.add_scatter(
            x=frame.t_s,
            y=frame.recomputes,
            mode="markers",
            name=f"{r.label}: {r.db_load_per_s:.2g}/s, up to {r.max_concurrent} at once",
            marker=dict(size=6, color=c),
        )
    return _plain(fig)


def stampede_latency(results: list[StampedeResult]) -> go.Figure:
    """p50 and p99 latency and the fraction of requests served stale, per protection."""
    names = [r.label for r in results]
    latencies = [r.latency(q) for r in results for q in (50, 99)]
    latencies = [v for v in latencies if v > 0 and math.isfinite(v)] or [1.0]
    fig = theme.figure(
        title="What each protection costs the users",
        yaxis=figures.log_bar_axis("latency", "ms", min(latencies), max(latencies)),
        yaxis2=figures.axis("served stale", "%", tickformat=".1%", **_RIGHT_AXIS),
        barmode="group",
        legend=_LEGEND_BELOW,
        margin=dict(r=80, b=90),
    )
    for q, c in ((50, theme.SKY), (99, theme.BLUE)):
        fig.add_bar(x=names, y=[r.latency(q) for r in results], name=f"p{q} latency", marker_color=c)
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
        yaxis=figures.axis("database operations", "per second", rangemode="tozero"),
        yaxis2=figures.axis("stale reads", "% of reads", tickformat=".1%", **_RIGHT_AXIS),
        barmode="group",
        legend=_LEGEND_BELOW,
        margin=dict(r=80, b=90),
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
    """Read and write latency (p50, p99) per strategy; write-behind's writes at risk under its name."""
    values = table[["read_p50_ms", "read_p99_ms", "write_p50_ms", "write_p99_ms"]].to_numpy().ravel()
    values = values[np.isfinite(values) & (values > 0)]
    lo, hi = (values.min(), values.max()) if values.size else (0.1, 10.0)
    names = [
        f"{s}<br>{risk:.1f} writes at risk" if risk > 0 else s
        for s, risk in zip(table.strategy, table.writes_at_risk, strict=True)
    ]
    fig = theme.figure(
        title="Latency per strategy, and what a crash would lose",
        xaxis=dict(tickmode="array", tickvals=list(table.strategy), ticktext=names),
        yaxis=figures.log_bar_axis("latency", "ms", lo, hi),
        barmode="group",
    )
    bars = (("read_p50_ms", "read p50", theme.SKY), ("read_p99_ms", "read p99", theme.BLUE))
    bars += (("write_p50_ms", "write p50", theme.YELLOW), ("write_p99_ms", "write p99", theme.ORANGE))
    for column, name, c in bars:
        fig.add_bar(x=table.strategy, y=table[column], name=name, marker_color=c)
    return _plain(fig)


def staleness_vs_ttl(table: pd.DataFrame, write_rate_per_key=None) -> go.Figure:
    """Stale-read fraction and hit ratio against TTL (a :func:`ttl_sweep` table).

    ``write_rate_per_key``: draw the single-key theory 1 - (1 - e^{-wT}) / (wT).
    """
    fig = theme.figure(
        title="TTL: fewer misses, more stale reads",
        xaxis=figures.log_axis("TTL", "s", table.ttl_s.min(), table.ttl_s.max()),
        yaxis=figures.axis("fraction of reads", "%", range=[0, 1.02], tickformat=".0%"),
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
            line=theme.THEORY_LINE,
        )
    return _plain(fig)


def tier_cdf(results: dict[str, TierResult]) -> go.Figure:
    """End-to-end latency CDF for each configuration (label -> :func:`tiers` result)."""
    measured = [r.latency_ms[r.measured] for r in results.values()]
    every = np.concatenate(measured)
    every = every[every > 0] if every.size and (every > 0).any() else np.array([1.0, 10.0])
    fig = theme.figure(
        title="End-to-end latency through the tiers",
        xaxis=figures.log_axis("latency", "ms", every.min(), every.max()),
        yaxis=figures.axis("requests within", "%", range=[0, 1.02], tickformat=".0%"),
    )
    colours = theme.colours(len(results))
    for j, (label, r) in enumerate(results.items()):
        x = np.sort(r.latency_ms[r.measured])
        step = max(1, x.size // 400)  # a smooth curve without shipping every point to the browser
        fig.add_scatter(
            x=x[::step],
            y=(np.arange(x.size)[::step] + 1) / x.size,
            mode="lines",
            name=f"{label}: p50 {r.latency(50):.0f} ms, p99 {r.latency(99):.0f} ms",
            line=dict(color=colours[j]),
        )
    return _plain(fig)


def tier_shares(results: dict[str, TierResult]) -> go.Figure:
    """Where requests were answered: edge, app cache or database, per configuration."""
    fig = theme.figure(
        title="Which tier answers",
        yaxis=figures.axis("share of requests", "%", tickformat=".0%"),
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
