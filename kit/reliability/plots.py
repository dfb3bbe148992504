"""Figures of the reliability lab: pure functions, result -> figure."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..core.policies import STATES
from ..ui import theme
from . import availability as avail
from .backoff import BROOKER_2015, STRATEGIES
from .resilience import BreakerResult, BulkheadResult
from .storms import StormResult

STRATEGY_COLOURS = dict(
    zip(STRATEGIES, [theme.VERMILLION, theme.BLACK, theme.BLUE, theme.ORANGE, theme.GREEN], strict=True)
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


def _stacked(title: str, rows: int = 2, height: int = 260, titles=None) -> go.Figure:
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.09, subplot_titles=titles)
    fig.update_layout(template=theme.TEMPLATE, title=title)
    return _legend_below(fig, rows * height + 130)


def _side_by_side(title: str, titles, height: int = 380) -> go.Figure:
    fig = make_subplots(rows=1, cols=len(titles), subplot_titles=titles, horizontal_spacing=0.1)
    fig.update_layout(template=theme.TEMPLATE, title=title)
    return _legend_below(fig, height + 80)


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
    fig.update_xaxes(title_text="clients")
    fig.update_yaxes(title_text="write calls", row=1, col=1)
    fig.update_yaxes(title_text="completion (s)", type="log", row=1, col=2)
    return fig


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
    fig = _side_by_side(
        f"{clients} clients: every run, every strategy", ("write calls per run", "completion per run (s)")
    )
    fig.update_layout(showlegend=False, height=400, margin=dict(b=50))
    for r in results:
        colour = STRATEGY_COLOURS[r.strategy]
        fig.add_box(y=r.calls_per_run, name=r.strategy, marker_color=colour, boxmean=True, row=1, col=1)
        fig.add_box(
            y=r.completion_per_run / 1000.0, name=r.strategy, marker_color=colour, boxmean=True, row=1, col=2
        )
    fig.update_yaxes(title="write calls", row=1, col=1)
    fig.update_yaxes(title="completion (s)", type="log", row=1, col=2)
    return fig


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
    fig = theme.figure(
        title="How long does each strategy sleep before retry k?",
        xaxis=dict(title="retry k", dtick=1),
        yaxis=dict(title="sleep (ms)", type="log"),
    )
    for strategy, s in schedules.items():
        k = np.arange(1, s.shape[1] + 1)
        lo, mid, hi = np.percentile(s, [5, 50, 95], axis=0)
        colour = STRATEGY_COLOURS.get(strategy, theme.GREY)
        fig.add_scatter(
            x=k,
            y=mid,
            mode="lines+markers",
            name=strategy,
            line=dict(color=colour),
            error_y=dict(type="data", symmetric=False, array=hi - mid, arrayminus=mid - lo, thickness=1),
        )
    return fig


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
    fig.update_yaxes(title_text="requests/s", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="requests", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text="time (s); shaded: the trigger", row=2, col=1)
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
    """
    tl = result.run.timeline(bin_s)
    fig = _stacked(f"Breaker: {result.breaker}", rows=3, height=200)
    states = tl.breaker.fillna(0).astype(int).map(STATES)
    for state, colour in STATE_COLOURS.items():
        fig.add_bar(
            x=tl.t_s,
            y=(states == state).astype(float),
            name=state,
            marker_color=colour,
            width=bin_s,
            offset=0,
            row=1,
            col=1,
        )
    for name, column, colour in (
        ("answered", "goodput", theme.GREEN),
        ("failed fast (breaker open)", "short_circuited", theme.ORANGE),
        ("timed out", "timeouts", theme.VERMILLION),
        ("errors", "errors", theme.PURPLE),
    ):
        fig.add_scatter(x=tl.t_s, y=tl[column], name=name, line=dict(color=colour), row=2, col=1)
    fig.add_scatter(
        x=tl.t_s,
        y=tl.throughput,
        name="dependency's work",
        line=dict(color=theme.GREY, dash="dash"),
        row=2,
        col=1,
    )
    latency = result.run.response_s
    edges = np.arange(0.0, result.horizon_s + bin_s, bin_s)
    sums = np.histogram(result.run.arrive_s, edges, weights=np.nan_to_num(latency))[0]
    counts = np.histogram(result.run.arrive_s, edges)[0]
    fig.add_scatter(
        x=edges[:-1],
        y=np.where(counts > 0, sums / np.maximum(counts, 1), np.nan),
        name="mean wait of callers (s)",
        line=dict(color=theme.BLUE),
        row=3,
        col=1,
    )
    for row in (1, 2, 3):
        fig.add_vrect(
            x0=result.degrade_start_s,
            x1=result.degrade_end_s,
            fillcolor=theme.YELLOW,
            opacity=0.25,
            line_width=0,
            layer="below",
            row=row,
            col=1,
        )
    fig.update_layout(barmode="stack", bargap=0)
    fig.update_yaxes(title_text="state", showticklabels=False, range=[0, 1], row=1, col=1)
    fig.update_yaxes(title_text="calls/s", rangemode="tozero", row=2, col=1)
    fig.update_yaxes(title_text="wait (s)", rangemode="tozero", row=3, col=1)
    fig.update_xaxes(title_text="time (s); shaded: the dependency is degraded", row=3, col=1)
    return fig


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


def breaker_summary(result: BreakerResult) -> go.Figure:
    """What callers got during the fault and after the repair: answers, fallbacks, fast failures, waits.

    Parameters
    ----------
    result : BreakerResult
        From :func:`kit.reliability.breaker_demo`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    phases = {
        "during the fault": result.outcomes(result.degrade_start_s, result.degrade_end_s),
        "after the repair": result.outcomes(result.degrade_end_s, result.horizon_s),
    }
    fig = _side_by_side(f"Callers' view, breaker: {result.breaker}", ("share of calls", "mean wait (s)"), 340)
    for key, name, colour in (
        ("success", "answered", theme.BLUE),
        (
            "with_fallback",
            f"answered or fallback (a stale value for {result.fallback_hit:.0%} of failures)",
            theme.GREEN,
        ),
        ("fast_failed", "failed fast", theme.ORANGE),
        ("timed_out", "timed out", theme.VERMILLION),
    ):
        fig.add_bar(
            x=list(phases), y=[p[key] for p in phases.values()], name=name, marker_color=colour, row=1, col=1
        )
    fig.add_bar(
        x=list(phases),
        y=[p["mean_latency_s"] for p in phases.values()],
        name="mean wait",
        marker_color=theme.GREY,
        showlegend=False,
        row=1,
        col=2,
    )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="share of calls", tickformat=".0%", range=[0, 1.05], row=1, col=1)
    fig.update_yaxes(title="wait (s)", row=1, col=2)
    return fig


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
    fig = theme.figure(
        title=f"Availability and downtime per {days:g} days",
        xaxis=dict(title="nines: -log10(1 - availability)"),
        yaxis=dict(title="", autorange="reversed"),
        height=140 + 40 * len(names),
        margin=dict(l=190),
    )
    if slo is not None:
        fig.add_vline(
            x=float(avail.nines(slo)),
            line=dict(color=theme.VERMILLION, dash="dash"),
            annotation_text=f"SLO {slo:.4g}: {float(avail.downtime_min(slo, days)):.1f} min",
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
        The start of the errors is marked; each rule's first firing is
        labelled with the minutes since then (the rules are evaluated once
        per step, so a rule fires at the first step after its detection time).
    """
    rules = [c.removeprefix("burn ") for c in table.columns if c.startswith("burn ")]
    hours = table.t_min / 60.0
    step_h = float(hours.iloc[1] - hours.iloc[0]) if len(table) > 1 else float(hours.iloc[0])
    erring = np.flatnonzero(table.error_rate.to_numpy() > 0)
    start_h = float(hours.iloc[erring[0]]) - step_h if erring.size else None
    peak = float(table.error_rate.max())
    title = f"Burn-rate alerts for a {slo:.3%} SLO"
    if start_h is not None:
        title += f": {peak * 100:.3g}% of requests fail from hour {start_h:g}"
    fig = _stacked(title)
    fig.add_scatter(
        x=hours, y=table.error_rate, name="error rate", line=dict(color=theme.VERMILLION), row=1, col=1
    )
    fig.add_hline(y=1.0 - slo, line=dict(color=theme.BLACK, dash="dot"), row=1, col=1)
    if start_h is not None:
        for row in (1, 2):
            fig.add_vline(x=start_h, line=dict(color=theme.GREY, dash="dash", width=1), row=row, col=1)
    colours = [theme.BLUE, theme.ORANGE, theme.GREEN, theme.PURPLE]
    top = 1.0
    for rule, colour in zip(rules, colours, strict=False):
        burn = table[f"burn {rule}"]
        top = max(top, float(burn.max()))
        fig.add_scatter(x=hours, y=burn, name=f"burn rate, {rule}", line=dict(color=colour), row=2, col=1)
        threshold = WORKBOOK_THRESHOLDS.get(rule)
        if threshold is not None:
            fig.add_hline(y=threshold, line=dict(color=colour, dash="dot", width=1), row=2, col=1)
        fires = table[f"fires {rule}"].to_numpy()
        if fires.any():
            first = int(np.argmax(fires))
            at_h = float(hours.iloc[first])
            after = f"{(at_h - start_h) * 60:.0f} min after the errors start" if start_h is not None else ""
            fig.add_annotation(
                x=at_h,
                y=float(
                    np.log10(max(burn.iloc[first], 1e-3))
                ),  # a log axis places annotations in log10 units
                text=f"fires {after} (hour {at_h:.2f})",
                showarrow=True,
                arrowhead=2,
                ax=40,
                ay=-25,
                font=dict(color=colour),
                row=2,
                col=1,
            )
    if not table[[f"fires {rule}" for rule in rules]].to_numpy().any():  # say why the figure has no page
        peak_burn = float(table[[f"burn {rule}" for rule in rules]].to_numpy().max())
        fig.update_layout(title_text=f"{title}: no rule fires (burn rates peak at {peak_burn:.3g}x)")
    fig.update_yaxes(
        title_text="error rate",
        tickformat=_percent_format(max(peak, 1.0 - slo)),
        rangemode="tozero",
        row=1,
        col=1,
    )
    fig.update_yaxes(
        title_text="burn rate (x budget); dotted: thresholds",
        type="log",
        range=[-1, np.log10(top) + 0.3],
        row=2,
        col=1,
    )
    fig.update_xaxes(title_text="hours; dashed: the errors start", row=2, col=1)
    return fig
