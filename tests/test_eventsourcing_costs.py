"""Costs measured on the store (shapes, not timings), schema change three ways, crypto-shredding."""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pytest
from cryptography.exceptions import InvalidTag

from kit.eventsourcing import (
    BANK,
    ERASED,
    EventStore,
    Lab,
    Vault,
    account_events,
    copy_transform,
    replay_cost,
    schema_change,
    snapshot_tradeoff,
    storage_growth,
)


def test_replay_cost_rows_and_the_events_each_replay_folds():
    df = replay_cost([150, 1050], intervals=(0, 100, 1000), repeats=1, seed=1)
    assert len(df) == 6 and (df.seconds > 0).all()
    folded = {(r.length, r.snapshot_every): r.events_folded for r in df.itertuples()}
    assert folded == {
        (150, 0): 150,
        (1050, 0): 1050,
        (150, 100): 50,
        (1050, 100): 50,
        (150, 1000): 150,
        (1050, 1000): 50,
    }
    with pytest.raises(ValueError, match="lengths x intervals"):
        replay_cost([150_000], intervals=(0, 10))


def test_the_snapshot_tradeoff_follows_its_fit():
    import pandas as pd

    costs = pd.DataFrame(
        {
            "length": [100, 1000, 100, 1000],
            "snapshot_every": [0, 0, 100, 100],
            "events_folded": [100, 1000, 0, 0],
            "seconds": [0.002, 0.011, 0.0015, 0.0015],
        }
    )
    t = snapshot_tradeoff(costs, intervals=[1, 11, 101], snapshot_bytes=100)
    assert t.attrs["per_event_s"] == pytest.approx(1e-5) and t.attrs["fixed_s"] == pytest.approx(0.001)
    assert t.attrs["snapshot_load_s"] == pytest.approx(0.0005)
    np.testing.assert_allclose(t.mean_replay_s, 0.0015 + 1e-5 * np.array([0, 5, 50]))
    np.testing.assert_allclose(t.worst_replay_s, 0.0015 + 1e-5 * np.array([0, 10, 100]))
    np.testing.assert_allclose(t.snapshot_bytes_per_event, [100, 100 / 11, 100 / 101])


def test_account_events_are_valid_bank_events():
    events = account_events(500, seed=2)
    state = BANK.fold(BANK.initial(), events)
    assert state.version == 500 and state.balance >= 0 and events[0]["type"] == "AccountOpened"


def test_the_log_grows_with_every_command_while_the_state_table_stays_put():
    df = storage_growth(3000, accounts=20, points=3, seed=1)
    assert list(df.commands) == [1000, 2000, 3000]
    assert (
        df.events_bytes.is_monotonic_increasing and df.events_bytes.iloc[-1] > 1.5 * df.events_bytes.iloc[0]
    )
    assert df.state_bytes.nunique() == 1  # 20 rows updated in place
    assert (df.events_bytes > 10 * df.state_bytes).iloc[-1]


def test_three_ways_of_a_schema_change_agree_on_the_total():
    cents = np.random.default_rng(4).integers(1, 100_000, size=2000)
    df = schema_change(2000, changed_at=0.5, repeats=1, seed=4)
    assert df.total_cents.tolist() == [int(cents.sum())] * 3
    assert df.loc["copy-transform", "one_off_s"] > 0 and not df.loc["copy-transform", "history_as_written"]
    assert df.loc["weak schema", "shapes_in_reader"] == 2


def test_copy_transform_keeps_positions_versions_and_times(tmp_path):
    with EventStore(tmp_path / "old.db", clock=lambda: 123.0) as old:
        old.append("a", [{"type": "T", "data": {"x": 1}}, {"type": "U", "data": {"x": 2}}], 0)
        old.append("b", [{"type": "T", "data": {"x": 3}}], 0)
        with copy_transform(
            old, tmp_path / "new.db", lambda e: {"type": e.type, "schema": 2, "data": {"y": e.data["x"]}}
        ) as new:
            pairs = list(zip(old.read_all(), new.read_all(), strict=True))
            assert all(
                (a.position, a.stream, a.version, a.timestamp)
                == (b.position, b.stream, b.version, b.timestamp)
                for a, b in pairs
            )
            assert [b.data for _, b in pairs] == [{"y": 1}, {"y": 2}, {"y": 3}] and {
                b.schema for _, b in pairs
            } == {2}
            assert new.append("a", [{"type": "T", "data": {}}], 2) == 3  # the migrated store carries on
        with pytest.raises(ValueError, match="target_path"):
            copy_transform(old, tmp_path / "new.db", lambda e: {"type": e.type, "schema": 1, "data": e.data})


def test_a_forgotten_key_erases_the_name_everywhere_the_events_go_but_not_the_balance():
    lab = Lab()
    try:
        lab.run("acct-7", {"type": "open", "owner": "Grace Hopper"})
        lab.run("acct-7", {"type": "deposit", "amount": 500})
        lab.run("acct-8", {"type": "open", "owner": "Alan Turing"})
        lab.catch_up()
        assert lab.owner("acct-7") == "Grace Hopper"
        key = lab.vault._key("acct-7", create=False)
        lab.store.size_bytes()  # checkpoint the WAL into the file
        assert b"Grace Hopper" not in open(lab.path("events.db"), "rb").read()  # only ciphertext in the log
        assert key in open(lab.path("keys.db"), "rb").read()
        assert lab.forget("acct-7") and not lab.forget("acct-7")
        assert key not in open(lab.path("keys.db"), "rb").read()  # not left behind in a free page either
        assert lab.owner("acct-7") == ERASED and lab.owner("acct-8") == "Alan Turing"
        assert lab.state("acct-7").balance == 500 and lab.rebuild() == 3  # the log still replays
        owners = lab.read.table("balances").set_index("stream").owner
        assert "Grace" not in owners["acct-7"]  # the read model holds the sealed value, not the name
    finally:
        lab.close()


def test_without_sealing_the_name_is_in_the_log_in_clear():
    lab = Lab(seal_owners=False)
    try:
        lab.run("acct-7", {"type": "open", "owner": "Grace Hopper"})
        lab.store.size_bytes()
        assert b"Grace Hopper" in open(lab.path("events.db"), "rb").read()
    finally:
        lab.close()


def test_a_tampered_or_reassigned_ciphertext_does_not_open():
    with tempfile.TemporaryDirectory() as folder:
        vault = Vault(os.path.join(folder, "keys.db"))
        sealed = vault.seal("s1", "secret")
        vault.seal("s2", "other")
        flipped = dict(
            sealed, ct=sealed["ct"][:-4] + ("AAA=" if not sealed["ct"].endswith("AAA=") else "BBB=")
        )
        with pytest.raises(InvalidTag):
            vault.unseal(flipped)
        with pytest.raises(InvalidTag):
            vault.unseal(dict(sealed, sealed="s2"))  # the subject is authenticated, not just a label
        assert vault.unseal("plain") == "plain" and vault.subjects() == ["s1", "s2"]
        vault.close()
