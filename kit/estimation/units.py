"""Quantities with units: one pint registry for the whole kit, made on first use.

Estimates carry their units end to end, so that 5 MB per request times
10,000 requests per second prints as 50 GB/s and adding it to a latency is an
error, not a silently wrong number. The registry is pint's default one plus:

- ``request`` (``req``), its own dimension: ``req/s`` cannot be mixed up with ``Hz``
  or a plain count;
- ``USD`` (``dollar``), its own dimension ``[currency]``: ``USD/month``;
- ``KB`` as an alias of pint's ``kB`` (1000 bytes); binary units are pint's own
  ``KiB``, ``MiB``, ``GiB``, ``TiB`` (1024-based);
- information (bits and bytes) as a dimension of its own, ``[information]``,
  where pint's default makes it dimensionless.

A month is pint's (a twelfth of a Julian year, 730.5 hours); AWS bills a month
as 730 hours, 0.07% less.

pint is imported when a quantity is first made, so ``import kit`` stays light.
"""

from __future__ import annotations

import functools
import math
import numbers
from pathlib import Path

import numpy as np

_EXTRA = (
    "request = [request] = req",
    "USD = [currency] = dollar",
    "KB = kB",
)

# dimension -> how a person names it in an error message
_KINDS = {
    "[length] ** 0": "a plain number",
    "[time]": "a time",
    "[information]": "an amount of data",
    "[request] / [time]": "a request rate",
    "[information] / [time]": "a data rate",
    "[currency]": "an amount of money",
    "[currency] / [time]": "a cost per unit of time",
}

# units a quantity is shown in, by dimension: the first of these whose value is >= 1
_SHOW = {
    "[information]": ("TB", "GB", "MB", "kB", "B"),
    "[information] / [time]": ("Tbit/s", "Gbit/s", "Mbit/s", "kbit/s", "bit/s"),
    "[time]": ("year", "day", "hour", "s", "ms", "us", "ns"),
    "[request] / [time]": ("req/s",),
    "[currency] / [time]": ("USD/month",),
}


@functools.cache
def registry():
    """The kit's pint ``UnitRegistry`` (one for every topic; made on first call).

    Returns
    -------
    pint.UnitRegistry
        pint's default units plus ``request``, ``USD`` and ``KB`` (see the module notes).

    Examples
    --------
    >>> ureg = registry()
    >>> str((5 * ureg.MB * (10_000 * ureg.req / ureg.s) / ureg.req).to("GB/s"))
    '50.0 gigabyte / second'
    """
    import pint

    # pint's own definitions, except that information gets its own dimension: pint makes
    # ``bit = []`` dimensionless, so 5 MB would silently add to 5 requests.
    folder = Path(pint.__file__).parent
    text = (folder / "default_en.txt").read_text().replace("\nbit = []\n", "\nbit = [information]\n")
    ureg = pint.UnitRegistry(None)
    ureg.load_definitions((folder / "constants_en.txt").read_text().splitlines())
    ureg.load_definitions([line for line in text.splitlines() if not line.startswith("@import")])
    for line in _EXTRA:
        ureg.define(line)
    ureg.formatter.default_format = "~P"
    return ureg


def quantity(value, unit: str | None = None):
    """A pint quantity from the kit's registry: ``quantity("2 KB")``, ``quantity(3, "ms")``.

    Parameters
    ----------
    value : float or str or pint.Quantity
        A number (in ``unit``), a text such as ``"2 KiB"`` or ``"30 req/s"``, or a quantity.
    unit : str, optional
        The unit of a plain number (dimensionless when omitted).

    Returns
    -------
    pint.Quantity

    Examples
    --------
    >>> quantity("2 KiB").to("B").magnitude
    2048.0
    """
    import pint

    ureg = registry()
    if isinstance(value, ureg.Quantity):
        return value
    try:
        q = ureg.Quantity(value) if isinstance(value, str) else ureg.Quantity(value, unit or "")
        finite = bool(np.all(np.isfinite(q.magnitude)))
    except (pint.errors.PintError, ValueError, TypeError, AttributeError, AssertionError):
        raise ValueError(
            f"value must be a number or a text like '2 KB' (got value={value!r}, unit={unit!r})"
        ) from None
    if not finite:
        raise ValueError(f"value must be finite (got value={value!r})")
    return q


def _kind(q) -> str:
    dims = str(q.dimensionality) if not q.dimensionless else "[length] ** 0"
    return _KINDS.get(dims, f"a quantity of dimension {dims}")


def as_quantity(name: str, value, unit: str, lo: float | None = 0.0, hi: float | None = None):
    """``value`` as a quantity in ``unit``, or a ValueError naming ``name``.

    A plain number is taken to be in ``unit``; a text or quantity must have
    the same dimension (``"2 KB"`` for bytes, ``"5 ms"`` for a time). The
    magnitude in ``unit`` must be finite and within [lo, hi].
    """
    import pint

    ureg = registry()
    expected = _kind(ureg.Quantity(1, unit))
    if isinstance(value, bool) or not isinstance(value, numbers.Real | str | ureg.Quantity):
        raise ValueError(
            f"{name} must be {expected} in {unit} or a text like '3 {unit}' (got {name}={value!r})"
        )
    try:
        q = quantity(value, unit)
        magnitude = float(q.to(unit).magnitude)
    except pint.DimensionalityError:
        raise ValueError(
            f"{name} must be {expected} (in {unit}), not {_kind(quantity(value, unit))} "
            f"(got {name}={value!r})"
        ) from None
    except (pint.errors.PintError, ValueError, TypeError, AttributeError, AssertionError):
        raise ValueError(
            f"{name} must be {expected} in {unit} or a text like '3 {unit}' (got {name}={value!r})"
        ) from None
    if (
        not math.isfinite(magnitude)
        or (lo is not None and magnitude < lo)
        or (hi is not None and magnitude > hi)
    ):
        bounds = f"at least {lo:g}" if hi is None else f"between {lo:g} and {hi:g}"
        raise ValueError(f"{name} must be finite and {bounds} {unit} (got {name}={value!r})")
    return ureg.Quantity(magnitude, unit)


def show(q, digits: int = 3, units=None) -> str:
    """A quantity in the unit a person would pick: 52.3 GB, 1.2 Gbit/s, 3.1 ms, 4,100 USD/month."""
    dims = str(q.dimensionality)
    for unit in units or _SHOW.get(dims, ()):
        value = float(q.to(unit).magnitude)
        if abs(value) >= 1 or unit == (units or _SHOW[dims])[-1]:
            return f"{_number(value, digits)} {unit}"
    return f"{_number(float(q.magnitude), digits)} {q.units:~P}".strip()


def _number(x: float, digits: int) -> str:
    if not math.isfinite(x):
        return "∞" if x > 0 else str(x)
    if abs(x) >= 10**digits:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"
