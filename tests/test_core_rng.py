import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import config
from kit.core import rng
from kit.core.jit import njit
from kit.core.rng import Constant, Empirical, Exponential, LogNormal, Mixture, Normal, Pareto, Uniform

N = 200_000
DISTS = [
    Exponential(3.0),
    Normal(10.0, 2.0),
    LogNormal.from_median(10.0, 0.5),
    Pareto(3.0, 2.0),
    Uniform(1.0, 4.0),
    Empirical([1.0, 2.0, 2.0, 7.0]),
    Mixture([(0.9, Exponential(1.0)), (0.1, Constant(50.0))]),
    Mixture([(0.5, Mixture([(0.5, Uniform(0, 1)), (0.5, Normal(5, 1))])), (0.5, LogNormal(0, 0.3))]),
]


@pytest.mark.parametrize("dist", DISTS, ids=repr)
def test_sample_mean_matches_theory(dist):
    x = dist.sample(N, seed=3)
    se = x.std() / math.sqrt(N)
    assert abs(x.mean() - dist.mean) < 5 * se + 1e-12


@pytest.mark.parametrize("dist", DISTS, ids=repr)
def test_sample_cdf_matches_theory(dist):
    """Kolmogorov-Smirnov distance of the sample from the cdf is sampling-sized."""
    x = np.sort(dist.sample(N, seed=4))
    ecdf = np.searchsorted(x, x, side="right") / N  # right-continuous, as a cdf
    d = np.max(np.abs(ecdf - dist.cdf(x)))
    assert d < 2.0 / math.sqrt(N)  # the KS critical value at 0.1% is 1.95/sqrt(N)


@pytest.mark.parametrize("dist", DISTS, ids=repr)
@pytest.mark.parametrize("q", [0.1, 0.5, 0.9, 0.999])
def test_quantile_inverts_cdf(dist, q):
    x = float(dist.quantile(q))
    assert dist.cdf(x) >= q - 1e-9
    assert dist.cdf(x - 1e-6 * max(1.0, abs(x))) <= q + 1e-9


def test_same_seed_same_draws_and_different_seeds_differ():
    d = LogNormal(1.0, 1.0)
    assert np.array_equal(d.sample(100, seed=5), d.sample(100, seed=5))
    assert not np.array_equal(d.sample(100, seed=5), d.sample(100, seed=6))


def test_seed_none_uses_config_seed():
    d = Exponential(1.0)
    assert np.array_equal(d.sample(10), d.sample(10, seed=config.SEED))


@given(st.integers(0, rng.SEED_MAX), st.lists(st.integers(0, 2**31), max_size=3))
@settings(max_examples=50)
def test_derived_seeds_are_valid_and_deterministic(seed, keys):
    s = rng.derive_seed(seed, *keys)
    assert 0 <= s <= rng.SEED_MAX and s == rng.derive_seed(seed, *keys)


def test_stream_seeds_are_distinct():
    s = rng.stream_seeds(1, 1000)
    assert s.dtype == np.uint32 and len(set(s.tolist())) == 1000


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Exponential(0), "mean must be a positive number"),
        (lambda: Normal(0, -1), "sigma must be a positive number"),
        (lambda: Pareto(1, 0), "xm must be a positive number"),
        (lambda: Uniform(2, 1), "hi must be greater than lo"),
        (lambda: Empirical([]), "values must be a non-empty"),
        (lambda: Mixture([(0.5, Constant(1))]), "weights must sum to 1"),
        (lambda: Mixture([(1.0, 3.0)]), r"\(weight, Dist\) pairs"),
        (lambda: Exponential(1).sample(0), "n must be an integer"),
        (lambda: Exponential(1).sample(5, seed=-1), "seed must be an integer"),
    ],
)
def test_bad_parameters_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_mixture_spec_layout_and_flattening():
    inner = Mixture([(0.5, Constant(1.0)), (0.5, Constant(2.0))])
    m = Mixture([(0.5, inner), (0.5, Constant(3.0))])
    assert len(m.components) == 3
    spec = m.spec
    assert spec[0] == rng.MIXTURE and spec[1] == 3
    assert np.allclose(spec[2:5], [0.25, 0.5, 1.0])
    x = m.sample(40_000, seed=1)
    assert np.allclose([np.mean(x == v) for v in (1.0, 2.0, 3.0)], [0.25, 0.25, 0.5], atol=0.01)


@pytest.mark.parametrize("alpha", [0.0, 0.8, 1.2])
def test_zipf_keys_follow_their_pmf(alpha):
    n, m = 50, 400_000
    keys = rng.zipf_keys(n, alpha, m, seed=2)
    assert keys.min() >= 0 and keys.max() < n
    pmf = rng.zipf_pmf(n, alpha)
    freq = np.bincount(keys, minlength=n) / m
    assert np.all(np.abs(freq - pmf) < 5 * np.sqrt(pmf * (1 - pmf) / m) + 1e-9)


def test_zipf_pmf_is_named_on_bad_input():
    with pytest.raises(ValueError, match="alpha must be at least 0"):
        rng.zipf_pmf(10, -1.0)
    with pytest.raises(ValueError, match="n must be an integer at least 1"):
        rng.zipf_pmf(0, 1.0)


@njit
def _draw_from_table(table, at, k, n, seed):
    np.random.seed(seed)  # noqa: NPY002 (numba: the legacy RNG)
    out = np.empty(n)
    for i in range(n):
        out[i] = rng.draw_at(table, at[k])
    return out


@pytest.mark.parametrize("k", range(len(DISTS)))
def test_a_spec_table_draws_each_distribution_like_its_own_spec(k):
    """draw_at(table, offsets[k]) gives the very draws of dist k's own spec (mixtures included)."""
    table, at = rng.spec_table(DISTS)
    assert table.size == sum(d.spec.size for d in DISTS) and at[0] == 0
    got = _draw_from_table(table, at, k, 1000, 42)
    assert np.array_equal(got, DISTS[k].sample(1000, seed=42))


def test_spec_table_needs_a_distribution():
    with pytest.raises(ValueError, match="at least one distribution"):
        rng.spec_table([])
