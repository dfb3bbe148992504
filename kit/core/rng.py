"""Seeds and random distributions that numba kernels can draw from.

Seeding convention: every public function takes ``seed`` (``None`` means
``config.SEED``); kernels receive a plain int and call ``np.random.seed`` once
at their start, so the same seed gives the same result in any process.
Independent streams come from :func:`derive_seed` (sweep points,
replications) and :func:`stream_seeds` (chunks of a parallel kernel), never
from ``seed + i``.

A distribution is a small frozen object for people (``LogNormal.from_median(10, 0.4)``)
and a flat float64 array for kernels (``dist.spec``), drawn with :func:`draw`.
Layout of a spec: ``[kind, a, b]`` for the parametric kinds,
``[EMPIRICAL, n, v_0 .. v_n-1]``, and for a mixture of m components
``[MIXTURE, m, cumulative weights (m), offsets (m), component specs...]``.
Mixtures nest by flattening, so a component is never itself a mixture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import config
from . import validate
from .jit import njit

CONSTANT, EXPONENTIAL, NORMAL, LOGNORMAL, PARETO, UNIFORM, EMPIRICAL, MIXTURE = range(8)

__all__ = [  # what learners and notebooks use; kernels also import draw, draw_at, spec_table and the kinds
    "Constant",
    "Dist",
    "Empirical",
    "Exponential",
    "LogNormal",
    "Mixture",
    "Normal",
    "Pareto",
    "Uniform",
    "derive_seed",
    "resolve_seed",
    "stream_seeds",
    "zipf_keys",
    "zipf_pmf",
]


SEED_MAX = 2**32 - 1  # numpy's and numba's Mersenne Twister take 32-bit seeds


def resolve_seed(seed: int | None) -> int:
    """The seed a kernel gets: ``seed`` itself, or ``config.SEED`` for None."""
    return validate.integer("seed", config.SEED if seed is None else seed, 0, SEED_MAX)


def derive_seed(seed: int | None, *keys: int) -> int:
    """A well-mixed child seed for stream ``keys`` of ``seed`` (same in any process)."""
    return int(np.random.SeedSequence([resolve_seed(seed), *map(int, keys)]).generate_state(1)[0])


def stream_seeds(seed: int | None, n: int) -> np.ndarray:
    """``n`` independent uint32 seeds, one per chunk of a parallel kernel.

    A kernel that seeds each chunk from this array gives the same result
    whatever the number of threads.
    """
    return np.random.SeedSequence(resolve_seed(seed)).generate_state(n)


# --- kernels -------------------------------------------------------------------


# inline="always": a draw sits in the innermost loop of every Monte Carlo kernel, and numba's
# IR-level inlining of the dispatch lets LLVM fold it (about 30% faster; same draws).
@njit(inline="always")
def _draw_at(spec, at):
    kind = int(spec[at])
    a = spec[at + 1]
    if kind == CONSTANT:
        return a
    if kind == EXPONENTIAL:
        return np.random.exponential(a)
    if kind == NORMAL:
        return np.random.normal(a, spec[at + 2])
    if kind == LOGNORMAL:
        return np.random.lognormal(a, spec[at + 2])
    if kind == PARETO:  # classical Pareto: xm * (1 + Lomax(alpha))
        return spec[at + 2] * (1.0 + np.random.pareto(a))
    if kind == UNIFORM:
        return np.random.uniform(a, spec[at + 2])
    # EMPIRICAL: resample the stored values
    n = int(a)
    return spec[at + 2 + np.random.randint(0, n)]


@njit(inline="always")
def draw_at(table, at):
    """One sample from the distribution whose spec starts at ``table[at]`` (numba-callable).

    ``table`` holds several specs end to end (see :func:`spec_table`), so a
    kernel with one distribution per class draws from class k with
    ``draw_at(table, offsets[k])``: no array slice, no allocation.
    """
    if int(table[at]) != MIXTURE:
        return _draw_at(table, at)
    m = int(table[at + 1])
    u = np.random.random()
    j = 0
    while j < m - 1 and u >= table[at + 2 + j]:
        j += 1
    return _draw_at(table, at + int(table[at + 2 + m + j]))  # component offsets are relative


@njit(inline="always")
def draw(spec):
    """One sample from the distribution encoded in ``spec`` (numba-callable)."""
    return draw_at(spec, 0)


def spec_table(dists) -> tuple[np.ndarray, np.ndarray]:
    """The specs of ``dists`` end to end, and where each starts: ``(table, offsets)``.

    Example: ``table, at = spec_table([Exponential(1.0), Constant(2.0)])``;
    a kernel then draws from the second with ``draw_at(table, at[1])``.
    """
    specs = [d.spec for d in dists]
    if not specs:
        raise ValueError("dists must hold at least one distribution")
    offsets = np.concatenate([[0], np.cumsum([s.size for s in specs])[:-1]]).astype(np.int64)
    return np.concatenate(specs).astype(np.float64), offsets


@njit
def _sample(spec, n, seed):
    np.random.seed(seed)
    out = np.empty(n)
    for i in range(n):
        out[i] = draw(spec)
    return out


# --- distributions for people ----------------------------------------------------

_erfc = np.frompyfunc(math.erfc, 1, 1)


def _phi(z):
    """Standard normal CDF, elementwise (erfc keeps the upper tail accurate)."""
    return 0.5 * np.asarray(_erfc(-np.asarray(z, dtype=float) / math.sqrt(2.0)), dtype=float)


class Dist:
    """Base of the kit's distributions: ``spec`` for kernels, maths for theory."""

    def _params(self) -> list[float]:
        raise NotImplementedError

    @property
    def spec(self) -> np.ndarray:
        return np.array([self.kind, *self._params()], dtype=np.float64)

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` independent draws (numba kernel; same seed, same draws)."""
        validate.integer("n", n, 1)
        return _sample(self.spec, int(n), resolve_seed(seed))

    def cdf(self, x):
        raise NotImplementedError

    def sf(self, x):
        """P(X > x), the survival function."""
        return 1.0 - self.cdf(x)

    def quantile(self, q):
        """Smallest x with cdf(x) >= q, by bisection unless overridden."""
        q = np.asarray(q, dtype=float)
        validate.in_range("q", q, 0.0, 1.0)
        lo = np.full(q.shape, self._support()[0])
        hi = np.full(q.shape, max(1.0, self._support()[0] + 1.0))
        while np.any(self.cdf(hi) < q) and np.all(np.isfinite(hi)):
            hi = np.where(self.cdf(hi) < q, hi * 2.0 + 1.0, hi)
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            below = self.cdf(mid) < q
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return hi if hi.ndim else float(hi)

    def _support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@dataclass(frozen=True)
class Constant(Dist):
    value: float
    kind = CONSTANT

    def _params(self):
        return [self.value, 0.0]

    @property
    def mean(self):
        return self.value

    def cdf(self, x):
        return (np.asarray(x, dtype=float) >= self.value).astype(float)

    def quantile(self, q):
        return np.full_like(np.asarray(q, dtype=float), self.value)


@dataclass(frozen=True)
class Exponential(Dist):
    """Exponential with the given mean (rate = 1/mean)."""

    mean: float
    kind = EXPONENTIAL

    def __post_init__(self):
        validate.positive("mean", self.mean)

    def _params(self):
        return [self.mean, 0.0]

    def cdf(self, x):
        x = np.maximum(np.asarray(x, dtype=float), 0.0)
        return -np.expm1(-x / self.mean)

    def quantile(self, q):
        return -self.mean * np.log1p(-np.asarray(q, dtype=float))


@dataclass(frozen=True)
class Normal(Dist):
    mu: float
    sigma: float
    kind = NORMAL

    def __post_init__(self):
        validate.positive("sigma", self.sigma)

    def _params(self):
        return [self.mu, self.sigma]

    @property
    def mean(self):
        return self.mu

    def cdf(self, x):
        return _phi((np.asarray(x, dtype=float) - self.mu) / self.sigma)

    def _support(self):
        return (self.mu - 40 * self.sigma, math.inf)


@dataclass(frozen=True)
class LogNormal(Dist):
    """exp(Normal(mu, sigma)); ``from_median`` is the friendlier constructor."""

    mu: float
    sigma: float
    kind = LOGNORMAL

    def __post_init__(self):
        validate.positive("sigma", self.sigma)

    @classmethod
    def from_median(cls, median: float, sigma: float) -> LogNormal:
        validate.positive("median", median)
        return cls(math.log(median), sigma)

    def _params(self):
        return [self.mu, self.sigma]

    @property
    def mean(self):
        return math.exp(self.mu + self.sigma**2 / 2)

    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore"):
            z = (np.log(np.maximum(x, 0.0)) - self.mu) / self.sigma
        return _phi(z)


@dataclass(frozen=True)
class Pareto(Dist):
    """Classical Pareto: P(X > x) = (xm / x)^alpha for x >= xm."""

    alpha: float
    xm: float
    kind = PARETO

    def __post_init__(self):
        validate.positive("alpha", self.alpha)
        validate.positive("xm", self.xm)

    def _params(self):
        return [self.alpha, self.xm]

    @property
    def mean(self):
        return math.inf if self.alpha <= 1 else self.alpha * self.xm / (self.alpha - 1)

    def cdf(self, x):
        x = np.maximum(np.asarray(x, dtype=float), self.xm)
        return 1.0 - (self.xm / x) ** self.alpha

    def quantile(self, q):
        return self.xm * (1.0 - np.asarray(q, dtype=float)) ** (-1.0 / self.alpha)


@dataclass(frozen=True)
class Uniform(Dist):
    lo: float
    hi: float
    kind = UNIFORM

    def __post_init__(self):
        if not self.hi > self.lo:
            raise ValueError(f"hi must be greater than lo (got lo={self.lo}, hi={self.hi})")

    def _params(self):
        return [self.lo, self.hi]

    @property
    def mean(self):
        return (self.lo + self.hi) / 2

    def cdf(self, x):
        return np.clip((np.asarray(x, dtype=float) - self.lo) / (self.hi - self.lo), 0.0, 1.0)

    def quantile(self, q):
        return self.lo + np.asarray(q, dtype=float) * (self.hi - self.lo)


class Empirical(Dist):
    """Resamples observed values (e.g. latencies measured in production)."""

    kind = EMPIRICAL

    def __init__(self, values):
        v = np.sort(np.asarray(values, dtype=np.float64).ravel())
        if v.size == 0 or not np.all(np.isfinite(v)):
            raise ValueError("values must be a non-empty array of finite numbers")
        self.values = v

    def __repr__(self):
        return f"Empirical(n={self.values.size}, median={np.median(self.values):g})"

    def _params(self):
        return [float(self.values.size), *self.values]

    @property
    def mean(self):
        return float(self.values.mean())

    def cdf(self, x):
        return np.searchsorted(self.values, np.asarray(x, dtype=float), "right") / self.values.size

    def quantile(self, q):
        q = np.asarray(q, dtype=float)
        i = np.clip(np.ceil(q * self.values.size).astype(int) - 1, 0, self.values.size - 1)
        return self.values[i]


class Mixture(Dist):
    """With probability ``w_i`` draw from component i: ``Mixture([(0.99, a), (0.01, b)])``."""

    kind = MIXTURE

    def __init__(self, components):
        flat: list[tuple[float, Dist]] = []
        for w, d in components:
            validate.in_range("weight", w, 0.0, 1.0)
            if isinstance(d, Mixture):
                flat += [(w * wi, di) for wi, di in d.components]
            elif isinstance(d, Dist):
                flat.append((float(w), d))
            else:
                raise ValueError(f"components must be (weight, Dist) pairs (got {d!r})")
        total = sum(w for w, _ in flat)
        if not flat or not math.isclose(total, 1.0, rel_tol=1e-9, abs_tol=1e-12):
            raise ValueError(f"mixture weights must sum to 1 (got {total:g})")
        self.components = tuple(flat)

    def __repr__(self):
        inner = ", ".join(f"({w:g}, {d!r})" for w, d in self.components)
        return f"Mixture([{inner}])"

    @property
    def spec(self) -> np.ndarray:
        m = len(self.components)
        cum = np.cumsum([w for w, _ in self.components])
        parts = [d.spec for _, d in self.components]
        offsets = 2 + 2 * m + np.concatenate([[0], np.cumsum([p.size for p in parts])[:-1]])
        return np.concatenate([[MIXTURE, m], cum, offsets, *parts]).astype(np.float64)

    @property
    def mean(self):
        return sum(w * d.mean for w, d in self.components)

    def cdf(self, x):
        return sum(w * d.cdf(x) for w, d in self.components)

    def _support(self):
        return (min(d._support()[0] for _, d in self.components), math.inf)


# --- popularity over keys -------------------------------------------------------------


def zipf_pmf(n: int, alpha: float) -> np.ndarray:
    """P(key i) proportional to 1/(i+1)^alpha for i = 0..n-1 (alpha = 0 is uniform)."""
    n = validate.integer("n", n, 1)
    alpha = validate.number("alpha", alpha, 0.0)
    w = np.arange(1, n + 1, dtype=np.float64) ** -alpha
    return w / w.sum()


@njit
def sample_discrete(cdf, m, seed):
    """``m`` draws of index i with P(i) = cdf[i] - cdf[i-1] (inverse transform)."""
    np.random.seed(seed)
    u = np.random.random(m) * cdf[-1]
    return np.searchsorted(cdf, u, side="right").astype(np.int64)


def zipf_keys(n: int, alpha: float, m: int, seed: int | None = None) -> np.ndarray:
    """``m`` keys in 0..n-1 drawn independently from Zipf(alpha) (the IRM workload).

    Key 0 is the most popular. Example: ``zipf_keys(10_000, 0.8, 1_000_000, seed=1)``.
    """
    m = validate.integer("m", m, 0)
    return sample_discrete(np.cumsum(zipf_pmf(n, alpha)), m, resolve_seed(seed))


def warm() -> None:
    """Compile (or load from cache) the kernels of this module with their real types."""
    Exponential(1.0).sample(1, seed=0)
    zipf_keys(2, 1.0, 1, seed=0)
