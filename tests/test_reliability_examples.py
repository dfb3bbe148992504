"""The runnable Examples in the docstrings of kit.queueing and kit.reliability still run and still hold."""

import doctest
import importlib

import pytest

MODULES = [
    "kit.queueing.api",
    "kit.queueing.theory",
    "kit.queueing.policies",
    "kit.reliability.availability",
    "kit.reliability.backoff",
    "kit.reliability.health",
    "kit.reliability.resilience",
    "kit.reliability.storms",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
