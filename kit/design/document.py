"""The diagram (Mermaid) and the design document (Markdown) of a :class:`~kit.design.Design`.

Every number in the document comes from :mod:`kit.design.derive` (which
calls the kit's topics); this module only formats. The sections follow the
shape of a design document as reviewed at many companies (problem and
requirements; estimate; the design; alternatives; trade-offs; cost; SLOs and
alerts; risks; operational plan): see G. Orosz, "Software architecture is
overrated, clear and simple design is underrated" (2019), and the Google
design-doc practice described by M. Ubl, "Design Docs at Google" (2020).
"""

from __future__ import annotations

import math
import re

from .. import config
from . import derive
from .reviewer import review
from .spec import Design

SHAPES = {  # kind -> Mermaid flowchart node shape (open, close)
    "client": ("([", "])"),
    "edge": ("{{", "}}"),
    "service": ("[", "]"),
    "cache": ("[/", "/]"),
    "database": ("[(", ")]"),
    "queue": (">", "]"),
    "worker": ("[[", "]]"),
    "object_store": ("[(", ")]"),
}
ARROWS = {"sync": "-->", "async": "-.->"}
SECTIONS = (
    "Problem and requirements",
    "Back-of-the-envelope estimate",
    "The design",
    "Alternatives considered",
    "Trade-offs",
    "Cost per month",
    "SLOs and alerts",
    "Risks",
    "Operational plan",
)
"""The document's sections (level-2 headings), in order."""


def _label(text: str) -> str:
    """Text Mermaid draws as is inside quotes (its entity codes for what would end the label)."""
    return re.sub(r"\s+", " ", text).replace('"', "#quot;").replace("|", "#124;")


def mermaid(design: Design) -> str:
    """The design's diagram as Mermaid ``flowchart LR`` text.

    Solid arrows are synchronous calls, dotted ones asynchronous messages;
    each kind of component has its own shape (a database a cylinder, a queue a
    flag); replicas are written as ``x N``. With several regions, everything
    but the clients sits in a box saying so.

    Parameters
    ----------
    design : Design

    Returns
    -------
    str
    """
    design = derive._check(design)
    lines = ["flowchart LR"]
    regions = design.requirements.regions
    inside = [c for c in design.components if c.kind != "client"]
    for c in design.components:
        if c.kind == "client":
            lines.append(_node(c))
    if regions > 1:
        lines.append(f'    subgraph region["each of {regions} regions"]')
    lines += ["    " * (regions > 1) + _node(c) for c in inside]
    if regions > 1:
        lines.append("    end")
    for f in design.flows:
        label = f'|"{_label(f.label)}"|' if f.label else ""
        lines.append(f"    {f.source} {ARROWS[f.mode]}{label} {f.target}")
    return "\n".join(lines)


def _node(c) -> str:
    opening, closing = SHAPES[c.kind]
    text = c.name.replace("_", " ") + (f" x{c.replicas}" if c.replicas > 1 else "")
    return f'    {c.name}{opening}"{_label(text)}"{closing}'


def _bytes(b: float) -> str:
    for unit, size in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if b >= size:
            return f"{b / size:,.1f} {unit}"
    return f"{b:,.0f} B"


def _pct(a: float) -> str:
    """An availability with enough digits to show its last nine (99.9999%, not 100.0000%)."""
    digits = 2 if a >= 1.0 else min(max(2, -math.floor(math.log10(1.0 - a)) - 1), 10)
    return f"{a * 100:.{digits}f}%"


def _hours(h: float) -> str:
    return f"{h:g} h" if h >= 1 else f"{h * 60:g} min"


def _table(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(out)


def _bullets(items, empty: str) -> str:
    return "\n".join(f"- {i}" for i in items) if items else f"_{empty}_"


def numbers(design: Design) -> dict:
    """The numbers the document quotes, by name (what a test regenerates from the kit's topics).

    Parameters
    ----------
    design : Design

    Returns
    -------
    dict
        ``peak_rps``, ``read_peak_rps``, ``write_peak_rps``, ``stored_bytes`` (at the
        horizon, one region), ``workers`` and ``instances`` (one region), ``availability``,
        ``monthly_usd``, ``usd_per_million``, ``latency_ms`` (at the latency SLO's
        percentile, or p99), ``cross_region_ms``, ``budget_min`` (of the availability SLO, or NaN).
    """
    design = derive._check(design)
    e = derive.estimate(design)
    t = e.traffic
    latency = design.slo("latency")
    slo = design.slo("availability")
    budgets = derive.budgets(design)
    month_requests = float(t.average.to("req/s").magnitude) * 86_400 * 365.25 / 12
    grown = month_requests * (1.0 + e.design.monthly_growth) ** e.design.bill_month
    usd = derive.monthly_usd(design)
    return {
        "peak_rps": float(t.peak.to("req/s").magnitude),
        "read_peak_rps": float(t.read_peak.to("req/s").magnitude),
        "write_peak_rps": float(t.write_peak.to("req/s").magnitude),
        "stored_bytes": float(e.storage.stored[-1].to("B").magnitude),
        "workers": int(e.sizing.needed),
        "instances": int(e.instances),
        "availability": derive.availability(design),
        "monthly_usd": usd,
        "usd_per_million": usd / (grown / 1e6) if grown else float("inf"),
        "latency_ms": derive.latency_ms(design, 99.0 if latency is None else latency.percentile),
        "cross_region_ms": derive.cross_region_ms(design),
        "budget_min": float(budgets.loc[budgets["slo"] == slo.name, "budget_min"].iloc[0])
        if slo
        else float("nan"),
    }


def _requirements(design: Design) -> str:
    r = design.requirements
    return "\n\n".join(
        [
            design.problem or "_No problem statement._",
            "**Functional**\n\n" + _bullets(r.functional, "none written"),
            "**Non-functional**\n\n" + _bullets(r.non_functional, "none written"),
            "**Load** (the estimate's inputs)\n\n"
            + _table(
                ["daily active users", "requests per user per day", "reads", "peak / average", "regions"],
                [
                    [
                        f"{r.dau:,.0f}",
                        f"{r.actions_per_user:g}",
                        f"{r.read_fraction:.0%}",
                        f"{r.peak_factor:g}",
                        r.regions,
                    ]
                ],
            ),
        ]
    )


def _estimate(design: Design, n: dict) -> str:
    e = derive.estimate(design)
    d = e.design
    rows = [
        [
            "peak requests",
            f"{n['peak_rps']:,.0f} /s",
            f"DAU x actions / 86,400 s x peak factor {d.peak_factor:g}",
        ],
        [
            "peak reads / writes",
            f"{n['read_peak_rps']:,.0f} / {n['write_peak_rps']:,.0f} /s",
            f"read share {d.read_fraction:g}",
        ],
        [
            f"stored after {e.storage.months[-1]} months",
            _bytes(n["stored_bytes"]),
            f"writes x {d.item_bytes:,.0f} B x {d.replication} copies, kept {d.retention_days:,.0f} days",
        ],
        ["cache memory", _bytes(float(e.cache_bytes.to("B").magnitude)), "hot share of a day's reads"],
        [
            "workers for the latency SLO",
            f"{n['workers']:,} = {n['instances']:,} x {d.instance}",
            f"M/M/c p{d.percentile:g} <= {d.slo_ms:g} ms at {d.service_ms:g} ms per request",
        ],
    ]
    note = "Per region; kit.estimation (lab 01) derives each number from the load above."
    return _table(["quantity", "value", "how"], rows) + f"\n\n{note}"


def _design(design: Design) -> str:
    comps = _table(
        ["component", "kind", "replicas", "availability each", "note"],
        [[c.name, c.kind, c.replicas, f"{c.availability:.3%}", c.note] for c in design.components],
    )
    shards = derive.shards_needed(design)
    stores = _table(
        ["data", "in", "consistency", "shard key", "shards (needed)", "why"],
        [
            [s.name, s.component, s.consistency, s.shard_key or "none", f"{s.shards} ({need})", s.note]
            for s, need in zip(design.stores, shards["needed"], strict=True)
        ],
    )
    legend = "Solid arrows: synchronous calls (the caller waits). Dotted: asynchronous messages."
    return f"```mermaid\n{mermaid(design)}\n```\n\n{legend}\n\n{comps}\n\n**Data**\n\n{stores}"


def _tradeoffs(design: Design, n: dict) -> str:
    g = derive._graph(design)
    one = g.availability()
    slo = design.slo("latency")
    q = 99.0 if slo is None else slo.percentile
    weakest = min(
        (c for c in design.components if c.name in set(g.reached())),
        key=lambda c: g.unit_availability(c.name),
    )
    consistency = sorted({s.consistency for s in design.stores}) or ["none stated"]
    lines = [
        f"**Availability.** The synchronous path reaches {len(g.reached())} components; one region is up "
        f"{_pct(one)} of the time, {design.requirements.regions} region(s) {_pct(n['availability'])} "
        f"(regions assumed to fail independently). The weakest unit is {weakest.name} "
        f"({_pct(g.unit_availability(weakest.name))}). Asynchronous flows do not count: "
        "their work waits in a queue.",
        f"**Latency.** The diagram's p{q:g} is {n['latency_ms']:,.1f} ms of own work and round trips "
        "(simulated, without queueing)"
        + (
            f"; a strongly consistent write across regions waits {n['cross_region_ms']:,.0f} ms more "
            "(a round trip at the speed of light in fibre)."
            if n["cross_region_ms"]
            else "."
        ),
        f"**Consistency.** Guarantees used: {', '.join(consistency)}. "
        "Each store's reason is in its row above.",
        f"**Cost.** {n['monthly_usd']:,.0f} USD per month, "
        f"{n['usd_per_million']:.2f} USD per million requests.",
    ]
    return "\n\n".join(lines)


def _cost(design: Design, n: dict) -> str:
    b = derive.bill(design)
    rows = [[r.line, r.item, f"{r.quantity:,.0f} {r.unit}", f"{r.monthly_usd:,.0f}"] for r in b.itertuples()]
    rows.append(["**total**", "", "", f"**{n['monthly_usd']:,.0f}**"])
    month = derive.estimate(design).design.bill_month
    return (
        _table(["line", "item", "quantity", "USD / month"], rows)
        + f"\n\nMonth {month} from now, {design.purchase} prices from kit.estimation's sheet, all "
        f"{design.requirements.regions} region(s). Left out: load balancers, monitoring, support, people."
    )


def _slos(design: Design) -> str:
    if not design.slos:
        return "_No SLOs: nothing defines a good event, so nothing can alert._"
    budgets = derive.budgets(design)
    rows = []
    for s, b in zip(design.slos, budgets.itertuples(), strict=True):
        good = "requests succeed" if s.kind == "availability" else f"requests under {s.threshold_ms:g} ms"
        spent = "" if s.kind != "availability" else f"{b.expected_min:,.1f}"
        rows.append(
            [s.name, f"{s.objective:.3%} of {good}", f"{s.days:g} days", f"{b.budget_min:,.1f}", spent]
        )
    table = _table(
        ["SLO", "objective", "period", "error budget (min)", "the diagram spends (min)"],
        rows,
    )
    a = derive.alerts(design)
    alerts = _table(
        [
            "SLO",
            "alert",
            "burn rate",
            "windows",
            "fires at error rate",
            "fires after (total outage)",
            "action",
        ],
        [
            [
                r.slo,
                r.rule,
                f"{r.burn_rate:.3g}",
                f"{_hours(r.long_h)} and {_hours(r.short_h)}",
                f"{r.error_rate:.3%}",
                f"{r.detect_min:,.1f} min",
                r.severity,
            ]
            for r in a.itertuples()
        ],
    )
    return (
        f"{table}\n\n**Alerts** (multiwindow burn rates, The Site Reliability Workbook ch. 5; "
        f"kit.reliability)\n\n{alerts}"
    )


def _risks(design: Design) -> str:
    found = review(design)
    rows = [[r.risk, r.mitigation] for r in design.risks]
    text = _table(["risk", "mitigation"], rows) if rows else "_No risks written._"
    if len(found):
        text += "\n\n**Open review findings**\n\n" + _table(
            ["field", "problem", "fix"], found.values.tolist()
        )
    return text


def _operations(design: Design) -> str:
    o = design.operations
    return "\n".join(
        f"- **{name}**: {getattr(o, key) or '_not written_'}"
        for name, key in (("Rollout", "rollout"), ("Monitoring", "monitoring"), ("On-call", "on_call"))
    )


def document(design: Design) -> str:
    """The design document as Markdown: every section, every number from the kit.

    Parameters
    ----------
    design : Design

    Returns
    -------
    str
        A level-1 title and the level-2 :data:`SECTIONS` in order.
    """
    design = derive._check(design)
    n = numbers(design)
    alternatives = _table(
        ["option", "rejected because"], [[a.option, a.rejected_because] for a in design.alternatives]
    )
    bodies = [
        _requirements(design),
        _estimate(design, n),
        _design(design),
        alternatives if design.alternatives else "_None considered._",
        _tradeoffs(design, n),
        _cost(design, n),
        _slos(design),
        _risks(design),
        _operations(design),
    ]
    parts = [f"# {design.name}: design document"]
    parts += [
        f"## {i}. {title}\n\n{body}" for i, (title, body) in enumerate(zip(SECTIONS, bodies, strict=True), 1)
    ]
    parts.append(f"_Generated by sysdesign-kit from the design's spec (seed {config.SEED})._")
    return "\n\n".join(parts) + "\n"
