"""Every notebook: stored clean, imports only the public API, runs headless."""

import ast
import os
import re
import uuid

import nbformat
import pytest

from kit import run_all
from tests.conftest import NOTEBOOKS

PEAK_RSS_LIMIT_MB = 800  # Binder gives 1-2 GB per user
# Each lab is executed once per test run and its copy kept in build/executed/, where the
# site test (tests/test_site.py) reads it: the id of this run (shared by xdist's workers).
RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
ids = [nb.stem for nb in NOTEBOOKS]


def test_there_are_notebooks():
    assert any(nb.name == "00_start_here.ipynb" for nb in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_stored_valid_and_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} is stored with outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_imports_only_the_public_api(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert "njit" not in cell.source and "numba" not in cell.source, "notebooks never define kernels"
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] == "kit":
                    private = [part for part in name.split(".") if part.startswith("_")]
                    assert not private, f"{path.name} imports private {name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_markdown_links_point_to_existing_notebooks(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for target in re.findall(r"\]\(([^)#]+\.ipynb)\)", text):
        if not target.startswith("http"):
            assert (path.parent / target).exists(), f"{path.name} links to missing {target}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_executes_headless_without_errors(path):
    """A cell's error or a cell over 60 s fails in run_all (CellExecutionError, TimeoutError)."""
    nb = run_all.executed(path, run=RUN)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Traceback" not in out.text and "Error" not in out.text, out.text
    peak_mb = run_all.peak_rss_mb(nb)
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"{path.name} peaked at {peak_mb:.0f} MB"
