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
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import validate
from ..core.rng import Dist, resolve_seed, sample_discrete, zipf_keys, zipf_pmf
from . import _kernels as kk
from ._checks import budget

FORMATS = ("txt", "oracleGeneral", "csv")
ORACLE_GENERAL = np.dtype([("time", "<u4"), ("obj_id", "<u8"), ("obj_size", "<u4"), ("next_access", "<i8")])
_HEADER_KEYS = {"key", "id", "obj_id", "object", "object_id", "obj"}


MAX_OBJECT_SIZE = 2**32 - 1  # bytes: libCacheSim's oracleGeneral size field is a uint32


def _integers(name: str, values, hint: str) -> np.ndarray:
    """``values`` as a one-dimensional int64 array, refusing floats, booleans and overflows."""
    a = np.asarray(values)
    if a.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional sequence (got an array of shape {a.shape})")
    if a.size and a.dtype.kind not in "iu":
        odd = a[(a != np.round(a)) | ~np.isfinite(a)] if a.dtype.kind == "f" else a
        example = (odd if odd.size else a)[0]
        example = example.item() if isinstance(example, np.generic) else example
        raise ValueError(f"{name} must be whole numbers{hint} (got {a.dtype} values such as {example!r})")
    if a.dtype == np.uint64 and a.size and a.max() > np.iinfo(np.int64).max:
        raise ValueError(f"{name} must be below 2**63{hint} (got {a.max()})")
    return np.ascontiguousarray(a, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class Trace:
    """A sequence of requests for objects ``keys[i]`` (dense ids), of ``sizes[i]`` bytes when known.

    Parameters
    ----------
    keys : array of int
        The object of each request, a dense id ``0 <= id < n_objects``; at most
        ``config.CACHING_MAX_TRACE_REQUESTS`` requests. Use :meth:`from_keys` for
        keys of any other kind (strings, 64-bit hashes).
    sizes : array of int, optional
        Bytes per request (0 to ``2**32 - 1``, libCacheSim's size field), or
        None: every request counts 1.
    labels : array, optional
        The original key of each id (default ``0..max(keys)``); at most
        ``config.CACHING_MAX_OBJECTS`` objects.
    name : str
        Shown in figures.
    popularity : array of float, optional
        The true request probability of each id when the trace was drawn from a
        model (the IRM), else None.

    Notes
    -----
    Derived arrays (:attr:`next_access`, :attr:`counts`) are computed once, on
    first use. Formats and semantics are libCacheSim's (Yang et al.,
    github.com/1a1a11a/libCacheSim).
    """

    keys: np.ndarray
    sizes: np.ndarray | None = None
    labels: np.ndarray | None = None
    name: str = "trace"
    popularity: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self):
        hint = "; use Trace.from_keys(keys) for keys of another kind"
        keys = _integers("keys", self.keys, hint)
        budget("keys", keys.size, "CACHING_MAX_TRACE_REQUESTS", "requests in one trace")
        if keys.size and keys.min() < 0:
            raise ValueError(f"keys must be dense ids >= 0 (got {keys.min()}){hint}")
        if not isinstance(self.name, str):
            raise ValueError(f"name must be a str (got name={self.name!r})")
        object.__setattr__(self, "keys", keys)
        if self.sizes is not None:
            sizes = _integers("sizes", self.sizes, " of bytes")
            if sizes.shape != keys.shape:
                raise ValueError(f"sizes must have one entry per request (got {sizes.size} for {keys.size})")
            if sizes.size and (sizes.min() < 0 or sizes.max() > MAX_OBJECT_SIZE):
                bad = sizes.min() if sizes.min() < 0 else sizes.max()
                raise ValueError(f"sizes must be between 0 and {MAX_OBJECT_SIZE} bytes (got {bad})")
            object.__setattr__(self, "sizes", sizes)
        if self.labels is None:
            n = int(keys.max()) + 1 if keys.size else 0
            budget("keys", n, "CACHING_MAX_OBJECTS", f"objects (ids 0..{n - 1})", hint)
            object.__setattr__(self, "labels", np.arange(n))
        else:
            labels = np.asarray(self.labels)
            if labels.ndim != 1 or (keys.size and labels.size <= keys.max()):
                raise ValueError(f"labels must name every id: one per id 0..{int(keys.max())} at least")
            budget("labels", labels.size, "CACHING_MAX_OBJECTS", "objects")
            object.__setattr__(self, "labels", labels)
        if self.popularity is not None:
            p = np.asarray(self.popularity, dtype=float) if _numeric(self.popularity) else np.empty(())
            if p.shape != self.labels.shape or not np.all(np.isfinite(p)) or (p.size and p.min() < 0):
                raise ValueError("popularity must give each object a probability >= 0 (one per id)")
            object.__setattr__(self, "popularity", p)

    @classmethod
    def from_keys(cls, keys, sizes=None, name: str = "trace") -> Trace:
        """A trace from keys of any kind (integers of any range, strings), remapped to dense ids.

        Parameters
        ----------
        keys : sequence
            One key per request: integers, strings or any hashable values.
        sizes : sequence of int, optional
            Bytes per request.
        name : str
            Shown in figures.

        Returns
        -------
        Trace
            Ids in order of first appearance; ``labels[id]`` is the original key.
        """
        keys = np.asarray(keys)
        if keys.ndim != 1:
            raise ValueError(f"keys must be a one-dimensional sequence (got an array of shape {keys.shape})")
        budget("keys", keys.size, "CACHING_MAX_TRACE_REQUESTS", "requests in one trace")
        ids, labels = _dense(keys)
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
        return kk.next_access(self.keys, self.n_objects)

    @functools.cached_property
    def counts(self) -> np.ndarray:
        """Requests per object id."""
        return kk.request_counts(self.keys, self.n_objects)

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
        ids, labels = kk.dense_ids(keys.view(np.int64))
        return ids, labels.view(np.uint64)
    if keys.dtype.kind in "iu":
        return kk.dense_ids(keys.astype(np.int64, copy=False))
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

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "t.txt")
    >>> _ = open(p, "w").write("a\\nb\\na\\n")
    >>> t = load_trace(p)
    >>> t.keys.tolist(), t.labels.tolist()
    ([0, 1, 0], ['a', 'b'])
    """
    path = _path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing trace file (got path={str(path)!r})")
    format = validate.choice("format", _infer_format(path) if format is None else format, FORMATS)
    name = path.name if name is None else name
    if format == "oracleGeneral":
        return _load_oracle_general(path, name)
    budget("path", path.stat().st_size, "CACHING_MAX_TRACE_FILE_BYTES", f"bytes of {format} text")
    try:
        return _load_csv(path, name) if format == "csv" else _load_txt(path, name)
    except UnicodeDecodeError as e:
        byte = e.object[e.start : e.start + 1]
        raise ValueError(
            f"path must be a UTF-8 text trace: {path.name} has bytes that are not UTF-8, such as {byte!r} "
            f"(a binary trace? then format='oracleGeneral')"
        ) from None
    except pd.errors.ParserError as e:
        raise ValueError(f"path must be a {format} trace, one request per line: {path.name}: {e}") from None


def _path(path) -> Path:
    if not isinstance(path, str | PathLike):
        raise ValueError(f"path must be a file name (str or Path) (got path={path!r})")
    return Path(path)


def _load_oracle_general(path: Path, name: str) -> Trace:
    size = path.stat().st_size
    if size % ORACLE_GENERAL.itemsize:
        raise ValueError(
            f"{path.name} is not an oracleGeneral trace: its size ({size} bytes) is not a multiple of "
            f"the 24-byte record"
        )
    budget("path", size // ORACLE_GENERAL.itemsize, "CACHING_MAX_TRACE_REQUESTS", "requests in one trace")
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
    frame = pd.read_csv(
        path, header=None, names=["key"], usecols=[0], skip_blank_lines=True, dtype=None, encoding="utf-8"
    )
    return Trace.from_keys(_read_column_keys(frame["key"]), name=name)


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _load_csv(path: Path, name: str) -> Trace:
    with open(path, encoding="utf-8") as f:
        first = f.readline().strip()
    if not first:
        return Trace(np.empty(0, np.int64), None, np.empty(0, np.int64), name)
    fields = [x.strip().strip('"') for x in first.split(",")]
    header = (len(fields) > 1 and not _is_int(fields[1])) or fields[0].lower() in _HEADER_KEYS
    frame = pd.read_csv(path, header=0 if header else None, skip_blank_lines=True, encoding="utf-8")
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


def check_trace(trace) -> Trace:
    """``trace`` itself if it is a :class:`Trace`, else a ValueError saying how to make one."""
    if not isinstance(trace, Trace):
        raise ValueError(
            f"trace must be a kit.caching Trace, e.g. from load_trace() or zipf() (got {trace!r})"
        )
    return trace


def save_trace(trace: Trace, path, format: str = "oracleGeneral") -> Path:
    """Write a trace as libCacheSim's oracleGeneral binary or as a text file of ids.

    Parameters
    ----------
    trace : Trace
        What to write; keys written are the dense ids.
    path : str or Path
        The file to (over)write.
    format : {"oracleGeneral", "txt"}
        oracleGeneral: 24-byte records (time, id, size in bytes, next access);
        request i is stamped with time i (seconds) and objects without sizes
        get size 1. txt: one id per line.

    Returns
    -------
    Path
        ``path``.
    """
    trace = check_trace(trace)
    path = _path(path)
    format = validate.choice("format", format, ("oracleGeneral", "txt"))
    try:
        if format == "txt":
            np.savetxt(path, trace.keys, fmt="%d")
            return path
        records = np.empty(len(trace), dtype=ORACLE_GENERAL)
        records["time"] = np.arange(len(trace), dtype=np.uint32)
        records["obj_id"] = trace.keys
        records["obj_size"] = 1 if trace.sizes is None else trace.sizes
        nxt = trace.next_access
        records["next_access"] = np.where(nxt == kk.NEVER, -1, nxt)
        records.tofile(path)
    except OSError as e:
        raise ValueError(f"path must be a file that can be written (got path={str(path)!r}: {e})") from None
    return path


# --- generators -----------------------------------------------------------------------------------------


def _requests(n_requests) -> int:
    n_requests = validate.integer("n_requests", n_requests, 0)
    budget("n_requests", n_requests, "CACHING_MAX_TRACE_REQUESTS", "requests in one trace")
    return n_requests


def _objects(n_objects) -> int:
    n_objects = validate.integer("n_objects", n_objects, 1)
    budget("n_objects", n_objects, "CACHING_MAX_OBJECTS", "objects")
    return n_objects


def zipf(n_objects: int, alpha: float, n_requests: int, seed: int | None = None) -> Trace:
    """The independent reference model (IRM): each request picks object i with P ∝ 1/(i+1)^alpha.

    Parameters
    ----------
    n_objects : int
        Objects, ids ``0..n_objects-1``; object 0 is the most popular.
    alpha : float
        The Zipf skew (0 is uniform; web and CDN traces show 0.6 to 1.2).
    n_requests : int
        Requests, drawn independently.
    seed : int, optional
        Same seed, same trace (default ``config.SEED``).

    Returns
    -------
    Trace
        Without sizes; ``popularity`` holds the exact probabilities, which the
        Che approximation takes.

    References
    ----------
    Breslau, Cao, Fan, Phillips & Shenker, "Web caching and Zipf-like
    distributions: evidence and implications", INFOCOM 1999.

    Examples
    --------
    >>> t = zipf(10_000, 0.8, 100_000, seed=1)
    >>> len(t), t.n_objects
    (100000, 10000)
    """
    n_objects = _objects(n_objects)
    keys = zipf_keys(n_objects, alpha, _requests(n_requests), seed=seed)
    name = f"Zipf({alpha:g}), N={n_objects:,}"
    return Trace(keys, None, np.arange(n_objects), name, zipf_pmf(n_objects, alpha))


def scan(n_objects: int) -> Trace:
    """One pass over ``n_objects`` objects, each requested once: a backup, a table scan.

    Parameters
    ----------
    n_objects : int
        Objects (and requests).

    Returns
    -------
    Trace
        Requests for ids ``0, 1, ..., n_objects-1``.
    """
    n_objects = _requests(_objects(n_objects))
    return Trace(np.arange(n_objects), name=f"scan of {n_objects:,}")


def loop(n_objects: int, n_requests: int) -> Trace:
    """Objects requested in a cycle: LRU's worst case when the loop is a bit larger than the cache.

    Parameters
    ----------
    n_objects : int
        Length of the cycle.
    n_requests : int
        Requests: ids ``0..n_objects-1, 0..n_objects-1, ...``.

    Returns
    -------
    Trace
    """
    n_objects = _objects(n_objects)
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

    Parameters
    ----------
    n_objects : int
        Objects.
    hot : int
        Objects in the hot set (1 to ``n_objects``).
    n_requests : int
        Requests.
    period : int
        Requests between moves of the hot set.
    hot_fraction : float
        Share of requests that go to the hot set (0 to 1).
    seed : int, optional
        Same seed, same trace.

    Returns
    -------
    Trace
    """
    n_objects = _objects(n_objects)
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
    running through it.

    Parameters
    ----------
    *traces : Trace
        One or more traces.
    seed : int, optional
        Same seed, same interleaving.

    Returns
    -------
    Trace
        Sizes survive when every trace has them.
    """
    if not traces or not all(isinstance(t, Trace) for t in traces):
        raise ValueError(f"traces must be one or more Trace objects: mix needs them (got {traces!r:.200})")
    total = sum(len(t) for t in traces)
    budget("traces", total, "CACHING_MAX_TRACE_REQUESTS", "requests in one trace")
    budget("traces", sum(t.n_objects for t in traces), "CACHING_MAX_OBJECTS", "objects")
    rng = np.random.default_rng(resolve_seed(seed))
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
    """The same requests with a size per object, drawn once per object.

    Parameters
    ----------
    trace : Trace
    size : Dist
        A kit distribution of object sizes in bytes, e.g.
        ``LogNormal.from_median(4096, 1)``; draws are rounded, at least 1.
    seed : int, optional
        Same seed, same sizes.

    Returns
    -------
    Trace
        ``trace`` with ``sizes``.
    """
    trace = check_trace(trace)
    if not isinstance(size, Dist):
        raise ValueError(
            f"size must be a kit distribution such as LogNormal.from_median(4096, 1) (got {size!r})"
        )
    drawn = np.round(size.sample(max(trace.n_objects, 1), seed=seed))
    if not np.all(drawn <= MAX_OBJECT_SIZE):  # also catches NaN
        largest = np.nanmax(drawn)
        raise ValueError(
            f"size must draw sizes up to {MAX_OBJECT_SIZE} bytes (got {largest:g} from {size!r})"
        )
    per_object = np.maximum(1, drawn).astype(np.int64)
    return Trace(trace.keys, per_object[trace.keys], trace.labels, trace.name, trace.popularity)


def sample_requests(popularity, n_requests: int, seed: int | None = None) -> Trace:
    """An IRM trace from any popularity vector.

    Parameters
    ----------
    popularity : array of float
        Relative request rate of each object (normalised here), >= 0.
    n_requests : int
        Requests, drawn independently.
    seed : int, optional
        Same seed, same trace.

    Returns
    -------
    Trace
        ``popularity`` holds the normalised probabilities.
    """
    p = np.asarray(popularity, dtype=float) if _numeric(popularity) else np.empty(0)
    if p.ndim != 1 or p.size == 0 or not np.all(np.isfinite(p)) or p.min() < 0 or p.sum() <= 0:
        raise ValueError("popularity must be a non-empty vector of non-negative numbers")
    budget("popularity", p.size, "CACHING_MAX_OBJECTS", "objects")
    keys = sample_discrete(np.cumsum(p), _requests(n_requests), resolve_seed(seed))
    return Trace(keys, None, np.arange(p.size), "IRM", p / p.sum())


def _numeric(values) -> bool:
    try:
        np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


WORKLOADS = ("zipf", "zipf + scans", "loop", "shifting hot set")


def workload(
    name: str, n_objects: int, n_requests: int, alpha: float = 0.8, seed: int | None = None
) -> Trace:
    """One of the lab's synthetic workloads by name (see :data:`WORKLOADS`).

    Parameters
    ----------
    name : {"zipf", "zipf + scans", "loop", "shifting hot set"}
        ``"zipf"``: the IRM, Zipf(alpha) over ``n_objects``; ``"zipf +
        scans"``: 70% of the requests Zipf, 30% a scan of new objects (each
        requested once) running through them; ``"loop"``: a cyclic pass over
        ``n_objects``; ``"shifting hot set"``: 90% of requests to a hot 5% of
        the objects, moving four times over the trace.
    n_objects : int
        Objects (at least 20).
    n_requests : int
        Requests.
    alpha : float
        Zipf skew of the Zipf workloads.
    seed : int, optional

    Returns
    -------
    Trace
    """
    name = validate.choice("name", name, WORKLOADS)
    n_objects = validate.integer("n_objects", n_objects, 20)
    n_requests = _requests(n_requests)
    if name == "zipf":
        return zipf(n_objects, alpha, n_requests, seed=seed)
    if name == "zipf + scans":
        scanned = max(1, int(0.3 * n_requests))
        return mix(zipf(n_objects, alpha, n_requests - scanned, seed=seed), scan(scanned), seed=seed)
    if name == "loop":
        return loop(n_objects, n_requests)
    return shifting_hot_set(n_objects, n_objects // 20, n_requests, max(1, n_requests // 4), 0.9, seed=seed)
