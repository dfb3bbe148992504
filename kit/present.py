"""Put a lab's apps on a projector without code: ``python -m kit.present 04``.

Voila runs the notebook in a fresh kernel and serves its outputs, not its
code, with the presenter template (``kit/ui/share/voila/templates/kit-presenter``):
large type and controls, dark on white, prose reduced to the headings and
the learning goals so the room reads the apps while the presenter talks.
Figures switch to the presenter's plotly look (``KIT_PRESENTER=1``, read by
:mod:`kit.ui.theme`); the palette stays Okabe-Ito, safe for colour-blind
viewers. The server listens on 127.0.0.1 only. The lab's kernels are compiled
first (:mod:`kit.warmup`; cached, so only the first start on a machine waits).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import warmup

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
TEMPLATES = Path(__file__).resolve().parent / "ui" / "share"
TEMPLATE = "kit-presenter"


def notebook(name: str) -> Path:
    """The lab named by its number (``04``) or file name (``04_caching``, with or without ``.ipynb``)."""
    labs = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not labs:
        raise SystemExit(f"no notebooks in {NOTEBOOKS}: present runs from a clone of the kit")
    stem = name.removesuffix(".ipynb")
    matches = [p for p in labs if stem in (p.stem, p.stem[:2])]
    if len(matches) != 1:
        raise SystemExit(f"unknown lab {name!r}; labs: {', '.join(p.stem for p in labs)}")
    return matches[0]


def command(path: Path, port: int, open_browser: bool) -> list[str]:
    """The Voila command line that serves ``path`` in the presenter view."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(path),
        f"--template={TEMPLATE}",
        "--strip_sources=True",
        "--theme=light",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        *([] if open_browser else ["--no-browser"]),
    ]


def environment() -> dict[str, str]:
    """This process's environment plus the presenter settings Voila and its kernels read."""
    jupyter_path = os.pathsep.join(p for p in (str(TEMPLATES), os.environ.get("JUPYTER_PATH", "")) if p)
    return {**os.environ, "JUPYTER_PATH": jupyter_path, "KIT_PRESENTER": "1"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kit.present", description=__doc__.split("\n\n")[0])
    parser.add_argument("lab", help="notebook number (04) or file name")
    parser.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    args = parser.parse_args(argv)
    path = notebook(args.lab)
    # Compile the lab's kernels first (numba caches them): Voila runs the whole notebook before the
    # page shows, so on a new machine the first page would otherwise wait minutes on a spinner.
    warmup.main([path.stem[:2], "--quiet"])
    cmd = command(path, args.port, not args.no_browser)
    os.execve(cmd[0], cmd, environment())


if __name__ == "__main__":
    main()
