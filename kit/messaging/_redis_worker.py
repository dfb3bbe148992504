"""A producer or a consumer of the live lab, run as its own process: ``python _redis_worker.py ROLE ...``.

Standalone on purpose (it imports only ``redis``), so a process starts in a
fraction of a second and can be killed with SIGKILL like any real consumer.
Keys it writes on the server: ``deliveries`` and ``effects`` (hashes: message
id -> count), ``applied`` (list: ids in the order their effects happened),
``processed`` (the dedup set), ``idle`` (hash: consumer -> 1 when it found no
work), ``holding:<name>`` (set by a consumer told to stop at a crash point).
"""

import argparse
import time

import redis

STREAM, GROUP = "orders", "workers"
# the side effect and its log in one atomic step; with dedup, only for an id not seen before
EFFECT = """
if ARGV[2] == '1' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('RPUSH', KEYS[3], ARGV[1])
return 1
"""


def produce(r, messages: int, keys: int) -> None:
    pipe = r.pipeline(transaction=False)
    for i in range(messages):
        pipe.xadd(STREAM, {"id": i, "key": i % keys, "version": i // keys})
        if i % 1000 == 999:
            pipe.execute()
    pipe.execute()


def consume(r, a) -> None:
    effect = r.register_script(EFFECT)
    done = 0
    while not r.exists("stop"):
        entries = []
        if not a.noack:  # take over what a dead consumer left pending (the visibility timeout)
            entries = r.xautoclaim(STREAM, GROUP, a.name, a.claim_idle_ms, "0-0", count=a.batch)[1]
        if not entries:
            reply = r.xreadgroup(GROUP, a.name, {STREAM: ">"}, count=a.batch, block=50, noack=a.noack)
            entries = reply[0][1] if reply else []
        entries = [(entry_id, fields) for entry_id, fields in entries if fields is not None]
        pipe = r.pipeline(transaction=False)
        pipe.hset("idle", a.name, 0 if entries else 1)
        for _, fields in entries:  # every entry of the batch is delivered now, processed or not
            pipe.hincrby("deliveries", fields["id"], 1)
        pipe.execute()
        for entry_id, fields in entries:
            mid = fields["id"]
            done += 1
            if done == a.crash_after and a.crash_point == "before_effect":
                hold(r, a.name)
            effect(keys=["processed", "effects", "applied"], args=[mid, "1" if a.dedup else "0"])
            if done == a.crash_after and a.crash_point == "after_effect":
                hold(r, a.name)
            time.sleep(a.work_s)
            if not a.noack:
                r.xack(STREAM, GROUP, entry_id)


def hold(r, name: str) -> None:
    """Stop at the crash point, say so, and wait for the SIGKILL."""
    r.set(f"holding:{name}", 1)
    while True:
        time.sleep(1.0)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("role", choices=["produce", "consume"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--messages", type=int, default=0)
    p.add_argument("--keys", type=int, default=1)
    p.add_argument("--name", default="c0")
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--work-s", type=float, default=0.001)
    p.add_argument("--claim-idle-ms", type=int, default=300)
    p.add_argument("--noack", action="store_true")
    p.add_argument("--dedup", action="store_true")
    p.add_argument("--crash-after", type=int, default=0)
    p.add_argument("--crash-point", default="after_effect")
    a = p.parse_args()
    r = redis.Redis(host="127.0.0.1", port=a.port, decode_responses=True)
    if a.role == "produce":
        produce(r, a.messages, a.keys)
    else:
        consume(r, a)


if __name__ == "__main__":
    main()
