"""Slow, obvious reference implementations that fast kernels are tested against."""

import heapq


def fanout_max(draws_per_trial: list[list[float]], ks: list[int]) -> list[list[float]]:
    """Request latency = max of the first k server latencies, per trial."""
    return [[max(draws[:k]) for k in ks] for draws in draws_per_trial]


def heap_order(events: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """Events (time, kind, data) in pop order: by time, ties in push order."""
    heap = [(t, seq, kind, data) for seq, (t, kind, data) in enumerate(events)]
    heapq.heapify(heap)
    return [(t, kind, data) for t, _, kind, data in (heapq.heappop(heap) for _ in range(len(heap)))]


# --- 05 sagas ---------------------------------------------------------------------------
# An orchestrated saga, one run at a time, in plain Python with its own random stream.
# Written from the model's rules, not from the kernel: the two must agree in distribution.


def _draw(dist, rng):
    from kit.core.rng import Constant, Exponential, LogNormal

    if isinstance(dist, Constant):
        return dist.value
    if isinstance(dist, LogNormal):
        return rng.lognormvariate(dist.mu, dist.sigma)
    if isinstance(dist, Exponential):
        return rng.expovariate(1.0 / dist.mean)
    raise NotImplementedError(type(dist).__name__)


def _backoff(retry, k, rng):
    wait = min(retry.cap_ms, retry.base_ms * retry.multiplier ** (k - 1))
    if retry.jitter == "full":
        return rng.uniform(0.0, wait)
    if retry.jitter == "equal":
        return wait / 2 + rng.uniform(0.0, wait / 2)
    return wait


def saga_run(saga, faults, rng, forward_attempts):
    """One orchestrated run: (outcome, latency_ms, messages, retries, duplicates)."""
    effects = {s.name: 0 for s in saga.steps}
    first = {}  # when each step first took effect
    busy = {s.name: 0.0 for s in saga.steps}
    tally = {"messages": 0, "retries": 0}

    def crash_or(t_from, t_to):
        if rng.random() < faults.crash_p:
            return t_from + rng.random() * (t_to - t_from) + _draw(faults.downtime, rng)
        return None

    def call(step, t, undo):
        """Send one command; the participant acts; the caller sees (time, what) or a crash."""
        tally["messages"] += 1
        lost = rng.random() < faults.loss_p
        arrive = t + _draw(faults.network, rng)
        done = arrive + _draw(step.compensation_latency if undo else step.action, rng)
        u = rng.random()
        if lost:
            what, reply = "timeout", float("inf")
        else:
            done = max(done, busy[step.name] + (done - arrive)) if undo else done
            busy[step.name] = max(busy[step.name], done)
            if undo:
                q, p = faults.comp_permanent_p, faults.comp_fail_p
                what = "permanent" if u < q else "failed" if u < q + p else "ok"
            elif step.idempotent and effects[step.name]:
                what, done = "ok", max(done, first[step.name])  # answered once the original is done
            else:
                q, p = step.p_permanent, step.p_fail
                what = "permanent" if u < q else "failed" if u < q + p else "ok"
                if what == "ok":
                    effects[step.name] += 1
                    first[step.name] = min(first.get(step.name, done), done)
            tally["messages"] += 1
            reply = done + _draw(faults.network, rng)
            if rng.random() < faults.loss_p:
                reply = float("inf")
        if reply - t > step.timeout_ms:
            what, reply = "timeout", t + step.timeout_ms
        back = crash_or(t, reply)
        return (back, "crash") if back is not None else (reply, what)

    def run(step, t, undo):
        limit = step.retry.attempts
        if step.kind == "retriable" and not undo:
            limit = max(limit, forward_attempts)
        maybe, tries, resend = False, 0, False
        while True:
            if tries or resend:
                tally["retries"] += 1
            if tries and not resend:
                t += _backoff(step.retry, tries, rng)
            t, what = call(step, t, undo)
            resend = what == "crash"
            if resend:
                maybe = True
                continue
            tries += 1
            if what == "ok":
                return t, "ok"
            maybe = maybe or what == "timeout"
            if what == "permanent" or tries >= limit:
                return t, ("unknown" if maybe else "failed") if not undo else "failed"

    t, done, failed_at = 0.0, [], None
    for gi, group in enumerate(saga.groups):
        ends = [run(s, t, False) for s in group]
        t = max(e for e, _ in ends)
        done += [(gi, s, what) for s, (_, what) in zip(group, ends, strict=True) if what != "failed"]
        if any(what != "ok" for _, what in ends):
            failed_at = gi
            break
    outcome = "committed"
    if failed_at is not None:
        outcome = "compensated"
        if any(s.kind != "compensatable" for _, s, _ in done):
            outcome = "stuck"
        else:
            for gi in range(failed_at, -1, -1):
                ends = [run(s, t, True) for g, s, _ in done if g == gi]
                t = max([t] + [e for e, _ in ends])
                if any(what != "ok" for _, what in ends):
                    outcome = "stuck"
                    break
    duplicates = sum(max(n - 1, 0) for n in effects.values())
    return outcome, t, tally["messages"], tally["retries"], duplicates
