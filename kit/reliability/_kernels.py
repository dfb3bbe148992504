"""Kernels of the reliability lab: the backoff race, health-check probes, component outages.

Every clock is in seconds, like every kernel of the kit.
"""

from collections import namedtuple

import numpy as np

from ..core.events import heap_new, heap_pop, heap_push, heap_size
from ..core.jit import njit, prange
from ..core.policy_kernels import backoff_sleep

# --- Brooker's backoff race ----------------------------------------------------------------
READ, READ_REPLY, WRITE, WRITE_REPLY = range(4)
RaceParams = namedtuple(
    "RaceParams",
    [
        "clients",  # racing for the row
        "strategy",  # a kit.core.policies backoff code
        "base_s",  # backoff base and cap
        "cap_s",
        "net_mean_s",  # one network hop: |Normal(net_mean_s, net_sd_s)|
        "net_sd_s",
    ],
)


@njit
def _hop(net_mean_s, net_sd_s):
    """One network message: |Normal(mean, sd)| seconds, Brooker's model of the network."""
    return abs(np.random.normal(net_mean_s, net_sd_s))


@njit
def occ_race(race, seed):
    """One run of ``race.clients`` (``RaceParams``) racing to update one row with optimistic concurrency.

    Each client reads the row's version, then writes if it is unchanged; a
    client whose write fails backs off and starts over. Brooker's simulator
    counts a client's first retry as attempt 1 and sleeps ``base * 2**attempt``,
    so its first retry waits ``2 base``: the race passes ``attempt + 1`` to the
    kit's ``backoff_sleep`` (whose first retry waits ``base``) to stay his. Every message takes one
    network hop. Returns ``(write calls, time of the last event in seconds)``.
    """
    clients, strategy, base_s, cap_s, net_mean_s, net_sd_s = race
    np.random.seed(seed)
    h = heap_new(2 * clients + 4)
    version = 0
    seen = np.zeros(clients, np.int64)  # the version each client read
    won = np.zeros(clients, np.int8)  # the outcome of each client's last write
    attempt = np.zeros(clients, np.int64)
    sleep = np.full(clients, base_s)  # previous sleep, for the decorrelated strategy
    for i in range(clients):
        h = heap_push(h, _hop(net_mean_s, net_sd_s), READ, i)
    calls = 0
    now = 0.0
    while heap_size(h) > 0:
        now, kind, i = heap_pop(h)
        if kind == READ:  # at the server
            seen[i] = version
            h = heap_push(h, now + _hop(net_mean_s, net_sd_s), READ_REPLY, i)
        elif kind == READ_REPLY:  # at the client: write back what it read
            h = heap_push(h, now + _hop(net_mean_s, net_sd_s), WRITE, i)
        elif kind == WRITE:  # at the server: conditional write
            calls += 1
            won[i] = 1 if seen[i] == version else 0
            if won[i]:
                version += 1
            h = heap_push(h, now + _hop(net_mean_s, net_sd_s), WRITE_REPLY, i)
        elif not won[i]:  # WRITE_REPLY at a client that lost: back off and read again
            attempt[i] += 1
            delay = _hop(net_mean_s, net_sd_s)
            sleep[i] = backoff_sleep(strategy, attempt[i] + 1, base_s, cap_s, 2.0, sleep[i])
            h = heap_push(h, now + delay + sleep[i], READ, i)
    return calls, now


@njit
def occ_races(race, seeds):
    """``occ_race`` once per seed, on one core: (calls, completion in seconds) per run."""
    calls, completion = np.empty(seeds.size, np.int64), np.empty(seeds.size)
    for r in range(seeds.size):
        calls[r], completion[r] = occ_race(race, int(seeds[r]))
    return calls, completion


@njit(parallel=True)
def occ_races_parallel(race, seeds):
    """As :func:`occ_races`, the runs spread over the cores (same result; waking threads costs ms)."""
    calls, completion = np.empty(seeds.size, np.int64), np.empty(seeds.size)
    for r in prange(seeds.size):
        calls[r], completion[r] = occ_race(race, int(seeds[r]))
    return calls, completion


@njit
def sleep_samples(strategy, attempts, base_s, cap_s, n, seed):
    """``n`` retry sequences: the sleep (s) before retries 1..``attempts`` (float64[n, attempts])."""
    np.random.seed(seed)
    out = np.empty((n, attempts))
    for i in range(n):
        previous = base_s
        for a in range(attempts):
            previous = backoff_sleep(strategy, a + 1, base_s, cap_s, 2.0, previous)
            out[i, a] = previous
    return out


# --- health checks --------------------------------------------------------------------------


@njit(inline="always")
def _probe(in_rotation, streak, failed, unhealthy, healthy):
    """A load balancer's view after one probe: ``(in rotation, streak, removed by this probe)``.

    In rotation, ``streak`` counts consecutive failures and ``unhealthy`` of
    them take the instance out; out of rotation it counts consecutive
    successes and ``healthy`` of them bring it back.
    """
    if in_rotation:
        streak = streak + 1 if failed else 0
        if streak == unhealthy:
            return False, 0, True
        return True, streak, False
    streak = 0 if failed else streak + 1
    if streak == healthy:
        return True, 0, False
    return False, streak, False


@njit
def probe_history(interval, timeout, unhealthy, healthy, hang, p_false, probes):
    """One instance: ``probes`` probes while healthy, then it dies at a random moment.

    Probes go out every ``interval`` seconds. While the instance is healthy
    each fails by accident with ``p_false`` (a GC pause, a lost packet), so
    it may be removed by mistake, and the failures just before its death
    count toward its removal. It dies at a moment uniform between two
    probes; every later probe fails, at once (``hang=False``: connection
    refused) or after ``timeout`` (``hang=True``: no answer). Returns
    ``(accidental removals, seconds from the death until it is out of rotation)``;
    0 when it was already out when it died.
    """
    in_rotation, streak, removals = True, 0, 0
    for _ in range(probes):
        in_rotation, streak, removed = _probe(
            in_rotation, streak, np.random.random() < p_false, unhealthy, healthy
        )
        removals += removed
    death = np.random.uniform(0.0, interval)  # after the last healthy probe, sent at time 0
    if not in_rotation:
        return removals, 0.0
    k = 0
    while in_rotation:
        k += 1
        in_rotation, streak, _ = _probe(True, streak, True, unhealthy, healthy)
    return removals, k * interval + (timeout if hang else 0.0) - death


@njit(parallel=True)
def probe_runs(interval, timeout, unhealthy, healthy, hang, p_false, probes, seeds):
    """``probe_history`` once per seed, in parallel: ``(detect seconds, removals)`` per instance."""
    detect = np.empty(seeds.size)
    removals = np.zeros(seeds.size, np.int64)
    for s in prange(seeds.size):
        np.random.seed(seeds[s])
        removals[s], detect[s] = probe_history(interval, timeout, unhealthy, healthy, hang, p_false, probes)
    return detect, removals


# --- availability of a structure of components ------------------------------------------------
# A structure is a postfix program over component states: LEAF i pushes component
# i's state, SERIES n / PARALLEL n pop n states and push their AND / OR, KOFN k n
# pushes whether at least k of the n popped are up.
LEAF, SERIES, PARALLEL, KOFN = range(4)


@njit
def structure_up(program, up, stack):
    """Evaluate the postfix ``program`` (int64[m, 3]) on component states ``up``."""
    top = 0
    for p in range(program.shape[0]):
        op = program[p, 0]
        if op == LEAF:
            stack[top] = up[program[p, 1]]
            top += 1
            continue
        n = program[p, 1]
        working = 0
        for i in range(top - n, top):
            working += stack[i]
        top -= n
        if op == SERIES:
            stack[top] = 1 if working == n else 0
        elif op == PARALLEL:
            stack[top] = 1 if working > 0 else 0
        else:
            stack[top] = 1 if working >= program[p, 2] else 0
        top += 1
    return stack[0]


@njit
def outage_history(program, mtbf, mttr, horizon, seed):
    """Fraction of ``horizon`` (s) the structure is up in one history.

    Each component alternates exponential up times (mean ``mtbf``, s) and
    exponential repairs (mean ``mttr``, s), independently, starting up.
    """
    np.random.seed(seed)
    n = mtbf.size
    h = heap_new(n + 1)
    up = np.ones(n, np.int64)
    stack = np.empty(program.shape[0] + 1, np.int64)
    for i in range(n):
        h = heap_push(h, np.random.exponential(mtbf[i]), 0, i)
    now = 0.0
    down_time = 0.0
    system = structure_up(program, up, stack)
    while now < horizon:  # every component always has its next change in the heap
        t, _, i = heap_pop(h)
        t = min(t, horizon)
        if system == 0:
            down_time += t - now
        now = t
        up[i] = 1 - up[i]
        h = heap_push(h, now + np.random.exponential(mtbf[i] if up[i] else mttr[i]), 0, i)
        system = structure_up(program, up, stack)
    return 1.0 - down_time / horizon


@njit(parallel=True)
def outage_runs(program, mtbf, mttr, horizon, seeds):
    """``outage_history`` once per seed, in parallel.

    The history is its own function: the heap's functions are inlined, and a
    pop (which may raise) directly in a prange body would keep it serial.
    """
    out = np.empty(seeds.size)
    for s in prange(seeds.size):
        out[s] = outage_history(program, mtbf, mttr, horizon, int(seeds[s]))
    return out
