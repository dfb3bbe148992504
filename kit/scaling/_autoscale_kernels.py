"""A fleet under a target-tracking autoscaler, one metric period at a time.

The semantics (``kit.scaling.autoscaling`` cites them) in the order a step
applies them:

1. instances whose warm-up has ended come into service (launched at the end of
   step t with a warm-up of W steps, an instance is paid from step t + 1 and
   serves from step t + 1 + W);
2. the step's requests meet the in-service capacity; what does not fit waits
   (a fluid backlog) for the next step; the step misses the SLO when the
   backlog is not empty at its end, or when the rate per instance exceeds the
   rate at which an instance meets the SLO (``slo_rate``);
3. the metric is the step's average CPU of in-service instances (capped at 1);
4. the high alarm fires after ``out_periods`` steps above the target, the low
   alarm after ``in_periods`` steps below ``in_ratio`` x target;
5. high alarm: desired = ceil(in service x metric / target); launch the
   difference to the current capacity, counting instances still warming up;
6. low alarm, unless scale-in is disabled, an instance is warming up, or the
   scale-in cooldown runs: the same desired, and terminate down to it;
7. capacity (in service + warming) stays within [min, max].
"""

import numpy as np

from ..core.jit import njit

# parameter record (float64 array)
(
    P_STEP,
    P_CAP,
    P_SLO_RATE,
    P_TARGET,
    P_IN_RATIO,
    P_WARM,
    P_COOLDOWN,
    P_OUT,
    P_IN,
    P_MIN,
    P_MAX,
    P_NO_IN,
    P_START,
) = range(13)
N_PARAMS = 13
# columns of the per-step output
C_IN_SERVICE, C_WARMING, C_CPU, C_BACKLOG, C_MISSED, C_LAUNCHED, C_TERMINATED, N_COLS = range(8)


@njit
def autoscale(rate, params):
    """Run the fleet over ``rate`` (requests per second, one value per step).

    ``params`` is the record above: step length (s), requests per second one
    instance serves at 100% CPU, the per-instance rate that still meets the SLO,
    target CPU (0-1), scale-in threshold ratio, warm-up in whole steps, scale-in
    cooldown in whole steps, alarm lengths out and in (steps), min and max
    capacity, 1 to disable scale-in, instances at the start (in service).
    Returns float64[steps, N_COLS].
    """
    steps = rate.size
    out = np.zeros((steps, N_COLS))
    step = params[P_STEP]
    cap = params[P_CAP]
    target = params[P_TARGET]
    warm = int(params[P_WARM])
    cooldown = int(params[P_COOLDOWN])
    n_out, n_in = int(params[P_OUT]), int(params[P_IN])
    lo, hi = int(params[P_MIN]), int(params[P_MAX])
    no_scale_in = params[P_NO_IN] > 0
    ready = np.zeros(steps + warm + 2, np.int64)  # launched instances that come into service at step t
    in_service = int(params[P_START])
    warming = 0
    backlog = 0.0
    above = 0
    below = 0
    last_scale_in = -(10**9)
    for t in range(steps):
        in_service += ready[t]
        warming -= ready[t]
        demand = rate[t] * step + backlog
        capacity = in_service * cap * step
        served = min(demand, capacity)
        backlog = demand - served
        cpu = served / capacity if capacity > 0 else 1.0
        out[t, C_IN_SERVICE] = in_service
        out[t, C_WARMING] = warming
        out[t, C_CPU] = cpu
        out[t, C_BACKLOG] = backlog
        late = backlog > 1e-9 or in_service == 0 or rate[t] > in_service * params[P_SLO_RATE]
        out[t, C_MISSED] = 1.0 if late else 0.0
        # the alarms, and the policy's action at the end of the step
        above = above + 1 if cpu > target else 0
        below = below + 1 if cpu < params[P_IN_RATIO] * target else 0
        current = in_service + warming
        desired = int(np.ceil(in_service * cpu / target - 1e-9))
        if above >= n_out and desired > current and current < hi:
            launched = min(desired, hi) - current
            ready[t + 1 + warm] += launched
            warming += launched
            out[t, C_LAUNCHED] = launched
        elif (
            below >= n_in
            and not no_scale_in
            and warming == 0
            and t - last_scale_in >= cooldown
            and max(desired, lo) < current
        ):
            terminated = current - max(desired, lo)
            in_service -= terminated  # no instance is warming: only in-service ones go
            last_scale_in = t
            out[t, C_TERMINATED] = terminated
    return out
