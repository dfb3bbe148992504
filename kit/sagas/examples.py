"""The notebook's running example: booking a trip (Richardson 2018, chapter 4, in travel form).

Reserve a flight, then a hotel and a car in parallel, charge the card (the
pivot: once paid, the trip goes ahead), then confirm the bookings
(retriable: it must eventually succeed). Latencies are medians in ms; the
payment provider has a heavy tail, so some of its calls time out.
"""

from __future__ import annotations

from ..core import validate
from ..core.rng import LogNormal
from .model import Saga, Step, parallel

STEP_NAMES = ("reserve flight", "reserve hotel", "reserve car", "charge payment", "confirm bookings")


def travel_booking(
    p_fail: float | None = None,
    p_permanent: float | None = None,
    idempotent: bool = True,
    attempts: int | None = None,
    mode: str = "orchestration",
) -> Saga:
    """The travel-booking saga; ``p_fail``, ``p_permanent``, ``idempotent``, ``attempts`` apply to every step.

    ``p_permanent`` leaves the retriable confirmation alone (it cannot fail
    for good). Without arguments, each step has its own small failure rates.

    Example
    -------
    >>> travel_booking().steps[3].kind
    'pivot'
    """

    def f(default):
        return default if p_fail is None else validate.probability("p_fail", p_fail)

    def q(default):
        return default if p_permanent is None else validate.probability("p_permanent", p_permanent)

    common = dict(idempotent=idempotent, retry=attempts)
    return Saga(
        [
            Step("reserve flight", "flights", action=120, p_fail=f(0.02), p_permanent=q(0.02), **common),
            parallel(
                Step("reserve hotel", "hotels", action=80, p_fail=f(0.02), p_permanent=q(0.03), **common),
                Step("reserve car", "cars", action=60, p_fail=f(0.02), p_permanent=q(0.02), **common),
            ),
            Step(
                "charge payment",
                "payments",
                action=LogNormal.from_median(200.0, 0.8),  # a third-party provider's tail
                kind="pivot",
                p_fail=f(0.02),
                p_permanent=q(0.05),
                **common,
            ),
            Step("confirm bookings", "bookings", action=30, kind="retriable", p_fail=f(0.05), **common),
        ],
        mode=mode,
        name="travel booking",
    )


def pivot_placements(**kwargs) -> dict[str, Saga]:
    """The travel saga with the payment at three places, for "where does the pivot go?".

    Steps that follow the pivot become retriable-in-spirit but keep their
    compensations, so a failure after the pivot needs a person (stuck).
    """
    base = travel_booking(**kwargs)
    flight, (hotel, car), pay, confirm = (
        base.groups[0][0],
        base.groups[1],
        base.groups[2][0],
        base.groups[3][0],
    )
    orders = {
        "first, before the reservations": [pay, flight, parallel(hotel, car), confirm],
        "after the reservations (as in the example)": [flight, parallel(hotel, car), pay, confirm],
        "between the flight and the hotel and car": [flight, pay, parallel(hotel, car), confirm],
    }
    return {label: Saga(order, mode=base.mode, name=f"pivot {label}") for label, order in orders.items()}
