"""Sizing a room: each lab's kernel memory after Run All, and the start lab's start-up time.

``python -m benchmarks.room_memory [NN ...]`` (default: every lab) prints, with the date
and the machine, the numbers the instructor guide's room page quotes:

- each lab run headless in a fresh kernel, as a learner's Run All would, and the
  kernel's peak RSS (Linux's ``VmHWM``, which starts afresh at exec), the same
  measure as the notebook tests' 800 MB limit. A learner's whole server adds
  JupyterLab's own process to this;
- the start-up of the Binder image's first notebook (``00_start_here``, the lab the
  README's badge opens): seconds from starting a fresh kernel to the end of the cell
  that draws the first app (its figures computed and sent), with numba's cache empty
  (a hub or a local install before ``python -m kit.warmup``: every kernel the lab
  calls compiles) and then warm (Binder, whose ``postBuild`` compiles the cache).
  Both runs use a cache folder of their own (``NUMBA_CACHE_DIR``), never the kit's.
"""

import datetime
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from kit import run_all

START_LAB = "00"


def lab(prefix: str) -> Path:
    """The lab whose file name starts with ``prefix``."""
    (path,) = [p for p in run_all.labs() if p.name.startswith(prefix)]
    return path


def peak_rss_mb(prefix: str) -> tuple[str, float]:
    """The lab whose file name starts with ``prefix``, and its kernel's peak RSS in MB after Run All."""
    path = lab(prefix)
    return path.stem, run_all.peak_rss_mb(run_all.run_all(path, timeout_s=600))


def draws_an_app(outputs: list, state: dict) -> bool:
    """Whether ``outputs`` show a widget with a plotly figure in it (an app, not an exercise)."""
    return any(
        "application/vnd.plotly.v1+json" in o.get("data", {})
        for out in outputs
        if run_all.WIDGET_MIME in out.get("data", {})
        for model in run_all.shown_models(out["data"][run_all.WIDGET_MIME], state)
        for o in model["state"].get("outputs", [])
    )


def seconds_to_first_app(path: Path, numba_cache: str) -> tuple[float, float]:
    """Wall and kernel CPU seconds from a fresh kernel's start to the end of ``path``'s first app cell.

    On a shared machine the CPU time is the steadier number: the wall time includes
    waiting for cores.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    with client.setup_kernel(env=run_all.kernel_env(NUMBA_CACHE_DIR=numba_cache)):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
            client.set_widgets_metadata()
            if cell.cell_type == "code" and draws_an_app(cell.outputs, run_all.widget_state(nb)):
                wall = time.perf_counter() - start
                cpu = nbformat.v4.new_code_cell("import time; print(time.process_time())")
                nb.cells.append(cpu)
                client.execute_cell(cpu, len(nb.cells) - 1)
                return wall, float(cpu.outputs[0].text)
    raise ValueError(f"{path.name} draws no app")


def machine() -> str:
    """CPU count, memory and OS of this machine, in one line."""
    try:
        with open("/proc/meminfo") as f:
            total_gb = int(f.readline().split()[1]) / 2**20
        memory = f"{total_gb:.0f} GB RAM"
    except OSError:
        memory = "RAM unknown"
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} CPUs, {memory}, Python {platform.python_version()}"


def main(prefixes: list[str]) -> None:
    print(f"{datetime.date.today().isoformat()}, {machine()}")
    for prefix in prefixes:
        name, peak = peak_rss_mb(prefix)
        print(f"{name}: kernel peak RSS {peak:.0f} MB after Run All", flush=True)
    start_lab = lab(START_LAB)
    with tempfile.TemporaryDirectory(prefix="kit-numba-") as cache:
        for state in ("empty", "warm"):  # the first run fills the cache the second one reads
            wall, cpu = seconds_to_first_app(start_lab, cache)
            took = f"{wall:.1f} s ({cpu:.1f} s kernel CPU)"
            print(
                f"{start_lab.stem}: fresh kernel to first app drawn in {took}, numba cache {state}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:] or [p.name[:2] for p in run_all.labs()])
