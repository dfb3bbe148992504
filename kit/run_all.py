"""Run All of a lab in a fresh kernel, as a learner would, and keep the executed copy.

The notebook tests, the static site (:mod:`kit.site`) and the room benchmark
(``benchmarks/room_memory.py``) all need a lab executed top to bottom; executing
each lab once per test run, not once per consumer, is what keeps CI short. So
:func:`executed` writes the copy to ``build/executed/<lab>.ipynb``, stamped with
a hash of the notebook and the kit's sources and with the id of the run that
made it, and a later caller with the same stamp reads it instead of executing
again. A lock file per lab makes a second caller (another pytest-xdist worker)
wait for the first one's copy rather than execute the lab beside it.

Every run appends one cell that prints the kernel's peak resident memory
(:data:`PEAK_RSS_MB`), read back by :func:`peak_rss_mb`; the site drops it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "executed"
CELL_TIMEOUT_S = 60  # the notebook tests' limit: a lab runs top to bottom in well under a minute
PEAK_TAG = "kit-peak-rss"
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
    peak = nbformat.v4.new_code_cell(PEAK_RSS_MB, metadata={"tags": [PEAK_TAG]})
    nb.cells.append(peak)
    client = NotebookClient(
        nb, timeout=timeout_s, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute(env=env or kernel_env())
    return nb


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
