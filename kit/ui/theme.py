"""One plotly look for every figure: the "kit" template, colours that never repeat silently.

Colours are the Okabe-Ito palette (Okabe & Ito, *Color Universal Design*,
2008), distinguishable with the common colour-vision deficiencies, ordered so
the first two (blue, orange) carry the usual "ours vs theirs" comparison.
Black is not among them: it is reserved for theory (closed-form curves,
drawn dashed with :data:`THEORY_LINE`), so no simulated series can be
mistaken for one. :func:`colours` grows past the palette with further
distinct colours instead of cycling.

The template puts the legend beside the plot (top right, outside the axes)
and the title above it on the left, so the two never share space; the
figure takes its container's width and ``config.UI_FIGURE_HEIGHT`` pixels.
"""

from __future__ import annotations

import colorsys
import contextlib
import contextvars
import os
import re

import plotly.graph_objects as go
import plotly.io as pio

from .. import config

BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, BLACK = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#000000",
)
PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW]
# After Okabe-Ito: Paul Tol's "muted" colours that differ from it (Tol, "Colour schemes", SRON 2021).
_MORE = ["#332288", "#CC6677", "#44AA99", "#999933", "#882255", "#DDCC77"]
THEORY = BLACK  # closed-form curves drawn over simulation
THEORY_LINE = dict(color=THEORY, dash="dash", width=1.5)  # ... and how: dashed, never a data series' style
GREY = "#9E9E9E"  # reference marks (the learner's setting, a threshold)
MUTED = "#C9C9C9"  # series in the background when one is highlighted

TEMPLATE = "kit"

_AXIS = dict(
    showgrid=True, gridcolor="#EEE", zeroline=False, linecolor="#888", ticks="outside", automargin=True
)

pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        colorway=PALETTE,
        font=dict(family="Inter, Helvetica, Arial, sans-serif", size=13, color="#222"),
        title=dict(font=dict(size=15), x=0.0, xanchor="left", xref="container", pad=dict(l=12)),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=70, r=20, t=56, b=56),
        xaxis=_AXIS,
        yaxis=_AXIS,
        # beside the plot, top-aligned: never over the title, the data or an axis title
        legend=dict(
            orientation="v", x=1.02, xanchor="left", y=1.0, yanchor="top", bgcolor="rgba(255,255,255,0.8)"
        ),
        hovermode="x unified",
        # a label inside a bar too narrow for it is hidden (it stays in the hover), not shrunk unreadable
        uniformtext=dict(minsize=10, mode="hide"),
        autosize=True,
    )
)
if os.environ.get("KIT_PRESENTER") == "1":  # python -m kit.present: type a room can read
    pio.templates[TEMPLATE].layout.update(
        font_size=20,
        title_font_size=24,
        margin=dict(l=110, r=30, t=80, b=90),  # room for the larger ticks
    )


def colours(n: int) -> list[str]:
    """``n`` distinct colours: the palette first, then more, never a repeat.

    Parameters
    ----------
    n : int
        How many series need a colour of their own (0 or more).

    Returns
    -------
    list of str
        ``n`` different hex colours; the first seven are :data:`PALETTE`.
    """
    out = list(dict.fromkeys(PALETTE + _MORE))[: max(n, 0)]
    hue = 0.07
    while len(out) < n:  # beyond 13 series: golden-angle hues in two lightnesses
        hue = (hue + 0.381966) % 1.0
        r, g, b = colorsys.hls_to_rgb(hue, 0.38 if len(out) % 2 else 0.55, 0.65)
        colour = f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}"
        if colour not in out:
            out.append(colour)
    return out


_UNCHECKED: contextvars.ContextVar[list | None] = contextvars.ContextVar("kit_unchecked", default=None)
_AXIS = re.compile(r"^[xy]axis\d*$")


@contextlib.contextmanager
def unchecked_figures():
    """Within it, :func:`figure` skips plotly's validation: about half of a figure's build time.

    For app updates (``kit.ui.app.App`` builds its figures inside it), where
    the learner waits for every millisecond. What validation would catch is
    caught by the tests instead: ``kit.ui.rules`` checks that every app's
    figures, at the extremes of every control, are what plotly's validator
    makes of them. Figures built anywhere else are validated as usual, and so
    are changes made to these after the block.

    Returns
    -------
    contextlib.AbstractContextManager
        ``with unchecked_figures(): fig = plots.cdf(...)``
    """
    built: list[go.Figure] = []
    token = _UNCHECKED.set(built)
    try:
        yield
    finally:
        _UNCHECKED.reset(token)
        for fig in built:
            for part in (fig, fig.layout, *fig.data):
                part._validate = True


def _titles_as_dicts(layout: dict) -> dict:
    """The figure's and its axes' string titles as ``{"text": ...}``.

    Validation makes the same change; an unchecked figure would send the bare
    string, which plotly.js 3 ignores (the title would vanish).
    """
    out = dict(layout)
    for key, value in layout.items():
        if key == "title" and isinstance(value, str):
            out[key] = {"text": value}
        elif _AXIS.match(key) and isinstance(value, dict) and isinstance(value.get("title"), str):
            out[key] = {**value, "title": {"text": value["title"]}}
    return out


def figure(data=(), **layout) -> go.Figure:
    """A figure in the kit's template; every ``plots`` function starts here.

    Parameters
    ----------
    data : sequence of dict or plotly trace, optional
        The traces (``dict(type="bar", x=..., y=...)``), validated with the
        layout in one pass: much cheaper than an ``add_trace`` per trace,
        each of which validates the figure again. Not validated inside
        :func:`unchecked_figures`.
    **layout
        Plotly layout properties (``title``, ``xaxis``, ``height``...);
        ``height`` defaults to ``config.UI_FIGURE_HEIGHT`` pixels, and the
        width is left to the container (the cell's full width).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    layout.setdefault("height", config.UI_FIGURE_HEIGHT)
    unchecked = _UNCHECKED.get()
    checked = unchecked is None
    # An empty template keeps plotly from copying in its default one (half a blank figure's cost);
    # ours replaces it below.
    fig = go.Figure(data=list(data), layout={**_titles_as_dicts(layout), "template": {}}, _validate=checked)
    # The registered template is valid already: share it as plotly shares its default template,
    # instead of the deep copy and validation an assignment makes.
    fig.layout._validate = False
    try:
        fig.layout.template = pio.templates[TEMPLATE]
    finally:
        fig.layout._validate = checked
    if not checked:
        unchecked.append(fig)
    return fig
