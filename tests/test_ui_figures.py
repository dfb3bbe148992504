"""The figure rules and the helpers that make them the default: each rule catches its planted fault."""

import copy
import json
import math

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit import config
from kit.ui import figures, rules, theme


def good() -> go.Figure:
    """A figure that follows every rule: the base each test plants one fault into."""
    fig = theme.figure(
        title="Latency against load",
        xaxis=figures.axis("load", "requests/s"),
        yaxis=figures.log_axis("latency", "ms", 1, 2000),
    )
    fig.add_scatter(x=[1, 2, 3], y=[1.0, 10.0, 1000.0], mode="markers", name="simulated")
    fig.add_scatter(x=[1, 2, 3], y=[1.5, 12.0, 900.0], mode="lines", name="theory", line=theme.THEORY_LINE)
    return fig


def test_the_good_figure_is_clean():
    assert rules.problems(good()) == []


def test_legend_over_the_title_band_is_caught():
    fig = good().update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0))
    assert any("over the title band" in p for p in rules.problems(fig))
    fig = good().update_layout(legend=dict(x=0.5, y=0.5))
    assert any("inside the plot" in p for p in rules.problems(fig))
    below = good().update_layout(legend=dict(orientation="h", x=0, y=-0.25, yanchor="top"))
    assert rules.problems(below) == []


def test_too_many_legend_entries_are_caught_and_highlight_fixes_them():
    fig = good()
    colours = theme.colours(10)
    for i in range(10):
        fig.add_scatter(
            x=[1, 2], y=[i + 1, i + 2], mode="lines", name=f"policy {i}", line=dict(color=colours[i])
        )
    assert any("legend has 12 entries" in p for p in rules.problems(fig))
    figures.highlight(fig, ["policy 3", "theory", "simulated"], others="other policies")
    assert rules.problems(fig) == []
    shown = [t.name for t in fig.data if t.showlegend is not False]
    assert shown == ["simulated", "theory", "policy 3", "other policies (9): hover for names"]
    greyed = [t for t in fig.data if t.showlegend is False]
    assert all(t.line.color == theme.MUTED and t.name in t.hovertemplate for t in greyed)


def test_highlight_leaves_a_small_legend_alone():
    fig = good()
    figures.highlight(fig, "theory")
    assert fig.data[0].marker.color is None and len(fig.data) == 2


def test_highlighted_traces_draw_what_highlight_draws():
    colours = theme.colours(10)
    traces = [
        dict(
            type="scatter",
            x=[1, 2],
            y=[i, i + 1],
            name=f"policy {i}",
            line=dict(color=colours[i]),
            marker=dict(size=6),
        )
        for i in range(10)
    ] + [dict(type="bar", x=[1, 2], y=[3, 4], name="bars", marker=dict(color=theme.BLUE))]
    untouched = copy.deepcopy(traces)
    drawn = theme.figure(title="t")
    for trace in traces:
        drawn.add_trace(trace)
    figures.highlight(drawn, ["policy 3"], others="other policies")
    built = theme.figure(data=figures.highlighted(traces, ["policy 3"], others="other policies"), title="t")
    assert json.loads(pio.to_json(built)) == json.loads(pio.to_json(drawn))
    assert traces == untouched  # the caller's traces are not greyed in place
    assert figures.highlighted(traces[:3], "policy 0") == traces[:3]  # a small legend is left alone


def test_theme_figure_with_traces_equals_one_built_trace_by_trace():
    layout = dict(title="t", xaxis=figures.axis("load", "requests/s"), barmode="group")
    traces = [
        dict(type="bar", x=["a", "b"], y=[1, 2], name="one"),
        dict(type="scatter", x=[1], y=[2], name="two"),
    ]
    drawn = theme.figure(**layout)
    for trace in traces:
        drawn.add_trace(trace)
    built = theme.figure(data=traces, **layout)
    assert json.loads(pio.to_json(built)) == json.loads(pio.to_json(drawn))
    assert built.layout.template.layout.colorway == tuple(theme.PALETTE)  # the kit's template, not plotly's


def test_an_unchecked_figure_sends_what_plotly_would_validate():
    layout = dict(title="t", xaxis=dict(title="load (requests/s)"), yaxis=figures.axis("latency", "ms"))
    traces = [dict(type="scatter", x=np.arange(3.0), y=[1.0, np.nan, 3.0], name="one", marker_color="red")]
    with theme.unchecked_figures():
        fast = theme.figure(data=traces, **layout)
        assert fast._validate is False and fast.data[0]._validate is False
    assert fast._validate and fast.layout._validate and fast.data[0]._validate  # edits after it are checked
    with pytest.raises(ValueError, match="tittle"):
        fast.update_layout(xaxis=dict(tittle="x"))
    assert fast.layout.title.text == "t" and fast.layout.xaxis.title.text == "load (requests/s)"
    assert rules.problems(fast) == []
    assert json.loads(pio.to_json(fast)) == json.loads(pio.to_json(theme.figure(data=traces, **layout)))


@pytest.mark.parametrize(
    "plant, found",
    [
        (lambda: good().update_layout(title="bare"), "layout.title is 'bare'"),  # plotly.js 3 ignores it
        (lambda: good().update_layout(annotations=[dict(text="a", font_size=11)]), "annotations[0].font"),
        (lambda: theme.figure(title="t", xaxis=dict(tittle="x")), "plotly rejects the spec"),
    ],
    ids=["bare title", "underscore in a nested dict", "misspelt property"],
)
def test_what_validation_would_change_or_reject_is_caught(plant, found):
    with theme.unchecked_figures():
        fig = plant()
    assert any(found in p for p in rules.problems(fig)), rules.problems(fig)


def test_axis_without_title_or_unit_is_caught():
    fig = good().update_layout(xaxis_title_text="")
    assert any("xaxis has no title" in p for p in rules.problems(fig))
    fig = good().update_layout(xaxis_title_text="load")
    assert any("xaxis title 'load' has no unit" in p for p in rules.problems(fig))


def test_category_axes_need_no_unit():
    fig = theme.figure(title="t", yaxis=figures.axis("hit ratio", "%"))
    fig.add_bar(x=["lru", "fifo"], y=[0.5, 0.4])
    assert rules.problems(fig) == []


def test_log_axis_with_plotly_minor_labels_is_caught():
    fig = good().update_layout(yaxis=dict(type="log", tickvals=None, ticktext=None, tickmode="auto"))
    assert any("'2, 5'" in p for p in rules.problems(fig))
    fig = good().update_layout(yaxis=dict(tickvals=[1, 10, 2000], ticktext=["1", "10", "2"]))
    assert any("the tick at 2000 reads '2'" in p for p in rules.problems(fig))
    decades = good().update_layout(yaxis=dict(tickvals=None, ticktext=None, tickmode="linear", dtick=1))
    assert rules.problems(decades) == []


def test_repeated_colours_are_caught():
    fig = theme.figure(title="t", xaxis=figures.axis("x", "s"), yaxis=figures.axis("y", "s"))
    for i in range(len(theme.PALETTE) + 1):  # the colourway cycles: the 8th repeats the 1st
        fig.add_scatter(x=[0, 1], y=[i, i], mode="lines", name=f"s{i}")
    found = rules.problems(fig)
    assert any("'s7' looks exactly like 's0'" in p for p in found)


def test_a_solid_black_line_is_caught():
    fig = good()
    fig.data[1].line.dash = None
    assert any("solid black line" in p for p in rules.problems(fig))


def test_colliding_labels_are_caught_and_thinned():
    fig = theme.figure(title="t", xaxis=figures.axis("x", "s"), yaxis=figures.axis("y", "s"))
    x = np.linspace(0, 1, 40)
    labels = [f"label {i}" for i in range(40)]
    fig.add_scatter(x=x, y=x, mode="markers+text", text=labels, name="points")
    assert any("overlap" in p for p in rules.problems(fig))
    figures.thin_labels(fig)
    assert rules.problems(fig) == []
    kept = [t for t in fig.data[0].text if t]
    assert 3 <= len(kept) < 40
    moved = [h for h in fig.data[0].hovertext if h]
    assert sorted(kept + moved, key=lambda s: int(s.split()[1])) == labels  # nothing lost


def test_an_annotation_on_a_label_is_caught():
    fig = good()
    fig.add_annotation(x=2, y=1, yref="y", text="a long note here", showarrow=False)
    fig.add_annotation(x=2, y=1, yref="y", text="another note here", showarrow=False)
    assert any("overlap" in p for p in rules.problems(fig))


def test_an_annotation_running_past_the_plots_edge_is_caught_unless_anchored_inward():
    note = dict(x=3, y=2, text="replay(until=9): 38093 cents", showarrow=False)
    centred, inward = good().add_annotation(**note), good().add_annotation(**note, xanchor="right")
    assert any("runs past the plot's edge" in p for p in rules.problems(centred))
    assert rules.problems(inward) == []
    labelled = good().add_scatter(x=[3], y=[2], mode="markers+text", text=[note["text"]], name="replay")
    assert any("label 'replay(until=9): 38093 cents' runs past" in p for p in rules.problems(labelled))
    assert rules.problems(labelled.update_traces(textposition="top left", selector=dict(name="replay"))) == []


def test_an_annotation_on_a_log_axis_is_placed_by_its_log10():
    fig = theme.figure(
        title="t", xaxis=figures.log_axis("k", "servers", 1, 1000), yaxis=figures.axis("y", "s")
    )
    fig.add_scatter(x=[1, 10, 1000], y=[1, 2, 3], mode="markers", name="simulated")
    fig.add_annotation(x=3, y=3, text="k = 1,000: the widest fan-out", showarrow=False)  # x = log10(1000)
    fig.add_annotation(x=0, y=1, text="k = 1: a single server", showarrow=False, xanchor="left")
    assert [p for p in rules.problems(fig) if "past the plot's edge" in p] == [
        "t: annotation 'k = 1,000: the widest fan-out' runs past the plot's edge (cut off, or under the "
        "legend): anchor it inward (xanchor) or shorten it"
    ]


def test_empty_figures_are_caught_unless_they_say_why():
    empty = theme.figure(title="t", xaxis=figures.axis("x", "s"), yaxis=figures.axis("y", "s"))
    empty.add_scatter(x=[1, 2], y=[float("nan"), None], name="nothing")
    assert any("nothing is drawn" in p for p in rules.problems(empty))
    figures.explain_empty(empty, "No request was slower than 1 s at p = 0.")
    assert rules.problems(empty) == []


def test_fixed_width_is_caught():
    assert any("fixed width" in p for p in rules.problems(good().update_layout(width=700)))


def test_problems_name_the_figure():
    fig = good().update_layout(width=700)
    assert rules.problems(fig)[0].startswith("Latency against load:")


@given(st.floats(1e-4, 1e8), st.floats(1.5, 1e6))
def test_log_ticks_are_full_labels_within_the_range(lo, factor):
    hi = lo * factor
    values, text = figures.log_ticks(lo, hi)
    assert 2 <= len(values) <= 10
    assert all(lo * 0.95 <= v <= hi * 1.05 for v in values)
    assert values == sorted(values) and len(set(values)) == len(values)
    for v, t in zip(values, text, strict=True):
        assert math.isclose(rules._parse_label(t), v, rel_tol=0.02), (v, t)


@pytest.mark.parametrize(
    "value, label",
    [
        (1, "1"),
        (20, "20"),
        (500, "500"),
        (1000, "1k"),
        (2500, "2.5k"),
        (1e6, "1M"),
        (0.5, "0.5"),
        (0.001, "0.001"),
    ],
)
def test_number_labels(value, label):
    assert figures.number_label(value) == label


def test_log_axis_refuses_a_range_it_cannot_draw():
    with pytest.raises(ValueError, match="positive, finite range"):
        figures.log_axis("latency", "ms", 0, 10)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 13, 14, 40])
def test_colours_never_repeat(n):
    colours = theme.colours(n)
    assert len(colours) == n == len(set(colours))
    assert colours[: min(n, len(theme.PALETTE))] == theme.PALETTE[:n]
    assert theme.THEORY not in colours


def test_figures_take_the_cells_width_and_the_configured_height():
    fig = theme.figure(title="t")
    assert fig.layout.width is None and fig.layout.height == config.UI_FIGURE_HEIGHT
    assert fig.layout.template.layout.legend.x >= 1.0  # beside the plot, never over the title


def test_a_right_axis_has_its_own_ticks_and_follows_the_rules():
    linear = figures.right_axis("moved", "partitions")
    assert linear["tickmode"] == "auto"  # plotly's default for an overlaying axis syncs to the left grid
    assert (linear["overlaying"], linear["side"], linear["showgrid"]) == ("y", "right", False)
    log = figures.right_axis("peak backlog", "messages", log_range=(1, 2000))
    assert log["type"] == "log" and "1k" in log["ticktext"] and 10 ** log["range"][1] >= 2000
    for axis in (linear, log):
        fig = good().update_layout(yaxis2=axis)
        fig.add_scatter(x=[1, 2, 3], y=[5.0, 50.0, 1500.0], yaxis="y2", mode="markers", name="on the right")
        assert rules.problems(fig) == []
    untitled = good().update_layout(yaxis2=dict(overlaying="y", side="right"))
    untitled.add_scatter(x=[1, 2], y=[1.0, 2.0], yaxis="y2", mode="markers", name="on the right")
    assert any("yaxis2 has no title" in p for p in rules.problems(untitled))


def test_a_table_cut_off_by_its_figure_is_flagged_and_table_height_fits_it():
    long = "a result that takes a whole sentence to say, and wraps in a narrow column"
    columns = [[f"{i}. step" for i in range(9)], [long] * 9]
    table = dict(type="table", columnwidth=[3, 1], cells=dict(values=columns))  # the long text narrow
    cut = theme.figure(data=[table], title="steps")
    assert any("table of 9 rows" in p for p in rules.problems(cut))
    fits = theme.figure(data=[table], title="steps", height=figures.table_height(columns, [3, 1]))
    assert not [p for p in rules.problems(fits) if "table" in p]
    assert figures.table_height([["x"] * 9, ["y"] * 9], [3, 1]) < figures.table_height(columns, [3, 1])
