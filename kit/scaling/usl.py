"""The Universal Scalability Law: when a bigger machine (or more workers) stops helping.

Gunther's USL (*Guerrilla Capacity Planning*, Springer 2007, ch. 4-5) gives the
throughput of ``n`` workers (processors, threads, processes, users) as

    X(n) = lam n / (1 + sigma (n - 1) + kappa n (n - 1))

``lam`` is the throughput of one worker, ``sigma`` the *contention* (the share
of work that queues for a shared resource: a lock, a disk, one leader) and
``kappa`` the *coherency* delay (each pair of workers must exchange data, so
the cost grows like n^2). With kappa = 0 it is Amdahl's law, which rises
towards lam / sigma; with kappa > 0 throughput peaks at
n* = sqrt((1 - sigma) / kappa) and then *falls* (retrograde scaling).

:func:`fit_usl` fits the three parameters to measured (n, throughput) by
weighted nonlinear least squares (scipy) and gives confidence intervals;
:func:`measure` makes the measurement on this machine, with a Python workload
whose costs are known, so a learner fits data they made.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import resolve_seed
from . import _workload

PARAMS = ("sigma", "kappa", "lam")
WEIGHTS = ("relative", "none")
MODELS = ("usl", "amdahl")
MODES = ("sleep", "spin")


def _array(name: str, values, lo: float | None = 0.0) -> np.ndarray:
    """A 1-d float array of finite numbers (above ``lo``), or a ValueError naming ``name``."""
    if isinstance(values, str | bytes) or values is None:
        raise ValueError(f"{name} must be numbers (got {name}={values!r})")
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers (got {name}={values!r})") from None
    a = np.atleast_1d(a)
    if a.ndim != 1 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be a list of finite numbers (got {name}={values!r})")
    if lo is not None and a.size and not np.all(a > lo):
        raise ValueError(f"{name} must all be above {lo:g} (got {name}={a[a <= lo][0]:g})")
    return a


def usl(n, sigma: float, kappa: float, lam: float = 1.0):
    """Throughput of ``n`` workers by the Universal Scalability Law.

    Parameters
    ----------
    n : float or array
        Workers (concurrency), each at least 1 (fractions allowed: an average concurrency).
    sigma : float
        Contention, in [0, 1].
    kappa : float
        Coherency, at least 0.
    lam : float
        Throughput of one worker (any unit: requests/s, scripts/h).

    Returns
    -------
    float or numpy.ndarray
        ``lam n / (1 + sigma (n - 1) + kappa n (n - 1))``, in the unit of ``lam``; an
        array when ``n`` is one.

    Examples
    --------
    >>> usl(1, 0.05, 0.001, 100.0)
    100.0
    >>> round(float(usl(32, 0.05, 0.0, 1.0)), 2)  # Amdahl: 32 workers do the work of 12.6
    12.55
    """
    scalar = np.ndim(n) == 0 and not isinstance(n, list | tuple)
    n = _array("n", n, lo=None)
    validate.in_range("n", n, 1.0, math.inf)
    sigma = validate.number("sigma", sigma, 0.0, 1.0)
    kappa = validate.number("kappa", kappa, 0.0)
    lam = validate.number("lam", lam, 0.0)
    x = _usl(n, sigma, kappa, lam)
    return float(x[0]) if scalar else x


def _usl(n, sigma, kappa, lam):
    return lam * n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))


def _gradient(n, sigma, kappa, lam) -> np.ndarray:
    """d X / d (sigma, kappa, lam) at each n: shape (len(n), 3)."""
    d = 1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0)
    x = lam * n / d
    return np.column_stack([-x * (n - 1.0) / d, -x * n * (n - 1.0) / d, n / d])


def peak(sigma: float, kappa: float) -> float:
    """The concurrency of peak throughput, n* = sqrt((1 - sigma) / kappa); inf when kappa = 0.

    Parameters
    ----------
    sigma : float
        Contention, in [0, 1].
    kappa : float
        Coherency, at least 0.

    Returns
    -------
    float
        n* (workers); ``inf`` for Amdahl (kappa = 0), which never peaks.

    Examples
    --------
    >>> round(peak(0.02671591, 7.690945e-4), 1)  # Schwartz's Cisco fit
    35.6
    """
    sigma = validate.number("sigma", sigma, 0.0, 1.0)
    kappa = validate.number("kappa", kappa, 0.0)
    return math.sqrt((1.0 - sigma) / kappa) if kappa > 0.0 else math.inf


@dataclass(frozen=True, eq=False)
class USLFit:
    """A USL fit: estimates, their covariance, and what they imply.

    Attributes
    ----------
    sigma, kappa, lam : float
        The estimates (``kappa`` is 0 for an Amdahl fit).
    cov : numpy.ndarray
        3x3 covariance of (sigma, kappa, lam); zeros in the row and column of a fixed kappa.
    n, throughput : numpy.ndarray
        The data fitted.
    weights : str
        "relative" (every point's error taken as a share of its throughput), "none"
        (ordinary least squares) or "sd" (standard deviations given per point).
    model : str
        "usl" or "amdahl".
    level : float
        Confidence level of the intervals (``config.SCALING_CONFIDENCE``).
    dof : int
        Residual degrees of freedom (points minus fitted parameters).
    """

    sigma: float
    kappa: float
    lam: float
    cov: np.ndarray = field(repr=False)
    n: np.ndarray = field(repr=False)
    throughput: np.ndarray = field(repr=False)
    weights: str
    model: str
    level: float
    dof: int

    @property
    def params(self) -> np.ndarray:
        return np.array([self.sigma, self.kappa, self.lam])

    @property
    def se(self) -> dict:
        """Standard error of each parameter."""
        return dict(zip(PARAMS, np.sqrt(np.maximum(np.diag(self.cov), 0.0)), strict=True))

    def _t(self, level: float | None) -> float:
        from scipy import stats

        level = self.level if level is None else validate.number("level", level, 0.0, 1.0)
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must be strictly between 0 and 1 (got level={level:g})")
        return float(stats.t.ppf(0.5 + level / 2.0, max(self.dof, 1)))

    def ci(self, level: float | None = None) -> pd.DataFrame:
        """Estimate, standard error and confidence interval of each parameter.

        Intervals are estimate +- t * se (Student's t with ``dof`` degrees of
        freedom), clipped to the parameter's range (sigma in [0, 1], kappa and
        lam at least 0). A fixed kappa (Amdahl) has a zero-width interval.
        """
        t = self._t(level)
        se = np.array(list(self.se.values()))
        lo = np.maximum(self.params - t * se, [0.0, 0.0, 0.0])
        hi = np.minimum(self.params + t * se, [1.0, math.inf, math.inf])
        return pd.DataFrame(
            {"estimate": self.params, "se": se, "lo": lo, "hi": hi}, index=pd.Index(PARAMS, name="param")
        )

    @property
    def peak_n(self) -> float:
        """n* = sqrt((1 - sigma) / kappa): the concurrency of peak throughput (inf for Amdahl)."""
        return peak(self.sigma, self.kappa)

    @property
    def peak_throughput(self) -> float:
        """X(n*), or the Amdahl asymptote lam / sigma when there is no peak."""
        if math.isinf(self.peak_n):
            return self.lam / self.sigma if self.sigma > 0 else math.inf
        return float(_usl(self.peak_n, self.sigma, self.kappa, self.lam))

    def peak_ci(self, level: float | None = None) -> tuple[float, float]:
        """A confidence interval of n* by the delta method.

        The upper end is ``inf`` when kappa's own interval reaches 0 (the data do
        not rule out Amdahl's law, which never peaks).
        """
        if self.kappa <= 0.0:
            return (math.inf, math.inf)
        t = self._t(level)
        n = self.peak_n
        grad = np.array([-n / (2.0 * (1.0 - self.sigma)), -n / (2.0 * self.kappa), 0.0])
        half = t * math.sqrt(max(float(grad @ self.cov @ grad), 0.0))
        upper = n + half if self.kappa - t * self.se["kappa"] > 0.0 else math.inf
        return (max(n - half, 1.0), upper)

    def predict(self, n) -> np.ndarray:
        """Throughput the fit predicts at ``n`` workers (unit of the data)."""
        return _usl(_array("n", n), self.sigma, self.kappa, self.lam)

    def band(self, n, level: float | None = None) -> pd.DataFrame:
        """The fitted curve at ``n`` and its pointwise confidence band (delta method).

        Columns ``n``, ``throughput``, ``lo``, ``hi``: where the *mean* throughput is
        with the given confidence, not where single measurements fall.
        """
        n = _array("n", n)
        g = _gradient(n, self.sigma, self.kappa, self.lam)
        se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", g, self.cov, g), 0.0))
        x = _usl(n, self.sigma, self.kappa, self.lam)
        half = self._t(level) * se
        return pd.DataFrame({"n": n, "throughput": x, "lo": np.maximum(x - half, 0.0), "hi": x + half})

    @property
    def residuals(self) -> np.ndarray:
        """Measured minus fitted throughput."""
        return self.throughput - self.predict(self.n)

    def __str__(self):
        rows = self.ci()
        text = ", ".join(f"{p}={rows.estimate[p]:.4g} [{rows.lo[p]:.3g}, {rows.hi[p]:.3g}]" for p in PARAMS)
        head = f"USL fit ({self.model}, {self.weights} weights, {self.level:.0%} CI)"
        return f"{head}: {text}; peak n*={self.peak_n:.3g}"


def _start(n, x, amdahl: bool) -> np.ndarray:
    """A starting point: lam from the smallest n, sigma and kappa by Gunther's linearisation.

    With C = X / lam, n / C - 1 = sigma (n - 1) + kappa n (n - 1): least squares
    through the origin on the two regressors (GCaP, ch. 5.6).
    """
    i = np.argmin(n)
    lam = x[i] / n[i]
    y = n / (x / lam) - 1.0
    a = np.column_stack([n - 1.0, n * (n - 1.0)])
    if amdahl:
        a = a[:, :1]
    coef = np.linalg.lstsq(a, y, rcond=None)[0] if np.any(a) else np.zeros(a.shape[1])
    sigma = float(np.clip(coef[0], 1e-6, 0.999))
    kappa = 0.0 if amdahl else float(max(coef[1], 1e-9))
    return np.array([sigma, kappa, lam])


def fit_usl(n, throughput, weights="relative", model: str = "usl") -> USLFit:
    """Fit the USL (or Amdahl's law) to measured throughput.

    Parameters
    ----------
    n : array of float
        Concurrency of each measurement (>= 1); repeats are allowed (several runs at one n).
    throughput : array of float
        Measured throughput, > 0, in any unit (the fitted ``lam`` has it).
    weights : {"relative", "none"} or array of float
        "relative" (default) minimises squared *relative* errors, the right model when a
        measurement's noise grows with its throughput; "none" is ordinary least squares
        (as the R package ``usl`` and Schwartz 2015 fit); an array gives each point's
        standard deviation (e.g. from repeated runs), taken as known.
    model : {"usl", "amdahl"}
        "amdahl" fixes kappa = 0.

    Returns
    -------
    USLFit
        ``.sigma``, ``.kappa``, ``.lam``, ``.peak_n``, ``.predict(n)``, ``.ci()``, ``.band(n)``.

    Notes
    -----
    Nonlinear least squares (``scipy.optimize.least_squares``, trust region with
    sigma in [0, 1], kappa >= 0) from Gunther's linearised estimate. Standard
    errors from the Jacobian at the optimum: cov = s^2 (J^T J)^-1, with s^2 the
    residual variance (or 1 for given standard deviations). A parameter that ends
    on its bound (kappa = 0) makes that approximation poor; the interval is then
    clipped to the range.

    Examples
    --------
    >>> data = published("cisco").table
    >>> f = fit_usl(data.n, data.throughput, weights="none")
    >>> round(f.sigma, 4), round(f.kappa * 1e4, 3), round(f.lam, 1)
    (0.0267, 7.691, 995.6)
    """
    from scipy.optimize import least_squares

    n = _array("n", n)
    x = _array("throughput", throughput)
    if n.size != x.size:
        raise ValueError(f"n and throughput must have the same length (got {n.size} and {x.size})")
    validate.in_range("n", n, 1.0, math.inf)
    if n.size > config.SCALING_MAX_POINTS:
        raise ValueError(
            f"n has {n.size:,} points, more than SCALING_MAX_POINTS={config.SCALING_MAX_POINTS:,}"
        )
    validate.choice("model", model, MODELS)
    amdahl = model == "amdahl"
    k = 2 if amdahl else 3
    if np.unique(n).size < k:
        raise ValueError(
            f"n must hold at least {k} different concurrencies to fit {model} (got {np.unique(n)})"
        )
    if isinstance(weights, str):
        validate.choice("weights", weights, WEIGHTS)
        sd = x if weights == "relative" else np.ones_like(x)
        label = weights
    else:
        sd = _array("weights", weights)
        if sd.size != x.size:
            raise ValueError(
                f"weights must give one standard deviation per point (got {sd.size} for {x.size})"
            )
        label = "sd"

    scale = x.max()  # fit throughput in units of its largest value: well-conditioned whatever the unit
    start = _start(n, x, amdahl)
    start[2] /= scale
    free = slice(0, 1) if amdahl else slice(0, 2)

    def unpack(p):
        return (p[0], 0.0, p[1]) if amdahl else (p[0], p[1], p[2])

    def residual(p):
        s, kap, lam = unpack(p)
        return (_usl(n, s, kap, lam) - x / scale) / (sd / scale)

    def jac(p):
        g = _gradient(n, *unpack(p)) / (sd / scale)[:, None]
        return np.delete(g, 1, axis=1) if amdahl else g

    p0 = np.r_[start[free], start[2]]
    lower = [0.0, 0.0] if amdahl else [0.0, 0.0, 0.0]
    upper = [1.0, np.inf] if amdahl else [1.0, np.inf, np.inf]
    p0 = np.clip(p0, lower, [1.0 - 1e-9, *upper[1:]])
    sol = least_squares(residual, p0, jac=jac, bounds=(lower, upper), x_scale="jac", xtol=1e-14, ftol=1e-14)
    sigma, kappa, lam = unpack(sol.x)
    dof = n.size - k
    s2 = 1.0 if label == "sd" else (float(sol.fun @ sol.fun) / dof if dof > 0 else math.nan)
    jm = sol.jac
    cov_free = np.linalg.pinv(jm.T @ jm) * s2
    cov = np.zeros((3, 3))
    idx = [0, 2] if amdahl else [0, 1, 2]
    cov[np.ix_(idx, idx)] = cov_free
    units = np.array([1.0, 1.0, scale])
    return USLFit(
        sigma=float(sigma),
        kappa=float(kappa),
        lam=float(lam * scale),
        cov=cov * np.outer(units, units),
        n=n,
        throughput=x,
        weights=label,
        model=model,
        level=validate.number("SCALING_CONFIDENCE", config.SCALING_CONFIDENCE, 0.0, 1.0),
        dof=dof,
    )


def fit_table(table, n: str = "n", throughput: str = "throughput", weights="relative") -> USLFit:
    """:func:`fit_usl` on two columns of a table (a DataFrame, a dict of columns, a CSV file).

    Parameters
    ----------
    table : pandas.DataFrame, dict or str
        The measurements; a string is read as a CSV file path (or URL) with ``pandas.read_csv``.
    n : str
        Column of concurrency.
    throughput : str
        Column of throughput.
    weights : {"relative", "none"} or array of float
        As in :func:`fit_usl`.

    Returns
    -------
    USLFit

    Examples
    --------
    >>> fit_table({"n": [1, 2, 4, 8], "throughput": [100, 190, 340, 520]}).peak_n > 8
    True
    """
    if isinstance(table, str):
        try:
            table = pd.read_csv(table)
        except (OSError, ValueError) as e:
            raise ValueError(f"table could not be read as CSV ({e})") from None
    if isinstance(table, dict):
        table = pd.DataFrame(table)
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"table must be a DataFrame, a dict of columns or a CSV path (got {table!r})")
    for role, column in (("n", n), ("throughput", throughput)):
        if not isinstance(column, str) or column not in table.columns:
            raise ValueError(
                f"{role} must name a column of table, one of {list(table.columns)} (got {column!r})"
            )
    return fit_usl(table[n].to_numpy(), table[throughput].to_numpy(), weights=weights)


def synthetic(
    n, sigma: float, kappa: float, lam: float = 1.0, noise: float = 0.05, seed=None
) -> pd.DataFrame:
    """Measurements drawn from a known USL: X(n) times log-normal noise of spread ``noise``.

    Parameters
    ----------
    n : array of float
        Concurrencies (>= 1), repeats allowed.
    sigma, kappa, lam : float
        The true parameters.
    noise : float
        Log-space standard deviation of the multiplicative noise (0.05: about 5%).
    seed : int, optional
        Same seed, same measurements.

    Returns
    -------
    pandas.DataFrame
        Columns ``n`` and ``throughput``.

    Examples
    --------
    >>> synthetic([1, 2, 4], 0.1, 0.01, 100.0, noise=0.0).throughput.round(1).tolist()
    [100.0, 178.6, 281.7]
    """
    x = usl(np.atleast_1d(_array("n", n)), sigma, kappa, lam)
    noise = validate.number("noise", noise, 0.0, 5.0)
    rng = np.random.default_rng(resolve_seed(seed))
    return pd.DataFrame(
        {
            "n": np.atleast_1d(np.asarray(n, dtype=float)),
            "throughput": x * np.exp(noise * rng.standard_normal(x.size)),
        }
    )


# --- published fits -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PublishedFit:
    """A measured data set and the fit its source published.

    Attributes
    ----------
    name : str
        Key in :data:`PUBLISHED`.
    table : pandas.DataFrame
        Columns ``n`` and ``throughput``.
    sigma, kappa, lam : float
        The published estimates.
    peak_n : float
        The published concurrency of peak throughput.
    source : str
        Where data and fit appear.
    """

    name: str
    table: pd.DataFrame = field(repr=False)
    sigma: float
    kappa: float
    lam: float
    peak_n: float
    source: str


# B. Schwartz, *Practical Scalability Analysis with the Universal Scalability Law*,
# VividCortex, 2015: a Cisco server benchmark, 1..32 concurrent clients, throughput in
# requests per second, fitted by ordinary nonlinear least squares in R.
_CISCO = [
    955.16, 1878.91, 2688.01, 3548.68, 4315.54, 5130.43, 5931.37, 6531.08, 7219.8, 7867.61,
    8278.71, 8646.7, 9047.84, 9426.55, 9645.37, 9897.24, 10097.6, 10240.5, 10532.39, 10798.52,
    11151.43, 11518.63, 11806.0, 12089.37, 12075.41, 12177.29, 12211.41, 12158.93, 12155.27,
    12118.04, 12140.4, 12074.39,
]  # fmt: skip

PUBLISHED = {
    "cisco": dict(
        n=np.arange(1, 33, dtype=float),
        throughput=np.array(_CISCO),
        sigma=0.02671591,
        kappa=7.690945e-4,
        lam=995.6486,
        peak_n=35.0,
        source="B. Schwartz, Practical Scalability Analysis with the Universal Scalability Law, "
        "VividCortex 2015 (Cisco benchmark, ordinary least squares)",
    ),
}
"""Data sets with a published USL fit, by name."""


def published(name: str) -> PublishedFit:
    """A published data set and its published fit (see :data:`PUBLISHED`).

    Parameters
    ----------
    name : str
        A key of :data:`PUBLISHED` ("cisco").

    Returns
    -------
    PublishedFit
        ``.table`` (columns ``n``, ``throughput``), the published ``sigma``, ``kappa``,
        ``lam``, ``peak_n`` and the ``source``.

    Examples
    --------
    >>> published("cisco").table.shape
    (32, 2)
    """
    validate.choice("name", name, PUBLISHED)
    d = PUBLISHED[name]
    table = pd.DataFrame({"n": d["n"], "throughput": d["throughput"]})
    return PublishedFit(name, table, d["sigma"], d["kappa"], d["lam"], d["peak_n"], d["source"])


# --- a real measurement on this machine ------------------------------------------------------


def measure(
    processes: int | None = None,
    duration_s: float | None = None,
    rounds: int | None = None,
    mode: str = "sleep",
    work_ms: float | None = None,
    serial_us: float | None = None,
    coherency_us: float | None = None,
) -> pd.DataFrame:
    """Measure the throughput of a Python workload with a lock and shared state on 1..k processes.

    Each worker repeats one operation: a parallel part of ``work_ms`` (slept, like
    waiting for I/O, or spun on a core with ``mode="spin"``), then, holding one
    lock shared by all workers, a critical section of ``serial_us`` plus
    ``coherency_us`` for each other active worker (merging its update into the
    shared state). Level n runs the first n workers for ``duration_s`` and counts
    the operations they complete; ``rounds`` passes over the levels 1..k interleave
    the repeats, so a disturbance from elsewhere on the machine hits one point, not
    a whole level.

    Parameters
    ----------
    processes : int, optional
        Largest level k (default ``config.SCALING_MEASURE_PROCESSES``).
    duration_s : float, optional
        Length of each level (default ``config.SCALING_MEASURE_DURATION_S``); longer
        only where a worker has not finished one operation by then (a machine too
        busy to run it), which goes on until it has: ``seconds`` says how long.
    rounds : int, optional
        Passes over the levels (default ``config.SCALING_MEASURE_ROUNDS``).
    mode : {"sleep", "spin"}
        How the parallel part spends its time: "sleep" needs no core (so more
        processes than cores can overlap it), "spin" needs one.
    work_ms, serial_us, coherency_us : float, optional
        The workload's costs (defaults ``config.SCALING_MEASURE_*``).

    Returns
    -------
    pandas.DataFrame
        One row per level and round: ``n``, ``round``, ``operations``, ``seconds``,
        ``throughput`` (operations per second), and ``cores`` (this machine's CPU count).

    Notes
    -----
    The workers run in a fresh Python process (``kit/scaling/_workload.py``, standard
    library only) that forks them, so the measurement does not disturb, and is not
    disturbed by, the notebook's own threads. It is a real measurement: the lock is
    an OS semaphore, and waking a waiting process costs what it costs here. On a
    machine with few cores, "spin" levels beyond the core count measure time slicing,
    not the workload. Refused when ``processes x rounds x duration_s`` exceeds
    ``config.SCALING_MAX_MEASURE_S``.

    Examples
    --------
    >>> m = measure(processes=2, duration_s=0.1, rounds=2)
    >>> list(m.n)
    [1, 2, 1, 2]
    """
    k = validate.integer(
        "processes", config.SCALING_MEASURE_PROCESSES if processes is None else processes, 1,
        config.SCALING_MAX_PROCESSES,
    )  # fmt: skip
    duration = validate.positive(
        "duration_s", config.SCALING_MEASURE_DURATION_S if duration_s is None else duration_s
    )
    rounds = validate.integer("rounds", config.SCALING_MEASURE_ROUNDS if rounds is None else rounds, 1, 1000)
    validate.choice("mode", mode, MODES)
    costs = {
        "work_ms": config.SCALING_MEASURE_WORK_MS if work_ms is None else work_ms,
        "serial_us": config.SCALING_MEASURE_SERIAL_US if serial_us is None else serial_us,
        "coherency_us": config.SCALING_MEASURE_COHERENCY_US if coherency_us is None else coherency_us,
    }
    for name, value in costs.items():  # each at most a second
        validate.number(name, value, 0.0, 1000.0 if name == "work_ms" else 1e6)
    budget = k * rounds * duration
    if budget > config.SCALING_MAX_MEASURE_S:
        raise ValueError(
            f"processes x rounds x duration_s = {budget:g} s exceeds SCALING_MAX_MEASURE_S="
            f"{config.SCALING_MAX_MEASURE_S:g} s "
            f"(got processes={k}, rounds={rounds}, duration_s={duration:g})"
        )
    args = {"processes": k, "duration_s": duration, "rounds": rounds, "mode": mode, **costs}
    try:
        out = subprocess.run(
            [sys.executable, _workload.__file__, json.dumps(args)],
            capture_output=True,
            text=True,
            timeout=budget + 30.0 + 0.5 * k,  # levels, plus start-up and the workers' forks
            check=True,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError("the measurement did not finish in time (is the machine overloaded?)") from None
    except subprocess.CalledProcessError as e:
        raise RuntimeError(f"the measurement failed: {e.stderr.strip()[-500:]}") from None
    table = pd.DataFrame(json.loads(out.stdout.strip().splitlines()[-1]))
    table["throughput"] = table.operations / table.seconds
    return table
