"""The design app: change an input of the URL shortener's design and watch availability and cost re-flow."""

from .. import config
from ..ui import controls
from ..ui.app import App
from . import api, plots

OBJECTIVES = {"99%": 0.99, "99.9%": 0.999, "99.95%": 0.9995, "99.99%": 0.9999, "99.999%": 0.99999}


class DesignApp(App):
    """Traffic, availability SLO, regions, database replicas and the click path -> availability and bill."""

    title = "A design re-flows: change an input, read the availability and the bill"
    cache_results = True
    spec = "url_shortener"

    def make_controls(self):
        return {
            "traffic": controls.log_slider(
                "traffic (x today)",
                1.0,
                0.1,
                config.DESIGN_APP_TRAFFIC_MAX,
                fmt=".3g",
                why=f"From a tenth of today's users to {config.DESIGN_APP_TRAFFIC_MAX:g} times as many",
            ),
            "objective": controls.dropdown("availability SLO", OBJECTIVES, 0.999),
            "regions": controls.int_slider(
                "regions",
                1,
                1,
                config.DESIGN_APP_REGIONS_MAX,
                why=f"Up to {config.DESIGN_APP_REGIONS_MAX} regions; each runs the whole stack",
            ),
            "db_replicas": controls.int_slider(
                "database replicas", 3, 1, 5, why="One to five copies of the URL database"
            ),
            "clicks": controls.dropdown(
                "click events", {"through a queue (async)": "async", "called directly (sync)": "sync"}
            ),
        }

    def compute(self, traffic, objective, regions, db_replicas, clicks):
        design = api.what_if(
            api.example(self.spec),
            traffic=traffic,
            objective=objective,
            regions=regions,
            replicas={"url_db": db_replicas},
            modes={("clicks", "analytics"): clicks},
        )
        return api.path_availability(design), objective, api.bill(design)

    def figures(self, computed):
        table, objective, bill = computed
        return [plots.availability(table, objective), plots.bill(bill)]


def side_by_side(left, right, titles=("good", "poor")):
    """Two designs' documents in two columns, each drawn as Markdown (diagrams included).

    Parameters
    ----------
    left, right : Design
    titles : tuple of str
        The columns' headings.

    Returns
    -------
    ipywidgets.HBox
    """
    import ipywidgets as w
    from IPython.display import Markdown, display

    designs = (left, right)
    for d in designs:
        if not isinstance(d, api.Design):
            raise ValueError(f"left and right must be Designs (got {d!r})")
    if (
        not isinstance(titles, (tuple, list))
        or len(titles) != 2
        or not all(isinstance(t, str) for t in titles)
    ):
        raise ValueError(f"titles must be two strings (got titles={titles!r})")
    columns = []
    for d, title in zip(designs, titles, strict=True):
        out = w.Output(layout=w.Layout(width="50%", padding="0 12px", overflow="auto"))
        with out:
            display(Markdown(f"<h3 style='margin-top:0'>{title}</h3>\n\n" + d.document()))
        columns.append(out)
    return w.HBox(columns, layout=w.Layout(width="100%", align_items="flex-start"))


class CapstoneApp(App):
    """The capstone: each step's decision a control; the steps, the availability and the bill re-flow."""

    title = "Capstone: a URL shortener end to end; change a decision and every later step follows"
    cache_results = True

    def make_controls(self):
        return {
            "traffic": controls.log_slider(
                "1. traffic (x today)",
                1.0,
                0.1,
                config.DESIGN_APP_TRAFFIC_MAX,
                fmt=".3g",
                why=f"From a tenth of today's users to {config.DESIGN_APP_TRAFFIC_MAX:g} times as many",
            ),
            "cache_share": controls.float_slider(
                "5. cache (share of links)",
                config.DESIGN_CACHE_SHARE,
                0.0,
                0.1,
                0.001,
                fmt=".1%",
                why="Up to a tenth of every link ever made; beyond, the hit ratio gains little",
            ),
            "consistency": controls.dropdown(
                "6. urls read", {c.replace("_", " "): c for c in api.CONSISTENCY}, "read_your_writes"
            ),
            "objective": controls.dropdown("7. availability SLO", OBJECTIVES, 0.999),
            "threshold_ms": controls.log_slider(
                "7. p99 latency SLO (ms)",
                100.0,
                10.0,
                1000.0,
                why="From 10 ms (a data centre's round trips) to a second",
            ),
            "regions": controls.int_slider(
                "regions",
                1,
                1,
                config.DESIGN_APP_REGIONS_MAX,
                why=f"Up to {config.DESIGN_APP_REGIONS_MAX} regions; each runs the whole stack",
            ),
        }

    def compute(self, **decisions):
        result = api.capstone(**decisions)
        return result, api.path_availability(result.design), decisions["objective"], api.bill(result.design)

    def figures(self, computed):
        result, table, objective, bill = computed
        return [plots.steps(result.steps), plots.availability(table, objective), plots.bill(bill)]
