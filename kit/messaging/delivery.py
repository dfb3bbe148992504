"""Delivery semantics: crashes, redelivery, idempotent consumers, ordering, dead letters, the outbox relay.

:func:`deliver` runs a producer, a topic of partitions and a group of
consumers that crash (a probability per message, or at planned points)
under at-most-once or at-least-once delivery, and counts what the side
effects did: lost, duplicated, applied out of order, dead-lettered.
:func:`outbox_relay` compares how a transactional outbox's rows reach the
broker: polled by id, polled by a "published" flag, or tailed from the
database log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .. import config
from ..core import policies, validate
from ..core.rng import Exponential, resolve_seed, zipf_pmf
from . import _delivery_kernels as kk
from . import partitions as parts

SEMANTICS = ("at_most_once", "at_least_once")
"""At-most-once acknowledges (commits) a batch when it is fetched, before any
side effect; at-least-once acknowledges a message after its side effect."""
GROUPS = ("partitioned", "competing")
"""``partitioned``: each partition is read by one member of the group (Kafka).
``competing``: every consumer takes the next message of any partition (SQS,
RabbitMQ work queues, Redis Streams consumer groups)."""
DEDUP = {"ids": kk.IDS, "version": kk.VERSION}
"""How an idempotent consumer recognises a message: a table of processed
message ids, or the key's stored version (apply only what is newer)."""
RETRY_MODES = ("in_place", "retry_topic")
"""A failed message is retried where it is (its partition waits), or handed to
a retry topic so that later messages overtake it (Uber's retry topics)."""
CRASH_POINTS = {"before_effect": 1, "after_effect": 0}
"""Where a planned crash hits: before the side effect, or after it and before the acknowledgement."""


@dataclass(frozen=True)
class DeliverySettings:
    """The knobs of :func:`deliver`; unset fields come from ``kit.config`` (``MESSAGING_...``).

    Parameters
    ----------
    rate : float
        Messages per second produced (Poisson; ``MESSAGING_DELIVERY_RATE``); ``math.inf``: every
        message is in the topic before the consumers start (a backlog, as in the live lab).
    service_s : float
        Mean seconds a consumer spends on one message, exponential (``MESSAGING_SERVICE_S``).
    batch : int
        Messages a consumer fetches at once (``MESSAGING_BATCH``).
    ack : str
        "message" (acknowledge each: SQS, RabbitMQ, Redis Streams) or "batch" (commit the
        batch's offset after its last message, as a Kafka consumer does per poll); by default
        "batch" for ``group="partitioned"`` and "message" for ``group="competing"``.
    group : str
        Of ``GROUPS``.
    assignor : str
        Kafka assignor for ``group="partitioned"`` (``kit.messaging.ASSIGNORS``).
    dedup : str
        Of ``DEDUP``: how an idempotent consumer recognises a message.
    alpha : float
        Zipf skew of key popularity (``MESSAGING_KEY_ALPHA``).
    visibility_timeout_s : float
        A crashed consumer's unacknowledged messages come back, and it restarts, after this.
    crash_before_effect : float
        Share of random crashes that hit before the side effect.
    crashes : tuple of (consumer, attempt, point)
        Planned crashes: consumer ``consumer`` crashes at its ``attempt``-th
        processing attempt (1 = its first), at a point of ``CRASH_POINTS``.
    fail_p : float
        Probability that an attempt fails transiently (a dependency times out).
    poison_p : float
        Share of messages that fail on every attempt (poison).
    retry_mode : str
        Of ``RETRY_MODES``.
    retry : Retry
        Attempts and backoff before a failing message goes to the dead-letter
        queue (``kit.core.policies.Retry``; ``max_retries + 1`` attempts in all).
    """

    rate: float | None = None
    service_s: float | None = None
    batch: int | None = None
    ack: str | None = None
    group: str = "partitioned"
    assignor: str = "range"
    dedup: str = "ids"
    alpha: float | None = None
    visibility_timeout_s: float | None = None
    crash_before_effect: float | None = None
    crashes: tuple = ()
    fail_p: float = 0.0
    poison_p: float = 0.0
    retry_mode: str = "in_place"
    retry: policies.Retry | None = None

    def __post_init__(self):
        optional = {
            "rate": lambda v: v == math.inf or validate.positive("rate", v),
            "service_s": lambda v: validate.positive("service_s", v),
            "batch": lambda v: validate.integer("batch", v, 1, 100_000),
            "ack": lambda v: validate.choice("ack", v, ("message", "batch")),
            "alpha": lambda v: validate.number("alpha", v, 0.0, 10.0),
            "visibility_timeout_s": lambda v: validate.number(
                "visibility_timeout_s", v, 0.0, config.MESSAGING_MAX_HORIZON_S
            ),
            "crash_before_effect": lambda v: validate.probability("crash_before_effect", v),
            "retry": _retry,
        }
        for name, check in optional.items():
            if getattr(self, name) is not None:
                check(getattr(self, name))
        validate.choice("group", self.group, GROUPS)
        validate.choice("assignor", self.assignor, parts.ASSIGNORS)
        validate.choice("dedup", self.dedup, DEDUP)
        validate.probability("fail_p", self.fail_p)
        validate.probability("poison_p", self.poison_p)
        validate.choice("retry_mode", self.retry_mode, RETRY_MODES)
        _plan(self.crashes, config.MESSAGING_MAX_CONSUMERS)

    def resolved(self) -> DeliverySettings:
        """Every unset field from ``kit.config`` (``replace`` checks them again)."""
        defaults = {
            "rate": config.MESSAGING_DELIVERY_RATE,
            "service_s": config.MESSAGING_SERVICE_S,
            "batch": config.MESSAGING_BATCH,
            "ack": "batch" if self.group == "partitioned" else "message",
            "alpha": config.MESSAGING_KEY_ALPHA,
            "visibility_timeout_s": config.MESSAGING_VISIBILITY_TIMEOUT_S,
            "crash_before_effect": config.MESSAGING_CRASH_BEFORE_EFFECT,
            "retry": policies.Retry(
                max_retries=config.MESSAGING_MAX_ATTEMPTS - 1,
                backoff="exponential",
                base_s=config.MESSAGING_BACKOFF_BASE_S,
                cap_s=config.MESSAGING_BACKOFF_CAP_S,
            ),
        }
        return replace(self, **{k: v for k, v in defaults.items() if getattr(self, k) is None})


def _retry(value) -> None:
    if not isinstance(value, policies.Retry):
        raise ValueError(f"retry must be a Retry such as Retry(4, 'exponential', 0.1) (got retry={value!r})")


def _plan(crashes, consumers: int) -> np.ndarray:
    rows = []
    try:
        items = list(crashes)
    except TypeError:
        items = None
    if items is None or any(not isinstance(r, tuple | list) or len(r) != 3 for r in items):
        raise ValueError(f"crashes must be (consumer, attempt, point) triples (got crashes={crashes!r})")
    for consumer, attempt, point in items:
        rows.append(
            (
                validate.integer("crashes consumer", consumer, 0, consumers - 1),
                validate.integer("crashes attempt", attempt, 1),
                CRASH_POINTS[validate.choice("crashes point", point, CRASH_POINTS)],
            )
        )
    return np.array(sorted(rows), dtype=np.int64).reshape(-1, 3)


@dataclass(frozen=True)
class DeliveryResult:
    """What a delivery run did to every message and every key.

    Attributes
    ----------
    semantics : str
        "at_most_once" or "at_least_once".
    idempotent : bool
        Whether consumers recognised repeats (``settings.dedup`` says how).
    keyed : bool
        Keyed partitioning (True) or round robin (False).
    partitions : int
        Partitions of the topic.
    consumers : int
        Members of the group.
    settings : DeliverySettings
        The resolved settings.
    key : numpy.ndarray
        Each message's key.
    version : numpy.ndarray
        Each message's place among its key's messages (0, 1, ...): the update's version.
    produced_s : numpy.ndarray
        When each message was produced.
    deliveries : numpy.ndarray
        Times each message was handed to a consumer.
    attempts : numpy.ndarray
        Processing attempts per message.
    applied : numpy.ndarray
        Times each message's side effect was applied.
    dead : numpy.ndarray
        1 where the message went to the dead-letter queue.
    superseded : numpy.ndarray
        1 where a version check skipped a message because a newer version was already stored.
    first_effect_s : numpy.ndarray
        When each message's effect was first applied (nan: never).
    effect_s : numpy.ndarray
        Time of every applied effect, in order.
    effect_message : numpy.ndarray
        The message of every applied effect.
    crashes : int
        Consumer crashes.
    dedup_hits : int
        Repeats an idempotent consumer recognised and skipped.
    end_s : float
        When the last event happened.
    truncated : bool
        The run hit ``config.MESSAGING_MAX_EVENTS``.
    seed : int
        The seed used.
    """

    semantics: str
    idempotent: bool
    keyed: bool
    partitions: int
    consumers: int
    settings: DeliverySettings
    key: np.ndarray = field(repr=False)
    version: np.ndarray = field(repr=False)
    produced_s: np.ndarray = field(repr=False)
    deliveries: np.ndarray = field(repr=False)
    attempts: np.ndarray = field(repr=False)
    applied: np.ndarray = field(repr=False)
    dead: np.ndarray = field(repr=False)
    superseded: np.ndarray = field(repr=False)
    first_effect_s: np.ndarray = field(repr=False)
    effect_s: np.ndarray = field(repr=False)
    effect_message: np.ndarray = field(repr=False)
    crashes: int
    dedup_hits: int
    end_s: float
    truncated: bool
    seed: int

    @property
    def messages(self) -> int:
        """Messages produced."""
        return int(self.key.size)

    @property
    def lost(self) -> int:
        """Messages whose effect never happened, not dead-lettered and not superseded by a newer version."""
        return int(((self.applied == 0) & (self.dead == 0) & (self.superseded == 0)).sum())

    @property
    def effects(self) -> int:
        """Side effects applied, repeats included."""
        return int(self.applied.sum())

    @property
    def duplicates(self) -> int:
        """Side effects applied again for a message already applied."""
        return int(np.maximum(self.applied - 1, 0).sum())

    @property
    def redeliveries(self) -> int:
        """Deliveries beyond each message's first."""
        return int(np.maximum(self.deliveries - 1, 0).sum())

    @property
    def order_violations(self) -> int:
        """Effects that applied a version older than one already applied to the same key.

        Each one moved that key's state back in time (until a newer update came again).
        """
        v = self.version[self.effect_message]
        k = self.key[self.effect_message]
        order = np.lexsort((np.arange(k.size), k))  # by key, then in effect order
        ks, vs = k[order], v[order]
        newest = np.empty_like(vs)
        starts = np.r_[True, ks[1:] != ks[:-1]]
        for lo, hi in zip(np.flatnonzero(starts), [*np.flatnonzero(starts)[1:], ks.size], strict=True):
            newest[lo:hi] = np.maximum.accumulate(vs[lo:hi])
        before = np.r_[-1, newest[:-1]]
        before[starts] = -1
        return int((vs < before).sum())

    @property
    def dead_lettered(self) -> int:
        """Messages moved to the dead-letter queue."""
        return int(self.dead.sum())

    @property
    def p99_latency(self) -> float:
        """99th percentile of produce to first effect, seconds."""
        lat = (self.first_effect_s - self.produced_s)[~np.isnan(self.first_effect_s)]
        return float(np.percentile(lat, 99)) if lat.size else math.nan

    def key_history(self, key: int | None = None) -> pd.DataFrame:
        """The state of one key over time: every effect applied to it (default: the most updated key).

        Parameters
        ----------
        key : int, optional
            The key (default: the key with the most messages).

        Returns
        -------
        pandas.DataFrame
            ``t_s``, ``version`` (the state after the effect), ``message``, and
            ``back_in_time`` (the version is older than one applied before).
        """
        if key is None:
            key = int(np.bincount(self.key).argmax())
        key = validate.integer("key", key, 0)
        mine = self.key[self.effect_message] == key
        v = self.version[self.effect_message[mine]]
        before = np.r_[-1, np.maximum.accumulate(v)[:-1]]
        return pd.DataFrame(
            {
                "t_s": self.effect_s[mine],
                "version": v,
                "message": self.effect_message[mine],
                "back_in_time": v < before,
            }
        )

    def summary(self) -> dict:
        """One row for a table of runs."""
        return {
            "semantics": self.semantics,
            "idempotent": self.idempotent,
            "messages": self.messages,
            "crashes": self.crashes,
            "redeliveries": self.redeliveries,
            "effects": self.effects,
            "lost": self.lost,
            "duplicates": self.duplicates,
            "order_violations": self.order_violations,
            "dead_lettered": self.dead_lettered,
            "p99_latency_s": self.p99_latency,
        }


def _flag(name: str, value) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False (got {name}={value!r})")
    return bool(value)


def deliver(
    messages: int,
    partitions: int,
    consumers: int,
    crash_p: float,
    semantics: str = "at_least_once",
    idempotent: bool = False,
    keyed: bool = True,
    keys: int = 100,
    seed: int | None = None,
    settings: DeliverySettings | None = None,
    **overrides,
) -> DeliveryResult:
    """Produce keyed updates to a topic and consume them with a group whose members crash.

    Parameters
    ----------
    messages : int
        Messages produced, each "key := next version of that key".
    partitions : int
        Partitions of the topic.
    consumers : int
        Members of the consumer group.
    crash_p : float
        Probability that a consumer crashes while handling a message (0 .. 1).
    semantics : str
        "at_most_once" (commit, then process) or "at_least_once" (process, then acknowledge).
    idempotent : bool
        Consumers recognise messages they have applied (``settings.dedup``).
    keyed : bool
        Partition by key with Kafka's partitioner (True) or round robin (False).
    keys : int
        Distinct keys, Zipf-popular (``settings.alpha``).
    seed : int, optional
        Same seed, same run.
    settings : DeliverySettings, optional
        Batches, acknowledgement, group style, timeouts, failures, retries.
    **overrides
        Fields of ``DeliverySettings`` to change, e.g. ``batch=1``.

    Returns
    -------
    DeliveryResult
        ``.lost``, ``.effects``, ``.duplicates``, ``.order_violations``,
        ``.dead_lettered``, ``.redeliveries``, ``.key_history()``, ``.summary()``.

    Notes
    -----
    A crash loses the consumer's place: its fetched, unacknowledged messages
    return after the visibility timeout, ahead of newer ones (a restart from
    the last committed offset), and are delivered again. At-most-once loses
    the messages it had committed and not yet applied; at-least-once never
    loses one but applies some twice, and a replay applies old versions
    after newer ones (the state goes back in time) unless the consumer is
    idempotent. Per-key order holds with keyed partitioning, one reader per
    partition and in-place retries; round robin partitioning, competing
    consumers and retry topics break it. Failing messages are retried with
    the kit's shared backoff (``kit.core.policy_kernels.backoff_sleep``) and
    dead-lettered after ``retry.max_retries + 1`` attempts (SQS's
    ``maxReceiveCount``); crashes count as attempts, so a message whose
    attempts all crashed after its side effect ends in the dead-letter queue
    with its effect applied, as it would in SQS. Kleppmann, *Designing Data-Intensive Applications*
    (2017), ch. 11, "Acknowledgments and redelivery" and "Idempotence".

    Examples
    --------
    >>> r = deliver(5_000, 4, 2, 0.01, seed=1)
    >>> r.lost, r.duplicates > 0
    (0, True)
    >>> deliver(5_000, 4, 2, 0.01, idempotent=True, seed=1).effects
    5000
    """
    n = validate.integer("messages", messages, 1, config.MESSAGING_MAX_MESSAGES)
    P = validate.integer("partitions", partitions, 1, config.MESSAGING_MAX_PARTITIONS)
    C = validate.integer("consumers", consumers, 1, config.MESSAGING_MAX_CONSUMERS)
    crash_p = validate.probability("crash_p", crash_p)
    validate.choice("semantics", semantics, SEMANTICS)
    idempotent = _flag("idempotent", idempotent)
    keyed = _flag("keyed", keyed)
    n_keys = validate.integer("keys", keys, 1, config.MESSAGING_MAX_KEYS)
    s = parts.merged_settings(DeliverySettings, settings, overrides, "deliver")
    plan = _plan(s.crashes, C)
    competing = s.group == "competing"
    scan = P if competing else -(-P // C)
    if n * scan > config.MESSAGING_MAX_STEPS:
        raise ValueError(
            f"messages x partitions scanned ({n:,} x {scan:,}) exceeds config.MESSAGING_MAX_STEPS = "
            f"{config.MESSAGING_MAX_STEPS:,}: use fewer messages or partitions"
        )
    seed = resolve_seed(seed)
    rng = np.random.default_rng(seed)
    produced = np.sort(rng.uniform(0.0, n / s.rate, n))  # all zero for a backlog (rate = inf)
    key = rng.choice(n_keys, size=n, p=zipf_pmf(n_keys, s.alpha)).astype(np.int64)
    order = np.lexsort((np.arange(n), key))
    version = np.empty(n, np.int64)
    counts = np.bincount(key, minlength=n_keys)
    version[order] = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    part = parts.kafka_partition(np.arange(n_keys), P)[key] if keyed else np.arange(n, dtype=np.int64) % P
    poison = (rng.random(n) < s.poison_p).astype(np.int8)
    log = np.argsort(part, kind="stable").astype(np.int64)
    log_start = np.searchsorted(part[log], np.arange(P + 1)).astype(np.int64)
    if competing:
        own, own_start = np.empty(0, np.int64), np.zeros(C + 1, np.int64)
    else:
        owner = parts.assign(P, C, s.assignor)
        own = np.argsort(owner, kind="stable").astype(np.int64)
        own_start = np.searchsorted(owner[own], np.arange(C + 1)).astype(np.int64)
    msgs = np.empty((4, n), np.int32)  # rows kk.M_*, a column per message; int32: half the memory to stream
    msgs[kk.M_KEY], msgs[kk.M_VERSION], msgs[kk.M_PART], msgs[kk.M_POISON] = key, version, part, poison
    r = s.retry
    idem = DEDUP[s.dedup] if idempotent else kk.NONE
    run = kk.Run(
        keys=n_keys,
        consumers=C,
        batch=s.batch,
        amo=semantics == "at_most_once",
        ack_batch=s.ack == "batch",
        idem=idem,
        retry_topic=s.retry_mode == "retry_topic",
        fail_p=float(s.fail_p),
        crash_p=float(crash_p),
        crash_before=float(s.crash_before_effect),
        vt=float(s.visibility_timeout_s),
        max_attempts=r.max_retries + 1,
        backoff=policies.backoff_code(r.backoff),
        base=float(r.base_s),
        cap=float(r.cap_s),
        multiplier=float(r.multiplier),
        max_events=int(config.MESSAGING_MAX_EVENTS),
        seed=seed,
    )
    out = kk.deliver_run(
        msgs, produced, log, log_start, own, own_start, plan, Exponential(s.service_s).spec, run
    )
    deliveries, attempts, applied, dead, superseded, first_t, eff_t, eff_m, counters = out
    return DeliveryResult(
        semantics=semantics,
        idempotent=idempotent,
        keyed=keyed,
        partitions=P,
        consumers=C,
        settings=s,
        key=key,
        version=version,
        produced_s=produced,
        deliveries=deliveries,
        attempts=attempts,
        applied=applied,
        dead=dead,
        superseded=superseded,
        first_effect_s=first_t,
        effect_s=eff_t,
        effect_message=eff_m,
        crashes=int(counters[kk.C_CRASHES]),
        dedup_hits=int(counters[kk.C_DEDUP_HITS]),
        end_s=float(counters[kk.C_END]),
        truncated=bool(counters[kk.C_TRUNCATED]),
        seed=seed,
    )


def duplicates_theory(crash_p: float, crash_before_effect: float) -> float:
    """Expected duplicate effects per message, at-least-once, one message per batch, not idempotent.

    Every attempt crashes with probability p; one that crashes after the side
    effect (share 1 - q) applies it and is redelivered. Attempts per message
    are geometric with mean 1 / (1 - p), so the repeats number
    ``p (1 - q) / (1 - p)`` per message.

    Parameters
    ----------
    crash_p : float
        p, crash probability per attempt (below 1).
    crash_before_effect : float
        q, share of crashes before the side effect.

    Returns
    -------
    float
        Duplicates per message.

    Examples
    --------
    >>> round(duplicates_theory(0.02, 0.5), 5)
    0.0102
    """
    p = validate.number("crash_p", crash_p, 0.0, 0.999999)
    q = validate.probability("crash_before_effect", crash_before_effect)
    return p * (1.0 - q) / (1.0 - p)


def lost_theory(crash_p: float, crash_before_effect: float) -> float:
    """Expected share of messages lost, at-most-once, one message per batch: ``p q``.

    A message is committed before it is processed and processed once; it is
    lost when that attempt crashes before the side effect.

    Parameters
    ----------
    crash_p : float
        p, crash probability per attempt.
    crash_before_effect : float
        q, share of crashes before the side effect.

    Returns
    -------
    float
        Lost messages per message.

    Examples
    --------
    >>> lost_theory(0.02, 0.5)
    0.01
    """
    return validate.probability("crash_p", crash_p) * validate.probability(
        "crash_before_effect", crash_before_effect
    )


RELAYS = ("poll_high_water", "poll_unpublished", "log_tailing")
"""How outbox rows reach the broker.

``poll_high_water``: every ``poll_s`` select rows with an id above the largest
published so far (a sequence allocates ids when rows are inserted, not when
their transactions commit, so a row that commits late is skipped forever).
``poll_unpublished``: select rows not yet marked published, in id order (none
skipped; published in id order, not commit order). ``log_tailing``: read the
database's commit log (change data capture, e.g. Debezium): commit order,
a small lag.
"""


@dataclass(frozen=True)
class OutboxResult:
    """Outbox rows and when, and in which order, a relay published them.

    Attributes
    ----------
    relay : str
        Of ``RELAYS``.
    commit_s : numpy.ndarray
        When each row's transaction committed (rows in id order).
    publish_s : numpy.ndarray
        When each row was published (nan: never).
    order : numpy.ndarray
        Row ids in the order the broker received them.
    """

    relay: str
    commit_s: np.ndarray = field(repr=False)
    publish_s: np.ndarray = field(repr=False)
    order: np.ndarray = field(repr=False)

    @property
    def missed(self) -> int:
        """Rows never published."""
        return int(np.isnan(self.publish_s).sum())

    @property
    def out_of_order(self) -> int:
        """Rows published after a row whose transaction committed later."""
        c = self.commit_s[self.order]
        return int((c < np.r_[-np.inf, np.maximum.accumulate(c)[:-1]]).sum())

    @property
    def latency_s(self) -> np.ndarray:
        """Commit to publish of every published row, seconds."""
        lat = self.publish_s - self.commit_s
        return lat[~np.isnan(lat)]

    def summary(self) -> dict:
        """One row for a table of relays."""
        lat = self.latency_s
        return {
            "relay": self.relay,
            "missed": self.missed,
            "out_of_order": self.out_of_order,
            "mean_latency_s": float(lat.mean()) if lat.size else math.nan,
            "p99_latency_s": float(np.percentile(lat, 99)) if lat.size else math.nan,
        }


def outbox_relay(
    rows: int,
    relay: str,
    rate: float = 100.0,
    poll_s: float | None = None,
    tx_s: float | None = None,
    lag_s: float | None = None,
    seed: int | None = None,
) -> OutboxResult:
    """A service writes outbox rows in its transactions; a relay publishes them to the broker.

    Parameters
    ----------
    rows : int
        Transactions, each inserting one outbox row.
    relay : str
        Of ``RELAYS``.
    rate : float
        Transactions started per second (Poisson).
    poll_s : float, optional
        Polling period (``config.MESSAGING_OUTBOX_POLL_S``).
    tx_s : float, optional
        Mean time from a row's insert (its id) to its commit, exponential
        (``config.MESSAGING_OUTBOX_TX_S``).
    lag_s : float, optional
        Mean delay of the log reader behind a commit (``config.MESSAGING_OUTBOX_LOG_LAG_S``).
    seed : int, optional
        Same seed, same transactions.

    Returns
    -------
    OutboxResult
        ``.missed``, ``.out_of_order``, ``.latency_s``, ``.summary()``.

    Notes
    -----
    The transactional outbox (Richardson, *Microservices Patterns*, 2018,
    §3.3.7; lab 05) writes the event in the transaction that changes the
    data; a relay publishes it. Polling costs half a period of latency on
    average and sees rows in id order; a high-water mark on the id misses
    rows whose transactions commit after a larger id was seen. Log tailing
    follows the commit order.

    Examples
    --------
    >>> outbox_relay(10_000, "log_tailing", seed=1).out_of_order
    0
    """
    n = validate.integer("rows", rows, 1, config.MESSAGING_MAX_MESSAGES)
    validate.choice("relay", relay, RELAYS)
    rate = validate.positive("rate", rate)
    poll = validate.positive("poll_s", config.MESSAGING_OUTBOX_POLL_S if poll_s is None else poll_s)
    tx = validate.positive("tx_s", config.MESSAGING_OUTBOX_TX_S if tx_s is None else tx_s)
    lag = validate.positive("lag_s", config.MESSAGING_OUTBOX_LOG_LAG_S if lag_s is None else lag_s)
    rng = np.random.default_rng(resolve_seed(seed))
    commit = np.sort(rng.uniform(0.0, n / rate, n)) + rng.exponential(tx, n)
    if commit.max() / poll > config.MESSAGING_MAX_MESSAGES:
        raise ValueError(
            f"the rows span {commit.max():g} s (rows / rate, plus tx_s): with poll_s={poll:g} that is more "
            f"than config.MESSAGING_MAX_MESSAGES = {config.MESSAGING_MAX_MESSAGES:,} polls"
        )
    if relay == "log_tailing":
        by_commit = np.argsort(commit, kind="stable")
        publish = np.empty(n)
        publish[by_commit] = np.maximum.accumulate(commit[by_commit] + rng.exponential(lag, n))
        return OutboxResult(relay, commit, publish, by_commit)
    phase = rng.uniform(0.0, poll)
    poll_index = np.ceil((commit - phase) / poll).astype(np.int64)  # the first poll that sees each row
    publish = phase + poll_index * poll
    if relay == "poll_high_water":
        high = np.full(poll_index.max() + 2, -1, np.int64)  # largest id visible at each poll
        np.maximum.at(high, poll_index + 1, np.arange(n))
        high = np.maximum.accumulate(high)
        publish = np.where(np.arange(n) > high[poll_index], publish, np.nan)
    seen = np.flatnonzero(~np.isnan(publish))
    order = seen[np.lexsort((seen, poll_index[seen]))]
    return OutboxResult(relay, commit, publish, order)
