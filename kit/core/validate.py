"""Input checks that fail with a message a person can act on.

Each raises ``ValueError`` naming the parameter, the allowed range and the
value received, e.g. ``k must be an integer between 1 and 10000 (got k=0)``.
Apps show that message in their banner. Checks return the cleaned value.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def _range_text(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"between {lo:g} and {hi:g}"
    if lo is not None:
        return f"at least {lo:g}"
    if hi is not None:
        return f"at most {hi:g}"
    return "finite"


def integer(name: str, value, lo: int | None = None, hi: int | None = None) -> int:
    """An int (bools refused) within [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be an integer {_range_text(lo, hi)} (got {name}={value!r})")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must be an integer {_range_text(lo, hi)} (got {name}={value})")
    return int(value)


def number(name: str, value, lo: float | None = None, hi: float | None = None) -> float:
    """A finite real within [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number {_range_text(lo, hi)} (got {name}={value!r})")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must be {_range_text(lo, hi)} (got {name}={value:g})")
    return float(value)


def positive(name: str, value) -> float:
    """A finite real > 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not (math.isfinite(value) and value > 0)
    ):
        raise ValueError(f"{name} must be a positive number (got {name}={value!r})")
    return float(value)


def probability(name: str, value) -> float:
    """A real in [0, 1]."""
    return number(name, value, 0.0, 1.0)


def in_range(name: str, values, lo: float, hi: float):
    """Every element of a scalar or array within [lo, hi] (NaN refused)."""
    a = np.asarray(values, dtype=float)
    if a.size and not (np.all(a >= lo) and np.all(a <= hi)):
        bad = a[~((a >= lo) & (a <= hi))].ravel()[0]
        raise ValueError(f"{name} must be between {lo:g} and {hi:g} (got {name}={bad:g})")
    return values


def choice(name: str, value, options) -> str:
    """One of ``options`` (e.g. a registry's keys)."""
    options = list(options)
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed} (got {name}={value!r})")
    return value
