"""The figure rules, checked on a figure's spec: what a learner must be able to read.

:func:`problems` returns one sentence per broken rule (empty: the figure is
fine); tests assert it is empty for every app at its defaults and at the
extremes of every control. The rules (issue 20 of the kit):

legend
    a legend (two or more entries) sits beside the plot (right) or below it,
    never over the title band or the data; it has at most
    ``config.UI_LEGEND_MAX`` entries (see :func:`kit.ui.figures.highlight`).
axes
    every axis that carries numbers has a title with its unit in
    parentheses, "latency (ms)"; category and date axes are exempt.
log ticks
    a log axis labels its ticks in full (explicit ``tickvals``, ``ticktext``
    that reads as the value, or whole decades), never plotly's bare "2, 5";
    bars on a log axis rise from a bottom at most half their smallest value
    (or the smallest bar is a stub, whatever it holds).
styles
    no two legend entries look alike (colour, dash, marker); colours never
    repeat silently by cycling the colourway; a solid black line is reserved
    to no one (black is theory's colour, drawn dashed).
labels
    text labels (scatter text, annotations) do not overlap at the assumed
    width ``config.UI_CHECK_WIDTH_PX`` (see :func:`kit.ui.figures.thin_labels`);
    an annotation placed in data coordinates stays inside the plot (plotly
    cuts it off at the plot's edge).
data
    a figure with no data at all carries an annotation saying why.
size
    no fixed width (the figure takes the cell's width); a height is set; a
    table's height holds all its rows (:func:`kit.ui.figures.table_height`).
spec
    the spec is what plotly's validator makes of it: apps build their
    figures without validation (:func:`kit.ui.theme.unchecked_figures`), so a
    misspelt property or a bare-string title would otherwise reach the
    browser unnoticed.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Iterator

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from .. import config
from .figures import in_legend, table_height

_UNIT = re.compile(r"\([^()]+\)|\[[^\[\]]+\]")
_TAG = re.compile(r"<[^>]+>")
_NUMBER = re.compile(r"^\s*([-+]?\d[\d,]*\.?\d*(?:e[-+]?\d+)?)\s*([kMG%]?)")
_SCALE = {"": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "%": 0.01}
_NO_AXES = {"pie", "table", "indicator", "sankey", "parcoords", "parcats", "sunburst", "treemap", "icicle"}
_CLIP_SLACK_PX = 6.0  # text widths are estimates
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, y downwards


def problems(fig: go.Figure, width_px: float | None = None) -> list[str]:
    """Every rule ``fig`` breaks, as sentences naming the element.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or FigureWidget
        The figure as an app or a ``plots`` function made it.
    width_px : float, optional
        Width to assume for label collisions when the figure sets none
        (default ``config.UI_CHECK_WIDTH_PX``).

    Returns
    -------
    list of str
        Empty when the figure follows every rule.
    """
    found: list[str] = []
    for rule in (_legend, _axes, _styles, _data, _tables, _size, _spec):
        found += rule(fig)
    found += _labels(fig, width_px) + _clipped(fig, width_px)
    title = _text(fig.layout.title.text) or "untitled figure"
    return [f"{title[:60]}: {p}" for p in found]


# --- what the template and plotly's defaults fill in -------------------------------------------


def _layout_value(fig: go.Figure, path: str, default=None):
    """``fig.layout``'s value at a dotted path, else its template's, else ``default``."""
    template = (
        fig.layout.template if fig.layout.template is not None else pio.templates[pio.templates.default]
    )
    for source in (fig.layout, template.layout):
        node = source
        for part in path.split("."):
            node = getattr(node, part, None) if node is not None else None
        if node is not None:
            return node
    return default


def _text(title) -> str:
    return _TAG.sub("", title or "").strip()


def _legend_traces(fig: go.Figure) -> list:
    entries = [t for t in fig.data if t.visible is not False and in_legend(t)]
    if _layout_value(fig, "showlegend") is False:
        return []
    if len(entries) < 2 and not (entries and entries[0].showlegend):
        return []  # plotly shows no legend for a single trace
    return entries


# --- the rules ----------------------------------------------------------------------------------


def _legend(fig: go.Figure) -> list[str]:
    entries = _legend_traces(fig)
    if not entries:
        return []
    found = []
    if len(entries) > config.UI_LEGEND_MAX:
        found.append(
            f"the legend has {len(entries)} entries (at most {config.UI_LEGEND_MAX}): "
            "highlight the learner's choice and grey the rest (kit.ui.figures.highlight)"
        )
    x = _layout_value(fig, "legend.x", 1.02)
    y = _layout_value(fig, "legend.y", 1.0)
    xanchor = _layout_value(fig, "legend.xanchor", "left")
    yanchor = _layout_value(fig, "legend.yanchor", "top")
    yref = _layout_value(fig, "legend.yref", "paper")
    beside = (x >= 1.0 and xanchor in ("left", "auto")) or (x <= 0.0 and xanchor == "right")
    below = (yref == "paper" and y <= 0.0 and yanchor in ("top", "auto")) or (
        yref == "container" and y <= 0.15 and yanchor == "bottom"
    )
    if not (beside or below):
        where = "over the title band" if y >= 1.0 else "inside the plot"
        found.append(f"the legend sits {where} (x={x:g}, y={y:g}): put it beside the plot or below it")
    return found


def _axis_names(fig: go.Figure) -> Iterator[tuple[str, object, list]]:
    """(layout name, axis, traces drawn on it) for every cartesian axis in use."""
    used: dict[str, list] = {}
    for trace in fig.data:
        if trace.type in _NO_AXES or not hasattr(trace, "xaxis"):
            continue
        for letter in ("x", "y"):
            ref = getattr(trace, f"{letter}axis", None) or letter
            used.setdefault(ref.replace(letter, f"{letter}axis", 1), []).append(trace)
    for name, traces in used.items():
        yield name, getattr(fig.layout, name), traces


def _values(trace, letter: str):
    """The trace's data along one axis, or None when plotly numbers the points itself."""
    values = getattr(trace, letter, None)
    if values is None and trace.type == "heatmap" and getattr(trace, "z", None) is not None:
        return None
    return values


def _axis_kind(axis, traces, letter: str) -> str:
    if axis.type in ("category", "multicategory", "date", "log", "linear"):
        return axis.type
    for trace in traces:
        values = _values(trace, letter)
        if values is None:
            continue
        sample = np.asarray(values, dtype=object).ravel()[:50]
        if any(isinstance(v, str) for v in sample):
            return "category"
        if any(isinstance(v, (np.datetime64,)) or hasattr(v, "isoformat") for v in sample):
            return "date"
    return "linear"


def _axes(fig: go.Figure) -> list[str]:
    found = []
    for name, axis, traces in _axis_names(fig):
        if axis.visible is False or axis.showticklabels is False or axis.matches:
            continue
        kind = _axis_kind(axis, traces, name[0])
        if kind in ("category", "multicategory", "date"):
            continue
        title = _text(axis.title.text)
        if not title:
            found.append(f"{name} has no title: say what it measures and its unit, 'latency (ms)'")
        elif not _UNIT.search(title):
            found.append(f"{name} title '{title}' has no unit: add it in parentheses, 'latency (ms)'")
        if kind == "log":
            found += _log_ticks(name, axis) + _log_bars(name, axis, traces)
    return found


def _log_bars(name: str, axis, traces) -> list[str]:
    """A bar on a log axis rises from the axis' bottom: it must start well below the smallest bar."""
    if axis.range is None or axis.autorange not in (None, False):
        return []
    bottom = 10.0 ** axis.range[0]
    for trace in traces:
        along = "x" if getattr(trace, "orientation", None) == "h" else "y"
        if trace.type != "bar" or along != name[0] or getattr(trace, along) is None:
            continue
        values = np.asarray(getattr(trace, along), dtype=float)
        values = values[np.isfinite(values) & (values > 0)]
        if values.size and values.min() < 2 * bottom:
            return [
                f"log {name} starts at {bottom:.3g}, so the bar of {values.min():.3g} ('{trace.name}') "
                "is a stub: start a bar axis at a power of ten below the smallest bar"
            ]
    return []


def _parse_label(text: str) -> float | None:
    m = _NUMBER.match(_text(text))
    if not m:
        return None
    return float(m.group(1).replace(",", "")) * _SCALE[m.group(2)]


def _log_ticks(name: str, axis) -> list[str]:
    if axis.tickvals is not None:
        if axis.ticktext is None:
            return []  # plotly labels explicit values in full
        for value, text in zip(axis.tickvals, axis.ticktext, strict=False):
            read = _parse_label(str(text))
            if read is None or not math.isclose(read, float(value), rel_tol=0.02):
                return [f"log {name}: the tick at {value:g} reads '{text}'"]
        return []
    dtick = axis.dtick
    if isinstance(dtick, (int, float)) and float(dtick).is_integer() and dtick >= 1:
        return []  # whole decades: plotly writes 1, 10, 100, 1k
    return [f"log {name} lets plotly label ticks '2, 5' within decades: use kit.ui.figures.log_axis"]


def _trace_style(fig: go.Figure, index: int, trace) -> tuple:
    colorway = _layout_value(fig, "colorway") or pio.templates["plotly"].layout.colorway
    line = getattr(trace, "line", None)
    marker = getattr(trace, "marker", None)
    colour = None
    for source in (line, marker):
        value = getattr(source, "color", None) if source is not None else None
        if isinstance(value, str):
            colour = value.upper()
            break
    if colour is None:
        colour = colorway[index % len(colorway)].upper()
    dash = getattr(line, "dash", None) if line is not None else None
    symbol = getattr(marker, "symbol", None) if marker is not None else None
    mode = getattr(trace, "mode", None) or ""
    return trace.type, colour, dash or "solid", symbol or "circle", "lines" in mode, "markers" in mode


def _styles(fig: go.Figure) -> list[str]:
    found, seen = [], {}
    entries = {id(t) for t in _legend_traces(fig)}
    for index, trace in enumerate(fig.data):
        style = _trace_style(fig, index, trace)
        if id(trace) in entries:
            if style in seen:
                found.append(
                    f"'{trace.name}' looks exactly like '{seen[style]}' ({style[1]}): "
                    "give each series its own colour (kit.ui.theme.colours) or dash"
                )
            seen.setdefault(style, trace.name)
        is_line = trace.type == "scatter" and "lines" in (trace.mode or "lines")
        if is_line and style[1] == "#000000" and style[2] == "solid":
            found.append(
                f"'{trace.name or 'a trace'}' is a solid black line: black is theory's, "
                "drawn dashed (kit.ui.theme.THEORY_LINE)"
            )
    return found


def _has_data(values) -> bool:
    if values is None:
        return False
    flat = np.asarray(values, dtype=object).ravel()
    return any(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in flat)


def _drawn(trace) -> bool:
    """Whether a trace has a point to draw: a value on its measured axis (x for x-only traces)."""
    if trace.type == "table":
        return _has_data(trace.cells.values)
    keys = [k for k in ("y", "z", "values", "r") if getattr(trace, k, None) is not None] or ["x"]
    return any(_has_data(getattr(trace, k, None)) for k in keys)


def _data(fig: go.Figure) -> list[str]:
    drawn = any(_drawn(t) for t in fig.data)
    if drawn or any(_text(a.text) for a in fig.layout.annotations):
        return []
    return ["nothing is drawn and no annotation says why (kit.ui.figures.explain_empty)"]


def _tables(fig: go.Figure) -> list[str]:
    """A table fits its figure: plotly cuts the rows below the figure's height off."""
    found = []
    for trace in fig.data:
        if trace.type != "table" or trace.cells.values is None:
            continue
        columns = [list(c) for c in trace.cells.values]
        widths = list(trace.columnwidth) if trace.columnwidth is not None else [1.0] * len(columns)
        need = table_height(columns, widths)
        height = fig.layout.height or config.UI_FIGURE_HEIGHT
        if height < 0.85 * need:  # the estimate is generous by design
            found.append(
                f"a table of {len(columns[0])} rows needs about {need} px and the figure is {height}: "
                "set height=kit.ui.figures.table_height(...)"
            )
    return found


def _size(fig: go.Figure) -> list[str]:
    found = []
    if fig.layout.width is not None:
        found.append(f"a fixed width of {fig.layout.width} px: leave it unset, the cell's width is used")
    if _layout_value(fig, "height") is None:
        found.append("no height: start from kit.ui.theme.figure(), which sets one")
    return found


def _sent(fig: go.Figure) -> dict:
    """The spec the browser gets, template aside, typed arrays as lists, no empty properties.

    Plotly.js reads an empty or null property as an absent one (validation drops them), and
    NaN as null (a gap).
    """

    def plain(node):
        if isinstance(node, dict):
            if set(node) in ({"dtype", "bdata"}, {"dtype", "bdata", "shape"}):
                values = np.frombuffer(base64.b64decode(node["bdata"]), node["dtype"])
                shape = [int(n) for n in node["shape"].split(",")] if "shape" in node else -1
                return plain(values.reshape(shape).tolist())
            return {k: plain(v) for k, v in node.items() if k != "template" and v not in (None, [], {})}
        if isinstance(node, list):
            return [plain(v) for v in node]
        return None if isinstance(node, float) and math.isnan(node) else node  # a gap, however written

    return plain(json.loads(pio.to_json(fig, validate=False)))


def _first_difference(a, b, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else key)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path} is {str(a)[:60]!r}, validated {str(b)[:60]!r}"


def _spec(fig: go.Figure) -> list[str]:
    """The figure as sent equals the figure plotly's validator builds from it."""
    spec = fig.to_dict()
    spec["layout"].pop("template", None)
    try:
        validated = go.Figure(spec)
    except ValueError as e:
        return [f"plotly rejects the spec: {str(e).strip().splitlines()[0]}"]
    sent, expected = _sent(fig), _sent(validated)
    if sent == expected:
        return []
    return [f"plotly's validator changes the spec: {_first_difference(sent, expected)}"]


# --- label geometry (shared with kit.ui.figures.thin_labels) ------------------------------------


def _plot_area(fig: go.Figure, width_px: float | None) -> tuple[float, float, float, float]:
    """Left, top, width, height of the whole plotting area in pixels (estimate)."""
    width = fig.layout.width or width_px or config.UI_CHECK_WIDTH_PX
    height = _layout_value(fig, "height", 450)
    margin = {side: _layout_value(fig, f"margin.{side}", 80) for side in "lrtb"}
    entries = _legend_traces(fig)
    if entries and _layout_value(fig, "legend.x", 1.02) >= 1.0:
        font = _layout_value(fig, "font.size", 12)
        margin["r"] += 40 + 0.6 * font * max(len(_text(t.name)) for t in entries)
    return margin["l"], margin["t"], width - margin["l"] - margin["r"], height - margin["t"] - margin["b"]


def _axis_map(fig: go.Figure, name: str, traces: list, area: tuple, letter: str):
    """A function data value -> pixel along one axis."""
    axis = getattr(fig.layout, name)
    domain = axis.domain or (0.0, 1.0)
    left, top, width, height = area
    log = axis.type == "log"
    categories: dict = {}
    numbers = []
    for trace in traces:
        values = _values(trace, letter)
        if values is None:
            other = getattr(trace, "y" if letter == "x" else "x", None)
            values = range(0 if other is None else len(other))
        for v in values:
            if isinstance(v, str):
                categories.setdefault(v, len(categories))
            elif v is not None and isinstance(v, (int, float, np.number)) and math.isfinite(v):
                if not log or v > 0:
                    numbers.append(math.log10(v) if log else float(v))
    if axis.range is not None:
        lo, hi = (float(r) for r in axis.range)
    elif categories:
        lo, hi = -0.5, len(categories) - 0.5
    elif numbers:
        lo, hi = min(numbers), max(numbers)
        span = (hi - lo) or 1.0
        lo, hi = lo - 0.05 * span, hi + 0.05 * span
    else:
        lo, hi = 0.0, 1.0

    def to_px(v) -> float | None:
        if isinstance(v, str):
            v = categories.get(v)
        if v is None or not isinstance(v, (int, float, np.number)) or not math.isfinite(v):
            return None
        if log:
            if v <= 0:
                return None
            v = math.log10(v)
        f = domain[0] + (domain[1] - domain[0]) * (v - lo) / ((hi - lo) or 1.0)
        return left + f * width if letter == "x" else top + (1.0 - f) * height

    return to_px


def _box(cx: float, cy: float, text: str, size: float, position: str = "middle center") -> Box:
    lines = [_text(line) for line in re.split(r"<br\s*/?>", text)]
    w = 0.6 * size * max(len(line) for line in lines)
    h = 1.25 * size * len(lines)
    x0 = cx - w / 2 if "center" in position else (cx + 3 if "right" in position else cx - w - 3)
    y0 = cy - h / 2 if "middle" in position else (cy - h - 3 if "top" in position else cy + 3)
    return (x0, y0, x0 + w, y0 + h)


def overlaps(a: Box, b: Box, slack: float = 1.0) -> bool:
    """Whether two label boxes overlap by more than ``slack`` pixels both ways.

    Parameters
    ----------
    a, b : tuple of float
        ``(x0, y0, x1, y1)`` in pixels.
    slack : float, optional
        Overlap tolerated, pixels.

    Returns
    -------
    bool
    """
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def label_boxes(fig: go.Figure, width_px: float | None = None) -> list[tuple[object, list[tuple[int, Box]]]]:
    """The pixel box of every text label of every scatter trace with text (estimated).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure.
    width_px : float, optional
        Width to assume when the figure sets none.

    Returns
    -------
    list of (trace, list of (point index, box))
        Boxes ``(x0, y0, x1, y1)`` in pixels for each non-empty label.
    """
    area = _plot_area(fig, width_px)
    maps = {name: _axis_map(fig, name, traces, area, name[0]) for name, _, traces in _axis_names(fig)}
    out = []
    for trace in fig.data:
        if trace.type != "scatter" or "text" not in (trace.mode or "") or trace.text is None:
            continue
        if isinstance(trace.text, str):
            continue
        fx = maps[(trace.xaxis or "x").replace("x", "xaxis", 1)]
        fy = maps[(trace.yaxis or "y").replace("y", "yaxis", 1)]
        size = trace.textfont.size or _layout_value(fig, "font.size", 12)
        position = trace.textposition if isinstance(trace.textposition, str) else "middle center"
        xs = trace.x if trace.x is not None else range(len(trace.y))
        boxes = []
        for i, (x, y, text) in enumerate(zip(xs, trace.y, trace.text, strict=False)):
            px, py = fx(x), fy(y)
            if text and px is not None and py is not None:
                boxes.append((i, _box(px, py, str(text), size, position)))
        out.append((trace, boxes))
    return out


_BESIDE = {"left": "right", "right": "left"}  # an annotation's anchor -> where its text lies from it
_ABOVE = {"top": "bottom", "bottom": "top"}


def _unlog(fig: go.Figure, axis_name: str, v):
    """An annotation's coordinate as a data value: on a log axis plotly takes its log10."""
    axis = getattr(fig.layout, axis_name, None)
    log = axis is not None and axis.type == "log" and isinstance(v, (int, float))
    return 10.0**v if log else v


def _annotation_boxes(fig: go.Figure, width_px: float | None, on_axes: bool = False) -> list[tuple[str, Box]]:
    """(text, pixel box) of every shown annotation; ``on_axes``: only those placed in data coordinates."""
    area = _plot_area(fig, width_px)
    maps = {name: _axis_map(fig, name, traces, area, name[0]) for name, _, traces in _axis_names(fig)}
    left, top, width, height = area
    size0 = _layout_value(fig, "font.size", 12)
    out = []
    for a in fig.layout.annotations:
        if not _text(a.text) or a.visible is False:
            continue
        xref, yref = a.xref or "x", a.yref or "y"
        if on_axes and (xref.startswith("paper") or yref.startswith("paper")):
            continue
        xname = xref.split(" ")[0].replace("x", "xaxis", 1)
        yname = yref.split(" ")[0].replace("y", "yaxis", 1)
        fx, fy = maps.get(xname), maps.get(yname)
        x = (
            left + (a.x or 0) * width
            if xref.startswith("paper")
            else (fx(_unlog(fig, xname, a.x)) if fx else None)
        )
        y = (
            top + (1 - (a.y or 0)) * height
            if yref.startswith("paper")
            else (fy(_unlog(fig, yname, a.y)) if fy else None)
        )
        if x is None or y is None:
            continue
        if a.showarrow is not False:
            x += a.ax if a.ax is not None else -10
            y += a.ay if a.ay is not None else -30
        position = f"{_ABOVE.get(a.yanchor, 'middle')} {_BESIDE.get(a.xanchor, 'center')}"
        out.append((_text(a.text), _box(x, y, a.text, (a.font.size if a.font else None) or size0, position)))
    return out


def _clipped(fig: go.Figure, width_px: float | None) -> list[str]:
    """Text placed in data coordinates that runs past the plot's left or right edge.

    Plotly cuts a scatter trace's text off at the plot's edge (``cliponaxis``);
    an annotation's text runs on under the legend.
    """
    left, _, width, _ = _plot_area(fig, width_px)
    labels = [
        (f"label '{_text(str(trace.text[i]))[:30]}'", box, "textposition")
        for trace, boxes in label_boxes(fig, width_px)
        if trace.cliponaxis is not False
        for i, box in boxes
    ]
    labels += [
        (f"annotation '{t[:30]}'", box, "xanchor") for t, box in _annotation_boxes(fig, width_px, True)
    ]
    return [
        f"{what} runs past the plot's edge (cut off, or under the legend): anchor it inward ({how}) "
        "or shorten it"
        for what, (x0, _, x1, _), how in labels
        if x0 < left - _CLIP_SLACK_PX or x1 > left + width + _CLIP_SLACK_PX
    ]


def _labels(fig: go.Figure, width_px: float | None) -> list[str]:
    labelled = [(str(t.text[i]), box) for t, boxes in label_boxes(fig, width_px) for i, box in boxes]
    labelled += _annotation_boxes(fig, width_px)
    for i, (text_a, a) in enumerate(labelled):
        for text_b, b in labelled[i + 1 :]:
            if overlaps(a, b):
                return [
                    f"labels '{_text(text_a)[:30]}' and '{_text(text_b)[:30]}' overlap: thin them or move "
                    "them to hover (kit.ui.figures.thin_labels)"
                ]
    return []
