"""kit.run_all: a lab is executed once per run, and a copy is reused only by the run it belongs to."""

import nbformat
import pytest

from kit import run_all

pytestmark = pytest.mark.slow  # starts kernels


@pytest.fixture
def lab(tmp_path, monkeypatch):
    """A one-cell notebook that counts its executions in a file, and a private build/executed/."""
    monkeypatch.setattr(run_all, "EXECUTED", tmp_path / "executed")
    counter = tmp_path / "runs.txt"
    path = tmp_path / "99_counter.ipynb"
    cell = nbformat.v4.new_code_cell(f"with open({str(counter)!r}, 'a') as f:\n    f.write('run\\n')")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path, lambda: counter.read_text().count("run")


def test_the_same_run_reuses_the_copy_and_another_run_executes_again(lab):
    path, runs = lab
    first = run_all.executed(path, run="a")
    assert runs() == 1 and run_all.peak_rss_mb(first) > 10
    assert run_all.executed(path, run="a").metadata["kit_run"]["run"] == "a"
    assert runs() == 1, "the same run executed the lab twice"
    run_all.executed(path, run="b")
    assert runs() == 2, "another test run reused a copy it did not make"
    run_all.executed(path)  # the site command takes any copy of the same sources
    assert runs() == 2


def test_a_changed_notebook_is_executed_again(lab):
    path, runs = lab
    run_all.executed(path)
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("1 + 1"))
    nbformat.write(nb, path)
    executed = run_all.executed(path)
    assert runs() == 2, "a stale copy was reused"
    assert executed.cells[1].outputs[0]["data"]["text/plain"] == "2"


def test_the_peak_memory_cell_is_found_by_its_tag_not_its_place(lab):
    path, _ = lab
    nb = run_all.executed(path)
    nb.cells.append(nbformat.v4.new_markdown_cell("after"))
    assert run_all.peak_rss_mb(nb) > 10


def test_quoted_numbers_are_evaluated_where_their_cell_stands(tmp_path, monkeypatch):
    monkeypatch.setattr(run_all, "EXECUTED", tmp_path / "executed")
    cells = [
        nbformat.v4.new_code_cell("x = 2"),
        nbformat.v4.new_markdown_cell("x is 2<!--= x --> and 1/0 is nothing<!--= 1 / 0 -->"),
        nbformat.v4.new_code_cell("x = 3"),
        nbformat.v4.new_markdown_cell("now 3<!--= x -->"),
    ]
    path = tmp_path / "98_quotes.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    nb = run_all.executed(path)
    values = run_all.quoted_values(nb)
    assert values == {cells[1].id: [2.0, "ZeroDivisionError: division by zero"], cells[3].id: [3.0]}
    assert [c.id for c in nb.cells if not run_all.added(c)] == [c.id for c in cells]
