"""The design spec: requirements, components, flows, data stores, SLOs, and the reasoning around them.

A :class:`Design` is a frozen record built from smaller records (or read from
YAML with :func:`load` / :func:`loads`). Every field is checked when the
record is made; a message names the field by its path in the spec
(``components[2].replicas``, ``flows[0].mode``) so that a learner editing a
YAML file finds the line.

The numbers a design implies (estimate, availability, alerts, cost) are not
stored: :mod:`kit.design.derive` computes them from the spec with the kit's
topics, and :mod:`kit.design.document` writes them into the Markdown.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..core import validate

KINDS = {  # component kind -> what it stands for (the diagram draws each kind in its own shape)
    "client": "a user's browser or app",
    "edge": "a CDN or load balancer in front of the services",
    "service": "a stateless service, replicated behind a load balancer",
    "cache": "an in-memory cache (Redis, Memcached)",
    "database": "a database (its data stores are listed under stores)",
    "queue": "a message broker (Kafka, SQS, RabbitMQ)",
    "worker": "a consumer that processes messages off the request path",
    "object_store": "blob storage (S3, GCS)",
}
MODES = ("sync", "async")
"""A flow is synchronous (the caller waits) or asynchronous (through a queue, off the request path)."""
CONSISTENCY = ("strong", "read_your_writes", "causal", "eventual")
"""A data store's read guarantee, strongest first (lab 02)."""
SLO_KINDS = ("availability", "latency")
ESTIMATE_FIELDS = (  # Requirements fields passed to kit.estimation.Design, same names and meaning
    "dau",
    "actions_per_user",
    "read_fraction",
    "peak_factor",
    "item_bytes",
    "response_bytes",
    "retention_days",
    "replication",
    "monthly_growth",
    "service_ms",
    "cache_hot_fraction",
)


def _text(path: str, value, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise ValueError(f"{path} must be a {'' if empty else 'non-empty '}string (got {path}={value!r})")
    return value.strip()


def _texts(path: str, values) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise ValueError(f"{path} must be a list of strings (got {path}={values!r})")
    _count(path, values)
    return tuple(_text(f"{path}[{i}]", v) for i, v in enumerate(values))


def _count(path: str, values, most: int | None = None) -> None:
    most = config.DESIGN_MAX_ITEMS if most is None else most
    if len(values) > most:
        raise ValueError(f"{path} must have at most {most} entries (got {len(values)})")


def _records(path: str, values, cls) -> tuple:
    """A tuple of ``cls``: records, or dicts of their fields (from YAML)."""
    if isinstance(values, (str, dict)) or not isinstance(values, (list, tuple)):
        raise ValueError(f"{path} must be a list of {cls.__name__} (got {path}={values!r})")
    _count(path, values, config.DESIGN_MAX_COMPONENTS if cls is Component else None)
    return tuple(_record(f"{path}[{i}]", v, cls) for i, v in enumerate(values))


def _record(path: str, value, cls):
    if isinstance(value, cls):
        return value
    if not isinstance(value, dict):
        raise ValueError(f"{path} must be a {cls.__name__} or a mapping of its fields (got {path}={value!r})")
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(value) - names)
    if unknown:
        raise ValueError(f"{path} has unknown fields {unknown}; {cls.__name__} has {sorted(names)}")
    try:
        return cls(**value)
    except ValueError as e:
        raise ValueError(f"{path}.{e}") from None
    except TypeError as e:  # a required field missing
        raise ValueError(f"{path}: {e}") from None


@dataclass(frozen=True)
class Requirements:
    """What the system must do, and the load it must carry (unset numbers from ``config.ESTIMATION_*``).

    Parameters
    ----------
    functional : list of str
        What users can do ("shorten a URL", "follow a short URL").
    non_functional : list of str
        Qualities beyond the SLOs ("short codes are not guessable").
    dau : float, optional
        Daily active users.
    actions_per_user : float, optional
        Requests per user per day.
    read_fraction : float, optional
        Share of requests that read.
    peak_factor : float, optional
        Busiest-hour rate over the daily average.
    item_bytes : float, optional
        Bytes of one written item as stored.
    response_bytes : float, optional
        Bytes of one read's response.
    retention_days : float, optional
        How long items are kept, days.
    replication : int, optional
        Copies of every stored byte in one region.
    monthly_growth : float, optional
        Compound growth of traffic per month.
    service_ms : float, optional
        Mean service time of one request on one worker, ms.
    cache_hot_fraction : float, optional
        Cache memory as a share of a day's reads (used only when a component is a cache).
    regions : int
        Regions the design runs in, each sized for the whole load (active-active).
    """

    functional: tuple[str, ...] = ()
    non_functional: tuple[str, ...] = ()
    dau: float | None = None
    actions_per_user: float | None = None
    read_fraction: float | None = None
    peak_factor: float | None = None
    item_bytes: float | None = None
    response_bytes: float | None = None
    retention_days: float | None = None
    replication: int | None = None
    monthly_growth: float | None = None
    service_ms: float | None = None
    cache_hot_fraction: float | None = None
    regions: int = 1

    def __post_init__(self):
        from .. import estimation

        set_ = object.__setattr__
        set_(self, "functional", _texts("functional", self.functional))
        set_(self, "non_functional", _texts("non_functional", self.non_functional))
        set_(self, "regions", validate.integer("regions", self.regions, 1, config.DESIGN_MAX_REGIONS))
        given = {name: getattr(self, name) for name in ESTIMATE_FIELDS if getattr(self, name) is not None}
        checked = estimation.Design(**given)  # checks each number, naming it; fills the unset ones
        for name in ESTIMATE_FIELDS:
            set_(self, name, getattr(checked, name))


@dataclass(frozen=True)
class Component:
    """A box in the diagram: a deployable with its replicas, availability and own latency.

    Parameters
    ----------
    name : str
        Unique name (letters, digits and ``_``: it is the diagram's node id).
    kind : str
        One of :data:`KINDS`.
    replicas : int
        Instances behind a load balancer (or a database's replicas); any one up serves.
    availability : float, optional
        Availability of one instance (default ``config.ARCHITECTURE_AVAILABILITY``).
    latency_ms : float, optional
        Median own work per call, ms (default ``config.ARCHITECTURE_LATENCY_MS``).
    note : str
        What it does, shown in the document's table.
    """

    name: str
    kind: str = "service"
    replicas: int = 1
    availability: float | None = None
    latency_ms: float | None = None
    note: str = ""

    def __post_init__(self):
        name = _text("name", self.name)
        if not name.replace("_", "").isalnum() or not name.isascii():
            raise ValueError(f"name must be letters, digits and _ (got name={self.name!r})")
        object.__setattr__(self, "name", name)
        validate.choice("kind", self.kind, KINDS)
        validate.integer("replicas", self.replicas, 1, config.ARCHITECTURE_MAX_REPLICAS)
        a = config.ARCHITECTURE_AVAILABILITY if self.availability is None else self.availability
        object.__setattr__(self, "availability", validate.probability("availability", a))
        ms = config.ARCHITECTURE_LATENCY_MS if self.latency_ms is None else self.latency_ms
        object.__setattr__(self, "latency_ms", validate.number("latency_ms", ms, 0.0, 1e6))
        object.__setattr__(self, "note", _text("note", self.note, empty=True))


@dataclass(frozen=True)
class Flow:
    """An arrow: ``source`` calls ``target`` synchronously, or sends it a message asynchronously.

    Parameters
    ----------
    source, target : str
        Component names.
    mode : {"sync", "async"}
        ``sync``: the source waits, so the target's availability multiplies the request's;
        ``async``: the work waits in a queue when the target is down (lab 11).
    label : str
        What travels ("GET /{code}", "click event").
    """

    source: str
    target: str
    mode: str = "sync"
    label: str = ""

    def __post_init__(self):
        object.__setattr__(self, "source", _text("source", self.source))
        object.__setattr__(self, "target", _text("target", self.target))
        validate.choice("mode", self.mode, MODES)
        object.__setattr__(self, "label", _text("label", self.label, empty=True))


@dataclass(frozen=True)
class DataStore:
    """What data lives where, how it is read, and how it is split.

    Parameters
    ----------
    name : str
        The data ("urls", "clicks").
    component : str
        The component holding it (a database, cache or object store).
    consistency : str
        Its read guarantee, one of :data:`CONSISTENCY`.
    shard_key : str, optional
        The key it is partitioned by (None: one node holds it all).
    shards : int
        Partitions.
    share : float
        Share of the design's stored bytes it holds (0..1).
    note : str
        Why this store and this guarantee.
    """

    name: str
    component: str
    consistency: str = "strong"
    shard_key: str | None = None
    shards: int = 1
    share: float = 1.0
    note: str = ""

    def __post_init__(self):
        object.__setattr__(self, "name", _text("name", self.name))
        object.__setattr__(self, "component", _text("component", self.component))
        validate.choice("consistency", self.consistency, CONSISTENCY)
        if self.shard_key is not None:
            object.__setattr__(self, "shard_key", _text("shard_key", self.shard_key))
        validate.integer("shards", self.shards, 1, 1_000_000)
        validate.probability("share", self.share)
        object.__setattr__(self, "note", _text("note", self.note, empty=True))


@dataclass(frozen=True)
class SLO:
    """A service-level objective: a share of good events over a period.

    Parameters
    ----------
    name : str
        What it promises ("redirects succeed").
    kind : {"availability", "latency"}
        Good events are successful requests, or requests faster than ``threshold_ms``.
    objective : float
        Share of good events, between 0 and 1, below 1 (a 100% objective has no error budget).
    threshold_ms : float, optional
        For a latency SLO: the response time a good request stays under, ms.
    days : float, optional
        The period, days (default ``config.DESIGN_SLO_DAYS``).
    """

    name: str
    kind: str = "availability"
    objective: float = 0.999
    threshold_ms: float | None = None
    days: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "name", _text("name", self.name))
        validate.choice("kind", self.kind, SLO_KINDS)
        objective = validate.probability("objective", self.objective)
        if not 0.0 < objective < 1.0:
            raise ValueError(
                f"objective must be strictly between 0 and 1 (got objective={objective:g}): "
                "a 100% objective leaves no error budget"
            )
        if self.kind == "latency":
            if self.threshold_ms is None:
                raise ValueError("threshold_ms must be given for a latency SLO (got threshold_ms=None)")
            validate.positive("threshold_ms", self.threshold_ms)
        elif self.threshold_ms is not None:
            raise ValueError(
                f"threshold_ms is for latency SLOs only (got threshold_ms={self.threshold_ms!r})"
            )
        days = config.DESIGN_SLO_DAYS if self.days is None else self.days
        object.__setattr__(self, "days", validate.number("days", days, 1.0, 366.0))

    @property
    def percentile(self) -> float:
        """``100 * objective``: a latency SLO's percentile."""
        return 100.0 * self.objective


@dataclass(frozen=True)
class Alternative:
    """An option considered and rejected, with the reason.

    Parameters
    ----------
    option : str
        What else could have been built.
    rejected_because : str
        Why not: a number, a risk or a cost.
    """

    option: str
    rejected_because: str

    def __post_init__(self):
        object.__setattr__(self, "option", _text("option", self.option))
        object.__setattr__(self, "rejected_because", _text("rejected_because", self.rejected_because))


@dataclass(frozen=True)
class Risk:
    """What could go wrong, and what the design does about it.

    Parameters
    ----------
    risk : str
        The failure or uncertainty.
    mitigation : str
        What limits it.
    """

    risk: str
    mitigation: str

    def __post_init__(self):
        object.__setattr__(self, "risk", _text("risk", self.risk))
        object.__setattr__(self, "mitigation", _text("mitigation", self.mitigation))


@dataclass(frozen=True)
class Operations:
    """The operational plan: how the design ships, is watched, and who answers.

    Parameters
    ----------
    rollout : str
        How a change reaches production (canary steps, flags, rollback).
    monitoring : str
        What is measured and where (the alerts come from the SLOs).
    on_call : str
        Who is paged, and the runbooks.
    """

    rollout: str = ""
    monitoring: str = ""
    on_call: str = ""

    def __post_init__(self):
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _text(f.name, getattr(self, f.name), empty=True))


@dataclass(frozen=True)
class Design:
    """A system design as a spec: the source of its diagram (:meth:`mermaid`) and document (:meth:`document`).

    Parameters
    ----------
    name : str
        The system ("URL shortener").
    problem : str
        The problem it solves, for whom, in a paragraph.
    requirements : Requirements
        Functional requirements and the load (or a mapping of its fields).
    components : list of Component
        The boxes (or mappings); the first is where requests enter unless ``entry`` says otherwise.
    flows : list of Flow
        The arrows between components.
    stores : list of DataStore
        The data and where it lives.
    slos : list of SLO
        The objectives; the first availability SLO is the one alerts burn against.
    alternatives : list of Alternative
        Options considered and rejected.
    risks : list of Risk
        Risks and mitigations.
    operations : Operations
        Rollout, monitoring and on-call (or a mapping of its fields).
    entry : str, optional
        The component requests arrive at (default: the first component).
    instance : str, optional
        Price-sheet instance for servers (default ``config.ESTIMATION_INSTANCE``).
    purchase : str, optional
        ``on_demand``, ``reserved_1y`` or ``spot`` (default ``config.ESTIMATION_PURCHASE``).

    Examples
    --------
    >>> d = Design("tiny", "say hello", components=[Component("web")])
    >>> d.mermaid().splitlines()[0]
    'flowchart LR'
    """

    name: str
    problem: str = ""
    requirements: Requirements = field(default_factory=Requirements)
    components: tuple[Component, ...] = ()
    flows: tuple[Flow, ...] = ()
    stores: tuple[DataStore, ...] = ()
    slos: tuple[SLO, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    risks: tuple[Risk, ...] = ()
    operations: Operations = field(default_factory=Operations)
    entry: str | None = None
    instance: str | None = None
    purchase: str | None = None

    def __post_init__(self):
        from .. import estimation

        set_ = object.__setattr__
        set_(self, "name", _text("name", self.name))
        set_(self, "problem", _text("problem", self.problem, empty=True))
        set_(self, "requirements", _record("requirements", self.requirements, Requirements))
        set_(self, "operations", _record("operations", self.operations, Operations))
        for name, cls in (
            ("components", Component),
            ("flows", Flow),
            ("stores", DataStore),
            ("slos", SLO),
            ("alternatives", Alternative),
            ("risks", Risk),
        ):
            set_(self, name, _records(name, getattr(self, name), cls))
        if not self.components:
            raise ValueError("components must name at least one component (got components=[])")
        names = [c.name for c in self.components]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"components must have unique names (got {twice} more than once)")
        entry = names[0] if self.entry is None else _text("entry", self.entry)
        if entry not in names:
            raise ValueError(f"entry must be a component (got entry={entry!r}; components: {names})")
        set_(self, "entry", entry)
        self._check_references(names)
        instance = config.ESTIMATION_INSTANCE if self.instance is None else self.instance
        purchase = config.ESTIMATION_PURCHASE if self.purchase is None else self.purchase
        # the estimation's own checks name the price-sheet choices
        estimation.Design(instance=instance, purchase=purchase)
        set_(self, "instance", instance)
        set_(self, "purchase", purchase)

    def _check_references(self, names: list[str]) -> None:
        seen = set()
        for i, f in enumerate(self.flows):
            for end in ("source", "target"):
                if getattr(f, end) not in names:
                    raise ValueError(
                        f"flows[{i}].{end} must be a component (got {getattr(f, end)!r}; components: {names})"
                    )
            if f.source == f.target or (f.source, f.target) in seen:
                raise ValueError(
                    f"flows[{i}] must join two different components once (got {f.source} -> {f.target})"
                )
            seen.add((f.source, f.target))
        for i, s in enumerate(self.stores):
            if s.component not in names:
                raise ValueError(
                    f"stores[{i}].component must be a component (got {s.component!r}; components: {names})"
                )
        total = sum(s.share for s in self.stores)
        if total > 1.0 + 1e-9:
            raise ValueError(f"stores' share must add up to at most 1 (got {total:g})")

    def replace(self, **changes) -> Design:
        """A copy with some fields changed (``requirements={"dau": 1e9}`` changes only those fields).

        Parameters
        ----------
        **changes
            Fields of :class:`Design`; a mapping given for ``requirements`` or
            ``operations`` updates that record's fields.

        Returns
        -------
        Design
        """
        for name in ("requirements", "operations"):
            if isinstance(changes.get(name), dict):
                changes[name] = dataclasses.replace(getattr(self, name), **changes[name])
        try:
            return dataclasses.replace(self, **changes)
        except TypeError as e:
            raise ValueError(f"replace: {e}") from None

    def component(self, name: str) -> Component:
        """The component called ``name``.

        Parameters
        ----------
        name : str
            A component's name.

        Returns
        -------
        Component
        """
        for c in self.components:
            if c.name == name:
                return c
        raise ValueError(f"name must be a component of the design (got name={name!r})")

    def slo(self, kind: str = "availability") -> SLO | None:
        """The first SLO of ``kind``, or None.

        Parameters
        ----------
        kind : {"availability", "latency"}

        Returns
        -------
        SLO or None
        """
        validate.choice("kind", kind, SLO_KINDS)
        return next((s for s in self.slos if s.kind == kind), None)

    def to_dict(self) -> dict:
        """The spec as plain data (what :func:`loads` reads back).

        Returns
        -------
        dict
        """
        return dataclasses.asdict(self)

    # the derived numbers, the diagram and the document live in their own modules
    def mermaid(self) -> str:
        """The architecture diagram as Mermaid ``flowchart`` text.

        Returns
        -------
        str
            Display it with ``IPython.display.Markdown(f"```mermaid\\n{text}\\n```")``
            (JupyterLab draws it) or paste it into any Mermaid renderer.
        """
        from .document import mermaid

        return mermaid(self)

    def document(self) -> str:
        """The design document as Markdown, every number computed by the kit.

        Returns
        -------
        str
            Sections: problem and requirements, estimate, design (with the diagram),
            alternatives, trade-offs, cost, SLOs and alerts, risks, operational plan.
        """
        from .document import document

        return document(self)


def loads(text: str) -> Design:
    """A :class:`Design` from YAML text.

    Parameters
    ----------
    text : str
        YAML with the fields of :class:`Design` at the top level.

    Returns
    -------
    Design

    Examples
    --------
    >>> loads("name: tiny\\ncomponents: [{name: web}]").components[0].kind
    'service'
    """
    import yaml

    if not isinstance(text, str):
        raise ValueError(f"text must be YAML text (got text={text!r})")
    if len(text.encode()) > config.DESIGN_MAX_SPEC_BYTES:
        raise ValueError(f"text must be at most {config.DESIGN_MAX_SPEC_BYTES:,} bytes of YAML")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ValueError(f"text is not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise ValueError(f"text must hold a mapping of Design's fields (got {type(data).__name__})")
    names = {f.name for f in dataclasses.fields(Design)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"text has unknown fields {unknown}; a Design has {sorted(names)}")
    if "name" not in data:
        raise ValueError("name must be given: the spec has no name field")
    return Design(**_numbers(data))


def _numbers(value):
    """YAML 1.1 reads ``1e8`` as a string: turn such strings back into numbers."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return number if math.isfinite(number) and any(c.isdigit() for c in value) else value
    return value


def load(path) -> Design:
    """A :class:`Design` from a YAML file.

    Parameters
    ----------
    path : str or pathlib.Path
        The spec file.

    Returns
    -------
    Design

    Examples
    --------
    >>> from kit.design import example_path
    >>> load(example_path("url_shortener")).name
    'URL shortener'
    """
    if not isinstance(path, (str, Path)):
        raise ValueError(f"path must be a file name (got path={path!r})")
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"path must be an existing YAML file (got path={str(path)!r})")
    if p.stat().st_size > config.DESIGN_MAX_SPEC_BYTES:
        raise ValueError(f"path must be at most {config.DESIGN_MAX_SPEC_BYTES:,} bytes (got {str(path)!r})")
    return loads(p.read_text(encoding="utf-8"))


def dumps(design: Design) -> str:
    """The spec as YAML text (what :func:`loads` reads back).

    Parameters
    ----------
    design : Design

    Returns
    -------
    str
    """
    import yaml

    if not isinstance(design, Design):
        raise ValueError(f"design must be a Design (got design={design!r})")
    return yaml.safe_dump(_plain(design.to_dict()), sort_keys=False, allow_unicode=True, width=100)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def what_if(
    design: Design,
    traffic: float = 1.0,
    objective: float | None = None,
    threshold_ms: float | None = None,
    regions: int | None = None,
    replicas: dict | None = None,
    modes: dict | None = None,
) -> Design:
    """The design with its inputs changed, everything else kept: what the labs' controls call.

    Parameters
    ----------
    design : Design
    traffic : float
        Multiplies the daily active users (10: ten times the traffic).
    objective : float, optional
        New objective of the (first) availability SLO.
    threshold_ms : float, optional
        New threshold of the (first) latency SLO, ms.
    regions : int, optional
        New number of regions.
    replicas : dict, optional
        ``{component: replicas}``.
    modes : dict, optional
        ``{(source, target): "sync" or "async"}`` for existing flows.

    Returns
    -------
    Design

    Examples
    --------
    >>> from kit.design import example
    >>> what_if(example("url_shortener"), traffic=10).requirements.dau
    500000000.0
    """
    if not isinstance(design, Design):
        raise ValueError(f"design must be a Design (got design={design!r})")
    r = design.requirements
    factor = validate.positive("traffic", traffic)
    req = {"dau": r.dau * factor}
    if regions is not None:
        req["regions"] = validate.integer("regions", regions, 1, config.DESIGN_MAX_REGIONS)
    slos = list(design.slos)
    for kind, field_, value in (
        ("availability", "objective", objective),
        ("latency", "threshold_ms", threshold_ms),
    ):
        if value is not None:
            i = next((i for i, s in enumerate(slos) if s.kind == kind), None)
            if i is None:
                raise ValueError(f"{field_}: the design has no {kind} SLO to change")
            try:
                slos[i] = dataclasses.replace(slos[i], **{field_: value})
            except ValueError as e:
                raise ValueError(f"{field_}: {e}") from None
    components = list(design.components)
    for name, n in _mapping("replicas", replicas).items():
        i = [c.name for c in components].index(design.component(name).name)
        components[i] = dataclasses.replace(
            components[i], replicas=validate.integer("replicas", n, 1, 10_000)
        )
    flows = list(design.flows)
    for pair, mode in _mapping("modes", modes).items():
        i = next((i for i, f in enumerate(flows) if (f.source, f.target) == tuple(pair)), None)
        if i is None:
            raise ValueError(f"modes must name existing flows (got {pair!r})")
        flows[i] = dataclasses.replace(flows[i], mode=validate.choice("modes", mode, MODES))
    try:
        requirements = dataclasses.replace(r, **req)
    except ValueError as e:
        raise ValueError(f"traffic x{factor:g} or regions={regions!r} is out of range: {e}") from None
    return dataclasses.replace(
        design,
        requirements=requirements,
        slos=tuple(slos),
        components=tuple(components),
        flows=tuple(flows),
    )


def _mapping(name: str, value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be a mapping (got {name}={value!r})")
    return value
