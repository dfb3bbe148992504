"""Numba kernels of the estimation lab: the M/M/c response-time tail and its quantiles.

Response time T = W + S: the service S is exponential (rate ``mu``); the
wait W is 0 with probability 1 - C and exponential with rate
``theta = c mu - lam`` with probability C (Erlang C). So T is a mixture:
with probability 1 - C an exponential, with probability C the sum of two
exponentials (hypoexponential). Its survival function, with
``d = theta - mu``, is written in the three forms that stay accurate for
d > 0, d < 0 and d = 0 (``expm1`` keeps d near 0 exact).
"""

import math

import numpy as np

from ..core.jit import njit

BISECTIONS = 200  # halvings of the bracket at most; the loop stops at a relative width of 1e-13


@njit
def sojourn_sf(t, mu, theta, p_wait):
    """P(T > t) for t >= 0."""
    d = theta - mu
    if d > 0.0:
        return math.exp(-mu * t) * (1.0 + p_wait * mu * (-math.expm1(-d * t)) / d)
    if d < 0.0:
        return math.exp(-mu * t) + p_wait * mu * math.exp(-theta * t) * (-math.expm1(d * t)) / (-d)
    return math.exp(-mu * t) * (1.0 + p_wait * mu * t)


@njit
def sojourn_quantile(mu, theta, p_wait, tail):
    """The t with P(T > t) = tail, element by element (arrays of one length), by bisection.

    The bracket starts at the service time's own quantile (T >= S) and doubles
    its upper end until the tail there is below ``tail``.
    """
    out = np.empty(mu.size)
    for i in range(mu.size):
        lo = -math.log(tail[i]) / mu[i]
        hi = 2.0 * lo
        while sojourn_sf(hi, mu[i], theta[i], p_wait[i]) > tail[i]:
            lo = hi
            hi *= 2.0
        for _ in range(BISECTIONS):
            mid = 0.5 * (lo + hi)
            if sojourn_sf(mid, mu[i], theta[i], p_wait[i]) > tail[i]:
                lo = mid
            else:
                hi = mid
            if hi - lo <= 1e-13 * hi:
                break
        out[i] = 0.5 * (lo + hi)
    return out
