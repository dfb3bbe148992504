"""A person's view: real JupyterLab, real headless Chromium, every lab.

Starts JupyterLab on a free 127.0.0.1 port with a random token, opens the
start notebook in Debian's Chromium through Playwright, runs all cells,
moves the app's k slider with the keyboard and checks that the figure
changed, types values the model cannot take into the boxes beside the
sliders and reads the notes that explain them, checks that figures use the
cell's width and that no cell shows an error; then runs every other lab the
same way.

Every app is photographed at its defaults, with every control at its
minimum and with every control at its maximum (typed into the value boxes,
so the app clamps them, and the first/last option of each menu), into
``build/screenshots/<notebook>/`` (or ``KIT_SCREENSHOTS``), for a person to
look at. ``KIT_SCREENSHOT=path.png`` saves the start app as the README shows it.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kit.ui.app import UPDATING
from tests.conftest import NOTEBOOKS, ROOT, require

CHROMIUM = Path(os.environ.get("KIT_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOTEBOOK = "notebooks/00_start_here.ipynb"
SCREENSHOTS = Path(os.environ.get("KIT_SCREENSHOTS", ROOT / "build" / "screenshots"))
# typed into every value box: far beyond any slider, so each is clamped to its end
TYPED = {"min": ("-1e12", "-1e12 to -1e12"), "max": ("1e12", "1e12 to 1e12")}

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # one JupyterLab


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        require("KIT_REQUIRE_BROWSER", f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright", reason="the test extra installs playwright")
    home = tmp_path_factory.mktemp("jupyter")
    served = home / "served"  # a copy: the browser may autosave outputs into what it opened
    shutil.copytree(ROOT / "notebooks", served / "notebooks")
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={served}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabServerApp.workspaces_dir={home / 'workspaces'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    labconfig = home / "config" / "labconfig"  # no "get Jupyter news?" prompt over the page
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}'
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
    }
    log = open(home / "lab.log", "w")
    server = subprocess.Popen(cmd, cwd=served, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (home / "lab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(home / "runtime", ignore_errors=True)


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield chromium
        chromium.close()


def run_all(browser, lab, notebook: str):
    """Open ``notebook`` in JupyterLab, run all cells, wait for the last one; the page."""
    from playwright.sync_api import expect

    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    workspace = Path(notebook).stem  # a fresh workspace per lab: no tabs restored from the last one
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={token}")
    page.locator(".jp-CodeCell").first.wait_for()
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=120_000)
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    last_prompt = page.locator(".jp-CodeCell .jp-InputPrompt").last
    expect(last_prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=300_000)
    expect(page.locator(".jp-InputPrompt", has_text="[*]")).to_have_count(0)
    return page


def close(page, lab) -> None:
    """Close the page and shut its kernel down, so labs do not compete for the CPU."""
    page.close()
    base, token = lab
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{base}/api/sessions", headers=headers)) as r:
        sessions = json.load(r)
    for session in sessions:
        request = urllib.request.Request(
            f"{base}/api/sessions/{session['id']}", headers=headers, method="DELETE"
        )
        urllib.request.urlopen(request).close()


def assert_no_errors(page) -> None:
    """No traceback, no widget that failed to render, no app banner with an error."""
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    texts = [stderr.nth(i).inner_text() for i in range(stderr.count())]
    assert not [t for t in texts if "Error" in t or "Traceback" in t], texts
    assert page.get_by_text("Error displaying widget").count() == 0
    assert page.get_by_text("Something went wrong").count() == 0


def wait_settled(page, app, quiet_s: float = 0.5, timeout_s: float = 120) -> None:
    """Until every change sent to ``app`` is computed and its figures drawn.

    An app says "updating…" from a change's arrival until its update ends, and
    the kernel is Idle once no message waits; both must hold ``quiet_s`` in a
    row (a change still in flight turns the status back within that time). The
    status is read from the DOM: an app scrolled out of view renders no text.
    """
    status, kernel = app.locator(".kit-status"), page.locator("#jp-main-statusbar")
    calm_since, deadline = None, time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if "Idle" not in kernel.inner_text() or UPDATING in (status.text_content() or ""):
            calm_since = None
        elif calm_since is None:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet_s:
            wait_for_figures(app)
            return
        time.sleep(0.05)
    raise AssertionError(f"the app was still updating after {timeout_s:.0f} s")


def wait_for_figures(app, timeout_s: float = 30) -> None:
    """Until plotly has drawn every figure of ``app`` (one per output of the app)."""
    drawn = "els => els.filter(el => el._fullLayout && el.querySelector('.main-svg')).length"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if app.locator(".js-plotly-plot").evaluate_all(drawn) >= app.locator(".widget-output").count():
            time.sleep(0.5)  # the last transition
            return
        time.sleep(0.25)
    raise AssertionError("the app's figures were not drawn within 30 s")


def set_everything(page, app, end: str) -> None:
    """Every control of ``app`` to one end: typed into the value boxes, first/last menu option.

    One change after another as fast as a person could not: the app updates
    for the last of a burst (and queues what arrives while it works).
    """
    single, ranged = TYPED[end]
    boxes = app.locator(".kit-entry")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        box.locator("input").fill(ranged if "kit-range" in (box.get_attribute("class") or "") else single)
        box.locator("input").press("Enter")
    menus = app.locator("select")
    for i in range(menus.count()):
        count = menus.nth(i).locator("option").count()
        menus.nth(i).select_option(index=0 if end == "min" else count - 1)
    wait_settled(page, app)


def photograph_apps(page, notebook: str, settings=("defaults", "min", "max")) -> None:
    """Each app as it stands ("defaults"), with every control at its minimum, at its maximum."""
    folder = SCREENSHOTS / Path(notebook).stem
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 3000})  # a whole app in view, figures included

    def photograph(app, path):
        app.scroll_into_view_if_needed()
        wait_for_figures(app)
        app.screenshot(path=path)

    apps = page.locator(".kit-app")
    for i in range(apps.count()):
        app = apps.nth(i)
        title = app.locator("b").first.text_content() if app.locator("b").count() else f"app {i + 1}"
        name = f"{i + 1}-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40]
        if "defaults" in settings:
            photograph(app, folder / f"{name}-defaults.png")
        for end in [s for s in settings if s != "defaults"]:
            set_everything(page, app, end)
            photograph(app, folder / f"{name}-{end}.png")
            assert page.get_by_text("Something went wrong").count() == 0, f"{notebook}, {title} at {end}"


def type_into(page, app, control: int, text: str) -> None:
    box = app.locator(".kit-entry input").nth(control)
    box.fill(text)
    box.press("Enter")
    wait_settled(page, app)


def test_start_notebook_runs_and_slider_moves_figure(browser, lab):
    page = run_all(browser, lab, NOTEBOOK)
    app_cell = page.locator(".jp-CodeCell", has_text="FanoutApp()")
    app = app_cell.locator(".kit-app")
    figure = app_cell.locator(".js-plotly-plot").first
    figure.wait_for()
    photograph_apps(page, NOTEBOOK, ["defaults"])
    # the app builds its figures unvalidated (kit.ui.theme.unchecked_figures): plotly.js draws the titles
    plots = app_cell.locator(".js-plotly-plot")
    titles = [t.strip() for t in app_cell.locator(".js-plotly-plot .gtitle").all_text_contents()]
    assert len(titles) == plots.count() and all(titles), f"figure titles drawn: {titles}"
    assert all(t.strip() for t in app_cell.locator(".js-plotly-plot .xtitle").all_text_contents())
    width = figure.evaluate("el => el.getBoundingClientRect().width")
    assert width > 0.9 * app.bounding_box()["width"], (
        f"the figure is {width:.0f} px wide, not the cell's width"
    )

    annotations = "el => el.layout.annotations.map(a => a.text).join('|')"
    state = "el => JSON.stringify([el.layout.annotations, el.data.map(t => t.y)])"
    before = figure.evaluate(state)
    handle = app_cell.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    deadline = time.monotonic() + 30
    while figure.evaluate(state) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert figure.evaluate(state) != before, "moving the k slider did not change the figure"
    assert "k = 105" in figure.evaluate(annotations)
    assert app.locator(".kit-entry input").first.input_value() == "105"  # the box follows the slider
    assert_no_errors(page)
    if os.environ.get("KIT_SCREENSHOT"):
        app_cell.scroll_into_view_if_needed()
        app_cell.screenshot(path=os.environ["KIT_SCREENSHOT"])

    # values the model cannot take: the app says what it did with them, beside the control
    app.scroll_into_view_if_needed()
    notes = app.locator(".kit-control")
    type_into(page, app, 0, "5000")
    assert "5000 is outside this slider's range, 1 to 1000: using 1000." in notes.nth(0).inner_text()
    assert "k = 1,000" in figure.evaluate(annotations)
    type_into(page, app, 0, "-3")
    assert "-3 is outside this slider's range, 1 to 1000: using 1." in notes.nth(0).inner_text()
    type_into(page, app, 0, "abc")
    assert "'abc' is not a number, so it stays at 1." in notes.nth(0).inner_text()
    type_into(page, app, 1, "1.5")
    assert "1.5 is outside this slider's range, 0.000 to 0.200: using 0.200." in notes.nth(1).inner_text()
    assert_no_errors(page)
    photograph_apps(page, NOTEBOOK, ["min", "max"])
    close(page, lab)


MERMAID = {"12_communicating_designs", "13_capstone"}  # labs that show a design's Mermaid diagram


def assert_mermaid_drawn(page) -> None:
    """JupyterLab drew the Mermaid diagrams as SVG (an <img> of one), none as its error box (bad syntax)."""
    page.locator(".jp-RenderedMermaid").first.scroll_into_view_if_needed()
    drawn = ".jp-RenderedMermaid svg, .jp-RenderedMermaid img[src^='data:image/svg+xml']"
    page.locator(drawn).first.wait_for(timeout=60_000)
    failed = page.locator(".jp-RenderedMermaid.jp-mod-warning")
    assert failed.count() == 0, failed.first.inner_text()


@pytest.mark.parametrize(
    "path", [nb for nb in NOTEBOOKS if nb.name != Path(NOTEBOOK).name], ids=lambda p: p.stem
)
def test_every_lab_runs_in_the_browser(browser, lab, path):
    page = run_all(browser, lab, f"notebooks/{path.name}")
    assert page.locator(".js-plotly-plot").count() > 0, "no figure rendered"
    assert_no_errors(page)
    if path.stem in MERMAID:
        assert_mermaid_drawn(page)
    photograph_apps(page, path.name)
    close(page, lab)
