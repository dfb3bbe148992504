"""Closed-form hit ratios: the Che approximation for LRU and its FIFO/RANDOM counterpart.

Under the independent reference model (each request picks object i with
probability p_i), Che, Tung & Wang ("Hierarchical Web caching systems:
modeling, design and experimental results", IEEE JSAC 20(7), 2002, section
III) replace an LRU cache of C objects by a *characteristic time* T: an
object stays cached while it is requested at least once every T requests, so

    P(i cached) = 1 - exp(-p_i T),   with T solving   sum_i (1 - exp(-p_i T)) = C,

and the hit ratio is sum_i p_i (1 - exp(-p_i T)). For FIFO and RANDOM the
same idea gives P(i cached) = p_i T / (1 + p_i T) (Gelenbe 1973; Fricker,
Robert & Roberts, "A versatile and accurate approximation for LRU cache
performance", ITC 24, 2012, section 3; Martina, Garetto & Leonardi, INFOCOM
2014). Both are remarkably accurate for caches of more than a few objects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import validate

_GRID = 256  # log-T grid for the starting point
_ITERATIONS = 100  # safeguarded Newton in log T: a few steps from the grid start; the cap bounds the work


def _occupancy(kind: str, p: np.ndarray, T: np.ndarray):
    """P(i cached) for every object (rows) at every T (columns), and its derivative in log T."""
    x = np.outer(p, T)
    if kind == "lru":
        e = np.exp(-x)
        return 1.0 - e, x * e
    return x / (1.0 + x), x / (1.0 + x) ** 2


def _check_popularity(popularity) -> np.ndarray:
    p = np.asarray(popularity, dtype=float)
    if p.ndim != 1 or p.size == 0 or not np.all(np.isfinite(p)) or p.min() < 0 or p.sum() <= 0:
        raise ValueError("popularity must be a non-empty vector of non-negative request probabilities")
    p = p[p > 0]
    return p / p.sum()


def characteristic_time(popularity, capacity, kind: str = "lru") -> np.ndarray:
    """The T with sum_i P(i cached; T) = capacity (inf once the cache holds every object)."""
    kind = validate.choice("kind", kind, ("lru", "fifo"))
    p = _check_popularity(popularity)
    C = np.atleast_1d(np.asarray(capacity, dtype=float))
    validate.in_range("capacity", C, 0.0, np.inf)
    T = np.full(C.shape, np.inf)
    solve = C < p.size  # at C >= N every object fits: T = inf, hit ratio 1
    if not solve.any():
        return T
    c = C[solve]
    # start from the inverse of the occupancy on a coarse grid of log T, then polish by
    # Newton steps kept inside a bracket (bisection when a step would leave it)
    grid = np.linspace(np.log(1e-3 / p.max()), np.log(60.0 / p.min()), _GRID)
    occupied_on_grid = _occupancy(kind, p, np.exp(grid))[0].sum(axis=0)
    u = np.interp(c, occupied_on_grid, grid)
    lo = np.full(c.shape, grid[0] - 50.0)
    hi = np.full(c.shape, grid[-1] + 50.0)
    for _ in range(_ITERATIONS):
        occupied, slope = _occupancy(kind, p, np.exp(u))
        g = occupied.sum(axis=0) - c
        if np.all(np.abs(g) <= 1e-10 * np.maximum(c, 1.0)):
            break
        lo = np.where(g < 0, u, lo)
        hi = np.where(g > 0, u, hi)
        step = u - g / np.maximum(slope.sum(axis=0), 1e-300)
        u = np.where((step > lo) & (step < hi), step, 0.5 * (lo + hi))
    T[solve] = np.exp(u)
    T[C <= 0] = 0.0
    return T


def _hit_ratio(kind, popularity, capacity):
    p = _check_popularity(popularity)
    T = characteristic_time(p, capacity, kind)
    finite = np.isfinite(T)
    h = np.ones(T.shape)
    if finite.any():
        occupied, _ = _occupancy(kind, p, T[finite])
        h[finite] = p @ occupied
    return float(h[0]) if np.ndim(capacity) == 0 else h


def che_lru(popularity, capacity):
    """Che approximation of an LRU cache's hit ratio under the IRM.

    Parameters
    ----------
    popularity : array of float
        Request probability of each object (normalised here).
    capacity : float or array
        Cache size in objects.

    Returns
    -------
    float, or an array for an array of capacities.

    Notes
    -----
    Che, Tung & Wang, IEEE JSAC 20(7), 2002, section III (see the module docstring).

    Example
    -------
    >>> from kit.core.rng import zipf_pmf
    >>> round(che_lru(zipf_pmf(10_000, 0.8), 100), 4)
    0.1566
    """
    return _hit_ratio("lru", popularity, capacity)


def che_curves(popularity, capacities) -> pd.DataFrame:
    """Both approximations at each capacity: columns ``capacity``, ``lru``, ``fifo`` (hit ratios)."""
    caps = np.atleast_1d(np.asarray(capacities, dtype=float))
    return pd.DataFrame(
        {"capacity": caps, "lru": che_lru(popularity, caps), "fifo": che_fifo(popularity, caps)}
    )


def che_fifo(popularity, capacity):
    """The Che-style approximation for FIFO and RANDOM: P(i cached) = p_i T / (1 + p_i T).

    Notes
    -----
    Fricker, Robert & Roberts, ITC 24, 2012, section 3; Gelenbe, "A unified
    approach to the evaluation of a class of replacement algorithms", IEEE
    Trans. Computers 22(6), 1973, shows FIFO and RANDOM have the same hit
    ratio under the IRM.

    Example
    -------
    >>> from kit.core.rng import zipf_pmf
    >>> bool(che_fifo(zipf_pmf(10_000, 0.8), 100) < che_lru(zipf_pmf(10_000, 0.8), 100))
    True
    """
    return _hit_ratio("fifo", popularity, capacity)
