"""Every notebook: stored clean, imports only the public API, runs headless."""

import ast
import re

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import NOTEBOOKS

PEAK_RSS_LIMIT_MB = 800  # Binder gives 1-2 GB per user
CELL_TIMEOUT_S = 60
# The kernel's own peak: Linux's VmHWM starts afresh at exec, whereas ru_maxrss would
# carry over the peak of the process that launched the kernel (this test runner).
PEAK_RSS_MB = """
import resource, sys
try:
    with open("/proc/self/status") as f:
        print(next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024)
except OSError:  # macOS: ru_maxrss in bytes
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)
"""
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
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_RSS_MB))
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError on any error output, TimeoutError on a slow cell
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Traceback" not in out.text and "Error" not in out.text, out.text
    peak_mb = float(nb.cells[-1].outputs[0].text)
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"{path.name} peaked at {peak_mb:.0f} MB"
