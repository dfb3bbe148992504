"""The same lesson on a real broker: Redis Streams, consumer processes, a SIGKILL.

:class:`RedisServer` starts the system's ``redis-server`` on 127.0.0.1, on a
free port, in a temporary folder, without persistence, and stops it when the
``with`` block ends, also on errors. :func:`live_run` has a producer process
write messages to a stream and consumer processes read them through a
consumer group (XREADGROUP), apply a side effect and acknowledge it (XACK);
it kills one consumer with SIGKILL at a chosen point, the others take over its
pending entries (XAUTOCLAIM once they have been idle for the claim time, the
stream's visibility timeout), and it counts redeliveries, duplicates and
effects. Beside them, :func:`kit.messaging.deliver` runs the same crash
pattern in the simulator.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from . import delivery

WORKER = Path(__file__).with_name("_redis_worker.py")
STREAM, GROUP = "orders", "workers"
INSTALL = (
    "redis-server was not found on PATH. Install it from your system's packages: "
    "`sudo apt-get install redis-server` (Debian, Ubuntu), `brew install redis` (macOS); "
    "Binder installs it from binder/apt.txt."
)
CLIENT = (
    "the redis Python client is not installed: `pip install redis` (a dependency of the kit), then run again"
)


def find_redis_server() -> str | None:
    """The path of the system's ``redis-server``, or None when it is not installed.

    Returns
    -------
    str or None
        ``KIT_REDIS_SERVER`` if set, else ``redis-server`` found on PATH.

    Examples
    --------
    >>> path = find_redis_server()  # e.g. '/usr/bin/redis-server'
    """
    return os.environ.get("KIT_REDIS_SERVER") or shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A private ``redis-server`` for one ``with`` block: 127.0.0.1, a free port, a temporary folder.

    Nothing is persisted (``--save "" --appendonly no``); leaving the block
    stops the server and deletes the folder, also when the block raises.

    Parameters
    ----------
    binary : str, optional
        The ``redis-server`` to run (default :func:`find_redis_server`).

    Examples
    --------
    >>> with RedisServer() as server:  # doctest: +SKIP
    ...     server.client().ping()
    True
    """

    def __init__(self, binary: str | None = None):
        if binary is not None and not isinstance(binary, str):
            raise ValueError(f"binary must be the path of a redis-server (got binary={binary!r})")
        self.binary = binary or find_redis_server()
        if not self.binary or not Path(self.binary).exists():
            raise ValueError(INSTALL)
        self.port = 0
        self.folder = ""
        self.process: subprocess.Popen | None = None

    def client(self):
        """A ``redis.Redis`` client of this server (strings decoded)."""
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True)

    def __enter__(self) -> RedisServer:
        self.folder = tempfile.mkdtemp(prefix="kit-redis-")
        try:
            for _ in range(3):  # another process may take the free port first
                self.port = _free_port()
                self.process = subprocess.Popen(
                    [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--dir", self.folder, "--protected-mode", "yes"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                if self._wait_ready():
                    return self
                self.process.kill()
                self.process.wait()
            raise RuntimeError(f"{self.binary} did not start on 127.0.0.1")
        except BaseException:
            self._stop()
            raise

    def _wait_ready(self) -> bool:
        import redis

        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if self.client().ping():
                    return True
            except redis.ConnectionError:
                time.sleep(0.02)
        return False

    def _stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __exit__(self, *exc) -> None:
        self._stop()


@dataclass(frozen=True)
class LiveResult:
    """A live run on Redis Streams beside the simulator's run of the same crash pattern.

    Attributes
    ----------
    messages : int
        Messages produced.
    consumers : int
        Consumer processes at the start (one more replaces the one killed).
    batch : int
        Entries per XREADGROUP (COUNT).
    kill_after : int
        The victim was killed at its ``kill_after``-th message ...
    crash_point : str
        ... before its side effect or after it (and before XACK).
    semantics : str
        "at_least_once" (XACK after the effect) or "at_most_once" (XREADGROUP ... NOACK).
    idempotent : bool
        Effects went through a dedup set of message ids (SADD, in the same Lua script as the effect).
    measured : dict
        Counts read back from the server: redeliveries, effects, duplicates, lost, order_violations.
    simulated : DeliveryResult
        :func:`kit.messaging.deliver` with the same messages, consumers, batch and crash.
    elapsed_s : float
        Wall time of the live run.
    applied : numpy.ndarray
        Message ids in the order their effects happened on the server.
    """

    messages: int
    consumers: int
    batch: int
    kill_after: int
    crash_point: str
    semantics: str
    idempotent: bool
    measured: dict
    simulated: delivery.DeliveryResult = field(repr=False)
    elapsed_s: float
    applied: np.ndarray = field(repr=False)

    def table(self) -> pd.DataFrame:
        """Measured and simulated counts side by side (rows: redeliveries, effects, duplicates, lost)."""
        names = ["redeliveries", "effects", "duplicates", "lost"]
        sim = self.simulated
        return pd.DataFrame(
            {
                "measured on Redis": [self.measured[k] for k in names],
                "simulated": [sim.redeliveries, sim.effects, sim.duplicates, sim.lost],
            },
            index=pd.Index(names, name="count"),
        )


def _spawn(port: int, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(condition, deadline: float, procs: list, what: str) -> None:
    while not condition():
        for p in procs:
            if p.poll() not in (None, -signal.SIGKILL, 0):
                raise RuntimeError(f"a worker process failed: {p.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the live run did not {what} within config.MESSAGING_LIVE_TIMEOUT_S")
        time.sleep(0.02)


def _violations(applied: np.ndarray, keys: int) -> int:
    """Effects whose version is older than one already applied to their key (ids give key and version)."""
    newest = np.full(keys, -1)
    count = 0
    for mid in applied:
        k, v = mid % keys, mid // keys
        count += v < newest[k]
        newest[k] = max(newest[k], v)
    return int(count)


def live_run(
    messages: int | None = None,
    consumers: int = 2,
    kill_after: int = 25,
    crash_point: str = "after_effect",
    semantics: str = "at_least_once",
    idempotent: bool = False,
    batch: int | None = None,
    keys: int = 10,
) -> LiveResult:
    """Producer and consumer processes on a private Redis; SIGKILL one consumer mid-stream; count.

    Parameters
    ----------
    messages : int, optional
        Messages the producer writes with XADD (``config.MESSAGING_LIVE_MESSAGES``).
    consumers : int
        Consumer processes in the group; consumer 0 is the one killed, and a fresh one replaces it.
    kill_after : int
        The victim is killed at its ``kill_after``-th message.
    crash_point : str
        "after_effect" (killed between the side effect and XACK) or "before_effect".
    semantics : str
        "at_least_once" (XACK after the effect; pending entries are claimed by
        XAUTOCLAIM) or "at_most_once" (XREADGROUP ... NOACK: nothing pending).
    idempotent : bool
        Apply effects through a dedup set of message ids.
    batch : int, optional
        Entries per XREADGROUP (``config.MESSAGING_BATCH``).
    keys : int
        Message i updates key ``i % keys`` to version ``i // keys``.

    Returns
    -------
    LiveResult
        ``.measured``, ``.simulated`` and ``.table()``.

    Notes
    -----
    So that the crash pattern is known exactly, the victim starts first,
    stops at the chosen point and reports it; the other consumers start, and
    the parent kills the victim with SIGKILL (no cleanup, no XACK, its
    connection dropped) while most of the stream is still unread. A crash at
    a random moment lands in one of the same two places. The consumers claim entries idle for
    ``config.MESSAGING_LIVE_CLAIM_IDLE_S`` and sleep
    ``config.MESSAGING_LIVE_WORK_S`` per message. Redis Streams:
    https://redis.io/docs/latest/develop/data-types/streams/ (consumer
    groups, XPENDING and XAUTOCLAIM). Needs ``redis-server`` 6.2 or newer.

    Examples
    --------
    >>> r = live_run(200, kill_after=15)  # doctest: +SKIP
    >>> r.table()  # doctest: +SKIP
    """
    n = validate.integer(
        "messages", config.MESSAGING_LIVE_MESSAGES if messages is None else messages, 1,
        config.MESSAGING_LIVE_MAX_MESSAGES,
    )  # fmt: skip
    c = validate.integer("consumers", consumers, 1, 16)
    b = validate.integer("batch", config.MESSAGING_BATCH if batch is None else batch, 1, 1000)
    most = n // (2 * c)
    if most < 1:
        raise ValueError(f"messages must be at least 2 x consumers (got messages={n}, consumers={c})")
    kill_after = validate.integer("kill_after", kill_after, 1, most)
    validate.choice("crash_point", crash_point, delivery.CRASH_POINTS)
    validate.choice("semantics", semantics, delivery.SEMANTICS)
    idempotent = delivery._flag("idempotent", idempotent)
    keys = validate.integer("keys", keys, 1, n)
    if find_redis_server() is None:
        raise ValueError(INSTALL)
    if importlib.util.find_spec("redis") is None:
        raise ValueError(CLIENT)
    started = time.monotonic()
    deadline = started + config.MESSAGING_LIVE_TIMEOUT_S
    common = ["--batch", str(b), "--work-s", str(config.MESSAGING_LIVE_WORK_S),
              "--claim-idle-ms", str(round(config.MESSAGING_LIVE_CLAIM_IDLE_S * 1000))]  # fmt: skip
    if semantics == "at_most_once":
        common.append("--noack")
    if idempotent:
        common.append("--dedup")
    procs: list[subprocess.Popen] = []
    with RedisServer() as server:
        r = server.client()
        try:
            r.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
            producer = _spawn(server.port, "produce", "--messages", str(n), "--keys", str(keys))
            procs.append(producer)
            _wait(lambda: producer.poll() is not None, deadline, procs, "produce its messages")
            last_id = r.xrevrange(STREAM, count=1)[0][0]
            # The victim starts first, so that it surely reaches its crash point whatever the
            # machine's load; the others join while it is stopped there, then it is killed.
            crash = ["--crash-after", str(kill_after), "--crash-point", crash_point]
            victim = _spawn(server.port, "consume", "--name", "c0", *common, *crash)
            procs.append(victim)
            _wait(lambda: r.exists("holding:c0"), deadline, procs, "reach the crash point")
            names = [f"c{i}" for i in range(c)]
            procs += [_spawn(server.port, "consume", "--name", name, *common) for name in names[1:]]
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            names[0] = f"c{c}"  # a fresh process takes the victim's place
            procs.append(_spawn(server.port, "consume", "--name", names[0], *common))

            def finished() -> bool:
                group = r.xinfo_groups(STREAM)[0]
                idle = r.hmget("idle", names)
                return (
                    group["last-delivered-id"] == last_id
                    and group["pending"] == 0
                    and all(v == "1" for v in idle)
                )

            _wait(finished, deadline, procs, "finish")
            r.set("stop", 1)
            deliveries = np.array([int(v) for v in r.hvals("deliveries")])
            effects = np.array([int(v) for v in r.hvals("effects")])
            applied = np.array([int(v) for v in r.lrange("applied", 0, -1)], dtype=np.int64)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                p.wait()
                if p.stderr is not None:
                    p.stderr.close()
    measured = {
        "redeliveries": int(np.maximum(deliveries - 1, 0).sum()),
        "effects": int(effects.sum()),
        "duplicates": int(np.maximum(effects - 1, 0).sum()),
        "lost": n - int((effects > 0).sum()),
        "order_violations": _violations(applied, keys),
    }
    simulated = delivery.deliver(
        n, 1, c, 0.0, semantics, idempotent, True, keys, seed=0, group="competing", batch=b,
        crashes=((0, kill_after, crash_point),), rate=math.inf, service_s=config.MESSAGING_LIVE_WORK_S,
        visibility_timeout_s=config.MESSAGING_LIVE_CLAIM_IDLE_S,
    )  # fmt: skip
    return LiveResult(
        messages=n,
        consumers=c,
        batch=b,
        kill_after=kill_after,
        crash_point=crash_point,
        semantics=semantics,
        idempotent=idempotent,
        measured=measured,
        simulated=simulated,
        elapsed_s=time.monotonic() - started,
        applied=applied,
    )


def expected_counts(
    messages: int, batch: int, kill_after: int, crash_point: str, semantics: str, idempotent: bool
) -> dict:
    """What one kill at a known point must produce, when every fetch returns a full batch.

    Parameters
    ----------
    messages : int
        Messages produced.
    batch : int
        Entries per fetch.
    kill_after : int
        The victim dies at its ``kill_after``-th message ...
    crash_point : str
        ... "before_effect" or "after_effect".
    semantics : str
        "at_least_once" or "at_most_once".
    idempotent : bool
        Effects deduplicated by message id.

    Returns
    -------
    dict
        ``redeliveries``, ``effects``, ``duplicates``, ``lost``.

    Notes
    -----
    The victim's message sits at position ``j = (kill_after - 1) % batch`` of
    a full batch, so ``batch - j`` entries (it and those after it) were
    delivered and not acknowledged. At least once, they are all delivered
    again; the one whose effect was applied is applied twice unless deduplicated.
    At most once (acknowledged on delivery), none comes back: they are lost,
    the victim's own message too unless its effect happened.

    Examples
    --------
    >>> expected_counts(400, 10, 25, "after_effect", "at_least_once", False)
    {'redeliveries': 6, 'effects': 401, 'duplicates': 1, 'lost': 0}
    """
    messages = validate.integer("messages", messages, 1, config.MESSAGING_MAX_MESSAGES)
    batch = validate.integer("batch", batch, 1, messages)
    kill_after = validate.integer("kill_after", kill_after, 1, messages)
    validate.choice("crash_point", crash_point, delivery.CRASH_POINTS)
    validate.choice("semantics", semantics, delivery.SEMANTICS)
    idempotent = delivery._flag("idempotent", idempotent)
    held = min(batch - (kill_after - 1) % batch, messages - kill_after + 1)
    applied_before = crash_point == "after_effect"
    if semantics == "at_least_once":
        dup = int(applied_before and not idempotent)
        return {"redeliveries": held, "effects": messages + dup, "duplicates": dup, "lost": 0}
    lost = held - int(applied_before)
    return {"redeliveries": 0, "effects": messages - lost, "duplicates": 0, "lost": lost}
