"""The lab's one dataset: the orders of a shop, with skewed customers.

Every engine, data model and exercise of the lab reads the same table, so a
difference in speed or size comes from the store, not from the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import derive_seed, resolve_seed, zipf_keys

STATUSES = ("placed", "paid", "shipped", "delivered", "cancelled")
"""An order's states, in the order they happen (``cancelled`` can follow any)."""
COLUMNS = ("order_id", "customer_id", "created_s", "status", "amount_cents", "items")
"""The columns of :func:`orders`, in storage order."""
EPOCH_S = 1_704_067_200  # 2024-01-01T00:00:00Z: the first order's time
MEAN_GAP_S = 30.0  # one order every 30 s on average
STATUS_P = (0.05, 0.1, 0.15, 0.65, 0.05)  # most orders of a year are delivered
AMOUNT_MEDIAN_CENTS = 4_000  # a 40.00 basket, log-normal (sigma 0.8)


def _check_rows(rows) -> int:
    return validate.integer("rows", rows, 1, config.STORAGE_MAX_ROWS)


def orders(rows: int | None = None, customers: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """A shop's orders: ids in time order, customers drawn from a Zipf law.

    Parameters
    ----------
    rows : int, optional
        Orders (default ``config.STORAGE_ROWS``; at most ``config.STORAGE_MAX_ROWS``).
    customers : int, optional
        Distinct possible customers (default ``config.STORAGE_CUSTOMERS_PER_ORDER`` x rows).
        Customer ranks follow Zipf(``config.STORAGE_CUSTOMER_ALPHA``), shuffled
        so that the busiest customer's id is not 0.
    seed : int, optional
        Same seed, same orders.

    Returns
    -------
    DataFrame
        ``order_id`` (1..rows), ``customer_id``, ``created_s`` (Unix seconds,
        increasing with the id), ``status`` (one of :data:`STATUSES`),
        ``amount_cents`` and ``items`` (1..5).

    Examples
    --------
    >>> df = orders(1_000, seed=1)
    >>> len(df), bool(df.customer_id.value_counts().iloc[0] > 10)
    (1000, True)
    """
    rows = _check_rows(config.STORAGE_ROWS if rows is None else rows)
    default = max(1, round(rows * config.STORAGE_CUSTOMERS_PER_ORDER))
    customers = validate.integer("customers", default if customers is None else customers, 1, rows)
    seed = resolve_seed(seed)
    rng = np.random.default_rng(derive_seed(seed, 1))
    rank = zipf_keys(customers, config.STORAGE_CUSTOMER_ALPHA, rows, seed=derive_seed(seed, 2))
    ids = rng.permutation(customers).astype(np.int64) + 1
    gaps = rng.exponential(MEAN_GAP_S, rows)
    amount = np.round(AMOUNT_MEDIAN_CENTS * np.exp(0.8 * rng.standard_normal(rows))).astype(np.int64)
    return pd.DataFrame(
        {
            "order_id": np.arange(1, rows + 1, dtype=np.int64),
            "customer_id": ids[rank],
            "created_s": EPOCH_S + np.cumsum(gaps).astype(np.int64),
            "status": np.asarray(STATUSES, dtype=object)[rng.choice(len(STATUSES), rows, p=STATUS_P)],
            "amount_cents": np.maximum(amount, 1),
            "items": rng.integers(1, 6, rows).astype(np.int64),
        }
    )
