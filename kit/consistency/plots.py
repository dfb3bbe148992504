"""Figures of the consistency lab: histories and the hierarchy, PBS staleness, CAP and failover.

Pure functions: a History, a checker's result, a PBSResult or a SimResult in, a
plotly figure out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import config
from ..ui import figures, theme
from .checker import LinearizabilityResult, linearization_points
from .classify import AVAILABILITY, IMPLIES, MODELS, Classification
from .history import History
from .pbs import PBSResult
from .simulator import Crash, Partition, SimResult

# Where each model sits in the hierarchy diagram (x, y): stronger models higher, labels to the right.
_LAYOUT = {
    "strict-serializable": (0.0, 6.0),
    "linearizable": (0.0, 5.0),
    "sequential": (0.0, 4.0),
    "causal": (0.0, 3.0),
    "PRAM": (-1.3, 2.0),
    "writes-follow-reads": (1.3, 2.0),
    "read-your-writes": (-3.4, 1.0),
    "monotonic-reads": (-1.6, 1.0),
    "monotonic-writes": (0.2, 1.0),
    "eventual": (2.0, 0.0),
}
_LAYOUT_X = (-3.7, 3.5)  # room for the longest label right of the rightmost node
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

    Parameters
    ----------
    subject : History or LinearizabilityResult
        What to draw.
    key : object, optional
        The key whose replica values the lower panel shows.
    max_ops : int, optional
        At most this many operations are drawn (default
        ``config.CONSISTENCY_TIMELINE_MAX_OPS``), around the blocked operation.
    title : str, optional
        The figure's title.

    Returns
    -------
    go.Figure
        Time on the x axis in the history's unit (ms for the simulator's).
    """
    result = subject if isinstance(subject, LinearizabilityResult) else None
    history = result.history if result is not None else subject
    if not isinstance(history, History):
        raise TypeError(
            f"subject must be a History or a LinearizabilityResult (got {type(subject).__name__})"
        )
    max_ops = config.CONSISTENCY_TIMELINE_MAX_OPS if max_ops is None else max_ops
    blocked = result.blocked if result is not None else None
    focus = history.invoke_t[blocked] if blocked is not None else None
    shown = _window(history, focus, max_ops)
    if key is None:
        key = history.key[blocked] if blocked is not None else (history.keys[0] if len(history) else None)
    replicas = history.replicas
    lanes = {p: f"process {p}" for p in history.processes}  # category axes: a lane is named, not measured
    ids = sorted(set(replicas.replica.tolist())) if replicas is not None and len(replicas) else []
    # one time axis under two panels (the replicas' below the processes'), each lane _LANE_PX high
    top, bottom = _LANE_PX * len(lanes) + 40, (_LANE_PX * len(ids) + 60 if ids else 0)
    panels = {"yaxis": _lane_axis(list(lanes.values()), domain=[bottom / (top + bottom), 1.0])}
    if ids:
        panels["yaxis2"] = _lane_axis(
            [f"replica {r}" for r in ids],
            domain=[0.0, (bottom - 60) / (top + bottom)],
            anchor="x",
            title=dict(text=f"value of key {key}"),
        )
    verdict = f" — {result.verdict}" if result is not None else ""
    fig = theme.figure(
        title=title or f"Operations by process{verdict}",
        hovermode="closest",
        height=top + bottom + 130,
        margin=dict(l=110),
        xaxis=dict(
            title=dict(text=_TIME_UNITS.get(history.source, "time (the history's unit)")),
            anchor="y2" if ids else "y",
        ),
        **panels,
    )
    t_end = 1.0
    if len(history):  # never-completed operations run on to just past the last event
        last = float(np.max(np.where(np.isfinite(history.complete_t), history.complete_t, history.invoke_t)))
        t_end = last + 0.05 * (last - float(history.invoke_t.min()) + 1.0)
    _operation_bars(fig, history, shown, lanes, t_end, result)
    if result is not None and result.order:
        _order_path(fig, history, shown, lanes, result)
    if ids:
        _replica_panel(fig, history, key, ids, t_end)
    return figures.thin_labels(fig)  # labels of short, close operations would collide: those go to hover


_LANE_PX = 56  # height of one process's or replica's lane: a bar and its label above it


def _lane_axis(names: list[str], **props) -> dict:
    """A category axis of lanes, the first at the top, with room above it for its labels."""
    return dict(
        type="category", categoryorder="array", categoryarray=names, range=[len(names) - 0.6, -0.9], **props
    )


# What a history's clock counts: the simulator's milliseconds, or the position of each event in a log.
_TIME_UNITS = {
    "simulator": "time (ms)",
    "etcd-log": "time (line of the log, from 0)",
    "kv-edn": "time (event number in the history, from 0)",
    "knossos-edn": "time (event number in the history, from 0)",
}


def _operation_bars(fig: go.Figure, history: History, shown, lanes: dict, t_end: float, result) -> None:
    """A bar per operation from invocation to completion, grouped by what the check made of it."""
    blocked = result.blocked if result is not None else None
    unplaced = set(result.unplaced) if result is not None else set()
    groups = {
        "ok": ([], theme.BLUE, "solid", "operation"),
        "info": ([], theme.BLUE, "dot", "unknown outcome (info)"),
        "fail": ([], theme.GREY, "solid", "failed (no effect)"),
        "unplaced": ([], theme.ORANGE, "solid", "could not come next"),
        "blocked": ([], theme.VERMILLION, "solid", "could not be linearised"),
    }
    for i in shown.tolist():
        group = "blocked" if i == blocked else "unplaced" if i in unplaced else history.status[i]
        groups[group][0].append(i)
    end = np.where(np.isfinite(history.complete_t), history.complete_t, t_end)
    for name, (ops, colour, dash, label) in groups.items():
        if not ops:
            continue
        xs, ys, text = [], [], []
        for i in ops:
            xs += [history.invoke_t[i], end[i], None]
            ys += [lanes[history.process[i]]] * 2 + [None]
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
    for name in ("blocked", "unplaced", "ok", "info", "fail"):  # labelled first, kept first by thin_labels
        ops, colour, _, _ = groups[name]
        if not ops:
            continue
        labels = [history.describe(i) for i in ops]
        fig.add_scatter(
            x=[(history.invoke_t[i] + end[i]) / 2 for i in ops],
            y=[lanes[history.process[i]] for i in ops],
            mode="text",
            text=labels,
            hovertext=labels,
            textposition="top center",
            textfont=dict(size=11, color=colour),
            showlegend=False,
            hoverinfo="text",
        )


def _order_path(fig: go.Figure, history: History, shown, lanes: dict, result) -> None:
    """The checker's order (or longest prefix), joined through each operation's linearisation point."""
    order = [i for i in result.order if i in set(shown.tolist())]
    if not order:
        return
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


def _replica_panel(fig: go.Figure, history: History, key, ids: list, t_end: float) -> None:
    """Each replica's value of ``key`` over time: a segment per value, the value written above it."""
    log = history.replicas
    log = log[log.key == key].sort_values("t", kind="stable")
    t0 = float(history.invoke_t.min()) if len(history) else 0.0
    label_x, label_y, labels, label_colours = [], [], [], []
    for r, colour in zip(ids, theme.colours(len(ids)), strict=True):
        lane = f"replica {r}"
        mine = log[(log.replica == r) & (log.t <= t_end)]
        starts, values = [t0], [history.initial]
        for t, v in zip(mine.t.tolist(), mine.value.tolist(), strict=True):
            if v != values[-1]:  # a segment per value held (the log's t = 0 rows restate the initial value)
                starts.append(t)
                values.append(v)
        ends = [*starts[1:], t_end]
        fig.add_scatter(
            x=[x for a, b in zip(starts, ends, strict=True) for x in (a, b, None)],
            y=[lane, lane, None] * len(values),
            mode="lines+markers",
            line=dict(color=colour, width=6),
            marker=dict(size=10, symbol="line-ns-open", color=colour),
            text=[t for v in values for t in (f"{lane} holds {_short(v)}",) * 2 + (None,)],
            hoverinfo="text",
            name=lane,
            showlegend=False,
            yaxis="y2",
        )
        if len(values) <= _LABELLED_OPS:  # the value held, written above each segment
            label_x += [(a + b) / 2 for a, b in zip(starts, ends, strict=True)]
            label_y += [lane] * len(values)
            labels += [_short(v) for v in values]
            label_colours += [colour] * len(values)
    fig.add_scatter(
        x=label_x,
        y=label_y,
        mode="text",
        text=labels,
        hovertext=[f"{lane} holds {v}" for lane, v in zip(label_y, labels, strict=True)],
        textposition="top center",
        textfont=dict(size=11, color=label_colours),
        showlegend=False,
        hoverinfo="text",
        yaxis="y2",
    )


def _short(v) -> str:
    return "nil" if v is None else str(v)


def hierarchy(classification: Classification, title: str | None = None) -> go.Figure:
    """The consistency hierarchy with the history's verdicts: which models hold, which is strongest.

    A filled node holds, a hollow one fails, a grey one is unknown; the
    strongest models that hold are enlarged. The ring colour is the
    availability the model allows under partition (jepsen.io/consistency).
    Arrows are the implications of :data:`IMPLIES`: a partial order.

    Parameters
    ----------
    classification : Classification
        From :func:`classify`.
    title : str, optional
        The figure's title.

    Returns
    -------
    go.Figure

    References
    ----------
    P. Viotti, M. Vukolić, "Consistency in non-transactional distributed
    storage systems", ACM Computing Surveys 49(1), 2016, Figure 2.
    """
    if not isinstance(classification, Classification):
        raise TypeError(f"classification must come from classify() (got {type(classification).__name__})")
    held = ", ".join(classification.strongest) or "none"
    fig = theme.figure(  # the answer is the title's second line: what the figure is for
        title=f"{title or 'Which consistency models does this history satisfy?'}<br>"
        f"<b>Strongest that holds: {held}</b>",
        xaxis=dict(visible=False, range=list(_LAYOUT_X)),
        yaxis=dict(visible=False, range=[-0.6, 6.6]),
        hovermode="closest",
        height=480,
        margin=dict(t=80),
        legend=dict(title=dict(text="ring: under a partition")),
    )
    fig.layout.annotations = _implication_arrows()
    verdicts = dict(classification.satisfied)
    models = list(MODELS)
    if classification.eventual is not None:
        verdicts["eventual"] = classification.eventual.ok
        models.append("eventual")
    strongest = set(classification.strongest)
    fills = {True: theme.GREEN, False: "white", None: theme.GREY}
    nodes, key = [], []
    for availability, colour in _AVAILABILITY_COLOUR.items():
        mine = [m for m in models if AVAILABILITY[m] == availability]
        nodes.append(
            dict(
                x=[_LAYOUT[m][0] for m in mine],
                y=[_LAYOUT[m][1] for m in mine],
                mode="markers+text",
                marker=dict(
                    size=[34 if m in strongest else 22 for m in mine],
                    color=[fills[verdicts[m]] for m in mine],
                    line=dict(color=colour, width=4),
                    symbol=["star" if m in strongest else "circle" for m in mine],
                ),
                text=mine,
                textposition="middle right",
                name=availability,
                showlegend=False,
                hovertext=[
                    f"{m}: {'holds' if verdicts[m] else 'fails' if verdicts[m] is False else 'unknown'}"
                    f" ({classification.why.get(m, '')}); {availability} under partition"
                    for m in mine
                ],
                hoverinfo="text",
            )
        )
        key.append(  # the ring alone, unfilled: the nodes' fills vary with the history
            dict(
                name=availability,
                line=dict(color=colour),
                marker=dict(size=14, color="white", line=dict(color=colour, width=4)),
            )
        )
    for verdict, name in ((True, "holds"), (False, "fails"), (None, "unknown")):
        key.append(
            dict(
                name=name,
                legendgroup="fill",
                legendgrouptitle_text="fill: this history",
                marker=dict(size=14, color=fills[verdict], line=dict(color=theme.GREY, width=1.5)),
            )
        )
    blank = dict(x=[None], y=[None], mode="markers", hoverinfo="skip")
    fig.add_traces(
        [dict(type="scatter", **trace) for trace in nodes] + [dict(type="scatter", **blank, **k) for k in key]
    )
    return fig


def _implication_arrows() -> list[dict]:
    """An arrow from each model to each weaker one it implies (set at once: adding each costs ~4 ms)."""
    return [
        dict(
            _ARROW,
            x=_LAYOUT[weaker][0],
            y=_LAYOUT[weaker][1] + 0.22,
            ax=_LAYOUT[model][0],
            ay=_LAYOUT[model][1] - 0.22,
        )
        for model, below in IMPLIES.items()
        for weaker in below
    ]


_ARROW = dict(xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=2, arrowwidth=1.2)
_ARROW.update(arrowcolor=theme.GREY, text="")  # an arrow in data coordinates, without a label


# --- replication: PBS, CAP, divergence, failover --------------------------------------------------
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

    Parameters
    ----------
    results : sequence of PBSResult
        The configurations drawn thin.
    highlight : PBSResult, optional
        Drawn thick, with its t-visibility at probability ``p`` marked.
    t_max_ms : float, optional
        End of the time axis, ms (default: the slowest configuration's t-visibility at ``p``).
    p : float
        Target probability of a consistent read.

    Returns
    -------
    go.Figure
        P(consistent read) against ms since the write committed.
    """
    shown = list(results) + ([highlight] if highlight is not None and highlight not in results else [])
    if t_max_ms is None:
        t_max_ms = max([r.t_visibility(p) for r in shown] + [1e-3]) * 1.15
    t = np.linspace(0.0, t_max_ms, 240)
    model = shown[0].latency.name if shown else ""
    fig = theme.figure(
        title=f"How soon do reads see a write? ({model})",
        xaxis=figures.axis("time since the write committed, t", "ms", range=[0, t_max_ms]),
        yaxis=figures.axis("reads that return the write", "%", range=[0, 1.02], tickformat=".0%"),
    )
    others = [r for r in results if r is not highlight]
    traces = _other_quorums(others, t, separate=len(others) + 2 <= config.UI_LEGEND_MAX)
    if highlight is not None:
        tv = highlight.t_visibility(p)
        traces += [
            dict(
                x=t,
                y=highlight.p_consistent(t),
                mode="lines",
                name=f"{_label(highlight)} (yours)",
                line=dict(width=4, color=theme.BLUE),
            ),
            dict(
                x=[tv],
                y=[highlight.p_consistent(tv)],
                mode="markers+text",
                name=f"{p:.1%} consistent after {tv:.3g} ms",
                text=[f"{p:.1%} at {tv:.3g} ms"],
                textposition="bottom left" if tv > t_max_ms / 2 else "bottom right",  # inward, never clipped
                marker=dict(size=10, color=theme.BLUE, symbol="diamond"),
            ),
        ]
    fig.add_traces([dict(type="scatter", **trace) for trace in traces])
    return fig


def _other_quorums(results: list[PBSResult], t: np.ndarray, separate: bool) -> list[dict]:
    """The configurations beside the learner's: a coloured line each while the legend has room, else
    one grey trace of them all naming each on hover (:func:`kit.ui.figures.highlight`, in one trace)."""
    if separate:
        return [
            dict(x=t, y=r.p_consistent(t), mode="lines", name=_label(r), line=dict(width=1.5, color=colour))
            for r, colour in zip(results, theme.colours(len(results) + 1)[1:], strict=True)  # blue is yours
        ]
    grey = [
        dict(
            x=t,
            y=r.p_consistent(t),
            mode="lines",
            name=_label(r),
            showlegend=False,
            hovertemplate=f"{_label(r)}: %{{y:.1%}} at %{{x:.3g}} ms<extra></extra>",
            line=dict(width=1, color=theme.MUTED),
        )
        for r in results
    ]
    key = dict(x=[None], y=[None], mode="lines", line=dict(width=1, color=theme.MUTED), hoverinfo="skip")
    return [*grey, dict(key, name=f"other partial quorums ({len(results)}): hover for names")]


def pbs_tradeoff(table: pd.DataFrame, highlight: tuple[int, int] | None = None, q: float = 99.9) -> go.Figure:
    """Latency against staleness for each (R, W): a row of :func:`kit.consistency.pbs_tradeoff` per dot.

    Parameters
    ----------
    table : DataFrame
        From :func:`kit.consistency.pbs_tradeoff` or :func:`kit.consistency.tradeoff_table`.
    highlight : tuple of int, optional
        The (R, W) to ring.
    q : float
        The latency percentile the table was made with.

    Returns
    -------
    go.Figure
        x: read plus write latency at the q-th percentile, ms; y: t-visibility,
        ms until reads are consistent with the table's probability. Strict
        quorums (R + W > N) sit on y = 0.
    """
    total = table.read_ms + table.write_ms
    top = max(float(table.t_visibility_ms.max()), 1.0)
    fig = theme.figure(
        title="Each (R, W): pay in latency, or in a window of stale reads",
        xaxis=figures.log_axis(  # padded: the labels of the fastest and slowest dots fit inside
            f"read + write latency, p{q:g}", "ms", total.min(), total.max(), pad=0.2
        ),
        yaxis=figures.axis("t-visibility", "ms", range=[-0.06 * top, 1.12 * top]),  # room for the dots at 0
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
            mode="markers+text",
            name=name,
            text=labels,
            hovertext=labels,
            hoverinfo="x+y+text",
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
    return figures.thin_labels(fig)  # strict quorums share y = 0: the labels that would pile up go to hover


def _fault_shapes(result: SimResult, axis: str = "") -> list[dict]:
    """Shaded spans where ``result``'s partitions and crashes were, on the x axis ``x{axis}`` (all at once:
    plotly's ``add_vrect`` costs several ms a shape)."""
    spans = [
        (p if isinstance(p, Partition) else Partition(*p), _PARTITION_FILL)
        for p in result.params["partitions"]
    ]
    spans += [(c if isinstance(c, Crash) else Crash(*c), _CRASH_FILL) for c in result.params["crashes"]]
    return [
        dict(
            type="rect",
            x0=f.start_ms,
            x1=f.end_ms,
            xref=f"x{axis}",
            y0=0,
            y1=1,
            yref=f"y{axis} domain",
            fillcolor=fill,
            line=dict(width=0),
            layer="below",
        )
        for f, fill in spans
    ]


def cap_timeline(results: Mapping[str, SimResult], bin_ms: float | None = None) -> go.Figure:
    """Availability and stale-read rate over time, one panel per run, partitions shaded.

    Give it the same workload and faults under a CP and an AP protocol to see
    the CAP choice: during the partition the CP store refuses some clients
    (availability drops, no stale reads), the AP store answers everyone
    (availability stays, stale reads appear).

    Parameters
    ----------
    results : mapping
        ``{name: SimResult}``, e.g. from :func:`kit.consistency.compare`.
    bin_ms : float, optional
        Width of a time bin, ms.

    Returns
    -------
    go.Figure
        Fractions per bin against time in ms.
    """
    names = list(results)
    gap = 0.06
    width = (1.0 - gap * (len(names) - 1)) / max(len(names), 1)
    axes, titles, shapes = {}, [], []
    for j, name in enumerate(names):  # a panel per run, side by side, sharing the y axis
        n, lo = ("" if j == 0 else str(j + 1)), j * (width + gap)
        duration = results[name].params["duration_ms"]
        axes[f"xaxis{n}"] = figures.axis(
            "time", "ms", domain=[lo, lo + width], anchor=f"y{n}", range=[0, duration]
        )
        axes[f"yaxis{n}"] = (
            figures.axis("share of the bin's ops", "%", range=[-0.02, 1.05], tickformat=".0%")
            if j == 0
            else dict(anchor=f"x{n}", matches="y", showticklabels=False)
        )
        titles.append(
            dict(text=name, x=lo + width / 2, y=1.0, xref="paper", yref="paper", xanchor="center",
                 yanchor="bottom", showarrow=False, font=dict(size=14))
        )  # fmt: skip
        shapes += _fault_shapes(results[name], n)
    fig = theme.figure(  # the template's legend sits beside the panels, clear of the axis titles
        title="Under a partition: refuse (CP) or answer with what you have (AP)?",
        hovermode="x unified",
        annotations=titles,
        shapes=shapes,
        **axes,
    )
    traces = []
    for j, name in enumerate(names):
        n, tl = ("" if j == 0 else str(j + 1)), results[name].timeline(bin_ms)
        for column, colour, label in (
            ("availability", theme.BLUE, "availability (ops answered ok)"),
            ("stale_rate", theme.VERMILLION, "stale reads (of ok reads)"),
        ):
            traces.append(
                dict(
                    type="scatter",
                    x=tl.t_ms,
                    y=tl[column],
                    mode="lines+markers",
                    name=label,
                    legendgroup=column,
                    showlegend=j == 0,
                    line=dict(color=colour),
                    marker=dict(size=4),
                    xaxis=f"x{n}",
                    yaxis=f"y{n}",
                )
            )
    fig.add_traces(traces)
    return fig


def divergence(results: Mapping[str, SimResult] | SimResult) -> go.Figure:
    """Fraction of replica copies behind the newest copy of their key, over time; faults shaded.

    Zero means every replica holds the same version of every key. It rises
    with replication lag and partitions and falls as replication, hinted
    handoff, read repair or anti-entropy catch up (eventual consistency:
    after writes stop, it must return to zero).

    Parameters
    ----------
    results : SimResult or mapping
        One run, or ``{name: SimResult}``.

    Returns
    -------
    go.Figure
        The fraction of copies behind against time in ms.
    """
    runs = {results.protocol: results} if isinstance(results, SimResult) else dict(results)
    fig = theme.figure(
        title="Do the replicas agree? (copies behind the newest version of their key)",
        xaxis=figures.axis("time", "ms"),
        yaxis=figures.axis("replica copies behind", "%", range=[-0.02, 1.05], tickformat=".0%"),
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
        end = first.params["duration_ms"]
        clients_stop = dict(
            type="line",
            x0=end,
            x1=end,
            xref="x",
            y0=0,
            y1=1,
            yref="y domain",
            line=dict(color=theme.GREY, dash="dot"),
        )
        fig.layout.shapes = [*_fault_shapes(first), clients_stop]
        fig.add_annotation(x=end, y=1.0, text="clients stop", showarrow=False, xanchor="left", yanchor="top")
    return fig


def failover(result: SimResult, bin_ms: float | None = None) -> go.Figure:
    """A Raft store losing its leader: availability over time, each election, and the outage.

    Parameters
    ----------
    result : SimResult
        A ``leader-sync`` run (other protocols draw without elections).
    bin_ms : float, optional
        Width of the availability bins, ms (default: 40 bins over the run).

    Returns
    -------
    go.Figure
        Availability (operations invoked in each bin that were answered ok),
        faults shaded, a dotted line where each new leader won its term, and
        the longest stretch without an ok answer set against the election
        timeout (Ongaro & Ousterhout 2014, section 5.2: [T, 2T]).
    """
    if not isinstance(result, SimResult):
        raise TypeError(f"result must be a SimResult from simulate() (got {type(result).__name__})")
    tl = result.timeline(bin_ms)
    T = result.params["election_timeout_ms"]
    fig = theme.figure(
        title="Failover: the majority elects a new leader; service stops for about an election timeout",
        xaxis=figures.axis("time", "ms", range=[0, result.params["duration_ms"]]),
        yaxis=figures.axis("operations answered ok", "%", range=[-0.02, 1.05], tickformat=".0%"),
    )
    fig.add_scatter(
        x=tl.t_ms, y=tl.availability, mode="lines+markers", name="availability", line=dict(color=theme.BLUE)
    )
    fig.layout.shapes = _fault_shapes(result)
    for row in result.leaders.itertuples():
        if row.t_ms > 0:
            fig.add_vline(x=row.t_ms, line=dict(color=theme.GREEN, dash="dot"))
            fig.add_annotation(
                x=row.t_ms, y=1.02, text=f"term {row.term}: replica {row.leader} leads", showarrow=False,
                xanchor="left", yanchor="bottom", font=dict(size=10),
            )  # fmt: skip
    outages = result.outages()
    if len(outages):
        o = outages.iloc[0]
        fig.add_shape(
            type="line",
            x0=o.start_ms,
            x1=o.end_ms,
            y0=0.05,
            y1=0.05,
            line=dict(color=theme.VERMILLION, width=4),
        )
        fig.add_annotation(
            x=(o.start_ms + o.end_ms) / 2, y=0.08, showarrow=False, yanchor="bottom",
            text=f"no answer for {o.length_ms:.0f} ms (election timeout {T:g}-{2 * T:g} ms)",
        )  # fmt: skip
    return fig
