"""Closed-form queueing results the simulator is checked against.

M/M/c (Poisson arrivals at rate ``lam``, exponential service at rate ``mu``
per server, ``c`` servers, FIFO, unlimited queue) with offered load
``a = lam / mu`` and utilization ``rho = a / c``. The probability that an
arrival must wait is Erlang's C formula; everything else follows from it
and Little's law (Kleinrock, *Queueing Systems* Vol. 1, 1975, §3.5;
Harchol-Balter, *Performance Modeling and Design of Computer Systems*,
2013, ch. 14):

``Wq = C / (c mu - lam)``, ``W = Wq + 1/mu``, ``Lq = lam Wq``, ``L = lam W``.

For M/M/1, C = rho, so ``Wq = rho / (mu - lam)``: at lam = 0.8, mu = 1 the
wait is 4 and the sojourn 5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import validate

MAX_SERVERS = 100_000  # Erlang's recursions are O(c)


def _check(lam, mu, c) -> tuple[float, float, int]:
    lam = validate.positive("lam", lam)
    mu = validate.positive("mu", mu)
    c = validate.integer("c", c, 1, MAX_SERVERS)
    return lam, mu, c


def erlang_b(lam: float, mu: float, c: int) -> float:
    """P(all c servers busy) in M/M/c/c, the loss system (Erlang's B formula).

    Computed by the stable recursion ``B(k) = a B(k-1) / (k + a B(k-1))``.

    Parameters
    ----------
    lam, mu : float
        Arrival rate and service rate per server (per unit of time).
    c : int
        Servers.

    Returns
    -------
    float
        The probability that an arrival is lost.

    References
    ----------
    L. Kleinrock, *Queueing Systems*, Vol. 1, 1975, §3.6.

    Examples
    --------
    >>> round(erlang_b(2.0, 1.0, 3), 4)
    0.2105
    """
    lam, mu, c = _check(lam, mu, c)
    a = lam / mu
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(lam: float, mu: float, c: int) -> float:
    """P(an arrival waits) in M/M/c (Erlang's C formula); needs lam < c mu.

    ``C = c B / (c - a (1 - B))`` with B from :func:`erlang_b`.

    Parameters
    ----------
    lam, mu : float
        Arrival rate and service rate per server (per unit of time).
    c : int
        Servers.

    Returns
    -------
    float
        The probability that an arrival waits.

    References
    ----------
    L. Kleinrock, *Queueing Systems*, Vol. 1, 1975, §3.5.

    Examples
    --------
    >>> round(erlang_c(2.0, 1.0, 3), 4), round(erlang_c(9.0, 1.0, 10), 4)
    (0.4444, 0.6687)
    """
    lam, mu, c = _check(lam, mu, c)
    a = lam / mu
    if a >= c:
        raise ValueError(
            f"lam must be below c*mu for a steady state (got lam={lam:g}, c*mu={c * mu:g}): "
            "the queue grows forever"
        )
    b = erlang_b(lam, mu, c)
    return c * b / (c - a * (1.0 - b))


@dataclass(frozen=True)
class QueueTheory:
    """Steady-state M/M/c measures: waits W (time) and lengths L (customers).

    Attributes
    ----------
    lam, mu : float
        Arrival rate and service rate per server.
    c : int
        Servers.
    rho : float
        Utilization of each server, lam / (c mu).
    p_wait : float
        Probability that an arrival waits (Erlang C).
    Wq, W : float
        Mean wait in the queue, and mean sojourn (wait + service), in the time unit of 1/mu.
    Lq, L : float
        Mean number waiting, and in the system (Little's law).
    """

    lam: float
    mu: float
    c: int
    rho: float  # utilization of each server
    p_wait: float  # Erlang C
    Wq: float  # mean wait in the queue
    W: float  # mean sojourn: wait + service
    Lq: float  # mean number waiting
    L: float  # mean number in the system

    def p_wait_longer(self, t):
        """P(wait in queue > t) = C exp(-(c mu - lam) t).

        Parameters
        ----------
        t : float or array of float
            Waits, 0 or more (time unit of 1/mu).

        Returns
        -------
        numpy.ndarray
            Probabilities.
        """
        t = np.asarray(t, dtype=float)
        validate.in_range("t", t, 0.0, np.inf)
        return self.p_wait * np.exp(-(self.c * self.mu - self.lam) * t)

    def p_sojourn_longer(self, t):
        """P(wait + service > t), vectorised over t >= 0.

        The sum of the exponential service and the (atom at 0 plus
        exponential) wait: with ``d = c mu - lam - mu``,
        ``e^{-mu t} + C mu (e^{-mu t} - e^{-(c mu - lam) t}) / d``, and
        ``e^{-mu t} (1 + C mu t)`` when d = 0. For M/M/1 it is ``e^{-(mu - lam) t}``.

        Parameters
        ----------
        t : float or array of float
            Times, 0 or more (time unit of 1/mu).

        Returns
        -------
        numpy.ndarray
            Probabilities.
        """
        t = np.asarray(t, dtype=float)
        validate.in_range("t", t, 0.0, np.inf)
        theta = self.c * self.mu - self.lam
        d = theta - self.mu
        if abs(d) < 1e-12 * self.mu:
            return np.exp(-self.mu * t) * (1.0 + self.p_wait * self.mu * t)
        return np.exp(-self.mu * t) + self.p_wait * self.mu * (np.exp(-self.mu * t) - np.exp(-theta * t)) / d


def mmc(lam: float, mu: float, c: int) -> QueueTheory:
    """Steady-state measures of M/M/c; needs lam < c mu.

    Parameters
    ----------
    lam, mu : float
        Arrival rate and service rate per server (per unit of time).
    c : int
        Servers.

    Returns
    -------
    QueueTheory
        Waits in the time unit of 1/mu, lengths in customers.

    References
    ----------
    L. Kleinrock, *Queueing Systems*, Vol. 1, 1975, §3.5; Little's law.

    Examples
    --------
    >>> t = mmc(2.0, 1.0, 3)
    >>> round(t.p_wait, 4), round(t.Wq, 4)
    (0.4444, 0.4444)
    """
    p_wait = erlang_c(lam, mu, c)
    lam, mu, c = _check(lam, mu, c)
    wq = p_wait / (c * mu - lam)
    w = wq + 1.0 / mu
    return QueueTheory(
        lam=lam, mu=mu, c=c, rho=lam / (c * mu), p_wait=p_wait, Wq=wq, W=w, Lq=lam * wq, L=lam * w
    )


def mm1(lam: float, mu: float) -> QueueTheory:
    """M/M/1: ``Wq = rho / (mu - lam)``, ``W = 1 / (mu - lam)``.

    Parameters
    ----------
    lam, mu : float
        Arrival rate and service rate (per unit of time; lam < mu).

    Returns
    -------
    QueueTheory
        Waits in the time unit of 1/mu, lengths in customers.

    References
    ----------
    L. Kleinrock, *Queueing Systems*, Vol. 1, 1975, §3.2.

    Examples
    --------
    >>> t = mm1(0.8, 1.0)
    >>> round(t.Wq, 6), round(t.W, 6)
    (4.0, 5.0)
    """
    return mmc(lam, mu, 1)


def servers_for_wait(lam: float, mu: float, max_p_wait: float) -> int:
    """The fewest servers that keep P(wait) at or below ``max_p_wait`` (staffing by Erlang C).

    Parameters
    ----------
    lam, mu : float
        Arrival rate and service rate per server (per unit of time).
    max_p_wait : float
        The largest acceptable probability of waiting, between 0 and 1.

    Returns
    -------
    int
        Servers.

    Examples
    --------
    >>> servers_for_wait(9.0, 1.0, 0.2)
    13
    """
    target = validate.number("max_p_wait", max_p_wait, 0.0, 1.0)
    if target == 0:
        raise ValueError("max_p_wait must be above 0: with Poisson arrivals some customers always wait")
    lam, mu, _ = _check(lam, mu, 1)
    a = lam / mu
    b = 1.0
    for c in range(1, MAX_SERVERS + 1):  # Erlang B's recursion, and C from it, one server at a time
        b = a * b / (c + a * b)
        if c > a and c * b / (c - a * (1.0 - b)) <= target:
            return c
    raise ValueError(
        f"no pool of up to {MAX_SERVERS:,} servers keeps P(wait) at or below max_p_wait={target:g} "
        f"(got lam={lam:g}, mu={mu:g})"
    )


def overload_growth(lam: float, mu: float, c: int) -> float:
    """How fast the queue grows when arrivals outpace the servers: ``max(lam - c mu, 0)``.

    Above full utilization there is no steady state: the queue gains
    ``lam - c mu`` customers per unit of time on average (the fluid limit)
    and a customer arriving at time t waits about ``(lam / (c mu) - 1) t``.

    Parameters
    ----------
    lam, mu : float
        Arrival rate and service rate per server.
    c : int
        Servers.

    Returns
    -------
    float
        Customers per unit of time; 0 when lam <= c mu.

    References
    ----------
    M. Harchol-Balter, *Performance Modeling and Design of Computer Systems*, 2013, ch. 2 (stability).

    Examples
    --------
    >>> overload_growth(120.0, 100.0, 1)
    20.0
    """
    lam, mu, c = _check(lam, mu, c)
    return max(lam - c * mu, 0.0)
