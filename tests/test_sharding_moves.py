"""What a cluster change moves, against theory; the resharding timeline."""

import math

import numpy as np
import pytest

from kit import config, sharding

RANDOM_KEYS = np.random.default_rng(7).integers(0, 2**63 - 1, 100_000, dtype=np.int64)
KEYS = np.arange(50_000)


@pytest.fixture(autouse=True)
def _config():
    yield
    config.reset()


# --- moved fraction: theory ------------------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [(10, 11), (4, 8), (6, 9), (12, 8), (7, 7), (1, 5)])
def test_mod_n_moves_one_minus_gcd_over_max(a, b):
    theory = 1.0 - math.gcd(a, b) / max(a, b)
    assert sharding.moved_theory("mod", a, b) == pytest.approx(theory)
    se = math.sqrt(theory * (1 - theory) / RANDOM_KEYS.size)
    assert abs(sharding.moved_fraction(RANDOM_KEYS, "mod", a, b) - theory) <= 4 * se + 1e-12


@pytest.mark.parametrize("strategy", ["ring", "jump", "rendezvous", "range"])
@pytest.mark.parametrize("n", [3, 9, 20])
def test_consistent_schemes_move_about_one_over_n_plus_one(strategy, n):
    moved = sharding.moved_fraction(RANDOM_KEYS, strategy, n, n + 1)
    theory = sharding.moved_theory(strategy, n, n + 1)
    assert theory == pytest.approx(1 / (n + 1))
    # the ring's new node owns a Beta(V, nV) share: relative spread 1/sqrt(V) = 10% at V = 100
    rel = {"ring": 0.4, "range": 0.4}.get(strategy, 0.1)
    assert moved == pytest.approx(theory, rel=rel)


@pytest.mark.parametrize("eps", [0.05, 0.1, config.SHARDING_EPS, 1.0])
@pytest.mark.parametrize("n", [3, 9, 20])
def test_bounded_loads_move_what_their_theory_for_this_eps_says(n, eps):
    """The bounded case: its theory depends on eps (the fluid limit), and the measure follows it closely."""
    moved = sharding.moved_fraction(RANDOM_KEYS, "bounded", n, n + 1, eps=eps)
    theory = sharding.moved_theory("bounded", n, n + 1, eps=eps)
    assert theory >= sharding.ring(n + 1).shares[n] - 1e-12  # never less than the ring's own move
    assert moved == pytest.approx(theory, rel=0.05)


@pytest.mark.parametrize("strategy", ["ring", "jump", "rendezvous"])
def test_consistent_schemes_move_keys_only_to_or_from_the_changed_node(strategy):
    before = sharding.assign(RANDOM_KEYS, strategy, 10)
    grown = sharding.assign(RANDOM_KEYS, strategy, 11)
    assert np.all(grown[before != grown] == 10)
    shrunk = sharding.assign(RANDOM_KEYS, strategy, 9)
    assert np.all(before[before != shrunk] == 9)


def test_moved_fraction_with_weights_keeps_each_nodes_weight():
    w = [1.0, 1.0, 1.0, 3.0]
    assert sharding.moved_theory("rendezvous", 3, 4, weights=w) == 3 / 6  # the new node's weight share
    assert sharding.moved_theory("ring", 4, 2, weights=w) == 4 / 6  # two nodes leave: their weight
    moved = sharding.moved_fraction(RANDOM_KEYS, "rendezvous", 3, 4, weights=w)
    assert moved == pytest.approx(3 / 6, abs=0.01)
    ring = sharding.moved_fraction(RANDOM_KEYS, "ring", 4, 2, vnodes=400, weights=w)
    assert ring == pytest.approx(4 / 6, rel=0.1)  # 400 tokens per unit of weight: ~5% spread


# --- resharding timeline -----------------------------------------------------------------------------------


def test_timeline_4_to_16_moves_what_theory_says():
    df = sharding.reshard_timeline(KEYS, ["mod", "jump", "ring", "range"], 4, 16)
    assert len(df) == 4 * 12
    for name, rows in df.groupby("strategy"):
        assert list(rows.nodes_after) == list(range(5, 17))
        assert np.allclose(rows.cumulative_moved, np.cumsum(rows.moved))
        rel = 0.04 if name in ("mod", "jump") else 0.5
        assert np.allclose(rows.moved, rows.theory, rtol=rel), name
    jump = df[df.strategy == "jump"]
    assert jump.cumulative_moved.iloc[-1] == pytest.approx(sum(1 / n for n in range(5, 17)), rel=0.05)
    mod = df[df.strategy == "mod"]
    assert mod.cumulative_moved.iloc[-1] > 10  # the data set moved ten times over


def test_timeline_shrinks_too_and_rejects_what_it_cannot_do():
    df = sharding.reshard_timeline(KEYS, "ring", 6, 3, vnodes=50)
    assert list(df.nodes_after) == [5, 4, 3]
    with pytest.raises(ValueError, match="n_to must differ"):
        sharding.reshard_timeline(KEYS, "ring", 4, 4)
    with pytest.raises(ValueError, match="no scheme among mod takes vnodes"):
        sharding.reshard_timeline(KEYS, "mod", 4, 5, vnodes=5)
    with pytest.raises(ValueError, match="leave weights out"):
        sharding.reshard_timeline(KEYS, "ring", 4, 5, weights=[1, 1, 1, 1, 1])
