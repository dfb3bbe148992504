"""The presenter view: ``python -m kit.present`` serves a lab through Voila, without code.

The browser test starts the command as an instructor would, opens the page in
Debian's Chromium and checks what a room would see: no code, large type, the
app's figure drawn in the presenter's plotly look, and a slider that still
moves it. ``KIT_SCREENSHOT_DIR`` saves the page for a person to look at.
"""

import os
import re
import socket
import subprocess
import sys
import time

import pytest

from kit import present
from tests.conftest import ROOT, require
from tests.test_browser import CHROMIUM, FLAGS, assert_no_errors, free_port


def test_labs_are_named_by_number_or_file_name():
    assert present.notebook("04").name == "04_caching.ipynb"
    assert present.notebook("04_caching.ipynb") == present.notebook("04_caching") == present.notebook("04")


def test_an_unknown_lab_is_named_with_the_choices():
    with pytest.raises(SystemExit, match=r"unknown lab '99'; labs: 00_start_here, "):
        present.notebook("99")


def test_the_command_serves_on_localhost_with_the_presenter_template():
    cmd = present.command(present.notebook("00"), 9999, open_browser=False)
    assert "--Voila.ip=127.0.0.1" in cmd and "--no-browser" in cmd and "--strip_sources=True" in cmd
    assert f"--template={present.TEMPLATE}" in cmd
    env = present.environment()
    assert env["KIT_PRESENTER"] == "1"
    template = present.TEMPLATES / "voila" / "templates" / present.TEMPLATE
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(present.TEMPLATES) and template.is_dir()


def marked_k(plots) -> set[int]:
    """The k values the fan-out figures mark ("k = 100: 63.4%") in their annotations."""
    texts = plots.evaluate_all("els => els.flatMap(el => (el.layout?.annotations ?? []).map(a => a.text))")
    return {int(m) for t in texts for m in re.findall(r"\bk\s*=\s*(\d+)", t)}


@pytest.fixture(scope="module")
def presenter(tmp_path_factory):
    if not CHROMIUM.exists():
        require("KIT_REQUIRE_BROWSER", f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright", reason="the test extra installs playwright")
    pytest.importorskip("voila", reason="the test extra installs voila")
    home = tmp_path_factory.mktemp("voila")
    port = free_port()
    log = open(home / "voila.log", "w")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_DATA_DIR": str(home / "data")}
    cmd = [sys.executable, "-m", "kit.present", "00", "--no-browser", f"--port={port}"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 300  # kit.present compiles the lab's kernels first (cold: minutes)
        while True:
            try:  # a connection, not a page: each page load starts a kernel
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Voila did not start:\n" + (home / "voila.log").read_text()[-3000:])
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def opened(browser, url: str):
    """The presenter page once every widget has loaded, and the browser console's messages.

    The template holds widget outputs back until the widget manager has loaded the models
    (Voila alone races the two on a loaded machine: "model not found"); a widget that fails
    to display fails the test, with the console in its message.
    """
    page = browser.new_page(viewport={"width": 1600, "height": 900})
    page.set_default_timeout(300_000)  # Voila runs the whole notebook before the last cell shows
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.goto(url)
    page.locator(".widget-slider", has_text="servers k").first.wait_for()
    deadline = time.monotonic() + 120
    while page.get_by_text("Loading widget...").count() and time.monotonic() < deadline:
        time.sleep(0.5)
    failed = page.get_by_text("Error displaying widget").count()
    assert not failed, f"{failed} widgets failed to display; console:\n" + "\n".join(console)
    return page, console


@pytest.mark.slow
def test_presenter_view_shows_the_app_without_code_in_large_type(presenter):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        page, console = opened(browser, presenter)
        slider = page.locator(".widget-slider", has_text="servers k").first  # the fan-out app's

        assert page.locator(".jp-InputArea-editor, .cm-editor").count() == 0, "code is shown"
        assert page.locator("h1").first.is_visible()
        label = slider.locator(".widget-label")
        size = label.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 20, f"control labels are {size}px, too small for a projector"
        plots = page.locator(".js-plotly-plot")
        assert min(plots.evaluate_all("els => els.map(el => el._fullLayout.font.size)")) >= 20

        assert marked_k(plots) == {100}
        moved = set()
        for _ in range(2):  # a key pressed while a loaded machine is still wiring the page may be lost
            slider.locator(".noUi-handle").focus()
            for _ in range(5):
                page.keyboard.press("ArrowRight")
            deadline = time.monotonic() + 30
            while not (moved := marked_k(plots) - {100}) and time.monotonic() < deadline:
                time.sleep(0.2)
            if moved:
                break
        assert moved & {105, 110}, f"moving the k slider did not redraw the figure; console:\n{console}"
        assert page.get_by_text("Error displaying widget").count() == 0, "\n".join(console)
        assert_no_errors(page)
        if os.environ.get("KIT_SCREENSHOT_DIR"):
            page.screenshot(path=os.path.join(os.environ["KIT_SCREENSHOT_DIR"], "present_00.png"))
        browser.close()
