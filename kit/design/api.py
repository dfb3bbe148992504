"""The public surface of ``kit.design``: a design as a spec, its diagram, its document and its review.

- :mod:`~kit.design.spec`: the records (:class:`Design` and its parts), YAML in and out;
- :mod:`~kit.design.derive`: the numbers a design implies, from the kit's topics
  (estimation, architecture, reliability);
- :mod:`~kit.design.document`: the Mermaid diagram and the Markdown document;
- :mod:`~kit.design.reviewer`: what a reviewer would send back;
- :mod:`~kit.design.capstone`: one system end to end, each step's decision an input.
"""

import functools
from pathlib import Path

from .capstone import Capstone, capstone, hit_ratio
from .derive import (
    alerts,
    availability,
    bill,
    budgets,
    cross_region_ms,
    estimate,
    estimation_design,
    graph,
    latency_ms,
    monthly_usd,
    path_availability,
    shards_needed,
)
from .document import SECTIONS, numbers
from .reviewer import review
from .spec import (
    CONSISTENCY,
    KINDS,
    MODES,
    SLO,
    SLO_KINDS,
    Alternative,
    Component,
    DataStore,
    Design,
    Flow,
    Operations,
    Requirements,
    Risk,
    dumps,
    load,
    loads,
    what_if,
)

EXAMPLES = {
    "url_shortener": "a URL shortener: the good document of lab 12, the capstone's start",
    "url_shortener_poor": "the same system's first draft: the poor document the learner fixes",
}
"""The example specs shipped with the kit (``kit/design/specs/<name>.yaml``)."""


def example_path(name: str) -> Path:
    """Where an example spec's YAML file is (copy it to start your own).

    Parameters
    ----------
    name : str
        One of :data:`EXAMPLES`.

    Returns
    -------
    pathlib.Path
    """
    if name not in EXAMPLES:
        raise ValueError(f"name must be one of {', '.join(EXAMPLES)} (got name={name!r})")
    return Path(__file__).with_name("specs") / f"{name}.yaml"


@functools.lru_cache(maxsize=8)
def example(name: str) -> Design:
    """An example spec, loaded.

    Parameters
    ----------
    name : str
        One of :data:`EXAMPLES`.

    Returns
    -------
    Design

    Examples
    --------
    >>> example("url_shortener").requirements.read_fraction
    0.99
    """
    return load(example_path(name))


def write(design: Design, path) -> Path:
    """Write the design's document (Markdown) to ``path``: the file you keep.

    Parameters
    ----------
    design : Design
    path : str or pathlib.Path
        A ``.md`` file; its folder must exist.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    if not isinstance(design, Design):
        raise ValueError(f"design must be a Design (got design={design!r})")
    if not isinstance(path, (str, Path)) or not str(path).endswith(".md"):
        raise ValueError(f"path must be a file name ending in .md (got path={path!r})")
    p = Path(path)
    if not p.parent.is_dir():
        raise ValueError(f"path must be in an existing folder (got path={str(path)!r})")
    p.write_text(design.document(), encoding="utf-8")
    return p


def warm() -> None:
    """Compile (or load from cache) the kernels a design's numbers run (the service-graph simulation).

    Returns
    -------
    None
    """
    from .. import architecture

    architecture.warm()


__all__ = [
    "CONSISTENCY",
    "EXAMPLES",
    "KINDS",
    "MODES",
    "SECTIONS",
    "SLO",
    "SLO_KINDS",
    "Alternative",
    "Capstone",
    "Component",
    "DataStore",
    "Design",
    "Flow",
    "Operations",
    "Requirements",
    "Risk",
    "alerts",
    "availability",
    "bill",
    "budgets",
    "capstone",
    "cross_region_ms",
    "dumps",
    "estimate",
    "estimation_design",
    "example",
    "example_path",
    "graph",
    "hit_ratio",
    "latency_ms",
    "load",
    "loads",
    "monthly_usd",
    "numbers",
    "path_availability",
    "review",
    "shards_needed",
    "warm",
    "what_if",
    "write",
]
