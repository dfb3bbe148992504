"""Binder's environment, rebuilt as far as this machine allows.

repo2docker installs ``binder/requirements.txt`` (it ignores pyproject.toml
when ``binder/`` exists), runs ``postBuild`` at build time and wraps every
process in ``start``. The reproduction: a fresh venv from the requirements,
postBuild, then a new process (through ``start``) runs every notebook's code
(the start notebook first) and must load every kernel from numba's cache,
compiling nothing: a learner's first slider move is as fast as the hundredth.
"""

import json
import os
import re
import subprocess
import tomllib
import venv

import pytest

from tests.conftest import NOTEBOOKS, ROOT, require

BINDER = ROOT / "binder"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower()


def test_requirements_pin_every_direct_dependency_then_the_kit():
    lines = [s for s in (BINDER / "requirements.txt").read_text().splitlines() if s and not s.startswith("#")]
    pins = {_name(s): s for s in lines[:-1]}
    assert lines[-1] in ("-e .", ".")
    direct = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for dep in direct:
        assert _name(dep) in pins, f"binder/requirements.txt does not pin {dep}"
        assert re.fullmatch(r"[\w.-]+==[\w.]+", pins[_name(dep)]), f"not an exact pin: {pins[_name(dep)]}"


def test_runtime_postbuild_and_start():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    post, start = (BINDER / "postBuild").read_text(), (BINDER / "start").read_text()
    assert "set -e" in post and "kit.warmup" in post
    assert start.rstrip().endswith('exec "$@"')
    assert "numba.env" in post and "numba.env" in start  # one place for NUMBA_CACHE_DIR
    assert os.access(BINDER / "postBuild", os.X_OK) and os.access(BINDER / "start", os.X_OK)


NOTEBOOKS_AS_SCRIPT = """
import json, sys
import nbformat
from IPython.display import display
from kit.core.jit import compile_stats
for path in sys.argv[1:]:
    namespace = {"display": display}  # a builtin inside Jupyter
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, path, "exec"), namespace)
print(json.dumps(compile_stats()))
"""


@pytest.mark.slow
def test_fresh_binder_env_runs_every_notebook_from_cache(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "-r", BINDER / "requirements.txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if install.returncode:
        if "Could not find a version" in install.stderr or "Failed to establish" in install.stderr:
            require("KIT_REQUIRE_BINDER", f"the pinned packages cannot be installed: {install.stderr[-500:]}")
        pytest.fail(install.stderr[-3000:])
    env = {
        **os.environ,
        "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache"),
        "HOME": str(tmp_path),
    }
    env.pop("PYTHONPATH", None)
    env.pop("NUMBA_DISABLE_JIT", None)
    subprocess.run(["bash", BINDER / "postBuild"], cwd=ROOT, env=env, check=True)
    script = tmp_path / "run_notebooks.py"
    script.write_text(NOTEBOOKS_AS_SCRIPT)
    out = subprocess.run(
        [BINDER / "start", "python", script, *NOTEBOOKS],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    stats = json.loads(out.stdout.strip().splitlines()[-1])
    assert stats, "the notebooks ran no kernel"
    compiled = {name: misses for name, (hits, misses) in stats.items() if misses}
    assert not compiled, f"kernels compiled at run time instead of loading from the cache: {compiled}"
    assert all(hits > 0 for hits, _ in stats.values())
