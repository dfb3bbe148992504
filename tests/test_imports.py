"""The house's import rules, read from the import graph (see CONTRIBUTING, "The shape of a topic").

- Nothing outside ``kit/<topic>/`` imports that topic's private (``_``)
  modules; only the topic's own tests (``tests/test_<topic>_*.py``) may, to
  check kernels against ``tests/naive.py``.
- ``kit/core`` and ``kit/ui`` know no topic.
- No import cycles between the kit's modules (module-level imports).
- A kernels module imported as a module is called ``kk`` everywhere.
- Notebooks import only ``kit``, ``kit.<topic>`` and ``kit.core.rng``, and use
  only names a topic exports (its ``__all__``).
"""

from __future__ import annotations

import ast
import json

import pytest

import kit

from .conftest import NOTEBOOKS, ROOT

TOPICS = {module.__name__.split(".")[1] for module in kit.TOPICS.values()} | {"queueing"}
PENDING: set[str] = set()  # topics whose façade is being reshaped: their rules are skipped, visibly
NOTEBOOK_MODULES = {"kit", "kit.core.rng"} | {f"kit.{t}" for t in TOPICS}


def module_name(path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def imports(path) -> list[tuple[str, str | None, int, bool]]:
    """(module, alias or None, line, whether the module itself is bound) of every module-level import."""
    tree = ast.parse(path.read_text())
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found += [(a.name, a.asname, node.lineno, True) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            for a in node.names:
                full = f"{source}.{a.name}"
                if _is_module(full):
                    found.append((full, a.asname, node.lineno, True))
                else:
                    found.append((source, None, node.lineno, False))
    return found


def python_files(*folders):
    return [
        p for folder in folders for p in sorted((ROOT / folder).rglob("*.py")) if "__pycache__" not in p.parts
    ]


def owner(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "kit" and parts[1] in TOPICS else None


def is_private(module: str) -> bool:
    return any(part.startswith("_") and part != "__init__" for part in module.split(".")[2:])


def _is_kernels(module: str) -> bool:
    last = module.rpartition(".")[2]
    return last.startswith("_") and last.endswith("kernels")


def _skip_pending(topic: str) -> None:
    if topic in PENDING:
        pytest.skip(f"{topic}: its façade is being reshaped (tests/test_imports.py PENDING)")


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_nothing_outside_a_topic_imports_its_private_modules(topic):
    _skip_pending(topic)
    offences = []
    for path in python_files("kit", "benchmarks", "tests"):
        me = module_name(path)
        if owner(me) == topic or path.name.startswith(f"test_{topic}_"):
            continue
        for module, _, line, _ in imports(path):
            if owner(module) == topic and is_private(module):
                offences.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize("layer", ["core", "ui"])
def test_shared_layers_know_no_topic(layer):
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in python_files(f"kit/{layer}")
        for module, _, line, _ in imports(path)
        if owner(module)
    ]
    assert not offences, "\n".join(offences)


def test_no_import_cycles():
    graph = {}
    for path in python_files("kit"):
        graph[module_name(path)] = {m for m, _, _, _ in imports(path) if m.startswith("kit") and m != "kit"}
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_kernels_modules_are_called_kk(topic):
    _skip_pending(topic)
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {module} as {alias or module.rpartition('.')[2]}"
        for path in python_files("kit", "benchmarks", "tests")
        for module, alias, line, bound in imports(path)
        if bound and owner(module) == topic and _is_kernels(module) and alias != "kk"
    ]
    assert not offences, "\n".join(offences)


def _notebook_offences(path) -> list[tuple[str | None, str]]:
    """(topic or None, what is wrong) for every import or name the notebook should not use."""
    nb = json.loads(path.read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    tree = ast.parse(
        "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    )
    offences, aliases = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            offences += [(owner(a.name), f"import {a.name}") for a in node.names if a.name.startswith("kit.")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kit"):
            if node.module not in NOTEBOOK_MODULES:
                offences.append((owner(node.module), f"from {node.module} import ..."))
                continue
            exported = set(getattr(__import__(node.module, fromlist=["_"]), "__all__", ()))
            for a in node.names:
                if a.name not in exported:
                    offences.append(
                        (owner(node.module), f"from {node.module} import {a.name} (not in __all__)")
                    )
                elif node.module == "kit" and a.name in TOPICS:
                    aliases[a.asname or a.name] = a.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            topic = aliases[node.value.id]
            if node.attr not in getattr(kit, topic).__all__:
                offences.append((topic, f"{topic}.{node.attr} (not in kit.{topic}.__all__)"))
    return offences


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_use_only_public_names(path):
    offences = _notebook_offences(path)
    wrong = sorted({msg for topic, msg in offences if topic not in PENDING})
    assert not wrong, "\n".join(wrong)
    pending = sorted({topic for topic, _ in offences if topic in PENDING})
    if pending:
        pytest.skip(f"{pending}: façade being reshaped (tests/test_imports.py PENDING)")
