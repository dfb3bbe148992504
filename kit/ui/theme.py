"""One plotly look for every figure: the "kit" template.

Colours are the Okabe-Ito palette (Okabe & Ito, *Color Universal Design*,
2008), distinguishable with the common colour-vision deficiencies; order them
so the first two (blue, orange) carry the usual "ours vs theirs" comparison.
"""

import os

import plotly.graph_objects as go
import plotly.io as pio

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
PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, BLACK]
THEORY = BLACK  # closed-form curves drawn over simulation
GREY = "#9E9E9E"

TEMPLATE = "kit"

pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        colorway=PALETTE,
        font=dict(family="Inter, Helvetica, Arial, sans-serif", size=13, color="#222"),
        title=dict(font=dict(size=15), x=0.0, xanchor="left"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=60, r=20, t=80, b=50),
        xaxis=dict(showgrid=True, gridcolor="#EEE", zeroline=False, linecolor="#888", ticks="outside"),
        yaxis=dict(showgrid=True, gridcolor="#EEE", zeroline=False, linecolor="#888", ticks="outside"),
        legend=dict(
            orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0.0, bgcolor="rgba(255,255,255,0.8)"
        ),
        hovermode="x unified",
    )
)
if os.environ.get("KIT_PRESENTER") == "1":  # python -m kit.present: type a room can read
    pio.templates[TEMPLATE].layout.update(font_size=20, title_font_size=24)


def figure(**layout) -> go.Figure:
    """An empty figure in the kit's template; plots functions start here."""
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, **layout)
    return fig
