"""``python -m benchmarks [name ...]``: run the benchmarks, print one table.

Without names, every ``benchmarks/bench_*.py`` runs; ``name`` selects
``bench_<name>.py``. Each module's ``run()`` returns rows of
:class:`benchmarks.common.Row`.
"""

import importlib
import sys
from pathlib import Path


def main(names: list[str]) -> None:
    found = sorted(p.stem[len("bench_") :] for p in Path(__file__).parent.glob("bench_*.py"))
    unknown = set(names) - set(found)
    if unknown:
        sys.exit(f"unknown benchmark(s) {sorted(unknown)}; have {found}")
    print(f"{'what':58} {'ours':>10} {'peer':>28} {'peer time':>10} {'ratio':>8}")
    for name in names or found:
        for row in importlib.import_module(f"benchmarks.bench_{name}").run():
            print(
                f"{row.what:58} {row.ours_s:9.3f}s {row.peer:>28} {row.peer_s:9.3f}s {row.ratio:7.1f}x",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
