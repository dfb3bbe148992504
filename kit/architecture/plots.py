"""Figures for the architecture lab: pure functions, result -> figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..ui import figures, theme
from .graph import ServiceGraph
from .strangler import MigrationResult

MAX_PERCENT_DECIMALS = 6  # "99.999999%": closer to 100%, a chain fails less than once in 10^8 requests


def _layers(g: ServiceGraph) -> dict[str, int]:
    """Depth of each service: the longest chain of calls above it."""
    import networkx as nx

    depth = {}
    for n in nx.topological_sort(g.graph):
        depth[n] = max((depth[p] + 1 for p in g.graph.predecessors(n)), default=0)
    return depth


def graph(g: ServiceGraph, title: str = "") -> go.Figure:
    """The service graph: one column per call depth, units by colour, async calls dashed."""
    depth = _layers(g)
    pos = {}
    for d in sorted(set(depth.values())):
        column = [n for n in g.graph.nodes if depth[n] == d]
        for i, n in enumerate(column):
            pos[n] = (d, -(i - (len(column) - 1) / 2))
    units = sorted(g.units)
    colour = {u: theme.PALETTE[i % len(theme.PALETTE)] for i, u in enumerate(units)}
    fig = theme.figure(
        title=title or f"{g.graph.number_of_nodes()} services in {len(units)} unit(s)",
        xaxis=figures.axis("call depth", "calls from the entry", showgrid=False, zeroline=False, dtick=1),
        yaxis=dict(visible=False),
        height=360,
    )
    for a, b, d in g.graph.edges(data=True):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        in_process = g.graph.nodes[a]["unit"] == g.graph.nodes[b]["unit"]
        fig.add_annotation(
            x=x1,
            y=y1,
            ax=x0,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=2,
            arrowwidth=1.2,
            standoff=8,
            startstandoff=8,
            arrowcolor=theme.GREY if in_process else theme.BLACK,
            text="",
        )
        if d["kind"] == "async" or d["fanout"] > 1:
            label = "async" if d["kind"] == "async" else f"x{d['fanout']}"
            fig.add_annotation(x=(x0 + x1) / 2, y=(y0 + y1) / 2, text=label, showarrow=False, yshift=8)
    for u in units:
        names = [n for n, d in g.graph.nodes(data=True) if d["unit"] == u]
        fig.add_scatter(
            x=[pos[n][0] for n in names],
            y=[pos[n][1] for n in names],
            mode="markers+text",
            text=names,
            textposition="top center",
            marker=dict(size=16, color=colour[u]),
            name=f"unit {u}",
        )
    return fig


def hops(table: pd.DataFrame) -> go.Figure:
    """Availability against hops: the closed form (line) and simulated requests (95% bars).

    The axis shows as many decimals as tell its ticks apart (up to
    ``MAX_PERCENT_DECIMALS``): "99.9999%" where every chain is that close to 100%.
    """
    shown = np.concatenate([table["availability"].to_numpy(), table["simulated"].to_numpy()])
    gap = max(np.nanmax(shown) - np.nanmin(shown), 1.0 - np.nanmax(shown))  # the distance to 100% counts
    decimals = 2 if gap <= 0 else int(np.clip(np.ceil(-np.log10(gap * 100)) + 1, 2, MAX_PERCENT_DECIMALS))
    fig = theme.figure(
        title="Every unit in series costs availability",
        xaxis=figures.axis("synchronous hops", "units in series − 1"),
        yaxis=figures.axis("requests that succeed", "%", tickformat=f".{decimals}%"),
    )
    fig.add_scatter(
        x=table["hops"],
        y=table["availability"],
        mode="lines",
        name="closed form: product of A",
        line=theme.THEORY_LINE,
    )
    fig.add_scatter(
        x=table["hops"],
        y=table["simulated"],
        mode="markers",
        name="simulated requests",
        error_y=dict(array=1.96 * table["se"], thickness=1),
        marker=dict(color=theme.BLUE, size=7),
    )
    return fig


def hop_latency(table: pd.DataFrame) -> go.Figure:
    """Median and p99 response time against hops."""
    fig = theme.figure(
        title="Every hop adds its work and a round trip",
        xaxis=figures.axis("synchronous hops", "units in series − 1"),
        yaxis=figures.axis("response time", "ms"),
    )
    for column, colour, dash in (("p50_ms", theme.ORANGE, "dash"), ("p99_ms", theme.BLUE, "solid")):
        fig.add_scatter(
            x=table["hops"],
            y=table[column],
            mode="lines+markers",
            name=column.removesuffix("_ms"),
            line=dict(color=colour, dash=dash),
        )
    return fig


def styles(table: pd.DataFrame) -> go.Figure:
    """p99 response time and unavailability per entry point, one bar per style (``compare``'s table)."""
    fig = theme.figure(
        title="The same features, deployed differently",
        barmode="group",
        xaxis=dict(title="entry point"),
        yaxis=figures.axis("p99 response time", "ms", rangemode="tozero"),
        yaxis2=figures.right_axis("unavailability", "minutes per 30 days"),
        legend=dict(orientation="h", x=0.0, xanchor="left", y=-0.3, yanchor="top"),
        margin=dict(b=140),
    )
    for i, (style, rows) in enumerate(table.groupby("style", sort=False)):
        colour = theme.PALETTE[i % len(theme.PALETTE)]
        entries = rows["entry"].tolist()
        fig.add_bar(x=entries, y=rows["p99_ms"], name=f"{style}: p99", marker=dict(color=colour))
        fig.add_scatter(
            x=entries,
            y=(1.0 - rows["availability"]) * 30 * 24 * 60,
            yaxis="y2",
            mode="markers",
            name=f"{style}: downtime (right axis)",
            marker=dict(color=colour, symbol="diamond", size=11, line=dict(width=1)),
        )
    return fig


def blast(tables: dict[str, pd.DataFrame]) -> go.Figure:
    """Per team: share of traffic a bad release can take down, per style (``coupling``'s tables)."""
    fig = theme.figure(
        title="What one team's bad release can take down",
        barmode="group",
        xaxis=dict(title="team"),
        yaxis=figures.axis("traffic at risk", "%", tickformat=".0%", range=[0, 1.05]),
    )
    for i, (style, t) in enumerate(tables.items()):
        fig.add_bar(
            x=t["team"].tolist(),
            y=t["blast_radius"],
            name=style,
            marker=dict(color=theme.PALETTE[i % len(theme.PALETTE)]),
            customdata=np.stack([t["teams_per_release"], t["p_rollback"]], axis=1),
            hovertemplate="%{y:.0%} of traffic; releases with %{customdata[0]} team(s), "
            "rolled back %{customdata[1]:.0%}<extra></extra>",
        )
    return fig


def migration(result: MigrationResult, runs: int = 5) -> go.Figure:
    """Share of traffic on the new system, step by step, for the first ``runs`` migrations."""
    fig = theme.figure(
        title="The strangler fig: canary steps, rollbacks when the budget gate fails",
        xaxis=figures.axis("time", "days"),
        yaxis=figures.axis("traffic on the new system", "%", tickformat=".0%", range=[0, 1.05]),
    )
    for r in range(min(runs, result.share.shape[0])):
        t = result.timeline(r)
        day = np.concatenate([[0.0], t["day"]])
        share = np.concatenate([t["share"], [t["share"].iloc[-1]]])
        fig.add_scatter(
            x=day,
            y=share,
            mode="lines",
            line=dict(shape="hv", color=theme.PALETTE[r % len(theme.PALETTE)]),
            name=f"run {r}",
        )
        back = t[t["decision"] == "rollback"]
        fig.add_scatter(
            x=back["day"].tolist(),  # lists: plotly keeps an empty or object array as it is
            y=back["share"].tolist(),
            mode="markers",
            showlegend=r == 0,
            name="rolled back",
            marker=dict(symbol="x", size=9, color=theme.VERMILLION),
        )
    return fig


def budget(result: MigrationResult) -> go.Figure:
    """Distribution over runs of the error budget spent and the days the migration took."""
    spent = result.budget_spent()
    fig = theme.figure(
        title=f"{spent.size:,} migrations: budget spent (gate {result.migration.budget_per_step:.0%} a step)",
        xaxis=figures.axis("time to finish, ±0.2 d jitter to show overlaps", "days"),
        yaxis=figures.axis("errors spent", "× a 30-day error budget"),
    )
    fig.add_scatter(
        x=result.steps * result.migration.step_h / 24.0
        + np.random.default_rng(0).uniform(-0.2, 0.2, spent.size),
        y=spent,
        mode="markers",
        marker=dict(size=4, opacity=0.4, color=theme.BLUE),
        name="one migration",
    )
    fig.add_shape(
        type="line",
        x0=0,
        x1=1,
        xref="paper",
        y0=1.0,
        y1=1.0,
        yref="y",
        line=dict(color=theme.GREY, dash="dot"),
    )
    fig.add_annotation(
        x=1,
        xref="paper",
        y=1.0,
        yref="y",
        text="the whole budget",
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
    )
    return fig
