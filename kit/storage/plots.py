"""Figures of the storage lab: pure functions, result -> figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import config
from ..ui import figures, theme
from .amplification import LSMResult
from .decision import Recommendation
from .engines import ENGINES
from .models import DataModels
from .workload import PATTERNS

_POLICY_COLOURS = {"leveled": theme.BLUE, "tiered": theme.ORANGE}


def _size(n: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n:.0f} B"


def heatmap(table: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Operations per second of every engine on every pattern, colour on a log scale.

    Parameters
    ----------
    table : DataFrame
        :func:`kit.storage.benchmark`'s result.
    title : str, optional

    Returns
    -------
    go.Figure
        Engines down, patterns across, the median ops/s written in each cell;
        each engine's label carries its size on disk after loading.
    """
    engines = [e for e in ENGINES if e in set(table.engine)]
    patterns = [p for p in PATTERNS if p in set(table.pattern)]
    rates = table.pivot_table(index="engine", columns="pattern", values="ops_per_s").loc[engines, patterns]
    sizes = table.groupby("engine").bytes_on_disk.first()
    labels = [f"{e}<br>{_size(sizes[e])} on disk" for e in engines]
    z = np.log10(rates.to_numpy(dtype=float))
    text = [[f"{v:,.0f}" if v >= 10 else f"{v:.2g}" for v in row] for row in rates.to_numpy()]
    ticks = np.arange(np.floor(np.nanmin(z)), np.ceil(np.nanmax(z)) + 1)
    durability = table.attrs.get("durability", "")
    fig = theme.figure(
        title=title
        or f"Operations per second, {table.attrs.get('rows', 0):,} orders, durability={durability}",
        xaxis=dict(title="", side="top", showgrid=False),
        yaxis=dict(title="", autorange="reversed", showgrid=False),
        hovermode="closest",
        height=120 + 70 * len(engines),
        margin=dict(l=140, t=110),
    )
    fig.add_heatmap(
        z=z,
        x=patterns,
        y=labels,
        text=text,
        texttemplate="%{text}",
        colorscale="Viridis",
        colorbar=dict(title="ops/s", tickvals=ticks, ticktext=[f"{10**t:,.0f}" for t in ticks]),
        hovertemplate="%{y}<br>%{x}: %{text} ops/s<extra></extra>",
    )
    return fig


def amplification(sweep: pd.DataFrame, highlight: tuple[str, int] | None = None) -> go.Figure:
    """Write, read and space amplification against the size ratio: the model and the formulas.

    Parameters
    ----------
    sweep : DataFrame
        :func:`kit.storage.size_ratio_sweep`'s result.
    highlight : (policy, size_ratio), optional
        A point to mark (the app's current choice).

    Returns
    -------
    go.Figure
        Three panels; solid lines and dots are the model, dashed lines
        :func:`kit.storage.lsm_theory` for the levels the model filled (leveled:
        the average, and the RocksDB guide's upper estimate dotted).
    """
    panels = [
        ("write_amp", figures.axis("write amplification", "× bytes written")),
        ("read_amp", figures.axis("read amplification", "runs per lookup")),
        ("space_amp", figures.axis("space amplification", "× live data")),
    ]
    ratios = sweep.size_ratio.to_numpy()
    x_axis = figures.log_axis("size ratio T", "× the level above", ratios.min(), ratios.max())
    width, gap = (
        0.26,
        0.11,
    )  # three panels side by side (plain axes: make_subplots costs more than the figure)
    axes = {}
    for col, (_, y_axis) in enumerate(panels):
        suffix = str(col + 1) if col else ""
        axes[f"xaxis{suffix}"] = dict(
            x_axis, domain=[col * (width + gap), col * (width + gap) + width], anchor=f"y{suffix}"
        )
        axes[f"yaxis{suffix}"] = dict(y_axis, rangemode="tozero", anchor=f"x{suffix}")
    fig = theme.figure(
        title="LSM amplification against the size ratio T",
        hovermode="closest",
        height=config.UI_FIGURE_HEIGHT + 60,  # the legend below: three panels need the width
        legend=dict(orientation="h", x=0.0, xanchor="left", y=-0.3, yanchor="top"),
        margin=dict(b=150),
        **axes,
    )
    for col, (column, _) in enumerate(panels):
        on = dict(xaxis=f"x{col + 1 if col else ''}", yaxis=f"y{col + 1 if col else ''}")
        for policy, part in sweep.groupby("policy", sort=False):
            colour = _POLICY_COLOURS[policy]
            first = col == 0
            fig.add_scatter(
                x=part.size_ratio,
                y=part[column],
                mode="lines+markers",
                name=f"{policy}: model",
                line=dict(color=colour),
                legendgroup=policy,
                showlegend=first,
                **on,
            )
            fig.add_scatter(
                x=part.size_ratio,
                y=part[f"theory_{column}"],
                mode="lines",
                name=f"{policy}: formula",
                line=dict(color=colour, dash="dash"),
                legendgroup=policy,
                showlegend=first,
                **on,
            )
            if column == "write_amp" and policy == "leveled":
                fig.add_scatter(
                    x=part.size_ratio,
                    y=part.theory_write_amp_upper,
                    mode="lines",
                    name="leveled: RocksDB guide (upper)",
                    line=dict(color=colour, dash="dot"),
                    legendgroup=policy,
                    **on,
                )
            if highlight and highlight[0] == policy:
                at = part[part.size_ratio == highlight[1]]
                fig.add_scatter(
                    x=at.size_ratio,
                    y=at[column],
                    mode="markers",
                    name="chosen",
                    marker=dict(size=14, color=colour, line=dict(color=theme.BLACK, width=2)),
                    showlegend=False,
                    **on,
                )
    return fig


def lsm_shape(result: LSMResult, title: str | None = None) -> go.Figure:
    """Entries per level at the end of the run, beside each level's target.

    Parameters
    ----------
    result : LSMResult
    title : str, optional

    Returns
    -------
    go.Figure
        Bars of entries per level (log axis), with targets as markers and each
        level's share of the write amplification in its label.
    """
    t = result.levels_table
    labels = [f"{name}<br>writes x{wa:.2f}" for name, wa in zip(t.index, t.write_amp, strict=True)]
    entries = np.maximum(t.entries.to_numpy(dtype=float), 0.5)  # an empty level: a stub on the log axis
    targets = t.target.to_numpy(dtype=float)
    finite = np.isfinite(targets)
    shown = np.concatenate([entries, targets[finite]])
    fig = theme.figure(
        title=title
        or f"{result.policy}, T={result.size_ratio}: write amp {result.write_amp:.1f}, read amp "
        f"{result.read_amp:.1f} runs, space amp {result.space_amp:.2f}",
        xaxis=dict(title=""),
        yaxis=figures.log_bar_axis("held", "entries", shown.min(), shown.max()),
        hovermode="closest",
        barmode="overlay",
    )
    fig.add_bar(x=labels, y=entries, name="entries at the end", marker_color=theme.BLUE)
    if finite.any():
        fig.add_scatter(
            x=np.asarray(labels)[finite],
            y=targets[finite],
            mode="markers",
            name="target size",
            marker=dict(symbol="line-ew-open", size=40, color=theme.BLACK, line=dict(width=3)),
        )
    return fig


_KIND_COLOURS = {
    "lookup": theme.GREEN,
    "range read": theme.SKY,
    "join": theme.YELLOW,
    "scan": theme.VERMILLION,
}


def data_models(models: DataModels) -> go.Figure:
    """How each layout answers each query: lookup, range read, join or scan, and its work.

    Parameters
    ----------
    models : DataModels
        :func:`kit.storage.data_models`'s result.

    Returns
    -------
    go.Figure
        Layouts down, queries across; colour is the kind of read, the text its
        SQLite work (hundreds of VM instructions).
    """
    t = models.table.reset_index()
    layouts = list(dict.fromkeys(t.layout))
    queries = list(dict.fromkeys(t["query"]))
    kinds = list(_KIND_COLOURS)
    z, text = [], []
    for layout in layouts:
        row = t[t.layout == layout].set_index("query").loc[queries]
        z.append([kinds.index(k.split(" +")[0]) for k in row.kind])
        text.append([f"{k}<br>{s:,} steps" for k, s in zip(row.kind, row.vm_steps, strict=True)])
    n = len(kinds)
    scale = [[pos, c] for i, c in enumerate(_KIND_COLOURS.values()) for pos in (i / n, (i + 1) / n)]
    fig = theme.figure(
        title="The same orders, four layouts: how each query reads",
        xaxis=dict(title="", side="top", showgrid=False),
        yaxis=dict(title="", autorange="reversed", showgrid=False),
        hovermode="closest",
        height=380,
        margin=dict(l=110, t=110),
    )
    fig.add_heatmap(
        z=z,
        x=queries,
        y=layouts,
        text=text,
        texttemplate="%{text}",
        colorscale=scale,
        zmin=-0.5,
        zmax=n - 0.5,
        showscale=False,
        hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
    )
    for kind, colour in _KIND_COLOURS.items():  # a legend for the colours
        fig.add_scatter(
            x=[None], y=[None], mode="markers", marker=dict(color=colour, size=12, symbol="square"), name=kind
        )
    return fig


def scores(rec: Recommendation) -> go.Figure:
    """The questionnaire's points per store family, stacked by question.

    Parameters
    ----------
    rec : Recommendation
        :func:`kit.storage.recommend`'s result.

    Returns
    -------
    go.Figure
        Horizontal stacked bars (negative points to the left), the total as a
        black dot; the title names the choice and the answers it was given.
    """
    table = rec.scores.sort_values("total")
    n = rec.needs
    asked = (
        f"{n.read_fraction:.0%} reads (key {n.point:g} : range {n.range:g} : aggregate {n.aggregate:g}), "
        f"{n.consistency}, {figures.number_label(n.data_gb)} GB, "
        f"{figures.number_label(n.writes_per_s)} writes/s, "
        f"{'joins' if n.joins else 'no joins'}, {n.schema} schema"
    )
    fig = theme.figure(
        title=f"Choice: {rec.choice}<br><sup>{asked}</sup>",
        xaxis=figures.axis("score", "points", zeroline=True, zerolinecolor="#888"),
        yaxis=dict(title=""),
        barmode="relative",
        hovermode="closest",
        height=360,
        margin=dict(l=120),
    )
    families = table.index.tolist()  # lists, not arrays: figures compare by value
    questions = [
        c for c in table.columns if c != "total" and table[c].any()
    ]  # a question scoring 0 adds no bar
    colours = theme.colours(len(questions))
    for colour, column in zip(colours, questions, strict=True):
        fig.add_bar(
            y=families,
            x=table[column].tolist(),
            orientation="h",
            name=column.replace("_", " "),
            marker_color=colour,
        )
    fig.add_scatter(
        y=families,
        x=table.total.tolist(),
        mode="markers",
        name="total",
        marker=dict(color=theme.BLACK, size=10),
    )
    return figures.highlight(fig, ["total", *_deciding(rec, questions)], others="other questions")


def _deciding(rec: Recommendation, questions: list[str]) -> list[str]:
    """The questions that most separate the choice from the runner-up (names as the legend reads them)."""
    table = rec.scores
    runner_up = table.total.drop(rec.choice).idxmax()
    gap = (table.loc[rec.choice, questions] - table.loc[runner_up, questions]).abs()
    most = config.UI_LEGEND_MAX - 2  # room for "total" and the grey entry
    return [c.replace("_", " ") for c in gap.sort_values(ascending=False, kind="stable").index[:most]]
