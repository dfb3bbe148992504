import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.core.events import heap_new, heap_peek_time, heap_pop, heap_push, heap_size
from tests import naive

events = st.lists(
    st.tuples(st.floats(0, 1e6, allow_nan=False), st.integers(0, 5), st.integers(-(2**40), 2**40)),
    max_size=200,
)


@given(events, st.integers(1, 8))
@settings(deadline=None)  # the first example may compile the kernels
def test_pops_in_time_order_with_ties_in_push_order(evts, capacity):
    h = heap_new(capacity)
    for t, kind, data in evts:
        h = heap_push(h, t, kind, data)
    assert heap_size(h) == len(evts)
    popped = [heap_pop(h) for _ in range(len(evts))]
    assert popped == naive.heap_order(evts)
    assert heap_size(h) == 0 and heap_peek_time(h) == np.inf


@given(events, st.lists(st.booleans(), max_size=400))
@settings(deadline=None)
def test_interleaved_push_and_pop_match_reference(evts, pops):
    h = heap_new(2)
    ref, out, expected = [], [], []
    seq = 0
    for (t, kind, data), pop in zip(evts, pops + [False] * len(evts), strict=False):
        h = heap_push(h, t, kind, data)
        ref.append((t, seq, kind, data))
        seq += 1
        if pop:
            out.append(heap_pop(h))
            best = min(ref)
            ref.remove(best)
            expected.append((best[0], best[2], best[3]))
    assert out == expected
    assert heap_peek_time(h) == (min(ref)[0] if ref else np.inf)


def test_pop_from_empty_heap_raises():
    with pytest.raises(IndexError, match="empty"):
        heap_pop(heap_new(4))
