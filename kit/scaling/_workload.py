"""The workload behind ``kit.scaling.measure``: run as a script, standard library only.

``python _workload.py '{"processes": 8, "duration_s": 0.2, "rounds": 3, ...}'``
starts k worker processes once, then, ``rounds`` times over, for n = 1..k lets
the first n of them repeat an operation for ``duration_s``, and prints, as one
JSON line, the operations each level completed. Rounds interleave the levels,
so a neighbour's burst of work on the machine disturbs one point, not a level.
Being a fresh process that imports nothing from the kit, it forks its workers
from a single thread, quickly, on POSIX (spawn elsewhere).

One operation: a parallel part of ``work_ms`` (slept, or spun with
``mode="spin"``), then under one lock shared by every worker a critical
section of ``serial_us`` plus ``coherency_us`` for each other active worker
(reading the other workers' slots of a shared array and writing its own: the
pairwise exchange the USL's kappa describes). A level lasts ``duration_s``,
longer only where a worker had not finished one operation by then (a machine
too busy to run it): every level reports at least one operation per worker,
over the seconds it took.
"""

import json
import multiprocessing as mp
import sys
import time


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _worker(i, lock, barrier, level, deadline, counts, late, shared, args):
    work_s = args["work_ms"] / 1e3
    serial_s = args["serial_us"] / 1e6
    coherency_s = args["coherency_us"] / 1e6
    parallel = time.sleep if args["mode"] == "sleep" else _spin
    while True:
        barrier.wait()  # a level starts
        n = level.value
        if n == 0:
            return
        ops, late[i] = 0, 0.0
        if i < n:
            end = deadline.value
            # On a machine too busy to give a worker the CPU within its window, it goes on
            # until its first operation and says how late that finished.
            while time.monotonic() < end or ops == 0:
                parallel(work_s)
                with lock:
                    _spin(serial_s + coherency_s * (n - 1))
                    merged = 0.0
                    for j in range(n):  # the shared state every worker reads and updates
                        merged += shared[j]
                    shared[i] = merged / n + 1.0
                done = time.monotonic()
                if done <= end or ops == 0:
                    ops += 1
                    late[i] = max(done - end, 0.0)
        counts[i] = ops
        barrier.wait()  # the level is over


def main(args: dict) -> list[dict]:
    k = int(args["processes"])
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    lock, barrier = ctx.Lock(), ctx.Barrier(k + 1)
    level, deadline = ctx.RawValue("i", 0), ctx.RawValue("d", 0.0)
    counts, late, shared = ctx.RawArray("q", k), ctx.RawArray("d", k), ctx.RawArray("d", k)
    workers = [
        ctx.Process(
            target=_worker, args=(i, lock, barrier, level, deadline, counts, late, shared, args), daemon=True
        )
        for i in range(k)
    ]
    for w in workers:
        w.start()
    rows = []
    try:
        for r in range(int(args["rounds"])):
            for n in range(1, k + 1):
                level.value = n
                deadline.value = time.monotonic() + args["duration_s"]
                barrier.wait()
                barrier.wait()
                ops = int(sum(counts[:n]))
                seconds = args["duration_s"] + max(late[:n])  # the window, or until every worker did one
                rows.append({"n": n, "round": r, "operations": ops, "seconds": float(seconds)})
        level.value = 0
        barrier.wait()
    finally:
        for w in workers:
            w.join(timeout=5)
            if w.is_alive():
                w.terminate()
    return rows


if __name__ == "__main__":
    rows = main(json.loads(sys.argv[1]))
    cores = mp.cpu_count()
    print(json.dumps([{**r, "cores": cores} for r in rows]))
