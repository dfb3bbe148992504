"""First run: every kernel compiled cold; a fresh clone's ``python3 dev.py lab`` until JupyterLab answers.

Cold means an empty numba cache (``NUMBA_CACHE_DIR`` pointed at a new
folder). The warm-up compiles topics in parallel processes; the peer is the
same warm-up in one process. The lab command compiles the start notebook's
kernels, opens JupyterLab and compiles the rest in the background; the peer
is the same command waiting for every kernel first (install + one-process
cold compile + JupyterLab start), built from the parts measured here.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .common import Row

ROOT = Path(__file__).resolve().parents[1]


def cold_warmup_s(jobs: int) -> float:
    """Seconds for ``python -m kit.warmup`` with an empty numba cache on ``jobs`` processes."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kit.warmup", "--quiet", "--jobs", str(jobs)],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
        return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def fresh_clone_lab_s(timeout_s: float = 1800.0) -> tuple[float, float, float]:
    """For ``dev.py lab`` in a fresh clone: seconds until JupyterLab answers, installing, warming 00."""
    with tempfile.TemporaryDirectory() as tmp:
        clone, log_path = Path(tmp) / "kit", Path(tmp) / "lab.log"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        port = _free_port()
        start = time.perf_counter()
        with open(log_path, "w") as log:
            lab = subprocess.Popen(
                [sys.executable, "dev.py", "lab", "--no-browser", f"--port={port}",
                 "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password="],
                cwd=clone, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        installed = None
        try:
            while time.perf_counter() - start < timeout_s:
                if installed is None and (clone / ".venv" / ".kit-installed").exists():
                    installed = time.perf_counter() - start
                if _answers(port):
                    answered = time.perf_counter() - start
                    warm = re.search(r"kit kernels ready for fanout: .*?([0-9.]+) s on", log_path.read_text())
                    return answered, installed or 0.0, float(warm.group(1)) if warm else 0.0
                if lab.poll() is not None:
                    raise RuntimeError(f"dev.py lab stopped: {log_path.read_text()[-2000:]}")
                time.sleep(0.5)
            raise TimeoutError(f"JupyterLab did not answer within {timeout_s:g} s")
        finally:
            lab.terminate()
            lab.wait(30)
            shutil.rmtree(clone, ignore_errors=True)


def run() -> list[Row]:
    cores = os.cpu_count() or 1
    parallel, serial = cold_warmup_s(cores), cold_warmup_s(1)
    lab_s, install_s, warm_start_s = fresh_clone_lab_s()
    return [
        Row(f"cold compile, every kernel, {cores} processes", parallel, "one process", serial),
        Row(
            f"fresh clone: dev.py lab until JupyterLab answers (install {install_s:.0f} s)",
            lab_s,
            "every kernel compiled first",
            lab_s - warm_start_s + serial,
        ),
    ]
