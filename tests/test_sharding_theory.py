"""Load spread against the Beta and multinomial laws."""

import math

import numpy as np
import pytest

from kit import sharding

# --- imbalance: theory -----------------------------------------------------------------------------------


@pytest.mark.parametrize("vnodes, spread", [(100, 0.10), (1000, 0.032)])
def test_ring_share_spread_is_one_over_root_v(vnodes, spread):
    """The std of a node's ring share is ~ 1/sqrt(V) of the mean: 10% at V=100, 3.2% at V=1000."""
    n = 400  # many nodes: the sample std is within ~4% of the truth
    shares = sharding.ring(n, vnodes).shares
    cv = shares.std() / shares.mean()
    assert cv == pytest.approx(spread, rel=0.15)
    assert sharding.theory_cv("ring", n, 10**15, vnodes) == pytest.approx(spread, rel=0.03)


def test_ring_key_counts_follow_theory_cv():
    keys = np.arange(1_000_000)
    owner = sharding.assign(keys, "ring", 100, vnodes=100)
    counts = np.bincount(owner, minlength=100)
    assert counts.std() / counts.mean() == pytest.approx(
        sharding.theory_cv("ring", 100, keys.size, 100), rel=0.3
    )


@pytest.mark.parametrize("strategy", ["mod", "jump", "rendezvous"])
def test_uniform_schemes_have_multinomial_spread(strategy):
    keys = np.arange(500_000)
    counts = np.bincount(sharding.assign(keys, strategy, 100), minlength=100)
    assert counts.std() / counts.mean() == pytest.approx(
        sharding.theory_cv(strategy, 100, keys.size), rel=0.25
    )
    assert math.isnan(sharding.theory_cv("range", 100, 10))
