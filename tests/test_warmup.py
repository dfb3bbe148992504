"""The warm-up command: topics by package or notebook number, in parallel processes."""

import pytest

from kit import warmup


def test_topics_are_named_by_package_or_notebook_number():
    assert warmup.resolve(["04", "sagas", "caching"]) == ["caching", "sagas"]
    assert warmup.resolve(["00_start_here"]) == ["fanout"]
    assert set(warmup.resolve([])) >= {"fanout", "consistency", "caching", "sagas", "reliability", "sharding"}


def test_an_unknown_topic_is_named_with_the_choices():
    with pytest.raises(SystemExit, match="unknown topic 'cachin'.*caching"):
        warmup.resolve(["cachin"])


def test_warming_a_topic_in_parallel_processes_reports_every_topic(capsys):
    warmup.main(["00", "sagas", "--jobs", "2", "--quiet"])
    line = capsys.readouterr().out
    assert "kit kernels ready for fanout, sagas" in line and "on 2 process(es)" in line
