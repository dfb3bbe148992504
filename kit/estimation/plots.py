"""Figures for the estimation lab: pure functions, result -> figure."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..ui import figures, theme
from . import api

_SOURCE_COLOURS = [theme.BLUE, theme.ORANGE, theme.GREEN, theme.PURPLE]


def latency(table=None) -> go.Figure:
    """The latency numbers on a log scale, one colour per source (hover for the citation)."""
    table = api.LATENCY if table is None else table
    fig = theme.figure(
        title="Latency numbers, ns (log scale): Dean 2009, Bonér 2012, Scott's 2020 model",
        xaxis=figures.log_axis(
            "latency", "ns", float(table["latency_ns"].min()), float(table["latency_ns"].max())
        ),
        yaxis=dict(autorange="reversed"),
        height=150 + 22 * len(table),
        hovermode="closest",
    )
    for colour, (source, rows) in zip(_SOURCE_COLOURS, table.groupby("source", sort=False), strict=False):
        year = rows["year"].iloc[0]
        label = "computed from the line rate" if str(year) == "<NA>" else f"{source.split(',')[0]} ({year})"
        fig.add_bar(
            x=rows["latency_ns"],
            y=rows["operation"] + " · " + rows["year"].astype(str).replace("<NA>", "calc"),
            orientation="h",
            name=label,
            marker_color=colour,
            customdata=rows[["source"]],
            hovertemplate="%{y}: %{x:,.4g} ns<br>%{customdata[0]}<extra></extra>",
        )
    return fig


def sizing(result: api.Sizing, servers, quantiles_ms) -> go.Figure:
    """Response-time percentile against servers, the SLO, and the two fleet sizes.

    Parameters
    ----------
    result : Sizing
        From :func:`kit.estimation.compare_sizing`.
    servers, quantiles_ms : array-like
        The curve: fleet sizes and their percentile (``inf`` where unstable, left out).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    servers, quantiles_ms = np.asarray(servers), np.asarray(quantiles_ms, dtype=float)
    p = f"p{result.percentile:g}"
    marks = [(result.naive, result.naive_ms), (result.needed, result.needed_ms)]
    finite = [v for v in (*quantiles_ms, result.naive_ms, result.needed_ms) if math.isfinite(v)]
    lo = min([result.service_quantile_ms, result.slo_ms, *finite])
    hi = min(max([result.slo_ms, *finite]), 100.0 * max(result.slo_ms, result.service_quantile_ms))
    shown = np.where(np.isfinite(quantiles_ms) & (quantiles_ms <= hi), quantiles_ms, np.nan)
    keep = ~np.isnan(shown)  # no NaN in the figure's JSON: unstable fleets are left out
    wide = hi > 10.0 * lo  # a log axis only where the curve spans a decade: else too few ticks
    fig = theme.figure(
        title=f"{p} response time vs servers at {result.qps:,.0f} req/s",
        xaxis=figures.axis("fleet", "servers"),
        yaxis=figures.log_axis(f"{p} response time", "ms", lo, hi)
        if wide
        else figures.axis(f"{p} response time", "ms", range=[0, 1.1 * hi]),
    )
    fig.add_scatter(
        x=servers[keep], y=shown[keep], mode="lines", name="M/M/c (Erlang C)", line=theme.THEORY_LINE
    )
    ends = [int(servers[0]), int(servers[-1])] if len(servers) else [result.needed, result.naive]
    fig.add_scatter(
        x=ends,
        y=[result.slo_ms] * 2,
        mode="lines",
        name=f"SLO: {result.slo_ms:,.0f} ms",
        line=dict(color=theme.VERMILLION),
    )
    fig.add_scatter(
        x=ends,
        y=[result.service_quantile_ms] * 2,
        mode="lines",
        name=f"service alone: {result.service_quantile_ms:,.0f} ms",
        line=dict(color=theme.GREY, dash="dot"),
    )
    for (c, ms), name, colour in zip(
        marks,
        (f"naive at {result.utilisation:.0%} utilisation", "fewest meeting the SLO"),
        (theme.ORANGE, theme.BLUE),
        strict=True,
    ):
        fig.add_scatter(
            x=[c] if math.isfinite(ms) else [],
            y=[ms] if math.isfinite(ms) else [],
            mode="markers",
            name=f"{name}: {c:,}" + ("" if math.isfinite(ms) else " (unstable)"),
            marker=dict(color=colour, size=12),
        )
    return fig


def page(result: api.Estimate) -> go.Figure:
    """The one-page estimate as a table."""
    table = result.table()
    fig = go.Figure(
        go.Table(
            columnwidth=[70, 170, 190, 300],
            header=dict(values=list(table.columns), fill_color="#EEE", align="left"),
            cells=dict(values=[table[c] for c in table.columns], align="left", height=22),
        )
    )
    fig.update_layout(
        template=theme.TEMPLATE,
        title="The one-page estimate",
        height=80 + 34 * len(table),  # rows wrap to two lines in a narrow cell
        margin=dict(t=40, b=10),
    )
    return fig


def bill(lines) -> go.Figure:
    """The monthly bill by line, USD."""
    total = float(lines["monthly_usd"].sum())
    fig = theme.figure(
        title=f"Monthly bill: {total:,.0f} USD",
        xaxis=figures.axis("monthly cost", "USD"),
        yaxis=dict(autorange="reversed"),
    )
    fig.add_bar(
        x=lines["monthly_usd"],
        y=lines["line"],
        orientation="h",
        marker_color=theme.BLUE,
        text=[f"{v:,.0f}" for v in lines["monthly_usd"]],
        name="USD per month",
    )
    return fig


def tornado(table) -> go.Figure:
    """Which assumption moves the bill most: each bar spans the bill at its low and high value."""
    base = table.attrs.get("base_usd", math.nan)
    fig = theme.figure(
        title=f"Sensitivity: the bill with each assumption moved alone (base {base:,.0f} USD/month)",
        xaxis=figures.axis("monthly bill", "USD"),
        yaxis=dict(autorange="reversed"),
        barmode="overlay",
        hovermode="closest",
    )
    names = list(table["assumption"])
    for column, colour, label in (
        ("bill_low", theme.SKY, "assumption lowered"),
        ("bill_high", theme.ORANGE, "assumption raised"),
    ):
        fig.add_bar(
            y=names,
            x=table[column] - base,
            base=base,
            orientation="h",
            marker_color=colour,
            name=label,
            customdata=table[["low", "high"]],
            hovertemplate="%{y}: %{x:,.0f} USD (values %{customdata[0]:.3g} / %{customdata[1]:.3g})"
            "<extra></extra>",
        )
    fig.add_vline(x=base, line=dict(color=theme.THEORY))
    return fig


def storage(result: api.Storage) -> go.Figure:
    """Bytes stored month by month, hot and cold tiers stacked (TB)."""
    fig = theme.figure(
        title=f"Storage over {result.months[-1]} months (every copy, index included)",
        xaxis=figures.axis("time from now", "months"),
        yaxis=figures.axis("stored", "TB"),
    )
    for q, name, colour in (
        (result.hot, "hot tier", theme.VERMILLION),
        (result.cold, "cold tier", theme.SKY),
    ):
        fig.add_scatter(
            x=result.months, y=q.to("TB").magnitude, stackgroup="one", name=name, line=dict(color=colour)
        )
    return fig


def purchase(table) -> go.Figure:
    """The monthly bill under each purchase option: compute and the rest, stacked."""
    fig = theme.figure(
        title="On-demand vs reserved vs spot", yaxis=figures.axis("monthly bill", "USD"), barmode="stack"
    )
    fig.add_bar(x=table["purchase"], y=table["compute_usd"], name="servers", marker_color=theme.BLUE)
    fig.add_bar(x=table["purchase"], y=table["other_usd"], name="everything else", marker_color=theme.GREY)
    return fig
