"""Figures for the sharding lab: pure functions, result -> figure."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import config
from ..ui import theme
from . import api

INSIDE = dict(orientation="v", x=0.98, xanchor="right", y=0.6, yanchor="middle")  # long legends: in the plot


def node_colour(i: int) -> str:
    """The colour of node ``i`` in every figure of the lab.

    Parameters
    ----------
    i : int
        A node number.

    Returns
    -------
    str
        A colour of the theme's palette.
    """
    return theme.PALETTE[i % len(theme.PALETTE)]


def _node_colours(nodes: int) -> dict:
    """Marker settings that colour the value i (a node) with ``node_colour(i)``.

    A numeric colour array with a stepped colour scale validates far faster
    in plotly than one colour string per point.
    """
    scale = []
    for i in range(nodes):
        scale += [[i / nodes, node_colour(i)], [(i + 1) / nodes, node_colour(i)]]
    return dict(colorscale=scale, cmin=-0.5, cmax=nodes - 0.5, showscale=False)


def _merge_runs(start: np.ndarray, end: np.ndarray, owner: np.ndarray):
    """Join neighbouring arcs with the same owner: fewer bars, same picture."""
    if owner.size == 0:
        return start, end, owner
    keep = np.ones(owner.size, bool)
    keep[1:] = owner[1:] != owner[:-1]
    first = np.flatnonzero(keep)
    last = np.append(first[1:], owner.size) - 1
    return start[first], end[last], owner[first]


def ring(view: api.RingView, title: str | None = None) -> go.Figure:
    """The hash circle: arcs coloured by owning node, virtual nodes as ticks, keys as dots.

    Parameters
    ----------
    view : RingView
        From :func:`kit.sharding.ring_view`.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        Past ``config.SHARDING_RING_PLOT_ARCS`` arcs only a sector of the
        circle is drawn (the title says how much), so the figure stays light.
    """
    start, end, owner = _merge_runs(view.arc_start, view.arc_end, view.arc_owner)
    length = np.where(end >= start, end - start, end + 1.0 - start)
    sector = 1.0
    if owner.size > config.SHARDING_RING_PLOT_ARCS:
        sector = float(end[config.SHARDING_RING_PLOT_ARCS - 1])
        keep = (start < sector) & (end <= sector) & (end >= start)
        start, length, owner = start[keep], length[keep], owner[keep]
    label = api.STRATEGIES[view.strategy].label
    where = "" if sector == 1.0 else f" (the first {sector * 360:.0f}° of the circle)"
    fig = theme.figure(
        title=title or f"{label}: who owns which part of the key space{where}",
        polar=dict(
            sector=[0, sector * 360],
            radialaxis=dict(visible=False, range=[0, 1.15]),
            angularaxis=dict(rotation=90, direction="clockwise", showticklabels=False, showgrid=False),
        ),
        hovermode="closest",
    )
    colours = _node_colours(view.nodes)
    if owner.size:  # (mod, jump and rendezvous own no contiguous arcs)
        fig.add_barpolar(
            theta=(start + length / 2) * 360,
            width=length * 360,
            r=np.full(owner.size, 0.25),
            base=0.85,
            marker=dict(color=owner, line=dict(width=0), **colours),
            name="arcs (colour: owning node)",
            customdata=owner,
            hovertemplate="arc of node %{customdata}<extra></extra>",
        )
    in_sector = view.key_at <= sector
    fig.add_scatterpolar(
        theta=view.key_at[in_sector] * 360,
        r=np.full(in_sector.sum(), 0.7),
        mode="markers",
        marker=dict(color=view.key_owner[in_sector], size=6, **colours),
        name="keys (colour: node holding it)",
        customdata=view.key_owner[in_sector],
        hovertemplate="key on node %{customdata}<extra></extra>",
    )
    shown = view.token_at <= sector
    if shown.any():
        fig.add_scatterpolar(
            theta=view.token_at[shown] * 360,
            r=np.full(shown.sum(), 1.12),
            mode="markers",
            marker=dict(symbol="line-ns", color=theme.GREY, size=5, line=dict(width=1)),
            name="virtual nodes (tokens)",
            hoverinfo="skip",
        )
    return fig


def loads(result: api.Loads, change: api.Change | None = None) -> go.Figure:
    """Share of keys and of requests per node, against the even share 1/n.

    Parameters
    ----------
    result : Loads
        From :func:`kit.sharding.loads`.
    change : Change, optional
        The last change of cluster size: its moved fraction leads the title
        and a third bar shows the keys that moved onto each node.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    x = np.arange(result.nodes)
    summary = (
        f"keys max/mean {result.key_max_over_mean:.2f} (CV {result.key_cv:.1%}); "
        f"requests max/mean {result.request_max_over_mean:.2f}"
    )
    if change is not None:
        summary = (
            f"{change.n_before} → {change.n_after} nodes moved {change.moved:.1%} of the keys "
            f"(theory {change.theory:.1%})<br>{summary}"
        )
    fig = theme.figure(
        title=f"Load per node: {summary}",
        xaxis=dict(title="node", dtick=1 if result.nodes <= 32 else None),
        yaxis=dict(title="share of all keys or requests", tickformat=".0%"),
        barmode="group",
        bargap=0.15,
    )
    fig.add_bar(x=x, y=result.keys / result.keys.sum(), name="keys stored", marker_color=theme.BLUE)
    fig.add_bar(x=x, y=result.requests, name=f"requests, Zipf({result.alpha:g})", marker_color=theme.ORANGE)
    if change is not None:
        fig.add_bar(
            x=np.arange(change.n_after),
            y=change.arrived,
            name=f"keys that moved here ({change.n_before} → {change.n_after} nodes)",
            marker_color=theme.VERMILLION,
        )
    fig.add_hline(y=1.0 / result.nodes, line=dict(color=theme.THEORY, dash="dash"))
    fig.add_annotation(
        x=1.0,
        xref="paper",
        xanchor="right",
        y=1.0 / result.nodes,
        text="even share 1/n",
        showarrow=False,
        yshift=10,
    )
    return fig


def moved_curve(timeline: pd.DataFrame) -> go.Figure:
    """Fraction of keys moved when one node joins, against cluster size, every scheme side by side.

    Parameters
    ----------
    timeline : pandas.DataFrame
        From :func:`kit.sharding.reshard_timeline` with several schemes.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per scheme, with the theories 1/(n+1) and n/(n+1).
    """
    fig = theme.figure(
        title="Keys moved when one node joins a cluster of n",
        xaxis=dict(title="cluster size after the join (n + 1)"),
        yaxis=dict(title="fraction of keys moved", tickformat=".0%", range=[0, 1.02]),
        hovermode="x unified",
        legend=INSIDE,
    )
    for i, (name, rows) in enumerate(timeline.groupby("strategy", sort=False)):
        fig.add_scatter(
            x=rows.nodes_after.to_numpy(),
            y=rows.moved.to_numpy(),
            mode="markers+lines",
            name=api.STRATEGIES[name].label,
            line=dict(color=theme.PALETTE[i % len(theme.PALETTE)], width=1),
            marker=dict(size=6),
        )
    n_after = np.sort(timeline.nodes_after.unique())
    fig.add_scatter(
        x=n_after, y=1.0 / n_after, mode="lines", name="theory 1/(n+1)", line=dict(color=theme.THEORY)
    )
    fig.add_scatter(
        x=n_after,
        y=1.0 - 1.0 / n_after,
        mode="lines",
        name="theory n/(n+1) (mod)",
        line=dict(color=theme.THEORY, dash="dash"),
    )
    return fig


def timeline(df: pd.DataFrame, strategy: str) -> go.Figure:
    """Resharding one node at a time: data moved per step (bars) and imbalance after it (line).

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`kit.sharding.reshard_timeline`.
    strategy : str
        The scheme to draw.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars of the fraction of keys moved, ticks of its theory, a line of max/mean keys per node.
    """
    rows = df[df.strategy == strategy]
    label = api.STRATEGIES[strategy].label
    fig = theme.figure(
        title=(
            f"Resharding {rows.nodes_before.iloc[0]} → {rows.nodes_after.iloc[-1]} nodes, {label}: "
            f"{rows.cumulative_moved.iloc[-1]:.2f}× the data set moved in all"
        ),
        xaxis=dict(title="cluster size after the step", dtick=1),
        yaxis=dict(title="fraction of keys moved", tickformat=".0%", rangemode="tozero"),
        yaxis2=dict(
            title="max / mean keys per node",
            overlaying="y",
            side="right",
            showgrid=False,
            rangemode="tozero",
            tickmode="auto",
            tickformat=".2f",
        ),
        margin=dict(r=60),
    )
    x = rows.nodes_after.to_numpy()
    fig.add_bar(x=x, y=rows.moved.to_numpy(), name="moved this step", marker_color=theme.BLUE)
    fig.add_scatter(
        x=x,
        y=rows.theory.to_numpy(),
        mode="markers",
        name="theory",
        marker=dict(color=theme.THEORY, symbol="line-ew", size=14, line=dict(width=2)),
    )
    fig.add_scatter(
        x=x,
        y=rows.max_over_mean.to_numpy(),
        yaxis="y2",
        mode="lines+markers",
        name="max/mean after the step",
        line=dict(color=theme.VERMILLION),
    )
    return fig


def traffic(result: api.Traffic) -> go.Figure:
    """Heat map: each time window's traffic split over the nodes.

    Parameters
    ----------
    result : Traffic
        From :func:`kit.sharding.read_traffic` or :func:`kit.sharding.insert_traffic`.

    Returns
    -------
    plotly.graph_objects.Figure
        Rows are windows, columns nodes, colour the share of the window.
    """
    label = api.STRATEGIES[result.strategy].label
    fig = theme.figure(
        title=f"Traffic per node over time ({result.what}, {label}): "
        f"busiest node takes {result.hottest_share:.0%} of a window on average",
        xaxis=dict(title="node", showgrid=False),
        yaxis=dict(title="time window", showgrid=False, autorange="reversed"),
        hovermode="closest",
    )
    fig.add_heatmap(
        z=result.shares,
        colorscale="Viridis",
        zmin=0.0,
        colorbar=dict(title="share", tickformat=".0%"),
        hovertemplate="node %{x}, window %{y}: %{z:.1%}<extra></extra>",
    )
    return fig


def cures(df: pd.DataFrame) -> go.Figure:
    """Hot-key cures: the busiest node's load against the fan-out each cure costs.

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`kit.sharding.compare_cures`.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per cure, a point per number of copies (messages per client request).
    """
    fig = theme.figure(
        title="Curing a hot key: balance bought with fan-out",
        xaxis=dict(title="messages per request (reads and writes, on average)"),
        yaxis=dict(title="busiest node: messages per client request", rangemode="tozero"),
        hovermode="closest",
    )
    colours = {"none": theme.GREY, "salt": theme.BLUE, "replicate": theme.ORANGE}
    for method, rows in df.groupby("method", sort=False):
        fig.add_scatter(
            x=rows.fanout,
            y=rows.peak,
            mode="markers+lines+text",
            text=[f"×{c}" for c in rows.copies],
            textposition="top center",
            name=method,
            marker=dict(color=colours[method], size=9),
        )
    return fig


def scatter_gather(df: pd.DataFrame) -> go.Figure:
    """Shards a query visits against rows per query, sharded by the row id (theory and measured).

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`kit.sharding.scatter_gather_curve`.

    Returns
    -------
    plotly.graph_objects.Figure
        With the two extremes: sharded by the query's key (1) and no shard key (all n).
    """
    n = int(df.nodes.iloc[0])
    fig = theme.figure(
        title=f"Shards one query visits, {n} shards",
        xaxis=dict(title="rows the query needs", type="log", tickvals=[1, 2, 5, 10, 20, 50, 100, 200, 500]),
        yaxis=dict(title="shards visited", rangemode="tozero"),
        legend=dict(INSIDE, y=0.3),
    )
    fig.add_scatter(
        x=df["items"], y=df.theory, mode="lines", name="theory n(1-(1-1/n)^c)", line=dict(color=theme.THEORY)
    )
    fig.add_scatter(
        x=df["items"],
        y=df.measured,
        mode="markers",
        name="measured, sharded by row id",
        marker=dict(color=theme.BLUE, size=7),
    )
    fig.add_scatter(
        x=df["items"],
        y=np.ones(len(df)),
        mode="lines",
        name="sharded by the query's key: 1",
        line=dict(color=theme.GREEN),
    )
    fig.add_scatter(
        x=df["items"],
        y=np.full(len(df), n),
        mode="lines",
        name="no shard key in the query: all n",
        line=dict(color=theme.VERMILLION, dash="dot"),
    )
    return fig
