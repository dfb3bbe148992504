"""Figures of the checkers: the operation timeline and the consistency hierarchy.

Pure functions: a History (or a checker's result) in, a plotly figure out.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import config
from ..ui import theme
from .checker import LinearizabilityResult, linearization_points
from .classify import AVAILABILITY, IMPLIES, MODELS, Classification
from .history import History

# Where each model sits in the hierarchy diagram (x, y): stronger models higher.
_LAYOUT = {
    "strict-serializable": (0.0, 6.0),
    "linearizable": (0.0, 5.0),
    "sequential": (0.0, 4.0),
    "causal": (0.0, 3.0),
    "PRAM": (-0.9, 2.0),
    "writes-follow-reads": (1.2, 2.0),
    "read-your-writes": (-2.0, 1.0),
    "monotonic-reads": (-0.9, 1.0),
    "monotonic-writes": (0.2, 1.0),
    "eventual": (1.6, 0.0),
}
_LABELLED_OPS = 40  # above this many operations, labels go to the hover text only
_AVAILABILITY_COLOUR = {
    "unavailable": theme.VERMILLION,
    "sticky available": theme.ORANGE,
    "totally available": theme.BLUE,
}


def _window(history: History, focus: float | None, max_ops: int) -> np.ndarray:
    """Indices of at most ``max_ops`` operations, centred on time ``focus`` (else the first ones)."""
    n = len(history)
    if n <= max_ops:
        return np.arange(n)
    if focus is None:
        return np.arange(max_ops)
    centre = int(np.searchsorted(history.invoke_t, focus))
    lo = min(max(0, centre - max_ops // 2), n - max_ops)
    return np.arange(lo, lo + max_ops)


def timeline(
    subject: History | LinearizabilityResult,
    key=None,
    max_ops: int | None = None,
    title: str | None = None,
) -> go.Figure:
    """Operations as bars from invocation to completion, one lane per process.

    Given a :class:`LinearizabilityResult`: OK draws each operation's
    linearisation point and joins them in order; ILLEGAL draws the longest
    linearisable prefix that way, the operation that could not be placed
    in vermillion and the other candidates outlined in orange. ``info``
    operations (unknown outcome) are dashed; failed ones grey. When the
    history carries replica states, a lower panel shows each replica's value
    of ``key`` (default: the key of the blocked operation, else the first).

    At most ``max_ops`` operations are drawn (default
    ``config.CONSISTENCY_TIMELINE_MAX_OPS``), around the blocked operation.
    """
    result = subject if isinstance(subject, LinearizabilityResult) else None
    history = result.history if result is not None else subject
    if not isinstance(history, History):
        raise ValueError(
            f"subject must be a History or a LinearizabilityResult (got {type(subject).__name__})"
        )
    max_ops = config.CONSISTENCY_TIMELINE_MAX_OPS if max_ops is None else max_ops
    blocked = result.blocked if result is not None else None
    focus = history.invoke_t[blocked] if blocked is not None else None
    shown = _window(history, focus, max_ops)
    if key is None:
        key = history.key[blocked] if blocked is not None else (history.keys[0] if len(history) else None)
    replicas = history.replicas
    with_replicas = replicas is not None and len(replicas) > 0
    fig = (
        make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.08)
        if with_replicas
        else go.Figure()
    )
    verdict = f" — {result.verdict}" if result is not None else ""
    fig.update_layout(
        template=theme.TEMPLATE,
        title=title or f"Operations by process{verdict}",
        hovermode="closest",
        height=max(260, 40 * len(history.processes) + 160) + (160 if with_replicas else 0),
        margin=dict(l=110),
    )
    lanes = {p: j for j, p in enumerate(history.processes)}
    t_end = 1.0
    if len(history):  # never-completed operations run on to just past the last event
        last = float(np.max(np.where(np.isfinite(history.complete_t), history.complete_t, history.invoke_t)))
        t_end = last + 0.05 * (last - float(history.invoke_t.min()) + 1.0)
    unplaced = set(result.unplaced) if result is not None else set()
    groups = {
        "ok": ([], theme.BLUE, "solid", "operation"),
        "info": ([], theme.BLUE, "dot", "unknown outcome (info)"),
        "fail": ([], theme.GREY, "solid", "failed (no effect)"),
        "unplaced": ([], theme.ORANGE, "solid", "could not come next"),
        "blocked": ([], theme.VERMILLION, "solid", "could not be linearised"),
    }
    for i in shown.tolist():
        s = history.status[i]
        group = "blocked" if i == blocked else "unplaced" if i in unplaced else s
        groups[group][0].append(i)
    for name, (ops, colour, dash, label) in groups.items():
        if not ops:
            continue
        xs, ys, text = [], [], []
        for i in ops:
            end = history.complete_t[i] if np.isfinite(history.complete_t[i]) else t_end
            y = lanes[history.process[i]]
            xs += [history.invoke_t[i], end, None]
            ys += [y, y, None]
            text += [history.describe(i)] * 2 + [None]
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            line=dict(color=colour, width=10 if name == "blocked" else 7, dash=dash),
            name=label,
            text=text,
            hoverinfo="text",
        )
        mid = [
            (history.invoke_t[i] + (history.complete_t[i] if np.isfinite(history.complete_t[i]) else t_end))
            / 2
            for i in ops
        ]
        if len(shown) > _LABELLED_OPS:
            continue  # too dense to read: hover instead
        fig.add_scatter(
            x=mid,
            y=[lanes[history.process[i]] + 0.28 for i in ops],
            mode="text",
            text=[history.describe(i) for i in ops],
            textfont=dict(size=11, color=colour),
            showlegend=False,
            hoverinfo="skip",
        )
    if result is not None and result.order:
        order = [i for i in result.order if i in set(shown.tolist())]
        points = linearization_points(history, result.order)
        label = "linearisation order" if result.verdict == "OK" else "longest linearisable prefix"
        for k in dict.fromkeys(history.key[order].tolist()):
            mine = [i for i in order if history.key[i] == k]
            fig.add_scatter(
                x=points[mine],
                y=[lanes[history.process[i]] for i in mine],
                mode="lines+markers",
                line=dict(color=theme.BLACK, width=1, dash="dot"),
                marker=dict(color=theme.BLACK, size=9, symbol="diamond"),
                name=label,
                legendgroup="order",
                showlegend=k == history.key[order[0]],
                text=[f"#{n + 1}: {history.describe(i)}" for n, i in enumerate(mine)],
                hoverinfo="text",
            )
    fig.update_yaxes(
        tickvals=list(lanes.values()),
        ticktext=[f"process {p}" for p in lanes],
        range=[-0.6, len(lanes) - 0.3],
        autorange="reversed",
        row=1 if with_replicas else None,
        col=1 if with_replicas else None,
    )
    if with_replicas:
        _replica_panel(fig, history, key, t_end)
    fig.update_xaxes(title_text="time", row=2 if with_replicas else None, col=1 if with_replicas else None)
    return fig


def _replica_panel(fig: go.Figure, history: History, key, t_end: float) -> None:
    """Each replica's value of ``key`` over time, as labelled segments."""
    log = history.replicas
    log = log[log.key == key].sort_values("t", kind="stable")
    ids = sorted(set(history.replicas.replica.tolist()))
    t0 = float(history.invoke_t.min()) if len(history) else 0.0
    for j, r in enumerate(ids):
        mine = log[log.replica == r]
        starts = [t0, *mine.t.tolist()]
        values = [history.initial, *mine.value.tolist()]
        xs, ys, text = [], [], []
        for a, b, v in zip(starts, [*starts[1:], t_end], values, strict=True):
            xs += [a, b, None]
            ys += [j, j, None]
            text += [f"replica {r}: {v}"] * 2 + [None]
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines+markers",
            line=dict(color=theme.PALETTE[j % len(theme.PALETTE)], width=6),
            marker=dict(size=6, symbol="line-ns-open"),
            text=text,
            hoverinfo="text",
            name=f"replica {r}",
            legendgroup="replicas",
            showlegend=False,
            row=2,
            col=1,
        )
    fig.update_yaxes(
        tickvals=list(range(len(ids))),
        ticktext=[f"replica {r}" for r in ids],
        autorange="reversed",
        title_text=f"key {key}",
        row=2,
        col=1,
    )


def hierarchy(classification: Classification, title: str | None = None) -> go.Figure:
    """The consistency hierarchy with the history's verdicts: which models hold, which is strongest.

    A filled node holds, a hollow one fails, a grey one is unknown; the
    strongest models that hold are enlarged. The ring colour is the
    availability the model allows under partition (jepsen.io/consistency).
    """
    if not isinstance(classification, Classification):
        raise ValueError(f"classification must come from classify() (got {type(classification).__name__})")
    fig = theme.figure(
        title=title or "Which consistency models does this history satisfy?",
        xaxis=dict(visible=False, range=[-2.9, 2.6]),
        yaxis=dict(visible=False, range=[-0.6, 6.6]),
        hovermode="closest",
        height=460,
    )
    for model, below in IMPLIES.items():
        x0, y0 = _LAYOUT[model]
        for weaker in below:
            x1, y1 = _LAYOUT[weaker]
            fig.add_annotation(
                x=x1, y=y1 + 0.22, ax=x0, ay=y0 - 0.22, xref="x", yref="y", axref="x", ayref="y",
                showarrow=True, arrowhead=2, arrowwidth=1.2, arrowcolor=theme.GREY, text="",
            )  # fmt: skip
    verdicts = dict(classification.satisfied)
    models = list(MODELS)
    if classification.eventual is not None:
        verdicts["eventual"] = classification.eventual.ok
        models.append("eventual")
    strongest = set(classification.strongest)
    for availability, colour in _AVAILABILITY_COLOUR.items():
        mine = [m for m in models if AVAILABILITY[m] == availability]
        fill = [theme.GREEN if verdicts[m] else "white" if verdicts[m] is False else theme.GREY for m in mine]
        fig.add_scatter(
            x=[_LAYOUT[m][0] for m in mine],
            y=[_LAYOUT[m][1] for m in mine],
            mode="markers+text",
            marker=dict(
                size=[34 if m in strongest else 22 for m in mine],
                color=fill,
                line=dict(color=colour, width=4),
                symbol=["star" if m in strongest else "circle" for m in mine],
            ),
            text=[m for m in mine],
            textposition="middle right",
            name=f"ring: {availability} under partition",
            hovertext=[
                f"{m}: {'holds' if verdicts[m] else 'fails' if verdicts[m] is False else 'unknown'}"
                f" ({classification.why.get(m, '')}); {availability} under partition"
                for m in mine
            ],
            hoverinfo="text",
        )
    held = ", ".join(classification.strongest) or "none"
    fig.add_annotation(
        x=-2.85, y=6.45, xref="x", yref="y", showarrow=False, xanchor="left",
        text=f"strongest that holds: <b>{held}</b> (green holds, hollow fails, grey unknown)",
    )  # fmt: skip
    return fig
