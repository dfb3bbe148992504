"""Run All of a lab in a fresh kernel, as a learner would, and keep the executed copy.

The notebook tests, the static site (:mod:`kit.site`) and the room benchmark
(``benchmarks/room_memory.py``) all need a lab executed top to bottom; executing
each lab once per test run, not once per consumer, is what keeps CI short. So
:func:`executed` writes the copy to ``build/executed/<lab>.ipynb``, stamped with
a hash of the notebook and the kit's sources and with the id of the run that
made it, and a later caller with the same stamp reads it instead of executing
again. A lock file per lab makes a second caller (another pytest-xdist worker)
wait for the first one's copy rather than execute the lab beside it.

A run adds hidden cells, tagged, which the site drops: after each Markdown cell
that quotes computed numbers (``63%<!--= fanout.p_slow(100, 0.01) -->``), one
that evaluates the quoted expressions in the lab's namespace as it stands there,
read back by :func:`quoted_values` (``tests/test_notebook_numbers.py`` compares
them with the numbers as written); and at the end one that prints the kernel's
peak resident memory (:data:`PEAK_RSS_MB`), read back by :func:`peak_rss_mb`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "executed"
CELL_TIMEOUT_S = 60  # the notebook tests' limit: a lab runs top to bottom in well under a minute
PEAK_TAG = "kit-peak-rss"
QUOTED_TAG = "kit-quoted-values"
QUOTED = re.compile(r"<!--=\s*(.+?)\s*-->", re.S)  # the expression a quoted number comes from
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
# The kernel's own peak: Linux's VmHWM starts afresh at exec, whereas ru_maxrss would
# carry over the peak of the process that launched the kernel.
PEAK_RSS_MB = """
import resource, sys
try:
    with open("/proc/self/status") as f:
        print(next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024)
except OSError:  # macOS: ru_maxrss in bytes
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)
"""


def labs() -> list[Path]:
    """Every lab notebook, in order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def kernel_env(**overrides: str) -> dict[str, str]:
    """This process's environment for a lab's kernel, with answers recorded in a throwaway file.

    A lab run by a command, not a learner, must not add to the learner's progress file.
    """
    env = dict(os.environ)
    env.setdefault("KIT_PROGRESS_FILE", str(Path(tempfile.gettempdir()) / f"kit-run-all-{os.getpid()}.json"))
    env.update(overrides)
    return env


def run_all(path: Path, timeout_s: float = CELL_TIMEOUT_S, env: dict[str, str] | None = None):
    """``path`` executed in a fresh kernel, with the peak-memory cell appended.

    Raises nbclient's ``CellExecutionError`` on a cell's error and ``TimeoutError``
    on a cell slower than ``timeout_s``.
    """
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        exprs = QUOTED.findall(cell.source) if cell.cell_type == "markdown" else []
        if exprs:
            cells.append(_evaluator(cell.id, exprs))
    cells.append(nbformat.v4.new_code_cell(PEAK_RSS_MB, metadata={"tags": [PEAK_TAG]}))
    nb.cells = cells
    client = NotebookClient(
        nb, timeout=timeout_s, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute(env=env or kernel_env())
    return nb


def _evaluator(cell_id: str, exprs: list[str]):
    """A cell that prints the value of each of ``exprs`` (or its error) as JSON, in the lab's namespace."""
    source = (
        "import json as _kit_json\n"
        "_kit_values = []\n"
        f"for _kit_expr in {exprs!r}:\n"
        "    try:\n"
        "        _kit_values.append(float(eval(_kit_expr)))\n"
        "    except Exception as _kit_error:\n"
        "        _kit_values.append(f'{type(_kit_error).__name__}: {_kit_error}')\n"
        "print(_kit_json.dumps(_kit_values))\n"
    )
    return nbformat.v4.new_code_cell(source, metadata={"tags": [QUOTED_TAG], "quotes": cell_id})


def added(cell) -> bool:
    """Whether ``cell`` is one :func:`run_all` added (quoted values, peak memory), not the lab's."""
    return bool({PEAK_TAG, QUOTED_TAG} & set(cell.metadata.get("tags", [])))


def quoted_values(nb) -> dict[str, list[float | str]]:
    """Per Markdown cell id, the values of the expressions its quoted numbers name, in order.

    A value is a float, or the text of the error its expression raised.
    """
    return {
        cell.metadata["quotes"]: json.loads("".join(o.get("text", "") for o in cell.outputs))
        for cell in nb.cells
        if QUOTED_TAG in cell.metadata.get("tags", [])
    }


def peak_rss_mb(nb) -> float:
    """The kernel's peak resident memory in MB, printed by the cell :func:`run_all` appended."""
    (cell,) = [c for c in nb.cells if PEAK_TAG in c.metadata.get("tags", [])]
    return float(cell.outputs[0].text)


def fingerprint(path: Path) -> str:
    """A hash of the notebook and the kit's sources: a copy with another one is stale.

    This module and the site builder are left out: they run labs, never run in one.
    """
    h = hashlib.sha256(path.read_bytes())
    runners = {Path(__file__).resolve(), ROOT / "kit" / "site.py"}
    for source in sorted(set((ROOT / "kit").rglob("*.py")) - runners):
        h.update(source.relative_to(ROOT).as_posix().encode() + source.read_bytes())
    return h.hexdigest()


def executed(path: Path, run: str | None = None, timeout_s: float = CELL_TIMEOUT_S):
    """``path`` after Run All: this run's copy from ``build/executed/``, else executed now and kept.

    ``run`` names the run a copy must come from (the notebook tests pass their test run's
    id, so that every test run executes every lab once); ``None`` takes any copy made
    from the same notebook and kit sources. ``timeout_s`` bounds each cell, as in :func:`run_all`.
    """
    EXECUTED.mkdir(parents=True, exist_ok=True)
    copy = EXECUTED / path.name
    stamp = {"fingerprint": fingerprint(path), "run": run}
    with open(EXECUTED / f"{path.stem}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process executing this lab: wait for its copy
        if copy.exists():
            nb = nbformat.read(copy, as_version=4)
            kept = nb.metadata.get("kit_run", {})
            if kept.get("fingerprint") == stamp["fingerprint"] and run in (None, kept.get("run")):
                return nb
        nb = run_all(path, timeout_s)
        nb.metadata["kit_run"] = stamp
        partial = copy.with_suffix(".partial")
        nbformat.write(nb, partial)
        partial.replace(copy)
        return nb


def widget_state(nb) -> dict:
    """The saved state of the widgets an executed notebook shows, by model id."""
    return nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})


def shown_models(view: dict, state: dict):
    """The models a widget view shows, a parent before its children, hidden ones left out."""
    model = state.get(view["model_id"])
    if model is None:
        return
    fields = model["state"]
    layout = state.get(str(fields.get("layout", "")).removeprefix("IPY_MODEL_"), {})
    if layout.get("state", {}).get("display") == "none":
        return
    yield model
    for child in fields.get("children", []):
        yield from shown_models({"model_id": child.removeprefix("IPY_MODEL_")}, state)
