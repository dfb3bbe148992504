"""One stable 64-bit hash for every key: XXH64 with seed 0.

XXH64 (Y. Collet, *xxHash fast digest algorithm*, specification v0.1.1,
``doc/xxhash_spec.md``) is fast, well mixed and frozen: the same key hashes
to the same 64 bits on every machine, in every process, in every language
that implements it. Keys are hashed as bytes:

- a string: XXH64 of its UTF-8 bytes;
- bytes: XXH64 of those bytes;
- an integer: XXH64 of its 8 little-endian two's-complement bytes, whatever
  its numpy width (``int32(5)`` and ``uint64(5)`` hash alike; -1 is the
  eight bytes ``ff``).

So ``hash64(["abc"])`` equals the ``xxhsum -H64`` of the file ``abc``, and
``hash64([-154477])`` equals ClickHouse's ``xxHash64(toInt64(-154477))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config
from ..core import validate
from . import _kernels as kk

SEED = np.uint64(0)  # fixed, not a setting: changing it would move every key
SIGN_BIT = np.uint64(1 << 63)


@dataclass(frozen=True)
class EncodedKeys:
    """Keys as kernels take them: raw 64-bit integers, or UTF-8 bytes with offsets.

    Attributes
    ----------
    source : numpy.ndarray
        The keys as a numpy array (strings are ordered from it).
    ints : numpy.ndarray of uint64 or None
        The 64-bit two's-complement patterns of integer keys.
    buf : numpy.ndarray of uint8 or None
        The concatenated bytes of string or bytes keys.
    offsets : numpy.ndarray of int64 or None
        Key i is ``buf[offsets[i]:offsets[i + 1]]``.
    """

    source: np.ndarray
    ints: np.ndarray | None
    buf: np.ndarray | None
    offsets: np.ndarray | None

    @property
    def size(self) -> int:
        """Number of keys."""
        return self.source.size


def encode(keys, name: str = "keys") -> EncodedKeys:
    """Check ``keys`` and encode them for the kernels.

    Parameters
    ----------
    keys : sequence of int, str or bytes, or EncodedKeys
        One-dimensional, not empty, all integers (any numpy integer type),
        all strings or all bytes; at most ``config.SHARDING_MAX_KEYS`` of them.
    name : str
        The parameter name used in error messages.

    Returns
    -------
    EncodedKeys
        ``keys`` itself if already encoded.

    Raises
    ------
    ValueError
        Naming ``name``, for anything else (a lone string, an empty or nested
        sequence, floats, a mixture of types, too many keys).
    """
    if isinstance(keys, EncodedKeys):
        return keys
    if isinstance(keys, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of keys, not one string (got {name}={keys!r})")
    if hasattr(keys, "__len__") and len(keys) > config.SHARDING_MAX_KEYS:  # before numpy allocates them
        raise ValueError(
            f"{name} must hold at most config.SHARDING_MAX_KEYS = {config.SHARDING_MAX_KEYS:,} keys "
            f"(got {len(keys):,})"
        )
    try:
        a = keys if isinstance(keys, np.ndarray) else np.asarray(keys)
    except (TypeError, ValueError):  # ragged nesting and the like
        raise ValueError(f"{name} must be a flat sequence of integers, strings or bytes") from None
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty one-dimensional sequence (got shape {a.shape})")
    if a.dtype.kind in "iu":
        bits = a.astype(np.int64).view(np.uint64) if a.dtype.kind == "i" else a.astype(np.uint64)
        return EncodedKeys(a, bits, None, None)
    if a.dtype.kind in "US":
        values = a.tolist() if isinstance(keys, np.ndarray) else list(keys)
        kind = str if a.dtype.kind == "U" else bytes
        if not all(isinstance(v, kind) for v in values):
            raise ValueError(f"{name} must be all integers, all strings or all bytes, not a mixture")
        raw = [v.encode("utf-8") for v in values] if kind is str else values
        lengths = np.fromiter(map(len, raw), np.int64, count=len(raw))
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        buf = np.frombuffer(b"".join(raw), np.uint8) if offsets[-1] else np.zeros(0, np.uint8)
        return EncodedKeys(a, None, buf, offsets)
    raise ValueError(
        f"{name} must be integers (any numpy integer type), strings or bytes (got dtype {a.dtype})"
    )


def hash64(keys) -> np.ndarray:
    """XXH64 (seed 0) of every key: the position of each key on the hash space.

    Parameters
    ----------
    keys : sequence of int, str or bytes
        Strings hash as their UTF-8 bytes, integers as their 8 little-endian
        two's-complement bytes (see the module docstring).

    Returns
    -------
    numpy.ndarray of uint64
        One hash per key, in 0 .. 2^64 - 1.

    References
    ----------
    Y. Collet, *xxHash fast digest algorithm*, specification v0.1.1 (XXH64).

    Examples
    --------
    >>> hex(int(hash64(["abc"])[0]))
    '0x44bc2cf5ad770999'
    """
    k = encode(keys)
    with np.errstate(over="ignore"):  # pure-Python fallback: uint64 wrap-around is intended
        if k.ints is not None:
            return kk.hash_ints(k.ints, SEED)
        return kk.hash_bytes(k.buf, k.offsets, SEED)


def xxh64(data: bytes | str, seed: int = 0) -> int:
    """XXH64 of one byte string with a 64-bit seed.

    Parameters
    ----------
    data : bytes or str
        The bytes to hash; a str is hashed as its UTF-8 bytes.
    seed : int
        0 .. 2^64 - 1.

    Returns
    -------
    int
        The 64-bit digest, 0 .. 2^64 - 1.

    References
    ----------
    Y. Collet, *xxHash fast digest algorithm*, specification v0.1.1 (XXH64).

    Examples
    --------
    >>> hex(xxh64(b""))
    '0xef46db3751d8e999'
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"data must be bytes or a string (got data={data!r})")
    seed = validate.integer("seed", seed, 0, 2**64 - 1)
    buf = np.frombuffer(bytes(data), np.uint8) if data else np.zeros(0, np.uint8)
    with np.errstate(over="ignore"):
        return int(kk.xxh64_bytes(buf, 0, len(data), np.uint64(seed)))


def order_keys(keys) -> np.ndarray:
    """uint64 values that sort like the keys themselves (for range partitioning).

    Parameters
    ----------
    keys : sequence of int, str or bytes
        As for :func:`hash64`.

    Returns
    -------
    numpy.ndarray of uint64
        Signed integers shifted by 2^63 so that negatives sort first;
        unsigned integers as they are; strings and bytes replaced by their
        rank among the distinct keys in lexicographic order (Unicode code
        point, i.e. UTF-8 byte, order).

    Examples
    --------
    >>> order_keys([-1, 0, 1]).argsort().tolist()
    [0, 1, 2]
    """
    k = encode(keys)
    if k.ints is not None:
        return k.ints ^ SIGN_BIT if k.source.dtype.kind == "i" else k.ints
    return np.unique(k.source, return_inverse=True)[1].astype(np.uint64)
