"""XXH64 and the key encoding: published vectors and the specification."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import sharding
from tests import naive

# --- the hash ----------------------------------------------------------------------------------

# XXH64 vectors: xxhsum -H64 outputs collected in public test suites (e.g. ClickHouse
# tests/queries/0_stateless/00803_xxhash.sql), covering every path of the algorithm:
# empty, single bytes, 4-byte and 8-byte tails, one and two 32-byte stripes, seeds.
XXH64_VECTORS = [
    (b"", 0, 0xEF46DB3751D8E999),
    (b"a", 0, 0xD24EC4F1A98C6E5B),
    (b"abc", 0, 0x44BC2CF5AD770999),
    (b"ABC", 0, 0xE66AE7354FCFEE98),
    (b"xxhash", 0, 0x32DD38952C4BC720),
    (b"foo", 0, 3728699739546630719),
    (b"bar", 0, 5234164152756840025),
    (b"abcdefghijkl", 0, 0x4B09B7D3A233D4B3),
    (b"abcdefghijklmnop", 0, 0x71CE8137CA2DD53D),
    (b"abcdefghijklmnopqrstuvwx", 0, 0x0BEC95E34669983B),
    (b"abcdefghijklmnopqrstuvwxyz12345", 0, 0x467605901B01D6F6),
    (b"abcdefghijklmnopqrstuvwxyz123456", 0, 0x0022EE3B5A18531B),
    (b"abcdefghijklmnopqrstuvwxyz1234567", 0, 0x23BBD16D29353C5F),
    (b"The quick brown fox jumps over the lazy dog", 0, 0x0B242D361FDA71BC),
    (b"abcdefghijklmnopqrstuvwxyz1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ!@", 0, 0x71238680860515A7),
    ("测试".encode(), 0, 0x403D66837E9BC61F),
    (b"", 668718853, 0x04E830582A31A119),
    (b"", 1, 0xD5AFBA1336A3BE4B),
    (b"a", 191961062, 0x6E05BA2887C97977),
    (b"abcdefghijklmnopqrstuvwxyz12345", 877380273, 0x37B562EC5715E132),
    (b"abcdefgh", 0x123456789ABCDEF0, 0x9968AC4E662AEA77),
    (b"test", 0xFFFFFFFFFFFFFFFF, 0x8AE3E1FD39B1C88A),
    (b"abcdefghijklmnopqrstuvwxyz1234567", 42, 0x07A16228D57D97F5),
]


@pytest.mark.parametrize("data, seed, expected", XXH64_VECTORS, ids=lambda v: repr(v)[:20])
def test_xxh64_reproduces_published_vectors(data, seed, expected):
    assert sharding.xxh64(data, seed) == expected
    assert naive.xxh64(data, seed) == expected  # the reference is right too


def test_string_keys_hash_as_utf8_and_integer_keys_as_8_le_bytes():
    strings = ["", "abc", "测试", "The quick brown fox jumps over the lazy dog"]
    assert sharding.hash64(strings).tolist() == [sharding.xxh64(s) for s in strings]
    assert sharding.hash64([b"abc"])[0] == 0x44BC2CF5AD770999
    # ClickHouse: SELECT xxHash64(CAST(-154477 AS Int64)) = 1162348840373071858
    assert int(sharding.hash64([-154477])[0]) == 1162348840373071858
    for dtype in (np.int8, np.int32, np.int64, np.uint16, np.uint64):
        assert int(sharding.hash64(np.array([5], dtype=dtype))[0]) == naive.xxh64((5).to_bytes(8, "little"))
    assert int(sharding.hash64([-1])[0]) == naive.xxh64(b"\xff" * 8)
    assert int(sharding.hash64(np.array([2**64 - 1], dtype=np.uint64))[0]) == naive.xxh64(b"\xff" * 8)


@given(st.binary(max_size=100), st.integers(0, 2**64 - 1))
@settings(max_examples=200, deadline=None)
def test_xxh64_kernel_matches_the_specification(data, seed):
    assert sharding.xxh64(data, seed) == naive.xxh64(data, seed)


@given(st.lists(st.text(max_size=40), min_size=1, max_size=30))
@settings(max_examples=50, deadline=None)
def test_hash64_of_many_strings_matches_one_by_one(keys):
    assert sharding.hash64(keys).tolist() == [naive.key_hash(k) for k in keys]
