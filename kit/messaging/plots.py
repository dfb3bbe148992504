"""Figures for the queues-and-events lab: pure functions, result -> figure."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..ui import theme
from . import api

POLICY_COLOURS = dict(zip(api.POLICIES, theme.PALETTE, strict=False))


def loss_vs_capacity(results: list[api.BufferResult]) -> go.Figure:
    """Simulated loss against M/M/c/K's, over the capacities of ``results`` (same rates and consumers)."""
    r0 = results[0]
    ks = np.unique(np.geomspace(r0.consumers, max(r.capacity for r in results), 60).astype(int))
    theory = [api.mmck(r0.arrival_rate, r0.service_rate, r0.consumers, int(k)).loss for k in ks]
    rho = r0.arrival_rate / (r0.consumers * r0.service_rate)
    fig = theme.figure(
        title=f"Messages lost by a full broker: rho = {rho:.2f}, {r0.consumers} consumer(s)",
        xaxis=dict(title="capacity K (messages, the ones being processed included)", type="log"),
        yaxis=dict(title="fraction lost", type="log"),
    )
    fig.add_scatter(x=ks, y=theory, mode="lines", name="M/M/c/K theory", line=dict(color=theme.THEORY))
    fig.add_scatter(
        x=[r.capacity for r in results],
        y=[max(r.loss_fraction, 1e-7) for r in results],
        mode="markers",
        name=f"simulated, {r0.messages:,} messages each",
        marker=dict(color=theme.BLUE, size=8),
    )
    return fig


def _spike_band(fig: go.Figure, result: api.BufferResult) -> None:
    for start, duration, _ in result.arrivals.spikes:
        fig.add_vrect(x0=start, x1=start + duration, fillcolor=theme.GREY, opacity=0.15, line_width=0)


def backlog(runs: dict[str, api.BufferResult]) -> go.Figure:
    """Messages held by the broker (solid) and waiting in blocked producers (dotted), per policy."""
    any_run = next(iter(runs.values()))
    fig = theme.figure(
        title="Where the spike goes: the broker's backlog (solid) and blocked producers (dotted)",
        xaxis=dict(title="time (s); the grey band is the spike"),
        yaxis=dict(title="messages"),
    )
    _spike_band(fig, any_run)
    for policy, r in runs.items():
        tl = r.timeline
        colour = POLICY_COLOURS[policy]
        fig.add_scatter(x=tl.t_s, y=tl.backlog, mode="lines", name=policy, line=dict(color=colour))
        if tl.upstream.any():
            fig.add_scatter(
                x=tl.t_s,
                y=tl.upstream,
                mode="lines",
                name=f"{policy}: blocked in producers",
                line=dict(color=colour, dash="dot"),
            )
    return fig


def backpressure(runs: dict[str, api.BufferResult]) -> go.Figure:
    """Per policy: share lost, p99 end-to-end latency, and the broker's peak backlog (memory)."""
    names = list(runs)
    fig = theme.figure(
        title="Backpressure side by side: what each policy pays for the same spike",
        barmode="group",
        yaxis=dict(title="lost (%) / p99 latency (s)"),
        yaxis2=dict(title="peak backlog (messages)", overlaying="y", side="right", type="log"),
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
        y=[max(runs[p].max_backlog, 1) for p in names],
        yaxis="y2",
        mode="markers",
        name="peak backlog",
        marker=dict(color=theme.BLACK, size=11, symbol="diamond"),
    )
    return fig


_VERB = {"join": "joins", "leave": "leaves", "crash": "crashes"}


def group_lag(result: api.GroupResult) -> go.Figure:
    """Lag per partition over time; the hot partition in orange, rebalances shaded."""
    idle = max(result.consumers - result.partitions, 0)
    fig = theme.figure(
        title=(
            f"Consumer lag per partition ({result.consumers} members"
            + (f", {idle} idle" if idle else "")
            + f"; {result.strategy}, {result.protocol} rebalance; keys Zipf {result.settings.alpha:g}): "
            f"paused {result.pause_partition_s:.0f} partition-s, p99 latency {result.p99_latency:.2f} s"
        ),
        xaxis=dict(title="time (s)"),
        yaxis=dict(title="messages waiting"),
        hovermode="closest",
    )
    for rb in result.rebalances:
        fig.add_vrect(
            x0=rb.t_s, x1=rb.done_s, fillcolor=theme.GREY, opacity=0.2, line_width=0,
            annotation_text=f"a member {_VERB[rb.change]}", annotation_position="top left",
        )  # fmt: skip
    hot = result.hot_partition
    for p in result.lag.columns:
        fig.add_scatter(
            x=result.lag.index,
            y=result.lag[p],
            mode="lines",
            name=f"p{p}: {result.rates[p]:.0f}/s" + (" (hot)" if p == hot else ""),
            line=dict(color=theme.ORANGE if p == hot else theme.SKY, width=3 if p == hot else 1),
        )
    return fig


def rebalance_cost(results: dict[str, api.GroupResult]) -> go.Figure:
    """Per assignor: partitions moved and partition-seconds paused by the same membership changes."""
    names = list(results)
    fig = theme.figure(
        title="The price of a rebalance: partitions moved and reading time lost",
        barmode="group",
        yaxis=dict(title="partition-seconds without a reader"),
        yaxis2=dict(title="partitions moved", overlaying="y", side="right"),
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
        name="partitions moved",
        marker=dict(color=theme.BLACK, size=11, symbol="diamond"),
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
        yaxis=dict(title="messages"),
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
        xaxis=dict(title="time (s)"),
        yaxis=dict(title="version the key holds"),
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


def outbox(results: dict[str, api.OutboxResult]) -> go.Figure:
    """Commit-to-publish latency per relay (CDF); rows missed and published out of order in the legend."""
    fig = theme.figure(
        title="Outbox relays: how late, and in which order, events reach the broker",
        xaxis=dict(title="commit to publish (s)", type="log"),
        yaxis=dict(title="fraction of events published", range=[0, 1.02]),
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
        yaxis=dict(title="messages beyond or short of one effect each"),
    )
    shown = t.copy()
    shown.loc["effects"] -= result.messages  # effects are ~messages: show the difference
    labels = ["redeliveries", "effects - messages", "duplicates", "lost"]
    fig.add_bar(x=labels, y=shown["measured on Redis"], name="measured on Redis", marker_color=theme.BLUE)
    fig.add_bar(x=labels, y=shown["simulated"], name="simulated", marker_color=theme.ORANGE)
    return fig
