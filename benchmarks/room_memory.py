"""Memory per learner: a kernel's peak resident memory after Run All of a lab.

``python -m benchmarks.room_memory [NN ...]`` (default: 00) runs each lab headless in a
fresh kernel, as a learner's Run All would, and prints the kernel's peak RSS (Linux's
``VmHWM``, which starts afresh at exec) with the date and the machine, the numbers the
instructor guide's room page quotes for sizing a JupyterHub. A learner's whole server
adds JupyterLab's own process to this.
"""

import datetime
import os
import platform
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.test_notebooks import PEAK_RSS_MB  # the snippet the notebook tests' 800 MB limit reads

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def peak_rss_mb(prefix: str) -> tuple[str, float]:
    """The lab whose file name starts with ``prefix``, and its kernel's peak RSS in MB after Run All."""
    (path,) = sorted(NOTEBOOKS.glob(f"{prefix}*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_RSS_MB))
    resources = {"metadata": {"path": str(NOTEBOOKS)}}
    NotebookClient(nb, timeout=600, kernel_name="python3", resources=resources).execute()
    return path.stem, float(nb.cells[-1].outputs[0].text)


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
        print(f"{name}: kernel peak RSS {peak:.0f} MB after Run All")


if __name__ == "__main__":
    main(sys.argv[1:] or ["00"])
