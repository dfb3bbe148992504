"""Figures for the sagas lab: pure functions, result -> figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..ui import theme
from . import api

MAX_ARROWS = 60  # beyond this a timeline is all arrows
_BAR = {  # (kind, result) -> colour and legend label
    ("action", "applied"): (theme.BLUE, "action done"),
    ("action", "replayed"): (theme.SKY, "retry answered from the idempotency key"),
    ("action", "failed"): (theme.ORANGE, "action failed (transient)"),
    ("action", "permanent"): (theme.VERMILLION, "action failed for good"),
    ("compensation", "applied"): (theme.GREEN, "compensation done"),
    ("compensation", "failed"): (theme.YELLOW, "compensation failed"),
    ("compensation", "permanent"): (theme.PURPLE, "compensation failed for good"),
    ("timeout", "lost"): (theme.GREY, "caller timed out: effect unknown"),
    ("down", "applied"): (theme.BLACK, "crashed, recovering"),
}


def gantt(events: pd.DataFrame, run: int = 0, outcome: str | None = None) -> go.Figure:
    """One execution as a timeline per service: actions, compensations, retries, messages.

    Parameters
    ----------
    events : DataFrame
        :func:`kit.sagas.trace`'s table.
    run : int
        Which traced run to draw.
    outcome : str, optional
        Shown in the title.

    Returns
    -------
    go.Figure
        Bars per service (time in ms); retries carry their attempt number,
        messages are arrows from sender to receiver (red when lost).
    """
    ev = events[events.run == run]
    rows = list(dict.fromkeys([*ev.src, *ev.dst]))
    top = [r for r in ("coordinator", "initiator") if r in rows]  # who starts the saga goes on top
    rows = [*top, *[r for r in rows if r not in top]]
    label = events.attrs.get("mode", "")
    title = f"One {label} run (#{run})" + (f": {outcome}" if outcome else "")
    fig = theme.figure(
        title=title,
        xaxis=dict(title="time since the saga started (ms)", rangemode="tozero"),
        yaxis=dict(categoryorder="array", categoryarray=rows[::-1], title=""),
        barmode="overlay",
        hovermode="closest",
        height=max(300, 60 * len(rows) + 140),
        margin=dict(l=110),
    )
    boxes = ev[ev.kind != "message"].copy()
    boxes["result"] = boxes.result.astype(str).where(boxes.kind != "down", "applied")
    for (kind, result), (colour, name) in _BAR.items():
        part = boxes[(boxes.kind == kind) & (boxes.result == result)]
        if part.empty:
            continue
        text = [f"{s} · try {a + 1}" if a else s for s, a in zip(part.step, part.attempt, strict=True)]
        fig.add_bar(
            x=np.maximum(part.t1_ms - part.t0_ms, 0.5).tolist(),
            base=part.t0_ms.tolist(),
            y=part.src.tolist(),
            orientation="h",
            name=name,
            marker=dict(color=colour, line=dict(color="white", width=1)),
            text=text,
            textposition="inside",
            insidetextanchor="start",
            width=0.5,
            hovertemplate="%{text}<br>%{base:.0f} to %{x:.0f} ms later<extra>" + name + "</extra>",
        )
    messages = ev[ev.kind == "message"].head(MAX_ARROWS)
    arrow = dict(xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=2, arrowwidth=1, text="")
    fig.update_layout(  # one layout update: adding arrows one by one is slow
        annotations=[
            dict(
                arrow,
                x=m.t1_ms,
                y=m.dst,
                ax=m.t0_ms,
                ay=m.src,
                arrowcolor=theme.VERMILLION if m.result == "lost" else theme.GREY,
                opacity=0.8,
            )
            for m in messages.itertuples()
        ]
    )
    if not messages.empty:  # a legend entry for the arrows
        fig.add_scatter(x=[None], y=[None], mode="lines", line=dict(color=theme.GREY), name="message")
    return fig


def outcomes(runs: dict[str, pd.DataFrame], title: str | None = None) -> go.Figure:
    """Share of runs per outcome, one bar per design.

    Parameters
    ----------
    runs : dict of str to DataFrame
        ``{label: simulate(...) or simulate_2pc(...) frame}``.
    title : str, optional

    Returns
    -------
    go.Figure
        Stacked shares; each bar's label adds the mean messages per run and
        duplicate side effects per 1,000 runs.
    """
    colours = {
        "committed": theme.BLUE,
        "compensated": theme.GREEN,
        "stuck": theme.VERMILLION,
        "aborted": theme.ORANGE,
    }
    n = max(len(df) for df in runs.values())
    fig = theme.figure(
        title=title or f"Outcomes over {n:,} runs",
        barmode="stack",
        yaxis=dict(title="share of runs", tickformat=".0%", range=[0, 1]),
        xaxis=dict(title=""),
        hovermode="closest",
    )
    # the labels carry what the bars cannot: message cost and duplicate side effects
    shares = {
        f"{label}<br>{df.messages.mean():.1f} msgs/run, "
        f"{1000 * df.duplicates.mean() if 'duplicates' in df else 0:.0f} dups/1k": api.outcome_shares(df)
        for label, df in runs.items()
    }
    for outcome, colour in colours.items():
        y = [float(s.get(outcome, 0.0)) for s in shares.values()]
        if any(y):
            fig.add_bar(
                x=list(shares),
                y=y,
                name=outcome,
                marker_color=colour,
                text=[f"{v:.1%}" if v >= 0.005 else "" for v in y],
                textposition="inside",
            )
    return fig


def cdf(compared: pd.DataFrame, column: str = "latency_ms", title: str | None = None) -> go.Figure:
    """Empirical CDF of ``column`` per protocol (:func:`kit.sagas.compare`).

    Parameters
    ----------
    compared : DataFrame
        :func:`kit.sagas.compare`'s result.
    column : str
        A numeric column; those ending in ``_ms`` are drawn on a log axis.
    title : str, optional

    Returns
    -------
    go.Figure
        One curve per protocol; runs at 0 ms sit below a log axis, so a
        curve starts at the share of runs above 0.
    """
    if column not in compared.columns:
        raise ValueError(f"column must be one of {', '.join(compared.columns[2:])} (got {column!r})")
    names = {
        "latency_ms": "latency (ms)",
        "inconsistency_ms": "inconsistency window (ms)",
        "messages": "messages per transaction",
        "lock_ms": "longest lock held (ms)",
    }
    fig = theme.figure(
        title=title or f"CDF of {names.get(column, column)}",
        xaxis=dict(title=names.get(column, column), type="log" if column.endswith("_ms") else "linear"),
        yaxis=dict(title="fraction of runs at or below", range=[0, 1.02], tickformat=".0%"),
        hovermode="closest",
    )
    colours = dict(zip(api.PROTOCOLS, (theme.BLUE, theme.ORANGE, theme.BLACK), strict=True))
    for protocol in api.PROTOCOLS:
        x = np.sort(compared.loc[compared.protocol == protocol, column].to_numpy(dtype=float))
        if x.size == 0:
            continue
        y = np.arange(1, x.size + 1) / x.size
        finite = np.isfinite(x) & (x > 0 if column.endswith("_ms") else True)
        step = max(1, finite.sum() // 400)  # 400 points draw the same curve as 10,000
        kept = np.flatnonzero(finite)
        idx = np.unique(np.r_[kept[::step], kept[-1:]])  # always the last point: where the curve stops
        fig.add_scatter(
            x=x[idx].tolist(),
            y=y[idx].tolist(),
            mode="lines",
            name=protocol,
            line=dict(color=colours[protocol], shape="hv"),
        )
    return fig


def summary(table: pd.DataFrame, title: str | None = None) -> go.Figure:
    """:func:`kit.sagas.summary` as a small table: the numbers behind the curves.

    Parameters
    ----------
    table : DataFrame
        :func:`kit.sagas.summary`'s result.
    title : str, optional

    Returns
    -------
    go.Figure
        One column per protocol: shares committed and stuck, latency and
        inconsistency window (median, p99, mean; ms), messages per run.
    """
    rows = {
        "committed": ("committed", "{:.1%}"),
        "stuck (a person settles it)": ("stuck", "{:.2%}"),
        "latency, median (ms)": ("latency_p50_ms", "{:,.0f}"),
        "latency, p99 (ms)": ("latency_p99_ms", "{:,.0f}"),
        "latency, mean (ms)": ("latency_mean_ms", "{:,.0f}"),
        "inconsistency window, median (ms)": ("inconsistency_p50_ms", "{:,.0f}"),
        "inconsistency window, p99 (ms)": ("inconsistency_p99_ms", "{:,.0f}"),
        "inconsistency window, mean (ms)": ("inconsistency_mean_ms", "{:,.0f}"),
        "messages per run": ("messages", "{:.1f}"),
    }
    cells = [list(rows)]
    for protocol in table.index:
        cells.append([fmt.format(table.loc[protocol, col]) for col, fmt in rows.values()])
    fig = theme.figure(title=title or "The numbers behind the curves", height=360)
    fig.add_table(
        header=dict(values=["", *map(str, table.index)], align="left"),
        cells=dict(values=cells, align=["left", *["right"] * len(table.index)]),
    )
    return fig


def anomalies(table: pd.DataFrame, title: str | None = None) -> go.Figure:
    """What concurrent sagas see of each other, per countermeasure (:func:`kit.sagas.anomalies`).

    Parameters
    ----------
    table : DataFrame
        :func:`kit.sagas.anomalies`'s result (per 1,000 sagas).
    title : str, optional

    Returns
    -------
    go.Figure
        Grouped bars per countermeasure: the anomalies (dirty reads, lost
        updates, out-of-order undos) and what the countermeasure costs
        (refused writes, reread conflicts).
    """
    series = {
        "dirty_reads": ("dirty reads", theme.VERMILLION),
        "lost_updates": ("lost updates", theme.ORANGE),
        "out_of_order": ("undo before its action (out of order)", theme.PURPLE),
        "rejected_writes": ("cost: writes refused (PENDING)", theme.GREY),
        "reread_conflicts": ("cost: reread conflicts", theme.SKY),
    }
    runs = table.attrs.get("runs")
    fig = theme.figure(
        title=title or "Concurrent sagas on shared records" + (f" ({runs:,} sagas)" if runs else ""),
        barmode="group",
        xaxis=dict(title="countermeasure"),
        yaxis=dict(title="per 1,000 sagas"),
        hovermode="closest",
    )
    labels = [str(c).replace("_", " ") for c in table.index]
    for col, (name, colour) in series.items():
        fig.add_bar(x=labels, y=table[col].tolist(), name=name, marker_color=colour)
    return fig
