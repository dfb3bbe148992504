"""Helpers that make the figure rules the default (checked by :mod:`kit.ui.rules`).

A ``plots`` function builds its figure with :func:`kit.ui.theme.figure` and
these, and the rules hold at every setting, not only at the defaults:

- :func:`axis` and :func:`log_axis`: every axis titled with its unit; log
  axes labelled in full (1, 10, 100, 1k), never "2, 5" meaning 2000;
  :func:`right_axis`: a second y axis with ticks of its own;
- :func:`highlight`: beyond ``config.UI_LEGEND_MAX`` series, the learner's
  choice keeps its colour and legend entry, the rest turn grey with their
  name on hover;
- :func:`thin_labels`: text labels that would collide keep only those with
  room, the rest move to hover;
- :func:`explain_empty`: a figure with nothing to draw says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import plotly.graph_objects as go

from .. import config
from . import theme


def axis(title: str, unit: str, **props) -> dict:
    """An axis titled "title (unit)".

    Parameters
    ----------
    title : str
        What the axis measures ("request latency").
    unit : str
        Its unit ("ms", "%", "servers", "requests/s").
    **props
        Further plotly axis properties (``range``, ``tickformat``...).

    Returns
    -------
    dict
        Plotly axis properties, for ``xaxis=`` or ``yaxis=``.
    """
    return dict(title=dict(text=f"{title} ({unit})"), **props)


def log_axis(title: str, unit: str, lo: float, hi: float, pad: float = 0.05, **props) -> dict:
    """A log axis over [lo, hi] with full tick labels (1, 2, 5, 10, ..., 1k).

    Parameters
    ----------
    title, unit : str
        As for :func:`axis`.
    lo, hi : float
        The data range to show, both > 0, in the axis' unit.
    pad : float, optional
        Room added at each end, in decades.
    **props
        Further plotly axis properties.

    Returns
    -------
    dict
        Plotly axis properties with ``type="log"``, ``range`` and explicit
        ``tickvals``/``ticktext``.
    """
    lo, hi = _positive_range(lo, hi)
    ends = [math.log10(lo) - pad, math.log10(hi) + pad]
    values, text = log_ticks(10 ** ends[0], 10 ** ends[1])  # a tick in the padding labels the top curve
    return axis(
        title,
        unit,
        type="log",
        range=ends,
        tickmode="array",
        tickvals=values,
        ticktext=text,
        **props,
    )


def log_bar_axis(title: str, unit: str, lo: float, hi: float, **props) -> dict:
    """A log axis for bars over [lo, hi]: it starts at the power of ten below ``lo``.

    A bar on a log axis rises from the axis' bottom; starting there, the
    smallest bar is at least a decade tall, not a stub whatever it holds.

    Parameters
    ----------
    title, unit : str
        As for :func:`axis`.
    lo, hi : float
        The smallest and largest bar, both > 0, in the axis' unit.
    **props
        Further plotly axis properties.

    Returns
    -------
    dict
        As :func:`log_axis` gives.
    """
    lo, hi = _positive_range(lo, hi)
    bottom = 10.0 ** math.floor(math.log10(lo) - 1e-9)
    return log_axis(title, unit, bottom, hi * 10**0.05, pad=0.0, **props)


def right_axis(title: str, unit: str, log_range: tuple[float, float] | None = None, **props) -> dict:
    """A second y axis on the right, over the first: its own ticks and no grid of its own.

    Plotly syncs an overlaying axis's ticks to the first axis's grid by default,
    which labels it 8.99, 7.7, 6.42...; this axis picks its own round ticks.

    Parameters
    ----------
    title, unit : str
        As for :func:`axis`.
    log_range : (float, float), optional
        The data range of a log axis (as for :func:`log_axis`); linear from 0 when omitted.
    **props
        Further plotly axis properties.

    Returns
    -------
    dict
        Plotly axis properties, for ``yaxis2=``; traces on it take ``yaxis="y2"``.
    """
    props = dict(overlaying="y", side="right", showgrid=False, **props)
    if log_range is not None:
        return log_axis(title, unit, *log_range, **props)
    return axis(title, unit, tickmode="auto", rangemode="tozero", **props)


def _positive_range(lo: float, hi: float) -> tuple[float, float]:
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo > 0 and hi > 0):
        raise ValueError(f"a log axis needs a positive, finite range (got lo={lo:g}, hi={hi:g})")
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        lo, hi = lo / 2, hi * 2
    return lo, hi


def log_ticks(lo: float, hi: float, most: int = 10) -> tuple[list[float], list[str]]:
    """Tick values and full labels for a log axis over [lo, hi].

    Decades when the range spans many of them, 1-2-5 steps over a few,
    finer steps within one decade; never more than about ``most`` ticks.

    Parameters
    ----------
    lo, hi : float
        The range, both > 0.
    most : int, optional
        Upper bound on the number of ticks.

    Returns
    -------
    (list of float, list of str)
        Values, and their labels from :func:`number_label`.
    """
    lo, hi = _positive_range(lo, hi)
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    values: list[float] = []
    for mantissas in ((1, 1.5, 2, 3, 5, 7), (1, 2, 5), (1, 3), (1,)):
        values = [m * 10.0**e for e in range(first, last + 1) for m in mantissas]
        values = [v for v in values if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)]
        if len(values) <= most:
            break
    every = max(1, math.ceil(len(values) / most))  # very wide ranges: every other decade...
    values = values[::every]
    if len(values) < 2:  # less than one tick step inside: label the ends
        values = sorted({_round_sig(lo), _round_sig(hi)})
    return values, [number_label(v) for v in values]


def _round_sig(v: float, digits: int = 2) -> float:
    return float(f"{v:.{digits}g}")


def number_label(v: float) -> str:
    """A short, complete label: 1, 20, 500, 1k, 2.5k, 10M, 0.5, 0.001.

    Parameters
    ----------
    v : float
        The tick value.

    Returns
    -------
    str
        The label; thousands take k, M, G suffixes, small values are decimals.
    """
    if v == 0:
        return "0"
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= scale:
            return f"{v / scale:.3g}{suffix}"
    return f"{v:.3g}"


def in_legend(trace) -> bool:
    """Whether plotly gives ``trace`` a legend entry (when the figure shows a legend at all).

    Parameters
    ----------
    trace : plotly trace
        Any trace; tables, indicators and the like have no legend entry.

    Returns
    -------
    bool
    """
    return bool(trace.name) and hasattr(trace, "showlegend") and trace.showlegend is not False


def highlight(fig: go.Figure, chosen: str | Iterable[str], others: str = "others", most: int | None = None):
    """Beyond ``most`` named series: colour and legend for ``chosen``, grey and hover for the rest.

    With few series the figure is left alone. Otherwise every trace whose
    name is not in ``chosen`` is drawn thin in :data:`~kit.ui.theme.MUTED`,
    leaves the legend, and names itself on hover; one grey legend entry
    ("others: hover for names") stands for them all.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure whose traces have names.
    chosen : str or iterable of str
        The names to keep in colour (the learner's choice, theory...).
    others : str, optional
        What the grey series are, for the legend ("other policies").
    most : int, optional
        Legend entries allowed before greying (default ``config.UI_LEGEND_MAX``).

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig``, changed in place.
    """
    shown = [t for t in fig.data if in_legend(t)]
    greyed = _greyed(shown, chosen, most)
    for trace in greyed:
        # set one property at a time: trace.update() goes through the figure's batch machinery,
        # about three times the cost, on every redraw of an app
        for key, value in _grey(trace.type, trace.name).items():
            if isinstance(value, dict):
                for sub, v in value.items():
                    trace[key][sub] = v
            else:
                trace[key] = value
    if greyed:
        fig.add_trace(_others_entry(others, len(greyed)))
    return fig


def highlighted(
    traces: list[dict], chosen: str | Iterable[str], others: str = "others", most: int | None = None
):
    """:func:`highlight` for traces not yet in a figure (dicts), to build the figure in one pass.

    Parameters
    ----------
    traces : list of dict
        Plotly traces as dicts (``dict(type="scatter", name=..., ...)``).
    chosen, others, most
        As for :func:`highlight`.

    Returns
    -------
    list of dict
        The traces, those greyed updated, and the grey legend entry after them.
    """
    shown = [t for t in traces if t.get("name") and t.get("showlegend") is not False]
    greyed = {id(t) for t in _greyed(shown, chosen, most)}
    out = [_merged(t, _grey(t.get("type", "scatter"), t["name"])) if id(t) in greyed else t for t in traces]
    return [*out, _others_entry(others, len(greyed))] if greyed else out


def _greyed(shown: list, chosen, most: int | None) -> list:
    """The legend entries to grey: none while they fit, else those not ``chosen``."""
    most = config.UI_LEGEND_MAX if most is None else most
    keep = {chosen} if isinstance(chosen, str) else set(chosen)
    return [] if len(shown) <= most else [t for t in shown if t["name"] not in keep]


def _grey(kind: str, name: str) -> dict:
    grey = dict(
        showlegend=False,
        hovertemplate=f"{name}: %{{y}}<extra></extra>",
        opacity=0.9,
        marker=dict(color=theme.MUTED),
    )
    if kind == "scatter":
        grey["line"] = dict(color=theme.MUTED, width=1)
    return grey


def _merged(trace: dict, props: dict) -> dict:
    """``trace`` with ``props`` set, nested dicts merged as plotly's ``update`` merges them."""
    out = dict(trace)
    for key, value in props.items():
        out[key] = (
            {**out[key], **value} if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        )
    return out


def _others_entry(others: str, greyed: int) -> dict:
    return dict(
        type="scatter",
        x=[None],
        y=[None],
        mode="lines",
        line=dict(color=theme.MUTED, width=1),
        name=f"{others} ({greyed}): hover for names",
        hoverinfo="skip",
    )


def thin_labels(fig: go.Figure, width_px: float | None = None) -> go.Figure:
    """Keep the text labels of ``fig``'s scatter traces that have room; the rest go to hover.

    Labels are kept greedily in trace and point order, each only if its box
    (estimated from its length and the font size, at the figure's height and
    ``width_px``) overlaps no label already kept. A dropped label stays
    reachable: it becomes the point's hover text.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure whose scatter traces may have ``mode`` with "text".
    width_px : float, optional
        The width the figure will be drawn at (default
        ``config.UI_CHECK_WIDTH_PX``, a JupyterLab cell).

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig``, changed in place.
    """
    from .rules import label_boxes, overlaps

    kept: list[tuple[float, float, float, float]] = []
    for trace, boxes in label_boxes(fig, width_px):
        texts = list(trace.text)
        hover = list(trace.hovertext) if isinstance(trace.hovertext, (list, tuple)) else [None] * len(texts)
        for i, box in boxes:
            if any(overlaps(box, other) for other in kept):
                hover[i], texts[i] = texts[i], ""
            else:
                kept.append(box)
        trace.update(text=texts, hovertext=hover)
    return fig


def explain_empty(fig: go.Figure, why: str) -> go.Figure:
    """Write ``why`` across a figure that has nothing to draw at this setting.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The (empty) figure.
    why : str
        A full sentence: what made it empty and what to change.

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig``, changed in place.
    """
    fig.add_annotation(
        text=why, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=14, color="#555")
    )
    return fig
