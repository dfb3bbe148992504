"""Every public function and class of every topic has a numpydoc docstring that matches its signature.

Read with numpydoc's own parser (``numpydoc.docscrape``):

- a function documents each of its parameters under ``Parameters`` (and no
  parameter it does not have) and, unless it returns ``None``, what it
  returns under ``Returns`` (with units where the value has one);
- a record (a dataclass) documents each field under ``Parameters`` (records
  people build) or ``Attributes`` (results the api builds);
- other classes document their constructor's parameters; an App says what it shows;
- section headings are numpydoc's (``Examples``, not ``Example``).
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings

import pytest
from numpydoc.docscrape import NumpyDocString

import kit
from kit.ui.app import App

from .public_calls import SHARED

TOPICS = {module.__name__.split(".")[1] for module in kit.TOPICS.values()} | {"queueing", *SHARED}
PENDING: set[str] = set()  # topics whose docstrings are being brought to the rules: skipped, visibly


def public(topic: str):
    module = getattr(kit, topic)
    for name in SHARED[topic] if topic in SHARED else module.__all__:
        obj = getattr(module, name)
        if callable(obj) and not inspect.ismodule(obj):
            yield f"{topic}.{name}", obj


def _parse(obj) -> NumpyDocString | None:
    doc = inspect.getdoc(obj)
    if not doc:
        return None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parsed = NumpyDocString(doc)
    parsed.unknown_sections = [str(w.message) for w in caught]
    return parsed


def _names(section) -> set[str]:
    names = set()
    for item in section:
        for name in item.name.split(","):
            names.add(name.strip().lstrip("*"))
    return names


def _signature_names(fn) -> set[str]:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return set()
    return {p.name for p in params if p.name != "self"}


def problems(name: str, obj) -> list[str]:
    doc = _parse(obj)
    if doc is None:
        return [f"{name}: no docstring"]
    found = [f"{name}: {w}" for w in doc.unknown_sections]
    if inspect.isclass(obj) and issubclass(obj, App):
        return found
    if inspect.isclass(obj) and dataclasses.is_dataclass(obj):
        fields = {f.name for f in dataclasses.fields(obj) if f.init}
        documented = _names(doc["Parameters"]) | _names(doc["Attributes"])
        found += [f"{name}: field {f!r} not documented" for f in sorted(fields - documented)]
        return found
    target = obj.__init__ if inspect.isclass(obj) else obj
    expected = _signature_names(target)
    documented = _names(doc["Parameters"])
    found += [f"{name}: parameter {p!r} not under Parameters" for p in sorted(expected - documented)]
    found += [f"{name}: documents {p!r}, which it does not take" for p in sorted(documented - expected)]
    if inspect.isfunction(obj):
        returns = inspect.signature(obj).return_annotation
        if returns not in (None, "None") and not doc["Returns"] and not doc["Yields"]:
            found.append(f"{name}: no Returns section")
    return found


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_public_docstrings_follow_numpydoc(topic):
    if topic in PENDING:
        pytest.skip(f"{topic}: docstrings being brought to the rules (tests/test_docstrings.py PENDING)")
    found = [p for name, obj in public(topic) for p in problems(name, obj)]
    assert not found, f"{len(found)} docstring problems:\n" + "\n".join(found)
