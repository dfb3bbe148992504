"""Compile every kernel once so the first slider move is as fast as the hundredth.

``python -m kit.warmup`` calls each topic's ``warm()``, which runs its
kernels with their real argument types; numba's cache (``NUMBA_CACHE_DIR``,
or ``__pycache__`` beside the sources) keeps the machine code for every later
process. Binder's postBuild and the README's lab command run it.
"""

import time

import kit
from kit.core import rng
from kit.core.jit import compile_stats


def main() -> None:
    start = time.perf_counter()
    rng.warm()
    for topic in kit.TOPICS.values():
        topic.warm()
    compiled = sum(misses for _, misses in compile_stats().values())
    print(
        f"kit kernels ready: {len(compile_stats())} kernels, {compiled} compiled now, "
        f"{time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    main()
