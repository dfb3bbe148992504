"""Input checks shared by the topic's modules (each raises ValueError naming the parameter)."""

from __future__ import annotations

import numbers

from ..core import validate
from ..core.rng import Constant, Dist, LogNormal


def check_name(label: str, value) -> str:
    """A non-empty string (service, unit and team names)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{label} must be a non-empty string (got {label}={value!r})")
    return value


def dist_ms(label: str, value, default_median_ms: float) -> Dist:
    """A latency in ms: a kit distribution, a number (constant), or None (log-normal default).

    The default is log-normal with the given median and ``sigma`` 0.5: service
    latencies are right-skewed (a median and a tail), never negative.
    """
    if value is None:
        return LogNormal.from_median(default_median_ms, 0.5)
    if isinstance(value, Dist):
        if isinstance(value, Constant):
            validate.number(label, value.value, 0.0)
        elif isinstance(value, LogNormal):
            pass  # positive by construction (its quantile is a bisection costing milliseconds)
        elif float(value.quantile(1e-9)) < 0:  # e.g. a Normal close to zero: negative times
            raise ValueError(f"{label} must be a distribution of non-negative times (got {label}={value!r})")
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return Constant(validate.number(label, value, 0.0))
    raise ValueError(f"{label} must be a kit distribution or a number of ms (got {label}={value!r})")


def limit(what: str, value: float, cap: float, name: str | None = None) -> None:
    """Refuse work beyond ``cap`` (a ``kit.config`` limit), naming the parameter."""
    if value > cap:
        raise ValueError(
            f"{name or what} is too large: {what} = {value:,.0f} exceeds the limit {cap:,.0f} "
            "(kit.config ARCHITECTURE_MAX_*)"
        )
