"""Compile every kernel once so the first slider move is as fast as the hundredth.

``python -m kit.warmup [topic ...]`` calls each topic's ``warm()``, which runs
its kernels with their real argument types; numba's cache (``NUMBA_CACHE_DIR``,
or ``__pycache__`` beside the sources) keeps the machine code for every later
process. Topics are named by package (``caching``) or notebook (``04``); none
means all. Topics compile in parallel, one process each, on ``--jobs`` cores
(default: all), with a progress bar: numba compiles on one core per process.

The lab command warms the start notebook's topic first, opens JupyterLab, and
warms the rest in the background (``--quiet``); Binder's postBuild warms all.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

import kit


def resolve(names: list[str]) -> list[str]:
    """Topic package names for ``names`` (package or notebook number); all topics when empty."""
    by_notebook = {nb: module.__name__.split(".")[1] for nb, module in kit.TOPICS.items()}
    topics = list(dict.fromkeys(by_notebook.values()))  # a topic may serve several labs
    if not names:
        return topics
    chosen = []
    for name in names:
        matches = [t for nb, t in by_notebook.items() if name in (t, nb, nb[:2])]
        if not matches:
            raise SystemExit(
                f"unknown topic {name!r}; topics: {', '.join(topics)} (or their notebook numbers)"
            )
        chosen += [t for t in matches if t not in chosen]
    return chosen


def warm_topic(topic: str) -> tuple[str, float, int]:
    """Warm one topic in this process: (topic, seconds, kernels compiled now)."""
    from .core import rng
    from .core.jit import compile_stats

    start = time.perf_counter()
    rng.warm()
    getattr(kit, topic).warm()
    compiled = sum(misses for _, misses in compile_stats().values())
    return topic, time.perf_counter() - start, compiled


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kit.warmup", description=__doc__.split("\n\n")[0])
    parser.add_argument("topics", nargs="*", help="package names or notebook numbers (default: all)")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar, one summary line")
    args = parser.parse_args(argv)
    topics = resolve(args.topics)
    jobs = max(1, min(args.jobs, len(topics)))
    start = time.perf_counter()
    results = []
    if jobs == 1:
        results = [warm_topic(t) for t in topics]
    else:
        from tqdm.auto import tqdm

        # A fork server imports the kit once, before any numba thread exists, and forks the workers
        # from that clean state (forking a process whose numba threads run is unsafe).
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["kit"])
        else:
            context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            futures = [pool.submit(warm_topic, t) for t in topics]
            with tqdm(total=len(topics), desc="compiling kernels", unit="topic", disable=args.quiet) as bar:
                for future in as_completed(futures):
                    results.append(future.result())
                    bar.set_postfix_str(results[-1][0])
                    bar.update()
    compiled = sum(c for _, _, c in results)
    detail = ", ".join(f"{t} {s:.0f} s" for t, s, _ in sorted(results, key=lambda r: -r[1]))
    print(
        f"kit kernels ready for {', '.join(topics)}: {compiled} compiled now, "
        f"{time.perf_counter() - start:.1f} s on {jobs} process(es) ({detail})",
        flush=True,
    )


if __name__ == "__main__":
    main()
