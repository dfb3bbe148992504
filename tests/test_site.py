"""The static site (``python3 dev.py site``): built in strict mode, every page there, every link whole.

It is built once per test run from the labs the notebook tests executed in the same
run (``build/executed/``, see :mod:`kit.run_all`); a lab they did not execute yet
is executed here, once, so this test is slow.
"""

import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

try:
    import mkdocs_jupyter  # noqa: F401 - the site extra
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("the site extra is not installed: pip install -e '.[site]'", allow_module_level=True)

from kit import run_all, site
from tests.conftest import NOTEBOOKS, ROOT
from tests.test_notebooks import RUN

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]
GUIDE_PAGES = sorted((ROOT / "docs" / "instructor").glob("*.md"))


class Page(HTMLParser):
    """The ids, links and scripts of one HTML page."""

    def __init__(self, path: Path):
        super().__init__()
        self.ids, self.links, self.scripts = set(), [], []
        self.feed(path.read_text())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])


@pytest.fixture(scope="session")  # once per worker, even if other modules' tests run in between
def built():
    try:
        return site.build(run=RUN, timeout_s=run_all.CELL_TIMEOUT_S)
    except subprocess.CalledProcessError as e:
        pytest.fail(f"mkdocs build --strict failed:\n{e.stderr}")


def page_of(rel: str) -> Path:
    """The HTML file mkdocs writes for the source page ``rel`` (directory URLs)."""
    stem = rel.removesuffix(".md").removesuffix(".ipynb")
    stem = stem.removesuffix("README").removesuffix("index").rstrip("/")
    return site.SITE / stem / "index.html"


def test_builds_without_warnings(built):
    assert "WARNING" not in built.stderr, built.stderr


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lab_has_a_page_with_its_binder_launch(built, nb):
    path = page_of(f"labs/{nb.name}")
    assert path.exists(), f"no page for {nb.name}"
    text = path.read_text()
    assert site.binder_url(nb.stem) in text, f"{nb.name}'s page has no Binder launch"
    assert "need a running Python kernel" in text


@pytest.mark.parametrize("md", GUIDE_PAGES, ids=lambda p: p.name)
def test_every_instructor_page_is_there(built, md):
    assert page_of(f"instructor/{md.name}").exists(), f"no page for docs/instructor/{md.name}"


def test_no_internal_link_is_broken(built):
    """Every relative href and src of every page names a file of the site, and an id there."""
    pages = {p: Page(p) for p in site.SITE.rglob("*.html")}
    broken = []
    for path, page in pages.items():
        if path == site.SITE / "404.html":
            continue  # served for any missing URL, so its links start at the site's root
        for link in page.links:
            url = urlsplit(link)
            if url.scheme or url.netloc:
                continue
            target = (path.parent / unquote(url.path)).resolve() if url.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site.SITE)}: {link}")
            elif url.fragment and target.suffix == ".html":
                ids = (pages.get(target) or Page(target)).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{path.relative_to(site.SITE)}: {link} (no such id)")
    assert not broken, "\n".join(broken)


def figures_in(nb: Path) -> int:
    """Plotly figures in the executed copy of ``nb``: cell outputs, and outputs of the widgets shown."""
    executed = run_all.executed(nb, RUN)
    state = run_all.widget_state(executed)
    outputs = [out for cell in executed.cells for out in cell.get("outputs", [])]
    for out in list(outputs):
        if run_all.WIDGET_MIME in out.get("data", {}):
            outputs += [
                o
                for m in run_all.shown_models(out.data[run_all.WIDGET_MIME], state)
                for o in m["state"].get("outputs", [])
            ]
    return sum(site.PLOTLY_MIME in out.get("data", {}) for out in outputs)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_plotly_figures_are_drawn_by_the_sites_own_plotly(built, nb):
    path = page_of(f"labs/{nb.name}")
    expected = figures_in(nb)
    assert path.read_text().count("Plotly.newPlot(") == expected, f"{nb.name}: {expected} figures expected"
    scripts = Page(path).scripts
    assert any(s.endswith("assets/plotly.min.js") for s in scripts), scripts
    assert not any("plot.ly" in s or "cdn" in s for s in scripts), f"{nb.name} loads a script remotely"
    assert (site.SITE / "assets" / "plotly.min.js").stat().st_size > 1_000_000
