"""Slow, obvious reference implementations that fast kernels are tested against."""

import heapq


def fanout_max(draws_per_trial: list[list[float]], ks: list[int]) -> list[list[float]]:
    """Request latency = max of the first k server latencies, per trial."""
    return [[max(draws[:k]) for k in ks] for draws in draws_per_trial]


def heap_order(events: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """Events (time, kind, data) in pop order: by time, ties in push order."""
    heap = [(t, seq, kind, data) for seq, (t, kind, data) in enumerate(events)]
    heapq.heapify(heap)
    return [(t, kind, data) for t, _, kind, data in (heapq.heappop(heap) for _ in range(len(heap)))]
