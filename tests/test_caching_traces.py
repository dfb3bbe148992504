"""Trace loaders, dense ids and generators."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import caching
from kit.caching import _kernels as kk
from kit.caching.traces import ORACLE_GENERAL
from kit.core.rng import Constant, zipf_pmf
from tests.conftest import fixture_path


def _records(ids, sizes, nxt=None):
    r = np.zeros(len(ids), dtype=ORACLE_GENERAL)
    r["time"] = np.arange(len(ids))
    r["obj_id"] = ids
    r["obj_size"] = sizes
    r["next_access"] = -1 if nxt is None else nxt
    return r


def test_oracle_general_records_are_read_exactly(tmp_path):
    ids = np.array([2**63 + 5, 7, 2**63 + 5, 2**40, 7], dtype=np.uint64)
    path = tmp_path / "t.oracleGeneral.bin"
    _records(ids, [100, 20, 100, 3, 20]).tofile(path)
    t = caching.load_trace(path)
    assert t.keys.tolist() == [0, 1, 0, 2, 1]
    assert t.labels.tolist() == [2**63 + 5, 7, 2**40]  # the original 64-bit ids, unsigned
    assert t.sizes.tolist() == [100, 20, 100, 3, 20]
    assert t.next_access.tolist() == [2, 4, np.iinfo(np.int64).max, np.iinfo(np.int64).max, 2**63 - 1]


def test_oracle_general_skips_zero_size_requests_like_libcachesim(tmp_path):
    path = tmp_path / "z.bin"
    _records([1, 2, 1, 3], [10, 0, 10, 0]).tofile(path)
    t = caching.load_trace(path)
    assert t.labels.tolist() == [1] and t.sizes.tolist() == [10, 10]


def test_a_file_that_is_not_24_byte_records_is_refused(tmp_path):
    path = tmp_path / "bad.bin"
    path.write_bytes(b"x" * 25)
    with pytest.raises(ValueError, match="not a multiple of the 24-byte record"):
        caching.load_trace(path)


def test_save_then_load_round_trips_and_matches_the_fixture_format(tmp_path):
    trace = caching.with_sizes(caching.zipf(300, 1.0, 2_000, seed=1), Constant(64.0), seed=1)
    back = caching.load_trace(caching.save_trace(trace, tmp_path / "a.oracleGeneral.bin"))
    assert np.array_equal(back.labels[back.keys], trace.keys)
    assert np.array_equal(back.sizes, trace.sizes)
    raw = np.fromfile(tmp_path / "a.oracleGeneral.bin", dtype=ORACLE_GENERAL)
    nxt = raw["next_access"]
    assert np.array_equal(np.where(nxt < 0, np.iinfo(np.int64).max, nxt), trace.next_access)
    txt = caching.load_trace(caching.save_trace(trace, tmp_path / "a.txt", format="txt"))
    assert np.array_equal(txt.labels[txt.keys], trace.keys) and not txt.has_sizes


def test_the_fixture_next_access_field_agrees_with_ours():
    path = fixture_path("libcachesim", "cloudPhysicsIO.oracleGeneral.bin")
    raw = np.fromfile(path, dtype=ORACLE_GENERAL)["next_access"]
    t = caching.load_trace(path)
    never = (raw == -1) | (raw == np.iinfo(np.int64).max)
    ours = t.next_access
    assert np.array_equal(never, ours == np.iinfo(np.int64).max)
    # the file counts virtual time from 1: only the order matters to Belady, and it agrees
    assert np.array_equal(raw[~never] - raw[~never].min(), ours[~never] - ours[~never].min())


def test_text_traces_take_numbers_and_strings(tmp_path):
    (tmp_path / "n.txt").write_text("42932745\n42932746\n42932745\n\n7\n")
    t = caching.load_trace(tmp_path / "n.txt")
    assert t.keys.tolist() == [0, 1, 0, 2] and t.labels.tolist() == [42932745, 42932746, 7]
    (tmp_path / "s.txt").write_text("/img/a.png\n/img/b.png\n/img/a.png\n")
    t = caching.load_trace(tmp_path / "s.txt")
    assert t.keys.tolist() == [0, 1, 0] and t.labels.tolist() == ["/img/a.png", "/img/b.png"]
    (tmp_path / "e.txt").write_text("")
    assert len(caching.load_trace(tmp_path / "e.txt")) == 0


@pytest.mark.parametrize(
    "text, keys, sizes",
    [
        ("a,10\nb,20\na,10\n", [0, 1, 0], [10, 20, 10]),
        ("key,size\na,10\nb,20\n", [0, 1], [10, 20]),
        ("obj_id\n5\n6\n5\n", [0, 1, 0], None),
        ("5\n6\n5\n", [0, 1, 0], None),
        ("x,bytes\n1,0\n2,7\n", [0], [7]),  # size 0 is skipped, as libCacheSim does
    ],
)
def test_csv_with_and_without_header_and_sizes(tmp_path, text, keys, sizes):
    path = tmp_path / "t.csv"
    path.write_text(text)
    t = caching.load_trace(path)
    assert t.keys.tolist() == keys
    assert (t.sizes.tolist() if t.has_sizes else None) == sizes


@pytest.mark.parametrize(
    "text, message",
    [("a,ten\nb,20\n", "size must be a whole number"), ("a,-1\n", "size must be a whole number")],
)
def test_csv_bad_sizes_are_named(tmp_path, text, message):
    path = tmp_path / "t.csv"
    path.write_text(text if "ten" not in text else "k,s\n" + text)
    with pytest.raises(ValueError, match=message):
        caching.load_trace(path)


def test_load_trace_input_checks(tmp_path):
    with pytest.raises(ValueError, match="path must be an existing trace file"):
        caching.load_trace(tmp_path / "missing.txt")
    (tmp_path / "t.txt").write_text("1\n")
    with pytest.raises(ValueError, match="format must be one of"):
        caching.load_trace(tmp_path / "t.txt", format="parquet")
    (tmp_path / "t.bin.zst").write_bytes(b"")
    with pytest.raises(ValueError, match="decompress"):
        caching.load_trace(tmp_path / "t.bin.zst")


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=300), st.booleans())
@settings(max_examples=80, deadline=None)
def test_dense_ids_are_first_appearance_order_on_both_paths(keys, narrow):
    keys = np.array([k % 50 for k in keys] if narrow else keys, dtype=np.int64)  # narrow: direct addressing
    ids, labels = kk.dense_ids(keys)
    _, first = np.unique(keys, return_index=True)
    order = keys[np.sort(first)]
    assert labels.tolist() == order.tolist()
    assert np.array_equal(labels[ids], keys)


def test_dense_ids_survive_table_growth():
    keys = np.random.default_rng(1).integers(-(2**62), 2**62, 300_000)
    ids, labels = kk.dense_ids(np.concatenate([keys, keys[::-1]]))
    assert labels.size == np.unique(keys).size and np.array_equal(labels[ids[: keys.size]], keys)


def test_from_keys_and_validation():
    t = caching.Trace.from_keys(np.array([10**18, 3, 10**18], dtype=np.uint64), [1, 2, 1])
    assert t.keys.tolist() == [0, 1, 0] and t.n_objects == 2 and "unit" not in repr(t)
    with pytest.raises(ValueError, match="sizes must have one entry per request"):
        caching.Trace([0, 1], [1])
    with pytest.raises(ValueError, match="keys must be dense ids"):
        caching.Trace([-1, 0])
    with pytest.raises(ValueError, match="sizes must be between 0 and 4294967295 bytes"):
        caching.Trace([0], [-3])


@pytest.mark.parametrize(
    "keys, sizes, message",
    [
        ([10**13], None, "keys asks for 10,000,000,000,001 objects .* config.CACHING_MAX_OBJECTS"),
        ([1.7], None, "keys must be whole numbers.*such as 1.7"),
        ([0, 2.5], None, "keys must be whole numbers.*such as 2.5"),
        ([True, False], None, "keys must be whole numbers"),
        ([10**30], None, "keys must be whole numbers"),
        ([[0, 1]], None, "keys must be a one-dimensional sequence"),
        (5, None, "keys must be a one-dimensional sequence"),
        ([0, 1], [1.5, 2], "sizes must be whole numbers"),
        ([0, 1], [1, 2**33], "sizes must be between 0 and 4294967295 bytes"),
    ],
)
def test_a_trace_refuses_what_is_not_dense_ids_and_byte_counts(keys, sizes, message):
    """Trace([10**13]) would allocate an id table of 72 TiB; Trace([1.7]) would truncate to 1."""
    with pytest.raises(ValueError, match=message):
        caching.Trace(keys, sizes)


def test_a_file_that_is_not_utf8_text_is_named(tmp_path):
    for name, data in (("t.txt", b"a\nb\n\xff\xfe\nc\n"), ("t.csv", b"a,1\n\xff,2\n")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match=r"path must be a UTF-8 text trace: .* not UTF-8"):
            caching.load_trace(tmp_path / name)


def test_trace_files_beyond_the_limits_are_refused_before_reading(tmp_path, monkeypatch):
    from kit import config

    (tmp_path / "t.txt").write_text("1\n2\n3\n")
    _records([1, 2, 3], [1, 1, 1]).tofile(tmp_path / "t.bin")
    monkeypatch.setattr(config, "CACHING_MAX_TRACE_FILE_BYTES", 4)
    monkeypatch.setattr(config, "CACHING_MAX_TRACE_REQUESTS", 2)
    with pytest.raises(
        ValueError, match=r"path asks for 6 bytes of txt text, beyond config\.CACHING_MAX_TRACE"
    ):
        caching.load_trace(tmp_path / "t.txt")
    with pytest.raises(ValueError, match="path asks for 3 requests in one trace"):
        caching.load_trace(tmp_path / "t.bin")


def test_generators_are_what_they_say():
    z = caching.zipf(1_000, 1.0, 200_000, seed=3)
    freq = np.bincount(z.keys, minlength=1_000) / len(z)
    assert np.abs(freq[:5] - zipf_pmf(1_000, 1.0)[:5]).max() < 0.005
    assert np.array_equal(z.keys, caching.zipf(1_000, 1.0, 200_000, seed=3).keys)
    assert caching.scan(5).keys.tolist() == [0, 1, 2, 3, 4]
    assert caching.loop(3, 7).keys.tolist() == [0, 1, 2, 0, 1, 2, 0]
    h = caching.shifting_hot_set(1_000, 50, 40_000, 10_000, 0.9, seed=2)
    first, last = h.keys[:10_000], h.keys[-10_000:]
    assert np.mean(first < 50) > 0.88 and np.mean((last >= 150) & (last < 200)) > 0.88
    s = caching.sample_requests([3, 1], 40_000, seed=1)
    assert abs(np.mean(s.keys == 0) - 0.75) < 0.01 and s.popularity.tolist() == [0.75, 0.25]


def test_mix_keeps_each_trace_in_order_and_apart():
    a, b = caching.loop(3, 30), caching.scan(20)
    m = caching.mix(a, b, seed=4)
    assert len(m) == 50 and m.n_objects == 23
    assert m.keys[m.keys < 3].tolist() == a.keys.tolist()
    assert (m.keys[m.keys >= 3] - 3).tolist() == b.keys.tolist()
    sized = caching.mix(caching.with_sizes(a, Constant(4.0)), caching.with_sizes(b, Constant(9.0)), seed=4)
    assert sorted(set(sized.sizes.tolist())) == [4, 9]
    assert not m.has_sizes


def test_workloads_and_derived_arrays():
    for name in caching.WORKLOADS:
        t = caching.workload(name, 500, 4_000, 0.8, seed=1)
        assert len(t) == 4_000 and t.keys.min() >= 0
    t = caching.Trace.from_keys([5, 6, 5, 7], [3, 4, 9, 1])
    assert t.counts.tolist() == [2, 1, 1]
    assert t.object_sizes().tolist() == [3, 4, 1] and t.footprint_bytes == 8
    assert t.head(2).keys.tolist() == [0, 1]
    assert np.allclose(t.frequencies(), [0.5, 0.25, 0.25])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: caching.zipf(0, 1.0, 10), "n_objects must be an integer"),
        (lambda: caching.zipf(10, 1.0, 10**10), "n_requests asks for 10,000,000,000 requests"),
        (lambda: caching.zipf(10**9, 1.0, 10), "n_objects asks for 1,000,000,000 objects"),
        (lambda: caching.scan(10**9), "n_objects asks for"),
        (lambda: caching.loop(10, 10**12), "n_requests asks for"),
        (lambda: caching.with_sizes([1, 2], Constant(4.0)), "trace must be a kit.caching Trace"),
        (lambda: caching.with_sizes(caching.scan(3), Constant(2.0**40)), "size must draw sizes up to"),
        (lambda: caching.save_trace("x", "/tmp/x.bin"), "trace must be a kit.caching Trace"),
        (lambda: caching.save_trace(caching.scan(3), 12), "path must be a file name"),
        (lambda: caching.save_trace(caching.scan(3), "/nonexistent/dir/t.bin"), "path must be a file that"),
        (lambda: caching.load_trace(3.5), "path must be a file name"),
        (lambda: caching.sample_requests(["a"], 10), "popularity must be a non-empty vector"),
        (lambda: caching.zipf(10, -1.0, 10), "alpha must be"),
        (lambda: caching.zipf(10, 1.0, -5), "n_requests must be an integer"),
        (lambda: caching.shifting_hot_set(10, 20, 100, 10), "hot must be an integer"),
        (lambda: caching.shifting_hot_set(10, 2, 100, 10, hot_fraction=2), "hot_fraction must be between"),
        (lambda: caching.mix(), "traces must be one or more Trace objects"),
        (lambda: caching.with_sizes(caching.scan(3), 5), "size must be a kit distribution"),
        (lambda: caching.sample_requests([0, 0], 10), "popularity must be a non-empty vector"),
        (lambda: caching.workload("pareto", 100, 10), "name must be one of"),
        (lambda: caching.scan(3).head(-1), "n must be an integer"),
    ],
)
def test_generator_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
