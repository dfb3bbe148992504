"""Figures for the sharding lab: pure functions, result -> figure."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import config
from ..ui import figures, theme
from . import api

LABEL_GAP_DEG = 12.0  # node numbers on the ring closer than this (in degrees) would collide: hover only


def node_colour(i: int, nodes: int | None = None) -> str:
    """The colour of node ``i`` in every figure of the lab.

    Parameters
    ----------
    i : int
        A node number.
    nodes : int, optional
        Cluster size (default ``i + 1``); colours never repeat within it.

    Returns
    -------
    str
        The theme's palette first, then further distinct colours (:func:`kit.ui.theme.colours`).
    """
    return theme.colours(max(i + 1, nodes or 0))[i]


def _node_colours(nodes: int) -> dict:
    """Marker settings that colour the value i (a node) with ``node_colour(i)``.

    A numeric colour array with a stepped colour scale validates far faster
    in plotly than one colour string per point.
    """
    scale = []
    for i, colour in enumerate(theme.colours(nodes)):
        scale += [[i / nodes, colour], [(i + 1) / nodes, colour]]
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


def _label_angles(start: np.ndarray, length: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each node's number goes: the middle of its longest arc, if no label nearer than LABEL_GAP_DEG.

    Nodes are placed longest arc first, so the labels kept name the nodes
    that own the most of the circle; the others are named on hover.
    """
    order = np.lexsort((-length, owner))
    longest = order[np.append(True, owner[order][1:] != owner[order][:-1])]  # per node, its longest arc
    longest = longest[np.argsort(-length[longest], kind="stable")]
    kept: list[int] = []
    for i in longest:
        angle = (start[i] + length[i] / 2) * 360 % 360
        gaps = [abs((angle - (start[j] + length[j] / 2) * 360 + 180) % 360 - 180) for j in kept]
        if all(g >= LABEL_GAP_DEG for g in gaps):
            kept.append(i)
    kept_arr = np.array(kept, np.int64)
    return (start[kept_arr] + length[kept_arr] / 2) * 360, owner[kept_arr]


def ring(view: api.RingView, title: str | None = None) -> go.Figure:
    """The hash circle: arcs coloured by owning node and numbered, virtual nodes as ticks, keys as dots.

    Parameters
    ----------
    view : RingView
        From :func:`kit.sharding.ring_view`.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    plotly.graph_objects.Figure
        Every node has a colour of its own (:func:`node_colour`) and its
        number outside its longest arc where there is room (hover names the
        rest). Past ``config.SHARDING_RING_PLOT_ARCS`` arcs only a sector of
        the circle is drawn (the title says how much), so the figure stays light.
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
    how = (
        "outer ring: arcs coloured<br>and numbered by the node<br>that owns them<br>"
        "ticks: virtual nodes<br>dots: keys, by their node"
        if owner.size
        else "dots: keys, coloured<br>by the node holding<br>them (hover a dot)"
    )
    fig = theme.figure(
        title=title or f"{label}, {view.nodes} nodes: who owns which part of the key space{where}",
        polar=dict(
            sector=[0, sector * 360],
            radialaxis=dict(visible=False, range=[0, 1.3]),
            angularaxis=dict(rotation=90, direction="clockwise", showticklabels=False, showgrid=False),
        ),
        hovermode="closest",
        showlegend=False,  # colours are nodes, numbered on the ring: one legend swatch would show one node
        annotations=[
            dict(
                text=how,
                x=0.0,
                y=0.5,
                xref="paper",
                yref="paper",
                xanchor="left",
                align="left",
                showarrow=False,
            )
        ],
    )
    colours = _node_colours(view.nodes)
    if owner.size:  # (mod, jump and rendezvous own no contiguous arcs)
        fig.add_barpolar(
            theta=(start + length / 2) * 360,
            width=length * 360,
            r=np.full(owner.size, 0.25),
            base=0.85,
            marker=dict(color=owner, line=dict(width=0), **colours),
            name="arcs",
            customdata=owner,
            hovertemplate="arc of node %{customdata}<extra></extra>",
        )
        theta, named = _label_angles(start, length, owner)
        fig.add_scatterpolar(
            theta=theta,
            r=np.full(named.size, 1.22),
            mode="text",
            text=[str(n) for n in named],
            textfont=dict(color=[node_colour(int(n), view.nodes) for n in named], size=13),
            name="node numbers",
            hoverinfo="skip",
        )
    in_sector = view.key_at <= sector
    fig.add_scatterpolar(
        theta=view.key_at[in_sector] * 360,
        r=np.full(in_sector.sum(), 0.7),
        mode="markers",
        marker=dict(color=view.key_owner[in_sector], size=6, **colours),
        name="keys",
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
        The last change of cluster size: what it moved is the title (the
        app's question answered) and a third bar shows the keys that moved
        onto each node.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    x = np.arange(result.nodes)
    title = f"Load per node, {result.nodes} nodes: the fullest holds {result.key_max_over_mean:.2f}× the mean"
    if change is not None:
        title = (
            f"{change.n_before} → {change.n_after} nodes moved {change.moved:.1%} of the keys "
            f"(theory {change.theory:.1%})"
        )
    fig = theme.figure(
        title=title,
        xaxis=figures.axis("node", "number", dtick=1 if result.nodes <= 32 else None),
        yaxis=figures.axis("share of all keys or requests", "%", tickformat=".0%"),
        barmode="group",
        bargap=0.15,
    )
    fig.add_bar(
        x=x,
        y=result.keys / result.keys.sum(),
        name=f"keys stored: max/mean {result.key_max_over_mean:.2f}",
        marker_color=theme.BLUE,
    )
    fig.add_bar(
        x=x,
        y=result.requests,
        name=f"requests, Zipf({result.alpha:g}): max/mean {result.request_max_over_mean:.2f}",
        marker_color=theme.ORANGE,
    )
    if change is not None:
        fig.add_bar(
            x=np.arange(change.n_after),
            y=change.arrived,
            name="keys that moved here",
            marker_color=theme.VERMILLION,
        )
    fig.add_shape(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        y0=1.0 / result.nodes,
        y1=1.0 / result.nodes,
        line=theme.THEORY_LINE,
    )
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


def moved_curve(timeline: pd.DataFrame, strategy: str | None = None) -> go.Figure:
    """Fraction of keys moved when one node joins, against cluster size, every scheme side by side.

    Parameters
    ----------
    timeline : pandas.DataFrame
        From :func:`kit.sharding.reshard_timeline` with several schemes.
    strategy : str, optional
        The scheme to keep in colour when the schemes are more than the
        legend holds (the others turn grey, named on hover).

    Returns
    -------
    plotly.graph_objects.Figure
        One line per scheme, with the theories 1/(n+1) and n/(n+1).
    """
    fig = theme.figure(
        title="Keys moved when one node joins a cluster of n",
        xaxis=figures.axis("cluster size after the join, n + 1", "nodes"),
        yaxis=figures.axis("keys moved", "%", tickformat=".0%", range=[0, 1.02]),
        hovermode="x unified",
    )
    groups = list(timeline.groupby("strategy", sort=False))
    for colour, (name, rows) in zip(theme.colours(len(groups)), groups, strict=True):
        fig.add_scatter(
            x=rows.nodes_after.to_numpy(),
            y=rows.moved.to_numpy(),
            mode="markers+lines",
            name=api.STRATEGIES[name].label,
            line=dict(color=colour, width=1.5),
            marker=dict(size=6),
        )
    n_after = np.sort(timeline.nodes_after.unique())
    fig.add_scatter(x=n_after, y=1.0 / n_after, mode="lines", name="theory 1/(n+1)", line=theme.THEORY_LINE)
    fig.add_scatter(
        x=n_after,
        y=1.0 - 1.0 / n_after,
        mode="lines",
        name="theory n/(n+1) (mod)",
        line=dict(theme.THEORY_LINE, dash="dot"),
    )
    chosen = [t.name for t in fig.data if t.name.startswith("theory")]
    if strategy is not None:
        chosen.append(api.STRATEGIES[strategy].label)
    return figures.highlight(fig, chosen, others="other schemes")


def timeline(df: pd.DataFrame, strategy: str, keys: int | None = None) -> go.Figure:
    """Resharding one node at a time: data moved per step (bars) and imbalance after it (line).

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`kit.sharding.reshard_timeline`.
    strategy : str
        The scheme to draw.
    keys : int, optional
        Keys behind ``df``, named in the title.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars of the fraction of keys moved, ticks of its theory, a line of max/mean keys per node.
    """
    rows = df[df.strategy == strategy]
    label = api.STRATEGIES[strategy].label
    fig = theme.figure(
        title=(
            f"Resharding {rows.nodes_before.iloc[0]} → {rows.nodes_after.iloc[-1]} nodes, {label}"
            f"{'' if keys is None else f', {keys:,} keys'}: "
            f"{rows.cumulative_moved.iloc[-1]:.2f}× the data set moved in all"
        ),
        xaxis=figures.axis("cluster size after the step", "nodes", dtick=1),
        yaxis=figures.axis("keys moved this step", "%", tickformat=".0%", rangemode="tozero"),
        yaxis2=figures.axis(
            "max / mean keys per node",
            "ratio",
            overlaying="y",
            side="right",
            showgrid=False,
            rangemode="tozero",
            tickmode="auto",
            tickformat=".2f",
        ),
        # below the plot: beside it, the legend would sit on the right-hand axis
        legend=dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0.0, xanchor="left"),
        margin=dict(r=60, b=90),
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
        Rows are windows, columns nodes, colour the share of the window; the
        title gives the busiest node's average share, the axis what was counted.
    """
    label = api.STRATEGIES[result.strategy].label
    per_window = result.counts.sum(axis=1).mean()
    fig = theme.figure(
        title=f"{result.what[:1].upper()}{result.what[1:]}, {label}: "
        f"the busiest node takes {result.hottest_share:.0%} of a window",
        xaxis=figures.axis("node", "number", showgrid=False),
        yaxis=figures.axis(
            "time window", f"{per_window:,.0f} requests", showgrid=False, autorange="reversed"
        ),
        hovermode="closest",
    )
    fig.add_heatmap(
        z=result.shares,
        colorscale="Viridis",
        zmin=0.0,
        colorbar=dict(title="share (%)", tickformat=".0%"),
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
        xaxis=figures.axis("messages per request, reads and writes on average", "messages"),
        yaxis=figures.axis("busiest node's load", "messages per client request", rangemode="tozero"),
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
            line=dict(color=colours[method]),
        )
    return figures.thin_labels(fig)


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
    items = df["items"].to_numpy()
    fig = theme.figure(
        title=f"Shards one query visits, {n} shards",
        xaxis=figures.log_axis("rows the query needs", "rows", items.min(), items.max()),
        yaxis=figures.axis("shards visited", "shards", rangemode="tozero"),
    )
    fig.add_scatter(x=items, y=df.theory, mode="lines", name="theory n(1-(1-1/n)^c)", line=theme.THEORY_LINE)
    fig.add_scatter(
        x=items,
        y=df.measured,
        mode="markers",
        name="measured, sharded by row id",
        marker=dict(color=theme.BLUE, size=7),
    )
    fig.add_scatter(
        x=items,
        y=np.ones(len(df)),
        mode="lines",
        name="sharded by the query's key: 1",
        line=dict(color=theme.GREEN),
    )
    fig.add_scatter(
        x=items,
        y=np.full(len(df), n),
        mode="lines",
        name="no shard key in the query: all n",
        line=dict(color=theme.VERMILLION, dash="dot"),
    )
    return fig
