"""The eviction policies: one module each, registered in :data:`POLICIES`.

Tests, the app's dropdown and the docs iterate this dict. To add a policy,
write ``policies/<name>.py`` (see ``kit/caching/_engine.py`` for the five
operations and ``lru.py`` for the shortest example) and add one line below.
"""

from . import arc, belady, clock, fifo, lfu, lru, random, s3fifo, sieve

POLICIES = {
    "lru": lru,
    "fifo": fifo,
    "random": random,
    "lfu": lfu,
    "clock": clock,
    "sieve": sieve,
    "s3fifo": s3fifo,
    "arc": arc,
    "belady": belady,
}

__all__ = ["POLICIES"]
