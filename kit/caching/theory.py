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
from ._checks import budget

_GRID = 64  # log-T grid for the starting point (coarse: the Newton steps below polish it)
_ITERATIONS = 100  # safeguarded Newton in log T: a few steps from the grid start; the cap bounds the work
_CELLS = 1 << 20  # objects x columns evaluated at once: the memory of one step stays near 8 MB per array


def _occupancy(kind: str, p: np.ndarray, T: np.ndarray):
    """Sum over objects of P(i cached) at each T, and its derivative in log T."""
    occupied = np.zeros(T.size)
    slope = np.zeros(T.size)
    step = max(1, _CELLS // p.size)
    for j in range(0, T.size, step):
        x = np.outer(p, T[j : j + step])
        if kind == "lru":
            e = np.exp(-x)
            occupied[j : j + step], slope[j : j + step] = (1.0 - e).sum(axis=0), (x * e).sum(axis=0)
        else:
            occupied[j : j + step], slope[j : j + step] = (
                (x / (1.0 + x)).sum(axis=0),
                (x / (1.0 + x) ** 2).sum(axis=0),
            )
    return occupied, slope


def _check_popularity(popularity) -> np.ndarray:
    try:
        p = np.asarray(popularity, dtype=float)
    except (TypeError, ValueError):
        p = np.empty(0)
    if p.ndim != 1 or p.size == 0 or not np.all(np.isfinite(p)) or p.min() < 0 or p.sum() <= 0:
        raise ValueError("popularity must be a non-empty vector of non-negative request probabilities")
    budget("popularity", p.size, "CACHING_MAX_OBJECTS", "objects")
    p = p[p > 0]
    return p / p.sum()


def _check_capacity(name: str, capacity, p: np.ndarray) -> np.ndarray:
    try:
        C = np.atleast_1d(np.asarray(capacity, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a number or an array of numbers (got {name}={capacity!r})"
        ) from None
    validate.in_range(name, C, 0.0, np.inf)
    budget(name, C.size * p.size, "CACHING_MAX_CHE_CELLS", "objects x capacities")
    return C


def characteristic_time(popularity, capacity, kind: str = "lru") -> np.ndarray:
    """The characteristic time T with sum_i P(i cached; T) = capacity.

    Parameters
    ----------
    popularity : array of float
        Request probability of each object (normalised here).
    capacity : float or array
        Cache sizes in objects (>= 0).
    kind : {"lru", "fifo"}
        P(i cached) = 1 - exp(-p_i T) (LRU) or p_i T / (1 + p_i T) (FIFO, RANDOM).

    Returns
    -------
    array of float
        T in requests, one per capacity; inf once the cache holds every object.

    References
    ----------
    Che, Tung & Wang, IEEE JSAC 20(7), 2002, section III; Fricker, Robert &
    Roberts, ITC 24, 2012, section 3.
    """
    kind = validate.choice("kind", kind, ("lru", "fifo"))
    p = _check_popularity(popularity)
    C = _check_capacity("capacity", capacity, p)
    T = np.full(C.shape, np.inf)
    solve = C < p.size  # at C >= N every object fits: T = inf, hit ratio 1
    if not solve.any():
        return T
    c = C[solve]
    # start from the inverse of the occupancy on a coarse grid of log T, then polish by
    # Newton steps kept inside a bracket (bisection when a step would leave it)
    grid = np.linspace(np.log(1e-3 / p.max()), np.log(60.0 / p.min()), _GRID)
    occupied_on_grid = _occupancy(kind, p, np.exp(grid))[0]
    u = np.interp(c, occupied_on_grid, grid)
    lo = np.full(c.shape, grid[0] - 50.0)
    hi = np.full(c.shape, grid[-1] + 50.0)
    for _ in range(_ITERATIONS):
        occupied, slope = _occupancy(kind, p, np.exp(u))
        g = occupied - c
        if np.all(np.abs(g) <= 1e-10 * np.maximum(c, 1.0)):
            break
        lo = np.where(g < 0, u, lo)
        hi = np.where(g > 0, u, hi)
        step = u - g / np.maximum(slope, 1e-300)
        u = np.where((step > lo) & (step < hi), step, 0.5 * (lo + hi))
    T[solve] = np.exp(u)
    T[C <= 0] = 0.0
    return T


def _hit_ratio(kind, popularity, capacity):
    p = _check_popularity(popularity)
    T = characteristic_time(p, capacity, kind)
    finite = np.isfinite(T)
    h = np.ones(T.shape)
    for j in np.flatnonzero(finite):  # sum_i p_i P(i cached), one capacity at a time: O(N) memory
        x = p * T[j]
        h[j] = p @ (1.0 - np.exp(-x) if kind == "lru" else x / (1.0 + x))
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
    float or array
        The hit ratio (0 to 1); an array for an array of capacities.

    References
    ----------
    Che, Tung & Wang, "Hierarchical Web caching systems: modeling, design and
    experimental results", IEEE JSAC 20(7), 2002, section III.

    Examples
    --------
    >>> from kit.core.rng import zipf_pmf
    >>> round(che_lru(zipf_pmf(10_000, 0.8), 100), 4)
    0.1566
    """
    return _hit_ratio("lru", popularity, capacity)


def che_curves(popularity, capacities) -> pd.DataFrame:
    """Both approximations at each capacity.

    Parameters
    ----------
    popularity : array of float
        Request probability of each object.
    capacities : array of float
        Cache sizes in objects.

    Returns
    -------
    DataFrame
        Columns ``capacity``, ``lru`` (:func:`che_lru`) and ``fifo``
        (:func:`che_fifo`), hit ratios.
    """
    caps = _check_capacity("capacities", capacities, _check_popularity(popularity))
    return pd.DataFrame(
        {"capacity": caps, "lru": che_lru(popularity, caps), "fifo": che_fifo(popularity, caps)}
    )


def che_fifo(popularity, capacity):
    """The Che-style approximation for FIFO and RANDOM: P(i cached) = p_i T / (1 + p_i T).

    Parameters
    ----------
    popularity : array of float
        Request probability of each object (normalised here).
    capacity : float or array
        Cache size in objects.

    Returns
    -------
    float or array
        The hit ratio (0 to 1); an array for an array of capacities.

    References
    ----------
    Fricker, Robert & Roberts, "A versatile and accurate approximation for LRU
    cache performance", ITC 24, 2012, section 3; Gelenbe, "A unified approach
    to the evaluation of a class of replacement algorithms", IEEE Trans.
    Computers 22(6), 1973 (FIFO and RANDOM have the same hit ratio under the IRM).

    Examples
    --------
    >>> from kit.core.rng import zipf_pmf
    >>> bool(che_fifo(zipf_pmf(10_000, 0.8), 100) < che_lru(zipf_pmf(10_000, 0.8), 100))
    True
    """
    return _hit_ratio("fifo", popularity, capacity)
