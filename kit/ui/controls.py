"""Controls every app builds the same way, what a typed value becomes, and the values a learner tries.

Builders (ranges in the units the learner reads, defaults from ``kit.config``)::

    controls.int_slider("servers k", config.FANOUT_K, 1, 1000, why="...")
    controls.float_slider("P(server slow) p", config.FANOUT_P_SLOW, 0.0, 0.2, 0.001, fmt=".3f")
    controls.log_slider("slow latency (ms)", config.FANOUT_SLOW_MS, 30, 10_000)
    controls.dropdown("latency model", {"LinkedIn disk": "lnkd-disk", ...}, value=...)

``why`` says why a slider stops where it does; the app shows it when it has
to change a value the learner typed (:func:`accept`).

What ipywidgets does with a typed value (read in JupyterLab with Chromium,
ipywidgets 8): the slider's own readout clamps an out-of-range number to the
nearest end and reverts anything that is not a number, in the browser, and
the kernel only ever sees the clamped value (nothing at all when it equals
the current one). So the :class:`~kit.ui.app.App` hides that readout and
shows a text box of its own whose raw text reaches :func:`accept`, which
says what it did with it.
"""

from __future__ import annotations

import math
import re

import ipywidgets as w

from .figures import number_label

SLIDERS = (w.IntSlider, w.FloatSlider, w.FloatLogSlider, w.IntRangeSlider, w.FloatRangeSlider)
RANGES = (w.IntRangeSlider, w.FloatRangeSlider)
_BETWEEN = re.compile(r"\s*(?:–|—|\.\.|\bto\b|;)\s*|(?<=[\d.%])\s*-\s*(?=[-+]?[\d.])")


def _why(control, why: str):
    control.limits_why = why  # read by accept(): why the range ends where it does
    return control


def int_slider(description: str, value: int, lo: int, hi: int, step: int = 1, why: str = "") -> w.IntSlider:
    """A slider over whole numbers.

    Parameters
    ----------
    description : str
        Its label, with the symbol the notebook uses ("servers k").
    value, lo, hi, step : int
        Start (usually a ``config`` value), ends and step.
    why : str, optional
        Why the range ends where it does, a sentence shown when a typed value is clamped.

    Returns
    -------
    ipywidgets.IntSlider
    """
    return _why(w.IntSlider(value=value, min=lo, max=hi, step=step, description=description), why)


def float_slider(
    description: str, value: float, lo: float, hi: float, step: float, fmt: str = ".2f", why: str = ""
) -> w.FloatSlider:
    """A slider over real numbers, shown with ``fmt``.

    Parameters
    ----------
    description : str
        Its label ("P(server slow) p").
    value, lo, hi, step : float
        Start, ends and step, in the unit the label names.
    fmt : str, optional
        Python/d3 format of the readout (".3f", ".0%").
    why : str, optional
        Why the range ends where it does.

    Returns
    -------
    ipywidgets.FloatSlider
    """
    slider = w.FloatSlider(
        value=value, min=lo, max=hi, step=step, readout_format=fmt, description=description
    )
    return _why(slider, why)


def log_slider(
    description: str,
    value: float,
    lo: float,
    hi: float,
    steps_per_decade: int = 20,
    fmt: str | None = None,
    why: str = "",
) -> w.FloatLogSlider:
    """A slider with even steps in log scale, from ``lo`` to ``hi`` (not exponents).

    Parameters
    ----------
    description : str
        Its label, with the unit ("slow latency (ms)").
    value, lo, hi : float
        Start and ends, > 0, in the unit the label names.
    steps_per_decade : int, optional
        Resolution: positions per factor of 10.
    fmt : str, optional
        Readout format (default: ",.0f" from 1 up, ".3g" below).
    why : str, optional
        Why the range ends where it does.

    Returns
    -------
    ipywidgets.FloatLogSlider
    """
    if not 0 < lo < hi:
        raise ValueError(f"a log slider needs 0 < lo < hi (got lo={lo:g}, hi={hi:g})")
    slider = w.FloatLogSlider(
        value=value,
        base=10,
        min=math.log10(lo),
        max=math.log10(hi),
        step=1.0 / steps_per_decade,
        readout_format=fmt or (",.0f" if lo >= 1 else ".3g"),
        description=description,
    )
    return _why(slider, why)


def dropdown(description: str, options, value=None) -> w.Dropdown:
    """A menu: ``options`` a list of values, or ``{label: value}``.

    Parameters
    ----------
    description : str
        Its label.
    options : list or dict
        The choices; a dict maps what the learner reads to what ``compute`` gets.
    value : optional
        The start (default the first option).

    Returns
    -------
    ipywidgets.Dropdown
    """
    pairs = list(options.items()) if isinstance(options, dict) else [(str(o), o) for o in options]
    return w.Dropdown(options=pairs, value=pairs[0][1] if value is None else value, description=description)


def extremes(control: w.ValueWidget) -> list:
    """The settings a learner tries: a slider's ends and middle, every option of a menu.

    Parameters
    ----------
    control : ipywidgets.ValueWidget
        A slider, range slider, dropdown, toggle or checkbox.

    Returns
    -------
    list
        Values to set ``control.value`` to, in order; the last is a middle
        (or the current) value, so a walk over them ends on a typical setting.
    """
    if isinstance(control, w.FloatLogSlider):
        return [control.base**control.min, control.base**control.max, control.value]
    if isinstance(control, RANGES):
        lo, hi = control.min, control.max
        return [(lo, lo), (hi, hi), (lo, hi)]
    if hasattr(control, "min") and hasattr(control, "max"):
        mid = (control.min + control.max) / 2
        return [control.min, control.max, int(mid) if isinstance(control.value, int) else mid]
    if hasattr(control, "options"):
        return (
            [v for _, v in control._options_full]
            if hasattr(control, "_options_full")
            else list(control.options)
        )
    if isinstance(control.value, bool):
        return [not control.value, control.value]
    return [control.value]


def shown(control: w.ValueWidget, value=None) -> str:
    """``value`` (default the control's) as the control's readout shows it.

    Parameters
    ----------
    control : ipywidgets.ValueWidget
        A slider (its ``readout_format`` is used) or any control.
    value : optional
        The value to show.

    Returns
    -------
    str
    """
    value = control.value if value is None else value
    if isinstance(value, (tuple, list)):
        return " – ".join(shown(control, v) for v in value)
    fmt = getattr(control, "readout_format", "")
    try:
        text = format(value, fmt.replace("~", ""))
    except (TypeError, ValueError):
        text = "e+"
    if "e+" in text and isinstance(value, (int, float)):  # 1e+03 is not how a person writes 1000
        return number_label(value)
    return text


def _number(control, text) -> float | None:
    """A typed number as the slider reads it ("5%" and, on a percent slider, "5" are 0.05)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    raw = str(text).strip().replace(",", "").replace("_", "").replace(" ", "")
    percent = raw.endswith("%") or "%" in getattr(control, "readout_format", "")
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        return None
    return value / 100 if percent else value


def _limits(control) -> tuple[float, float]:
    if isinstance(control, w.FloatLogSlider):
        return control.base**control.min, control.base**control.max
    return control.min, control.max


def _one(control, number: float, typed: str, notes: list[str]) -> float:
    """Clamp to the range, round to whole numbers or to the step, noting each change."""
    lo, hi = _limits(control)
    value = number
    if value < lo or value > hi:
        value = min(max(value, lo), hi)
        notes.append(
            f"{typed} is outside this slider's range, {shown(control, lo)} to "
            f"{shown(control, hi)}: using {shown(control, value)}."
        )
    elif isinstance(control, (w.IntSlider, w.IntRangeSlider)) and not float(value).is_integer():
        notes.append(f"Whole numbers only: {number:g} became {round(value)}.")
    if isinstance(control, (w.IntSlider, w.IntRangeSlider)):
        return round(value)
    if not isinstance(control, w.FloatLogSlider) and control.step:
        steps = round((value - lo) / control.step)
        snapped = min(hi, lo + steps * control.step)
        if not math.isclose(snapped, value, rel_tol=1e-9, abs_tol=1e-12):
            notes.append(f"The slider moves in steps of {control.step:g}: using {shown(control, snapped)}.")
        value = snapped
    return value


def accept(control: w.ValueWidget, typed) -> tuple[object, str]:
    """What a slider takes from a typed value, and a note if that is not what was typed.

    Parameters
    ----------
    control : ipywidgets slider
        The slider the value is for (its range, step, format and ``limits_why``).
    typed : str or number or tuple
        What the learner typed ("5000", "1.5%", "500 - 1500") or passed.

    Returns
    -------
    (value, str)
        The value to set (``None``: keep the current one) and an empty string,
        or a note in full sentences saying what was changed and why.
    """
    notes: list[str] = []
    if isinstance(control, RANGES):
        parts = list(typed) if isinstance(typed, (tuple, list)) else _BETWEEN.split(str(typed).strip())
        parts = [str(p).strip() for p in parts if str(p).strip()]
        numbers = [_number(control, p) for p in parts]
        if len(numbers) != 2 or any(n is None or not math.isfinite(n) for n in numbers):
            return (
                None,
                f"'{typed}' is not a range such as '{shown(control)}', so it stays at {shown(control)}.",
            )
        if numbers[0] > numbers[1]:
            numbers.reverse()
            parts.reverse()
            notes.append("A range goes from low to high: the ends were swapped.")
        value = tuple(_one(control, n, p, notes) for n, p in zip(numbers, parts, strict=True))
    else:
        number = _number(control, typed)
        if number is None or not math.isfinite(number):
            return None, f"'{typed}' is not a number, so it stays at {shown(control)}."
        value = _one(control, number, str(typed).strip(), notes)
    why = getattr(control, "limits_why", "")
    if notes and why and any("outside" in n for n in notes):
        notes.append(why[0].upper() + why[1:] + ("" if why.endswith(".") else "."))
    return value, " ".join(notes)
