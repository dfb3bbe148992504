import re

import kit
from kit import config, fanout

from .conftest import ROOT


def test_reset_restores_defaults_and_functions_read_config_at_call_time():
    default = config.FANOUT_TRIALS
    config.FANOUT_TRIALS = 7
    try:
        assert fanout.simulate([1], seed=1).trials == 7
    finally:
        config.reset()
    assert config.FANOUT_TRIALS == default
    assert fanout.simulate([1], seed=1).trials == default


def test_reset_restores_lists_edited_in_place():
    default = list(config.RELIABILITY_STORM_PHASE_RATES)
    config.RELIABILITY_STORM_PHASE_RATES.append(999.0)
    config.reset()
    assert config.RELIABILITY_STORM_PHASE_RATES == default
    config.RELIABILITY_STORM_PHASE_RATES.append(999.0)  # the shipped defaults themselves stay untouched
    config.reset()
    assert config.RELIABILITY_STORM_PHASE_RATES == default


SHARED_PREFIXES = ("SEED", "UI_", "SWEEP_")


def _settings():
    return [name for name in vars(config) if name.isupper() and not name.startswith("_")]


def test_every_setting_is_named_after_its_topic_or_a_shared_layer():
    topics = {module.__name__.split(".")[1].upper() + "_" for module in kit.TOPICS.values()} | {"QUEUEING_"}
    for name in _settings():
        assert name.startswith(SHARED_PREFIXES) or name.startswith(tuple(topics)), name


def _read_by_field_name(name: str) -> bool:
    """A settings dataclass may fill field ``x`` from ``config.<TOPIC>_X`` by name (f"<TOPIC>_{...}")."""
    topic, _, field = name.partition("_")
    package = ROOT / "kit" / topic.lower()
    sources = "\n".join(p.read_text() for p in package.rglob("*.py")) if package.is_dir() else ""
    return f'f"{topic}_{{' in sources and re.search(rf"\b{field.lower()}\b", sources) is not None


def test_every_setting_is_read_somewhere():
    sources = "\n".join(p.read_text() for p in (ROOT / "kit").rglob("*.py") if p.name != "config.py")
    unread = [
        name
        for name in _settings()
        if not re.search(rf"\b{name}\b", sources) and not _read_by_field_name(name)
    ]
    assert not unread, f"settings no code reads: {unread}"
