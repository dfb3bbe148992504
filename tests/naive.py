"""Slow, obvious reference implementations that fast kernels are tested against."""

import heapq
import itertools
import math


def fanout_max(draws_per_trial: list[list[float]], ks: list[int]) -> list[list[float]]:
    """Request latency = max of the first k server latencies, per trial."""
    return [[max(draws[:k]) for k in ks] for draws in draws_per_trial]


def heap_order(events: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """Events (time, kind, data) in pop order: by time, ties in push order."""
    heap = [(t, seq, kind, data) for seq, (t, kind, data) in enumerate(events)]
    heapq.heapify(heap)
    return [(t, kind, data) for t, _, kind, data in (heapq.heappop(heap) for _ in range(len(heap)))]


# --- 06 reliability and the queueing core ------------------------------------------------

INF = float("inf")


def fifo_starts(arrivals: list[float], service: list[float], c: int) -> list[float]:
    """FIFO with c servers: each customer, in arrival order, takes the server that frees first."""
    free = [0.0] * c
    starts = []
    for a, s in zip(arrivals, service, strict=True):
        i = min(range(c), key=lambda j: free[j])
        start = max(a, free[i])
        starts.append(start)
        free[i] = start + s
    return starts


def station(
    trace: list[float],
    classes: list[int],
    service: list[float],
    c: int,
    discipline: str = "fifo",
    queue_cap: int | None = None,
    timeout: float = INF,
    cancel: str = "none",
    max_retries: int = 0,
    backoff_s: float = 0.0,
    budget: tuple[float, float] | None = None,
) -> list[dict]:
    """The station's event loop in plain Python, for arrivals at given times and constant service.

    ``service[k]`` is class k's service time; retries sleep ``backoff_s``;
    ``budget`` is (tokens per success, cap). One dict per attempt, in the
    order attempts were created. Times should not tie (random floats).
    """
    heap: list = []
    seq = itertools.count()
    rows: list[dict] = []
    queue: list[int] = []
    state = {"busy": 0, "waiting": 0, "tokens": budget[1] if budget else INF}

    def push(t, kind, r):
        heapq.heappush(heap, (t, next(seq), kind, r))

    def new(t, cls, attempt, first):
        rows.append(
            dict(arrive=t, start=math.nan, done=math.nan, reply=math.nan, cls=cls, attempt=attempt,
                 first=len(rows) if first < 0 else first, status="pending", server="not_run")
        )  # fmt: skip
        return len(rows) - 1

    def start(r, t):
        rows[r].update(start=t, server="in_service")
        push(t + service[rows[r]["cls"]], "departure", r)

    def serve_next(t):
        while state["busy"] < c and queue:
            if discipline == "fifo":
                r = queue.pop(0)
            elif discipline == "lifo":
                r = queue.pop()
            else:
                r = min(queue, key=lambda x: (rows[x]["cls"], queue.index(x)))
                queue.remove(r)
            if rows[r]["server"] == "dropped":
                continue
            state["waiting"] -= 1
            state["busy"] += 1
            start(r, t)

    def settle(r, t):
        row = rows[r]
        if row["status"] == "ok":
            if budget:
                state["tokens"] = min(budget[1], state["tokens"] + budget[0])
        elif row["attempt"] < max_retries and state["tokens"] >= 1:
            if budget:
                state["tokens"] -= 1
            push(t + backoff_s, "retry", r)

    def submit(r, t):
        if state["busy"] < c:
            state["busy"] += 1
            start(r, t)
        elif queue_cap is not None and state["waiting"] >= queue_cap:
            rows[r].update(status="rejected", reply=t)
            settle(r, t)
            return
        else:
            queue.append(r)
            rows[r]["server"] = "queued"
            state["waiting"] += 1
        if timeout < INF:
            push(t + timeout, "timeout", r)

    i = 0
    while i < len(trace) or heap:
        if i < len(trace) and (not heap or trace[i] <= heap[0][0]):
            t = trace[i]
            submit(new(t, classes[i], 0, -1), t)
            i += 1
            continue
        t, _, kind, r = heapq.heappop(heap)
        row = rows[r]
        if kind == "retry":
            submit(new(t, row["cls"], row["attempt"] + 1, row["first"]), t)
        elif kind == "departure":
            if row["server"] != "in_service":
                continue
            row.update(done=t, server="served")
            state["busy"] -= 1
            serve_next(t)
            if row["status"] == "pending":
                row.update(status="ok", reply=t)
                settle(r, t)
        elif kind == "timeout" and row["status"] == "pending":
            row.update(status="timeout", reply=t)
            if cancel != "none" and row["server"] == "queued":
                row.update(server="dropped", done=t)
                state["waiting"] -= 1
            elif cancel == "all" and row["server"] == "in_service":
                row.update(server="aborted", done=t)
                state["busy"] -= 1
                serve_next(t)
            settle(r, t)
    return rows


class Breaker:
    """resilience4j's circuit breaker, written out: CLOSED, OPEN, HALF_OPEN; count or time window."""

    def __init__(self, failure_rate, window_type, window, buckets, minimum_calls, wait_open_s,
                 half_open_calls, slow_call_s, slow_call_rate):  # fmt: skip
        minimum = min(minimum_calls, window) if window_type == "count" else minimum_calls
        self.cfg = dict(failure_rate=failure_rate, window_type=window_type, window=window, buckets=buckets,
                        minimum=minimum, wait=wait_open_s, half_open=half_open_calls, slow_s=slow_call_s,
                        slow_rate=slow_call_rate)  # fmt: skip
        self.state = "CLOSED"
        self.calls: list[tuple[float, bool, bool]] = []  # (end time, failed, slow) in the window
        self.half: list[tuple[bool, bool]] = []
        self.permitted_half = 0
        self.opened_at = 0.0

    def _to(self, state, now):
        self.state = state
        if state == "OPEN":
            self.opened_at = now
        elif state == "HALF_OPEN":
            self.half, self.permitted_half = [], 0
        else:
            self.calls = []

    def acquire(self, now):
        if self.state == "OPEN":
            if now - self.opened_at < self.cfg["wait"]:
                return False
            self._to("HALF_OPEN", now)
        if self.state == "HALF_OPEN":
            if self.permitted_half >= self.cfg["half_open"]:
                return False
            self.permitted_half += 1
        return True

    def _tripped(self, outcomes):
        n = len(outcomes)
        fails = sum(f for f, _ in outcomes)
        slows = sum(s for _, s in outcomes)
        return fails / n >= self.cfg["failure_rate"] or slows / n >= self.cfg["slow_rate"]

    def record(self, now, failed, duration):
        slow = duration > self.cfg["slow_s"]
        if self.state == "HALF_OPEN":
            self.half.append((failed, slow))
            if len(self.half) >= self.cfg["half_open"]:
                self._to("OPEN" if self._tripped(self.half) else "CLOSED", now)
            return
        if self.state == "OPEN":
            return
        self.calls.append((now, failed, slow))
        if self.cfg["window_type"] == "count":
            window = [(f, s) for _, f, s in self.calls[-int(self.cfg["window"]) :]]
        else:
            width = self.cfg["window"] / self.cfg["buckets"]
            current = math.floor(now / width)
            window = [
                (f, s) for t, f, s in self.calls if math.floor(t / width) > current - self.cfg["buckets"]
            ]
        if len(window) >= self.cfg["minimum"] and self._tripped(window):
            self._to("OPEN", now)

    def trace(self, times, durations, failed):
        """(permitted, state after) per call, calls one at a time."""
        out = []
        for t, d, f in zip(times, durations, failed, strict=True):
            ok = self.acquire(t)
            if ok:
                self.record(t + d, bool(f), d)
            out.append((ok, self.state))
        return out


def occ_race(clients: int, sleep, rng) -> tuple[int, float]:
    """Brooker's race in plain Python; ``sleep(attempt, previous)`` backs off. (write calls, end time)."""
    heap = []
    seq = itertools.count()

    def hop():
        return abs(rng.normal(10.0, 2.0))

    for i in range(clients):
        heapq.heappush(heap, (hop(), next(seq), "read", i))
    version, seen, won = 0, [0] * clients, [False] * clients
    attempt, previous = [0] * clients, [5.0] * clients
    calls, now = 0, 0.0
    while heap:
        now, _, kind, i = heapq.heappop(heap)
        if kind == "read":
            seen[i] = version
            heapq.heappush(heap, (now + hop(), next(seq), "read_reply", i))
        elif kind == "read_reply":
            heapq.heappush(heap, (now + hop(), next(seq), "write", i))
        elif kind == "write":
            calls += 1
            won[i] = seen[i] == version
            version += won[i]
            heapq.heappush(heap, (now + hop(), next(seq), "write_reply", i))
        elif not won[i]:
            attempt[i] += 1
            previous[i] = sleep(attempt[i], previous[i])
            heapq.heappush(heap, (now + hop() + previous[i], next(seq), "read", i))
    return calls, now


def structure_availability(kind: str, children: list, k: int = 0) -> float:
    """Availability by enumerating every up/down combination of independent children."""
    total = 0.0
    for states in itertools.product([0, 1], repeat=len(children)):
        p = math.prod(a if s else 1 - a for a, s in zip(children, states, strict=True))
        up = sum(states)
        works = {"series": up == len(children), "parallel": up > 0, "kofn": up >= k}[kind]
        total += p * works
    return total
