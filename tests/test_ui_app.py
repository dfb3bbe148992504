import asyncio

import ipywidgets as w
import pytest

from kit import config
from kit.ui import controls, theme
from kit.ui.app import PLOTLY_MIME, UPDATING, App


class Toy(App):
    title = "toy"

    def __init__(self, **kw):
        self.calls = 0
        super().__init__(**kw)

    def make_controls(self):
        return {
            "n": controls.int_slider("n", 2, 0, 5, why="the toy stops at 5"),
            "mode": controls.dropdown("mode", ["ok", "bad", "boom"]),
        }

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


def test_figures_are_shown_by_plotlys_renderer_and_resent_only_when_changed():
    app = Toy()
    output = app.figure_box.children[0]
    assert isinstance(output, w.Output) and app.figures_shown[0].layout.title.text == "n=2"
    spec = output.outputs[0]["data"][PLOTLY_MIME]
    assert spec["layout"]["title"]["text"] == "n=2" and spec["config"]["responsive"] is True
    assert "width" not in spec["layout"]  # the output's full width
    app.controls["n"].value = 2  # no change, no run
    app.controls["n"].value = 3
    assert app.figure_box.children[0] is output  # the same output, new content
    spec = output.outputs[0]["data"][PLOTLY_MIME]
    assert len(spec["data"]) == 3 and spec["layout"]["title"]["text"] == "n=3"
    assert app.calls == 2 and "updated in" in app.status.value
    sent = []
    output.observe(lambda change: sent.append(change), names="outputs")
    app.update()  # same figure: nothing is sent to the browser
    assert sent == []


def test_value_error_shows_in_banner_and_keeps_last_figure():
    app = Toy()
    app.controls["mode"].value = "bad"
    assert app.last_error == "mode 'bad' is not allowed here."  # a sentence, ended
    assert app.banner.layout.display is None and "not allowed" in app.banner.value
    assert "last valid result" in app.banner.value
    assert app.figures_shown[0].layout.title.text == "n=2"
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
    assert app.last_error == "n cannot exceed 5." and app.calls == calls + 1


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
        assert UPDATING in app.status.value  # ... and saying so
        await asyncio.sleep(config.UI_DEBOUNCE_S * 3)

    asyncio.run(burst())
    assert app.calls == calls + 1 and app.result == 4
    assert UPDATING not in app.status.value and "updated in" in app.status.value


def test_a_failed_update_clears_the_updating_status():
    app = Toy()

    async def fail():
        app.controls["mode"].value = "bad"
        assert UPDATING in app.status.value
        await asyncio.sleep(config.UI_DEBOUNCE_S * 3)

    asyncio.run(fail())
    assert app.last_error and app.status.value == ""  # the banner says why


def test_sliders_run_on_release_and_show_full_labels():
    app = Toy()
    assert app.controls["n"].continuous_update is False
    assert app.controls["n"].style.description_width == "initial"


def test_unknown_initial_control_is_refused():
    with pytest.raises(ValueError, match="nope is not a control of Toy"):
        Toy(nope=1)
    with pytest.raises(ValueError, match="mode must be one of 'ok', 'bad', 'boom'"):
        Toy(mode="nope")


@pytest.mark.parametrize(
    "typed, value, note",
    [
        ("5000", 5, "5000 is outside this slider's range, 0 to 5: using 5. The toy stops at 5."),
        ("-3", 0, "-3 is outside this slider's range, 0 to 5: using 0."),
        ("abc", 2, "'abc' is not a number, so it stays at 2."),
        ("2.6", 3, "Whole numbers only: 2.6 became 3."),
        ("4", 4, ""),
    ],
)
def test_a_typed_value_is_clamped_and_the_note_says_so(typed, value, note):
    app = Toy()
    app.entries["n"].value = typed
    assert app.controls["n"].value == value
    assert app.entries["n"].value == str(value)  # the box shows what the model takes
    label = app.note_labels["n"]
    assert (
        (note in label.value) and (label.layout.display is None) if note else label.layout.display == "none"
    )


def test_a_typed_note_stays_through_the_update_and_goes_when_the_slider_moves():
    app = Toy()
    app.entries["n"].value = "99"
    assert "outside" in app.note_labels["n"].value and app.result == 5
    app.update()
    assert "outside" in app.note_labels["n"].value
    app.controls["n"].value = 1
    assert app.note_labels["n"].layout.display == "none" and app.entries["n"].value == "1"


def test_initial_values_go_through_the_same_check():
    app = Toy(n=9)
    assert app.controls["n"].value == 5 and "9 is outside" in app.note_labels["n"].value
    assert app.calls == 1  # one update, after every initial value is set


def test_compute_notes_last_one_update():
    class Capped(Toy):
        def compute(self, n, mode):
            if n > 3:
                self.note("n", f"n capped at 3 (asked {n})")
            return min(n, 3)

    app = Capped(n=4)
    assert "n capped at 3 (asked 4)." in app.note_labels["n"].value
    app.controls["n"].value = 2
    assert app.note_labels["n"].layout.display == "none"
    with pytest.raises(ValueError, match="control must be one of n, mode"):
        app.note("nope", "x")


@pytest.mark.parametrize(
    "control, typed, value, note",
    [
        (w.FloatSlider(value=0.01, min=0.0, max=0.2, step=0.001), "1.5", 0.2, "outside"),
        (w.FloatSlider(value=0.01, min=0.0, max=0.2, step=0.001), "2%", 0.02, ""),
        (w.FloatSlider(value=0.01, min=0.0, max=0.2, step=0.001), "0.0123", 0.012, "steps of 0.001"),
        (w.FloatLogSlider(value=100, base=10, min=1, max=3), "5000", 1000.0, "outside"),
        (w.FloatLogSlider(value=100, base=10, min=1, max=4), "1,234", 1234.0, ""),
        (w.FloatSlider(value=0.5, min=0, max=1, step=0.01, readout_format=".0%"), "30", 0.3, ""),
        (w.IntRangeSlider(value=(2, 4), min=0, max=10), "7 - 3", (3, 7), "swapped"),
        (w.IntRangeSlider(value=(2, 4), min=0, max=10), "3 to 70", (3, 10), "outside"),
        (w.IntRangeSlider(value=(2, 4), min=0, max=10), "5", None, "not a range"),
        (w.FloatSlider(value=0.5, min=0, max=1), "nan", None, "not a number"),
    ],
)
def test_accept_reads_typed_values_as_the_slider_shows_them(control, typed, value, note):
    got, said = controls.accept(control, typed)
    assert got == pytest.approx(value) if value is not None else got is None
    assert note in said and (said == "") == (note == "")


def test_results_are_cached_by_control_values_when_the_app_says_so():
    class Cached(Toy):
        cache_results = True

    app = Cached()
    app.controls["n"].value = 3
    app.controls["n"].value = 2
    assert app.calls == 2  # n=2 came from the cache
    app.clear_cache()
    app.controls["n"].value = 3
    assert app.calls == 3
    plain = Toy()
    plain.controls["n"].value = 3
    plain.controls["n"].value = 2
    assert plain.calls == 3  # without cache_results, every update computes


def test_memo_keeps_a_bounded_number_of_results():
    app = Toy()
    made = []
    for i in range(config.UI_CACHE_SIZE + 5):
        app.memo(i, lambda i=i: made.append(i) or i)
    assert app.memo(config.UI_CACHE_SIZE + 4, lambda: "new") == config.UI_CACHE_SIZE + 4
    assert app.memo(0, lambda: "again") == "again"  # the oldest was dropped
    assert len(made) == config.UI_CACHE_SIZE + 5


def test_a_changing_number_of_figures_rebuilds_the_outputs():
    class Grow(Toy):
        def figures(self, n):
            return [theme.figure(title=f"{i}") for i in range(max(n, 1))]

    app = Grow()
    assert len(app.figure_box.children) == 2
    app.controls["n"].value = 4
    assert len(app.figure_box.children) == 4 and len(app.figures_shown) == 4
