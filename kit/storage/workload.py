"""The workload menu, run on every engine: measured (:func:`benchmark`) or collected (:func:`answers`).

Each access pattern is a batch of operations drawn once from the dataset and
the seed, the same for every engine:

- ``point_read``: an order by id (ids uniform over the orders);
- ``range_scan``: ``config.STORAGE_RANGE_ROWS`` consecutive orders from a random id;
- ``index_lookup``: every order of one customer, customers drawn like the orders
  (so the busy ones come up often), through the secondary index where there is one;
- ``aggregate``: orders and revenue per status over all rows;
- ``write_burst``: new orders, each written and committed on its own;
- ``update``: one order's status changed in place, each committed on its own.

Measurement: per engine and pattern, one untimed warm-up batch, then
``config.STORAGE_REPEATS`` timed batches, each with fresh operations; ops/s is
the median batch's. Reads run before writes, so every engine answers the reads
on the same data. Files live in a temporary folder removed at the end.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import derive_seed, resolve_seed
from . import dataset
from .engines import DURABILITY, ENGINES, check_names, fresh

PATTERNS = {
    "point_read": "an order by its id",
    "range_scan": "consecutive orders by id",
    "index_lookup": "all orders of one customer",
    "aggregate": "orders and revenue per status, all rows",
    "write_burst": "a new order, committed on its own",
    "update": "one order's status changed, committed on its own",
}
"""The access patterns, in the order they run (reads first)."""
WRITES = ("write_burst", "update")


@dataclass(frozen=True)
class Workload:
    """Operations drawn for every pattern: ``ops[pattern][batch]`` (batch 0 warms up).

    Attributes
    ----------
    data : DataFrame
        The orders every engine loads (:func:`kit.storage.orders`).
    ops : dict
        Per pattern, a list of batches; a batch is a list of operation arguments.
    """

    data: pd.DataFrame
    ops: dict


def make_workload(rows: int, seed: int, ops: dict, repeats: int) -> Workload:
    """The dataset and ``repeats + 1`` batches of every pattern's operations."""
    data = dataset.orders(rows, seed=seed)
    rng = np.random.default_rng(derive_seed(seed, 3))
    batches = repeats + 1
    span = config.STORAGE_RANGE_ROWS
    customers = data.customer_id.to_numpy()

    def draw(n, values):
        return [[int(v) for v in rng.choice(values, n)] for _ in range(batches)]

    n = ops
    extra = dataset.orders(rows + n["write_burst"] * batches, seed=derive_seed(seed, 4)).iloc[rows:]
    extra = extra.assign(order_id=np.arange(rows + 1, rows + 1 + len(extra)))
    new_rows = [
        tuple(int(v) if not isinstance(v, str) else v for v in r) for r in extra.itertuples(index=False)
    ]
    statuses = list(dataset.STATUSES)
    return Workload(
        data,
        {
            "point_read": draw(n["point_read"], np.arange(1, rows + 1)),
            "range_scan": draw(n["range_scan"], np.arange(1, max(2, rows - span + 2))),
            "index_lookup": draw(n["index_lookup"], customers),
            "aggregate": [[None] * n["aggregate"] for _ in range(batches)],
            "write_burst": [
                new_rows[b * n["write_burst"] : (b + 1) * n["write_burst"]] for b in range(batches)
            ],
            "update": [
                list(zip(ids, rng.choice(statuses, len(ids)).tolist(), strict=True))
                for ids in draw(n["update"], np.arange(1, rows + 1))
            ],
        },
    )


def _operation(engine, pattern: str):
    """One operation of ``pattern`` on ``engine``, as a function of its argument."""
    span = config.STORAGE_RANGE_ROWS
    return {
        "point_read": engine.point,
        "range_scan": lambda first: engine.range(first, span),
        "index_lookup": engine.by_customer,
        "aggregate": lambda _: engine.aggregate(),
        "write_burst": engine.insert,
        "update": lambda change: engine.update(*change),
    }[pattern]


def _run(engine, pattern: str, batch: list) -> list:
    """Do every operation of ``batch``; their results (None for writes)."""
    op = _operation(engine, pattern)
    return [op(arg) for arg in batch]


def _settings(rows, seed, ops, repeats, durability):
    rows = validate.integer("rows", config.STORAGE_ROWS if rows is None else rows, 1, config.STORAGE_MAX_ROWS)
    seed = resolve_seed(seed)
    if ops is None:
        ops = dict(config.STORAGE_OPS)
    if not isinstance(ops, dict) or set(ops) - set(PATTERNS):
        raise ValueError(
            f"ops must be a dict from pattern names ({', '.join(PATTERNS)}) to counts (got {ops!r})"
        )
    ops = {
        p: validate.integer(f"ops[{p!r}]", ops.get(p, config.STORAGE_OPS[p]), 1, config.STORAGE_MAX_OPS)
        for p in PATTERNS
    }
    repeats = validate.integer("repeats", config.STORAGE_REPEATS if repeats is None else repeats, 1, 100)
    durability = validate.choice(
        "durability", config.STORAGE_DURABILITY if durability is None else durability, DURABILITY
    )
    return rows, seed, ops, repeats, durability


def benchmark(
    engines=None,
    patterns=None,
    rows: int | None = None,
    seed: int | None = None,
    durability: str | None = None,
    ops: dict | None = None,
    repeats: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Load the orders into each engine and measure each access pattern on it, here.

    Parameters
    ----------
    engines : list of str, optional
        Names from :data:`ENGINES` (default: all four).
    patterns : list of str, optional
        Names from :data:`PATTERNS` (default: all); they run in that registry's order.
    rows : int, optional
        Orders loaded (default ``config.STORAGE_ROWS``, at most ``config.STORAGE_MAX_ROWS``).
    seed : int, optional
        Same seed, same data and operations.
    durability : {"fsync", "os"}, optional
        What a commit guarantees (default ``config.STORAGE_DURABILITY``);
        :func:`engine_table` says how each engine is configured for it.
    ops : dict, optional
        Operations per timed batch, per pattern (default ``config.STORAGE_OPS``).
    repeats : int, optional
        Timed batches after the warm-up (default ``config.STORAGE_REPEATS``).
    progress : bool
        Show a progress bar.

    Returns
    -------
    DataFrame
        One row per (engine, pattern): ``ops_per_s`` (the median batch),
        ``ops_per_s_min`` and ``ops_per_s_max`` (the slowest and fastest
        batch), ``ops`` per batch, ``bytes_on_disk`` (the engine's files right
        after loading, settled), ``load_s`` (seconds to load the orders).
        ``attrs``: rows, seed, durability, repeats.

    Notes
    -----
    Numbers from one machine at one moment: other processes, the file system
    and the page cache move them. The data here fits in memory, so reads
    measure CPU and the engine's code path more than the disk; writes are
    dominated by the durability setting (an fsync per commit).

    Examples
    --------
    >>> t = benchmark(["sqlite", "lmdb"], ["point_read"], 1_000, seed=1, progress=False)
    >>> sorted(t.engine), bool((t.ops_per_s > 0).all())
    (['lmdb', 'sqlite'], True)
    """
    from tqdm.auto import tqdm

    engines = check_names("engines", engines, ENGINES)
    patterns = [p for p in PATTERNS if p in check_names("patterns", patterns, PATTERNS)]
    rows, seed, ops, repeats, durability = _settings(rows, seed, ops, repeats, durability)
    progress = _flag(progress)
    work = make_workload(rows, seed, ops, repeats)
    out = []
    bar = tqdm(total=len(engines) * (1 + len(patterns)), desc="benchmark", disable=not progress)
    with tempfile.TemporaryDirectory(prefix="kit-storage-") as folder:
        for name in engines:
            bar.set_postfix_str(f"{name}: loading")
            engine = fresh(name, folder, durability)
            try:
                start = time.perf_counter()
                engine.load(work.data)
                load_s = time.perf_counter() - start
                size = engine.bytes_on_disk()
                bar.update()
                for pattern in patterns:
                    bar.set_postfix_str(f"{name}: {pattern}")
                    rates = _measure(engine, pattern, work.ops[pattern])
                    out.append(
                        {
                            "engine": name,
                            "pattern": pattern,
                            "ops_per_s": float(np.median(rates)),
                            "ops_per_s_min": float(min(rates)),
                            "ops_per_s_max": float(max(rates)),
                            "ops": ops[pattern],
                            "bytes_on_disk": size,
                            "load_s": load_s,
                        }
                    )
                    bar.update()
            finally:
                engine.close()
    bar.close()
    table = pd.DataFrame(out)
    table.attrs.update(rows=rows, seed=seed, durability=durability, repeats=repeats)
    return table


def _flag(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"progress must be True or False (got progress={value!r})")
    return value


def _measure(engine, pattern: str, batches: list) -> list[float]:
    """Operations per second of each timed batch, after an untimed first one.

    A batch stops early once it has run ``config.STORAGE_BATCH_S``: the rate counts
    the operations it finished, so a slow engine costs seconds, not minutes.
    """
    op = _operation(engine, pattern)
    rates = []
    for batch in batches:
        start = now = time.perf_counter()
        done = 0
        for arg in batch:
            op(arg)
            done += 1
            now = time.perf_counter()
            if now - start >= config.STORAGE_BATCH_S:
                break
        rates.append(done / max(now - start, 1e-9))
    return rates[1:]


def answers(engine: str, rows: int | None = None, seed: int | None = None, ops: dict | None = None) -> dict:
    """What ``engine`` answers to the first batch of every pattern, on a fresh copy of the orders.

    Parameters
    ----------
    engine : str
        A name from :data:`ENGINES`.
    rows : int, optional
        Orders loaded (default ``config.STORAGE_ROWS``).
    seed : int, optional
        Same seed, same data and operations (as in :func:`benchmark`).
    ops : dict, optional
        Operations per pattern (default ``config.STORAGE_OPS``).

    Returns
    -------
    dict
        Per read pattern, the list of results (rows as tuples in
        :data:`COLUMNS` order, sorted by order id); for the writes, what the
        engine holds afterwards: the written orders read back by id and the
        per-status aggregate. Every engine must give the same dict.

    Examples
    --------
    >>> answers("sqlite", 500, seed=1)["point_read"][0][0] > 0
    True
    """
    name = validate.choice("engine", engine, ENGINES)
    rows, seed, ops, _, _ = _settings(rows, seed, ops, 1, "os")
    work = make_workload(rows, seed, ops, 0)
    found = {}
    with tempfile.TemporaryDirectory(prefix="kit-storage-") as folder:
        db = fresh(name, folder, "os")
        try:
            db.load(work.data)
            for pattern in PATTERNS:
                batch = work.ops[pattern][0]
                found[pattern] = _run(db, pattern, batch)
            written = [r[0] for r in work.ops["write_burst"][0]] + [i for i, _ in work.ops["update"][0]]
            for pattern in WRITES:
                found[pattern] = {"read_back": [db.point(i) for i in written], "aggregate": db.aggregate()}
        finally:
            db.close()
    return found
