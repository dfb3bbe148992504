"""Small functions (CONTRIBUTING, "Style"): at most 100 lines of code and 10 parameters each.

Lines are counted from the first statement after the docstring to the end, so a
full numpydoc docstring costs nothing; ``self``/``cls`` are not parameters. A long
argument list becomes a settings record built once by the api (a dataclass for a
public simulator, a named tuple or structured array for a kernel). Functions not
split yet are in ``PENDING`` with their size today: they are skipped visibly, may
not grow, and must leave the dict once they fit.
"""

import ast

import pytest

from .conftest import ROOT

MAX_LINES = 100
MAX_PARAMS = 10
PENDING: dict[str, tuple[int, int]] = {}  # "module:function": (code lines, parameters) today


def _has_docstring(body) -> bool:
    first = body[0]
    return isinstance(first, ast.Expr) and isinstance(getattr(first.value, "value", None), str)


def sizes() -> dict[str, tuple[int, int]]:
    """(code lines, parameters) of every function and method in ``kit/``, by ``path:name``."""
    found = {}
    for path in sorted((ROOT / "kit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = node.body
            start = body[1].lineno if _has_docstring(body) and len(body) > 1 else body[0].lineno
            a = node.args
            params = [*a.posonlyargs, *a.args, *a.kwonlyargs]
            n_params = len(params) - (1 if params and params[0].arg in ("self", "cls") else 0)
            name = f"{path.relative_to(ROOT).as_posix()}:{node.name}"
            lines, n = node.end_lineno - start + 1, n_params
            old = found.get(name, (0, 0))
            found[name] = (max(old[0], lines), max(old[1], n))  # same name twice in a file: the larger
    return found


def test_every_function_is_small():
    too_big = {
        name: size
        for name, size in sizes().items()
        if (size[0] > MAX_LINES or size[1] > MAX_PARAMS) and name not in PENDING
    }
    assert not too_big, f"over {MAX_LINES} lines or {MAX_PARAMS} parameters (lines, parameters): {too_big}"


def test_pending_functions_do_not_grow_and_leave_once_small():
    found = sizes()
    for name, (lines, params) in PENDING.items():
        assert name in found, f"{name} is gone: take it out of PENDING"
        now = found[name]
        assert now[0] <= lines and now[1] <= params, f"{name} grew from {(lines, params)} to {now}"
        assert now[0] > MAX_LINES or now[1] > MAX_PARAMS, f"{name} now fits {now}: take it out of PENDING"
    if PENDING:
        pytest.skip(f"{len(PENDING)} functions still to split (PENDING): {sorted(PENDING)}")


def test_the_counter_sees_a_long_function(tmp_path, monkeypatch):
    """The rule can fail: a generated 101-line, 11-parameter function is found."""
    pkg = tmp_path / "kit"
    pkg.mkdir()
    args = ", ".join(f"a{i}" for i in range(11))
    body = "".join(f"    x{i} = {i}\n" for i in range(101))
    (pkg / "big.py").write_text(f'def big({args}):\n    """Doc."""\n{body}')
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert sizes() == {"kit/big.py:big": (101, 11)}
