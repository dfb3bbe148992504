"""The warm-up command: topics by package or notebook number, in parallel processes."""

import subprocess
import sys

import pytest

from kit import warmup


def test_topics_are_named_by_package_or_notebook_number():
    assert warmup.resolve(["04", "sagas", "caching"]) == ["caching", "sagas"]
    assert warmup.resolve(["00_start_here"]) == ["fanout"]
    assert set(warmup.resolve([])) >= {"fanout", "consistency", "caching", "sagas", "reliability", "sharding"}


def test_an_unknown_topic_is_named_with_the_choices():
    with pytest.raises(SystemExit, match=r"unknown topic 'cachin'.*caching"):
        warmup.resolve(["cachin"])


def test_warming_a_topic_in_parallel_processes_reports_every_topic(capsys):
    warmup.main(["00", "sagas", "--jobs", "2", "--quiet"])
    line = capsys.readouterr().out
    assert "kit kernels ready for fanout, sagas" in line and "on 2 process(es)" in line


PENDING_ONE_SIGNATURE: set[str] = set()  # kernels still compiled for several argument types


@pytest.mark.parametrize("topic", warmup.resolve([]))
def test_warm_compiles_each_kernel_for_one_set_of_types(topic):
    """Each specialisation is a compilation on a learner's first run: one per kernel."""
    if topic in PENDING_ONE_SIGNATURE:
        pytest.skip(f"{topic}: kernels still compiled for several argument types (PENDING_ONE_SIGNATURE)")
    code = (
        "import kit\nfrom kit.core.jit import kernels\n"
        f"kit.{topic}.warm()\n"
        "print([f'{k.__name__}: {len(k.signatures)}' for k in kernels() if len(k.signatures) > 1])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"kernels compiled for several argument types: {out.stdout}"
