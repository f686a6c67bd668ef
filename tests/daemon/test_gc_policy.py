"""The collector pause around a render: nested and overlapping pauses, and a collector that was
off before stays off."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from monitor.daemon import gc_policy


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    if enabled:
        gc.enable()


def test_tune_sets_the_thresholds() -> None:
    gc_policy.tune()
    assert gc.get_threshold() == gc_policy.THRESHOLDS


def test_overlapping_pauses_resume_collection_after_the_last() -> None:
    gc.enable()
    first, second = gc_policy.paused(), gc_policy.paused()
    first.__enter__()
    assert not gc.isenabled()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second render still runs
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_pause_ends_on_an_exception_too() -> None:
    gc.enable()
    with pytest.raises(ValueError, match="render failed"), gc_policy.paused():
        raise ValueError("render failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with gc_policy.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
