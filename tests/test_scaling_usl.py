"""kit.scaling's USL: the law, its fit against a published fit and known parameters, a real measurement."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import curve_fit, minimize

from kit import config, scaling


def test_one_worker_is_lam_and_kappa_zero_is_amdahl():
    assert scaling.usl(1, 0.3, 0.01, 42.0) == 42.0
    n = np.array([1.0, 2.0, 10.0, 1e6])
    np.testing.assert_allclose(scaling.usl(n, 0.1, 0.0, 1.0), n / (1 + 0.1 * (n - 1)))
    assert scaling.usl(1e9, 0.1, 0.0, 5.0) == pytest.approx(5.0 / 0.1, rel=1e-6)  # Amdahl's asymptote


@settings(max_examples=60)
@given(sigma=st.floats(0.0, 0.9), kappa=st.floats(1e-6, 0.05))
def test_peak_is_the_argmax_of_the_law(sigma, kappa):
    n_star = scaling.peak(sigma, kappa)
    grid = np.linspace(1.0, max(4 * n_star, 10.0), 200_001)
    x = scaling.usl(grid, sigma, kappa)
    best = grid[np.argmax(x)]
    if n_star >= 1.0:
        assert best == pytest.approx(n_star, abs=grid[1] - grid[0] + 1e-9)
    else:
        assert best == 1.0


def test_fit_reproduces_schwartz_published_cisco_fit():
    """Schwartz (2015) fits the Cisco benchmark by ordinary least squares; usl4j checks it to 0.02%."""
    data = scaling.published("cisco")
    fit = scaling.fit_usl(data.table.n, data.table.throughput, weights="none")
    assert fit.sigma == pytest.approx(data.sigma, rel=2e-4)
    assert fit.kappa == pytest.approx(data.kappa, rel=2e-4)
    assert fit.lam == pytest.approx(data.lam, rel=2e-4)
    assert math.floor(fit.peak_n) == data.peak_n  # the book reports N_max = 35 (n* = 35.57)
    assert fit.peak_throughput == pytest.approx(12341, rel=2e-4)  # and X_max = 12341


def _objective(n, x, params):
    s, k, lam = params
    return float(np.sum(((lam * n / (1 + s * (n - 1) + k * n * (n - 1))) - x) ** 2 / x**2))


def test_relative_fit_minimises_the_relative_squared_error():
    """A check from the definition: no point found by Nelder-Mead from the fit does better."""
    data = scaling.published("cisco").table
    fit = scaling.fit_usl(data.n, data.throughput)
    n, x = data.n.to_numpy(), data.throughput.to_numpy()
    best = _objective(n, x, fit.params)
    other = minimize(lambda p: _objective(n, x, np.abs(p)), fit.params * 1.1, method="Nelder-Mead",
                     options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20_000})  # fmt: skip
    assert best <= other.fun * (1 + 1e-9)


def test_standard_errors_match_curve_fit():
    """The covariance s^2 (J^T J)^-1 against scipy's curve_fit: another route to the textbook formula."""
    data = scaling.synthetic(np.repeat([1, 2, 4, 8, 16, 32, 64], 3), 0.04, 5e-4, 250.0, noise=0.05, seed=3)
    fit = scaling.fit_usl(data.n, data.throughput)

    def law(n, s, k, lam):
        return lam * n / (1 + s * (n - 1) + k * n * (n - 1))

    p, cov = curve_fit(
        law, data.n, data.throughput, p0=fit.params, sigma=data.throughput, absolute_sigma=False
    )
    np.testing.assert_allclose(fit.params, p, rtol=1e-5)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), np.sqrt(np.diag(cov)), rtol=1e-3)


def test_noise_free_data_give_the_parameters_back():
    data = scaling.synthetic([1, 2, 3, 5, 8, 13, 21, 34], 0.07, 2e-3, 30.0, noise=0.0)
    fit = scaling.fit_usl(data.n, data.throughput)
    np.testing.assert_allclose(fit.params, [0.07, 2e-3, 30.0], rtol=1e-6)


def test_intervals_cover_the_true_parameters_at_their_level():
    """Over 200 data sets drawn from known parameters, 80% intervals hold the truth about 80% of the time.

    The tolerance is four binomial standard errors: intervals twice too wide or too narrow fail.
    """
    truth = {"sigma": 0.03, "kappa": 2e-4, "lam": 100.0}
    n = np.repeat([1, 2, 4, 8, 16, 32, 48, 64], 2)
    trials, hits = 200, {p: 0 for p in truth}
    for seed in range(trials):
        data = scaling.synthetic(n, *truth.values(), noise=0.05, seed=seed)
        ci = scaling.fit_usl(data.n, data.throughput).ci(level=0.8)
        for p, value in truth.items():
            hits[p] += ci.lo[p] <= value <= ci.hi[p]
    se = math.sqrt(0.8 * 0.2 / trials)
    for p in truth:
        assert abs(hits[p] / trials - 0.8) < 4 * se, (p, hits[p] / trials)


def test_amdahl_fit_has_no_coherency_and_recovers_contention():
    data = scaling.synthetic(np.repeat([1, 2, 4, 8, 16, 32], 3), 0.08, 0.0, 10.0, noise=0.03, seed=5)
    fit = scaling.fit_usl(data.n, data.throughput, model="amdahl")
    ci = fit.ci()
    assert fit.kappa == 0.0 and math.isinf(fit.peak_n)
    assert ci.lo["sigma"] <= 0.08 <= ci.hi["sigma"]
    assert fit.peak_throughput == pytest.approx(fit.lam / fit.sigma)


def test_band_contains_the_fit_and_widens_away_from_the_data():
    data = scaling.synthetic(np.repeat([1, 2, 4, 8], 3), 0.05, 1e-3, 100.0, noise=0.05, seed=2)
    fit = scaling.fit_usl(data.n, data.throughput)
    band = fit.band([4.0, 64.0])
    assert np.all(band.lo <= band.throughput) and np.all(band.throughput <= band.hi)
    width = (band.hi - band.lo) / band.throughput
    assert width[1] > width[0]
    lo, hi = fit.peak_ci()
    assert lo <= fit.peak_n <= hi


def test_fit_table_reads_frames_dicts_and_csv(tmp_path):
    data = scaling.published("cisco").table
    path = tmp_path / "m.csv"
    data.rename(columns={"n": "clients", "throughput": "rps"}).to_csv(path, index=False)
    a = scaling.fit_table(data)
    b = scaling.fit_table(str(path), n="clients", throughput="rps")
    c = scaling.fit_table({"n": list(data.n), "throughput": list(data.throughput)})
    assert a.params == pytest.approx(b.params) and a.params == pytest.approx(c.params)
    with pytest.raises(ValueError, match="n must name a column"):
        scaling.fit_table(data, n="users")


@pytest.mark.parametrize(
    "n,x,message",
    [
        ([1, 2], [1.0, 2.0], "at least 3 different"),
        ([1, 2, 3], [1.0, 2.0], "same length"),
        ([1, 2, 3], [1.0, -2.0, 3.0], "throughput must all be above 0"),
        ([0.5, 2, 3], [1.0, 2.0, 3.0], "n must be between 1"),
    ],
)
def test_bad_measurements_are_refused_by_name(n, x, message):
    with pytest.raises(ValueError, match=message):
        scaling.fit_usl(n, x)


def test_measurement_is_bounded_and_refuses_more():
    budget = config.SCALING_MAX_MEASURE_S
    with pytest.raises(ValueError, match="SCALING_MAX_MEASURE_S"):
        scaling.measure(processes=8, duration_s=budget, rounds=1)


def test_measurement_shows_a_lock_serialising_and_sleeping_work_overlapping():
    """A real run: with the work in the lock, 3 processes do no more than 1; with sleeps, they overlap.

    Generous bounds (the serial case can at most match one process: 1.5x leaves room for noise; the
    sleeping case would reach 3x): a broken lock, or workers that never start, fail it.
    """
    kwargs = dict(processes=3, duration_s=0.1, rounds=2, coherency_us=0.0)
    locked = scaling.measure(work_ms=0.0, serial_us=2000.0, **kwargs)
    overlap = scaling.measure(work_ms=5.0, serial_us=0.0, **kwargs)
    assert list(locked.n) == [1, 2, 3, 1, 2, 3] and list(locked["round"]) == [0, 0, 0, 1, 1, 1]
    assert (locked.cores >= 1).all()
    x_locked = locked.groupby("n").throughput.mean()
    x_overlap = overlap.groupby("n").throughput.mean()
    assert x_locked[3] < 1.5 * x_locked[1]
    assert x_overlap[3] > 2.0 * x_overlap[1]
    assert isinstance(locked, pd.DataFrame) and (locked.operations > 0).all()


def test_a_worker_that_gets_no_cpu_in_its_window_still_counts_one_operation_and_its_time():
    """A window shorter than one operation stands for a machine too busy to run the workers in time:
    each level still reports an operation per worker, over the longer time it took, so a fit never
    meets a zero throughput (which fit_usl refuses, stopping lab 07 on a machine that busy)."""
    runs = scaling.measure(processes=3, duration_s=1e-6, rounds=1, work_ms=5.0, serial_us=0.0)
    assert (runs.operations >= runs.n).all()
    assert (runs.seconds >= 0.005).all()  # at least the one operation's 5 ms of work
    assert (runs.throughput < 1 / 0.005 * runs.n + 1e-9).all()
    scaling.fit_usl(runs.n, runs.throughput)
