"""Figures for the queues-and-events lab: pure functions, result -> figure."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..ui import figures, theme
from . import api

POLICY_COLOURS = dict(zip(api.POLICIES, theme.colours(len(api.POLICIES)), strict=True))
LOSS_FLOOR = 1e-7  # a run that lost nothing is drawn here on a log axis


def loss_vs_capacity(results: list[api.BufferResult]) -> go.Figure:
    """Simulated loss against M/M/c/K's, over the capacities of ``results`` (same rates and consumers)."""
    r0 = results[0]
    ks = np.unique(np.geomspace(r0.consumers, max(r.capacity for r in results), 60).astype(int))
    theory = [api.mmck(r0.arrival_rate, r0.service_rate, r0.consumers, int(k)).loss for k in ks]
    rho = r0.arrival_rate / (r0.consumers * r0.service_rate)
    lost = [max(r.loss_fraction, LOSS_FLOOR) for r in results]
    fig = theme.figure(
        title=f"Messages lost by a full broker: rho = {rho:.2f}, {r0.consumers} consumer(s)",
        xaxis=figures.log_axis("capacity K, in service included", "messages", ks[0], ks[-1]),
        yaxis=figures.log_axis("messages lost", "fraction", min(min(theory), *lost), max(max(theory), *lost)),
    )
    fig.add_scatter(x=ks, y=theory, mode="lines", name="M/M/c/K theory", line=theme.THEORY_LINE)
    fig.add_scatter(
        x=[r.capacity for r in results],
        y=lost,
        mode="markers",
        name=f"simulated, {r0.messages:,} messages each",
        marker=dict(color=theme.BLUE, size=8),
    )
    return fig


def _shade(fig: go.Figure, x0: float, x1: float, label: str) -> None:
    """A grey band over the whole height with its label at the top left (cheaper than ``add_vrect``)."""
    fig.add_shape(
        type="rect", x0=x0, x1=x1, xref="x", y0=0, y1=1, yref="paper",
        fillcolor=theme.GREY, opacity=0.2, line_width=0, layer="below",
    )  # fmt: skip
    fig.add_annotation(
        x=x0, y=1, xref="x", yref="paper", text=label, showarrow=False, xanchor="left", yanchor="top"
    )


def _spike_band(fig: go.Figure, result: api.BufferResult) -> None:
    for start, duration, _ in result.arrivals.spikes:
        _shade(fig, start, start + duration, "spike")


def backlog(runs: dict[str, api.BufferResult]) -> go.Figure:
    """Messages held by the broker (solid) and waiting in blocked producers (dotted), per policy."""
    any_run = next(iter(runs.values()))
    fig = theme.figure(
        title="Where the spike goes: the broker's backlog (solid) and blocked producers (dotted)",
        xaxis=figures.axis("time; the grey band is the spike", "s"),
        yaxis=figures.axis("held", "messages"),
    )
    _spike_band(fig, any_run)
    for policy, r in runs.items():
        tl = r.timeline
        colour = POLICY_COLOURS[policy]
        fig.add_scatter(
            x=tl.t_s, y=tl.backlog, mode="lines", name=policy, legendgroup=policy, line=dict(color=colour)
        )
        if tl.upstream.any():  # dotted, in its policy's legend entry: the title says what dots mean
            fig.add_scatter(
                x=tl.t_s,
                y=tl.upstream,
                mode="lines",
                name=f"{policy}: blocked in producers",
                legendgroup=policy,
                showlegend=False,
                line=dict(color=colour, dash="dot"),
            )
    return fig


def backpressure(runs: dict[str, api.BufferResult]) -> go.Figure:
    """Per policy: share lost, p99 end-to-end latency, and the broker's peak backlog (memory)."""
    names = list(runs)
    peaks = [max(runs[p].max_backlog, 1) for p in names]
    fig = theme.figure(
        title="Backpressure side by side: what each policy pays for the same spike",
        barmode="group",
        yaxis=figures.axis("lost, p99 latency", "% or s", rangemode="tozero"),
        yaxis2=figures.right_axis("peak backlog", "messages", log_range=(1, max(peaks)), pad=0.15),
        legend=dict(orientation="h", x=0.0, xanchor="left", y=-0.15, yanchor="top"),
        margin=dict(b=90),
    )
    fig.add_bar(
        x=names,
        y=[100 * runs[p].loss_fraction for p in names],
        name="lost (%)",
        marker_color=theme.VERMILLION,
    )
    fig.add_bar(
        x=names, y=[runs[p].p99_latency for p in names], name="p99 latency (s)", marker_color=theme.BLUE
    )
    fig.add_scatter(
        x=names,
        y=peaks,
        yaxis="y2",
        mode="markers",
        name="peak backlog (right axis)",
        marker=dict(color=theme.GREEN, size=11, symbol="diamond"),
    )
    return fig


_VERB = {"join": "joins", "leave": "leaves", "crash": "crashes"}


def _with_gaps(index: np.ndarray, lag: np.ndarray, names: list[str]) -> tuple[np.ndarray, ...]:
    """Many series as one trace: each followed by a gap (NaN), each point naming its series on hover.

    Arrays, not lists: plotly validates a list point by point (most of a figure's build time).
    """
    n, series = lag.shape
    xs = np.tile(np.append(index.astype(float), np.nan), series)
    ys = np.vstack([lag.astype(float), np.full((1, series), np.nan)]).T.ravel()
    hover = np.repeat(np.asarray(names, dtype=object), n + 1)
    return xs, ys, hover


def group_lag(result: api.GroupResult) -> go.Figure:
    """Lag per partition over time: the hot partition in orange, the others in one grey-blue trace.

    Parameters
    ----------
    result : GroupResult
        A consumer-group run (:func:`kit.messaging.consumer_group`).

    Returns
    -------
    plotly.graph_objects.Figure
        Messages waiting per partition against time; rebalances shaded.
    """
    idle = max(result.consumers - result.partitions, 0)
    fig = theme.figure(
        title=(
            f"Lag per partition ({result.consumers} members" + (f", {idle} idle" if idle else "")
            + f"; {result.strategy}, {result.protocol}): paused {result.pause_partition_s:.0f} partition-s, "
            f"p99 {result.p99_latency:.2f} s"
        ),
        xaxis=figures.axis("time", "s"),
        yaxis=figures.axis("waiting", "messages"),
        hovermode="closest",
    )  # fmt: skip
    for rb in result.rebalances:
        _shade(fig, rb.t_s, rb.done_s, f"a member {_VERB[rb.change]}")
    hot = result.hot_partition
    names = [f"p{p}: {result.rates[p]:.0f}/s" for p in result.lag.columns]
    index, lag = result.lag.index.to_numpy(), result.lag.to_numpy()
    others = [i for i in range(len(names)) if i != hot]
    if others:
        xs, ys, hover = _with_gaps(index, lag[:, others], [names[i] for i in others])
        fig.add_scatter(
            x=xs,
            y=ys,
            hovertext=hover,
            hovertemplate="%{hovertext}: %{y:.0f} waiting<extra></extra>",
            mode="lines",
            name=f"the other {len(others)} partition{'s' * (len(others) > 1)}",
            line=dict(color=theme.SKY, width=1),
        )
    fig.add_scatter(
        x=index,
        y=lag[:, hot],
        mode="lines",
        name=f"{names[hot]} (hot)",
        hovertemplate=f"{names[hot]}: %{{y:.0f}} waiting<extra></extra>",
        line=dict(color=theme.ORANGE, width=3),
    )
    return fig


def rebalance_cost(results: dict[str, api.GroupResult]) -> go.Figure:
    """Per assignor: partitions moved and partition-seconds paused by the same membership changes."""
    names = list(results)
    fig = theme.figure(
        title="The price of a rebalance: partitions moved and reading time lost",
        barmode="group",
        yaxis=figures.axis("time without a reader", "partition-s", rangemode="tozero"),
        yaxis2=figures.right_axis("moved", "partitions"),
        legend=dict(orientation="h", x=0.0, xanchor="left", y=-0.15, yanchor="top"),
        margin=dict(b=90),
    )
    fig.add_bar(
        x=names,
        y=[results[s].pause_partition_s for s in names],
        name="paused (partition-s)",
        marker_color=theme.VERMILLION,
    )
    fig.add_scatter(
        x=names,
        y=[sum(rb.moved for rb in results[s].rebalances) for s in names],
        yaxis="y2",
        mode="markers",
        name="partitions moved (right axis)",
        marker=dict(color=theme.GREEN, size=11, symbol="diamond"),
    )
    return fig


def delivery(results: dict[str, api.DeliveryResult]) -> go.Figure:
    """Per run: messages lost, duplicate effects, order violations and dead letters."""
    names = list(results)
    counts = {
        "lost": theme.VERMILLION,
        "duplicates": theme.ORANGE,
        "order_violations": theme.PURPLE,
        "dead_lettered": theme.GREY,
    }
    fig = theme.figure(
        title="What crashes did to the side effects",
        barmode="group",
        yaxis=figures.axis("affected", "messages"),
    )
    for name, colour in counts.items():
        fig.add_bar(
            x=names,
            y=[getattr(results[k], name) for k in names],
            name=name.replace("_", " "),
            marker_color=colour,
        )
    return fig


def key_history(result: api.DeliveryResult, key: int | None = None) -> go.Figure:
    """The version one key holds over time; red crosses where a replay moved it back in time."""
    h = result.key_history(key)
    fig = theme.figure(
        title=(
            f"One key's state over time ({result.semantics.replace('_', '-')}"
            f"{', idempotent' if result.idempotent else ''}, {result.settings.group} consumers, "
            f"retries {result.settings.retry_mode.replace('_', ' ')}): "
            f"{int(h.back_in_time.sum())} step(s) back in time"
        ),
        xaxis=figures.axis("time", "s"),
        yaxis=figures.axis("version the key holds", "version number"),
        hovermode="closest",
    )
    fig.add_scatter(x=h.t_s, y=h.version, mode="lines", line=dict(shape="hv", color=theme.BLUE), name="state")
    back = h[h.back_in_time]
    fig.add_scatter(  # lists: plotly leaves an empty array unencoded
        x=back.t_s.tolist(),
        y=back.version.tolist(),
        mode="markers",
        name="older version applied",
        marker=dict(color=theme.VERMILLION, symbol="x", size=9),
    )
    return fig


def _positive_span(results: dict[str, api.OutboxResult]) -> tuple[float, float]:
    """The smallest and largest positive commit-to-publish latency over every relay, s."""
    lat = np.concatenate([r.latency_s for r in results.values()])
    lat = lat[lat > 0]
    return (float(lat.min()), float(lat.max())) if lat.size else (1e-3, 1.0)


def outbox(results: dict[str, api.OutboxResult]) -> go.Figure:
    """Commit-to-publish latency per relay (CDF); rows missed and published out of order in the legend."""
    fig = theme.figure(
        title="Outbox relays: how late, and in which order, events reach the broker",
        xaxis=figures.log_axis("commit to publish", "s", *_positive_span(results)),
        yaxis=figures.axis("events published", "%", range=[0, 1.02], tickformat=".0%"),
        hovermode="closest",
    )
    for colour, (name, r) in zip(theme.PALETTE, results.items(), strict=False):
        lat = np.sort(r.latency_s)
        frac = np.arange(1, lat.size + 1) / r.commit_s.size
        step = max(1, lat.size // 400)
        fig.add_scatter(
            x=lat[::step],
            y=frac[::step],
            mode="lines",
            name=f"{name}: {r.missed} missed, {r.out_of_order} out of order",
            line=dict(color=colour),
        )
    return fig


def live(result: api.LiveResult) -> go.Figure:
    """Counts measured on Redis beside the simulator's for the same crash."""
    t = result.table()
    fig = theme.figure(
        title=(
            f"Redis Streams, {result.semantics.replace('_', '-')}"
            f"{' + dedup set' if result.idempotent else ''}: consumer killed at its "
            f"{result.kill_after}th message, {result.crash_point.replace('_', ' ')}"
        ),
        barmode="group",
        yaxis=figures.axis("beyond or short of one effect each", "messages"),
    )
    shown = t.copy()
    shown.loc["effects"] -= result.messages  # effects are ~messages: show the difference
    labels = ["redeliveries", "effects - messages", "duplicates", "lost"]
    fig.add_bar(x=labels, y=shown["measured on Redis"], name="measured on Redis", marker_color=theme.BLUE)
    fig.add_bar(x=labels, y=shown["simulated"], name="simulated", marker_color=theme.ORANGE)
    return fig
