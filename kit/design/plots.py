"""Figures of the design labs: pure functions, a derived table -> figure."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ..ui import figures, theme

NINES_SHOWN = 12  # a bar beyond 12 nines (a millisecond a century) is drawn at 12


def bill(table: pd.DataFrame, title: str = "") -> go.Figure:
    """The monthly bill by line, largest at the top.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`kit.design.bill`.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    t = table.sort_values("monthly_usd")
    total = float(t["monthly_usd"].sum())
    cost = dict(
        type="bar",
        x=t["monthly_usd"].to_numpy(),
        y=t["line"].to_numpy(),
        orientation="h",
        marker_color=theme.PALETTE[0],
        text=[f"{v:,.0f}" for v in t["monthly_usd"]],
        textposition="auto",
        hovertemplate="%{y}: %{x:,.0f} USD per month<extra></extra>",
        name="cost",
    )
    return theme.figure(
        data=[cost],
        title=title or f"Monthly bill: {total:,.0f} USD",
        xaxis=figures.axis("cost", "USD per month", rangemode="tozero"),
        yaxis=dict(title="", automargin=True),
        showlegend=False,
    )


def availability(table: pd.DataFrame, objective: float | None, title: str = "") -> go.Figure:
    """Nines of each unit on the request path, of the path, and over the regions, against the objective.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`kit.design.path_availability`.
    objective : float or None
        The availability SLO (drawn as a dashed black line), or None.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    part, available = table["part"].to_numpy(), table["availability"].to_numpy()
    nines = table["nines"].clip(upper=NINES_SHOWN).to_numpy()
    whole = (table["part"].isin(["request path"]) | table["part"].str.endswith("regions")).to_numpy()
    final = float(available[-1])
    meets = objective is None or final >= objective
    traces = [
        dict(
            type="bar",
            x=part[rows],
            y=nines[rows],
            marker_color=colour,
            name=name,
            customdata=available[rows],
            hovertemplate="%{x}: %{customdata:.8%}<extra></extra>",
        )
        for rows, colour, name in (
            (~whole, theme.PALETTE[0], "one unit (replicas in parallel)"),
            (whole, theme.PALETTE[1], "units in series"),
        )
    ]
    if objective is not None:
        level = -math.log10(1.0 - objective)
        traces.append(
            dict(
                type="scatter",
                x=list(part),
                y=[level] * len(table),
                mode="lines",
                line=theme.THEORY_LINE,
                name=f"objective {objective:.3%}",
            )
        )
    return theme.figure(
        data=traces,
        title=title
        or (
            f"Availability {final:.6%}: {'meets' if meets else 'below'} the objective"
            + ("" if objective is None else f" {objective:.3%}")
        ),
        yaxis=figures.axis("availability", "nines: 3 = 99.9%", range=[0, NINES_SHOWN + 0.5]),
        xaxis=dict(title="", automargin=True),
    )


def steps(table: pd.DataFrame, title: str = "") -> go.Figure:
    """The capstone's steps as a table: each decision, what it gave, and the lab the number comes from.

    Parameters
    ----------
    table : pandas.DataFrame
        :attr:`kit.design.Capstone.steps`.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    widths = [1.1, 2.2, 4.6, 1.6]
    columns = [table[c].to_numpy() for c in table.columns]
    rows = dict(
        type="table",
        columnwidth=widths,
        header=dict(values=[f"<b>{c}</b>" for c in table.columns], align="left", fill=dict(color="#EEEEEE")),
        cells=dict(values=columns, align="left", height=26),
    )
    return theme.figure(
        data=[rows],
        title=title or "The design, step by step",
        margin=dict(l=10, r=10, t=50, b=10),
        height=figures.table_height(columns, widths),
    )
