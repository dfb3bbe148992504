"""A person's view: real JupyterLab, real headless Chromium, the start notebook.

Starts JupyterLab on a free 127.0.0.1 port with a random token, opens the
start notebook in Debian's Chromium through Playwright, runs all cells,
moves the app's k slider with the keyboard and checks that the figure
changed and that no cell shows an error; then runs every other lab the same
way and checks that its figures render without an error. ``KIT_SCREENSHOT=path.png`` saves
what the browser saw (the README's picture is made this way).
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


def test_start_notebook_runs_and_slider_moves_figure(browser, lab):
    page = run_all(browser, lab, NOTEBOOK)
    app_cell = page.locator(".jp-CodeCell", has_text="FanoutApp()")
    figure = app_cell.locator(".js-plotly-plot").first
    figure.wait_for()

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
    assert "k=105" in figure.evaluate(annotations)
    assert_no_errors(page)
    if os.environ.get("KIT_SCREENSHOT"):
        app_cell.scroll_into_view_if_needed()
        app_cell.screenshot(path=os.environ["KIT_SCREENSHOT"])
    close(page, lab)


@pytest.mark.parametrize(
    "path", [nb for nb in NOTEBOOKS if nb.name != Path(NOTEBOOK).name], ids=lambda p: p.stem
)
def test_every_lab_runs_in_the_browser(browser, lab, path):
    page = run_all(browser, lab, f"notebooks/{path.name}")
    assert page.locator(".js-plotly-plot").count() > 0, "no figure rendered"
    assert_no_errors(page)
    close(page, lab)
