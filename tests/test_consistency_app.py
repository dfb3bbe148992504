"""The lab's apps: what they do with settings the model cannot take, and that they show the api's numbers."""

from kit import config, consistency
from kit.consistency import CAPApp, HistoryApp, QuorumApp


def notes(app) -> dict[str, str]:
    return {name: label.value for name, label in app.note_labels.items() if label.value}


def test_quorum_app_caps_a_quorum_at_n_and_says_so():
    app = QuorumApp(N=3, R=5)
    mine = app.result[1]
    assert (mine.N, mine.R, mine.W) == (3, 3, 1) and app.last_error is None
    assert "R capped at N = 3" in notes(app)["R"] and "W" not in notes(app)
    app.controls["N"].value = 5  # R = 5 fits now: the note goes
    assert app.result[1].R == 5 and "R" not in notes(app)


def test_quorum_app_shows_the_notebooks_number():
    """The app's marker is the t-visibility the notebook's cell prints (same trials, same seed)."""
    app = QuorumApp()
    every = consistency.pbs_all(3, "lnkd-disk", trials=config.CONSISTENCY_PBS_APP_TRIALS, seed=config.SEED)
    cell = next(r for r in every if (r.R, r.W) == (1, 1)).t_visibility(0.999)
    marker = app.figures_shown[0].data[-1]
    assert marker.x[0] == cell and f"{cell:.3g} ms" in marker.text[0]


def test_quorum_app_at_seven_replicas_keeps_the_legend_short():
    app = QuorumApp(N=7, R=2)
    legend = [t.name for t in app.figures_shown[0].data if t.showlegend is not False]
    assert len(legend) <= config.UI_LEGEND_MAX and "N=7, R=2, W=1 (yours)" in legend


def test_cap_app_explains_an_empty_window_and_a_cut_of_every_client():
    app = CAPApp(partition_ms=(800, 800))
    assert all(len(r.params["partitions"]) == 0 for r in app.result.values())
    assert "cuts no one" in notes(app)["partition_ms"]
    app.controls["partition_ms"].value = (500, 1500)
    app.controls["cut_off"].value = "every client"
    assert "Every client is cut off" in notes(app)["cut_off"] and "partition_ms" not in notes(app)


def test_cap_app_keeps_the_cp_run_when_only_the_ap_store_changes():
    app = CAPApp()
    cp = app.result["leader-sync (CP)"]
    app.controls["ap_setup"].value = "quorum, sloppy"
    assert app.result["leader-sync (CP)"] is cp and list(app.result) == ["leader-sync (CP)", "quorum, sloppy"]


def test_history_app_checks_the_history_it_draws():
    app = HistoryApp(setup="leader-sync (CP)", cut_off="nobody")
    verdict, classification = app.result
    assert verdict.verdict == "OK" and classification.satisfied["linearizable"]
    assert app.figures_shown[0].layout.title.text == "Operations by process — OK"
    app.controls["cut_off"].value = "every client"
    assert "time out" in notes(app)["cut_off"]
