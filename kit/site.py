"""The labs as a static site to read: ``python -m kit.site`` (``python3 dev.py site``).

Every lab after Run All (:func:`kit.run_all.executed`, reusing a copy the notebook
tests made from the same sources), the README as the home page and the instructor
guide, built by mkdocs with mkdocs-jupyter in strict mode into ``build/site/``.
The pages are staged first in ``build/site-src/``:

- plotly figures become HTML drawn by the plotly.js this build serves itself
  (``assets/plotly.min.js``, copied from the installed plotly), and formulas are
  typeset by the MathJax it serves (``assets/mathjax/``, from the
  ``jupyter-server-mathjax`` package): nothing is fetched at build time, and the
  figures keep hover and zoom;
- an app or exercise is a widget, which needs a running kernel: it becomes its
  text and its figures at the lab's defaults, under a note with a link to the lab
  on Binder; each lab page opens with the same note and a launch button;
- links to a notebook, an instructor page or the README point at their pages, a
  link to a cell (``lab.ipynb#id``) at that cell, and a link to any other file of
  the repository at that file on GitHub.
"""

from __future__ import annotations

import argparse
import fcntl
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath

import nbformat
import plotly
import plotly.io as pio

from kit import run_all

ROOT = run_all.ROOT
SOURCE = ROOT / "build" / "site-src"
SITE = ROOT / "build" / "site"
BUILT = ROOT / "build" / "site.json"  # which run built build/site/, and what mkdocs said
GUIDE = ROOT / "docs" / "instructor"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
BUILD_CELL_TIMEOUT_S = 600  # a lab executed for the site may compile every kernel it calls on a busy machine
MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")
HTML_LINK = re.compile(r"""((?:href|src)=["'])([^"']+)(["'])""")
# Lab pages are labs/<lab>/index.html: MathJax 2's configuration as nbconvert's template expects it.
MATHJAX_URL = "../../assets/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
# The head of every page loads the plotly.js this site serves (figures draw inline, as parsed).
MAIN_HTML = """{% extends "base.html" %}
{% block extrahead %}<script src="{{ 'assets/plotly.min.js' | url }}"></script>{% endblock %}
"""


def repository() -> str:
    """The repository's URL, from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["urls"]["Repository"]


def binder_url(lab: str) -> str:
    """The lab ``lab`` (a notebook's stem) in JupyterLab on mybinder.org, as the README's badges open it."""
    repo = repository().removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/notebooks/{lab}.ipynb"


def staged_path(target: Path) -> PurePosixPath | None:
    """Where the repository's file ``target`` is on the site (relative to the docs folder), or None."""
    rel = target.relative_to(ROOT)
    if rel.parent == Path("notebooks") and rel.suffix == ".ipynb":
        return PurePosixPath("labs", rel.name)
    if rel.parent == Path("docs/instructor") and rel.suffix == ".md":
        return PurePosixPath("instructor", rel.name)
    if rel == Path("README.md"):
        return PurePosixPath("index.md")
    if rel.parent == Path("docs") and rel.suffix == ".png":
        return PurePosixPath("images", rel.name)
    return None


def relink(link: str, source: Path, page: PurePosixPath) -> str:
    """``link`` as written in the repository file ``source``, for its page ``page`` on the site."""
    if re.match(r"^[a-z]+:|^#", link):
        return link
    target, _, anchor = link.partition("#")
    resolved = (source.parent / target).resolve()
    if not resolved.exists() or not resolved.is_relative_to(ROOT):
        return link  # broken, or outside the repository: left for mkdocs's strict check to name
    staged = staged_path(resolved)
    if staged is None:
        kind = "tree" if resolved.is_dir() else "blob"
        return f"{repository()}/{kind}/HEAD/{resolved.relative_to(ROOT).as_posix()}" + (
            f"#{anchor}" if anchor else ""
        )
    if anchor and staged.suffix == ".ipynb":
        anchor = lab_anchor(anchor, resolved)
    fragment = f"#{anchor}" if anchor else ""
    if page.suffix == ".ipynb":  # mkdocs leaves a notebook's HTML alone: link to the built page
        return "../../" + url_of(staged) + fragment  # a lab's page is labs/<lab>/index.html
    up = PurePosixPath(*[".."] * (len(page.parts) - 1)) if len(page.parts) > 1 else PurePosixPath()
    return (up / staged).as_posix() + fragment


def lab_anchor(anchor: str, notebook: Path) -> str:
    """The id on a lab's page of JupyterLab's anchor ``anchor``: a cell's id, or a heading's."""
    from markdown.extensions.toc import slugify  # mkdocs's heading ids

    if anchor in {cell.id for cell in nbformat.read(notebook, as_version=4).cells}:
        return f"cell-id={anchor}"  # nbconvert's id for the cell with this nbformat id
    return slugify(anchor.replace("-", " "), "-")  # JupyterLab: the heading, spaces as "-"


def url_of(staged: PurePosixPath) -> str:
    """The URL of a staged file on the built site, relative to its root (mkdocs's directory URLs)."""
    if staged.suffix not in (".md", ".ipynb"):
        return staged.as_posix()
    folder = staged.parent if staged.stem in ("index", "README") else staged.with_suffix("")
    return f"{folder.as_posix()}/".removeprefix("./")


def relink_text(text: str, source: Path, page: PurePosixPath) -> str:
    """Every Markdown and HTML link of ``text`` through :func:`relink`."""
    fix = lambda m: m[1] + relink(m[2], source, page) + m[3]  # noqa: E731
    return HTML_LINK.sub(fix, MD_LINK.sub(fix, text))


def figure_html(data: dict) -> str:
    """A plotly figure (its JSON output) as HTML drawn by the site's plotly.js."""
    config = data.get("config", {"displaylogo": False})
    return pio.to_html(data, include_plotlyjs=False, full_html=False, config=config, validate=False)


def widget_html(view: dict, state: dict) -> tuple[str, int]:
    """What a widget shows without a kernel (its text and its figures, in order), and its figure count."""
    parts, figures = [], 0
    for model in run_all.shown_models(view, state):
        fields = model["state"]
        if model["model_name"] in ("HTMLModel", "LabelModel") and fields.get("value"):
            parts.append(f"<div>{fields['value']}</div>")  # the kit's own HTML
        for out in fields.get("outputs", []):
            if PLOTLY_MIME in out.get("data", {}):
                parts.append(figure_html(out["data"][PLOTLY_MIME]))
                figures += 1
    return "\n".join(parts), figures


def note(lab: str, what: str) -> str:
    """The note that says what needs a kernel, with the lab's Binder link."""
    return (
        f'<div class="admonition note"><p>{what} Its controls need a running Python kernel: '
        f'<a href="{html.escape(binder_url(lab))}">launch this lab on Binder</a>, or run it locally '
        "with <code>python3 dev.py lab</code>.</p></div>"
    )


def static_outputs(outputs: list, lab: str, state: dict) -> list:
    """``outputs`` with plotly figures and widgets turned into HTML a browser shows without a kernel."""
    converted = []
    for out in outputs:
        data = out.get("data", {})
        if PLOTLY_MIME in data:
            out = nbformat.v4.new_output("display_data", {"text/html": figure_html(data[PLOTLY_MIME])})
        elif run_all.WIDGET_MIME in data:
            shown, figures = widget_html(data[run_all.WIDGET_MIME], state)
            what = (
                "Here the lab runs an app: below, its figures at the default settings."
                if figures
                else "Here the lab asks a question, checked as you answer it."
            )
            out = nbformat.v4.new_output("display_data", {"text/html": note(lab, what) + shown})
        converted.append(out)
    return converted


def lab_page(path: Path, run: str | None, timeout_s: float):
    """The lab ``path`` after Run All (see :func:`kit.run_all.executed`) as the site shows it."""
    nb = run_all.executed(path, run, timeout_s)
    state = run_all.widget_state(nb)
    nb.metadata.pop("widgets", None)  # no widget manager: its scripts come from a CDN
    nb.metadata.pop("kit_run", None)
    page = PurePosixPath("labs", path.name)
    cells = []
    for cell in nb.cells:
        if run_all.added(cell):
            continue
        if cell.cell_type == "markdown":
            cell.source = relink_text(cell.source, path, page)
        elif cell.cell_type == "code":
            cell.outputs = static_outputs(cell.outputs, path.stem, state)
        cells.append(cell)
    banner = (
        "This page is the lab as run once, top to bottom, at its defaults: the figures answer hover "
        "and zoom, but the apps' sliders and the exercises do not work here."
    )
    button = "md-button md-button--primary"
    launch = f'<p><a class="{button}" href="{binder_url(path.stem)}">Launch on Binder</a></p>'
    cells.insert(1, nbformat.v4.new_markdown_cell(note(path.stem, banner) + launch))
    nb.cells = cells
    return nb


def stage(labs: list[Path], run: str | None, timeout_s: float) -> None:
    """Write the site's pages, assets and mkdocs.yml into ``build/site-src/``."""
    shutil.rmtree(SOURCE, ignore_errors=True)
    docs = SOURCE / "docs"
    for sub in ("labs", "instructor", "images", "assets"):
        (docs / sub).mkdir(parents=True)
    for path in labs:
        nbformat.write(lab_page(path, run, timeout_s), docs / "labs" / path.name)
    for page in sorted(GUIDE.glob("*.md")):
        (docs / "instructor" / page.name).write_text(
            relink_text(page.read_text(), page, PurePosixPath("instructor", page.name))
        )
    readme = ROOT / "README.md"
    (docs / "index.md").write_text(relink_text(readme.read_text(), readme, PurePosixPath("index.md")))
    for image in (ROOT / "docs").glob("*.png"):
        shutil.copy(image, docs / "images" / image.name)
    shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", docs / "assets")
    import jupyter_server_mathjax  # the site extra, like mkdocs

    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", docs / "assets" / "mathjax")
    (SOURCE / "overrides").mkdir()
    (SOURCE / "overrides" / "main.html").write_text(MAIN_HTML)
    guide = ["README.md", "workshops.md", "rooms.md"]
    guide += sorted(p.name for p in GUIDE.glob("*.md") if p.name not in guide)
    config = {
        "site_name": "sysdesign-kit",
        "repo_url": repository(),
        "docs_dir": "docs",
        "site_dir": str(SITE),
        "strict": True,
        "theme": {"name": "material", "custom_dir": "overrides", "font": False},
        "nav": [
            {"Home": "index.md"},
            {"Labs": [f"labs/{p.name}" for p in labs]},
            {"Instructor guide": [f"instructor/{name}" for name in guide]},
        ],
        "validation": {
            "omitted_files": "warn",
            "links": {"anchors": "warn", "unrecognized_links": "warn", "absolute_links": "warn"},
        },
        "markdown_extensions": ["tables", "admonition", "toc"],
        "plugins": [
            "search",
            {"mkdocs-jupyter": {"execute": False, "cache": False, "custom_mathjax_url": MATHJAX_URL}},
        ],
    }
    (SOURCE / "mkdocs.yml").write_text(json.dumps(config, indent=1))  # JSON is YAML


def build(run: str | None = None, timeout_s: float = BUILD_CELL_TIMEOUT_S) -> subprocess.CompletedProcess:
    """Stage and build the site into ``build/site/``; mkdocs's output is returned, a failure raised.

    ``run`` and ``timeout_s`` go to :func:`kit.run_all.executed`: the tests take only the
    copies their own run made, under their own limit per cell. A run names its build too:
    a second call with the same ``run`` returns the first build's output and builds nothing.
    """
    SOURCE.parent.mkdir(parents=True, exist_ok=True)
    with open(SOURCE.parent / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time (two test workers, or a test and a person)
        # A run's site is built once: a second build would empty build/site/ under another reader.
        kept = json.loads(BUILT.read_text()) if BUILT.exists() else {}
        if run is not None and kept.get("run") == run:
            return subprocess.CompletedProcess(kept["args"], 0, kept["stdout"], kept["stderr"])
        BUILT.unlink(missing_ok=True)
        stage(run_all.labs(), run, timeout_s)
        shutil.rmtree(SITE, ignore_errors=True)
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(SOURCE / "mkdocs.yml")],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},  # mkdocs-material's notice of its successor
        )
        record = {"run": run, "args": done.args, "stdout": done.stdout, "stderr": done.stderr}
        BUILT.write_text(json.dumps(record))
        return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kit.site", description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    try:
        done = build()
    except subprocess.CalledProcessError as e:
        sys.exit(f"the site did not build:\n{e.stderr}")
    print(done.stderr, end="")
    print(f"the site is in {SITE}: open {SITE / 'index.html'}")


if __name__ == "__main__":
    main()
