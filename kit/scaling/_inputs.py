"""Checks of list-valued inputs shared by the topic's sweeps, naming the parameter in every refusal."""

from __future__ import annotations

import numpy as np

from ..core import validate


def numbers(
    name: str, values, lo: float | None = None, hi: float | None = None, max_size: int = 100_000
) -> np.ndarray:
    """A 1-d float array of 1 to ``max_size`` finite numbers within [lo, hi]."""
    if isinstance(values, str | bytes) or values is None:
        raise ValueError(f"{name} must be a list of numbers (got {name}={values!r})")
    try:
        a = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of numbers (got {name}={values!r})") from None
    if a.ndim != 1 or not 1 <= a.size <= max_size or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be 1 to {max_size:,} finite numbers (got {name}={values!r})")
    validate.in_range(name, a, -np.inf if lo is None else lo, np.inf if hi is None else hi)
    return a


def integers(name: str, values, lo: int, hi: int, max_size: int = 100_000) -> np.ndarray:
    """A 1-d int64 array of whole numbers within [lo, hi]."""
    a = numbers(name, values, lo, hi, max_size)
    if not np.all(a == np.round(a)):
        raise ValueError(f"{name} must be whole numbers (got {name}={values!r})")
    return a.astype(np.int64)


def choices(name: str, values, options) -> list[str]:
    """A non-empty list of names, each one of ``options``."""
    if isinstance(values, str) or not isinstance(values, list | tuple | np.ndarray) or len(values) == 0:
        raise ValueError(
            f"{name} must be a non-empty list of names from {list(options)} (got {name}={values!r})"
        )
    for v in values:
        validate.choice(name, v, options)
    return list(values)
