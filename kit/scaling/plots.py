"""Figures of the scaling-out lab: pure functions, result -> figure."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..ui import figures, theme
from . import balancing
from .autoscaling import AutoscaleResult
from .balancing import BalanceResult
from .usl import USLFit, usl

POLICY_COLOURS = dict(
    zip(
        balancing.POLICIES,
        theme.colours(len(balancing.POLICIES)),
        strict=True,
    )
)


def _legend_below(height: int) -> dict:
    """Many traces: the legend goes under the x-axis title, where it has room (not over the title)."""
    plot_px = height - 80 - 140  # the template's top margin, and the bottom margin set here
    return dict(
        height=height,
        legend=dict(orientation="h", yanchor="top", y=-70 / plot_px, x=0.0, xanchor="left"),
        margin=dict(b=140),
    )


@functools.lru_cache(maxsize=16)
def _grid(titles: tuple, rows: int, cols: int, height: int, options: tuple) -> go.Figure:
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, **dict(options))
    return fig.update_layout(template=theme.TEMPLATE, **_legend_below(height))


def _subplots(title: str, titles, rows: int = 1, cols: int = 2, height: int = 460, **kwargs) -> go.Figure:
    """A copy of the grid, built once per layout: make_subplots is most of a small figure's build time."""
    fig = go.Figure(_grid(tuple(titles), rows, cols, height, tuple(sorted(kwargs.items()))))
    return fig.update_layout(title=title)


def _span(values) -> tuple[float, float]:
    """The smallest and largest positive finite value: a log axis' range."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    return (float(v.min()), float(v.max())) if v.size else (1.0, 10.0)


# --- the Universal Scalability Law ------------------------------------------------------------


def usl_fit(fit: USLFit, title: str | None = None, n_max: float | None = None) -> go.Figure:
    """Measured points, the USL fit with its 95% band, Amdahl (the same sigma, kappa = 0) and linear."""
    top = float(
        max(fit.n.max(), min(2.0 * fit.peak_n, 4.0 * fit.n.max()) if np.isfinite(fit.peak_n) else 0.0)
    )
    top = n_max if n_max is not None else max(top, fit.n.max() * 1.5)
    n = np.linspace(1.0, top, 200)
    band = fit.band(n)
    fig = theme.figure(
        title=title or f"USL fit: sigma={fit.sigma:.3g}, kappa={fit.kappa:.3g}, peak at n*={fit.peak_n:.3g}",
        xaxis=figures.axis("concurrency n", "workers, processes or clients"),
        yaxis=figures.axis("throughput", "operations/s, as measured", rangemode="tozero"),
    )
    fig.add_scatter(
        x=n,
        y=fit.lam * n,
        mode="lines",
        name="linear (lam n)",
        line=dict(color=theme.GREY, dash="dot"),
    )
    fig.add_scatter(
        x=n,
        y=usl(n, fit.sigma, 0.0, fit.lam),
        mode="lines",
        name="Amdahl (kappa = 0)",
        line=dict(color=theme.ORANGE, dash="dash"),
    )
    fig.add_scatter(
        x=np.r_[band.n, band.n[::-1]],
        y=np.r_[band.hi, band.lo[::-1]],
        fill="toself",
        fillcolor="rgba(0,114,178,0.15)",
        line=dict(width=0),
        name=f"{fit.level:.0%} band of the fit",
        hoverinfo="skip",
    )
    fig.add_scatter(x=band.n, y=band.throughput, mode="lines", name="USL fit", line=dict(color=theme.BLUE))
    fig.add_scatter(
        x=fit.n, y=fit.throughput, mode="markers", name="measured", marker=dict(color=theme.BLACK, size=7)
    )
    if np.isfinite(fit.peak_n) and fit.peak_n <= top:
        fig.add_vline(x=fit.peak_n, line=dict(color=theme.GREY, dash="dot"))
        fig.add_annotation(
            x=fit.peak_n, y=fit.peak_throughput, text=f"peak n*={fit.peak_n:.3g}", showarrow=True, ay=-30
        )
    upper = max(float(fit.throughput.max()), float(band.throughput.max())) * 1.25
    fig.update_yaxes(range=[0.0, upper])
    return fig


# --- load balancing -------------------------------------------------------------------------------


def _theory_ms(policy: str, utilisations, servers: int, service_ms: float, d: int = 2) -> np.ndarray:
    return np.array([balancing.theory_mean(policy, float(u), servers, d) * service_ms for u in utilisations])


FEATURED = ("random", "round_robin", "least_connections", "power_of_d", "stale_least_outstanding")
"""The policies drawn in colour when all of them do not fit the legend; the rest are grey, named on hover."""


def policies(
    table: pd.DataFrame,
    measure: str = "mean_ms",
    service_ms: float | None = None,
    servers=None,
    featured=FEATURED,
) -> go.Figure:
    """Response time (``measure``: "mean_ms" or "p99_ms") against utilisation, one line per policy.

    ``table`` is :func:`~kit.scaling.compare`'s. With ``service_ms`` and ``servers``
    (identical exponential servers) the mean-response theory is drawn thin and black:
    M/M/1 for random, GI/M/1 for round robin, the supermarket model for power of d.
    Beyond ``config.UI_LEGEND_MAX`` policies, those not in ``featured`` are grey.
    """
    label = "mean" if measure == "mean_ms" else "p99"
    theory = measure == "mean_ms" and service_ms is not None and isinstance(servers, int | np.integer)
    traces, theory_x, theory_y, theory_of = [], [], [], []  # one theory trace, NaN between policies
    policy, utilisation, value = (table[c].to_numpy() for c in ("policy", "utilisation", measure))
    for name in [p for p in balancing.POLICIES if p in set(policy)]:
        rows = np.flatnonzero(policy == name)
        rows = rows[np.argsort(utilisation[rows])]
        u = utilisation[rows]
        traces.append(
            dict(
                type="scatter",
                x=u,
                y=value[rows],
                mode="lines+markers",
                name=name,
                line=dict(color=POLICY_COLOURS[name]),
                marker=dict(size=6),
            )
        )
        expected = _theory_ms(name, u, int(servers), service_ms) if theory else np.array([np.nan])
        if np.all(np.isfinite(expected)):
            theory_x += [*u, np.nan]
            theory_y += [*expected, np.nan]
            theory_of += [name] * len(u) + [""]
    if theory_x:
        traces.append(
            dict(
                type="scatter",
                x=theory_x,
                y=theory_y,
                mode="lines",
                name="theory",
                text=theory_of,
                hovertemplate="%{text}: theory %{y:.3g} ms<extra></extra>",
                line=dict(color=theme.THEORY, width=1, dash="dot"),
                showlegend=False,  # named in the title: the legend keeps one entry per policy
            )
        )
    return theme.figure(
        data=figures.highlighted(traces, featured, others="other policies"),
        title=f"{label} response time as the servers fill up" + (" (dotted black: theory)" if theory else ""),
        xaxis=figures.axis("utilisation", "offered load / capacity", tickformat=".0%"),
        yaxis=figures.log_axis(f"{label} response", "ms", *_span(table[measure])),
        **_legend_below(520),
    )


def queue_lengths(results: dict[str, BalanceResult], k_max: int = 20) -> go.Figure:
    """Time-average distribution of requests at a server, one bar series per policy."""
    bars = []
    for name, r in results.items():
        q = r.queue_lengths()
        q = q[q.k <= k_max]
        colour = POLICY_COLOURS.get(name, theme.GREY)
        bars.append(
            dict(type="bar", x=q.k.to_numpy(), y=q.fraction.to_numpy(), name=name, marker_color=colour)
        )
    return theme.figure(
        data=bars,
        title="How many requests does a server hold? (share of server-time)",
        xaxis=figures.axis("requests at the server", "in service + waiting"),
        yaxis=figures.axis("share of server-time", "%", tickformat=".0%"),
        barmode="group",
    )


def servers(result: BalanceResult) -> go.Figure:
    """Per-server utilisation and p99: where a policy sends load when servers differ."""
    table = result.per_server
    fig = _subplots(
        f"{result.policy}: load and latency per server",
        ("utilisation", "p99 response (ms)"),
        height=380,
    )
    colours = [theme.VERMILLION if s < 1 else theme.BLUE for s in table.speed]
    fig.add_bar(x=table.server, y=table.utilisation, marker_color=colours, name="utilisation", row=1, col=1)
    fig.add_bar(x=table.server, y=table.p99_ms, marker_color=colours, name="p99", row=1, col=2)
    fig.update_xaxes(**figures.axis("server (red: slower)", "index"))
    fig.update_yaxes(**figures.axis("utilisation", "%", range=[0, 1.02], tickformat=".0%"), row=1, col=1)
    fig.update_yaxes(**figures.log_axis("p99 response", "ms", *_span(table.p99_ms)), row=1, col=2)
    fig.update_layout(showlegend=False)
    return fig


def herd(table: pd.DataFrame) -> go.Figure:
    """The herd effect: mean and p99 response against the age of the balancer's view."""
    fig = _subplots("Stale load information: the herd effect", ("mean response (ms)", "p99 response (ms)"))
    for name in [p for p in balancing.POLICIES if p in set(table.policy)]:
        part = table[table.policy == name].sort_values("refresh_ms")
        for col, y in ((1, part.mean_ms), (2, part.p99_ms)):
            fig.add_scatter(
                x=part.refresh_ms,
                y=y,
                mode="lines+markers",
                name=name,
                legendgroup=name,
                showlegend=col == 1,
                line=dict(color=POLICY_COLOURS[name]),
                row=1,
                col=col,
            )
    fig.update_xaxes(**figures.axis("view refreshed every", "ms"))
    fig.update_yaxes(**figures.log_axis("mean response", "ms", *_span(table.mean_ms)), row=1, col=1)
    fig.update_yaxes(**figures.log_axis("p99 response", "ms", *_span(table.p99_ms)), row=1, col=2)
    return fig


# --- autoscaling ---------------------------------------------------------------------------------


def day(result: AutoscaleResult, baseline: AutoscaleResult | None = None) -> go.Figure:
    """A day under the autoscaler: traffic against capacity, instances, and the minutes that miss the SLO."""
    tl = result.timeline
    fig = _subplots(
        "A day of traffic against target tracking",
        ("traffic and capacity", "instances: in service (solid), paid incl. warming up (dotted)"),
        rows=2,
        cols=1,
        height=660,
        shared_xaxes=True,
        vertical_spacing=0.1,
    )
    t_h = tl.t_h.to_numpy()
    missed = tl[tl.missed]

    def line(y, name, colour, legend=True, **style):  # one of the day's series
        return go.Scatter(
            x=t_h,
            y=np.asarray(y),
            mode="lines",
            name=name,
            showlegend=legend,
            line=dict(color=colour, **style),
        )

    top = [  # row 1: rates; row 2: instances
        line(tl.rate, "traffic", theme.PURPLE),
        line(tl.capacity_rps, "capacity in service (100% CPU)", theme.BLUE, shape="hv"),
        line(tl.in_service * result.slo_rate, "rate meeting the SLO", theme.GREEN, dash="dash", shape="hv"),
        go.Scatter(  # lists: plotly sends an empty numpy array as an array, not as typed bytes
            x=missed.t_h.tolist(),
            y=missed.rate.tolist(),
            mode="markers",
            name="minute missed the SLO",
            marker=dict(color=theme.VERMILLION, size=5),
        ),
    ]
    bottom = [
        line(tl.in_service, "in service", theme.SKY, legend=False, shape="hv"),
        line(
            tl.in_service + tl.warming,
            "paid (in service + warming up)",
            theme.ORANGE,
            legend=False,
            shape="hv",
            dash="dot",
        ),
    ]
    if baseline is not None:
        bottom.append(
            go.Scatter(
                x=baseline.timeline.t_h.to_numpy(),
                y=baseline.timeline.in_service.to_numpy(),
                mode="lines",
                name=f"fixed fleet ({baseline.instance_hours:.0f} instance-hours)",
                line=dict(color=theme.GREY, shape="hv"),
            )
        )
    rows = [1] * len(top) + [2] * len(bottom)
    fig.add_traces(
        top + bottom, rows=rows, cols=[1] * len(rows)
    )  # at once: plotly checks the figure per call
    s = result.summary()
    fig.update_layout(
        title=f"A day against target tracking: {s['slo_minutes_missed']:.0f} minutes missed the SLO, "
        f"{s['instance_hours']:.0f} instance-hours"
    )
    fig.update_xaxes(**figures.axis("time of day", "h"), row=2, col=1)
    fig.update_yaxes(**figures.axis("rate", "req/s"), row=1, col=1)
    fig.update_yaxes(**figures.axis("fleet", "instances"), row=2, col=1)
    return fig


def tradeoff(table: pd.DataFrame) -> go.Figure:
    """SLO minutes missed and instance-hours against warm-up, one line per target (``sweep``'s table)."""
    fig = _subplots(
        "Headroom and warm-up: what misses the SLO, what it costs", ("SLO minutes missed", "instance-hours")
    )
    traces = []
    for i, target in enumerate(sorted(set(table.target))):
        part = table[table.target == target].sort_values("warmup_s")
        colour = theme.PALETTE[i % len(theme.PALETTE)]
        for col, y in ((1, part.slo_minutes_missed), (2, part.instance_hours)):
            traces.append(
                go.Scatter(
                    x=part.warmup_s.to_numpy() / 60.0,
                    y=y.to_numpy(),
                    mode="lines+markers",
                    name=f"target {target:.0%}",
                    legendgroup=str(target),
                    showlegend=col == 1,
                    line=dict(color=colour),
                )
            )
    fig.add_traces(traces, rows=[1] * len(traces), cols=[1, 2] * (len(traces) // 2))
    fig.update_xaxes(**figures.axis("instance warm-up", "minutes"))
    fig.update_yaxes(**figures.axis("SLO missed", "minutes"), row=1, col=1)
    fig.update_yaxes(**figures.axis("cost", "instance-hours"), row=1, col=2)
    return fig


# --- read replicas and sessions ------------------------------------------------------------------


def replicas(table: pd.DataFrame) -> go.Figure:
    """Read capacity gained against replicas, beside the chance a read is stale or misses one's own write."""
    fig = _subplots(
        "Read replicas: capacity gained, staleness paid", ("reads per second the nodes carry", "probability")
    )
    for i, window in enumerate(sorted(set(table.window_ms))):
        part = table[table.window_ms == window].sort_values("replicas")
        colour = theme.PALETTE[i % len(theme.PALETTE)]
        tag = f"read-your-writes {window:g} ms" if window > 0 else "no read-your-writes"
        fig.add_scatter(
            x=part.replicas, y=part.read_capacity, mode="lines+markers", name=tag, legendgroup=tag,
            line=dict(color=colour), row=1, col=1,
        )  # fmt: skip
        fig.add_scatter(
            x=part.replicas, y=part.own_missed, mode="lines+markers", name=f"misses own write ({tag})",
            legendgroup=tag, line=dict(color=colour, dash="dash"), row=1, col=2,
        )  # fmt: skip
    first = table[table.window_ms == table.window_ms.min()].sort_values("replicas")
    fig.add_scatter(
        x=first.replicas, y=first.stale, mode="lines+markers", name="any read is stale",
        line=dict(color=theme.VERMILLION, dash="dot"), row=1, col=2,
    )  # fmt: skip
    fig.update_xaxes(**figures.axis("read replicas k", "nodes"))
    fig.update_yaxes(**figures.axis("read capacity", "reads/s", rangemode="tozero"), row=1, col=1)
    fig.update_yaxes(**figures.axis("reads", "%", range=[0, 1], tickformat=".0%"), row=1, col=2)
    return fig


def sessions(table: pd.DataFrame) -> go.Figure:
    """Share of sessions lost when one node fails, by where sessions live (``session_failover``'s table)."""
    fig = theme.figure(
        title="One web node fails: who is logged out?",
        xaxis=dict(title="where sessions live"),
        yaxis=figures.axis("sessions lost", "%", range=[0, 1], tickformat=".0%"),
    )
    names = table.placement.tolist()
    fig.add_bar(x=names, y=table.lost, name="simulated", marker_color=theme.BLUE)
    fig.add_scatter(
        x=names, y=table.theory, mode="markers", name="theory",
        marker=dict(color=theme.THEORY, symbol="line-ew-open", size=30, line=dict(width=2)),
    )  # fmt: skip
    return fig
