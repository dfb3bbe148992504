"""Figures for the estimation lab: pure functions, result -> figure."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..ui import theme
from . import api

_SOURCE_COLOURS = [theme.BLUE, theme.ORANGE, theme.GREEN, theme.PURPLE]


def latency(table=None) -> go.Figure:
    """The latency numbers on a log scale, one colour per source (hover for the citation)."""
    table = api.LATENCY if table is None else table
    fig = theme.figure(
        title="Latency numbers, ns (log scale): Dean 2009, Bonér 2012, Scott's 2020 model",
        xaxis=dict(title="latency (ns)", type="log"),
        yaxis=dict(autorange="reversed"),
        height=150 + 22 * len(table),
        hovermode="closest",
    )
    for colour, (source, rows) in zip(_SOURCE_COLOURS, table.groupby("source", sort=False), strict=False):
        year = rows["year"].iloc[0]
        label = f"{source.split(',')[0]} ({'computed' if str(year) == '<NA>' else year})"
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
    """Response-time percentile against servers, the SLO, and the two fleet sizes."""
    servers, quantiles_ms = np.asarray(servers), np.asarray(quantiles_ms, dtype=float)
    shown = np.where(np.isfinite(quantiles_ms), quantiles_ms, np.nan)
    fig = theme.figure(
        title=f"p{result.percentile:g} response time vs servers at {result.qps:,.0f} req/s: {result.verdict}",
        xaxis=dict(title="servers (workers)"),
        yaxis=dict(title=f"p{result.percentile:g} response time (ms)", type="log"),
        title_font_size=13,
    )
    fig.add_scatter(x=servers, y=shown, mode="lines", name="M/M/c (Erlang C)", line=dict(color=theme.THEORY))
    fig.add_hline(y=result.slo_ms, line=dict(color=theme.VERMILLION, dash="dash"), annotation_text="SLO")
    fig.add_hline(
        y=result.service_quantile_ms, line=dict(color=theme.GREY, dash="dot"), annotation_text="service alone"
    )
    for c, ms, name, colour in (
        (result.naive, result.naive_ms, f"naive at {result.utilisation:.0%} utilisation", theme.ORANGE),
        (result.needed, result.needed_ms, "fewest meeting the SLO", theme.BLUE),
    ):
        fig.add_scatter(
            x=[c],
            y=[ms if math.isfinite(ms) else None],
            mode="markers",
            name=f"{name}: {c:,}",
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
        template=theme.TEMPLATE, title="The one-page estimate", height=560, margin=dict(t=40, b=10)
    )
    return fig


def bill(lines) -> go.Figure:
    """The monthly bill by line, USD."""
    total = float(lines["monthly_usd"].sum())
    fig = theme.figure(
        title=f"Monthly bill: {total:,.0f} USD",
        xaxis=dict(title="USD per month"),
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
        xaxis=dict(title="USD per month"),
        yaxis=dict(autorange="reversed"),
        barmode="overlay",
        hovermode="closest",
    )
    names = list(table["assumption"])
    for column, colour, label in (
        ("bill_low", theme.SKY, "assumption x low"),
        ("bill_high", theme.ORANGE, "x high"),
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
        xaxis=dict(title="months from now"),
        yaxis=dict(title="TB"),
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
        title="On-demand vs reserved vs spot", yaxis=dict(title="USD per month"), barmode="stack"
    )
    fig.add_bar(x=table["purchase"], y=table["compute_usd"], name="servers", marker_color=theme.BLUE)
    fig.add_bar(x=table["purchase"], y=table["other_usd"], name="everything else", marker_color=theme.GREY)
    return fig
