"""Run any kit function over a parameter grid; get one tidy DataFrame.

::

    from kit import fanout, sweep
    table = sweep.run(fanout.p_slow_mc, {"k": [1, 10, 100], "p": [0.001, 0.01]}, seed=7)

One row per grid point, columns = parameters + results. A result that is a
dict or dataclass contributes its scalar fields as columns; anything else
becomes a ``result`` column. When ``fn`` takes a ``seed``, point *i* gets
``derive_seed(seed, i)``: the table is the same on every backend and with
any number of workers.

Backends: ``"serial"``; ``"processes"`` (a local process pool); ``"dask"``,
given a ``dask.distributed.Client`` or a scheduler address, so a sweep that
outgrows a laptop runs unchanged on a cluster. ``fn`` must be importable
(a module-level function) for the parallel backends.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import multiprocessing
import numbers
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np
import pandas as pd

from . import config
from .core import validate
from .core.rng import derive_seed

BACKENDS = ("serial", "processes", "dask")


def grid(**axes: Iterable) -> list[dict]:
    """The Cartesian product of the axes, as a list of points (dicts)."""
    names = list(axes)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*axes.values())]


def _points(params) -> list[dict]:
    if isinstance(params, Mapping):
        return grid(**params)
    points = [dict(p) for p in params]
    if not points:
        raise ValueError("params must hold at least one point")
    return points


def _row(point: dict, result) -> dict:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    elif isinstance(result, Mapping):
        fields = dict(result)
    else:
        fields = {"result": result}
    row = dict(point)
    for name, value in fields.items():
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, numbers.Number | str | bool) or value is None:
            row[name] = value
    return row


def _call(fn: Callable, point: dict, seed: int | None):
    kwargs = dict(point) if seed is None else {**point, "seed": seed}
    return fn(**kwargs)


def run(
    fn: Callable,
    params,
    *,
    seed: int | None = None,
    backend: str = "serial",
    client=None,
    workers: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Evaluate ``fn(**point)`` for every point of ``params``.

    Parameters
    ----------
    fn : callable
        Any kit function (or your own) taking the grid's names as keywords.
    params : dict of name -> values, or iterable of dicts
        A dict is expanded to its Cartesian product (see :func:`grid`).
    seed : int, optional
        Base seed; passed on as per-point ``seed`` when ``fn`` accepts one.
    backend : {"serial", "processes", "dask"}
    client : dask.distributed.Client or str, optional
        For ``backend="dask"``: a client, or a scheduler address to connect to.
    workers : int, optional
        Process count for ``backend="processes"`` (default: all cores).
    progress : bool, optional
        Show a progress bar (default ``config.SWEEP_PROGRESS``).

    Returns
    -------
    pandas.DataFrame
        One row per point, in grid order.

    Example
    -------
    >>> from kit import fanout, sweep
    >>> t = sweep.run(fanout.p_slow, {"k": [1, 100], "p": [0.01]}, progress=False)
    >>> t["result"].round(3).tolist()
    [0.01, 0.634]
    """
    validate.choice("backend", backend, BACKENDS)
    points = _points(params)
    takes_seed = "seed" in inspect.signature(fn).parameters
    seeds = [derive_seed(seed, i) if takes_seed else None for i in range(len(points))]
    show = config.SWEEP_PROGRESS if progress is None else progress
    if backend == "serial":
        results = _serial(fn, points, seeds, show)
    elif backend == "processes":
        results = _processes(fn, points, seeds, show, workers)
    else:
        results = _dask(fn, points, seeds, show, client)
    return pd.DataFrame([_row(p, r) for p, r in zip(points, results, strict=True)])


def _bar(total: int, show: bool):
    from tqdm.auto import tqdm

    # leave=True: a bar that closes itself leaves a widget without a model in the saved
    # outputs, which Voila (the presenter view) shows as "Error displaying widget".
    return tqdm(total=total, disable=not show, desc="sweep", leave=True)


def _serial(fn, points, seeds, show):
    results = []
    with _bar(len(points), show) as bar:
        for point, seed in zip(points, seeds, strict=True):
            results.append(_call(fn, point, seed))
            bar.update()
    return results


def _processes(fn, points, seeds, show, workers):
    results = [None] * len(points)
    # spawn, not fork: forking a process whose numba kernels started OpenMP threads is unsafe
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool, _bar(len(points), show) as bar:
        futures = {
            pool.submit(_call, fn, p, s): i for i, (p, s) in enumerate(zip(points, seeds, strict=True))
        }
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            bar.update()
    return results


def _dask(fn, points, seeds, show, client):
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - depends on the install
        raise ValueError("backend='dask' needs dask: pip install 'sysdesign-kit[scale]'") from None
    if client is None:
        raise ValueError("client must be a dask.distributed.Client or a scheduler address for backend='dask'")
    own = isinstance(client, str)
    client = Client(client) if own else client
    try:
        futures = [client.submit(_call, fn, p, s, pure=False) for p, s in zip(points, seeds, strict=True)]
        index = {f.key: i for i, f in enumerate(futures)}
        results = [None] * len(points)
        with _bar(len(points), show) as bar:
            for future in dask_completed(futures):
                results[index[future.key]] = future.result()
                bar.update()
        return results
    finally:
        if own:
            client.close()
