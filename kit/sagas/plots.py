"""Figures for the sagas lab: pure functions, result -> figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..ui import figures, theme
from . import api

MAX_ARROWS = 60  # beyond this a timeline is all arrows
SHOWN_DOWN = 0.12  # a process down longer than this share of the rest of the run is drawn this long
_BAR = {  # (kind, result) -> colour and legend label; at most six, so the legend stays readable
    ("action", "applied"): (theme.BLUE, "action done"),
    ("action", "replayed"): (theme.SKY, "retry answered from its idempotency key"),
    ("compensation", "applied"): (theme.GREEN, "compensation done"),
    ("action", "failed"): (theme.ORANGE, "failed, retried"),
    ("compensation", "failed"): (theme.ORANGE, "failed, retried"),
    ("action", "permanent"): (theme.VERMILLION, "failed for good"),
    ("compensation", "permanent"): (theme.VERMILLION, "failed for good"),
    ("timeout", "lost"): (theme.GREY, "caller timed out: effect unknown"),
}
DOWN_FILL = "rgba(204, 121, 167, 0.18)"  # a crashed process: a band behind every row, not a bar
LABEL_PX, PLOT_PX = 80, 420  # a band label's width, and the narrowest plot area it is drawn in (px)


def _shortened(downs: pd.DataFrame, end_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """Knots (real ms, shown ms) of a time axis on which each long downtime takes a fixed width.

    A crash lasts seconds while steps take milliseconds: at true scale the steps
    would be slivers beside it. Every down interval longer than ``SHOWN_DOWN``
    of the rest of the run is drawn that long instead; between knots time is linear.
    """
    spans = sorted(zip(downs.t0_ms, downs.t1_ms, strict=True))
    merged: list[list[float]] = []
    for t0, t1 in spans:
        if merged and t0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], t1)
        else:
            merged.append([t0, t1])
    busy = end_ms - sum(t1 - t0 for t0, t1 in merged)
    keep = SHOWN_DOWN * max(busy, 1.0)
    real, shown = [0.0], [0.0]
    for t0, t1 in merged:
        if t1 - t0 <= keep:
            continue
        real += [t0, t1]
        shown += [shown[-1] + t0 - real[-3], shown[-1] + t0 - real[-3] + keep]
    real.append(max(end_ms, real[-1] + 1.0))
    shown.append(shown[-1] + real[-1] - real[-2])
    return np.asarray(real), np.asarray(shown)


def _time_ticks(real: np.ndarray, shown: np.ndarray, most: int = 8) -> tuple[list[float], list[str]]:
    """Ticks at round real times, only where the axis runs at true scale (not inside a shortened crash)."""
    raw = shown[-1] / most
    step = min((m * 10.0**e for e in range(-1, 8) for m in (1, 2, 5)), key=lambda v: (v < raw, v))
    values, text = [], []
    for i in range(0, len(real) - 1, 2):  # the true-scale pieces: knots 0-1, 2-3, ...
        for t in np.arange(np.ceil(real[i] / step) * step, real[i + 1] + 1e-9, step):
            x = float(np.interp(t, real, shown))
            if not values or x - values[-1] >= 0.6 * step:
                values.append(x)
                text.append(f"{t:,.0f}")
    return values, text


def _crashes(downs: pd.DataFrame, at, width: float, top_row: str) -> tuple[list, list, list]:
    """A shaded band per crash (shapes), its length above it where there is room (notes), all on hover."""
    bands = [(float(at(d.t0_ms)), float(at(d.t1_ms)), d) for d in downs.itertuples()]
    shapes = [  # plain shapes: add_vrect's subplot bookkeeping costs more than the whole figure
        dict(
            type="rect",
            x0=x0,
            x1=x1,
            y0=0,
            y1=1,
            xref="x",
            yref="paper",
            fillcolor=DOWN_FILL,
            line=dict(width=0),
            layer="below",
        )
        for x0, x1, _ in bands
    ]
    notes, room = [], LABEL_PX / PLOT_PX * width  # a band's label only where the last one left room
    for x0, x1, d in bands:
        if notes and (x0 + x1) / 2 - notes[-1]["x"] < room:
            continue
        text = f"down {(d.t1_ms - d.t0_ms) / 1000:,.1f} s"
        notes.append(
            dict(
                x=(x0 + x1) / 2,
                y=1.0,
                xref="x",
                yref="paper",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=11),
                text=text,
            )
        )
    if not bands:
        return shapes, notes, []
    hover = dict(  # every band named on hover, also those left without a label
        type="scatter",
        x=[(x0 + x1) / 2 for x0, x1, _ in bands],
        y=[top_row] * len(bands),
        mode="markers",
        marker=dict(color=DOWN_FILL, size=10, symbol="square"),
        hovertext=[f"{d.src} down {d.t0_ms:,.0f} to {d.t1_ms:,.0f} ms" for _, _, d in bands],
        hoverinfo="text",
        showlegend=False,
    )
    return shapes, notes, [hover]


def _steps(ev: pd.DataFrame, at, width: float) -> list[dict]:
    """Actions, compensations and timeouts as bars per service, one trace per legend entry."""
    boxes = ev[(ev.kind != "message") & (ev.kind != "down")]
    kind, result, step, src = (boxes[c].astype(str).to_numpy() for c in ("kind", "result", "step", "src"))
    attempt, t0, t1 = boxes.attempt.to_numpy(), boxes.t0_ms.to_numpy(float), boxes.t1_ms.to_numpy(float)
    label = np.array([_BAR.get(key, (None, ""))[1] for key in zip(kind, result, strict=True)])
    bars = []
    for colour, name in dict.fromkeys(_BAR.values()):
        sel = np.flatnonzero(label == name)
        if not sel.size:
            continue
        text = [
            ("undo " if kind[i] == "compensation" else "")
            + step[i]
            + (f" · try {attempt[i] + 1}" if attempt[i] else "")
            for i in sel
        ]
        x0, x1 = at(t0[sel]), at(t1[sel])
        bars.append(
            dict(
                type="bar",
                x=np.maximum(x1 - x0, width / 400),  # at least a visible sliver
                base=x0,
                y=src[sel],
                orientation="h",
                name=name,
                marker=dict(color=colour, line=dict(color="white", width=1)),
                text=text,
                textposition="inside",
                insidetextanchor="start",
                width=0.5,
                customdata=np.c_[t0[sel], t1[sel]],
                hovertemplate="%{text}<br>%{customdata[0]:,.0f} to %{customdata[1]:,.0f} ms<extra>"
                + name
                + "</extra>",
            )
        )
    return bars


def _arrows(ev: pd.DataFrame, at) -> list[dict]:
    """The messages (at most ``MAX_ARROWS``) as arrows from sender to receiver, red when lost.

    One trace per colour, a segment and an arrowhead per message: as cheap to
    build and draw for sixty messages as for one (an annotation each is not).
    """
    messages = ev[ev.kind == "message"].head(MAX_ARROWS)
    lost = (messages.result == "lost").to_numpy()
    t0, t1 = at(messages.t0_ms).tolist(), at(messages.t1_ms).tolist()
    src, dst = messages.src.tolist(), messages.dst.tolist()
    traces = []
    for name, colour, keep in (("message", theme.GREY, ~lost), ("lost message", theme.VERMILLION, lost)):
        picked = np.flatnonzero(keep)
        if not picked.size:
            continue
        traces.append(
            dict(
                type="scatter",
                mode="lines+markers",
                x=[x for i in picked for x in (t0[i], t1[i], None)],
                y=[y for i in picked for y in (src[i], dst[i], None)],
                line=dict(color=colour, width=1),
                marker=dict(symbol="arrow", angleref="previous", size=[0, 10, 0] * picked.size, color=colour),
                opacity=0.8,
                name=name,
                showlegend=False,
                hoverinfo="skip",
            )
        )
    return traces


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
        messages are arrows from sender to receiver (red when lost). A crashed
        process is a shaded band across the rows; one that lasts much longer
        than the steps is drawn shortened, and the band says how long it lasted.
    """
    ev = events[events.run == run]
    rows = list(dict.fromkeys([*ev.src, *ev.dst]))
    top = [r for r in ("coordinator", "initiator") if r in rows]  # who starts the saga goes on top
    rows = [*top, *[r for r in rows if r not in top]]
    downs = ev[ev.kind == "down"]
    real, shown = _shortened(downs, float(ev.t1_ms.max()) if len(ev) else 1.0)
    at = lambda t: np.interp(np.asarray(t, dtype=float), real, shown)  # noqa: E731
    ticks, labels = _time_ticks(real, shown)
    label = events.attrs.get("mode", "")
    title = f"One {label} run (#{run})" + (f": {outcome}" if outcome else "")
    shapes, notes, hover = _crashes(downs, at, shown[-1], rows[0])
    return theme.figure(
        data=[*hover, *_steps(ev, at, shown[-1]), *_arrows(ev, at)],
        title=title + "<br><sup>arrows are messages (red: lost); a shaded band is a process down</sup>",
        xaxis=figures.axis(
            "time since the saga started",
            "ms" + ("; long crashes drawn shortened" if len(real) > 2 else ""),
            range=[0, shown[-1] * 1.02],
            tickmode="array",
            tickvals=ticks,
            ticktext=labels,
        ),
        yaxis=dict(categoryorder="array", categoryarray=rows[::-1], title=""),
        barmode="overlay",
        hovermode="closest",
        height=max(300, 60 * len(rows) + 160),
        margin=dict(l=110, t=96),
        shapes=shapes,
        annotations=notes,
    )


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
    # the labels carry what the bars cannot: message cost and duplicate side effects
    shares = {
        f"{label}<br>{df.messages.mean():.1f} msgs/run, "
        f"{1000 * df.duplicates.mean() if 'duplicates' in df else 0:.0f} dups/1k": api.outcome_shares(df)
        for label, df in runs.items()
    }
    bars = []
    for outcome, colour in colours.items():
        y = [float(s.get(outcome, 0.0)) for s in shares.values()]
        if any(y):
            bars.append(
                dict(
                    type="bar",
                    x=list(shares),
                    y=y,
                    name=outcome,
                    marker_color=colour,
                    text=[f"{v:.1%}" if v >= 0.005 else "" for v in y],
                    textposition="inside",
                )
            )
    return theme.figure(
        data=bars,
        title=title or f"Outcomes over {n:,} runs",
        barmode="stack",
        yaxis=figures.axis("share of runs", "%", tickformat=".0%", range=[0, 1]),
        xaxis=dict(title=""),
        hovermode="closest",
    )


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
    timed = column.endswith("_ms")
    values = compared[column].to_numpy(dtype=float)
    positive = values[np.isfinite(values) & (values > 0)] if timed else values
    what = names.get(column, column).split(" (")[0]
    unit = "ms" if timed else "per run"
    xaxis = (
        figures.log_axis(what, unit, positive.min(), positive.max())
        if timed and positive.size
        else figures.axis(what, unit)
    )
    colours = dict(zip(api.PROTOCOLS, (theme.BLUE, theme.ORANGE, theme.GREEN), strict=True))
    curves = []
    for protocol in api.PROTOCOLS:
        x = np.sort(compared.loc[compared.protocol == protocol, column].to_numpy(dtype=float))
        if x.size == 0:
            continue
        y = np.arange(1, x.size + 1) / x.size
        finite = np.isfinite(x) & (x > 0 if column.endswith("_ms") else True)
        step = max(1, finite.sum() // 400)  # 400 points draw the same curve as 10,000
        kept = np.flatnonzero(finite)
        idx = np.unique(np.r_[kept[::step], kept[-1:]])  # always the last point: where the curve stops
        curves.append(
            dict(
                type="scatter",
                x=x[idx],  # arrays, not lists: plotly checks a list element by element
                y=y[idx],
                mode="lines",
                name=protocol,
                line=dict(color=colours[protocol], shape="hv"),
            )
        )
    return theme.figure(
        data=curves,
        title=title or f"CDF of {names.get(column, column)}",
        xaxis=xaxis,
        yaxis=figures.axis("runs at or below", "%", range=[0, 1.02], tickformat=".0%"),
        hovermode="closest",
    )


def moved(table: pd.DataFrame, start: pd.DataFrame, title: str | None = None) -> go.Figure:
    """How far each design's median latency and inconsistency window moved from a starting point.

    Parameters
    ----------
    table, start : DataFrame
        :func:`kit.sagas.summary` now and at the starting settings.
    title : str, optional

    Returns
    -------
    go.Figure
        Grouped bars per protocol: the change of each median in percent of
        its starting value (hover: both values in ms); an explanation instead
        while nothing has moved.
    """
    protocols = [str(p) for p in table.index]
    bars = []
    for column, name, colour in (
        ("latency_p50_ms", "latency", theme.BLUE),
        ("inconsistency_p50_ms", "inconsistency window", theme.ORANGE),
    ):
        now, then = table[column].to_numpy(float), start.loc[table.index, column].to_numpy(float)
        change = np.divide(now - then, then, out=np.zeros_like(now), where=then > 0)
        bars.append(
            dict(
                type="bar",
                x=protocols,
                y=change.tolist(),
                name=f"median {name}",
                marker_color=colour,
                customdata=np.c_[then, now],
                hovertemplate="%{customdata[0]:,.0f} ms → %{customdata[1]:,.0f} ms (%{y:+.0%})<extra>"
                + name
                + "</extra>",
            )
        )
    fig = theme.figure(
        data=bars,
        title=title or "What moved since the starting settings? Medians, per design",
        yaxis=figures.axis("change of the median", "%", tickformat="+.0%"),
        xaxis=dict(title=""),
        barmode="group",
        hovermode="closest",
    )
    if table.equals(start):
        figures.explain_empty(
            fig,
            "These are the starting settings.<br>Move a control: the bars show<br>"
            "how far each design's medians move from here.",
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
    numbers = dict(
        type="table",
        header=dict(values=["", *map(str, table.index)], align="left"),
        cells=dict(values=cells, align=["left", *["right"] * len(table.index)]),
    )
    return theme.figure(data=[numbers], title=title or "The numbers behind the curves", height=440)


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
    labels = [str(c).replace("_", " ") for c in table.index]
    return theme.figure(
        data=[
            dict(type="bar", x=labels, y=table[col].tolist(), name=name, marker_color=colour)
            for col, (name, colour) in series.items()
        ],
        title=title or "Concurrent sagas on shared records" + (f" ({runs:,} sagas)" if runs else ""),
        barmode="group",
        xaxis=dict(title="countermeasure"),
        yaxis=figures.axis("anomalies and refused writes", "per 1,000 sagas"),
        hovermode="closest",
    )
