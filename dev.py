#!/usr/bin/env python3
"""The kit's commands, on any machine with Python 3.11+:

    python3 dev.py lab     set up, warm the start lab's kernels, open JupyterLab on the start notebook
                           (the other labs' kernels compile in the background; extra
                           arguments go to jupyter lab, e.g. --no-browser --port 8899)
    python3 dev.py test    set up, run the whole test suite (extra arguments go to pytest)
    python3 dev.py present 04   set up, show lab 04's apps without code for a projector (Voila)
    python3 dev.py bench   set up, run the benchmarks against their peers
    python3 dev.py site    set up, build the labs (executed) and the instructor guide as a static
                           site in build/site/ (labs executed since the last change are reused)

"Set up" means: a virtual environment in .venv with the kit installed in
editable mode; it is (re)installed only when pyproject.toml changes.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# One set of extras for every everyday command, so switching between them never reinstalls
# (site: the test suite builds the site).
EVERYDAY = "test,scale,present,site"
EXTRAS = {name: EVERYDAY for name in ("lab", "test", "present", "site")} | {"bench": EVERYDAY + ",bench"}


def run(*cmd: str, **kwargs) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)


def setup(extras: str) -> None:
    """Create .venv and install the kit with ``extras``, unless already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit(f"the kit needs Python 3.11 or newer (this is {sys.version.split()[0]})")
    if not (BIN / "python").exists():
        print("creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".kit-installed"
    key = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == key:
        return
    print(f"installing the kit with [{extras}] into .venv ...", flush=True)
    run(str(BIN / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]")
    stamp.write_text(key + "\n")


def parallel(args: list[str]) -> list[str]:
    """pytest-xdist options: one worker per core, at most four, unless the caller chose.

    Most of a cold run is numba compiling kernels, one core each; the workers share
    the on-disk cache. Tests that must share one process (one JupyterLab for the
    browser tests) carry an ``xdist_group`` mark.
    """
    if any(a.startswith(("-n", "--numprocesses")) or a == "no:xdist" for a in args):
        return []
    return ["-n", str(min(4, os.cpu_count() or 1)), "--dist", "loadgroup"]


def main(argv: list[str]) -> None:
    command = argv[0] if argv else "help"
    if command not in EXTRAS:
        sys.exit(__doc__)
    setup(EXTRAS[command])
    python = str(BIN / "python")
    if command == "lab":
        # The start notebook's kernels first; the other topics compile in the background
        # while JupyterLab opens (a notebook opened before they are done compiles its own).
        run(python, "-m", "kit.warmup", "00", "--jobs", "1")
        with open(VENV / "warmup.log", "w") as log:
            nice = {"preexec_fn": lambda: os.nice(10)} if os.name == "posix" else {}
            subprocess.Popen(
                [python, "-m", "kit.warmup", "--quiet"], stdout=log, stderr=log, cwd=ROOT, **nice
            )
        os.execv(python, [python, "-m", "jupyter", "lab", "notebooks/00_start_here.ipynb", *argv[1:]])
    elif command == "present":
        os.execv(python, [python, "-m", "kit.present", *argv[1:]])
    elif command == "site":
        os.execv(python, [python, "-m", "kit.site", *argv[1:]])
    elif command == "test":
        os.execv(python, [python, "-m", "pytest", *parallel(argv[1:]), *argv[1:]])
    else:
        os.execv(python, [python, "-m", "benchmarks", *argv[1:]])


if __name__ == "__main__":
    os.chdir(ROOT)
    main(sys.argv[1:])
