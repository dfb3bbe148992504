"""The live lab on a real redis-server: measured counts equal the simulator's and the hand-worked ones.

Skipped, with the reason, where ``redis-server`` is absent; CI sets
``KIT_REQUIRE_REDIS=1`` so that there a missing server fails instead.
"""

import os
import socket

import pytest

from kit import messaging

from .conftest import require


@pytest.fixture(autouse=True)
def _redis():
    if messaging.find_redis_server() is None:
        require("KIT_REQUIRE_REDIS", "redis-server is not installed (apt-get install redis-server)")


@pytest.mark.parametrize(
    ("semantics", "crash_point", "idempotent"),
    [
        ("at_least_once", "after_effect", False),
        ("at_least_once", "after_effect", True),
        ("at_most_once", "before_effect", False),
    ],
)
def test_a_consumer_killed_mid_stream_gives_the_simulated_counts(semantics, crash_point, idempotent):
    """Planted bugs caught: XACK before the effect (loses), a claim that skips pending entries, no dedup."""
    r = messaging.live_run(200, 2, 17, crash_point, semantics, idempotent, batch=8)
    expected = messaging.expected_counts(200, 8, 17, crash_point, semantics, idempotent)
    table = r.table()
    assert table["measured on Redis"].to_dict() == expected
    assert table["simulated"].to_dict() == expected


def test_the_server_listens_on_loopback_only_and_is_gone_after_an_error():
    with pytest.raises(RuntimeError, match="boom"), messaging.RedisServer() as server:
        port, folder, process = server.port, server.folder, server.process
        assert server.client().config_get("bind")["bind"].split()[0] == "127.0.0.1"
        assert server.client().config_get("save")["save"] == ""
        raise RuntimeError("boom")
    assert process.poll() is not None, "the server still runs"
    assert not os.path.exists(folder), "its temporary folder is left behind"
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_a_missing_binary_is_explained():
    with pytest.raises(ValueError, match="apt-get install redis-server"):
        messaging.RedisServer("/nonexistent/redis-server")
