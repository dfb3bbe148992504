"""Exercises on queues, asked in lab 06 (reliability); answers come from the theory module."""

from ..exercises import Numeric, register
from . import theory

NOTEBOOK = "06_reliability"

register(
    Numeric(
        NOTEBOOK,
        "mm1-wait",
        prompt="One server handles 1 request per second on average (exponential service); requests arrive "
        "at 0.8 per second (Poisson). How many seconds does a request wait in the queue, on average?",
        answer=lambda: theory.mm1(0.8, 1.0).Wq,
        rel_tol=0.05,
        unit="s",
        mistakes=[
            (
                lambda: theory.mm1(0.8, 1.0).W,
                "That is the time in the system, W = 1/(mu - lam): the wait plus the 1 s of service.",
            ),
            (
                lambda: theory.mm1(0.8, 1.0).Lq,
                "That is L_q = lam W_q, how many wait on average, not for how long.",
            ),
            (0.8, "That is the utilization rho = lam/mu, a fraction of time, not a wait."),
        ],
        hint="Section 1: W_q = rho / (mu - lam), or queueing.mm1(0.8, 1).Wq.",
        solution="M/M/1: W<sub>q</sub> = rho / (mu - lam) = 0.8 / 0.2 = 4 s, four times the service time, "
        "at 80% utilization. At 90% it is 9 s, at 95% 19 s: waiting grows like 1/(1 - rho).",
    )
)

register(
    Numeric(
        NOTEBOOK,
        "erlang-c",
        prompt="Ten servers, each serving 1 request per second; 9 requests per second arrive. What fraction "
        "of requests must wait for a server? (a number between 0 and 1)",
        answer=lambda: theory.erlang_c(9.0, 1.0, 10),
        rel_tol=0.03,
        mistakes=[
            (
                0.9,
                "That is the utilization rho = lam/(c mu): how busy one server is, not whether all ten are.",
            ),
            (
                lambda: theory.erlang_b(9.0, 1.0, 10),
                "That is Erlang B, the share lost when there is no queue; with a queue, arrivals that find "
                "every server busy stay and wait, so more of them find them busy.",
            ),
            (0.1, "That is the idle share of one server."),
        ],
        hint="Erlang C: queueing.erlang_c(9, 1, 10), as in section 1's table.",
        solution="Erlang's C formula with a = lam/mu = 9 and c = 10 gives about 0.669: two requests in "
        "three wait even though every server is idle 10% of the time. "
        "Run <code>queueing.erlang_c(9, 1, 10)</code>.",
    )
)
