import pandas as pd
import pytest

from kit import fanout, sweep


def point(a, b, seed=None):
    """A module-level function, so process and Dask workers can import it."""
    return {"sum": a + b, "seed": seed, "array": [a, b]}


GRID = {"a": [1, 2, 3], "b": [10, 20]}


def test_grid_is_the_cartesian_product_in_order():
    assert sweep.grid(a=[1, 2], b=["x"]) == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]


def test_serial_rows_columns_and_per_point_seeds():
    t = sweep.run(point, GRID, seed=5, progress=False)
    assert list(t.columns) == ["a", "b", "sum", "seed"]  # the non-scalar field is left out
    assert t["sum"].tolist() == [11, 21, 12, 22, 13, 23]
    assert t["seed"].nunique() == 6


def test_list_of_points_and_scalar_results():
    t = sweep.run(fanout.p_slow, [{"k": 1, "p": 0.5}, {"k": 2, "p": 0.5}], progress=False)
    assert t["result"].tolist() == [0.5, 0.75]


def test_processes_backend_gives_the_serial_table():
    serial = sweep.run(
        fanout.p_slow_mc, {"k": [1, 50], "p": [0.01], "trials": [2000]}, seed=3, progress=False
    )
    procs = sweep.run(
        fanout.p_slow_mc,
        {"k": [1, 50], "p": [0.01], "trials": [2000]},
        seed=3,
        backend="processes",
        workers=2,
        progress=False,
    )
    pd.testing.assert_frame_equal(serial, procs)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_serial_table():
    distributed = pytest.importorskip("dask.distributed")
    grid = {"k": [1, 10, 100], "p": [0.01, 0.05], "trials": [2000]}
    serial = sweep.run(fanout.p_slow_mc, grid, seed=8, progress=False)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster:
        with distributed.Client(cluster) as client:
            by_client = sweep.run(
                fanout.p_slow_mc, grid, seed=8, backend="dask", client=client, progress=False
            )
        by_address = sweep.run(
            fanout.p_slow_mc, grid, seed=8, backend="dask", client=cluster.scheduler_address, progress=False
        )
    pd.testing.assert_frame_equal(serial, by_client)
    pd.testing.assert_frame_equal(serial, by_address)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"backend": "threads"}, "backend must be one of"),
        ({"backend": "dask"}, "client must be a dask.distributed.Client"),
        ({"seed": -3}, "seed must be an integer"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sweep.run(point, GRID, progress=False, **kwargs)


def test_empty_points_are_refused():
    with pytest.raises(ValueError, match="params must hold at least one point"):
        sweep.run(point, [], progress=False)
