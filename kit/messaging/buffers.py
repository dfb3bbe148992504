"""Buffers and spikes: a bounded queue between producers and consumers, and what to do when it is full.

Producers send messages (Poisson, in bursts, with spikes) to a broker that
holds at most ``capacity`` of them, the ones being processed included;
``consumers`` take them one at a time (exponential work). When the broker is
full a policy decides (``POLICIES``): drop the newest message, drop the oldest
waiting one, block the producer until there is room, hold everything
(unbounded memory), or let the consumer side hand out credits (flow control).

Theory: M/M/1/K and M/M/c/K (Kleinrock, *Queueing Systems* Vol. 1, 1975,
§3.6; Gross & Harris, *Fundamentals of Queueing Theory*, §2.5-2.6), and
Little's law L = lambda W (Little, *Operations Research* 9(3), 1961), which
every run checks on its own sample path.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import config
from ..core import validate
from ..core.rng import Exponential, resolve_seed
from ..queueing import Poisson
from . import _buffer_kernels as kk

POLICIES = {
    "drop_newest": kk.DROP_NEWEST,
    "drop_oldest": kk.DROP_OLDEST,
    "block": kk.BLOCK,
    "unbounded": kk.UNBOUNDED,
    "credit": kk.CREDIT,
}
"""What a full broker does with the next message.

``drop_newest``: refuse it (tail drop; RabbitMQ ``overflow=reject-publish``,
a full Go channel with ``select``/``default``). ``drop_oldest``: push out the
oldest waiting message (RabbitMQ's default ``drop-head``, Kafka retention).
``block``: the producer waits until a slot frees (a full ``BlockingQueue.put``,
a Go channel send): nothing is lost, the producer's own latency grows.
``unbounded``: keep everything; the backlog, and the memory it needs, grows.
``credit``: the consumer side grants the producer ``capacity`` credits and
returns them in batches after a round trip (AMQP 1.0 link credit, Reactive
Streams ``request(n)``, HTTP/2 flow-control windows).
"""

FATES = {
    kk.PENDING: "pending",
    kk.DELIVERED: "delivered",
    kk.DROPPED_NEWEST: "dropped_newest",
    kk.DROPPED_OLDEST: "dropped_oldest",
}


def _rho_terms(rho: float, m: int) -> tuple[float, float, float]:
    """``(log_scale, s0, s1)`` with sum_{j=0..m} rho^j = e^log_scale s0 and sum j rho^j = e^log_scale s1."""
    if abs(rho - 1.0) < 1e-12:
        return 0.0, m + 1.0, m * (m + 1.0) / 2.0
    if rho < 1.0:
        r = rho
        s0 = -math.expm1((m + 1) * math.log(r)) / (1.0 - r)
        s1 = r * (1.0 - (m + 1) * r**m + m * r ** (m + 1)) / (1.0 - r) ** 2
        return 0.0, s0, s1
    # rho > 1: factor out rho^m and sum over sigma = 1/rho, so nothing overflows
    sigma = 1.0 / rho
    s0, s1 = _rho_terms(sigma, m)[1:]
    return m * math.log(rho), s0, m * s0 - s1


@dataclass(frozen=True)
class BufferTheory:
    """Steady state of M/M/c/K: Poisson arrivals, exponential work, c consumers, K places in all.

    Attributes
    ----------
    arrival_rate : float
        Messages offered per second (lambda).
    service_rate : float
        Messages per second one consumer handles (mu).
    consumers : int
        c.
    capacity : int
        K: the most messages in the broker, the ones being processed included.
    loss : float
        Probability that an arriving message finds the broker full (p_K, by PASTA).
    L : float
        Mean messages in the broker.
    Lq : float
        Mean messages waiting (not being processed).
    W : float
        Mean time an accepted message spends in the broker, seconds.
    Wq : float
        Mean time an accepted message waits for a consumer, seconds.
    throughput : float
        Messages per second delivered: lambda (1 - loss).
    """

    arrival_rate: float
    service_rate: float
    consumers: int
    capacity: int
    loss: float
    L: float
    Lq: float
    W: float
    Wq: float
    throughput: float


def _rates(arrival_rate, service_rate) -> tuple[float, float]:
    return validate.positive("arrival_rate", arrival_rate), validate.positive("service_rate", service_rate)


def _capacity(capacity, consumers: int = 1) -> int:
    return validate.integer("capacity", capacity, max(consumers, 1), config.MESSAGING_MAX_CAPACITY)


def _consumers(consumers) -> int:
    return validate.integer("consumers", consumers, 1, config.MESSAGING_MAX_CONSUMERS)


def loss_probability(arrival_rate: float, service_rate: float, capacity: int) -> float:
    """P(a message is lost) in M/M/1/K: ``(1 - rho) rho^K / (1 - rho^(K+1))``, rho = lambda / mu.

    K counts every message in the system, the one being processed included;
    at rho = 1 the formula's limit is ``1 / (K + 1)``. By PASTA (Poisson
    arrivals see time averages) the fraction of arrivals lost equals the
    probability that the system is full.

    Parameters
    ----------
    arrival_rate : float
        lambda, messages per second offered.
    service_rate : float
        mu, messages per second the consumer handles.
    capacity : int
        K >= 1.

    Returns
    -------
    float
        The loss probability, 0..1.

    Notes
    -----
    Kleinrock, *Queueing Systems* Vol. 1 (1975), §3.6, eq. 3.45. Computed as
    ``expm1(log rho) rho^K / expm1((K+1) log rho)`` below rho = 1, and as
    ``(1 - 1/rho) / (1 - rho^-(K+1))`` above it, so that neither cancels nor overflows.

    Examples
    --------
    >>> round(loss_probability(80.0, 100.0, 10), 4), round(loss_probability(1.0, 1.0, 9), 4)
    (0.0235, 0.1)
    """
    lam, mu = _rates(arrival_rate, service_rate)
    k = _capacity(capacity)
    rho = lam / mu
    if rho == 1.0:
        return 1.0 / (k + 1)
    if rho < 1.0:
        lr = math.log(rho)
        return math.expm1(lr) * math.exp(k * lr) / math.expm1((k + 1) * lr)
    sigma = 1.0 / rho
    return (1.0 - sigma) / -math.expm1((k + 1) * math.log(sigma))


def mmck(arrival_rate: float, service_rate: float, consumers: int, capacity: int) -> BufferTheory:
    """Steady state of M/M/c/K: loss, mean backlog and waits.

    With a = lambda / mu and rho = a / c the stationary probabilities are
    ``p_n = p_0 a^n / n!`` for n <= c and ``p_0 a^c / c! rho^(n-c)`` for
    c < n <= K; the loss is ``p_K`` and Little's law gives the waits.

    Parameters
    ----------
    arrival_rate : float
        lambda, messages per second.
    service_rate : float
        mu, messages per second per consumer.
    consumers : int
        c >= 1.
    capacity : int
        K >= c.

    Returns
    -------
    BufferTheory
        Loss, L, Lq, W, Wq and throughput.

    Notes
    -----
    Gross & Harris, *Fundamentals of Queueing Theory* (3rd ed., 1998), §2.6;
    for c = 1 it is :func:`loss_probability`. Only c + 1 terms are summed;
    the geometric tail is closed-form, so K may be large.

    Examples
    --------
    >>> t = mmck(80.0, 100.0, 1, 10)
    >>> round(t.loss, 4), round(t.L, 3)
    (0.0235, 3.036)
    """
    lam, mu = _rates(arrival_rate, service_rate)
    c = _consumers(consumers)
    k = _capacity(capacity, c)
    a = lam / mu
    n = np.arange(c + 1)
    log_t = np.concatenate([[0.0], np.cumsum(math.log(a) - np.log(n[1:]))])  # log a^n / n!
    scale, s0, s1 = _rho_terms(a / c, k - c)
    log_tail = log_t[c] + scale  # the tail n = c..K sums to e^log_tail (s0, s1)
    ref = max(float(log_t[:c].max()), log_tail + math.log(s0))
    head = np.exp(log_t[:c] - ref)
    tail = math.exp(log_tail - ref)
    z = head.sum() + tail * s0
    loss = math.exp(log_t[c] + (k - c) * math.log(a / c) - ref) / z
    L = float((n[:c] * head).sum() + tail * (c * s0 + s1)) / z
    busy = float((n[:c] * head).sum() + tail * c * s0) / z
    lam_eff = lam * (1.0 - loss)
    W = L / lam_eff
    return BufferTheory(lam, mu, c, k, loss, L, L - busy, W, W - 1.0 / mu, lam_eff)


@dataclass(frozen=True)
class BufferResult:
    """One buffer run: every message's times and fate, the backlog over time, Little's law.

    Attributes
    ----------
    arrival_rate : float
        Base rate offered, messages per second.
    service_rate : float
        Messages per second per consumer.
    capacity : int
        Places in the broker (ignored by ``unbounded``).
    consumers : int
        Consumers draining the broker.
    policy : str
        Of ``POLICIES``.
    arrivals : Poisson
        The arrival process (base rate and spikes).
    burst : float
        Mean messages per producer burst.
    times : numpy.ndarray
        ``[message, (generated, entered, started, ended)]`` in seconds (nan: never).
    fate : numpy.ndarray
        Codes of ``FATES`` per message.
    samples : numpy.ndarray
        ``[i, (in broker, upstream)]`` at ``i * sample_s``.
    sample_s : float
        Spacing of the samples, seconds.
    end_s : float
        When the last message left.
    area : float
        Integral over the run of the messages in the broker (message-seconds).
    drain_s : float
        Seconds from the end of the last spike until no message waited anywhere (nan: no spike,
        or only once the producers had stopped).
    events : int
        Events the kernel handled.
    truncated : bool
        The run hit ``config.MESSAGING_MAX_EVENTS``.
    seed : int
        The seed used.
    """

    arrival_rate: float
    service_rate: float
    capacity: int
    consumers: int
    policy: str
    arrivals: Poisson
    burst: float
    times: np.ndarray = field(repr=False)
    fate: np.ndarray = field(repr=False)
    samples: np.ndarray = field(repr=False)
    sample_s: float
    end_s: float
    area: float
    drain_s: float
    events: int
    truncated: bool
    seed: int

    @property
    def messages(self) -> int:
        """Messages generated."""
        return int(self.fate.size)

    @property
    def delivered(self) -> np.ndarray:
        """Mask of the messages a consumer processed."""
        return self.fate == kk.DELIVERED

    @property
    def loss_fraction(self) -> float:
        """Share of generated messages dropped (newest or oldest)."""
        return float(np.mean((self.fate == kk.DROPPED_NEWEST) | (self.fate == kk.DROPPED_OLDEST)))

    @property
    def waits_s(self) -> np.ndarray:
        """Seconds each delivered message waited in the broker before a consumer took it."""
        t = self.times[self.delivered]
        return t[:, kk.START] - t[:, kk.ENTER]

    @property
    def blocked_s(self) -> np.ndarray:
        """Seconds each message that entered the broker waited in its producer first (block, credit)."""
        t = self.times[~np.isnan(self.times[:, kk.ENTER])]
        return t[:, kk.ENTER] - t[:, kk.GEN]

    @property
    def mean_wait(self) -> float:
        """Mean wait in the broker of delivered messages, seconds."""
        w = self.waits_s
        return float(w.mean()) if w.size else math.nan

    @property
    def p99_wait(self) -> float:
        """99th percentile of the wait in the broker, seconds."""
        w = self.waits_s
        return float(np.percentile(w, 99)) if w.size else math.nan

    @property
    def p99_block(self) -> float:
        """99th percentile of the time producers were blocked per message, seconds."""
        b = self.blocked_s
        return float(np.percentile(b, 99)) if b.size else math.nan

    @property
    def p99_latency(self) -> float:
        """99th percentile of generated-to-done of delivered messages, seconds."""
        t = self.times[self.delivered]
        return float(np.percentile(t[:, kk.END] - t[:, kk.GEN], 99)) if t.size else math.nan

    @property
    def max_backlog(self) -> int:
        """Most messages held in the broker at a sample: the memory a broker needs."""
        return int(self.samples[:, kk.S_BROKER].max()) if self.samples.size else 0

    @property
    def little(self) -> dict:
        """Little's law on this run: ``L`` (time-average in the broker), ``lam`` (entries per second), ``W``.

        Over a run that starts and ends empty, ``L = lam W`` holds exactly on
        the sample path (Little 1961; Stidham 1974): ``L`` comes from the
        broker's state over time, ``W`` from each message's own timestamps.
        """
        entered = ~np.isnan(self.times[:, kk.ENTER])
        t = self.times[entered]
        stay = t[:, kk.END] - t[:, kk.ENTER]
        lam = entered.sum() / self.end_s
        return {"L": self.area / self.end_s, "lam": float(lam), "W": float(stay.mean()) if stay.size else 0.0}

    @property
    def theory(self) -> BufferTheory | None:
        """M/M/c/K's steady state when the run is one (no spikes, no bursts, a dropping policy)."""
        if self.arrivals.spikes or self.burst != 1.0 or self.policy not in ("drop_newest", "drop_oldest"):
            return None
        return mmck(self.arrival_rate, self.service_rate, self.consumers, self.capacity)

    @property
    def timeline(self) -> pd.DataFrame:
        """Per sample: ``t_s``, ``backlog`` (in the broker), ``upstream`` (in blocked producers),
        and per second over the interval that follows it: ``arrivals``, ``delivered``, ``dropped``."""
        n = self.samples.shape[0]
        edges = np.arange(n + 1) * self.sample_s

        def per_s(t):
            return np.histogram(t[np.isfinite(t)], edges)[0] / self.sample_s

        dropped = (self.fate == kk.DROPPED_NEWEST) | (self.fate == kk.DROPPED_OLDEST)
        drop_t = np.where(self.fate == kk.DROPPED_NEWEST, self.times[:, kk.GEN], self.times[:, kk.END])
        return pd.DataFrame(
            {
                "t_s": edges[:-1],
                "backlog": self.samples[:, kk.S_BROKER],
                "upstream": self.samples[:, kk.S_UPSTREAM],
                "arrivals": per_s(self.times[:, kk.GEN]),
                "delivered": per_s(self.times[self.delivered, kk.END]),
                "dropped": per_s(drop_t[dropped]),
            }
        )

    def summary(self) -> dict:
        """One row for a table: loss, waits, producer blocking, peak backlog, drain time."""
        return {
            "policy": self.policy,
            "lost": self.loss_fraction,
            "mean_wait_s": self.mean_wait,
            "p99_wait_s": self.p99_wait,
            "p99_blocked_s": self.p99_block,
            "p99_latency_s": self.p99_latency,
            "max_backlog": self.max_backlog,
            "drain_s": self.drain_s,
        }


def _arrivals(arrival_rate: float, spikes) -> Poisson:
    try:
        spikes = [tuple(s) for s in spikes]
    except TypeError:
        raise ValueError(
            f"spikes must be (start_s, duration_s, rate) triples (got spikes={spikes!r})"
        ) from None
    if any(len(s) != 3 for s in spikes):
        raise ValueError(f"spikes must be (start_s, duration_s, rate) triples (got spikes={spikes!r})")
    try:
        return Poisson(arrival_rate, spikes=spikes)
    except (TypeError, ValueError) as e:
        raise ValueError(f"spikes: {e}") from None


def _horizon(arrivals: Poisson, messages: int) -> float:
    """When the ``messages``-th message is expected: the cumulative rate reaches it."""
    bounds = arrivals.breakpoints()
    rates = arrivals.rate_at(bounds)
    done = 0.0
    for j, t in enumerate(bounds):
        end = bounds[j + 1] if j + 1 < bounds.size else math.inf
        if rates[j] * (end - t) >= messages - done:
            return float(t + (messages - done) / rates[j])
        done += rates[j] * (end - t)
    raise AssertionError("the last rate is the base rate, which is positive")


def simulate_buffer(
    arrival_rate: float,
    service_rate: float,
    capacity: int,
    messages: int,
    consumers: int = 1,
    seed: int | None = None,
    *,
    policy: str = "drop_newest",
    spikes: Sequence[tuple[float, float, float]] = (),
    burst: float = 1.0,
) -> BufferResult:
    """Producers, a broker holding at most ``capacity`` messages, and ``consumers`` draining it.

    Parameters
    ----------
    arrival_rate : float
        Messages per second offered by the producers outside spikes (Poisson).
    service_rate : float
        Messages per second one consumer handles (exponential work).
    capacity : int
        The most messages in the broker, the ones being processed included (K >= consumers).
    messages : int
        Messages generated; the run then drains. At most ``config.MESSAGING_MAX_MESSAGES``.
    consumers : int
        c, consumers taking messages in arrival order.
    seed : int, optional
        Same seed, same run.
    policy : str
        What a full broker does (``POLICIES``): "drop_newest", "drop_oldest",
        "block", "unbounded" or "credit".
    spikes : sequence of (start_s, duration_s, rate)
        Windows during which the producers send at ``rate`` instead.
    burst : float
        Mean messages per producer send (geometric sizes); 1 sends one at a
        time. The message rate stays ``arrival_rate``.

    Returns
    -------
    BufferResult
        ``.loss_fraction``, ``.mean_wait``, ``.p99_wait`` (seconds), ``.timeline``
        (DataFrame), ``.drain_s``, ``.little``, ``.theory``, ``.summary()``.

    Notes
    -----
    A discrete-event simulation on the kit's event heap (``kit.core.events``),
    compiled with numba. With Poisson arrivals and a dropping policy it is
    M/M/c/K and agrees with :func:`mmck` (Gross & Harris 1998, §2.6); every
    run satisfies Little's law on its own sample path (``.little``).
    Credits (``policy="credit"``) travel ``config.MESSAGING_CREDIT_RTT_S`` and are
    returned once ``config.MESSAGING_CREDIT_BATCH`` of the window has been freed.

    Examples
    --------
    >>> r = simulate_buffer(80.0, 100.0, 10, 200_000, seed=1)
    >>> bool(abs(r.loss_fraction - loss_probability(80.0, 100.0, 10)) < 0.003)
    True
    """
    lam, mu = _rates(arrival_rate, service_rate)
    c = _consumers(consumers)
    k = _capacity(capacity, c)
    n = validate.integer("messages", messages, 1, config.MESSAGING_MAX_MESSAGES)
    validate.choice("policy", policy, POLICIES)
    burst = validate.number("burst", burst, 1.0, 1e6)
    arrivals = _arrivals(lam, spikes)
    seed = resolve_seed(seed)
    horizon = _horizon(arrivals, n)
    bins = config.MESSAGING_TIMELINE_BINS
    end_guess = max(horizon, n / (c * mu)) * 1.05
    n_samples = int(min(bins * math.ceil(end_guess / horizon) + 1, 50 * bins))
    spike_end = max((s[0] + s[1] for s in arrivals.spikes), default=math.inf)
    grant = max(1, math.ceil(config.MESSAGING_CREDIT_BATCH * k))
    seg_t = arrivals.breakpoints()
    params = np.empty(kk.N_PARAMS)
    params[[kk.P_BURST, kk.P_CONSUMERS, kk.P_CAPACITY, kk.P_POLICY]] = burst, c, k, POLICIES[policy]
    params[kk.P_RTT] = 0.0 if policy == "block" else config.MESSAGING_CREDIT_RTT_S
    params[kk.P_GRANT] = 1 if policy == "block" else grant
    params[[kk.P_MESSAGES, kk.P_SAMPLE_DT, kk.P_SAMPLES]] = n, horizon / bins, n_samples
    params[[kk.P_SPIKE_END, kk.P_MAX_EVENTS, kk.P_SEED]] = spike_end, config.MESSAGING_MAX_EVENTS, seed
    times, fate, samples, stats = kk.buffer_run(
        seg_t, arrivals.rate_at(seg_t), Exponential(1.0 / mu).spec, params
    )
    end, events, truncated, area, drain, _ = stats
    return BufferResult(
        arrival_rate=lam,
        service_rate=mu,
        capacity=k,
        consumers=c,
        policy=policy,
        arrivals=arrivals,
        burst=burst,
        times=times,
        fate=fate,
        samples=samples,
        sample_s=horizon / bins,
        end_s=float(end),
        area=float(area),
        drain_s=float(drain),
        events=int(events),
        truncated=bool(truncated),
        seed=seed,
    )


def compare_backpressure(
    arrival_rate: float,
    service_rate: float,
    capacity: int,
    messages: int,
    consumers: int = 1,
    seed: int | None = None,
    spikes: Sequence[tuple[float, float, float]] = (),
) -> dict[str, BufferResult]:
    """Every policy of ``POLICIES`` on the same producers, spikes and seed, side by side.

    Parameters
    ----------
    arrival_rate, service_rate : float
        As for :func:`simulate_buffer`.
    capacity, messages, consumers : int
        As for :func:`simulate_buffer`.
    seed : int, optional
        One seed for every policy: the same arrivals and the same work.
    spikes : sequence of (start_s, duration_s, rate)
        As for :func:`simulate_buffer`.

    Returns
    -------
    dict of str to BufferResult
        One run per policy; ``pd.DataFrame([r.summary() for r in runs.values()])`` is the table.

    Examples
    --------
    >>> runs = compare_backpressure(80.0, 100.0, 20, 5_000, spikes=[(10.0, 5.0, 200.0)], seed=1)
    >>> runs["block"].loss_fraction, runs["unbounded"].loss_fraction
    (0.0, 0.0)
    """
    return {
        p: simulate_buffer(
            arrival_rate, service_rate, capacity, messages, consumers, seed, policy=p, spikes=spikes
        )
        for p in POLICIES
    }
