"""The eviction policies: one module each, registered in :data:`POLICIES`.

Tests, the app's dropdown and the docs iterate this dict. To add a policy,
write ``policies/<name>.py`` (see ``kit/caching/_engine.py`` for the five
operations and ``lru.py`` for the shortest example) and add one line below;
then a slow reference ``<name>()`` in ``tests/naive.py`` and the numbers it
must reproduce in ``tests/test_caching_eviction.py`` (the tests fail until
both exist).

A policy module names itself with ``LABEL`` and ``SOURCE`` (its paper and
the libCacheSim file it follows; the docstring's first paragraph is its
one-line idea in ``policy_table()``), and may define:

- ``NEEDS_FUTURE = True``: the engine passes each request's next access (Belady);
- ``min_capacity(object_size)`` and ``MIN_CAPACITY_REASON``: the least
  capacity at which it can store an object, and why (S3-FIFO's small queue);
- ``LABEL_BYTES``: its label where the capacity counts bytes (Belady is
  optimal only with equal sizes).
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
