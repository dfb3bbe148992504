"""Request traces: load real ones, generate synthetic ones.

A :class:`Trace` is a sequence of requests for objects named by dense ids
``0..n_objects-1`` (whatever the original keys were: 64-bit integers,
strings), with a size in bytes per request when the source has sizes. Ids
are assigned once, on loading, by a hash table in a numba kernel, so every
later simulation indexes plain arrays.

Loaders (:func:`load_trace`):

- ``"txt"``: one key per line (libCacheSim's plain-text traces);
- ``"oracleGeneral"``: libCacheSim's binary format, little-endian packed
  24-byte records ``uint32 time; uint64 obj_id; uint32 obj_size; int64
  next_access_vtime``. Requests of size 0 are skipped, as libCacheSim's
  reader does by default (``ignore_size_zero_req``);
- ``"csv"``: ``key[,size]`` per line, with or without a header row.

Generators: :func:`zipf` (the independent reference model, IRM),
:func:`scan`, :func:`loop`, :func:`shifting_hot_set`, :func:`mix` (random
interleaving of traces) and :func:`with_sizes`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import validate
from ..core.rng import Dist, resolve_seed, sample_discrete, zipf_keys, zipf_pmf
from . import _kernels

FORMATS = ("txt", "oracleGeneral", "csv")
ORACLE_GENERAL = np.dtype([("time", "<u4"), ("obj_id", "<u8"), ("obj_size", "<u4"), ("next_access", "<i8")])
_HEADER_KEYS = {"key", "id", "obj_id", "object", "object_id", "obj"}


@dataclass(frozen=True, eq=False)
class Trace:
    """Requests for objects ``keys[i]`` (dense ids), of ``sizes[i]`` bytes when known.

    ``labels[id]`` is the original key of an id. ``popularity`` is the true
    request probability of each id when the trace was drawn from a model (IRM),
    else None. Derived arrays (``next_access``, ``counts``) are computed once,
    on first use.
    """

    keys: np.ndarray
    sizes: np.ndarray | None = None
    labels: np.ndarray | None = None
    name: str = "trace"
    popularity: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self):
        keys = np.ascontiguousarray(self.keys, dtype=np.int64)
        object.__setattr__(self, "keys", keys)
        if keys.size and keys.min() < 0:
            raise ValueError("keys must be dense ids >= 0; use from_keys() for arbitrary keys")
        if self.sizes is not None:
            sizes = np.ascontiguousarray(self.sizes, dtype=np.int64)
            if sizes.shape != keys.shape:
                raise ValueError(f"sizes must have one entry per request (got {sizes.size} for {keys.size})")
            if sizes.size and sizes.min() < 0:
                raise ValueError("sizes must be >= 0 bytes")
            object.__setattr__(self, "sizes", sizes)
        if self.labels is None:
            object.__setattr__(self, "labels", np.arange(int(keys.max()) + 1 if keys.size else 0))

    @classmethod
    def from_keys(cls, keys, sizes=None, name: str = "trace") -> Trace:
        """A trace from keys of any kind (integers of any range, strings), remapped to dense ids."""
        ids, labels = _dense(np.asarray(keys))
        return cls(ids, sizes, labels, name)

    def __len__(self) -> int:
        return int(self.keys.size)

    def __repr__(self) -> str:
        sized = "with sizes" if self.sizes is not None else "unit sizes"
        return f"Trace({self.name!r}: {len(self):,} requests, {self.n_objects:,} objects, {sized})"

    @property
    def n_objects(self) -> int:
        return int(self.labels.size)

    @property
    def has_sizes(self) -> bool:
        return self.sizes is not None

    @functools.cached_property
    def next_access(self) -> np.ndarray:
        """Index of the next request for the same object (int64 max if never): what Belady needs."""
        return _kernels.next_access(self.keys, self.n_objects)

    @functools.cached_property
    def counts(self) -> np.ndarray:
        """Requests per object id."""
        return _kernels.request_counts(self.keys, self.n_objects)

    def frequencies(self) -> np.ndarray:
        """Empirical request probability of each id (the model's, for a generated trace)."""
        if self.popularity is not None:
            return self.popularity
        return self.counts / max(len(self), 1)

    def object_sizes(self) -> np.ndarray:
        """Each object's size at its first request (1 without sizes)."""
        if self.sizes is None:
            return np.ones(self.n_objects, np.int64)
        first = np.full(self.n_objects, -1, np.int64)
        order = np.arange(len(self) - 1, -1, -1)
        first[self.keys[order]] = order  # the last write per id wins: the earliest request
        out = np.zeros(self.n_objects, np.int64)
        seen = first >= 0
        out[seen] = self.sizes[first[seen]]
        return out

    @property
    def footprint_bytes(self) -> int:
        """Bytes of all distinct objects (the working set): a cache this big misses only cold."""
        return int(self.object_sizes()[self.counts > 0].sum())

    def head(self, n: int) -> Trace:
        """The first ``n`` requests (ids keep their meaning)."""
        n = validate.integer("n", n, 0)
        sizes = None if self.sizes is None else self.sizes[:n]
        return Trace(self.keys[:n], sizes, self.labels, self.name, self.popularity)


def _dense(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense ids in order of first appearance, and the original key of each."""
    if keys.dtype == np.uint64:  # hash the bit pattern; labels keep the unsigned values
        ids, labels = _kernels.dense_ids(keys.view(np.int64))
        return ids, labels.view(np.uint64)
    if keys.dtype.kind in "iu":
        return _kernels.dense_ids(keys.astype(np.int64, copy=False))
    codes, uniques = pd.factorize(keys.astype(str) if keys.dtype.kind not in "OU" else keys, sort=False)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


# --- loading and saving -------------------------------------------------------------------------------


def _infer_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".zst"):
        raise ValueError(f"compressed traces are not supported: decompress {path.name} first (zstd -d)")
    if "oraclegeneral" in name or name.endswith(".bin"):
        return "oracleGeneral"
    if name.endswith(".csv"):
        return "csv"
    return "txt"


def load_trace(path, format: str | None = None, name: str | None = None) -> Trace:
    """Read a trace file into a :class:`Trace`.

    Parameters
    ----------
    path : str or Path
        The file.
    format : {"txt", "oracleGeneral", "csv"}, optional
        Inferred from the name when omitted: ``*.bin`` or a name containing
        "oracleGeneral" -> oracleGeneral, ``*.csv`` -> csv, anything else -> txt.
    name : str, optional
        Shown in figures (default: the file name).

    Returns
    -------
    Trace
        Sizes are present for oracleGeneral, and for csv files with a size column.

    Notes
    -----
    Formats are those of libCacheSim (Yang et al., github.com/1a1a11a/libCacheSim,
    ``traceReader/``). A csv header row is recognised when its size field is not
    a number, or its key is one of ``key, id, obj_id, object, object_id, obj``.

    Example
    -------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "t.txt")
    >>> _ = open(p, "w").write("a\\nb\\na\\n")
    >>> t = load_trace(p)
    >>> t.keys.tolist(), t.labels.tolist()
    ([0, 1, 0], ['a', 'b'])
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing trace file (got path={str(path)!r})")
    format = validate.choice("format", _infer_format(path) if format is None else format, FORMATS)
    name = path.name if name is None else name
    if format == "oracleGeneral":
        return _load_oracle_general(path, name)
    if format == "csv":
        return _load_csv(path, name)
    return _load_txt(path, name)


def _load_oracle_general(path: Path, name: str) -> Trace:
    size = path.stat().st_size
    if size % ORACLE_GENERAL.itemsize:
        raise ValueError(
            f"{path.name} is not an oracleGeneral trace: its size ({size} bytes) is not a multiple of "
            f"the 24-byte record"
        )
    records = np.fromfile(path, dtype=ORACLE_GENERAL)
    sizes = records["obj_size"]
    keep = sizes > 0
    ids = np.ascontiguousarray(records["obj_id"] if keep.all() else records["obj_id"][keep])
    sizes = sizes if keep.all() else sizes[keep]
    dense, labels = _dense(ids)
    return Trace(dense, sizes.astype(np.int64), labels, name)


def _read_column_keys(series: pd.Series) -> np.ndarray:
    if series.dtype.kind in "iu":
        return series.to_numpy()
    return series.astype(str).str.strip().to_numpy(dtype=object)


def _load_txt(path: Path, name: str) -> Trace:
    if path.stat().st_size == 0:
        return Trace(np.empty(0, np.int64), None, np.empty(0, np.int64), name)
    frame = pd.read_csv(path, header=None, names=["key"], usecols=[0], skip_blank_lines=True, dtype=None)
    return Trace.from_keys(_read_column_keys(frame["key"]), name=name)


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _load_csv(path: Path, name: str) -> Trace:
    with open(path) as f:
        first = f.readline().strip()
    if not first:
        return Trace(np.empty(0, np.int64), None, np.empty(0, np.int64), name)
    fields = [x.strip().strip('"') for x in first.split(",")]
    header = (len(fields) > 1 and not _is_int(fields[1])) or fields[0].lower() in _HEADER_KEYS
    frame = pd.read_csv(path, header=0 if header else None, skip_blank_lines=True)
    keys = _read_column_keys(frame.iloc[:, 0])
    sizes = None
    if frame.shape[1] > 1:
        column = pd.to_numeric(frame.iloc[:, 1], errors="coerce")
        if column.isna().any() or (column < 0).any() or (column % 1 != 0).any():
            bad = frame.iloc[:, 1][column.isna() | (column < 0) | (column % 1 != 0)].iloc[0]
            raise ValueError(f"size must be a whole number of bytes >= 0 in {path.name} (got size={bad!r})")
        sizes = column.to_numpy(np.int64)
        keep = sizes > 0  # as libCacheSim: requests of size 0 are skipped
        keys, sizes = keys[keep], sizes[keep]
    return Trace.from_keys(keys, sizes, name)


def save_trace(trace: Trace, path, format: str = "oracleGeneral") -> Path:
    """Write ``trace`` as an oracleGeneral binary (ids, sizes, next access) or a txt file of ids.

    Request i is stamped with time i (seconds). Objects without sizes are
    written with size 1. Keys written are the dense ids.
    """
    path = Path(path)
    format = validate.choice("format", format, ("oracleGeneral", "txt"))
    if format == "txt":
        np.savetxt(path, trace.keys, fmt="%d")
        return path
    records = np.empty(len(trace), dtype=ORACLE_GENERAL)
    records["time"] = np.arange(len(trace), dtype=np.uint32)
    records["obj_id"] = trace.keys
    records["obj_size"] = 1 if trace.sizes is None else trace.sizes
    nxt = trace.next_access
    records["next_access"] = np.where(nxt == _kernels.NEVER, -1, nxt)
    records.tofile(path)
    return path


# --- generators -----------------------------------------------------------------------------------------

_MAX_REQUESTS = 200_000_000  # beyond this, memory rather than insight grows


def _requests(n_requests) -> int:
    return validate.integer("n_requests", n_requests, 0, _MAX_REQUESTS)


def zipf(n_objects: int, alpha: float, n_requests: int, seed: int | None = None) -> Trace:
    """The independent reference model: each request picks object i with P ∝ 1/(i+1)^alpha.

    Object 0 is the most popular; ``trace.popularity`` holds the exact
    probabilities, which the Che approximation takes. Example:
    ``zipf(10_000, 0.8, 1_000_000, seed=1)``.
    """
    n_objects = validate.integer("n_objects", n_objects, 1, 100_000_000)
    keys = zipf_keys(n_objects, alpha, _requests(n_requests), seed=seed)
    name = f"Zipf({alpha:g}), N={n_objects:,}"
    return Trace(keys, None, np.arange(n_objects), name, zipf_pmf(n_objects, alpha))


def scan(n_objects: int) -> Trace:
    """One pass over ``n_objects`` objects, each requested once: a backup, a table scan."""
    n_objects = validate.integer("n_objects", n_objects, 1, _MAX_REQUESTS)
    return Trace(np.arange(n_objects), name=f"scan of {n_objects:,}")


def loop(n_objects: int, n_requests: int) -> Trace:
    """Objects ``0..n_objects-1`` requested in a cycle: LRU's worst case when the loop is a bit too big."""
    n_objects = validate.integer("n_objects", n_objects, 1, _MAX_REQUESTS)
    keys = np.arange(_requests(n_requests), dtype=np.int64) % n_objects
    return Trace(keys, None, np.arange(n_objects), f"loop over {n_objects:,}")


def shifting_hot_set(
    n_objects: int,
    hot: int,
    n_requests: int,
    period: int,
    hot_fraction: float = 0.9,
    seed: int | None = None,
) -> Trace:
    """A hot set of ``hot`` objects gets ``hot_fraction`` of the requests, and moves every ``period``.

    The rest of the requests are uniform over all objects. Each period's hot
    set is the next block of ``hot`` ids (wrapping around), so yesterday's
    hot objects turn cold: a test of how fast a policy forgets.
    """
    n_objects = validate.integer("n_objects", n_objects, 1, 100_000_000)
    hot = validate.integer("hot", hot, 1, n_objects)
    n_requests = _requests(n_requests)
    period = validate.integer("period", period, 1)
    hot_fraction = validate.probability("hot_fraction", hot_fraction)
    rng = np.random.default_rng(resolve_seed(seed))
    i = np.arange(n_requests)
    in_hot = rng.random(n_requests) < hot_fraction
    start = (i // period) * hot
    hot_keys = (start + rng.integers(0, hot, n_requests)) % n_objects
    keys = np.where(in_hot, hot_keys, rng.integers(0, n_objects, n_requests))
    return Trace(keys, None, np.arange(n_objects), f"hot set of {hot:,} moving every {period:,}")


def mix(*traces: Trace, seed: int | None = None) -> Trace:
    """Interleave traces at random, each keeping its order, each at a rate proportional to its length.

    Key spaces are kept apart (the second trace's ids follow the first's), so
    ``mix(zipf(...), scan(...))`` is Zipf traffic with a scan of new objects
    running through it. Sizes survive when every trace has them.
    """
    if not traces or not all(isinstance(t, Trace) for t in traces):
        raise ValueError("mix needs one or more Trace objects")
    rng = np.random.default_rng(resolve_seed(seed))
    total = sum(len(t) for t in traces)
    source = np.repeat(np.arange(len(traces)), [len(t) for t in traces])
    rng.shuffle(source)  # a uniformly random interleaving that keeps each trace's order
    offsets = np.cumsum([0] + [t.n_objects for t in traces])
    keys = np.empty(total, np.int64)
    sizes = np.empty(total, np.int64) if all(t.has_sizes for t in traces) else None
    for j, t in enumerate(traces):
        where = source == j
        keys[where] = t.keys + offsets[j]
        if sizes is not None:
            sizes[where] = t.sizes
    labels = np.arange(offsets[-1])
    return Trace(keys, sizes, labels, " + ".join(t.name for t in traces))


def with_sizes(trace: Trace, size: Dist, seed: int | None = None) -> Trace:
    """The same requests with a size per object (bytes, drawn once per object from ``size``)."""
    if not isinstance(size, Dist):
        raise ValueError(
            f"size must be a kit distribution such as LogNormal.from_median(4096, 1) (got {size!r})"
        )
    per_object = np.maximum(1, np.round(size.sample(max(trace.n_objects, 1), seed=seed))).astype(np.int64)
    return Trace(trace.keys, per_object[trace.keys], trace.labels, trace.name, trace.popularity)


def sample_requests(popularity: np.ndarray, n_requests: int, seed: int | None = None) -> Trace:
    """An IRM trace from any popularity vector (normalised here)."""
    p = np.asarray(popularity, dtype=float)
    if p.ndim != 1 or p.size == 0 or not np.all(np.isfinite(p)) or p.min() < 0 or p.sum() <= 0:
        raise ValueError("popularity must be a non-empty vector of non-negative numbers")
    keys = sample_discrete(np.cumsum(p), _requests(n_requests), resolve_seed(seed))
    return Trace(keys, None, np.arange(p.size), "IRM", p / p.sum())


WORKLOADS = ("zipf", "zipf + scans", "loop", "shifting hot set")


def workload(
    name: str, n_objects: int, n_requests: int, alpha: float = 0.8, seed: int | None = None
) -> Trace:
    """One of the lab's synthetic workloads by name (see :data:`WORKLOADS`).

    - ``"zipf"``: the IRM, Zipf(alpha) over ``n_objects``;
    - ``"zipf + scans"``: 70% of the requests Zipf, 30% a scan of new
      objects (each requested once) running through them;
    - ``"loop"``: a cyclic pass over ``n_objects``;
    - ``"shifting hot set"``: 90% of requests to a hot 5% of the objects,
      moving four times over the trace.
    """
    name = validate.choice("name", name, WORKLOADS)
    n_objects = validate.integer("n_objects", n_objects, 20, 100_000_000)
    n_requests = _requests(n_requests)
    if name == "zipf":
        return zipf(n_objects, alpha, n_requests, seed=seed)
    if name == "zipf + scans":
        scanned = max(1, int(0.3 * n_requests))
        return mix(zipf(n_objects, alpha, n_requests - scanned, seed=seed), scan(scanned), seed=seed)
    if name == "loop":
        return loop(n_objects, n_requests)
    return shifting_hot_set(n_objects, n_objects // 20, n_requests, max(1, n_requests // 4), 0.9, seed=seed)
