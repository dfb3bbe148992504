import asyncio

import ipywidgets as w
import plotly.graph_objects as go
import pytest

from kit import config
from kit.ui import theme
from kit.ui.app import App


class Toy(App):
    title = "toy"

    def __init__(self, **kw):
        self.calls = 0
        super().__init__(**kw)

    def make_controls(self):
        return {"n": w.IntSlider(value=2, min=0, max=5), "mode": w.Dropdown(options=["ok", "bad", "boom"])}

    def make_actions(self):
        return {"add one": self.add_one}

    def add_one(self):
        if self.controls["n"].value == 5:
            raise ValueError("n cannot exceed 5")
        self.controls["n"].value += 1

    def compute(self, n, mode):
        self.calls += 1
        self.report(0.5)
        if mode == "bad":
            raise ValueError("mode 'bad' is not allowed here")
        if mode == "boom":
            raise ZeroDivisionError("division by zero")
        return n

    def figures(self, n):
        fig = theme.figure(title=f"n={n}")
        for i in range(max(n, 1)):
            fig.add_scatter(y=[i, n])
        return [fig]


@pytest.fixture(autouse=True)
def _config():
    yield
    config.reset()


def test_updates_figure_widgets_in_place():
    app = Toy()
    fw = app.figure_widgets[0]
    assert isinstance(fw, go.FigureWidget) and fw.layout.title.text == "n=2"
    app.controls["n"].value = 2  # no change, no run
    app.controls["n"].value = 3
    assert app.figure_widgets[0] is fw
    assert len(fw.data) == 3 and fw.data[0].y == (0, 3) and fw.layout.title.text == "n=3"
    assert app.calls == 2 and "updated in" in app.status.value


def test_value_error_shows_in_banner_and_keeps_last_figure():
    app = Toy()
    app.controls["mode"].value = "bad"
    assert app.last_error == "mode 'bad' is not allowed here"
    assert app.banner.layout.display is None and "not allowed" in app.banner.value
    assert "last valid result" in app.banner.value
    assert app.figure_widgets[0].layout.title.text == "n=2"
    app.controls["mode"].value = "ok"
    assert app.last_error is None and app.banner.layout.display == "none"


def test_unexpected_error_is_a_message_not_a_traceback():
    app = Toy()
    app.controls["mode"].value = "boom"
    assert app.last_error.startswith("Something went wrong (ZeroDivisionError")
    assert "Traceback" not in app.banner.value


def test_action_updates_once_and_errors_go_to_banner():
    app = Toy(n=4)
    calls = app.calls
    app.buttons[0].click()
    assert app.controls["n"].value == 5 and app.calls == calls + 1
    app.buttons[0].click()
    assert app.last_error == "n cannot exceed 5" and app.calls == calls + 1


def test_progress_bar_only_for_long_work():
    app = Toy()
    assert app.progress_bar.layout.display == "none"
    seen = []
    config.UI_PROGRESS_AFTER_S = 0.0
    app.progress_bar.observe(lambda c: seen.append(c["new"]), names="value")
    app.controls["n"].value = 1
    assert seen == [0.5]
    assert app.progress_bar.layout.display == "none"  # hidden again when done


def test_debounce_runs_once_after_a_burst():
    app = Toy()
    calls = app.calls

    async def burst():
        for n in (3, 4, 5, 4):
            app.controls["n"].value = n
        assert app.calls == calls  # nothing yet: waiting for a pause
        await asyncio.sleep(config.UI_DEBOUNCE_S * 3)

    asyncio.run(burst())
    assert app.calls == calls + 1 and app.result == 4


def test_sliders_run_on_release_and_show_full_labels():
    app = Toy()
    assert app.controls["n"].continuous_update is False
    assert app.controls["n"].style.description_width == "initial"


def test_unknown_initial_control_is_refused():
    with pytest.raises(ValueError, match="nope is not a control of Toy"):
        Toy(nope=1)
