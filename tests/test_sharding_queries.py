"""Scatter-gather against balls in bins."""

import math

import numpy as np
import pytest

from kit import sharding

# --- scatter-gather -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n, c", [(16, 10), (8, 1), (4, 40), (32, 5)])
def test_shards_touched_matches_balls_in_bins(n, c):
    sg = sharding.scatter_gather(n, c, "jump", queries=4000, seed=2)
    se = max(sg.touched.std(), 1.0) / math.sqrt(sg.touched.size)  # floor: a sample may not vary at all
    assert abs(sg.mean - sg.theory) < 4 * se
    assert sg.theory == pytest.approx(n * (1 - (1 - 1 / n) ** c))
    assert sg.touched.min() >= 1 and sg.touched.max() <= min(n, c)


def test_scatter_gather_slowness_follows_the_fanout_formula():
    sg = sharding.scatter_gather(16, 1, "mod", queries=100, seed=1)
    assert sg.p_slow(0.01) == pytest.approx(0.01)
    wide = sharding.scatter_gather(16, 200, "mod", queries=200, seed=1)
    assert wide.p_slow(0.01) == pytest.approx(1 - 0.99**16, rel=1e-6)  # 200 rows cover all 16 shards
    curve = sharding.scatter_gather_curve(8, items=[1, 4, 16])
    assert list(curve["items"]) == [1, 4, 16] and np.all(np.diff(curve.theory) > 0)
