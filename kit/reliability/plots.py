"""Figures of the reliability lab: pure functions, result -> figure."""

from __future__ import annotations

import functools
import math
from itertools import pairwise

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import config
from ..core.policies import STATES
from ..ui import figures, theme
from . import availability as avail
from .backoff import BROOKER_2015, STRATEGIES
from .resilience import BreakerResult, BulkheadResult
from .storms import StormResult

STRATEGY_COLOURS = dict(
    zip(STRATEGIES, [theme.VERMILLION, theme.PURPLE, theme.BLUE, theme.ORANGE, theme.GREEN], strict=True)
)
STATE_COLOURS = {"CLOSED": theme.GREEN, "OPEN": theme.VERMILLION, "HALF_OPEN": theme.ORANGE}
WORKBOOK_THRESHOLDS = {r.name: r.burn_rate for r in avail.WORKBOOK_RULES}


def _legend_below(fig: go.Figure, height: int) -> go.Figure:
    """Many traces and subplot titles: the legend goes under the plot, where it has room."""
    fig.update_layout(
        height=height,
        # 90 px under the plotting area (the template's top margin is 80 px), below the x-axis title
        legend=dict(orientation="h", yanchor="top", y=-90 / (height - 210), x=0.0, xanchor="left"),
        margin=dict(b=130),
    )
    return fig


@functools.lru_cache(maxsize=16)
def _grid(rows: int, cols: int, titles: tuple | None, height: int) -> go.Figure:
    """A grid of subplots, built once per layout (make_subplots costs more than the rest of a figure).

    Shared: start a figure from a copy, ``go.Figure(_grid(...))``.
    """
    if cols == 1:
        fig = make_subplots(
            rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.09, subplot_titles=titles
        )
    else:
        fig = make_subplots(rows=1, cols=cols, subplot_titles=titles, horizontal_spacing=0.1)
    fig.update_layout(template=theme.TEMPLATE)
    return _legend_below(fig, height)


def _stacked(title: str, rows: int = 2, height: int = 260, titles=None) -> go.Figure:
    fig = go.Figure(_grid(rows, 1, None if titles is None else tuple(titles), rows * height + 130))
    fig.layout.title.text = title
    return fig


def _side_by_side(title: str, titles, height: int = 380) -> go.Figure:
    fig = go.Figure(_grid(1, len(titles), tuple(titles), height + 80))
    fig.layout.title.text = title
    return fig


def _on(frame: dict, data: list[dict], **layout) -> go.Figure:
    """A figure on a layout built once (``frame``: plain data, from ``layout.to_plotly_json()``).

    An app redraws the same grid and axes at every update: building them is most of a
    figure's cost, while plain data is validated once, in the constructor.
    """
    return go.Figure(data=data, layout={**frame, **layout})


# --- backoff ------------------------------------------------------------------------------


def backoff_race(table: pd.DataFrame) -> go.Figure:
    """Brooker's two figures side by side: write calls and completion time vs clients, per strategy.

    ``table`` is :func:`~kit.reliability.backoff_sweep`'s. Crosses mark the
    values of Brooker's simulator at 100 clients.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`kit.reliability.backoff_sweep` (completion in ms, drawn in seconds).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = _side_by_side(
        "Backoff and jitter: N clients race to update one row",
        ("work: write calls", "time until all have written"),
    )
    for strategy in [s for s in STRATEGIES if s in set(table.strategy)]:
        part = table[table.strategy == strategy].sort_values("clients")
        colour = STRATEGY_COLOURS[strategy]
        for col, y in ((1, part.calls), (2, part.completion_ms / 1000.0)):
            fig.add_scatter(
                x=part.clients,
                y=y,
                mode="lines+markers",
                name=strategy,
                legendgroup=strategy,
                showlegend=col == 1,
                line=dict(color=colour),
                marker=dict(size=5),
                row=1,
                col=col,
            )
        calls, ms = BROOKER_2015[strategy]
        for col, y in ((1, calls), (2, ms / 1000.0)):
            fig.add_scatter(
                x=[100],
                y=[y],
                mode="markers",
                name="Brooker 2015, 100 clients",
                legendgroup="brooker",
                showlegend=col == 1 and strategy == STRATEGIES[0],
                marker=dict(color=colour, symbol="x-thin-open", size=14, line=dict(width=2)),
                row=1,
                col=col,
            )
    seconds = table.completion_ms.to_numpy() / 1000.0
    fig.update_xaxes(figures.axis("clients", "racing for one row"))
    fig.update_yaxes(figures.axis("write calls", "per race"), row=1, col=1)
    fig.update_yaxes(figures.log_axis("completion", "s", seconds.min(), seconds.max()), row=1, col=2)
    return fig


@functools.lru_cache(maxsize=1)
def _runs_frame() -> dict:
    """:func:`backoff_runs`' two panels, built once: only the boxes, the title and the time axis change."""
    fig = _side_by_side("", ("write calls per run", "completion per run (s)"))
    fig.update_layout(showlegend=False, height=400, margin=dict(b=50))
    fig.update_xaxes(type="category")
    fig.update_yaxes(figures.axis("write calls", "per run"), row=1, col=1)
    return fig.layout.to_plotly_json()


def backoff_runs(results: list) -> go.Figure:
    """Calls and completion time of every run, one box per strategy (``BackoffResult`` list).

    Parameters
    ----------
    results : list of BackoffResult
        One per strategy, from :func:`kit.reliability.backoff_experiment`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    clients = results[0].clients if results else 0
    boxes = []
    for r in results:
        box = dict(type="box", name=r.strategy, marker=dict(color=STRATEGY_COLOURS[r.strategy]), boxmean=True)
        boxes += [
            box | dict(y=r.calls_per_run, xaxis="x", yaxis="y"),
            box | dict(y=r.completion_per_run / 1000.0, xaxis="x2", yaxis="y2"),
        ]
    seconds = np.concatenate([r.completion_per_run for r in results]) / 1000.0 if results else np.ones(1)
    frame = _runs_frame()
    return _on(
        frame,
        boxes,
        title=dict(text=f"{clients} clients: every run, every strategy"),
        yaxis2=frame["yaxis2"] | figures.log_axis("completion", "s", seconds.min(), seconds.max()),
    )


@functools.lru_cache(maxsize=4)
def _sleeps_frame(height: int) -> dict:
    """:func:`sleep_schedules`' title and retry axis, built once per figure height."""
    fig = theme.figure(
        title="How long does each strategy sleep before retry k? (median, 5-95% range)",
        xaxis=figures.axis("retry", "k-th", dtick=1),
        height=height,
    )
    return fig.layout.to_plotly_json()


def sleep_schedules(schedules: dict) -> go.Figure:
    """Median and 5-95% range of the sleep before each retry, per strategy (name -> ``sleeps()``).

    Parameters
    ----------
    schedules : dict
        Strategy name -> :func:`kit.reliability.sleeps` (ms).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    bands = {name: np.percentile(s, [5, 50, 95], axis=0) for name, s in schedules.items()}
    every = np.concatenate([b.ravel() for b in bands.values()]) if bands else np.ones(1)
    positive = every[every > 0] if (every > 0).any() else np.ones(1)
    traces = []
    for strategy, s in schedules.items():
        lo, mid, hi = bands[strategy]
        traces.append(
            dict(
                type="scatter",
                x=np.arange(1, s.shape[1] + 1),
                y=mid,
                mode="lines+markers",
                name=strategy,
                line=dict(color=STRATEGY_COLOURS.get(strategy, theme.GREY)),
                error_y=dict(type="data", symmetric=False, array=hi - mid, arrayminus=mid - lo, thickness=1),
            )
        )
    return _on(
        _sleeps_frame(config.UI_FIGURE_HEIGHT),
        traces,
        yaxis=figures.log_axis("sleep before it", "ms", positive.min(), positive.max()),
    )


# --- retry storms -----------------------------------------------------------------------


def storm_timeline(result: StormResult, bin_s: float | None = None) -> go.Figure:
    """Offered load, goodput and server throughput over time, and the queue; the trigger shaded.

    Parameters
    ----------
    result : StormResult
        From :func:`kit.reliability.retry_storm`.
    bin_s : float, optional
        Width of the rate bins, seconds (default: 90 bins over the run).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    tl = result.run.timeline(bin_s if bin_s is not None else result.horizon_s / 90)
    verdict = "recovers" if result.recovered else "stays down: metastable failure"
    fig = _stacked(f"{result.policy}: the system {verdict}")
    for name, column, colour, dash in (
        ("offered load (attempts/s)", "offered", theme.VERMILLION, "solid"),
        ("of which retries", "retries", theme.ORANGE, "dot"),
        ("server throughput", "throughput", theme.GREY, "dash"),
        ("goodput (answered in time)", "goodput", theme.GREEN, "solid"),
    ):
        fig.add_scatter(x=tl.t_s, y=tl[column], name=name, line=dict(color=colour, dash=dash), row=1, col=1)
    fig.add_hline(y=result.capacity, line=dict(color=theme.BLACK, dash="dot"), row=1, col=1)
    fig.add_annotation(
        x=0,
        y=result.capacity,
        xanchor="left",
        yanchor="bottom",
        text="capacity",
        showarrow=False,
        row=1,
        col=1,
    )
    state = result.run.state()
    fig.add_scatter(
        x=state.t_s, y=state.waiting, name="waiting in the queue", line=dict(color=theme.BLUE), row=2, col=1
    )
    for row in (1, 2):
        fig.add_vrect(
            x0=result.trigger_at_s,
            x1=result.trigger_at_s + result.trigger_s,
            fillcolor=theme.YELLOW,
            opacity=0.3,
            line_width=0,
            row=row,
            col=1,
        )
    fig.update_yaxes(figures.axis("load", "requests/s", rangemode="tozero"), row=1, col=1)
    fig.update_yaxes(figures.axis("queued", "requests", rangemode="tozero"), row=2, col=1)
    fig.update_xaxes(figures.axis("time", "s; shaded: the trigger"), row=2, col=1)
    return fig


def phase(table: pd.DataFrame) -> go.Figure:
    """Recovers (green) or stays down (vermillion) per trigger size and retry policy.

    ``table`` is :func:`~kit.reliability.phase_diagram`'s; each cell shows
    the goodput at the end of the run.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`kit.reliability.phase_diagram`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    policies = list(dict.fromkeys(table.policy))
    rates = sorted(set(table.trigger_rate))
    grid = table.pivot(index="policy", columns="trigger_rate", values="recovered").loc[policies, rates]
    goodput = table.pivot(index="policy", columns="trigger_rate", values="goodput_per_s").loc[policies, rates]
    fig = theme.figure(
        title="After the trigger: does the system recover? (number: goodput at the end, req/s)",
        xaxis=dict(title="load during the 10 s trigger (req/s)", type="category"),
        yaxis=dict(title="", autorange="reversed"),
        height=120 + 45 * len(policies),
        margin=dict(l=200),
    )
    fig.add_heatmap(
        x=[f"{r:g}" for r in rates],
        y=policies,
        z=grid.to_numpy().astype(float),
        zmin=0,
        zmax=1,
        colorscale=[[0.0, theme.VERMILLION], [0.5, theme.VERMILLION], [0.5, theme.GREEN], [1.0, theme.GREEN]],
        showscale=False,
        text=np.round(goodput.to_numpy()).astype(int).astype(str),
        texttemplate="%{text}",
        hovertemplate="%{y}<br>trigger %{x} req/s<br>goodput after: %{text} req/s<extra></extra>",
        xgap=2,
        ygap=2,
    )
    return fig


# --- breakers and bulkheads ------------------------------------------------------------------


def _state_strip(t_s: np.ndarray, states: pd.Series, bin_s: float) -> tuple[dict, list[dict]]:
    """The breaker's state as one coloured strip (top row), a label on each stretch with room (no legend)."""
    strip = dict(
        type="bar",
        x=t_s,
        y=np.ones(len(t_s)),
        marker=dict(color=[STATE_COLOURS.get(s, theme.MUTED) for s in states], line=dict(width=0)),
        width=bin_s,
        offset=0,
        hovertext=list(states),
        hoverinfo="text+x",
        showlegend=False,
        xaxis="x",
        yaxis="y",
    )
    change = np.flatnonzero(np.r_[True, states.to_numpy()[1:] != states.to_numpy()[:-1], True])
    span = (t_s[-1] - t_s[0] + bin_s) if len(t_s) else 1.0
    labels = [
        dict(
            x=t_s[a] + (b - a) * bin_s / 2,
            y=0.5,
            text=str(states.iloc[a]).replace("_", " "),
            showarrow=False,
            font=dict(color="white", size=12),
            xref="x",
            yref="y",
        )
        for a, b in pairwise(change)
        if (b - a) * bin_s >= 0.08 * span  # room for the word
    ]
    return strip, labels


@functools.lru_cache(maxsize=1)
def _breaker_frame() -> dict:
    """:func:`breaker_timeline`'s rows and axes, built once: only its data, title and labels change."""
    fig = _stacked(
        "", rows=3, height=200, titles=("the breaker's state", "what callers got", "how long callers waited")
    )
    fig.update_layout(bargap=0)
    fig.update_yaxes(showticklabels=False, range=[0, 1], row=1, col=1)
    fig.update_yaxes(figures.axis("calls", "per s", rangemode="tozero"), row=2, col=1)
    fig.update_yaxes(figures.axis("mean wait", "s", rangemode="tozero"), row=3, col=1)
    fig.update_xaxes(figures.axis("time", "s; shaded: the dependency is degraded"), row=3, col=1)
    return fig.layout.to_plotly_json()


def breaker_timeline(result: BreakerResult, bin_s: float = 5.0) -> go.Figure:
    """Breaker state, what callers got, and how long they waited, over time; the fault shaded.

    Parameters
    ----------
    result : BreakerResult
        From :func:`kit.reliability.breaker_demo`.
    bin_s : float
        Width of the bins, seconds.

    Returns
    -------
    plotly.graph_objects.Figure
        Three rows: the breaker's state (a strip labelled CLOSED, OPEN,
        HALF OPEN), calls per second by outcome, and the callers' mean wait.
    """
    tl = result.run.timeline(bin_s)
    states = tl.breaker.fillna(0).astype(int).map(STATES)
    if result.breaker == "none":
        states = pd.Series(["no breaker"] * len(tl))
    t_s = tl.t_s.to_numpy()
    strip, labels = _state_strip(t_s, states, bin_s)
    outcomes = [
        dict(type="scatter", x=t_s, y=tl[column].to_numpy(), name=name, xaxis="x2", yaxis="y2")
        | dict(line=dict(color=colour, dash=dash))
        for name, column, colour, dash in (
            ("answered", "goodput", theme.BLUE, "solid"),
            ("failed fast (breaker open)", "short_circuited", theme.ORANGE, "solid"),
            ("timed out", "timeouts", theme.VERMILLION, "solid"),
            ("errors", "errors", theme.PURPLE, "solid"),
            ("dependency's work", "throughput", theme.GREY, "dash"),
        )
    ]
    edges = np.arange(0.0, result.horizon_s + bin_s, bin_s)
    sums = np.histogram(result.run.arrive_s, edges, weights=np.nan_to_num(result.run.response_s))[0]
    counts = np.histogram(result.run.arrive_s, edges)[0]
    wait = dict(
        type="scatter",
        x=edges[:-1],
        y=np.where(counts > 0, sums / np.maximum(counts, 1), np.nan),
        name="mean wait of callers",
        line=dict(color=theme.SKY),
        showlegend=False,
        xaxis="x3",
        yaxis="y3",
    )
    fault = dict(  # plain shapes: add_vrect's subplot bookkeeping costs more than the figure
        type="rect",
        x0=result.degrade_start_s,
        x1=result.degrade_end_s,
        xref="x",
        y0=0,
        y1=1,
        fillcolor=theme.YELLOW,
        opacity=0.25,
        line=dict(width=0),
        layer="below",
    )
    frame = _breaker_frame()
    return _on(
        frame,
        [strip, *outcomes, wait],
        title=dict(text=f"Breaker: {result.breaker}"),
        annotations=[*frame["annotations"], *labels],
        shapes=[fault | dict(yref=f"y{row} domain" if row > 1 else "y domain") for row in (1, 2, 3)],
    )


def breaker_outcomes(table: pd.DataFrame) -> go.Figure:
    """Per breaker choice: answers and fallbacks during the fault, how long callers waited, the recovery.

    A fallback stands in for a failed call whether or not a breaker failed it:
    the shares answered are alike; the wait and the recovery tell the choices apart.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`kit.reliability.breaker_comparison`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = _side_by_side(
        "Fail fast, fall back, recover",
        ("callers answered during the fault", "their mean wait", "recovery after the repair"),
    )
    fig.update_layout(barmode="group")
    fig.add_bar(
        x=table.breaker,
        y=table.success_during,
        name="dependency answered",
        marker_color=theme.BLUE,
        row=1,
        col=1,
    )
    fig.add_bar(
        x=table.breaker,
        y=table.with_fallback_during,
        name="answered or stale value (fallback)",
        marker_color=theme.GREEN,
        row=1,
        col=1,
    )
    for col, column, colour in ((2, "latency_during_s", theme.GREY), (3, "recovered_after_s", theme.ORANGE)):
        fig.add_bar(x=table.breaker, y=table[column], marker_color=colour, showlegend=False, row=1, col=col)
    fig.update_yaxes(title="share of calls", tickformat=".0%", range=[0, 1.05], row=1, col=1)
    fig.update_yaxes(title="wait (s)", row=1, col=2)
    fig.update_yaxes(title="seconds after the repair", row=1, col=3)
    return fig


@functools.lru_cache(maxsize=1)
def _summary_frame() -> dict:
    """:func:`breaker_summary`'s two panels and axes, built once: only the bars and the title change."""
    fig = _side_by_side("", ("answered, by the dependency or a fallback", "mean wait of callers"), 340)
    fig.update_layout(barmode="group")
    fig.update_yaxes(figures.axis("calls", "%", tickformat=".0%", range=[0, 1.05]), row=1, col=1)
    fig.update_yaxes(figures.axis("wait", "s"), row=1, col=2)
    return fig.layout.to_plotly_json()


def breaker_summary(result: BreakerResult, baseline: BreakerResult | None = None) -> go.Figure:
    """What callers got during the fault and after the repair, with this breaker and without one.

    A fallback stands in for any failed call, so the shares answered are
    alike with and without a breaker; the wait, and how soon answers return
    after the repair, tell them apart. Hover gives the shares failed fast
    and timed out.

    Parameters
    ----------
    result : BreakerResult
        From :func:`kit.reliability.breaker_demo`.
    baseline : BreakerResult, optional
        The same scenario without a breaker (``breaker="none"``), drawn beside it.

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels: the share of calls answered (by the dependency or a
        fallback), and the callers' mean wait (s), per phase.
    """
    runs = [r for r in (baseline, result) if r is not None]
    if baseline is not None and baseline.breaker == result.breaker:
        runs = [result]
    names = [("no breaker" if r.breaker == "none" else f"breaker: {r.breaker}") for r in runs]
    phases = ("during the fault", "after the repair")
    bars = []
    for run, name in zip(runs, names, strict=True):
        seen = [
            run.outcomes(run.degrade_start_s, run.degrade_end_s),
            run.outcomes(run.degrade_end_s, run.horizon_s),
        ]
        hover = [
            f"{p['success']:.0%} by the dependency, {p['fast_failed']:.0%} failed fast, "
            f"{p['timed_out']:.0%} timed out"
            for p in seen
        ]
        colour = theme.GREY if run.breaker == "none" else theme.BLUE
        bar = dict(
            type="bar", x=phases, name=name, marker=dict(color=colour), hovertext=hover, legendgroup=name
        )
        bars += [
            bar | dict(y=[p["with_fallback"] for p in seen], showlegend=True, xaxis="x", yaxis="y"),
            bar | dict(y=[p["mean_latency_s"] for p in seen], showlegend=False, xaxis="x2", yaxis="y2"),
        ]
    return _on(_summary_frame(), bars, title=dict(text=f"Callers' view: {' against '.join(reversed(names))}"))


def bulkheads(shared: BulkheadResult, isolated: BulkheadResult, bin_s: float = 2.0) -> go.Figure:
    """Success rate of calls to A (healthy) and B (slowed) over time: one shared pool vs a pool each.

    Parameters
    ----------
    shared, isolated : BulkheadResult
        From :func:`kit.reliability.bulkhead_demo` with one shared pool and with a pool each.
    bin_s : float
        Width of the bins, seconds.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = _stacked(
        "Bulkheads: B slows down (shaded). Do calls to A survive?",
        titles=("one pool shared by A and B", "a pool per dependency"),
    )
    for row, result, label in ((1, shared, "one shared pool"), (2, isolated, "a pool per dependency")):
        for dep, name, colour in ((0, "A (healthy)", theme.BLUE), (1, "B (slowed)", theme.VERMILLION)):
            tl = result.timeline(dep, bin_s)
            total = tl.goodput + tl.timeouts + tl.rejected + tl.errors
            fig.add_scatter(
                x=tl.t_s,
                y=np.where(total > 0, tl.goodput / np.maximum(total, 1e-12), np.nan),
                name=f"{name}, {label}",
                line=dict(color=colour, dash="solid" if row == 1 else "dash"),
                row=row,
                col=1,
            )
        fig.add_vrect(
            x0=result.slow_start_s,
            x1=result.slow_end_s,
            fillcolor=theme.YELLOW,
            opacity=0.3,
            line_width=0,
            row=row,
            col=1,
        )
        fig.update_yaxes(
            title_text="share of calls answered", tickformat=".0%", range=[0, 1.05], row=row, col=1
        )
    fig.update_xaxes(title_text="time (s)", row=2, col=1)
    return fig


# --- health checks ------------------------------------------------------------------------------


def detection(results: dict) -> go.Figure:
    """Per probe setting: seconds to remove a dead instance (and theory) vs accidental removals a day.

    Parameters
    ----------
    results : dict
        Name -> :func:`kit.reliability.detection`'s result.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    names = list(results)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("seconds to remove a dead instance", "healthy instances removed per day"),
    )
    fig.update_layout(
        template=theme.TEMPLATE, title="Health checks: detect fast, or remove by mistake", height=380
    )
    fig.add_bar(
        x=names,
        y=[results[n].mean_detect_s for n in names],
        name="simulated",
        marker_color=theme.BLUE,
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=names,
        y=[results[n].probe.expected_detect_s(results[n].hang) for n in names],
        mode="markers",
        name="interval/2 + (threshold-1) interval + timeout",
        marker=dict(color=theme.THEORY, symbol="line-ew-open", size=30, line=dict(width=2)),
        row=1,
        col=1,
    )
    fig.add_bar(
        x=names,
        y=[results[n].false_removals_per_day for n in names],
        name="accidental removals",
        marker_color=theme.ORANGE,
        row=1,
        col=2,
    )
    fig.update_yaxes(title="seconds", row=1, col=1)
    fig.update_yaxes(title="removals per day", row=1, col=2)
    return fig


# --- availability and SLOs ----------------------------------------------------------------------------


def architectures(blocks: dict, days: float = 30.0, slo: float | None = None) -> go.Figure:
    """Availability (as nines) and downtime per ``days`` for named architectures (name -> block).

    Parameters
    ----------
    blocks : dict
        Name -> block (e.g. :func:`kit.reliability.designs`).
    days : float
        The period for the downtime, days.
    slo : float, optional
        An objective to mark, between 0 and 1.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    names = list(blocks)
    a = np.array([avail.availability(b) for b in blocks.values()])
    shown = avail.nines(a)
    top = max(float(np.max(shown)), float(avail.nines(slo)) if slo is not None else 0.0)
    fig = theme.figure(
        title=f"Availability and downtime per {days:g} days",
        xaxis=figures.axis("availability", "nines: −log10(1 − availability)", range=[0, top * 1.08]),
        yaxis=dict(title="", autorange="reversed"),
        height=140 + 40 * len(names),
        margin=dict(l=190),
    )
    if slo is not None:
        x = float(avail.nines(slo))
        right = x > 0.6 * top  # the label points into the plot, never past its edge
        fig.add_shape(_line("x", "paper", x=(x, x), color=theme.VERMILLION, dash="dash"))
        fig.add_annotation(
            x=x,
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            xanchor="right" if right else "left",
            showarrow=False,
            text=f"SLO {slo:.4g}: {float(avail.downtime_min(slo, days)):.1f} min",
            font=dict(color=theme.VERMILLION),
        )
    fig.add_bar(
        y=names,
        x=avail.nines(a),
        orientation="h",
        marker_color=theme.BLUE,
        text=[f"{x:.4%} · {m:.1f} min" for x, m in zip(a, avail.downtime_min(a, days), strict=True)],
        textposition="auto",
        name="availability",
    )
    return fig


def _percent_format(top: float) -> str:
    """A tick format with enough decimals to tell ticks apart on a 0..top axis of fractions."""
    step = top / 5 if top > 0 else 0.01  # plotly draws about five ticks
    decimals = max(0, math.ceil(-math.log10(step * 100)))
    return f".{decimals}~%"


def _line(xref: str, yref: str, x=(0, 1), y=(0, 1), **line) -> dict:
    """A straight line shape from (x0, y0) to (x1, y1) in the given references."""
    return dict(type="line", x0=x[0], x1=x[1], y0=y[0], y1=y[1], xref=xref, yref=yref, line=line)


def _burn_curve(fig: go.Figure, x, burn, fires, rule: str, colour: str, lo: float) -> None:
    """One rule's burn rate, its first firing starred, the minutes to it in the legend."""
    first = int(np.argmax(fires)) if fires.any() else None
    when = f"fires after {x[first] * 60:,.0f} min" if first is not None else "does not fire"
    name = f"{rule}: {when}"
    curve = dict(name=name, legendgroup=rule, row=2, col=1)
    fig.add_scatter(x=x, y=np.where(burn > 0, burn, np.nan), line=dict(color=colour), **curve)
    if first is not None:
        star = dict(color=colour, size=11, symbol="star")
        hover = f"{when}<extra>{rule}</extra>"
        fig.add_scatter(
            x=[x[first]],
            y=[max(burn[first], lo)],
            mode="markers",
            marker=star,
            showlegend=False,
            hovertemplate=hover,
            **curve,
        )


def burn_alerts(table: pd.DataFrame, slo: float) -> go.Figure:
    """Error rate, the burn rate of each rule's long window with its threshold, and when each first fires.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`kit.reliability.evaluate_alerts`.
    slo : float
        The objective the table was evaluated for.

    Returns
    -------
    plotly.graph_objects.Figure
        Time runs from the start of the errors (dashed); each rule's first
        firing is a star, and its legend entry says how many minutes after
        the start it came (the rules are evaluated once per step, so a rule
        fires at the first step after its detection time).
    """
    rules = [c.removeprefix("burn ") for c in table.columns if c.startswith("burn ")]
    hours = table.t_min.to_numpy() / 60.0
    step_h = float(hours[1] - hours[0]) if len(table) > 1 else float(hours[0])
    erring = np.flatnonzero(table.error_rate.to_numpy() > 0)
    start_h = float(hours[erring[0]]) - step_h if erring.size else 0.0
    x = hours - start_h  # the clock starts with the errors: "fires after 44 min" reads off the axis
    peak = float(table.error_rate.max())
    title = f"Burn-rate alerts for a {slo:.3%} SLO"
    if erring.size:
        title += f": {peak * 100:.3g}% of requests fail for {erring.size * step_h:g} h from time 0"
    burns = table[[f"burn {rule}" for rule in rules]].to_numpy()
    if not table[[f"fires {rule}" for rule in rules]].to_numpy().any():  # say why the figure has no page
        title += f": no rule fires (burn rates peak at {float(burns.max()):.3g}x)"
    fig = _stacked(
        title + "<br><sup>dotted: the SLO's error budget (top), each rule's threshold (bottom); "
        "★ where a rule first fires</sup>"
    )
    fig.update_layout(margin=dict(t=90))
    fig.add_scatter(
        x=x, y=table.error_rate, name="error rate", line=dict(color=theme.VERMILLION), row=1, col=1
    )
    colours = [theme.BLUE, theme.ORANGE, theme.GREEN, theme.PURPLE]
    positive = burns[burns > 0]
    thresholds = [WORKBOOK_THRESHOLDS[r] for r in rules if r in WORKBOOK_THRESHOLDS]
    lo = min(0.1, max(1e-3, float(positive.min()))) if positive.size else 0.1
    hi = max([1.0, *thresholds, float(burns.max()) if burns.size else 1.0])
    # plain shapes: add_hline's subplot bookkeeping costs more than the figure
    shapes = [_line("x domain", "y", y=(1.0 - slo,) * 2, color=theme.BLACK, dash="dot")]
    if erring.size:
        shapes += [
            _line("x", ref, x=(0, 0), color=theme.GREY, dash="dash", width=1)
            for ref in ("y domain", "y2 domain")
        ]
    for rule, colour in zip(rules, colours, strict=False):
        _burn_curve(
            fig, x, table[f"burn {rule}"].to_numpy(), table[f"fires {rule}"].to_numpy(), rule, colour, lo
        )
        if rule in WORKBOOK_THRESHOLDS:
            y = (WORKBOOK_THRESHOLDS[rule],) * 2
            shapes.append(_line("x2 domain", "y2", y=y, color=colour, dash="dot", width=1))
    fig.update_layout(shapes=shapes)
    fig.update_yaxes(
        figures.axis(
            "error rate",
            "%",
            tickformat=_percent_format(max(peak, 1.0 - slo)),
            range=[0, 1.1 * max(peak, 1.0 - slo)],
        ),
        row=1,
        col=1,
    )
    fig.update_yaxes(figures.log_axis("burn rate", "× budget", lo, hi * 1.5), row=2, col=1)
    clock = "since the errors start" if erring.size else "time"
    fig.update_xaxes(figures.axis(clock, "h"), row=2, col=1)
    return fig
