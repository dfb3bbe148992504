"""Figures of replication: PBS staleness curves and trade-offs, CAP under a partition, divergence.

Pure functions: results of :mod:`kit.consistency.pbs` and
:mod:`kit.consistency.simulator` in, a plotly figure out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..ui import theme
from .pbs import PBSResult
from .simulator import Crash, Partition, SimResult

_PARTITION_FILL = "rgba(213, 94, 0, 0.12)"  # vermillion, faint
_CRASH_FILL = "rgba(158, 158, 158, 0.25)"


def _label(r: PBSResult) -> str:
    return f"N={r.N}, R={r.R}, W={r.W}"


def pbs_curves(
    results: Sequence[PBSResult],
    highlight: PBSResult | None = None,
    t_max_ms: float | None = None,
    p: float = 0.999,
) -> go.Figure:
    """P(consistent read) against time since commit, one line per quorum configuration.

    ``highlight`` is drawn thick with its t-visibility at probability ``p``
    marked; the others thin. The x range reaches the slowest configuration's
    t-visibility at ``p`` (or ``t_max_ms``).
    """
    shown = list(results) + ([highlight] if highlight is not None and highlight not in results else [])
    if t_max_ms is None:
        t_max_ms = max([r.t_visibility(p) for r in shown] + [1e-3]) * 1.15
    t = np.linspace(0.0, t_max_ms, 240)
    model = shown[0].latency.name if shown else ""
    fig = theme.figure(
        title=f"How soon do reads see a write? ({model})",
        xaxis=dict(title="time since the write committed, t (ms)", range=[0, t_max_ms]),
        yaxis=dict(title="P(read returns the write)", range=[0, 1.02], tickformat=".0%"),
    )
    for i, r in enumerate(results):
        if r is highlight:
            continue
        fig.add_scatter(
            x=t,
            y=r.p_consistent(t),
            mode="lines",
            name=_label(r),
            line=dict(width=1.5, color=theme.PALETTE[1 + i % (len(theme.PALETTE) - 2)]),
            opacity=0.75,
        )
    if highlight is not None:
        tv = highlight.t_visibility(p)
        fig.add_scatter(
            x=t,
            y=highlight.p_consistent(t),
            mode="lines",
            name=f"{_label(highlight)} (yours)",
            line=dict(width=4, color=theme.BLUE),
        )
        fig.add_scatter(
            x=[tv],
            y=[highlight.p_consistent(tv)],
            mode="markers+text",
            name=f"{p:.1%} consistent after {tv:.3g} ms",
            text=[f"{p:.1%} at {tv:.3g} ms"],
            textposition="bottom right",
            marker=dict(size=10, color=theme.BLUE, symbol="diamond"),
        )
    return fig


def pbs_tradeoff(table: pd.DataFrame, highlight: tuple[int, int] | None = None, q: float = 99.9) -> go.Figure:
    """Latency against staleness for each (R, W): a row of :func:`kit.consistency.pbs_tradeoff` per dot.

    x: read plus write latency at the q-th percentile; y: t-visibility (ms
    until reads are consistent with the table's probability). Strict quorums
    (R + W > N) sit on y = 0.
    """
    fig = theme.figure(
        title="Each (R, W): pay in latency, or in a window of stale reads",
        xaxis=dict(title=f"read + write latency, p{q:g} (ms)", type="log"),
        yaxis=dict(title="t-visibility (ms)", rangemode="tozero"),
        hovermode="closest",
    )
    for strict, colour, name in (
        (False, theme.ORANGE, "partial quorum (R+W ≤ N)"),
        (True, theme.GREEN, "strict quorum (R+W > N)"),
    ):
        rows = table[table.strict == strict]
        labels = [f"R={r},W={w}" for r, w in zip(rows.R, rows.W, strict=True)]
        fig.add_scatter(
            x=rows.read_ms + rows.write_ms,
            y=rows.t_visibility_ms,
            mode="markers" if strict else "markers+text",  # strict ones share y = 0: labels would pile up
            name=name,
            text=labels,
            hovertext=labels,
            textposition="top center",
            marker=dict(size=9, color=colour),
        )
    if highlight is not None:
        row = table[(table.R == highlight[0]) & (table.W == highlight[1])]
        fig.add_scatter(
            x=row.read_ms + row.write_ms,
            y=row.t_visibility_ms,
            mode="markers",
            name=f"yours: R={highlight[0]}, W={highlight[1]}",
            marker=dict(size=18, color="rgba(0,0,0,0)", line=dict(color=theme.BLUE, width=3)),
        )
    return fig


def _shade_faults(fig: go.Figure, result: SimResult, row: int | None = None, col: int | None = None) -> None:
    where = {} if row is None else dict(row=row, col=col)
    for p in result.params["partitions"]:
        p = p if isinstance(p, Partition) else Partition(*p)
        fig.add_vrect(
            x0=p.start_ms, x1=p.end_ms, fillcolor=_PARTITION_FILL, line_width=0, layer="below", **where
        )
    for c in result.params["crashes"]:
        c = c if isinstance(c, Crash) else Crash(*c)
        fig.add_vrect(x0=c.start_ms, x1=c.end_ms, fillcolor=_CRASH_FILL, line_width=0, layer="below", **where)


def cap_timeline(results: Mapping[str, SimResult], bin_ms: float | None = None) -> go.Figure:
    """Availability and stale-read rate over time, one panel per run, partitions shaded.

    Give it the same workload and faults under a CP and an AP protocol to see
    the CAP choice: during the partition the CP store refuses some clients
    (availability drops, no stale reads), the AP store answers everyone
    (availability stays, stale reads appear).
    """
    names = list(results)
    fig = make_subplots(
        rows=1, cols=len(names), shared_yaxes=True, subplot_titles=names, horizontal_spacing=0.06
    )
    fig.update_layout(
        template=theme.TEMPLATE,
        title="Under a partition: refuse (CP) or answer with what you have (AP)?",
        hovermode="x unified",
        legend=dict(y=-0.25, yanchor="top"),
        margin=dict(b=110),
    )
    for j, name in enumerate(names, start=1):
        r = results[name]
        tl = r.timeline(bin_ms)
        for column, colour, label in (
            ("availability", theme.BLUE, "availability (ops answered ok)"),
            ("stale_rate", theme.VERMILLION, "stale reads (of ok reads)"),
        ):
            fig.add_scatter(
                x=tl.t_ms,
                y=tl[column],
                mode="lines+markers",
                name=label,
                legendgroup=column,
                showlegend=j == 1,
                line=dict(color=colour),
                marker=dict(size=4),
                row=1,
                col=j,
            )
        _shade_faults(fig, r, 1, j)
        fig.update_xaxes(title_text="time (ms)", row=1, col=j, range=[0, r.params["duration_ms"]])
    fig.update_yaxes(range=[-0.02, 1.05], tickformat=".0%", row=1, col=1, title_text="fraction")
    return fig


def divergence(results: Mapping[str, SimResult] | SimResult) -> go.Figure:
    """Fraction of replica copies behind the newest copy of their key, over time; faults shaded.

    Zero means every replica holds the same version of every key. It rises
    with replication lag and partitions and falls as replication, hinted
    handoff, read repair or anti-entropy catch up (eventual consistency:
    after writes stop, it must return to zero).
    """
    runs = {results.protocol: results} if isinstance(results, SimResult) else dict(results)
    fig = theme.figure(
        title="Do the replicas agree? (copies behind the newest version of their key)",
        xaxis=dict(title="time (ms)"),
        yaxis=dict(title="replica copies behind", range=[-0.02, 1.05], tickformat=".0%"),
    )
    for i, (name, r) in enumerate(runs.items()):
        fig.add_scatter(
            x=r.sample_t_ms,
            y=r.divergence,
            mode="lines",
            name=name,
            line=dict(color=theme.PALETTE[i % len(theme.PALETTE)], shape="hv"),
        )
    first = next(iter(runs.values()), None)
    if first is not None:
        _shade_faults(fig, first)
        end = first.params["duration_ms"]
        fig.add_vline(x=end, line=dict(color=theme.GREY, dash="dot"))
        fig.add_annotation(x=end, y=1.0, text="clients stop", showarrow=False, xanchor="left", yanchor="top")
    return fig
