"""Shared test helpers: project paths, the shared fixtures, app driving."""

import os
from pathlib import Path

import pytest
from hypothesis import settings

# No deadlines: the first example of a kernel test includes numba's compilation,
# and these machines are noisy. Timings belong in benchmarks/, never in tests.
settings.register_profile("kit", deadline=None)
settings.load_profile("kit")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FIXTURES = Path(os.environ.get("KIT_FIXTURES", ROOT.parent / "shared" / "fixtures"))


@pytest.fixture(autouse=True, scope="session")
def _progress_file_in_tmp(tmp_path_factory):
    """Answers checked by any test (or a notebook it runs) are recorded in a tmp file, never the home."""
    path = tmp_path_factory.mktemp("progress") / "progress.json"
    saved = os.environ.get("KIT_PROGRESS_FILE")
    os.environ["KIT_PROGRESS_FILE"] = str(path)
    yield path
    if saved is None:
        del os.environ["KIT_PROGRESS_FILE"]
    else:
        os.environ["KIT_PROGRESS_FILE"] = saved


def fixture_path(*parts: str) -> Path:
    """A file or folder of the shared fixtures, or a visible skip when absent."""
    path = FIXTURES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared fixture {path} is absent (set KIT_FIXTURES to its folder)")
    return path


def require(env_flag: str, reason: str):
    """Skip with ``reason``, or fail when ``env_flag`` says this must run (CI)."""
    if os.environ.get(env_flag) == "1":
        pytest.fail(f"{reason}, but {env_flag}=1 requires it")
    pytest.skip(reason)
