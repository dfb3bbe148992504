"""Figures for the event-sourcing lab: pure functions, results -> plotly figures."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..ui import theme

EVENT_COLOURS = {
    "AccountOpened": theme.BLUE,
    "Deposited": theme.GREEN,
    "Withdrawn": theme.VERMILLION,
    "AccountClosed": theme.BLACK,
}


def account_history(history, stream: str, at_version: int | None = None, note: str = "") -> go.Figure:
    """An account's balance after each event (coloured by type), with the replayed version marked.

    ``history`` is ``Lab.history(stream)``; ``note`` goes under the title (e.g. a command's preview).
    """
    title = f"{stream}: balance after each event"
    if note:
        title += f"<br><sup>{note}</sup>"
    fig = theme.figure(
        title=title,
        xaxis=dict(title="stream version", rangemode="tozero"),
        yaxis=dict(title="balance (cents)", rangemode="tozero"),
    )
    versions = [0, *history.version.tolist()]
    balances = [0, *history.balance.tolist()]
    fig.add_scatter(
        x=versions, y=balances, mode="lines", line=dict(shape="hv", color=theme.GREY), name="balance"
    )
    for kind, colour in EVENT_COLOURS.items():
        rows = history[history.type == kind]
        fig.add_scatter(  # lists, not arrays: an empty array makes figure comparisons ambiguous
            x=rows.version.tolist(),
            y=rows.balance.tolist(),
            mode="markers",
            marker=dict(color=colour, size=9),
            name=kind,
            customdata=rows.amount.tolist(),
            hovertemplate="v%{x}: " + kind + " %{customdata}<br>balance %{y}<extra></extra>",
        )
    if at_version is not None:
        shown = int(balances[min(at_version, len(balances) - 1)])
        fig.add_scatter(
            x=[at_version],
            y=[shown],
            mode="markers+text",
            marker=dict(symbol="diamond-open", size=18, color=theme.PURPLE, line=dict(width=3)),
            text=[f"replay(until={at_version}): {shown}"],
            textposition="top center",
            name="replayed state",
        )
    return fig


def read_vs_write(write: dict[str, int], read: dict[str, int], lag: int) -> go.Figure:
    """Each account's balance on the write side (replayed) and in the read model, with the lag in events."""
    streams = sorted(write)
    fig = theme.figure(
        title=f"Write side vs read model: the read side is {lag} event(s) behind",
        xaxis=dict(title="account"),
        yaxis=dict(title="balance (cents)"),
        barmode="group",
        hovermode="closest",
    )
    fig.add_bar(
        x=streams, y=[write[s] for s in streams], name="write side: replay(stream)", marker_color=theme.BLUE
    )
    fig.add_bar(
        x=streams,
        y=[read.get(s, 0) for s in streams],
        name="read model: balances table",
        marker_color=theme.ORANGE,
    )
    return fig


def event_log(log) -> go.Figure:
    """The store's last events as a table (``Lab.log()``)."""
    fig = theme.figure(
        title="The event log: append-only, in global position order", margin=dict(l=10, r=10, t=50, b=10)
    )
    fig.add_trace(
        go.Table(
            header=dict(values=["position", "stream", "version", "type", "data", "time (UTC)"], align="left"),
            cells=dict(
                values=[
                    log.position.tolist(),
                    log.stream.tolist(),
                    log.version.tolist(),
                    log.type.tolist(),
                    log.data.tolist(),
                    [t.strftime("%a %d %b %H:%M") for t in log.time],
                ],
                align="left",
            ),
        )
    )
    return fig


def replay_cost(costs) -> go.Figure:
    """Replay time vs stream length, one line per snapshot interval (``replay_cost``)."""
    fig = theme.figure(
        title="Rebuilding one account's state: time vs stream length",
        xaxis=dict(title="stream length (events)"),
        yaxis=dict(title="replay time (ms)", rangemode="tozero"),
    )
    for i, (every, rows) in enumerate(costs.groupby("snapshot_every")):
        label = "no snapshots" if every == 0 else f"snapshot every {every}"
        fig.add_scatter(
            x=rows.length,
            y=rows.seconds * 1e3,
            mode="lines+markers",
            name=label,
            line=dict(color=theme.PALETTE[i % len(theme.PALETTE)]),
        )
    return fig


def snapshot_tradeoff(tradeoff, chosen: int | None = None) -> go.Figure:
    """Mean and worst replay time and snapshot bytes per event vs the snapshot interval."""
    fig = theme.figure(
        title="Choosing the snapshot interval: replay time against snapshot storage",
        xaxis=dict(title="snapshot every N events", type="log"),
        yaxis=dict(title="replay time (ms)", rangemode="tozero"),
        yaxis2=dict(
            title="snapshot bytes per event", overlaying="y", side="right", type="log", showgrid=False
        ),
        margin=dict(r=80),  # room for the right axis' title
    )
    n = tradeoff.snapshot_every
    fig.add_scatter(x=n, y=tradeoff.mean_replay_s * 1e3, name="mean replay", line=dict(color=theme.BLUE))
    fig.add_scatter(
        x=n, y=tradeoff.worst_replay_s * 1e3, name="worst replay", line=dict(color=theme.BLUE, dash="dash")
    )
    fig.add_scatter(
        x=n,
        y=tradeoff.snapshot_bytes_per_event,
        name="snapshot bytes / event",
        yaxis="y2",
        line=dict(color=theme.ORANGE),
    )
    if chosen is not None:
        fig.add_vline(x=chosen, line=dict(color=theme.GREY, dash="dot"))
    return fig


def storage_growth(growth) -> go.Figure:
    """Bytes of the event log vs a current-state table as commands accumulate."""
    fig = theme.figure(
        title="Storage: the log keeps every change, a state table keeps the last",
        xaxis=dict(title="commands applied"),
        yaxis=dict(title="bytes on disk (kB)", rangemode="tozero"),
    )
    fig.add_scatter(x=growth.commands, y=growth.events_bytes / 1e3, name="event log", mode="lines+markers")
    fig.add_scatter(
        x=growth.commands, y=growth.state_bytes / 1e3, name="current-state table", mode="lines+markers"
    )
    return fig


def lag_cdf(results, read_after_s: float | None = None) -> go.Figure:
    """CDF of read-model lag for each LagResult (measured and simulated), in ms."""
    fig = theme.figure(
        title="Read-model lag: how long after a commit the read side shows it",
        xaxis=dict(title="lag (ms)", type="log"),
        yaxis=dict(title="fraction of events", range=[0, 1.02], tickformat=".0%"),
    )
    for i, r in enumerate(results):
        lags = np.sort(np.maximum(r.lags_s, 1e-6)) * 1e3
        step = max(len(lags) // 2000, 1)  # a few thousand points draw the same curve
        fig.add_scatter(
            x=lags[::step],
            y=(np.arange(1, len(lags) + 1) / len(lags))[::step],
            mode="lines",
            name=f"{r.kind}, {r.rate_per_s:g}/s, poll {r.poll_s * 1e3:g} ms",
            line=dict(
                color=theme.PALETTE[i % len(theme.PALETTE)], dash="solid" if r.kind == "measured" else "dash"
            ),
        )
    if read_after_s is not None:
        fig.add_vline(x=max(read_after_s, 1e-6) * 1e3, line=dict(color=theme.GREY, dash="dot"))
    return fig


def lag_vs_load(results, cost_s: float) -> go.Figure:
    """Median and p99 lag vs projector load (rate x cost per event), from simulated runs."""
    load = np.array([r.rate_per_s * cost_s for r in results])
    fig = theme.figure(
        title="Lag under load: the projector is a queue",
        xaxis=dict(title="projector load = rate × cost per event"),
        yaxis=dict(title="lag (ms)", type="log"),
    )
    for q, dash in ((50, "solid"), (99, "dash")):
        fig.add_scatter(
            x=load,
            y=[r.percentile(q) * 1e3 for r in results],
            name=f"p{q}",
            line=dict(color=theme.BLUE, dash=dash),
        )
    fig.add_vline(x=1.0, line=dict(color=theme.VERMILLION, dash="dot"))
    return fig


def schema_ways(ways) -> go.Figure:
    """One-off and per-read seconds of the three ways of a schema change (``schema_change``)."""
    fig = theme.figure(
        title="A schema change, three ways: pay once, or at every read",
        xaxis=dict(title=""),
        yaxis=dict(title="seconds"),
        barmode="group",
        hovermode="closest",
    )
    fig.add_bar(x=ways.index, y=ways.one_off_s, name="one-off migration", marker_color=theme.ORANGE)
    fig.add_bar(x=ways.index, y=ways.read_s, name="reading every event once", marker_color=theme.BLUE)
    return fig
