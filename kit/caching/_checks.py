"""Checks the caching modules share: work and memory budgets from ``kit.config``, distributions.

Every public function of the topic estimates what it is about to do before
doing it and refuses, naming the parameter and the ``config`` limit, when the
estimate is beyond the limit: a clear message now rather than minutes of
silence, a ``MemoryError`` or a silently shortened run.
"""

from __future__ import annotations

import math
from dataclasses import fields, replace

import numpy as np

from .. import config
from ..core import validate
from ..core.rng import Dist, LogNormal


def budget(name: str, value, setting: str, what: str, hint: str = "") -> None:
    """Refuse when ``value`` (what the call would do because of ``name``) exceeds ``config.<setting>``.

    Example message: ``n_requests asks for 10,000,000,000 requests in one trace, beyond
    config.CACHING_MAX_TRACE_REQUESTS = 100,000,000``, then ``hint``.
    """
    limit = getattr(config, setting)
    if value > limit:
        raise ValueError(f"{name} asks for {value:,.0f} {what}, beyond config.{setting} = {limit:,}{hint}")


def expected_requests(rate: float, duration_s: float) -> float:
    """Requests a Poisson stream of ``rate`` per second makes in ``duration_s``, with room for noise."""
    mean = rate * duration_s
    return mean + 10 * math.sqrt(mean) + 100


def dist(value, setting: str, sigma: float) -> Dist:
    """A latency distribution in ms: ``value``, or a log-normal whose median is ``config.<setting>``."""
    return LogNormal.from_median(getattr(config, setting), sigma) if value is None else value


def percentile(x: np.ndarray, q: float) -> float:
    """The q-th percentile (0-100) of ``x``, NaN when empty."""
    q = validate.number("q", q, 0.0, 100.0)
    return float(np.percentile(x, q)) if x.size else math.nan


def nonnegative_array(name: str, values, allow_inf: bool = False) -> np.ndarray:
    """``values`` as a float array, every element >= 0 and finite (or +inf if allowed)."""
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers (got {name}={values!r})") from None
    ok = (a >= 0) & (np.isfinite(a) | (allow_inf & (a == np.inf)))
    if not ok.all():
        bad = a[~ok].ravel()[0]
        raise ValueError(f"{name} must be >= 0{' (or inf)' if allow_inf else ''} (got {name}={bad!r})")
    return a


def positive_array(name: str, values, allow_inf: bool = False) -> np.ndarray:
    """``values`` as a float array, every element > 0 and finite (or +inf if allowed)."""
    a = nonnegative_array(name, values, allow_inf)
    if (a == 0).any():
        raise ValueError(f"{name} must be > 0 (got {name}=0)")
    return a


def check_fields(record, rules: dict) -> None:
    """Check each field of a frozen settings ``record`` that is set (not None), keeping the cleaned value.

    ``rules[name](name, value)`` returns the cleaned value or raises naming ``name``.
    """
    for name, rule in rules.items():
        value = getattr(record, name)
        if value is not None:
            object.__setattr__(record, name, rule(name, value))


def filled(record, defaults: dict):
    """``record`` with each unset field that ``defaults`` names taken from ``kit.config`` (read now)."""
    unset = {
        name: getattr(config, setting) for name, setting in defaults.items() if getattr(record, name) is None
    }
    return replace(record, **unset)


def is_dist(name: str, value) -> Dist:
    """``value`` if it is a kit distribution, else a ValueError naming ``name``."""
    if not isinstance(value, Dist):
        raise ValueError(f"{name} must be a kit distribution such as latency(5.0) (got {value!r})")
    return value


def settings_with(cls, settings, overrides: dict):
    """``settings`` (a ``cls`` record; None = every field from ``kit.config``) with ``overrides`` applied.

    A simulator with many knobs takes ``settings=None, **overrides``: a name
    that is not a field of ``cls`` is refused with the list of those that are.
    """
    if settings is None:
        settings = cls()
    elif not isinstance(settings, cls):
        raise ValueError(f"settings must be a {cls.__name__} (got settings={settings!r})")
    names = [f.name for f in fields(cls)]
    for name in overrides:
        if name not in names:
            raise ValueError(
                f"{name} is not a setting of {cls.__name__}; the settings are {', '.join(names)}"
            )
    return replace(settings, **overrides)
