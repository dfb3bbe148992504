"""The README and the notebooks' map agree with what is in the repository."""

import re
import subprocess
import sys
import tomllib

import nbformat

from tests.conftest import NOTEBOOKS, ROOT

README = (ROOT / "README.md").read_text()
REPO = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
BINDER = "https://mybinder.org/v2/gh/" + REPO.removeprefix("https://github.com/") + "/HEAD?urlpath=lab/tree/"


def test_readme_gives_the_two_commands_and_dev_knows_them():
    assert "`python3 dev.py lab`" in README and "`python3 dev.py test`" in README
    usage = subprocess.run([sys.executable, str(ROOT / "dev.py"), "help"], capture_output=True, text=True)
    assert "dev.py lab" in usage.stderr and "dev.py test" in usage.stderr


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "apt-get install -y chromium" in ci and "python3 dev.py test" in ci


def test_every_notebook_has_a_binder_badge_and_a_map_link():
    start = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    start_text = "\n".join(c.source for c in start.cells)
    for nb in NOTEBOOKS:
        assert f"{BINDER}notebooks/{nb.name})" in README, f"README lacks a Binder badge for {nb.name}"
        assert f"(notebooks/{nb.name})" in README, f"README's map does not link {nb.name}"
        if nb.name != "00_start_here.ipynb":
            assert f"({nb.name})" in start_text, f"the start notebook's map does not link {nb.name}"
        own = "\n".join(c.source for c in nbformat.read(nb, as_version=4).cells)
        assert f"{BINDER}notebooks/{nb.name})" in own, f"{nb.name} lacks its own Binder badge"


def test_readme_links_and_images_exist():
    for target in re.findall(r"\]\(((?!http)[^)#]+)\)", README):
        assert (ROOT / target).exists(), f"README links to missing {target}"


def test_navigation_links_the_neighbouring_labs():
    """Each lab's navigation (top and bottom) links the previous and next built labs."""
    names = [nb.name for nb in NOTEBOOKS]
    for i, nb in enumerate(NOTEBOOKS):
        text = "\n".join(c.source for c in nbformat.read(nb, as_version=4).cells if c.cell_type == "markdown")
        navs = [line for line in text.splitlines() if line.startswith(("**Contents:**", "**Previous:**"))]
        assert len(navs) == 2, f"{nb.name} needs a navigation line at the top and at the bottom"
        for nav in navs:
            if i > 0:
                assert "**Previous:** [" in nav and f"]({names[i - 1]})" in nav, f"{nb.name}: {nav}"
            if i + 1 < len(names):
                assert "**Next:** [" in nav and f"]({names[i + 1]})" in nav, f"{nb.name}: {nav}"
